"""The way in: the sync engine (pull pages, match, decide by the profile, apply, checkpoint),
run reports, dry runs and reconciliation."""
