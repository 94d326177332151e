"""Small real files for the demo's attachments, made once."""

from __future__ import annotations

import io
from datetime import timedelta

from ...extensions import db
from ...models import Attachment, Entry, MaterialRequirement, User, utcnow


class DemoFiles:
    """Tiny valid files (PDF, JPEG, MP4) stored through the storage interface."""

    def __init__(self) -> None:
        from ...adapters import storage as files
        from ...adapters.pdf import render_pdf

        self.files = files
        self.storage = files.get_storage()
        # WenQuanYi subsets well: a 10 KB file instead of 220 KB with Noto CJK.
        style = ["@page { size: A4; margin: 2cm } body { font-family: 'WenQuanYi Micro Hei', sans-serif }"]
        self.report = render_pdf(
            "<h1>研究报告（演示文件）</h1><p>本文件由演示数据生成，供查看和下载功能试用。</p>", stylesheets=style
        )
        self.form = render_pdf("<h1>申报书（签字盖章扫描件，演示）</h1><p>学校盖章：＿＿＿＿</p>", stylesheets=style)
        self.jpeg = self._jpeg()
        self.mp4 = self._mp4()

    @staticmethod
    def _jpeg() -> bytes:
        from PIL import Image, ImageDraw

        img = Image.new("RGB", (160, 120), (220, 235, 250))
        draw = ImageDraw.Draw(img)
        draw.rectangle((20, 30, 140, 90), outline=(30, 90, 160), width=3)
        draw.ellipse((60, 40, 100, 80), fill=(60, 150, 90))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
        return out.getvalue()

    @staticmethod
    def _mp4() -> bytes:
        """The smallest box structure an MP4 check accepts: ftyp, moov, mdat."""

        def box(kind: bytes, payload: bytes) -> bytes:
            return (8 + len(payload)).to_bytes(4, "big") + kind + payload

        mvhd = box(b"mvhd", bytes(4) + bytes(8) + (1000).to_bytes(4, "big") + bytes(4) + bytes(80))
        return box(b"ftyp", b"isom" + bytes(4) + b"isommp41") + box(b"moov", mvhd) + box(b"mdat", bytes(16))

    def attach(
        self, entry: Entry, requirement: MaterialRequirement, *, kind: str, name: str, user: User | None
    ) -> None:
        data, ctype = {
            "pdf": (self.report, "application/pdf"),
            "form": (self.form, "application/pdf"),
            "jpg": (self.jpeg, "image/jpeg"),
            "mp4": (self.mp4, "video/mp4"),
        }[kind]
        stored = self.storage.save_stream(io.BytesIO(data))
        self.files.keep_if_committed(db.session, self.storage, stored.key)
        entry.attachments.append(
            Attachment(
                requirement_id=requirement.id,
                original_name=name,
                storage_key=stored.key,
                file_kind="pdf" if kind == "form" else kind,
                content_type=ctype,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by_id=user.id if user else None,
                uploaded_at=(entry.submitted_at or utcnow()) - timedelta(hours=2),
            )
        )
