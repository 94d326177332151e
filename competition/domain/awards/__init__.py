"""Award levels within a ranking group (评奖：一等奖 / 二等奖 / 三等奖).

Pure module.  Input: ranked results of one ranking group (normally section x
stage, 类别 x 学段) as returned by :func:`competition.domain.ranking.rank`
(anything with ``entry_id`` and ``score`` will do).

Rules encoded here (the proportions and minimum scores are per-contest
settings passed in by the caller):

* **Cut positions.**  Levels are ordered, each with a proportion of the
  group, e.g. ``[("一等奖", .10), ("二等奖", .20), ("三等奖", .30)]``.  The
  line under level k sits after ``round(n x (p1 + ... + pk))`` places
  (cumulative, so rounding errors never add up).  Default rounding is
  **round half up** (40 x 10% = 4; 25 x 10% = 2.5 -> 3); ``"floor"`` and
  ``"ceil"`` are available, or any callable float -> int.  When the group is
  non-empty and a level's proportion is > 0, the level gets **at least one
  place** (its cut is pushed one place below the previous one, never onto
  the group's last entry: without a cap, 3 entries at 10/20/30% get 1/2/2
  places, a lone entry none; only proportions that reach 100% award all).
* **Cap.**  ``max_share`` (the contest's ``award_max_share``, default 60%)
  caps the awarded entries at ``floor(n x max_share)``: no line falls below
  it, so "at least one place" never awards every entry of a small group (3
  entries: 1.8 -> 1 award, the 一等奖; a lone entry: none).
* **Small groups.**  A group of fewer than ``min_group_size`` entries (the
  ``award_min_group_size`` setting, default 3) gets no level by proportion:
  each entry says so, and the organizer decides (an override per entry).
* **Minimum scores.**  ``min_scores={"一等奖": 85}``: an entry above the 一等奖
  line but under 85 drops to the next level whose line and minimum it meets,
  or gets no award.  Its place is not handed to the next entry.
* **Ties (并列).**  Entries with equal score are ordered by the caller's
  tie-break chain (e.g. 创新性 criterion score, number of judges, total of
  all scores).  A tie that still straddles a cut line is **not** broken by id
  or input order: it is returned as a :class:`CutTie` and its entries are
  marked pending until the organizer's decision is passed in
  ``tie_decisions={level: entry ids placed above that line}``.  The organizer
  may put any number of the tied entries above the line (e.g. all of them);
  later lines stay where the proportions put them.
* **Honourable mention (优秀奖).**  ``remainder="优秀奖"``: every entry of the
  group left without a level (and not waiting on a tie) gets it, if it meets
  that level's minimum score (``min_scores={"优秀奖": 60}``).

The pieces: `proportions` (cut positions, the tie-break chain, the order in a group), `lines`
(where each level's line falls, ties at a line), `levels` (one entry's level and its reasons),
`assign` (one group, and every group of a ranking).
"""

from __future__ import annotations

from .assign import Award, AwardOutcome, assign_awards, award_groups
from .lines import CutTie
from .proportions import DEFAULT_LEVELS, TieBreak, award_cap, cut_positions

__all__ = [
    "DEFAULT_LEVELS",
    "Award",
    "AwardOutcome",
    "CutTie",
    "TieBreak",
    "assign_awards",
    "award_groups",
    "award_cap",
    "cut_positions",
]
