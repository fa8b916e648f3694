"""Pub/Sub (scoring-unit): score one unit of a run, atomically.

Raising makes Pub/Sub deliver again; after the subscription's maximum
attempts the message goes to scoring-unit-dead, where scoring_dead_letter
records the unit as failed so the run can finish and show it.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import UnitRequested
from common.api.deps import Deps
from common.api.push import receive
from common.services.scoring import score_unit as score
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.score_unit")
deps = Deps()


@functions_framework.cloud_event
def score_unit(cloud_event) -> None:
    if (received := receive(cloud_event, deps, UnitRequested, BY_NAME["score_unit"].dead_letter)) is None:
        return
    data = received.command.data
    score(deps.uow, deps.settings, data.run_id, data.period, data.unit_id, deps.now())
