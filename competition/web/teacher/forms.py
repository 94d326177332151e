"""The entry form: basic data, students and advisers as repeatable rows (teacher.js adds rows)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ...domain.application_fields import STUDENT_TEXTS
from ...domain.eligibility import GENDERS, GRADES
from ..forms import PageForm, RowForm
from ..forms import choices as shared_choices


def choices(pairs) -> list:
    """Choices whose values are text, as the teacher's form fields compare them."""
    return shared_choices((str(value), label) for value, label in pairs)


GENDER_CHOICES = choices([("", "—")] + [(g, g) for g in GENDERS])
GRADE_CHOICES = choices([("", "—")] + [(g, g) for g in GRADES])


class StudentForm(RowForm):
    name = StringField(_l("Full name"), validators=[Optional(), Length(max=50)])
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, validate_choice=False)
    grade = SelectField(_l("Grade"), choices=GRADE_CHOICES, validate_choice=False)
    school_name = StringField(_l("School (full name)"), validators=[Optional(), Length(max=120)])
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    # the rest of the province's 申报书 (domain/application_fields.py)
    ethnicity = StringField(_l("Ethnicity"), validators=[Optional(), Length(max=20)])
    id_number = StringField(_l("Identity card number"), validators=[Optional(), Length(max=30)])
    guardian_name = StringField(_l("Parent's name"), validators=[Optional(), Length(max=50)])
    guardian_relation = StringField(_l("Relation to the applicant"), validators=[Optional(), Length(max=20)])
    guardian_work = StringField(_l("Parent's work unit and post"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)])
    team_role = StringField(_l("Part in the team's work"), validators=[Optional(), Length(max=200)])
    photo_id = HiddenField()  # the photo this row carries (uploaded on the entry page)

    TYPED = ("name", "gender", "grade", "id_number", *STUDENT_TEXTS)

    def is_blank(self) -> bool:
        # The school name alone does not count: new rows come with it filled in, and a draft
        # saved with only its title must not fail on an untouched student row.
        return not (
            any((self[name].data or "").strip() for name in self.TYPED)
            or self.birth_date.data
            or self.birth_date.raw_data
            and any(self.birth_date.raw_data)
        )

    def photo(self) -> int | None:
        value = (self.photo_id.data or "").strip()
        return int(value) if value.isdigit() else None


class AdviserForm(RowForm):
    name = StringField(_l("Full name"), validators=[Optional(), Length(max=50)])
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, validate_choice=False)
    unit = StringField(_l("Work unit"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    age = IntegerField(_l("Age"), validators=[Optional()])
    major = StringField(_l("Field of study"), validators=[Optional(), Length(max=50)])
    title = StringField(_l("Professional title"), validators=[Optional(), Length(max=50)])

    def is_blank(self) -> bool:
        typed = (self.name, self.gender, self.unit, self.phone, self.major, self.title)
        return not (any((f.data or "").strip() for f in typed) or self.age.data is not None)


class EntryForm(PageForm):
    title = StringField(
        _l("Entry title"), validators=[InputRequired(message=_l("The title is required.")), Length(max=200)]
    )
    section = SelectField(_l("Section"), coerce=int, validate_choice=False)
    # No maxlength in the browser: a pasted abstract that is too long is kept whole and shown with
    # its length (teacher.js counts as one types), rather than silently cut.
    abstract = TextAreaField(
        _l("Abstract"),
        validators=[
            Optional(),
            Length(max=3000, message=_l("At most %(max)d characters; this text has %(length)d. Shorten it.")),
        ],
        filters=[lambda v: v.replace("\r\n", "\n") if v else v],
        render_kw={"rows": 6, "data-count-max": "3000", "maxlength": False},
    )
    stage = SelectField(_l("Stage"), validate_choice=False)
    subject = SelectField(_l("Subject"), validate_choice=False)
    is_team = RadioField(
        _l("Entered as"),
        choices=choices([("0", _l("Individual")), ("1", _l("Team"))]),
        default="0",
        validate_choice=False,
    )
    group_name = StringField(_l("Group name"), validators=[Optional(), Length(max=120)])
    students = FieldList(FormField(StudentForm), label=_l("Student"))
    advisers = FieldList(FormField(AdviserForm), label=_l("Adviser"))
    completed_on = DateField(_l("Work completed on"), validators=[Optional()])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])
    data_confirmed = BooleanField(
        _l(
            "I have checked that names, genders, grades and school names are exactly "
            "as they must be printed on certificates."
        )
    )
