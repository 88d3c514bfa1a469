"""The citation analysis's presenter: its report section, its rule, its dashboard chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.presenters.base import ChartSpec, Presenter, empty_spec, say
from patnav.reports import sections as S
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Section, Series

TOP = 15
"""Units the most-cited chart shows."""


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cited(row: dict[str, Any]) -> int:
    """A unit's times cited as the analysis ranks it: the larger of the source's count and
    the store's (a citing document in the store is usually in the source's count too)."""
    return max(
        int(row.get("cited_by_source") or 0), int(row.get("cited_in_store") or 0)
    )


def citations_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The most cited units, most cited first."""
    times = say(lang, "次", "times")
    title = say(lang, "被引用最多的专利", "Most cited patents")
    rows = sorted(
        (r for r in data.get("most_cited") or [] if cited(r) > 0),
        key=lambda r: (-cited(r), str(r["doc_id"])),
    )[:TOP]
    if not rows:
        return [empty_spec("citations", title, times, lang)]
    chart = Chart(
        "barh",
        tuple(f"{r['doc_id']} {_short(str(r.get('title') or ''), 16)}" for r in rows),
        (Series(times, tuple(float(cited(r)) for r in rows)),),
        x_label=times,
    )
    return [
        ChartSpec(
            "citations",
            title,
            times,
            chart,
            subtitle=say(
                lang,
                "按被引次数降序（来源数据与库内引用取较大者）",
                "by times cited, descending (the larger of the source's and the "
                "store's count)",
            ),
            tooltips=tuple(
                f"{r['doc_id']} {r.get('title') or ''}: {cited(r):,}" for r in rows
            ),
        )
    ]


def citations_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """核心专利 (see :func:`patnav.reports.sections.citations_section`)."""
    return S.citations_section(b, result, found, level=level)


PRESENTER = Presenter(
    "citations",
    section=citations_section,
    charts=citations_charts,
    rules=(landscape_rule("citations.core"),),
    dashboard=True,
    order=80,
    keys=("citations",),
)
"""The citation analysis's slice: section, rule, the dashboard's most-cited chart."""
