"""Pub/Sub (notifications): deliver one chunk of a notification on each recipient's channels.

Raises when a delivery failed in a way worth retrying, so Pub/Sub redelivers
with backoff; what was already sent is not sent again.
"""

from __future__ import annotations

import logging
from functools import cached_property

import functions_framework

from common.api.commands import NotificationRequested
from common.api.deps import Deps
from common.api.push import receive
from common.services.notifications import deliver
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.deliver_notifications")


class NotifyDeps(Deps):
    @cached_property
    def email(self):
        from common.adapters.smtp import SmtpSender

        return SmtpSender(self.settings)

    @cached_property
    def push(self):
        from common.adapters.fcm import FcmSender

        return FcmSender(self.settings)


deps = NotifyDeps()


@functions_framework.cloud_event
def deliver_notifications(cloud_event) -> None:
    if (received := receive(cloud_event, deps, NotificationRequested, BY_NAME["deliver_notifications"].dead_letter)) is None:
        return
    notification = received.command.data
    tally = deliver(deps.uow, deps.email, deps.push, notification, deps.now(), deps.settings.base_url)
    log.info("notification delivered", extra={"notification": notification.id, "tally": tally})
