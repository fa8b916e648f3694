"""After a transaction commits: try to publish its events right away.

The events were already written to the outbox inside the transaction, so a
failure here loses nothing: the outbox relay publishes them later. The caller
still gets its answer; only the delivery is late.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from common.domain.events import Event

from .ports import Outbox, Publisher, PublishError

log = logging.getLogger(__name__)

def publish_committed(events: list[Event], publisher: Publisher, outbox: Outbox, now: datetime) -> bool:
    if not events:
        return True
    ids = [e.id for e in events]
    try:
        publisher.publish(events)
    except PublishError as error:
        log.warning("publish failed, events stay in the outbox for the relay", extra={"event_ids": ids, "error": str(error)})
        try:
            outbox.mark_failed(ids, str(error))
        except Exception:  # the relay finds pending events without this note
            log.exception("could not note the publish failure in the outbox")
        return False
    try:
        outbox.mark_published(ids, now)
    except Exception:  # harmless: the relay republishes and consumers drop repeats by id
        log.exception("published, but could not mark the outbox", extra={"event_ids": ids})
    return True

def relay_outbox(outbox: Outbox, publisher: Publisher, now: datetime, grace_seconds: int, limit: int) -> dict[str, int]:
    """Publish events that were committed but not published (the scheduled sweep)."""
    pending = outbox.pending(created_before=now - timedelta(seconds=grace_seconds), limit=limit)
    published = failed = 0
    for entry in pending:
        if publish_committed([entry.event], publisher, outbox, now):
            published += 1
        else:
            failed += 1
    return {"pending": len(pending), "published": published, "failed": failed}
