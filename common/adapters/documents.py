"""Documents for people who print and people who use spreadsheets: the SKM report as PDF,
results as XLSX and CSV. The libraries are imported only by the function that exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, Sequence

from common.domain.ikm import MUTU_LABEL
from common.services.skm_report import SkmReport

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"  # a Unicode font shipped in common/adapters/fonts, embedded (only the glyphs used)
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


MUTU_NAME = {"A": "Sangat Baik", "B": "Baik", "C": "Kurang Baik", "D": "Tidak Baik"}
GROUPS = (("sex", "Jenis kelamin"), ("age", "Usia (tahun)"), ("education", "Pendidikan terakhir"), ("occupation", "Pekerjaan utama"))
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_ROMAN = ("I", "II", "III", "IV")


# The same formats as the printable page (web/src/format.js), so the PDF and the page agree digit
# for digit: half up on the decimal the API wrote, decimal comma, thousands dot, en dash for none.
DASH = "\u2013"


def id_number(value: float | int | None, places: int = 0) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return DASH
    text = str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")


def id_percent(ratio: float | None) -> str:
    from decimal import Decimal

    return DASH if ratio is None else id_number(float(Decimal(repr(ratio)) * 100), 1) + "%"


def period_name(code: str) -> str:
    """2026-11 -> November 2026, 2026-Q3 -> Triwulan III 2026, 2026-S2 -> Semester II 2026, 2026 -> Tahun 2026."""
    from common.domain.notifications import month_name

    if len(code) == 7 and code[4] == "-" and code[5:].isdigit():
        return month_name(code, "id")
    if len(code) == 7 and code[5] in "QS":
        return ("Triwulan " if code[5] == "Q" else "Semester ") + _ROMAN[int(code[6]) - 1] + " " + code[:4]
    return f"Tahun {code}" if code.isdigit() else code


def wib_datetime(moment) -> str:
    """27 Nov 2026 14.41 WIB, as the page writes a moment."""
    from common.domain.clock import WIB

    local = moment.astimezone(WIB)
    return f"{local.day} {_SHORT_MONTHS[local.month - 1]} {local.year} {local:%H.%M} WIB"


def _period_label(report: SkmReport) -> str:
    label = period_name(report.period)
    if len(report.months) > 1:
        label += f" ({period_name(report.months[0])} \u2013 {period_name(report.months[-1])})"
    return label


def skm_pdf(report: SkmReport) -> bytes:
    """The SKM publication report as the printable page lays it out (web/laporan-skm.html): the
    same sections, tables (fpdf2's table API, headings repeated on a new page) and formats."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    pdf.set_title(f"Laporan SKM {report.unit_name} {report.period}")
    pdf.set_author("Pantau Kinerja Belawan")
    pdf.set_lang("id")
    pdf.set_creation_date(report.generated_at)  # the same report gives the same bytes
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, f"{report.unit_name}\nPeriode {_period_label(report)}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    result = report.result
    heading_style = FontFace(emphasis="BOLD", fill_color=(232, 235, 239))

    def heading(text: str) -> None:
        pdf.ln(2)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)

    def table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int], numeric: Sequence[int] = (),
              foot: Sequence[tuple[str, int, str]] = ()) -> None:
        pdf.set_font(FONT, "", 8.5)
        align = ["RIGHT" if i in numeric else "LEFT" for i in range(len(header))]
        with pdf.table(col_widths=widths, text_align=align, headings_style=heading_style, line_height=5, padding=1,
                       first_row_as_headings=True, repeat_headings=1) as grid:
            grid.row(header)
            for values in rows:
                grid.row([str(v) for v in values])
            if foot:
                row = grid.row()
                for text, span, where in foot:
                    row.cell(text, colspan=span, align=where, style=FontFace(emphasis="BOLD"))
        pdf.ln(2)

    heading("1. Hasil")
    if result.n == 0:
        pdf.multi_cell(0, 6, "Belum ada responden pada periode ini, sehingga IKM belum dapat dihitung.", new_x="LMARGIN", new_y="NEXT")
    else:
        mutu = f"{result.mutu.value} ({MUTU_LABEL[result.mutu]})" if result.mutu else "Belum ada data"
        pdf.multi_cell(0, 6, f"Jumlah responden: {id_number(result.n)} orang\nIndeks Kepuasan Masyarakat (IKM): {id_number(result.ikm, 2)}\n"
                             f"Mutu pelayanan: {mutu}", new_x="LMARGIN", new_y="NEXT")
        sample = result.sample
        if sample.required:
            pdf.multi_cell(0, 6, f"Sampel minimum: {id_number(sample.required)} responden (populasi {id_number(sample.population)} orang, "
                                 "tabel Krejcie-Morgan)", new_x="LMARGIN", new_y="NEXT")
        if sample.required and not sample.reached:
            pdf.set_text_color(160, 0, 0)
            pdf.multi_cell(0, 6, f"Perhatian: jumlah responden ({id_number(result.n)} orang) masih di bawah sampel minimal Krejcie-Morgan "
                                 f"({id_number(sample.required)} responden untuk populasi {id_number(sample.population)} orang); "
                                 "hasil ini belum dapat dianggap mewakili seluruh pengguna layanan.", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)

    heading("2. Nilai rata-rata (NRR) per unsur pelayanan")
    mutu_text = lambda m: f"{m} ({MUTU_NAME[m]})" if m else DASH  # noqa: E731
    table(("No", "Kode", "Unsur pelayanan", "NRR", "NRR \u00d7 1/9", "Nilai konversi", "Mutu"),
          [(str(i), r.code, r.name, id_number(r.nrr, 3), id_number(r.weighted, 3), id_number(r.converted, 2), mutu_text(r.mutu))
           for i, r in enumerate(report.unsur, start=1)],
          (8, 11, 66, 16, 20, 20, 29), numeric=(0, 3, 4, 5),
          foot=(("IKM unit pelayanan = \u03a3 (NRR \u00d7 1/9) \u00d7 25", 4, "LEFT"), (id_number(result.ikm, 2), 2, "RIGHT"),
                (mutu_text(result.mutu.value if result.mutu else None), 1, "LEFT")))
    if result.weakest:
        names = {r.code: r.name for r in report.unsur}
        pdf.multi_cell(0, 6, "Unsur dengan nilai terendah: " + ", ".join(f"{names[c]} ({c})" for c in result.weakest)
                       + ". Unsur ini menjadi prioritas rencana tindak lanjut.", new_x="LMARGIN", new_y="NEXT")

    heading("3. Profil responden")
    for group, title in GROUPS:
        counts = report.respondents.get(group, [])
        rows = [(c.label, f"< {report.min_respondents}", DASH) if c.count is None  # withheld: too few, never worked out
                else (c.label, id_number(c.count), id_percent(c.count / result.n) if result.n else DASH) for c in counts]
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        table(("Kategori", "Jumlah", "%"), rows or [("Belum ada data", DASH, DASH)], (110, 35, 35), numeric=(1, 2))

    heading("4. IKM per jenis layanan")
    hidden = f"Tidak ditampilkan (kurang dari {report.min_respondents} responden)"
    table(("Jenis layanan", "Responden", "IKM", "Mutu"),
          [(s.name, id_number(s.result.n), id_number(s.result.ikm, 2),
            f"{s.result.mutu.value} ({MUTU_LABEL[s.result.mutu]})" if s.result.mutu else (hidden if s.result.withheld.responses else "Belum ada data"))
           for s in report.services] or [("Belum ada jenis layanan", DASH, DASH, DASH)],
          (80, 24, 20, 46), numeric=(1, 2))

    heading("5. Rencana tindak lanjut")
    table(("No", "Unsur", "NRR", "Kegiatan", "Penanggung jawab", "Waktu"),
          [(str(i), f"{row.code} {row.name}", id_number(row.nrr, 3), row.action, row.responsible, row.timeline)
           for i, row in enumerate(report.plan, start=1)] or [(DASH, "Belum ada data survei pada periode ini", DASH, DASH, DASH, DASH)],
          (8, 34, 14, 64, 30, 20), numeric=(0, 2))
    pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 6, f"Medan Belawan, {wib_datetime(report.generated_at).rsplit(' ', 2)[0]}\n{report.unit_name}", align="R",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "I", 8)
    pdf.multi_cell(0, 5, f"Dihitung menurut PermenPANRB 14/2017 dengan bobot 1/9. Dibuat {wib_datetime(report.generated_at)} "
                         "oleh Pantau Kinerja Belawan.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


RESULT_COLUMNS = ["NIP", "Nama", "Unit", "Periode", "Hasil", "Terlambat", "Capaian (%)", "Hasil Kerja", "Perilaku Kerja", "Predikat", "Alasan"]


def result_rows(results) -> list[list]:
    return [
        [r.nip, r.name, r.unit_id, r.period, r.outcome.value, "" if r.late is None else ("ya" if r.late else "tidak"),
         None if r.capaian is None else round(r.capaian * 100, 1), r.hasil_kerja.value if r.hasil_kerja else "",
         r.perilaku_kerja.value if r.perilaku_kerja else "", r.predikat.value if r.predikat else "", " ".join(r.reasons)]
        for r in results
    ]


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def as_csv_value(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe, as OWASP
    advises; numbers stay numbers."""
    return "'" + value if is_formula_like(value) else value


def _csv_cell(value: Any, decimal_comma: bool) -> Any:
    if isinstance(value, float):
        text = repr(value)  # the shortest form that is the value: 111.1, -5.0
        return text.replace(".", ",") if decimal_comma else text
    return as_csv_value(value)  # numbers are formatted after this, so -5,0 is never taken for a formula


def results_csv(results, separator: str = ";") -> bytes:
    """CSV as the reader's Excel opens it: `;` and decimal commas for the id-ID locale (the
    default: Indonesian Excel splits columns on `;`), or `,` and decimal points."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator)
    writer.writerow(RESULT_COLUMNS)
    writer.writerows([_csv_cell(value, separator == ";") for value in row] for row in result_rows(results))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _text_cells(sheet) -> None:
    """Every text cell is a value: openpyxl stores a text starting with '=' as a formula, so the
    type is set back to text, and formula-like texts get Excel's quote prefix (shown as typed,
    still text when someone edits the cell)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" or is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def results_xlsx(results, title: str, summary: list[tuple[str, object]] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Hasil"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    row = 2
    for label, value in summary or []:
        sheet.append([label, value])
        row += 1
    sheet.append([])
    sheet.append(RESULT_COLUMNS)
    for cell in sheet[row + 2]:
        cell.font = Font(bold=True)
    for line in result_rows(results):
        sheet.append(line)
    _text_cells(sheet)
    sheet.freeze_panes = sheet.cell(row=row + 3, column=1)
    for i, width in enumerate((20, 28, 22, 10, 16, 10, 12, 20, 20, 18, 60), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
