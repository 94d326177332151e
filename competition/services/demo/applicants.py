"""The 申报书 details of the demo's students and advisers: a valid 身份证号 (GB 11643) that
carries the birth date, 民族 mostly 汉族, a parent, a phone, an address in 淮北 (邮编 235000),
a team member's 分工, and a generated 免冠照片 (JPEG); advisers get an age, a field of study
and a professional title."""

from __future__ import annotations

import io
import random
from datetime import date

from ...domain.eligibility import GRADES
from ...domain.id_numbers import check_character
from ...extensions import db
from ...models import Entry, StudentPhoto

# 淮北: 杜集区, 相山区, 烈山区, 濉溪县
REGIONS = ("340602", "340603", "340604", "340621")
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族")
DISTRICTS = ("相山区", "杜集区", "烈山区")
STREETS = ("人民路", "淮海路", "孟山路", "长山路", "相山路", "古城路", "南黎路", "濉溪路")
PARENT_WORK = (
    ("淮北矿业集团", "工程师"),
    ("淮北市人民医院", "医生"),
    ("相山区实验小学", "教师"),
    ("淮北市供电公司", "技术员"),
    ("濉溪县农业农村局", "科员"),
    ("个体经营", "店主"),
    ("淮北师范大学", "讲师"),
)
ROLES = ("提出问题并设计实验", "搭建装置与记录数据", "分析数据并撰写报告", "查阅文献与制作展板", "编写程序与测试")
MAJORS = ("物理", "化学", "生物", "信息技术", "科学", "数学", "地理", "通用技术")
TITLES = ("二级教师", "一级教师", "高级教师", "正高级教师")
_GRADE_YEARS = {grade: i for i, grade in enumerate(GRADES, 1)}  # 一年级 1 ... 高三 12, 中职 13-15


def id_number(rng: random.Random, birth: date) -> str:
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_character(first17)


def birth_date(rng: random.Random, grade: str | None, year: int) -> date:
    """A birth date that fits the grade in the contest's school year (一年级 at 6 or 7)."""
    years = min(_GRADE_YEARS.get(grade or "", 8), 12)
    return date(year - 6 - years, rng.randint(1, 8), rng.randint(1, 28))


def photo_jpeg(rng: random.Random) -> bytes:
    """A 免冠照片 stand-in: a head and shoulders on a plain blue background, 295 x 413 (一寸)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (295, 413), (67, 142, 219))
    draw = ImageDraw.Draw(img)
    skin = rng.choice([(241, 204, 170), (230, 190, 150), (245, 215, 185)])
    draw.ellipse((60, 330, 235, 520), fill=rng.choice([(40, 40, 60), (200, 30, 40), (240, 240, 240)]))
    draw.ellipse((92, 110, 203, 250), fill=skin)
    draw.pieslice((86, 90, 209, 210), 180, 360, fill=(30, 25, 20))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def student_fields(
    rng: random.Random, city, files, *, entry: Entry, name: str, gender: str, grade: str | None, year: int, team: bool
) -> dict:
    """The keyword arguments of a Student beyond name, gender, grade and school; ``files`` is the
    demo's DemoFiles (its storage keeps the photo)."""
    born = birth_date(rng, grade, year)
    work, post = rng.choice(PARENT_WORK)
    parent = rng.choice("父母")
    stored = files.storage.save_stream(io.BytesIO(photo_jpeg(rng)))
    files.files.keep_if_committed(db.session, files.storage, stored.key)
    photo = StudentPhoto(
        entry=entry,
        storage_key=stored.key,
        file_kind="jpg",
        content_type="image/jpeg",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=entry.created_by_id,
    )
    return {
        "birth_date": born,
        "ethnicity": rng.choice(ETHNICITIES),
        "id_number": id_number(rng, born),
        "guardian_name": (name[0] if parent == "父" else "") + city.person_name()[(1 if parent == "父" else 0) :],
        "guardian_relation": parent + ("子" if gender == "男" else "女"),
        "guardian_work": f"{work} {post}",
        "phone": city.phone(),
        "address": f"安徽省淮北市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
        "postcode": "235000",
        "team_role": rng.choice(ROLES) if team else None,
        "photo": photo,
    }


def adviser_fields(rng: random.Random) -> dict:
    return {"age": rng.randint(26, 58), "major": rng.choice(MAJORS), "title": rng.choice(TITLES)}
