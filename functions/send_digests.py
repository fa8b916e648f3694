"""Pub/Sub (digest-tick, daily 16:00 WIB): each person's daily digest, one message with
everything they chose to hear about once a day.

Safe to run twice: a digest is closed in the same transaction that puts its
notification in the outbox, so it is sent once; what arrives later joins tomorrow's.
"""

from __future__ import annotations

import logging

import functions_framework

from common.api.commands import Tick
from common.api.deps import Deps
from common.api.push import receive
from common.services.notifications import send_digests as send
from functions.catalog import BY_NAME

log = logging.getLogger("pantau.send_digests")
deps = Deps()


@functions_framework.cloud_event
def send_digests(cloud_event) -> None:
    if receive(cloud_event, deps, Tick, BY_NAME["send_digests"].dead_letter) is None:
        return
    sent = send(deps.uow, deps.now(), deps.settings.notify_chunk)
    log.info("digests queued", extra={"digests": sent})
