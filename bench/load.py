"""Benchmark: report submission, survey intake and the e-performance read under rising concurrency, next to a floor.

    python -m bench.load [--levels 1,4,8,16] [--per-level 60]

Starts its own local stack, seeds ASN with SKP plans, last year's twelve reports and sign-ins,
and the floors (bench/floor.py): the bare floor (validate the body, one Firestore write) and the
necessary floor (exactly what a correct, idempotent request needs: token with revocation check,
one batched read in one transaction, one commit, one publish); for the e-performance read, the
same reads (the employee, SKP, annual record, twelve reports and results in one batched read,
beside the year's trainings), without the token (bare) and with it (necessary). At each
concurrency level it sends a fixed number of report submissions, survey responses and
e-performance reads of last year, through HTTP on loopback, to ours and both
floors, and prints the median and p99 latency and the throughput of each, with their ratios,
and the network round trips each makes per request (counted in this process on the real
clients, tests/roundtrips.py). Then it checks that every accepted request is stored exactly
once, and floods one sender to see every refusal be a proper 429 that writes nothing.
It writes bench/RESULTS.md's "Load" section and bench/results.json's "load".

Serving (--serving): "production" (the default) serves each function in its own process, as
Cloud Functions does, with functions-framework's gunicorn at one thread per worker and as many
workers as the highest concurrency level: the Terraform sets max_instance_request_concurrency
= 1, so N requests at once are N instances each serving one. The floors are served the same
way. "gateway" is the local stack's one gateway process with threads, as before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Beban-Uji-2026"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def loopback(i: int) -> str:
    """The i-th of many senders: a loopback address of its own (127.1.0.2 and up)."""
    return f"127.1.{i // 250}.{i % 250 + 2}"


def fire(jobs: list[tuple], concurrency: int) -> tuple[list[float], list[requests.Response], float]:
    """Post every (url, body, headers[, source address]) job, ``concurrency`` at a time (a body of None: a GET)."""
    from tools.client import Api

    session_pool = [requests.Session() for _ in range(concurrency)]
    senders: dict[str, requests.Session] = {}

    def one(index_job):
        index, (url, body, headers, *source) = index_job
        session = senders.setdefault(source[0], Api("", source_address=source[0]).session) if source else session_pool[index % concurrency]
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=60) if body is None else session.post(url, json=body, headers=headers, timeout=60)
        return time.perf_counter() - started, response

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, enumerate(jobs)))
    wall = time.perf_counter() - started
    return [r[0] for r in results], [r[1] for r in results], wall


LABELS = {"report_submission": "report submission", "survey_intake": "survey intake", "e_performance": "e-performance"}


def seed_year_of_reports(uow, people, year: int) -> None:
    """Each person's twelve reports of ``year``, each submitted on the 3rd of the month after (on time)."""
    from datetime import datetime, timezone

    from common.domain import reports as domain
    from common.domain.skp import plan_id
    from tests import factories as f

    plans = uow.plans.get_many([plan_id(p.nip, year) for p in people])
    made = []
    for person in people:
        for month in range(1, 13):
            after = datetime(year + month // 12, month % 12 + 1, 3, 2, 0, tzinfo=timezone.utc)
            report, _, _ = domain.submit(None, person, plans[plan_id(person.nip, year)], f"{year}-{month:02d}", f.content(IKI_1=40 + month), after, 5)
            made.append(report)
    uow.reports.put_many(made)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,4,8,16")
    parser.add_argument("--per-level", type=int, default=60, help="requests of each kind per level")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--serving", choices=("production", "gateway"), default="production")
    args = parser.parse_args()
    from bench.results import Machine

    machine = Machine()  # before the stack starts: what else was running
    levels = [int(x) for x in args.levels.split(",")]
    workers = max(levels)

    from tools.stack import Ports, Stack

    stack = Stack(ROOT / ".local" / "load-stack", project="demo-pantau-load", ports=Ports.free())
    info = stack.up()
    os.environ.update(info.env())
    floor_port = Ports.free().hosting
    servers = [subprocess.Popen([sys.executable, "-m", "bench.floor", "--port", str(floor_port)]
                                + (["--workers", str(workers)] if args.serving == "production" else []), cwd=ROOT,
                                env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    api = {"reports": info.api, "surveys": info.api, "me": info.api}
    if args.serving == "production":  # each function in its own process, one request per worker at a time
        for name in ("reports", "surveys", "me"):
            port = Ports.free().hosting
            servers.append(subprocess.Popen(
                [str(Path(sys.executable).parent / "functions-framework"), "--target", f"api_{name}", "--source", str(ROOT / "main.py"),
                 "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                env={**os.environ, **info.function_env(), "WORKERS": str(workers), "THREADS": "1"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
            api[name] = f"http://127.0.0.1:{port}"
    try:
        from common.adapters.firestore import FirestoreUnitOfWork, get_client
        from common.adapters.pubsub import PubSubPublisher
        from common.domain.clock import WIB, utcnow
        from common.domain.organisation import ServiceType, Unit
        from common.services import administration
        from common.settings import Settings
        from tests import factories as f
        from tools.client import sign_in
        from tools.enrol import enrol

        uow = FirestoreUnitOfWork(get_client(info.project), publisher=lambda: PubSubPublisher(Settings(project_id=info.project)))
        year = utcnow().astimezone(WIB).year
        administration.load_units(uow, [Unit(id="kel-beban", name="Kelurahan Beban", services=[ServiceType(id="sk", name="Domisili", standard_days=1)])])
        people = [f.employee("kel-beban", email=f"beban{i}@uji.example") for i in range(args.per_level + 1)]  # the last: round trips
        enrol(info, uow, people, PASSWORD, actor="bench", reason="load benchmark")
        administration.load_plans(uow, [f.plan(p.nip, y) for p in people for y in (year - 1, year)])
        seed_year_of_reports(uow, people, year - 1)  # the e-performance read: an ASN with twelve months of reports
        tokens = [sign_in(info.auth, p.email, PASSWORD) for p in people]
        for url in (f"http://127.0.0.1:{floor_port}/survey", f"{api['reports']}/api/reports", f"{api['surveys']}/api/surveys", f"{api['me']}/api/me/performance"):
            for _ in range(300):  # each server is up when it answers
                try:
                    requests.post(url, data=b"{}", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
        _topics(info.project, ("floor-report-submitted", "floor-survey-submitted"))
        # The consumers of ours' events (notify_events, survey_events, ...) would run in the
        # gateway on the cores this measures, after each of ours' requests and during the floors'
        # (bench/consumers.py): in production they run on instances of their own.
        from bench.consumers import detach

        print(f"detached {len(detach(info.project))} consumer subscriptions", flush=True)
        trips = round_trips(info, tokens[-1], people[-1].nip, year - 1)
        print("round trips per request:", trips, flush=True)

        today = utcnow().astimezone(WIB).date().isoformat()
        month_now = utcnow().astimezone(WIB).month
        rows, accepted_reports, accepted_surveys, results = [], 0, 0, []
        period_of_level = lambda i: f"{year}-{(month_now - i - 1) % 12 + 1:02d}" if month_now - i >= 1 else f"{year}-01"  # noqa: E731

        # Warm every worker of every server first, at full concurrency: a worker's first request
        # creates its clients (channels, Auth's app), and at concurrency 1 a third of the
        # requests would otherwise land on a cold worker of ours. The levels compare warm ones.
        warm = min(workers * 2, len(people) - 1)
        floor_url = f"http://127.0.0.1:{floor_port}"
        warm_report = {"period": period_of_level(len(levels)), "realisasi": [{"indicator_id": "IKI-1", "value": 40}],
                       "narrative": "Pemanasan.", "evidence": ["https://drive.example.go.id/bukti/0"]}
        warm_survey = lambda i: {"unit_id": "kel-beban", "service_id": "sk", "service_date": today,  # noqa: E731
                                 "answers": {f"U{k}": 3 for k in range(1, 10)}, "client_key": f"pemanasan-{i:05d}"}
        for jobs in (
            [(f"{api['reports']}/api/reports", warm_report, {"Authorization": f"Bearer {tokens[i]}", "Idempotency-Key": f"warm-{i:05d}"}) for i in range(warm)],
            [(f"{floor_url}/report", warm_report, {}) for _ in range(warm)],
            [(f"{floor_url}/necessary/report", warm_report, {"Authorization": f"Bearer {tokens[i]}", "Idempotency-Key": f"warm-{i:05d}"}) for i in range(warm)],
            [(f"{api['surveys']}/api/surveys", warm_survey(i), {}, loopback(20_000 + i)) for i in range(warm)],
            [(f"{floor_url}/survey", warm_survey(i), {}) for i in range(warm)],
            [(f"{floor_url}/necessary/survey", warm_survey(i), {}) for i in range(warm)],
            [(f"{api['me']}/api/me/performance?year={year - 1}", None, {"Authorization": f"Bearer {tokens[i]}"}) for i in range(warm)],
            [(f"{floor_url}/necessary/performance?year={year - 1}", None, {"Authorization": f"Bearer {tokens[i]}"}) for i in range(warm)],
        ):
            _, warmed, _ = fire(jobs, workers)
            if bad := sorted({r.status_code for r in warmed} - {200, 201}):
                raise SystemExit(f"warming up: unexpected statuses {bad}")
        accepted_reports += warm
        accepted_surveys += warm

        for level_index, concurrency in enumerate(levels):
            period = period_of_level(level_index)
            report_body = lambda: {"period": period, "realisasi": [{"indicator_id": "IKI-1", "value": 41}], "narrative": "Uji beban.",  # noqa: E731
                                   "evidence": ["https://drive.example.go.id/bukti/1"]}
            survey_body = lambda i: {"unit_id": "kel-beban", "service_id": "sk", "service_date": today,  # noqa: E731
                                     "answers": {f"U{k}": 3 for k in range(1, 10)}, "client_key": f"beban-{concurrency}-{i:05d}"}
            idem = lambda i: {"Idempotency-Key": f"beban-{concurrency}-{i:05d}"}  # noqa: E731
            ours_reports = [(f"{api['reports']}/api/reports", report_body(), {"Authorization": f"Bearer {tokens[i]}", **idem(i)}) for i in range(args.per_level)]
            floor_reports = [(f"{floor_url}/report", report_body(), {}) for _ in range(args.per_level)]
            needed_reports = [(f"{floor_url}/necessary/report", report_body(), {"Authorization": f"Bearer {tokens[i]}", **idem(i)}) for i in range(args.per_level)]
            ours_surveys = [(f"{api['surveys']}/api/surveys", survey_body(i), {}, loopback(level_index * args.per_level + i)) for i in range(args.per_level)]
            floor_surveys = [(f"{floor_url}/survey", survey_body(i), {}) for i in range(args.per_level)]
            needed_surveys = [(f"{floor_url}/necessary/survey", survey_body(i), {}) for i in range(args.per_level)]
            ours_reads = [(f"{api['me']}/api/me/performance?year={year - 1}", None, {"Authorization": f"Bearer {tokens[i]}"}) for i in range(args.per_level)]
            floor_reads = [(f"{floor_url}/performance?year={year - 1}&nip={people[i].nip}", None, {}) for i in range(args.per_level)]
            needed_reads = [(f"{floor_url}/necessary/performance?year={year - 1}", None, {"Authorization": f"Bearer {tokens[i]}"}) for i in range(args.per_level)]
            for name, ours, bare, needed in (("report submission", ours_reports, floor_reports, needed_reports),
                                             ("survey intake", ours_surveys, floor_surveys, needed_surveys),
                                             ("e-performance", ours_reads, floor_reads, needed_reads)):
                lat_o, res_o, wall_o = fire(ours, concurrency)
                lat_f, res_f, wall_f = fire(bare, concurrency)
                lat_n, res_n, wall_n = fire(needed, concurrency)
                bad = [r.status_code for r in res_o + res_n if r.status_code not in (200, 201)]
                if bad:
                    raise SystemExit(f"{name} at {concurrency}: unexpected statuses {sorted(set(bad))}")
                endpoint = name.replace(" ", "_").replace("-", "_")
                figures = lambda lat, wall, n, key: {"p50_ms": round(statistics.median(lat) * 1000, 2),  # noqa: E731
                                                     "p99_ms": round(percentile(lat, 99) * 1000, 2), "rps": round(n / wall, 2),
                                                     "round_trips": trips[endpoint][key]}
                results.append({"endpoint": endpoint, "concurrency": concurrency, "ours": figures(lat_o, wall_o, len(ours), "ours"),
                                "floor": figures(lat_f, wall_f, len(bare), "floor"),
                                "necessary_floor": figures(lat_n, wall_n, len(needed), "necessary_floor")})
                if name == "report submission":
                    accepted_reports += len(res_o)
                elif name == "survey intake":
                    accepted_surveys += len(res_o)
                rows.append((concurrency, name, statistics.median(lat_o), percentile(lat_o, 99), len(ours) / wall_o,
                             statistics.median(lat_f), percentile(lat_f, 99), len(bare) / wall_f,
                             statistics.median(lat_n), percentile(lat_n, 99), len(needed) / wall_n))
                r = rows[-1]
                print(f"c={concurrency:3} {name:18} ours p50 {r[2]*1000:6.1f} ms p99 {r[3]*1000:6.1f} ms {r[4]:6.1f}/s | "
                      f"floor p50 {r[5]*1000:6.1f} ms {r[7]:6.1f}/s | necessary p50 {r[8]*1000:6.1f} ms {r[10]:6.1f}/s", flush=True)

        # Exactly once: one report (and one revision, one event) per accepted submission; one response per receipt.
        reports = [r for r in uow.client.collection("reports").stream() if r.id.endswith(tuple(f"_{year}-{m:02d}" for m in range(1, 13)))]
        revisions = sum(1 for r in reports for _ in r.reference.collection("revisions").stream())
        events = sum(1 for d in uow.client.collection("outbox").stream() if d.id.startswith("report.submitted:"))
        surveys = uow.surveys.totals("kel-beban", [f"{year}-{m:02d}" for m in range(1, 13)])[0]
        accepted_reports += 2  # and two surveys: the round-trip count's (warm-up and measured)
        accepted_surveys += 2
        assert len(reports) == revisions == events == accepted_reports, (len(reports), revisions, events, accepted_reports)
        assert surveys == accepted_surveys, (surveys, accepted_surveys)

        # One phone floods, with a new User-Agent each time: the 11th and later in the window are
        # refused with 429 and write nothing (the default limit, 10 per 10 minutes per address).
        complaint = {"unit_id": "kel-beban", "service_id": "sk", "service_date": today, "answers": {f"U{k}": 2 for k in range(1, 10)},
                     "feedback": {"kind": "pengaduan", "text": "Uji banjir pengaduan dari satu telepon."}}
        flood = [(f"{api['surveys']}/api/surveys", complaint, {"User-Agent": f"uji-{i}"}, "127.0.9.9") for i in range(40)]
        _, flood_responses, _ = fire(flood, 4)
        codes = [r.status_code for r in flood_responses]
        refused = [r for r in flood_responses if r.status_code == 429]
        flood_accepted = codes.count(201)
        # Requests racing each other may pass a few more than the limit (at most the concurrency, 4).
        assert set(codes) <= {201, 429} and 10 <= flood_accepted <= 14, codes
        assert all(r.json()["error"]["code"] == "rate_limited" and r.headers.get("Retry-After") for r in refused)
        # Many phones at once, each within its limits: what the intake holds.
        crowd = [(f"{api['surveys']}/api/surveys", {**complaint, "client_key": f"ramai-{i:05d}"}, {}, loopback(10_000 + i)) for i in range(args.per_level * 2)]
        crowd_latencies, crowd_responses, crowd_wall = fire(crowd, 8)
        assert [r.status_code for r in crowd_responses] == [201] * len(crowd), {r.status_code for r in crowd_responses}
        after = uow.surveys.totals("kel-beban", [f"{year}-{m:02d}" for m in range(1, 13)])[0]
        assert after == accepted_surveys + flood_accepted + len(crowd)

        mode = ("each function in its own process (functions-framework's gunicorn, one thread per worker, "
                f"{workers} workers: as production's one request per instance), the floors served the same way; every worker of each "
                f"warmed first with {warm} requests at concurrency {workers}, so the levels compare warm instances"
                if args.serving == "production" else "one gateway process with threads for every function, the floors in one threaded server")
        ratio = lambda a, b: f"{a / b:.2f}" if b else "-"  # noqa: E731
        lines = [
            f"## Load ({_today()})",
            "",
            f"{machine.line()} The emulators and the client on the same machine, over loopback. Serving: {mode}. The consumers "
            "of the events (notify_events, survey_events, ...) detached for the measurement: on the stack they run in the "
            "gateway on the same two cores, in production on instances of their own (bench/consumers.py).",
            f"Command: `python -m bench.load --levels {args.levels} --per-level {args.per_level} --serving {args.serving}`. "
            "The floors (bench/floor.py): bare = validate the body and one Firestore write (e-performance: the same reads, no "
            "token); necessary = the ID token with the "
            "revocation check, one transaction with one batched read and one commit (the change, its revision or key, the outbox "
            "event), one publish (e-performance: the token, then the employee and account, SKP, annual record, twelve reports and "
            "results in one batched read beside the year's trainings).",
            "",
            "Round trips per request: the waits one after another (Firestore RPCs, Pub/Sub publishes, Auth requests, calls in "
            "flight at once counted as one; counted on the real clients, tests/roundtrips.py):",
            "",
            "| endpoint | ours | bare floor | necessary floor | ours by call |",
            "|---|---|---|---|---|",
            *(f"| {LABELS[e]} | {t['ours']} | {t['floor']} | {t['necessary_floor']} | {t['ours_by_call']} |" for e, t in trips.items()),
            "",
            "| concurrency | endpoint | ours p50 | ours p99 | ours req/s | floor p50 | floor req/s | necessary p50 | necessary p99 | necessary req/s "
            "| p50 / floor | p50 / necessary | throughput / necessary |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            *(f"| {c} | {n} | {o50*1000:.1f} ms | {o99*1000:.1f} ms | {ot:.1f} | {f50*1000:.1f} ms | {ft:.1f} | {n50*1000:.1f} ms | "
              f"{n99*1000:.1f} ms | {nt:.1f} | {ratio(o50, f50)} | {ratio(o50, n50)} | {ratio(ot, nt)} |"
              for c, n, o50, o99, ot, f50, f99, ft, n50, n99, nt in rows),
            "",
            f"Every accepted request was stored exactly once: {accepted_reports} reports with as many revisions and "
            f"report-submitted events, {accepted_surveys} survey responses. A flood of 40 complaints from one phone with a new "
            f"User-Agent each, 4 at a time: {flood_accepted} accepted (limit 10 per address; racing requests may pass a few more), "
            f"{len(refused)} refused with 429 and Retry-After, none of them written, no 5xx. A crowd of {len(crowd)} phones, each "
            f"from its own address, 8 at a time: all accepted, {len(crowd) / crowd_wall:.1f}/s, p50 "
            f"{statistics.median(crowd_latencies) * 1000:.1f} ms, p99 {percentile(crowd_latencies, 99) * 1000:.1f} ms.",
            "",
        ]
        print("\n".join(lines))
        from bench.results import record
        from bench.scoring import _record

        _record(args.results, "## Load", "\n".join(lines))
        record("load", results, **machine.about(), serving=args.serving, workers_per_function=workers if args.serving == "production" else None,
               per_level=args.per_level, round_trips={e: t["ours_by_call"] for e, t in trips.items()})
    finally:
        for server in servers:
            os.killpg(server.pid, 15)
        stack.down()
    return 0


def _topics(project: str, names: tuple[str, ...]) -> None:
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    for name in names:
        try:
            publisher.create_topic(name=publisher.topic_path(project, name))
        except AlreadyExists:
            pass


def round_trips(info, token: str, nip: str, read_year: int) -> dict[str, dict]:
    """One request of each kind to ours and to both floors, in this process on counted clients:
    the sequential network round trips each makes (tests/roundtrips.py)."""
    from bench import floor
    from common.domain.clock import WIB, utcnow
    from tests.roundtrips import InProcess, counted_firestore, counted_publisher, counting, measure

    now = utcnow().astimezone(WIB)
    period, today = f"{now.year}-{now.month:02d}", now.date().isoformat()
    report = {"period": period, "realisasi": [{"indicator_id": "IKI-1", "value": 41}], "narrative": "Uji.", "evidence": ["https://drive.example.go.id/b/1"]}
    survey = lambda key: {"unit_id": "kel-beban", "service_id": "sk", "service_date": today,  # noqa: E731
                          "answers": {f"U{k}": 3 for k in range(1, 10)}, "client_key": key}
    auth = lambda key: {"Authorization": f"Bearer {token}", "Idempotency-Key": key}  # noqa: E731
    out: dict[str, dict] = {}
    with counting(info.project) as trips:
        floor._client, floor._publisher = counted_firestore(info.project, trips), counted_publisher(trips)
        ours = InProcess()
        # The floor handlers of this module (create_app would load bench/floor.py again, with
        # clients of its own that the counters do not see).
        import flask

        app = flask.Flask("floors")
        for path, name in floor.ROUTES.items():
            app.add_url_rule(path, name, (lambda handler: lambda: handler(flask.request))(getattr(floor, name)), methods=["GET", "POST"])
        floors = dict.fromkeys(floor.ROUTES.values(), app.test_client())
        # A first request of each warms the clients (channels, Auth's app), as on a warm instance.
        for warm in ("warmup01", "trips001"):
            calls = {
                "report_submission": {"ours": lambda k=warm: ours.client("api_reports").post("/api/reports", json=report, headers=auth(f"{k}-report-ours")),
                                      "floor": lambda: floors["floor_report"].post("/report", json=report),
                                      "necessary_floor": lambda k=warm: floors["necessary_report"].post("/necessary/report", json=report, headers=auth(f"{k}-report-floor"))},
                "survey_intake": {"ours": lambda k=warm: ours.client("api_surveys").post("/api/surveys", json=survey(f"{k}-survey"),
                                                                                           environ_base={"REMOTE_ADDR": "127.3.0.1" if k == "warmup01" else "127.3.0.2"}),
                                  "floor": lambda k=warm: floors["floor_survey"].post("/survey", json=survey(k)),
                                  "necessary_floor": lambda k=warm: floors["necessary_survey"].post("/necessary/survey", json=survey(f"{k}-floor"))},
                "e_performance": {"ours": lambda: ours.client("api_me").get(f"/api/me/performance?year={read_year}", headers={"Authorization": f"Bearer {token}"}),
                                  "floor": lambda: floors["floor_performance"].get(f"/performance?year={read_year}&nip={nip}"),
                                  "necessary_floor": lambda: floors["necessary_performance"].get(f"/necessary/performance?year={read_year}",
                                                                                                 headers={"Authorization": f"Bearer {token}"})},
            }
            if warm == "warmup01":
                # Warm on other documents: the report's month must stay new for the measured request.
                report_then = report
                report = {**report, "period": f"{now.year}-01" if now.month != 1 else f"{now.year}-02"}
                for kinds in calls.values():
                    for call in kinds.values():
                        call()
                report = report_then
                continue
            for endpoint, kinds in calls.items():
                for kind, call in kinds.items():
                    response, cost = measure(trips, call)
                    assert response.status_code in (200, 201), (endpoint, kind, response.status_code, response.get_data(as_text=True)[:300])
                    out.setdefault(endpoint, {})[kind] = cost.sequential  # calls in flight at once are one wait
                    if kind == "ours":
                        out[endpoint]["ours_by_call"] = cost.by_name()
    floor._client = floor._publisher = None
    return out


def _today() -> str:
    from common.domain.clock import today_wib

    return today_wib().isoformat()


if __name__ == "__main__":
    sys.exit(main())
