"""Judging commands: assign-judges."""

from __future__ import annotations

import click
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..services import judging
from .doorway import contest_by_code, transaction


def register(app) -> None:
    @app.cli.command("assign-judges")
    @click.argument("contest_code")
    @click.option("--round", "round_number", type=int, default=None, help="Round number (default: the first round).")
    @click.option("--seed", type=int, default=1, show_default=True, help="Seed of the plan (same seed, same plan).")
    @click.option("--publish", is_flag=True, help="Publish the plan to the judges at once.")
    def assign_judges(contest_code: str, round_number: int | None, seed: int, publish: bool):
        """Plan the judges of a round (评委分配): k judges per entry, no conflicts, balanced loads."""
        with force_locale(app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")):
            _assign(contest_code, round_number, seed, publish)


STEPS = (_l("entries of the round"), _l("conflicts"), _l("planning"), _l("saving"))


def _assign(contest_code: str, round_number: int | None, seed: int, publish: bool) -> None:
    contest = contest_by_code(contest_code)
    if not contest.rounds:
        raise click.ClickException(
            _("This contest has no judging rounds. Add rounds and rubrics in the contest definition.")
        )
    rnd = (
        judging.get_round(contest, round_number)
        if round_number is not None
        else min(contest.rounds, key=lambda r: r.number)
    )
    if rnd is None:
        numbers = ", ".join(str(r.number) for r in contest.rounds)
        raise click.ClickException(
            _("There is no round %(n)s (rounds of this contest: %(numbers)s).", n=round_number, numbers=numbers)
        )
    click.echo(
        _(
            "%(contest)s · round %(n)s %(name)s · %(k)s judges per entry · seed %(seed)s",
            contest=contest.name,
            n=rnd.number,
            name=rnd.name,
            k=judging.round_k(rnd),
            seed=seed,
        )
    )
    with click.progressbar(
        length=len(STEPS), label=_("Assigning judges"), show_pos=True, item_show_func=lambda s: str(s) if s else None
    ) as bar:
        shown = [0]

        def report(done: int, total: int) -> None:
            step = min(done, len(STEPS))
            bar.update(step - shown[0], STEPS[step - 1])
            shown[0] = step

        with transaction():
            plan = judging.run_plan(rnd, seed=seed, actor=None, report=report)
            pending = any(not a.published for a in judging.round_assignments(rnd))
            published = judging.publish(rnd, actor=None) if publish and pending else 0
    _summary(rnd, plan, published, publish)


def _summary(rnd, plan, published: int, publish: bool) -> None:
    names = {rj.judge_id: rj.judge.name for rj in judging.round_judges(rnd)}
    entries = {e.id: e for e in judging.round_entries(rnd)}
    group_by = rnd.contest.settings_view.ranking_group_by
    loads = sorted(plan.loads.values())
    echo = click.echo
    echo("")
    echo(
        _(
            "%(a)s assignments; %(e)s entries; %(j)s judges",
            a=len(plan.assignments),
            e=len(plan.judges_per_entry),
            j=len(plan.loads),
        )
    )
    if loads:
        mean = "%.1f" % (sum(loads) / len(loads))
        echo(_("Load per judge: least %(lo)s, most %(hi)s, mean %(mean)s", lo=loads[0], hi=loads[-1], mean=mean))
    for pool, spread in sorted(plan.load_spread.items(), key=lambda kv: str(kv[0])):
        line = _("pool %(pool)s: load spread %(spread)s", pool=pool or _("(default)"), spread=spread)
        echo("  " + line + ("  " + _("<- not balanced") if spread > 1 else ""))
    busiest = sorted(plan.loads.items(), key=lambda kv: (-kv[1], str(names.get(kv[0], kv[0]))))
    echo("  " + ", ".join(f"{names.get(j, j)} {n}" for j, n in busiest[:12]) + (" ..." if len(busiest) > 12 else ""))
    rate = f"{round(plan.subject_match_rate * 100)}%"
    echo(_("Subject match: %(rate)s", rate=rate))
    echo(_("Connectivity:"))
    for key, parts in sorted(plan.components.items(), key=lambda kv: str(kv[0])):
        sample = next(iter(parts[0])) if parts and parts[0] else None
        label = judging.group_label(entries[sample], group_by) if sample in entries else str(key)
        state = _("connected") if len(parts) <= 1 else _("split into %(n)s parts", n=len(parts))
        echo(f"  {label}: {state}")
    if plan.dropped:
        echo(_("Existing assignments removed because of a conflict: %(n)s", n=len(plan.dropped)))
    if plan.infeasible:
        echo(_("Entries short of judges: %(n)s", n=len(plan.infeasible)))
        for s in plan.infeasible[:50]:
            e = entries.get(s.entry_id)
            label = (e.number or e.title) if e else s.entry_id
            echo(f"  {label}: {s.got}/{s.needed}, {judging.tr(s.reason)}")
        if len(plan.infeasible) > 50:
            echo("  " + _("... and %(n)s more", n=len(plan.infeasible) - 50))
    else:
        echo(_("Entries short of judges: none"))
    if publish:
        echo(_("%(n)s assignments published; the judges see them now.", n=published))
    else:
        echo(_("The plan is not published yet: check it and publish it on the web page, or run again with --publish."))
