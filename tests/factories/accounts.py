"""Rows and files for the accounts and import tests."""

from __future__ import annotations

import io
import zipfile

from competition.extensions import db
from competition.models import District
from competition.services import imports
from tests.factories import SAMPLES, make_user

DISTRICTS = ("相山区", "杜集区", "烈山区", "濉溪县")

# A contest whose registration happened elsewhere (the 2023 sheet in the samples): its sections
# list the subjects that sheet uses, so a clean import of it is possible.
CONTEST_2023 = """
code: HB2023-CX
name: 2023年淮北市青少年科技创新大赛
full_name: 2023年淮北市第三十六届青少年科技创新大赛
year: 2023
kind: innovation
sections:
  - code: XS
    name: 学生科技创新成果
    kind: student
    stages: [小学, 初中, 高中]
    subjects:
      "*": [物理与天文学, 化学, 生命科学, 计算机科学, 工程学, 环境科学与工程, 行为与社会科学,
            微生物学, 能源科学, 植物学]
    individual: true
    team: true
    max_team_size: 3
    max_advisers: 2
  - code: FD
    name: 科技辅导员科技教育创新成果
    kind: counselor
    stages: [小学, 初中, 高中]
    subjects:
      "*": [物理与天文学, 生命科学, 工程学]
    individual: true
    team: true
    advisers: false
    max_advisers: 0
"""


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def huaibei() -> dict[str, District]:
    out = {}
    for name in DISTRICTS:
        d = db.session.query(District).filter_by(name=name).one_or_none() or District(name=name)
        db.session.add(d)
        out[name] = d
    db.session.flush()
    return out


def organizer():
    return make_user("organizer", username="boss", name="组织者")


def load_schools(actor) -> None:
    imports.apply("schools", sample("schools_gbk.csv"), "schools_gbk.csv", actor=actor)
    db.session.flush()


def contest_2023():
    from competition.services.contests import load_definition_text, save_definition

    contest = save_definition(load_definition_text(CONTEST_2023))
    contest.state = "closed"
    db.session.flush()
    return contest


def zip_bomb(size_mb: int = 120) -> bytes:
    """A zip whose one member inflates to `size_mb` of zeros, named like an xlsx workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size_mb):
                fh.write(chunk)
    return out.getvalue()


def big_xlsx(rows: int) -> bytes:
    """An .xlsx of `rows` teacher rows, written as raw SpreadsheetML (fast) with inline strings."""

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    body = ['<row r="1">' + cell("A1", "学校名称") + cell("B1", "教师姓名") + cell("C1", "手机") + "</row>"]
    for i in range(2, rows + 2):
        body.append(
            f'<row r="{i}">{cell(f"A{i}", "淮北市第一中学")}{cell(f"B{i}", f"教师{i}")}'
            f'<c r="C{i}"><v>{13800000000 + i}</v></c></row>'
        )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>' + "".join(body) + "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="教师" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return out.getvalue()


def truncated(name: str = "teachers_libreoffice.xlsx") -> bytes:
    data = sample(name)
    return data[: len(data) // 2]


def pdf_renamed() -> bytes:
    return sample("research_report_sample.pdf")
