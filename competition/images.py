"""Photos without their location (照片去除定位信息).

Phone photos carry the place they were taken (GPS tags in EXIF, and often again in XMP or IPTC
blocks); for photos of students that is often a home address. Uploaded JPEGs are stored without
those blocks. Everything else stays as it was: the orientation and other EXIF tags, and the
compressed image itself byte for byte (nothing is decoded or re-encoded).
"""
from __future__ import annotations

import io
import struct
from collections.abc import Iterator

SOI = b"\xff\xd8"
SOS = 0xDA
APP1, APP13 = 0xE1, 0xED
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
IPTC_HEADER = b"Photoshop 3.0\x00"
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length


class NotRewritable(ValueError):
    """The bytes are not a JPEG whose header segments can be walked safely."""


def _segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, start, end) of each header segment; the last one yielded is the start of scan,
    whose end is the end of the file (the entropy-coded image data is never parsed)."""
    if not data.startswith(SOI):
        raise NotRewritable("no SOI")
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            raise NotRewritable(f"no marker at {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in STANDALONE:
            yield marker, pos, pos + 2
            pos += 2
            continue
        if marker == SOS:
            yield marker, pos, len(data)
            return
        if pos + 4 > len(data):
            raise NotRewritable("truncated segment")
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise NotRewritable(f"bad segment length at {pos}")
        yield marker, pos, end
        pos = end
    raise NotRewritable("no image data")


def _exif_without_gps(payload: bytes) -> bytes | None:
    """The EXIF block without its GPS directory, or None when it has none."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif.load(payload)
    if ExifTags.IFD.GPSInfo not in exif:
        return None
    del exif[ExifTags.IFD.GPSInfo]
    block = exif.tobytes()
    if not block.startswith(EXIF_HEADER):
        block = EXIF_HEADER + block
    if len(block) + 2 > 0xFFFF:
        raise NotRewritable("EXIF block too large")
    return block


def without_location(data: bytes) -> bytes | None:
    """``data`` (a JPEG) without GPS tags, XMP and IPTC blocks; None when there is nothing to
    remove. Raises NotRewritable for bytes it cannot walk safely."""
    out = [SOI]
    changed = False
    for marker, start, end in _segments(data):
        payload = data[start + 4:end] if marker not in STANDALONE and marker != SOS else b""
        if marker == APP1 and payload.startswith(EXIF_HEADER):
            try:
                block = _exif_without_gps(payload)
            except (SyntaxError, ValueError, struct.error, KeyError, TypeError, OSError) as exc:
                raise NotRewritable(f"EXIF: {exc}") from None
            if block is not None:
                out.append(b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block)
                changed = True
                continue
        elif (marker == APP1 and payload.startswith(XMP_HEADERS)) or (
                marker == APP13 and payload.startswith(IPTC_HEADER)):
            changed = True
            continue
        out.append(data[start:end])
    return b"".join(out) if changed else None


def location_of(data: bytes) -> dict:
    """The GPS tags Pillow reads from an image (empty when there are none): for tests and checks."""
    from PIL import ExifTags, Image

    with Image.open(io.BytesIO(data)) as im:
        return dict(im.getexif().get_ifd(ExifTags.IFD.GPSInfo))
