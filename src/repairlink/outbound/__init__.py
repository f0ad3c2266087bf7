"""The way out: which destinations hear an event (fan-out), the delivery ledger shared by PMS
connections and webhooks, its views, and an issue's steps out to a PMS."""
