"""Small builders of valid domain data for tests, with NIPs that pass validation."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timezone

from common.domain.organisation import Employee, Role, Unit
from common.domain.ratings import BerAkhlak, Rating
from common.domain.reports import RealisasiEntry, ReportContent, ReviewInput
from common.domain.skp import Aspect, Direction, Indicator, SkpPlan

_sequence = itertools.count(1)
_random = random.Random()


def make_nip(gender: int = 1, birth: str | None = None) -> str:
    """A valid NIP that no other test in this run uses."""
    n = next(_sequence)
    if birth is None:
        birth = f"19{_random.randint(70, 95)}{_random.randint(1, 12):02d}{_random.randint(1, 28):02d}"
    tmt_year = int(birth[:4]) + 25
    # Sequence digits are 3 in a NIP; spread the rest of the counter over the TMT month so ids stay unique.
    return f"{birth}{tmt_year}{(n // 1000) % 12 + 1:02d}{gender}{n % 1000:03d}"


def unit(unit_id: str = "kel-belawan-1", **extra) -> Unit:
    return Unit(id=unit_id, name=extra.pop("name", f"Kelurahan {unit_id}"), **extra)


def employee(unit_id: str = "kel-belawan-1", supervisor: str | None = None, role: Role = Role.ASN, **extra) -> Employee:
    nip = extra.pop("nip", None) or make_nip()
    return Employee(
        nip=nip,
        name=extra.pop("name", f"Pegawai {nip[-4:]}"),
        email=extra.pop("email", f"{nip}@test.pantau.local"),
        unit_id=unit_id,
        supervisor_nip=supervisor,
        role=role,
        **extra,
    )


def plan(nip: str, year: int = 2026) -> SkpPlan:
    return SkpPlan(
        nip=nip,
        year=year,
        indicators=[
            Indicator(id="IKI-1", name="Surat keterangan domisili diterbitkan", aspect=Aspect.KUANTITAS, target=40, unit="dokumen"),
            Indicator(id="IKI-2", name="Berkas selesai tanpa revisi", aspect=Aspect.KUALITAS, target=95, unit="%"),
            Indicator(
                id="IKI-3",
                name="Rata-rata waktu penyelesaian surat",
                aspect=Aspect.WAKTU,
                target=2,
                unit="hari",
                direction=Direction.LOWER_IS_BETTER,
            ),
        ],
    )


def content(narrative: str = "Melayani warga", **values: float) -> ReportContent:
    values = values or {"IKI-1": 42, "IKI-2": 96, "IKI-3": 2}
    return ReportContent(
        realisasi=[RealisasiEntry(indicator_id=k.replace("_", "-"), value=v) for k, v in values.items()],
        narrative=narrative,
        evidence=["https://drive.example.go.id/bukti/1"],
    )


def review_input(decision: str = "accept", rating: Rating = Rating.SESUAI, feedback: str | None = None, **extra) -> ReviewInput:
    return ReviewInput(
        decision=decision,
        hasil_kerja=extra.pop("hasil_kerja", rating),
        perilaku={v: rating for v in BerAkhlak},
        feedback=feedback,
        **extra,
    )


def at(text: str) -> datetime:
    """A moment written in WIB, e.g. at('2026-11-03 10:00')."""
    from common.domain.clock import WIB

    return datetime.fromisoformat(text).replace(tzinfo=WIB).astimezone(timezone.utc)
