"""Pub/Sub (digest-tick, daily 16:00 WIB): one message per supervisor for the reports their
team submitted today."""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.api.push import receive
from common.domain.clock import WIB
from common.services.notifications import plan_digests, publish_notifications

log = logging.getLogger("pantau.send_digests")
deps = Deps()


@functions_framework.cloud_event
def send_digests(cloud_event) -> None:
    receive(cloud_event, deps.settings.log_level)
    now = deps.now()
    notifications = plan_digests(deps.uow, now.astimezone(WIB).date(), now)
    messages = publish_notifications(deps.publisher, notifications, deps.settings.notify_chunk)
    log.info("digests queued", extra={"supervisors": len(notifications), "messages": messages})
