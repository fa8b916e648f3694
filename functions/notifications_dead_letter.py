"""Pub/Sub (notifications-dead): a notification chunk that kept failing. Record why on each delivery."""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.logs import configure, request_id_var
from common.services.notifications import give_up
from functions.deliver_notifications import notification_of

log = logging.getLogger("pantau.notifications_dead_letter")
deps = Deps()


@functions_framework.cloud_event
def notifications_dead_letter(cloud_event) -> None:
    configure(deps.settings.log_level)
    message_id, notification = notification_of(cloud_event)
    request_id_var.set(message_id)
    attempts = (cloud_event.data["message"].get("attributes") or {}).get("CloudPubSubDeadLetterSourceDeliveryCount", "?")
    closed = give_up(deps.uow, notification, attempts, deps.now())
    log.error("notification given up", extra={"notification": notification.id, "deliveries_failed": closed})
