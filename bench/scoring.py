"""Benchmark: one monthly scoring run at the size of a city.

    python -m bench.scoring [--units 50] [--per-unit 100] [--surveys 50000]

Starts its own local stack (free ports, its own project), seeds 5,000 ASN in
50 units with a month of reports and reviews and 50,000 survey responses,
then runs the real thing: a run record, one Pub/Sub message per unit, the
score_unit function per unit behind functions-framework. It prints the run's
wall time next to the time of one plain streaming read of the same documents
(the floor for anything that must look at them) and next to the I/O floor
(bench/io_floor.py: the run's reads in bulk and its writes with a BulkWriter, in
one process), the Firestore reads and writes the run used, as the functions
counted them, each unit's handler time (from its status: started at ``at``,
committed at the document's update time), and from those per-unit costs a
projection of the run at a province's size (docs/deploy.md, "Cost estimate").
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(uow, units: int, per_unit: int, surveys: int, period: str, rng: random.Random) -> dict:
    from common.adapters.firestore import to_doc
    from common.domain import reports as domain
    from common.domain.clock import WIB
    from common.domain.organisation import Employee, ServiceType, Unit
    from common.domain.period import next_period
    from common.domain.ratings import BerAkhlak, Rating
    from common.domain.reports import RealisasiEntry, ReportContent, ReviewInput
    from common.domain.survey import Answers, Source, SurveyResponse, is_complaint
    from tools.demo_data import Person, _plan  # the demo's SKP templates

    client = uow.client
    writes: list[tuple[object, dict]] = []

    from google.api_core.exceptions import DeadlineExceeded
    from google.api_core.retry import Retry, if_transient_error

    # A batch of sets is safe to send again: on a loaded machine the emulator may take longer
    # than the client's default deadline to commit 400 documents.
    patient = Retry(predicate=lambda e: if_transient_error(e) or isinstance(e, DeadlineExceeded), timeout=600)

    def flush(force: bool = False) -> None:
        while len(writes) >= 400 or (force and writes):
            batch = client.batch()
            for ref, data in writes[:400]:
                batch.set(ref, data)
            batch.commit(retry=patient, timeout=120)
            del writes[:400]

    services = [ServiceType(id=f"layanan-{i}", name=f"Layanan {i}", standard_days=2) for i in range(4)]
    year, month = int(period[:4]), int(period[5:])
    submitted = datetime.combine(date(*map(int, next_period(period).split("-")), 3), clock_time(9), tzinfo=WIB)
    person_no = survey_no = 0
    counts = {"units": 0, "employees": 0, "plans": 0, "reports": 0, "surveys": 0}
    for u in range(units):
        unit_id = f"bench-unit-{u:03d}"
        people: list[Employee] = []
        for i in range(per_unit):
            person_no += 1
            # A head, nine supervisors under them, everyone else under one of the nine.
            supervisor = None if i == 0 else people[0].nip if i < 10 else people[1 + (i % 9)].nip
            people.append(Employee(nip=_nip(person_no), name=f"Pegawai {person_no}", unit_id=unit_id, supervisor_nip=supervisor))
        head_nip = people[0].nip
        unit = Unit(id=unit_id, name=f"Unit Uji {u}", services=services, population_served=5000, head_nip=head_nip)
        writes.append((client.collection("units").document(unit_id), to_doc(unit)))
        counts["units"] += 1
        for e in people:
            writes.append((client.collection("employees").document(e.nip), to_doc(e)))
            plan = _plan(Person(e, rng.choice(["pelayanan", "pemerintahan", "trantib", "umum"]), 0.9, 1.0, "asn"), year)
            writes.append((client.collection("skp_plans").document(plan.id), to_doc(plan)))
            counts["employees"] += 1
            counts["plans"] += 1
            if rng.random() < 0.95:
                content = ReportContent(
                    realisasi=[RealisasiEntry(indicator_id=i.id, value=min(100.0, round(i.target * rng.uniform(0.7, 1.3), 1)) if i.is_percentage
                                              else round(i.target * rng.uniform(0.7, 1.3), 1)) for i in plan.indicators],
                    narrative="Laporan bulanan.",
                )
                report, _, _ = domain.submit(None, e, plan, period, content, submitted + timedelta(days=rng.choice([0, 0, 0, 4])), 5)
                if e.supervisor_nip and rng.random() < 0.8:
                    rating = rng.choice(list(Rating))
                    report, _ = domain.review(report, e, e.supervisor_nip, ReviewInput(
                        decision="accept", hasil_kerja=rating, perilaku={v: Rating.SESUAI for v in BerAkhlak},
                        feedback="Catatan." if rating is Rating.DI_BAWAH else None), submitted + timedelta(days=2))
                data = to_doc(report)
                writes.append((client.collection("reports").document(report.id), data))
                writes.append((client.collection("reports").document(report.id).collection("revisions").document("1"), data))
                counts["reports"] += 1
            flush()
        for _ in range(surveys // units):
            scores = {f"U{k}": rng.choice([2, 3, 3, 3, 4, 4]) for k in range(1, 10)}
            answers = Answers(**scores)
            at = datetime.combine(date(year, month, rng.randint(1, 28)), clock_time(10), tzinfo=WIB)
            survey_no += 1
            response = SurveyResponse(receipt=f"SKM-B{survey_no:07d}", unit_id=unit_id, service_id=rng.choice(services).id,
                                      service_date=at.date(), period=period, submitted_at=at, source=Source.WEB, answers=answers,
                                      complaint=is_complaint(None), lowest_score=min(scores.values()))
            writes.append((client.collection("surveys").document(response.receipt), to_doc(response)))
            counts["surveys"] += 1
            flush()
    flush(force=True)
    return counts


def _nip(n: int) -> str:
    """A valid NIP for the n-th synthetic employee; unique below 9,000 (one birth date each)."""
    birth = date(1970, 1, 1) + timedelta(days=n)
    return f"{birth:%Y%m%d}{birth.year + 25:04d}{n % 12 + 1:02d}{1 + n % 2}{n % 1000:03d}"


def plain_read(client, units: list[str], period: str) -> tuple[float, int]:
    """The floor: stream every document a run must look at, once, doing nothing with it."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    started = time.perf_counter()
    docs = 0
    for _name, query in (
        ("employees", client.collection("employees")),
        ("skp_plans", client.collection("skp_plans")),
        ("reports", client.collection("reports").where(filter=FieldFilter("period", "==", period))),
        ("surveys", client.collection("surveys").where(filter=FieldFilter("period", "==", period))),
    ):
        for _ in query.stream():
            docs += 1
    return time.perf_counter() - started, docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--per-unit", type=int, default=100)
    parser.add_argument("--surveys", type=int, default=50_000)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--floor-threads", type=int, default=8, help="threads the I/O floor reads units on")
    parser.add_argument("--province-units", type=int, default=2_000)
    parser.add_argument("--province-asn", type=int, default=200_000)
    args = parser.parse_args()
    from bench.results import Machine

    machine = Machine()  # before the stack starts: what else was running

    from tools.stack import Ports, Stack

    state = ROOT / ".local" / "bench-stack"
    stack = Stack(state, project="demo-pantau-bench", ports=Ports.free())
    info = stack.up()
    os.environ.update(info.env())
    try:
        from common.adapters.firestore import FirestoreUnitOfWork, get_client
        from common.adapters.pubsub import PubSubPublisher
        from common.domain.clock import utcnow
        from common.services.scoring import run_progress, start_run
        from common.settings import Settings

        uow = FirestoreUnitOfWork(get_client(info.project), publisher=lambda: PubSubPublisher(Settings(project_id=info.project)))
        started = time.perf_counter()
        counts = seed(uow, args.units, args.per_unit, args.surveys, args.period, random.Random(7))
        seeded = time.perf_counter() - started
        print(f"seeded {counts} in {seeded:.1f}s", flush=True)

        # On one machine the notification functions would compete with scoring for the same two
        # cores (in production they run on their own instances): detach them for the measurement.
        from bench.consumers import detach

        detached = detach(info.project, frozenset({"notify-events", "deliver-notifications", "notify_events", "deliver_notifications"}))
        print(f"detached {len(detached)} notification subscriptions", flush=True)

        floor, docs = plain_read(uow.client, [], args.period)
        print(f"plain streaming read of {docs} documents: {floor:.2f}s", flush=True)

        with uow.meter() as start_meter:
            t0 = time.perf_counter()
            run = start_run(uow, args.period, "bench", utcnow())
        while run.status == "running":
            time.sleep(0.25)
            run = run_progress(uow, run.id)
        wall = time.perf_counter() - t0
        statuses = uow.runs.unit_statuses(run.id)
        reads = sum(s.reads or 0 for s in statuses) + start_meter.reads
        writes = sum(s.writes or 0 for s in statuses) + start_meter.writes
        employees = sum(s.employees or 0 for s in statuses)
        per_unit = sorted(s.reads or 0 for s in statuses)
        timing = unit_timings(uow.client, run.id, wall)
        print(f"run: {wall:.2f}s, {reads} reads, {writes} writes; units took {timing['mean_s']:.2f}s each on average, "
              f"{timing['parallelism']:.2f} at a time", flush=True)

        # The relay marks the run's events published from their receipts, each minute on the stack.
        # Done here until none is pending, so the floor below runs on a quiet database and copies
        # every mark; not in the run's time, as no unit waits for it.
        from common.services.events import confirm_published

        t1, marked = time.perf_counter(), 0
        pending = uow.outbox.where("pending", "==", True)
        while uow.outbox.count_matching(pending) and time.perf_counter() - t1 < 300:
            confirmed = confirm_published(uow.outbox, uow.publisher, utcnow(), 500)
            marked += confirmed
            if not confirmed:
                time.sleep(0.5)  # the stack's own sweep holds some receipts
        relay_s = time.perf_counter() - t1
        print(f"relay: {marked} outbox entries marked from their receipts here in {relay_s:.2f}s "
              f"(the rest by the stack's sweep); {uow.outbox.count_matching(pending)} pending", flush=True)

        from bench import io_floor

        output = io_floor.run_output(uow.client, run.id)
        floor_io = io_floor.measure(uow.client, run.id, args.period, [s.unit_id for s in statuses], output, args.floor_threads)
        print(f"I/O floor: {floor_io.seconds:.2f}s (reads {floor_io.read_s:.2f}s, writes {floor_io.write_s:.2f}s), "
              f"{floor_io.reads} reads, {floor_io.writes} writes, {floor_io.failures} failed writes", flush=True)

        # The meters miss writes made after a unit's status is written: the run's completion, and the
        # outbox marks the relay made from Pub/Sub's receipts while the run went on. The run's
        # output, read back, has every one of them.
        metered_writes, writes = writes, floor_io.writes
        max_instances = score_unit_max_instances()
        projection = project(units=counts["units"], asn=employees, reads=reads, writes=writes, timing=timing,
                             province_units=args.province_units, province_asn=args.province_asn, max_instances=max_instances)
        lines = [
            f"## Scoring run ({_today()})",
            "",
            f"{machine.line()} "
            "Firestore and Pub/Sub emulators from the Google Cloud CLI, functions behind functions-framework on one local gateway "
            "(the notification functions detached, so they do not share the two cores with scoring as they would not in production).",
            f"Command: `python -m bench.scoring --units {args.units} --per-unit {args.per_unit} --surveys {args.surveys}`",
            "",
            "| measure | value |",
            "|---|---|",
            f"| data | {counts['units']} units, {counts['employees']} ASN, {counts['reports']} reports (most reviewed), {counts['surveys']} survey responses |",
            f"| run status | {run.status}: {run.done} done, {run.failed} failed of {run.total} units |",
            f"| run wall time | {wall:.2f} s |",
            f"| plain streaming read of the same documents ({docs}) | {floor:.2f} s |",
            f"| I/O floor: the run's reads in bulk and its writes with a BulkWriter, one process | {floor_io.seconds:.2f} s "
            f"(reads {floor_io.read_s:.2f} s on {floor_io.threads} threads, writes {floor_io.write_s:.2f} s) |",
            f"| ratio run / plain read | {wall / floor:.2f} |",
            f"| **ratio run / I/O floor** (goal <= 1.5) | **{wall / floor_io.seconds:.2f}** |",
            f"| Firestore reads by the run | {reads} ({reads / max(1, employees):.2f} per ASN; per unit min {per_unit[0] if per_unit else 0}, max {per_unit[-1] if per_unit else 0}) |",
            f"| Firestore writes by the run | {writes} ({writes / max(1, employees):.2f} per ASN), counted from its output: every "
            f"document it wrote, the run's completion and the outbox marks the relay made meanwhile (its meters count {metered_writes}, "
            f"{metered_writes / max(1, employees):.2f} per ASN: they stop at each unit's status) |",
            f"| the relay's marks of the run's events, after it | {relay_s:.2f} s until none was pending ({marked} marked here, "
            f"the rest by the stack's minute sweep): outside the run's time, as no unit waits for them |",
            f"| reads and writes by the I/O floor | {floor_io.reads} and {floor_io.writes} ({floor_io.failures} failed): "
            + ", ".join(f"{n} {k}" for k, n in floor_io.written.items()) + " |",
            f"| one unit's handler, start to commit | mean {timing['mean_s']:.2f} s, min {timing['min_s']:.2f} s, max {timing['max_s']:.2f} s; "
            f"{timing['parallelism']:.2f} units at a time on average (at most {timing['max_overlap']}) |",
            f"| function-seconds (sum of the units' handler times) | {timing['function_s']:.1f} s |",
            "",
            "Reads count documents returned or asked for by id, at least one per query, and one per aggregation query: the survey "
            "responses are summed by the database (four aggregation queries per unit: a count and nine sums, nine blank sums), not "
            "read one by one. The run's reads are the functions' own count (each unit's meter, and the run's start); they leave out "
            "each unit's check of its status before scoring and its check whether the run is finished after (about four a unit).",
            "",
            "The I/O floor (bench/io_floor.py) reads, per unit and on a thread pool, every document and query score_unit reads "
            "(status and unit, employees, their plans, three periods of reports and previous results in one batched get, "
            "trainings, the same survey aggregation queries, open findings, what the run's transaction reads again, "
            "objections), the output collections under its own prefix so they are as empty as the run found them; then "
            "writes, with one BulkWriter (unthrottled: the emulator needs no ramp-up), a copy of every document the run wrote, "
            "read back from the run's output beforehand and not timed, and the outbox entries' published marks. It computes "
            "nothing, validates no model and publishes nothing, so it reads and writes at least what the run does: the "
            "rest of the run's time is the run's own.",
            "",
            f"### Projected to a province ({args.province_units:,} units, {args.province_asn:,} ASN)",
            "",
            *projection_table(projection),
            "",
            f"Method: per-unit costs measured above ({projection['measured_asn_per_unit']:g} ASN a unit) times the province's units, "
            f"scaled by ASN per unit ({projection['asn_per_unit']:g}: factor {projection['scale']:g}); wall time = the units in waves "
            f"of score_unit's {max_instances} instances (max_instances, infra/generated/catalog.json) times the mean unit time. "
            "The emulator on a shared two-core machine is slower than Firestore, and the local units ran "
            f"{timing['parallelism']:.1f} at a time on its two cores where each instance has its own vCPU, so the times are upper bounds; Firestore's ramp-up for new documents "
            "(500 writes a second, +50 % every 5 minutes) bounds the wall time from below.",
            "",
        ]
        print("\n".join(lines))
        _record(args.results, "## Scoring run", "\n".join(lines))
        from bench.results import record

        record("scoring", **machine.about(), value={"asn": employees, "units": counts["units"], "wall_s": round(wall, 3), "plain_read_s": round(floor, 3),
                           "io_floor_s": round(floor_io.seconds, 3), "io_floor_read_s": round(floor_io.read_s, 3),
                           "io_floor_write_s": round(floor_io.write_s, 3), "io_floor_reads": floor_io.reads,
                           "io_floor_writes": floor_io.writes, "io_floor_threads": floor_io.threads,
                           "ratio_wall_plain_read": round(wall / floor, 3), "ratio_wall_io_floor": round(wall / floor_io.seconds, 3),
                           "reads": reads, "writes": writes,
                           "reads_per_asn": round(reads / max(1, employees), 3),
                           "writes_per_asn": round(writes / max(1, employees), 3), "writes_metered": metered_writes,
                           "status": run.status,
                           "per_unit": {k: round(v, 3) if isinstance(v, float) else v for k, v in timing.items()},
                           "province_projection": projection},
               serving="one local gateway process with threads")
    finally:
        stack.down()
    return 0


def unit_timings(client, run_id: str, wall: float) -> dict:
    """Each unit's handler time, from its status document: ``at`` is the handler's start (its
    clock), the document's update time the commit of the unit's transaction (the emulator's
    clock, the same machine). The check whether the run is finished, after it, is not in."""
    spans = []
    for snap in client.collection(f"scoring_runs/{run_id}/units").stream():
        at = snap.to_dict().get("at")
        if at is not None and snap.update_time is not None:
            spans.append((at.timestamp(), snap.update_time.timestamp()))
    durations = [max(0.0, end - start) for start, end in spans]
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    overlap = most = 0
    for _, step in edges:
        overlap += step
        most = max(most, overlap)
    total = sum(durations)
    return {"units": len(durations), "mean_s": total / max(1, len(durations)), "min_s": min(durations, default=0.0),
            "max_s": max(durations, default=0.0), "function_s": total, "parallelism": total / wall if wall else 0.0, "max_overlap": most}


def score_unit_max_instances() -> int:
    """score_unit's max_instances, as Terraform reads it (infra/locals.tf decodes this file)."""
    import json

    catalog = json.loads((ROOT / "infra" / "generated" / "catalog.json").read_text())
    return int(catalog["functions"]["score_unit"]["max_instances"])


# List prices docs/deploy.md uses (asia-southeast2, 2026-11-27): per operation, per vCPU-s and GiB-s.
PRICE_READ, PRICE_WRITE, PRICE_VCPU_S, PRICE_GIB_S = 0.036 / 100_000, 0.108 / 100_000, 0.0000336, 0.0000035
SCORE_UNIT_VCPU, SCORE_UNIT_GIB = 1.0, 1.0  # infra_catalog SIZES["score_unit"]: cpu "1", memory "1Gi"


def ramp_seconds(writes: float, start: float = 500.0, growth: float = 1.5, phase: float = 300.0) -> float:
    """The least time ``writes`` new documents take under Firestore's ramp-up (500/50/5)."""
    elapsed, rate = 0.0, start
    while writes > rate * phase:
        writes -= rate * phase
        elapsed += phase
        rate *= growth
    return elapsed + writes / rate


def project(units: int, asn: int, reads: int, writes: int, timing: dict, province_units: int, province_asn: int,
            max_instances: int) -> dict:
    """The run at a province's size, from the measured per-unit costs. Every per-unit cost is
    taken to grow with the unit's ASN (reads and writes are nearly all per ASN; the per-unit
    constant is a few documents), so with the measured ASN per unit the factor is 1."""
    import math

    measured_per_unit = asn / max(1, units)
    per_unit = province_asn / max(1, province_units)
    scale = per_unit / measured_per_unit if measured_per_unit else 1.0
    unit_s = timing["mean_s"] * scale
    p_reads = reads / max(1, units) * scale * province_units
    p_writes = writes / max(1, units) * scale * province_units
    waves = math.ceil(province_units / max(1, max_instances))
    wall = waves * unit_s
    ramp = ramp_seconds(p_writes)
    function_s = unit_s * province_units
    return {
        "units": province_units, "asn": province_asn, "asn_per_unit": round(per_unit, 1),
        "measured_asn_per_unit": round(measured_per_unit, 1), "scale": round(scale, 3),
        "max_instances": max_instances, "waves": waves, "unit_s": round(unit_s, 3),
        "wall_s": round(wall, 1), "wall_min": round(wall / 60, 1),
        "write_ramp_floor_s": round(ramp, 1), "writes_per_second_at_wall": round(p_writes / wall, 1) if wall else None,
        "reads": round(p_reads), "writes": round(p_writes),
        "reads_per_unit": round(reads / max(1, units) * scale, 1), "writes_per_unit": round(writes / max(1, units) * scale, 1),
        "function_s": round(function_s, 1),
        "vcpu_s": round(function_s * SCORE_UNIT_VCPU, 1), "gib_s": round(function_s * SCORE_UNIT_GIB, 1),
        "usd_firestore": round(p_reads * PRICE_READ + p_writes * PRICE_WRITE, 2),
        "usd_functions": round(function_s * (SCORE_UNIT_VCPU * PRICE_VCPU_S + SCORE_UNIT_GIB * PRICE_GIB_S), 2),
        "basis": "emulator under load: times are upper bounds",
    }


def projection_table(p: dict) -> list[str]:
    return [
        "| measure | per unit (measured) | province |",
        "|---|---|---|",
        f"| ASN | {p['asn_per_unit']:g} | {p['asn']:,} in {p['units']:,} units |",
        f"| Firestore reads | {p['reads_per_unit']:,.0f} | {p['reads']:,} (≈ ${p['reads'] * PRICE_READ:.2f}) |",
        f"| Firestore writes | {p['writes_per_unit']:,.0f} | {p['writes']:,} (≈ ${p['writes'] * PRICE_WRITE:.2f}) |",
        f"| function-seconds (1 vCPU, 1 GiB) | {p['unit_s']:.2f} s | {p['function_s']:,.0f} s (≈ ${p['usd_functions']:.2f}) |",
        f"| wall time at {p['max_instances']} instances | | {p['waves']} waves × {p['unit_s']:.2f} s ≈ {p['wall_s']:,.0f} s "
        f"({p['wall_min']:g} min), {p['writes_per_second_at_wall'] or 0:,.0f} writes a second |",
        f"| least wall time under Firestore's write ramp-up (500/50/5) | | {p['write_ramp_floor_s']:,.0f} s |",
    ]


def _record(path: Path, heading: str, section: str) -> None:
    """Replace this benchmark's section in bench/RESULTS.md, keeping the others."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\nWritten by `make bench`; each section by its benchmark.\n\n"
    parts = text.split("\n## ")
    kept = [parts[0]] + ["## " + p for p in parts[1:] if not ("## " + p).startswith(heading)]
    path.write_text("\n".join(p.rstrip("\n") + "\n" for p in kept) + "\n" + section)


def _today() -> str:
    from common.domain.clock import today_wib

    return today_wib().isoformat()


if __name__ == "__main__":
    sys.exit(main())
