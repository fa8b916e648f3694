"""Keberatan on the fakes: filing within the window, who decides (the rater's own supervisor,
else BKPSDM), the rater's response, the decision and what it changes, later runs keeping it,
overdue objections, the annual evaluation, the lists and who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from common.domain import reports as domain
from common.domain.errors import Conflict, Forbidden, Invalid, NotFound
from common.domain.findings import BKPSDM
from common.domain.notifications import Channel, Kind
from common.domain.objections import ObjectionStatus, Verdict
from common.domain.organisation import Role, Unit
from common.domain.ratings import Predikat, Rating
from common.services import annual, objections, scoring
from common.services.notifications import plan_for_event
from common.services.objections import DecisionInput, ObjectionInput, ResponseInput, Scope
from common.services.ports import Caller
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakePublisher, FakeUnitOfWork

SCORED_AT = f.at("2026-11-06 02:00")
FILED_AT = f.at("2026-11-07 09:00")
SETTINGS = Settings(project_id="demo-test")
WHY = "Pelayanan saya dinilai sesuai, padahal warga memberi apresiasi tertulis."
DECIDED_WHY = "Bukti apresiasi warga menunjukkan pelayanan di atas ekspektasi."


@pytest.fixture
def world():
    publisher = FakePublisher()
    uow = FakeUnitOfWork(publisher=publisher)
    camat = f.employee("kec-x")
    lurah = f.employee("kel-a", supervisor=camat.nip)
    seklur = f.employee("kel-a", supervisor=lurah.nip)
    staff = [f.employee("kel-a", supervisor=seklur.nip) for _ in range(3)]
    admin = f.employee("kec-x", role=Role.ADMIN)
    outsider = f.employee("kel-a")
    uow.units.put_many([Unit(id="kec-x", name="Kecamatan X", kind="kecamatan", head_nip=camat.nip),
                        Unit(id="kel-a", name="Kelurahan A", parent_id="kec-x", head_nip=lurah.nip)])
    uow.employees.put_many([camat, lurah, seklur, *staff, admin, outsider])
    uow.plans.put_many([f.plan(e.nip) for e in [camat, lurah, seklur, *staff]])
    raters = [(lurah, camat), (seklur, lurah), *[(s, seklur) for s in staff]]
    for person, rater in raters:
        report, _, _ = domain.submit(None, person, f.plan(person.nip), "2026-10", f.content(), f.at("2026-11-02 09:00"), 5)
        reviewed, _ = domain.review(report, person, rater.nip, f.review_input(rating=Rating.SESUAI), f.at("2026-11-03 09:00"))
        uow.reports.put(reviewed)
    run(uow, "r1")
    return {"uow": uow, "publisher": publisher, "camat": camat, "lurah": lurah, "seklur": seklur, "staff": staff, "admin": admin,
            "outsider": outsider}


def run(uow, run_id, at=SCORED_AT):
    started = scoring.start_run(uow, "2026-10", "admin", at, run_id=run_id)
    for unit_id in started.units:
        scoring.score_unit(uow, SETTINGS, started.id, started.period, unit_id, at)


def caller(person) -> Caller:
    return Caller(uid=f"u-{person.nip}", nip=person.nip, role=person.role, unit_id=person.unit_id)


def file(uow, person, period="2026-10", at=FILED_AT):
    return objections.file_objection(uow, SETTINGS, caller(person), ObjectionInput(period=period, reason=WHY), at)


def result_of(uow, person, period="2026-10"):
    return uow.results.get(f"{person.nip}_{period}")


def events(publisher, type_):
    return [e for e in publisher.published if e.type == type_]


def test_filing_names_the_supervisors_supervisor_and_the_result_keeps_the_objection(world):
    uow, asn, seklur, lurah = world["uow"], world["staff"][0], world["seklur"], world["lurah"]
    filed = file(uow, asn)
    assert (filed.status, filed.period, filed.nip, filed.rater_nip, filed.decider_nip) == (ObjectionStatus.SUBMITTED, "2026-10", asn.nip, seklur.nip, lurah.nip)
    assert filed.due.isoformat() == "2026-11-21" and filed.window_closed_on.isoformat() == "2026-11-20" and not filed.overdue
    assert filed.original.predikat is Predikat.BAIK
    held = result_of(uow, asn)
    assert held.objection.id == filed.id and held.objection.status is ObjectionStatus.SUBMITTED and held.predikat is Predikat.BAIK
    (event,) = events(world["publisher"], "objection.filed")
    assert event.data["decider"] == lurah.nip and event.data["rater_nip"] == seklur.nip
    (entry,) = [e for e in uow.state.audit.values() if e.action == "objection.filed"]
    assert (entry.actor, entry.nip, entry.reason) == (asn.nip, asn.nip, WHY)


def test_one_objection_per_period_none_without_a_predikat_none_after_the_window(world):
    uow, asn = world["uow"], world["staff"][0]
    file(uow, asn)
    with pytest.raises(Conflict) as second:
        file(uow, asn)
    assert second.value.code == "objection_exists"
    with pytest.raises(Invalid) as unscored:
        file(uow, asn, period="2026-09")
    assert unscored.value.code == "objection_no_result"
    with pytest.raises(Invalid) as late:
        file(uow, world["staff"][1], at=f.at("2026-11-21 00:01"))  # published 6 November: the 20th was the last day
    assert late.value.code == "objection_window_closed" and late.value.params == {"closed_on": "2026-11-20"}
    assert file(uow, world["staff"][1], at=f.at("2026-11-20 23:59")).status is ObjectionStatus.SUBMITTED
    assert len(uow.state.objections) == 2  # the refused ones wrote nothing


def test_the_rater_responds_once_and_never_decides_the_decider_changes_the_predikat(world):
    uow, asn, seklur, lurah = world["uow"], world["staff"][0], world["seklur"], world["lurah"]
    filed = file(uow, asn)
    upheld = DecisionInput(decision=Verdict.UPHELD, perilaku_kerja=Rating.DI_ATAS, reason=DECIDED_WHY)
    with pytest.raises(Forbidden) as rater_decides:
        objections.decide(uow, caller(seklur), filed.id, upheld, FILED_AT)
    assert rater_decides.value.code == "not_decider"
    with pytest.raises(Forbidden):
        objections.respond(uow, caller(lurah), filed.id, ResponseInput(response="Saya bukan penilainya."), FILED_AT)
    with pytest.raises(NotFound):
        objections.read(uow, caller(world["outsider"]), filed.id, FILED_AT)
    with pytest.raises(NotFound):
        objections.decide(uow, caller(world["staff"][1]), filed.id, upheld, FILED_AT)
    responded = objections.respond(uow, caller(seklur), filed.id, ResponseInput(response="Nilai perilaku mengikuti enam nilai lain."), FILED_AT)
    assert responded.status is ObjectionStatus.RESPONDED and responded.response.by == seklur.nip
    with pytest.raises(Conflict):
        objections.respond(uow, caller(seklur), filed.id, ResponseInput(response="Sekali lagi tanggapan saya."), FILED_AT)
    both = objections.read(uow, caller(lurah), filed.id, FILED_AT)
    assert both.review.reviewer_nip == seklur.nip and both.report.nip == asn.nip and both.result.predikat is Predikat.BAIK
    assert both.objection.response.text.startswith("Nilai perilaku")

    unit_before = uow.results.get_unit("kel-a", "2026-10")
    decided = objections.decide(uow, caller(lurah), filed.id, upheld, f.at("2026-11-10 10:00"))
    assert decided.status is ObjectionStatus.DECIDED and decided.decision.predikat is Predikat.BAIK  # sesuai x di atas is still Baik
    held = result_of(uow, asn)
    assert (held.perilaku_kerja, held.hasil_kerja_source, held.objection.original.perilaku_kerja) == (Rating.DI_ATAS, "objection", Rating.SESUAI)
    assert held.why[0].code == "objection"
    unit_after = uow.results.get_unit("kel-a", "2026-10")
    assert unit_after.curve is not None and unit_after.predikat is unit_before.predikat
    with pytest.raises(Conflict):
        objections.decide(uow, caller(lurah), filed.id, upheld, FILED_AT)
    (entry,) = [e for e in uow.state.audit.values() if e.action == "objection.decided"]
    assert (entry.actor, entry.reason, entry.outputs["perilaku_kerja"]) == (lurah.nip, DECIDED_WHY, "di_atas_ekspektasi")
    assert [s.action for s in uow.state.objections[filed.id].history] == ["filed", "responded", "decided"]


def test_a_decision_changes_the_predikat_the_curve_follows_and_a_later_run_keeps_it(world):
    uow, asn, lurah = world["uow"], world["staff"][0], world["lurah"]
    filed = file(uow, asn)
    objections.decide(uow, caller(lurah), filed.id, DecisionInput(decision=Verdict.PARTLY_UPHELD, hasil_kerja=Rating.DI_ATAS,
                                                                  perilaku_kerja=Rating.DI_ATAS, reason=DECIDED_WHY), FILED_AT)
    assert result_of(uow, asn).predikat is Predikat.SANGAT_BAIK
    counted = uow.results.get_unit("kel-a", "2026-10").curve.counts
    assert counted.get(Predikat.SANGAT_BAIK) == 1
    published = result_of(uow, asn).published_at

    run(uow, "r2", at=f.at("2026-11-12 02:00"))  # BKPSDM scores October again
    again = result_of(uow, asn)
    assert (again.predikat, again.hasil_kerja_source, again.objection.decision.decision) == (Predikat.SANGAT_BAIK, "objection", Verdict.PARTLY_UPHELD)
    assert again.published_at == published  # the window ran from the first publication
    assert uow.results.get_unit("kel-a", "2026-10").curve.counts.get(Predikat.SANGAT_BAIK) == 1
    others = [result_of(uow, s) for s in world["staff"][1:]]
    assert all(o.predikat is Predikat.BAIK and o.objection is None for o in others)


def test_decisions_that_make_no_sense_are_refused(world):
    uow, asn, lurah = world["uow"], world["staff"][0], world["lurah"]
    filed = file(uow, asn)
    for given, code in [
        (DecisionInput(decision=Verdict.REJECTED, hasil_kerja=Rating.DI_ATAS, reason=DECIDED_WHY), "objection_rejected_keeps_ratings"),
        (DecisionInput(decision=Verdict.UPHELD, reason=DECIDED_WHY), "objection_ratings_required"),
        (DecisionInput(decision=Verdict.UPHELD, hasil_kerja=Rating.SESUAI, reason=DECIDED_WHY), "objection_ratings_unchanged"),
    ]:
        with pytest.raises(Invalid) as refused:
            objections.decide(uow, caller(lurah), filed.id, given, FILED_AT)
        assert refused.value.code == code
    assert uow.state.objections[filed.id].status is ObjectionStatus.SUBMITTED
    rejected = objections.decide(uow, caller(lurah), filed.id, DecisionInput(decision=Verdict.REJECTED, reason=DECIDED_WHY), FILED_AT)
    assert rejected.decision.predikat is Predikat.BAIK and result_of(uow, asn).hasil_kerja_source == "supervisor"
    assert result_of(uow, asn).objection.decision.decision is Verdict.REJECTED


def test_bkpsdm_decides_where_the_rater_has_no_supervisor(world):
    uow, lurah, camat, admin = world["uow"], world["lurah"], world["camat"], world["admin"]
    filed = file(uow, lurah)  # rated by the camat, who has no supervisor here
    assert (filed.rater_nip, filed.decider, filed.decider_nip) == (camat.nip, BKPSDM, None)
    with pytest.raises(Forbidden):
        objections.decide(uow, caller(camat), filed.id, DecisionInput(decision=Verdict.REJECTED, reason=DECIDED_WHY), FILED_AT)
    listed = objections.list_objections(uow, caller(admin), Scope.TO_DECIDE, None, None, 10, None, FILED_AT)
    assert [o.id for o in listed.objections] == [filed.id]
    decided = objections.decide(uow, caller(admin), filed.id, DecisionInput(decision=Verdict.REJECTED, reason=DECIDED_WHY), FILED_AT)
    assert decided.decision.by == admin.nip


def test_lists_for_the_asn_the_decider_and_the_unit(world):
    uow, staff, lurah, seklur = world["uow"], world["staff"], world["lurah"], world["seklur"]
    filed = [file(uow, s, at=FILED_AT + timedelta(minutes=i)) for i, s in enumerate(staff)]
    mine = objections.list_objections(uow, caller(staff[0]), Scope.MINE, None, None, 10, None, FILED_AT)
    assert [o.id for o in mine.objections] == [filed[0].id]
    first = objections.list_objections(uow, caller(lurah), Scope.TO_DECIDE, None, None, 2, None, FILED_AT)
    rest = objections.list_objections(uow, caller(lurah), Scope.TO_DECIDE, None, None, 2, first.next_cursor, FILED_AT)
    assert [o.id for o in first.objections + rest.objections] == [o.id for o in reversed(filed)] and rest.next_cursor is None
    assert objections.list_objections(uow, caller(seklur), Scope.TO_DECIDE, None, None, 10, None, FILED_AT).objections == []
    unit = objections.list_objections(uow, caller(lurah), Scope.UNIT, "kel-a", ObjectionStatus.SUBMITTED, 10, None, FILED_AT)
    assert len(unit.objections) == 3
    with pytest.raises(Forbidden):
        objections.list_objections(uow, caller(seklur), Scope.UNIT, "kel-a", None, 10, None, FILED_AT)
    with pytest.raises(Invalid):
        objections.list_objections(uow, caller(lurah), Scope.UNIT, None, None, 10, None, FILED_AT)


def test_an_objection_past_its_due_date_raises_one_finding_for_bkpsdm(world):
    uow, publisher, asn = world["uow"], world["publisher"], world["staff"][0]
    filed = file(uow, asn)
    assert objections.flag_overdue(uow, SETTINGS, f.at("2026-11-21 08:00"), limit=10) == []  # the due day itself is still in time
    later = f.at("2026-11-22 08:00")
    assert objections.flag_overdue(uow, SETTINGS, later) == [filed.id]
    assert objections.flag_overdue(uow, SETTINGS, later + timedelta(days=1)) == []  # once
    finding = uow.state.findings[f"objection_overdue:{asn.nip}:2026-10"]
    assert finding.owners == [BKPSDM] and finding.evidence["objection_id"] == filed.id
    assert len(events(publisher, "objection.overdue")) == 1 and len([e for e in events(publisher, "finding.opened") if e.data["finding_id"] == finding.id]) == 1
    listed = objections.list_objections(uow, caller(asn), Scope.MINE, None, None, 10, None, later)
    assert listed.objections[0].overdue and listed.objections[0].overdue_finding_id == finding.id
    from common.services.dashboard import unit_dashboard

    board = unit_dashboard(uow, caller(world["lurah"]), "kel-a", "2026-10", 5, now=later)
    assert [(o.id, o.overdue) for o in board.objections] == [(filed.id, True)]
    assert finding.id in {f.id for f in board.findings}  # BKPSDM's finding shows on the unit's dashboard too


def test_who_is_told(world):
    uow, publisher = world["uow"], world["publisher"]
    asn, seklur, lurah, admin = world["staff"][0], world["seklur"], world["lurah"], world["admin"]
    filed = file(uow, asn)
    (notice,) = plan_for_event(uow, events(publisher, "objection.filed")[0]).notifications
    assert notice.kind is Kind.OBJECTION_FILED and {r.nip for r in notice.recipients} == {lurah.nip, seklur.nip}
    assert all(Channel.EMAIL in r.channels for r in notice.recipients) and notice.mandatory
    objections.flag_overdue(uow, SETTINGS, f.at("2026-11-22 08:00"))
    (overdue,) = plan_for_event(uow, events(publisher, "objection.overdue")[0]).notifications
    assert {r.nip: r.channels for r in overdue.recipients} == {admin.nip: [Channel.PUSH, Channel.EMAIL],
                                                               lurah.nip: [Channel.INBOX, Channel.PUSH, Channel.EMAIL]}
    objections.decide(uow, caller(lurah), filed.id, DecisionInput(decision=Verdict.UPHELD, hasil_kerja=Rating.DI_ATAS, reason=DECIDED_WHY), FILED_AT)
    (told,) = plan_for_event(uow, events(publisher, "objection.decided")[0]).notifications
    assert told.kind is Kind.OBJECTION_DECIDED and [r.nip for r in told.recipients] == [asn.nip] and told.params["verdict"] == "upheld"
    again = plan_for_event(uow, events(publisher, "objection.decided")[0]).notifications
    assert [n.id for n in again] == [told.id]  # a redelivered event plans the same notification: delivered once


def test_an_objection_to_the_year(world):
    uow, asn, seklur, lurah = world["uow"], world["staff"][0], world["seklur"], world["lurah"]
    with pytest.raises(Invalid):
        file(uow, asn, period="2026")  # no annual predikat yet
    annual.run_year(uow, 2026, "kel-a", "admin", FILED_AT)
    annual.decide_year(uow, caller(seklur), asn.nip, 2026,
                       annual.AnnualDecisionInput(hasil_kerja=Rating.SESUAI, perilaku_kerja=Rating.SESUAI), f.at("2026-12-20 09:00"))
    filed = file(uow, asn, period="2026", at=f.at("2026-12-28 09:00"))
    assert filed.annual and filed.rater_nip == seklur.nip and filed.decider_nip == lurah.nip
    objections.decide(uow, caller(lurah), filed.id, DecisionInput(decision=Verdict.UPHELD, hasil_kerja=Rating.DI_ATAS,
                                                                  perilaku_kerja=Rating.DI_ATAS, reason=DECIDED_WHY), f.at("2027-01-05 09:00"))
    record = uow.annual.get(f"{asn.nip}_2026")
    assert (record.predikat, record.decisions[-1].kind, record.objection.original.predikat) == (Predikat.SANGAT_BAIK, "objection", Predikat.BAIK)
    annual.run_year(uow, 2026, "kel-a", "admin", f.at("2027-01-06 09:00"))  # prepared again: the decision holds
    assert uow.annual.get(f"{asn.nip}_2026").predikat is Predikat.SANGAT_BAIK
    with pytest.raises(Conflict):
        annual.decide_year(uow, caller(seklur), asn.nip, 2026,
                           annual.AnnualDecisionInput(hasil_kerja=Rating.DI_BAWAH, perilaku_kerja=Rating.SESUAI), f.at("2027-01-07 09:00"))


def test_the_performance_view_says_until_when_one_may_object(world):
    """The dashboard offers "Ajukan keberatan" from this field alone; it follows the window and the filing."""
    from common.services.performance import my_performance

    uow, asn = world["uow"], world["staff"][0]

    def until(at):
        return {m.period: m.objection_until for m in my_performance(uow, SETTINGS, caller(asn), 2026, at).months}

    assert until(FILED_AT)["2026-10"].isoformat() == "2026-11-20"
    assert until(FILED_AT)["2026-09"] is None  # nothing scored
    assert until(f.at("2026-11-20 23:59"))["2026-10"] is not None and until(f.at("2026-11-21 00:01"))["2026-10"] is None
    file(uow, asn)
    assert until(FILED_AT)["2026-10"] is None  # filed: the view shows the objection instead
