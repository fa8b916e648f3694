"""The A4 poster an office hangs at its counter: its name, the QR code of its survey, the address
written out for a phone that cannot scan, and one line on anonymity. PDF to print, SVG to edit.

segno makes the code (pure Python, no dependencies, no network; error correction Q, so a
scratched or sun-faded print still scans). The PDF draws the code's modules as vector squares
with fpdf2 and embeds the same DejaVu font as the SKM report; the SVG nests segno's own path.
The words are Bahasa Indonesia, with one line in English for visitors.
"""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from common.adapters.documents import _FONT_FILES, FONT, FONT_DIR
from common.services.posters import Poster

A4 = (210.0, 297.0)  # mm
QR_SIZE = 130.0  # mm, the code with its quiet zone: scannable from an arm's length and from a queue
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)  # a fixed creation date: the bytes depend only on the poster
INK = "#0b2e4f"  # dark blue: 13:1 on white, prints well in black and white too

TEXT = {
    "kicker": "SURVEI KEPUASAN MASYARAKAT",
    "ask": "Bagaimana pelayanan kami hari ini?",
    "scan": "Pindai kode QR ini dengan kamera ponsel Anda. Sembilan pertanyaan, sekitar satu menit.",
    "kiosk_kicker": "SURVEI KEPUASAN MASYARAKAT · MODE KIOSK",
    "kiosk_ask": "Untuk petugas: perangkat kiosk di loket",
    "kiosk_scan": "Pindai dengan tablet kiosk. Formulir kembali kosong setelah setiap responden.",
    "or_open": "Atau buka alamat ini:",
    "anonymous": "Survei ini anonim: tanpa nama, NIK, nomor telepon, atau e-mail.",
    "english": "Rate our service: scan the code. The survey is anonymous.",
    "results": "Hasil survei diumumkan di",
}


def short(url: str) -> str:
    """The address as a person types it: without https://."""
    return url.split("://", 1)[-1]


def _qr(poster: Poster):
    import segno

    return segno.make(poster.survey_url, error="q", micro=False)


def _words(poster: Poster) -> tuple[str, str, str]:
    if poster.kiosk:
        return TEXT["kiosk_kicker"], TEXT["kiosk_ask"], TEXT["kiosk_scan"]
    return TEXT["kicker"], TEXT["ask"], TEXT["scan"]


def poster_pdf(poster: Poster) -> bytes:
    from fpdf import FPDF

    kicker, ask, scan = _words(poster)
    pdf = FPDF(format="A4")
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    pdf.set_title(f"Poster survei {poster.unit_name}")
    pdf.set_author("Pantau Kinerja Belawan")
    pdf.set_lang("id")
    pdf.set_creation_date(_EPOCH)  # the same poster gives the same bytes
    pdf.set_auto_page_break(False)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    width = A4[0] - 36
    pdf.set_text_color(11, 46, 79)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(width, 8, kicker, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 26)
    pdf.multi_cell(width, 11, poster.unit_name, align="C", new_x="LMARGIN", new_y="NEXT", max_line_height=11)
    pdf.ln(2)
    pdf.set_font(FONT, "", 16)
    pdf.multi_cell(width, 8, ask, align="C", new_x="LMARGIN", new_y="NEXT")

    qr = _qr(poster)
    modules = qr.symbol_size(border=QUIET_ZONE)[0]
    module = QR_SIZE / modules
    left, top = (A4[0] - QR_SIZE) / 2, max(pdf.get_y(), 60)
    pdf.set_fill_color(11, 46, 79)
    for y, row in enumerate(qr.matrix):
        x = 0
        while x < len(row):  # one rectangle per run of dark modules: a small file, no hairline gaps
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            pdf.rect(left + (start + QUIET_ZONE) * module, top + (y + QUIET_ZONE) * module, (x - start) * module, module, style="F")
    pdf.set_y(top + QR_SIZE + 2)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(width, 6, scan, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    pdf.cell(width, 6, TEXT["or_open"], align="C", new_x="LMARGIN", new_y="NEXT")
    address, size = short(poster.survey_url), 16.0
    pdf.set_font(FONT, "B", size)
    while size > 7 and pdf.get_string_width(address) > width:  # one line: an address must not break
        size -= 0.5
        pdf.set_font(FONT, "B", size)
    pdf.multi_cell(width, 8, address, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(width, 6, TEXT["anonymous"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "I", 10)
    pdf.multi_cell(width, 5, TEXT["english"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(A4[1] - 24)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(width, 5, f"{TEXT['results']} {short(poster.results_url)}\nPantau Kinerja Belawan", align="C")
    return bytes(pdf.output())


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True) or [""]


def poster_svg(poster: Poster) -> bytes:
    """A4 in millimetres; text as text (editable, selectable), the code as segno's path."""
    kicker, ask, scan = _words(poster)
    qr = _qr(poster)
    modules = qr.symbol_size(border=QUIET_ZONE)[0]
    left = (A4[0] - QR_SIZE) / 2
    out: list[str] = []
    y = 26.0

    def text(line: str, size: float, weight: str = "normal", style: str = "normal", gap: float = 1.35) -> None:
        nonlocal y
        out.append(f'<text x="{A4[0] / 2:g}" y="{y:.1f}" font-size="{size:g}" font-weight="{weight}" font-style="{style}" '
                   f'text-anchor="middle">{escape(line)}</text>')
        y += size * gap

    text(kicker, 5.2, "bold", gap=2.2)
    for line in _lines(poster.unit_name, 26):
        text(line, 10, "bold", gap=1.2)
    y += 3
    for line in _lines(ask, 46):
        text(line, 6.4)
    top = max(y - 2, 60.0)
    code = qr.svg_inline(scale=QR_SIZE / modules, border=QUIET_ZONE, dark=INK, light="#ffffff")
    out.append(code.replace("<svg ", f'<svg x="{left:g}" y="{top:.1f}" ', 1))
    y = top + QR_SIZE + 8
    for line in _lines(scan, 62):
        text(line, 4.6)
    y += 3
    text(TEXT["or_open"], 4.4)
    address = short(poster.survey_url)
    text(address, min(6.0, round(170 / (0.62 * len(address)), 1)), "bold")  # one line: an address must not break
    y += 3
    text(TEXT["anonymous"], 4.6, "bold")
    text(TEXT["english"], 3.8, style="italic")
    y = A4[1] - 18
    text(f"{TEXT['results']} {short(poster.results_url)}", 3.4)
    text("Pantau Kinerja Belawan", 3.4)
    title = f"Poster survei {poster.unit_name}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" role="img" lang="id" '
        f'aria-labelledby="poster-title">\n<title id="poster-title">{escape(title)}</title>\n'
        f'<rect width="210" height="297" fill="#ffffff"/>\n'
        f'<g fill="{INK}" font-family="DejaVu Sans, Verdana, Arial, sans-serif">\n' + "\n".join(out) + "\n</g>\n</svg>\n"
    ).encode("utf-8")
