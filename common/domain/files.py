"""What an uploaded file really is, and the location data a photo must not carry.

Pure functions over bytes: the first bytes tell the type (never the name or the
Content-Type the phone sent), and a photo's GPS position is removed without
re-encoding the picture: only the metadata segments change, every pixel stays
as the camera wrote it.

Pillow (maintained, already a dependency of the PDF reports) parses and rewrites
the EXIF block; it is imported only by the function that checks uploads.
"""

from __future__ import annotations

from enum import StrEnum


class FileKind(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    PDF = "application/pdf"


EXTENSIONS: dict[FileKind, tuple[str, ...]] = {
    FileKind.JPEG: (".jpg", ".jpeg"),
    FileKind.PNG: (".png",),
    FileKind.PDF: (".pdf",),
}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_GPS_IFD = 0x8825
_XMP = b"http://ns.adobe.com/xap/1.0/\x00"


class Damaged(ValueError):
    """The bytes start like the type but do not hold together."""


def sniff(data: bytes) -> FileKind | None:
    """The type the content is, from its magic bytes; None for anything else (an executable, a zip...)."""
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if data.startswith(_PNG_SIGNATURE):
        return FileKind.PNG
    if data.startswith(b"%PDF-"):
        return FileKind.PDF
    return None


def check_pdf(data: bytes) -> None:
    """A PDF ends with %%EOF (a truncated upload does not); generators may add a few bytes after it."""
    if b"%%EOF" not in data[-2048:]:
        raise Damaged("pdf_truncated")


def _segments(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """A JPEG's marker segments up to the start of scan, and everything from there on."""
    segments: list[tuple[int, bytes]] = []
    i = 2
    while True:
        if i + 4 > len(data) or data[i] != 0xFF:
            raise Damaged("jpeg_segments")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the compressed picture follows
            return segments, data[i:]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            segments.append((marker, b""))
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2 or i + 2 + length > len(data):
            raise Damaged("jpeg_segments")
        segments.append((marker, data[i + 4 : i + 2 + length]))
        i += 2 + length


def _without_gps(exif_payload: bytes) -> bytes | None:
    """The EXIF APP1 payload without its GPS directory; None to drop the block (unreadable or gone)."""
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(exif_payload)
        if _GPS_IFD not in exif:
            return exif_payload
        del exif[_GPS_IFD]
        out = exif.tobytes()
    except Exception:  # a maker's odd EXIF: losing all of it beats keeping the position
        return None
    return out if len(out) <= 65533 else None


def strip_jpeg_location(data: bytes) -> tuple[bytes, bool]:
    """The JPEG without GPS data (EXIF GPS directory, XMP packets that mention GPS), and whether
    anything was removed. The compressed picture is copied byte for byte."""
    segments, scan = _segments(data)
    changed = False
    out = bytearray(b"\xff\xd8")
    for marker, payload in segments:
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            kept = _without_gps(payload)
            if kept != payload:
                changed = True
            if kept is None:
                continue
            payload = kept
        elif marker == 0xE1 and payload.startswith(_XMP) and b"GPS" in payload:
            changed = True
            continue
        out += bytes([0xFF, marker])
        if payload or not (0xD0 <= marker <= 0xD7 or marker == 0x01):
            out += (len(payload) + 2).to_bytes(2, "big") + payload
    return bytes(out + scan), changed


def strip_png_location(data: bytes) -> tuple[bytes, bool]:
    """The PNG without its eXIf chunk (where a PNG keeps EXIF, GPS included)."""
    i, out, changed = len(_PNG_SIGNATURE), bytearray(_PNG_SIGNATURE), False
    while i < len(data):
        if i + 12 > len(data):
            raise Damaged("png_chunks")
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if end > len(data):
            raise Damaged("png_chunks")
        if kind == b"eXIf":
            changed = True
        else:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            break
    else:
        raise Damaged("png_chunks")
    return bytes(out), changed

