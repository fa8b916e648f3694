"""Serves every function locally the way production does.

Each function is built with functions-framework's own ``create_app`` from
main.py, exactly as Cloud Functions builds it. Two listeners:

- the hosting port: ``web/`` plus firebase.json's hosting rewrites, so
  ``/api/...`` reaches the same function it reaches behind Firebase Hosting;
- the functions port: ``/<function id>`` (``/score-unit``), the push endpoint of
  the Pub/Sub subscriptions that trigger event functions.

Functions are known by their deployed id (``api-reports``, what Hosting's rewrites name) and
built from their Python entry point (``api_reports``), as in production.

It also plays Cloud Scheduler: functions with a ``schedule`` in the catalog get
a message on their topic when the cron expression matches (Asia/Jakarta); and
Eventarc for Cloud Storage: ``/_eventarc/storage`` on the functions port takes the
bucket's notifications (pushed from the Pub/Sub emulator, where the Storage
emulator publishes them) and calls each storage-triggered function with the
CloudEvent Eventarc sends (``google.cloud.storage.object.v1.finalized``, binary
content mode, the object's JSON as data). A failed call answers 500, so Pub/Sub
delivers the notification again, as Eventarc retries.
"""

from __future__ import annotations

import argparse
import json
import logging
import mimetypes
import re
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("pantau.gateway")


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """Firebase Hosting globs: ``**`` crosses slashes, ``*`` does not."""
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(f"^{out}$", re.DOTALL)


def build_function_apps() -> dict[str, Any]:
    import functions_framework

    from functions.catalog import FUNCTIONS

    source = str(ROOT / "main.py")
    return {
        f.function_id: functions_framework.create_app(target=f.name, source=source, signature_type="http" if f.trigger == "http" else "cloudevent")
        for f in FUNCTIONS
    }


EDGE_ADDRESS = "127.0.0.1"  # plays the address of Hosting's CDN, which Google's front end appends


class Hosting:
    """A WSGI app for the hosting port: rewrites first, then static files from web/.

    As Firebase Hosting does: a request for a function goes on with the client's address
    appended to X-Forwarded-For (by the CDN) and then the CDN's (by Google's front end), so
    the functions find the client two entries from the right (docs/client-address.md); the
    ``headers`` of firebase.json go on the pages. The one local difference: the dashboard's
    Content-Security-Policy also lets it reach the Auth emulator, as init.json points it there.
    """

    def __init__(self, apps: dict[str, Any], config: dict[str, Any], firebase_init: dict[str, Any] | None = None) -> None:
        self.apps = apps
        self.firebase_init = firebase_init or {}
        self.public = (ROOT / config.get("public", "web")).resolve()
        self.clean_urls = config.get("cleanUrls", False)
        self.rewrites = [(glob_to_regex(r["source"]), r) for r in config.get("rewrites", [])]
        self.headers = [(glob_to_regex(r["source"]), r["headers"]) for r in config.get("headers", [])]
        self.auth_origin = self.firebase_init.get("authEmulatorHost")

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "/")
        if path == "/__/firebase/init.json":
            # Firebase Hosting serves the web app's config here; locally it points at the Auth emulator.
            body = json.dumps(self.firebase_init).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        for pattern, rule in self.rewrites:
            if pattern.match(path):
                if "function" in rule:
                    function = rule["function"]["functionId"] if isinstance(rule["function"], dict) else rule["function"]
                    return self.apps[function](self._forwarded(environ), start_response)
                if "destination" in rule:
                    return self._static(rule["destination"], self._with_headers(path, start_response))
        return self._static(path, self._with_headers(path, start_response))

    @staticmethod
    def _forwarded(environ: dict[str, Any]) -> dict[str, Any]:
        sent = environ.get("HTTP_X_FORWARDED_FOR", "")
        chain = [part for part in (sent, environ.get("REMOTE_ADDR", ""), EDGE_ADDRESS) if part]
        return {**environ, "HTTP_X_FORWARDED_FOR": ", ".join(chain)}

    def _with_headers(self, path: str, start_response: Callable) -> Callable:
        extra: dict[str, str] = {}
        for pattern, headers in self.headers:
            if pattern.match(path):
                extra.update({h["key"]: h["value"] for h in headers})
        if self.auth_origin and "Content-Security-Policy" in extra and "identitytoolkit" in extra["Content-Security-Policy"]:
            extra["Content-Security-Policy"] = extra["Content-Security-Policy"].replace("connect-src 'self'", f"connect-src 'self' {self.auth_origin}")

        def start(status: str, headers: list, exc_info=None):
            return start_response(status, [*headers, *extra.items()], exc_info)

        return start

    def _static(self, path: str, start_response: Callable) -> Any:
        candidates = [path, path.rstrip("/") + "/index.html"]
        if self.clean_urls:
            candidates.append(path + ".html")
        for candidate in candidates:
            target = (self.public / candidate.lstrip("/")).resolve()
            if target.is_file() and target.is_relative_to(self.public):
                return self._file(target, "200 OK", start_response)
        missing = self.public / "404.html"
        if missing.is_file():
            return self._file(missing, "404 Not Found", start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not Found"]

    @staticmethod
    def _file(target: Path, status: str, start_response: Callable) -> Any:
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-cache")])
        return [body]


# Cloud Storage notification event types -> the CloudEvent types Eventarc delivers.
STORAGE_EVENT_TYPES = {
    "OBJECT_FINALIZE": "google.cloud.storage.object.v1.finalized",
    "OBJECT_DELETE": "google.cloud.storage.object.v1.deleted",
    "OBJECT_ARCHIVE": "google.cloud.storage.object.v1.archived",
    "OBJECT_METADATA_UPDATE": "google.cloud.storage.object.v1.metadataUpdated",
}


def storage_cloudevent(push: dict[str, Any]) -> tuple[str, dict[str, str], bytes] | None:
    """The CloudEvent (type, binary-mode headers, body) Eventarc makes of one Cloud Storage
    notification as Pub/Sub pushes it; None for a message that is not one."""
    import base64

    message = push.get("message") or {}
    attributes = message.get("attributes") or {}
    kind = STORAGE_EVENT_TYPES.get(attributes.get("eventType", ""))
    if kind is None or attributes.get("payloadFormat") != "JSON_API_V1":
        return None
    body = base64.b64decode(message.get("data") or b"")
    headers = {
        "ce-specversion": "1.0",
        "ce-id": str(message.get("messageId") or message.get("message_id")),  # as Eventarc: the notification's message id
        "ce-source": f"//storage.googleapis.com/projects/_/buckets/{attributes['bucketId']}",
        "ce-type": kind,
        "ce-subject": f"objects/{attributes['objectId']}",
        "ce-time": attributes.get("eventTime") or message.get("publishTime") or "",
        "Content-Type": "application/json",
    }
    return kind, headers, body


class Functions:
    """A WSGI app for the functions port: /<function id>/... goes to that function."""

    def __init__(self, apps: dict[str, Any]) -> None:
        self.apps = apps

    def _eventarc_storage(self, environ: dict[str, Any], start_response: Callable) -> Any:
        from werkzeug.test import Client

        from functions.catalog import STORAGE_FUNCTIONS

        length = int(environ.get("CONTENT_LENGTH") or 0)
        push = json.loads(environ["wsgi.input"].read(length) or b"{}")
        event = storage_cloudevent(push)
        failed = []
        for function in STORAGE_FUNCTIONS:
            if event is None or function.event_type != event[0]:
                continue
            response = Client(self.apps[function.function_id]).post("/", data=event[2], headers=event[1])
            if response.status_code >= 300:
                failed.append(function.function_id)
                log.warning("storage event delivery failed", extra={"function": function.function_id, "status": response.status_code})
        status = "500 Internal Server Error" if failed else "204 No Content"
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps({"failed": failed}).encode()] if failed else []

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        if environ.get("PATH_INFO") == "/_eventarc/storage" and environ.get("REQUEST_METHOD") == "POST":
            return self._eventarc_storage(environ, start_response)
        name, _, rest = environ.get("PATH_INFO", "/").lstrip("/").partition("/")
        app = self.apps.get(name)
        if app is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [json.dumps({"error": {"code": "not_found", "message": f"no function {name}"}}).encode()]
        environ = {**environ, "PATH_INFO": "/" + rest}
        return app(environ, start_response)


# -- the local Cloud Scheduler ------------------------------------------------

def _cron_field(spec: str, value: int, low: int, high: int) -> bool:
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            start, end = (int(x) for x in part.split("-"))
        else:
            start = end = int(part)
        if start <= value <= end and (value - start) % step == 0:
            return True
    return False


def cron_matches(expression: str, moment: datetime) -> bool:
    minute, hour, day, month, weekday = expression.split()
    return (
        _cron_field(minute, moment.minute, 0, 59)
        and _cron_field(hour, moment.hour, 0, 23)
        and _cron_field(day, moment.day, 1, 31)
        and _cron_field(month, moment.month, 1, 12)
        and _cron_field(weekday, (moment.isoweekday() % 7), 0, 6)
    )


def run_scheduler(project: str, stop: threading.Event) -> None:
    from google.cloud import pubsub_v1

    from common.domain.clock import utcnow
    from functions.catalog import FUNCTIONS

    jobs = [f for f in FUNCTIONS if f.schedule and f.topic]
    publisher = pubsub_v1.PublisherClient()
    zone = ZoneInfo("Asia/Jakarta")
    last_minute = None
    while not stop.wait(1.0):
        now = utcnow().astimezone(zone).replace(second=0, microsecond=0)  # the stack's clock, as the functions read it
        if now == last_minute:
            continue
        last_minute = now
        for job in jobs:
            if cron_matches(job.schedule, now):
                data = json.dumps({"scheduled_at": now.isoformat(), "job": job.name}).encode()
                try:
                    publisher.publish(publisher.topic_path(project, job.topic), data, source="local-scheduler").result(timeout=10)
                except Exception:
                    log.exception("scheduled publish failed", extra={"job": job.name})


def main() -> None:
    import os

    from werkzeug.serving import make_server

    parser = argparse.ArgumentParser(description="serve every function locally")
    parser.add_argument("--state", type=Path, required=True)
    args = parser.parse_args()
    from common.logs import configure
    from common.settings import get_settings

    configure()
    get_settings()  # installs the stack's clock (PANTAU_CLOCK_OFFSET_SECONDS) before the scheduler reads it
    firebase = json.loads((ROOT / "firebase.json").read_text())
    info = json.loads((args.state / "stack.json").read_text())
    hosting_port = int(info["api"].rsplit(":", 1)[1])
    functions_port = int(info["functions"].rsplit(":", 1)[1])
    apps = build_function_apps()
    servers = [
        make_server("127.0.0.1", functions_port, Functions(apps), threaded=True),
        make_server("127.0.0.1", hosting_port, Hosting(apps, firebase["hosting"], {
            "projectId": info["project"], "apiKey": "demo-api-key", "authDomain": f"{info['project']}.firebaseapp.com",
            "authEmulatorHost": f"http://{info['auth']}",
        }), threaded=True),
    ]
    stop = threading.Event()
    threading.Thread(target=run_scheduler, args=(os.environ["GOOGLE_CLOUD_PROJECT"], stop), daemon=True).start()
    threading.Thread(target=servers[0].serve_forever, daemon=True).start()
    log.info("gateway serving", extra={"api": info["api"], "functions": info["functions"]})
    try:
        servers[1].serve_forever()
    finally:
        stop.set()
        time.sleep(0)


if __name__ == "__main__":
    main()
