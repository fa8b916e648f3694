"""Seeds the running local stack with the demo organisation of Medan Belawan.

    python -m tools.seed [--state .local]

Idempotent: the data set is reproducible, and every write is an upsert, so
seeding twice leaves the same data. Writes .local/demo-accounts.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from tools.stack import DEFAULT_STATE, StackInfo


def seed(info: StackInfo, state: Path) -> dict:
    os.environ.update(info.env())
    from common.adapters.firestore import FirestoreUnitOfWork, get_client
    from common.adapters.pubsub import PubSubPublisher
    from common.domain import clock
    from common.services import administration
    from common.settings import Settings
    from tools import demo_data
    from tools.enrol import enrol

    started = time.perf_counter()
    settings = Settings(project_id=info.project)
    uow = FirestoreUnitOfWork(get_client(info.project), publisher=lambda: PubSubPublisher(Settings(project_id=info.project)))
    clock.install(info.clock())  # the stack's clock: the data set is as of the stack's "now"
    now = clock.utcnow()
    dataset = demo_data.build(now)

    # Units first without heads, so employees can reference them; then heads.
    administration.load_units(uow, [u.model_copy(update={"head_nip": None}) for u in dataset.units])
    # Supervisors before their staff, so every link points at someone who exists. Each account is
    # created and invited as in production; the demo password is set through each invitation link.
    employees = sorted(dataset.employees, key=lambda e: _depth(e, {x.nip: x for x in dataset.employees}))
    loaded = enrol(info, uow, employees, demo_data.DEMO_PASSWORD, actor="seed", reason="demo data set (tools/seed.py)")
    administration.load_units(uow, dataset.units)
    administration.load_plans(uow, dataset.plans)
    uow.reports.put_many(dataset.reports)
    _write_surveys(uow, dataset.surveys)
    for unit_id, sender, hour in dataset.complainers:  # who complained, as the intake records them
        uow.complainers.mark(unit_id, sender, hour, expire_at=now + timedelta(days=61))
    for training in dataset.trainings:
        uow.trainings.add(training)
    # As the survey-submitted handler would: bring each office's complaint picture up to date.
    from common.services.complaints import on_survey_submitted

    opened = [
        investigation.id
        for unit in dataset.units
        if unit.services
        and (investigation := on_survey_submitted(uow, settings.spike_rule, settings.holiday_dates, unit.id, now))
    ]

    accounts_path = state / "demo-accounts.json"
    accounts_path.write_text(json.dumps(demo_data.accounts(dataset), indent=2, ensure_ascii=False) + "\n")
    final = {r.id: r for r in dataset.reports}
    return {
        "units": len(dataset.units),
        "employees": len(dataset.people),
        "accounts": len(loaded.accounts),
        "plans": len(dataset.plans),
        "reports": len(final),
        "report_states": dict(Counter(r.status.value for r in final.values())),
        "surveys": len(dataset.surveys),
        "trainings": len(dataset.trainings),
        "investigations_opened": opened,
        "seconds": round(time.perf_counter() - started, 1),
        "accounts_file": str(accounts_path),
    }


def _write_surveys(uow, responses) -> None:
    """Historical responses, written as they were (upserts, so seeding twice is harmless)."""
    from common.adapters.firestore import to_doc

    collection = uow.client.collection("surveys")
    for start in range(0, len(responses), 400):
        batch = uow.client.batch()
        for response in responses[start : start + 400]:
            batch.set(collection.document(response.receipt), to_doc(response))
        batch.commit()


def _depth(employee, by_nip) -> int:
    depth, current = 0, employee.supervisor_nip
    while current and current in by_nip and depth < 20:
        depth, current = depth + 1, by_nip[current].supervisor_nip
    return depth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE)
    args = parser.parse_args(argv)
    path = args.state / "stack.json"
    if not path.exists():
        print("error: the stack is not running; start it with `make up`", file=sys.stderr)
        return 1
    summary = seed(StackInfo.load(path), args.state)
    print(
        f"seeded {summary['units']} units, {summary['employees']} employees with accounts, "
        f"{summary['plans']} SKP plans, {summary['reports']} reports {summary['report_states']}, "
        f"{summary['surveys']} survey responses, {summary['trainings']} training records; investigations opened: {summary['investigations_opened'] or 'none new'}; "
        f"in {summary['seconds']}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
