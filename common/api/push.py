"""What every Pub/Sub-triggered function does first with the message it was pushed."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from common.logs import configure, request_id_var


@dataclass
class Pushed:
    body: dict[str, Any]  # the message's JSON: our event envelope, or a scheduler's small payload
    attributes: dict[str, str]

    @property
    def data(self) -> dict[str, Any]:
        return self.body.get("data", self.body)

    @property
    def delivery_attempts(self) -> str:
        """How often Pub/Sub tried before dead-lettering it (only on dead-letter topics)."""
        return self.attributes.get("CloudPubSubDeadLetterSourceDeliveryCount", "?")


def receive(cloud_event: Any, log_level: str) -> Pushed:
    """Set up logging, decode the message, and make the event's id (or the delivery's) the
    request id of every log line the handler writes."""
    configure(log_level)
    message = cloud_event.data["message"]
    body = json.loads(base64.b64decode(message.get("data") or b"") or b"{}")
    body = body if isinstance(body, dict) else {}
    request_id_var.set(body.get("id") or cloud_event["id"])
    return Pushed(body=body, attributes=message.get("attributes") or {})
