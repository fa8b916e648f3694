"""Pub/Sub (scoring-unit): score one unit of a run, atomically.

Raising makes Pub/Sub deliver again; after the subscription's maximum
attempts the message goes to scoring-unit-dead, where scoring_dead_letter
records the unit as failed so the run can finish and show it.
"""

from __future__ import annotations

import base64
import json
import logging

import functions_framework

from common.api.deps import Deps
from common.logs import configure, request_id_var
from common.services.scoring import score_unit as score

log = logging.getLogger("pantau.score_unit")
deps = Deps()


@functions_framework.cloud_event
def score_unit(cloud_event) -> None:
    configure(deps.settings.log_level)
    event = json.loads(base64.b64decode(cloud_event.data["message"]["data"]))
    request_id_var.set(event.get("id"))
    data = event["data"]
    score(deps.uow, deps.publisher, deps.settings, data["run_id"], data["period"], data["unit_id"], deps.now())
