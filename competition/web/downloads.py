"""One way to send a file to the browser, so that every download's name is safe.

A name made from stored text (a contest name with a newline, a slash or a bidi override, a
teacher's file name) would otherwise break the Content-Disposition header (Werkzeug refuses a
newline with a 500) or save under a name Windows refuses."""

from __future__ import annotations

import io

from flask import send_file

from ..services.exports import download_name


def send_download(source, name: str, mimetype: str, *, as_attachment: bool = True, **options):
    """`source` is bytes, a path or a file object; `options` go to Flask's send_file."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return send_file(
        source, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name(name), **options
    )
