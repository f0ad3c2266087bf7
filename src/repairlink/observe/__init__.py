"""What an operator watches (issue 14, item 10): JSON logs with the request, agency, run and
event they belong to (`logs`), Prometheus metrics (`metrics`), liveness and readiness
(`health`). docs/operations.md."""
