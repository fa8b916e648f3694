"""Use cases against in-memory fakes of our own ports."""

import pytest

from common.domain.errors import Conflict, Forbidden, Invalid, NotFound
from common.domain.events import Event
from common.domain.organisation import Role
from common.services import administration, reporting
from common.services.events import relay_outbox
from common.services.idempotency import IdempotencyKey
from common.services.performance import my_performance
from common.services.ports import Caller
from common.services.reporting import TeamState
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeAccounts, FakeUnitOfWork

NOW = f.at("2026-11-03 10:00")
SETTINGS = Settings(project_id="demo-test")


@pytest.fixture
def uow():
    return FakeUnitOfWork(now=lambda: NOW)


@pytest.fixture
def publisher(uow):
    return uow.publisher  # what the unit of work publishes after each commit


@pytest.fixture
def org(uow):
    uow.units.put_many([f.unit()])
    boss = f.employee()
    team = [f.employee(supervisor=boss.nip) for _ in range(3)]
    uow.employees.put_many([boss, *team])
    uow.plans.put_many([f.plan(e.nip) for e in team])
    return boss, team


def caller(employee, role=Role.ASN):
    """As the API resolves the caller: from their employee record."""
    return Caller(uid=f"uid-{employee.nip}", nip=employee.nip, role=role, unit_id=employee.unit_id)


def load(uow, employees, accounts=None, publisher=None, now=NOW):
    return administration.load_employees(uow, accounts or FakeAccounts(), SETTINGS, employees, "uji", None, now)


def submit(uow, publisher, who, key=None, content=None, now=NOW, period="2026-10"):
    idem = IdempotencyKey.of(key, who.nip, "submit", (content or f.content()).model_dump_json()) if key else None
    return reporting.submit_report(uow, SETTINGS, caller(who), period, content or f.content(), now, idem)


def test_submission_stores_the_report_and_publishes_once(uow, publisher, org):
    _, (asn, *_) = org
    result = submit(uow, publisher, asn)
    assert result.outcome == "created" and not result.replayed
    assert uow.reports.get(result.report.id).revision == 1
    assert [e.type for e in publisher.published] == ["report.submitted"]
    (entry,) = uow.state.outbox.values()
    assert entry.published_at is None and [e.id for e in publisher.unacknowledged] == [entry.event.id]  # its receipt is kept


def test_a_retry_with_the_same_key_returns_the_first_result_and_writes_nothing(uow, publisher, org):
    _, (asn, *_) = org
    first = submit(uow, publisher, asn, key="k-1")
    commits = uow.commits
    again = submit(uow, publisher, asn, key="k-1", now=f.at("2026-11-03 10:05"))
    assert again.replayed and again.report == first.report
    assert len(publisher.published) == 1
    assert uow.reports.get(first.report.id).submitted_at == NOW
    assert len(uow.state.revisions) == 1
    assert uow.commits == commits + 1  # the replay only read


def test_a_key_reused_for_a_different_body_is_refused(uow, publisher, org):
    _, (asn, *_) = org
    submit(uow, publisher, asn, key="k-1")
    with pytest.raises(Invalid) as error:
        submit(uow, publisher, asn, key="k-1", content=f.content("lain"))
    assert error.value.code == "idempotency_key_reused"


def test_a_duplicate_without_key_is_unchanged_and_a_changed_one_is_a_new_revision(uow, publisher, org):
    _, (asn, *_) = org
    submit(uow, publisher, asn)
    same = submit(uow, publisher, asn)
    assert same.outcome == "unchanged" and len(publisher.published) == 1
    changed = submit(uow, publisher, asn, content=f.content("Narasi diperbarui"))
    assert changed.outcome == "resubmitted" and changed.report.revision == 2
    assert len(publisher.published) == 2


def test_a_publish_failure_keeps_the_write_and_the_relay_delivers_later(uow, publisher, org):
    _, (asn, *_) = org
    publisher.fail = True
    result = submit(uow, publisher, asn)
    assert uow.reports.get(result.report.id) is not None
    (entry,) = uow.state.outbox.values()
    assert entry.published_at is None and entry.attempts == 1
    publisher.fail = False
    too_soon = relay_outbox(uow.outbox, publisher, NOW, grace_seconds=60, limit=10)
    assert too_soon["pending"] == 0
    later = relay_outbox(uow.outbox, publisher, f.at("2026-11-03 10:02"), grace_seconds=60, limit=10)
    assert later == {"confirmed": 0, "pending": 1, "published": 1, "failed": 0}
    assert [e.id for e in publisher.published] == [entry.event.id]
    assert uow.outbox.get(entry.event.id).published_at == f.at("2026-11-03 10:02")
    again = relay_outbox(uow.outbox, publisher, f.at("2026-11-03 10:03"), grace_seconds=60, limit=10)
    assert again == {"confirmed": 0, "pending": 0, "published": 0, "failed": 0}  # its receipt found it marked
    assert publisher.unacknowledged == []


def test_a_published_event_is_marked_from_its_receipt_and_never_published_twice(uow, publisher, org):
    _, (asn, *_) = org
    submit(uow, publisher, asn)
    (entry,) = uow.state.outbox.values()
    assert entry.published_at is None  # the submission did not wait for the mark
    later = f.at("2026-11-03 10:05")  # past the grace: only the receipt keeps it from going out again
    assert relay_outbox(uow.outbox, publisher, later, grace_seconds=60, limit=10) == {"confirmed": 1, "pending": 0, "published": 0, "failed": 0}
    assert uow.outbox.get(entry.event.id).published_at == later
    assert [e.id for e in publisher.published] == [entry.event.id]  # once, by the submission
    assert publisher.unacknowledged == []


def test_receipts_are_taken_a_page_at_a_time_and_a_message_from_outside_the_outbox_is_only_acknowledged(uow, publisher, org):
    _, (asn, other, third) = org
    for person in (asn, other, third):
        submit(uow, publisher, person)
    outside = Event.of("notification.requested", key="reminder", occurred_at=NOW, data={})
    publisher.publish([outside])  # reminders are published as they are planned, not through the outbox
    counts = relay_outbox(uow.outbox, publisher, f.at("2026-11-03 10:05"), grace_seconds=60, limit=2)
    assert counts["confirmed"] == 3 and counts["published"] == 0  # two rounds on the report topic
    assert all(e.published_at is not None for e in uow.state.outbox.values())
    assert outside.id not in uow.state.outbox and publisher.unacknowledged == []


def test_a_failing_rule_writes_nothing(uow, publisher, org):
    _, (asn, *_) = org
    with pytest.raises(Invalid):
        submit(uow, publisher, asn, key="k", content=f.content(**{"IKI-9": 1}))
    assert uow.state.reports == {} and uow.state.idempotency == {} and uow.state.outbox == {}


def test_someone_without_an_employee_record_cannot_submit(uow, publisher, org):
    with pytest.raises(Forbidden):
        submit(uow, publisher, f.employee())


def test_review_by_the_supervisor_and_not_by_anyone_else(uow, publisher, org):
    boss, (asn, other, _) = org
    report = submit(uow, publisher, asn).report
    with pytest.raises(NotFound):  # as for reading it: nobody learns whether the report exists
        reporting.review_report(uow, SETTINGS, caller(other), report.id, f.review_input(), NOW)
    with pytest.raises(NotFound):
        reporting.review_report(uow, SETTINGS, caller(boss), "nope", f.review_input(), NOW)
    result = reporting.review_report(uow, SETTINGS, caller(boss), report.id, f.review_input(), NOW)
    assert result.report.status == "accepted"
    assert [e.type for e in publisher.published] == ["report.submitted", "report.reviewed"]
    with pytest.raises(Conflict):
        reporting.review_report(uow, SETTINGS, caller(boss), report.id, f.review_input(), NOW)


def test_reading_a_report(uow, publisher, org):
    boss, (asn, other, _) = org
    report = submit(uow, publisher, asn).report
    assert reporting.read_report(uow, caller(asn), report.id).id == report.id
    assert reporting.read_report(uow, caller(boss), report.id).id == report.id
    assert reporting.read_report(uow, Caller(uid="a", role=Role.ADMIN), report.id).id == report.id
    with pytest.raises(NotFound):
        reporting.read_report(uow, caller(other), report.id)


def test_team_reports_show_who_has_not_reported(uow, publisher, org):
    boss, (a, b, c) = org
    submit(uow, publisher, a)
    report_b = submit(uow, publisher, b).report
    reporting.review_report(uow, SETTINGS, caller(boss), report_b.id, f.review_input(), NOW)
    team = reporting.team_reports(uow, SETTINGS, caller(boss), "2026-10", f.at("2026-11-07 08:00"))
    states = {m.nip: m.state for m in team.members}
    assert states == {a.nip: TeamState.WAITING_REVIEW, b.nip: TeamState.ACCEPTED, c.nip: TeamState.MISSING}
    assert team.not_reported == [c.nip]
    assert team.counts[TeamState.MISSING] == 1
    before = reporting.team_reports(uow, SETTINGS, caller(boss), "2026-10", NOW)
    assert {m.state for m in before.members if m.nip == c.nip} == {TeamState.NOT_YET}
    with pytest.raises(Forbidden):
        reporting.team_reports(uow, SETTINGS, caller(a), "2026-10", NOW)


def test_the_performance_view_follows_the_reports(uow, publisher, org):
    boss, (asn, *_) = org
    submit(uow, publisher, asn, period="2026-09", now=f.at("2026-10-02 09:00"), content=f.content(**{"IKI-1": 20}))
    report = submit(uow, publisher, asn, period="2026-10").report
    reporting.review_report(uow, SETTINGS, caller(boss), report.id, f.review_input("return", feedback="Bukti kurang"), NOW)
    view = my_performance(uow, SETTINGS, caller(asn), 2026, f.at("2026-11-10 08:00"))
    months = {m.period: m for m in view.months}
    assert len(view.months) == 11
    assert months["2026-08"].state == "missing"
    assert months["2026-09"].state == "submitted"
    assert months["2026-10"].state == "returned"
    assert months["2026-10"].feedback[0].feedback == "Bukti kurang"
    assert months["2026-11"].state == "open"
    iki1 = next(i for i in view.indicators if i.indicator.id == "IKI-1")
    assert [m.capaian for m in iki1.months if m.capaian is not None] == [0.5, 1.05]
    assert iki1.capaian_to_date == 0.775
    assert iki1.category_to_date == "di_bawah_ekspektasi"


def test_employee_loads_check_everything_before_writing(uow):
    uow.units.put_many([f.unit()])
    boss = f.employee()
    a = f.employee(supervisor=boss.nip)
    stranger = f.employee(unit_id="kel-tidak-ada", supervisor=f.make_nip())
    with pytest.raises(Invalid) as error:
        load(uow, [boss, a, stranger, a])
    codes = {(d["field"], d["code"]) for d in error.value.details}
    assert ("2.unit_id", "unit_unknown") in codes
    assert ("2.supervisor_nip", "employee_unknown") in codes
    assert ("1.nip", "duplicate") in codes and ("3.nip", "duplicate") in codes
    assert uow.state.employees == {}


def test_supervisor_cycles_are_refused(uow):
    uow.units.put_many([f.unit()])
    a, b = f.employee(), f.employee()
    load(uow, [a, b.model_copy(update={"supervisor_nip": a.nip})])
    with pytest.raises(Invalid) as error:
        administration.set_supervisors(uow, [administration.SupervisorLink(nip=a.nip, supervisor_nip=b.nip)])
    assert error.value.details[0]["code"] == "cycle"


def test_employee_loads_create_and_invite_accounts_once(uow):
    uow.units.put_many([f.unit()])
    accounts, publisher = FakeAccounts(), uow.publisher
    admin = f.employee(role=Role.ADMIN)
    quiet = f.employee(email=None)
    result = load(uow, [admin, quiet], accounts, publisher)
    assert {o.nip: o.actions for o in result.accounts} == {admin.nip: ["account.created", "account.invited"]}
    user = accounts.users[f"pk-{admin.nip}"]
    assert user.claims == {"role": "admin", "nip": admin.nip, "unit": "kel-belawan-1"} and not user.has_password
    assert [e.type for e in publisher.published] == ["account.invited"]
    assert {e.action for e in uow.state.audit.values()} == {"account.created", "account.invited"}
    again = load(uow, [admin], accounts, publisher)
    assert again.accounts[0].actions == [] and len(publisher.published) == 1  # nothing changed: nothing done
    assert accounts.calls.count("create") == 1


def test_plans_need_a_known_employee(uow):
    with pytest.raises(Invalid):
        administration.load_plans(uow, [f.plan(f.make_nip())])
