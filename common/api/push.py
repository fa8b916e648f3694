"""What every Pub/Sub-triggered function does first with the message it was pushed.

``receive`` sets up logging (the request id is the event's id; the trace is the publishing
request's), decodes the message and validates it as the function's command. A message that
is not one (not JSON, the wrong shape) can never succeed, so it is not retried: it goes to
the function's dead-letter topic, as it came, with a ``reason`` attribute, and is acknowledged.
If that forward fails, the handler fails and Pub/Sub delivers the message again: nothing is lost.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from common.logs import configure, parse_trace, request_id_var, span_var, trace_var

C = TypeVar("C", bound=BaseModel)
log = logging.getLogger("pantau.push")
REASON_LIMIT = 500  # characters of the reason attribute: enough for the fields that failed


@dataclass
class Received(Generic[C]):
    command: C
    attributes: dict[str, str]

    @property
    def delivery_attempts(self) -> str:
        """How often Pub/Sub tried before dead-lettering it (only on dead-letter topics)."""
        return self.attributes.get("CloudPubSubDeadLetterSourceDeliveryCount", "?")


def receive(cloud_event: Any, deps: Any, command: type[C], dead_letter: str | None) -> Received[C] | None:
    """The message as ``command``, or None when it was forwarded to ``dead_letter`` as invalid."""
    configure(deps.settings.log_level)
    message = (cloud_event.data or {}).get("message") or {}
    attributes = {str(k): str(v) for k, v in (message.get("attributes") or {}).items()}
    raw = message.get("data") or ""
    trace, span = parse_trace(deps.settings.project_id, traceparent=_extension(cloud_event, "traceparent"))
    if attributes.get("trace", "").startswith(f"projects/{deps.settings.project_id}/traces/"):
        trace, span = attributes["trace"], attributes.get("span") or span  # the request that published it
    trace_var.set(trace)
    span_var.set(span)
    request_id_var.set(attributes.get("event_id") or cloud_event["id"])
    try:
        body = json.loads(base64.b64decode(raw, validate=True) or b"{}")
        return Received(command.model_validate(body), attributes)
    except (binascii.Error, ValueError, ValidationError) as error:
        reason = _reason(error)
    # Only where it failed and why: the contents may be personal data and stay out of the log.
    log.warning("invalid message forwarded to the dead-letter topic",
                extra={"reason": reason, "dead_letter": dead_letter, "command": command.__name__, "message_id": cloud_event["id"]})
    if dead_letter is None:
        raise RuntimeError(f"invalid message and no dead-letter topic: {reason}")
    data = base64.b64decode(raw) if _is_base64(raw) else str(raw).encode()
    deps.publisher.forward(dead_letter, data, {**attributes, "reason": reason, "rejected_by": command.__name__})
    return None


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        parts = [f"{'.'.join(map(str, e['loc'])) or '(message)'}: {e['type']}" for e in error.errors(include_url=False, include_input=False)]
        text = "invalid: " + "; ".join(parts)
    elif isinstance(error, binascii.Error):
        text = "not base64"
    else:
        text = "not JSON"
    return text[:REASON_LIMIT]


def _is_base64(raw: Any) -> bool:
    try:
        base64.b64decode(raw, validate=True)
        return True
    except (binascii.Error, TypeError, ValueError):
        return False


def _extension(cloud_event: Any, name: str) -> str:
    try:
        value = cloud_event[name]
    except KeyError:
        return ""
    return value if isinstance(value, str) else ""
