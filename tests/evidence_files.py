"""Small real files for the evidence tests, made on the spot (nothing downloaded)."""

from __future__ import annotations

import io
from datetime import datetime, timezone

GPS_IFD = 0x8825


def pdf(text: str = "Register surat keterangan domisili, Oktober") -> bytes:
    """A real one-page PDF (fpdf2), as a phone's scanner app would save it."""
    from fpdf import FPDF

    document = FPDF()
    document.set_creation_date(datetime(2026, 10, 31, 9, 0, tzinfo=timezone.utc))  # the same text gives the same bytes
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def jpeg_with_gps(latitude: tuple[float, float, float] = (3.0, 47.0, 10.5), longitude: tuple[float, float, float] = (98.0, 41.0, 2.25)) -> bytes:
    """A photo as a phone takes it: EXIF with the camera, the time and a GPS position (Belawan)."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (30, 120, 200))
    for x in range(64):
        image.putpixel((x, x % 48), (250, 250, 250))
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(0x8769)[0x9003] = "2026:11:02 10:00:00"  # DateTimeOriginal
    exif[GPS_IFD] = {1: "N", 2: latitude, 3: "E", 4: longitude}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 200, 0)).save(out, "PNG")
    return out.getvalue()


def executable() -> bytes:
    """The first bytes of a Linux executable (ELF), as someone renames one to .pdf."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def exif_of(data: bytes) -> dict:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {"base": dict(exif), "gps": dict(exif.get_ifd(GPS_IFD)), "exif": dict(exif.get_ifd(0x8769))}


def pixels(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


def has_gps_data(data: bytes) -> bool:
    """Whether a JPEG still carries a GPS directory."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))
