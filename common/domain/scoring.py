"""The monthly evaluation: each ASN's ratings and predikat, each unit's result,
and the check of the employees' predikat against the unit's curve.

Rules: PermenPANRB 6/2022 (predikat matrix, default Hasil Kerja), SE MenPANRB
3/2023 (distribution curve per unit predikat). What the regulation leaves
open is decided here and documented in docs/rules.md.
"""

from __future__ import annotations

from enum import StrEnum
from statistics import fmean

from pydantic import BaseModel, Field

from .ikm import IkmResult
from .ratings import Predikat, Rating, predikat
from .reports import Decision, Report
from .skp import Aspect, SkpPlan, capaian, category, default_hasil_kerja


class Outcome(StrEnum):
    SCORED = "scored"  # reviewed: the supervisor's ratings and the matrix
    AWAITING_REVIEW = "awaiting_review"  # reported, never reviewed: default Hasil Kerja, no Perilaku, no predikat
    NO_REPORT = "no_report"  # nothing reported for the period: no ratings, no predikat
    NO_SKP = "no_skp"  # no SKP plan for the year: nothing to measure against


class IndicatorScore(BaseModel):
    indicator_id: str
    aspect: Aspect
    target: float
    realisasi: float
    capaian: float
    category: Rating


class AsnResult(BaseModel):
    nip: str
    name: str
    unit_id: str
    supervisor_nip: str | None
    period: str
    outcome: Outcome
    report_id: str | None = None
    late: bool | None = None
    indicators: list[IndicatorScore] = Field(default_factory=list)
    capaian: float | None = Field(default=None, description="mean capaian of the reported indicators")
    hasil_kerja: Rating | None = None
    hasil_kerja_source: str | None = Field(default=None, description="supervisor, or default (derived from capaian)")
    perilaku_kerja: Rating | None = None
    predikat: Predikat | None = None
    reasons: list[str] = Field(default_factory=list, description="why, in Bahasa Indonesia, for the ASN")


def score_asn(
    *, nip: str, name: str, unit_id: str, supervisor_nip: str | None, period: str, plan: SkpPlan | None, report: Report | None
) -> AsnResult:
    base = {"nip": nip, "name": name, "unit_id": unit_id, "supervisor_nip": supervisor_nip, "period": period}
    if plan is None:
        return AsnResult(**base, outcome=Outcome.NO_SKP, reasons=["Belum ada SKP untuk tahun ini, sehingga capaian tidak dapat diukur."])
    if report is None:
        return AsnResult(**base, outcome=Outcome.NO_REPORT, reasons=["Tidak ada laporan kinerja untuk periode ini."])

    indicators = []
    for entry in report.content.realisasi:
        indicator = plan.indicator(entry.indicator_id)
        if indicator is None:
            continue  # an indicator removed from the plan after the report: it no longer counts
        value = capaian(indicator, entry.value)
        indicators.append(
            IndicatorScore(indicator_id=indicator.id, aspect=indicator.aspect, target=indicator.target,
                           realisasi=entry.value, capaian=value, category=category(value))
        )
    mean = round(fmean(i.capaian for i in indicators), 4) if indicators else None
    reported = {**base, "report_id": report.id, "late": report.late, "indicators": indicators, "capaian": mean}
    review = _review_of_current_revision(report)
    if review is None:
        derived = default_hasil_kerja([i.capaian for i in indicators]) if indicators else None
        return AsnResult(
            **reported,
            outcome=Outcome.AWAITING_REVIEW,
            hasil_kerja=derived,
            hasil_kerja_source="default" if derived else None,
            reasons=[
                "Laporan belum dinilai atasan: Hasil Kerja sementara dihitung dari capaian, "
                "Perilaku Kerja dan predikat menunggu penilaian atasan."
            ],
        )
    result = predikat(review.hasil_kerja, review.perilaku_kerja)
    reasons = [
        f"Hasil Kerja {_label(review.hasil_kerja)} (penilaian atasan), Perilaku Kerja {_label(review.perilaku_kerja)}: "
        f"predikat {_PREDIKAT_LABEL[result]} menurut matriks PermenPANRB 6/2022."
    ]
    if mean is not None:
        reasons.append(f"Rata-rata capaian indikator {mean * 100:.1f}%.")
    if review.decision is Decision.RETURN:
        reasons.append("Laporan dikembalikan untuk perbaikan; nilai dari penilaian terakhir atasan.")
    return AsnResult(**reported, outcome=Outcome.SCORED, hasil_kerja=review.hasil_kerja, hasil_kerja_source="supervisor",
                     perilaku_kerja=review.perilaku_kerja, predikat=result, reasons=reasons)


def _review_of_current_revision(report: Report):
    """The supervisor's latest review, if it is about the revision now on file."""
    latest = report.latest_review
    return latest if latest is not None and latest.revision == report.revision else None


_RATING_LABEL = {Rating.DI_ATAS: "Di Atas Ekspektasi", Rating.SESUAI: "Sesuai Ekspektasi", Rating.DI_BAWAH: "Di Bawah Ekspektasi"}
_PREDIKAT_LABEL = {
    Predikat.SANGAT_BAIK: "Sangat Baik", Predikat.BAIK: "Baik", Predikat.BUTUH_PERBAIKAN: "Butuh Perbaikan",
    Predikat.KURANG: "Kurang/Misconduct", Predikat.SANGAT_KURANG: "Sangat Kurang",
}


def _label(rating: Rating) -> str:
    return _RATING_LABEL[rating]


# -- the unit ------------------------------------------------------------------

class UnitPredikat(StrEnum):
    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


_RANK = {UnitPredikat.SANGAT_KURANG: 1, UnitPredikat.KURANG: 2, UnitPredikat.BUTUH_PERBAIKAN: 3, UnitPredikat.BAIK: 4, UnitPredikat.ISTIMEWA: 5}
_BY_RANK = {rank: p for p, rank in _RANK.items()}


class UnitRule(BaseModel):
    """How a unit's predikat follows from its IKM, on-time share and average capaian.

    Each measure is placed in a band (the thresholds are the lower bounds of
    Istimewa, Baik, Butuh Perbaikan and Kurang; below the last is Sangat
    Kurang); the unit predikat is the weighted mean of the bands, rounded to
    the nearest band (halves round up). A measure without data is left out
    and the other weights count in its place.
    """

    ikm_bands: tuple[float, float, float, float] = (88.31, 76.61, 65.00, 50.00)
    on_time_bands: tuple[float, float, float, float] = (0.95, 0.85, 0.70, 0.50)
    capaian_bands: tuple[float, float, float, float] = (1.10, 1.00, 0.90, 0.75)
    weights: dict[str, float] = Field(default_factory=lambda: {"ikm": 0.4, "on_time": 0.3, "capaian": 0.3})


def band(value: float, thresholds: tuple[float, float, float, float]) -> UnitPredikat:
    for limit, result in zip(thresholds, (UnitPredikat.ISTIMEWA, UnitPredikat.BAIK, UnitPredikat.BUTUH_PERBAIKAN, UnitPredikat.KURANG)):
        if value >= limit:
            return result
    return UnitPredikat.SANGAT_KURANG


def unit_predikat(rule: UnitRule, ikm: float | None, on_time: float | None, mean_capaian: float | None) -> tuple[UnitPredikat | None, dict[str, str]]:
    measures = {
        "ikm": band(ikm, rule.ikm_bands) if ikm is not None else None,
        "on_time": band(on_time, rule.on_time_bands) if on_time is not None else None,
        "capaian": band(mean_capaian, rule.capaian_bands) if mean_capaian is not None else None,
    }
    known = {k: v for k, v in measures.items() if v is not None}
    if not known:
        return None, {}
    total = sum(rule.weights[k] for k in known)
    mean = sum(_RANK[v] * rule.weights[k] for k, v in known.items()) / total
    return _BY_RANK[min(5, max(1, int(mean + 0.5)))], {k: v.value for k, v in known.items()}


# -- the distribution curve (SE MenPANRB 3/2023) --------------------------------

class CurveCheck(BaseModel):
    counts: dict[Predikat, int]
    shares: dict[Predikat, float]
    rated: int
    violations: list[str] = Field(description="each rule of the curve that the distribution breaks, in Bahasa Indonesia")

    @property
    def ok(self) -> bool:
        return not self.violations


def check_curve(unit: UnitPredikat, results: list[Predikat]) -> CurveCheck:
    counts = {p: sum(r is p for r in results) for p in Predikat}
    rated = len(results)
    shares = {p: round(counts[p] / rated, 4) if rated else 0.0 for p in Predikat}
    sb, b, bp, k, sk = (shares[p] for p in (Predikat.SANGAT_BAIK, Predikat.BAIK, Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG))
    v: list[str] = []
    if rated == 0:
        return CurveCheck(counts=counts, shares=shares, rated=0, violations=[])
    if unit is UnitPredikat.ISTIMEWA:
        if sb > 0.70:
            v.append(f"Sangat Baik {sb:.0%}, melebihi batas 70% untuk unit Istimewa")
    elif unit is UnitPredikat.BAIK:
        if b > 0.70:
            v.append(f"Baik {b:.0%}, melebihi batas 70% untuk unit Baik")
        if counts[Predikat.BUTUH_PERBAIKAN] + counts[Predikat.KURANG] == 0:
            v.append("unit Baik harus memiliki pegawai Butuh Perbaikan dan/atau Kurang/Misconduct")
    elif unit is UnitPredikat.BUTUH_PERBAIKAN:
        if bp < 0.60:
            v.append(f"Butuh Perbaikan {bp:.0%}, kurang dari 60% untuk unit Butuh Perbaikan")
        if sb > 0.10:
            v.append(f"Sangat Baik {sb:.0%}, melebihi batas 10%")
    elif unit is UnitPredikat.KURANG:
        if k < 0.60:
            v.append(f"Kurang/Misconduct {k:.0%}, kurang dari 60% untuk unit Kurang")
        if bp < 0.10:
            v.append(f"Butuh Perbaikan {bp:.0%}, kurang dari 10%")
        if sb > 0.10:
            v.append(f"Sangat Baik {sb:.0%}, melebihi batas 10%")
    elif unit is UnitPredikat.SANGAT_KURANG:
        if sk < 0.60:
            v.append(f"Sangat Kurang {sk:.0%}, kurang dari 60% untuk unit Sangat Kurang")
        if k + bp < 0.10:
            v.append(f"Kurang dan/atau Butuh Perbaikan {k + bp:.0%}, kurang dari 10%")
        if counts[Predikat.SANGAT_BAIK] > 0:
            v.append("unit Sangat Kurang tidak boleh memiliki pegawai Sangat Baik")
    return CurveCheck(counts=counts, shares=shares, rated=rated, violations=v)


class UnitResult(BaseModel):
    unit_id: str
    period: str
    employees: int
    reported: int
    on_time: int
    on_time_share: float | None
    late_share: float | None
    mean_capaian: float | None
    ikm: IkmResult | None
    predikat: UnitPredikat | None
    bands: dict[str, str] = Field(default_factory=dict, description="the band of each measure that fed the predikat")
    outcomes: dict[Outcome, int]
    curve: CurveCheck | None


def unit_result(unit_id: str, period: str, results: list[AsnResult], ikm: IkmResult | None, rule: UnitRule) -> UnitResult:
    expected = [r for r in results if r.outcome is not Outcome.NO_SKP]
    reported = [r for r in expected if r.outcome is not Outcome.NO_REPORT]
    on_time = [r for r in reported if not r.late]
    capaians = [r.capaian for r in reported if r.capaian is not None]
    on_time_share = round(len(on_time) / len(expected), 4) if expected else None
    mean_capaian = round(fmean(capaians), 4) if capaians else None
    predikat_, bands = unit_predikat(rule, ikm.ikm if ikm and ikm.ikm is not None else None, on_time_share, mean_capaian)
    rated = [r.predikat for r in results if r.predikat is not None]
    return UnitResult(
        unit_id=unit_id,
        period=period,
        employees=len(results),
        reported=len(reported),
        on_time=len(on_time),
        on_time_share=on_time_share,
        late_share=round(1 - len(on_time) / len(expected), 4) if expected else None,
        mean_capaian=mean_capaian,
        ikm=ikm,
        predikat=predikat_,
        bands=bands,
        outcomes={o: sum(r.outcome is o for r in results) for o in Outcome},
        curve=check_curve(predikat_, rated) if predikat_ else None,
    )
