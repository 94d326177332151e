"""Small helpers shared by the forms of every area."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import wtforms
from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import FileField, PasswordField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, StopValidation, ValidationError

from ..domain import characters
from ..messages import translate


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


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class _Characters:
    """Refuse controls, noncharacters and lone surrogates, naming the field and the character."""

    def __init__(self, multiline: bool):
        self.multiline = multiline

    def __call__(self, form, field):
        found = characters.first_illegal(field.data or "", multiline=self.multiline) \
            if isinstance(field.data, str) else None
        if found:
            raise StopValidation(_("%(field)s contains a character that is not allowed: %(char)s",
                                   field=field.label.text, char=translate(characters.describe(found))))


class _Length(Length):
    """Length with a message that names the field and the limit, in the user's language."""

    def __call__(self, form, field):
        length = len(field.data or "")
        if self.max != -1 and length > self.max:
            raise ValidationError(_("%(field)s may have at most %(max)d characters; this has %(length)d.",
                                    field=field.label.text, max=self.max, length=length))
        if length < self.min:
            raise ValidationError(_("%(field)s needs at least %(min)d characters.", field=field.label.text,
                                    min=self.min))


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
        validators = [_Characters(multiline=issubclass(cls, TextAreaField)), *(
            _Length(min=v.min, max=v.max) if type(v) is Length and v.message is None else v for v in validators)]
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


class RowForm(wtforms.Form):
    """The base of a repeated row inside a page form (FormField), with the same checks."""

    Meta = _CheckedMeta
