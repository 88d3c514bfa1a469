"""Correctness of the legal-status section: its figures recomputed from the raw file.

A report built on a real export that carries status (the Patentics augmented-reality
export, see :mod:`tests.patentics`) must show, for the spec's scope and counting unit,
exactly the units and shares a pandas computation over the raw file gives — the known
statuses, the term-rule estimates and the unknown apart. Reports on data without status
must say the coverage is too low and conclude nothing from status.
"""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.analyses.spec import parse_spec
from patnav.reports import build_report, render_report
from patnav.reports.model import Figure, Finding, Paragraph, Report, Section, Table
from patnav.storage.store import PatentStore
from tests import patentics

# The topic: AR display and eyewear, filed 2010–2021. Lens's drone export shares the
# store, so a report that strayed beyond its scope would count units without status.
SPEC = """
title: 增强现实显示与眼镜技术研发导航
type: rnd
count_by: family
period: {from: 2010, to: 2021, by: application_date}
base_query: TI=增强现实 AND TI=(显示 OR 眼镜 OR 头戴 OR 光学)
scope:
  - node: 光学显示
    query: TI=(显示 OR 光学)
  - node: 眼镜与头戴设备
    query: TI=(眼镜 OR 头戴)
"""
LABELS = {
    "active": "有效",
    "pending": "审中",
    "lapsed": "失效",
    "rejected": "驳回",
    "withdrawn": "撤回",
    "term_ended": "期限届满（推算）",
    "unknown": "未知",
}


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


@pytest.fixture(scope="module")
def ar_report(tmp_path_factory, data_dir) -> tuple[Report, str]:
    path = patentics.store_path(
        tmp_path_factory,
        data_dir,
        extra=("formats/lens-csv/lens_drones_5884.csv",),
        name="patentics-lens",
    )
    with PatentStore.open(path, read_only=True) as store:
        report = build_report(store, parse_spec(SPEC), lang="zh", data_dir=data_dir)
    html = tmp_path_factory.mktemp("ar-report") / "report.html"
    render_report(report, "html", html)
    return report, html.read_text("utf-8")


@pytest.fixture(scope="module")
def ar_scope(data_dir) -> pd.DataFrame:
    """The spec's scope computed on the raw file: title terms and filing years."""
    frame = patentics.read(data_dir)
    title = frame["title"]
    matches = title.str.contains("增强现实") & title.str.contains("显示|眼镜|头戴|光学")
    return frame[matches & frame["year"].between(2010, 2021)]


def _legal(report: Report) -> Section:
    return next(s for s in report.headings() if s.key == "legal")


def _block(section: Section, kind: type, key: str):
    return next(b for b in section.blocks if isinstance(b, kind) and b.key == key)


def test_status_table_equals_the_raw_file(ar_report, ar_scope):
    """Each status row: units, share of all, share of the known — from pandas."""
    report, html = ar_report
    table = _block(_legal(report), Table, "legal.table")
    expected = patentics.shares(ar_scope)
    order = [*patentics.KNOWN_RANK, "term_ended", "unknown"]
    rows = [
        (LABELS[s], f"{expected[s][0]:,}", _pct(expected[s][1]), _pct(expected[s][2]))
        for s in order
        if s in expected
    ]
    assert list(table.rows) == rows
    assert len(ar_scope) > 500 and {"term_ended", "unknown"} <= expected.keys()
    for row in rows:  # and the rendered document shows the same cells
        assert all(f">{cell}<" in html for cell in row), row


def test_status_chart_and_conclusion_use_the_known_units(ar_report, ar_scope):
    from patnav.reports.conclusions.thresholds import (
        STATUS_COVERAGE_MIN,
        STATUS_KNOWN_MIN,
    )

    report, _ = ar_report
    legal = _legal(report)
    expected = patentics.shares(ar_scope)
    known = sum(n for n, _, k in expected.values() if k is not None)
    total = len(ar_scope)
    assert known >= STATUS_KNOWN_MIN and known / total >= STATUS_COVERAGE_MIN
    figure = _block(legal, Figure, "legal")
    assert dict(
        zip(figure.chart.categories, figure.chart.series[0].values, strict=True)
    ) == {LABELS[s]: float(n) for s, (n, _, _) in expected.items()}
    found = [b for b in legal.blocks if isinstance(b, Finding)]
    conclusion = next(f for f in found if f.rule in ("legal.lapse", "legal.in_force"))
    assert (conclusion.numbers["known"], conclusion.numbers["total"]) == (known, total)
    active = expected["active"][0]
    assert conclusion.numbers["active"] == active
    assert f"{active:,} 族" in conclusion.text and f"{known:,} 族" in conclusion.text
    # the basis is stated: the source's status field, undated
    note = next(b for b in legal.blocks if isinstance(b, Paragraph))
    assert f"来源数据的法律状态字段 {known:,} 族（未注明状态日期）" in note.text
    assert f"覆盖率 {_pct(known / total)}" in note.text
    assert f"另有 {expected['term_ended'][0]:,} 族为已授权专利" in note.text


def _status_claims(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.rule in ("legal.lapse", "legal.in_force")]


@pytest.mark.parametrize("name", ["taian_report", "drones_report"])
def test_reports_without_status_say_so_and_conclude_nothing(request, name):
    """The demo specs' stores hold no status: coverage 0 %, said in the legal section and
    the findings, no lapse or public-domain conclusion, no status chart."""
    report, _ = request.getfixturevalue(name)
    assert _status_claims(report) == []
    caveat = next(f for f in report.findings if f.rule == "data.unknown_status")
    assert caveat.numbers["known"] == 0
    assert (
        caveat.text.startswith("法律状态覆盖率 0.0%") and "不足以下结论" in caveat.text
    )
    legal = _legal(report)
    assert not any(isinstance(b, Figure) for b in legal.blocks)
    text = "".join(b.text for b in report.walk() if isinstance(b, Paragraph | Finding))
    for claim in ("可无偿利用", "大量技术已进入公有领域", "已知法律状态的"):
        assert claim not in text
    table = _block(legal, Table, "legal.table")
    assert {row[0] for row in table.rows} <= {LABELS["term_ended"], LABELS["unknown"]}
    assert "占已知状态" not in table.columns  # no share of a known status to show
