"""What the organizer's import pages ask beyond `apply`: a row written meanwhile refused as a problem."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import ServiceError, imports


def apply_confirmed(kind: str, data: bytes, filename: str, **options) -> imports.Outcome:
    """`imports.apply`, with a row someone else wrote meanwhile (a unique name or number taken
    since the preview) refused like any other problem; the caller's transaction is rolled back."""
    try:
        return imports.apply(kind, data, filename, **options)
    except IntegrityError as exc:
        raise ServiceError(
            _(
                "Someone changed the same data in the meantime; nothing was imported. "
                "Check the preview and confirm again."
            )
        ) from exc
