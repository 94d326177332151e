"""Files the load benchmarks upload: PDFs of a given size that the upload checks accept (one page
showing one large image), and an MP4 stream of a given size (ftyp, moov, mdat boxes) written to
disk in chunks, so even 500 MB never sits in memory."""

from __future__ import annotations

import os
from pathlib import Path

CHUNK = 1 << 20


def pdf_bytes(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes: the page draws an RGB image of random
    pixels (incompressible, as scanned pages are)."""
    width = 1024
    height = max(1, size // (3 * width))
    pixels = os.urandom(width * height * 3)
    content = b"q 500 0 0 700 47 71 cm /Im1 Do Q\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (width, height, len(pixels)) + pixels + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def write_mp4(path: Path, size: int) -> Path:
    """An MP4 stream of exactly ``size`` bytes: ftyp, a moov holding a movie header, and an mdat
    box filling the rest with random data (a 1 MB random block repeated)."""
    ftyp = _box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")
    mvhd = _box(
        b"mvhd",
        bytes(4)
        + bytes(8)
        + (1000).to_bytes(4, "big")
        + (60_000).to_bytes(4, "big")
        + (0x00010000).to_bytes(4, "big")
        + (0x0100).to_bytes(2, "big")
        + bytes(10)
        + b"".join(v.to_bytes(4, "big") for v in (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000))
        + bytes(24)
        + (2).to_bytes(4, "big"),
    )
    moov = _box(b"moov", mvhd)
    head = ftyp + moov
    mdat_size = size - len(head)
    if mdat_size < 8 or mdat_size >= 1 << 32:
        raise ValueError("size out of range")
    block = os.urandom(CHUNK)
    with open(path, "wb") as fh:
        fh.write(head)
        fh.write(mdat_size.to_bytes(4, "big") + b"mdat")
        left = mdat_size - 8
        while left > 0:
            n = min(left, CHUNK)
            fh.write(block[:n])
            left -= n
    return path
