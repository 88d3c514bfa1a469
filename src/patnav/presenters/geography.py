"""The geography's presenter (区域分布): its report section, its rules, its dashboard
charts (origins, Chinese provinces and cities with the units not located, markets)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from patnav.analyses.geography import Geography
from patnav.presenters.base import (
    ChartSpec,
    Presenter,
    empty_spec,
    figure_of,
    figures_of,
    pct,
    say,
    specs_of,
)
from patnav.presenters.trend import measure_of, unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Paragraph, Section, Series
from patnav.reports.sections.common import TOP_TABLE, YEARS_SHOWN, pick

TOP = 15
"""Bars a dashboard chart shows."""
LEVELS = {"provinces": ("省份", "province"), "cities": ("城市", "city")}


# -- the dashboard's charts ---------------------------------------------------------------


def _label(row: dict[str, Any]) -> str:
    return str(row.get("label") or row.get("key") or "—")


def _share_bars(
    key: str, title: str, rows: list[dict[str, Any]], data: dict[str, Any], lang: str
) -> ChartSpec:
    """Units per country or office, largest first, each with its share on hover; the
    units whose country or office is unknown as the last bar, drawn apart."""
    unit = unit_of(data, lang)
    known = [r for r in rows if r.get("key") != "unknown"][:TOP]
    unplaced = [r for r in rows if r.get("key") == "unknown" and r.get("units")]
    unknown = say(lang, "未知", "Unknown") if unplaced else ""
    shown = known + unplaced
    if not known:
        return empty_spec(key, title, unit, lang)
    labels = [_label(r) for r in known] + ([unknown] if unknown else [])
    return ChartSpec(
        key,
        title,
        unit,
        Chart(
            "barh",
            tuple(labels),
            (Series(unit, tuple(float(r["units"]) for r in shown)),),
            x_label=unit,
        ),
        tooltips=tuple(
            f"{label}: {r['units']:,} ({pct(r.get('share'))})"
            for label, r in zip(labels, shown, strict=True)
        ),
        unknown=unknown,
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
            f"（{share(unlocated)}）未能定位到{level}（无申请人地址或地址未能识别）",
            f"{china:,} {measure} of Chinese origin; {unlocated:,} {measure} "
            f"({share(unlocated)}) not located to a {level} (no applicant address, "
            "or one not recognised)",
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
    """Origins, Chinese provinces and cities (with the units not located), markets
    (report and dashboard); the home region against the nation (report)."""
    charts = [origins_spec(data, lang)]
    for level, title in (
        ("provinces", say(lang, "国内省份分布", "Chinese provinces")),
        ("cities", say(lang, "国内城市分布", "Chinese cities")),
    ):
        if data.get(level) or data.get("china"):
            charts.append(_places(level, title, data.get(level) or [], data, lang))
    charts.append(markets_spec(data, lang))
    home = home_spec(data, lang)
    return charts if home is None else [*charts, home]


def origins_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """Units per origin country or region (the applicants' country)."""
    title = say(lang, "技术来源国家/地区分布", "Origins by country")
    return _share_bars("origins", title, data.get("origins") or [], data, lang)


def markets_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """Units per office they were published at."""
    title = say(lang, "目标市场（受理局）分布", "Markets by office")
    spec = _share_bars("markets", title, data.get("markets") or [], data, lang)
    note = say(
        lang,
        f"一{measure_of(data, lang)}可在多个受理局公开",
        "a unit may be published at several offices",
    )
    return replace(spec, subtitle=note) if not spec.empty else spec


def home_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """The home region's units per year against the nation — or, for a whole country,
    the world (None: the analysis has no home region)."""
    home = data.get("home") or {}
    rows = [r for r in home.get("by_year") or [] if r["home"] or r["national"]]
    if not rows:
        return None
    rows = rows[-YEARS_SHOWN:]
    region = str(home.get("region") or "")
    # a whole country's region is labelled by its ISO code (Region.label)
    country = re.fullmatch("[A-Z]{2}", region) is not None
    name = L.place(region, lang) if country else region
    other = "world" if country else "national"
    unit = unit_of(data, lang)
    title = say(
        lang,
        f"{name}与{'全球' if country else '全国'}申请趋势",
        f"{name} against {'the world' if country else 'the nation'}",
    )
    chart = Chart(
        "line",
        tuple(str(r["year"]) for r in rows),
        (
            Series(name, tuple(float(r["home"]) for r in rows)),
            Series(L.t(f"col.{other}", lang), tuple(float(r[other]) for r in rows)),
        ),
        x_label=say(lang, "申请年", "Filing year"),
        y_label=unit,
    )
    return ChartSpec("geography.home", title, unit, chart, years=True)


def home_figure(b: Builder, geo: Geography) -> Figure | None:
    """The home region's figure (:func:`home_spec`), or None without one."""
    spec = home_spec(geo.to_dict(), b.lang)
    return None if spec is None else figure_of(b, spec)


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
    specs = specs_of(geography_charts, result, b.lang)
    _origins(b, s, result, specs)
    s.add(*figures_of(b, specs, "markets", least=2))
    _places_figures(b, s, result, specs)
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


def _origins(
    b: Builder, s: Section, geo: Geography, specs: dict[str, ChartSpec]
) -> None:
    """The origins' figure and table (with more than one known origin)."""
    origins = [o for o in geo.origins if o.key != "unknown"]
    if len(origins) <= 1:
        return
    s.add(
        *figures_of(b, specs, "origins"),
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


def _places_figures(
    b: Builder, s: Section, geo: Geography, specs: dict[str, ChartSpec]
) -> None:
    """Provinces and cities: shares of the units of Chinese origin, the units that
    cannot be placed (no applicant address) a bar of their own; with none placed, the
    provinces' note alone."""
    if not geo.china:
        return
    for key, shares in (("provinces", geo.provinces), ("cities", geo.cities)):
        if shares:
            s.add(*figures_of(b, specs, key))
        elif key == "provinces" and key in specs:
            s.add(Paragraph(specs[key].subtitle + b.say("。", "."), "note"))


PRESENTER = Presenter(
    "geography",
    section=geography_section,
    charts=geography_charts,
    rules=(landscape_rule("geography.home"), landscape_rule("geography.origins")),
    dashboard=True,
    order=20,
    keys=("origins", "provinces", "cities", "markets"),
)
"""The geography's slice: section, rules, its charts (the dashboard draws four: origins,
provinces, cities, markets)."""
