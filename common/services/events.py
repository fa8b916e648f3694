"""After a transaction commits: try to publish its events right away.

The events were already written to the outbox inside the transaction, so a
failure here loses nothing: the outbox relay publishes them later. The caller
still gets its answer; only the delivery is late.

Nor does the caller wait for the outbox to be told: every event topic has a receipts
subscription (common.domain.events.receipts_subscription), and the relay, each minute,
marks published the entries Pub/Sub has stored before it looks for ones to publish again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from common.domain.events import Event

from .ports import Outbox, Publisher, PublishError

log = logging.getLogger(__name__)


def publish_committed(events: list[Event], publisher: Publisher, outbox: Outbox) -> bool:
    """Publish; the entries stay pending until the relay reads Pub/Sub's receipts of them
    (``confirm_published``), so the request that published answers without a commit for the mark."""
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
    return True


MAX_RECEIPT_ROUNDS = 50  # a sweep's pulls while receipts keep coming; the next sweep takes the rest


def confirm_published(outbox: Outbox, publisher: Publisher, now: datetime, limit: int) -> int:
    """Mark published the pending entries whose events Pub/Sub has stored, then acknowledge the
    receipts: a sweep that stops between the two marks them again, which changes nothing."""
    confirmed = 0
    for _ in range(MAX_RECEIPT_ROUNDS):
        receipts = publisher.receipts(limit)
        if receipts.event_ids:
            # Not every message on an event topic came through the outbox (reminders are published
            # as they are planned), and an entry the relay published itself is marked already.
            entries = outbox.get_many(receipts.event_ids)
            waiting = [i for i, entry in entries.items() if entry.published_at is None]
            if waiting:
                outbox.mark_published(waiting, now)
            confirmed += len(waiting)
        receipts.acknowledge()
        if not receipts.more:
            break  # every topic answered empty
    return confirmed


def relay_outbox(outbox: Outbox, publisher: Publisher, now: datetime, grace_seconds: int, limit: int) -> dict[str, int]:
    """The scheduled sweep: mark what Pub/Sub has received, then publish what is still pending
    past its grace (committed, but its publish failed or its process stopped first)."""
    confirmed = confirm_published(outbox, publisher, now, limit)
    pending = outbox.pending(created_before=now - timedelta(seconds=grace_seconds), limit=limit)
    published = failed = 0
    for entry in pending:
        if publish_committed([entry.event], publisher, outbox):
            try:
                outbox.mark_published([entry.event.id], now)  # its receipt comes too, and finds it marked
            except Exception:  # its receipt marks it on the next sweep
                log.exception("published, but could not mark the outbox", extra={"event_ids": [entry.event.id]})
            published += 1
        else:
            failed += 1
    return {"confirmed": confirmed, "pending": len(pending), "published": published, "failed": failed}
