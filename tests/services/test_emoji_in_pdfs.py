"""A name with an emoji (王芳😀) prints in the 申报书 and on a certificate: the PDF embeds
Noto Color Emoji and the emoji is drawn in colour, not an empty box. Real WeasyPrint and poppler."""
from __future__ import annotations

import subprocess

from PIL import Image

from competition.extensions import db
from competition.models import Student
from competition.services import certificates as service
from competition.services.application_form import render_application_form
from tests.factories_certificates import issued_world

NAME = "王芳😀"


def _coloured_pixels(tmp_path, pdf: bytes, name: str) -> tuple[str, int]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / name)], check=True)
    coloured = 0
    for png in sorted(tmp_path.glob(f"{name}*.png")):
        with Image.open(png) as im:
            for r, g, b in im.convert("RGB").getdata():
                # the emoji's yellow face: strongly red and green, little blue
                if r > 180 and g > 130 and b < 90:
                    coloured += 1
    return fonts, coloured


def test_the_application_form_prints_an_emoji_in_a_name(world, tmp_path):
    entry = world.entry1
    entry.students.append(Student(position=1, name=NAME, gender="女", grade="八年级", school_name="淮北市第一中学"))
    db.session.flush()
    fonts, coloured = _coloured_pixels(tmp_path, render_application_form(entry), "form")
    assert "Noto-Color-Emoji" in fonts, fonts
    assert coloured > 5, coloured


def test_a_certificate_prints_an_emoji_in_a_name(world, tmp_path):
    w = issued_world(world)
    cert = w.certs[0]
    cert.recipient_name = NAME
    db.session.flush()
    pdf = service.render_chunk(w.contest, [cert], service.document_context(w.contest))
    fonts, coloured = _coloured_pixels(tmp_path, pdf, "cert")
    assert "Noto-Color-Emoji" in fonts, fonts
    assert coloured > 5, coloured
