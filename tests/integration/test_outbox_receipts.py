"""The outbox relay marks events published from Pub/Sub's receipts, on the emulator.

On topics of their own (a topic prefix), so no function consumes them and the stack's scheduled
relay, which reads the stack's topics, does not take the receipts first.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from common.adapters.pubsub import PubSubPublisher
from common.domain.events import TOPICS, Event, receipts_subscription
from common.services.events import confirm_published
from common.settings import Settings


def test_every_published_event_is_marked_from_its_receipt_and_none_goes_out_twice(stack, uow, clock):
    from google.cloud import pubsub_v1

    prefix = f"receipts-{uuid.uuid4().hex[:6]}-"
    publisher = PubSubPublisher(Settings(project_id=stack.project, topic_prefix=prefix))
    admin, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic = TOPICS["scoring.completed"]
    admin.create_topic(name=admin.topic_path(stack.project, prefix + topic))
    receipts = subscriber.subscription_path(stack.project, prefix + receipts_subscription(topic))
    subscriber.create_subscription(name=receipts, topic=admin.topic_path(stack.project, prefix + topic))
    watch = subscriber.subscription_path(stack.project, f"{prefix}watch")  # everything that reaches the topic
    subscriber.create_subscription(name=watch, topic=admin.topic_path(stack.project, prefix + topic))
    # More than one pull answers, in two publishes of the outbox's kind (the other topics have no
    # receipts subscription under this prefix: the relay goes on without them).
    now = clock.now()
    events = [Event.of("scoring.completed", key=f"{prefix}{i}", occurred_at=now, data={"run_id": f"{prefix}{i}"}) for i in range(250)]
    uow.outbox.add(events)
    publisher.publish(events[:120])
    publisher.publish(events[120:])
    assert all(entry.published_at is None for entry in uow.outbox.get_many(e.id for e in events).values())

    later = now + timedelta(minutes=5)  # past the grace: an entry left pending would be published again
    assert confirm_published(uow.outbox, publisher, later, 100) == 250
    ours = {e.id for e in events}  # the relay itself is not run: it would take other tests' pending entries too
    assert [entry for entry in uow.outbox.pending(later, 5000) if entry.event.id in ours] == []
    marked = uow.outbox.get_many(e.id for e in events)
    assert len(marked) == 250 and all(entry.published_at == later for entry in marked.values())
    assert subscriber.pull(subscription=receipts, max_messages=100, return_immediately=True).received_messages == []  # acknowledged
    seen: list[str] = []
    for _ in range(40):  # until all came and one more pull finds nothing (an empty answer may come early)
        answer = subscriber.pull(subscription=watch, max_messages=100, return_immediately=True)
        if not answer.received_messages and len(seen) >= len(events):
            break
        seen += [m.message.attributes["event_id"] for m in answer.received_messages]
        if answer.received_messages:
            subscriber.acknowledge(subscription=watch, ack_ids=[m.ack_id for m in answer.received_messages])
        else:
            time.sleep(0.1)
    assert sorted(seen) == sorted(e.id for e in events)  # each once: nothing was published again
