"""Reads what was published: a pull subscription per topic on the Pub/Sub emulator."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any, Callable


class Tap:
    """A fresh pull subscription on a topic, created before the action under test."""

    def __init__(self, project: str, topic: str) -> None:
        from google.cloud import pubsub_v1

        self.subscriber = pubsub_v1.SubscriberClient()
        self.path = self.subscriber.subscription_path(project, f"tap-{topic}-{uuid.uuid4().hex[:8]}")
        self.subscriber.create_subscription(name=self.path, topic=f"projects/{project}/topics/{topic}")
        self.seen: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []  # each message as Pub/Sub pushes it, to push it again

    def pull(self, until: Callable[[list[dict[str, Any]]], bool] = lambda seen: bool(seen), timeout: float = 15) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            from google.api_core.exceptions import DeadlineExceeded

            try:
                response = self.subscriber.pull(subscription=self.path, max_messages=100, timeout=2)
            except DeadlineExceeded:
                response = None
            if response and response.received_messages:
                self.subscriber.acknowledge(subscription=self.path, ack_ids=[m.ack_id for m in response.received_messages])
                for message in response.received_messages:
                    self.raw.append({
                        "data": base64.b64encode(message.message.data).decode(), "attributes": dict(message.message.attributes),
                        "messageId": message.message.message_id, "publishTime": message.message.publish_time.isoformat(),
                    })
                    event = json.loads(message.message.data)
                    event["_attributes"] = dict(message.message.attributes)
                    self.seen.append(event)
            if until(self.seen) or time.monotonic() > deadline:
                return self.seen
            time.sleep(0.2)

    def about(self, report_id: str, timeout: float = 15, count: int = 1) -> list[dict[str, Any]]:
        matching = lambda seen: [e for e in seen if e["data"].get("report_id") == report_id]  # noqa: E731
        self.pull(lambda seen: len(matching(seen)) >= count, timeout)
        return matching(self.seen)

    def close(self) -> None:
        self.subscriber.delete_subscription(subscription=self.path)


def recreate_topic(stack: Any, topic: str) -> None:
    """Put back a topic a test deleted, as the stack made it. Pub/Sub leaves a deleted topic's
    subscriptions detached (their topic is ``_deleted-topic_``) for good, so those are made again:
    the functions' push subscriptions and the outbox relay's receipts."""
    from google.cloud import pubsub_v1

    from tools.topology import create_topics

    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    publisher.create_topic(name=publisher.topic_path(stack.project, topic))
    for subscription in subscriber.list_subscriptions(project=f"projects/{stack.project}"):
        if subscription.topic == "_deleted-topic_":
            subscriber.delete_subscription(subscription=subscription.name)
    create_topics(stack)
