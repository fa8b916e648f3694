"""Pub/Sub (scoring-unit-dead): a unit whose scoring kept failing. Record it as failed in its run."""

from __future__ import annotations

import base64
import json
import logging

import functions_framework

from common.api.deps import Deps
from common.logs import configure, request_id_var
from common.services.scoring import mark_unit_failed

log = logging.getLogger("pantau.scoring_dead_letter")
deps = Deps()


@functions_framework.cloud_event
def scoring_dead_letter(cloud_event) -> None:
    configure(deps.settings.log_level)
    message = cloud_event.data["message"]
    event = json.loads(base64.b64decode(message["data"]))
    request_id_var.set(event.get("id"))
    attempts = (message.get("attributes") or {}).get("CloudPubSubDeadLetterSourceDeliveryCount", "?")
    data = event["data"]
    mark_unit_failed(deps.uow, deps.publisher, data["run_id"], data["unit_id"], f"gave up after {attempts} delivery attempts", deps.now())
