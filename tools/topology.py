"""Topics and subscriptions of the local Pub/Sub emulator, from functions/catalog.py, and the
evidence bucket of the local Cloud Storage emulator.

In production Terraform creates the same: a topic per event type, and for
each topic-triggered function a push subscription to it; on each event topic a
pull subscription of receipts for the outbox relay; the bucket, and an
Eventarc trigger for each storage-triggered function.

Eventarc, locally: the Storage emulator publishes the bucket's notifications to the topic
``evidence-bucket-notifications`` (what Cloud Storage does for an Eventarc trigger, in the
JSON_API_V1 format); its push subscription delivers them to the gateway's ``/_eventarc/storage``,
which turns each into the CloudEvent Eventarc would send (tools/gateway.py).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from common.domain.events import receipts_subscription
from functions.catalog import DEAD_LETTER_TOPICS, EVENT_TOPICS, FUNCTIONS, STORAGE_FUNCTIONS
from tools.infra_catalog import push_subscription_name

if TYPE_CHECKING:
    from tools.stack import StackInfo


def create_topics(info: "StackInfo") -> None:
    os.environ["PUBSUB_EMULATOR_HOST"] = info.pubsub
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    from tools.stack import STORAGE_EVENTS_TOPIC

    topics = set(EVENT_TOPICS) | {t for f in FUNCTIONS for t in f.topics} | set(DEAD_LETTER_TOPICS) | {STORAGE_EVENTS_TOPIC}
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
    # The receipts the outbox relay marks events published from (infra/pubsub.tf, as in production).
    for topic in sorted(set(EVENT_TOPICS)):
        try:
            subscriber.create_subscription(request={
                "name": subscriber.subscription_path(info.project, receipts_subscription(topic)),
                "topic": publisher.topic_path(info.project, topic),
                "ack_deadline_seconds": 60,
            })
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
    if STORAGE_FUNCTIONS:
        # Eventarc retries a failed delivery with backoff (for up to a day); so does this subscription.
        try:
            subscriber.create_subscription(request={
                "name": subscriber.subscription_path(info.project, "eventarc-storage"),
                "topic": publisher.topic_path(info.project, STORAGE_EVENTS_TOPIC),
                "push_config": {"push_endpoint": f"{info.functions}/_eventarc/storage"},
                "ack_deadline_seconds": 60,
                "retry_policy": {"minimum_backoff": {"seconds": 1}, "maximum_backoff": {"seconds": 10}},
            })
        except AlreadyExists:
            pass


def write_signing_key(path) -> None:
    """A throwaway service-account key that signs the local stack's evidence URLs (production
    signs with IAM signBlob and has no key). Made here, never committed, never leaves .local/."""
    import json
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = Path(path)
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "demo-local", "private_key_id": "local-signer", "private_key": pem,
        "client_email": "evidence-signer@demo-local.iam.gserviceaccount.com", "client_id": "0",
        "token_uri": "http://127.0.0.1:9/token",  # never called: signing needs no token
    }))
    path.chmod(0o600)


def create_bucket(info: "StackInfo") -> None:
    """The evidence bucket in the Storage emulator, and the key that signs its URLs."""
    import requests

    write_signing_key(info.signing_key_file)
    response = requests.post(f"{info.storage}/storage/v1/b", params={"project": info.project}, json={"name": info.evidence_bucket}, timeout=10)
    if response.status_code not in (200, 409):
        raise RuntimeError(f"could not create the bucket {info.evidence_bucket}: {response.status_code} {response.text[:200]}")
