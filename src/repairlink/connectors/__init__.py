"""One folder per PMS: its client, mapping, profile (its rules) and typed config."""
