from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import PageForm


class AcceptForm(PageForm):
    version = HiddenField()


class ReturnForm(PageForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("What must the school correct?"),
        validators=[DataRequired(message=_l("Write the reason; the teacher will see it.")), Length(max=2000)],
        render_kw={"rows": 4},
    )
    resubmit_by = DateTimeLocalField(
        _l("Resubmit by (Beijing time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(message=_l("Give the date by which the school must resubmit."))],
    )
    # the team is fixed once submitted (national rules); only the reviewer may open it again
    allow_team_change = BooleanField(_l("The school may change the team's members"))


class RejectForm(PageForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("Why is the entry rejected?"),
        validators=[DataRequired(message=_l("Write the reason; the teacher will see it.")), Length(max=2000)],
    )


class BulkAcceptForm(PageForm):
    """Only the CSRF token: the selected entries come as entry_ids checkboxes."""


def version_of(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None
