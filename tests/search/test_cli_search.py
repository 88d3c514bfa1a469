"""patnav search, patnav index and patnav sets through click's test runner."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from patnav.cli import cli

from .conftest import SAMPLE


@pytest.fixture
def run(tmp_path):
    store = tmp_path / "cli.duckdb"

    def invoke(*args, ok=True):
        result = CliRunner().invoke(cli, ["--store", str(store), *map(str, args)])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    invoke("import", SAMPLE)
    invoke.store = store
    return invoke


def test_search_prints_a_table_and_builds_the_index_on_first_use(run):
    result = run("search", "TI=(光纤 OR fiber) AND PROV=湖北")
    assert "命中 1 篇文献，合并为 1 个同族（专家检索" in result.output
    assert "光纤连接器" in result.output and "武汉光迅科技股份有限公司" in result.output
    assert "提示：全文索引已更新：新增 9 篇" in result.output
    assert "full-text" not in result.output
    assert (run.store.parent / "cli.duckdb.search" / "fulltext.duckdb").exists()
    english = run("search", "TI=(光纤 OR fiber) AND PROV=湖北", "--lang", "en")
    assert "1 documents match, in 1 families (boolean" in english.output
    assert "Optical fiber connector" in english.output  # its English title


def _sample_rows() -> list[dict[str, str]]:
    import csv

    with SAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_search_groups_sorts_filters_counts_and_exports(run, tmp_path):
    from openpyxl import load_workbook

    rows = _sample_rows()
    query = "TIABC=光 OR TI=fiber"
    matched = [
        r
        for r in rows
        if "光" in r["名称"] + r["摘要"] + r["主权项"] + r["英文标题"]
        or re.search(r"\bfiber\b", r["名称"] + r["英文标题"], re.I)
    ]
    data = json.loads(
        run("search", query, "--sort", "app_date", "--order", "asc", "--json").output
    )
    assert data["group"] == "family" and data["total"] == len(matched)
    assert [h["app_date"] for h in data["hits"]] == sorted(
        r["申请日"].replace(".", "-") for r in matched
    )
    years = {f["value"]: f["count"] for f in data["facets"]["year"]["counts"]}
    assert years == {
        y: sum(1 for r in matched if r["申请日"][:4] == y)
        for y in {r["申请日"][:4] for r in matched}
    }
    narrowed = json.loads(
        run(
            "search", query, "--filter", "type=发明", "--filter", "year=2021", "--json"
        ).output
    )
    assert narrowed["total"] == sum(
        1
        for r in matched
        if r["专利类型"] in ("发明", "invention") and r["申请日"][:4] == "2021"
    )
    shown = run("search", query, "--facets").output
    assert "分面统计（同族数）：" in shown and "专利类型：发明" in shown
    out = tmp_path / "结果.xlsx"
    written = run("search", query, "--export", out).output
    assert f"结果列表已导出：{len(matched)} 行" in written
    sheet = load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row]
    formula = [c for c in cells if str(c.value or "").startswith("=HYPERLINK")]
    assert formula and all(c.data_type == "s" for c in formula)  # text, never run
    bad = run("search", query, "--filter", "colour=red", ok=False)
    assert bad.exit_code == 2 and "FACET=VALUE" in bad.output


def test_search_json_gives_typed_hits(run):
    data = json.loads(run("search", "LS=有效 AND TYPE=发明", "--json").output)
    assert data["total"] == 3 and data["mode"] == "boolean"
    assert {h["doc_id"] for h in data["hits"]} == {
        "CN110000001A",
        "US10000005B2",
        "CN110000009A",
    }
    assert data["query"] == "LS=有效 AND TYPE=发明"
    assert all(isinstance(h["applicants"], list) for h in data["hits"])


def test_a_query_error_is_one_message_with_a_caret_and_status_1(run):
    result = run("search", "TI=光纤 AND TX=光缆", ok=False)
    assert result.exit_code == 1
    assert "错误：第 11 列的字段 'TX' 不存在——是否要写 TI？" in result.output
    assert result.output.rstrip().endswith("^")
    assert "Traceback" not in result.output


def test_a_query_error_is_in_english_with_lang_en(run):
    result = run("--lang", "en", "search", "TI=光纤 AND TX=光缆", ok=False)
    assert result.exit_code == 1
    assert "unknown field 'TX' at column 11 — did you mean TI?" in result.output
    assert "字段" not in result.output and result.output.rstrip().endswith("^")


def test_text_search_and_more_like_this(run):
    result = run("search", "光纤 放大器", "--text", "--limit", "2", "--json")
    assert json.loads(result.output)["hits"][0]["doc_id"] == "CN110000009A"
    like = json.loads(
        run(
            "search", "--like", "CN110000001A", "--text", "--limit", "3", "--json"
        ).output
    )
    assert "CN110000001A" not in [h["doc_id"] for h in like["hits"]]


def test_semantic_search_after_embedding(run):
    missing = run("search", "光纤", "--semantic", "--embedder", "hashing", ok=False)
    assert missing.exit_code == 1 and "patnav index --semantic" in missing.output
    embedded = run("index", "--semantic", "--embedder", "hashing", "--json")
    report = json.loads(embedded.output)
    assert report["embedding"]["embedded"] == 9 and report["vectors"]["documents"] == 9
    result = json.loads(
        run(
            "search", "光纤放大器", "--semantic", "--embedder", "hashing", "--json"
        ).output
    )
    assert result["hits"][0]["doc_id"] == "CN110000009A"
    hybrid = json.loads(
        run(
            "search", "光纤放大器", "--hybrid", "--embedder", "hashing", "--json"
        ).output
    )
    assert hybrid["hits"][0]["fused"] is not None


def test_index_status_and_update(run):
    status = json.loads(run("index", "--status", "--json").output)
    assert status["fulltext"]["documents"] == 0 and status["vectors"]["documents"] == 0
    run("index")
    status = json.loads(run("index", "--status", "--json").output)
    assert status["fulltext"]["documents"] == 9 and status["fulltext"]["is_current"]
    assert "全文索引：9 篇文献" in run("index", "--status").output
    assert (
        "full-text index: 9 documents"
        in run("--lang", "en", "index", "--status").output
    )


def test_sets_from_save_to_export(run, tmp_path):
    saved = run(
        "search",
        "PROV=湖北 AND IPC=G02B6",
        "--save",
        "湖北光通信",
        "--description",
        "光通信",
    )
    assert "已保存为专利集“湖北光通信”（3 篇文献）" in saved.output
    listing = run("sets", "list").output
    assert "湖北光通信" in listing and "PROV=湖北 AND IPC=G02B6" in listing
    assert json.loads(run("sets", "list", "--json").output)[0]["last_count"] == 3
    shown = run("sets", "show", "湖北光通信").output
    assert "说明：光通信" in shown and "光缆接头盒" in shown
    assert run("sets", "count", "湖北光通信").output.strip() == "3"
    rerun = run("sets", "rerun", "湖北光通信").output
    assert "新增 0 篇，移出 0 篇" in rerun
    out = tmp_path / "湖北光通信.xlsx"
    assert "已将 3 篇写入" in run("sets", "export", "湖北光通信", out).output
    assert out.exists()
    run("sets", "save", "激光", "IPC=B23K26")
    assert "激光" in run("sets", "list").output
    run("sets", "delete", "激光")
    missing = run("sets", "show", "激光", ok=False)
    assert missing.exit_code == 1 and "No patent set named '激光'" in missing.output


def test_searching_within_a_set(run):
    run("sets", "save", "湖北", "PROV=湖北")
    data = json.loads(
        run(
            "search", "TI=光纤 OR TI=光缆 OR TI=放大器", "--within", "湖北", "--json"
        ).output
    )
    assert {h["doc_id"] for h in data["hits"]} == {"CN110000001A", "CN110000002A"}
