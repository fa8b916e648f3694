"""The Pub/Sub entrypoints, called as functions-framework calls them, with a CloudEvent.

A message that is not the function's command is forwarded to its dead-letter topic with the
reason and acknowledged: nothing is written, nothing is published, and it is not retried.
If the forward fails, the function fails, so Pub/Sub delivers it again.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
from datetime import datetime, timezone

import pytest
from cloudevents.http import CloudEvent

from common.api.deps import Deps
from common.domain.events import Event
from common.logs import JsonFormatter, span_var, trace_var
from common.services.ports import PublishError
from common.settings import Settings
from functions.catalog import BY_NAME, FUNCTIONS
from tests.fakes import FakePublisher, FakeUnitOfWork

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)
TOPIC_FUNCTIONS = [f for f in FUNCTIONS if f.trigger == "topic"]
TRACE = "projects/demo-x/traces/0af7651916cd43dd8448eb211c80319c"


def pushed(data: bytes | str | dict | list, attributes: dict[str, str] | None = None, **extensions) -> CloudEvent:
    """A Pub/Sub push as Eventarc delivers it: the message's data in base64."""
    if isinstance(data, (dict, list)):
        data = json.dumps(data).encode()
    raw = data if isinstance(data, str) else base64.b64encode(data).decode()
    return CloudEvent({"type": "google.cloud.pubsub.topic.v1.messagePublished", "source": "//pubsub.googleapis.com/x", **extensions},
                      {"message": {"data": raw, "attributes": attributes or {}, "messageId": "m-1"}, "subscription": "s"})


@pytest.fixture
def wired(monkeypatch):
    """Each function module's deps, on the fakes: (deps, uow, publisher)."""
    publisher = FakePublisher()
    uow = FakeUnitOfWork(publisher=publisher, now=lambda: NOW)
    deps = Deps(Settings(project_id="demo-x"), now=lambda: NOW)
    deps.uow, deps.publisher = uow, publisher  # cached properties: set once, as on first use

    def handler(function):
        module = importlib.import_module(function.module)
        monkeypatch.setattr(module, "deps", deps)
        return getattr(module, function.name)

    return handler, uow, publisher


INVALID = [
    pytest.param("%%% not base64 %%%", "not base64", id="not-base64"),
    pytest.param(b"{oops", "not JSON", id="not-json"),
    pytest.param([1, 2], "invalid: ", id="a-list"),
    pytest.param({"id": "x", "type": "wrong.type", "data": {"unit_id": 5}, "source": 7, "period": "2026-13"}, "invalid: ", id="wrong-shape"),
]


@pytest.mark.parametrize("function", TOPIC_FUNCTIONS, ids=lambda f: f.name)
@pytest.mark.parametrize("data, reason", INVALID)
def test_a_message_that_is_not_the_command_goes_to_the_dead_letter_topic_and_changes_nothing(wired, function, data, reason):
    handler, uow, publisher = wired
    event = pushed(data, {"event_id": "e-1"})
    assert handler(function)(event) is None  # acknowledged
    assert uow.documents.collections == {} and publisher.published == []
    ((topic, forwarded, attributes),) = publisher.forwarded
    assert topic == function.dead_letter
    assert forwarded == (data.encode() if isinstance(data, str) else base64.b64decode(event.data["message"]["data"]))
    assert attributes["reason"].startswith(reason) and attributes["event_id"] == "e-1"
    assert attributes["rejected_by"]


def test_the_reason_names_the_fields_but_never_their_values(wired):
    handler, _, publisher = wired
    secret = "Pak Budi lambat dan kasar"
    handler(BY_NAME["survey_events"])(pushed({"id": "survey.submitted:R1", "type": "survey.submitted", "data": {"unit_id": secret}}))
    ((_, _, attributes),) = publisher.forwarded
    assert attributes["reason"] == "invalid: data.unit_id: string_pattern_mismatch" and secret not in attributes["reason"]


def test_a_failed_forward_fails_the_function_so_pubsub_delivers_again(wired):
    handler, uow, publisher = wired
    publisher.fail = True
    with pytest.raises(PublishError):
        handler(BY_NAME["score_unit"])(pushed(b"{oops"))
    assert uow.documents.collections == {}


def test_a_scheduler_tick_and_an_operators_request_start_the_run_of_their_period(wired):
    handler, uow, publisher = wired
    uow.units.put_many([__import__("tests.factories", fromlist=["unit"]).unit("kel-a")])
    start = handler(BY_NAME["scoring_start"])
    start(pushed({"period": "2026-09", "requested_by": "operator"}))
    start(pushed({"source": "cloud-scheduler", "job": "scoring-start"}))  # the previous month of NOW
    runs = sorted(uow.state.runs.values(), key=lambda r: r.id)
    assert [(r.id, r.requested_by) for r in runs] == [("2026-09-scheduled", "operator"), ("2026-10-scheduled", "scheduler")]
    assert {e.type for e in publisher.published} == {"scoring.unit_requested"} and publisher.forwarded == []


def test_an_event_envelope_is_read_as_its_command(wired):
    handler, uow, publisher = wired
    uow.units.put_many([__import__("tests.factories", fromlist=["unit"]).unit("kel-a")])
    event = Event.of("survey.submitted", key="R1", occurred_at=NOW, data={"unit_id": "kel-a", "extra": "ignored"})
    handler(BY_NAME["survey_events"])(pushed(event.model_dump(mode="json"), {"event_id": event.id, "event_type": event.type}))
    assert publisher.forwarded == [] and "kel-a" in uow.state.pictures


def test_the_log_lines_of_a_handler_join_the_trace_of_the_request_that_published(wired):
    handler, uow, _ = wired
    event = Event.of("survey.submitted", key="R2", occurred_at=NOW, data={"unit_id": "kel-b"})
    handler(BY_NAME["survey_events"])(pushed(event.model_dump(mode="json"), {"event_id": event.id, "trace": TRACE, "span": "00f067aa0ba902b7"}))
    assert (trace_var.get(), span_var.get()) == (TRACE, "00f067aa0ba902b7")
    line = json.loads(JsonFormatter().format(logging.LogRecord("x", logging.INFO, "", 0, "m", None, None)))
    assert line["logging.googleapis.com/trace"] == TRACE and line["logging.googleapis.com/spanId"] == "00f067aa0ba902b7"
    assert line["request_id"] == event.id


def test_without_a_published_trace_the_delivery_s_own_traceparent_is_used(wired):
    handler, _, _ = wired
    event = Event.of("survey.submitted", key="R3", occurred_at=NOW, data={"unit_id": "kel-b"})
    foreign = {"event_id": event.id, "trace": "projects/another/traces/0af7651916cd43dd8448eb211c80319c"}  # not ours: ignored
    handler(BY_NAME["survey_events"])(pushed(event.model_dump(mode="json"), foreign,
                                             traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
    assert (trace_var.get(), span_var.get()) == ("projects/demo-x/traces/4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")


def test_publish_requests_stay_under_pubsub_limits_per_topic():
    from common.adapters.pubsub import PUBLISH_BYTES, PUBLISH_MESSAGES, _requests

    messages = [("t/a", b"x", {"event_id": str(i)}) for i in range(2 * PUBLISH_MESSAGES + 1)] + [("t/b", b"y", {})]
    messages += [("t/c", b"z" * (PUBLISH_BYTES // 2 + 1), {}) for _ in range(3)]  # no two fit in one request
    requests = _requests(messages)
    assert [(topic, len(batch)) for topic, batch in requests] == [
        ("t/a", PUBLISH_MESSAGES), ("t/a", PUBLISH_MESSAGES), ("t/a", 1), ("t/b", 1), ("t/c", 1), ("t/c", 1), ("t/c", 1)]
    assert [m.attributes["event_id"] for m in requests[0][1][:3]] == ["0", "1", "2"]  # in order
