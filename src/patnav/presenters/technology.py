"""The technology composition's presenter (技术构成): its report section, its rule, and its
dashboard charts (the IPC subclasses, and the subclasses per filing year as a heat map)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from patnav.analyses.technology import TechnologyComposition
from patnav.presenters.base import ChartSpec, Presenter, figures_of, say, specs_of
from patnav.presenters.trend import measure_of, unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Section, Series, Table
from patnav.reports.sections.common import pick

TOP = 15
"""IPC subclasses the dashboard's bars show."""
HEAT_COLUMNS = 20
"""The heat map over the years shows this many of the last filing years."""
HEAT_ROWS = 12
"""… and this many of the busiest classes; so does the applicants' heat map."""
HEAT_LABEL = 16
"""Display columns of a heat map's row label (full text on hover)."""


# -- the dashboard's charts -------------------------------------------------------------


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _short_display(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` display columns (CJK count two), with an ellipsis."""
    used = 0
    out: list[str] = []
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > columns - 1:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return text


def _heat_label(code: str, title: str) -> str:
    """A row of the heat map: its code and title, the title cut to fit."""
    if not title or title == code:
        return code
    return f"{code} {_short_display(title, HEAT_LABEL)}"


def _code_label(code: str, title: str | None) -> str:
    """A class's code and its title without references, cut to fit a bar's label."""
    short = L.short_title(title, 20)
    return f"{code} {short}" if short else code


def subclass_chart(data: dict[str, Any], lang: str) -> ChartSpec:
    """The IPC subclasses with the most units, with their titles."""
    unit = unit_of(data, lang)
    rows = ((data.get("levels") or {}).get("subclass") or [])[:TOP]
    title_key = "title_zh" if lang == "zh" else "title_en"
    return ChartSpec(
        "technology",
        say(lang, "主要技术领域（IPC 小类）", "Main technologies (IPC subclasses)"),
        unit,
        Chart(
            "barh",
            tuple(_code_label(str(r["code"]), r.get(title_key)) for r in rows),
            (Series(unit, tuple(float(r["units"]) for r in rows)),) if rows else (),
            x_label=unit,
        ),
        subtitle=say(lang, "按主分类号计", "by main IPC"),
        tooltips=tuple(
            f"{r['code']} {r.get(title_key) or ''}: {r['units']:,} ({_pct(r.get('share'))})"
            for r in rows
        ),
    )


def _undated(matrix: dict[str, Any], data: dict[str, Any], lang: str) -> str:
    """What the heat map leaves out: the units of its rows with no filing year."""
    columns = [str(c) for c in matrix.get("columns") or []]
    values = matrix.get("values") or []
    undated = sum(
        row[j]
        for row in values[:HEAT_ROWS]
        for j, c in enumerate(columns)
        if not c.isdigit()
    )
    if not undated:
        return ""
    measure = measure_of(data, lang)
    return say(
        lang,
        f"另有 {undated:,} {measure}申请年未知，未列入",
        f"{undated:,} {measure} with no filing year are not shown",
    )


def year_heatmap(data: dict[str, Any], lang: str) -> ChartSpec:
    """Subclasses per filing year (the first :data:`HEAT_ROWS` rows, the last
    :data:`HEAT_COLUMNS` years): short row labels, each cell's full label and count as
    its tooltip (row by row); the units with no filing year said in the subtitle."""
    unit = unit_of(data, lang)
    title = say(lang, "技术领域年度分布", "Technologies per filing year")
    matrix = data.get("by_year") or {}
    values = (matrix.get("values") or [])[:HEAT_ROWS]
    columns = [
        str(c) for c in matrix.get("column_labels") or matrix.get("columns") or []
    ]
    keep = [j for j, c in enumerate(columns) if c.isdigit()][-HEAT_COLUMNS:]
    if not values or not keep:
        return ChartSpec("tech_year", title, unit, Chart("heatmap", (), ()))
    codes = [str(r) for r in matrix.get("rows") or []]
    labels = [str(r) for r in matrix.get("row_labels") or codes][:HEAT_ROWS]
    level = matrix.get("level") or "subclass"
    titles = {
        str(r["code"]): str(r.get("title_zh" if lang == "zh" else "title_en") or "")
        for r in ((data.get("levels") or {}).get(level) or [])
    }
    full, short = [], []
    for i, label in enumerate(labels):
        code = codes[i] if i < len(codes) else label
        name = titles.get(code) or (label if lang == "zh" else "")
        full.append(f"{code} {name}" if name and name != code else code)
        short.append(_heat_label(code, name))
    measure = measure_of(data, lang)
    colon = "：" if lang == "zh" else ": "
    return ChartSpec(
        "tech_year",
        title,
        unit,
        Chart(
            "heatmap",
            tuple(columns[k] for k in keep),
            (),
            rows=tuple(short),
            matrix=tuple(tuple(float(row[k]) for k in keep) for row in values),
            x_label=say(lang, "申请年", "Filing year"),
        ),
        subtitle=_undated(matrix, data, lang),
        years=True,
        tooltips=tuple(
            f"{full[i]} · {columns[k]}{colon}{row[k]:,} {measure}"
            for i, row in enumerate(values)
            for k in keep
        ),
    )


def applicants_heatmap(data: dict[str, Any], lang: str) -> ChartSpec:
    """The subclasses (rows) of the top ten applicants (columns)."""
    unit = unit_of(data, lang)
    title = say(lang, "主要申请人技术布局", "Technologies of the top applicants")
    matrix = data.get("by_applicant") or {}
    columns = [str(c) for c in matrix.get("column_labels") or []][:10]
    values = (matrix.get("values") or [])[:HEAT_ROWS]
    rows = [str(r) for r in matrix.get("rows") or []][:HEAT_ROWS]
    if not values or not columns:
        return ChartSpec("technology.applicants", title, unit, Chart("heatmap", (), ()))
    return ChartSpec(
        "technology.applicants",
        title,
        unit,
        Chart(
            "heatmap",
            tuple(columns),
            (),
            rows=tuple(rows),
            matrix=tuple(
                tuple(float(row[j]) for j in range(len(columns))) for row in values
            ),
        ),
    )


def industries_chart(data: dict[str, Any], lang: str) -> ChartSpec:
    """The strategic emerging industries (SEI) with the most units."""
    unit = unit_of(data, lang)
    top = (data.get("industries") or [])[:10]
    title_key = "title_zh" if lang == "zh" else "title_en"
    return ChartSpec(
        "technology.sei",
        say(lang, "战略性新兴产业分布", "Strategic emerging industries"),
        unit,
        Chart(
            "barh",
            tuple(_code_label(str(c["code"]), c.get(title_key)) for c in top),
            (Series(unit, tuple(float(c["units"]) for c in top)),) if top else (),
            x_label=unit,
        ),
        subtitle=say(
            lang,
            "战略性新兴产业分类与国际专利分类参照关系表（2021）",
            "SEI–IPC concordance 2021",
        ),
    )


def technology_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """IPC subclasses (with titles) and the subclasses per year as a heat map (report
    and dashboard); the top applicants' subclasses and the SEI industries (report)."""
    return [
        subclass_chart(data, lang),
        year_heatmap(data, lang),
        applicants_heatmap(data, lang),
        industries_chart(data, lang),
    ]


# -- the report section -----------------------------------------------------------------


def _classes_table(
    b: Builder, te: TechnologyComposition, level: str, rows: int | None
) -> Table:
    """The subclasses (all) or main groups (the first ten), with titles and shares."""
    classes = te.levels.get(level, ())[:rows]
    if level == "subclass":
        caption = b.say("主要技术领域（IPC 小类）", "Main IPC subclasses")
        sort = b.say(
            "数量降序；占比为占已分类数量",
            "units, descending; share of classified units",
        )
        key = "technology.table"
    else:
        caption = b.say("主要技术分支（IPC 大组）", "Main IPC main groups")
        sort = b.say("数量降序", "units, descending")
        key = "technology.groups"
    return b.table(
        caption,
        [b.t("col.code"), b.t("col.title"), b.count_header, b.t("col.share")],
        [
            [
                c.code,
                L.short_title(c.title_en if b.lang == "en" else c.title_zh, 40) or "-",
                L.num(c.units),
                L.pct(c.share),
            ]
            for c in classes
        ],
        sort=sort,
        align="clrr",
        key=key,
    )


def technology_section(
    b: Builder, te: Any, found: Sequence[Finding], level: int = 2
) -> Section | None:
    """技术构成: IPC subclasses and groups, matrices against years and applicants, SEI."""
    if not isinstance(te, TechnologyComposition):
        return None
    s = Section(b.t("sec.technology"), level, key="technology")
    s.add(*pick(found, "technology."))
    specs = specs_of(technology_charts, te, b.lang)
    if te.levels.get("subclass"):
        s.add(*figures_of(b, specs, "technology"))
        s.add(_classes_table(b, te, "subclass", None))
    if te.levels.get("main_group"):
        s.add(_classes_table(b, te, "main_group", 10))
    s.add(*figures_of(b, specs, "tech_year"))
    # one applicant's column compares nothing
    if len(te.by_applicant.columns) > 1:
        s.add(*figures_of(b, specs, "technology.applicants"))
    s.add(*figures_of(b, specs, "technology.sei"))
    return s


PRESENTER = Presenter(
    "technology",
    section=technology_section,
    charts=technology_charts,
    rules=(landscape_rule("technology.focus"),),
    dashboard=True,
    order=60,
    keys=("technology", "tech_year"),
)
"""The technology composition's slice: section, rule, its charts (the dashboard draws the
subclass bars and the heat map over the years)."""
