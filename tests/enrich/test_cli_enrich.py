"""``patnav enrich``, ``patnav entities …`` and the regional ``patnav stats``."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from patnav.cli import cli


@pytest.fixture
def run(tmp_path, data_dir):
    store = tmp_path / "cli.duckdb"
    env = {"PATNAV_DATA_DIR": str(data_dir)}

    def invoke(*args, ok=True):
        result = CliRunner(env=env).invoke(
            cli, ["--store", str(store), *map(str, args)]
        )
        if ok:
            assert result.exit_code == 0, result.output
        return result

    invoke("import", data_dir / "formats/cn-excel")
    return invoke


def test_enrich_reports_each_step_then_nothing_to_do(run):
    report = json.loads(run("enrich", "--json").output)
    steps = {s["step"]: s for s in report["steps"]}
    # distinct addresses of the CNIPA export read as places (its 199 rows repeat some)
    assert steps["locations"]["summary"]["placed_by"]["address"] >= 140
    assert steps["class_titles"]["summary"]["titles"]["IPC"] == 77_237
    text = run("enrich").output
    assert "无需处理" in text and "申请人归并" in text
    assert "nothing to do" in run("enrich", "--lang", "en").output


def test_enrich_one_step(run):
    report = json.loads(run("enrich", "--step", "names", "--json").output)
    assert [s["step"] for s in report["steps"]] == ["names"]
    bad = run("enrich", "--step", "nope", ok=False)
    assert bad.exit_code == 2 and "nope" in bad.output


QUICK = ("--step", "names", "--step", "party_types", "--step", "locations")
QUICK += ("--step", "entities")


def test_stats_count_provinces_and_cities_of_first_applicants(run, data_dir):
    run("enrich", *QUICK)
    stats = json.loads(run("stats", "--json").output)
    assert stats["applicants_by"] == "entity"
    provinces = {c["label"]: c["count"] for c in stats["by_province"]}
    # the CNIPA export: 12 documents from Hubei (their addresses say so)
    assert provinces["湖北省"] >= 12
    text = run("stats").output
    assert "省份（第一申请人）" in text and "主要申请人（按归并后的实体）" in text
    english = run("stats", "--lang", "en").output
    assert "province (first applicant)" in english
    assert "top applicants (by entity)" in english


def test_entities_review_cycle(run, tmp_path):
    run("enrich", *QUICK)
    listed = json.loads(run("entities", "list", "--type", "company", "--json").output)
    assert len(listed) >= 2
    a, b = listed[0]["entity_id"], listed[1]["entity_id"]
    merged = run("entities", "merge", a, b, "--name", "合并测试").output
    assert "合并测试" in merged
    shown = json.loads(run("entities", "show", a, "--json").output)
    assert shown["name"] == "合并测试" and shown["is_reviewed"]
    assert len(shown["aliases"]) >= 2
    again = json.loads(run("enrich", *QUICK, "--json").output)
    assert again["changed"] == 0  # the correction holds through a later run
    renamed = run("entities", "rename", a, "改名测试").output
    assert "改名测试" in renamed
    out = tmp_path / "aliases.csv"
    assert "个别名写入" in run("entities", "export", out).output
    with out.open(encoding="utf-8-sig") as f:
        assert next(csv.reader(f))[:3] == ["entity_id", "entity_name", "alias_key"]
    assert "移动 0 个名称" in run("entities", "import", out).output
    missing = run("entities", "show", "Enope", ok=False)
    assert missing.exit_code == 1 and "patnav entities list" in missing.output


def test_enrich_needs_an_existing_store(tmp_path):
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "none.duckdb"), "enrich"]
    )
    assert result.exit_code == 1 and "patnav import" in result.output
    assert not (tmp_path / "none.duckdb").exists()


def test_locations_write_a_municipality_once(tmp_path, data_dir):
    """The CNIPA export's Beijing rows, alone in a store: every example of the locations
    step names 北京市 once, with the district its address gives."""
    import re

    import pandas as pd

    df = pd.read_excel(data_dir / "formats/cn-excel/cnipa_export_199.xlsx")
    beijing = df[df["地址"].str.contains("北京市", na=False)]
    assert len(beijing) == 19
    source = tmp_path / "beijing.csv"
    beijing.to_csv(source, index=False)
    store = tmp_path / "beijing.duckdb"
    runner = CliRunner(env={"PATNAV_DATA_DIR": str(data_dir)})
    assert (
        runner.invoke(cli, ["--store", str(store), "import", str(source)]).exit_code
        == 0
    )
    result = runner.invoke(
        cli, ["--store", str(store), "enrich", "--step", "locations"]
    )
    assert result.exit_code == 0, result.output
    assert "北京市北京市" not in result.output
    examples = [line.strip() for line in result.output.splitlines() if " → " in line]
    assert examples
    for line in examples:
        address, place = re.match(r"(.+) → (\S+) \(address\)$", line).groups()
        district = re.search(r"北京市(.+?区)", address).group(1)
        assert place == f"北京市{district}", line
