"""The SKM publication report of a unit for a period, in the layout offices publish:
respondents, NRR per unsur, IKM and mutu, the weakest unsur and the follow-up plan
(rencana tindak lanjut). The printable page and the PDF both render this model.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from fractions import Fraction
from typing import Any

from pydantic import Field

from common.domain.disclosure import bands_to_publish
from common.domain.errors import NotFound
from common.domain.ikm import IkmResult, Mutu, Weights, unsur_mutu
from common.domain.model import Model
from common.domain.rules import PopulationBasis
from common.domain.survey import UNSUR, Education, Occupation

from .ports import UnitOfWork
from .survey_figures import unit_figures
from .surveys import OCCUPATION_LABELS, ServiceIkm, report_of

ACTIONS = {
    "U1": "Umumkan persyaratan setiap jenis layanan di papan informasi, loket dan laman unit.",
    "U2": "Sederhanakan alur layanan dan pasang bagan alurnya di ruang tunggu.",
    "U3": "Pantau waktu penyelesaian terhadap standar pelayanan setiap minggu; tambah petugas pada jam sibuk.",
    "U4": "Umumkan tarif resmi (atau bahwa layanan gratis) dan tindak tegas pungutan di luar ketentuan.",
    "U5": "Periksa kesesuaian produk layanan dengan standar pelayanan sebelum diserahkan kepada warga.",
    "U6": "Ikutkan petugas loket pada pelatihan teknis jenis layanan.",
    "U7": "Adakan pelatihan pelayanan prima dan pantau sikap petugas melalui survei berikutnya.",
    "U8": "Sediakan kanal pengaduan yang jelas dan tindak lanjuti pengaduan dalam 5 hari kerja (SP4N-LAPOR!).",
    "U9": "Perbaiki ruang tunggu, tempat duduk dan fasilitas pendukung pelayanan.",
}
AGE_BANDS = [(15, 25, "< 25"), (25, 35, "25-34"), (35, 45, "35-44"), (45, 55, "45-54"), (55, 101, ">= 55")]


class Count(Model):
    label: str
    count: int | None = Field(description="None: withheld, too few respondents in this band (or to keep another band from being worked out)")


class UnsurRow(Model):
    code: str
    name: str
    answers: int = Field(default=0, description="answers given to this unsur (a blank on a paper form is not one)")
    nrr: float | None
    weighted: float | None = Field(description="NRR x weight (1/9)")
    converted: float | None = Field(description="NRR x 25")
    mutu: str | None


class PlanRow(Model):
    code: str
    name: str
    nrr: float
    action: str
    responsible: str = "Kepala unit"
    timeline: str = "Triwulan berikutnya"


class SkmReport(Model):
    unit_id: str
    unit_name: str
    period: str
    months: list[str]
    generated_at: datetime
    min_respondents: int = Field(description="no figure is shown for fewer respondents than this")
    result: IkmResult
    unsur: list[UnsurRow]
    respondents: dict[str, list[Count]] = Field(description="by sex, age, education, occupation; small bands withheld")
    services: list[ServiceIkm]
    plan: list[PlanRow]


def skm_report(uow: UnitOfWork, unit_id: str, label: str, months: list[str], now: datetime, min_respondents: int,
               basis: PopulationBasis = PopulationBasis.PRO_RATA) -> SkmReport:
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    figures = unit_figures(uow, unit, months, min_respondents, per_service=True)
    ikm = report_of(unit, label, months, Weights.EXACT, min_respondents, figures, basis)
    n, sums, answered = figures.unit.n, figures.unit.sums, figures.unit.answered()
    rows = []
    for u in UNSUR:
        # Each unsur over its own answers (a blank box is not one); too few answers to show: no figure.
        if n and answered[u.code] >= max(1, min_respondents):
            nrr = Fraction(sums[u.code], answered[u.code])
            rows.append(UnsurRow(code=u.code, name=u.name, answers=answered[u.code], nrr=round(float(nrr), 3), weighted=round(float(nrr / 9), 3),
                                 converted=round(float(nrr * 25), 2), mutu=_value(unsur_mutu(answered[u.code], sums[u.code]))))
        else:
            rows.append(UnsurRow(code=u.code, name=u.name, answers=answered[u.code] if n else 0, nrr=None, weighted=None, converted=None, mutu=None))
    counts = _respondents(uow, unit_id, figures.months, n, min_respondents) if n else {}
    weakest = sorted((r for r in rows if r.nrr is not None), key=lambda r: (r.nrr, r.code))[:3]
    plan = [PlanRow(code=r.code, name=r.name, nrr=r.nrr, action=ACTIONS[r.code]) for r in weakest]
    return SkmReport(unit_id=unit.id, unit_name=unit.name, period=label, months=months, generated_at=now, min_respondents=min_respondents,
                     result=ikm.result, unsur=rows, respondents=counts, services=ikm.services, plan=plan)


def _value(mutu: Mutu | None) -> str | None:
    return mutu.value if mutu else None


def _respondents(uow: UnitOfWork, unit_id: str, months: list[str], total: int, k: int) -> dict[str, list[Count]]:
    """Counted by the database, one count per profile value (no response is read), over the
    months the figures include; a band with too few respondents is withheld."""
    questions = [("sex", "profile.sex", [("L", "Laki-laki"), ("P", "Perempuan")]),
                 ("education", "profile.education", [(e.value, e.value) for e in Education]),
                 ("occupation", "profile.occupation", [(o.value, OCCUPATION_LABELS[o]) for o in Occupation])]
    jobs: list[tuple[str, str, Any, str]] = [(group, field, value, label) for group, field, values in questions for value, label in values]
    jobs += [("age", "profile.age", (low, high), label) for low, high, label in AGE_BANDS]

    def one(job):
        group, field, value, label = job
        if group == "age":
            return group, label, uow.surveys.count_range(unit_id, months, field, *value)
        return group, label, uow.surveys.count_where(unit_id, months, field, value)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, jobs))
    grouped: dict[str, dict[str, int]] = {}
    for group, label, value in results:
        grouped.setdefault(group, {})[label] = value
    return {group: [Count(label=label, count=n) for label, n in bands_to_publish(counts, total, k).items()] for group, counts in grouped.items()}
