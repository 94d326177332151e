"""A contest definition whose YAML writes a control or a noncharacter as an escape ("\\e",
"\\uFFFF") is refused with a Chinese message naming the key path and the character."""

from __future__ import annotations

import pytest
import yaml

from competition.services import ServiceError
from competition.services.contests import load_definition_text, shipped_definitions


def test_escaped_controls_in_a_definition_are_refused_naming_the_key_and_the_character(db):
    data = yaml.safe_load(shipped_definitions()["innovation"])
    data["sections"][1]["name"] = "科技辅导员\x1b科技教育创新成果"
    data["name"] = "创新大赛\ufffe"
    text = yaml.safe_dump(data, allow_unicode=True)
    assert "\\e" in text  # the YAML holds the escape, not the character itself
    with pytest.raises(ServiceError) as exc:
        load_definition_text(text)
    assert "sections[1].name：含有不允许的字符 控制字符 U+001B" in exc.value.message
    assert "contest.name：含有不允许的字符 非字符 U+FFFE" in exc.value.message


def test_a_definition_with_clean_text_still_loads(db):
    assert load_definition_text(shipped_definitions()["innovation"]).sections


def test_a_raw_control_in_the_yaml_text_is_named_with_its_line(db):
    text = shipped_definitions()["innovation"]
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines[at] = lines[at] + "\x1b"
    with pytest.raises(ServiceError) as exc:
        load_definition_text("\n".join(lines))
    assert exc.value.message == f"第 {at + 1} 行含有不允许的字符 控制字符 U+001B"
