"""Number patterns: the checks before a pattern is saved, and the longest number it can give."""

from __future__ import annotations

import tracemalloc

import pytest

from competition.domain import numbering as N

VALUES = {
    "year": [2026],
    "contest": ["CX2026"],
    "section": ["XS", "FD01"],
    "stage": ["", "小学", "初中"],
    "kind": ["student", "adviser"],
}


@pytest.mark.parametrize(
    "pattern,length",
    [
        ("{year}-{contest}-{section}-{seq:04d}", 4 + 1 + 6 + 1 + 4 + 1 + 5),  # seq up to 99999: 5 > width 4
        ("{seq:09d}", 9),
        ("{seq}", 5),
        ("N{seq:,}", 1 + 6),  # 99,999
        ("{kind}/{stage}{seq:07d}", 7 + 1 + 2 + 7),
        ("{contest!r}{seq}", 8 + 5),  # 'CX2026'
        ("{section:>9}{{x}}{seq}", 9 + 3 + 5),  # {{x}} prints {x}
        ("{contest:.2}{seq:03}", 2 + 5),
    ],
)
def test_longest_number_worked_out_by_hand(pattern, length):
    assert N.pattern_error(pattern) is None
    assert N.longest_number(pattern, VALUES) == length


def test_a_width_above_nine_is_refused_without_building_it():
    tracemalloc.start()
    try:
        for pattern in ("{seq:300000000d}", "{seq:010d}", "{seq:.300000000f}", "{contest:>" + "9" * 5000 + "}{seq}"):
            assert N.pattern_error(pattern).template == "A width in the number pattern can be at most %(max)s."
        assert tracemalloc.get_traced_memory()[1] < 5_000_000
    finally:
        tracemalloc.stop()
    assert N.pattern_error("{seq:09d}") is None
    assert N.pattern_error("{seq:{year}}").template == "The number pattern cannot be formatted."


def test_a_pattern_too_long_for_its_column_names_the_setting_length_and_limit():
    pattern = "{year}-{contest}-{section}-{seq:09d}"  # 4 + 1 + 6 + 1 + 4 + 1 + 9 = 26
    assert N.pattern_error(pattern, values=VALUES, limit=26, setting="x") is None
    err = N.pattern_error(pattern, values=VALUES, limit=25, setting="证书编号格式")
    assert err.template == N.ERR_TOO_LONG and err.params == {"setting": "证书编号格式", "length": 26, "limit": 25}
