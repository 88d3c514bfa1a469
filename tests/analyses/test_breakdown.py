"""The technology breakdown table (技术分解表): Excel in and out of a spec, and live counts.

Counts are checked against pandas over the raw Tai'an file (one row per application; the
store counts a Tai'an document once per application, its family being unknown).
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from patnav.analyses.breakdown import (
    read_breakdown,
    spec_from_breakdown,
    write_breakdown,
)
from patnav.analyses.node_counts import breakdown_counts
from patnav.analyses.spec import load_spec, node_query
from patnav.cli import cli
from patnav.errors import SpecError

TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
HEADER = [
    "一级分支",
    "二级分支",
    "三级分支",
    "中文关键词",
    "英文关键词",
    "IPC",
    "检索式",
    "备注",
]
EXPLICIT = "TIAB=(玉米 AND 收获) AND IPC=A01D"


def analyst_table(path):
    """A table as analysts write it: a merged title row above the header, a first-level
    cell merged over its children, a blank parent cell under the row naming it, a parent
    repeated on every row, and a parent never given a row of its own."""
    book = Workbook()
    ws = book.active
    ws.title = "技术分解表"
    ws.append(["泰安市农业与装备技术分解表"])
    ws.merge_cells("A1:H1")
    ws.append(HEADER)
    rows = [
        ["农业", None, None, "种植；栽培", None, "A01B, A01C", None, None],
        [None, "小麦", None, "小麦", "wheat", None, None, None],
        [None, "玉米", None, "玉米", None, None, None, None],
        [None, None, "玉米收获机", None, None, None, EXPLICIT, "人工检索式"],
        ["装备", "电机", None, "电动机、电机", None, "H02K", None, "含发电机"],
        ["装备", "高压开关", None, "高压开关", None, "H01H 33/00", None, None],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("A3:A6")  # 农业 over its own row and its children's
    book.save(path)
    return path


EXPECTED = {
    ("农业",): "TIAB=(种植 OR 栽培) OR IPC=(A01B OR A01C)",
    ("农业", "小麦"): "TIAB=(小麦 OR wheat)",
    ("农业", "玉米"): "TIAB=(玉米)",
    ("农业", "玉米", "玉米收获机"): EXPLICIT,
    ("装备",): None,
    ("装备", "电机"): "TIAB=(电动机 OR 电机) OR IPC=(H02K)",
    ("装备", "高压开关"): "TIAB=(高压开关) OR IPC=(H01H33/00)",
}


def test_an_analysts_table_becomes_a_valid_spec_with_the_documented_queries(tmp_path):
    table = analyst_table(tmp_path / "分解表.xlsx")
    out = tmp_path / "spec.yaml"
    result = CliRunner().invoke(
        cli,
        ["spec", "from-breakdown", str(table), "--out", str(out), "--title", "泰安农业装备",
         "--province", "山东省", "--city", "泰安市"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    spec = load_spec(out)  # the written YAML validates on its own
    assert spec.title == "泰安农业装备"
    assert (spec.region.province, spec.region.city) == ("山东省", "泰安市")
    assert {n.path: n.query for n in spec.walk()} == EXPECTED
    assert [n.path for n in spec.walk()] == list(EXPECTED)  # the table's order
    by_path = {n.path: n for n in spec.walk()}
    assert by_path[("装备", "电机")].note == "含发电机"
    assert by_path[("农业", "小麦")].keywords_en == ("wheat",)
    assert by_path[("装备", "高压开关")].ipc == ("H01H 33/00",)  # as written
    # a parent without a row stands for its children
    assert node_query(by_path[("装备",)]) == (
        f"({EXPECTED[('装备', '电机')]}) OR ({EXPECTED[('装备', '高压开关')]})"
    )


def _grid(path):
    book = load_workbook(path)
    out = {}
    for ws in book.worksheets:
        out[ws.title] = (
            [list(r) for r in ws.iter_rows(values_only=True)],
            sorted(str(m) for m in ws.merged_cells.ranges),
        )
    return out


def test_export_then_import_gives_the_same_spec_and_the_same_table(tmp_path):
    spec, _ = spec_from_breakdown(
        analyst_table(tmp_path / "a.xlsx"),
        overrides={"region": {"province": "山东省"}},
    )
    first = write_breakdown(spec, tmp_path / "b.xlsx")
    again, _ = spec_from_breakdown(first)
    assert again.walk() == spec.walk()
    assert (again.title, again.type, again.region, again.compare) == (
        spec.title,
        spec.type,
        spec.region,
        spec.compare,
    )
    second = write_breakdown(again, tmp_path / "c.xlsx")
    assert _grid(first) == _grid(second)
    # the exported table merges a parent over its children, as analysts do
    merged = _grid(first)["技术分解表"][1]
    assert "A2:A5" in merged and "B4:B5" in merged and "A6:A8" in merged


def test_a_real_spec_round_trips_through_the_table(tmp_path):
    spec = load_spec("specs/drones-industry.yaml")
    path = tmp_path / "drones.xlsx"
    result = CliRunner().invoke(
        cli,
        ["spec", "to-breakdown", "specs/drones-industry.yaml", "--out", str(path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "drones.yaml"
    result = CliRunner().invoke(
        cli,
        ["spec", "from-breakdown", str(path), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    again = load_spec(out)
    assert [(n.path, n.query, n.note) for n in again.walk()] == [
        (n.path, n.query, n.note) for n in spec.walk()
    ]
    for key in ("title", "type", "description", "region", "compare", "count_by"):
        assert getattr(again, key) == getattr(spec, key), key
    assert again.base_query == spec.base_query
    assert again.period == spec.period


def _table(path, rows, header=HEADER, formula=None):
    book = Workbook()
    ws = book.active
    ws.title = "技术分解表"
    ws.append(header)
    for row in rows:
        ws.append(row)
    if formula:
        ws[formula[0]] = formula[1]
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("rows", "formula", "place", "words"),
    [
        ([[None, "小麦", None, "小麦"]], None, "第 2 行 A 列", "一级分支为空"),
        (
            [["农业", None, None, "小麦", None, None, "TIAB=(小麦"]],
            None,
            "第 2 行 G 列",
            "检索式无法解析",
        ),
        (
            [["农业", "小麦", None, "小麦"], [None, "小麦", None, "麦"]],
            None,
            "第 3 行",
            "已在第 2 行出现",
        ),
        ([["农业"]], ("B2", "=A2"), "第 2 行 B 列", "公式"),
        ([[None, None, None, "小麦"]], None, "第 2 行", "没有分支名称"),
    ],
)
def test_a_bad_row_is_reported_with_its_place_and_what_to_write(
    tmp_path, rows, formula, place, words
):
    path = _table(tmp_path / "bad.xlsx", rows, formula=formula)
    with pytest.raises(SpecError) as caught:
        read_breakdown(path)
    message = str(caught.value)
    assert "技术分解表" in message and place in message and words in message


def test_an_industry_table_without_a_home_region_says_how_to_give_it(tmp_path):
    table = analyst_table(tmp_path / "a.xlsx")
    with pytest.raises(SpecError, match="--province"):
        spec_from_breakdown(table)
    spec, _ = spec_from_breakdown(table, overrides={"type": "rnd"})  # needs none
    assert spec.type == "rnd" and spec.region is None


def test_a_table_without_level_columns_says_what_the_header_needs(tmp_path):
    path = _table(tmp_path / "x.xlsx", [["农业", "小麦"]], header=["分支", "关键词"])
    with pytest.raises(SpecError, match="一级分支"):
        read_breakdown(path)


# -- live counts on real data ------------------------------------------------------------


@pytest.fixture(scope="module")
def taian_store_path(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("taian") / "taian.duckdb"
    with PatentStore.open(path) as s:
        assert import_paths(s, [data_dir / TAIAN], raise_unexpected=True).ok
    return path


@pytest.fixture
def taian_store(taian_store_path):
    from patnav.storage.store import PatentStore

    with PatentStore.open(taian_store_path, read_only=True) as s:
        yield s


def _raw_hits(frame: pd.DataFrame, words=(), classes=()) -> set[str]:
    """Applications whose title or abstract holds a word, or whose main IPC is in a class
    (the Tai'an file gives only the main IPC)."""
    text = frame["专利名称"].fillna("") + "\n" + frame["摘要"].fillna("")
    hit = pd.Series(False, index=frame.index)
    for word in words:
        hit |= text.str.contains(word, regex=False)
    for code in classes:
        hit |= frame["主分类号"].fillna("").str.replace(" ", "").str.startswith(code)
    # the store's application number drops CNIPA's check digit (CN00206569.X → CN00206569)
    return set(frame.loc[hit, "申请号"].str.replace(r"\.[0-9Xx]$", "", regex=True))


def test_node_counts_and_sibling_overlap_match_pandas_over_the_raw_file(
    tmp_path, taian_store, taian_store_path, data_dir
):
    table = analyst_table(tmp_path / "t.xlsx")
    spec, text = spec_from_breakdown(table, overrides={"region": {"city": "泰安市"}})
    raw = pd.read_excel(data_dir / TAIAN, dtype=str)
    farming = _raw_hits(raw, ["种植", "栽培"], ["A01B", "A01C"])
    wheat = _raw_hits(raw, ["小麦", "wheat"])
    maize = _raw_hits(raw, ["玉米"])
    harvester = maize & _raw_hits(raw, ["收获"]) & _raw_hits(raw, classes=["A01D"])
    motors = _raw_hits(raw, ["电动机", "电机"], ["H02K"])
    switches = _raw_hits(raw, ["高压开关"], ["H01H33/"])  # a main group: all its groups
    expected = {
        ("农业",): (farming, motors | switches),  # its query alone; 装备 its sibling
        ("农业", "小麦"): (wheat, maize),
        ("农业", "玉米"): (maize, wheat),
        ("农业", "玉米", "玉米收获机"): (harvester, None),
        ("装备",): (motors | switches, farming),  # no query: its children's union
        ("装备", "电机"): (motors, switches),
        ("装备", "高压开关"): (switches, motors),
    }
    every = farming | wheat | maize | harvester | motors | switches

    result = breakdown_counts(taian_store, spec)
    got = {n.path: n for n in result.nodes}
    assert result.scope_units == len(every)
    for path, (units, siblings) in expected.items():
        node = got[path]
        assert node.units == len(units), path
        if siblings is None:
            assert node.overlap_units is None
        else:
            assert node.overlap_units == len(units & siblings), path
    assert result.to_frame()["units"].tolist() == [len(u) for u, _ in expected.values()]

    spec_file = tmp_path / "t.yaml"
    spec_file.write_text(text, "utf-8")
    printed = CliRunner().invoke(
        cli,
        ["--store", str(taian_store_path), "spec", "counts", str(spec_file)],
        catch_exceptions=False,
    )
    assert printed.exit_code == 0, printed.output
    lines = {
        line.split()[0]: line.split() for line in printed.output.splitlines() if line
    }
    harvester_units = len(expected[("农业", "玉米", "玉米收获机")][0])
    assert lines["玉米收获机"][1:3] == [f"{harvester_units:,}", f"{harvester_units:,}"]
    assert lines["装备*"][1] == f"{len(motors | switches):,}"  # * no query of its own
    assert f"分析范围共 {len(every):,} 专利族" in printed.output
