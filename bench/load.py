"""Benchmark: report submission and survey intake under rising concurrency, next to a floor.

    python -m bench.load [--levels 1,4,8,16] [--per-level 60]

Starts its own local stack, seeds ASN with SKP plans and sign-ins, and a floor server (bench/
floor.py: a bare functions-framework handler that validates the same body and does one
Firestore write to the same emulator). At each concurrency level it sends a fixed number of
report submissions and survey responses, through HTTP on loopback, to both, and prints the
median and p99 latency and the throughput of each, with their ratios. Then it checks that
every accepted request is stored exactly once, and floods one sender to see every refusal be
a proper 429 that writes nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
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
    """Post every (url, body, headers[, source address]) job, ``concurrency`` at a time."""
    from tools.client import Api

    session_pool = [requests.Session() for _ in range(concurrency)]
    senders: dict[str, requests.Session] = {}

    def one(index_job):
        index, (url, body, headers, *source) = index_job
        session = senders.setdefault(source[0], Api("", source_address=source[0]).session) if source else session_pool[index % concurrency]
        started = time.perf_counter()
        response = session.post(url, json=body, headers=headers, timeout=60)
        return time.perf_counter() - started, response

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, enumerate(jobs)))
    wall = time.perf_counter() - started
    return [r[0] for r in results], [r[1] for r in results], wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,4,8,16")
    parser.add_argument("--per-level", type=int, default=60, help="requests of each kind per level")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    from tools.stack import Ports, Stack

    stack = Stack(ROOT / ".local" / "load-stack", project="demo-pantau-load", ports=Ports.free())
    info = stack.up()
    os.environ.update(info.env())
    floor_port = Ports.free().hosting
    floor = subprocess.Popen([sys.executable, "-m", "bench.floor", "--port", str(floor_port)], cwd=ROOT,
                             env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        from common.adapters.firestore import FirestoreUnitOfWork, get_client
        from common.adapters.pubsub import PubSubPublisher
        from common.settings import Settings
        from common.domain.clock import WIB, utcnow
        from common.domain.organisation import ServiceType, Unit
        from common.services import administration
        from tests import factories as f
        from tools.client import sign_in
        from tools.enrol import enrol

        uow = FirestoreUnitOfWork(get_client(info.project), publisher=lambda: PubSubPublisher(Settings(project_id=info.project)))
        year = utcnow().astimezone(WIB).year
        administration.load_units(uow, [Unit(id="kel-beban", name="Kelurahan Beban", services=[ServiceType(id="sk", name="Domisili", standard_days=1)])])
        people = [f.employee("kel-beban", email=f"beban{i}@uji.example") for i in range(args.per_level)]
        enrol(info, uow, people, PASSWORD, actor="bench", reason="load benchmark")
        administration.load_plans(uow, [f.plan(p.nip, year) for p in people])
        tokens = [sign_in(info.auth, p.email, PASSWORD) for p in people]
        for _ in range(100):  # the floor server is up when it answers
            try:
                requests.post(f"http://127.0.0.1:{floor_port}/survey", data=b"{}", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

        today = utcnow().astimezone(WIB).date().isoformat()
        month_now = utcnow().astimezone(WIB).month
        rows, accepted_reports, accepted_surveys = [], 0, 0
        for level_index, concurrency in enumerate(levels):
            period = f"{year}-{(month_now - level_index - 1) % 12 + 1:02d}" if month_now - level_index >= 1 else f"{year}-01"
            report_body = lambda: {"period": period, "realisasi": [{"indicator_id": "IKI-1", "value": 41}], "narrative": "Uji beban.",  # noqa: E731
                                   "evidence": ["https://drive.example.go.id/bukti/1"]}
            survey_body = lambda i: {"unit_id": "kel-beban", "service_id": "sk", "service_date": today,  # noqa: E731
                                     "answers": {f"U{k}": 3 for k in range(1, 10)}, "client_key": f"beban-{concurrency}-{i:05d}"}
            ours_reports = [(f"{info.api}/api/reports", report_body(), {"Authorization": f"Bearer {tokens[i]}"}) for i in range(args.per_level)]
            floor_reports = [(f"http://127.0.0.1:{floor_port}/report", report_body(), {}) for _ in range(args.per_level)]
            ours_surveys = [(f"{info.api}/api/surveys", survey_body(i), {}, loopback(level_index * args.per_level + i)) for i in range(args.per_level)]
            floor_surveys = [(f"http://127.0.0.1:{floor_port}/survey", survey_body(i), {}) for i in range(args.per_level)]
            for name, ours, bare in (("report submission", ours_reports, floor_reports), ("survey intake", ours_surveys, floor_surveys)):
                lat_o, res_o, wall_o = fire(ours, concurrency)
                lat_f, res_f, wall_f = fire(bare, concurrency)
                bad = [r.status_code for r in res_o if r.status_code not in (200, 201)]
                if bad:
                    raise SystemExit(f"{name} at {concurrency}: unexpected statuses {sorted(set(bad))}")
                if name == "report submission":
                    accepted_reports += len(res_o)
                else:
                    accepted_surveys += len(res_o)
                rows.append((concurrency, name, statistics.median(lat_o), percentile(lat_o, 99), len(ours) / wall_o,
                             statistics.median(lat_f), percentile(lat_f, 99), len(bare) / wall_f))
                r = rows[-1]
                print(f"c={concurrency:3} {name:18} ours p50 {r[2]*1000:6.1f} ms p99 {r[3]*1000:6.1f} ms {r[4]:6.1f}/s | "
                      f"floor p50 {r[5]*1000:6.1f} ms p99 {r[6]*1000:6.1f} ms {r[7]:6.1f}/s", flush=True)

        # Exactly once: one report (and one revision, one event) per accepted submission; one response per receipt.
        reports = list(uow.client.collection("reports").stream())
        revisions = sum(1 for r in reports for _ in r.reference.collection("revisions").stream())
        events = sum(1 for d in uow.client.collection("outbox").stream() if d.id.startswith("report.submitted:"))
        surveys = uow.surveys.totals("kel-beban", [f"{year}-{m:02d}" for m in range(1, 13)])[0]
        assert len(reports) == revisions == events == accepted_reports, (len(reports), revisions, events, accepted_reports)
        assert surveys == accepted_surveys, (surveys, accepted_surveys)

        # One phone floods, with a new User-Agent each time: the 11th and later in the window are
        # refused with 429 and write nothing (the default limit, 10 per 10 minutes per address).
        complaint = {"unit_id": "kel-beban", "service_id": "sk", "service_date": today, "answers": {f"U{k}": 2 for k in range(1, 10)},
                     "feedback": {"kind": "pengaduan", "text": "Uji banjir pengaduan dari satu telepon."}}
        flood = [(f"{info.api}/api/surveys", complaint, {"User-Agent": f"uji-{i}"}, "127.0.9.9") for i in range(40)]
        _, flood_responses, _ = fire(flood, 4)
        codes = [r.status_code for r in flood_responses]
        refused = [r for r in flood_responses if r.status_code == 429]
        flood_accepted = codes.count(201)
        # Requests racing each other may pass a few more than the limit (at most the concurrency, 4).
        assert set(codes) <= {201, 429} and 10 <= flood_accepted <= 14, codes
        assert all(r.json()["error"]["code"] == "rate_limited" and r.headers.get("Retry-After") for r in refused)
        # Many phones at once, each within its limits: what the intake holds.
        crowd = [(f"{info.api}/api/surveys", {**complaint, "client_key": f"ramai-{i:05d}"}, {}, loopback(10_000 + i)) for i in range(args.per_level * 2)]
        crowd_latencies, crowd_responses, crowd_wall = fire(crowd, 8)
        assert [r.status_code for r in crowd_responses] == [201] * len(crowd), {r.status_code for r in crowd_responses}
        after = uow.surveys.totals("kel-beban", [f"{year}-{m:02d}" for m in range(1, 13)])[0]
        assert after == accepted_surveys + flood_accepted + len(crowd)

        lines = [
            f"## Load ({_today()})",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; the local stack (emulators, "
            "one gateway process with threads) and the client on the same machine, over loopback.",
            f"Command: `python -m bench.load --levels {args.levels} --per-level {args.per_level}`. The floor: bench/floor.py, a bare "
            "functions-framework handler that validates the same body and does one Firestore write to the same emulator.",
            "",
            "| concurrency | endpoint | ours p50 | ours p99 | ours req/s | floor p50 | floor p99 | floor req/s | p50 ratio | throughput ratio |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *(f"| {c} | {n} | {o50*1000:.1f} ms | {o99*1000:.1f} ms | {ot:.1f} | {f50*1000:.1f} ms | {f99*1000:.1f} ms | {ft:.1f} | "
              f"{o50 / f50:.2f} | {ot / ft:.2f} |" for c, n, o50, o99, ot, f50, f99, ft in rows),
            "",
            f"Every accepted request was stored exactly once: {accepted_reports} reports with as many revisions and "
            f"report-submitted events, {accepted_surveys} survey responses. A flood of 40 complaints from one phone with a new "
            f"User-Agent each, 4 at a time: {flood_accepted} accepted (limit 10 per address; racing requests may pass a few more), "
            f"{len(refused)} refused with 429 and Retry-After, none of them written, no 5xx. A crowd of {len(crowd)} phones, each "
            f"from its own address, 8 at a time: all accepted, {len(crowd) / crowd_wall:.1f}/s, p50 "
            f"{statistics.median(crowd_latencies) * 1000:.1f} ms, p99 {percentile(crowd_latencies, 99) * 1000:.1f} ms. What ours pays above the floor: verifying the ID "
            "token against the Auth emulator, reading the employee, SKP and existing report, and one transaction writing "
            "the report, its revision, the idempotency record and the outbox event, then publishing the event.",
            "",
        ]
        print("\n".join(lines))
        from bench.scoring import _record

        _record(args.results, "## Load", "\n".join(lines))
    finally:
        os.killpg(floor.pid, 15)
        stack.down()
    return 0


def _today() -> str:
    from common.domain.clock import today_wib

    return today_wib().isoformat()


if __name__ == "__main__":
    sys.exit(main())
