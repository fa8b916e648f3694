"""Pub/Sub (scoring-requested; Cloud Scheduler on the 6th at 02:00 WIB): start the month's run.

The scheduler's message scores the previous month; a message may name a
period instead. The run id comes from the period, so a repeated scheduler
message starts nothing new.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.api.push import receive
from common.services.scoring import SCHEDULER, scheduled_period, start_run

log = logging.getLogger("pantau.scoring_start")
deps = Deps()


@functions_framework.cloud_event
def scoring_start(cloud_event) -> None:
    data = receive(cloud_event, deps.settings.log_level).data
    period = data.get("period") or scheduled_period(deps.now())
    run = start_run(deps.uow, period, data.get("requested_by", SCHEDULER), deps.now(), run_id=f"{period}-scheduled")
    log.info("scoring run started", extra={"run_id": run.id, "period": period, "units": run.total})
