"""The I/O floor of a monthly scoring run: the run's reads and writes with nothing else.

In one process, with the plain google-cloud-firestore client:

* reads what starting the run reads (the units, the run), then, per unit (units in parallel
  on a thread pool), every document and query
  ``common.services.scoring.score_unit`` reads, in bulk: the unit's status and the unit
  (one batched get), its employees (one query), their plans, reports of the three periods and
  previous results (one batched get of all those ids), trainings ("in" queries of 30 people),
  the survey sums (the same aggregation queries: count and nine sums, nine blank sums), the
  unit's open findings, the status, unit result and findings to be opened again (as the run's
  transaction does) and the unit's objections. The output collections are read under the
  floor's own prefix, so they are as empty as they were when the run read them;
* writes, with one BulkWriter, a copy of every document the run wrote (results, unit results,
  findings, outbox entries, audit entries, the run and its unit statuses), read back from the
  run's output beforehand and not timed, under collections prefixed ``floor_``; then the
  outbox entries' "published" marks the relay made from their receipts while the run went on,
  and the run's completion (the run's document is written when it starts and when it completes).

It computes nothing, validates no model and publishes nothing: what is left of the run's time
above it is the run's own work (scoring, pydantic, transactions, Pub/Sub, the functions).
Reads are counted as the run's meter counts them (store.py): one per document returned or
asked for by id, at least one per query, one per aggregation query.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

PREFIX = "floor_"
OUTPUTS = ("results", "unit_results", "findings")  # carry run_id: the run's own documents
IN_LIMIT = 30
AGGREGATIONS_PER_QUERY = 5


@dataclass
class Output:
    """What the run wrote, read back: documents by path, marks, and findings per unit."""

    docs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    marks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    findings: dict[str, list[str]] = field(default_factory=dict)

    def by_kind(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for path, _ in self.docs:
            parts = path.split("/")
            kind = "unit statuses" if len(parts) == 4 else parts[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        marks = sum(1 for path, _ in self.marks if path.startswith("outbox/"))
        if marks:
            kinds["outbox published marks"] = marks
        if len(self.marks) > marks:
            kinds["run completed"] = len(self.marks) - marks
        return kinds


@dataclass
class Floor:
    seconds: float
    read_s: float
    write_s: float
    reads: int
    writes: int
    failures: int
    threads: int
    written: dict[str, int]


def run_output(client: Any, run_id: str) -> Output:
    """Every document the run wrote, as it is now (the run has finished)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    out = Output()
    run = client.document(f"scoring_runs/{run_id}").get().to_dict()
    out.docs.append((f"scoring_runs/{run_id}", run))
    # The run is written twice: when it starts and when it completes (status, counts, finished_at).
    out.marks.append((f"scoring_runs/{run_id}", {k: run.get(k) for k in ("status", "done", "failed", "failed_units", "finished_at")}))
    for snap in client.collection(f"scoring_runs/{run_id}/units").stream():
        out.docs.append((snap.reference.path, snap.to_dict()))
    for collection in OUTPUTS:
        for snap in client.collection(collection).where(filter=FieldFilter("run_id", "==", run_id)).stream():
            data = snap.to_dict()
            out.docs.append((f"{collection}/{snap.id}", data))
            if collection == "findings":
                out.findings.setdefault(data["unit_id"], []).append(snap.id)
    for snap in client.collection("outbox").stream():  # the run's events: started units, opened findings, completed
        data = snap.to_dict()
        if (data.get("event") or {}).get("data", {}).get("run_id") == run_id:
            out.docs.append((f"outbox/{snap.id}", data))
            if data.get("published_at") is not None:
                out.marks.append((f"outbox/{snap.id}", {"pending": False, "published_at": data["published_at"],
                                                        "expire_at": data.get("expire_at")}))
    for snap in client.collection("audit").stream():
        if run_id in snap.id:
            out.docs.append((f"audit/{snap.id}", snap.to_dict()))
    return out


def _reads_of_unit(client: Any, run_id: str, period: str, unit_id: str, findings: list[str]) -> int:
    """One unit's reads, as score_unit does them, in as few round trips as they allow."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from common.domain.findings import FindingStatus
    from common.domain.period import parse_period, previous_period
    from common.domain.survey import UNSUR_CODES

    def where(query: Any, *filters: tuple[str, str, Any]) -> Any:
        for path, op, value in filters:
            query = query.where(filter=FieldFilter(path, op, value))
        return query

    def get_all(paths: list[str]) -> dict[str, dict[str, Any]]:
        nonlocal reads
        reads += len(paths)
        return {s.reference.path: s.to_dict() for s in client.get_all([client.document(p) for p in paths]) if s.exists}

    def query(q: Any) -> list[Any]:
        nonlocal reads
        rows = list(q.stream())
        reads += max(1, len(rows))
        return rows

    def aggregate(q: Any, wanted: list[tuple[str, str | None]]) -> dict[str, Any]:
        nonlocal reads
        values: dict[str, Any] = {}
        for start in range(0, len(wanted), AGGREGATIONS_PER_QUERY):
            built = q
            for alias, path in wanted[start : start + AGGREGATIONS_PER_QUERY]:
                built = built.count(alias=alias) if path is None else built.sum(path, alias=alias)
            reads += 1
            for result in built.get():
                for item in result:
                    values[item.alias] = item.value or 0
        return values

    reads = 0
    status = f"{PREFIX}scoring_runs/{run_id}/units/{unit_id}"
    unit_result = f"{PREFIX}unit_results/{unit_id}_{period}"
    found = get_all([status, f"units/{unit_id}", unit_result])
    unit = found.get(f"units/{unit_id}")
    employees = query(where(client.collection("employees"), ("unit_id", "==", unit_id)))
    nips = sorted(s.id for s in employees if (s.to_dict() or {}).get("active", True))
    periods = [previous_period(previous_period(period)), previous_period(period), period]
    years = sorted({parse_period(p)[0] for p in periods})
    year = parse_period(period)[0]
    get_all([f"skp_plans/{n}_{y}" for n in nips for y in years] + [f"reports/{n}_{p}" for n in nips for p in periods]
            + [f"{PREFIX}results/{n}_{period}" for n in nips])
    for start in range(0, len(nips), IN_LIMIT):
        query(where(client.collection("trainings"), ("nip", "in", nips[start : start + IN_LIMIT]), ("year", "==", year)))
    if unit and unit.get("services"):
        surveys = where(client.collection("surveys"), ("unit_id", "==", unit_id), ("period", "in", [period]))
        totals = aggregate(surveys, [("n", None)] + [(c, f"answers.{c}") for c in UNSUR_CODES])
        if totals.get("n"):
            aggregate(surveys, [(c, f"blank.{c}") for c in UNSUR_CODES])
    query(where(client.collection(f"{PREFIX}findings"), ("unit_id", "==", unit_id),
                ("status", "in", [FindingStatus.OPEN.value, FindingStatus.IN_PROGRESS.value])))
    # What the run's transaction reads again before it commits.
    get_all([status, unit_result] + [f"{PREFIX}findings/{f}" for f in findings])
    query(where(client.collection("objections"), ("unit_id", "==", unit_id), ("period", "==", period)))
    return reads


def measure(client: Any, run_id: str, period: str, units: list[str], output: Output, threads: int = 8) -> Floor:
    """Time the floor: the run's reads on ``threads`` threads, then its writes with one BulkWriter."""
    from google.cloud.firestore_v1.bulk_writer import BulkWriterOptions

    started = time.perf_counter()
    # What starting the run reads: the units, and whether the run exists.
    reads = max(1, sum(1 for _ in client.collection("units").stream())) + 1
    client.document(f"{PREFIX}scoring_runs/{run_id}").get()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        reads += sum(pool.map(lambda u: _reads_of_unit(client, run_id, period, u, output.findings.get(u, [])), units))
    read_done = time.perf_counter()

    failures = 0

    def failed(error: Any) -> bool:
        nonlocal failures
        failures += 1
        return error.attempts < 3  # retry twice, then count it lost

    # Unthrottled: the client's default 500 writes a second is Firestore's ramp-up for new
    # traffic (500/50/5), which the emulator does not need; the projection accounts for it.
    writer = client.bulk_writer(options=BulkWriterOptions(initial_ops_per_second=1_000_000, max_ops_per_second=1_000_000))
    writer.on_write_error(failed)
    for path, data in output.docs:
        writer.set(client.document(PREFIX + path), data)
    writer.flush()
    for path, fields in output.marks:
        writer.update(client.document(PREFIX + path), fields)
    writer.close()
    finished = time.perf_counter()
    return Floor(seconds=finished - started, read_s=read_done - started, write_s=finished - read_done, reads=reads,
                 writes=len(output.docs) + len(output.marks), failures=failures, threads=threads, written=output.by_kind())
