"""Search-strategy quality (查准率/查全率) of breakdown nodes, on the real Tai'an corpus.

Every figure is recomputed here: hits and judgements from pandas over the raw file, the
interval from the closed-form roots of the Wilson score equation (and scipy's own).
"""

from __future__ import annotations

import math
import statistics
from datetime import date

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from patnav.analyses.spec import load_spec
from patnav.analyses.strategy_quality import (
    QUALITY_MARK,
    load_quality,
    read_judgements,
    wilson_interval,
)
from patnav.cli import cli
from patnav.errors import InputError

TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
SPEC = """\
# 泰安农业技术分解：分析人员的注释须原样保留
title: 泰安农业技术
type: rnd   # 研发导航
count_by: application
scope:
  - node: 农业
    keywords: [种植, 栽培]
    ipc: [A01B, A01C, A01G]
    children:
      - node: 小麦
        keywords: [小麦]
      - node: 果树
        keywords: [果树, 苹果, 桃]
"""


def independent_wilson(
    k: int, n: int, confidence: float = 0.95, population: int | None = None
) -> tuple[float, float]:
    """The two roots in p of (k/n − p)² = z²·p(1−p)/n·f: the Wilson score interval, with
    f = (N−n)/(N−1) the finite-population correction of a sample without replacement."""
    z = statistics.NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    f = 1.0 if population is None else (population - n) / (population - 1)
    zz = z * z * f
    a = 1 + zz / n
    b = -(2 * k / n + zz / n)
    c = (k / n) ** 2
    root = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


@pytest.mark.parametrize(
    ("k", "n"), [(0, 10), (3, 10), (10, 10), (41, 50), (1, 1), (97, 100)]
)
def test_the_wilson_interval_matches_the_score_equation_and_scipy(k, n):
    low, high = wilson_interval(k, n)
    assert (low, high) == pytest.approx(independent_wilson(k, n), abs=1e-9)
    stats = pytest.importorskip("scipy.stats")
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert (low, high) == pytest.approx((ci.low, ci.high), abs=1e-9)
    assert wilson_interval(k, n, 0.99)[0] <= low


@pytest.mark.parametrize(("k", "n", "N"), [(7, 20, 178), (41, 50, 60), (3, 100, 137)])
def test_the_interval_of_a_sample_of_the_hits_is_finite_population_corrected(k, n, N):
    corrected = wilson_interval(k, n, population=N)
    assert corrected == pytest.approx(independent_wilson(k, n, population=N), abs=1e-9)
    plain = wilson_interval(k, n)
    assert plain[0] <= corrected[0] and corrected[1] <= plain[1]
    assert wilson_interval(k, n, population=n) == (k / n, k / n)  # every hit judged


def test_a_proportion_of_nothing_is_refused():
    with pytest.raises(InputError):
        wilson_interval(0, 0)
    with pytest.raises(InputError):
        wilson_interval(3, 10, population=9)


@pytest.fixture(scope="module")
def taian_store_path(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("taian-q") / "taian.duckdb"
    with PatentStore.open(path) as s:
        assert import_paths(s, [data_dir / TAIAN], raise_unexpected=True).ok
    return path


@pytest.fixture(scope="module")
def raw(data_dir) -> pd.DataFrame:
    frame = pd.read_excel(data_dir / TAIAN, dtype=str)
    frame["app"] = frame["申请号"].str.replace(r"\.[0-9Xx]$", "", regex=True)
    frame["text"] = frame["专利名称"].fillna("") + "\n" + frame["摘要"].fillna("")
    return frame


def run(store_path, *args):
    result = CliRunner().invoke(
        cli, ["--store", str(store_path), *map(str, args)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_sample_then_judge_gives_precision_with_its_interval_stored_beside_the_spec(
    tmp_path, taian_store_path, raw
):
    spec = tmp_path / "nav.yaml"
    spec.write_text(SPEC, "utf-8")
    sample = tmp_path / "小麦样本.xlsx"
    run(taian_store_path, "spec", "sample", spec, "--node", "小麦", "--size", 30,
        "--seed", 11, "--out", sample)  # fmt: skip

    wheat = raw[raw["text"].str.contains("小麦", regex=False)]
    book = load_workbook(sample)
    info = {r[0]: r[1] for r in book["抽样信息"].iter_rows(values_only=True)}
    assert info["命中文献数"] == wheat["app"].nunique()
    assert info["样本量"] == 30 and info["随机种子"] == 11
    assert info["检索式"] == "TIAB=(小麦)"
    ws = book["抽样"]
    numbers = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == len(set(numbers)) == 30
    assert set(numbers) <= set(wheat["app"])  # every sampled document is a hit
    again = tmp_path / "again.xlsx"
    run(taian_store_path, "spec", "sample", spec, "--node", "农业/小麦", "--size", 30,
        "--seed", 11, "--out", again)  # fmt: skip
    assert [
        r[1]
        for r in load_workbook(again)["抽样"].iter_rows(min_row=2, values_only=True)
    ] == numbers  # the seed repeats the sample

    # the analyst's rule: relevant when the title itself is about wheat; one row left blank
    titles = dict(zip(raw["app"], raw["专利名称"].fillna(""), strict=True))
    for r in range(2, 31):  # row 31 (the 30th document) stays unjudged
        number = ws.cell(r, 2).value
        ws.cell(r, 7).value = "相关" if "小麦" in titles[number] else "不相关"
    book.save(sample)
    judged = numbers[:29]
    k = sum("小麦" in titles[n] for n in judged)

    out = run(taian_store_path, "spec", "judge", spec, "--node", "小麦",
              "--judgements", sample, "--judge", "张三")  # fmt: skip
    hits = wheat["app"].nunique()
    low, high = independent_wilson(k, 29, population=hits)
    assert f"{k / 29:.1%}" in out and f"{low:.1%}–{high:.1%}" in out

    written = spec.read_text("utf-8")
    stored = yaml.safe_load(written)["quality"]
    record = stored[0]["precision"]
    assert stored[0]["node"] == ["农业", "小麦"] and len(stored) == 1
    assert (record["relevant"], record["judged"], record["sample_size"]) == (k, 29, 30)
    assert record["value"] == pytest.approx(k / 29, abs=1e-6)
    assert (record["low"], record["high"]) == pytest.approx((low, high), abs=1e-6)
    assert record["judge"] == "张三" and record["seed"] == 11
    assert record["method"] == "wilson-fpc" and record["hits"] == hits
    assert record["judged_on"] == date.today().isoformat()
    assert record["store"]["documents"] == len(raw)
    assert record["query"] == "TIAB=(小麦)"
    # the rest of the spec, comments included, is as the analyst wrote it; it validates
    assert written.startswith(SPEC.rstrip("\n") + "\n\n" + QUALITY_MARK + "\nquality:")
    assert load_quality(load_spec(spec)).of(("农业", "小麦")).precision == record

    shown = run(taian_store_path, "spec", "quality", spec)
    rows = {
        line.split()[0]: line.split() for line in shown.splitlines() if line.strip()
    }
    assert rows["小麦"][1].startswith(f"{k / 29:.1%}（{low:.1%}–{high:.1%}）")
    assert rows["小麦"][2:4] == ["29", date.today().isoformat()]
    assert rows["小麦"][4] == "未评估"  # recall: no known set given
    assert rows["果树"][1:] == ["未评估", "未评估"]


def test_recall_on_a_known_applicants_set_matches_pandas(
    tmp_path, taian_store_path, raw
):
    spec = tmp_path / "nav.yaml"
    spec.write_text(SPEC, "utf-8")
    # the verified set: 山东省果树研究所's patents on fruit (an analyst checked them),
    # plus one number the store does not hold
    institute = raw[
        raw["申请人"].fillna("").str.contains("山东省果树研究所", regex=False)
    ]
    known = institute[
        institute["text"].str.contains("果|苹|桃|梨|葡萄|樱桃", regex=True)
    ]
    assert len(known) >= 20
    found = known[known["text"].str.contains("果树|苹果|桃", regex=True)]
    relevant = tmp_path / "果树所.csv"
    relevant.write_text(
        "申请号\n" + "\n".join([*known["申请号"], "CN209999999999"]) + "\n", "utf-8"
    )
    out = run(taian_store_path, "spec", "judge", spec, "--node", "果树",
              "--relevant", relevant, "--json")  # fmt: skip
    import json

    data = json.loads(out)
    record = data["recall"]
    assert record["known"] == len(known) + 1
    assert record["in_store"] == known["app"].nunique()
    assert record["found"] == found["app"].nunique()
    assert data["missing"] == ["CN209999999999"]
    low, high = independent_wilson(record["found"], record["in_store"])
    assert record["value"] == pytest.approx(record["found"] / record["in_store"])
    assert (record["low"], record["high"]) == pytest.approx((low, high), abs=1e-6)
    assert len(data["missed"]) == record["in_store"] - record["found"]


def test_the_report_method_section_prints_the_figures_and_says_what_was_not_measured(
    tmp_path, taian_store_path, raw, data_dir
):
    from patnav.reports import build_report
    from patnav.storage.store import PatentStore

    spec = tmp_path / "nav.yaml"
    spec.write_text(SPEC, "utf-8")
    relevant = tmp_path / "known.txt"
    wheat_titles = raw[raw["专利名称"].fillna("").str.contains("小麦", regex=False)]
    relevant.write_text("\n".join(wheat_titles["申请号"]), "utf-8")
    run(taian_store_path, "spec", "judge", spec, "--node", "小麦", "--relevant", relevant,
        "--judge", "李四")  # fmt: skip
    record = load_quality(load_spec(spec)).of(("农业", "小麦")).recall
    with PatentStore.open(taian_store_path, read_only=True) as store:
        report = build_report(store, spec, charts=False, data_dir=data_dir)
    table = next(t for t in report.tables() if t.key == "data.quality.table")
    rows = {r[0].strip("　"): r for r in table.rows}
    assert set(rows) == {"农业", "小麦", "果树"}
    wheat = rows["小麦"]
    expected = (
        f"{record['value']:.1%}（95% 区间 {record['low']:.1%}–{record['high']:.1%}）"
    )
    assert expected in wheat
    assert f"{record['found']}/{record['in_store']}" in wheat
    assert f"{date.today().isoformat()}（李四）" in wheat
    assert wheat[1] == "未评估"  # precision: no sample judged
    assert (
        rows["果树"][1]
        == rows["果树"][table.columns.index("查全率（置信区间）")]
        == "未评估"
    )
    headings = [h.heading for h in report.headings()]
    assert "检索策略与查全查准" in headings

    # the query changes: the old figure is no longer shown as the node's
    text = spec.read_text("utf-8")
    spec.write_text(text.replace("keywords: [小麦]", "keywords: [小麦, 麦]"), "utf-8")
    with PatentStore.open(taian_store_path, read_only=True) as store:
        report = build_report(store, spec, charts=False, data_dir=data_dir)
    table = next(t for t in report.tables() if t.key == "data.quality.table")
    wheat = next(r for r in table.rows if r[0].strip("　") == "小麦")
    assert any("需重新评估" in cell for cell in wheat)
    assert not any(f"{record['value']:.1%}" in cell for cell in wheat)


def test_a_verdict_that_is_neither_relevant_nor_not_is_refused_with_its_cell(
    tmp_path, taian_store_path
):
    spec = tmp_path / "nav.yaml"
    spec.write_text(SPEC, "utf-8")
    sample = tmp_path / "s.xlsx"
    run(taian_store_path, "spec", "sample", spec, "--node", "果树", "--size", 5,
        "--seed", 1, "--out", sample)  # fmt: skip
    book = load_workbook(sample)
    book["抽样"].cell(4, 7).value = "也许"
    book.save(sample)
    with pytest.raises(InputError, match="第 4 行 G 列"):
        read_judgements(sample)


def test_a_sample_of_another_node_is_refused(tmp_path, taian_store_path):
    spec = tmp_path / "nav.yaml"
    spec.write_text(SPEC, "utf-8")
    sample = tmp_path / "s.xlsx"
    run(taian_store_path, "spec", "sample", spec, "--node", "果树", "--size", 5,
        "--seed", 1, "--out", sample)  # fmt: skip
    result = CliRunner().invoke(
        cli,
        ["--store", str(taian_store_path), "spec", "judge", str(spec), "--node", "小麦",
         "--judgements", str(sample)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "不是“农业 / 小麦”的" in result.output
    assert spec.read_text("utf-8") == SPEC


def test_recording_rewrites_only_the_quality_block_and_keeps_every_other_record():
    from patnav.analyses.spec import parse_spec
    from patnav.analyses.strategy_quality import with_quality

    text = SPEC + "# 结尾注释\nlang: zh  # 报告语言\n"
    spec = parse_spec(text)
    wheat, fruit = spec.walk()[1], spec.walk()[2]
    first = with_quality(text, spec, wheat, recall={"query": "a", "value": 0.5})
    second_spec = parse_spec(first)
    second = with_quality(first, second_spec, fruit, precision={"query": "b"})
    third = with_quality(
        second, parse_spec(second), wheat, precision={"query": "c", "value": 0.9}
    )
    records = parse_spec(third).raw["quality"]
    assert records == [
        {
            "node": ["农业", "小麦"],
            "recall": {"query": "a", "value": 0.5},
            "precision": {"query": "c", "value": 0.9},
        },
        {"node": ["农业", "果树"], "precision": {"query": "b"}},
    ]
    assert third.startswith(text.rstrip("\n"))  # the analyst's text, comments and all
    assert third.count(QUALITY_MARK) == 1 and third.count("quality:") == 1
    # a block the analyst moved above other keys is rewritten where it is
    moved = (
        "title: x\ntype: rnd\n"
        + third.split("title: 泰安农业技术\ntype: rnd   # 研发导航\n")[1]
    )
    moved = moved.replace("lang: zh  # 报告语言\n", "")
    head, block = moved.split(QUALITY_MARK)
    moved = head + QUALITY_MARK + block + "lang: en  # 保留\n"
    again = with_quality(moved, parse_spec(moved), fruit, recall={"query": "d"})
    assert again.rstrip("\n").endswith("lang: en  # 保留")
    assert parse_spec(again).raw["quality"][1]["recall"] == {"query": "d"}
