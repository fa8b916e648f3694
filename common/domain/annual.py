"""The annual evaluation (PermenPANRB 6/2022): the supervisor gives the year's Hasil Kerja and
Perilaku Kerja, informed by the monthly ones; the matrix gives the annual predikat; for a
functional position the predikat converts into angka kredit.

The record is first-class and keeps its history: the proposal, then each decision in order
(the supervisor's; later an objection's, issue 17), the last one holding. Codes and numbers
only: the words are in common/api/messages.py.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import Field

from .errors import Conflict
from .model import Model
from .objections import ObjectionSummary
from .organisation import FunctionalLevel
from .ratings import Predikat, Rating, predikat
from .scoring import AsnResult, Outcome

# Lowest first, so a median can be read off a sorted list.
_ORDER = [Rating.DI_BAWAH, Rating.SESUAI, Rating.DI_ATAS]


COEFFICIENT: dict[FunctionalLevel, Decimal] = {
    FunctionalLevel.PEMULA: Decimal("3.75"),
    FunctionalLevel.TERAMPIL: Decimal("5"),
    FunctionalLevel.MAHIR: Decimal("12.5"),
    FunctionalLevel.PENYELIA: Decimal("25"),
    FunctionalLevel.AHLI_PERTAMA: Decimal("12.5"),
    FunctionalLevel.AHLI_MUDA: Decimal("25"),
    FunctionalLevel.AHLI_MADYA: Decimal("37.5"),
    FunctionalLevel.AHLI_UTAMA: Decimal("50"),
}

# The share of the annual coefficient each annual predikat earns (PermenPANRB 1/2023, DOMAIN.md).
CREDIT_SHARE: dict[Predikat, Decimal] = {
    Predikat.SANGAT_BAIK: Decimal("1.50"),
    Predikat.BAIK: Decimal("1.00"),
    Predikat.BUTUH_PERBAIKAN: Decimal("0.75"),
    Predikat.KURANG: Decimal("0.50"),
    Predikat.SANGAT_KURANG: Decimal("0.25"),
}


def angka_kredit(annual: Predikat, level: FunctionalLevel, months: int) -> float:
    """Angka kredit of a year: the coefficient times the predikat's share, pro rata for the
    months in the position (a partial year), to three decimals as BKN states them."""
    months = max(0, min(12, months))
    value = COEFFICIENT[level] * CREDIT_SHARE[annual] * Decimal(months) / Decimal(12)
    return float(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def median_rating(ratings: list[Rating]) -> Rating | None:
    """The middle rating of the months; with an even count, the lower of the two middle ones
    (the proposal never claims more than half the year showed). None without any."""
    if not ratings:
        return None
    ordered = sorted(ratings, key=_ORDER.index)
    return ordered[(len(ordered) - 1) // 2]


class MonthRating(Model):
    period: str
    outcome: Outcome
    hasil_kerja: Rating | None = None
    perilaku_kerja: Rating | None = None
    predikat: Predikat | None = None


class AnnualDecision(Model):
    """One decision on the year: the supervisor's (``kind`` supervisor), later an objection's."""

    kind: str = Field(default="supervisor", description="supervisor, or objection (the decision on a keberatan, which is final)")
    hasil_kerja: Rating
    perilaku_kerja: Rating
    predikat: Predikat
    by: str
    at: datetime
    reason: str | None = None


class AnnualResult(Model):
    id: str = Field(description="{nip}_{year}")
    nip: str
    name: str
    unit_id: str
    supervisor_nip: str | None
    year: int
    months: list[MonthRating] = Field(description="the months of the year with a result, oldest first")
    months_rated: int = Field(description="months the supervisor rated (outcome scored): what the proposal is read from")
    months_in_position: int = Field(description="months with an SKP: the share of the year angka kredit is pro rata to")
    proposed_hasil_kerja: Rating | None
    proposed_perilaku_kerja: Rating | None
    proposed_predikat: Predikat | None
    decisions: list[AnnualDecision] = Field(default_factory=list, description="oldest first; the last one holds")
    hasil_kerja: Rating | None = Field(description="the year's Hasil Kerja: the last decision's, else none yet")
    perilaku_kerja: Rating | None
    predikat: Predikat | None = Field(description="the annual predikat, from the matrix, once the supervisor decided")
    status: str = Field(description="proposed (no decision yet) or decided")
    functional_level: FunctionalLevel | None = None
    angka_kredit: float | None = Field(default=None, description="for a functional position, once decided")
    objection: ObjectionSummary | None = Field(default=None, description="the keberatan against the year's predikat, if any")

    @property
    def published_at(self) -> datetime | None:
        """When the predikat objected to was given: the supervisor's last decision."""
        given = [d for d in self.decisions if d.kind == "supervisor"]
        return given[-1].at if given else None


def annual_id(nip: str, year: int) -> str:
    return f"{nip}_{year}"


def propose(year: int, nip: str, name: str, unit_id: str, supervisor_nip: str | None, monthly: list[AsnResult],
            level: FunctionalLevel | None, previous: AnnualResult | None = None) -> AnnualResult:
    """The year's proposal from its monthly results (any the person has; the twelve at the year's
    end). Hasil Kerja and Perilaku are each the median of the months the supervisor rated.
    Decisions already taken are kept, and their predikat and angka kredit follow the new months."""
    months = sorted((m for m in monthly if m.period.startswith(f"{year:04d}-")), key=lambda m: m.period)
    rated = [m for m in months if m.outcome is Outcome.SCORED]
    hk = median_rating([m.hasil_kerja for m in rated if m.hasil_kerja])
    pk = median_rating([m.perilaku_kerja for m in rated if m.perilaku_kerja])
    record = AnnualResult(
        id=annual_id(nip, year), nip=nip, name=name, unit_id=unit_id, supervisor_nip=supervisor_nip, year=year,
        months=[MonthRating(period=m.period, outcome=m.outcome, hasil_kerja=m.hasil_kerja, perilaku_kerja=m.perilaku_kerja,
                            predikat=m.predikat) for m in months],
        months_rated=len(rated),
        months_in_position=sum(1 for m in months if m.outcome is not Outcome.NO_SKP),
        proposed_hasil_kerja=hk, proposed_perilaku_kerja=pk, proposed_predikat=predikat(hk, pk) if hk and pk else None,
        decisions=previous.decisions if previous else [], objection=previous.objection if previous else None,
        hasil_kerja=None, perilaku_kerja=None, predikat=None, status="proposed", functional_level=level,
    )
    return settled(record)


def settled(record: AnnualResult) -> AnnualResult:
    """What holds: the last decision, with its angka kredit."""
    last = record.decisions[-1] if record.decisions else None
    if last is None:
        return record.model_copy(update={"hasil_kerja": None, "perilaku_kerja": None, "predikat": None, "status": "proposed",
                                         "angka_kredit": None})
    credit = angka_kredit(last.predikat, record.functional_level, record.months_in_position) if record.functional_level else None
    return record.model_copy(update={"hasil_kerja": last.hasil_kerja, "perilaku_kerja": last.perilaku_kerja, "predikat": last.predikat,
                                     "status": "decided", "angka_kredit": credit})


def decide(record: AnnualResult, hasil_kerja: Rating, perilaku_kerja: Rating, by: str, at: datetime, reason: str | None) -> AnnualResult:
    """The supervisor's annual ratings; the predikat follows from the matrix. Once a keberatan was
    decided on the year, its decision is final."""
    if record.objection is not None and record.objection.decision is not None:
        raise Conflict("annual_objection_decided")
    decision = AnnualDecision(hasil_kerja=hasil_kerja, perilaku_kerja=perilaku_kerja, predikat=predikat(hasil_kerja, perilaku_kerja),
                              by=by, at=at, reason=reason)
    return settled(record.model_copy(update={"decisions": [*record.decisions, decision]}))


def with_objection(record: AnnualResult, summary: ObjectionSummary) -> AnnualResult:
    """The record with its keberatan; a decision that changes the ratings is added to the history as the
    last decision (kind objection), so it holds."""
    decision = summary.decision
    record = record.model_copy(update={"objection": summary})
    if decision is None or not decision.changes_ratings or any(d.kind == "objection" for d in record.decisions):
        return record  # nothing to add, or added already (a decided objection is one decision)
    entry = AnnualDecision(kind="objection", hasil_kerja=decision.hasil_kerja, perilaku_kerja=decision.perilaku_kerja,
                           predikat=decision.predikat, by=decision.by, at=decision.at, reason=decision.reason)
    return settled(record.model_copy(update={"decisions": [*record.decisions, entry]}))
