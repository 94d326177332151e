"""services/rubrics/: checking and saving a rubric, what stays editable once judges have scored,
criterion codes, the tie-break names and the audit record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.models import AuditEvent, ScoreSheet
from competition.services import ServiceError
from competition.services import rubrics as service
from competition.services.rubrics import RowInput
from tests import factories as f
from tests.factories import judging as fj


def _rows(rubric, **changes) -> list[RowInput]:
    """The rubric's criteria as form rows; changes: {index: {field: value}}."""
    rows = [
        RowInput(
            id=c.id,
            name=c.name,
            max_score=str(c.max_score),
            weight=str(c.weight),
            descriptors=c.descriptors or "",
            order=str(i + 1),
        )
        for i, c in enumerate(rubric.criteria)
    ]
    for index, fields in changes.items():
        for key, value in fields.items():
            setattr(rows[int(index)], key, value)
    return rows


def _setup(world, number=1, code="XS"):
    contest = world.contest
    rnd = fj.round_of(contest, number)
    section = f.section(contest, code) if code else None
    return contest, rnd, section, service.find_rubric(rnd, section.id if section else None)


def _save(world, rnd, section, rubric, rows, **kw):
    return service.save(
        world.contest,
        rnd,
        section,
        kw.pop("name", rubric.name if rubric else "新评分标准"),
        rows,
        actor=world.organizer,
        expected=service.fingerprint(rubric),
        **kw,
    )


def _score(world, rnd, section_code="XS", scores=None, state="draft"):
    entry = fj.accept(
        f.make_entry(
            world.contest,
            world.s1,
            section_code=section_code,
            state="submitted",
            students=None if section_code == "XS" else [],
        )
    )
    fj.add_judges(rnd, [world.judge1])
    a = fj.assign(rnd, world.judge1, entry)
    return fj.sheet(a, scores if scores is not None else {"novelty": 30}, state=state)


def test_full_scale_matches_the_judge_page(world):
    _contest, _rnd, _section, rubric = _setup(world)
    assert service.full_scale(rubric.criteria) == 100
    assert service.full_scale([{"max_score": 40, "weight": 2}, {"max_score": 10, "weight": 0.5}]) == 85


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name", "  ", "请填写评分项名称。"),
        ("name", "创新性", "本评分标准中已有名为创新性的评分项，每一项须有不同的名称。"),
        ("name", "创 新 性", "本评分标准中已有名为创 新 性的评分项，每一项须有不同的名称。"),
        ("max_score", "", "请填写满分。"),
        ("max_score", "0", "满分必须大于 0。"),
        ("max_score", "1000.5", "满分最大为 1000。"),
        ("max_score", "3.333", "满分最多保留两位小数。"),
        ("max_score", "nan", "满分必须是数字，例如 40 或 12.5。"),
        ("weight", "0", "权重必须大于 0（不计分的项请直接删除）。"),
        ("weight", "101", "权重最大为 100。"),
        ("order", "x", "序号须为 1 到 999 之间的整数。"),
    ],
)
def test_each_problem_is_named_beside_its_field(world, field, value, message):
    contest, rnd, section, rubric = _setup(world)
    row = 3 if field == "name" and value.strip() else 0  # a name used twice is marked on the later row
    with pytest.raises(service.RubricInvalid) as err:
        _save(world, rnd, section, rubric, _rows(rubric, **{str(row): {field: value}}))
    assert err.value.fields[(row, field)] == message
    f.db.session.rollback()
    assert rubric.criteria[0].name == "创新性" and rubric.criteria[0].max_score == 40


def test_full_width_digits_and_comma_are_read(world):
    contest, rnd, section, rubric = _setup(world)
    _save(world, rnd, section, rubric, _rows(rubric, **{"0": {"max_score": "３５，5"}, "1": {"weight": ""}}))
    assert rubric.criteria[0].max_score == 35.5 and rubric.criteria[1].weight == 1


def test_new_criteria_get_codes_unused_in_the_contest(world):
    contest, rnd, section, rubric = _setup(world)
    rows = _rows(rubric) + [
        RowInput(name="表达", max_score="5", order="5"),
        RowInput(name="规范", max_score="5", order="6"),
    ]
    _save(world, rnd, section, rubric, rows)
    assert [c.code for c in rubric.criteria][-2:] == ["c1", "c2"]
    # another rubric of the contest takes the next free ones, never c1 again
    _contest, rnd2, fd, fd_rubric = _setup(world, 1, "FD")
    _save(world, rnd2, fd, fd_rubric, _rows(fd_rubric) + [RowInput(name="表达", max_score="5")])
    assert fd_rubric.criteria[-1].code == "c3"
    # a typed code that is taken in the rubric is refused
    with pytest.raises(service.RubricInvalid) as err:
        _save(world, rnd, section, rubric, _rows(rubric) + [RowInput(code="novelty", name="新项", max_score="5")])
    assert (6, "code") in err.value.fields


def test_blank_rows_are_ignored_and_at_least_one_criterion_is_needed(world):
    contest, rnd, section, rubric = _setup(world)
    rows = [RowInput(id=r.id, name=r.name, max_score=r.max_score, remove=True) for r in _rows(rubric)]
    with pytest.raises(service.RubricInvalid) as err:
        _save(world, rnd, section, rubric, rows + [RowInput()], confirm_remove=True)
    assert err.value.general == ["评分标准至少要有一个评分项。"]


def test_removing_needs_confirmation(world):
    contest, rnd, section, rubric = _setup(world)
    rows = _rows(rubric, **{"3": {"remove": True}})
    with pytest.raises(service.NeedsConfirmation) as err:
        _save(world, rnd, section, rubric, rows)
    assert [c.name for c in err.value.removed] == ["三自原则"]
    f.db.session.rollback()
    _save(world, rnd, section, rubric, _rows(rubric, **{"3": {"remove": True}}), confirm_remove=True)
    assert [c.name for c in rubric.criteria] == ["创新性", "科学性", "实用性"]


def test_an_empty_draft_does_not_lock_but_a_score_does(world):
    contest, rnd, section, rubric = _setup(world)
    sheet = _score(world, rnd, scores={})
    assert service.rubric_sheet_count(rnd, section.id) == 0
    sheet.scores = {str(rubric.criteria[0].id): 12}
    f.db.session.commit()  # the refused save below rolls back
    assert service.rubric_sheet_count(rnd, section.id) == 1
    assert service.rubric_sheet_count(rnd, f.section(contest, "FD").id) == 0  # other sections stay free
    with pytest.raises(service.RubricInvalid) as err:
        _save(
            world,
            rnd,
            section,
            rubric,
            _rows(rubric, **{"0": {"max_score": "50"}, "1": {"weight": "2"}, "2": {"remove": True}})
            + [RowInput(name="新项", max_score="5")],
            confirm_remove=True,
        )
    assert set(err.value.fields) == {(0, "max_score"), (1, "weight"), (2, "remove"), (4, "name")}
    assert "满分不能再从 40 改动" in err.value.fields[(0, "max_score")]
    f.db.session.rollback()
    # wording and order stay editable; stored scores still belong to their criteria
    _save(
        world,
        rnd,
        section,
        rubric,
        _rows(rubric, **{"0": {"name": "新颖性", "order": "9"}, "3": {"descriptors": "自己完成"}}),
    )
    assert [c.name for c in rubric.criteria] == ["科学性", "实用性", "三自原则", "新颖性"]
    stored = f.db.session.scalar(select(ScoreSheet))
    assert list(stored.scores) == [str(rubric.criteria[3].id)]


def test_round_wide_rubric_locks_with_scores_of_sections_it_covers(world):
    contest, rnd, _none, shared = _setup(world, 2, None)
    assert service.covered_sections(rnd, None) == [s.id for s in contest.sections]
    _score(world, rnd, "FD", {"defence": 8}, state="final")
    f.db.session.commit()
    assert service.rubric_sheet_count(rnd, None) == 1
    fd = f.section(contest, "FD")
    with pytest.raises(service.RubricInvalid) as err:  # a new FD rubric would orphan the FD scores
        _save(world, rnd, fd, None, [RowInput(name="问辩", max_score="10")], name="辅导员终评")
    assert "1" in err.value.general[0]
    f.db.session.rollback()
    xs = f.section(contest, "XS")  # XS has no scores: it may get its own rubric
    rubric = _save(
        world,
        rnd,
        xs,
        None,
        [RowInput(code="novelty", name="创新性", max_score="40"), RowInput(name="问辩", max_score="60")],
        name="学生终评",
    )
    assert rubric.section_id == xs.id and [c.code for c in rubric.criteria] == ["novelty", "c1"]
    assert service.covered_sections(rnd, None) == [fd.id]


def test_rename_of_a_criterion_the_tie_break_names_by_name_is_refused(world):
    contest, rnd, section, rubric = _setup(world)
    contest.settings = {**(contest.settings or {}), "tie_break": ["criterion:创新性", "n_judges"]}
    f.db.session.flush()
    with pytest.raises(service.RubricInvalid) as err:
        _save(world, rnd, section, rubric, _rows(rubric, **{"0": {"name": "新颖性"}}))
    message = err.value.fields[(0, "name")]
    assert "按名称引用了本评分项（创新性）" in message and "criterion:" not in message and "novelty" not in message
    f.db.session.rollback()
    contest.settings = {**(contest.settings or {}), "tie_break": ["criterion:novelty"]}
    f.db.session.flush()
    _save(world, rnd, section, rubric, _rows(rubric, **{"0": {"name": "新颖性"}}))
    assert rubric.criteria[0].code == "novelty" and rubric.criteria[0].name == "新颖性"


def test_audit_records_before_and_after(world):
    contest, rnd, section, rubric = _setup(world)
    _save(
        world, rnd, section, rubric, _rows(rubric, **{"1": {"max_score": "35"}, "2": {"max_score": "15"}}), note="调整"
    )
    event = f.db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.update"))
    assert event.object_type == "rubric" and event.object_id == rubric.id and event.contest_id == contest.id
    assert (
        event.before["criteria"]["science"]["max_score"] == 30 and event.after["criteria"]["science"]["max_score"] == 35
    )
    assert event.before["full_scale"] == 100 and event.after["full_scale"] == 100 and event.reason == "调整"
    # saving without a change records nothing
    _save(world, rnd, section, rubric, _rows(rubric))
    assert len(f.db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rubric.update")).all()) == 1


def test_a_stale_form_is_refused(world):
    contest, rnd, section, rubric = _setup(world)
    old = service.fingerprint(rubric)
    rubric.criteria[0].descriptors = "别人改的"
    f.db.session.flush()
    with pytest.raises(service.StaleRubric):
        service.save(contest, rnd, section, rubric.name, _rows(rubric), actor=world.organizer, expected=old)


def test_delete_refused_once_scored(world):
    contest, rnd, section, rubric = _setup(world)
    _score(world, rnd)
    with pytest.raises(ServiceError):
        service.delete(contest, rnd, section, actor=world.organizer)
    fd = f.section(contest, "FD")
    service.delete(contest, rnd, fd, actor=world.organizer, note="不需要")
    assert service.find_rubric(rnd, fd.id) is None
    event = f.db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rubric.delete"))
    assert event.before["section"] == "FD" and event.object_id is not None
