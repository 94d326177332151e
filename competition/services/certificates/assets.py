"""The organizer's images for a contest's certificates: a background or border, and a seal and a
signature per issuer, checked by their content and stored."""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Contest, User, utcnow
from ...models.certificates import CertificateAsset
from .. import ServiceError, audit
from .settings import ISSUER_SLOTS, settings_of

MAX_ASSET_BYTES = 8 * 1024 * 1024


def asset_of(contest_id: int, slot: str) -> CertificateAsset | None:
    """The image uploaded for `slot` of the contest's certificates, if any."""
    return db.session.scalar(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest_id, CertificateAsset.slot == slot)
    )


def asset_slots(contest: Contest) -> list[tuple[str, str]]:
    """(slot, label) for the upload form: background, then a seal and a signature per issuer."""
    slots = [("background", _("Background or border image (covers the whole page)"))]
    for i, name in enumerate((settings_of(contest).get("issuers") or [])[:ISSUER_SLOTS]):
        slots.append((f"seal-{i}", _("Seal of %(issuer)s (PNG with a transparent background)", issuer=name)))
        slots.append((f"signature-{i}", _("Signature for %(issuer)s (PNG, optional)", issuer=name)))
    return slots


def save_asset(contest: Contest, slot: str, fileobj: BinaryIO, filename: str, actor: User | None) -> CertificateAsset:
    """Validate an image by its content and store it; a seal must be a PNG with transparency."""
    from PIL import Image

    from ...adapters.storage import BadContent, TooLarge, display_name, get_storage, inspect_file

    if slot not in dict(asset_slots(contest)):
        raise ServiceError(_("Unknown image slot."), "slot")
    try:
        kind = inspect_file(fileobj, max_image_pixels=40_000_000)
    except BadContent:
        raise ServiceError(_("This file is not a readable PNG or JPEG image."), "file") from None
    if kind not in ("png", "jpg"):
        raise ServiceError(_("This file is not a readable PNG or JPEG image."), "file")
    fileobj.seek(0)
    with Image.open(fileobj) as im:
        width, height = im.size
        has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    fileobj.seek(0)
    if slot.startswith(("seal-", "signature-")) and not (kind == "png" and has_alpha):
        raise ServiceError(
            _(
                "Seals and signatures must be PNG images with a transparent background, "
                "so the text under them stays visible."
            ),
            "file",
        )
    if min(width, height) < 100:
        raise ServiceError(_("The image is too small to print sharply (at least 100 pixels a side)."), "file")
    storage = get_storage()
    try:
        stored = storage.save_stream(fileobj, max_size=MAX_ASSET_BYTES)
    except TooLarge:
        raise ServiceError(_("The image is larger than 8 MB."), "file") from None
    asset = db.session.scalar(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest.id, CertificateAsset.slot == slot)
    )
    old_key = asset.storage_key if asset else None
    if asset is None:
        asset = CertificateAsset(contest_id=contest.id, slot=slot)
        db.session.add(asset)
    asset.storage_key = stored.key
    asset.original_name = display_name(filename, "image")
    asset.width, asset.height = width, height
    asset.uploaded_by_id = getattr(actor, "id", None)
    asset.uploaded_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "certificate.asset",
        asset,
        contest_id=contest.id,
        before={"key": old_key},
        after={"slot": slot, "key": stored.key},
    )
    return asset


def remove_asset(contest: Contest, slot: str, actor: User | None) -> None:
    asset = db.session.scalar(
        select(CertificateAsset).where(CertificateAsset.contest_id == contest.id, CertificateAsset.slot == slot)
    )
    if asset is None:
        raise ServiceError(_("There is no image in this slot."))
    audit.record(
        actor,
        "certificate.asset_removed",
        asset,
        contest_id=contest.id,
        before={"slot": slot, "key": asset.storage_key},
    )
    db.session.delete(asset)
    db.session.flush()
