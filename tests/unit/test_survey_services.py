"""Survey intake, paper imports and the complaint handler, on fakes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from common.domain.clock import WIB
from common.domain.errors import Invalid, NotFound, RateLimited
from common.domain.organisation import ServiceType, Unit
from common.domain.survey import SurveySubmission
from common.services import surveys
from common.services.complaints import on_survey_submitted
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeUnitOfWork

NOW = f.at("2026-11-20 10:00")
SETTINGS = Settings(project_id="demo-test")
RATE = surveys.RateLimit(limit=3, window_seconds=600, daily_limit=5)


@pytest.fixture
def uow():
    uow = FakeUnitOfWork()
    uow.units.put_many([Unit(id="kel-a", name="Kelurahan A", services=[ServiceType(id="sk-domisili", name="Domisili", standard_days=1)], population_served=550)])
    return uow


def submission(score: int = 3, key: str | None = None, **extra) -> SurveySubmission:
    return SurveySubmission.model_validate(
        {"unit_id": "kel-a", "service_id": "sk-domisili", "service_date": "2026-11-20",
         "answers": {f"U{i}": score for i in range(1, 10)}, "client_key": key, **extra}
    )


def submit(uow, publisher, sub, client="10.0.0.1", now=NOW):
    """``client`` is the sender's address, as the API finds it."""
    return surveys.submit_survey(uow, SETTINGS, sub, surveys.Sender.of(SETTINGS.survey_salt, client, sub.unit_id), RATE, now)


def test_a_response_is_stored_with_its_event(uow):
    publisher = uow.publisher
    receipt = submit(uow, publisher, submission())
    stored = uow.surveys.get(receipt.receipt)
    assert stored.period == "2026-11" and stored.complaint is False and stored.lowest_score == 3
    assert receipt.receipt.startswith("SKM-") and len(receipt.receipt) == 13
    assert [e.type for e in publisher.published] == ["survey.submitted"]


def test_a_complaint_is_a_written_pengaduan_and_a_low_rating_is_dissatisfaction(uow):
    publisher = uow.publisher
    low = submit(uow, publisher, submission(score=1))
    text = submit(uow, publisher, submission(feedback={"kind": "pengaduan", "text": "Lama sekali"}))
    idea = submit(uow, publisher, submission(feedback={"kind": "saran", "text": "Tambah kursi"}), client="10.0.0.2")
    assert uow.surveys.get(text.receipt).complaint
    assert not uow.surveys.get(low.receipt).complaint and uow.surveys.get(low.receipt).lowest_score == 1
    assert not uow.surveys.get(idea.receipt).complaint


def test_a_stored_response_keeps_the_hour_not_the_minute(uow):
    receipt = submit(uow, uow.publisher, submission(), now=f.at("2026-11-20 10:47"))
    assert uow.surveys.get(receipt.receipt).submitted_at == f.at("2026-11-20 10:00")
    assert receipt.submitted_at == f.at("2026-11-20 10:00")


def test_the_receipt_stays_out_of_the_event(uow):
    publisher = uow.publisher
    receipt = submit(uow, publisher, submission())
    (event,) = publisher.published
    assert receipt.receipt not in event.model_dump_json()  # the event id is the handler's request id in its logs


def test_a_resend_with_the_same_client_key_returns_the_first_receipt_and_other_answers_are_refused(uow):
    publisher = uow.publisher
    first = submit(uow, publisher, submission(key="kiosk-form-0001"))
    again = submit(uow, publisher, submission(key="kiosk-form-0001"))
    assert again.receipt == first.receipt and again.replayed
    with pytest.raises(Invalid) as reused:  # a kiosk's next respondent must not be dropped silently
        submit(uow, publisher, submission(score=4, key="kiosk-form-0001"))
    assert reused.value.code == "survey_key_reused"
    assert len(uow.state.surveys) == 1 and len(publisher.published) == 1


def test_the_rate_limit_counts_per_address_and_writes_nothing_when_hit(uow):
    publisher = uow.publisher
    for _ in range(3):
        submit(uow, publisher, submission())
    with pytest.raises(RateLimited) as limited:
        submit(uow, publisher, submission())
    assert 0 < limited.value.params["retry_after"] <= 600
    assert len(uow.state.surveys) == 3
    submit(uow, publisher, submission(), client="10.0.0.9")
    submit(uow, publisher, submission(), now=NOW + timedelta(minutes=10))  # the next window
    assert len(uow.state.surveys) == 5


def test_a_resend_at_the_limit_still_gets_its_first_receipt_and_a_new_form_does_not(uow):
    publisher = uow.publisher
    first = submit(uow, publisher, submission(key="kiosk-form-0002"))
    for _ in range(2):
        submit(uow, publisher, submission())
    again = submit(uow, publisher, submission(key="kiosk-form-0002"))  # the phone lost the answer
    assert again.receipt == first.receipt and again.replayed
    with pytest.raises(RateLimited):
        submit(uow, publisher, submission(key="kiosk-form-0003"))
    assert len(uow.state.surveys) == 3


def test_each_limit_is_one_counter_of_the_accepted_responses(uow):
    # Two under their limits (2 of 3 in the window, 4 of 5 today): none refused.
    publisher = uow.publisher
    for i in range(2):
        submit(uow, publisher, submission(), now=NOW + timedelta(minutes=10 * i - 20))
    for _ in range(2):
        submit(uow, publisher, submission())
    sender = surveys.Sender.of(SETTINGS.survey_salt, "10.0.0.1", "kel-a")
    keys = [f"{sender.anywhere}_{int(NOW.timestamp()) // 600}", f"{sender.at_unit}_{NOW.astimezone(WIB).date().isoformat()}"]
    assert uow.rate_limits.counts(keys) == [2, 4]
    assert len(uow.state.rate_limits) == 3 + 1  # one counter for each of the three windows, one for the day
    submit(uow, publisher, submission())  # the fifth today, the third in the window
    assert uow.rate_limits.counts(keys) == [3, 5]
    with pytest.raises(RateLimited):
        submit(uow, publisher, submission())
    assert uow.rate_limits.counts(keys) == [3, 5]  # a refusal counts nothing


def test_the_daily_cap_per_address_and_unit_holds_across_windows(uow):
    publisher = uow.publisher
    for i in range(5):
        submit(uow, publisher, submission(), now=NOW + timedelta(minutes=10 * i))
    with pytest.raises(RateLimited) as capped:
        submit(uow, publisher, submission(), now=NOW + timedelta(minutes=50))
    midnight = f.at("2026-11-21 00:00")
    assert capped.value.params["retry_after"] == int((midnight - (NOW + timedelta(minutes=50))).total_seconds())
    uow.units.put_many([Unit(id="kel-b", name="Kelurahan B", services=[ServiceType(id="sk-domisili", name="Domisili", standard_days=1)])])
    submit(uow, publisher, submission(unit_id="kel-b"), now=NOW + timedelta(minutes=50))  # another unit: its own cap
    assert len(uow.state.surveys) == 6


def test_service_and_date_are_checked_against_the_unit(uow):
    with pytest.raises(Invalid) as error:
        submit(uow, uow.publisher, submission(service_id="tidak-ada", service_date="2026-11-21"))
    assert {d["code"] for d in error.value.details} == {"service_unknown", "date_in_future"}
    with pytest.raises(Invalid):
        submit(uow, uow.publisher, submission(service_date=(date(2026, 11, 20) - timedelta(days=91)).isoformat()))
    with pytest.raises(NotFound):
        submit(uow, uow.publisher, submission(unit_id="kel-zzz"))
    assert uow.state.surveys == {}


def test_personal_data_cannot_be_sent():
    from pydantic import ValidationError

    for extra in ({"name": "Budi"}, {"nik": "1271000000000001"}, {"phone": "0812"}, {"email": "a@b.id"}):
        with pytest.raises(ValidationError):
            submission(**extra)
    with pytest.raises(ValidationError):
        submission(profile={"sex": "L", "nama": "Budi"})


def test_paper_imports_are_all_or_nothing(uow):
    good = surveys.PaperResponse.model_validate({"answers": {f"U{i}": 3 for i in range(1, 10)}})
    bad = surveys.PaperResponse.model_validate({"answers": {f"U{i}": 3 for i in range(1, 10)}, "service_id": "nope"})
    with pytest.raises(Invalid) as error:
        surveys.import_paper(uow, "kel-a", "2026-10", [good, bad], NOW)
    assert error.value.details[0]["field"] == "1.service_id"
    assert uow.state.surveys == {}
    assert surveys.import_paper(uow, "kel-a", "2026-10", [good, good], NOW) == 2
    assert {r.period for r in uow.state.surveys.values()} == {"2026-10"}
    report = surveys.ikm_report(uow, "kel-a", "2026-10", ["2026-10"], "exact", min_respondents=2)
    assert report.result.n == 2 and report.result.ikm == 75.0


def complain(uow, n, at, client_prefix="10.1.0."):
    """``n`` complaints from ``n`` different addresses."""
    publisher = uow.publisher
    for i in range(n):
        served = at.astimezone(WIB).date().isoformat()
        text = {"kind": "pengaduan", "text": "Surat saya belum selesai setelah seminggu"}
        submit(uow, publisher, submission(score=1, service_date=served, feedback=text), client=f"{client_prefix}{i}", now=at)


def test_a_spike_opens_one_investigation_however_often_and_in_whatever_order_events_come(uow):
    publisher = uow.publisher
    complain(uow, 10, NOW - timedelta(days=2))
    del publisher.published[:]  # the responses' own events; what follows is the handler's
    rule, holidays = SETTINGS.spike_rule, frozenset()
    results = [on_survey_submitted(uow, rule, holidays, "kel-a", NOW + timedelta(minutes=i)) for i in (3, 1, 2, 1)]
    opened = [r for r in results if r is not None]
    assert len(opened) == 1
    assert len(uow.state.investigations) == 1
    assert [e.type for e in publisher.published] == ["investigation.opened"]
    (investigation,) = uow.state.investigations.values()
    assert len(investigation.complaints) == 10 and investigation.complaints[0].low_unsur == [f"U{i}" for i in range(1, 10)]
    assert investigation.due.verify_by == date(2026, 11, 25)


def test_after_closing_only_new_complaints_count(uow):
    from common.domain.complaints import InvestigationStatus
    from common.domain.organisation import Role
    from common.services.complaints import InvestigationUpdate, update_investigation
    from common.services.ports import Caller

    complain(uow, 10, NOW - timedelta(days=2))
    opened = on_survey_submitted(uow, SETTINGS.spike_rule, frozenset(), "kel-a", NOW)
    inspector = Caller(uid="i", nip=None, role=Role.INSPEKTORAT)
    update_investigation(uow, inspector, opened.id, InvestigationUpdate(status=InvestigationStatus.CLOSED, findings="Selesai"), NOW)
    assert on_survey_submitted(uow, SETTINGS.spike_rule, frozenset(), "kel-a", NOW + timedelta(hours=1)) is None
    complain(uow, 10, NOW + timedelta(hours=2), client_prefix="10.2.0.")
    again = on_survey_submitted(uow, SETTINGS.spike_rule, frozenset(), "kel-a", NOW + timedelta(hours=3))
    assert again is not None and again.id != opened.id and len(again.complaints) == 10


def test_one_sender_cannot_open_an_investigation_however_much_they_send(uow):
    wide = surveys.RateLimit(limit=100, window_seconds=600, daily_limit=100)
    text = {"kind": "pengaduan", "text": "Petugas tidak ada di tempat"}
    for _ in range(40):
        sender = surveys.Sender.of(SETTINGS.survey_salt, "10.9.9.9", "kel-a")
        surveys.submit_survey(uow, SETTINGS, submission(score=1, feedback=text), sender, wide, NOW)
    assert on_survey_submitted(uow, SETTINGS.spike_rule, frozenset(), "kel-a", NOW) is None
    picture = uow.state.pictures["kel-a"]
    assert (picture.complaints, picture.senders, picture.dissatisfied) == (40, 1, 40)
    complain(uow, 4, NOW, client_prefix="10.3.0.")  # five people now, still under the ten of a surge
    assert on_survey_submitted(uow, SETTINGS.spike_rule, frozenset(), "kel-a", NOW) is None
    complain(uow, 5, NOW, client_prefix="10.4.0.")
    opened = on_survey_submitted(uow, SETTINGS.spike_rule, frozenset(), "kel-a", NOW)
    assert opened is not None and opened.picture.counted_senders == 10 and opened.reason == "surge"


def test_the_sender_hashes_are_per_unit_and_never_the_address():
    here = surveys.Sender.of(SETTINGS.survey_salt, "203.0.113.7", "kel-a")
    there = surveys.Sender.of(SETTINGS.survey_salt, "203.0.113.7", "kel-b")
    assert here.anywhere == there.anywhere and here.at_unit != there.at_unit
    assert "203.0.113.7" not in here.anywhere + here.at_unit
    assert surveys.Sender.of("another-salt", "203.0.113.7", "kel-a") != here
