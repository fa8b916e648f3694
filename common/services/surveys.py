"""Use cases of the public survey: the form's data, intake, paper imports, IKM reports.

Intake does only what storing a response safely needs, in one transaction:
the rate limit, the client key, the response and its event. Everything else
(the complaint picture, investigations) runs later from the survey-submitted event.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pydantic import Field

from common.domain.clock import WIB
from common.domain.disclosure import Withheld
from common.domain.errors import Invalid, NotFound, RateLimited
from common.domain.events import Event
from common.domain.ikm import IkmResult, Weights, months_of
from common.domain.model import Model
from common.domain.organisation import ServiceType, Unit
from common.domain.period import period_of
from common.domain.rules import PopulationBasis
from common.domain.survey import (
    UNSUR,
    Education,
    Occupation,
    PartialAnswers,
    Profile,
    Source,
    SurveyFeedback,
    SurveyResponse,
    SurveySubmission,
    blank_marks,
    is_complaint,
    stored_moment,
)
from common.settings import Settings

from .ports import Repositories, UnitOfWork
from .survey_figures import Figures, Totals, unit_figures, with_withheld

MAX_SERVICE_AGE_DAYS = 90
# One Firestore commit holds a whole import, so a file is stored entirely or not
# at all. The largest Krejcie-Morgan sample is 384, so one file per unit and
# month always fits.
MAX_IMPORT_ROWS = 490
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U to misread at a counter


# -- the form -------------------------------------------------------------------

class Option(Model):
    value: str
    label: str


class UnsurForm(Model):
    code: str
    name: str
    question: str
    labels: list[str]


class ProfileOptions(Model):
    sex: list[Option]
    education: list[Option]
    occupation: list[Option]
    age: dict[str, int]


class UnitRef(Model):
    id: str
    name: str


class HumanCheckInfo(Model):
    """What the page must send to prove a person filled it (off on the local stack)."""

    kind: str = Field(description="off, recaptcha (send X-Recaptcha-Token) or app_check (send X-Firebase-AppCheck)")
    site_key: str | None = Field(default=None, description="the reCAPTCHA Enterprise site key")
    action: str | None = None


class SurveyForm(Model):
    unit: UnitRef
    services: list[ServiceType]
    unsur: list[UnsurForm]
    profile: ProfileOptions
    feedback_max_length: int = 2000
    served_by_max_length: int = 100
    service_date_max_age_days: int = MAX_SERVICE_AGE_DAYS
    blank_allowed: bool = Field(default=False, description="an unsur may be left blank (PANTAU_SURVEY_ALLOW_BLANK); off by default: all nine")
    human_check: HumanCheckInfo


OCCUPATION_LABELS = {
    Occupation.PNS: "PNS", Occupation.TNI: "TNI", Occupation.POLRI: "POLRI", Occupation.SWASTA: "Pegawai swasta",
    Occupation.WIRAUSAHA: "Wirausaha", Occupation.PELAJAR: "Pelajar/Mahasiswa",
    Occupation.IBU_RUMAH_TANGGA: "Ibu rumah tangga", Occupation.LAINNYA: "Lainnya",
}


def survey_form(uow: UnitOfWork, settings: Settings, unit_id: str) -> SurveyForm:
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    if not unit.services:
        raise NotFound("survey_not_available")  # an office without public services has no survey
    check = settings.survey_human_check.value
    return SurveyForm(
        human_check=HumanCheckInfo(
            kind=check,
            site_key=settings.recaptcha_site_key or None if check == "recaptcha" else None,
            action="survey_submit" if check == "recaptcha" else None,
        ),
        unit=UnitRef(id=unit.id, name=unit.name),
        services=unit.services,
        blank_allowed=settings.survey_allow_blank,
        unsur=[UnsurForm(code=u.code, name=u.name, question=u.question, labels=list(u.labels)) for u in UNSUR],
        profile=ProfileOptions(
            sex=[Option(value="L", label="Laki-laki"), Option(value="P", label="Perempuan")],
            education=[Option(value=e.value, label=e.value) for e in Education],
            occupation=[Option(value=o.value, label=OCCUPATION_LABELS[o]) for o in Occupation],
            age={"min": 15, "max": 100},
        ),
    )


# -- intake -------------------------------------------------------------------

class Receipt(Model):
    receipt: str = Field(description="the respondent's receipt number, e.g. SKM-4K7P-9QXD")
    unit_id: str
    period: str
    submitted_at: datetime
    replayed: bool = False


@dataclass(frozen=True)
class RateLimit:
    limit: int  # per address per window
    window_seconds: int
    daily_limit: int  # per address and unit per day (WIB)


@dataclass(frozen=True)
class Sender:
    """Who sent a response, as salted hashes of their address (never the address itself):
    one for the short window, one per unit for the daily cap and for counting complainers,
    so the same person cannot be followed from one office to another."""

    anywhere: str
    at_unit: str

    @classmethod
    def of(cls, salt: str, address: str, unit_id: str) -> "Sender":
        digest = lambda *parts: hashlib.sha256("\n".join([salt, *parts]).encode()).hexdigest()  # noqa: E731
        return cls(anywhere=digest("address", address), at_unit=digest("unit", unit_id, address))


def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"SKM-{code[:4]}-{code[4:]}"


def _check_service(unit: Unit | None, submission: SurveySubmission, today: date, allow_blank: bool = False) -> None:
    if unit is None:
        raise NotFound("unit_not_found")
    problems = [] if allow_blank else [{"field": f"answers.{code}", "code": "missing"} for code in submission.answers.blanks()]
    if not any(s.id == submission.service_id for s in unit.services):
        problems.append({"field": "service_id", "code": "service_unknown", "value": submission.service_id})
    if submission.service_date > today:
        problems.append({"field": "service_date", "code": "date_in_future", "value": submission.service_date.isoformat()})
    elif submission.service_date < today - timedelta(days=MAX_SERVICE_AGE_DAYS):
        problems.append({"field": "service_date", "code": "date_too_old", "value": submission.service_date.isoformat()})
    if problems:
        raise Invalid("survey_invalid", details=problems)


def _first(found: tuple[Receipt, str] | None, fingerprint: str) -> Receipt | None:
    """The first receipt of a resent form; the same key with other answers is refused."""
    if found is None:
        return None
    receipt, first_fingerprint = found
    if first_fingerprint != fingerprint:
        raise Invalid("survey_key_reused", details=[{"field": "client_key", "code": "key_reused"}])
    return receipt.model_copy(update={"replayed": True})


def submit_survey(
    uow: UnitOfWork,
    settings: Settings,
    submission: SurveySubmission,
    sender: Sender,
    rate: RateLimit,
    now: datetime,
) -> Receipt:
    """Store one response from ``sender``; refused (429) past the sender's window or daily cap."""
    window = int(now.timestamp()) // rate.window_seconds
    window_end = (window + 1) * rate.window_seconds
    today = now.astimezone(WIB).date()
    fingerprint = hashlib.sha256(submission.model_dump_json(exclude={"client_key"}).encode()).hexdigest()
    key_id = hashlib.sha256(f"survey\n{submission.client_key}".encode()).hexdigest() if submission.client_key else None
    # A counter per key (the sender's window, and their day at this unit), read with the unit
    # and the client key in the one batched read, counted up after the commit: requests racing
    # each other may overshoot by a few; a refusal writes nothing.
    keys = [f"{sender.anywhere}_{window}", f"{sender.at_unit}_{today.isoformat()}"]
    complaint = is_complaint(submission.feedback)
    stored_at = stored_moment(now)

    def work(tx: Repositories) -> Receipt:
        # The key's first receipt, the unit and the sender's counters in one round trip.
        found, unit, counters = tx.survey_keys.get_with_unit(key_id, submission.unit_id, tx.rate_limits.paths(keys))
        if key_id and (first := _first(found, fingerprint)) is not None:
            return first  # a resend is never refused, at a limit or not
        in_window, today_here = tx.rate_limits.counts_in(counters, keys)
        if in_window >= rate.limit:  # refused inside the transaction: it is rolled back, nothing written
            raise RateLimited(retry_after=max(1, window_end - int(now.timestamp())))
        if today_here >= rate.daily_limit:
            tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=WIB)
            raise RateLimited(retry_after=max(1, int((tomorrow - now).total_seconds())))
        _check_service(unit, submission, today, settings.survey_allow_blank)
        response = SurveyResponse(
            receipt=new_receipt(),
            unit_id=submission.unit_id,
            service_id=submission.service_id,
            service_date=submission.service_date,
            period=period_of(now),
            submitted_at=stored_at,
            source=Source(submission.source),
            answers=submission.answers,
            profile=submission.profile,
            feedback=submission.feedback,
            served_by=submission.served_by or None,
            complaint=complaint,
            lowest_score=min(submission.answers.scores().values()),
            blank=blank_marks(submission.answers),
            blank_count=len(submission.answers.blanks()),
        )
        receipt = Receipt(receipt=response.receipt, unit_id=response.unit_id, period=response.period, submitted_at=stored_at)
        tx.surveys.create(response)
        if key_id:
            tx.survey_keys.put(key_id, receipt, fingerprint, expire_at=now + timedelta(days=7))
        tx.emit([_submitted_event(response)])
        # Not in the response's commit, so no commit time ties a sender to a response; it goes
        # out in a commit of its own beside the publish. Lost, it only lets one more through.
        tx.after_commit(lambda later: _count_sender(later, settings, sender, keys, response.unit_id, complaint, today, window_end, now))
        return receipt

    return uow.transaction(work)


def _count_sender(repos: Repositories, settings: Settings, sender: Sender, keys: list[str], unit_id: str, complaint: bool, today: date,
                  window_end: int, now: datetime) -> None:
    repos.rate_limits.hit(keys, expire_at=max(datetime.fromtimestamp(window_end, now.tzinfo), now) + timedelta(days=1, hours=1))
    if complaint:
        expire = datetime.combine(today + timedelta(days=2 * settings.complaint_window_days + 1), time(0), tzinfo=WIB)
        repos.complainers.mark(unit_id, sender.at_unit, now, expire_at=expire)


def _submitted_event(response: SurveyResponse) -> Event:
    # A random key: the receipt must not reach logs or request ids (the event id is the
    # handler's request id), and the handler needs only the unit.
    return Event.of(
        "survey.submitted",
        key=uuid.uuid4().hex,
        occurred_at=response.submitted_at,
        data={
            "unit_id": response.unit_id,
            "service_id": response.service_id,
            "period": response.period,
            "complaint": response.complaint,
            "source": response.source.value,
        },
    )


# -- paper surveys ------------------------------------------------------------

class PaperResponse(Model):
    """One row of a paper-survey CSV, already validated. An empty box is a blank unsur: the
    row still counts for the unsur answered (PermenPANRB 14/2017)."""

    answers: PartialAnswers
    service_id: str | None = None
    service_date: date | None = None
    profile: Profile | None = None
    feedback: SurveyFeedback | None = None


def import_paper(uow: UnitOfWork, unit_id: str, period: str, rows: list[PaperResponse], now: datetime) -> int:
    """Store a batch of paper responses for a unit and period; all or nothing.

    Rows without a service count toward the unit's IKM but not toward any
    service's. The batch publishes one event so the complaint picture is
    brought up to date once.
    """
    if len(rows) > MAX_IMPORT_ROWS:
        raise Invalid("import_too_large", limit=MAX_IMPORT_ROWS)
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    known = {s.id for s in unit.services}
    problems = [
        {"field": f"{i}.service_id", "code": "service_unknown", "value": row.service_id}
        for i, row in enumerate(rows)
        if row.service_id and row.service_id not in known
    ]
    if problems:
        raise Invalid("survey_invalid", details=problems)
    first_day = date(int(period[:4]), int(period[5:]), 1)
    responses = [
        SurveyResponse(
            receipt=new_receipt(),
            unit_id=unit_id,
            service_id=row.service_id or "",
            service_date=row.service_date or first_day,
            period=period,
            submitted_at=now,
            source=Source.PAPER,
            answers=row.answers,
            profile=row.profile,
            feedback=row.feedback,
            complaint=is_complaint(row.feedback),
            lowest_score=min(row.answers.scores().values()),
            blank=blank_marks(row.answers),
            blank_count=len(row.answers.blanks()),
        )
        for row in rows
    ]
    batch_key = hashlib.sha256("".join(r.receipt for r in responses).encode()).hexdigest()[:16]
    event = Event.of(
        "survey.submitted",
        key=f"paper-{batch_key}",
        occurred_at=now,
        data={"unit_id": unit_id, "period": period, "source": "paper", "count": len(responses),
              "complaint": any(r.complaint for r in responses)},
    )

    def work(tx: Repositories) -> None:  # writes only: one atomic commit of the batch and its event
        for response in responses:
            tx.surveys.create(response)
        tx.emit([event])

    uow.transaction(work)
    return len(responses)


# -- IKM ----------------------------------------------------------------------

class PeriodRef(Model):
    label: str
    months: list[str]


class UnsurRef(Model):
    code: str
    name: str


class ServiceIkm(Model):
    service_id: str
    name: str
    result: IkmResult


class IkmReport(Model):
    unit: UnitRef
    period: PeriodRef
    weights: Weights
    min_respondents: int = Field(description="no figure is shown for fewer respondents than this (a month, a service, a profile band)")
    result: IkmResult
    unsur: list[UnsurRef]
    services: list[ServiceIkm] = Field(description="per service; a service with too few respondents in a month is left out of it")


def months_for(period: str) -> list[str]:
    """The months of a period written YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY, or a clear 422."""
    try:
        return months_of(period)
    except ValueError:
        raise Invalid("ikm_period_invalid") from None


def ikm_report(uow: UnitOfWork, unit_id: str, label: str, months: list[str], weights: Weights, min_respondents: int,
               basis: PopulationBasis = PopulationBasis.PRO_RATA) -> IkmReport:
    """IKM for a unit over some months, overall and per service, from server-side sums,
    with every figure that could reveal one respondent withheld (common/domain/disclosure.py)."""
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    return report_of(unit, label, months, weights, min_respondents, unit_figures(uow, unit, months, min_respondents, per_service=True), basis)


def report_of(unit: Unit, label: str, months: list[str], weights: Weights, min_respondents: int, figures: Figures,
              basis: PopulationBasis = PopulationBasis.PRO_RATA) -> IkmReport:
    services = []
    for service in unit.services:
        totals, withheld = figures.services.get(service.id, (Totals(0, {}), Withheld()))
        # Per service the sample size of the whole unit does not apply.
        result = with_withheld(totals.ikm(weights, min_respondents), withheld)
        services.append(ServiceIkm(service_id=service.id, name=service.name, result=result))
    return IkmReport(
        unit=UnitRef(id=unit.id, name=unit.name),
        period=PeriodRef(label=label, months=months),
        weights=weights,
        min_respondents=min_respondents,
        result=figures.result(weights, unit.population_served, basis),
        unsur=[UnsurRef(code=u.code, name=u.name) for u in UNSUR],
        services=services,
    )
