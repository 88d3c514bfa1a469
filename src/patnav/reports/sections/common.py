"""What the section builders share: picking findings, the years charted, helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from patnav.analyses.trend import FilingTrend
from patnav.reports.model import Chart, Finding, Series

TOP_TABLE = 20
TOP_CHART = 15
YEARS_SHOWN = 20


def pick(all_findings: Sequence[Finding], *prefixes: str) -> list[Finding]:
    """The findings whose rule starts with one of ``prefixes``, in priority order."""
    return [f for f in all_findings if f.rule.startswith(prefixes)]


def year_span(tr: FilingTrend) -> list[int]:
    """The filing years charted: up to the last 20, ending with the last year filed in."""
    filed = [y.year for y in tr.years if y.filings]
    if not filed:
        return []
    last = max(filed)
    first = max(min(filed), last - YEARS_SHOWN + 1)
    return list(range(first, last + 1))


def num(value: float | int | None) -> float:
    return 0.0 if value is None else float(value)


def unit_bars(header: str, labels: Iterable[str], units: Iterable[int | None]) -> Chart:
    """Horizontal bars of counting units, one per label; ``header`` names the unit."""
    return Chart(
        "barh",
        tuple(labels),
        (Series(header, tuple(num(u) for u in units)),),
        x_label=header,
    )


def indent(name: str, depth: int) -> str:
    return "　" * depth + name


def node_label(name: str, depth: int) -> str:
    """A node's name in a chart: sub-nodes marked, since tick labels are right-aligned."""
    return ("· " * depth) + name
