"""Pub/Sub (report-reviewed, report-submitted, investigation-opened, finding-opened,
scoring-completed, objection-filed, objection-decided, objection-overdue): decide who must be told, now or in their daily digest, and queue it.

Safe to run twice: notifications have derived ids and are delivered at most
once per person and channel; a fact joins a person's digest once.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import NotifiableEvent
from common.api.deps import Deps
from common.api.push import receive
from common.services.notifications import plan_for_event, queue
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.notify_events")
deps = Deps()


@functions_framework.cloud_event
def notify_events(cloud_event) -> None:
    if (received := receive(cloud_event, deps, NotifiableEvent, BY_NAME["notify_events"].dead_letter)) is None:
        return
    event = received.command
    planned = plan_for_event(deps.uow, event)
    messages = queue(deps.uow, deps.publisher, planned, deps.now(), deps.settings.notify_chunk)
    log.info("notifications queued", extra={"event": event.id, "notifications": [n.id for n in planned.notifications],
                                            "digest_entries": len(planned.digests), "messages": messages})
