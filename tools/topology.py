"""Topics and subscriptions of the local Pub/Sub emulator, from functions/catalog.py.

In production Terraform creates the same: a topic per event type, and for
each topic-triggered function a push subscription to it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from functions.catalog import EVENT_TOPICS, FUNCTIONS

if TYPE_CHECKING:
    from tools.stack import StackInfo


def create_topics(info: "StackInfo") -> None:
    os.environ["PUBSUB_EMULATOR_HOST"] = info.pubsub
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topics = set(EVENT_TOPICS) | {f.topic for f in FUNCTIONS if f.topic}
    for topic in sorted(topics):
        try:
            publisher.create_topic(name=publisher.topic_path(info.project, topic))
        except AlreadyExists:
            pass
    for function in FUNCTIONS:
        if function.trigger != "topic":
            continue
        subscription = subscriber.subscription_path(info.project, f"{function.name}-push")
        request = {
            "name": subscription,
            "topic": publisher.topic_path(info.project, function.topic),
            "push_config": {"push_endpoint": f"{info.functions}/{function.name}"},
            "ack_deadline_seconds": 60,
            "retry_policy": {"minimum_backoff": {"seconds": 1}, "maximum_backoff": {"seconds": 30}},
        }
        try:
            subscriber.create_subscription(request=request)
        except AlreadyExists:
            pass
