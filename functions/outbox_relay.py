"""Pub/Sub (outbox-sweep, every minute): publish events whose publish failed after their write.

Safe to run twice or concurrently: publishing an event again is harmless
because consumers drop repeats by event id.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import Tick
from common.api.deps import Deps
from common.api.push import receive
from common.services.events import relay_outbox
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.outbox_relay")
deps = Deps()


@functions_framework.cloud_event
def outbox_relay(cloud_event) -> None:
    if receive(cloud_event, deps, Tick, BY_NAME["outbox_relay"].dead_letter) is None:
        return
    counts = relay_outbox(
        deps.uow.outbox, deps.publisher, deps.now(), deps.settings.outbox_grace_seconds, deps.settings.outbox_batch
    )
    log.info("outbox swept", extra={"counts": counts, "trigger_id": cloud_event["id"]})
    if counts["failed"]:
        # Failing makes Pub/Sub deliver the sweep again; pending events are also retried next minute.
        raise RuntimeError(f"{counts['failed']} events could not be published")
