"""Structured logs: one JSON object a line (structlog), for the service and the workers.

Every line carries what is bound in its context: `request_id` (and `agency_id` on the request's
own line) for an API or console request, `run_id` inside a sync run, `event_id` and
`delivery_id` while a delivery is sent. The standard library's loggers (ours, uvicorn's,
Procrastinate's) go through the same renderer, so an operator reads one format.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),  # the standard library's `extra={...}` fields
]


def configure(
    *, json: bool = True, level: int = logging.INFO, stream: TextIO | None = None
) -> None:
    """Route every logger through structlog: JSON lines (or coloured text for people)."""
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "procrastinate"):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our request line replaces it
    # httpx writes a line for every request at INFO: one per delivery to a PMS or webhook.
    # Each attempt is in the delivery's record and the metrics, a failure has our own line
    # with its event and delivery; the extra line cost a worker some 7% of its interpreter
    # time at 300 deliveries a second (bench/outbound.py, py-spy). Its warnings still show.
    logging.getLogger("httpx").setLevel(logging.WARNING)


bound = structlog.contextvars.bound_contextvars
