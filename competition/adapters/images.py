"""Photos without their location (照片去除定位信息).

Phone photos carry the place they were taken (GPS tags in EXIF, and often again in XMP or IPTC
blocks); for photos of students that is often a home address. Uploaded JPEGs and PNGs are stored
without those. Everything else stays as it was: the orientation and other EXIF tags, and the
compressed image itself byte for byte (nothing is decoded or re-encoded).
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import BinaryIO

SOI = b"\xff\xd8"
SOS = 0xDA
APP1, APP13 = 0xE1, 0xED
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
IPTC_HEADER = b"Photoshop 3.0\x00"
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Text chunks that hold XMP, or EXIF/IPTC the way ImageMagick writes them.
PNG_METADATA_KEYWORDS = (
    b"XML:com.adobe.xmp",
    b"Raw profile type exif",
    b"Raw profile type xmp",
    b"Raw profile type iptc",
    b"Raw profile type APP1",
)


class NotRewritable(ValueError):
    """The bytes are not a JPEG or PNG whose header can be walked safely."""


MAX_HEADER = 16 * 1024 * 1024  # metadata segments are at most 64 KB each; the image data follows
COPY_CHUNK = 1024 * 1024


def _header(fh: BinaryIO) -> tuple[list[tuple[int, bytes]], int]:
    """The header segments before the image data, as (marker, segment bytes), and the offset of
    the start-of-scan marker. Only the header is read: the image data is never parsed."""
    if fh.read(2) != SOI:
        raise NotRewritable("no SOI")
    segments: list[tuple[int, bytes]] = []
    pos = 2
    while pos < MAX_HEADER:
        head = fh.read(2)
        if len(head) < 2 or head[0] != 0xFF:
            raise NotRewritable(f"no marker at {pos}")
        marker = head[1]
        if marker == 0xFF:  # fill byte before a marker
            fh.seek(pos + 1)
            pos += 1
            continue
        if marker == SOS:
            return segments, pos
        if marker in STANDALONE:
            segments.append((marker, head))
            pos += 2
            continue
        size = fh.read(2)
        if len(size) < 2:
            raise NotRewritable("truncated segment")
        (length,) = struct.unpack(">H", size)
        body = fh.read(length - 2) if length >= 2 else b""
        if length < 2 or len(body) != length - 2:
            raise NotRewritable(f"bad segment length at {pos}")
        segments.append((marker, head + size + body))
        pos += 2 + length
    raise NotRewritable("no image data in the first 16 MB")


def _exif_without_gps(payload: bytes) -> bytes | None:
    """The EXIF block (with its Exif header) without its GPS directory, or None when it
    has none."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    try:
        exif.load(payload)
        if ExifTags.IFD.GPSInfo not in exif:
            return None
        del exif[ExifTags.IFD.GPSInfo]
        block = exif.tobytes()
    except (SyntaxError, ValueError, struct.error, KeyError, TypeError, OSError) as exc:
        raise NotRewritable(f"EXIF: {exc}") from None
    if not block.startswith(EXIF_HEADER):
        block = EXIF_HEADER + block
    if len(block) + 2 > 0xFFFF:
        raise NotRewritable("EXIF block too large")
    return block


def _jpeg_header(src: BinaryIO) -> tuple[list[bytes], bool, int]:
    """The JPEG's header rewritten without location, whether anything changed, and where the
    image data starts."""
    segments, scan_at = _header(src)
    kept = [SOI]
    changed = False
    for marker, segment in segments:
        payload = segment[4:] if marker not in STANDALONE else b""
        if marker == APP1 and payload.startswith(EXIF_HEADER):
            block = _exif_without_gps(payload)
            if block is not None:
                kept.append(b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block)
                changed = True
                continue
        elif (marker == APP1 and payload.startswith(XMP_HEADERS)) or (
            marker == APP13 and payload.startswith(IPTC_HEADER)
        ):
            changed = True
            continue
        kept.append(segment)
    return kept, changed, scan_at


def _png_chunks(fh: BinaryIO) -> tuple[list[tuple[bytes, bytes]], int]:
    """The chunks before the image data, as (type, whole chunk), and the offset of the first
    IDAT chunk."""
    fh.seek(len(PNG_SIGNATURE))
    chunks: list[tuple[bytes, bytes]] = []
    pos = len(PNG_SIGNATURE)
    while pos < MAX_HEADER:
        head = fh.read(8)
        if len(head) < 8:
            raise NotRewritable("truncated PNG")
        length, kind = struct.unpack(">I4s", head)
        if kind == b"IDAT":
            return chunks, pos
        if length > MAX_HEADER:
            raise NotRewritable("PNG chunk too large")
        rest = fh.read(length + 4)
        if len(rest) != length + 4:
            raise NotRewritable("truncated PNG chunk")
        chunks.append((kind, head + rest))
        pos += 12 + length
    raise NotRewritable("no image data in the first 16 MB")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header(src: BinaryIO) -> tuple[list[bytes], bool, int]:
    """As _jpeg_header, for a PNG: the eXIf chunk without GPS, no XMP or raw-profile text."""
    chunks, data_at = _png_chunks(src)
    kept = [PNG_SIGNATURE]
    changed = False
    for kind, chunk in chunks:
        data = chunk[8:-4]
        if kind == b"eXIf":
            block = _exif_without_gps(EXIF_HEADER + data)
            if block is not None:
                kept.append(_png_chunk(b"eXIf", block[len(EXIF_HEADER) :]))
                changed = True
                continue
        elif kind in (b"iTXt", b"tEXt", b"zTXt") and data.split(b"\x00", 1)[0] in PNG_METADATA_KEYWORDS:
            changed = True
            continue
        kept.append(chunk)
    return kept, changed, data_at


def copy_without_location(src: BinaryIO, dst: BinaryIO) -> bool:
    """Write the JPEG or PNG `src` to `dst` without GPS tags, XMP and IPTC blocks, streaming the
    image data; False (and nothing written) when there is nothing to remove. Raises
    NotRewritable for bytes it cannot walk safely."""
    is_png = src.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE
    src.seek(0)
    header, changed, data_at = (_png_header if is_png else _jpeg_header)(src)
    if not changed:
        return False
    dst.write(b"".join(header))
    src.seek(data_at)
    while piece := src.read(COPY_CHUNK):
        dst.write(piece)
    return True


def without_location(data: bytes) -> bytes | None:
    """copy_without_location() on bytes: the cleaned bytes, or None when nothing was removed."""
    out = io.BytesIO()
    return out.getvalue() if copy_without_location(io.BytesIO(data), out) else None


def location_of(data: bytes) -> dict:
    """The GPS tags Pillow reads from an image (empty when there are none): for tests and checks."""
    from PIL import ExifTags, Image

    with Image.open(io.BytesIO(data)) as im:
        return dict(im.getexif().get_ifd(ExifTags.IFD.GPSInfo))
