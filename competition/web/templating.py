"""Template filters and globals shared by every blueprint."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_app_context
from flask_babel import get_locale, get_translations

from ..adapters.storage import display_name
from ..domain import states
from ..i18n import labels
from ..i18n.timeutil import utc_to_local
from .forms import error_items
from .permissions import shown_id_number


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Stored times are naive UTC; people read DISPLAY_TIMEZONE."""
    local = utc_to_local(value)
    return local.strftime(fmt) if local else ""


_catalogs: dict = {}


def current_translations():
    """The request's catalog. Flask-Babel finds it through several context lookups per call and a
    page calls gettext fifty times or more, so once the request's locale is chosen (the first
    call chooses it; force_locale changes it) the catalog is taken from a dict by locale."""
    ctx = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return get_translations()
    catalog = _catalogs.get(locale)
    if catalog is None:
        catalog = _catalogs[locale] = get_translations()
    return catalog


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.add_template_filter(localtime, "localtime")
    # Every stored file name on a page: old rows may hold a U+202E that reverses what follows.
    app.add_template_filter(display_name, "file_name")
    app.jinja_env.globals.update(
        get_locale=get_locale,
        ENTRY_STATE_LABELS=labels.ENTRY_STATE_LABELS,
        CONTEST_STATE_LABELS=labels.CONTEST_STATE_LABELS,
        ROLE_LABELS=labels.ROLE_LABELS,
        CONTEST_KIND_LABELS=labels.CONTEST_KIND_LABELS,
        STATE_BADGES=labels.STATE_BADGES,
        # the states and their predicates, so templates name no state string
        EntryState=states.EntryState,
        ContestState=states.ContestState,
        RoundState=states.RoundState,
        SheetState=states.SheetState,
        JobState=states.JobState,
        results_public=states.results_public,
        is_final=states.is_final,
        is_on_notice=states.is_on_notice,
        can_rank=states.can_rank,
        in_review=states.in_review,
        is_editable=states.is_editable,
        error_items=error_items,
        shown_id_number=shown_id_number,
    )
