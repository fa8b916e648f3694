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


def _month_label(report: SkmReport) -> str:
    from common.domain.notifications import month_name

    if len(report.months) == 1:
        return month_name(report.months[0], "id")
    return f"{month_name(report.months[0], 'id')} - {month_name(report.months[-1], 'id')}"


def skm_pdf(report: SkmReport) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    pdf.set_title(f"Laporan SKM {report.unit_name} {report.period}")
    pdf.set_author("Pantau Kinerja Belawan")
    pdf.set_creation_date(report.generated_at)  # the same report gives the same bytes
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, f"{report.unit_name}\nPeriode {report.period} ({_month_label(report)})", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    result = report.result

    def heading(text: str) -> None:
        pdf.ln(2)
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)

    def table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> None:
        pdf.set_font(FONT, "B", 9)
        for text, width in zip(header, widths):
            pdf.cell(width, 6, text, border=1)
        pdf.ln()
        pdf.set_font(FONT, "", 8)
        for row in rows:
            for text, width in zip(row, widths):
                pdf.cell(width, 6, str(text), border=1)
            pdf.ln()

    heading("1. Hasil")
    if result.n == 0:
        pdf.multi_cell(0, 6, "Belum ada responden pada periode ini.", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 6, f"Jumlah responden: {result.n}\nIndeks Kepuasan Masyarakat (IKM): {result.ikm:.2f}\n"
                             f"Mutu pelayanan: {result.mutu.value} ({MUTU_LABEL[result.mutu]})", new_x="LMARGIN", new_y="NEXT")
        if result.sample.required and not result.sample.reached:
            pdf.set_text_color(160, 0, 0)
            pdf.multi_cell(0, 6, f"Catatan: jumlah responden di bawah sampel minimal Krejcie-Morgan ({result.sample.required} untuk "
                                 f"populasi {result.sample.population}); hasil perlu dibaca dengan hati-hati.", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)

    heading("2. Nilai per unsur")
    table(("Unsur", "Nama unsur", "NRR", "NRR x 1/9", "Konversi", "Mutu"),
          [(r.code, r.name, _num(r.nrr, 3), _num(r.weighted, 3), _num(r.converted, 2), r.mutu or "-") for r in report.unsur],
          (12, 86, 18, 22, 22, 14))
    if result.weakest:
        pdf.multi_cell(0, 6, "Unsur terlemah: " + ", ".join(f"{r.code} {r.name}" for r in report.unsur if r.code in result.weakest),
                       new_x="LMARGIN", new_y="NEXT")

    heading("3. Profil responden")
    for group, title in (("sex", "Jenis kelamin"), ("age", "Usia"), ("education", "Pendidikan"), ("occupation", "Pekerjaan")):
        counts = report.respondents.get(group, [])
        if counts:
            shown = lambda c: str(c.count) if c.count is not None else f"<{report.min_respondents}"  # noqa: E731  (withheld: too few)
            pdf.multi_cell(0, 6, f"{title}: " + "; ".join(f"{c.label} {shown(c)}" for c in counts), new_x="LMARGIN", new_y="NEXT")

    heading("4. Hasil per jenis layanan")
    table(("Jenis layanan", "Responden", "IKM", "Mutu"),
          [(s.name[:60], str(s.result.n), _num(s.result.ikm, 2),
            s.result.mutu.value if s.result.mutu else ("disembunyikan" if s.result.withheld.responses else "-")) for s in report.services],
          (110, 24, 24, 16))

    heading("5. Rencana tindak lanjut")
    for i, row in enumerate(report.plan, start=1):
        pdf.multi_cell(0, 6, f"{i}. {row.code} {row.name} (NRR {row.nrr:.3f}): {row.action} "
                             f"Penanggung jawab: {row.responsible}. Waktu: {row.timeline}.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "I", 8)
    pdf.multi_cell(0, 5, f"Dihitung menurut PermenPANRB 14/2017 dengan bobot 1/9. Dibuat {report.generated_at:%d-%m-%Y %H:%M} UTC "
                         "oleh Pantau Kinerja Belawan.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _num(value: float | None, places: int) -> str:
    return "-" if value is None else f"{value:.{places}f}"


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
