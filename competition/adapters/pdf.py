"""Rendering HTML to PDF with WeasyPrint, never fetching anything from outside the app.

Templates refer to images and styles as `static:path` (files under competition/static), as
`data:` URIs, or as `upload:<storage key>` for organizer-provided images (seals, backgrounds).
Everything else (http, https, file, ftp ...) is refused, so a certificate or form can never
reach the network or read arbitrary files.
"""

from __future__ import annotations

import functools
import io
import mimetypes
import re
import secrets
import subprocess
from array import array
from collections.abc import Iterable
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..domain.characters import printable, without_direction_marks

STATIC = Path(__file__).parent.parent / "static"

# Colour emoji under a private family limited to emoji code points: the font also has digits,
# space, # and *, and would otherwise be picked for them ("2026 年"). Stacks name it last
# before the generic family. U+FE0F/U+200D are in the ranges so sequences stay in one font.
EMOJI_FAMILY = "competition-emoji"
EMOJI_FONT = "Noto Color Emoji"
EMOJI_RANGES = (
    (0x200D, 0x200D),
    (0x20E3, 0x20E3),
    (0x2300, 0x23FF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0xFE0F, 0xFE0F),
    (0x1F000, 0x1F2FF),
    (0x1F300, 0x1FAFF),
    (0xE0020, 0xE007F),
)
EMOJI_CSS = (
    f'@font-face {{ font-family: "{EMOJI_FAMILY}"; src: local("{EMOJI_FONT}"); unicode-range: '
    + ", ".join(f"U+{lo:X}" if lo == hi else f"U+{lo:X}-{hi:X}" for lo, hi in EMOJI_RANGES)
    + "; }"
)
# Loading the 11 MB font costs every document; only documents with emoji pay it.
_EMOJI = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in EMOJI_RANGES) + "]")


def _font_file(family: str) -> str | None:
    """The file fontconfig holds for `family` (only if that family is really installed)."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = out.partition("\n")
    return file if family in families.split(",") and file else None


@functools.cache
def emoji_font_file() -> str | None:
    return _font_file(EMOJI_FONT)


class FetchRefused(ValueError):
    pass


class SafeFetcher(URLFetcher):
    """Serves static:, upload: and data: URLs; refuses everything else."""

    def __init__(self, upload_reader=None):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self._upload_reader = upload_reader

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("static:"):
            path = (STATIC / url[len("static:") :]).resolve()
            if STATIC.resolve() not in path.parents or not path.is_file():
                raise FetchRefused(url)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path.name)})
        if url.startswith("file:") and (font := emoji_font_file()) and url == Path(font).as_uri():
            # src: local() of EMOJI_CSS resolves to this file; no other file is readable
            return URLFetcherResponse(url, Path(font).read_bytes(), {"Content-Type": "font/ttf"})
        if url.startswith("upload:") and self._upload_reader is not None:
            key = url[len("upload:") :]
            return URLFetcherResponse(url, self._upload_reader(key), {"Content-Type": _mime(key, "image/png")})
        raise FetchRefused(f"refused to fetch {url!r}")


def _mime(name: str, default: str = "application/octet-stream") -> str:
    return mimetypes.guess_type(name)[0] or default


def make_url_fetcher(upload_reader=None) -> SafeFetcher:
    """upload_reader(key) -> bytes returns an uploaded image by its storage key."""
    return SafeFetcher(upload_reader)


_fonts = FontConfiguration()


def render_pdf(html: str, *, stylesheets: list[str] | None = None, target=None, upload_reader=None, zoom: float = 1):
    """Render an HTML string; returns bytes, or writes to `target` (path or file) when given.
    `zoom` scales everything, page size included (a layout designed for one paper size printed
    on another of the same proportions).

    Control and noncharacter code points (in text stored before the input checks) are removed:
    WeasyPrint would print each as an empty box. So are direction marks, overrides and isolates:
    a U+202E in a name would print the rest of its line backwards (templates set no direction)."""
    document = HTML(
        string=without_direction_marks(printable(html)), base_url="static:", url_fetcher=make_url_fetcher(upload_reader)
    )
    css = [
        CSS(string=s, font_config=_fonts, url_fetcher=document.url_fetcher)
        for s in [*([EMOJI_CSS] if _EMOJI.search(html) else []), *(stylesheets or [])]
    ]
    return document.write_pdf(target=target, stylesheets=css, font_config=_fonts, zoom=zoom)


class PdfJoiner:
    """Concatenates PDFs (WeasyPrint's chunks) into one, writing each part's objects to `target` as
    soon as it is added: only an offset per object and a node per part stay in memory, where
    pypdf's PdfWriter kept every page, content stream and font subset until the end (about 45 KB
    a page). Pages keep their order, content streams and fonts byte for byte (each part keeps its
    own font subsets, as before); objects are renumbered into one numbering.

    Page tree: root /Pages (object 2) -> a node per GROUP parts -> a node per part -> its pages,
    so no /Kids array gets long (old readers stop at 8,191 elements). The catalog (1) and the
    document information (3) are written by close(). `target` only needs write()."""

    CATALOG, PAGES, INFO = 1, 2, 3
    GROUP = 1000

    def __init__(self, target):
        self._target = target
        self._pos = 0
        self._offsets = array("Q", [0] * 4)  # file offset by object number; 0 is the free-list head
        self._groups: list[tuple[int, list[tuple[int, int]]]] = []  # (node, [(part node, pages)])
        self._lang = None
        self._producer = None
        self.pages = 0

    def write(self, data: bytes) -> None:
        self._target.write(data)
        self._pos += len(data)

    def _number(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, number: int, obj) -> None:
        self._offsets[number] = self._pos
        self.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(self)
        self.write(b"\nendobj\n")

    def add(self, pdf: bytes) -> None:
        """Append every page of `pdf` (and what its pages use) at the end."""
        from pypdf import PdfReader
        from pypdf.generic import IndirectObject, NameObject, NullObject

        reader = PdfReader(io.BytesIO(pdf))
        catalog = reader.trailer["/Root"]
        if not self._pos:
            self.write(reader.pdf_header.encode("ascii", "replace")[:8] + b"\n%\xe2\xe3\xcf\xd3\n")
            self._lang = catalog.get("/Lang")
            self._producer = (reader.metadata or {}).get("/Producer")
        if not self._groups or len(self._groups[-1][1]) == self.GROUP:
            self._groups.append((self._number(), []))
        group, parts = self._groups[-1]
        node = self._number()
        # Old number -> new number. The part's catalog and page tree are replaced by ours, so
        # nothing pointing at them drags them along.
        numbers = {reader.trailer.raw_get("/Root").idnum: self.CATALOG, catalog.raw_get("/Pages").idnum: node}
        pages = list(reader.pages)  # flattened: inherited /Resources, /MediaBox are on each page
        for page in pages:
            numbers[page.indirect_reference.idnum] = self._number()
        waiting: list[int] = []

        def relink(obj) -> None:
            """Point the references inside `obj` at the new numbers, queueing the objects met first."""
            for key, value in list(obj.items() if isinstance(obj, dict) else enumerate(obj)):
                if isinstance(value, IndirectObject):
                    new = numbers.get(value.idnum)
                    if new is None:
                        new = numbers[value.idnum] = self._number()
                        waiting.append(value.idnum)
                    obj[key] = IndirectObject(new, 0, None)
                elif isinstance(value, (dict, list)):
                    relink(value)

        kids = []
        for page in pages:
            del page[NameObject("/Parent")]
            relink(page)
            page[NameObject("/Parent")] = self._ref(node)
            kids.append(numbers[page.indirect_reference.idnum])
            self._object(kids[-1], page)
            while waiting:
                old = waiting.pop()
                obj = reader.get_object(old)
                if obj is None:  # a reference to a missing object means null (PDF 7.3.10)
                    obj = NullObject()
                elif isinstance(obj, (dict, list)):
                    relink(obj)
                self._object(numbers[old], obj)
        self._object(
            node, self._dict(Type=NameObject("/Pages"), Parent=self._ref(group), Kids=self._refs(kids), Count=len(kids))
        )
        parts.append((node, len(kids)))
        self.pages += len(kids)

    @staticmethod
    def _ref(number: int):
        from pypdf.generic import IndirectObject

        return IndirectObject(number, 0, None)

    def _refs(self, numbers: Iterable[int]):
        from pypdf.generic import ArrayObject

        return ArrayObject(self._ref(n) for n in numbers)

    @staticmethod
    def _dict(**entries):
        from pypdf.generic import DictionaryObject, NameObject, NumberObject, PdfObject, create_string_object

        def pdf(value):
            if isinstance(value, PdfObject):  # a NameObject is a str too: keep it a name
                return value
            return NumberObject(value) if isinstance(value, int) else create_string_object(value)

        return DictionaryObject({NameObject(f"/{k}"): pdf(v) for k, v in entries.items() if v is not None})

    def close(self, *, title: str, creator: str) -> None:
        """Write the top of the page tree, the catalog, the document information and the xref table."""
        from pypdf.generic import NameObject

        if not self._groups:
            raise ValueError("PdfJoiner.close() before any add()")
        for group, parts in self._groups:
            self._object(
                group,
                self._dict(
                    Type=NameObject("/Pages"),
                    Parent=self._ref(self.PAGES),
                    Kids=self._refs(n for n, _count in parts),
                    Count=sum(count for _n, count in parts),
                ),
            )
        self._object(
            self.PAGES,
            self._dict(Type=NameObject("/Pages"), Kids=self._refs(g for g, _p in self._groups), Count=self.pages),
        )
        self._object(
            self.CATALOG, self._dict(Type=NameObject("/Catalog"), Pages=self._ref(self.PAGES), Lang=self._lang)
        )
        self._object(self.INFO, self._dict(Title=title, Creator=creator, Producer=self._producer))
        start, size = self._pos, len(self._offsets)
        self.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for first in range(1, size, 4096):  # in slices, so the table is never one big string
            self.write(b"".join(b"%010d 00000 n \n" % self._offsets[n] for n in range(first, min(first + 4096, size))))
        file_id = secrets.token_hex(16).encode()
        self.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
            % (size, self.CATALOG, self.INFO, file_id, file_id)
        )
        self.write(b"startxref\n%d\n%%%%EOF\n" % start)
