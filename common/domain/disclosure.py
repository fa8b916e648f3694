"""Small cells: no published figure may let anyone read one respondent's answers.

The survey is anonymous (DOMAIN.md): no figure is published, to the public or to staff,
for fewer respondents than ``k`` (default 5), and no two figures may be subtracted to
leave fewer than ``k``. Months are the smallest period anything is published for, so:

- **Months.** A month with 1 to k-1 respondents of a unit is withheld from every figure of
  that unit: its month, and every quarter, semester, year or range that contains it. A
  range is the sum of the months it is made of, each with none or at least k respondents,
  so the difference of any two published ranges is also none or at least k.
- **Services, within a month.** A service with 1 to k-1 respondents in a month is hidden;
  when the hidden services of that month add up to fewer than k, the smallest shown ones
  are hidden too, until they reach k (or all are hidden), so the unit's month minus the
  services shown never leaves fewer than k. A service's figure for a range sums the months
  in which it is shown. Paper responses without a service are hidden per service always.
- **Profile bands.** The same rule within each question of the respondent profile (sex,
  age band, education, occupation), "not given" counting as one more band.

Counts of respondents are shown (how many answered reveals nobody's answers); what is
withheld is every figure made from the answers, and the profile bands below k.
"""

from __future__ import annotations

from pydantic import Field

from .model import Model

NO_SERVICE = ""  # paper rows without a service: counted for the unit, never shown per service


class Withheld(Model):
    months: list[str] = Field(default_factory=list, description="months left out: 1 to k-1 respondents, which a figure could reveal")
    responses: int = Field(default=0, description="responses in those months")


def small(n: int, k: int) -> bool:
    return 0 < n < k


def months_to_publish(counts: dict[str, int], k: int) -> tuple[list[str], Withheld]:
    """Of a unit's months (respondents per month), the ones a figure may include."""
    kept = [m for m, n in counts.items() if not small(n, k)]
    out = [m for m, n in counts.items() if small(n, k)]
    return kept, Withheld(months=sorted(out), responses=sum(counts[m] for m in out))


def hidden_cells(counts: dict[str, int], k: int, always_hidden: frozenset[str] = frozenset()) -> set[str]:
    """Which cells of one partition (services of a month, bands of a question) not to show,
    so that what is hidden is none or at least k respondents."""
    hidden = {c for c, n in counts.items() if small(n, k) or c in always_hidden}
    shown = sorted((c for c in counts if c not in hidden and counts[c] > 0), key=lambda c: (counts[c], c))
    while small(sum(counts[c] for c in hidden), k) and shown:
        hidden.add(shown.pop(0))
    return {c for c in hidden if counts[c] > 0}


def bands_to_publish(counts: dict[str, int], total: int, k: int) -> dict[str, int | None]:
    """Profile band counts with the small ones (and their complement) withheld as None."""
    with_unknown = {**counts, "__not_given__": max(0, total - sum(counts.values()))}
    hidden = hidden_cells(with_unknown, k)
    return {band: (None if band in hidden else n) for band, n in counts.items()}
