"""Structured JSON logs in UTC with the request id, and a filter that masks personal data.

Every record passes through `RedactingFilter`: a NIR, an IBAN, a bearer token, a JWT or an API
key that slipped into a message, its arguments or a traceback is masked before any handler sees
it (docs/security.md: logs never contain them).
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from remuneration.domain.masking import redact_text

__all__ = ["REQUEST_ID", "JsonFormatter", "RedactingFilter", "configure_logging"]

REQUEST_ID: ContextVar[str | None] = ContextVar("remu_request_id", default=None)


class RedactingFilter(logging.Filter):
    """Rewrite the record's message (arguments merged) and exception text, masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.request_id = REQUEST_ID.get()
        record.remu_redacted = True
        return True


def _redacted_message(record: logging.LogRecord) -> str:
    """The record's message, masked: once only when `RedactingFilter` has already masked it (the
    access log writes a line per request)."""
    message = record.getMessage()
    return message if getattr(record, "remu_redacted", False) else redact_text(message)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": _redacted_message(record),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        if record.exc_text:
            data["exception"] = redact_text(record.exc_text)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(
    *, json_lines: bool = True, level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """Install one redacting handler on the root logger (idempotent unless a stream is given)."""
    root = logging.getLogger()
    for existing in root.handlers:
        if getattr(existing, "remu_handler", False) and stream is None:
            return existing
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter("%(message)s"))
    handler.remu_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).addFilter(RedactingFilter())
    return handler
