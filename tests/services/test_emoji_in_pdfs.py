"""Emoji in a name or title (王芳🚀, 净水吸管💧) print in colour in the 申报书 and on certificates:
the PDF embeds Noto Color Emoji for the emoji only, every other character keeps its font, and
the layout ("2026年", no added space) is unchanged. Real WeasyPrint and poppler."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from competition.adapters import pdf
from competition.extensions import db
from competition.models import Student
from competition.services import certificates as service
from competition.services.application_form import render_application_form
from tests.factories.certificates import issued_world

NAME, TITLE = "王芳🚀", "净水吸管💧"
PLAIN_NAME, PLAIN_TITLE = "王芳", "净水吸管"
EMOJI = "Noto-Color-Emoji"  # as pdffonts names it


def _poppler(tmp_path: Path, pdf: bytes, stem: str) -> tuple[set[str], str, int]:
    """Embedded font names (subset prefix dropped), the text, and the count of coloured pixels
    (the rocket's red and the droplet's blue; the documents are otherwise black on white)."""
    path = tmp_path / f"{stem}.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listing.splitlines()[2:]}
    assert all(" yes " in line for line in listing.splitlines()[2:]), listing  # all embedded
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / stem)], check=True)
    coloured = 0
    for png in sorted(tmp_path.glob(f"{stem}*.png")):
        with Image.open(png) as im:
            px = im.convert("RGB").tobytes()
            coloured += sum(1 for i in range(0, len(px), 3) if max(px[i : i + 3]) - min(px[i : i + 3]) > 90)
    return fonts, text, coloured


def test_the_application_form_prints_emoji_in_colour_and_keeps_its_fonts(world, tmp_path):
    entry = world.entry1
    world.contest.full_name = "2026年淮北市青少年科技创新大赛"
    student = Student(position=1, name=PLAIN_NAME, gender="女", grade="八年级", school_name="淮北市第一中学")
    entry.students.append(student)
    entry.title = PLAIN_TITLE
    db.session.flush()
    plain_fonts, plain_text, plain_colour = _poppler(tmp_path, render_application_form(entry), "plain")
    student.name, entry.title = NAME, TITLE
    db.session.flush()
    fonts, text, coloured = _poppler(tmp_path, render_application_form(entry), "emoji")

    emoji = {name for name in fonts if name.startswith(EMOJI)}  # "-Bold" in bold text
    assert emoji and not any(name.startswith(EMOJI) for name in plain_fonts), fonts
    assert fonts - emoji == plain_fonts
    assert "2026年" in text and "2026 年" not in text
    assert NAME in text and TITLE in text
    assert coloured > plain_colour + 20, (coloured, plain_colour)


def test_a_certificate_prints_emoji_in_colour_and_keeps_its_fonts(world, tmp_path):
    w = issued_world(world)
    cert = w.certs[0]
    cert.data = {**cert.data, "name": PLAIN_NAME, "title": PLAIN_TITLE}
    db.session.flush()
    doc = service.document_context(w.contest, base_url="https://kx.example.cn")
    plain_fonts, plain_text, plain_colour = _poppler(tmp_path, service.render_chunk(w.contest, [cert], doc), "plain")
    cert.data = {**cert.data, "name": NAME, "title": TITLE}
    db.session.flush()
    fonts, text, coloured = _poppler(tmp_path, service.render_chunk(w.contest, [cert], doc), "emoji")

    emoji = {name for name in fonts if name.startswith(EMOJI)}  # "-Bold" in bold text
    assert emoji and not any(name.startswith(EMOJI) for name in plain_fonts), fonts
    assert fonts - emoji == plain_fonts
    assert TITLE in text.replace(" ", "") and "王芳" in text
    assert coloured > plain_colour + 20, (coloured, plain_colour)


def test_the_emoji_face_covers_emoji_but_not_digits_space_hash_or_star():
    ranges = [(int(a, 16), int(b or a, 16)) for a, b in re.findall(r"U\+([0-9A-F]+)(?:-([0-9A-F]+))?", pdf.EMOJI_CSS)]
    covered = lambda ch: any(lo <= ord(ch) <= hi for lo, hi in ranges)  # noqa: E731
    assert all(covered(ch) for ch in "🚀💧❤☀✨🇨🇳\u200d\ufe0f")
    assert not any(covered(ch) for ch in "0123456789 #*年，（）ABCabc")
    assert f'font-family: "{pdf.EMOJI_FAMILY}"' in pdf.EMOJI_CSS and 'local("Noto Color Emoji")' in pdf.EMOJI_CSS


def test_the_fetcher_reads_the_emoji_font_file_and_no_other_file():
    font = pdf.emoji_font_file()
    assert font and font.endswith(".ttf")  # fonts-noto-color-emoji, as scripts/install installs
    fetcher = pdf.make_url_fetcher()
    assert fetcher.fetch(Path(font).as_uri()).read()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    for url in ("file:///etc/passwd", Path(font).with_name("missing.ttf").as_uri()):
        with pytest.raises(pdf.FetchRefused):
            fetcher.fetch(url)
