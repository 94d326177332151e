"""What the organizer of the demo's 2025 contest decided under the province's rules, through the
real services: the awards of a 评比组 too small to award by proportion (award_min_group_size),
one nomination past a district's cap (the 推荐汇总表 flags it: 以分配名额为上限), and the
objections filed online during the public notice (one founded, withdrawing an award and its
nomination; one not founded)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from ...domain.awards.assign import SMALL_GROUP
from ...domain.explain import decode
from ...domain.nominations import CAP_REACHED
from ...domain.objections import Finding, ObjectionFiling
from ...domain.text import Message
from ...extensions import db
from ...models import Contest, Objection, Result, User
from .. import objections, results
from .city import City
from .files import DemoFiles

SMALL_GROUP_REASON = (
    "该评比组参评项目不足{min}项，不按比例评奖；评审委员会参照其他评比组的获奖分数线（{lines}），决定{what}（演示数据）"
)
OVER_CAP_REASON = "该项目经评审委员会研究特别推荐，超出本区县分配名额，报省组委会审核（演示数据）"


def _parts(result: Result, where: str) -> tuple[Message, ...]:
    return decode((result.explanation or {}).get(where))


def rank_and_settle_ties(contest: Contest, organizer: User) -> None:
    """Rank, then settle every tie at a cut line as the jury's committee would (the first entries)."""
    results.run_ranking(contest, actor=organizer)
    for _attempt in range(50):  # each decision settles one tie; resettling may reveal the next
        run = results.get_run(contest)
        assert run is not None  # run_ranking stored it
        if not run.ties:
            break
        tie = run.ties[0]
        chosen = sorted(tie["entry_ids"])[: max(1, tie.get("places") or 1)]
        results.decide_tie(contest, 0, chosen, actor=organizer, reason="评审委员会复议决定（演示数据）")


def decide_small_groups(contest: Contest, organizer: User) -> list[Result]:
    """A group under award_min_group_size gets no award by proportion: the organizer decides each
    of its entries by the other groups' lines (the lowest score each level went to there), with
    the reason (audited overrides); an entry under every line gets no award."""
    minimum = int(contest.settings_view.award_min_group_size or 0)
    rows = results.results_of(contest)
    small = [r for r in rows if any(m.template == SMALL_GROUP for m in _parts(r, "award"))]
    lines: dict[str, float] = {}
    for r in rows:
        if r.award and r.score is not None and r not in small:
            lines[r.award] = min(lines.get(r.award, r.score), r.score)
    shown = "、".join(f"{level}{lines[level]:.1f}分" for level in contest.award_names() if level in lines)
    for result in small:
        award = next((lv for lv in contest.award_names() if lv in lines and (result.score or 0) >= lines[lv]), None)
        what = f"授予{award}" if award else "不授奖项"
        reason = SMALL_GROUP_REASON.format(min=minimum, lines=shown, what=what)
        results.override_result(result, actor=organizer, award=award, reason=reason)
    return small


def nominate_past_district_cap(contest: Contest, organizer: User) -> Result | None:
    """The best entry the district cap held back is nominated by hand, so the workbook's 各区县名额
    sheet flags its district over the quota rather than the rule silently cutting it."""
    held = [
        r
        for r in results.results_of(contest)
        if any(m.template == CAP_REACHED["district"] for m in _parts(r, "nomination"))
    ]
    if not held:
        return None
    best = max(held, key=lambda r: r.score or 0)
    results.override_result(best, actor=organizer, nominated=True, reason=OVER_CAP_REASON)
    return best


def settle_objections(contest: Contest, city: City, files: DemoFiles) -> list[Objection]:
    """Two objections filed online while the notice runs (a parent, a school), then settled at the
    desk: the first founded (the award and the nomination withdrawn), the second not founded."""
    organizer = city.organizers[0]
    on_notice = [r for r in results.results_of(contest) if r.final_nominated and r.entry.number]
    on_notice.sort(key=lambda r: -(r.score or 0))
    founded_on, dismissed_on = on_notice[-1], on_notice[0]
    filed = [
        (
            ("person", dismissed_on.entry.school.name, founded_on.entry.number),
            "该项目的研究报告与2023年外省获奖作品的结论和数据图表几乎一致，疑似抄袭，附两份报告的对比页。",
            [("identity_document", "身份证明.jpg", files.jpeg), ("evidence", "报告对比.pdf", files.pdf("异议证据"))],
            Finding("upheld", "经查，该项目研究报告大段照搬他人已发表成果，违反诚信承诺，异议属实。", withdraw=True),
        ),
        (
            ("unit", founded_on.entry.school.name, dismissed_on.entry.number),
            "反映该项目实验由校外机构代做，不符合“三自”原则。",
            [("sealed_letter", "单位来函（盖章）.pdf", files.pdf("单位来函"))],
            Finding("dismissed", "经核查原始记录并问询学生，实验由学生本人完成，异议不属实。"),
        ),
    ]
    settled = []
    for (kind, unit, number), facts, uploads, finding in filed:
        filing = objection_by(city, kind, unit, number or "", facts)
        objection = file_objection(contest, filing, uploads, files)
        objections.settle(objection, finding, actor=organizer)
        settled.append(objection)
    return settled


def objection_by(city: City, kind: str, unit: str, entry_number: str, facts: str) -> ObjectionFiling:
    """What a member of the city (a person, or a unit's contact) types into the notice's form."""
    return ObjectionFiling(
        kind=kind, name=city.person_name(), unit=unit, phone=city.phone(), entry_number=entry_number, facts=facts
    )


def file_objection(
    contest: Contest, filing: ObjectionFiling, uploads: list[tuple[str, str, bytes]], files: DemoFiles
) -> Objection:
    """File an objection online, as the notice page does: uploads are (role, file name, bytes)."""
    sent = [objections.Upload(role, name, io.BytesIO(data)) for role, name, data in uploads]
    return objections.file_online(contest, filing, sent, storage=files.storage)


def backdate_objections(settled: list[Objection], published: datetime) -> None:
    """Filed on the notice's second and third days, each settled two days after it came in."""
    for day, objection in enumerate(settled, start=1):
        objection.received_at = published + timedelta(days=day, hours=3)
        objection.resolved_at = objection.received_at + timedelta(days=2)
    db.session.flush()
