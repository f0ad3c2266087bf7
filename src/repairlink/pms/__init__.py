"""What both directions share with a PMS: the rules vocabulary (profiles), the records a
connector hands in, fetch errors, the connector protocols."""
