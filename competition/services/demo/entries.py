"""The demo's contests (from the shipped definitions) and their entries, reviewed through the
review service."""

from __future__ import annotations

import random
from datetime import timedelta

import yaml

from ...domain.eligibility.grades import VOCATIONAL, work_window
from ...extensions import db
from ...i18n.timeutil import utc_to_local
from ...models import Adviser, Contest, Entry, School, Section, Student, utcnow
from .. import review
from ..contests import load_definition_text, save_definition, shipped_definitions
from . import applicants
from .city import GRADES_OF, City, stages_of
from .files import DemoFiles
from .words import REJECT_REASONS, RETURN_REASONS, make_abstract, make_title


def make_contest(stem: str, state: str, *, code: str | None = None, year: int | None = None) -> Contest:
    text = shipped_definitions()[stem]
    if year is not None:
        data = yaml.safe_load(text)
        old = data["year"]
        text = text.replace(f"{old}-", f"{year}-").replace(f"{old}年", f"{year}年")
        text = text.replace(f"year: {old}", f"year: {year}")
        if data.get("edition"):
            text = text.replace(f"edition: {data['edition']}", f"edition: {data['edition'] - (old - year)}")
            text = text.replace("第三十九届", "第三十八届")
    defn = load_definition_text(text)
    if code:
        defn.code = code
    contest = save_definition(defn)
    contest.state = state
    db.session.flush()
    return contest


class EntryMaker:
    """Makes entries of the city's schools; `targets` holds, by entry id, the state each is meant to
    reach (submitted entries are then accepted, returned or rejected by `review_entries`)."""

    def __init__(self, city: City, files: DemoFiles, rng: random.Random):
        self.city, self.files, self.rng = city, files, rng
        self.targets: dict[int, str] = {}
        self.counselor_turn = 0  # counselor entries take the section's subjects in turn: every kind shows

    def date_work(self, entry: Entry, contest: Contest) -> None:
        """The work was finished inside the contest's window (two years before 1 July of its year,
        not after the day it is submitted), mostly in the last year of it."""
        submitted = (entry.submitted_at or utcnow()).date()
        first, last = work_window(contest.year, int(contest.settings_view.work_completed_within_years), submitted)
        last -= timedelta(days=3)
        start = max(first, last - timedelta(days=420))
        entry.completed_on = start + timedelta(days=self.rng.randrange(0, max((last - start).days, 0) + 1))

    def make(
        self,
        contest: Contest,
        section: Section,
        school: School,
        *,
        state: str,
        submitted_days_ago: float,
        taken: set,
        titles: set,
    ) -> Entry:
        rng, city = self.rng, self.city
        teacher = rng.choice(city.teachers[school.id])
        stage = rng.choice([s for s in stages_of(school) if s in section.stages])
        subjects = section.subjects_for(stage)
        if section.kind == "counselor" and subjects:
            subject: str | None = subjects[self.counselor_turn % len(subjects)]
            self.counselor_turn += 1
        else:
            subject = rng.choice(subjects) if subjects else None
        entry = Entry(
            contest_id=contest.id,
            section_id=section.id,
            school_id=school.id,
            created_by_id=teacher.id,
            title=make_title(rng, section.kind, titles),
            stage=stage,
            subject=subject,
            contact_phone=teacher.phone,
            data_confirmed=True,
            state="draft",
        )
        entry.abstract = make_abstract(entry.title, section.kind)
        if section.kind != "counselor":
            team = section.team_allowed and (not section.individual_allowed or rng.random() < 0.35)
            size = rng.randint(2, min(section.max_team_size, 3 if section.kind != "film" else 5)) if team else 1
            entry.is_team = size > 1
            for i in range(size):
                grade = rng.choice(GRADES_OF[stage])
                while True:
                    name = city.person_name()
                    if (name, school.id, grade) not in taken:
                        taken.add((name, school.id, grade))
                        break
                gender = rng.choice("男女")
                details = (
                    applicants.student_fields(
                        rng,
                        city,
                        self.files,
                        entry=entry,
                        name=name,
                        gender=gender,
                        grade=grade,
                        year=contest.year,
                        team=size > 1,
                    )
                    if section.required_fields
                    else {}
                )
                entry.students.append(
                    Student(
                        position=i,
                        name=name,
                        gender=gender,
                        grade=grade,
                        school_name=school.name,
                        stage=stage,
                        **details,
                    )
                )
            if section.advisers_allowed and section.max_advisers:
                entry.advisers.append(
                    Adviser(
                        position=0,
                        name=teacher.name,
                        gender=teacher.gender,
                        unit=school.name,
                        phone=teacher.phone,
                        user_id=teacher.id,
                        **(applicants.adviser_fields(rng) if section.required_fields else {}),
                    )
                )
                if section.max_advisers > 1 and rng.random() < 0.4:
                    entry.advisers.append(
                        Adviser(
                            position=1,
                            name=city.person_name(),
                            gender=rng.choice("男女"),
                            unit=school.name,
                            phone=city.phone(),
                            **(applicants.adviser_fields(rng) if section.required_fields else {}),
                        )
                    )
        now = utcnow()
        if state != "draft":
            entry.submitted_at = now - timedelta(days=submitted_days_ago, minutes=rng.randrange(600))
            entry.state = "submitted"
        entry.created_at = (entry.submitted_at or now) - timedelta(days=rng.randint(1, 10))
        self.date_work(entry, contest)
        db.session.add(entry)
        db.session.flush()
        complete = state != "draft" or rng.random() < 0.5
        for material in section.materials:
            # A student project submitted carries Anhui's whole list: 原始材料 and the video too.
            full_list = section.kind == "student" and complete and material.code in ("log", "video")
            if not (material.required or full_list or rng.random() < 0.3):
                continue
            if not complete and material.required and rng.random() < 0.5:
                continue  # a draft still missing something
            kinds = material.file_kinds or ["pdf"]
            kind = (
                "form"
                if material.is_application_form
                else ("mp4" if "mp4" in kinds else "pdf" if "pdf" in kinds else "jpg")
            )
            ext = "pdf" if kind == "form" else kind
            self.files.attach(entry, material, kind=kind, name=f"{material.name}.{ext}", user=teacher)
        db.session.flush()
        return entry


def make_entries(
    maker: EntryMaker,
    contest: Contest,
    count: int,
    *,
    states: list[tuple[str, float]],
    sections_weights: dict[str, float] | None = None,
    vocational: int = 0,
) -> list[Entry]:
    """`count` entries spread over the schools; states drawn from (state, share) pairs; then
    `vocational` more student projects of the 中职 schools (the 中专 学段, a 评比组 of its own);
    with `vocational` set, the spread leaves the 中职 schools out so that their count is exact."""
    rng = maker.rng
    taken: set = set()
    titles: set = set()
    counselors: set[int] = set()
    sections = list(contest.sections)
    weights = [(sections_weights or {}).get(s.code, 1.0) for s in sections]
    result = []
    for i in range(count):
        section = rng.choices(sections, weights)[0]
        candidates = [s for s in maker.city.schools if set(stages_of(s)) & set(section.stages)]
        if vocational:  # the 中专 entries are exactly the `vocational` ones made below
            candidates = [s for s in candidates if stages_of(s) != [VOCATIONAL]] or candidates
        school = candidates[(i * 7 + rng.randrange(len(candidates))) % len(candidates)]
        if section.kind == "counselor":
            free = [t for t in maker.city.teachers[school.id] if t.id not in counselors]
            if not free:
                section = next(s for s in sections if s.kind != "counselor")
            else:
                counselors.add(free[0].id)
        state = rng.choices([s for s, _w in states], [w for _s, w in states])[0]
        entry = maker.make(
            contest, section, school, state=state, submitted_days_ago=rng.uniform(1, 25), taken=taken, titles=titles
        )
        if section.kind == "counselor":
            entry.created_by_id = free[0].id
            entry.contact_phone = free[0].phone
        maker.targets[entry.id] = state
        result.append(entry)
    student = next((s for s in sections if VOCATIONAL in s.stages and s.kind == "student"), None)
    schools = [s for s in maker.city.schools if stages_of(s) == [VOCATIONAL]]
    for i in range(vocational if student and schools else 0):
        assert student is not None
        state = rng.choices([s for s, _w in states], [w for _s, w in states])[0]
        entry = maker.make(
            contest,
            student,
            schools[i % len(schools)],
            state=state,
            submitted_days_ago=rng.uniform(1, 25),
            taken=taken,
            titles=titles,
        )
        maker.targets[entry.id] = state
        result.append(entry)
    return result


def review_entries(city: City, entries: list[Entry], rng: random.Random, targets: dict[int, str]) -> None:
    """Carry out the format review the entries' targets (by entry id) ask for, through the review service."""
    organizer = city.organizers[0]
    for entry in sorted(entries, key=lambda e: (e.submitted_at or utcnow(), e.id)):
        target = targets[entry.id]
        actor = city.reviewer_for(entry.school) if rng.random() < 0.7 else organizer
        if target == "accepted":
            review.accept(entry.id, actor=actor)
        elif target == "returned":
            local = (utcnow() + timedelta(days=rng.randint(3, 8))).replace(hour=9, minute=0, second=0, microsecond=0)
            due = utc_to_local(local)
            assert due is not None  # None only for None
            review.return_entry(
                entry.id,
                actor=actor,
                reason=rng.choice(RETURN_REASONS),
                resubmit_by_local=due.replace(tzinfo=None),
            )
        elif target == "rejected":
            review.reject(entry.id, actor=actor, reason=rng.choice(REJECT_REASONS))


def set_windows(contest: Contest, *, opens: float, closes: float, judging: tuple[float, float] | None = None) -> None:
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    contest.submission_opens_at = now + timedelta(days=opens)
    contest.submission_closes_at = now + timedelta(days=closes)
    if judging:
        contest.judging_opens_at = now + timedelta(days=judging[0])
        contest.judging_closes_at = now + timedelta(days=judging[1])
