"""Small real files for the demo's attachments, made once."""

from __future__ import annotations

import io
from datetime import timedelta

from ...extensions import db
from ...models import Attachment, Entry, MaterialRequirement, User, utcnow

VIDEO_SECONDS = 4  # a few seconds, 96x64: a tiny file
# What each demo material says (by the material's name in the shipped definitions); others say PDF_BODIES' default.
PDF_BODIES = {
    "申报书（签字盖章扫描件）": "每页已由申报者、监护人签字，学校盖章：＿＿＿＿",
    "诚信承诺书（签字扫描件）": "本人承诺所报项目由本人独立完成，无抄袭、代做。申报者签字：＿＿＿＿",
    "科学道德伦理承诺书（签字扫描件）": "本项目遵守科学道德和伦理规范。申报者、指导教师签字：＿＿＿＿",
    "查新报告": "查新结论：未检索到与本项目相同的公开成果。",
    "原始材料（研究日志或原始记录）": "研究日志与原始数据记录（节选）。",
}


class DemoFiles:
    """Tiny valid files (PDF, JPEG, MP4) stored through the storage interface."""

    def __init__(self) -> None:
        from ...adapters import media
        from ...adapters import storage as files

        self.files = files
        self.storage = files.get_storage()
        self._pdfs: dict[str, bytes] = {}
        self.report = self.pdf("研究报告")
        self.form = self.pdf("申报书（签字盖章扫描件）")
        self.jpeg = self._jpeg()
        # A real H.264 video ffprobe measures, well under the 1-minute limit of 学生科技创新成果.
        self.mp4 = media.pattern_video(VIDEO_SECONDS)

    def pdf(self, material: str) -> bytes:
        """A one-page PDF titled with the material's name, rendered once per name and reused."""
        if material not in self._pdfs:
            from ...adapters.pdf import render_pdf

            # WenQuanYi subsets well: a 10 KB file instead of 220 KB with Noto CJK.
            style = ["@page { size: A4; margin: 2cm } body { font-family: 'WenQuanYi Micro Hei', sans-serif }"]
            body = PDF_BODIES.get(material, "本文件由演示数据生成，供查看和下载功能试用。")
            self._pdfs[material] = render_pdf(f"<h1>{material}（演示文件）</h1><p>{body}</p>", stylesheets=style)
        return self._pdfs[material]

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

    def attach(
        self, entry: Entry, requirement: MaterialRequirement, *, kind: str, name: str, user: User | None
    ) -> None:
        data, ctype = {
            "pdf": (self.pdf(requirement.name), "application/pdf"),
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
