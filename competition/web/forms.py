"""Small helpers shared by the forms of every area."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; values keep their type, so `coerce` works as before."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(p[0], p[1]) for p in pairs]


def id_prefix(form, prefix: str):
    """Give every field of ``form`` (its CSRF token too) an id starting with ``prefix``, and its
    label the same ``for``: several forms on one page then repeat no id, and each label names its
    own field. Field names, which the server reads, stay as they are. Returns the form."""
    for f in form:
        if not f.id.startswith(prefix):
            f.id = prefix + f.id
        f.label.field_id = f.id
    return form


def show_service_error(form, exc, aliases: dict[str, str] | None = None) -> None:
    """Each problem of a ServiceError beside its field (every one, when the service lists several),
    else above the form. ``aliases`` maps a service's field name to the form's."""
    for field_name, message in getattr(exc, "problems", [(exc.field, exc.message)]):
        name = (aliases or {}).get(field_name, field_name)
        field = getattr(form, name, None) if name else None
        if field is not None and isinstance(getattr(field, "errors", None), list):
            field.errors.append(message)
        else:
            flash(message, "danger")


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (for a "next" or "back" address), else None: never
    another host, a scheme, a protocol-relative // or a backslash some browsers read as /."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
