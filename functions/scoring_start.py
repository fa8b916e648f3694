"""Pub/Sub (scoring-requested; Cloud Scheduler on the 6th at 02:00 WIB): start the month's run.

The scheduler's message scores the previous month; a message may name a
period instead. The run id comes from the period, so a repeated scheduler
message starts nothing new.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import ScoringRequested
from common.api.deps import Deps
from common.api.push import receive
from common.services.scoring import scheduled_period, start_run
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.scoring_start")
deps = Deps()


@functions_framework.cloud_event
def scoring_start(cloud_event) -> None:
    if (received := receive(cloud_event, deps, ScoringRequested, BY_NAME["scoring_start"].dead_letter)) is None:
        return
    period = received.command.period or scheduled_period(deps.now())
    run = start_run(deps.uow, period, received.command.requested_by, deps.now(), run_id=f"{period}-scheduled")
    log.info("scoring run started", extra={"run_id": run.id, "period": period, "units": run.total})
