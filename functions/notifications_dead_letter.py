"""Pub/Sub (notifications-dead): a notification chunk that kept failing. Record why on each delivery."""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import NotificationRequested
from common.api.deps import Deps
from common.api.push import receive
from common.services.notifications import give_up
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.notifications_dead_letter")
deps = Deps()


@functions_framework.cloud_event
def notifications_dead_letter(cloud_event) -> None:
    if (received := receive(cloud_event, deps, NotificationRequested, BY_NAME["notifications_dead_letter"].dead_letter)) is None:
        return
    notification = received.command.data
    closed = give_up(deps.uow, notification, received.delivery_attempts, deps.now())
    log.error("notification given up", extra={"notification": notification.id, "deliveries_failed": closed})
