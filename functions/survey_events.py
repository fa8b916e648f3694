"""Pub/Sub (survey-submitted): update the unit's complaint picture; open an investigation on a spike.

Safe to run twice and in any order: the picture is recomputed from the stored
responses, and the investigation guard lets one spike open one investigation.
Raising makes Pub/Sub deliver the message again.
"""

from __future__ import annotations

import base64
import json
import logging

import functions_framework

from common.api.deps import Deps
from common.logs import configure, request_id_var
from common.services.complaints import on_survey_submitted

log = logging.getLogger("pantau.survey_events")
deps = Deps()


def event_of(cloud_event) -> dict:
    message = cloud_event.data["message"]
    return json.loads(base64.b64decode(message["data"]))


@functions_framework.cloud_event
def survey_events(cloud_event) -> None:
    configure(deps.settings.log_level)
    event = event_of(cloud_event)
    request_id_var.set(event.get("id"))
    unit_id = event["data"]["unit_id"]
    opened = on_survey_submitted(
        deps.uow, deps.publisher, deps.settings.spike_rule, deps.settings.holiday_dates, unit_id, deps.now()
    )
    log.info("complaint picture updated", extra={"unit_id": unit_id, "investigation": opened.id if opened else None})
