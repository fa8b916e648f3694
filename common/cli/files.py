"""Reads admin files (Excel .xlsx, CSV or JSON) into models, remembering where each record came from.

BKPSDM's files come from Excel in the id-ID locale, so the reader takes them as Excel writes them:
an .xlsx workbook (its first sheet), or CSV separated by `;` (Indonesian Excel) or `,`, in UTF-8
with or without a BOM, or in Windows-1252 (Excel's plain "CSV" on Windows); decimal commas
(`40,5`) and thousands dots (`1.204`) in number columns; and column names in Bahasa Indonesia
(`nama`, `unit_kerja`, `nip_atasan`, `tahun`, `satuan`...) as well as the English ones.

Every bad record is reported with its line number (CSV), row (XLSX) or position (JSON), in Bahasa
Indonesia or English, and one bad record refuses the whole file.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from common.api.messages import field_message, file_message

M = TypeVar("M", bound=BaseModel)

# Column names people write in Bahasa Indonesia, normalised (lower case, words joined by _),
# to the field each loader reads. A name not listed passes through as it is.
ALIASES: dict[str, str] = {
    # units and services
    "kode": "id", "kode_unit": "id", "id_unit": "id", "nama": "name", "nama_unit": "name", "jenis": "kind", "jenis_unit": "kind",
    "induk": "parent_id", "unit_induk": "parent_id", "kode_induk": "parent_id", "nip_kepala": "head_nip", "nip_kepala_unit": "head_nip",
    "populasi": "population_served", "jumlah_pengguna_layanan": "population_served", "pengguna_layanan": "population_served",
    "kode_layanan": "service_id", "id_layanan": "service_id", "nama_layanan": "name",
    "standar_hari": "standard_days", "standar_waktu": "standard_days", "waktu_standar": "standard_days", "standar_pelayanan_hari": "standard_days",
    # employees and supervisor links
    "surel": "email", "e_mail": "email", "alamat_email": "email", "unit_kerja": "unit_id", "kode_unit_kerja": "unit_id",
    "nip_atasan": "supervisor_nip", "atasan": "supervisor_nip", "atasan_langsung": "supervisor_nip", "status_pegawai": "status",
    "peran": "role", "bahasa": "language", "aktif": "active",
    # SKP
    "tahun": "year", "kode_indikator": "indicator_id", "id_indikator": "indicator_id", "indikator": "indicator_id",
    "nama_indikator": "name", "aspek": "aspect", "satuan": "unit", "arah": "direction",
}
# Where the context decides: in a units file "unit" would be odd, in an SKP file it is the measure's unit.
ALIASES_BY_KEY: dict[str, dict[str, str]] = {
    "units": {}, "catalogues": {"unit": "unit_id", "kode_unit": "unit_id", "id_unit": "unit_id", "layanan": "service_id"},
    "employees": {"unit": "unit_id"}, "links": {}, "plans": {},
}
BOOLEANS = {"ya": "true", "tidak": "false", "y": "true", "t": "false", "benar": "true", "salah": "false", "aktif": "true", "nonaktif": "false"}
NUMBER_COLUMNS = {"target", "standard_days", "population_served", "year", "age", "umur", "usia", *(f"u{i}" for i in range(1, 10))}
BOOLEAN_COLUMNS = {"active"}
# Excel keeps 15 significant digits: an 18-digit NIP typed as a number comes back with zeros at the end.
EXCEL_DIGITS = 15


@dataclass
class Problem:
    where: str  # "line 7" (CSV), "row 7" (XLSX), "item 3" (JSON) or "file"
    field: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)  # beside a field named field

    def describe(self, lang: str = "id") -> str:
        where = _where(self.where, lang)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.describe("en")


def _where(where: str, lang: str) -> str:
    kind, _, number = where.partition(" ")
    if lang == "en":
        return where
    return {"line": f"baris {number}", "row": f"baris {number}", "item": f"data ke-{number}", "file": "berkas"}.get(kind, where)


class FileRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def rejected(code: str, lang: str, where: str = "file", field_name: str = "", **params: Any) -> FileRejected:
    return FileRejected([Problem(where, field_name, file_message(code, lang, params))])


def read_records(path: Path, key: str, lang: str = "id") -> list[tuple[str, dict[str, Any]]]:
    """(where, record) pairs from an .xlsx, a CSV with a header row, or a JSON list / {key: list}."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise rejected("file_missing", lang, path=str(path))
    if suffix in (".xls", ".ods", ".numbers"):
        raise rejected("workbook_format", lang, suffix=suffix)
    if suffix in (".xlsx", ".xlsm"):
        return _from_rows(_xlsx_rows(path, lang), key, "row", lang)
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):  # an .xlsx under another name
        raise rejected("workbook_renamed", lang)
    text = _decode(data)
    if suffix == ".json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise rejected("json_invalid", lang, line=error.lineno, reason=error.msg) from None
        items = parsed.get(key, []) if isinstance(parsed, dict) else parsed
        if not isinstance(items, list):
            raise rejected("not_a_list", lang, field_name=key, key=key)
        return [(f"item {i + 1}", item) for i, item in enumerate(items)]
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [(reader.line_num, row) for row in reader]
    return _from_rows(rows, key, "line", lang, comma_decimal=delimiter == ";")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # spreadsheets often save a BOM
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV (Comma delimited)" on Windows


def _delimiter(text: str) -> str:
    header = text.splitlines()[0] if text else ""
    return ";" if header.count(";") > header.count(",") else ","  # Indonesian Excel saves with ;


def _xlsx_rows(path: Path, lang: str) -> list[tuple[int, list[Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)  # data_only: a formula's value, not its text
    except (BadZipFile, KeyError, OSError, ValueError):
        raise rejected("workbook_unreadable", lang) from None
    try:
        sheet = book.worksheets[0]
        return [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _normal(name: Any) -> str:
    text = str(name or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def column_name(name: Any, key: str) -> str:
    """The field a header means: English names as they are, Indonesian ones translated."""
    raw = str(name or "").replace("\ufeff", "").strip()
    normal = _normal(raw)
    if re.fullmatch(r"u[1-9]", normal):
        return normal.upper()
    return ALIASES_BY_KEY.get(key, {}).get(normal) or ALIASES.get(normal) or normal


def _from_rows(rows: list[tuple[int, list[Any]]], key: str, kind: str, lang: str, comma_decimal: bool = True) -> list[tuple[str, dict[str, Any]]]:
    rows = [(n, row) for n, row in rows if any(_text(v) for v in row)]  # blank lines and rows are not records
    if not rows:
        return []
    (_, header), body = rows[0], rows[1:]
    names = [column_name(h, key) for h in header]
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and name in seen:
            problems.append(Problem(f"{kind} {rows[0][0]}", str(header[i]), file_message("column_repeated", lang, {"column": name})))
        seen.setdefault(name, i)
    records = []
    for number, row in body:
        where = f"{kind} {number}"
        record: dict[str, Any] = {}
        for name, value in zip(names, row):
            if not name:
                if _text(value):
                    problems.append(Problem(where, "", file_message("cell_without_column", lang, {"value": _text(value)[:40]})))
                continue
            text = _cell(value, name, comma_decimal, where, problems, lang)
            if text != "":
                record[name] = text
        if len(row) > len(names) and any(_text(v) for v in row[len(names):]):
            problems.append(Problem(where, "", file_message("cell_without_column", lang, {"value": _text(row[len(names)])[:40]})))
        records.append((where, record))
    if problems:
        raise FileRejected(problems)
    return records


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _cell(value: Any, name: str, comma_decimal: bool, where: str, problems: list[Problem], lang: str) -> str:
    """A cell as the text the models parse: numbers without Excel's .0, dates as YYYY-MM-DD,
    decimal commas as points, ya/tidak as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer() and abs(value) >= 10**EXCEL_DIGITS:
            problems.append(Problem(where, name, file_message("number_too_long", lang, {"column": name})))
            return ""
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    text = _text(value)
    lowered = name.lower()
    if lowered in NUMBER_COLUMNS:
        return number_text(text, comma_decimal)
    if lowered in BOOLEAN_COLUMNS:
        return BOOLEANS.get(text.lower(), text)
    return text


_ID_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.204 or 1.204,5 (thousands dots)
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")  # 40,5


def number_text(text: str, comma_decimal: bool = True) -> str:
    """A number as written in Bahasa Indonesia (40,5; 1.204; 1.204,5) in the form Python reads
    (40.5; 1204; 1204.5). In a `,`-separated file a comma is a decimal comma only before one or
    two digits (40,5), since 1,204 there is an English thousand."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if comma_decimal and _ID_NUMBER.match(compact):
        return compact.replace(".", "").replace(",", ".")
    if _COMMA_DECIMAL.match(compact) and (comma_decimal or len(compact.split(",")[1]) <= 2):
        return compact.replace(",", ".")
    return text


def parse(records: list[tuple[str, dict[str, Any]]], model: type[M], lang: str = "id") -> list[tuple[str, M]]:
    parsed, problems = [], []
    for where, record in records:
        try:
            parsed.append((where, model.model_validate(record)))
        except ValidationError as error:
            for e in error.errors():
                location = ".".join(str(p) for p in e["loc"])
                problems.append(Problem(where, location, field_message(e["type"], lang, e.get("ctx"), e["msg"])))
    if problems:
        raise FileRejected(problems)
    return parsed
