"""A certificate's contest, the contest's certificate setting, the date a certificate bears and the
paper it is printed on."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...extensions import db
from ...i18n.timeutil import utc_to_local
from ...models import Certificate, Contest, utcnow

ISSUER_SLOTS = 4  # issuers with a seal and a signature slot each

PAPER_MM = {"A4": (297, 210), "A3": (420, 297), "B5": (250, 176), "A5": (210, 148)}  # landscape


def contest_of(cert: Certificate) -> Contest:
    """The contest a certificate belongs to (the foreign key guarantees it is there)."""
    return db.session.get_one(Contest, cert.contest_id)


def settings_of(contest: Contest) -> dict[str, Any]:
    """The certificate setting with every key present (a contest stores only its overrides)."""
    return contest.settings_view.certificate


def certificate_date(contest: Contest, cert: Certificate | None = None) -> date:
    """The date printed: the setting's fixed date, else the day the certificate (or, for a
    preview, today) was issued in the display timezone."""
    fixed = settings_of(contest).get("date")
    if fixed:
        try:
            return date.fromisoformat(str(fixed))
        except ValueError:
            pass
    when = cert.issued_at if cert is not None and cert.issued_at else utcnow()
    local = utc_to_local(when)
    assert local is not None  # a time in gives a time out
    return local.date()


def page_setup(setting: dict[str, Any]) -> dict[str, Any]:
    """The paper, and how the certificate is laid out on it. The layout is designed on A4 (297 x
    210 mm, or 210 x 297 portrait) and zoomed to the paper, so A3, B5 and A5 get the same
    certificate larger or smaller rather than A4-sized text on a bigger or smaller sheet. The
    papers have about A4's proportions; `width` and `height` are the design size that becomes the
    paper's exact size once zoomed."""
    paper = str(setting.get("page_size") or "A4").upper()
    paper = paper if paper in PAPER_MM else "A4"
    orientation = "portrait" if setting.get("orientation") == "portrait" else "landscape"
    width, height = PAPER_MM[paper] if orientation == "landscape" else PAPER_MM[paper][::-1]
    design_w, design_h = PAPER_MM["A4"] if orientation == "landscape" else PAPER_MM["A4"][::-1]
    zoom = min(width / design_w, height / design_h)
    w, h = f"{width / zoom:.3f}mm", f"{height / zoom:.3f}mm"
    return {
        "size": f"{w} {h}",
        "paper": paper,
        "orientation": orientation,
        "width": w,
        "height": h,
        "zoom": zoom,
        "paper_mm": (width, height),
    }
