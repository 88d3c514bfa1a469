"""One chart specification per figure: every figure a presenter's report section (or part)
emits is a chart its presenter's chart builder produces — same key, same categories,
same values — so the report and the dashboard cannot draw the same analysis two ways.

Each report is analysed once (the outline's analyses on the real stores), then every
presenter's section and parts are written and compared with its specifications built
from the same result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from patnav.analyses.base import as_engine, materialized
from patnav.analyses.spec import NavigationSpec
from patnav.presenters import PRESENTERS, chart_specs
from patnav.presenters.base import ChartSpec, report_specs, report_unit
from patnav.reports.conclusions import conclude
from patnav.reports.context import Builder
from patnav.reports.model import Figure, Section
from patnav.reports.outlines import OUTLINES
from patnav.storage.store import PatentStore
from tests.conftest import DATA_DIR


def _figures(section: Section | None) -> Iterator[Figure]:
    if section is None:
        return
    for block in section.blocks:
        if isinstance(block, Figure):
            yield block
        elif isinstance(block, Section):
            yield from _figures(block)


Drawn = dict[str, tuple[list[Figure], dict[str, ChartSpec], dict[str, Any]]]
"""By analysis: the figures its presenter's section and parts emit, its chart
specifications, and its result's dict (what the dashboard caches)."""


def _drawn(store_path: Path, spec: NavigationSpec, lang: str = "zh") -> Drawn:
    """Each presenter with charts whose analysis the report ran (see :data:`Drawn`)."""
    out: Drawn = {}
    with PatentStore.open(store_path, read_only=True) as store:
        b = Builder(store, spec, lang, as_engine(store), None, data_dir=DATA_DIR)
        with materialized(b.engine, *spec.scope_parts(store)) as base:
            b.base = base
            OUTLINES[spec.type].analyse(b)
        b.base = None
        found = conclude(b.results)
        for name, presenter in PRESENTERS.items():
            result = b.results.get(name)
            if presenter.charts is None or result is None:
                continue
            sections = [] if presenter.section is None else [presenter.section]
            sections += [part for _, part in presenter.parts]
            figures = [
                f for make in sections for f in _figures(make(b, result, found, 2))
            ]
            specs = report_specs(b, presenter, result)
            out[name] = (figures, specs, result.to_dict())
    return out


def _values(figure_or_spec: Any) -> tuple[Any, ...]:
    chart = figure_or_spec.chart
    return (
        chart.kind,
        chart.categories,
        tuple((s.name, s.values) for s in chart.series),
        chart.rows,
        chart.matrix,
    )


def _assert_drawn_from_specs(drawn: Drawn) -> set[str]:
    every = {key: spec for _, specs, _ in drawn.values() for key, spec in specs.items()}
    keys = set()
    for name, (figures, own, _) in drawn.items():
        for figure in figures:
            # a section may show another slice's chart (the chain's regional position
            # shows the geography's home region): then that slice's specification
            spec = own.get(figure.key) or every.get(figure.key)
            assert spec is not None, (name, figure.key, sorted(own))
            assert _values(figure) == _values(spec), (name, figure.key)
            assert figure.title == spec.title
            assert figure.unit == report_unit(spec, "zh")
            keys.add(figure.key)
    return keys


@pytest.fixture(scope="module")
def taian_drawn(taian_store_path, taian_spec):
    return _drawn(taian_store_path, taian_spec)


@pytest.fixture(scope="module")
def drones_drawn(drones_store_path, drones_spec):
    return _drawn(drones_store_path, drones_spec)


def test_every_figure_of_the_industry_reports_is_its_presenters_chart(
    taian_drawn, drones_drawn
):
    keys = _assert_drawn_from_specs(taian_drawn)
    keys |= _assert_drawn_from_specs(drones_drawn)
    # the comparison covers the slices' figures of both reports, not an empty set
    for key in (
        "trend",
        "trend.lifecycle",
        "origins",
        "geography.home",
        "applicants",
        "inventors",
        "technology",
        "tech_year",
        "hotspots.terms",
        "chain.home",
        "chain.rta",
    ):
        assert key in keys, key


def test_the_benchmark_figures_are_the_competitor_presenters_charts(
    drones_store_path, drones_spec
):
    spec = dataclasses.replace(
        drones_spec,
        type="enterprise",
        entities=("PARROT", "THALES SA", "VERIZON PATENT & LICENSING INC"),
        nodes=drones_spec.nodes[:3],
    )
    keys = _assert_drawn_from_specs(_drawn(drones_store_path, spec))
    assert {"competitors.years", "competitors.units", "competitors.nodes"} <= keys


def test_the_dashboard_draws_the_specifications_the_report_draws_from(taian_drawn):
    """What the dashboard draws of a slice is the presenter's specifications named in
    its ``keys``: the very ones the report picks its figures from."""
    dashboard = [n for n in taian_drawn if PRESENTERS[n].dashboard]
    assert {"trend", "geography", "applicants", "technology", "legal"} <= set(dashboard)
    for name in dashboard:
        _, specs, data = taian_drawn[name]
        shown = chart_specs(name, data, "zh")
        assert [s.key for s in shown] == [
            k for k in PRESENTERS[name].keys if k in specs
        ]
        assert all(s == specs[s.key] for s in shown), name


def test_the_trend_draws_first_publications_only_where_the_data_date_them(
    taian_drawn, drones_drawn
):
    """Tai'an's spreadsheet gives filing dates but next to no publication dates: a
    first-publication line would draw the missing dates as zeros, so it is left out and
    the note says how few are dated. The Lens drone export dates every publication."""
    _, taian, data = taian_drawn["trend"]
    trend = taian["trend"]
    assert "首次公开" not in [s.name for s in trend.chart.series]
    known = sum(y["publications"] for y in data["years"])
    filed = sum(y["filings"] for y in data["years"])
    assert known < filed / 2
    assert (
        f"数据中仅 {known:,} / {filed:,} 件有公开日，未绘制首次公开趋势"
        in trend.subtitle
    )
    _, drones, _ = drones_drawn["trend"]
    assert [s.name for s in drones["trend"].chart.series][:2] == ["申请量", "首次公开"]
