"""The technology composition's presenter (技术构成): its report section, its rule, and its
dashboard charts (the IPC subclasses, and the subclasses per filing year as a heat map)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from patnav.analyses.technology import TechnologyComposition
from patnav.presenters.base import ChartSpec, Presenter, say
from patnav.presenters.trend import measure_of, unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Section, Series, Table
from patnav.reports.sections.common import TOP_CHART, num, pick, unit_bars

TOP = 15
"""IPC subclasses the dashboard's bars show."""
HEAT_COLUMNS = 25
"""The dashboard's heat map shows this many of the last columns (filing years)."""
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


def subclass_chart(data: dict[str, Any], lang: str) -> ChartSpec:
    """The IPC subclasses with the most units, with their titles."""
    unit = unit_of(data, lang)
    rows = ((data.get("levels") or {}).get("subclass") or [])[:TOP]
    title_key = "title_zh" if lang == "zh" else "title_en"
    return ChartSpec(
        "technology",
        say(lang, "技术构成（IPC 小类）", "Technology (IPC subclasses)"),
        unit,
        Chart(
            "barh",
            tuple(
                f"{r['code']} {_short(str(r.get(title_key) or ''), 18)}".strip()
                for r in rows
            ),
            (Series(unit, tuple(float(r["units"]) for r in rows)),) if rows else (),
        ),
        tooltips=tuple(
            f"{r['code']} {r.get(title_key) or ''}: {r['units']:,} ({_pct(r.get('share'))})"
            for r in rows
        ),
    )


def year_heatmap(data: dict[str, Any], lang: str) -> ChartSpec:
    """Subclasses per filing year (the last :data:`HEAT_COLUMNS` years): short row labels,
    each cell's full label and count as its tooltip (row by row)."""
    unit = unit_of(data, lang)
    title = say(lang, "技术分支年度分布", "Technologies by year")
    matrix = data.get("by_year") or {}
    values = matrix.get("values") or []
    if not values:
        return ChartSpec("tech_year", title, unit, Chart("heatmap", (), ()))
    columns = [
        str(c) for c in matrix.get("column_labels") or matrix.get("columns") or []
    ]
    codes = [str(r) for r in matrix.get("rows") or []]
    labels = [str(r) for r in matrix.get("row_labels") or codes]
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
    keep = list(range(max(0, len(columns) - HEAT_COLUMNS), len(columns)))
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
        ),
        tooltips=tuple(
            f"{full[i]} · {columns[k]}{colon}{row[k]:,} {measure}"
            for i, row in enumerate(values)
            for k in keep
        ),
    )


def technology_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """IPC subclasses (with titles), and the subclasses per year as a heat map."""
    return [subclass_chart(data, lang), year_heatmap(data, lang)]


# -- the report section -----------------------------------------------------------------


def _code_label(b: Builder, code: str, zh: str | None, en: str | None) -> str:
    title = L.short_title(en if b.lang == "en" else zh, 20)
    return f"{code} {title}" if title else code


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


def _subclass_figure(b: Builder, te: TechnologyComposition) -> Figure:
    subclasses = te.levels.get("subclass", ())[:TOP_CHART]
    return b.figure(
        b.say("主要技术领域（IPC 小类）", "Main technologies (IPC subclasses)"),
        Chart(
            "barh",
            tuple(_code_label(b, c.code, c.title_zh, c.title_en) for c in subclasses),
            (Series(b.count_header, tuple(num(c.units) for c in subclasses)),),
            x_label=b.count_header,
        ),
        extra=b.say("按主分类号计", "by main IPC"),
        key="technology.subclasses",
    )


def _matrix_figures(b: Builder, te: TechnologyComposition) -> list[Figure]:
    """The subclasses per filing year (the last 15 years) and of the top applicants."""
    out = []
    m = te.by_year
    if m.rows and m.columns:
        keep = [j for j, c in enumerate(m.columns) if c.isdigit()][-15:]
        out.append(
            b.figure(
                b.say("技术领域年度分布", "Technologies per filing year"),
                Chart(
                    "heatmap",
                    tuple(m.column_labels[j] for j in keep),
                    (),
                    rows=tuple(f"{r}" for r in m.rows[:12]),
                    matrix=tuple(
                        tuple(num(row[j]) for j in keep) for row in m.values[:12]
                    ),
                    x_label=b.t("axis.year"),
                ),
                years=True,
                key="technology.years",
            )
        )
    m = te.by_applicant
    if m.rows and len(m.columns) > 1:
        cols = list(range(min(10, len(m.columns))))
        out.append(
            b.figure(
                b.say("主要申请人技术布局", "Technologies of the top applicants"),
                Chart(
                    "heatmap",
                    tuple(m.column_labels[j] for j in cols),
                    (),
                    rows=tuple(m.rows[:12]),
                    matrix=tuple(
                        tuple(num(row[j]) for j in cols) for row in m.values[:12]
                    ),
                ),
                key="technology.applicants",
            )
        )
    return out


def _industries_figure(b: Builder, te: TechnologyComposition) -> Figure:
    top = te.industries[:10]
    return b.figure(
        b.say("战略性新兴产业分布", "Strategic emerging industries"),
        unit_bars(
            b.count_header,
            (_code_label(b, c.code, c.title_zh, c.title_en) for c in top),
            (c.units for c in top),
        ),
        extra=b.say(
            "战略性新兴产业分类与国际专利分类参照关系表（2021）",
            "SEI–IPC concordance 2021",
        ),
        key="technology.sei",
    )


def technology_section(
    b: Builder, te: Any, found: Sequence[Finding], level: int = 2
) -> Section | None:
    """技术构成: IPC subclasses and groups, matrices against years and applicants, SEI."""
    if not isinstance(te, TechnologyComposition):
        return None
    s = Section(b.t("sec.technology"), level, key="technology")
    s.add(*pick(found, "technology."))
    if te.levels.get("subclass"):
        s.add(_subclass_figure(b, te), _classes_table(b, te, "subclass", None))
    if te.levels.get("main_group"):
        s.add(_classes_table(b, te, "main_group", 10))
    s.add(*_matrix_figures(b, te))
    if te.industries:
        s.add(_industries_figure(b, te))
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
"""The technology composition's slice: section, rule, the dashboard's subclass bars and
heat map."""
