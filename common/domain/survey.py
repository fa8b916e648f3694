"""The public satisfaction survey, SKM (survei kepuasan masyarakat, PermenPANRB 14/2017).

Nine unsur, each answered 1-4, with the official question and answer labels.
Responses are anonymous: the models forbid any field beyond the ones listed,
so a name, NIK, phone number or e-mail cannot be stored even if sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from .model import Model
from .organisation import UnitId

Score = Annotated[int, Field(ge=1, le=4)]
UnsurCode = Literal["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]
UNSUR_CODES: tuple[str, ...] = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")


@dataclass(frozen=True)
class Unsur:
    code: str
    name: str
    question: str  # the questionnaire's wording, Bahasa Indonesia
    question_en: str
    labels: tuple[str, str, str, str]  # answers 1..4


UNSUR: tuple[Unsur, ...] = (
    Unsur("U1", "Persyaratan",
          "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
          "How well do the service requirements fit the kind of service?",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur("U2", "Sistem, Mekanisme, dan Prosedur",
          "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
          "How easy is the service procedure at this office?",
          ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    Unsur("U3", "Waktu Penyelesaian",
          "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
          "How quickly was the service completed?",
          ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    Unsur("U4", "Biaya/Tarif",
          "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
          "How fair was the cost or fee of the service?",
          ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    Unsur("U5", "Produk Spesifikasi Jenis Pelayanan",
          "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
          "Did what you received match what the service standard promises?",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur("U6", "Kompetensi Pelaksana",
          "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
          "How competent were the staff who served you?",
          ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    Unsur("U7", "Perilaku Pelaksana",
          "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
          "How polite and friendly were the staff?",
          ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah")),
    Unsur("U8", "Penanganan Pengaduan, Saran dan Masukan",
          "Bagaimana pendapat Saudara tentang penanganan pengaduan, saran dan masukan pengguna layanan?",
          "How are complaints, suggestions and feedback handled?",
          ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik")),
    Unsur("U9", "Sarana dan Prasarana",
          "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
          "How good are the facilities?",
          ("Buruk", "Cukup", "Baik", "Sangat Baik")),
)
UNSUR_BY_CODE = {u.code: u for u in UNSUR}


class Answers(Model):
    model_config = ConfigDict(extra="forbid")

    U1: Score
    U2: Score
    U3: Score
    U4: Score
    U5: Score
    U6: Score
    U7: Score
    U8: Score
    U9: Score

    def scores(self) -> dict[str, int]:
        return {code: getattr(self, code) for code in UNSUR_CODES}

    def blanks(self) -> list[str]:
        return []


class PartialAnswers(Model):
    """The nine answers, where an unsur may be left blank: a paper form with an empty box, or a
    kiosk whose form allows skipping (off by default). At least one unsur is answered."""

    model_config = ConfigDict(extra="forbid")

    U1: Score | None = None
    U2: Score | None = None
    U3: Score | None = None
    U4: Score | None = None
    U5: Score | None = None
    U6: Score | None = None
    U7: Score | None = None
    U8: Score | None = None
    U9: Score | None = None

    @model_validator(mode="after")
    def _something_answered(self) -> "PartialAnswers":
        if not self.scores():
            raise ValueError("at least one unsur must be answered")
        return self

    def scores(self) -> dict[str, int]:
        """The unsur answered, with their answers."""
        return {code: value for code in UNSUR_CODES if (value := getattr(self, code)) is not None}

    def blanks(self) -> list[str]:
        return [code for code in UNSUR_CODES if getattr(self, code) is None]


class Sex(StrEnum):
    L = "L"  # laki-laki
    P = "P"  # perempuan


class Education(StrEnum):
    SD = "SD"
    SMP = "SMP"
    SMA = "SMA"
    D1_D3 = "D1-D3"
    D4_S1 = "D4-S1"
    S2 = "S2"
    S3 = "S3"


class Occupation(StrEnum):
    PNS = "PNS"
    TNI = "TNI"
    POLRI = "POLRI"
    SWASTA = "SWASTA"
    WIRAUSAHA = "WIRAUSAHA"
    PELAJAR = "PELAJAR_MAHASISWA"
    IBU_RUMAH_TANGGA = "IBU_RUMAH_TANGGA"
    LAINNYA = "LAINNYA"


class Profile(Model):
    """The respondent profile of the official form; every item optional."""

    model_config = ConfigDict(extra="forbid")

    sex: Sex | None = None
    age: int | None = Field(default=None, ge=15, le=100)
    education: Education | None = None
    occupation: Occupation | None = None


class FeedbackKind(StrEnum):
    SARAN = "saran"  # suggestion
    PENGADUAN = "pengaduan"  # complaint


class SurveyFeedback(Model):
    model_config = ConfigDict(extra="forbid")

    kind: FeedbackKind
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Source(StrEnum):
    WEB = "web"
    KIOSK = "kiosk"
    PAPER = "paper"


class SurveySubmission(Model):
    """What the public form or a kiosk sends."""

    model_config = ConfigDict(extra="forbid")

    unit_id: UnitId
    service_id: str = Field(min_length=2, max_length=40)
    service_date: date
    answers: PartialAnswers = Field(
        description="U1..U9, each 1-4; all nine unless the unit's form allows a blank (the form's blank_allowed, off by default)")
    profile: Profile | None = None
    feedback: SurveyFeedback | None = None
    served_by: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        default=None, description="the counter or officer who served, if the respondent wants to say"
    )
    source: Literal["web", "kiosk"] = "web"
    client_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = Field(
        default=None, description="generated once per filled form; a resend with the same key returns the first receipt"
    )


class SurveyResponse(Model):
    """A stored response. ``period`` is the month it counts in (WIB)."""

    receipt: str
    unit_id: str
    service_id: str
    service_date: date
    period: str
    submitted_at: datetime
    source: Source
    answers: PartialAnswers
    profile: Profile | None = None
    feedback: SurveyFeedback | None = None
    served_by: str | None = None
    complaint: bool = Field(description="a complaint (pengaduan): the respondent chose to complain and wrote it")
    lowest_score: int = Field(description="the lowest answer; 1 on any unsur is dissatisfaction, counted apart from complaints")
    blank: dict[str, int] = Field(default_factory=dict, description="per unsur, 1 if left blank, else 0, so the "
                                  "database can count the answers per unsur by summing")
    blank_count: int = Field(default=0, description="unsur left blank; 0 on a full form (and on responses stored before blanks)")

    @field_validator("answers", mode="before")
    @classmethod
    def _any_answers(cls, value):
        return value.model_dump() if isinstance(value, Answers) else value


def is_complaint(feedback: SurveyFeedback | None) -> bool:
    """A complaint (pengaduan) is a response whose respondent chose to complain and wrote what
    about (DOMAIN.md). A low rating alone is dissatisfaction: counted and shown, not a complaint."""
    return feedback is not None and feedback.kind is FeedbackKind.PENGADUAN and bool(feedback.text.strip())


def is_dissatisfied(answers: Answers | PartialAnswers) -> bool:
    """Any unsur answered 1 (tidak sesuai, tidak mudah, ...)."""
    return min(answers.scores().values()) == 1


def blank_marks(answers: Answers | PartialAnswers) -> dict[str, int]:
    """What a stored response keeps of its blanks: 1 for each unsur left blank, 0 for the others.
    All nine are written: a Firestore query with several aggregations counts only the documents
    that have every field aggregated, so a missing 0 would drop the response from the sums."""
    blank = set(answers.blanks())
    return {code: int(code in blank) for code in UNSUR_CODES}


def stored_moment(moment: datetime) -> datetime:
    """What a response keeps of when it was sent: the date and the hour, not the minutes or
    microseconds, so a commit or log time cannot be matched to one response."""
    return moment.replace(minute=0, second=0, microsecond=0)
