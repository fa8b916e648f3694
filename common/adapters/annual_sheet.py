"""The annual evaluation as an XLSX for BKPSDM: one row per ASN, with angka kredit."""

from __future__ import annotations

import io

from .documents import _text_cells

COLUMNS = ["NIP", "Nama", "Unit", "Jenjang fungsional", "Bulan dinilai", "Bulan dalam jabatan", "Usulan predikat",
           "Hasil Kerja", "Perilaku Kerja", "Predikat tahunan", "Status", "Angka kredit", "Diputuskan oleh", "Alasan"]


def annual_rows(records, predikat_label, rating_label) -> list[list]:
    rows = []
    for r in records:
        last = r.decisions[-1] if r.decisions else None
        rows.append([
            r.nip, r.name, r.unit_id, r.functional_level.value if r.functional_level else "", r.months_rated, r.months_in_position,
            predikat_label(r.proposed_predikat.value, "id") if r.proposed_predikat else "",
            rating_label(r.hasil_kerja.value, "id") if r.hasil_kerja else "",
            rating_label(r.perilaku_kerja.value, "id") if r.perilaku_kerja else "",
            predikat_label(r.predikat.value, "id") if r.predikat else "",
            "diputuskan" if r.status == "decided" else "usulan", r.angka_kredit, last.by if last else "", (last.reason or "") if last else "",
        ])
    return rows


def annual_xlsx(view, predikat_label, rating_label) -> bytes:
    """``view`` is a UnitAnnual (common/services/annual.py); the labels' words come from common/api/messages.py."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = f"Tahunan {view.year}"
    sheet.append([f"Evaluasi kinerja tahunan {view.unit_id} {view.year}"])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(["Predikat unit", view.unit_predikat.value if view.unit_predikat else "-"])
    sheet.append(["Diputuskan / usulan", f"{view.decided} / {view.proposed}"])
    sheet.append(["Kurva sesuai", ("ya" if view.curve.ok else "tidak") if view.curve else "-"])
    sheet.append([])
    sheet.append(COLUMNS)
    for cell in sheet[6]:
        cell.font = Font(bold=True)
    for line in annual_rows(view.records, predikat_label, rating_label):
        sheet.append(line)
    _text_cells(sheet)
    sheet.freeze_panes = sheet.cell(row=7, column=1)
    for i, width in enumerate((20, 28, 22, 16, 10, 10, 18, 20, 20, 18, 12, 12, 20, 50), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
