"""Contest definitions (赛事定义): defaults a section takes when the YAML does not say."""

from __future__ import annotations

from pathlib import Path

import yaml

from competition.domain.contest_definition import parse_definition

CONTESTS = Path(__file__).resolve().parents[2] / "competition" / "contests"


def sections(stem: str) -> dict:
    data = yaml.safe_load((CONTESTS / f"{stem}.yaml").read_text(encoding="utf-8"))
    return {s.code: s for s in parse_definition(data).sections}


def test_shipped_sections_take_teams_where_the_rules_have_them() -> None:
    film = sections("film")
    # Films: up to 5 student creators (rules.md), so every film section takes team entries.
    assert all(s.team_allowed and s.max_team_size == 5 for s in film.values())
    invention = sections("invention")
    assert all(s.team_allowed and s.max_team_size == 3 for s in invention.values())
    innovation = sections("innovation")
    kinds = {s.kind: s.team_allowed for s in innovation.values()}
    assert kinds == {"student": True, "counselor": False}  # counselor projects are individual only


def test_a_section_can_refuse_teams_and_other_kinds_default_to_individual() -> None:
    data = yaml.safe_load((CONTESTS / "film.yaml").read_text(encoding="utf-8"))
    first = data["sections"][0]
    first["team"] = False
    data["sections"] = [
        first,
        {"code": "HH", "name": "科幻画", "kind": "painting"},
        {"code": "QT", "name": "其他", "kind": "other", "max_team_size": 2},
    ]
    parsed = {s.code: s for s in parse_definition(data).sections}
    assert not parsed[first["code"]].team_allowed
    assert not parsed["HH"].team_allowed
    assert parsed["QT"].team_allowed  # a team size given means teams are meant


def test_a_number_pattern_longer_than_its_column_is_refused_when_loading() -> None:
    import pytest

    from competition.domain.contest_definition import DefinitionError
    from competition.domain.numbering import ERR_TOO_LONG

    data = yaml.safe_load((CONTESTS / "film.yaml").read_text(encoding="utf-8"))
    data.setdefault("settings", {})["number_pattern"] = "{year}-{seq:09d}{seq:09d}{seq:09d}{seq:09d}{seq:09d}{seq:09d}"
    assert parse_definition(data, {"number_pattern": 60}).settings["number_pattern"]  # 4 + 1 + 6 x 9 = 59
    data["settings"]["number_pattern"] += "XY"  # 61
    with pytest.raises(DefinitionError) as exc:
        parse_definition(data, {"number_pattern": 60})
    (problem,) = exc.value.problems
    assert problem.template == ERR_TOO_LONG and problem.where == "settings.number_pattern"
    assert problem.params == {"setting": "number_pattern", "length": 61, "limit": 60}


def test_controls_and_noncharacters_in_text_values_are_refused_naming_the_key_path() -> None:
    import pytest

    from competition.domain.contest_definition import DefinitionError

    data = yaml.safe_load((CONTESTS / "film.yaml").read_text(encoding="utf-8"))
    data["sections"][2]["name"] = "科普\x1b动画"
    data["full_name"] = "影像节\uffff"
    data["settings"]["award_levels"] = [["一等\x85奖", 0.1]]
    data["sections"][0]["bad\x07key"] = "x"
    with pytest.raises(DefinitionError) as exc:
        parse_definition(data)
    problems = {str(p) for p in exc.value.problems}
    assert "sections[2].name: contains a character that is not allowed: control character U+001B" in problems
    assert "contest.full_name: contains a character that is not allowed: noncharacter U+FFFF" in problems
    assert "settings.award_levels[0][0]: contains a character that is not allowed: control character U+0085" in problems
    assert "sections[0].badkey: the key contains a character that is not allowed: control character U+0007" in problems


def test_a_null_number_takes_its_default_as_a_missing_one_does() -> None:
    # `judges_per_entry:` with nothing after it is a null in YAML; it gave None, not the default 5,
    # and a section's None team size failed later when an entry was checked.
    data = yaml.safe_load((CONTESTS / "film.yaml").read_text(encoding="utf-8"))
    data["judges_per_entry"] = None
    data["sections"][0]["max_team_size"] = None
    data["sections"][0]["materials"] = [{"code": "M", "name": "作品", "max_files": None}]
    data["rounds"][0]["weight"] = None
    definition = parse_definition(data)
    assert definition.judges_per_entry == 5
    assert definition.sections[0].max_team_size == 3
    assert definition.sections[0].materials[0].max_files == 1
    assert definition.rounds[0].weight == 1.0


def test_an_infinite_or_nan_number_is_refused_not_a_crash() -> None:
    import pytest

    from competition.domain.contest_definition import DefinitionError

    data = yaml.safe_load((CONTESTS / "film.yaml").read_text(encoding="utf-8"))
    data["judges_per_entry"] = float("inf")  # YAML .inf: int() of it raised OverflowError
    data["sections"][0]["max_team_size"] = float("nan")
    with pytest.raises(DefinitionError) as exc:
        parse_definition(data)
    problems = {str(p) for p in exc.value.problems}
    assert "contest.judges_per_entry: must be a number" in problems
    assert "sections[0].max_team_size: must be a number" in problems
