"""The demo city: Huaibei's districts and schools, and its people (teachers, reviewers, judges,
organizers), every account with the password DEMO_PASSWORD."""

from __future__ import annotations

import random
from typing import Any

from ...extensions import db
from ...models import District, School, User
from .. import accounts

DEMO_PASSWORD = "demo1234"
SEED = 20260415  # every random choice of the demo follows from it

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
    ("相山区", "淮北工业与艺术学校", "中职"),
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
    ("濉溪县", "濉溪县职业技术教育中心", "中职"),
]
# 中职 (中等职业学校) schools teach the 中专 学段, a stage of its own (the vocational_own_stage setting)
STAGES_OF = {"小学": ["小学"], "初中": ["初中"], "高中": ["高中"], "九年一贯制": ["小学", "初中"], "中职": ["中专"]}
GRADES_OF = {
    "小学": ["三年级", "四年级", "五年级", "六年级"],
    "初中": ["七年级", "八年级", "九年级"],
    "高中": ["高一", "高二", "高三"],
    "中专": ["中职一年级", "中职二年级", "中职三年级"],
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


def stages_of(school: School) -> list[str]:
    """The stages (学段) a demo school teaches; every demo school has its kind."""
    assert school.stage_kind is not None
    return STAGES_OF[school.stage_kind]


class City:
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

    def user(self, username: str, name: str, roles: list[str], **fields: Any) -> User:
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
