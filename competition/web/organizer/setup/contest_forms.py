"""The contest pages' forms and what they share: the basics of a new contest, its settings, its
definition, its state, and how a refused save is shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ....domain.contest_definition import METHODS
from ....domain.ranking import METHOD_LABELS
from ....i18n.labels import CONTEST_KIND_LABELS
from ....services import ServiceError
from ....services.contests import ELIGIBILITY_KEYS
from ... import doorway
from ...forms import PageForm, RowForm, choices, show_service_error

WINDOWS = ("submission_opens_at", "submission_closes_at", "judging_opens_at", "judging_closes_at")
TEMPLATE_LABELS = {
    "innovation": _l("Youth science and technology innovation contest (student projects, counselor projects)"),
    "invention": _l("Invention contest (invention, creative design)"),
    "film": _l("Science film festival (documentary, micro film, animation)"),
}
# What each state means for the people using the system.
STATE_HELP = {
    "draft": _l("Only organizers see the contest. Set up sections, materials, rubric and windows."),
    "open": _l(
        "Teachers create, edit and submit entries until the submission deadline. "
        "Reviewers can already check submitted entries."
    ),
    "closed": _l("No new submissions. Reviewers finish the format review: accept (number), return or reject."),
    "judging": _l("Judges see the entries assigned to them and score them. Entries can no longer change."),
    "results": _l(
        "Judging is over. Organizers rank the entries and settle awards and nominations; nothing is public yet."
    ),
    "published": _l("Results are on public notice (公示); objections are recorded and settled."),
    "final": _l("Results are final: certificates and the provincial nomination list. Nothing can move back."),
}


def _dt(label):
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[Optional()])


class BasicsForm(PageForm):
    name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=120)])
    full_name = StringField(_l("Full name (printed on certificates)"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    edition = IntegerField(_l("Edition (第N届)"), validators=[Optional(), NumberRange(1, 1000)])
    kind = SelectField(_l("Kind"), choices=choices(CONTEST_KIND_LABELS.items()))
    submission_opens_at = _dt(_l("Submissions open"))
    submission_closes_at = _dt(_l("Submissions close"))
    judging_opens_at = _dt(_l("Judging opens"))
    judging_closes_at = _dt(_l("Judging closes"))
    blind_judging = BooleanField(_l("Blind judging: judges do not see names of students, teachers and schools"))
    judges_per_entry = IntegerField(_l("Judges per entry"), validators=[InputRequired(), NumberRange(1, 30)])
    ranking_method = SelectField(_l("Ranking method"), choices=choices((m, _l(METHOD_LABELS[m])) for m in METHODS))


class NewContestForm(BasicsForm):
    code = StringField(
        _l("Short code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use only letters, digits, - and _.")),
        ],
    )
    template = SelectField(_l("Start from"), choices=[], render_kw={"data-kind-follows": "kind"})


class LevelForm(RowForm):
    name = StringField(_l("Award level"), validators=[Optional(), Length(max=20)])
    percent = DecimalField(_l("Share in percent"), places=1, validators=[Optional(), NumberRange(0, 100)])
    min_score = DecimalField(_l("Minimum score"), places=1, validators=[Optional(), NumberRange(0, 100)])


class SettingsForm(BasicsForm):
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    levels = FieldList(FormField(LevelForm), label=_l("Award levels"), min_entries=4, max_entries=6)
    award_max_share = DecimalField(
        _l("At most this share of a group is awarded, in percent"),
        places=0,
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    award_min_group_size = IntegerField(
        _l("Smallest group awarded by proportion"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    vocational_own_stage = BooleanField(_l("中专 is a stage of its own (a team may not mix 高中 and 中专 students)"))
    team_same_district = BooleanField(_l("A team's members all come from one district (区县)"))
    one_entry_per_student = BooleanField(_l("One entry per student per contest"))
    team_fixed_once_submitted = BooleanField(_l("A team's members are fixed once the entry is submitted"))
    one_counselor_entry_per_teacher = BooleanField(_l("One 科技辅导员 entry per teacher per contest"))
    work_completed_within_years = IntegerField(
        _l("The work was completed within this many years before 1 July of the contest's year"),
        validators=[InputRequired(), NumberRange(0, 10)],
    )
    excellence_award = BooleanField(_l("Also award 优秀奖 (honourable mention)"))
    excellence_min = DecimalField(
        _l("Minimum score for 优秀奖"), places=1, validators=[Optional(), NumberRange(0, 100)]
    )
    nomination_quota = IntegerField(
        _l("Nomination quota (projects recommended to the next round)"), validators=[Optional(), NumberRange(0, 10000)]
    )
    nomination_levels = StringField(_l("Levels that may be nominated"), validators=[Optional(), Length(max=100)])
    share_primary = DecimalField(_l("小学 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    share_junior = DecimalField(_l("初中 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    share_senior = DecimalField(_l("高中 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    share_vocational = DecimalField(_l("中专 share in percent"), places=0, validators=[Optional(), NumberRange(0, 100)])
    nomination_share_rounding = SelectField(
        _l("Places from the shares"),
        choices=choices([("half_up", _l("rounded half up (四舍五入)")), ("floor", _l("rounded down"))]),
    )
    nomination_min_score = DecimalField(
        _l("Minimum score for a nomination"), places=1, validators=[InputRequired(), NumberRange(0, 100)]
    )
    nomination_school_cap = IntegerField(_l("At most per school"), validators=[Optional(), NumberRange(1, 1000)])
    nomination_district_cap = IntegerField(_l("At most per district"), validators=[Optional(), NumberRange(1, 1000)])
    entry_number_pattern = StringField(_l("Entry number pattern"), validators=[DataRequired(), Length(max=80)])
    material_file_pattern = StringField(_l("File names of the materials"), validators=[DataRequired(), Length(max=120)])
    number_pattern = StringField(_l("Certificate number pattern"), validators=[DataRequired(), Length(max=80)])
    notice_days = IntegerField(_l("Days of public notice (公示)"), validators=[InputRequired(), NumberRange(1, 60)])
    notice_contact = StringField(
        _l("Where objections are received (unit and contact)"), validators=[Optional(), Length(max=200)]
    )
    notice_show_names = BooleanField(_l("Show students' names on the public notice"))


class DefinitionForm(PageForm):
    text = TextAreaField(
        _l("Definition (YAML)"), validators=[Optional()], render_kw={"rows": 16, "spellcheck": "false"}
    )
    file = FileField(_l("…or upload a YAML file"))
    update = BooleanField(_l("If a contest with this code exists, update it"))


class StateForm(PageForm):
    target = StringField(validators=[DataRequired()])
    reason = StringField(_l("Note for the audit log (optional)"), validators=[Optional(), Length(max=500)])


def _basics(form: BasicsForm) -> dict:
    values = {
        name: getattr(form, name).data
        for name in (
            "name",
            "full_name",
            "year",
            "edition",
            "kind",
            "blind_judging",
            "judges_per_entry",
            "ranking_method",
        )
    }
    values["name"] = values["name"].strip()
    values["full_name"] = values["full_name"].strip()
    return values


# The form's fields by what may lock them (services.contests.SettingsLocks): the result rules
# (RESULT_RULE_KEYS) and the eligibility rules (ELIGIBILITY_KEYS).
RULE_FIELDS = (
    "levels",
    "excellence_award",
    "excellence_min",
    "award_max_share",
    "award_min_group_size",
    "nomination_quota",
    "nomination_levels",
    "share_primary",
    "share_junior",
    "share_senior",
    "share_vocational",
    "nomination_share_rounding",
    "nomination_min_score",
    "nomination_school_cap",
    "nomination_district_cap",
    "judges_per_entry",
    "ranking_method",
)
ELIGIBILITY_FIELDS = ELIGIBILITY_KEYS  # each field is named as its setting

# Settings the service names by key, shown beside the form field that sets them.
_FIELD_OF_SETTING = {"award_levels": "levels", "nomination_stage_shares": "share_primary"}


def _apply_service_error(form, exc: ServiceError) -> None:
    show_service_error(form, exc, _FIELD_OF_SETTING)


def _refuse_as_problems(page) -> None:
    """A refused definition shows the page again with the problems it lists, one a line."""
    doorway.on_refusal(respond=lambda exc: page(exc.message.split("\n")))
