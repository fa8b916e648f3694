"""The survey's published figures of a unit over some months, with small cells withheld.

Every view that shows survey figures (the public and staff IKM, the SKM report and its
PDF, the dashboard, the monthly scoring) takes them from here, so the rules of
common/domain/disclosure.py hold for every way to ask. The database counts and sums
(aggregation queries, side by side); no response is read.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from common.domain.disclosure import NO_SERVICE, Withheld, hidden_cells, months_to_publish
from common.domain.ikm import IkmResult, Sample, Weights, ikm_from_sums, krejcie_morgan, period_population
from common.domain.organisation import Unit
from common.domain.rules import PopulationBasis
from common.domain.survey import UNSUR_CODES

from .ports import UnitOfWork

PARALLEL = 8


@dataclass
class Totals:
    n: int
    sums: dict[str, int]
    blank: dict[str, int] = field(default_factory=dict)  # unsur left blank, per code

    @classmethod
    def of(cls, parts: list["Totals"]) -> "Totals":
        sums: dict[str, int] = {}
        blank: dict[str, int] = {}
        for part in parts:
            for code, value in part.sums.items():
                sums[code] = sums.get(code, 0) + value
            for code, value in part.blank.items():
                blank[code] = blank.get(code, 0) + value
        return cls(n=sum(p.n for p in parts), sums=sums, blank=blank)

    def answered(self) -> dict[str, int]:
        """Answers per unsur: the respondents less those who left it blank."""
        return {code: self.n - self.blank.get(code, 0) for code in UNSUR_CODES}

    def ikm(self, weights: Weights, k: int = 1, sample: Sample | None = None) -> IkmResult:
        """The IKM of these totals; an unsur with fewer than ``k`` answers is not shown (nor, then, the IKM)."""
        return ikm_from_sums(self.n, self.sums, weights, answered=self.answered(), min_answers=k, sample=sample)


def read_totals(uow: UnitOfWork, unit_id: str, months: list[str], service_id: str | None = None) -> Totals:
    """Respondents, sums and blanks, by the database; blanks are asked only when there are respondents."""
    n, sums = uow.surveys.totals(unit_id, months, service_id)
    return Totals(n, sums, uow.surveys.blanks(unit_id, months, service_id) if n else {})


def sample_for(population: int | None, months: int, n: int, basis: PopulationBasis) -> Sample:
    """The Krejcie-Morgan sample for a period of ``months`` months, from the unit's yearly population."""
    people = period_population(population, months, basis)
    required = krejcie_morgan(people) if people else None
    return Sample(population=people, required=required, reached=(n >= required) if required else None,
                  annual_population=population, basis=basis if population else None)


@dataclass
class Figures:
    """What may be published of a unit over some months."""

    months: list[str]  # the months included (none or at least k respondents each)
    withheld: Withheld
    unit: Totals
    by_month: dict[str, Totals] = field(default_factory=dict)  # every month asked for, withheld ones included
    services: dict[str, tuple[Totals, Withheld]] = field(default_factory=dict)
    k: int = 1  # the least respondents (and answers of an unsur) a figure is shown for

    def result(self, weights: Weights, population: int | None, basis: PopulationBasis = PopulationBasis.PRO_RATA) -> IkmResult:
        """The unit's IKM over the months asked; the sample is that of the period's population
        (the yearly one pro rata by default: a month needs a month's sample)."""
        asked = len(self.by_month) or len(self.months)
        sample = sample_for(population, asked, self.unit.n, basis)
        return with_withheld(self.unit.ikm(weights, self.k, sample), self.withheld)


def with_withheld(result: IkmResult, withheld: Withheld) -> IkmResult:
    return result.model_copy(update={"withheld": withheld})


def unit_figures(uow: UnitOfWork, unit: Unit, months: list[str], k: int, per_service: bool = False) -> Figures:
    """The unit's figures over ``months``; per service too when asked (one count per service and month)."""
    if not unit.services:
        return Figures(months=[], withheld=Withheld(), unit=Totals(0, {}), by_month={m: Totals(0, {}) for m in months}, k=k)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        monthly = dict(zip(months, pool.map(lambda m: read_totals(uow, unit.id, [m]), months)))
        kept, withheld = months_to_publish({m: t.n for m, t in monthly.items()}, k)
        figures = Figures(months=kept, withheld=withheld, unit=Totals.of([monthly[m] for m in kept]), by_month=monthly, k=k)
        if per_service and kept:
            figures.services = _services(uow, pool, unit, kept, monthly, k)
    return figures


def _services(uow: UnitOfWork, pool: ThreadPoolExecutor, unit: Unit, kept: list[str], monthly: dict[str, Totals], k: int):
    services = [s.id for s in unit.services]
    cells = [(s, m) for s in services for m in kept if monthly[m].n]
    counts = dict(zip(cells, pool.map(lambda cell: uow.surveys.count(unit.id, [cell[1]], cell[0]), cells)))
    shown: dict[str, list[str]] = {s: [] for s in services}
    hidden: dict[str, list[str]] = {s: [] for s in services}
    for m in kept:
        of_month = {s: counts.get((s, m), 0) for s in services}
        # What the catalogue does not name (paper rows without a service, a service since removed) is never shown per service.
        of_month[NO_SERVICE] = monthly[m].n - sum(of_month.values())
        for s in hidden_cells(of_month, k, always_hidden=frozenset({NO_SERVICE})) - {NO_SERVICE}:
            hidden[s].append(m)
        for s in services:
            if of_month[s] and m not in hidden[s]:
                shown[s].append(m)
    totals = list(pool.map(lambda s: read_totals(uow, unit.id, shown[s], s) if shown[s] else Totals(0, {}), services))
    return {
        s: (t, Withheld(months=sorted(hidden[s]), responses=sum(counts.get((s, m), 0) for m in hidden[s])))
        for s, t in zip(services, totals)
    }
