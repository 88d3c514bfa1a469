"""``patnav capability``, ``patnav capability show`` and ``patnav highvalue`` on the real
AR export: the output is the core's result, missing stays missing, errors are one line.
Population tables written here are MADE UP test figures."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from patnav.cli import cli
from patnav.models.capability import CapabilityModel
from patnav.storage.store import PatentStore

NAME = "歌尔科技有限公司"


def _run(path, *args):
    result = CliRunner().invoke(
        cli, ["--store", str(path), *args], catch_exceptions=False
    )
    return result


def test_capability_ranks_with_percentiles_and_what_was_missing(
    ar_store_path, tmp_path
):
    out = tmp_path / "rank.csv"
    result = _run(
        ar_store_path,
        "capability",
        "--region",
        "广东",
        "--top",
        "3",
        "--json",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    with PatentStore.open(ar_store_path, read_only=True) as store:
        expected = CapabilityModel().fit(store).rank(region="广东", top=3)
    assert [e["name"] for e in data["enterprises"]] == [e.name for e in expected.rows]
    assert data["subject"] == "applicant" and data["total"] == expected.total
    first = data["enterprises"][0]
    assert "rd_intensity" in first["missing"]
    rd = next(i for i in first["indicators"] if i["key"] == "rd_intensity")
    assert rd["value"] is None and rd["missing"] and rd["reason"]
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame["name"]) == [e.name for e in expected.rows]
    text = _run(ar_store_path, "capability", "--top", "5")
    assert text.exit_code == 0
    assert "缺失指标" in text.output and "研发投入强度" in text.output
    assert "申请人主体" in text.output


def test_capability_show_explains_one_enterprise(ar_store_path):
    result = _run(ar_store_path, "capability", "show", NAME, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    with PatentStore.open(ar_store_path, read_only=True) as store:
        expected = CapabilityModel().fit(store).explain(NAME)
    assert data["index"] == expected.index and data["peers"] == expected.peers
    assert data["weights"]["indicators"]["stock"]["weight"] > 0
    text = _run(ar_store_path, "capability", "show", NAME)
    assert "创新能力指数" in text.output and "同组百分位" in text.output
    missing = _run(ar_store_path, "capability", "show", "不存在的公司甲乙丙")
    assert missing.exit_code == 1 and "错误" in missing.output


def test_highvalue_counts_without_population_and_divides_with_it(
    ar_store_path, tmp_path
):
    result = _run(ar_store_path, "highvalue", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert not data["has_population"]
    assert all(r["per_10k"] is None for r in data["regions"])
    assert {"overseas", "pledge", "award"} <= set(data["not_evaluable"])
    text = _run(ar_store_path, "highvalue")
    assert "不可评估" in text.output and "人口表" in text.output
    pop = tmp_path / "人口_虚构.csv"  # made-up populations
    pop.write_text("地区,人口\n四川省,8000\n", encoding="utf-8")
    out = tmp_path / "hv.json"
    result = _run(
        ar_store_path,
        "highvalue",
        "--population",
        str(pop),
        "--json",
        "--out",
        str(out),
    )
    data = json.loads(result.output[result.output.index("{") :])
    sichuan = next(r for r in data["regions"] if r["region"] == "四川省")
    assert sichuan["per_10k"] == sichuan["high_value"] / 8000
    assert json.loads(out.read_text("utf-8"))["regions"] == data["regions"]
    pop.write_text("地区,人口\n四川省,很多\n", encoding="utf-8")
    bad = _run(ar_store_path, "highvalue", "--population", str(pop))
    assert bad.exit_code == 1 and "line 2" in bad.output
