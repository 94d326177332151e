"""Which score sheets count (domain.scoring.counts, judging.counted_sheets): the ranking, the
progress stats and the score-sheet export agree on one contest with one sheet of each kind."""

from __future__ import annotations

from competition.extensions import db
from competition.models import utcnow
from competition.services import exports, judging, reports, results
from competition.services.judging import stats as judging_stats
from tests.factories import judging as fj


def test_ranking_progress_and_export_agree_on_which_sheets_count(world):
    jw = fj.judging_world(world)
    rnd = jw.round1
    e = jw.entries
    a_, b_, c_, d_ = jw.judges[2:6]
    judging.sync_round_entries(rnd)

    def sheet(judge, entry, state):
        return fj.sheet(fj.assign(rnd, judge, entry), fj.full_scores(judge.id % 5), state=state)

    sheet(a_, e[0], "final")  # submitted: counts
    sheet(b_, e[0], "draft")  # a complete draft: does not count
    sheet(c_, e[1], "final")  # submitted by a judge released later: still counts
    sheet(c_, e[2], "draft")  # the released judge's draft: discarded
    sheet(d_, e[3], "final")  # the organizer then sets a conflict: the sheet goes
    sheet(a_, e[4], "final")  # counts, but its entry leaves the contest (below)
    fj.assign(rnd, b_, e[5])  # assigned, not scored
    rj = next(r for r in judging.round_judges(rnd) if r.judge_id == c_.id)
    assert judging.release_round_judge(rj, actor=world.organizer, reason="生病") == 1
    judging.add_conflict(d_, e[3], kind="relative", reason="亲属", source="organizer", actor=world.organizer)
    e[4].state = "withdrawn"  # left after it was scored: its sheet counts, the entry is not ranked
    db.session.flush()

    counted = {(a_.id, e[0].id), (c_.id, e[1].id), (a_.id, e[4].id)}

    # ranking: the round's records, the contest's rows, the ranked entries
    assert {(r.judge_id, r.entry_id) for r in judging.final_scores(rnd)} == counted
    assert {(j, en) for _n, en, j, _t in results.score_rows(world.contest)} == counted
    results.run_ranking(world.contest, actor=world.organizer, method="mean")
    assert {r.entry_id for r in results.results_of(world.contest)} == {e[0].id, e[1].id}
    progress = results.scoring_progress(world.contest)
    assert progress.submitted == len(counted)
    assert {x.id for x in progress.unscored} == {e[2].id, e[3].id, e[5].id}

    # progress stats of the round and of the contest report
    stats = judging_stats.progress(rnd, utcnow())
    assert {(j.judge.id, j.final) for j in stats.judges if j.final} == {(a_.id, 2), (c_.id, 1)}
    assert {(x.entry.id, x.final) for x in stats.entries if x.final} == {(e[0].id, 1), (e[1].id, 1), (e[4].id, 1)}
    assert {(d["judge_id"], d["n"]) for d in judging_stats.distributions(rnd)} == {(a_.id, 2), (c_.id, 1)}
    _rounds, judge_rows = reports.judging_progress(world.contest)
    assert sum(submitted for _name, _assigned, submitted in judge_rows) == len(counted)

    # the score-sheet export: the rows that count are exactly the rows marked submitted
    rows = [r for g in exports.score_sheet_groups(world.contest) for r in g.rows]
    assert {(r.judge.id, r.entry.id) for r in rows if r.counts} == counted
    assert {(r.judge.id, r.entry.id) for r in rows if r.state == "已提交"} == counted
    assert {(r.judge.id, r.entry.id) for r in rows} == counted | {(b_.id, e[0].id), (b_.id, e[5].id)}
