"""Publishes domain events to their Pub/Sub topics."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from common.domain.events import Event
from common.logs import trace_attributes
from common.services.ports import PublishError
from common.settings import Settings

if TYPE_CHECKING:
    from google.cloud.pubsub_v1 import PublisherClient

_client: "PublisherClient | None" = None
_lock = threading.Lock()


def get_publisher_client() -> "PublisherClient":
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                from google.cloud import pubsub_v1

                _client = pubsub_v1.PublisherClient()
    return _client


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

    def _send(self, messages: list[tuple[str, bytes, dict[str, str]]]) -> None:
        """One Publish per topic, all sent at once and each waited for. Not the client's
        ``publish()``: its batching holds every message up to 10 ms (BatchSettings.max_latency)
        for others to join it, which a request that publishes one event waits for in full."""
        from google.pubsub_v1 import PublisherClient as Rpc
        from google.pubsub_v1 import PubsubMessage

        from .beside import beside

        by_topic: dict[str, list[PubsubMessage]] = {}
        for topic, data, attributes in messages:
            by_topic.setdefault(topic, []).append(PubsubMessage(data=data, attributes=attributes))
        if not by_topic:
            return
        timeout = self.settings.publish_timeout_seconds
        try:
            client = get_publisher_client()
            # The client's own class is the generated one underneath: its publish is the bare RPC.
            send = lambda topic: Rpc.publish(client, topic=topic, messages=by_topic[topic], timeout=timeout)  # noqa: E731
            first, *others = by_topic
            pending = [beside(send, topic) for topic in others]
            send(first)
            for future in pending:
                future.result(timeout=timeout)
        except Exception as error:  # any failure means "not known to be published"
            raise PublishError(f"{type(error).__name__}: {error}") from error
