"""Rendering HTML to PDF with WeasyPrint, never fetching anything from outside the app.

Templates refer to images and styles as `static:path` (files under competition/static), as
`data:` URIs, or as `upload:<storage key>` for organizer-provided images (seals, backgrounds).
Everything else (http, https, file, ftp ...) is refused, so a certificate or form can never
reach the network or read arbitrary files.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from weasyprint.text.fonts import FontConfiguration

STATIC = Path(__file__).parent / "static"


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
            path = (STATIC / url[len("static:"):]).resolve()
            if STATIC.resolve() not in path.parents or not path.is_file():
                raise FetchRefused(url)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path.name)})
        if url.startswith("upload:") and self._upload_reader is not None:
            key = url[len("upload:"):]
            return URLFetcherResponse(url, self._upload_reader(key), {"Content-Type": _mime(key, "image/png")})
        raise FetchRefused(f"refused to fetch {url!r}")


def _mime(name: str, default: str = "application/octet-stream") -> str:
    return mimetypes.guess_type(name)[0] or default


def make_url_fetcher(upload_reader=None) -> SafeFetcher:
    """upload_reader(key) -> bytes returns an uploaded image by its storage key."""
    return SafeFetcher(upload_reader)


_fonts = FontConfiguration()


def render_pdf(html: str, *, stylesheets: list[str] | None = None, target=None, upload_reader=None):
    """Render an HTML string; returns bytes, or writes to `target` (path or file) when given."""
    document = HTML(string=html, base_url="static:", url_fetcher=make_url_fetcher(upload_reader))
    css = [CSS(string=s, font_config=_fonts) for s in (stylesheets or [])]
    return document.write_pdf(target=target, stylesheets=css, font_config=_fonts)
