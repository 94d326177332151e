"""The import preview lets the organizer choose between an existing school and a new one."""

import io
import re

from sqlalchemy import func, select

from competition.models import School, User
from tests.factories import accounts as fa


def upload(client, kind, name, data):
    resp = client.post(
        "/organizer/imports", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return resp.headers["Location"].split("?")[0]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def names(db):
    return set(db.session.scalars(select(School.name)))


def test_near_schools_are_shown_with_a_choice_and_the_choice_is_honoured(client, login_as, db):
    districts = fa.huaibei()
    boss = fa.organizer()
    db.session.add_all(
        [
            School(name="淮北市杜集区实验学校", district_id=districts["杜集区"].id),
            School(name="安徽省濉溪中学", district_id=districts["濉溪县"].id),
        ]
    )
    db.session.commit()
    login_as(boss)
    url = upload(client, "schools", "学校.csv", fa.sample("schools_gbk.csv"))
    html = client.get(url).get_data(as_text=True)
    start = html.index('id="import-near-schools"')
    card = html[start : html.index("</table>", start)]
    page = text_of(card)
    assert "文件中有 2 所学校与已有学校相似" in page
    assert "已有学校“淮北市杜集区实验学校”（杜集区）" in page and "新建学校“杜集区实验学校”" in page
    assert "已有学校“安徽省濉溪中学”（濉溪县）" in page
    checked = re.findall(r'name="(school-\d+)" id="[^"]+" value="([^"]+)" checked', card)
    lines = {name: value for name, value in checked}
    assert len(lines) == 2 and "new" not in lines.values()  # default: the existing school
    assert all('form="import-confirm"' in tag for tag in re.findall(r"<input[^>]+>", card))
    assert 'id="import-confirm"' in html
    djs_line, sx_line = sorted(lines, key=lambda k: int(k.split("-")[1]))
    # The organizer keeps 杜集区实验学校 as the existing school and says 濉溪中学 is a new one.
    resp = client.post(url, data={djs_line: lines[djs_line], sx_line: "new"}, follow_redirects=True)
    assert resp.status_code == 200
    assert "新建 19 条，修改 1 条" in text_of(resp.get_data(as_text=True))
    found = names(db)
    assert "杜集区实验学校" not in found and "淮北市杜集区实验学校" in found
    assert "濉溪中学" in found and "安徽省濉溪中学" in found and len(found) == 21


def test_teachers_of_the_short_form_are_attached_and_the_preview_says_so(client, login_as, db):
    districts = fa.huaibei()
    boss = fa.organizer()
    db.session.add(School(name="淮北市杜集区实验学校", district_id=districts["杜集区"].id))
    db.session.commit()
    fa.load_schools(boss)  # the default choice: 杜集区实验学校 is the existing school
    db.session.commit()
    assert "杜集区实验学校" not in names(db)
    login_as(boss)
    url = upload(client, "teachers", "辅导员.xlsx", fa.sample("teachers_libreoffice.xlsx"))
    page = text_of(client.get(url).get_data(as_text=True))
    assert "没有名为“杜集区实验学校”的学校，按已有学校“淮北市杜集区实验学校”导入" in page
    assert client.post(url, data={}, follow_redirects=True).status_code == 200
    school = db.session.scalar(select(School).where(School.name == "淮北市杜集区实验学校"))
    assert db.session.scalar(select(func.count()).select_from(User).where(User.school_id == school.id)) == 3
