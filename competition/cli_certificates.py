"""Certificate command: `flask --app competition certificates CONTEST --out FILE.pdf`."""
from __future__ import annotations

from pathlib import Path

import click

from .cli import contest_by_code
from sqlalchemy import select

from .extensions import db
from .services import ServiceError


def register(app) -> None:
    @app.cli.command("certificates")
    @click.argument("contest_code")
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Output file: FILE.pdf (one PDF for the printer) or FILE.zip (one PDF per person).")
    @click.option("--section", "section_code", help="Only this section (its code, e.g. XS).")
    @click.option("--school", "school_id", type=int, help="Only this school (its id).")
    @click.option("--no-issue", is_flag=True, help="Print the certificates as issued; do not update them first.")
    def certificates(contest_code: str, out: Path, section_code: str | None, school_id: int | None,
                     no_issue: bool):
        """Issue (or update) a contest's certificates and render them to one PDF or a zip."""
        from .models import School, Section
        from .services import certificates as service

        contest = contest_by_code(contest_code)
        section_id = None
        if section_code:
            section = db.session.scalar(select(Section).where(Section.contest_id == contest.id,
                                                              Section.code == section_code))
            if section is None:
                codes = ", ".join(s.code for s in contest.sections)
                raise click.ClickException(f"该赛事没有类别 {section_code}（可用：{codes}）。")
            section_id = section.id
        if school_id is not None and db.session.get(School, school_id) is None:
            raise click.ClickException(f"没有编号为 {school_id} 的学校。")
        fmt = "zip" if out.suffix.lower() == ".zip" else "pdf"
        if not no_issue:
            try:
                summary = service.issue(contest, None)
            except ServiceError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from None
            click.echo(f"证书：新增 {summary.created}，重新颁发 {summary.revised}，撤销 {summary.revoked}，"
                       f"不变 {summary.unchanged}。")
        ids = service.select_ids(contest.id, section_id=section_id, school_id=school_id)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        writer = service.write_pdf if fmt == "pdf" else service.write_zip
        try:
            with click.progressbar(length=len(ids), label="生成证书", show_pos=True) as bar, open(tmp, "wb") as fh:
                last = [0]

                def progress(done: int, total: int) -> None:
                    bar.update(done - last[0])
                    last[0] = done

                count = writer(contest, ids, fh, progress=progress)
        except ServiceError as exc:
            db.session.rollback()
            tmp.unlink(missing_ok=True)
            raise click.ClickException(exc.message) from None
        except BaseException:
            db.session.rollback()
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(out)
        db.session.commit()
        click.echo(f"已写入 {out}：{count} {'页' if fmt == 'pdf' else '个文件'}。")
