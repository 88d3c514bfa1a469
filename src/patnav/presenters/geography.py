"""The geography's presenter (区域分布): its report section, its rules, its dashboard
charts (origins, Chinese provinces and cities with the units not located, markets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.geography import Geography, Share
from patnav.presenters.base import ChartSpec, Presenter, empty_spec, pct, say
from patnav.presenters.trend import measure_of, unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Paragraph, Section, Series
from patnav.reports.sections.common import TOP_CHART, TOP_TABLE, pick, unit_bars
from patnav.reports.sections.landscape import home_figure

TOP = 15
"""Bars a dashboard chart shows."""
LEVELS = {"provinces": ("省份", "province"), "cities": ("城市", "city")}


# -- the dashboard's charts ---------------------------------------------------------------


def _label(row: dict[str, Any]) -> str:
    return str(row.get("label") or row.get("key") or "—")


def _share_bars(
    key: str, title: str, rows: list[dict[str, Any]], data: dict[str, Any], lang: str
) -> ChartSpec:
    """Units per country or office, largest first, each with its share on hover."""
    unit = unit_of(data, lang)
    rows = rows[:TOP]
    if not rows:
        return empty_spec(key, title, unit, lang)
    return ChartSpec(
        key,
        title,
        unit,
        Chart(
            "barh",
            tuple(_label(r) for r in rows),
            (Series(unit, tuple(float(r["units"]) for r in rows)),),
            x_label=unit,
        ),
        tooltips=tuple(
            f"{r.get('label') or r.get('key')}: {r['units']:,} ({pct(r.get('share'))})"
            for r in rows
        ),
    )


def _places(
    key: str, title: str, rows: list[dict[str, Any]], data: dict[str, Any], lang: str
) -> ChartSpec:
    """Chinese provinces or cities among the units of Chinese origin, with the units
    that could not be placed as a bar of their own (``unknown``) and a subtitle that says
    how many (a set whose Chinese records carry no address is not "上海市 1")."""
    unit = unit_of(data, lang)
    china = int(data.get("china") or 0)
    unlocated = int(data.get(f"unlocated_{key}") or 0)
    rows = rows[:TOP]
    whole = say(lang, "占中国来源", "of Chinese origin")

    def share(units: int) -> str:
        return pct(units / china) if china else "—"

    def tip(label: str, units: int) -> str:
        if lang == "zh":
            return f"{label}: {units:,}（{whole} {share(units)}）"
        return f"{label}: {units:,} ({share(units)} {whole})"

    labels = [_label(r) for r in rows]
    values = [float(r["units"]) for r in rows]
    tips = [tip(str(r.get("label") or r.get("key")), int(r["units"])) for r in rows]
    unknown = ""
    subtitle = ""
    if unlocated:
        unknown = say(lang, "未定位", "Not located")
        labels.append(unknown)
        values.append(float(unlocated))
        tips.append(tip(unknown, unlocated))
    if china and unlocated:
        level = say(lang, *LEVELS[key])
        measure = measure_of(data, lang)
        subtitle = say(
            lang,
            f"中国来源 {china:,} {measure}，其中 {unlocated:,} {measure}"
            f"（{share(unlocated)}）未能定位到{level}",
            f"{china:,} {measure} of Chinese origin; {unlocated:,} {measure} "
            f"({share(unlocated)}) not located to a {level}",
        )
    if not labels:
        return empty_spec(key, title, unit, lang)
    return ChartSpec(
        key,
        title,
        unit,
        Chart("barh", tuple(labels), (Series(unit, tuple(values)),), x_label=unit),
        subtitle=subtitle,
        tooltips=tuple(tips),
        unknown=unknown,
    )


def geography_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Origins, Chinese provinces and cities (with the units not located), markets."""
    charts = [
        _share_bars(
            "origins",
            say(lang, "技术来源国家/地区", "Origin countries and regions"),
            data.get("origins") or [],
            data,
            lang,
        )
    ]
    for level, title in (
        ("provinces", say(lang, "国内省份分布", "Chinese provinces")),
        ("cities", say(lang, "国内城市分布", "Chinese cities")),
    ):
        if data.get(level) or data.get("china"):
            charts.append(_places(level, title, data.get(level) or [], data, lang))
    charts.append(
        _share_bars(
            "markets",
            say(lang, "目标市场（受理局）", "Markets (offices)"),
            data.get("markets") or [],
            data,
            lang,
        )
    )
    return charts


# -- the report's section -----------------------------------------------------------------


def geography_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """区域分布: origins, markets, provinces, cities, and the home region — unless the
    report positions its chain, whose regional position chapter shows the home region."""
    if not isinstance(result, Geography):
        return None
    with_home = b.results.chain is None
    s = Section(b.t("sec.geography"), level, key="geography")
    s.add(*pick(found, "geography." if with_home else "geography.origins"))
    _origins(b, s, result)
    s.add(_markets_figure(b, result))
    _places_figures(b, s, result)
    if result.cities:
        s.add(
            b.table(
                b.say("国内主要城市", "Main Chinese cities"),
                [b.t("col.rank"), b.t("col.city"), b.count_header, b.t("col.share")],
                [
                    [str(i), c.label, L.num(c.units), L.pct(c.share)]
                    for i, c in enumerate(result.cities[:TOP_TABLE], 1)
                ],
                sort=b.say(
                    "数量降序；占比为占全部范围的比重",
                    "units, descending; share of the whole scope",
                ),
                align="rlrr",
                key="geography.cities.table",
            )
        )
    if with_home:
        s.add(home_figure(b, result))
    return s


def _origins(b: Builder, s: Section, geo: Geography) -> None:
    """The origins' figure and table (with more than one known origin)."""
    origins = [o for o in geo.origins if o.key != "unknown"]
    if len(origins) <= 1:
        return
    top = origins[:TOP_CHART]
    s.add(
        b.figure(
            b.say("技术来源国家/地区分布", "Origins by country"),
            unit_bars(b.count_header, (o.label for o in top), (o.units for o in top)),
            key="geography.origins",
        ),
        b.table(
            b.say("技术来源国家/地区", "Origins"),
            [b.t("col.rank"), b.t("col.country"), b.count_header, b.t("col.share")],
            [
                [str(i), o.label, L.num(o.units), L.pct(o.share)]
                for i, o in enumerate(origins[:TOP_TABLE], 1)
            ],
            sort=b.say("数量降序", "units, descending"),
            top=TOP_TABLE,
            total=len(origins),
            align="rlrr",
            key="geography.origins.table",
        ),
    )


def _markets_figure(b: Builder, geo: Geography) -> Figure | None:
    """The markets by office (with more than one known office)."""
    markets = [m for m in geo.markets if m.key != "unknown"]
    if len(markets) <= 1:
        return None
    top = markets[:TOP_CHART]
    return b.figure(
        b.say("目标市场（受理局）分布", "Markets by office"),
        unit_bars(b.count_header, (m.label for m in top), (m.units for m in top)),
        extra=b.say(
            "一件可在多个受理局公开",
            "a unit may be published at several offices",
        ),
        key="geography.markets",
    )


def _places_figures(b: Builder, s: Section, geo: Geography) -> None:
    """Provinces and cities: shares of the units of Chinese origin. The units that
    cannot be placed (no applicant address) are a bar of their own and said in the
    note."""
    if not geo.china:
        return
    places: tuple[tuple[str, Sequence[Share], int, str, str], ...] = (
        (
            "provinces",
            geo.provinces,
            geo.unlocated_provinces,
            b.say("国内省份分布", "Chinese provinces"),
            b.say("省份", "province"),
        ),
        (
            "cities",
            geo.cities,
            geo.unlocated_cities,
            b.say("国内城市分布", "Chinese cities"),
            b.say("城市", "city"),
        ),
    )
    for key, shares, unlocated, title, level_name in places:
        located = list(shares[:TOP_CHART])
        placed_note = b.say(
            f"中国来源 {b.qty(geo.china)}，其中 {b.qty(unlocated)}"
            f"（{L.pct(unlocated / geo.china)}）未能定位到{level_name}"
            "（无申请人地址或地址未能识别）",
            f"{b.qty(geo.china)} of Chinese origin, {b.qty(unlocated)} "
            f"({L.pct(unlocated / geo.china)}) not located to a {level_name} "
            "(no applicant address, or one not recognised)",
        )
        if not located:
            if key == "provinces":
                s.add(Paragraph(placed_note + b.say("。", "."), "note"))
            continue
        labels = [p.label for p in located]
        units: list[int | None] = [p.units for p in located]
        if unlocated:
            labels.append(b.say("未定位", "not located"))
            units.append(unlocated)
        s.add(
            b.figure(
                title,
                unit_bars(b.count_header, labels, units),
                extra=placed_note if unlocated else "",
                key=f"geography.{key}",
            )
        )


PRESENTER = Presenter(
    "geography",
    section=geography_section,
    charts=geography_charts,
    rules=(landscape_rule("geography.home"), landscape_rule("geography.origins")),
    dashboard=True,
    order=20,
    keys=("origins", "provinces", "cities", "markets"),
)
"""The geography's slice: section, rules, the dashboard's four geography charts."""
