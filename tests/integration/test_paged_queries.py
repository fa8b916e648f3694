"""The paged lists on the Firestore emulator: the queries Firestore runs (filters, the order ending
in the id, start_after) give every record once, in order, up to the last page. The same walks run
on the in-memory store in tests/unit/test_paged_lists.py; these prove Firestore agrees."""

from __future__ import annotations

import random
from datetime import date, timedelta

from common.domain.findings import FindingStatus
from common.domain.notifications import Channel, Delivery, DeliveryStatus, Kind
from common.domain.organisation import Role
from common.services import admin_lists, complaints, findings, inbox, scoring
from common.services.accounts import read_audit
from common.services.ports import AuditEntry, Caller, ScoringRun
from tests import factories as f
from tests.unit.test_paged_lists import _finding, _investigation

NOW = f.at("2026-11-03 10:00")


def walk(fetch, field: str) -> list:
    """Every row of a list: ``fetch(cursor)`` returns a page; follow next_cursor until null."""
    rows, cursor = [], None
    for _ in range(2000):  # the stack holds every test's records: BKPSDM's findings alone can pass 300
        page = fetch(cursor)
        rows += getattr(page, field)
        cursor = page.next_cursor
        if cursor is None:
            return rows
    raise AssertionError("the walk does not end")


def test_findings_pages_on_firestore(uow, unique):
    admin = f.employee(role=Role.ADMIN)
    caller = Caller(uid=f"uid-{admin.nip}", nip=admin.nip, role=Role.ADMIN, unit_id=admin.unit_id)
    statuses = [FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED]
    made = [_finding(n, [admin.nip], statuses[n % 3], date(2026, 11, 1) + timedelta(days=n % 4)) for n in range(11)]
    made = [x.model_copy(update={"id": f"{x.id}-{unique}"}) for x in made]
    for finding in random.Random(unique).sample(made, len(made)):
        uow.findings.put(finding)
    expected = [x.id for x in sorted(made, key=lambda x: (x.status is FindingStatus.RESOLVED, x.due, x.id))]
    walked = walk(lambda cursor: findings.my_findings(uow, caller, None, 3, cursor), "findings")
    # an admin also sees BKPSDM's findings from other tests: ours come in their order, each once
    ours = [x.id for x in walked if x.id.endswith(unique)]
    assert ours == expected and len({x.id for x in walked}) == len(walked)
    only = walk(lambda cursor: findings.my_findings(uow, caller, FindingStatus.IN_PROGRESS, 2, cursor), "findings")
    assert [x.id for x in only if x.id.endswith(unique)] == [i for i in expected if i in {x.id for x in made if x.status is FindingStatus.IN_PROGRESS}]


def test_investigations_deliveries_and_employees_page_on_firestore(uow, unique):
    unit_id = f"kel-pg-{unique}"
    made = [_investigation(n, unit_id, "open").model_copy(update={"id": f"INV-{unique}-{n:02d}"}) for n in range(8)]
    for item in made:
        uow.investigations.put(item)
    caller = Caller(uid="insp", nip=None, role=Role.INSPEKTORAT)
    walked = walk(lambda cursor: complaints.list_investigations(uow, caller, None, unit_id, 3, cursor), "investigations")
    assert [i.id for i in walked] == [i.id for i in sorted(made, key=lambda i: (i.opened_at, i.id), reverse=True)]

    nip = f.make_nip()
    deliveries = [Delivery(id=f"n{unique}-{n}|{nip}|{channel.value}", notification_id=f"n{unique}-{n}", kind=Kind.REPORT_REVIEWED, nip=nip,
                           channel=channel, status=DeliveryStatus.SENT, updated_at=NOW) for n in range(4) for channel in Channel]
    for delivery in deliveries:
        uow.notifications.put_delivery(delivery)
    walked = walk(lambda cursor: admin_lists.deliveries(uow, None, nip, 5, cursor), "deliveries")
    assert [d.id for d in walked] == sorted(d.id for d in deliveries)

    staff = [f.employee(unit_id, name=["Siti", "Andi", "Budi"][n % 3]) for n in range(7)]
    uow.employees.put_many(staff)
    walked = walk(lambda cursor: admin_lists.employees(uow, unit_id, 2, cursor), "employees")
    assert [e.nip for e in walked] == [e.nip for e in sorted(staff, key=lambda e: (e.name, e.nip))]


def test_audit_inbox_runs_and_units_page_on_firestore(uow, unique):
    nip = f.make_nip()
    entries = [AuditEntry(id=f"A-{unique}-{n:02d}", at=NOW - timedelta(minutes=n // 2), actor="test", action="account_created",
                          subject=nip, nip=nip) for n in range(7)]
    for entry in entries:
        uow.audit.append(entry)
    walked = walk(lambda cursor: read_audit(uow, nip, None, 3, cursor), "entries")
    assert [e.id for e in walked] == [e.id for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)]

    for n in range(5):
        uow.notifications.put_inbox(nip, {"id": f"i-{n}", "kind": "report_reviewed", "title": "t", "body": "b", "link": "/laporan/x",
                                          "created_at": NOW - timedelta(minutes=n // 2), "read_at": None})
    me = Caller(uid=f"uid-{nip}", nip=nip, role=Role.ASN, unit_id="kel-belawan-1")
    assert [i.id for i in walk(lambda cursor: inbox.inbox(uow, me, 2, cursor), "items")] == ["i-1", "i-0", "i-3", "i-2", "i-4"]

    period = f"20{random.Random(unique).randint(10, 19)}-0{random.Random(unique).randint(1, 9)}"
    runs = [ScoringRun(id=f"run-{unique}-{n}", period=period, requested_by="test", requested_at=NOW - timedelta(hours=n // 2), units=[])
            for n in range(5)]
    for run in runs:
        uow.runs.put(run)
    walked = [r.id for r in walk(lambda cursor: scoring.recent_runs(uow, period, 2, cursor), "runs")]
    assert [r for r in walked if unique in r] == [r.id for r in sorted(runs, key=lambda r: (r.requested_at, r.id), reverse=True)]

    uow.units.put_many([f.unit(f"kel-pg-{unique}-{n}") for n in range(4)])
    walked = [u.id for u in walk(lambda cursor: admin_lists.units(uow, 3, cursor), "units")]
    assert walked == sorted(set(walked)) and {f"kel-pg-{unique}-{n}" for n in range(4)} <= set(walked)
