"""The report lifecycle in the domain, without I/O."""

import pytest

from common.domain import reports as domain
from common.domain.errors import Conflict, Forbidden, Invalid
from common.domain.ratings import BerAkhlak, Rating
from common.domain.reports import Decision, ReportStatus, SubmitOutcome
from tests import factories as f

ON_TIME = f.at("2026-11-03 10:00")
LATE = f.at("2026-11-06 00:00")


@pytest.fixture
def boss():
    return f.employee()


@pytest.fixture
def asn(boss):
    return f.employee(supervisor=boss.nip)


def first(asn, now=ON_TIME, period="2026-10", content=None):
    return domain.submit(None, asn, f.plan(asn.nip), period, content or f.content(), now, 5)


def test_a_first_submission_creates_revision_one_and_one_event(asn):
    report, outcome, events = first(asn)
    assert outcome is SubmitOutcome.CREATED
    assert report.id == f"{asn.nip}_2026-10"
    assert (report.status, report.revision, report.late) == (ReportStatus.SUBMITTED, 1, False)
    assert report.supervisor_nip == asn.supervisor_nip
    assert [e.type for e in events] == ["report.submitted"]
    assert events[0].id == f"report.submitted:{report.id}:1"
    assert events[0].data["late"] is False


def test_after_the_deadline_the_report_is_accepted_and_marked_late(asn):
    report, _, events = first(asn, now=LATE)
    assert report.late is True
    assert events[0].data["late"] is True


def test_the_last_second_before_the_deadline_is_on_time(asn):
    report, _, _ = first(asn, now=f.at("2026-11-05 23:59:59"))
    assert report.late is False


def test_a_future_period_is_refused(asn):
    with pytest.raises(Invalid) as error:
        first(asn, period="2026-12", now=f.at("2026-11-27 10:00"))
    assert error.value.code == "period_in_future"


def test_the_current_period_may_be_reported(asn):
    report, _, _ = first(asn, period="2026-11", now=f.at("2026-11-27 10:00"))
    assert report.period == "2026-11"


def test_without_an_skp_for_the_year_nothing_can_be_reported(asn):
    with pytest.raises(Invalid) as error:
        domain.submit(None, asn, None, "2026-10", f.content(), ON_TIME, 5)
    assert error.value.code == "skp_missing"


def test_unknown_repeated_and_impossible_realisasi_are_listed_per_field(asn):
    bad = f.content(**{"IKI-1": 10, "IKI-9": 1, "IKI-2": 140, "IKI-3": -1})
    bad.realisasi.append(bad.realisasi[0])
    with pytest.raises(Invalid) as error:
        first(asn, content=bad)
    codes = {(d["field"], d["code"]) for d in error.value.details}
    assert codes == {
        ("realisasi.1.indicator_id", "indicator_unknown"),
        ("realisasi.2.value", "value_over_100_percent"),
        ("realisasi.3.value", "value_negative"),
        ("realisasi.4.indicator_id", "indicator_repeated"),
    }


def test_an_identical_resubmission_while_waiting_changes_nothing(asn):
    report, _, _ = first(asn)
    again, outcome, events = domain.submit(report, asn, f.plan(asn.nip), "2026-10", f.content(), LATE, 5)
    assert outcome is SubmitOutcome.UNCHANGED
    assert again == report and events == []


def test_a_changed_resubmission_makes_a_new_revision_but_keeps_first_lateness(asn, boss):
    report, _, _ = first(asn)
    returned, _ = domain.review(report, asn, boss.nip, f.review_input("return", feedback="Lengkapi bukti"), ON_TIME)
    again, outcome, events = domain.submit(returned, asn, f.plan(asn.nip), "2026-10", f.content(), LATE, 5)
    assert outcome is SubmitOutcome.RESUBMITTED
    assert (again.revision, again.status, again.late) == (2, ReportStatus.SUBMITTED, False)
    assert again.first_submitted_at == ON_TIME and again.submitted_at == LATE
    assert events[0].id == f"report.submitted:{report.id}:2"


def test_an_accepted_report_is_final(asn, boss):
    report, _, _ = first(asn)
    accepted, _ = domain.review(report, asn, boss.nip, f.review_input(), ON_TIME)
    assert accepted.status is ReportStatus.ACCEPTED
    with pytest.raises(Conflict) as error:
        domain.submit(accepted, asn, f.plan(asn.nip), "2026-10", f.content("lain"), ON_TIME, 5)
    assert error.value.code == "report_already_accepted"


def test_only_the_direct_supervisor_reviews(asn):
    report, _, _ = first(asn)
    with pytest.raises(Forbidden):
        domain.review(report, asn, f.make_nip(), f.review_input(), ON_TIME)
    with pytest.raises(Forbidden):
        domain.review(report, asn, asn.nip, f.review_input(), ON_TIME)


def test_feedback_is_required_for_any_di_bawah_and_for_a_return(asn, boss):
    report, _, _ = first(asn)
    with pytest.raises(Invalid) as error:
        domain.review(report, asn, boss.nip, f.review_input(hasil_kerja=Rating.DI_BAWAH), ON_TIME)
    assert error.value.details == [{"field": "feedback", "code": "required_di_bawah"}]
    one_value_below = f.review_input()
    one_value_below.perilaku[BerAkhlak.LOYAL] = Rating.DI_BAWAH
    with pytest.raises(Invalid):
        domain.review(report, asn, boss.nip, one_value_below, ON_TIME)
    with pytest.raises(Invalid) as error:
        domain.review(report, asn, boss.nip, f.review_input("return"), ON_TIME)
    assert error.value.details[0]["code"] == "required_return"


def test_all_seven_berakhlak_values_must_be_rated(asn, boss):
    report, _, _ = first(asn)
    partial = f.review_input()
    del partial.perilaku[BerAkhlak.ADAPTIF]
    with pytest.raises(Invalid) as error:
        domain.review(report, asn, boss.nip, partial, ON_TIME)
    assert error.value.details == [{"field": "perilaku.adaptif", "code": "missing"}]


def test_overall_perilaku_is_derived_when_not_given(asn, boss):
    report, _, _ = first(asn)
    given = f.review_input(rating=Rating.DI_ATAS)
    reviewed, events = domain.review(report, asn, boss.nip, given, ON_TIME)
    review = reviewed.latest_review
    assert review.perilaku_kerja is Rating.DI_ATAS and review.perilaku_kerja_derived
    assert events[0].data["perilaku_kerja"] == "di_atas_ekspektasi"
    given = f.review_input(rating=Rating.DI_ATAS, perilaku_kerja=Rating.SESUAI)
    report2, _, _ = first(asn, period="2026-09")
    reviewed, _ = domain.review(report2, asn, boss.nip, given, ON_TIME)
    assert reviewed.latest_review.perilaku_kerja is Rating.SESUAI
    assert not reviewed.latest_review.perilaku_kerja_derived


def test_a_returned_report_cannot_be_reviewed_again_until_resubmitted(asn, boss):
    report, _, _ = first(asn)
    returned, _ = domain.review(report, asn, boss.nip, f.review_input("return", feedback="Perbaiki"), ON_TIME)
    with pytest.raises(Conflict) as error:
        domain.review(returned, asn, boss.nip, f.review_input(), ON_TIME)
    assert error.value.code == "report_awaiting_revision"


def test_a_review_of_a_stale_revision_is_refused(asn, boss):
    report, _, _ = first(asn)
    with pytest.raises(Conflict) as error:
        domain.review(report, asn, boss.nip, f.review_input(revision=2), ON_TIME)
    assert error.value.code == "report_revised"


def test_review_events_are_numbered_per_review(asn, boss):
    report, _, _ = first(asn)
    returned, events1 = domain.review(report, asn, boss.nip, f.review_input("return", feedback="Perbaiki"), ON_TIME)
    again, _, _ = domain.submit(returned, asn, f.plan(asn.nip), "2026-10", f.content("diperbaiki"), ON_TIME, 5)
    accepted, events2 = domain.review(again, asn, boss.nip, f.review_input(), ON_TIME)
    assert events1[0].id != events2[0].id
    assert [r.decision for r in accepted.reviews] == [Decision.RETURN, Decision.ACCEPT]
    assert [r.revision for r in accepted.reviews] == [1, 2]
