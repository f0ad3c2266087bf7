"""The REST API: FastAPI routers over the services, RFC 9457 problems, bearer auth."""
