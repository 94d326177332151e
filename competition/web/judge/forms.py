"""Forms of the judge's area (the scores themselves are sent as JSON by the page's script)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import PageForm, choices


class ConflictForm(PageForm):
    kind = SelectField(
        _l("Kind of conflict"),
        choices=choices(
            [
                ("relative", _l("Relative or close relation")),
                ("advised", _l("Adviser of the entry")),
                ("other", _l("Other reason")),
            ]
        ),
        default="relative",
    )
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(message=_l("Please give the reason for the conflict.")), Length(max=500)]
    )


class SubmitAllForm(PageForm):
    """Only the CSRF token: submitting every complete draft is confirmed on the page."""
