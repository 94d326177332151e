"""A section's 申报书 fields: which of them an entry must fill in before it is submitted."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ....domain.application_fields import ADVISER_FIELDS, STUDENT_FIELDS
from ....i18n.messages import translate
from ....models import Section
from ....services import contests as service
from ... import doorway
from ...forms import PageForm, choices
from ...loaders import contest_or_404, part_of_or_404
from .blueprint import bp


class RequiredFieldsForm(PageForm):
    fields = SelectMultipleField(
        _l("Required for submission"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )


@bp.route("/contests/<int:contest_id>/sections/<int:section_id>/fields", methods=["GET", "POST"])
def section_fields(contest_id: int, section_id: int):
    contest = contest_or_404(contest_id)
    section = part_of_or_404(Section, section_id, contest_id=contest.id)
    form = RequiredFieldsForm()
    form.fields.choices = choices((f.code, translate(f.label)) for f in STUDENT_FIELDS + ADVISER_FIELDS)
    if request.method == "GET":
        form.fields.data = list(section.required_fields or [])
    elif form.validate_on_submit():
        doorway.on_refusal(form=form, render=lambda: _page(contest, section, form), status=None)
        service.update_required_fields(section, form.fields.data or [], actor=current_user)
        flash(_("The required fields of %(section)s have been saved.", section=section.name), "success")
        return redirect(url_for("organizer.setup.contest", contest_id=contest.id))
    return _page(contest, section, form)


def _page(contest, section, form):
    chosen = set(form.fields.data or [])
    return render_template(
        "organizer/setup/section_fields.html",
        contest=contest,
        section=section,
        form=form,
        chosen=chosen,
        groups=[(_("Each student"), STUDENT_FIELDS), (_("Each adviser"), ADVISER_FIELDS)],
        closed=service.section_fields_refusal(section),
    ), 400 if form.errors else 200
