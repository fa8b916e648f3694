"""Training records (pelatihan): the JP (jam pelajaran) each ASN gets a year.

Every PNS is entitled to at least 20 JP of competence development a year
(PP 11/2017); unequal access to training is a known problem in Belawan.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from .model import Model
from .nip import Nip
from .reports import EvidenceLink

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]


class TrainingInput(Model):
    model_config = ConfigDict(extra="forbid")

    nip: Nip | None = Field(default=None, description="whose training; omit for your own (admins may record anyone's)")
    title: Text
    provider: Text
    start_date: date
    end_date: date
    jp: int = Field(ge=1, le=500, description="jam pelajaran")
    certificate_url: EvidenceLink | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> "TrainingInput":
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class Training(Model):
    id: str
    nip: str
    unit_id: str
    title: str
    provider: str
    start_date: date
    end_date: date
    year: int = Field(description="the year the JP count toward: that of end_date")
    jp: int
    certificate_url: str | None = None
    recorded_by: str
    recorded_at: datetime


def jp_in_year(trainings: list[Training], year: int, until: date | None = None) -> int:
    return sum(t.jp for t in trainings if t.year == year and (until is None or t.end_date <= until))
