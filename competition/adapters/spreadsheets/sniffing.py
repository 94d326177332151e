"""What a file is before it is read: xlsx or csv by its content (PDF, .xls, Word, UTF-16 and
binary files refused with a reason), an xlsx checked as a zip (no bomb) before any inflating,
and a CSV's text encoding."""

from __future__ import annotations

import io
import zipfile

from ...domain.text import N_, Message
from .model import MAX_MEMBERS, MAX_RATIO, MAX_UNCOMPRESSED, SheetError, _damaged


def _utf16(data: bytes) -> bool:
    """A UTF-16 text (Excel's "Unicode text", Notepad's "Unicode"): its BOM, or every other byte NUL."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:512]
    return len(head) >= 4 and (head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4)


def _text_but_nul(head: bytes) -> bool:
    """Text (UTF-8 or GB18030) once its NUL bytes are taken out: a CSV with stray NULs, not an image."""
    text = head.replace(b"\x00", b"")
    for encoding in ("utf-8", "gb18030"):
        try:
            text[:-4].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(data: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv' from the content (the extension only decides between text formats)."""
    head = data[:8]
    name = filename.lower()
    if not data:
        raise SheetError(Message(N_("The file is empty.")))
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise SheetError(
            Message(N_("This file is a PDF document, not a spreadsheet. Please upload an .xlsx or .csv file."))
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(
            Message(
                N_(
                    "This is an old Excel 97-2003 (.xls) file or another Office "
                    "binary file. Please open it and save it as .xlsx, then upload again."
                )
            )
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise SheetError(
            Message(
                N_(
                    "This file is named .xlsx but is not an Excel workbook "
                    "(it may be damaged or renamed). Please upload an .xlsx or .csv file."
                )
            )
        )
    if _utf16(data):
        raise SheetError(
            Message(N_("The file is encoded as UTF-16. Please save it as UTF-8 CSV or as an Excel (.xlsx) workbook."))
        )
    start = data[:4096]
    if not name.endswith((".csv", ".txt")) or (b"\x00" in start and not _text_but_nul(start)):
        raise SheetError(Message(N_("This file is not a spreadsheet. Please upload an .xlsx or .csv file.")))
    if b"\x00" in start:
        raise SheetError(
            Message(
                N_(
                    "The file contains NUL characters, so it is not a text table. "
                    "Please upload an .xlsx or a UTF-8 .csv file."
                )
            )
        )
    return "csv"


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open an xlsx as a zip and refuse a damaged archive or a zip bomb before any inflating."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise _damaged() from None
    if len(infos) > MAX_MEMBERS:
        raise SheetError(Message(N_("The workbook contains too many parts to be a normal spreadsheet.")))
    total = sum(i.file_size for i in infos)
    too_dense = any(i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if total > MAX_UNCOMPRESSED or too_dense:
        raise SheetError(
            Message(
                N_(
                    "The workbook would unpack to %(mb)d MB, which is far more than a list of this kind "
                    "needs (a possible zip bomb). It was not opened."
                ),
                {"mb": total // (1024 * 1024)},
            )
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SheetError(
                Message(N_("This file is a Word document, not a spreadsheet. Please upload an .xlsx or .csv file."))
            )
        raise SheetError(Message(N_("This zip file is not an Excel workbook. Please upload an .xlsx or .csv file.")))
    return archive


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(
        Message(
            N_(
                "The text encoding of this CSV file is not recognised. "
                "Please save it as UTF-8 or as 'CSV (comma delimited)' from Excel."
            )
        )
    )
