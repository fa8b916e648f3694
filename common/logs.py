"""Structured JSON logs in the shape Cloud Logging reads from stdout.

``severity`` sets the level, ``logging.googleapis.com/trace`` ties a line to
its request's trace, ``httpRequest`` makes a request log entry. Every line
written while a request is handled carries its ``request_id``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from datetime import datetime, timezone
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
trace_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace", default=None)
span_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("span", default=None)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}
_SEVERITY = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARNING", "ERROR": "ERROR", "CRITICAL": "CRITICAL"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": _SEVERITY.get(record.levelname, "DEFAULT"),
            "message": record.getMessage(),
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "logger": record.name,
        }
        if request_id := request_id_var.get():
            entry["request_id"] = request_id
        if trace := trace_var.get():
            entry["logging.googleapis.com/trace"] = trace
            if span := span_var.get():
                entry["logging.googleapis.com/spanId"] = span
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            # Stack traces go to the log, never to the client.
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def parse_trace(project_id: str, cloud_trace: str = "", traceparent: str = "") -> tuple[str | None, str | None]:
    """(trace, span id) from Google's X-Cloud-Trace-Context (``TRACE/SPAN;o=1``, the span in
    decimal) or W3C's traceparent (``00-TRACE-SPAN-01``, hex), as Cloud Logging names them."""
    if found := re.fullmatch(r"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}", traceparent.strip()):
        trace_id, span = found.group(1), found.group(2)
    elif found := re.match(r"([0-9a-f]{32})(?:/(\d{1,20}))?", cloud_trace.strip()):
        trace_id, span = found.group(1), f"{int(found.group(2)):016x}" if found.group(2) else None
    else:
        return None, None
    if set(trace_id) == {"0"}:
        return None, None
    return f"projects/{project_id}/traces/{trace_id}", span


def trace_attributes() -> dict[str, str]:
    """The current trace, for a published message: its handler's log lines join the same trace."""
    trace, span = trace_var.get(), span_var.get()
    if not trace:
        return {}
    return {"trace": trace, **({"span": span} if span else {})}


_configured = False


def configure(level: str = "INFO") -> None:
    """Send every logger's records to stdout as JSON lines (once per process)."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("urllib3", "google.auth", "google.api_core", "werkzeug"):
        logging.getLogger(noisy).setLevel("WARNING")
    _configured = True
