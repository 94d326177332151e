"""Is a school name in a sheet an existing school written differently? (学校名称近似匹配)

No Flask, no database. Imports use it so that 杜集区实验学校 in a sheet is proposed as the
existing 淮北市杜集区实验学校 instead of becoming a second school for the same place, and
濉溪中学 as 安徽省濉溪中学.

Two names are a *near match* when all of these hold:

- their districts agree where both are known (the schools' district, or the one a row names);
- the place prefixes they start with agree where both have one: 安徽省 (province), 淮北市
  (city), 杜集区 / 濉溪县 (district). 杜集区实验学校 and 烈山区实验学校 are two schools;
- their numbers agree: 第一中学 and 第二中学 (or 第十二中学) are different schools, whatever
  the distance; Arabic digits count as the Chinese numeral (第1中学 is 第一中学);
- a branch marker (分校, 校区, 附属, 初中部 ...) is in both or in neither: 第一中学分校 is not
  第一中学;
- and, with the prefixes taken off ("core"), one of:
  - ``same``: the cores are equal (淮北市杜集区实验学校 / 杜集区实验学校, 安徽省濉溪中学 / 濉溪中学);
  - ``contained``: one core contains the other and the shorter has at least 4 characters
    (濉溪县第二中学 / 濉溪第二中学, whose core keeps 濉溪 because it lacks 县);
  - ``sound``: the cores have the same length (at least 3) and read the same in pinyin, tones
    aside: an input-method slip (西园中学 / 西圆中学);
  - ``typo``: at most 1 edit for cores of 5 characters or more, 2 from 8, and the first two
    characters (usually the place name: 城关 / 城南) untouched.

`SchoolIndex.near(name, district)` lists the near matches among known schools, best first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .reading import reads_the_same

# leading place names, each at most once, in this order; 2-4 characters before the suffix
_PROVINCE = re.compile(r"^(.{2,4}?(?:省|自治区))")
_CITY = re.compile(r"^(.{2,4}?市)")
_DISTRICT = re.compile(r"^(.{2,4}?(?:区|县|旗))")
_NUMERAL = re.compile(r"[0-9零〇一二三四五六七八九十百两]+")
_BRANCH = re.compile(r"分校|校区|分部|附属|附中|附小|[初高]中部|小学部|幼儿园")
_SPACES = re.compile(r"\s+")
_DIGITS = "零一二三四五六七八九"

REASONS = ("same", "contained", "sound", "typo")  # best first


@dataclass(frozen=True)
class NameParts:
    """A school name taken apart for comparison (never for display)."""

    province: str | None
    city: str | None
    district: str | None
    core: str  # the rest, Arabic digits written as Chinese numerals
    numbers: tuple[str, ...]
    branches: tuple[str, ...]


@dataclass(frozen=True)
class KnownSchool:
    id: int
    name: str
    district: Hashable | None = None  # anything comparable: the district's id or name


@dataclass(frozen=True)
class NearMatch:
    school: KnownSchool
    reason: str  # one of REASONS
    distance: int  # edits between the cores (0 for same, sound and contained)


def _chinese_number(digits: str) -> str:
    n = int(digits)
    if len(digits) > 1 and digits.startswith("0") or n >= 100:
        return "".join(_DIGITS[int(d)] for d in digits)  # 007, 2026: read digit by digit
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def compact(name: str) -> str:
    """NFKC, no spaces, lower case (the key imports already compare full names by)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or "")).lower()


@lru_cache(maxsize=4096)
def parts(name: str) -> NameParts:
    text = re.sub(r"\d+", lambda m: _chinese_number(m.group()), compact(name))
    found: list[str | None] = []  # province, city, district
    for pattern in (_PROVINCE, _CITY, _DISTRICT):
        m = pattern.match(text)
        if m and len(text) > len(m.group(1)) + 1:  # something must be left of the name
            found.append(m.group(1))
            text = text[len(m.group(1)) :]
        else:
            found.append(None)
    province, city, district = found
    return NameParts(
        province,
        city,
        district,
        core=text,
        numbers=tuple(_NUMERAL.findall(text)),
        branches=tuple(sorted(set(_BRANCH.findall(text)))),
    )


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edits (insert, delete, substitute one character) from a to b; stops early past `limit`."""
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _compatible(x: str | None, y: str | None) -> bool:
    return x is None or y is None or x == y


def compare(
    a: str, b: str, district_a: Hashable | None = None, district_b: Hashable | None = None
) -> tuple[str, int] | None:
    """(reason, distance) when `a` and `b` are probably the same school, else None.

    Names equal as `compact` keys are not "near": they are the same name (imports match them
    directly), and compare returns ("same", 0) for them too.
    """
    if district_a is not None and district_b is not None and district_a != district_b:
        return None
    pa, pb = parts(a), parts(b)
    if not (pa.core and pb.core):
        return None
    if not (
        _compatible(pa.province, pb.province)
        and _compatible(pa.city, pb.city)
        and _compatible(pa.district, pb.district)
    ):
        return None
    if pa.numbers != pb.numbers or pa.branches != pb.branches:
        return None
    x, y = pa.core, pb.core
    if x == y:
        return "same", 0
    short, long_ = sorted((x, y), key=len)
    if len(short) >= 4 and short in long_:
        return "contained", 0
    if len(x) >= 3 and reads_the_same(x, y):
        return "sound", 0
    limit = 2 if len(short) >= 8 else 1 if len(short) >= 5 else 0
    if limit and x[:2] == y[:2]:
        distance = levenshtein(x, y, limit)
        if distance <= limit:
            return "typo", distance
    return None


class SchoolIndex:
    """The known schools, searched for the near matches of a name (by district when it is known)."""

    def __init__(self, schools: Iterable[KnownSchool]) -> None:
        self.schools = list(schools)
        self._by_district: dict[Hashable | None, list[KnownSchool]] = {}
        for school in self.schools:
            self._by_district.setdefault(school.district, []).append(school)
        self._cache: dict[tuple[str, Hashable | None, Hashable | None], list[NearMatch]] = {}

    def add(self, school: KnownSchool) -> None:
        self.schools.append(school)
        self._by_district.setdefault(school.district, []).append(school)
        self._cache.clear()

    def near(self, name: str, district: Hashable | None = None, *, exclude: Hashable | None = None) -> list[NearMatch]:
        """Near matches of `name`, best first (reason, then fewer edits, then name); a school
        whose name is `name` itself (as a `compact` key) is left out."""
        key = (compact(name), district, exclude)
        if key in self._cache:
            return self._cache[key]
        if district is None:
            pool = self.schools
        else:  # a school of another district is never the same one; one without a district may be
            pool = self._by_district.get(district, []) + self._by_district.get(None, [])
        found = []
        for school in pool:
            if school.id == exclude or compact(school.name) == key[0]:
                continue
            result = compare(name, school.name, district, school.district)
            if result is not None:
                found.append(NearMatch(school, *result))
        found.sort(key=lambda m: (REASONS.index(m.reason), m.distance, m.school.name))
        self._cache[key] = found
        return found
