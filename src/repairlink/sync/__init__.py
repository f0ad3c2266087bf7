"""The sync engine: connectors speak their PMS, profiles state its rules, the engine
applies them."""
