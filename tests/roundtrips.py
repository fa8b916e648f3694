"""Counting the network round trips a request makes, on the real clients against the local stack.

A request's latency in production is mostly its sequential round trips to Firestore, Pub/Sub
and Firebase Auth (each a few milliseconds in the region), so this count, not the emulator's
time, is what the tests pin and the benchmark prints. It is test support: production never
loads it.

- Firestore and Pub/Sub: a gRPC client interceptor on the channel of clients made here (the
  adapters' process-wide clients are swapped for them while counting), one count per RPC:
  BeginTransaction, Commit, BatchGetDocuments, RunQuery, RunAggregationQuery, Publish...
  A streaming RPC is one round trip (its first answer is what the caller waits for).
- Firebase Auth: every HTTP request sent through ``requests`` (firebase-admin's transport),
  counted by host and path: the account look-up of the revocation check, certificate fetches.

The functions run in this process (functions-framework's ``create_app`` from main.py, driven
with Flask's test client), so every call they make passes through the counters.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import grpc

ROOT = Path(__file__).resolve().parent.parent


class Trips:
    """The calls seen while counting, in order: ("firestore", "Commit"), ("auth", "accounts:lookup")...,
    each with the times it was sent and answered, so calls in flight at once count as one wait."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.spans: list[list[float]] = []  # [sent, answered, thread] of each call, by perf_counter
        self._lock = threading.Lock()
        self.on = False
        self.handed = threading.local()  # when the call running on this pool thread was handed over

    def add(self, service: str, name: str) -> list[float] | None:
        """Count a call; the span returned is closed (its answer time set) by ``done``."""
        if not self.on:
            return None
        # A call made beside the request (common/adapters/beside.py) is in flight from when it was
        # handed to the pool: on the emulator a round trip can be quicker than a thread starts,
        # and in the region it is milliseconds, so the time it waited for a thread is not a wait.
        sent, self.handed.at = getattr(self.handed, "at", None) or time.perf_counter(), None
        span = [sent, float("inf"), float(threading.get_ident())]
        with self._lock:
            self.calls.append((service, name))
            self.spans.append(span)
        return span

    @staticmethod
    def done(span: list[float] | None) -> None:
        if span is not None:
            span[1] = time.perf_counter()

    @property
    def total(self) -> int:
        return len(self.calls)

    @property
    def sequential(self) -> int:
        """The round trips the caller waits for one after another: the longest chain of calls
        each sent after the one before was answered (calls in flight at once are one wait;
        earliest answer first finds the longest chain). A streaming call's end is seen by its
        done callback, which may come after the caller has its answer and has sent the next
        call: calls on one thread never overlap, so each ends by the next one's start."""
        spans = [[sent, end] for sent, end, _ in self.spans]
        by_thread: dict[float, list[list[float]]] = collections.defaultdict(list)
        for span, (_, _, thread) in zip(spans, self.spans):
            by_thread[thread].append(span)
        for own in by_thread.values():
            own.sort()
            for span, after in zip(own, own[1:]):
                span[1] = min(span[1], after[0])
        waits, answered = 0, float("-inf")
        for sent, end in sorted(spans, key=lambda span: span[1]):
            if sent >= answered:
                waits, answered = waits + 1, end
        return waits

    def timeline(self) -> list[str]:
        """Each call with when it was sent and answered (ms from the first) and its thread, for a failing assertion."""
        start = min((span[0] for span in self.spans), default=0.0)
        threads = {t: i for i, t in enumerate(dict.fromkeys(span[2] for span in self.spans))}
        return [f"{service}.{name} {1000 * (sent - start):.2f}->{1000 * (end - start):.2f} thread {threads[thread]}"
                for (service, name), (sent, end, thread) in zip(self.calls, self.spans)]

    def by_name(self) -> dict[str, int]:
        return dict(collections.Counter(f"{s}.{n}" for s, n in self.calls))

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.spans.clear()


class _Interceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                   grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    def __init__(self, trips: Trips, service: str) -> None:
        self.trips, self.service = trips, service

    def _counted(self, details: Any, call: Any) -> Any:
        span = self.trips.add(self.service, details.method.rpartition("/")[2])
        outcome = call()
        if span is not None:
            # The RPC's end: a blocking unary call has ended already; a streaming one ends when its
            # last answer arrives, which its done callback reports.
            if callable(getattr(outcome, "add_done_callback", None)) and not outcome.done():
                outcome.add_done_callback(lambda _: Trips.done(span))
            else:
                Trips.done(span)
        return outcome

    def intercept_unary_unary(self, continuation, details, request):
        return self._counted(details, lambda: continuation(details, request))

    def intercept_unary_stream(self, continuation, details, request):
        return self._counted(details, lambda: continuation(details, request))

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return self._counted(details, lambda: continuation(details, request_iterator))

    def intercept_stream_stream(self, continuation, details, request_iterator):
        return self._counted(details, lambda: continuation(details, request_iterator))


def counted_firestore(project: str, trips: Trips) -> Any:
    """A Firestore client on the emulator whose every RPC is counted."""
    from google.cloud import firestore
    from google.cloud.firestore_v1.services.firestore import FirestoreClient
    from google.cloud.firestore_v1.services.firestore.transports.grpc import FirestoreGrpcTransport

    from common.adapters.firestore import _bound_transaction_rpcs

    client = firestore.Client(project=project)
    channel = grpc.intercept_channel(client._emulator_channel(FirestoreGrpcTransport), _Interceptor(trips, "firestore"))
    client._transport = FirestoreGrpcTransport(host=client._target, channel=channel)
    client._firestore_api_internal = FirestoreClient(transport=client._transport, client_options=client._client_options)
    _bound_transaction_rpcs(client)  # as get_client does
    return client


def counted_publisher(trips: Trips) -> Any:
    """A Pub/Sub publisher client on the emulator whose every RPC is counted."""
    from google.cloud import pubsub_v1
    from google.pubsub_v1.services.publisher.transports.grpc import PublisherGrpcTransport

    channel = grpc.intercept_channel(grpc.insecure_channel(os.environ["PUBSUB_EMULATOR_HOST"]), _Interceptor(trips, "pubsub"))
    return pubsub_v1.PublisherClient(transport=PublisherGrpcTransport(channel=channel))


@contextmanager
def counting(project: str) -> Iterator[Trips]:
    """Swap the adapters' process-wide clients for counted ones and count HTTP requests sent
    with ``requests`` (Auth). ``trips.on`` must be set around what is measured."""
    import requests.adapters

    from common.adapters import firestore as firestore_adapter
    from common.adapters import pubsub as pubsub_adapter

    trips = Trips()
    saved = firestore_adapter._client, pubsub_adapter._client
    firestore_adapter._client = counted_firestore(project, trips)
    pubsub_adapter._client = counted_publisher(trips)
    send = requests.adapters.HTTPAdapter.send

    def counted_send(adapter, request, *args, **kwargs):
        from urllib.parse import urlsplit

        url = urlsplit(request.url)
        span = trips.add("auth" if "identitytoolkit" in url.path or "securetoken" in url.path or "googleapis" in url.netloc else "http",
                         url.path.rpartition("/")[2])
        try:
            return send(adapter, request, *args, **kwargs)
        finally:
            Trips.done(span)

    requests.adapters.HTTPAdapter.send = counted_send  # type: ignore[method-assign]
    from common.adapters import beside as pool

    hand = pool.beside

    def counted_beside(call, *args):
        handed = time.perf_counter()

        def run(*args):
            trips.handed.at = handed
            try:
                return call(*args)
            finally:
                trips.handed.at = None

        return hand(run, *args)

    pool.beside = counted_beside  # type: ignore[assignment]
    try:
        yield trips
    finally:
        requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]
        pool.beside = hand  # type: ignore[assignment]
        firestore_adapter._client, pubsub_adapter._client = saved


class InProcess:
    """The functions, built as Cloud Functions builds them, served in this process."""

    def __init__(self) -> None:
        import functions_framework

        self._apps: dict[str, Any] = {}
        self._build = lambda target: functions_framework.create_app(target=target, source=str(ROOT / "main.py"), signature_type="http")

    def client(self, target: str) -> Any:
        if target not in self._apps:
            import importlib

            from common.api.deps import Deps
            from functions.catalog import BY_NAME

            app = self._build(target)
            # Fresh adapters, made on first use from the (counted) process-wide clients.
            importlib.import_module(BY_NAME[target].module).api.deps = Deps()
            self._apps[target] = app.test_client()
        return self._apps[target]


def measure(trips: Trips, call: Any) -> tuple[Any, Trips]:
    """Run ``call()`` with counting on; return its result and a copy of what it cost."""
    trips.reset()
    trips.on = True
    try:
        result = call()
    finally:
        trips.on = False
    seen = Trips()
    seen.calls, seen.spans = list(trips.calls), [list(span) for span in trips.spans]
    return result, seen

