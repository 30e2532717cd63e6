"""An editor's first day (issue 29), run as an editor runs it: the installed ``mzkb`` command, one
subprocess a step, on a new git repository, following README.md and the editor guide.

init → new (four types) → a 文号 notice → a second edition → an amendment with validity → a video
with transcript and chapters → a case → attachments → check → build → serve → git commit → release
v1, edit, release v2 → build --versions → keygen, signed bundle with --since → verify → apply-update,
with a ``draft: true`` document in the repository all along.

Every step exits 0 and prints no traceback and no English (``english_words``: what an editor reads
is Chinese, apart from command names, paths, URLs, option names, diagnostic codes and version
names); the newest release is the site's default and the draft is in no built or bundled file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

MZKB = Path(sys.executable).with_name("mzkb")
COMMANDS = ("init", "new", "check", "build", "serve", "search", "release", "bundle", "verify", "apply-update",
            "keygen", "import")
DRAFT_WORD = "草稿尚未定稿的探视新规"
"""A phrase only the draft holds: no built or bundled file may contain it."""

# ---------------------------------------------------------------------------------------------
# The English detector

_MASKS = [
    r"(?:https?|file)://\S+",                       # URLs
    r"\bed25519:\S+",                               # a public key as site_config.yml holds it
    r"^\s*[a-z]+_[a-z_]+:(?=\s|$)",                 # a YAML line as the editor writes it (  public_key: …)
    r"\bmzkb(?: (?:" + "|".join(COMMANDS) + r"))?\b",  # the command and its subcommands
    r"^\s+(?:" + "|".join(COMMANDS) + r")(?=\s)",      # a subcommand in the list that --help prints
    r"(?<![\w-])--?[a-z][a-z0-9-]*",                # option names (--strict, -o)
    r"\bMZ\d{3}\b",                                 # diagnostic codes
    r"\bv\d+\b",                                    # version names
    r"[^\s：:，。；（）()“”、]*[/\\][^\s：:，。；（）()“”、]*",  # anything with a path separator
    r"[\w\-.一-鿿]*\.(?:md|yml|yaml|html|zip|pdf|docx|doc|wps|rtf|ofd|htm|txt|vtt|pem|pub|json|mp4|gitignore)\b",  # files, file types
    r"\b[a-z]+(?:\.[a-z_]+)+\b",                     # a site_config.yml key (bundle.public_key)
    r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b",           # commit hashes, digests
    r"\b(?:[0-9A-F]{4} ){3,}[0-9A-F]{4}\b",          # key fingerprints
    r"\b[A-Z]+(?:_[A-Z]+)+\b",                       # environment variables (MZKB_SIGNING_KEY)
    r"\bYYYY-MM-DD\b",                              # the date format
    r"\bkiwix-serve\b",                             # a program the county runs
]


def choices() -> set:
    """The values of every choice argument and option of ``mzkb`` (what an editor may type)."""
    import click

    from mzkb.cli import cli

    return {c for command in cli.commands.values() for p in command.params if isinstance(p.type, click.Choice)
            for c in p.type.choices}


def keys() -> set:
    """The front-matter keys of every type and the top-level keys of site_config.yml."""
    from mzkb.config import _KEYS
    from mzkb.content.doctypes import TYPES
    from mzkb.content.schema import COMMON

    return set(COMMON) | {k for row in TYPES.values() for k in row.keys} | set(_KEYS)


_MASK = re.compile("|".join(f"(?:{m})" for m in _MASKS))
_WORD = re.compile(r"[A-Za-z]{2,}")
NAMES = frozenset({"git", "cd", "zip", "PDF", "SHA", "KB", "MB", "GB", "Ctrl", "ZIM", "Kiwix", "JSON", "GitHub",
                   "GitLab", "Actions"} | {str(c) for c in choices()} | keys())
"""Words an editor is shown on purpose: the tools they type (git, cd, kiwix-serve), formats, units and
platforms (zip, ZIM, Kiwix, GitHub Actions), the key Ctrl (Ctrl+C), every value an option or
argument of ``mzkb`` accepts (``--format github``, ``mzkb new notice``) and the keys an editor
writes in front matter and site_config.yml (``audiences``, ``issuer``)."""
JSON_PROSE = ("title", "snippet", "heading", "issuer", "doc_number", "index_number", "recipients", "current_title",
              "full_in_title")
"""The fields of ``mzkb search --json`` a person reads (the keys and enumerations are the contract)."""


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The English words in ``text`` once the allowed tokens are masked: command names after
    ``mzkb``, URLs, paths and file names, option names, MZ codes, version names, hashes and keys,
    ``NAMES`` and the ``allowed`` words (this knowledge base's document ids, which are pinyin)."""
    found = []
    for line in text.splitlines():
        masked = _MASK.sub(" ", line)
        found += [w for w in _WORD.findall(masked) if w not in allowed and w not in NAMES]
    return found


def json_prose(output: str) -> str:
    """The text a person reads in ``mzkb search --json`` output."""
    hits = json.loads(output)
    return "\n".join(str(h[k]) for h in hits for k in JSON_PROSE) + "\n" + "\n".join(s for h in hits for s in h["subjects"])


def test_the_detector_flags_clicks_english_and_passes_chinese_with_allowed_tokens():
    assert english_words("Usage: mzkb [OPTIONS] COMMAND [ARGS]...") == ["Usage", "OPTIONS", "COMMAND", "ARGS"]
    assert english_words("Error: No such option: --foo") == ["Error", "No", "such", "option"]
    assert english_words("错误：缺少参数 '类型'. Choose from:") == ["Choose", "from"]
    assert english_words("Try 'mzkb new --help' for help.") == ["Try", "for", "help"]
    assert english_words("  -o, --output TEXT  [required]") == ["TEXT", "required"]
    assert english_words("Traceback (most recent call last):")[:1] == ["Traceback"]
    assert english_words("  public_key: ed25519:WDZuEwCCkpFRrYavQahM9iElPj+5sA7eMmt78jXQiC0=") == []
    assert english_words("fatal: unable to auto-detect email address") == ["fatal", "unable", "to", "auto", "detect",
                                                                          "email", "address"]
    assert english_words('127.0.0.1 - - [07/Dec/2026 10:00:00] "GET /index.html HTTP/1.1" 200 -')  # an access log line
    chinese = ("content/notices/a.md:4:7: MZ317 警告：issuer 占位 —— 用 --strict 时不通过；运行 mzkb check，"
               "或 mzkb bundle -o 离线包/ --sign-key /tmp/k/mzkb-signing-key.pem；预览地址 http://127.0.0.1:8000/ ；"
               "已发布 v2（提交 3f9c2ab1）")
    assert english_words(chinese) == []  # issuer: a front-matter key, as an editor writes it
    assert english_words("MZ317 warning: issuer is a placeholder") == ["warning", "is", "placeholder"]
    assert english_words("已创建 guan-yu-qi-yong 文档 guan-yu-qi-yong", frozenset({"guan", "yu", "qi", "yong"})) == []


# ---------------------------------------------------------------------------------------------
# The day


class Day:
    """Runs ``mzkb`` as a subprocess in the knowledge base and keeps every output it printed."""

    def __init__(self, kb: Path, env: dict) -> None:
        self.kb, self.env, self.outputs = kb, env, []

    def mzkb(self, *args: str, code: int = 0, cwd: Path | None = None) -> str:
        done = subprocess.run([str(MZKB), *args], cwd=cwd or self.kb, env=self.env, capture_output=True, text=True,
                              timeout=600)
        output = done.stdout + done.stderr
        self.outputs.append((" ".join(args), output))
        assert done.returncode == code, f"mzkb {' '.join(args)} exited {done.returncode}:\n{output}"
        assert "Traceback" not in output, output
        return output

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.kb, env=self.env, check=True, capture_output=True)


def fill(path: Path, front: str = "", body: str = "", replace: tuple[tuple[str, str], ...] = ()) -> None:
    """Edit a file ``mzkb new`` wrote, as the editor guide says: replace placeholders, add front-matter
    lines before the closing ``---``, write the body in place of 「（在此撰写正文……）」."""
    text = path.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text, (old, text)
        text = text.replace(old, new)
    head, _, rest = text[4:].partition("\n---\n")
    if body:
        assert rest.strip().startswith("（在此撰写正文"), rest
        rest = "\n" + body
    path.write_text("---\n" + head + "\n" + front + "---\n" + rest, encoding="utf-8")


def created(output: str) -> Path:
    """The file ``mzkb new`` says it created."""
    return Path(re.search(r"已创建 (\S+\.md)", output).group(1))


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:30.000
先检查灭火器压力表，指针应在绿色区域。

00:01:00.000 --> 00:01:30.000
拔掉保险销，对准火焰根部，用力压下把手。
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_once(day: Day, draft_id: str) -> str:
    """``mzkb serve`` on a free port: the home page and the draft (marked 草稿) are served; Ctrl+C exits 0."""
    port, log = free_port(), day.kb.parent / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([str(MZKB), "serve", "-a", f"127.0.0.1:{port}"], cwd=day.kb, env=day.env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # a bound on waiting, not a measurement
        while True:
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10).read().decode("utf-8")
                break
            except OSError:
                assert proc.poll() is None, log.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
                time.sleep(0.3)
        draft = urllib.request.urlopen(f"http://127.0.0.1:{port}/notices/{draft_id}.html", timeout=10).read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    output = log.read_text(encoding="utf-8")
    day.outputs.append(("serve", output))
    assert code == 0 and "Traceback" not in output, output
    assert "冬季安全知识库" in home
    assert "草稿" in draft and DRAFT_WORD in draft  # the preview shows the draft, marked
    return output


def built_files(root: Path):
    """(name, bytes) of every file under ``root``, and of every member of the zip files under it."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        yield str(path.relative_to(root)), path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path.name}!{name}", archive.read(name)


def assert_no_draft(root: Path, draft_id: str) -> int:
    """No file under ``root`` (nor in its zips) is the draft or holds its words; returns the files seen."""
    seen = 0
    for name, data in built_files(root):
        seen += 1
        assert draft_id not in name, name
        assert DRAFT_WORD.encode("utf-8") not in data and draft_id.encode("ascii") not in data, name
    assert seen, root
    return seen


@pytest.fixture
def day(tmp_path: Path) -> Day:
    if not MZKB.exists():
        pytest.fail(f"{MZKB} not found: install mzkb into this venv (pip install -e .)")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MZKB", "SOURCE_DATE_EPOCH"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1", LC_ALL="C.UTF-8")
    return Day(tmp_path / "冬季安全知识库", env)


def test_first_day(day: Day, tmp_path: Path, page):
    kb = day.kb
    today = dt.date.today()
    for command in ("--help", "new --help", "bundle --help", "check --help"):
        day.mzkb(*command.split(), cwd=tmp_path)
    day.mzkb("init", str(kb), "--title", "冬季安全知识库", cwd=tmp_path)
    day.git("init", "-q")
    day.git("config", "user.name", "省厅编辑")
    day.git("config", "user.email", "editor@mz.example.gov.cn")
    sample = next((kb / "content/notices").glob("*.md"))
    fill(sample, replace=(("（请填写发文机关）", "测试省民政厅"),))  # MZ317 otherwise (editor guide 1.3)
    usage = day.mzkb("new", code=2)  # a usage error, in Chinese too
    assert "类型" in usage

    # four types, a 文号 notice with attachments and 信息公开 fields
    notice = kb / created(day.mzkb("new", "通知", "关于做好冬季养老机构消防安全工作的通知", "--issuer", "测试省民政厅",
                                   "--audience", "养老机构"))
    (notice.parent / "附件1-消防检查表.pdf").write_bytes(minimal_pdf("2026 12 01"))
    (notice.parent / "附件2-联系人.csv").write_text("市,联系人\n杭州市,张三\n", encoding="utf-8")
    fill(notice, front="doc_number: 测民函〔2026〕12号\nindex_number: 000014349/2026-00012\nsubjects: [民政、扶贫、救灾]\n"
                       "recipients: 各市民政局\nattachments: [附件1-消防检查表.pdf, 附件2-联系人.csv]\n",
         body="## 一、开展消防检查\n\n各养老机构每月开展一次消防检查，见附件1。\n\n## 二、畅通联系\n\n联系人见附件2。\n")
    first = kb / created(day.mzkb("new", "指南", "养老机构消防安全指南（第一版）", "--issuer", "测试省民政厅"))
    fill(first, body="## 一、消防通道\n\n保持消防通道畅通。\n\n## 二、夜间巡查\n\n夜间每四小时巡查一次。\n")
    second = kb / created(day.mzkb("new", "指南", "养老机构消防安全指南（第二版）", "--issuer", "测试省民政厅"))
    fill(second, replace=(("# supersedes: 被本版替代的旧版 id", f"supersedes: {first.stem}"),),
         body="## 一、消防通道\n\n保持消防通道畅通，不得堆放杂物。\n\n## 二、夜间巡查\n\n夜间每三小时巡查一次。\n")
    amendment = kb / created(day.mzkb("new", "通知", "关于冬季加密夜间巡查的通知", "--issuer", "测试省民政厅"))
    fill(amendment, front=f'valid_from: "{today - dt.timedelta(days=30)}"\nvalid_until: "{today + dt.timedelta(days=300)}"\n'
                          f"amends: [{{id: {second.stem}, sections: [二、夜间巡查], note: 冬季夜间每两小时巡查一次。}}]\n",
         body="## 一、加密巡查\n\n冬季夜间每两小时巡查一次。\n")
    video = kb / created(day.mzkb("new", "视频", "灭火器使用演示"))
    (video.parent / "灭火器使用演示.vtt").write_text(TRANSCRIPT, encoding="utf-8")
    fill(video, replace=(("https://example.org/请替换为视频地址.mp4", "https://www.mca.gov.cn/video/miehuoqi.mp4"),
                         ("# transcript: 字幕.vtt", "transcript: 灭火器使用演示.vtt"), ('# duration: "00:03:00"', 'duration: "00:02:00"')),
         front='chapters:\n  - {time: "00:00:00", title: 检查压力表}\n  - {time: "00:01:00", title: 拔销喷射}\n',
         body="## 主要内容\n\n演示灭火器的检查和使用。\n")
    case = kb / created(day.mzkb("new", "案例", "上城区养老机构消防联查"))
    fill(case, replace=(("# region: 浙江省杭州市", "region: 浙江省杭州市上城区"), ('# region_code: "330100"', 'region_code: "330102"')),
         body="## 背景\n\n冬季火灾风险高。\n\n## 主要做法\n\n街道与消防站每月联查。\n")
    draft = kb / created(day.mzkb("new", "通知", "关于调整冬季探视安排的通知", "--issuer", "测试省民政厅"))
    fill(draft, front="draft: true\n", body=f"## 一、探视\n\n{DRAFT_WORD}。\n")
    ids = [p.stem for p in (sample, notice, first, second, amendment, video, case, draft)]

    # the mistakes of a first day, each told in Chinese with its fix
    wrong = day.mzkb("new", "通知", "关于养老院的通知", "--audience", "养老院", code=2)
    assert "应写 养老机构" in wrong and not list((kb / "content/notices").glob("*yang-lao-yuan*"))  # nothing written
    fill(case, replace=(("audiences: [全部]", "audiences: [养老院]"),))
    told = day.mzkb("check", code=1)
    assert f"{case.stem}.md:" in told and "MZ309" in told and "应写 养老机构" in told and "mzkb check --explain" in told
    assert "处理：" in day.mzkb("check", "--explain", code=1)
    fill(case, replace=(("audiences: [养老院]", "audiences: [养老机构]"),))
    refused = day.mzkb("bundle", "-o", "content/离线包", code=2)
    assert "知识库以外" in refused and not (kb / "content/离线包").exists()

    checked = day.mzkb("check", "--strict")
    assert "草稿" in checked  # check counts the draft it left out
    day.mzkb("build")
    site = kb / "site"
    assert (site / "cases/province-330000.html").exists() and "上城区养老机构消防联查" in \
        (site / "cases/province-330000.html").read_text(encoding="utf-8")
    assert_no_draft(site, draft.stem)
    found = day.mzkb("search", "消防检查")
    assert notice.stem in day.mzkb("search", "--type", "通知", "消防检查")
    hits = day.mzkb("search", "测民函〔2026〕12号", "--json")
    day.outputs[-1] = ("search --json", json_prose(hits))
    assert json.loads(hits)[0]["id"] == notice.stem
    assert "索引号：000014349/2026-00012" in found
    assert draft.stem not in day.mzkb("search", DRAFT_WORD)  # the CLI index has no draft either
    serve_once(day, draft.stem)

    # releases
    day.git("add", "-A")
    day.git("commit", "-q", "-m", "first day")
    day.mzkb("release", "v1", "--title", "第一次发布")
    fill(second, replace=(("不得堆放杂物。", "不得堆放杂物，每日检查一次。"),))
    day.git("commit", "-q", "-am", "daily check")
    day.mzkb("release", "v2")
    fill(second, replace=(("每日检查一次。", "每日检查两次。"),))  # not released: a preview only
    day.mzkb("build", "--versions")
    home = (site / "index.html").read_text(encoding="utf-8")
    targets = re.findall(r'(?:href|content)="([^"]*)"', home)
    assert any("v2/" in t for t in targets) and not any("latest" in t for t in targets), targets
    assert "每日检查一次" in (site / f"v2/guidelines/{second.stem}.html").read_text(encoding="utf-8")
    assert_no_draft(site, draft.stem)
    page.goto((site / "index.html").as_uri())  # a reader opening the published site lands on v2, not on a preview
    page.wait_for_url("**/v2/index.html")
    page.wait_for_load_state("load")
    assert not page.locator(".mzkb-old-version").is_visible() and not page.locator(".mzkb-preview-version").is_visible()

    # offline copies: a signing key, v1 for the counties, then v2 with an update pack
    keys = tmp_path / "keys"
    day.mzkb("keygen", "-o", str(keys))
    assert "public_key:" in (kb / "site_config.yml").read_text(encoding="utf-8")
    day.git("commit", "-q", "-am", "public key")
    out = tmp_path / "离线包"
    key = str(keys / "mzkb-signing-key.pem")
    day.mzkb("bundle", "-o", str(out), "--version", "v1", "--sign-key", key)
    day.mzkb("bundle", "-o", str(out), "--version", "v2", "--since", "v1", "--sign-key", key)
    v1_zip = next(out.glob("*-v1.zip"))
    pack = next(out.glob("*update*v1*v2*.zip"))
    day.mzkb("verify", str(v1_zip))
    county = tmp_path / "县里"
    with zipfile.ZipFile(v1_zip) as archive:
        archive.extractall(county)
    folder = next(county.iterdir())
    day.mzkb("apply-update", str(pack), str(folder))
    day.mzkb("verify", str(folder))
    assert "每日检查一次" in next(folder.rglob(f"{second.stem}.html")).read_text(encoding="utf-8")
    assert assert_no_draft(out, draft.stem) > 10 and assert_no_draft(folder, draft.stem) > 10

    # what the editor read all day
    allowed = frozenset(w for i in ids for w in re.findall(r"[a-z]{2,}", i))
    printed = sum(len(o) for _, o in day.outputs)
    assert len(day.outputs) >= 20 and printed > 2000  # the detector read real output
    if os.environ.get("MZKB_FIRST_DAY_LOG"):  # for a person reading the day's output
        Path(os.environ["MZKB_FIRST_DAY_LOG"]).write_text("\n".join(f"$ mzkb {s}\n{o}" for s, o in day.outputs), encoding="utf-8")
    english = {step: words for step, output in day.outputs if (words := english_words(output, allowed))}
    assert english == {}, english
    shutil.rmtree(site)
