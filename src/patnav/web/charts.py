"""ECharts options for a set's dashboard, built from the landscape analyses' dicts.

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
) -> Chart:
    """A horizontal bar chart, largest on top."""
    if not values:
        return _empty(chart_id, title, lang)
    labels, values = labels[::-1], values[::-1]
    data: list[Any] = list(values)
    if tooltips:
        data = [
            {"value": v, "name": tip}
            for v, tip in zip(values, tooltips[::-1], strict=True)
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
    height = max(260, 28 * len(values) + 60)
    return Chart(chart_id, title, option, subtitle=subtitle, height=height)


def _continuous(years: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The years from the first to the last, the missing ones with zero counts (an
    axis that skips years would hide the gaps)."""
    by_year = {y["year"]: y for y in years}
    first, last = min(by_year), max(by_year)
    empty = {"filings": 0, "publications": 0, "grants": 0}
    return [
        by_year.get(year, {"year": year, **empty}) for year in range(first, last + 1)
    ]


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the charts ------------------------------------------------------------------------


def trend_chart(data: dict[str, Any], lang: str) -> Chart:
    """Filings, first publications and grants per year; incomplete years marked."""
    unit = _unit(data, lang)
    title = _title("chart.trend", unit, lang)
    years = [y for y in data.get("years", []) if isinstance(y.get("year"), int)]
    if not years or not any(y["filings"] for y in years):
        return _empty("trend", title, lang)
    years = _continuous(years)
    omitted = 0
    if len(years) > MAX_YEARS:
        omitted = sum(y["filings"] for y in years[:-MAX_YEARS])
        years = years[-MAX_YEARS:]
    labels = [str(y["year"]) for y in years]
    option = _base(lang) | {
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {
                "name": translate("chart.filings", lang),
                "type": "bar",
                "data": [y["filings"] for y in years],
            },
            {
                "name": translate("chart.publications", lang),
                "type": "line",
                "data": [y["publications"] for y in years],
            },
            {
                "name": translate("chart.grants", lang),
                "type": "line",
                "data": [y["grants"] for y in years],
            },
        ],
    }
    incomplete = data.get("incomplete_from")
    if incomplete is not None and str(incomplete) in labels:
        option["series"][0]["markArea"] = {
            "silent": True,
            "itemStyle": {"color": "rgba(200, 200, 200, 0.35)"},
            "label": {"show": True, "position": "insideTop", "color": "#666"},
            "data": [
                [
                    {
                        "name": translate("chart.incomplete", lang),
                        "xAxis": str(incomplete),
                    },
                    {"xAxis": labels[-1]},
                ]
            ],
        }
    parts = []
    lifecycle = data.get("lifecycle") or {}
    if lifecycle.get("phase"):
        phase = lifecycle.get("phase_zh") if lang == "zh" else lifecycle.get("phase")
        parts.append(f"{translate('dash.lifecycle', lang)}: {phase}")
    if data.get("cagr") is not None:
        parts.append(f"{translate('dash.cagr', lang)} {_pct(data['cagr'])}")
    if incomplete is not None:
        parts.append(translate("dash.incomplete", lang, year=incomplete))
    if omitted:
        parts.append(
            f"更早年份 {omitted:,} 个未显示"
            if lang == "zh"
            else f"{omitted:,} earlier not shown"
        )
    return Chart(
        "trend",
        title,
        option,
        subtitle="；".join(parts) if lang == "zh" else "; ".join(parts),
    )


def trend_type_chart(data: dict[str, Any], lang: str) -> Chart:
    """Filings per year stacked by patent type."""
    unit = _unit(data, lang)
    title = _title("chart.trend_type", unit, lang)
    rows = data.get("by_type") or []
    if not rows:
        return _empty("trend_type", title, lang)
    present = {r["year"] for r in rows if isinstance(r.get("year"), int)}
    if not present:
        return _empty("trend_type", title, lang)
    years = list(range(min(present), max(present) + 1))[-MAX_YEARS:]
    types = sorted({r["key"] for r in rows})
    counts = {(r["year"], r["key"]): r["filings"] for r in rows}
    option = _base(lang) | {
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {
                "name": translate(f"ptype.{kind}", lang) if kind else "—",
                "type": "bar",
                "stack": "type",
                "data": [counts.get((y, kind), 0) for y in years],
            }
            for kind in types
        ],
    }
    return Chart("trend_type", title, option)


def _share_bars(
    chart_id: str, key: str, rows: list[dict[str, Any]], data: dict[str, Any], lang: str
) -> Chart:
    unit = _unit(data, lang)
    title = _title(key, unit, lang)
    rows = rows[:TOP]
    return _bars(
        chart_id,
        title,
        [str(r.get("label") or r.get("key") or "—") for r in rows],
        [int(r["units"]) for r in rows],
        lang,
        unit=unit,
        tooltips=[
            f"{r.get('label') or r.get('key')}: {r['units']:,} ({_pct(r.get('share'))})"
            for r in rows
        ],
    )


def geography_charts(data: dict[str, Any], lang: str) -> list[Chart]:
    """Origins, Chinese provinces and cities (when known), markets."""
    charts = [
        _share_bars("origins", "chart.origins", data.get("origins") or [], data, lang)
    ]
    if data.get("provinces"):
        charts.append(
            _share_bars("provinces", "chart.provinces", data["provinces"], data, lang)
        )
    if data.get("cities"):
        charts.append(_share_bars("cities", "chart.cities", data["cities"], data, lang))
    charts.append(
        _share_bars("markets", "chart.markets", data.get("markets") or [], data, lang)
    )
    return charts


def applicants_chart(data: dict[str, Any], lang: str) -> Chart:
    """The top applicants, with the concentration in the subtitle."""
    unit = _unit(data, lang)
    title = _title("chart.applicants", unit, lang)
    rows = (data.get("applicants") or [])[:TOP]
    conc = data.get("concentration") or {}
    subtitle = None
    if conc.get("applicants"):
        level = conc.get("level_zh") if lang == "zh" else conc.get("level")
        subtitle = (
            f"{translate('dash.concentration', lang)}: CR4 {_pct(conc.get('cr4'))}, "
            f"CR8 {_pct(conc.get('cr8'))}, HHI {conc.get('hhi') or 0:,.0f}（{level}）"
        )
    return _bars(
        "applicants",
        title,
        [str(r["name"]) for r in rows],
        [int(r["units"]) for r in rows],
        lang,
        unit=unit,
        subtitle=subtitle,
        tooltips=[
            f"{r['name']}: {r['units']:,} ({_pct(r.get('share'))})" for r in rows
        ],
    )


def network_chart(data: dict[str, Any], lang: str) -> Chart:
    """The co-applicant graph: node size by units, colour by community."""
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
    return Chart("network", title, option, subtitle=subtitle, height=480)


def inventors_chart(data: dict[str, Any], lang: str) -> Chart:
    """The top inventors, each at their applicant."""
    unit = _unit(data, lang)
    title = _title("chart.inventors", unit, lang)
    rows = (data.get("inventors") or [])[:TOP]
    return _bars(
        "inventors",
        title,
        [f"{r['name']}（{_short(str(r.get('applicant') or '—'), 16)}）" for r in rows],
        [int(r["units"]) for r in rows],
        lang,
        unit=unit,
    )


def technology_charts(data: dict[str, Any], lang: str) -> list[Chart]:
    """IPC subclasses (with titles), and the subclasses per year as a heat map."""
    unit = _unit(data, lang)
    title = _title("chart.technology", unit, lang)
    rows = ((data.get("levels") or {}).get("subclass") or [])[:TOP]
    title_key = "title_zh" if lang == "zh" else "title_en"
    bars = _bars(
        "technology",
        title,
        [
            f"{r['code']} {_short(str(r.get(title_key) or ''), 18)}".strip()
            for r in rows
        ],
        [int(r["units"]) for r in rows],
        lang,
        unit=unit,
        tooltips=[
            f"{r['code']} {r.get(title_key) or ''}: {r['units']:,} ({_pct(r.get('share'))})"
            for r in rows
        ],
    )
    matrix = data.get("by_year") or {}
    heat_title = _title("chart.tech_year", unit, lang)
    values = matrix.get("values") or []
    if not values:
        return [bars, _empty("tech_year", heat_title, lang)]
    columns = [
        str(c) for c in matrix.get("column_labels") or matrix.get("columns") or []
    ]
    rows_labels = [str(r) for r in matrix.get("row_labels") or matrix.get("rows") or []]
    keep = list(range(max(0, len(columns) - 25), len(columns)))
    cells = [
        [j, i, row[k]]
        for i, row in enumerate(values)
        for j, k in enumerate(keep)
        if row[k]
    ]
    peak = max((c[2] for c in cells), default=1)
    heat = {
        "tooltip": {"position": "top", "confine": True},
        "animation": False,
        "grid": {
            "left": 16,
            "right": 24,
            "top": 16,
            "bottom": 64,
            "containLabel": True,
        },
        "xAxis": {
            "type": "category",
            "data": [columns[k] for k in keep],
            "splitArea": {"show": True},
        },
        "yAxis": {"type": "category", "data": rows_labels, "splitArea": {"show": True}},
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
    return [
        bars,
        Chart(
            "tech_year", heat_title, heat, height=max(300, 24 * len(rows_labels) + 110)
        ),
    ]


def legal_charts(data: dict[str, Any], lang: str) -> list[Chart]:
    """Units by legal status (pie), and operations per year (stacked bars)."""
    unit = _unit(data, lang)
    title = _title("chart.legal", unit, lang)
    statuses = data.get("statuses") or []
    charts: list[Chart] = []
    if statuses and not data.get("known"):
        charts.append(
            Chart("legal", title, None, empty=translate("dash.no_status", lang))
        )
    elif statuses:
        pie = {
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
                        {
                            "name": s["label"]
                            if lang == "zh"
                            else translate(f"ls.{s['status']}", "en"),
                            "value": s["units"],
                        }
                        for s in statuses
                    ],
                }
            ],
        }
        known = data.get("known") or 0
        subtitle = (
            f"法律状态已知 {known:,} / {data.get('total', 0):,}"
            if lang == "zh"
            else f"status known for {known:,} of {data.get('total', 0):,}"
        )
        charts.append(Chart("legal", title, pie, subtitle=subtitle))
    else:
        charts.append(_empty("legal", title, lang))
    operations = data.get("operations") or []
    op_title = _title("chart.operations", unit, lang)
    if operations:
        years = sorted({o["year"] for o in operations if o.get("year") is not None})
        kinds = sorted({o["operation"] for o in operations})
        counts = {(o["year"], o["operation"]): o["units"] for o in operations}
        option = _base(lang) | {
            "legend": {"top": 0},
            "xAxis": {"type": "category", "data": [str(y) for y in years]},
            "yAxis": {"type": "value", "name": unit},
            "series": [
                {
                    "name": kind,
                    "type": "bar",
                    "stack": "ops",
                    "data": [counts.get((y, kind), 0) for y in years],
                }
                for kind in kinds
            ],
        }
        charts.append(Chart("operations", op_title, option))
    return charts


def citations_chart(data: dict[str, Any], lang: str) -> Chart:
    """The most cited units (source-reported and in-store citations)."""
    title = _title("chart.citations", translate("chart.times", lang), lang)
    rows = [
        r
        for r in (data.get("most_cited") or [])[:TOP]
        if (r.get("cited_by_source") or 0) + (r.get("cited_in_store") or 0) > 0
    ]
    return _bars(
        "citations",
        title,
        [f"{r['doc_id']} {_short(str(r.get('title') or ''), 16)}" for r in rows],
        [
            int((r.get("cited_by_source") or 0) + (r.get("cited_in_store") or 0))
            for r in rows
        ],
        lang,
        unit=translate("chart.times", lang),
        tooltips=[f"{r['doc_id']} {r.get('title') or ''}" for r in rows],
    )


BUILDERS: dict[str, Callable[[dict[str, Any], str], Chart | list[Chart]]] = {
    "trend": lambda d, lang: [trend_chart(d, lang), trend_type_chart(d, lang)],
    "geography": geography_charts,
    "applicants": applicants_chart,
    "network": network_chart,
    "inventors": inventors_chart,
    "technology": technology_charts,
    "legal": legal_charts,
    "citations": citations_chart,
}


def dashboard_charts(results: dict[str, dict[str, Any]], lang: str) -> list[Chart]:
    """Every chart of the dashboard, in display order."""
    charts: list[Chart] = []
    for name, build in BUILDERS.items():
        data = results.get(name)
        if data is None:
            continue
        built = build(data, lang)
        charts.extend(built if isinstance(built, list) else [built])
    return charts
