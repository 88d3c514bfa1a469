"""The value slice on a real scored store: the distribution analysis, the dashboard chart,
and the 专利价值评估 section of an enterprise report — or, unscored, a sentence saying so."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.analyses import run_analysis
from patnav.analyses.base import Scope
from patnav.analyses.spec import parse_spec
from patnav.presenters import chart_specs, dashboard_analyses
from patnav.reports import build_report
from patnav.search import compile_query
from patnav.storage.store import PatentStore

TOYOTA = "丰田自动车株式会社"
SPEC = f"""
title: 丰田自动驾驶专利（价值测试）
type: enterprise
entities: [{TOYOTA}]
base_query: PA={TOYOTA} OR TIAB=(增强现实)
scope:
  - node: 车辆控制
    query: IPC=(B60W OR G05D1)
"""


def _stored(store: PatentStore, query: str) -> pd.DataFrame:
    """The stored management scores of the documents ``query`` finds (the scope is the
    search's; the search is tested on its own)."""
    compiled = compile_query(query)
    ids = {r[0] for r in store.rows(compiled.sql, compiled.params)}
    frame = store.query(
        "SELECT p.doc_id, p.pub_number, v.score, v.grade FROM patents p LEFT JOIN "
        "value_scores v ON v.doc_id = p.doc_id AND v.use = 'management'"
    ).to_pandas()
    return frame[frame["doc_id"].isin(ids)]


def test_the_distribution_counts_the_stored_scores(scored_path):
    with PatentStore.open(scored_path, read_only=True) as store:
        result = run_analysis("value", store, Scope.of_query(f"PA={TOYOTA}"))
        frame = _stored(store, f"PA={TOYOTA}")
    assert result.documents == len(frame) > 4000
    assert result.scored == frame["score"].notna().sum()
    assert dict(result.grades) == {g: int((frame["grade"] == g).sum()) for g in "ABCDE"}
    assert sum(n for _, n in result.bins) == result.scored
    assert result.mean_score == pytest.approx(frame["score"].mean())
    best = frame.dropna(subset=["score"]).sort_values(
        ["score", "pub_number"], ascending=[False, True]
    )
    assert [p.pub_number for p in result.top] == list(best["pub_number"][:10])
    # incoPat carries no citation counts: every scored Toyota patent lacks them
    lacks = {m.name: m.documents for m in result.missing}
    assert lacks["forward_citations"] == result.scored


def test_the_dashboard_draws_grades_and_the_unscored_apart(scored_path, mixed_path):
    assert "value" in dashboard_analyses()
    with PatentStore.open(scored_path, read_only=True) as store:
        data = run_analysis("value", store).to_dict()
    (spec,) = chart_specs("value", data, "zh")
    assert spec.chart.categories == ("A", "B", "C", "D", "E", "未评分")
    assert sum(spec.chart.series[0].values) == data["documents"]
    with PatentStore.open(mixed_path, read_only=True) as store:
        empty = run_analysis("value", store).to_dict()
    (none,) = chart_specs("value", empty, "zh")
    assert empty["scored"] == 0 and not none.drawable
    assert "尚无价值评分" in none.empty


def _value_section(report):
    portfolio = next(s for s in report.sections if s.key == "portfolio")
    return next(b for b in portfolio.blocks if getattr(b, "key", "") == "value")


def test_the_enterprise_report_has_a_value_section(scored_path, data_dir):
    spec = parse_spec(SPEC)
    with PatentStore.open(scored_path, read_only=True) as store:
        report = build_report(store, spec, charts=False, data_dir=data_dir)
        frame = _stored(store, f"PA={TOYOTA}")
    section = _value_section(report)
    text = " ".join(getattr(b, "text", "") for b in section.blocks)
    assert f"已评分 {frame['score'].notna().sum():,} 件" in text
    assert "缺失的指标不计为零" in text and "被引次数" in text
    table = next(t for t in report.tables() if t.key == "value.top")
    best = frame.dropna(subset=["score"]).sort_values(
        ["score", "pub_number"], ascending=[False, True]
    )
    assert [row[0] for row in table.rows] == list(best["pub_number"][:10])


def test_an_unscored_store_says_not_scored(mixed_path, data_dir):
    spec = parse_spec(SPEC)
    with PatentStore.open(mixed_path, read_only=True) as store:
        report = build_report(store, spec, charts=False, data_dir=data_dir)
    section = _value_section(report)
    text = " ".join(getattr(b, "text", "") for b in section.blocks)
    assert "尚未评分" in text and "不代表价值为零" in text
