"""The permission rules as views apply them: `role_required` on a route, `entry_or_403` to load an
entry under a rule. The rules themselves live in competition/services/permissions.py (services check
them too); they are named here as well, so a view finds every rule in one module."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..models import Entry
from ..services.permissions import (  # noqa: F401  (the rules, for views)
    can_download_attachment,
    can_download_certificate,
    can_edit_entry,
    can_read_id_number,
    can_review_entry,
    can_score,
    can_view_entry,
    entry_is_gone,
    is_organizer,
    judge_sees_entry,
)


def shown_id_number(entry: Entry, number: str | None) -> str:
    """A student's 身份证号 as the logged-in user may read it: whole or masked (templates)."""
    from ..domain.id_numbers import mask_id_number

    if not number:
        return ""
    return number if can_read_id_number(current_user, entry) else mask_id_number(number)


def role_required(*roles: str):
    """Refuse (403) unless the logged-in user has one of the roles; anonymous users log in first."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from ..extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def entry_or_403(entry_id: int, check) -> Entry:
    """Load an entry and apply a rule; a missing (or deleted) id answers 404. A forbidden one
    answers 403 only to someone who may see the entry anyway (its school, say, on a locked entry);
    to anyone else 404, so that the answer does not tell which ids exist."""
    from ..services import lookup

    entry = lookup.get(Entry, entry_id)
    if entry is None or entry_is_gone(current_user, entry):
        abort(404)
    if not check(current_user, entry):
        abort(403 if can_view_entry(current_user, entry) else 404)
    return entry
