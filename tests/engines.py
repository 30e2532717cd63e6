"""Both search engines side by side for tests and benchmarks: the top results of ``mzkb search``
(Whoosh) and of the browser (search.js in Chromium) for the same queries, as document ids, and a
generated knowledge base whose notices cite each other's 文号 (the case where the document that
carries a 文号 must rank before the documents citing it)."""

from __future__ import annotations

import random
from pathlib import Path

from mzkb.config import load_config
from mzkb.search.whoosh_index import search_results

TOP = 10
BROWSER_TOP = """async ([queries, top]) => {
    const out = [];
    for (const q of queries) {
        const r = await mzkbSearch.search(q, {}, top);
        out.push(r.results.map(x => mzkbSearch.state.frags[x.doc].u.split("#")[0].split("/").pop().replace(/\\.html$/, "")));
    }
    return out;
}"""

ISSUERS = ["测民发", "测民办函", "测民养老函", "示范财社", "测民救发"]
PHRASES = ["养老机构", "探视管理", "疫情防控", "困难群众", "基本生活保障", "殡葬服务", "遗体处置", "社区防控", "隔离观察",
           "儿童福利", "救助管理", "心理关爱", "慈善捐赠", "复工复产", "分区分级", "有序恢复", "服务秩序", "防护用品",
           "消毒工作", "应急预案", "信息报送", "值班值守", "临时救助", "特困人员", "供养服务", "婚姻登记"]
LINKS = "做好，加强，落实，切实，进一步，严格，及时，统筹，规范".split("，")


def write_generated_kb(target: Path, count: int = 48, seed: int = 27) -> tuple[Path, list[dict]]:
    """A knowledge base of ``count`` notices; each carries a 文号 and most cite one to three older
    ones in their text (``根据…文件精神``), newer ones citing more. Returns its site_config.yml
    and the documents' (id, title, doc_number, date, cited_by: ids of the documents citing it)."""
    rng = random.Random(seed)
    folder = target / "content" / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for n in range(count):
        issuer = ISSUERS[n % len(ISSUERS)]
        year = 2019 + n * 6 // count
        number = f"{issuer}〔{year}〕{n + 1}号"
        words = rng.sample(PHRASES, 3)
        title = f"关于{rng.choice(LINKS)}{words[0]}和{words[1]}工作的通知"
        cited = rng.sample(docs, min(len(docs), rng.randint(1, 3))) if docs and rng.random() < 0.8 else []
        body = []
        for c in cited:
            c["cited_by"].append(f"gen-{n:03d}")
            body.append(f"根据{c['doc_number']}文件精神，{rng.choice(LINKS)}{rng.choice(PHRASES)}工作。")
        for _ in range(4):
            body.append("，".join(f"{rng.choice(LINKS)}{rng.choice(PHRASES)}" for _ in range(rng.randint(2, 5))) + "。")
        date = f"{year}-{1 + n % 12:02d}-{1 + n % 27:02d}"
        doc = {"id": f"gen-{n:03d}", "title": title, "doc_number": number, "date": date, "cited_by": []}
        docs.append(doc)
        (folder / f"{doc['id']}.md").write_text(
            f"---\nid: {doc['id']}\ntitle: {title}\ndate: {date}\nissuer: 测试民政局\ndoc_number: {number}\n"
            f"audiences: [养老机构]\n---\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    config = target / "site_config.yml"
    config.write_text("site:\n  title: 生成的测试知识库\ncontent_dir: content\naudiences:\n"
                      "  - key: elderly-care\n    label: 养老机构\n", encoding="utf-8")
    return config, docs


BRACKETS = [("〔", "〕"), ("[", "]"), ("【", "】"), ("(", ")"), ("（", "）")]


def docno_forms(number: str, n: int) -> str:
    """A 文号 typed with the n-th bracket form."""
    left, right = BRACKETS[n % len(BRACKETS)]
    return number.replace("〔", left).replace("〕", right)


def cli_top(config_path: Path, queries: list[str], top: int = TOP, day: str | None = None) -> list[list[str]]:
    """Ids of ``mzkb search``'s first ``top`` results per query (statuses on ``day``, YYYY-MM-DD)."""
    config, _ = load_config(config_path)
    return [[h.id for h in search_results(config.state_dir / "whoosh", q, config, top, day=day).hits] for q in queries]


def browser_top(page, site: Path, queries: list[str], top: int = TOP, day: str | None = None) -> list[list[str]]:
    """Ids (page names) of the browser's first ``top`` results per query (the reader's clock on ``day``)."""
    if day:
        import datetime as dt

        page.clock.set_fixed_time(dt.datetime.fromisoformat(day + "T10:00:00"))
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
    return page.evaluate(BROWSER_TOP, [queries, top])


def agreement(a: list[list[str]], b: list[list[str]]) -> tuple[float, float]:
    """(share of queries whose first result agrees, share whose top lists are the same in the same order)."""
    pairs = list(zip(a, b))
    if not pairs:
        return 1.0, 1.0
    return (sum(x[:1] == y[:1] for x, y in pairs) / len(pairs), sum(x == y for x, y in pairs) / len(pairs))
