"""Paper-survey files (.xlsx, CSV or JSON, read by files.py): one row per respondent, columns U1..U9
and optional extras.

Columns (header names are case-insensitive; Indonesian names also work):
  U1 .. U9                          required, 1-4
  service_id (layanan)              a service of the unit's catalogue
  service_date (tanggal_layanan)    YYYY-MM-DD
  sex (jenis_kelamin)               L or P
  age (umur, usia)                  15-100
  education (pendidikan)            SD, SMP, SMA, D1-D3, D4-S1, S2, S3
  occupation (pekerjaan)            PNS, TNI, POLRI, SWASTA, WIRAUSAHA, PELAJAR_MAHASISWA, IBU_RUMAH_TANGGA, LAINNYA
  feedback_kind (jenis_masukan)     saran or pengaduan
  feedback (masukan, saran)         text, at most 2,000 characters
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.api.messages import file_message
from common.domain.survey import UNSUR_CODES
from common.services.surveys import PaperResponse

from .files import FileRejected, Problem, parse, read_records

ALIASES = {
    "layanan": "service_id", "jenis_layanan": "service_id",
    "tanggal_layanan": "service_date",
    "jenis_kelamin": "sex", "umur": "age", "usia": "age",
    "pendidikan": "education", "pekerjaan": "occupation",
    "jenis_masukan": "feedback_kind", "masukan": "feedback", "saran": "feedback",
}
PROFILE = ("sex", "age", "education", "occupation")


def _shape(record: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for key, value in record.items():
        name = key.strip()
        name = name.upper() if name.upper() in UNSUR_CODES else ALIASES.get(name.lower(), name.lower())
        flat[name] = value
    shaped: dict[str, Any] = {"answers": {code: flat.pop(code, None) for code in UNSUR_CODES}}
    shaped["answers"] = {k: v for k, v in shaped["answers"].items() if v is not None}
    profile = {k: flat.pop(k) for k in PROFILE if k in flat}
    if profile:
        shaped["profile"] = {k: (v.upper() if k == "sex" else v) for k, v in profile.items()}
    text, kind = flat.pop("feedback", None), flat.pop("feedback_kind", None)
    if text:
        shaped["feedback"] = {"kind": (kind or "saran").lower(), "text": text}
    elif kind:
        flat["feedback_kind"] = kind  # a kind without text: reported as an unknown field
    shaped.update(flat)
    return shaped


def read_paper_csv(path: Path, lang: str = "id") -> list[tuple[str, PaperResponse]]:
    records = read_records(path, "responses", lang)
    if not records:
        raise FileRejected([Problem("file", "", file_message("no_rows", lang))])
    try:
        return parse([(where, _shape(r)) for where, r in records], PaperResponse, lang)
    except FileRejected as rejected:
        # Name the CSV column, not our nested field: "U3", not "answers.U3".
        for problem in rejected.problems:
            problem.field = problem.field.removeprefix("answers.").removeprefix("profile.").replace("feedback.text", "feedback")
        raise
