"""Every list pages the same way: ``limit`` and ``cursor`` in, ``next_cursor`` out, until null.

Each test walks a list page by page through the real HTTP layer and the real repositories (on the
in-memory store), reaches the last record, and meets each record once, in the list's order, with
ties broken by id. A cursor that was not made for that list and those filters is a 422 in the JSON
error shape.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from common.domain.complaints import ComplaintPicture, DueDates, Investigation, InvestigationStatus
from common.domain.findings import Finding, FindingKind, FindingStatus
from common.domain.notifications import Channel, Delivery, DeliveryStatus, Kind
from common.domain.organisation import Role
from common.services.findings import BKPSDM
from common.services.ports import AuditEntry, ScoringRun
from tests import factories as f
from tests.unit.test_http_layer import NOW, client_for, enrolled, token

SHUFFLE = random.Random(19)


@pytest.fixture
def people(deps):
    admin = f.employee(role=Role.ADMIN, name="Admin BKPSDM")
    inspector = f.employee(role=Role.INSPEKTORAT, name="Irban")
    asn = f.employee(name="Andi")
    enrolled(deps.uow, admin, inspector, asn)
    return {"admin": admin, "inspector": inspector, "asn": asn}


def walk(client, url: str, who, field: str, limit: int, **params) -> list[dict]:
    """Every record of a list, following next_cursor; each page at most ``limit`` long."""
    rows, cursor, pages = [], None, 0
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, query_string=query, headers=token(who))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert len(body[field]) <= limit
        rows += body[field]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return rows
        assert body[field], "a page that says there is more has rows"
        assert pages < 100, "the walk does not end"


def refused(response) -> None:
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "cursor_invalid" and error["details"][0]["field"] == "cursor"
    assert set(error) == {"code", "message", "details", "request_id"}


def _finding(n: int, owners: list[str], status: FindingStatus, due: date) -> Finding:
    return Finding(id=f"F-{n:03d}", kind=FindingKind.MISSING_REPORTS, subject_type="asn", subject_id=f"s{n}", unit_id="kel-belawan-1",
                   period="2026-10", title=f"Temuan {n}", recommendation="Tindak lanjuti.", evidence={}, owners=owners, due=due,
                   status=status, opened_at=NOW - timedelta(hours=n))


def test_findings_walk_unresolved_first_by_due_date_then_resolved(deps, people):
    admin = people["admin"]
    statuses = [FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED]
    findings = []
    for n in range(23):
        owners = [[admin.nip], [BKPSDM], [admin.nip, BKPSDM]][n % 3]  # some are the admin's twice over: listed once
        findings.append(_finding(n, owners, statuses[n % 3 if n % 5 else 0], date(2026, 11, 1) + timedelta(days=n % 4)))
    findings.append(_finding(99, [people["asn"].nip], FindingStatus.OPEN, date(2026, 11, 1)))  # someone else's
    SHUFFLE.shuffle(findings)
    for finding in findings:
        deps.uow.findings.put(finding)
    client = client_for("api_findings", deps)
    mine = [x for x in findings if {admin.nip, BKPSDM} & set(x.owners)]
    expected = sorted(mine, key=lambda x: (x.status is FindingStatus.RESOLVED, x.due, x.id))
    assert [r["id"] for r in walk(client, "/api/findings", admin, "findings", 4)] == [x.id for x in expected]
    resolved = [x.id for x in expected if x.status is FindingStatus.RESOLVED]
    assert [r["id"] for r in walk(client, "/api/findings", admin, "findings", 2, status="resolved")] == resolved
    assert [r["id"] for r in walk(client, "/api/findings", admin, "findings", 500)] == [x.id for x in expected]  # one page


def _investigation(n: int, unit_id: str, status: InvestigationStatus) -> Investigation:
    opened = NOW - timedelta(days=n // 3)  # three a day: ties broken by id
    picture = ComplaintPicture(unit_id=unit_id, as_of=opened, window_start=opened - timedelta(days=30), responses=40, complaints=9,
                               senders=9, previous_complaints=1, previous_senders=1, counted_from=opened - timedelta(days=30),
                               counted_responses=40, counted_complaints=9, counted_senders=9)
    due = DueDates(verify_by=opened.date(), follow_up_by=opened.date(), close_by=opened.date())
    return Investigation(id=f"INV-{n:03d}", unit_id=unit_id, status=status, opened_at=opened, reason="lonjakan pengaduan",
                         picture=picture, complaints=[], due=due)


def test_investigations_walk_newest_first_and_a_newer_one_shifts_nothing(deps, people):
    investigations = [_investigation(n, ["kel-belawan-1", "kel-belawan-2"][n % 2], [InvestigationStatus.OPEN, InvestigationStatus.CLOSED][n % 3 == 0])
                      for n in range(1, 18)]
    for item in investigations:
        deps.uow.investigations.put(item)
    client = client_for("api_investigations", deps)
    expected = sorted(investigations, key=lambda i: (i.opened_at, i.id), reverse=True)
    assert [r["id"] for r in walk(client, "/api/investigations", people["inspector"], "investigations", 5)] == [i.id for i in expected]
    unit = [i.id for i in expected if i.unit_id == "kel-belawan-2"]
    assert [r["id"] for r in walk(client, "/api/investigations", people["admin"], "investigations", 3, unit_id="kel-belawan-2")] == unit

    first = client.get("/api/investigations", query_string={"limit": 5}, headers=token(people["inspector"])).get_json()
    deps.uow.investigations.put(_investigation(0, "kel-belawan-1", InvestigationStatus.OPEN))  # opened while the inspector reads
    second = client.get("/api/investigations", query_string={"limit": 5, "cursor": first["next_cursor"]}, headers=token(people["inspector"]))
    assert [r["id"] for r in second.get_json()["investigations"]] == [i.id for i in expected[5:10]]


def test_deliveries_walk_by_id(deps, people):
    nip = people["asn"].nip
    deliveries = [Delivery(id=f"n-{n:02d}|{nip}|{channel.value}", notification_id=f"n-{n:02d}", kind=Kind.REPORT_REVIEWED, nip=nip,
                           channel=channel, status=DeliveryStatus.SENT, updated_at=NOW)
                  for n in range(7) for channel in (Channel.PUSH, Channel.EMAIL)]
    for delivery in deliveries:
        deps.uow.notifications.put_delivery(delivery)
    client = client_for("api_admin", deps)
    assert [r["id"] for r in walk(client, "/api/admin/deliveries", people["admin"], "deliveries", 3, nip=nip)] == sorted(d.id for d in deliveries)
    one = [r["id"] for r in walk(client, "/api/admin/deliveries", people["admin"], "deliveries", 1, notification_id="n-03")]
    assert one == [f"n-03|{nip}|email", f"n-03|{nip}|push"]


def test_the_audit_log_walks_newest_first(deps, people):
    entries = [AuditEntry(id=f"A-{n:02d}", at=NOW - timedelta(minutes=n // 2), actor="cli", action="account_created", subject=f"s{n}",
                          nip=people["asn"].nip if n % 2 else None) for n in range(11)]
    for entry in entries:
        deps.uow.audit.append(entry)
    client = client_for("api_admin", deps)
    everything = [r["id"] for r in walk(client, "/api/admin/audit", people["inspector"], "entries", 4)]
    assert everything == [e.id for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)]
    about = [r["id"] for r in walk(client, "/api/admin/audit", people["admin"], "entries", 2, nip=people["asn"].nip)]
    assert about == [e.id for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True) if e.nip]


def test_the_inbox_walks_newest_first(deps, people):
    nip = people["asn"].nip
    for n in range(9):
        deps.uow.notifications.put_inbox(nip, {"id": f"i-{n}", "kind": "report_reviewed", "title": "t", "body": "b", "link": "/laporan/x",
                                                "created_at": NOW - timedelta(minutes=n // 3), "read_at": None})
    client = client_for("api_me", deps)
    items = walk(client, "/api/me/notifications", people["asn"], "items", 2)
    assert [i["id"] for i in items] == ["i-2", "i-1", "i-0", "i-5", "i-4", "i-3", "i-8", "i-7", "i-6"]


def test_units_and_employees_walk(deps, people):
    deps.uow.units.put_many([f.unit(f"kel-{n:02d}", name=f"Kelurahan {n}") for n in range(12)])
    staff = [f.employee("kel-03", name=["Siti", "Andi", "Budi"][n % 3]) for n in range(14)]
    enrolled(deps.uow, *staff)
    client = client_for("api_admin", deps)
    units = [u["id"] for u in walk(client, "/api/admin/units", people["admin"], "units", 5)]
    assert units == sorted(u.id for u in deps.uow.units.all()) and len(units) == 13
    employees = walk(client, "/api/admin/employees", people["admin"], "employees", 4, unit_id="kel-03")
    assert [e["nip"] for e in employees] == [e.nip for e in sorted(staff, key=lambda e: (e.name, e.nip))]


def test_scoring_runs_walk_newest_first(deps, people):
    for n in range(7):
        deps.uow.runs.put(ScoringRun(id=f"run-{n}", period="2026-10", requested_by="scheduler", requested_at=NOW - timedelta(hours=n), units=[]))
    deps.uow.runs.put(ScoringRun(id="run-other", period="2026-09", requested_by="scheduler", requested_at=NOW, units=[]))
    client = client_for("api_scoring", deps)
    runs = walk(client, "/api/admin/scoring-runs", people["admin"], "runs", 3, period="2026-10")
    assert [r["id"] for r in runs] == [f"run-{n}" for n in range(7)]
    first = client.get("/api/admin/scoring-runs", query_string={"period": "2026-10"}, headers=token(people["admin"])).get_json()
    assert len(first["runs"]) == 5  # what the dashboard asks for: the latest five


@pytest.mark.parametrize("module, url, who, params", [
    ("api_findings", "/api/findings", "admin", {}),
    ("api_investigations", "/api/investigations", "inspector", {}),
    ("api_admin", "/api/admin/deliveries", "admin", {"nip": "199107222015031002"}),
    ("api_admin", "/api/admin/audit", "admin", {}),
    ("api_admin", "/api/admin/units", "admin", {}),
    ("api_admin", "/api/admin/employees", "admin", {"unit_id": "kel-belawan-1"}),
    ("api_me", "/api/me/notifications", "asn", {}),
    ("api_scoring", "/api/admin/scoring-runs", "admin", {"period": "2026-10"}),
])
def test_a_forged_cursor_is_a_422_and_reads_nothing(deps, people, module, url, who, params):
    client = client_for(module, deps)
    for forged in ("bm90LWEtY3Vyc29y", "WyJmaW5kaW5ncyIsIngiLFsxXV0", "eyJvZmZzZXQiOjEwMH0"):
        refused(client.get(url, query_string={**params, "cursor": forged}, headers=token(people[who])))
    bad = client.get(url, query_string={**params, "cursor": "not a cursor!"}, headers=token(people[who]))
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "cursor"


def test_a_cursor_from_another_list_or_other_filters_is_refused(deps, people):
    for n in range(3):
        deps.uow.investigations.put(_investigation(n, "kel-belawan-1", InvestigationStatus.OPEN))
    client = client_for("api_investigations", deps)
    first = client.get("/api/investigations", query_string={"limit": 1}, headers=token(people["inspector"])).get_json()
    cursor = first["next_cursor"]
    refused(client.get("/api/investigations", query_string={"limit": 1, "cursor": cursor, "status": "closed"}, headers=token(people["inspector"])))
    refused(client_for("api_admin", deps).get("/api/admin/audit", query_string={"cursor": cursor}, headers=token(people["admin"])))
    assert client.get("/api/investigations", query_string={"limit": 1, "cursor": cursor}, headers=token(people["inspector"])).status_code == 200
