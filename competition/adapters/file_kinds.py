"""What an uploaded file really is: `inspect_file` decides a file's kind from its bytes (magic
numbers; docx vs xlsx by the zip's parts) and checks that it really opens: a PDF must parse with
a sane page count and carry no script, an image must open within a pixel limit, an MP4 must have
a sound box structure. `competition.adapters.storage` re-exports these names.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from struct import error as struct_error
from typing import BinaryIO

from .pdf_safety import PdfUnreadable, has_javascript

DEFAULT_MAX_IMAGE_PIXELS = 120_000_000  # a 108-megapixel phone photo still passes
DEFAULT_MAX_PDF_PAGES = 2000
MAX_PDF_PAGE_POINTS = 14400  # 200 inches, the PDF spec's own limit for a page side


class BadContent(Exception):
    """The file is not what it must be; `reason` is one of the REASONS codes."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def sniff_kind(fh: BinaryIO) -> str | None:
    """pdf, jpg, png, mp4, docx, xlsx, zip or None, judged from the bytes only."""
    fh.seek(0)
    head = fh.read(4096)
    fh.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return "mp4"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fh) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            fh.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    return None


_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis", b"crx "}


def inspect_file(
    fh: BinaryIO, *, max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS, max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES
) -> str:
    """Return the file's kind after checking it opens; raise BadContent otherwise."""
    kind = sniff_kind(fh)
    if kind is None:
        raise BadContent("unknown")
    try:
        if kind == "pdf":
            _check_pdf(fh, max_pdf_pages)
        elif kind in ("jpg", "png"):
            _check_image(fh, kind, max_image_pixels)
        elif kind == "mp4":
            _check_mp4(fh)
        elif kind in ("docx", "xlsx", "zip"):
            _check_zip(fh)
    finally:
        fh.seek(0)
    return kind


def _check_pdf(fh: BinaryIO, max_pages: int) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    fh.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except Exception:  # noqa: BLE001 - any failure means we cannot open it
                    opened = 0
                if not opened:
                    raise BadContent("encrypted")
            pages = len(reader.pages)
            if pages == 0:
                raise BadContent("damaged", "no pages")
            if pages > max_pages:
                raise BadContent("too_many_pages", str(pages))
            for page in reader.pages[: min(pages, 50)]:
                box = page.mediabox
                if not (0 < float(box.width) <= MAX_PDF_PAGE_POINTS and 0 < float(box.height) <= MAX_PDF_PAGE_POINTS):
                    raise BadContent("page_size")
    except BadContent:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
        AssertionError,
        ZeroDivisionError,
    ) as exc:
        raise BadContent("damaged", repr(exc)) from None
    _refuse_javascript(fh)


def _refuse_javascript(fh: BinaryIO) -> None:
    """A PDF with scripts (an opening action, a /JavaScript name tree, /AA actions) is refused."""
    try:
        scripted = has_javascript(fh)
    except PdfUnreadable as exc:
        raise BadContent("damaged", str(exc)) from None
    if scripted:
        raise BadContent("javascript")


def _check_image(fh: BinaryIO, kind: str, max_pixels: int) -> None:
    from PIL import Image, UnidentifiedImageError

    fh.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh) as im:
                fmt = im.format
                width, height = im.size
                if width <= 0 or height <= 0 or width * height > max_pixels:
                    raise BadContent("too_many_pixels", f"{width}x{height}")
                im.verify()
    except BadContent:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadContent("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct_error) as exc:
        raise BadContent("damaged", repr(exc)) from None
    if {"jpg": "JPEG", "png": "PNG"}[kind] != fmt:
        raise BadContent("damaged", f"format {fmt}")


def _check_mp4(fh: BinaryIO) -> None:
    """Walk the top-level boxes: they must chain to the end of the file and include moov."""
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    pos = 0
    seen = set()
    while pos < end:
        fh.seek(pos)
        header = fh.read(16)
        if len(header) < 8:
            raise BadContent("damaged", "truncated box header")
        size = int.from_bytes(header[:4], "big")
        box = header[4:8]
        if size == 1:
            if len(header) < 16:
                raise BadContent("damaged", "truncated large box")
            size = int.from_bytes(header[8:16], "big")
        elif size == 0:
            size = end - pos
        if size < 8 or pos + size > end:
            raise BadContent("damaged", f"box {box!r} runs past the end")
        seen.add(box)
        pos += size
        if len(seen) > 10000:
            break
    if b"moov" not in seen:
        raise BadContent("damaged", "no moov box")


def _check_zip(fh: BinaryIO) -> None:
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            if len(infos) > 20000:
                raise BadContent("damaged", "too many parts")
    except zipfile.BadZipFile as exc:
        raise BadContent("damaged", repr(exc)) from None
