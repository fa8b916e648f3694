"""Pub/Sub (scoring-unit-dead): a unit whose scoring kept failing. Record it as failed in its run."""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import UnitRequested
from common.api.deps import Deps
from common.api.push import receive
from common.services.scoring import mark_unit_failed
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.scoring_dead_letter")
deps = Deps()


@functions_framework.cloud_event
def scoring_dead_letter(cloud_event) -> None:
    if (received := receive(cloud_event, deps, UnitRequested, BY_NAME["scoring_dead_letter"].dead_letter)) is None:
        return
    data = received.command.data
    reason = f"gave up after {received.delivery_attempts} delivery attempts"
    mark_unit_failed(deps.uow, data.run_id, data.unit_id, reason, deps.now())
