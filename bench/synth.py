"""Synthetic Chinese civil-affairs documents for benchmarks (deterministic for a seed)."""

from __future__ import annotations

import random
from pathlib import Path

ORGS = ["养老机构", "儿童福利机构", "精神卫生福利机构", "救助管理机构", "殡葬服务机构", "婚姻登记机关", "城乡社区", "社会组织", "慈善组织"]
ACTIONS = ["加强", "落实", "规范", "完善", "健全", "严格执行", "统筹推进", "切实做好", "持续强化", "细化"]
OBJECTS = ["疫情防控", "人员健康监测", "消毒通风", "物资储备", "探视管理", "出入登记", "应急处置", "心理疏导", "信息报送",
           "遗体接运", "临时救助", "低保审核", "特困供养", "志愿服务", "捐赠物资管理", "安全巡查", "值班值守", "培训演练"]
PLACES = ["各省", "各地民政部门", "县级民政部门", "乡镇（街道）", "村（居）委会", "服务机构", "定点医院"]
CONNECT = ["同时", "此外", "对此", "在此基础上", "必要时", "原则上", "对于确有需要的"]
NUMERALS = "一二三四五六七八九十"
AUDIENCES = ["养老机构", "儿童福利机构", "精神卫生福利机构", "流浪乞讨人员救助管理机构", "殡葬服务机构", "窗口单位", "城乡社区", "社会救助", "慈善与社会组织"]
TYPES = ["notices", "guidelines", "cases"]


def sentence(rng: random.Random) -> str:
    """One official-style sentence."""
    return (f"{rng.choice(PLACES)}要{rng.choice(ACTIONS)}{rng.choice(ORGS)}{rng.choice(OBJECTS)}工作，"
            f"{rng.choice(CONNECT)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，确保各项措施落实到位第{rng.randint(1, 99)}项要求。")


def paragraph(rng: random.Random, n: int) -> str:
    """A paragraph of ``n`` sentences."""
    return "".join(sentence(rng) for _ in range(n))


def document(rng: random.Random, number: int, chars: int = 3000) -> tuple[str, str, str]:
    """(folder, file name, text) of one synthetic document of about ``chars`` characters."""
    folder = TYPES[number % len(TYPES)]
    org = rng.choice(ORGS)
    title = f"关于{rng.choice(ACTIONS)}{org}{rng.choice(OBJECTS)}工作的{'通知' if folder == 'notices' else '指南' if folder == 'guidelines' else '经验做法'}（第{number}号）"
    audiences = rng.sample(AUDIENCES, rng.randint(1, 3))
    year = 2019 + number % 4
    meta = [f"id: synth-{number:05d}", f"title: {title}", f"date: {year}-{1 + number % 12:02d}-{1 + number % 28:02d}",
            f"audiences: [{', '.join(audiences)}]", "issuer: 某省民政厅", f"doc_number: 示民发〔{year}〕{number}号"]
    if folder == "cases":
        meta.append("region: 浙江省杭州市")
    body: list[str] = [paragraph(rng, 3), ""]
    size, section = 0, 0
    while size < chars:
        heading = f"## {NUMERALS[section % 10]}、{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
        section += 1
        block = [heading, "", paragraph(rng, 4), ""]
        block += [f"{i}. {sentence(rng)}" for i in range(1, 4)] + [""]
        block += ["### 具体要求", "", paragraph(rng, 3), ""]
        size += sum(len(x) for x in block)
        body += block
    text = "---\n" + "\n".join(meta) + "\n---\n\n" + "\n".join(body)
    return folder, f"synth-{number:05d}.md", text


def write_corpus(target: Path, count: int, seed: int = 7, chars: int = 3000) -> Path:
    """Write ``count`` documents under ``target/content`` plus a site_config.yml; return the config path."""
    rng = random.Random(seed)
    for folder in ("notices", "guidelines", "videos", "cases"):
        (target / "content" / folder).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        folder, name, text = document(rng, number, chars)
        (target / "content" / folder / name).write_text(text, encoding="utf-8")
    keys = ["elderly-care", "child-welfare", "mental-health", "relief", "funeral", "service-window", "community", "social-assistance", "charity"]
    audiences = "\n".join(f"  - key: {k}\n    label: {label}" for k, label in zip(keys, AUDIENCES))
    config = target / "site_config.yml"
    config.write_text(f"site:\n  title: 合成基准知识库\ncontent_dir: content\naudiences:\n{audiences}\n", encoding="utf-8")
    return config
