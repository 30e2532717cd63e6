"""A document whose date cannot be found is one error in one file: ``import`` names the placeholder
to fill at its line of the written file, and ``build`` reports that file (and only it) while the
documents that point at it say nothing false ("不存在")."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from mzkb.cli import cli

UNDATED = "关于做好困难群众冬季取暖保障工作的通知\n各地要切实做好困难群众冬季取暖保障工作，确保温暖过冬。\n"
DATED = "测试省民政厅\n测民发〔2021〕3号\n关于加强养老机构消防安全管理的通知\n各市民政局：\n请切实加强养老机构消防安全管理。\n测试省民政厅\n2021年3月5日\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_one_undated_file_among_good_ones(tmp_path: Path):
    assert invoke("init", str(tmp_path / "kb")).exit_code == 0
    config = tmp_path / "kb" / "site_config.yml"
    (tmp_path / "取暖.txt").write_text(UNDATED, encoding="utf-8")
    (tmp_path / "消防.txt").write_text(DATED, encoding="utf-8")
    imported = invoke("import", "-c", str(config), str(tmp_path / "消防.txt"), str(tmp_path / "取暖.txt"))
    assert imported.exit_code == 0, imported.output
    undated = next((config.parent / "content" / "notices").glob("guan-yu-zuo-hao-kun-nan*.md"))
    rel = undated.relative_to(config.parent).as_posix()
    line = undated.read_text(encoding="utf-8").split("\n").index("date: （请填写日期）") + 1
    # import names the placeholder, at its line in the file it wrote
    assert f"{rel}:{line}:7: MZ712 警告：没有找到成文日期，已在 date 处留下占位文字“（请填写日期）”，请补填" in imported.output
    # another document points at it by id and by a body link
    (config.parent / "content" / "notices" / "引用.md").write_text(
        f"---\ntitle: 引用取暖通知的通知\ndate: 2021-04-01\nissuer: 测试局\naudiences: [全部]\nrelated: [{undated.stem}]\n---\n\n"
        f"见[取暖通知]({undated.name})。\n", encoding="utf-8")

    built = invoke("build", "-c", str(config), "-o", str(tmp_path / "site"))
    assert built.exit_code == 1
    errors = [x for x in built.output.splitlines() if re.search(r": MZ\d+ 错误：", x)]
    assert errors == [f"{rel}:{line}:7: MZ721 错误：date 还是导入时留下的占位文字（原件中没有找到日期）"]
    assert built.output.splitlines()[-1] == f"生成失败：1 个文件有错误（{rel}），原有网站未被改动。"
    assert not (tmp_path / "site").exists()

    undated.write_text(undated.read_text(encoding="utf-8").replace("date: （请填写日期）", 'date: "2020-11-27"'),
                       encoding="utf-8")
    again = invoke("build", "-c", str(config), "-o", str(tmp_path / "site"))
    assert again.exit_code == 0, again.output
