"""The demo data set is valid, and tells its whole story, on every day of a year.

For each day of a leap year (1 January, when last month is in the previous plan year;
29 February; month ends; Sundays), at a time of day that moves from just after midnight
to 23:59 WIB, on machines in zones far from WIB: every generated report, review, survey
response and training passes the domain's own rules with that moment as "now", and each
step tools/demo.py narrates finds its material: an ASN of Belawan I who has not reported
this month, someone there scored in the month the demo scores (who may object to it, a rater
who responds and a decider who decides), a unit result and findings for Belawan Bahari's
lurah, and the complaint surge that opens its investigation.

Pure code, no stack: the services run on the in-memory fakes. The days are split over
the machine's cores.

A day costs about two seconds, so ``make test`` checks the days the data's calendar can
break on, not all 366: every day of January (last month in the last plan year, the scored
month in the year before), and in every other month its first days, the deadline (the 5th)
and the day after, the week after it when the scored month moves on (12th-14th), and its
last two days (28 and 29 February). ``PANTAU_EVERY_DAY=1`` checks every day of the year
(about six minutes on two cores).
"""

from __future__ import annotations

import os
import time as time_module
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, time, timedelta

import pytest

from common.domain import clock
from common.domain.clock import WIB, Clock
from common.domain.period import is_future, period_of
from common.domain.reports import Report, ReportStatus
from common.domain.survey import SurveySubmission
from common.domain.training import TrainingInput

YEAR = 2028  # a leap year
# Times of day that step over the day, so every day meets one of them: the first minute, office
# hours, and the last minute in WIB.
TIMES = [time(0, 0, 30), time(7, 15), time(12, 0), time(16, 45), time(23, 59)]
# Machines that run far from WIB: the data must depend on WIB's day, never on the machine's.
ZONES = ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Jakarta"]


EDGES = {1, 2, 3, 5, 6, 12, 13, 14}  # and each month's last two days


def moments(every_day: bool = False) -> list[datetime]:
    first = date(YEAR, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(YEAR + 1, 1, 1) - first).days)]
    if not every_day:
        days = [d for d in days if d.month == 1 or d.day in EDGES or (d + timedelta(days=2)).month != d.month]
    return [datetime.combine(day, TIMES[i % len(TIMES)], tzinfo=WIB) for i, day in enumerate(days)]


def problems_on(now: datetime) -> list[str]:
    """Everything wrong with the data set built at ``now``; empty when it is sound."""
    from tools import demo_data

    clock.install(Clock.starting_at(now))  # "now" for the rules that read the clock (a NIP's dates)
    try:
        dataset = demo_data.build(now)
        found = _validity(dataset, now) + _story(dataset, now)
    except Exception as error:  # a day whose data cannot even be built
        found = [f"build failed: {type(error).__name__}: {error}"]
    finally:
        clock.install(Clock())
    return [f"{now.isoformat()}: {p}" for p in found]


def _validity(dataset, now: datetime) -> list[str]:
    from common.domain.organisation import Employee
    from common.services.surveys import _check_service

    found = []
    today = now.astimezone(WIB).date()
    for employee in dataset.employees:
        Employee.model_validate(employee.model_dump())  # the NIP's dates are checked against today
    plans = {(p.nip, p.year) for p in dataset.plans}
    for report in dataset.reports:
        Report.model_validate(report.model_dump())
        if is_future(report.period, now):
            found.append(f"report {report.id} is for a future month")
        if report.submitted_at > now:
            found.append(f"report {report.id} submitted after now ({report.submitted_at})")
        if (report.nip, int(report.period[:4])) not in plans:
            found.append(f"report {report.id} has no SKP plan for {report.period[:4]}")
        for review in report.reviews:
            if not report.first_submitted_at <= review.reviewed_at <= now:
                found.append(f"report {report.id} reviewed at {review.reviewed_at}, outside its submission and now")
        if report.status is ReportStatus.SUBMITTED and report.reviews and report.reviews[-1].revision == report.revision:
            found.append(f"report {report.id} waits for a review it already has")
    units = {u.id: u for u in dataset.units}
    for response in dataset.surveys:
        submission = SurveySubmission(
            unit_id=response.unit_id, service_id=response.service_id, service_date=response.service_date,
            answers=response.answers, profile=response.profile, feedback=response.feedback, source="web",
        )
        try:
            _check_service(units.get(response.unit_id), submission, response.submitted_at.astimezone(WIB).date())
        except Exception as error:
            found.append(f"survey {response.receipt} refused by intake: {error}")
        if response.submitted_at > now or response.period != period_of(response.submitted_at):
            found.append(f"survey {response.receipt} at {response.submitted_at} in {response.period}")
    for training in dataset.trainings:
        TrainingInput(title=training.title, provider=training.provider, start_date=training.start_date,
                      end_date=training.end_date, jp=training.jp, certificate_url=training.certificate_url)
        if training.end_date > today or training.recorded_at > now:
            found.append(f"training {training.id} ends or is recorded after today")
    return found


def _story(dataset, now: datetime) -> list[str]:
    """Each step of tools/demo.py, with the choice the demo makes, has something to show."""
    from common.domain.reports import report_id
    from tools import demo_data

    found = []
    current = period_of(now)
    reported = {(r.nip, r.period) for r in dataset.reports}
    by_nip = {p.employee.nip: p for p in dataset.people}

    # 1. An ASN of Belawan I who has not reported this month, with a supervisor to review it.
    if not any(p.kind == "asn" and p.employee.unit_id == "kel-belawan-1" and (p.employee.nip, current) not in reported
               and p.employee.supervisor_nip in by_nip for p in dataset.people):
        found.append("every ASN of Kelurahan Belawan I has reported this month: the report walkthrough has nobody")

    # 2. The survey at Belawan Bahari: its complaint surge opens an investigation.
    if not _opens_investigation(dataset, "kel-belawan-bahari", now):
        found.append("the complaints at Belawan Bahari open no investigation")

    # 3. The scoring of demo_data.scoring_period: someone in Belawan I gets a predikat, Belawan
    # Bahari gets a unit result and its lurah findings.
    period = demo_data.scoring_period(now)
    if period >= current:
        found.append(f"the demo scores {period}, which is not over")
    uow, results, unit, findings = _score(dataset, period, now, ["kel-belawan-1", "kel-belawan-bahari"])
    if not any(r.outcome == "scored" and r.unit_id == "kel-belawan-1" for r in results):
        found.append(f"nobody in Kelurahan Belawan I is scored for {period}")
    bahari = unit.get("kel-belawan-bahari")
    if bahari is None or bahari.predikat is None or bahari.on_time_share is None or bahari.mean_capaian is None:
        found.append(f"Belawan Bahari has no unit result for {period}")
    head = next(u.head_nip for u in dataset.units if u.id == "kel-belawan-bahari")
    if not any(head in f.owners for f in findings):
        found.append(f"the lurah of Belawan Bahari has no findings for {period}")
    if not any(report_id(r.nip, period) == r.report_id for r in results if r.report_id):
        found.append(f"no report in {period}")

    # 4. Keberatan: the first scored ASN of Belawan I objects right after the scoring, the rater
    # responds, and the decider (in the data set, else BKPSDM's staff) upholds it.
    scored = next((r for r in results if r.outcome == "scored" and r.unit_id == "kel-belawan-1"), None)
    if scored is not None:
        found += _objection_story(uow, by_nip, scored, now)
    return found


def _objection_story(uow, by_nip: dict, scored, now: datetime) -> list[str]:
    from common.domain.objections import Verdict
    from common.domain.organisation import Role
    from common.domain.ratings import Rating
    from common.services import objections
    from common.services.objections import DecisionInput, ObjectionInput, ResponseInput
    from common.services.performance import my_performance
    from common.services.ports import Caller
    from common.settings import Settings

    settings = Settings(project_id="demo-uji")

    def caller(person) -> Caller:
        return Caller(uid="u-" + person.nip, nip=person.nip, role=person.role, unit_id=person.unit_id)

    asn = by_nip[scored.nip].employee
    month = next(m for m in my_performance(uow, settings, caller(asn), int(scored.period[:4]), now).months if m.period == scored.period)
    if month.objection_until is None:
        return [f"{asn.nip} may not object to {scored.period} right after its scoring"]
    filed = objections.file_objection(uow, settings, caller(asn), ObjectionInput(
        period=scored.period, reason="Capaian layanan saya di atas target; predikat ini terlalu rendah."), now)
    found = []
    rater = by_nip.get(filed.rater_nip or "")
    if rater is None:
        found.append(f"the rater of {asn.nip}'s {scored.period} is not in the data set")
    else:
        objections.respond(uow, caller(rater.employee), filed.id, ResponseInput(response="Nilai sesuai realisasi yang dilaporkan."), now)
    deciders = [by_nip[filed.decider_nip].employee] if filed.decider_nip else [p.employee for p in by_nip.values() if p.employee.role is Role.ADMIN]
    if not deciders:
        return [*found, f"nobody in the data set decides the objection of {asn.nip}"]
    better = Rating.DI_ATAS if filed.original.hasil_kerja is not Rating.DI_ATAS else Rating.SESUAI
    decided = objections.decide(uow, caller(deciders[0]), filed.id, DecisionInput(
        decision=Verdict.UPHELD, hasil_kerja=better, reason="Bukti apresiasi warga menunjukkan hasil kerja di atas ekspektasi."), now)
    if decided.decision is None or uow.results.get(f"{asn.nip}_{scored.period}").predikat is not decided.decision.predikat:
        found.append(f"the decision on {filed.id} did not reach the result")
    return found


def _fakes_with(dataset, units: list[str], surveys: bool):
    from tests.fakes import FakeUnitOfWork

    uow = FakeUnitOfWork()
    employees = [e for e in dataset.employees if e.unit_id in units]
    nips = {e.nip for e in employees}
    uow.units.put_many([u for u in dataset.units if u.id in units])
    uow.employees.put_many(employees)
    uow.plans.put_many([p for p in dataset.plans if p.nip in nips])
    uow.reports.put_many([r for r in dataset.reports if r.nip in nips])  # the final state of each
    uow.trainings.put_many([t for t in dataset.trainings if t.nip in nips])
    if surveys:
        uow.surveys.put_many([s for s in dataset.surveys if s.unit_id in units])
        for unit_id, sender, hour in dataset.complainers:
            if unit_id in units:
                uow.complainers.mark(unit_id, sender, hour, expire_at=hour + timedelta(days=61))
    return uow


def _opens_investigation(dataset, unit_id: str, now: datetime) -> bool:
    from common.services.complaints import on_survey_submitted
    from common.settings import Settings

    settings = Settings(project_id="demo-uji")
    uow = _fakes_with(dataset, [unit_id], surveys=True)
    return on_survey_submitted(uow, settings.spike_rule, settings.holiday_dates, unit_id, now) is not None


def _score(dataset, period: str, now: datetime, units: list[str]):
    from common.services.scoring import score_unit, start_run
    from common.settings import Settings

    uow = _fakes_with(dataset, units, surveys=True)
    run = start_run(uow, period, "uji", now)
    for unit_id in units:
        score_unit(uow, Settings(project_id="demo-uji"), run.id, period, unit_id, now)
    results = list(uow.state.results.values())
    return uow, results, {r.unit_id: r for r in uow.state.unit_results.values()}, list(uow.state.findings.values())


def _check_days(chunk: list[tuple[datetime, str]]) -> list[str]:
    found = []
    for now, zone in chunk:
        os.environ["TZ"] = zone
        time_module.tzset()
        found += problems_on(now)
    return found


def test_the_demo_data_is_valid_and_complete_on_the_days_of_a_year_its_calendar_can_break_on():
    every_day = os.environ.get("PANTAU_EVERY_DAY") == "1"
    days = [(moment, ZONES[i % len(ZONES)]) for i, moment in enumerate(moments(every_day))]
    checked = {moment.date() for moment, _ in days}
    assert len(days) == (366 if every_day else 31 + 11 * 10) and date(YEAR, 2, 29) in checked and date(YEAR, 12, 31) in checked
    assert any(d.weekday() == 6 for d in checked) and {t for m, _ in days for t in [m.timetz().replace(tzinfo=None)]} == set(TIMES)
    workers = max(1, min(4, os.cpu_count() or 1))
    chunks = [days[i::workers] for i in range(workers)]
    saved = os.environ.get("TZ")
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            found = [p for part in pool.map(_check_days, chunks) for p in part]
    finally:
        os.environ.pop("TZ", None) if saved is None else os.environ.__setitem__("TZ", saved)
        time_module.tzset()
    assert not found, f"{len(found)} problems, e.g.:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("moment", [
    datetime(2027, 1, 1, 0, 0, 5, tzinfo=WIB),  # New Year's night: last month is last year's
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=WIB),
    datetime(2026, 12, 1, 0, 30, tzinfo=WIB),  # the morning this issue was found
])
def test_the_edges_of_a_year_and_a_month(moment):
    assert problems_on(moment) == []


def test_the_scored_month_is_the_latest_with_its_reports_in():
    from tools.demo_data import scoring_period

    assert scoring_period(datetime(2026, 12, 2, 8, tzinfo=WIB)) == "2026-10"  # November's reports still come in
    assert scoring_period(datetime(2026, 12, 12, 23, 59, tzinfo=WIB)) == "2026-10"
    assert scoring_period(datetime(2026, 12, 13, 0, 0, tzinfo=WIB)) == "2026-11"  # a week past the deadline
    assert scoring_period(datetime(2027, 1, 3, 9, tzinfo=WIB)) == "2026-11"
