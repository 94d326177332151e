"""How the audit log shows an event: labels for objects, fields and values, and the before/after
rows of a change."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ....i18n.labels import CONTEST_STATE_LABELS, ENTRY_STATE_LABELS
from ....i18n.timeutil import utc_to_local

OBJECT_LABELS = {
    "user": _l("Account"),
    "school": _l("School"),
    "district": _l("District"),
    "contest": _l("Contest"),
    "entry": _l("Entry"),
    "attachment": _l("Material"),
    "scoresheet": _l("Score sheet"),
    "result": _l("Result"),
    "certificate": _l("Certificate"),
    "round": _l("Round"),
    "assignment": _l("Assignment"),
    "objection": _l("Objection"),
    "objectionfile": _l("File of an objection"),
    "conflict": _l("Conflict of interest"),
    "localproxy": _l("Account"),  # events recorded before services/audit.py unwrapped current_user
    "rubric": _l("Rubric"),
    "adviser": _l("Adviser"),
    "auditevent": _l("Audit event"),
    "certificateasset": _l("Certificate artwork"),
    "certificaterevision": _l("Certificate revision"),
    "criterion": _l("Criterion"),
    "entrynumbercounter": _l("Entry number counter"),
    "job": _l("Background task"),
    "materialrequirement": _l("Required material"),
    "passwordreset": _l("Password reset link"),
    "rankingrun": _l("Ranking run"),
    "roundentry": _l("Entry in a round"),
    "roundjudge": _l("Judge of a round"),
    "section": _l("Section"),
    "student": _l("Student"),
    "studentphoto": _l("ID photo"),
    "tiedecision": _l("Tie decision"),
    "userrole": _l("Role of an account"),
    "loginthrottle": _l("Failed logins of an account from one address"),
    "notification": _l("Message"),
    "notificationdelivery": _l("Email of a message"),
    "notificationpreference": _l("Notification setting"),
}
# Keys that often appear in before/after; others are shown as they are stored.
FIELD_LABELS = {
    "title": _l("Title"),
    "state": _l("State"),
    "number": _l("Number"),
    "name": _l("Name"),
    "username": _l("Username"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "abstract": _l("Abstract"),
    "students": _l("Students"),
    "advisers": _l("Advisers"),
    "roles": _l("Roles"),
    "active": _l("Enabled"),
    "reason": _l("Reason"),
    "gender": _l("Gender"),
    "school_id": _l("School (id)"),
    "district_id": _l("District (id)"),
    "affiliation": _l("Work unit"),
    "subjects": _l("Subjects"),
    "code": _l("Code"),
    "full_name": _l("Full name"),
    "year": _l("Year"),
    "edition": _l("Edition"),
    "kind": _l("Kind"),
    "description": _l("Description"),
    "blind_judging": _l("Blind judging"),
    "judges_per_entry": _l("Judges per entry"),
    "ranking_method": _l("Ranking method"),
    "submission_opens_at": _l("Submissions open"),
    "submission_closes_at": _l("Submissions close"),
    "judging_opens_at": _l("Judging opens"),
    "judging_closes_at": _l("Judging closes"),
    "submission_opens": _l("Submissions open"),
    "submission_closes": _l("Submissions close"),
    "judging_opens": _l("Judging opens"),
    "judging_closes": _l("Judging closes"),
    "award_levels": _l("Award levels"),
    "excellence_award": _l("Also award 优秀奖 (honourable mention)"),
    "nomination_quota": _l("Nomination quota"),
    "nomination_levels": _l("Levels that may be nominated"),
    "nomination_stage_shares": _l("Stage shares of the nominations"),
    "nomination_school_cap": _l("At most per school"),
    "nomination_district_cap": _l("At most per district"),
    "award_max_share": _l("Largest share of a group awarded"),
    "award_min_group_size": _l("Smallest group awarded by proportion"),
    "vocational_own_stage": _l("中专 is a stage of its own (a team may not mix 高中 and 中专 students)"),
    "team_same_district": _l("A team's members all come from one district (区县)"),
    "one_entry_per_student": _l("One entry per student per contest"),
    "team_fixed_once_submitted": _l("A team's members are fixed once the entry is submitted"),
    "one_counselor_entry_per_teacher": _l("One 科技辅导员 entry per teacher per contest"),
    "work_completed_within_years": _l(
        "The work was completed within this many years before 1 July of the contest's year"
    ),
    "subject_editions": _l("Subject list of each section (the year it took effect)"),
    "nomination_share_rounding": _l("Places from the shares"),
    "nomination_min_score": _l("Minimum score for a nomination"),
    "entry_number_pattern": _l("Entry number pattern"),
    "material_file_pattern": _l("File names of the materials"),
    "number_pattern": _l("Certificate number pattern"),
    "notice_days": _l("Days of public notice (公示)"),
    "notice_contact": _l("Where objections are received (unit and contact)"),
    "notice_show_names": _l("Show students' names on the public notice"),
    "sections": _l("Sections"),
    "rounds": _l("Rounds"),
    "resubmit_by": _l("Resubmit by"),
    "allow_team_change": _l("The school may change the team's members"),
    "provincial_outcome": _l("Provincial outcome"),
    "judge_id": _l("Judge (id)"),
    "entry_id": _l("Entry (id)"),
    "published": _l("Published"),
    "published_at": _l("Published at"),
    "notice_ends_at": _l("Public notice ends"),
    "locked_at": _l("Locked at"),
    "assignments": _l("Assignments"),
    "kept": _l("Kept"),
    "released": _l("Released"),
    "pool": _l("Judge pool"),
    "judges": _l("Judges"),
    "weights": _l("Weights"),
    "scores": _l("Scores"),
    "expires_in_hours": _l("Valid for (hours)"),
    "max_score": _l("Maximum score"),
    "weight": _l("Weight"),
    "descriptors": _l("Descriptors"),
    "sort_order": _l("Position"),
    "full_scale": _l("Full marks (sum of weight × maximum)"),
    "round": _l("Round"),
    "section": _l("Section"),
    "student": _l("Student"),
    "photo_id": _l("ID photo"),
    "required_fields": _l("Application form fields"),
    "criteria": _l("Criteria"),
    "file": _l("File"),
    "import": _l("File"),
    "sheet": _l("Sheet"),
    "created": _l("New"),
    "updated": _l("Change"),
    "changes": _l("Changes"),
    # results
    "method": _l("Ranking method"),
    "combination": _l("Combining the rounds"),
    "mode": _l("Combining the rounds"),
    "entries": _l("Entries"),
    "components": _l("Separately judged groups"),
    "ties": _l("Ties"),
    "tie_break": _l("Tie-break rule"),
    "steps": _l("Tie-break steps"),
    "tie": _l("Tie"),
    "chosen": _l("Chosen"),
    "award": _l("Award"),
    "override_award": _l("Award set by the organizer"),
    "nominated": _l("Nominated"),
    "override_nominated": _l("Nomination set by the organizer"),
    "withdrawn": _l("Withdrawn"),
    "open_sheets": _l("Score sheets still open"),
    "submitter": _l("Submitted by"),
    "receipt": _l("Receipt number"),
    "files": _l("Files"),
    "outcome": _l("Outcome"),
    "resolution": _l("Resolution"),
    # judging
    "seed": _l("Random seed"),
    "k": _l("Judges per entry"),
    "new": _l("New"),
    "shortfalls": _l("Entries short of judges"),
    "spread": _l("Difference in workload between judges"),
    "connected": _l("Judges link every entry of a group"),
    "removed_assignments": _l("Assignments removed"),
    "source": _l("Source"),
    "from_round": _l("From round"),
    "top_n": _l("Top places promoted"),
    "group": _l("Group"),
    "extra": _l("Extra judges"),
    "cut": _l("Cut-off"),
    "added": _l("Added"),
    "short": _l("Short of judges"),
    "total": _l("Total score"),
    "round_id": _l("Round (id)"),
    # certificates
    "revision": _l("Revision"),
    "revoked": _l("Revoked"),
    "revised": _l("Revised"),
    "key": _l("Stored file"),
    "slot": _l("Place on the certificate"),
    "school": _l("School"),
    "grade": _l("Grade"),
    "members": _l("Team members"),
    # contests and entries
    "definition": _l("Contest definition"),
    "section_id": _l("Section (id)"),
    "stage": _l("Stage"),
    "subject": _l("Subject"),
    "is_team": _l("Team entry"),
    "group_name": _l("Team name"),
    "completed_on": _l("Completed on"),
    "contact_phone": _l("Contact phone"),
    "data_confirmed": _l("Data confirmed"),
    "attachment_id": _l("Material (id)"),
    "material": _l("Material"),
    "size": _l("Size (bytes)"),
    "sha256": _l("Checksum (SHA-256)"),
}
# Parts of a dotted key that are values rather than names (spread.None: the one pool of all judges).
KEY_PART_LABELS = {"None": _l("all judges")}


# Where a key means something else for one kind of object ("name" is a person's 姓名 elsewhere).
OBJECT_FIELD_LABELS = {
    "rubric": {"name": _l("Rubric name"), "criterion_name": _l("Criterion name")},
}


def field_label(key: str, object_type: str = "") -> str:
    """The label of a (dotted) key: the key itself, else its last part, else its parent's label
    with the last part (settings.nomination_stage_shares.初中 -> 各学段推荐比例 · 初中)."""
    own = OBJECT_FIELD_LABELS.get(object_type, {})
    if key in own:
        return str(own[key])
    parts = key.split(".")
    if object_type == "rubric" and len(parts) == 3 and parts[0] == "criteria":  # criteria.<code>.<field>
        field = own["criterion_name"] if parts[2] == "name" else field_label(parts[2])
        return f"{FIELD_LABELS['criteria']} {parts[1]} · {field}"
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    if parts[-1] in FIELD_LABELS:
        return str(FIELD_LABELS[parts[-1]])
    if len(parts) > 1 and parts[-2] in FIELD_LABELS:
        return f"{FIELD_LABELS[parts[-2]]} · {KEY_PART_LABELS.get(parts[-1], parts[-1])}"
    return ""


def _flatten(data, prefix: str = "") -> dict:
    """One level of dotted keys for nested dicts; other values kept as they are."""
    if not isinstance(data, dict):
        return {} if data is None else {prefix or _("value"): data}
    flat = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat


def show_value(value, key: str = "", object_type: str = "") -> str:
    if key == "state" and isinstance(value, str):
        states = CONTEST_STATE_LABELS if object_type == "contest" else ENTRY_STATE_LABELS
        if value in states:
            return f"{states[value]} ({value})"
    if value is None:
        return "—"
    if key.endswith("_at") and isinstance(value, str):  # stored in UTC, shown like every time here
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            stamp = None
        if stamp is not None and stamp.tzinfo is None:
            return utc_to_local(stamp).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def diff_rows(before, after, object_type: str = "") -> list[dict]:
    """The before/after of an event as rows: key, old, new and whether it changed, added or removed."""
    old, new = _flatten(before), _flatten(after)
    rows = []
    for key in list(old) + [k for k in new if k not in old]:
        if key in old and key in new:
            status = "same" if old[key] == new[key] else "changed"
        else:
            status = "removed" if key in old else "added"
        rows.append(
            {
                "key": key,
                "label": field_label(key, object_type),
                "status": status,
                "before": show_value(old.get(key), key, object_type) if key in old else "",
                "after": show_value(new.get(key), key, object_type) if key in new else "",
            }
        )
    return rows
