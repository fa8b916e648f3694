"""Publishes domain events to their Pub/Sub topics."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from common.domain.events import EVENT_TOPICS, Event, receipts_subscription
from common.logs import trace_attributes
from common.services.ports import PublishError, Receipts
from common.settings import Settings

if TYPE_CHECKING:
    from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

_client: "PublisherClient | None" = None
_subscriber: "SubscriberClient | None" = None
_lock = threading.Lock()
log = logging.getLogger(__name__)


def get_publisher_client() -> "PublisherClient":
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                from google.cloud import pubsub_v1

                _client = pubsub_v1.PublisherClient()
    return _client


def get_subscriber_client() -> "SubscriberClient":
    """Only the outbox relay pulls (the receipts); made on its first sweep."""
    global _subscriber
    if _subscriber is None:
        with _lock:
            if _subscriber is None:
                from google.cloud import pubsub_v1

                _subscriber = pubsub_v1.SubscriberClient()
    return _subscriber


class PubSubPublisher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def topic_path(self, topic: str) -> str:
        return f"projects/{self.settings.project_id}/topics/{self.settings.topic(topic)}"

    def publish(self, events: list[Event]) -> None:
        """Publish all events and wait for the server to acknowledge each one.

        The message carries the event as JSON and its id and type as attributes,
        so subscribers can filter and drop repeats without parsing the body.
        """
        trace = trace_attributes()  # the handlers' log lines join the trace of the request that published
        self._send([(self.topic_path(e.topic), e.model_dump_json().encode(), {"event_id": e.id, "event_type": e.type, **trace})
                    for e in events])

    def forward(self, topic: str, data: bytes, attributes: dict[str, str]) -> None:
        self._send([(self.topic_path(topic), data, attributes)])

    def receipts(self, limit: int) -> Receipts:
        """Pull each event topic's receipts subscription at once (one wait for all of them).

        ``return_immediately``: the relay drains what is there and goes on; Pub/Sub may answer
        empty while messages wait, and then an event is published again once its grace is over,
        which consumers drop by id. Without it, a quiet topic holds the pull open for seconds.
        """
        from .beside import beside

        client = get_subscriber_client()
        project = self.settings.project_id
        paths = [f"projects/{project}/subscriptions/{self.settings.topic(receipts_subscription(t))}" for t in EVENT_TOPICS]
        timeout = self.settings.publish_timeout_seconds

        def pull(path: str) -> tuple[str, list]:
            from google.api_core.exceptions import NotFound

            try:
                answer = client.pull(subscription=path, max_messages=limit, return_immediately=True, timeout=timeout)
            except NotFound:  # not made yet (a topic deployed before its receipts): its events go out again
                log.warning("no receipts subscription", extra={"subscription": path})
                return path, []
            return path, list(answer.received_messages)

        pulled = [future.result(timeout=2 * timeout) for future in [beside(pull, path) for path in paths]]
        ids = [m.message.attributes["event_id"] for _, messages in pulled for m in messages if "event_id" in m.message.attributes]

        def acknowledge() -> None:
            done = [beside(lambda p=path, m=messages: client.acknowledge(subscription=p, ack_ids=[x.ack_id for x in m], timeout=timeout))
                    for path, messages in pulled if messages]
            for future in done:
                future.result(timeout=2 * timeout)

        # Pub/Sub answers a pull with some of what waits, often fewer than asked: any answer means
        # there may be more (messages without an event id count too).
        return Receipts(list(dict.fromkeys(ids)), acknowledge, more=any(messages for _, messages in pulled))

    def _send(self, messages: list[tuple[str, bytes, dict[str, str]]]) -> None:
        """One Publish per topic (per ``PUBLISH_MESSAGES`` messages or ``PUBLISH_BYTES`` bytes),
        all sent at once and each waited for. Not the client's ``publish()``: its batching holds
        every message up to 10 ms (BatchSettings.max_latency) for others to join it, which a
        request that publishes one event waits for in full."""
        from google.pubsub_v1 import PublisherClient as Rpc

        from .beside import beside

        requests = _requests(messages)
        if not requests:
            return
        timeout = self.settings.publish_timeout_seconds
        try:
            client = get_publisher_client()
            # The client's own class is the generated one underneath: its publish is the bare RPC.
            send = lambda request: Rpc.publish(client, topic=request[0], messages=request[1], timeout=timeout)  # noqa: E731
            first, *others = requests
            pending = [beside(send, request) for request in others]
            send(first)
            for future in pending:
                future.result(timeout=timeout)
        except Exception as error:  # any failure means "not known to be published"
            raise PublishError(f"{type(error).__name__}: {error}") from error


# Below Pub/Sub's limits of a Publish request (1,000 messages, 10 MB), at the client's own batch size.
PUBLISH_MESSAGES = 100
PUBLISH_BYTES = 1_000_000


def _requests(messages: list[tuple[str, bytes, dict[str, str]]]) -> list[tuple[str, list]]:
    """The messages grouped by topic, in order, in requests of at most so many messages and bytes."""
    from google.pubsub_v1 import PubsubMessage

    requests: list[tuple[str, list]] = []
    open_request: dict[str, tuple[int, int]] = {}  # topic: its open request's index, and the bytes in it
    for topic, data, attributes in messages:
        size = len(data) + sum(len(k) + len(v) for k, v in attributes.items())
        index, used = open_request.get(topic, (-1, 0))
        if index < 0 or len(requests[index][1]) >= PUBLISH_MESSAGES or used + size > PUBLISH_BYTES:
            requests.append((topic, []))
            index, used = len(requests) - 1, 0
        requests[index][1].append(PubsubMessage(data=data, attributes=attributes))
        open_request[topic] = (index, used + size)
    return requests
