"""`mzkb check --format github|gitlab`: annotations CI services understand.

The github output is parsed with the workflow-command syntax GitHub documents
(``::error file={name},line={line},col={col},title={title}::{message}``; in the message ``%``,
CR and LF are written ``%25``, ``%0D``, ``%0A``; in property values also ``:`` ``%3A`` and ``,``
``%2C``): each line must parse, and its decoded values must give back the problem exactly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.diagnostics import CATALOGUE

COMMAND = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:\r\n]*))?::(?P<data>[^\r\n]*)$")
PROPERTY = re.compile(r"^(?P<key>file|line|endLine|col|endColumn|title)=(?P<value>[^,:\r\n]*)$")


def unescape(text: str) -> str:
    """GitHub's decoding of a workflow command value (the inverse of its documented escaping)."""
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)], text)


def parse(line: str) -> dict:
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for item in match.group("props").split(","):
        prop = PROPERTY.match(item)
        assert prop, (item, line)
        props[prop.group("key")] = unescape(prop.group("value"))
    return {"kind": match.group("kind"), **props, "message": unescape(match.group("data"))}


def hostile_kb(small_kb: Path) -> Path:
    """A knowledge base whose problems sit in a file named with , : and %."""
    odd = small_kb.parent / "content/notices/逗号,冒号:百分%号.md"
    odd.write_text("---\ntitle: 坏日期\ndate: 2020-02-30\nissuer: x\naudiences: [养老机构]\ntitel: 拼错\n---\n\n正文。\n",
                   encoding="utf-8")
    return odd


def test_github_annotations_follow_the_workflow_command_syntax(small_kb: Path, monkeypatch):
    hostile_kb(small_kb)
    monkeypatch.chdir(small_kb.parent.parent)  # the repository root holds the knowledge base in kb/
    result = CliRunner().invoke(cli, ["check", "-c", "kb/site_config.yml", "--format", "github"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    annotations = [parse(line) for line in lines]
    by_code = {a["title"].split()[1]: a for a in annotations}
    date = by_code["MZ308"]
    assert date == {"kind": "error", "file": "kb/content/notices/逗号,冒号:百分%号.md", "line": "3", "col": "7",
                    "title": "mzkb MZ308 错误", "message": date["message"]}
    assert date["message"].startswith("date 不是有效日期：2020-02-30") and f"\n处理：{CATALOGUE['MZ308'].fix}" in date["message"]
    assert by_code["MZ306"]["kind"] == "warning" and by_code["MZ306"]["line"] == "6"
    assert "%2C" in lines[0] and "%3A" in lines[0] and "%25" in lines[0] and "%0A" in lines[0]


def test_github_output_is_empty_when_all_is_well(small_kb: Path):
    result = CliRunner().invoke(cli, ["check", "-c", str(small_kb), "--format", "github"])
    assert result.exit_code == 0 and result.output == ""


def test_gitlab_code_quality_report(small_kb: Path, monkeypatch):
    hostile_kb(small_kb)
    monkeypatch.chdir(small_kb.parent)
    result = CliRunner().invoke(cli, ["check", "--format", "gitlab"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert isinstance(report, list) and len(report) == 2
    for entry in report:
        assert set(entry) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert entry["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(entry["location"]["lines"]["begin"], int) and entry["location"]["lines"]["begin"] >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", entry["fingerprint"])
    date = next(e for e in report if e["check_name"] == "MZ308")
    assert date["severity"] == "major" and date["location"] == {"path": "content/notices/逗号,冒号:百分%号.md", "lines": {"begin": 3}}
    assert "2020-02-30" in date["description"] and "处理：" in date["description"]
    assert len({e["fingerprint"] for e in report}) == 2


def test_explain_prints_the_fix_after_the_first_of_each_code(small_kb: Path):
    kb = small_kb.parent
    for name in ("a", "b"):
        (kb / f"content/notices/{name}.md").write_text(
            "---\ntitle: x\ndate: 2020-02-30\nissuer: x\naudiences: [养老机构]\n---\n\n正文。\n", encoding="utf-8")
    plain = CliRunner().invoke(cli, ["check", "-c", str(small_kb)])
    assert "处理：" not in plain.output and "mzkb check --explain" in plain.output
    explained = CliRunner().invoke(cli, ["check", "-c", str(small_kb), "--explain"])
    assert explained.output.count(f"    处理：{CATALOGUE['MZ308'].fix}") == 1
    lines = explained.output.splitlines()
    assert lines[0].startswith("content/notices/a.md:3:7: MZ308") and lines[1].startswith("    处理：")
    assert lines[2].startswith("content/notices/b.md:3:7: MZ308")


def test_ci_templates_annotate_and_gitlab_deploys_pages():
    import yaml

    docs = Path(__file__).resolve().parent.parent / "docs" / "ci"
    github = yaml.safe_load((docs / "github-actions.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in github["jobs"]["check-and-build"]["steps"]]
    assert any("mzkb check --format github" in run for run in runs)
    gitlab = yaml.safe_load((docs / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "--format gitlab" in " ".join(gitlab["check"]["script"])
    assert gitlab["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "gl-code-quality-report.json" in " ".join(gitlab["check"]["script"])
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"] and "-o public" in " ".join(gitlab["pages"]["script"])
