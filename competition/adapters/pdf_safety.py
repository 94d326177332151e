"""Does a PDF carry JavaScript? Asked of the parsed document (pikepdf), not of its bytes.

A byte search both misses scripts inside compressed object streams and refuses harmless text that
merely mentions JavaScript. Here every object reachable from the trailer is walked (object streams
are read by qpdf) and a PDF is refused when it has:
- an action of type /JavaScript, or any dictionary with a /JS entry (an /OpenAction, a link's /A,
  an /AA additional action of a page, annotation, field or the document, a /Next chained action);
- a /JavaScript name tree under the catalog's /Names.
Stream data (page text) is not looked at, so a report about JavaScript is accepted.
"""

from __future__ import annotations

from typing import BinaryIO

import pikepdf

MAX_OBJECTS = 500_000  # a walk this long is itself a sign of a hostile file


class PdfUnreadable(Exception):
    """pikepdf could not open the file."""


def has_javascript(fh: BinaryIO) -> bool:
    fh.seek(0)
    try:
        with pikepdf.open(fh) as pdf:
            names = pdf.Root.get("/Names")
            if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
                return True
            return _walk(pdf.trailer)
    except pikepdf.PdfError as exc:
        raise PdfUnreadable(str(exc)) from None
    finally:
        fh.seek(0)


def _walk(root) -> bool:
    seen: set[tuple[int, int]] = set()
    todo = [root]
    steps = 0
    while todo:
        obj = todo.pop()
        steps += 1
        if steps > MAX_OBJECTS:
            return True
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            continue  # names, numbers, strings: nothing to follow
        if obj.is_indirect:
            key = obj.objgen
            if key in seen:
                continue
            seen.add(key)
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            if "/JS" in obj or obj.get("/S") == pikepdf.Name.JavaScript:
                return True
            todo.extend(v for k, v in obj.items() if k != "/Parent")
        elif isinstance(obj, pikepdf.Array):
            todo.extend(obj)
    return False
