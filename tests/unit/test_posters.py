"""The QR poster of an office: an A4 page whose code a phone reads as the office's survey
address (read back here by zxing-cpp, a decoder that shares nothing with segno), with the
office's name, the address written out and the line on anonymity."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from tests import factories as f
from tests.unit.test_http_layer import FakeDeps, client_for

BASE = "https://pantau-belawan.web.app"
NAME = "Kelurahan Belawan Bahari – “Timur” & Sekitarnya"


@pytest.fixture
def deps():
    deps = FakeDeps()
    deps.settings = deps.settings.model_copy(update={"base_url": BASE})
    deps.uow.units.put_many([f.unit("kel-belawan-bahari", name=NAME)])
    return deps


def decode(image) -> list[str]:
    import zxingcpp

    return [result.text for result in zxingcpp.read_barcodes(image)]


def pdf_code_image(pdf: bytes):
    """The filled rectangles of the poster's page, painted black on white: what a printer prints."""
    from PIL import Image, ImageDraw

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    stream = page.get_contents().get_data().decode("latin-1")
    height = float(page.mediabox.height)
    scale = 4
    image = Image.new("L", (int(float(page.mediabox.width) * scale), int(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([-\d.]+) re\s+f", stream):
        x, y, w, h = (float(v) for v in (x, y, w, h))
        top, bottom = sorted((height - y, height - y - h))  # PDF's y runs upwards
        draw.rectangle([x * scale, top * scale, (x + w) * scale - 1, bottom * scale - 1], fill=0)
    return image


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("kiosk", [False, True])
def test_the_pdf_poster_is_one_a4_page_whose_code_opens_the_survey(deps, kiosk):
    response = client_for("api_exports", deps).get("/api/public/units/kel-belawan-bahari/poster.pdf" + ("?kiosk=1" if kiosk else ""))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert ("-kiosk.pdf" in response.headers["Content-Disposition"]) is kiosk
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    url = f"{BASE}/survei/kel-belawan-bahari" + ("?kiosk=1" if kiosk else "")
    assert decode(pdf_code_image(response.data)) == [url]
    text = text_of(response.data)
    assert NAME in text and url.removeprefix("https://") in text
    assert "Survei ini anonim: tanpa nama, NIK, nomor telepon, atau e-mail." in text
    assert ("MODE KIOSK" in text) is kiosk and ("Pindai kode QR ini dengan kamera ponsel Anda" in text) is not kiosk


def test_the_svg_poster_is_a4_text_with_the_same_code(deps):
    response = client_for("api_exports", deps).get("/api/public/units/kel-belawan-bahari/poster.svg?kiosk=1")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    root = ET.fromstring(response.data)  # well-formed: the name's & and quotes are escaped
    assert (root.get("width"), root.get("height")) == ("210mm", "297mm")
    ns = {"s": "http://www.w3.org/2000/svg"}
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Survei ini anonim" in words and "pantau-belawan.web.app/survei/kel-belawan-bahari?kiosk=1" in words
    assert root.find("s:title", ns).text == f"Poster survei {NAME}"
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    assert decode(svg_code_image(root)) == [f"{BASE}/survei/kel-belawan-bahari?kiosk=1"]


def svg_code_image(root):
    """segno's path draws each row's dark runs as horizontal strokes (M, m, h): paint them."""
    from PIL import Image, ImageDraw

    code = next(e for e in root.iter() if e.tag.endswith("svg") and e is not root)
    path = next(e for e in code.iter() if e.tag.endswith("path") and e.get("class") == "qrline")  # not the white ground
    size = 1000
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    runs = []
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            runs.append((x, y, float(a)))
            x += float(a)
    modules = max(x + w for x, _, w in runs) + 4  # the quiet zone on the right
    k = size / modules
    for x, y, w in runs:
        draw.rectangle([x * k, (y - 0.5) * k, (x + w) * k - 1, (y + 0.5) * k - 1], fill=0)
    return image


def test_an_unknown_office_is_a_404_and_a_bad_flag_a_422(deps):
    client = client_for("api_exports", deps)
    missing = client.get("/api/public/units/kel-tidak-ada/poster.pdf")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "unit_not_found"
    bad = client.get("/api/public/units/kel-belawan-bahari/poster.svg?kiosk=mungkin")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_failed"
    extra = client.get("/api/public/units/kel-belawan-bahari/poster.svg?warna=merah")
    assert extra.status_code == 422


def test_without_a_base_address_no_poster_points_anywhere(deps):
    deps.settings = deps.settings.model_copy(update={"base_url": ""})
    response = client_for("api_exports", deps).get("/api/public/units/kel-belawan-bahari/poster.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "poster_unconfigured" and "PANTAU_BASE_URL" in response.get_json()["error"]["message"]
