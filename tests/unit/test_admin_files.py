"""BKPSDM's files as Excel in the id-ID locale makes them: .xlsx workbooks, `;`-separated CSV with
a BOM, decimal commas and thousands dots, Indonesian column names; every problem said in Bahasa
Indonesia, or English on request, with its line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from common.cli.__main__ import _skp_plans
from common.cli.files import FileRejected, number_text, parse, read_records
from common.domain.organisation import Employee, Unit
from common.domain.skp import SkpPlan
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def workbook(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def problems(error: pytest.ExceptionInfo, lang: str = "id") -> list[str]:
    return [p.describe(lang) for p in error.value.problems]


@pytest.mark.parametrize("text, comma_decimal, expected", [
    ("40,5", True, "40.5"), ("1.204", True, "1204"), ("1.204,75", True, "1204.75"), ("-0,25", True, "-0.25"), ("12.345.678", True, "12345678"),
    ("40.5", True, "40.5"), ("40", True, "40"), ("40,5", False, "40.5"), ("1,204", False, "1,204"), ("abc", True, "abc"),
])
def test_numbers_as_indonesian_excel_writes_them(text, comma_decimal, expected):
    assert number_text(text, comma_decimal) == expected


def test_an_skp_workbook_with_indonesian_headers_and_a_decimal_target(tmp_path):
    nip = f.make_nip()
    path = workbook(tmp_path / "skp.xlsx", [
        ["NIP", "Tahun", "Kode Indikator", "Nama Indikator", "Aspek", "Target", "Satuan", "Arah"],
        [nip, 2026, "IKI-1", "Surat keterangan diterbitkan", "kuantitas", 40.5, "dokumen", None],
        [nip, 2026, "IKI-2", "Waktu penyelesaian", "waktu", "2,5", "hari", "lower_is_better"],
        [None, None, None, None, None, None, None, None],  # Excel's trailing empty row
    ])
    records = read_records(path, "plans")
    assert [where for where, _ in records] == ["row 2", "row 3"]
    (where, plan), = parse(_skp_plans(records), SkpPlan)
    assert where == "row 2" and plan.nip == nip and plan.year == 2026
    assert [(i.id, i.target, i.unit) for i in plan.indicators] == [("IKI-1", 40.5, "dokumen"), ("IKI-2", 2.5, "hari")]


def test_a_semicolon_csv_with_a_bom_decimal_commas_and_indonesian_names(tmp_path):
    path = tmp_path / "unit.csv"
    path.write_text("Kode;Nama;Jenis;Unit Induk;Populasi\nkel-uji;Kelurahan Uji;kelurahan;;1.204\n", encoding="utf-8-sig")
    ((_, unit),) = parse(read_records(path, "units"), Unit)
    assert (unit.id, unit.name, unit.kind, unit.parent_id, unit.population_served) == ("kel-uji", "Kelurahan Uji", "kelurahan", None, 1204)


def test_excel_on_windows_saves_plain_csv_in_windows_1252(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes("nip;nama;unit_kerja;aktif\n{};Rahmat Siregar – Café;kel-uji;ya\n".format(f.make_nip()).encode("cp1252"))
    ((_, employee),) = parse(read_records(path, "employees"), Employee)
    assert employee.name == "Rahmat Siregar – Café" and employee.unit_id == "kel-uji" and employee.active is True


def test_a_nip_typed_as_a_number_in_excel_is_refused_with_how_to_fix_it(tmp_path):
    nip = f.make_nip()
    path = workbook(tmp_path / "pegawai.xlsx", [["nip", "nama", "unit_kerja"], [float(nip), "Budi", "kel-uji"], [nip, "Sari", "kel-uji"]])
    with pytest.raises(FileRejected) as refused:
        read_records(path, "employees")
    assert problems(refused) == ["baris 2: nip: angka terlalu panjang untuk Excel (lebih dari 15 digit hilang ujungnya); "
                                 "format kolom nip sebagai Teks lalu ketik ulang"]
    with pytest.raises(FileRejected) as refused:
        read_records(path, "employees", "en")
    assert problems(refused, "en")[0].startswith("row 2: nip: the number is too long for Excel")


def test_bad_values_are_listed_by_line_in_indonesian(tmp_path):
    path = tmp_path / "skp.csv"
    path.write_text(f"nip;tahun;kode_indikator;nama;aspek;target;satuan\n{f.make_nip()};2026;IKI-1;Surat;kuantitas;empat puluh;dokumen\n")
    with pytest.raises(FileRejected) as refused:
        parse(_skp_plans(read_records(path, "plans")), SkpPlan, "id")
    assert problems(refused) == ["baris 2: indicators.0.target: harus berupa angka"]


def test_dates_from_excel_cells_are_calendar_dates(tmp_path):
    path = workbook(tmp_path / "survei.xlsx", [["U1", "tanggal_layanan"], [3, date(2026, 10, 5)]])
    assert read_records(path, "responses") == [("row 2", {"U1": "3", "tanggal_layanan": "2026-10-05"})]  # survey_csv names it


@pytest.mark.parametrize("name, content, id_text, en_text", [
    ("lama.xls", b"\xd0\xcf\x11\xe0", "format .xls tidak dapat dibaca", "the .xls format cannot be read"),
    ("nyamar.csv", None, "berkas ini sebenarnya buku kerja Excel", "this file is really an Excel workbook"),
    ("rusak.xlsx", b"PK\x03\x04rusak", "buku kerja Excel ini rusak", "this Excel workbook is damaged"),
    ("salah.json", b'{"units": [', "JSON tidak sah di baris 1", "invalid JSON on line 1"),
    ("kosong.json", b'{"units": {}}', "harus berupa daftar", "must be a list"),
])
def test_files_that_cannot_be_read_say_why_in_both_languages(tmp_path, name, content, id_text, en_text):
    path = tmp_path / name
    if content is None:
        workbook(path, [["id"]])
    else:
        path.write_bytes(content)
    for lang, text in (("id", id_text), ("en", en_text)):
        with pytest.raises(FileRejected) as refused:
            read_records(path, "units", lang)
        assert text in problems(refused, lang)[0]
        assert problems(refused, lang)[0].startswith("berkas: " if lang == "id" else "file: ")


def test_a_value_outside_the_titled_columns_is_not_silently_dropped(tmp_path):
    path = tmp_path / "unit.csv"
    path.write_text("id;name\nkel-uji;Kelurahan Uji;lupa judul\n")
    with pytest.raises(FileRejected) as refused:
        read_records(path, "units")
    assert problems(refused) == ['baris 2: ada isian "lupa judul" di luar kolom yang berjudul']


def run(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}  # no emulator or project: nothing to reach
    return subprocess.run([sys.executable, "-m", "common.cli", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)


def test_the_ikm_command_reads_a_workbook_and_speaks_indonesian(tmp_path):
    rows = [[f"U{i}" for i in range(1, 10)] + ["Jenis Kelamin", "Umur"]] + [[4] * 9 + ["P", 30]] * 2 + [[2] * 9 + ["L", 41]] * 2
    path = workbook(tmp_path / "kertas.xlsx", rows)
    out = run("ikm", "--file", str(path))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ikm"] == 75.0
    bad = workbook(tmp_path / "salah.xlsx", [[f"U{i}" for i in range(1, 10)], [3] * 8 + [5]])
    refused = run("ikm", "--file", str(bad))
    assert refused.returncode == 1
    assert "salah.xlsx: IKM tidak dihitung; perbaiki baris berikut:" in refused.stderr and "baris 2: U9: maksimal 4" in refused.stderr
    missing = run("ikm", "--file", str(tmp_path / "tidak-ada.xlsx"))
    assert missing.returncode == 1 and "tidak ditemukan" in missing.stderr and "Traceback" not in missing.stderr
    period = run("score", "--period", "2026-13")
    assert period.returncode == 2 and "periode harus YYYY-MM" in period.stderr and "Traceback" not in period.stderr
