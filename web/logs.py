"""Log lines: plain text for people, or one JSON object a line for log shippers
(``STATIONS_LOG_FORMAT=json``), every line of a request carrying its request id.

``stations serve`` hands :func:`log_config` to uvicorn, so the server's own lines and the
app's share one format. The request id comes from :data:`REQUEST_ID`, set by
:class:`web.observe.RequestObserver` for the duration of each request (threads that run
sync routes get a copy of the context, so their lines carry it too).
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
ACCESS_FIELDS = ("request_id", "method", "path", "route", "status", "duration_ms", "client")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", request fields…, "traceback"}``, one a line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None and value != "-":
                out[name] = value
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def log_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn and the app.

    uvicorn's own access log is switched off: :class:`web.observe.RequestObserver`
    writes one line per request with what uvicorn's lacks (request id, route, duration).
    """
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "web.logs.RequestIdFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "web.logs.JsonFormatter"},
        },
        "handlers": {
            "default": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                        "formatter": formatter, "filters": ["request_id"]},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "alembic": {"level": "WARNING"},  # "Context impl …" on every start says nothing
        },
        "root": {"handlers": ["default"], "level": level},
    }


def configure(log_format: str, level: str = "INFO") -> None:
    """Apply :func:`log_config` to this process (for servers not started by ``stations serve``)."""
    import logging.config

    logging.config.dictConfig(log_config(log_format, level))
