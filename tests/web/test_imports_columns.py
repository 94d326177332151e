"""The import preview reports every column of the file: read into which field, or why not."""

import io
import re

from sqlalchemy import func, select

from competition.models import User
from tests.adapters.test_spreadsheets import relabel
from tests.factories import accounts as fa


def upload(client, kind, name, data):
    return client.post(
        "/organizer/imports", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def preview_page(client, kind, name, data) -> str:
    resp = upload(client, kind, name, data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return client.get(resp.headers["Location"]).get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</div></div>", start)]


def test_sample_preview_lists_the_columns_and_no_warning(client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    login_as(boss)
    page = preview_page(client, "judges", "评委.xlsx", fa.sample("judges_libreoffice.xlsx"))
    # 序号 and 备注 are not read: said so among the warnings, but nothing asks to be checked
    unread = section(page, "import-column-warnings")
    assert 'class="alert alert-info"' in page and "请检查" not in unread and "看起来是导入需要的数据" not in unread
    assert "文件中有 2 列没有被读取" in text_of(unread)
    assert "A 列“序号”：本次导入不使用此列。" in text_of(unread) and "H 列“备注”：本次导入不使用此列。" in text_of(
        unread
    )
    columns = text_of(section(page, "import-columns"))
    assert "文件中的列" in columns and "读取为" in columns
    for header in ("序号", "姓名", "工作单位", "擅长学科", "手机号码", "备注"):
        assert header in columns
    assert "本次导入不使用的列：序号、备注" in columns
    assert "文件中没有的可选列：邮箱、用户名" in columns


def test_misspelt_and_unnamed_columns_are_warned_about_before_importing(client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    login_as(boss)
    data = relabel(fa.sample("teachers_libreoffice.xlsx"), {"手机": "联系电活", "邮箱": ""})
    page = preview_page(client, "teachers", "辅导员.xlsx", data)
    warnings = text_of(section(page, "import-column-warnings").split("</ul>")[0])
    assert "文件中有 2 列没有被读取" in warnings
    assert "F 列“联系电活”" in warnings and "是否应为“联系电话”？" in warnings and "40 个有内容的单元格" in warnings
    assert "G 列“（无表头）”" in warnings and "此列没有表头" in warnings
    table = section(page, "import-columns")
    assert table.count("未读取，请检查") == 2
    # The rows themselves are fine: the organizer may still import, knowingly, without the phones.
    assert "立即导入 40 行" in page or "Import 40 rows now" in page
    assert "不会导入：F、G 列（见页面顶部的提示）。" in text_of(page)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_missing_required_column_error_on_the_upload_form_suggests_the_rename(client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    login_as(boss)
    data = relabel(fa.sample("teachers_libreoffice.xlsx"), {"教师姓名": "教师姓命"})
    resp = upload(client, "teachers", "辅导员.xlsx", data)
    assert resp.status_code == 200
    page = text_of(resp.get_data(as_text=True))
    assert "表头（工作表“辅导员”第 2 行）缺少必需的列：姓名。" in page
    assert "D 列的表头是“教师姓命”：是否应为“教师姓名”？如果是，请把表头改为“教师姓名”后重新上传。" in page


# Every column the importer does not read is in the warnings, by letter and header, with the nearest
# known column when one is close: 油箱 (typed for 邮箱, same pinyin) was listed only in small grey
# print under the column map while 手机号吗 got a warning.
UNREAD_SHEETS = {
    "schools": ("区县,学校名称,油箱,备注,联系电活\n相山区,淮北市第九中学,a@b.cn,新校,13900000001\n", None),
    "teachers": ("区县,学校名称,姓名,油箱,备注,手机号吗\n相山区,淮北市第一中学,甲,a@b.cn,x,13900000001\n", "邮箱"),
    "reviewers": ("姓名,区县,油箱,备注,手机号吗\n乙,相山区,a@b.cn,x,13900000001\n", "邮箱"),
    "judges": ("姓名,工作单位,油箱,备注,手机号吗\n丙,淮北师范大学,a@b.cn,x,13900000001\n", "邮箱"),
    "entries": (
        "类别,学段,项目名称,学校,作者1,油箱,备注,联系电活\n科技创新成果,初中,某项目,淮北市第一中学,丁,a@b.cn,x,"
        "13900000001\n",
        None,
    ),
}


def test_every_unread_column_is_in_the_warnings_for_each_kind(client, login_as, db):
    fa.huaibei()
    boss = fa.organizer()
    fa.load_schools(boss)
    contest = fa.contest_2023()
    db.session.commit()
    login_as(boss)
    for kind, (text, email_alias) in UNREAD_SHEETS.items():
        extra = {"contest_id": contest.id} if kind == "entries" else {}
        resp = client.post(
            "/organizer/imports",
            data={"kind": kind, "file": (io.BytesIO(text.encode("gb18030")), f"{kind}.csv"), **extra},
            content_type="multipart/form-data",
        )
        assert resp.status_code == 302, (kind, resp.get_data(as_text=True)[:2000])
        page = client.get(resp.headers["Location"]).get_data(as_text=True)
        assert 'id="import-column-warnings"' in page, kind
        warnings = text_of(section(page, "import-column-warnings"))
        headers = text.splitlines()[0].split(",")
        for letter, header in zip("ABCDEFGH", headers, strict=False):
            if header in ("油箱", "备注", "手机号吗", "联系电活"):
                assert f"{letter} 列“{header}”" in warnings, (kind, header, warnings)
        if email_alias:
            assert f"是否应为“{email_alias}”？" in warnings, (kind, warnings)
        else:  # no e-mail field in this import: said so, not silently dropped
            assert "油箱" in warnings and "本次导入不使用此列" in warnings, (kind, warnings)
        assert "备注" in warnings
        phone = "手机号码" if "手机号吗" in headers else "联系电话"
        assert f"是否应为“{phone}”？" in warnings, (kind, warnings)
