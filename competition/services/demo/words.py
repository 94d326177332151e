"""The words the demo writes: entry titles and abstracts, and the reviewers' reasons."""

from __future__ import annotations

import random

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

RETURN_REASONS = [
    "申报书未加盖学校公章，请补充盖章后的扫描件。",
    "研究报告中出现了学生姓名和学校名称，请删除后重新上传。",
    "照片不清晰，无法看出作品的结构，请重新拍摄。",
    "查新报告缺少结论页，请补全。",
]
REJECT_REASONS = ["作品与往届获奖作品雷同，不符合参赛要求。", "作品完成时间不在规定范围内。"]


def make_title(rng: random.Random, kind: str, used: set[str]) -> str:
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


def make_abstract(title: str, kind: str) -> str:
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
