"""Pub/Sub (report-reviewed, report-submitted, investigation-opened, finding-opened,
scoring-completed): decide who must be told, and queue the notifications.

Safe to run twice: notifications have derived ids and are delivered at most
once per person and channel; a submitted report joins the day's digest once.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.deps import Deps
from common.api.push import receive
from common.domain.events import Event
from common.services.notifications import plan_for_event, publish_notifications

log = logging.getLogger("pantau.notify_events")
deps = Deps()


@functions_framework.cloud_event
def notify_events(cloud_event) -> None:
    event = Event.model_validate(receive(cloud_event, deps.settings.log_level).body)
    notifications = plan_for_event(deps.uow, event)
    messages = publish_notifications(deps.publisher, notifications, deps.settings.notify_chunk)
    log.info("notifications queued", extra={"event": event.id, "notifications": [n.id for n in notifications], "messages": messages})
