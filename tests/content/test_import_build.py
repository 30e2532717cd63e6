"""Imported documents pass ``mzkb check`` (apart from the intended guess/placeholder warnings),
build into the site, and offer ``supersedes`` for a newer edition of an existing title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mzkb.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    assert invoke("init", str(tmp_path / "kb")).exit_code == 0
    return tmp_path / "kb" / "site_config.yml"


def check_codes(config: Path) -> list[dict]:
    result = invoke("check", "-c", str(config), "--format", "json")
    return json.loads(result.output)


def test_imported_documents_check_and_build(kb, tmp_path):
    lawref = sorted((FIXTURES / "lawref").glob("*.md"))
    first = invoke("import", "-c", str(kb), str(FIXTURES / "notice.docx"), str(FIXTURES / "pasted-gbk.txt"))
    assert first.exit_code == 0, first.output
    second = invoke("import", "-c", str(kb), "--type", "guideline", *map(str, lawref))
    assert second.exit_code == 0, second.output
    # the 2024 edition of 上海市社会救助条例 offers supersedes of the 2018 one, and says so
    assert "MZ716" in second.output and "shang-hai-shi-she-hui-jiu-zhu-tiao-li（2018-11-22）" in second.output
    newer = yaml.safe_load((kb.parent / "content/guidelines/shang-hai-shi-she-hui-jiu-zhu-tiao-li-2024.md")
                           .read_text(encoding="utf-8").split("---\n")[1])
    assert newer["supersedes"] == ["shang-hai-shi-she-hui-jiu-zhu-tiao-li"]
    codes = check_codes(kb)
    assert {d["code"] for d in codes} <= {"MZ722", "MZ317"}  # guesses to confirm; mzkb init's own sample
    # one warning per guessed field: every field the importer guessed is listed, audiences always among them
    imported = [path for path in (kb.parent / "content").rglob("*.md")
                if "unconfirmed" in path.read_text(encoding="utf-8").split("---\n")[1]]
    guesses = [yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])["unconfirmed"] for path in imported]
    assert len(imported) == 2 + len(lawref) and all("audiences" in keys for keys in guesses)
    assert sum(d["code"] == "MZ722" for d in codes) == sum(map(len, guesses))
    assert all(d["file"] in {str(path) for path in imported} or Path(d["file"]).name in {path.name for path in imported}
               for d in codes if d["code"] == "MZ722")
    out = tmp_path / "site"
    built = invoke("build", "-c", str(kb), "-o", str(out))
    assert built.exit_code == 0, built.output
    page = next((out / "notices").glob("min-zheng-bu-ban-gong-ting*.html")).read_text(encoding="utf-8")
    assert page.count("<h1") == 1 and "民政部办公厅关于做好2020年冬春季民政服务机构安全管理工作的通知" in page
    assert "<table>" in page and "image-1.png" in page
    assert (out / "compare" / "shang-hai-shi-she-hui-jiu-zhu-tiao-li--shang-hai-shi-she-hui-jiu-zhu-tiao-li-2024.html").exists()
    old = (out / "guidelines" / "shang-hai-shi-she-hui-jiu-zhu-tiao-li.html").read_text(encoding="utf-8")
    assert "已被替代" in old or "superseded" in old


def test_confirming_the_guess_silences_check(kb):
    assert invoke("import", "-c", str(kb), str(FIXTURES / "pasted-gbk.txt")).exit_code == 0
    target = next((kb.parent / "content" / "notices").glob("guan-yu-jin-yi-bu*.md"))
    warned = [d for d in check_codes(kb) if d["file"].endswith(target.name)]
    assert {d["code"] for d in warned} == {"MZ722"} and any("audiences" in d["message"] for d in warned)
    assert {d["message"].split(" ")[0] for d in warned} == {"title", "recipients", "audiences"}
    text = target.read_text(encoding="utf-8")
    target.write_text("\n".join(line for line in text.split("\n") if not line.startswith("unconfirmed:")), encoding="utf-8")
    assert [d for d in check_codes(kb) if d["file"].endswith(target.name)] == []


def test_missing_fields_become_placeholders_that_check_reports(kb, tmp_path):
    source = tmp_path / "转载.txt"
    source.write_text("关于做好困难群众冬季取暖保障工作的通知\n各地要切实做好困难群众冬季取暖保障工作，确保温暖过冬。\n",
                      encoding="utf-8")
    result = invoke("import", "-c", str(kb), str(source))
    assert result.exit_code == 0, result.output
    assert "没有找到成文日期" in result.output and "没有找到发文机关" in result.output and "MZ713" in result.output
    text = next((kb.parent / "content" / "notices").glob("guan-yu-zuo-hao-kun-nan*.md")).read_text(encoding="utf-8")
    assert "date: （请填写日期）" in text and "issuer: （请填写发文机关）" in text
    assert "doc_number" not in text  # never invented
    codes = {d["code"]: d for d in check_codes(kb) if "kun-nan" in d["file"]}
    assert codes["MZ721"]["severity"] == "error" and codes["MZ317"]["severity"] == "warning"
    assert invoke("check", "-c", str(kb)).exit_code == 1


def test_same_title_and_date_but_other_doc_number_is_another_document(kb, tmp_path):
    text = "民政部\n民发〔2021〕{n}号\n关于做好特困人员供养工作的通知\n各省民政厅：\n请认真做好供养工作。\n民政部\n2021年5月6日\n"
    for n in (5, 9):
        (tmp_path / f"{n}.txt").write_text(text.format(n=n), encoding="utf-8")
    result = invoke("import", "-c", str(kb), str(tmp_path / "5.txt"), str(tmp_path / "9.txt"))
    assert result.exit_code == 0, result.output
    assert "MZ719" in result.output  # same title, not newer: said, and no supersedes
    written = (kb.parent / "content" / "notices").glob("guan-yu-zuo-hao-te-kun*.md")
    assert {p.stem for p in written} == {"guan-yu-zuo-hao-te-kun-ren-yuan-gong-yang-gong-zuo-de-tong-zhi",
                                         "guan-yu-zuo-hao-te-kun-ren-yuan-gong-yang-gong-zuo-de-tong-zhi-2021"}
    again = invoke("import", "-c", str(kb), str(tmp_path / "9.txt"))
    assert again.exit_code == 0 and "MZ717" not in again.output  # re-import finds its own earlier file
