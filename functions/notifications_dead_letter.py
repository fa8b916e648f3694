"""Pub/Sub (notifications-dead): a notification chunk that kept failing. Record why on each delivery."""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.api.push import receive
from common.domain.notifications import Notification
from common.services.notifications import give_up

log = logging.getLogger("pantau.notifications_dead_letter")
deps = Deps()


@functions_framework.cloud_event
def notifications_dead_letter(cloud_event) -> None:
    pushed = receive(cloud_event, deps.settings.log_level)
    notification = Notification.model_validate(pushed.data)
    closed = give_up(deps.uow, notification, pushed.delivery_attempts, deps.now())
    log.error("notification given up", extra={"notification": notification.id, "deliveries_failed": closed})
