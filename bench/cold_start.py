"""Benchmark: cold start of each function, from a fresh process to its first answered request.

    python -m bench.cold_start [--runs 9] [--functions api_me,score_unit,...]

Starts its own local stack (tools/stack.py: Firestore, Pub/Sub and Auth emulators; the stack's
push subscriptions are removed so no gateway function competes or answers for the one measured),
seeds a small organisation with the project's own helpers (a unit, a supervisor, three ASN with
SKP plans and a submitted report each, an admin; all signed in), then for each function:

- ours: a fresh Python process that imports functions-framework, builds the function's app
  from main.py with ``create_app`` (as an instance does) and answers its first request through
  it (Flask's test client on that app: an authenticated GET for an API, a CloudEvent with a
  valid, never-seen command for a Pub/Sub function), against the running stack;
- bare: a fresh process with a bare functions-framework handler that imports the same
  third-party libraries ours had loaded by its answer and makes the same network round trips:
  it verifies the same ID token with the revocation check (firebase_admin.auth) and replays,
  one after another, the very Firestore RPCs (reads, queries, transactions, commits), Pub/Sub
  publishes and SMTP sends that ours made, recorded once beforehand on the real clients in a
  process of its own. No validation, no domain code, no models of ours: the floor of the work.

Both are timed from just before the process is spawned to the moment its answer is back
(CLOCK_MONOTONIC, shared by the processes), so interpreter start, imports, client creation and
the round trips all count. Medians of --runs fresh processes each, ours and bare alternating.
It writes bench/RESULTS.md's "Cold start" section and bench/results.json's "cold_start".
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Dingin-Uji-2026"
STATE = ROOT / ".local" / "cold-stack"
# The libraries a bare handler may need besides functions-framework and pydantic (which it always
# uses, as every function does): it imports those ours used by its answer.
LIBRARIES = ("google.cloud.firestore", "firebase_admin.auth", "google.cloud.pubsub_v1", "smtplib")
# The functions the issue names first; the others are measured when they have a first request below.
# Files a function serves, which the bare handler reads and sends as they are.
FILES = {"api_docs": [{"op": "file", "path": str(ROOT / "docs" / "openapi.json")}]}
# Left out, and why: what their first request does depends on what an earlier one did.
LEFT_OUT = {
    "send_reminders": "its work is once per day: after the recorded run the day's reminders are sent and the next instances do less",
    "send_digests": "its work is once per day too: a day's digests are closed once sent",
    "send_invitations": "each run needs an account invited anew (an admin load per run); not built",
    "evidence_check": "each run needs an evidence file uploaded anew to the Storage emulator; not built",
}
MAIN = ("api_reports", "api_surveys", "api_me", "api_dashboard", "score_unit", "notify_events", "deliver_notifications")

# A fresh process: build the app, answer one request, say when each was done. Ours and the bare
# handler alike, so the two differ only in the function they load.
FIRST_REQUEST = """
import time, sys, json
import functions_framework
app = functions_framework.create_app(target={target!r}, source={source!r}, signature_type={kind!r})
built = time.monotonic()
response = app.test_client().open(**json.loads({request!r}))
done = time.monotonic()
print(json.dumps({{"built": built, "done": done, "status": response.status_code, "modules": len(sys.modules)}}), flush=True)
import os; os._exit(0)
"""

# A bare functions-framework handler: the same libraries, the same round trips, nothing else.
# Written to the stack's state directory and loaded by create_app like any function source.
BARE_SOURCE = '''
import base64, json, os
import functions_framework
{imports}

from pydantic import BaseModel, ConfigDict

_plan = json.loads(open(os.environ["COLD_PLAN"]).read())


class Command(BaseModel):
    """What a handler written on pydantic does at the least: validate what it was sent, once."""

    model_config = ConfigDict(extra="allow")
    id: str | None = None


def _work(token):
    tx = None
    clients = {{}}
    body = b"{{}}"
    for op in _plan["ops"]:
        kind = op["op"]
        if kind == "file":
            with open(op["path"], "rb") as file:
                body = file.read()
        elif kind == "auth":
            import firebase_admin
            from firebase_admin import auth
            try:
                app = firebase_admin.get_app()
            except ValueError:
                app = firebase_admin.initialize_app(options={{"projectId": os.environ["GOOGLE_CLOUD_PROJECT"]}})
            auth.verify_id_token(token, app=app, check_revoked=True)
        elif kind == "firestore":
            from google.cloud import firestore
            from google.cloud.firestore_v1 import types
            if "firestore" not in clients:
                clients["firestore"] = firestore.Client(project=os.environ["GOOGLE_CLOUD_PROJECT"])
            client = clients["firestore"]
            request = getattr(types, op["type"]).deserialize(base64.b64decode(op["request"]))
            if tx is not None and getattr(request, "transaction", b""):
                request.transaction = tx  # the transaction this replay began, not the recorded one
            if op["type"] == "CommitRequest":
                for write in request.writes:
                    write.current_document = None  # the recorded preconditions (create, exists) held once
            call = getattr(client._firestore_api, op["method"])
            answer = call(request=request, metadata=client._rpc_metadata)
            if op["method"] == "begin_transaction":
                tx = answer.transaction
            elif op["stream"]:
                for part in answer:
                    if getattr(part, "transaction", b""):
                        tx = part.transaction
        elif kind == "publish":
            from google.cloud import pubsub_v1
            if "pubsub" not in clients:
                clients["pubsub"] = pubsub_v1.PublisherClient()
            futures = [clients["pubsub"].publish(op["topic"], base64.b64decode(m["data"]), **m["attributes"]) for m in op["messages"]]
            for future in futures:
                future.result(timeout=30)
        elif kind == "smtp":
            import smtplib
            with smtplib.SMTP(op["host"], op["port"], timeout=30) as server:
                server.sendmail(op["sender"], op["to"], "x" * op["size"])
    return body


@functions_framework.http
def bare_http(request):
    Command.model_validate(dict(request.args))
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return _work(token.strip()), 200, {{"Content-Type": "application/json"}}


@functions_framework.cloud_event
def bare_cloudevent(cloud_event):
    Command.model_validate_json(base64.b64decode(cloud_event.data["message"]["data"]))
    _work("")
'''

# Run in a process of its own before the timed runs: ours, on clients that record every call.
RECORD = """
import json, sys
sys.path.insert(0, {root!r})
from bench.cold_start import record_first_request
print(json.dumps(record_first_request({name!r}, {kind!r}, json.loads({request!r}))), flush=True)
"""


@dataclass
class First:
    """A function's first request: what the test client opens (``open`` keyword arguments)."""

    describe: str
    request: Callable[[], dict]  # called for each run: a Pub/Sub command must be new to the function
    token: str | None = None
    notes: list[str] = field(default_factory=list)


# -- recording what ours does (in a process of its own) ----------------------------------------

def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def record_first_request(name: str, kind: str, request: dict) -> dict:
    """Serve ``request`` with the function ``name`` as a fresh instance would, on Firestore and
    Pub/Sub clients whose every RPC is recorded (request and all), with Auth's HTTP requests and
    SMTP sends recorded too: the plan the bare handler replays."""
    import smtplib

    import grpc
    import requests.adapters

    from common.adapters import firestore as firestore_adapter
    from common.adapters import pubsub as pubsub_adapter

    ops: list[dict] = []

    class Recorder(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
        def __init__(self, service: str) -> None:
            self.service = service

        def _add(self, details, request, stream: bool) -> None:
            method = details.method.rpartition("/")[2]
            if self.service == "pubsub":
                if method == "Publish":
                    ops.append({"op": "publish", "topic": request.topic, "messages": [
                        {"data": base64.b64encode(m.data).decode(), "attributes": dict(m.attributes)} for m in request.messages]})
                else:
                    ops.append({"op": "other", "what": f"pubsub.{method}"})
                return
            ops.append({"op": "firestore", "method": _snake(method), "type": type(request).__name__, "stream": stream,
                        "request": base64.b64encode(type(request).serialize(request)).decode()})

        def intercept_unary_unary(self, continuation, details, request):
            self._add(details, request, False)
            return continuation(details, request)

        def intercept_unary_stream(self, continuation, details, request):
            self._add(details, request, True)
            return continuation(details, request)

    from google.cloud import firestore, pubsub_v1
    from google.cloud.firestore_v1.services.firestore import FirestoreClient
    from google.cloud.firestore_v1.services.firestore.transports.grpc import FirestoreGrpcTransport
    from google.pubsub_v1.services.publisher.transports.grpc import PublisherGrpcTransport

    client = firestore.Client(project=os.environ["GOOGLE_CLOUD_PROJECT"])
    channel = grpc.intercept_channel(client._emulator_channel(FirestoreGrpcTransport), Recorder("firestore"))
    client._transport = FirestoreGrpcTransport(host=client._target, channel=channel)
    client._firestore_api_internal = FirestoreClient(transport=client._transport, client_options=client._client_options)
    firestore_adapter._bound_transaction_rpcs(client)  # as get_client does
    firestore_adapter._client = client
    channel = grpc.intercept_channel(grpc.insecure_channel(os.environ["PUBSUB_EMULATOR_HOST"]), Recorder("pubsub"))
    pubsub_adapter._client = pubsub_v1.PublisherClient(transport=PublisherGrpcTransport(channel=channel))

    send = requests.adapters.HTTPAdapter.send

    def recorded_send(adapter, http, *args, **kwargs):
        path = http.url.split("?")[0].rpartition("/")[2]
        ops.append({"op": "auth"} if path == "accounts:lookup" else {"op": "other", "what": f"http {http.method} {http.url.split('?')[0]}"})
        return send(adapter, http, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = recorded_send  # type: ignore[method-assign]
    sendmail = smtplib.SMTP.sendmail

    def recorded_sendmail(server, sender, to, message, *args, **kwargs):
        ops.append({"op": "smtp", "host": server._host, "port": server.sock.getpeername()[1], "sender": sender,
                    "to": [to] if isinstance(to, str) else list(to), "size": len(message)})
        return sendmail(server, sender, to, message, *args, **kwargs)

    smtplib.SMTP.sendmail = recorded_sendmail  # type: ignore[method-assign]
    before = set(sys.modules)
    import functions_framework

    app = functions_framework.create_app(target=name, source=str(ROOT / "main.py"), signature_type=kind)
    response = app.test_client().open(**request)
    loaded = set(sys.modules) - before
    # What ours loaded to answer, of the libraries the bare handler may import (grpc and the
    # clients were loaded here beforehand to record them: counted by what ours touched).
    touched = {"google.cloud.firestore": any(o["op"] == "firestore" for o in ops),
               "google.cloud.pubsub_v1": any(o["op"] == "publish" for o in ops),
               "firebase_admin.auth": "firebase_admin.auth" in sys.modules and any(o["op"] == "auth" for o in ops),
               "smtplib": any(o["op"] == "smtp" for o in ops)}
    return {"status": response.status_code, "body": response.get_data(as_text=True)[:300], "ops": ops,
            "libraries": [m for m in LIBRARIES if touched[m]], "ours_modules": sorted(m for m in loaded if "." not in m)}


# -- the stack, the organisation and each function's first request --------------------------

def detach_push_subscriptions(project: str) -> None:
    """No gateway function should answer the commands the seed publishes, nor compete for the cores."""
    from google.cloud import pubsub_v1

    subscriber = pubsub_v1.SubscriberClient()
    for subscription in subscriber.list_subscriptions(request={"project": f"projects/{project}"}):
        subscriber.delete_subscription(subscription=subscription.name)


class Capture:
    """Pull subscriptions on the topics whose messages become the Pub/Sub functions' commands."""

    def __init__(self, project: str, topics: tuple[str, ...]) -> None:
        from google.cloud import pubsub_v1

        self.subscriber = pubsub_v1.SubscriberClient()
        self.paths = {}
        for topic in topics:
            path = self.subscriber.subscription_path(project, f"cold-{topic}")
            self.subscriber.create_subscription(request={"name": path, "topic": f"projects/{project}/topics/{topic}"})
            self.paths[topic] = path

    def pull(self, topic: str, wanted: Callable[[dict], bool] = lambda e: True, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.subscriber.pull(request={"subscription": self.paths[topic], "max_messages": 50}, timeout=10)
            if answer.received_messages:
                self.subscriber.acknowledge(request={"subscription": self.paths[topic], "ack_ids": [m.ack_id for m in answer.received_messages]})
            for received in answer.received_messages:
                event = json.loads(received.message.data)
                if wanted(event):
                    return {"event": event, "attributes": dict(received.message.attributes)}
        raise SystemExit(f"no message on {topic} within {timeout:.0f}s")


def cloud_event(topic: str, project: str, event: dict, attributes: dict) -> dict:
    """The CloudEvent (binary mode) Pub/Sub's push delivers to a 2nd-gen function."""
    message_id = uuid.uuid4().hex[:16]
    return {"method": "POST", "path": "/", "json": {
        "message": {"data": base64.b64encode(json.dumps(event).encode()).decode(), "attributes": attributes, "messageId": message_id},
        "subscription": f"projects/{project}/subscriptions/cold-{topic}"},
        "headers": {"ce-id": message_id, "ce-specversion": "1.0", "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
                    "ce-source": f"//pubsub.googleapis.com/projects/{project}/topics/{topic}"}}


def fresh(event: dict, attributes: dict) -> tuple[dict, dict]:
    """The same event as if it had just happened once more: a new id, so no handler has seen it."""
    new_id = f"{event['id']}-cold-{uuid.uuid4().hex[:8]}"
    return {**event, "id": new_id}, {**attributes, "event_id": new_id}


def first_requests(info, uow, capture: Capture) -> dict[str, First]:
    """Seed a small organisation and pick each function's first request."""
    from common.domain.clock import WIB, utcnow
    from common.domain.organisation import Role, ServiceType
    from common.domain.period import previous_period
    from common.domain.ratings import BerAkhlak
    from common.services import administration
    from common.services.scoring import start_run
    from tests import factories as f
    from tools.client import Api, sign_in
    from tools.enrol import enrol

    now = utcnow().astimezone(WIB)
    year = now.year
    period = previous_period(f"{year}-{now.month:02d}")
    unit_id = "kel-dingin"
    boss = f.employee(unit_id, email="atasan@dingin.example")
    administration.load_units(uow, [f.unit(unit_id, head_nip=boss.nip, population_served=5000,
                                           services=[ServiceType(id="sk", name="Domisili", standard_days=1)])])
    team = [f.employee(unit_id, supervisor=boss.nip, email=f"asn{i}@dingin.example") for i in range(3)]
    admin = f.employee(unit_id, role=Role.ADMIN, email="admin@dingin.example")
    enrol(info, uow, [boss, *team, admin], PASSWORD, actor="bench", reason="cold start benchmark")
    administration.load_plans(uow, [f.plan(e.nip, y) for e in [boss, *team] for y in {year, int(period[:4])}])
    tokens = {e.nip: sign_in(info.auth, e.email, PASSWORD) for e in [boss, *team, admin]}
    for member in team:  # through the stack's own API: each report's report.submitted event is published
        answer = Api(info.api, tokens[member.nip]).post("/api/reports", json={
            "period": period, "realisasi": [{"indicator_id": "IKI-1", "value": 38}], "narrative": "Laporan bulanan.",
            "evidence": ["https://drive.example.go.id/bukti/1"]})
        if answer.status_code not in (200, 201):
            raise SystemExit(f"seeding a report failed: {answer.status_code} {answer.text[:300]}")
    asn = team[1]
    report_id = f"{asn.nip}_{period}"
    # The supervisor reviews one: the ASN is told at once (inbox, push, e-mail), unlike a submission,
    # which joins the supervisor's daily digest.
    answer = Api(info.api, tokens[boss.nip]).post(f"/api/reports/{report_id}/review", json={
        "decision": "accept", "hasil_kerja": "sesuai_ekspektasi", "perilaku": {v: "sesuai_ekspektasi" for v in BerAkhlak}})
    if answer.status_code != 200:
        raise SystemExit(f"seeding a review failed: {answer.status_code} {answer.text[:300]}")
    reviewed = capture.pull("report-reviewed", lambda e: report_id in json.dumps(e))
    reader = team[0]

    def bearer(nip: str) -> dict:
        return {"Authorization": f"Bearer {tokens[nip]}"}

    def get(path: str, nip: str | None = None) -> Callable[[], dict]:
        return lambda: {"method": "GET", "path": path, "headers": bearer(nip) if nip else {}}

    def notify() -> dict:
        return cloud_event("report-reviewed", info.project, *fresh(reviewed["event"], reviewed["attributes"]))

    notifications: list[dict] = []

    def deliver() -> dict:
        if not notifications:  # notify_events was recorded (or measured) first: it queued one
            notifications.append(capture.pull("notifications"))
        message = notifications[0]
        event, attributes = fresh(message["event"], message["attributes"])
        event["data"] = {**event["data"], "id": f"{event['data']['id']}-cold-{uuid.uuid4().hex[:8]}"}
        return cloud_event("notifications", info.project, event, attributes)

    def unit_requested(topic: str) -> Callable[[], dict]:
        def command() -> dict:
            run = start_run(uow, period, "bench", utcnow())  # a new run: the unit is not scored in it yet
            capture.pull("scoring-unit", lambda e: e["data"]["run_id"] == run.id)
            event = {"id": f"scoring.unit_requested:{run.id}:{unit_id}", "type": "scoring.unit_requested", "occurred_at": utcnow().isoformat(),
                     "data": {"run_id": run.id, "period": period, "unit_id": unit_id}}
            dead = {"CloudPubSubDeadLetterSourceDeliveryCount": "5"} if topic.endswith("-dead") else {}
            return cloud_event(topic, info.project, event, {"event_id": event["id"], "event_type": event["type"], **dead})
        return command

    def notification_dead() -> dict:
        message = deliver()
        message["headers"]["ce-source"] = message["headers"]["ce-source"].replace("/topics/notifications", "/topics/notifications-dead")
        message["json"]["message"]["attributes"]["CloudPubSubDeadLetterSourceDeliveryCount"] = "8"
        return message

    def survey_submitted() -> dict:
        event = {"id": f"survey.submitted:cold-{uuid.uuid4().hex[:12]}", "type": "survey.submitted", "occurred_at": utcnow().isoformat(),
                 "data": {"unit_id": unit_id}}
        return cloud_event("survey-submitted", info.project, event, {"event_id": event["id"], "event_type": event["type"]})

    def tick(topic: str) -> Callable[[], dict]:
        return lambda: cloud_event(topic, info.project, {"source": "cloud-scheduler", "job": topic}, {})

    past = iter(range(1, 1000))

    def scoring_requested() -> dict:
        n = next(past)  # a period of its own each time: the run id is the period's ("{period}-scheduled")
        return cloud_event("scoring-requested", info.project, {"source": "cloud-scheduler", "period": f"{2000 + n // 12}-{n % 12 + 1:02d}"}, {})

    return {
        "api_reports": First(f"GET /api/reports/{{id}}: an ASN reads their {period} report", get(f"/api/reports/{reader.nip}_{period}", reader.nip), tokens[reader.nip]),
        "api_surveys": First("GET /api/public/units/{unit}/survey: the public survey form's data", get(f"/api/public/units/{unit_id}/survey")),
        "api_me": First("GET /api/me/preferences: the ASN's notification preferences", get("/api/me/preferences", asn.nip), tokens[asn.nip]),
        "api_dashboard": First("GET /api/dashboard/me: who the supervisor is and which views they may open",
                               get("/api/dashboard/me", boss.nip), tokens[boss.nip]),
        "score_unit": First(f"scoring.unit_requested for a new run of {period}: scores the unit (4 ASN), completes the run",
                            unit_requested("scoring-unit")),
        "notify_events": First("report.reviewed (a new event id): decides to tell the ASN at once, queues the notification", notify),
        "deliver_notifications": First("notification.requested (a new id) to the ASN: the inbox entry; push skipped (no device); ASN get no e-mail", deliver),
        "api_admin": First("GET /api/admin/units: BKPSDM lists the units", get("/api/admin/units", admin.nip), tokens[admin.nip]),
        "api_docs": First("GET /api/openapi.json", get("/api/openapi.json")),
        "api_findings": First("GET /api/findings: the supervisor's own findings", get("/api/findings", boss.nip), tokens[boss.nip]),
        "api_objections": First("GET /api/objections: the ASN's objections", get("/api/objections", asn.nip), tokens[asn.nip]),
        "api_investigations": First("GET /api/investigations: as BKPSDM", get("/api/investigations", admin.nip), tokens[admin.nip]),
        "api_ikm": First("GET /api/units/{unit}/ikm: the unit head", get(f"/api/units/{unit_id}/ikm", boss.nip), tokens[boss.nip]),
        "api_scoring": First("GET /api/admin/scoring-runs: BKPSDM lists a period's runs",
                             get(f"/api/admin/scoring-runs?period={period}", admin.nip), tokens[admin.nip]),
        "api_exports": First("GET /api/public/units/{unit}/skm: the SKM report's data", get(f"/api/public/units/{unit_id}/skm?period={period}")),
        "survey_events": First("survey.submitted (a new event id): the unit's complaint picture", survey_submitted),
        "scoring_start": First("the monthly tick for a period of its own: starts a run", scoring_requested),
        "scoring_dead_letter": First("a unit's command dead-lettered (a new run): the unit failed, the run completes",
                                     unit_requested("scoring-unit-dead")),
        "notifications_dead_letter": First("a notification dead-lettered (a new id): records why", notification_dead),
        "outbox_relay": First("the minute's tick: nothing pending to publish", tick("outbox-sweep")),
        "evidence_sweep": First("the daily tick: no stale evidence uploads", tick("evidence-sweep")),
    }


# -- timing ------------------------------------------------------------------------------------

def child_env(info) -> dict[str, str]:
    """What the stack gives its functions (tools/stack.py), for ours and the bare handler alike."""
    return {**os.environ, **info.env(), **info.function_env(), "PANTAU_ENVIRONMENT": "local", "PANTAU_SMTP_HOST": "127.0.0.1",
            "PANTAU_SMTP_PORT": info.smtp.rsplit(":", 1)[1], "PANTAU_SMTP_TLS": "none", "PANTAU_BASE_URL": info.api,
            "PYTHONDONTWRITEBYTECODE": "0"}


def timed(code: str, env: dict[str, str]) -> dict:
    """Spawn a fresh interpreter and return when its answer came, from just before the spawn."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    child = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child's, once reaped: the only one waited for meanwhile
    if child.returncode != 0 or not child.stdout.strip():
        raise SystemExit(f"child failed ({child.returncode}): {child.stderr[-2000:]}")
    out = json.loads(child.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"ms": (out["done"] - started) * 1000, "built_ms": (out["built"] - started) * 1000, "cpu_ms": cpu * 1000,
            "status": out["status"], "modules": out["modules"]}


def import_times(code: str, env: dict[str, str]) -> dict[str, float]:
    """Each module's own import time (microseconds, ``-X importtime``) in one fresh run of ``code``."""
    child = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    times = {}
    for line in child.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            own, _, module = line.removeprefix("import time:").split("|")
            times[module.strip()] = float(own)
    return times


def import_tree(module: str, env: dict[str, str]) -> list[tuple[int, str, float, float]]:
    """(depth, module, own ms, cumulative ms) of ``import module`` in a fresh process, after
    pydantic's BaseModel is loaded (every handler loads it): what importing ``module`` itself costs."""
    code = f"from pydantic import BaseModel, Field\nimport {module}"
    child = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    tree = []
    for line in child.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, cumulative, name = line.removeprefix("import time:").split("|")
            tree.append(((len(name) - len(name.lstrip())) // 2, name.strip(), float(own) / 1000, float(cumulative) / 1000))
    return tree


def chain(module: str, env: dict[str, str]) -> tuple[float, list[tuple[str, float]]]:
    """The cumulative import time of ``module`` and the domain modules it brings in, heaviest first."""
    tree = import_tree(module, env)
    top = next(i for i, (_, name, _, _) in enumerate(tree) if name == module)
    depth = tree[top][0]
    below = []
    for level, name, own, _ in reversed(tree[:top]):
        if level <= depth:
            break
        if name.startswith("common.domain."):
            below.append((name, own))
    return tree[top][3], sorted(below, key=lambda kv: -kv[1])


def extra_imports(ours: str, bare: str, env: dict[str, str], bare_env: dict[str, str]) -> dict:
    """What ours imports that the bare handler does not, by package, and its own import time: where
    a cold start beyond the floor goes (pydantic models are built when their module is imported)."""
    mine, floor = import_times(ours, env), import_times(bare, bare_env)
    by: dict[str, float] = {}
    for module, own in mine.items():
        # Two threads importing at once (the first request's look-up beside the token check)
        # confuse -X importtime: it subtracts one thread's imports from a module importing on
        # the other, down to minus hundreds of ms. Such a module counts as 0, not below.
        own = max(own, 0.0)
        if module not in floor:
            parts = module.split(".")
            key = ".".join(parts[:2]) if parts[0] in ("common", "functions", "google") else parts[0]
            by[key] = by.get(key, 0.0) + own / 1000
    top = sorted(by.items(), key=lambda kv: -kv[1])[:8]
    return {"total_ms": round(sum(by.values()), 1), "by_package": {k: round(v, 1) for k, v in top}}


def measure(name: str, first: First, runs: int, env: dict[str, str], bare_source: Path) -> dict:
    from functions.catalog import BY_NAME

    kind = "http" if BY_NAME[name].trigger == "http" else "cloudevent"
    code = RECORD.format(root=str(ROOT), name=name, kind=kind, request=json.dumps(first.request()))
    child = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    if child.returncode != 0:
        raise SystemExit(f"recording {name} failed: {child.stderr[-2000:]}")
    plan = json.loads(child.stdout.strip().splitlines()[-1])
    if plan["status"] not in (200, 201, 204):
        raise SystemExit(f"{name}'s first request answered {plan['status']}: {plan['body']}")
    others = [o["what"] for o in plan["ops"] if o["op"] == "other"]
    plan["ops"] = [*FILES.get(name, []), *(o for o in plan["ops"] if o["op"] != "other")]
    plan_path = STATE / f"plan-{name}.json"
    plan_path.write_text(json.dumps(plan))
    imports = "\n".join(f"import {m}" for m in plan["libraries"])
    source = bare_source.with_name(f"bare_{name}.py")
    source.write_text(BARE_SOURCE.format(imports=imports))
    bare_env = {**env, "COLD_PLAN": str(plan_path)}
    ours, bare = [], []
    for _ in range(runs):
        request = json.dumps(first.request())  # the bare handler gets the same (it does not look at it)
        ours.append(timed(FIRST_REQUEST.format(target=name, source=str(ROOT / "main.py"), kind=kind, request=request), env))
        bare.append(timed(FIRST_REQUEST.format(target=f"bare_{kind}", source=str(source), kind=kind, request=request), bare_env))
        bad = [r["status"] for r in ours + bare if r["status"] not in (200, 201, 204)]
        if bad:
            raise SystemExit(f"{name}: unexpected statuses {bad}")
    request = json.dumps(first.request())
    why = extra_imports(FIRST_REQUEST.format(target=name, source=str(ROOT / "main.py"), kind=kind, request=request),
                        FIRST_REQUEST.format(target=f"bare_{kind}", source=str(source), kind=kind, request=request), env, bare_env)
    trips: dict[str, int] = {}
    for op in (o for o in plan["ops"] if o["op"] != "file"):
        key = f"firestore.{op['method']}" if op["op"] == "firestore" else op["op"]
        trips[key] = trips.get(key, 0) + 1
    median = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    return {"function": name, "first_request_ms": round(median(ours, "ms"), 1), "bare_ms": round(median(bare, "ms"), 1),
            "first_request_cpu_ms": round(median(ours, "cpu_ms"), 1), "bare_cpu_ms": round(median(bare, "cpu_ms"), 1),
            "ours_built_ms": round(median(ours, "built_ms"), 1), "bare_built_ms": round(median(bare, "built_ms"), 1),
            "ours_modules": int(median(ours, "modules")), "bare_modules": int(median(bare, "modules")),
            "round_trips": sum(trips.values()), "round_trips_by_call": trips, "libraries": plan["libraries"],
            "request": first.describe, "unreplayed": others,
            "extra_imports_ms": why["total_ms"], "extra_imports_by_package": why["by_package"], "runs_ms": [round(r["ms"], 1) for r in ours],
            "bare_runs_ms": [round(r["ms"], 1) for r in bare]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="fresh processes of each, ours and bare alternating (5 proved noisy: a slow run in three moved a median 30 %%)")
    parser.add_argument("--functions", default="", help="comma-separated; default: every function with a first request here")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--render", action="store_true", help="only write RESULTS.md's section again from bench/results.json")
    args = parser.parse_args()
    from bench.results import Machine

    machine = Machine()  # before the stack starts: what else was running
    if args.render:
        from bench.results import PATH
        from functions.catalog import FUNCTIONS

        data = json.loads(PATH.read_text())
        rows = data["cold_start"]
        args.runs = data["runs"]["cold_start"]["runs"]
        write(args, rows, [f.name for f in FUNCTIONS if f.name not in {r["function"] for r in rows}], None, record_json=False)
        return 0

    from tools.stack import Ports, Stack

    stack = Stack(STATE, project="demo-pantau-cold", ports=Ports.free())
    info = stack.up()
    os.environ.update(info.env())
    try:
        from common.adapters.firestore import FirestoreUnitOfWork, get_client
        from common.adapters.pubsub import PubSubPublisher
        from common.settings import Settings
        from functions.catalog import FUNCTIONS

        detach_push_subscriptions(info.project)
        capture = Capture(info.project, ("report-reviewed", "notifications", "scoring-unit"))
        uow = FirestoreUnitOfWork(get_client(info.project), publisher=lambda: PubSubPublisher(Settings(project_id=info.project)))
        firsts = first_requests(info, uow, capture)
        wanted = [n for n in args.functions.split(",") if n] or [f.name for f in FUNCTIONS if f.name in firsts]
        order = [n for n in MAIN if n in wanted] + [n for n in wanted if n not in MAIN]  # notify_events before deliver_notifications
        env = child_env(info)
        subprocess.run([sys.executable, "-c", "import functions_framework, google.cloud.firestore"], cwd=ROOT, env=env, check=True)  # warm the disk cache
        rows = []
        for name in order:
            row = measure(name, firsts[name], args.runs, env, STATE / "bare.py")
            rows.append(row)
            print(f"{name:26} first request {row['first_request_ms']:7.1f} ms   bare {row['bare_ms']:7.1f} ms   "
                  f"ratio {row['first_request_ms'] / row['bare_ms']:4.2f}   CPU {row['first_request_cpu_ms']:6.0f} / {row['bare_cpu_ms']:6.0f} ms   "
                  f"round trips {row['round_trips']}", flush=True)
        left_out = [f.name for f in FUNCTIONS if f.name not in [r["function"] for r in rows]]
        write(args, rows, left_out, machine)
    finally:
        stack.down()
    return 0


def write(args, rows: list[dict], left_out: list[str], machine, record_json: bool = True) -> None:
    from bench.results import Machine

    ratio = lambda r: r["first_request_ms"] / r["bare_ms"]  # noqa: E731
    env = {**os.environ, "GOOGLE_CLOUD_PROJECT": "demo-pantau-cold"}
    settings_ms, settings_pulls = chain("common.settings", env)
    http_ms, _ = chain("common.api.http", env)
    missed = [r for r in rows if ratio(r) > 1.15]
    cpu = lambda r: r["first_request_cpu_ms"] / r["bare_cpu_ms"]  # noqa: E731
    chosen = f" --functions {','.join(r['function'] for r in rows)}" if set(left_out) - set(LEFT_OUT) else ""
    cpu_missed = ", ".join(f"{r['function']} ({cpu(r):.2f})" for r in rows if cpu(r) > 1.15)
    ours_code = lambda r: sum(v for k, v in r["extra_imports_by_package"].items() if k.startswith(("common", "functions")))  # noqa: E731
    missed_text = ", ".join(f"{r['function']} ({ratio(r):.2f})" for r in missed)
    pulls = ", ".join(f"{n.removeprefix('common.domain.')} {v:.0f} ms" for n, v in settings_pulls[:8]) + (", ..." if len(settings_pulls) > 8 else "")
    misses_code = ", ".join(f"{r['function']} {ours_code(r):.0f} of {r['extra_imports_ms']:.0f} ms" for r in missed)
    libraries = [(r["function"], k, v) for r in rows for k, v in r["extra_imports_by_package"].items()
                 if not k.startswith(("common", "functions")) and v >= 20]
    libraries_text = "; ".join(f"{n}: {k} {v:.0f} ms" for n, k, v in libraries)
    lines = [
        f"## Cold start ({_today()})",
        "",
        f"{(machine or Machine.recorded('cold_start')).line()} Command: "
        f"`python -m bench.cold_start --runs {args.runs}{chosen}`; medians of {args.runs} fresh processes each, ours and bare alternating.",
        "",
        "Each figure runs from just before a fresh Python process is spawned to the moment its first request is answered, "
        "against a running local stack (Firestore, Pub/Sub, Auth emulators; the stack's push subscriptions removed). Ours: "
        "functions-framework's `create_app` on main.py and the request through that app (Flask's test client). Bare: a "
        "functions-framework handler that imports the same libraries and makes the same round trips: the ID token verified with "
        "the revocation check, then ours' Firestore RPCs, publishes and SMTP sends replayed one after another, as recorded on "
        "the real clients. The CPU columns are the process's own CPU time (user and system, to its exit): less swayed by "
        "a loaded machine than the wall time, they show the work in the process, which is where the two differ.",
        "",
        "| function | first request | ours | bare | ratio | CPU ours | CPU bare | CPU ratio | ours: app built | bare: app built "
        "| round trips | modules loaded (ours / bare) | imported only by ours (own import time, -X importtime) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(f"| {r['function']} | {r['request']} | {r['first_request_ms']:.1f} ms | {r['bare_ms']:.1f} ms | {ratio(r):.2f} | "
          f"{r['first_request_cpu_ms']:.0f} ms | {r['bare_cpu_ms']:.0f} ms | {r['first_request_cpu_ms'] / r['bare_cpu_ms']:.2f} | "
          f"{r['ours_built_ms']:.1f} ms | {r['bare_built_ms']:.1f} ms | {r['round_trips']} | {r['ours_modules']} / {r['bare_modules']} | "
          f"{r['extra_imports_ms']:.0f} ms: {', '.join(f'{k} {v:.0f}' for k, v in list(r['extra_imports_by_package'].items())[:5])} |"
          for r in rows),
        "",
        f"Goal: ratio <= 1.15. Met by {len(rows) - len(missed)} of {len(rows)}"
        + (f"; missed by {missed_text}." if missed else ".")
        + f" By CPU time, which the shared machine sways less, met by {sum(1 for r in rows if cpu(r) <= 1.15)} of {len(rows)}"
        + (f"; missed by {cpu_missed}." if cpu_missed else "."),
        "",
        "Where ours' extra time goes. The round trips are the same by construction, so the difference is work in the process: "
        "the last column is what ours imports that the bare handler does not, with those modules' own import time (under "
        "-X importtime, which inflates it, on a loaded machine: read it as shares). Most of it is our own code, and most of that "
        "common.domain: our models build their validators on first use (common/domain/model.py), but pydantic still "
        "collects each class's fields when it is defined, so each domain module costs milliseconds to import, and a "
        "function imports the models of every route it serves, whichever its first request asks for. "
        "The settings every function reads name only the rules' parameters (common/domain/rules.py): "
        f"`import common.settings` took {settings_ms:.0f} ms here (after pydantic's BaseModel is loaded) and loaded "
        f"{len(settings_pulls)} domain modules ({pulls or 'none'}); `import common.api.http`, which every API needs, took "
        f"{http_ms:.0f} ms. The first request's own first-use work (clients, the Auth app) is the bare handler's as well."
        + (f" Libraries only ours loads (20 ms or more): {libraries_text}." if libraries else ""),
        "",
        "Tried and not kept: routes that import their service on first call (a route naming its models by import path "
        "for the OpenAPI document). For api_me, with the libraries loaded first, building the app took 68 ms less, but "
        "its first request took 79 ms more (medians of 9 each): the preferences route's service still loads the scoring "
        "rules (common.services.inbox, then common.services.notifications, then common.domain.findings and "
        "common.domain.scoring), and the imports it moves into the request run beside the request's other thread. "
        "What would help is fewer links between the domain modules, so a route's service loads only its own. "
        + (f"Our code among the misses' extra imports: {misses_code}." if missed else ""),
        "",
    ]
    if left_out:
        lines += ["Not measured: " + "; ".join(f"{n} ({LEFT_OUT.get(n, 'not in this run: --functions')})" for n in left_out) + ".", ""]
    from bench.scoring import _record

    _record(args.results, "## Cold start", "\n".join(lines))
    if not record_json:
        return
    from bench.results import record

    record("cold_start", rows, runs=args.runs, **(machine.about() if machine else {}), serving="a fresh process per function, answering through create_app's Flask app")


def _today() -> str:
    from common.domain.clock import today_wib

    return today_wib().isoformat()


if __name__ == "__main__":
    sys.exit(main())
