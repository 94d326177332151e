"""Demo data (演示数据): a realistic Huaibei city with four contests at different stages.

`seed_demo()` builds, in one transaction (the caller commits):

* the four districts of Huaibei and about 40 schools, a teacher account per school (two for some),
  reviewers (two scoped to a district, one for the whole city), about 25 judges and two organizers;
* the science film festival OPEN for submissions (drafts and submitted entries);
* the invention contest CLOSED, in format review (submitted, accepted, returned, rejected);
* the 2026 innovation contest in JUDGING: entries accepted and numbered, round 1 judges assigned
  with `domain.assignment.assign`, about 60% of the score sheets final, some drafts, and a couple
  of judges who have not started;
* `seed_finished_contest()`: the 2025 innovation contest (HB2025-CX) with every sheet final, in
  state `results`.

Everything is deterministic (fixed seeds); every account's password is DEMO_PASSWORD. Running it
on a database that already holds the demo changes nothing (see `demo_present`).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

import yaml
from sqlalchemy import func, select

from ..domain import assignment as planner
from ..extensions import db
from ..i18n.timeutil import utc_to_local
from ..models import (
    Adviser,
    Assignment,
    Attachment,
    Certificate,
    Conflict,
    Contest,
    District,
    Entry,
    Round,
    RoundEntry,
    RoundJudge,
    School,
    ScoreSheet,
    Student,
    User,
    utcnow,
)
from . import accounts, review
from .contests import load_definition_text, save_definition, shipped_definitions

DEMO_PASSWORD = "demo1234"
SEED = 20260415
MARKER_DISTRICT = "相山区"

DISTRICTS = [("相山区", "XS"), ("杜集区", "DJ"), ("烈山区", "LS"), ("濉溪县", "SX")]
# (district, school full name, 学段 kind)
SCHOOLS = [
    ("相山区", "淮北市第一中学", "高中"),
    ("相山区", "淮北市实验高级中学", "高中"),
    ("相山区", "淮北市第二中学", "高中"),
    ("相山区", "淮北市第十二中学", "初中"),
    ("相山区", "淮北市第三中学", "初中"),
    ("相山区", "淮北市西园中学", "初中"),
    ("相山区", "淮北市实验小学", "小学"),
    ("相山区", "淮北市第一实验小学", "小学"),
    ("相山区", "淮北市相山区黎苑小学", "小学"),
    ("相山区", "淮北市相山区南黎小学", "小学"),
    ("相山区", "淮北市相山区人民路小学", "小学"),
    ("相山区", "淮北市梅苑学校", "九年一贯制"),
    ("杜集区", "淮北市杜集区朔里中学", "初中"),
    ("杜集区", "淮北市杜集区矿山集中学", "初中"),
    ("杜集区", "淮北市杜集区高岳中心学校", "九年一贯制"),
    ("杜集区", "淮北市杜集区石台中心学校", "九年一贯制"),
    ("杜集区", "淮北市杜集区段园小学", "小学"),
    ("杜集区", "淮北市杜集区朔里小学", "小学"),
    ("杜集区", "淮北市第十中学", "高中"),
    ("杜集区", "淮北市杜集区实验学校", "九年一贯制"),
    ("烈山区", "淮北市烈山区实验学校", "九年一贯制"),
    ("烈山区", "淮北市烈山区宋疃中心学校", "九年一贯制"),
    ("烈山区", "淮北市烈山区古饶中心学校", "九年一贯制"),
    ("烈山区", "淮北市烈山区烈山中学", "初中"),
    ("烈山区", "淮北市烈山区杨庄中心学校", "九年一贯制"),
    ("烈山区", "淮北市第八中学", "高中"),
    ("烈山区", "淮北市烈山区青龙山小学", "小学"),
    ("烈山区", "淮北市烈山区华家湖小学", "小学"),
    ("烈山区", "淮北市烈山区实验中学", "初中"),
    ("濉溪县", "安徽省濉溪中学", "高中"),
    ("濉溪县", "濉溪县第二中学", "高中"),
    ("濉溪县", "濉溪县孙疃中心学校", "九年一贯制"),
    ("濉溪县", "濉溪县临涣中学", "初中"),
    ("濉溪县", "濉溪县百善中心学校", "九年一贯制"),
    ("濉溪县", "濉溪县刘桥中心学校", "九年一贯制"),
    ("濉溪县", "濉溪县实验小学", "小学"),
    ("濉溪县", "濉溪县第二实验小学", "小学"),
    ("濉溪县", "濉溪县南坪中学", "初中"),
    ("濉溪县", "濉溪县铁佛中心学校", "九年一贯制"),
    ("濉溪县", "濉溪县韩村中心学校", "九年一贯制"),
]
STAGES_OF = {"小学": ["小学"], "初中": ["初中"], "高中": ["高中"], "九年一贯制": ["小学", "初中"]}
GRADES_OF = {
    "小学": ["三年级", "四年级", "五年级", "六年级"],
    "初中": ["七年级", "八年级", "九年级"],
    "高中": ["高一", "高二", "高三"],
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = [
    "子涵",
    "欣怡",
    "梓轩",
    "浩然",
    "雨桐",
    "一诺",
    "思远",
    "佳怡",
    "宇航",
    "诗涵",
    "俊杰",
    "梦琪",
    "子墨",
    "若曦",
    "博文",
    "雅琪",
    "明轩",
    "可欣",
    "天佑",
    "语嫣",
    "嘉懿",
    "晨阳",
    "书瑶",
    "皓轩",
    "沐阳",
    "静怡",
    "泽宇",
    "紫萱",
    "铭浩",
    "心怡",
    "文博",
    "雨萱",
    "昊天",
    "思琪",
    "一鸣",
    "晓彤",
    "家乐",
    "安琪",
    "志强",
    "海燕",
    "建华",
    "丽娟",
    "国庆",
    "秀英",
    "伟",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
]

JUDGE_UNITS = [
    ("淮北师范大学", "教授"),
    ("淮北师范大学", "副教授"),
    ("淮北师范大学", "副教授"),
    ("淮北师范大学", "讲师"),
    ("淮北师范大学", "教授"),
    ("淮北职业技术学院", "副教授"),
    ("淮北职业技术学院", "高级工程师"),
    ("淮北市科学技术协会", "高级工程师"),
    ("淮北市教育科学研究所", "正高级教师"),
    ("淮北市青少年科技活动中心", "高级教师"),
    ("淮北矿业集团技术中心", "高级工程师"),
    ("淮北市人民医院", "主任医师"),
    ("淮北市气象局", "高级工程师"),
    ("淮北市生态环境局监测站", "高级工程师"),
    ("淮北市农业科学研究所", "研究员"),
    ("安徽理工大学", "副教授"),
    ("淮北市电教馆", "高级教师"),
    ("淮北市科技馆", "馆员"),
    ("淮北市广播电视台", "主任编辑"),
    ("淮北师范大学", "讲师"),
    ("淮北市教育科学研究所", "高级教师"),
]
SCHOOL_JUDGES = ["淮北市第一中学", "安徽省濉溪中学", "淮北市实验小学", "淮北市烈山区实验学校"]
JUDGE_SUBJECTS = [
    "数学",
    "物理与天文学",
    "化学",
    "生命科学",
    "计算机科学",
    "工程学",
    "环境科学与工程",
    "行为与社会科学",
    "医学与健康",
    "物质科学",
    "地球与空间科学",
    "技术与设计",
    "机械",
    "电子",
    "生活用品",
    "环保",
    "交通",
]

PLACES = ["南湖湿地", "相山公园", "濉河", "采煤塌陷区", "校园", "社区", "华家湖", "龙脊山", "东湖", "老城区菜市场"]
OBJECTS = [
    "水质",
    "土壤重金属",
    "鸟类多样性",
    "蚯蚓分布",
    "空气颗粒物",
    "噪声",
    "外来植物",
    "蜜蜂访花行为",
    "垃圾分类情况",
    "青蛙种群",
]
STUDIES = ["调查研究", "变化规律研究", "影响因素探究", "长期观测", "现状调查与保护建议"]
TECHS = ["Arduino", "物联网", "图像识别", "太阳能", "微信小程序", "单片机", "传感器"]
DEVICES = [
    "智能浇花系统",
    "盲人导航手杖",
    "教室空气质量监测仪",
    "垃圾分类提醒装置",
    "防溺水报警手环",
    "自动追光晾衣架",
    "课桌坐姿提醒器",
    "楼道节能照明装置",
    "家庭用水监测器",
    "校园跌倒报警系统",
]
PLANTS = ["绿豆", "大蒜", "多肉植物", "水培生菜", "小麦", "凤仙花"]
FACTORS = ["光照颜色", "音乐", "淘米水浇灌", "土壤酸碱度", "磁场", "温度"]
INVENTIONS = [
    "多功能防疫门把手",
    "可折叠课桌收纳架",
    "自动感应节水龙头",
    "防滑雨伞套",
    "一键求助老人拐杖",
    "双层分类垃圾桶",
    "可调节护眼台灯支架",
    "便携式净水吸管",
    "自动喂鱼器",
    "防夹手门挡",
    "电动黑板擦",
    "扫地机器人避障改进装置",
    "太阳能驱蚊灯",
    "输液余量报警器",
]
ADJS = ["新型", "智能", "便携式", "多功能", "安全型", "节能型"]
COUNSELOR = ["{s}教学用{t}的设计与应用", "基于项目式学习的{s}科技实践活动方案", "“{p}”生态考察科技实践活动方案"]
TOOLS = ["演示仪", "实验装置", "教具", "数字化实验平台"]
FILM = ["{o}的秘密", "走进{p}", "一粒{pl}的旅行", "探访{p}的{o}", "{o}从哪里来", "看不见的{o}"]
FILM_OBJECTS = ["微生物", "光", "声音", "静电", "蚂蚁", "彩虹", "露珠", "塑料", "煤", "水"]


@dataclass
class DemoAccount:
    username: str
    role: str
    where: str


# ---------------------------------------------------------------------------------------------
# Small real files, made once


class _Files:
    """Tiny valid files (PDF, JPEG, MP4) stored through the storage interface."""

    def __init__(self):
        from ..adapters import storage as files
        from ..adapters.pdf import render_pdf

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

    def attach(self, entry: Entry, requirement, *, kind: str, name: str, user: User | None) -> None:
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


# ---------------------------------------------------------------------------------------------
# The city and its people


class _City:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.hash = accounts.hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow on purpose
        self.districts: dict[str, District] = {}
        self.schools: list[School] = []
        self.teachers: dict[int, list[User]] = {}
        self.reviewers: list[User] = []
        self.judges: list[User] = []
        self.organizers: list[User] = []
        self.used_names: set[str] = set()

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return "1" + self.rng.choice("35789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def user(self, username: str, name: str, roles, **fields) -> User:
        user = User(
            username=username, password_hash=self.hash, name=name, session_token=accounts.new_session_token(), **fields
        )
        user.set_roles(roles)
        db.session.add(user)
        return user

    def build(self) -> None:
        for name, code in DISTRICTS:
            self.districts[name] = District(name=name, code=code)
            db.session.add(self.districts[name])
        db.session.flush()
        for district, name, kind in SCHOOLS:
            school = School(
                district_id=self.districts[district].id,
                name=name,
                stage_kind=kind,
                contact_name=self.person_name(),
                contact_phone=self.phone(),
            )
            db.session.add(school)
            self.schools.append(school)
        db.session.flush()
        n = 0
        for i, school in enumerate(self.schools):
            for _extra in range(2 if i % 5 == 0 else 1):
                n += 1
                teacher = self.user(
                    f"teacher{n:02d}",
                    self.person_name(),
                    ["teacher"],
                    school_id=school.id,
                    gender=self.rng.choice("男女"),
                    phone=self.phone(),
                )
                self.teachers.setdefault(school.id, []).append(teacher)
        self.reviewers = [
            self.user(
                "reviewer_xs",
                "相山区审查员" + self.rng.choice(SURNAMES),
                ["reviewer"],
                district_id=self.districts["相山区"].id,
            ),
            self.user(
                "reviewer_sx",
                "濉溪县审查员" + self.rng.choice(SURNAMES),
                ["reviewer"],
                district_id=self.districts["濉溪县"].id,
            ),
            self.user("reviewer_city", "市级审查员" + self.rng.choice(SURNAMES), ["reviewer"]),
        ]
        by_name = {s.name: s for s in self.schools}
        for i, (unit, title) in enumerate(JUDGE_UNITS):
            self.judges.append(
                self.user(
                    f"judge{i + 1:02d}",
                    self.person_name(),
                    ["judge"],
                    affiliation=unit,
                    title=title,
                    subjects="、".join(self.rng.sample(JUDGE_SUBJECTS, 3)),
                    phone=self.phone(),
                    gender=self.rng.choice("男女"),
                )
            )
        for j, school_name in enumerate(SCHOOL_JUDGES):
            school = by_name[school_name]
            self.judges.append(
                self.user(
                    f"judge{len(JUDGE_UNITS) + j + 1:02d}",
                    self.person_name(),
                    ["judge"],
                    affiliation=school.name,
                    title="高级教师",
                    school_id=school.id,
                    subjects="、".join(self.rng.sample(JUDGE_SUBJECTS[:11], 3)),
                    phone=self.phone(),
                    gender=self.rng.choice("男女"),
                )
            )
        self.organizers = [
            self.user("organizer", "市科协" + self.person_name(), ["organizer"], phone=self.phone()),
            self.user("organizer2", "市教育局" + self.person_name(), ["organizer"], phone=self.phone()),
        ]
        db.session.flush()

    def reviewer_for(self, school: School) -> User:
        for reviewer in self.reviewers:
            if reviewer.district_id == school.district_id:
                return reviewer
        return self.reviewers[-1]


# ---------------------------------------------------------------------------------------------
# Contests and entries


def _contest(stem: str, state: str, *, code: str | None = None, year: int | None = None) -> Contest:
    text = shipped_definitions()[stem]
    if year is not None:
        data = yaml.safe_load(text)
        old = data["year"]
        text = text.replace(f"{old}-", f"{year}-").replace(f"{old}年", f"{year}年")
        text = text.replace(f"year: {old}", f"year: {year}")
        if data.get("edition"):
            text = text.replace(f"edition: {data['edition']}", f"edition: {data['edition'] - (old - year)}")
            text = text.replace("第三十九届", "第三十八届")
    defn = load_definition_text(text)
    if code:
        defn.code = code
    contest = save_definition(defn)
    contest.state = state
    db.session.flush()
    return contest


def _title(rng: random.Random, kind: str, used: set[str]) -> str:
    for _attempt in range(20):
        if kind == "student":
            pattern = rng.randrange(3)
            if pattern == 0:
                title = f"{rng.choice(PLACES)}{rng.choice(OBJECTS)}的{rng.choice(STUDIES)}"
            elif pattern == 1:
                title = f"基于{rng.choice(TECHS)}的{rng.choice(DEVICES)}"
            else:
                title = f"{rng.choice(PLANTS)}生长与{rng.choice(FACTORS)}的关系探究"
        elif kind == "counselor":
            title = rng.choice(COUNSELOR).format(
                s=rng.choice(["物理", "化学", "生物", "科学", "信息技术"]), t=rng.choice(TOOLS), p=rng.choice(PLACES)
            )
        elif kind == "invention":
            thing = rng.choice(INVENTIONS)
            # "便携式净水吸管" already says 便携式: no second adjective of the same kind
            title = f"{rng.choice([a for a in ADJS if a not in thing] or [''])}{thing}"
        else:
            title = rng.choice(FILM).format(o=rng.choice(FILM_OBJECTS), p=rng.choice(PLACES), pl=rng.choice(PLANTS))
        if title not in used:
            break
    used.add(title)
    return title


def _abstract(title: str, kind: str) -> str:
    # Quotes inside quotes become single quotes, as Chinese typesetting has it.
    quoted = "“" + title.replace("“", "‘").replace("”", "’") + "”"
    if kind == "film":
        return f"影片《{title}》用镜头记录了同学们的观察与实验过程，以通俗的方式讲解其中的科学道理。"
    if kind == "counselor":
        return f"本成果{quoted}已在本校多个班级实施，学生参与度高，可在同类学校推广。"
    return (
        f"本项目围绕{quoted}开展研究。我们查阅资料、设计方案并反复试验，记录了完整的原始数据，"
        f"对结果进行了分析，提出了改进建议。"
    )


class _EntryMaker:
    def __init__(self, city: _City, files: _Files, rng: random.Random):
        self.city, self.files, self.rng = city, files, rng

    def completed_on(self, year: int) -> date:
        start = date(year - 1, 9, 1)
        return start + timedelta(days=self.rng.randrange(0, 240))

    def make(
        self,
        contest: Contest,
        section,
        school: School,
        *,
        state: str,
        submitted_days_ago: float,
        taken: set,
        titles: set,
    ) -> Entry:
        rng, city = self.rng, self.city
        teacher = rng.choice(city.teachers[school.id])
        stage = rng.choice([s for s in STAGES_OF[school.stage_kind] if s in section.stages])
        subjects = section.subjects_for(stage)
        entry = Entry(
            contest_id=contest.id,
            section_id=section.id,
            school_id=school.id,
            created_by_id=teacher.id,
            title=_title(rng, section.kind, titles),
            stage=stage,
            subject=rng.choice(subjects) if subjects else None,
            completed_on=self.completed_on(contest.year),
            contact_phone=teacher.phone,
            data_confirmed=True,
            state="draft",
        )
        entry.abstract = _abstract(entry.title, section.kind)
        if section.kind != "counselor":
            team = section.team_allowed and (not section.individual_allowed or rng.random() < 0.35)
            size = rng.randint(2, min(section.max_team_size, 3 if section.kind != "film" else 5)) if team else 1
            entry.is_team = size > 1
            for i in range(size):
                grade = rng.choice(GRADES_OF[stage])
                while True:
                    name = city.person_name()
                    if (name, school.id, grade) not in taken:
                        taken.add((name, school.id, grade))
                        break
                entry.students.append(
                    Student(
                        position=i,
                        name=name,
                        gender=rng.choice("男女"),
                        grade=grade,
                        school_name=school.name,
                        stage=stage,
                    )
                )
            if section.advisers_allowed and section.max_advisers:
                entry.advisers.append(
                    Adviser(
                        position=0,
                        name=teacher.name,
                        gender=teacher.gender,
                        unit=school.name,
                        phone=teacher.phone,
                        user_id=teacher.id,
                    )
                )
                if section.max_advisers > 1 and rng.random() < 0.4:
                    entry.advisers.append(
                        Adviser(
                            position=1,
                            name=city.person_name(),
                            gender=rng.choice("男女"),
                            unit=school.name,
                            phone=city.phone(),
                        )
                    )
        now = utcnow()
        if state != "draft":
            entry.submitted_at = now - timedelta(days=submitted_days_ago, minutes=rng.randrange(600))
            entry.state = "submitted"
        entry.created_at = (entry.submitted_at or now) - timedelta(days=rng.randint(1, 10))
        db.session.add(entry)
        db.session.flush()
        complete = state != "draft" or rng.random() < 0.5
        for material in section.materials:
            if not (material.required or rng.random() < 0.3):
                continue
            if not complete and material.required and rng.random() < 0.5:
                continue  # a draft still missing something
            kinds = material.file_kinds or ["pdf"]
            kind = (
                "form"
                if material.is_application_form
                else ("mp4" if "mp4" in kinds else "pdf" if "pdf" in kinds else "jpg")
            )
            ext = "pdf" if kind == "form" else kind
            self.files.attach(entry, material, kind=kind, name=f"{material.name}.{ext}", user=teacher)
        db.session.flush()
        return entry


def _entries(
    maker: _EntryMaker,
    contest: Contest,
    count: int,
    *,
    states: list[tuple[str, float]],
    sections_weights: dict[str, float] | None = None,
) -> list[Entry]:
    """`count` entries spread over the schools; states drawn from (state, share) pairs."""
    rng = maker.rng
    taken: set = set()
    titles: set = set()
    counselors: set[int] = set()
    sections = list(contest.sections)
    weights = [(sections_weights or {}).get(s.code, 1.0) for s in sections]
    result = []
    for i in range(count):
        section = rng.choices(sections, weights)[0]
        candidates = [s for s in maker.city.schools if set(STAGES_OF[s.stage_kind]) & set(section.stages)]
        school = candidates[(i * 7 + rng.randrange(len(candidates))) % len(candidates)]
        if section.kind == "counselor":
            free = [t for t in maker.city.teachers[school.id] if t.id not in counselors]
            if not free:
                section = next(s for s in sections if s.kind != "counselor")
            else:
                counselors.add(free[0].id)
        state = rng.choices([s for s, _w in states], [w for _s, w in states])[0]
        entry = maker.make(
            contest, section, school, state=state, submitted_days_ago=rng.uniform(1, 25), taken=taken, titles=titles
        )
        if section.kind == "counselor":
            entry.created_by_id = free[0].id
            entry.contact_phone = free[0].phone
        entry._demo_target = state
        result.append(entry)
    return result


RETURN_REASONS = [
    "申报书未加盖学校公章，请补充盖章后的扫描件。",
    "研究报告中出现了学生姓名和学校名称，请删除后重新上传。",
    "照片不清晰，无法看出作品的结构，请重新拍摄。",
    "查新报告缺少结论页，请补全。",
]
REJECT_REASONS = ["作品与往届获奖作品雷同，不符合参赛要求。", "作品完成时间不在规定范围内。"]


def _review(city: _City, entries: list[Entry], rng: random.Random) -> None:
    """Carry out the format review the entries' targets ask for, through the review service."""
    organizer = city.organizers[0]
    for entry in sorted(entries, key=lambda e: (e.submitted_at or utcnow(), e.id)):
        target = entry._demo_target
        actor = city.reviewer_for(entry.school) if rng.random() < 0.7 else organizer
        if target == "accepted":
            review.accept(entry.id, actor=actor)
        elif target == "returned":
            local = (utcnow() + timedelta(days=rng.randint(3, 8))).replace(hour=9, minute=0, second=0, microsecond=0)
            review.return_entry(
                entry.id,
                actor=actor,
                reason=rng.choice(RETURN_REASONS),
                resubmit_by_local=utc_to_local(local).replace(tzinfo=None),
            )
        elif target == "rejected":
            review.reject(entry.id, actor=actor, reason=rng.choice(REJECT_REASONS))


def _set_windows(contest: Contest, *, opens: float, closes: float, judging: tuple[float, float] | None = None):
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    contest.submission_opens_at = now + timedelta(days=opens)
    contest.submission_closes_at = now + timedelta(days=closes)
    if judging:
        contest.judging_opens_at = now + timedelta(days=judging[0])
        contest.judging_closes_at = now + timedelta(days=judging[1])


# ---------------------------------------------------------------------------------------------
# Judging


def _judge_round(
    contest: Contest,
    city: _City,
    rng: random.Random,
    *,
    final_share: float,
    draft_share: float,
    idle_judges: int,
    seed: int,
    n_judges: int = 21,
) -> None:
    """Round 1: every accepted entry, a panel of judges, the planner's assignment, score sheets."""
    rnd = contest.rounds[0]
    rnd.state = "published"
    entries = db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id, Entry.state == "accepted").order_by(Entry.id)
    ).all()
    # Judges from schools sit on every panel (so recusal matters); the rest fill it up.
    from_schools = [j for j in city.judges if j.school_id]
    judges = city.judges[: n_judges - len(from_schools)] + from_schools
    for e in entries:
        db.session.add(RoundEntry(round_id=rnd.id, entry_id=e.id))
    for j in judges:
        db.session.add(RoundJudge(round_id=rnd.id, judge_id=j.id))
    # Two declared conflicts (relatives), so the planner has something to respect.
    conflicts = {}
    for judge, entry in zip(judges[:2], entries[3:5], strict=False):
        db.session.add(
            Conflict(
                judge_id=judge.id,
                entry_id=entry.id,
                kind="relative",
                source="declared",
                reason="亲属关系",
                created_by_id=judge.id,
            )
        )
        conflicts[(judge.id, entry.id)] = "亲属关系"
    db.session.flush()
    infos = [
        planner.EntryInfo(
            entry_id=e.id,
            group=(e.section_id, e.stage),
            school_id=e.school_id,
            district_id=e.school.district_id,
            subject=e.subject or "",
            adviser_ids=frozenset(a.user_id for a in e.advisers if a.user_id),
        )
        for e in entries
    ]
    jinfos = [
        planner.JudgeInfo(
            judge_id=j.id,
            school_id=j.school_id,
            district_id=j.effective_district_id,
            subjects=frozenset(j.subject_list),
        )
        for j in judges
    ]
    k = rnd.judges_per_entry or contest.judges_per_entry
    plan = planner.assign(
        infos,
        jinfos,
        conflicts,
        k=k,
        seed=seed,
        exclude_same_district=bool(contest.settings_view.exclude_same_district),
    )
    organizer = city.organizers[0]
    now = utcnow()
    extra = {"created_by_id": organizer.id} if hasattr(Assignment, "created_by_id") else {}
    if hasattr(Assignment, "published_at"):
        extra["published_at"] = now - timedelta(days=3)
    assignments = []
    for judge_id, entry_id in plan.assignments:
        a = Assignment(round_id=rnd.id, judge_id=judge_id, entry_id=entry_id, published=True, source="plan", **extra)
        db.session.add(a)
        assignments.append(a)
    db.session.flush()

    # Judges differ in severity; entries in quality. Scores follow, within each criterion's bounds.
    severity = {j.id: rng.gauss(0, 7) for j in judges}
    quality = {e.id: rng.gauss(70, 10) for e in entries}
    idle = {j.id for j in judges[: n_judges - len(from_schools)][-idle_judges:]} if idle_judges else set()
    by_entry = {e.id: e for e in entries}
    for a in sorted(assignments, key=lambda x: (x.judge_id, x.entry_id)):
        if a.judge_id in idle:
            continue
        roll = rng.random()
        if roll >= final_share + draft_share:
            continue
        entry = by_entry[a.entry_id]
        rubric = rnd.rubric_for(entry.section_id)
        level = quality[a.entry_id] + severity[a.judge_id] + rng.gauss(0, 4)
        scores = {}
        for c in rubric.criteria:
            frac = min(max(level / 100 + rng.gauss(0, 0.05), 0.2), 1.0)
            scores[str(c.id)] = float(min(c.max_score, max(0, round(frac * c.max_score))))
        sheet = ScoreSheet(assignment_id=a.id, updated_at=now - timedelta(hours=rng.randrange(1, 60)))
        if roll < final_share:
            sheet.state = "final"
            sheet.scores = scores
            sheet.total = weighted_total(rubric, scores)
            sheet.submitted_at = sheet.updated_at
            sheet.comment = rng.choice(
                [
                    "选题贴近生活，数据较完整。",
                    "创新点明确，建议加强对照实验。",
                    "研究过程规范，结论需进一步验证。",
                    "实用价值较高，报告表述清楚。",
                    None,
                ]
            )
        else:
            partial = dict(list(scores.items())[:-1])  # the judge has not finished yet
            sheet.state = "draft"
            sheet.scores = partial
            sheet.total = None
        db.session.add(sheet)
    db.session.flush()


def weighted_total(rubric, scores: dict) -> float:
    """The weighted total on 0-100: sum(score x weight) / sum(max x weight) x 100."""
    top = sum(float(scores[str(c.id)]) * c.weight for c in rubric.criteria)
    full = sum(c.max_score * c.weight for c in rubric.criteria)
    return round(top / full * 100, 2) if full else 0.0


# ---------------------------------------------------------------------------------------------
# Entry points


def demo_present() -> bool:
    return db.session.scalar(select(District).where(District.name == MARKER_DISTRICT)) is not None


def seed_demo() -> list[DemoAccount]:
    """Load the whole demo (the caller commits); does nothing if it is already there."""
    if demo_present():
        return demo_accounts()
    rng = random.Random(SEED)
    city = _City(rng)
    city.build()
    files = _Files()
    maker = _EntryMaker(city, files, rng)

    # The science film festival: open for submissions.
    film = _contest("film", "open")
    _set_windows(film, opens=-30, closes=20, judging=(25, 35))
    _entries(maker, film, 60, states=[("draft", 0.35), ("submitted", 0.65)])

    # The invention contest: closed, in format review.
    invention = _contest("invention", "closed")
    _set_windows(invention, opens=-50, closes=-3, judging=(5, 15))
    entries = _entries(
        maker,
        invention,
        90,
        states=[("draft", 0.05), ("submitted", 0.55), ("accepted", 0.25), ("returned", 0.12), ("rejected", 0.03)],
    )
    _review(city, [e for e in entries if e.state == "submitted"], rng)

    # The 2026 innovation contest: judging.
    innovation = _contest("innovation", "closed")
    _set_windows(innovation, opens=-75, closes=-20, judging=(-4, 10))
    entries = _entries(
        maker,
        innovation,
        110,
        states=[("accepted", 0.95), ("rejected", 0.03), ("draft", 0.02)],
        sections_weights={"XS": 6, "FD": 1},
    )
    _review(city, [e for e in entries if e.state == "submitted"], rng)
    innovation.state = "judging"
    _judge_round(innovation, city, rng, final_share=0.6, draft_share=0.15, idle_judges=2, seed=SEED)

    finished = seed_finished_contest(city=city, maker=maker, rng=rng)
    finish_contest(finished, city.organizers[0], rng)
    _judges_logged_in()
    db.session.flush()
    return demo_accounts()


def seed_finished_contest(*, city: _City, maker: _EntryMaker, rng: random.Random, count: int = 50) -> Contest:
    """The 2025 innovation contest (HB2025-CX): all entries accepted, every sheet final, state `results`.

    Ranking, awards and certificates are added on top of this later.
    """
    contest = _contest("innovation", "closed", code="HB2025-CX", year=2025)
    entries = _entries(maker, contest, count, states=[("accepted", 1.0)], sections_weights={"XS": 6, "FD": 1})
    for e in entries:  # submitted during the 2025 window
        e.submitted_at = contest.submission_closes_at - timedelta(days=rng.uniform(1, 20))
    _review(city, entries, rng)
    _judge_round(contest, city, rng, final_share=1.0, draft_share=0.0, idle_judges=0, seed=SEED + 2025, n_judges=18)
    _into_judging_window(contest, rng)
    contest.rounds[0].state = "closed"
    contest.state = "results"
    db.session.flush()
    return contest


def _into_judging_window(contest: Contest, rng: random.Random) -> None:
    """A past contest's sheets were saved in its own judging window, not in the last days."""
    start, end = contest.judging_opens_at, contest.judging_closes_at
    span = max((end - start).total_seconds(), 3600)
    sheets = db.session.scalars(
        select(ScoreSheet).join(Assignment).join(Round).where(Round.contest_id == contest.id)
    ).all()
    for sheet in sheets:
        sheet.updated_at = start + timedelta(seconds=rng.uniform(0, span))
        if sheet.submitted_at is not None:
            sheet.submitted_at = sheet.updated_at


def _judges_logged_in() -> None:
    """A judge who saved a sheet logged in to do it: the last login is just before the last save."""
    last_save = dict(
        db.session.execute(
            select(Assignment.judge_id, func.max(ScoreSheet.updated_at))
            .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .group_by(Assignment.judge_id)
        ).all()
    )
    for judge_id, saved in last_save.items():
        user = db.session.get(User, judge_id)
        if user.last_login_at is None or user.last_login_at < saved - timedelta(hours=8):
            user.last_login_at = saved - timedelta(minutes=40)


def finish_contest(contest: Contest, organizer: User, rng: random.Random) -> None:
    """Take the 2025 contest to the end as an organizer would, through the real services: rank,
    settle ties at cut lines, lock, publish for the public notice (backdated so it has ended),
    finalize, record some provincial outcomes and issue the certificates."""
    from . import certificates, reports, results

    results.run_ranking(contest, actor=organizer)
    for _attempt in range(50):  # each decision settles one tie; resettling may reveal the next
        run = results.get_run(contest)
        if not run.ties:
            break
        tie = run.ties[0]
        chosen = sorted(tie["entry_ids"])[: max(1, tie.get("places") or 1)]
        results.decide_tie(contest, 0, chosen, actor=organizer, reason="评审委员会复议决定（演示数据）")
    results.lock(contest, actor=organizer)
    run = results.publish(contest, actor=organizer)
    # The whole run moves into the contest's own year, after its judging closed:
    # ranked < locked < published < notice ended < final < certificates issued.
    days = int(contest.settings_view.notice_days)
    closed = contest.judging_closes_at
    run.computed_at = closed + timedelta(days=2)
    run.locked_at = closed + timedelta(days=3)
    run.published_at = closed + timedelta(days=4)
    run.notice_ends_at = run.published_at + timedelta(days=days)
    final_at = run.notice_ends_at + timedelta(hours=20)
    results.finalize(contest, actor=organizer, now=final_at)
    nominated = [e for e, _r in reports.nominated_entries(contest)]
    outcomes = {}
    for entry in nominated:
        outcomes[entry.id] = rng.choices(["省一等奖", "省二等奖", "省三等奖", "未获奖"], [2, 3, 3, 1])[0]
    if outcomes:
        reports.record_provincial_outcomes(contest, outcomes, organizer)
    certificates.issue(contest, organizer, reason="成绩定稿后颁发（演示数据）")
    issued_at = final_at + timedelta(days=2)
    for cert in db.session.scalars(select(Certificate).where(Certificate.contest_id == contest.id)):
        cert.issued_at = issued_at  # printed as the certificate's date


ROLE_ORDER = {"organizer": 0, "reviewer": 1, "judge": 2, "teacher": 3}


def demo_accounts() -> list[DemoAccount]:
    users = db.session.scalars(select(User).where(User.username.not_like("%@%")).order_by(User.username)).all()
    rows = []
    for u in users:
        role = min(u.roles, key=lambda r: ROLE_ORDER.get(r, 9)) if u.roles else ""
        if u.school:
            where = u.school.name
        elif u.district:
            where = u.district.name
        elif role == "reviewer":
            where = "全市"
        else:
            where = u.affiliation or "淮北市科学技术协会"
        rows.append(DemoAccount(username=u.username, role=role, where=where))
    rows.sort(key=lambda a: (ROLE_ORDER.get(a.role, 9), a.username))
    return rows
