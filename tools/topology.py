"""Topics and subscriptions of the local Pub/Sub emulator, from functions/catalog.py.

In production Terraform creates the same: a topic per event type, and for
each topic-triggered function a push subscription to it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from functions.catalog import DEAD_LETTER_TOPICS, EVENT_TOPICS, FUNCTIONS
from tools.infra_catalog import push_subscription_name

if TYPE_CHECKING:
    from tools.stack import StackInfo


def create_topics(info: "StackInfo") -> None:
    os.environ["PUBSUB_EMULATOR_HOST"] = info.pubsub
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topics = set(EVENT_TOPICS) | {t for f in FUNCTIONS for t in f.topics} | set(DEAD_LETTER_TOPICS)
    for topic in sorted(topics):
        try:
            publisher.create_topic(name=publisher.topic_path(info.project, topic))
        except AlreadyExists:
            pass
    for function, topic in ((f, t) for f in FUNCTIONS if f.trigger == "topic" for t in f.topics):
        subscription = subscriber.subscription_path(info.project, push_subscription_name(function, topic))
        request = {
            "name": subscription,
            "topic": publisher.topic_path(info.project, topic),
            "push_config": {"push_endpoint": f"{info.functions}/{function.function_id}"},
            "ack_deadline_seconds": 60,
            "retry_policy": {"minimum_backoff": {"seconds": 1}, "maximum_backoff": {"seconds": 10}},
        }
        if function.dead_letter:
            request["dead_letter_policy"] = {
                "dead_letter_topic": publisher.topic_path(info.project, function.dead_letter),
                "max_delivery_attempts": function.max_attempts,
            }
        try:
            subscriber.create_subscription(request=request)
        except AlreadyExists:
            pass
    # A dead-letter topic that no function consumes keeps its messages in a pull
    # subscription, so nothing is dropped and someone can look.
    consumed = {t for f in FUNCTIONS for t in f.topics}
    for topic in DEAD_LETTER_TOPICS:
        if topic in consumed:
            continue
        try:
            subscriber.create_subscription(
                name=subscriber.subscription_path(info.project, f"{topic}-hold"), topic=publisher.topic_path(info.project, topic)
            )
        except AlreadyExists:
            pass
