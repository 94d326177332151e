"""Small helpers shared by the forms of every area."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import wtforms
from flask import current_app, flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtf_translations
from werkzeug.datastructures import FileStorage
from wtforms import FileField, PasswordField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, StopValidation, ValidationError

from ..domain import characters
from ..i18n.messages import translate


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
        if field is not None and isinstance(getattr(field, "errors", None), list | tuple):
            field.errors = [*field.errors, message]  # a tuple before validation
        else:
            flash(message, "danger")


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (for a "next" or "back" address), else None: never
    another host, a scheme, a protocol-relative // or a backslash some browsers read as /."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class _Characters:
    """Refuse controls, noncharacters and lone surrogates, naming the field and the character."""

    def __init__(self, multiline: bool):
        self.multiline = multiline

    def __call__(self, form, field):
        found = (
            characters.first_illegal(field.data or "", multiline=self.multiline)
            if isinstance(field.data, str)
            else None
        )
        if found:
            raise StopValidation(
                _(
                    "%(field)s contains a character that is not allowed: %(char)s",
                    field=field.label.text,
                    char=translate(characters.describe(found)),
                )
            )


class _Length(Length):
    """Length with a message that names the field and the limit, in the user's language."""

    def __call__(self, form, field):
        length = len(field.data or "")
        if self.max != -1 and length > self.max:
            raise ValidationError(
                _(
                    "%(field)s may have at most %(max)d characters; this has %(length)d.",
                    field=field.label.text,
                    max=self.max,
                    length=length,
                )
            )
        if length < self.min:
            raise ValidationError(
                _("%(field)s needs at least %(min)d characters.", field=field.label.text, min=self.min)
            )


class _FileChosen:
    """A file that was chosen but holds no bytes is called empty (not "choose a file")."""

    def __call__(self, form, field):
        data = field.data
        if isinstance(data, FileStorage) and data.filename:
            stream = data.stream
            at = stream.tell()
            first = stream.read(1)
            stream.seek(at)
            if not first:
                raise StopValidation(_("The file %(name)s is empty.", name=data.filename[:80]))


def bind_checked(form, unbound_field, options):
    """Every text field gets NFC and the character check, and Length messages that name the field;
    every file field says when the chosen file is empty."""
    cls = unbound_field.field_class
    kwargs = dict(unbound_field.kwargs)
    validators = list(kwargs.get("validators") or ())
    if issubclass(cls, StringField) and not issubclass(cls, (PasswordField, CSRFTokenField)):
        kwargs["filters"] = [_nfc, *kwargs.get("filters", ())]
        validators = [
            _Characters(multiline=issubclass(cls, TextAreaField)),
            *(_Length(min=v.min, max=v.max) if type(v) is Length and v.message is None else v for v in validators),
        ]
    elif issubclass(cls, FileField):
        validators = [_FileChosen(), *validators]
    else:
        return unbound_field.bind(form=form, **options)
    kwargs["validators"] = validators
    return UnboundField(cls, *unbound_field.args, name=unbound_field.name, **kwargs).bind(form=form, **options)


class _CheckedMeta:
    """WTForms merges each form's Meta with its bases' Meta, so both bases below share this one."""

    def bind_field(self, form, unbound_field, options):
        return bind_checked(form, unbound_field, options)


class PageForm(FlaskForm):
    """The base of every page form (with its CSRF token): see bind_checked."""

    Meta = _CheckedMeta


class _RowMeta(_CheckedMeta):
    def get_translations(self, form):
        # A plain wtforms.Form answers in English ("Number must be between 0 and 100."): take
        # Flask-WTF's catalog, as the page forms do.
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return wtf_translations


class RowForm(wtforms.Form):
    """The base of a repeated row inside a page form (FormField), with the same checks and the
    same language."""

    Meta = _RowMeta


_SKIPPED = ("CSRFTokenField", "HiddenField")


def field_anchor(field) -> str:
    """The id a summary item links to: the field, or the first of its radio buttons or checkboxes
    (a page may render them one by one, without the list that holds the field's own id)."""
    if field.type == "FieldList":
        first = next(iter(field.entries), None)
        if first is None:
            return field.id
        return field_anchor(next(iter(first.form), first)) if first.type == "FormField" else field_anchor(first)
    if field.type == "FormField":
        return field_anchor(next(iter(field.form), field))
    if isinstance(field.widget, wtforms.widgets.ListWidget):
        return f"{field.id}-0"
    return field.id


def _field_errors(field, prefix: str, items: list) -> None:
    label = f"{prefix}{field.label.text}".strip()
    if field.type == "FormField":
        for sub in field.form:
            if sub.type not in _SKIPPED:
                _field_errors(sub, f"{prefix}{field.label.text} " if field.label.text else prefix, items)
        return
    if field.type == "FieldList":
        for i, entry in enumerate(field.entries, 1):
            if entry.type == "FormField":
                for sub in entry.form:
                    if sub.type not in _SKIPPED:
                        _field_errors(sub, f"{label} {i} ", items)
            else:
                items += [(f"{label} {i}：{e}", field_anchor(entry)) for e in entry.errors if isinstance(e, str)]
        # A problem of the whole list (a service's, appended as text) links to its first field.
        items += [(f"{label}：{e}", field_anchor(field)) for e in field.errors if isinstance(e, str)]
        return
    items += [(f"{label}：{e}", field_anchor(field)) for e in field.errors]


def error_items(*forms) -> list[tuple[str, str]]:
    """The field errors of the forms as (text, field id) pairs for the error summary macro, in the
    order of the fields: "label：message", rows of a FieldList named by number. Hidden fields and the
    CSRF token are left out (nobody can correct them on the page); a None form is skipped, and a
    list or tuple stands for its forms."""
    items: list[tuple[str, str]] = []
    for form in (f for group in forms for f in (group if isinstance(group, (list, tuple)) else [group])):
        for field in form or ():
            if field.type not in _SKIPPED:
                _field_errors(field, "", items)
    return items
