"""File names stored before uploads lost their direction marks (old rows) still hold U+202E:
every page that shows one, and the download's Content-Disposition, show it neutralised."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment, CertificateAsset
from tests.factories import judging as fj
from tests.factories.teacher import REPORT_PDF, attach

OLD_NAME = "report\u202efdp.exe"
SHOWN = "reportfdp.exe"


def _old_attachment(entry):
    """A real stored file whose row holds a name as old data has it (store_upload would clean it)."""
    state, entry.state = entry.state, "draft"  # store_upload takes files for drafts only
    attachment = attach(entry, "report", REPORT_PDF)
    attachment.original_name = OLD_NAME
    entry.state = state
    db.session.commit()
    return attachment


def _page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def test_teacher_and_review_pages_and_the_download_neutralise_a_stored_override(world, login_as):
    attachment = _old_attachment(world.entry1)
    world.entry1.state = "submitted"
    db.session.commit()
    client = login_as(world.teacher1)
    page = _page(client, f"/teacher/entries/{world.entry1.id}")
    assert SHOWN in page and "\u202e" not in page
    resp = client.get(f"/files/{attachment.id}")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition.upper()
    assert disposition.endswith(".pdf")  # named by the contest's pattern, not by the stored name

    page = _page(login_as(world.reviewer1), f"/review/entries/{world.entry1.id}")
    assert SHOWN in page and "\u202e" not in page


def test_the_judges_page_neutralises_a_stored_override(world, login_as):
    _old_attachment(world.entry3)  # judging_world accepts entry3 into round 1
    jw = fj.judging_world(world)
    fj.planned(world, jw)
    world.contest.blind_judging = False  # judges see file names only when the contest is not blind
    assignment = db.session.scalars(select(Assignment).where(Assignment.entry_id == world.entry3.id)).first()
    page = _page(login_as(assignment.judge), f"/judge/a/{assignment.id}")
    assert SHOWN in page and "\u202e" not in page


def test_the_certificate_settings_page_neutralises_a_stored_override(world, login_as):
    db.session.add(
        CertificateAsset(
            contest_id=world.contest.id,
            slot="background",
            storage_key="x" * 32,
            original_name="seal\u202egnp.exe",
            width=10,
            height=10,
        )
    )
    db.session.commit()
    page = _page(login_as(world.organizer), f"/organizer/contests/{world.contest.id}/certificates")
    assert "sealgnp.exe" in page and "\u202e" not in page
