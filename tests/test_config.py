"""site_config.yml diagnostics: exact code and line."""

from __future__ import annotations

import pytest

from mzkb.config import load_config

BASE = "site:\n  title: 测试\ncontent_dir: content\naudiences:\n  - key: elderly-care\n    label: 养老机构\n"

CASES = [
    # (title, text, code, line)
    ("yaml syntax", "site:\n  title: [未闭合\n", "MZ102", 2),
    ("tab indent", "site:\n\ttitle: x\n", "MZ102", 2),
    ("unknown top key", BASE + "titel: x\n", "MZ105", 7),
    ("unknown site key", "site:\n  title: 测试\n  colour: red\ncontent_dir: content\naudiences: []\n", "MZ105", 3),
    ("audiences not list", "site:\n  title: 测试\ncontent_dir: content\naudiences: 养老机构\n", "MZ104", 4),
    ("bad audience key", "site:\n  title: 测试\ncontent_dir: content\naudiences:\n  - key: 养老\n    label: 养老机构\n", "MZ106", 5),
    ("duplicate audience", BASE + "  - key: elderly-care\n    label: 养老院\n", "MZ106", 7),
    ("missing site", "content_dir: content\naudiences: []\n", "MZ103", 1),
    ("missing content dir", "site:\n  title: 测试\ncontent_dir: nowhere\naudiences: []\n", "MZ107", 3),
    ("demo not bool", "site:\n  title: 测试\n  demo: 是\ncontent_dir: content\naudiences: []\n", "MZ104", 3),
    ("unknown releases key", BASE + "releases:\n  pattern: v*\n", "MZ105", 8),
    ("tag pattern not text", BASE + "releases:\n  tag_pattern: [v1]\n", "MZ104", 8),
    ("file limit not a number", BASE + "validation:\n  max_file_mb: 很大\n", "MZ104", 8),
    ("synonyms group too small", BASE + "search:\n  synonyms:\n    - [新冠]\n", "MZ104", 9),
]


@pytest.mark.parametrize("title,text,code,line", CASES, ids=[c[0] for c in CASES])
def test_config_diagnostics(tmp_path, title, text, code, line):
    (tmp_path / "content").mkdir()
    path = tmp_path / "site_config.yml"
    path.write_text(text, encoding="utf-8")
    _config, diags = load_config(path)
    found = [(d.code, d.file, d.line) for d in diags]
    assert (code, "site_config.yml", line) in found, found


def test_valid_config_is_typed(tmp_path):
    (tmp_path / "content").mkdir()
    path = tmp_path / "site_config.yml"
    path.write_text(BASE + "  - key: funeral\n    label: 殡葬服务机构\n    synonyms: [殡仪馆]\n", encoding="utf-8")
    config, diags = load_config(path)
    assert diags == []
    assert config.audience("殡葬服务机构").key == "funeral"
    assert config.audience("funeral").synonyms == ("殡仪馆",)
    assert config.content_dir == (tmp_path / "content").resolve()
    assert config.state_dir == tmp_path / ".mzkb"


def test_missing_config_file(tmp_path):
    config, diags = load_config(tmp_path / "nope.yml")
    assert config is None and diags[0].code == "MZ101"


def test_default_subjects_are_the_state_councils_list():
    """The 22 top-level 主题分类 of 中国政府网's 国务院政策文件库, in its order (generator/data/README.md)."""
    from mzkb.config import DEFAULT_SUBJECTS

    published = ("国务院组织机构 综合政务 国民经济管理、国有资产监管 财政、金融、审计 国土资源、能源 农业、林业、水利 工业、交通 "
                 "商贸、海关、旅游 市场监管、安全生产监管 城乡建设、环境保护 科技、教育 文化、广电、新闻出版 卫生、体育 "
                 "人口与计划生育、妇女儿童工作 劳动、人事、监察 公安、安全、司法 民政、扶贫、救灾 民族、宗教 对外事务 港澳台侨工作 国防 其他")
    assert DEFAULT_SUBJECTS == tuple(published.split())
