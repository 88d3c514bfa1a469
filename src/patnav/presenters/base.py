"""What a presenter is: how one analysis shows in reports, on the dashboard and in the API.

An analysis (``patnav.analyses.<module>``, registered by its ``ANALYSIS``) computes; its
presenter (``patnav.presenters.<name>``, registered by its ``PRESENTER``) shows it:

* ``run(b)`` — how a report runs it (default: on the report's scope, with the report's
  counting unit), its result kept in ``b.results`` under the analysis's name;
* ``section(b, result, found, level)`` — the report section (text, tables, figures);
* ``rules`` — its conclusion rules (:class:`~patnav.reports.conclusions.base.Rule`);
* ``charts(result, lang)`` — every chart of the slice as a :class:`ChartSpec`, the
  renderer-neutral specification both the report's matplotlib charts
  (:func:`figure_of`) and the web's ECharts draw: the report's figures are picked from
  them by key (:func:`specs_of`), the dashboard draws those named in ``keys``;
* ``parts`` — further sections by name, placed apart by the outlines (the chain's
  position and development path);
* ``reports`` — the report types whose outlines include it; ``dashboard`` — whether a
  patent set's dashboard shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from patnav.analyses.base import COUNT_UNITS
from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import Rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Section


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """One chart, independent of how it is drawn.

    ``key`` names it (the dashboard's chart id, the report figure's key); ``title`` is
    without its unit, ``unit`` the unit of its values; ``chart`` the data and its kind
    (:class:`~patnav.reports.model.Chart`); ``subtitle`` a line of context (lifecycle,
    what was left out); ``years`` says the categories are filing years, so incomplete
    ones are marked; ``tooltips`` the hover text of each point (web only); ``empty`` why
    nothing is drawn, when the data give nothing; ``unknown`` the category (the last) that
    stands for the units with no place among the others (未定位), drawn apart.
    """

    key: str
    title: str
    unit: str
    chart: Chart
    subtitle: str = ""
    years: bool = False
    tooltips: tuple[str, ...] = ()
    empty: str = ""
    unknown: str = ""

    @property
    def drawable(self) -> bool:
        """Whether the chart has anything to draw."""
        chart = self.chart
        return bool(chart.categories) and bool(chart.series or chart.matrix)


SectionBuilder = Callable[[Builder, Any, Sequence[Finding], int], Section | None]
"""(builder, result, findings, heading level) -> the report section, or None."""
PartBuilder = Callable[[Builder, Any, Sequence[Finding], int], Section | None]
"""(builder, result or None, findings, heading level) -> a further section, or None."""
ChartBuilder = Callable[[dict[str, Any], str], list[ChartSpec]]
"""(the result as its ``to_dict()``, language) -> its charts: the dict is what the API
serves and the dashboard caches, so the web draws from its cache and a report from its
result alike."""


@dataclass(frozen=True, slots=True)
class Presenter:
    """How the analysis registered as ``name`` shows (see the module docstring)."""

    name: str
    section: SectionBuilder | None = None
    charts: ChartBuilder | None = None
    rules: tuple[Rule, ...] = ()
    run: Callable[[Builder], Any] | None = None
    reports: tuple[str, ...] = ()
    dashboard: bool = False
    order: int = 500
    keys: tuple[str, ...] = field(default=())
    """The keys of the charts the dashboard draws (its chart ids), in order; the report
    may draw more of ``charts``."""
    chart_data: Callable[[Builder, Any], dict[str, Any]] | None = None
    """What a report builds its charts from, when more than the result's ``to_dict()``
    (the competitor benchmark's per node, the chain's home-region figures)."""
    parts: tuple[tuple[str, PartBuilder], ...] = ()
    """Further sections by name, which the outlines place apart from ``section`` (the
    chain's 区域定位 and 发展路径与建议): built with the result, or with None when the
    report has none (a part may still have something to say)."""

    def part(self, name: str) -> PartBuilder:
        """The further section ``name``.

        Raises:
            LookupError: the presenter has no such part.
        """
        for key, builder in self.parts:
            if key == name:
                return builder
        raise LookupError(
            f"The presenter '{self.name}' has no section '{name}'; it has "
            f"{', '.join(k for k, _ in self.parts) or 'none'}."
        )


_COUNTED = {noun: count_by for count_by, (noun, _) in COUNT_UNITS.items()}
"""A chart's unit that names a counting unit (件申请, 专利族 …), to its ``count_by``."""


def report_unit(spec: ChartSpec, lang: str) -> str:
    """The unit a report figure states: a count's measure word (件, 族, 篇) as the report
    writes it everywhere, where the dashboard names the unit (件申请, 专利族); any
    other unit (%, 指数, 申请年) as it is."""
    count_by = _COUNTED.get(spec.unit)
    return spec.unit if count_by is None else L.unit_measure(count_by, lang)


def _report_chart(spec: ChartSpec, lang: str) -> Chart:
    """The specification's chart with the report's axis titles (申请量（件）for a count)
    and its ``unknown`` bar shaded (drawn grey); a copy, so the specification stays as
    the dashboard draws it."""
    chart = spec.chart
    count_by = _COUNTED.get(spec.unit)
    if count_by is not None:
        header = L.count_header(count_by, lang)
        chart = replace(
            chart,
            x_label=header if chart.x_label == spec.unit else chart.x_label,
            y_label=header if chart.y_label == spec.unit else chart.y_label,
        )
    if spec.unknown and spec.unknown in chart.categories:
        chart = replace(chart, shaded=(spec.unknown,), shaded_label=spec.unknown)
    return chart


def figure_of(b: Builder, spec: ChartSpec, *, extra: str = "") -> Figure:
    """A report figure from a chart specification: title, unit (a count's measure word,
    :func:`report_unit`), data note (incomplete years marked when ``spec.years``); the
    ``unknown`` bar drawn grey and named in the note."""
    parts = [p for p in (spec.subtitle, extra) if p]
    chart = _report_chart(spec, b.lang)
    if spec.unknown and spec.unknown in chart.categories:
        parts.append(
            b.say(
                f"灰色条为{spec.unknown}部分，单独列出",
                f"the grey bar: {spec.unknown}, shown apart",
            )
        )
    return b.figure(
        spec.title,
        chart,
        unit=report_unit(spec, b.lang),
        years=spec.years,
        extra=b.say("；", "; ").join(parts),
        key=spec.key,
    )


def specs_of(charts: ChartBuilder, result: Any, lang: str) -> dict[str, ChartSpec]:
    """A slice's chart specifications by key, from its result (or the result's
    ``to_dict()``): what a report section picks its figures from."""
    data = result if isinstance(result, dict) else result.to_dict()
    return {spec.key: spec for spec in charts(data, lang)}


def report_specs(b: Builder, presenter: Presenter, result: Any) -> dict[str, ChartSpec]:
    """The chart specifications by key a report's section of ``presenter`` draws its
    figures from: its ``charts`` over ``chart_data`` (default: the result's dict)."""
    if presenter.charts is None:
        return {}
    data = (
        presenter.chart_data(b, result)
        if presenter.chart_data is not None
        else result.to_dict()
    )
    return specs_of(presenter.charts, data, b.lang)


def figures_of(
    b: Builder, specs: dict[str, ChartSpec], *keys: str, least: int = 1
) -> list[Figure]:
    """The report figures of the specifications ``keys`` that have something to draw
    (at least ``least`` categories: a single bar compares nothing), in that order."""
    return [
        figure_of(b, specs[key])
        for key in keys
        if key in specs
        and specs[key].drawable
        and not specs[key].empty
        and len(specs[key].chart.categories) >= least
    ]


def empty_spec(
    key: str, title: str, unit: str, lang: str, kind: str = "barh"
) -> ChartSpec:
    """A chart with nothing to draw, saying the analysis gave no data."""
    return ChartSpec(
        key,
        title,
        unit,
        Chart(kind, (), ()),
        empty=say(
            lang, "该项分析没有可显示的数据。", "No data to show for this analysis."
        ),
    )


def short(text: str, limit: int = 28) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal; a missing one as a dash."""
    return "—" if value is None else f"{value * 100:.1f}%"


__all__ = [
    "ChartSpec",
    "Presenter",
    "empty_spec",
    "figure_of",
    "figures_of",
    "pct",
    "report_specs",
    "report_unit",
    "say",
    "short",
    "specs_of",
]
