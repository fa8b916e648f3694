"""Pub/Sub (reminders-tick, daily 08:00 WIB): remind everyone who has not reported, a few
days before the deadline and the day after it; flag each objection (keberatan) past its due date
to BKPSDM, once."""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import Tick
from common.api.deps import Deps
from common.api.push import receive
from common.services.notifications import plan_reminders, publish_notifications
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.send_reminders")
deps = Deps()


@functions_framework.cloud_event
def send_reminders(cloud_event) -> None:
    if receive(cloud_event, deps, Tick, BY_NAME["send_reminders"].dead_letter) is None:
        return
    from common.api.messages import finding_texts
    from common.services.objections import flag_overdue

    now = deps.now()
    notifications = plan_reminders(deps.uow, deps.settings, now)
    messages = publish_notifications(deps.publisher, notifications, deps.settings.notify_chunk)
    overdue = flag_overdue(deps.uow, deps.settings, now, finding_texts)
    log.info("reminders queued", extra={"notifications": [n.id for n in notifications], "messages": messages, "objections_overdue": overdue})
