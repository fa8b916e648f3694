"""Documents print any name and never run one: the SKM PDF embeds a Unicode font, and the
XLSX and CSV exports write every cell as a value, never a formula (OWASP's CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from common.adapters.documents import results_csv, results_xlsx, skm_pdf
from common.domain.organisation import ServiceType
from common.domain.scoring import AsnResult, Outcome
from common.domain.survey import Answers, Source, SurveyResponse
from common.services.skm_report import skm_report
from tests import factories as f
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 3, 3, tzinfo=timezone.utc)
UNIT_NAME = "Kelurahan Belawan – “Bahari” ‘Timur’"
SERVICE_NAME = "Domisili — Đặng, Łukasz, Дмитрий, Ŋgai"


def _report():
    uow = FakeUnitOfWork()
    uow.units.put_many([f.unit("kel-uji", name=UNIT_NAME, services=[ServiceType(id="sk-domisili", name=SERVICE_NAME, standard_days=1)])])
    for i in range(5):  # five respondents: the least the report publishes figures for
        uow.surveys.create(SurveyResponse(
            receipt=f"SKM-{i}", unit_id="kel-uji", service_id="sk-domisili", service_date=date(2026, 10, 5), period="2026-10",
            submitted_at=datetime(2026, 10, 5, 3, i, tzinfo=timezone.utc), source=Source.WEB,
            answers=Answers(**{f"U{k}": 3 for k in range(1, 10)}), complaint=False, lowest_score=3,
        ))
    return skm_report(uow, "kel-uji", "2026-10", ["2026-10"], NOW, 5)


def test_the_skm_pdf_prints_any_name_in_an_embedded_unicode_font():
    pdf = skm_pdf(_report())
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in ("Belawan – “Bahari” ‘Timur’", "Đặng", "Łukasz", "Дмитрий", "Ŋgai"):
        assert words in text
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("DejaVu" in font["/BaseFont"] for font in fonts)
    assert all("/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() for font in fonts)  # embedded
    assert len(pdf) < 200_000  # only the glyphs used are embedded


HOSTILE = ["=HYPERLINK(\"http://x.example\",\"klik\")", "+62 811", "-1+1", "@SUM(A1:A2)", "\tTab", "\rCR"]


def _results(names: list[str]) -> list[AsnResult]:
    return [AsnResult(nip=f"19900101201501100{i}", name=name, unit_id="kel-uji", supervisor_nip=None, period="2026-10",
                      outcome=Outcome.SCORED, capaian=-0.05 if i == 0 else 1.0, reasons=[name])
            for i, name in enumerate(names)]


def test_xlsx_cells_are_values_never_formulas():
    names = [*HOSTILE, "Budi Santoso"]
    book = load_workbook(io.BytesIO(results_xlsx(_results(names), "=cmd|' /C calc'!A0", [("Predikat unit", "-")])))
    sheet = book.active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert sheet["A1"].value == "=cmd|' /C calc'!A0" and sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=5) if row[1].value is not None}
    for name in HOSTILE:
        name = name.replace("\r", "\n")  # XML reads a carriage return as a line feed
        row = by_name[name]  # the name as it was typed, as text, with Excel's quote prefix
        assert row[1].data_type == "s" and row[1].quotePrefix, name
        assert row[10].value == name and row[10].quotePrefix
    assert not by_name["Budi Santoso"][1].quotePrefix
    assert by_name[HOSTILE[0]][6].value == -5.0 and by_name[HOSTILE[0]][6].data_type == "n"  # numbers stay numbers


def test_csv_cells_that_would_run_start_with_an_apostrophe():
    names = [*HOSTILE, "Budi Santoso", "Siti = Aminah"]
    rows = list(csv.reader(io.StringIO(results_csv(_results(names)).decode("utf-8-sig"), newline=""), delimiter=";"))
    by_nip = {row[0]: row for row in rows[1:]}
    for i, name in enumerate(names):
        row = by_nip[f"19900101201501100{i}"]
        expected = "'" + name if name in HOSTILE else name
        assert row[1] == expected and row[10] == expected
    assert by_nip["199001012015011000"][6] == "-5,0"  # a negative number is a number (decimal comma), not neutralised
    assert by_nip["199001012015011001"][6] == "100,0"


def test_csv_for_indonesian_excel_by_default_or_with_commas_on_request():
    semicolon = results_csv(_results(["Budi; Santoso", "Siti"])).decode("utf-8-sig")
    assert semicolon.startswith("NIP;Nama;Unit;Periode;") and '"Budi; Santoso"' in semicolon
    assert [row[6] for row in csv.reader(io.StringIO(semicolon), delimiter=";")][1:] == ["-5,0", "100,0"]
    comma = results_csv(_results(["Budi, Santoso", "Siti"]), ",").decode("utf-8-sig")
    assert comma.startswith("NIP,Nama,") and [row[6] for row in csv.reader(io.StringIO(comma))][1:] == ["-5.0", "100.0"]


@pytest.mark.parametrize("name", HOSTILE)
def test_no_exported_text_starts_like_a_formula(name):
    rows = list(csv.reader(io.StringIO(results_csv(_results([name])).decode("utf-8-sig"), newline=""), delimiter=";"))
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row if not _number(cell))


def _number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def test_a_name_beyond_the_font_still_gives_a_pdf():
    report = _report().model_copy(update={"unit_name": "Kantor 王小明 🙂 مكتب\tBelawan\x00"})
    pdf = skm_pdf(report)  # CJK and emoji are outside DejaVu Sans: left blank, never an error
    assert pdf.startswith(b"%PDF") and "Belawan" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_skm_pdf_writes_numbers_and_times_as_the_printable_page_does():
    report = _report()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(skm_pdf(report))).pages)
    assert "Indeks Kepuasan Masyarakat (IKM): 75,00" in text and "Jumlah responden: 5 orang" in text
    assert "Periode Oktober 2026" in text
    assert "3,000 0,333 75,00 C (Kurang Baik)" in text  # NRR, NRR x 1/9, the converted value, mutu: a row of the unsur table
    assert "Dibuat 3 Nov 2026 10.00 WIB" in text and "Medan Belawan, 3 Nov 2026" in text  # 03:00 UTC is 10.00 WIB
    assert "UTC" not in text and "75.00" not in text and "3.000" not in text


@pytest.mark.parametrize("value, places, text", [(75.0, 2, "75,00"), (3.2335, 3, "3,234"), (1204, 0, "1.204"), (-5.05, 1, "-5,1"), (None, 2, "–")])
def test_indonesian_numbers_round_half_up_like_the_page(value, places, text):
    from common.adapters.documents import id_number

    assert id_number(value, places) == text


def test_a_quarter_is_named_as_the_page_names_it():
    from common.adapters.documents import period_name

    assert [period_name(p) for p in ("2026-07", "2026-Q3", "2026-S2", "2026")] == ["Juli 2026", "Triwulan III 2026", "Semester II 2026", "Tahun 2026"]
