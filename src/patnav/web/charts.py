"""ECharts options for a set's dashboard: the presenters' chart specifications drawn
(:func:`draw`, the same :class:`~patnav.presenters.base.ChartSpec` a report draws with
matplotlib), and the charts still built here from the landscape analyses' dicts.

Each chart is a :class:`Chart`: an id, a title that names its unit, an optional subtitle
(the lifecycle phase, the concentration, what was left out), and an ECharts ``option``
ready for ``chart.setOption`` — or ``None`` with the reason when there is nothing to draw.
The browser code only draws; every number, label and title is decided here, in the page's
language. Functions are pure: dicts in, dicts out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from patnav.i18n import say
from patnav.presenters import ChartSpec, chart_specs, dashboard_analyses
from patnav.presenters.applicants import applicants_charts
from patnav.presenters.citations import citations_charts
from patnav.presenters.inventors import inventors_charts
from patnav.presenters.trend import trend_charts, types_spec
from patnav.web.i18n import translate

TOP = 15
MAX_YEARS = 40
PALETTE = (
    "#1f5fa8",
    "#e0712c",
    "#3a9a5b",
    "#c23b3b",
    "#7a5cb3",
    "#8c6d3f",
    "#d45fa4",
    "#6f7f8f",
    "#b5a22c",
    "#2aa6b8",
)
UNKNOWN = "#b8bec7"
"""The colour of a bar or point that stands for the units not placed (未定位, 未知)."""
NETWORK_LABELLED = 15
"""The co-applicant network names this many of its largest applicants on the graph."""
UNITS_EN = {
    "family": "families",
    "application": "applications",
    "document": "documents",
}


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart of the dashboard."""

    id: str
    title: str
    option: dict[str, Any] | None
    subtitle: str | None = None
    empty: str | None = None
    height: int = 360

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _unit(data: dict[str, Any], lang: str) -> str:
    if lang == "en":
        return UNITS_EN.get(str(data.get("count_by")), "units")
    return str(data.get("unit_zh") or "件")


MEASURES_ZH = {"family": "族", "application": "件", "document": "篇"}


def _measure(data: dict[str, Any], lang: str) -> str:
    """The measure word after a count in a sentence: 族 / 件 / 篇, families …"""
    if lang == "en":
        return _unit(data, lang)
    return MEASURES_ZH.get(str(data.get("count_by")), "件")


def _title(key: str, unit: str, lang: str) -> str:
    name = translate(key, lang)
    suffix = translate("chart.unit_suffix", lang, unit=unit)
    return f"{name}（{suffix}）" if lang == "zh" else f"{name} ({suffix})"


def _base(lang: str) -> dict[str, Any]:
    return {
        "color": list(PALETTE),
        "tooltip": {"trigger": "axis", "confine": True},
        "grid": {
            "left": 56,
            "right": 24,
            "top": 40,
            "bottom": 48,
            "containLabel": True,
        },
        "textStyle": {
            "fontFamily": "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
        },
        "animation": False,
    }


def _empty(chart_id: str, title: str, lang: str) -> Chart:
    return Chart(chart_id, title, None, empty=translate("dash.no_data", lang))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _bars(
    chart_id: str,
    title: str,
    labels: list[str],
    values: list[int],
    lang: str,
    *,
    unit: str,
    subtitle: str | None = None,
    tooltips: list[str] | None = None,
    unknown: tuple[str, int, str] | None = None,
) -> Chart:
    """A horizontal bar chart, largest on top; ``unknown`` (label, value, tooltip) is an
    explicit grey bar for the units that have no place in the others, drawn last."""
    if not values and not (unknown and unknown[1]):
        return _empty(chart_id, title, lang)
    labels, values = labels[::-1], values[::-1]
    data: list[Any] = list(values)
    if tooltips:
        data = [
            {"value": v, "name": tip}
            for v, tip in zip(values, tooltips[::-1], strict=True)
        ]
    if unknown is not None and unknown[1]:
        labels = [unknown[0], *labels]
        data = [
            {"value": unknown[1], "name": unknown[2], "itemStyle": {"color": UNKNOWN}},
            *data,
        ]
    option = _base(lang) | {
        "tooltip": {"trigger": "item", "confine": True},
        "grid": {
            "left": 16,
            "right": 48,
            "top": 16,
            "bottom": 32,
            "containLabel": True,
        },
        "xAxis": {
            "type": "value",
            "name": unit,
            "nameLocation": "middle",
            "nameGap": 26,
        },
        "yAxis": {
            "type": "category",
            "data": [_short(x) for x in labels],
            "axisLabel": {"width": 220, "overflow": "truncate"},
        },
        "series": [
            {
                "type": "bar",
                "data": data,
                "label": {"show": True, "position": "right"},
                "itemStyle": {"color": PALETTE[0]},
                "barMaxWidth": 28,
            }
        ],
    }
    height = max(260, 28 * len(data) + 60)
    return Chart(chart_id, title, option, subtitle=subtitle, height=height)


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the charts ------------------------------------------------------------------------


def trend_chart(data: dict[str, Any], lang: str) -> Chart:
    """Filings, first publications and grants per year; incomplete years marked (the
    trend presenter's chart specification, drawn)."""
    return draw(trend_charts(data, lang)[0], lang)


def trend_type_chart(data: dict[str, Any], lang: str) -> Chart:
    """Filings per year stacked by patent type (the trend presenter's chart
    specification, drawn)."""
    spec = types_spec(data, lang)
    if spec is None:
        return _empty(
            "trend_type", _title("chart.trend_type", _unit(data, lang), lang), lang
        )
    return draw(spec, lang)


def geography_charts(data: dict[str, Any], lang: str) -> list[Chart]:
    """Origins, Chinese provinces and cities (with the units not located), markets (the
    geography presenter's chart specifications the dashboard shows, drawn)."""
    return [draw(spec, lang) for spec in chart_specs("geography", data, lang)]


def applicants_chart(data: dict[str, Any], lang: str) -> Chart:
    """The top applicants, with the concentration in the subtitle (the applicants
    presenter's chart specification, drawn)."""
    return draw(applicants_charts(data, lang)[0], lang)


def network_chart(data: dict[str, Any], lang: str) -> Chart:
    """The co-applicant graph: node size by units, colour by community.

    Drawn here, not from a chart specification: ECharts lays the graph out in the
    browser, and the report draws no graph (its network part is the communities' table,
    :mod:`patnav.presenters.network`), so a graph kind in the renderer-neutral model would
    have one renderer only."""
    title = translate("chart.network", lang)
    nodes = data.get("nodes") or []
    edges = data.get("edges") or []
    if not nodes or not edges:
        return _empty("network", title, lang)
    sizes = {}
    for community in data.get("communities") or []:
        sizes[community["id"]] = community["size"]
    top = [c for c, _ in sorted(sizes.items(), key=lambda kv: -kv[1])[:9]]
    category = {c: i for i, c in enumerate(top)}
    biggest = max(int(n["units"]) for n in nodes) or 1
    small = len(nodes) <= 40  # few enough to label every applicant
    # the largest applicants are always named, so the graph says who is in it
    ranked = sorted(nodes, key=lambda n: (-int(n["units"]), str(n["name"])))
    named = {n["key"] for n in ranked[:NETWORK_LABELLED]}
    option = {
        "color": list(PALETTE),
        "tooltip": {"trigger": "item", "confine": True},
        "animation": False,
        "legend": {"show": False},
        "series": [
            {
                "type": "graph",
                "layout": "force",
                "roam": True,
                "draggable": True,
                "force": {
                    "repulsion": 220 if small else 80,
                    "edgeLength": [60, 140] if small else [30, 90],
                    "gravity": 0.06,
                },
                "categories": [{"name": str(c)} for c in top] + [{"name": "·"}],
                "label": {"show": small, "position": "right", "fontSize": 11},
                "labelLayout": {"hideOverlap": True},
                "emphasis": {"focus": "adjacency", "label": {"show": True}},
                "data": [
                    {
                        "id": n["key"],
                        "name": n["name"],
                        "value": n["units"],
                        "symbolSize": 6 + 24 * (int(n["units"]) / biggest) ** 0.5,
                        "category": category.get(n.get("community"), len(top)),
                    }
                    | (
                        {
                            "label": {
                                "show": True,
                                "formatter": _short(str(n["name"]), 16),
                            }
                        }
                        if n["key"] in named
                        else {}
                    )
                    for n in nodes
                ],
                "links": [
                    {"source": e["source"], "target": e["target"], "value": e["weight"]}
                    for e in edges
                ],
                "lineStyle": {"opacity": 0.5, "width": 1, "curveness": 0.1},
            }
        ],
    }
    subtitle = (
        f"{len(nodes):,} 个申请人，{len(edges):,} 条合作关系，{len(sizes):,} 个合作群体"
        if lang == "zh"
        else f"{len(nodes):,} applicants, {len(edges):,} links, {len(sizes):,} communities"
    )
    if not small:
        subtitle += ("；" if lang == "zh" else "; ") + translate(
            "chart.network_labels", lang, labelled=min(NETWORK_LABELLED, len(nodes))
        )
    return Chart("network", title, option, subtitle=subtitle, height=480)


def inventors_chart(data: dict[str, Any], lang: str) -> Chart:
    """The top inventors, each at their applicant (the inventors presenter's chart
    specification, drawn)."""
    return draw(inventors_charts(data, lang)[0], lang)


def citations_chart(data: dict[str, Any], lang: str) -> Chart:
    """The most cited units (the citations presenter's chart specification, drawn)."""
    return draw(citations_charts(data, lang)[0], lang)


# -- chart specifications drawn as ECharts options ---------------------------------------


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def draw(spec: ChartSpec, lang: str) -> Chart:
    """A presenter's chart specification as an ECharts option: the same
    :class:`~patnav.presenters.base.ChartSpec` the report's matplotlib charts draw.

    Raises:
        ValueError: a chart kind the dashboard cannot draw.
    """
    suffix = translate("chart.unit_suffix", lang, unit=spec.unit)
    title = f"{spec.title}（{suffix}）" if lang == "zh" else f"{spec.title} ({suffix})"
    if spec.empty or not spec.drawable:
        return Chart(
            spec.key, title, None, empty=spec.empty or translate("dash.no_data", lang)
        )
    chart = spec.chart
    subtitle = _subtitle(spec, lang)
    if chart.kind == "barh":
        return _barh(spec, title, lang)
    if chart.kind in ("bar", "stacked", "line"):
        return Chart(spec.key, title, _category_option(spec), subtitle=subtitle)
    if chart.kind == "timeline":
        option, height = _timeline_option(spec, lang)
        return Chart(spec.key, title, option, subtitle=subtitle, height=height)
    if chart.kind == "heatmap":
        option, height = _heatmap_option(spec)
        return Chart(spec.key, title, option, subtitle=subtitle, height=height)
    if chart.kind in ("donut", "pie"):
        return Chart(spec.key, title, _pie_option(spec), subtitle=subtitle)
    raise ValueError(f"The dashboard cannot draw a chart of kind {chart.kind!r}.")


def _subtitle(spec: ChartSpec, lang: str) -> str | None:
    """The specification's subtitle and, for filing years drawn incomplete, why (the
    dashboard's data note, as the report's figure note says it)."""
    parts = [spec.subtitle.rstrip("。.")] if spec.subtitle else []
    if spec.years and spec.chart.shaded:
        first = spec.chart.shaded[0]
        parts.append(
            say(
                lang,
                f"{first} 年及以后的申请因公开滞后（约 18 个月）尚不完整",
                f"filings from {first} on are incomplete: applications publish "
                "~18 months after filing",
            )
        )
    if not parts:
        return None
    if len(parts) == 1:
        return spec.subtitle or parts[0]
    return say(lang, "；".join(parts) + "。", "; ".join(parts) + ".")


def _barh(spec: ChartSpec, title: str, lang: str) -> Chart:
    """Horizontal bars; the ``unknown`` category (the last) as the grey bar of the units
    with no place among the others."""
    labels = list(spec.chart.categories)
    values = [int(v or 0) for v in spec.chart.series[0].values]
    tips = list(spec.tooltips)
    unknown = None
    if spec.unknown and labels and labels[-1] == spec.unknown:
        tip = tips.pop() if len(tips) == len(labels) else spec.unknown
        unknown = (labels.pop(), values.pop(), tip)
    return _bars(
        spec.key,
        title,
        labels,
        values,
        lang,
        unit=spec.unit,
        subtitle=_subtitle(spec, lang),
        tooltips=tips or None,
        unknown=unknown,
    )


def _category_option(spec: ChartSpec) -> dict[str, Any]:
    chart = spec.chart
    default = "line" if chart.kind == "line" else "bar"
    series: list[dict[str, Any]] = []
    for s in chart.series:
        item: dict[str, Any] = {
            "name": s.name,
            "type": s.kind or default,
            "data": [_number(v) for v in s.values],
        }
        if chart.kind == "stacked":
            item["stack"] = "all"
        series.append(item)
    option = _base("") | {
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": list(chart.categories)},
        "yAxis": {"type": "value", "name": spec.unit},
        "series": series,
    }
    if chart.shaded and series:
        series[0]["markArea"] = {
            "silent": True,
            "itemStyle": {"color": "rgba(200, 200, 200, 0.35)"},
            "label": {"show": True, "position": "insideTop", "color": "#666"},
            "data": [
                [
                    {"name": chart.shaded_label, "xAxis": chart.shaded[0]},
                    {"xAxis": chart.categories[-1]},
                ]
            ],
        }
    return option


def _timeline_option(spec: ChartSpec, lang: str) -> tuple[dict[str, Any], int]:
    """Points on lanes: x the year, y the lane (the first lane on top)."""
    chart = spec.chart
    lanes = list(chart.rows)
    n = len(lanes)
    xs = [int(v or 0) for v in chart.series[0].values]
    ys = [int(v or 0) for v in chart.series[1].values]
    tips = spec.tooltips or chart.categories
    years = [str(year) for year in range(min(xs), max(xs) + 1)]
    data = [
        {
            "value": [x - min(xs), n - 1 - y],
            "name": tip,
            "label": {"show": True, "formatter": label},
            "itemStyle": {"color": PALETTE[y % len(PALETTE)]},
        }
        for x, y, label, tip in zip(xs, ys, chart.categories, tips, strict=True)
    ]
    option = _base(lang) | {
        "tooltip": {"trigger": "item", "confine": True, "formatter": "{b}"},
        "grid": {
            "left": 16,
            "right": 32,
            "top": 24,
            "bottom": 32,
            "containLabel": True,
        },
        # years as categories, every one from the first to the last: a value axis would
        # print them with thousands separators
        "xAxis": {
            "type": "category",
            "name": spec.unit,
            "nameLocation": "middle",
            "nameGap": 26,
            "data": years,
            "boundaryGap": True,
        },
        "yAxis": {
            "type": "category",
            "data": [_short(x, 16) for x in reversed(lanes)],
        },
        "series": [
            {
                "type": "scatter",
                "symbolSize": 10,
                "data": data,
                "labelLayout": {"hideOverlap": True},
                "label": {"position": "top", "fontSize": 9, "color": "#333"},
            }
        ],
    }
    return option, max(260, 72 * n + 80)


def _heatmap_option(spec: ChartSpec) -> tuple[dict[str, Any], int]:
    """Rows × categories: the short row labels on the axis, each non-empty cell with its
    tooltip (``spec.tooltips`` row by row, one per cell), a grid that keeps the cells wide
    whatever the labels' length."""
    chart = spec.chart
    width = len(chart.categories)
    tips = spec.tooltips
    filled = [
        (i, j, value)
        for i, row in enumerate(chart.matrix)
        for j, value in enumerate(row)
        if value
    ]
    cells = [
        {"value": [j, i, _number(value)], "name": tips[i * width + j] if tips else ""}
        for i, j, value in filled
    ]
    peak = _number(max((value for _, _, value in filled), default=1))
    option = {
        "tooltip": {"position": "top", "confine": True, "formatter": "{b}"},
        "animation": False,
        "grid": {
            "left": 8,
            "right": 16,
            "top": 8,
            "bottom": 72,
            "containLabel": True,
        },
        "xAxis": {
            "type": "category",
            "data": list(chart.categories),
            "splitArea": {"show": True},
            "axisLabel": {"interval": 0, "rotate": 45 if width > 12 else 0},
        },
        "yAxis": {
            "type": "category",
            "data": list(chart.rows),
            "splitArea": {"show": True},
            "axisLabel": {"width": 150, "overflow": "truncate"},
        },
        "visualMap": {
            "min": 0,
            "max": peak,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#eef4fb", "#1f5fa8"]},
        },
        "series": [{"type": "heatmap", "data": cells, "label": {"show": False}}],
    }
    return option, max(320, 30 * len(chart.rows) + 130)


def _pie_option(spec: ChartSpec) -> dict[str, Any]:
    """A donut: one slice per category, its share beside its label."""
    chart = spec.chart
    return {
        "color": list(PALETTE),
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "label": {"formatter": "{b}: {c} ({d}%)"},
                "data": [
                    {"name": name, "value": _number(value)}
                    for name, value in zip(
                        chart.categories, chart.series[0].values, strict=True
                    )
                ],
            }
        ],
    }


BUILDERS: dict[str, Callable[[dict[str, Any], str], Chart | list[Chart]]] = {
    "network": network_chart,
}
"""The dashboard's charts built here from an analysis's dict, beside (after) those its
presenter specifies (network: the graph, see :func:`network_chart`; every other
analysis: all its charts from its presenter)."""


def dashboard_charts(results: dict[str, dict[str, Any]], lang: str) -> list[Chart]:
    """Every chart of the dashboard, in display order: each analysis the dashboard runs,
    its presenter's chart specifications drawn, then the charts built here."""
    charts: list[Chart] = []
    for name in dashboard_analyses():
        data = results.get(name)
        if data is None:
            continue
        charts.extend(draw(spec, lang) for spec in chart_specs(name, data, lang))
        build = BUILDERS.get(name)
        if build is not None:
            built = build(data, lang)
            charts.extend(built if isinstance(built, list) else [built])
    return charts
