"""Certificates end to end on the real database and the real WeasyPrint: numbers, corrections,
revocation, every page rendered with embedded fonts, QR codes that decode, rare characters and
long titles that stay inside the page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, Certificate
from competition.models.certificates import CertificateRevision
from competition.services import ServiceError
from competition.services import certificates as service
from tests.factories.certificates import LONG_SCHOOL, LONG_TITLE, awarded_world

MM = 96 / 25.4  # WeasyPrint lays out in CSS px
BASE_URL = "https://kx.example.cn"  # the public address the edge passes (PUBLIC_BASE_URL)


def certs(contest):
    return db.session.scalars(
        select(Certificate).where(Certificate.contest_id == contest.id).order_by(Certificate.number)
    ).all()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture()
def issued(world):
    w = awarded_world(world)
    service.issue(w.contest, w.organizer, base_url=BASE_URL)
    db.session.commit()
    return w


def test_issue_gives_each_recipient_one_numbered_certificate(issued):
    rows = certs(issued.contest)
    # team: 2 students + 2 advisers; rare: 1 + 1; single: 1; the entry without award: none
    assert len(rows) == 7
    assert sorted(r.kind for r in rows) == ["adviser"] * 3 + ["student"] * 4
    assert [r.number for r in rows] == [f"2026-CX-XS-{i:04d}" for i in range(1, 8)]
    assert len({r.verification_code for r in rows}) == 7 and all(len(r.verification_code) >= 22 for r in rows)
    first = next(r for r in rows if r.recipient_name == "周子涵")
    assert (first.award, first.school_id, first.data["advisers"]) == ("一等奖", issued.s1.id, ["张明", "李红"])


def test_regenerating_keeps_numbers_and_codes(issued):
    before = {r.recipient_key: (r.number, r.verification_code, r.revision) for r in certs(issued.contest)}
    summary = service.issue(issued.contest, issued.organizer, base_url=BASE_URL)
    db.session.commit()
    assert (summary.created, summary.revised, summary.revoked, summary.unchanged) == (0, 0, 0, 7)
    assert {r.recipient_key: (r.number, r.verification_code, r.revision) for r in certs(issued.contest)} == before


def test_correcting_a_typo_reissues_under_the_same_number(issued):
    cert = next(r for r in certs(issued.contest) if r.recipient_name == "周子涵")
    number, old_code = cert.number, cert.verification_code
    summary = service.correct(cert, issued.organizer, name="周梓涵", reason="家长反映姓名有误", base_url=BASE_URL)
    db.session.commit()
    assert summary.revised == 3  # the student's certificate and both advisers' (they list the members)
    db.session.refresh(cert)
    assert (cert.number, cert.revision, cert.recipient_name) == (number, 2, "周梓涵")
    assert cert.verification_code != old_code
    assert issued.team.students[0].name == "周梓涵"  # fixed at the source
    # The advisers' certificates list the members: they are re-issued too.
    adviser = next(r for r in certs(issued.contest) if r.recipient_name == "张明")
    assert adviser.revision == 2 and "周梓涵" in adviser.data["members"]
    # The old QR still answers: it names the certificate and its older revision.
    found, revision = service.find_by_code(old_code)
    assert found.id == cert.id and revision.revision == 1 and revision.data["name"] == "周子涵"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "certificate.correct" in actions and actions.count("certificate.reissue") == 3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.correct"))
    assert (
        event.before == {"name": "周子涵"} and event.after == {"name": "周梓涵"} and event.reason == "家长反映姓名有误"
    )
    assert (
        db.session.scalar(
            select(CertificateRevision).where(
                CertificateRevision.certificate_id == cert.id, CertificateRevision.revision == 2
            )
        ).data["name"]
        == "周梓涵"
    )


def test_correction_needs_a_reason_and_a_change(issued):
    cert = certs(issued.contest)[0]
    with pytest.raises(ServiceError) as exc:
        service.correct(cert, issued.organizer, name="新名字", reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(ServiceError):
        service.correct(cert, issued.organizer, name=cert.recipient_name, reason="无变化")


def test_withdrawn_award_revokes_and_the_number_is_never_reused(issued):
    single = next(r for r in certs(issued.contest) if r.recipient_name == "陈燚")
    issued.r_single.withdrawn = True
    issued.r_single.withdrawn_reason = "公示期异议成立"
    summary = service.issue(issued.contest, issued.organizer)
    db.session.commit()
    assert summary.revoked == 1
    db.session.refresh(single)
    assert single.revoked and single.revoked_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke")).object_id == single.id
    # Awarded again later: a new certificate with a new number; the revoked one stays taken.
    issued.r_single.withdrawn = False
    service.issue(issued.contest, issued.organizer)
    db.session.commit()
    again = [r for r in certs(issued.contest) if r.recipient_name == "陈燚"]
    assert len(again) == 2
    new = next(r for r in again if not r.revoked)
    assert new.number == "2026-CX-XS-0008" and new.number != single.number


def test_manual_revoke_is_audited_and_not_twice(issued):
    cert = certs(issued.contest)[0]
    service.revoke(cert, issued.organizer, "奖项撤销")
    db.session.commit()
    assert cert.revoked and cert.revoked_reason == "奖项撤销"
    with pytest.raises(ServiceError):
        service.revoke(cert, issued.organizer, "again")


def test_every_certificate_renders_one_page_with_its_text_and_embedded_cjk_fonts(issued, tmp_path):
    rows = [r for r in certs(issued.contest) if not r.revoked]
    out = tmp_path / "all.pdf"
    with out.open("wb") as fh:
        pages = service.write_pdf(
            issued.contest, [r.id for r in rows], fh, base_url=BASE_URL, chunk=3
        )  # several chunks
    assert pages == len(rows) == len(PdfReader(str(out)).pages)
    # One page per certificate, in order: each page carries its recipient's name, school and award.
    for i, cert in enumerate(rows):
        page_text = (
            subprocess.run(
                ["pdftotext", "-f", str(i + 1), "-l", str(i + 1), str(out), "-"],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.replace("\n", "")
            .replace(" ", "")
        )
        assert cert.recipient_name in page_text
        assert cert.data["school"] in page_text
        assert "".join(cert.award) in page_text.replace(" ", "")
        assert cert.number in page_text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert any("Noto-Serif-CJK-SC-Bold" in r for r in font_rows) and any(
        "Noto-Serif-CJK-SC " in r + " " for r in font_rows
    )
    assert all(" yes " in r for r in font_rows), fonts  # every font embedded


def test_qr_code_decodes_to_the_verify_url(issued, tmp_path):
    cert = certs(issued.contest)[0]
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(service.single_pdf(cert, base_url=BASE_URL))
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert decoded == f"{BASE_URL}/verify/{cert.verification_code}"
    # For photocopies whose code no longer reads: where to check by number, printed by the number.
    text = pdf_text(pdf).replace(" ", "")
    address = BASE_URL.split("://", 1)[-1]
    assert f"查验：{address}/verify" in text


def _dark_pixels(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as im:
        return sum(im.convert("L").histogram()[:128])


@pytest.mark.parametrize("char", ["㛃", "堃", "喆", "玥", "燚", "𠇔"])
def test_rare_characters_are_drawn_not_notdef(char, tmp_path, app):
    """A missing glyph still extracts as text, so compare what is drawn with the .notdef box."""
    from competition.adapters.pdf import render_pdf

    css = (
        "@page { size: 60mm 60mm; margin: 5mm } body { font-family: 'Noto Serif CJK SC', 'HanaMinA', "
        "'HanaMinB', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', serif; font-size: 100pt; font-weight: 700 }"
    )

    def raster(text: str, name: str) -> Path:
        pdf = tmp_path / f"{name}.pdf"
        render_pdf(f"<p>{text}</p>", stylesheets=[css], target=str(pdf))
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(tmp_path / name)], check=True)
        return tmp_path / f"{name}.png"

    notdef = _dark_pixels(raster("\U0010fffd", "notdef"))  # no font has this code point
    drawn = _dark_pixels(raster(char, "rare"))
    assert drawn > 200 and abs(drawn - notdef) > 50, (char, drawn, notdef)
    # The glyph comes from an embedded CJK font, never a fallback that is not embedded.
    fonts = subprocess.run(["pdffonts", str(tmp_path / "rare.pdf")], capture_output=True, text=True).stdout
    assert "CJK" in fonts and all(" yes " in r for r in fonts.splitlines()[2:])


def _layout(contest, rows):
    from weasyprint import HTML

    from competition.adapters.pdf import _fonts, make_url_fetcher

    html = service.render_html(contest, rows, service.document_context(contest, base_url=BASE_URL))
    return HTML(string=html, base_url="static:", url_fetcher=make_url_fetcher(service.upload_reader)).render(
        font_config=_fonts
    )


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _boxes(child)


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def test_long_titles_rare_names_and_long_school_names_stay_inside_the_frame(issued):
    from weasyprint.formatting_structure.boxes import TextBox

    rare = next(r for r in certs(issued.contest) if r.recipient_name == "刘𠇔")
    assert rare.data["title"] == LONG_TITLE and len(LONG_TITLE) == 60 and rare.data["school"] == LONG_SCHOOL
    # Also a team certificate with three long names and a portrait page.
    rows = [r for r in certs(issued.contest)]
    for orientation in ("landscape", "portrait"):
        issued.contest.settings = {
            **(issued.contest.settings or {}),
            "certificate": {
                "orientation": orientation,
                "issuers": ["淮北市科学技术协会", "淮北市教育局", "共青团淮北市委员会"],
            },
        }
        document = _layout(issued.contest, rows)
        assert len(document.pages) == len(rows)
        for page, cert in zip(document.pages, rows, strict=True):
            width, height = page.width, page.height
            frame = 11 * MM
            texts = [b for b in _boxes(page._page_box) if isinstance(b, TextBox) and b.text.strip()]
            assert texts
            for t in texts:
                assert frame <= t.position_x and t.position_x + t.width <= width - frame + 0.5, (cert.number, t.text)
                assert frame <= t.position_y and t.position_y + t.height <= height - frame + 0.5, (cert.number, t.text)
            blocks = {}
            for b in _boxes(page._page_box):
                for cls in _classes(b) & {"body", "details", "verify", "issue"}:
                    blocks[cls] = b
            body, details, issue = blocks["body"], blocks["details"], blocks["issue"]
            body_bottom = body.position_y + body.margin_height()
            assert body_bottom <= details.position_y + 0.5, (orientation, cert.number)
            details_bottom = details.position_y + details.margin_height()
            assert (
                details_bottom <= issue.position_y + 0.5
                or details.position_x + details.margin_width() <= issue.position_x
            )
            # the whole 60-character title is on the page, not cut
            drawn = "".join(t.text for t in texts)
            assert cert.data["title"] in drawn and cert.recipient_name in drawn


def _png(path: Path, *, alpha: bool, size=(300, 300)) -> Path:
    from PIL import Image, ImageDraw

    im = Image.new("RGBA" if alpha else "RGB", size, (0, 0, 0, 0) if alpha else (255, 255, 255))
    draw = ImageDraw.Draw(im)
    draw.ellipse((10, 10, size[0] - 10, size[1] - 10), outline=(200, 20, 20, 255), width=12)
    im.save(path)
    return path


def test_seals_must_be_transparent_pngs_and_are_printed(issued, tmp_path):
    contest = issued.contest
    with pytest.raises(ServiceError):
        service.save_asset(contest, "seal-0", io.BytesIO(b"not an image at all"), "x.png", issued.organizer)
    flat = _png(tmp_path / "flat.png", alpha=False)
    with flat.open("rb") as fh, pytest.raises(ServiceError) as exc:
        service.save_asset(contest, "seal-0", fh, "flat.png", issued.organizer)
    assert exc.value.field == "file"
    seal = _png(tmp_path / "seal.png", alpha=True)
    with seal.open("rb") as fh:
        service.save_asset(contest, "seal-0", fh, "公章.png", issued.organizer)
    db.session.commit()
    pdf = tmp_path / "sealed.pdf"
    pdf.write_bytes(service.single_pdf(certs(contest)[0], base_url=BASE_URL))
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) >= 3  # header lines + the seal
    service.remove_asset(contest, "seal-0", issued.organizer)
    db.session.commit()
    with pytest.raises(ServiceError):
        service.save_asset(contest, "nonsense", seal.open("rb"), "x.png", issued.organizer)


def test_sample_preview_renders(issued):
    pdf = service.sample_pdf(issued.contest, base_url=BASE_URL)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


PAPER_PT = {"A4": (841.89, 595.28), "A3": (1190.55, 841.89), "B5": (708.66, 498.90), "A5": (595.28, 419.53)}


def _on_paper(issued, paper: str, orientation: str) -> bytes:
    contest = issued.contest
    contest.settings = {
        **contest.settings,
        "certificate": {**(contest.setting("certificate") or {}), "page_size": paper, "orientation": orientation},
    }
    db.session.flush()
    return service.single_pdf(certs(contest)[0], base_url=BASE_URL)


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_every_paper_size_gets_the_same_certificate_scaled(issued, tmp_path, orientation):
    """The layout is drawn for A4 and zoomed to the paper: the page has the paper's exact size,
    and drawn at the same pixel size every paper shows the same certificate (nothing overlaps on
    small paper, nothing is lost on large paper); the QR code still decodes on A5."""
    from PIL import Image, ImageChops, ImageStat

    drawn = {}
    for paper, (long_side, short_side) in PAPER_PT.items():
        pdf = tmp_path / f"{paper}.pdf"
        pdf.write_bytes(_on_paper(issued, paper, orientation))
        box = PdfReader(pdf).pages[0].mediabox
        expected = (long_side, short_side) if orientation == "landscape" else (short_side, long_side)
        assert abs(float(box.width) - expected[0]) < 1 and abs(float(box.height) - expected[1]) < 1, paper
        size = (600, 424) if orientation == "landscape" else (424, 600)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-singlefile",
                "-scale-to-x",
                str(size[0]),
                "-scale-to-y",
                str(size[1]),
                str(pdf),
                str(tmp_path / paper),
            ],
            check=True,
        )
        drawn[paper] = Image.open(tmp_path / f"{paper}.png").convert("L")
    for paper in ("A3", "B5", "A5"):
        diff = ImageStat.Stat(ImageChops.difference(drawn["A4"], drawn[paper])).mean[0]
        assert diff < 6, (paper, diff)  # anti-aliasing only; A4-sized text on other paper gives 17
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(tmp_path / "A5.pdf"), str(tmp_path / "a5-300")], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "a5-300.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert decoded.strip().startswith(f"{BASE_URL}/verify/")


def test_chinese_date_is_printed(issued, tmp_path):
    issued.contest.settings = {**(issued.contest.settings or {}), "certificate": {"date": "2023-05-20"}}
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(service.single_pdf(certs(issued.contest)[0], base_url=BASE_URL))
    assert "二〇二三年五月二十日" in pdf_text(pdf)


def test_the_stored_qr_code_follows_the_public_address(issued):
    cert = certs(issued.contest)[0]
    assert cert.qr_url == f"{BASE_URL}/verify/{cert.verification_code}"
    assert cert.qr_svg and service.qr_of(cert, BASE_URL) == cert.qr_svg
    assert service.qr_of(cert, "https://zs.example.cn") != cert.qr_svg  # made again for the new address


def test_without_the_public_address_issuing_leaves_the_qr_code_to_printing(world):
    w = awarded_world(world)
    service.issue(w.contest, w.organizer)
    db.session.commit()
    cert = certs(w.contest)[0]
    assert cert.qr_url is None and cert.qr_svg is None
    assert service.qr_of(cert, BASE_URL) == service.qr_data_uri(f"{BASE_URL}/verify/{cert.verification_code}")
