"""What a report is built from: the spec, the store, the analysis results, the timings.

:class:`Results` holds every analysis result a report type computed (None where the type
does not need it); the conclusion rules and the section builders read only from it.
:class:`Builder` carries the language, numbers tables and figures, writes the data note
every chart carries, and times each stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from patnav.analyses.applicants import ApplicantRanking
from patnav.analyses.base import CountBy, Engine, Region, Scope, check_count_by
from patnav.analyses.chain import ChainPositioning
from patnav.analyses.citations import CitationAnalysis
from patnav.analyses.competitors import CompetitorBenchmark
from patnav.analyses.geography import Geography, HomeComparison
from patnav.analyses.hotspots import HotSpots
from patnav.analyses.inventors import InventorAnalysis
from patnav.analyses.legal import LegalStatusSummary
from patnav.analyses.network import CoApplicantNetwork
from patnav.analyses.spec import NavigationSpec, SpecNode
from patnav.analyses.technology import TechnologyComposition
from patnav.analyses.trend import FilingTrend
from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.model import Chart, Figure, ScopeStatement, Table
from patnav.storage.store import PatentStore

_DRAWN: dict[str, tuple[str, str]] = {
    "line": ("灰色阴影", "shaded grey"),
    "bar": ("斜线", "hatched"),
    "stacked": ("斜线", "hatched"),
    "heatmap": ("斜线", "hatched"),
    "scatter": ("灰色点", "grey points"),
}
"""How each kind of chart draws incomplete years (see ``patnav.reports.charts``)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A file the report's documents were imported from."""

    file: str
    format: str
    documents: int
    imported: date | None


@dataclass(slots=True)
class NodeFigures:
    """A technology node's units (and, for top-level nodes, per year) in the spec's data."""

    node: str
    path: tuple[str, ...]
    depth: int
    query: str | None
    units: int
    comparison: HomeComparison | None = None


T = TypeVar("T")


class _Result(Generic[T]):
    """A typed name for one analysis's result in :attr:`Results.analyses` (None: not run)."""

    def __init__(self, kind: type[T]) -> None:
        self.kind = kind
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Result[T]: ...
    @overload
    def __get__(self, obj: Results, owner: type) -> T | None: ...
    def __get__(self, obj: Results | None, owner: type) -> _Result[T] | T | None:
        if obj is None:
            return self
        value = obj.analyses.get(self.name)
        return value if isinstance(value, self.kind) else None

    def __set__(self, obj: Results, value: T | None) -> None:
        obj.put(self.name, value)


@dataclass(slots=True)
class Results:
    """Every analysis result a report uses, by the analysis's registered name.

    ``analyses`` holds them (``put``/``get``); the landscape analyses also have typed
    names (``r.trend`` is a :class:`FilingTrend` or None), so rules and sections read
    them typed. A slice's result is read with ``r.get(name)`` or, typed,
    ``r.of(name, ResultType)``.
    """

    spec: NavigationSpec
    lang: str
    scope_label: str
    analyses: dict[str, Any] = field(default_factory=dict)
    portfolio: dict[str, Any] = field(default_factory=dict)
    nodes: list[NodeFigures] = field(default_factory=list)
    node_competitors: dict[str, CompetitorBenchmark] = field(default_factory=dict)
    node_inventors: dict[str, InventorAnalysis] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    micro_node: str | None = None
    scopes: list[ScopeStatement] = field(default_factory=list)

    trend = _Result(FilingTrend)
    geography = _Result(Geography)
    applicants = _Result(ApplicantRanking)
    network = _Result(CoApplicantNetwork)
    inventors = _Result(InventorAnalysis)
    technology = _Result(TechnologyComposition)
    legal = _Result(LegalStatusSummary)
    citations = _Result(CitationAnalysis)
    hotspots = _Result(HotSpots)
    chain = _Result(ChainPositioning)
    competitors = _Result(CompetitorBenchmark)

    def put(self, name: str, result: Any) -> None:
        """Keep ``result`` as the result of the analysis registered as ``name``
        (None removes it).

        Raises:
            TypeError: ``name`` has a typed name and ``result`` is of another type.
        """
        typed = getattr(type(self), name, None)
        if (
            result is not None
            and isinstance(typed, _Result)
            and not isinstance(result, typed.kind)
        ):
            raise TypeError(
                f"The result of '{name}' must be a {typed.kind.__name__}. "
                f"Got {type(result).__name__} instead."
            )
        if result is None:
            self.analyses.pop(name, None)
        else:
            self.analyses[name] = result

    def get(self, name: str) -> Any:
        """The result of the analysis registered as ``name`` (None: not run)."""
        return self.analyses.get(name)

    def of(self, name: str, kind: type[T]) -> T | None:
        """The result of ``name`` when it is a ``kind`` (None: not run)."""
        value = self.analyses.get(name)
        return value if isinstance(value, kind) else None

    @property
    def count_by(self) -> str:
        return self.spec.count_by

    @property
    def region(self) -> Region | None:
        return self.spec.region

    @property
    def region_label(self) -> str:
        region = self.spec.region
        if region is None:
            return ""
        if region.city or region.province:
            return region.label
        return L.place(region.country, self.lang)

    @property
    def cutoff(self) -> date | None:
        for result in (self.trend, self.portfolio.get("trend")):
            if isinstance(result, FilingTrend) and result.cutoff is not None:
                return result.cutoff
        return None

    @property
    def incomplete_from(self) -> int | None:
        for result in (self.trend, self.portfolio.get("trend")):
            if isinstance(result, FilingTrend) and result.incomplete_from is not None:
                return result.incomplete_from
        return None


class Builder:
    """Builds one report: language, numbering, data notes, timings."""

    def __init__(
        self,
        store: PatentStore,
        spec: NavigationSpec,
        lang: str,
        engine: Engine,
        progress: Callable[[str], None] | None = None,
        *,
        data_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.data_dir = data_dir  # the word lists and reference tables (hot spots)
        self.spec = spec
        self.lang = lang
        self.engine = engine
        self.progress = progress
        self.base: Scope | None = None  # the spec's scope, materialised by build_report
        self.count_by: CountBy = check_count_by(spec.count_by)
        self.timings: dict[str, float] = {}
        self.results = Results(spec=spec, lang=lang, scope_label=spec.title)

    # -- scopes ------------------------------------------------------------------------------

    def base_scope(self) -> Scope:
        """The spec's scope (computed once per report)."""
        return self.base if self.base is not None else self.spec.base_scope(self.store)

    def node_scope(self, node: SpecNode) -> Scope:
        """A node's documents within the spec's scope."""
        return self.spec.node_scope(node, self.store, base=self.base_scope())

    # -- words -------------------------------------------------------------------------------

    def t(self, key: str) -> str:
        """A label in the report's language."""
        return L.t(key, self.lang)

    def say(self, zh: str, en: str) -> str:
        """The Chinese or the English sentence."""
        return L.tidy(say(self.lang, zh, en), self.lang)

    @property
    def unit(self) -> str:
        """The measure of counts: 件 / applications."""
        return L.unit_measure(self.count_by, self.lang)

    def qty(self, n: int | float | None) -> str:
        """A count with its measure word."""
        return L.qty(n, self.count_by, self.lang)

    @property
    def count_header(self) -> str:
        """The header of a count column, with its unit."""
        return L.count_header(self.count_by, self.lang)

    # -- timing ------------------------------------------------------------------------------

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in the block to ``stage`` (announced to ``progress`` as it
        starts)."""
        if self.progress is not None:
            self.progress(stage)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + (
                time.perf_counter() - started
            )

    # -- notes, tables, figures ---------------------------------------------------------------

    def sources_text(self) -> str:
        """The sources in a few words: one file, or the largest and how many."""
        sources = self.results.sources
        if not sources:
            return self.t("unknown")
        first = sources[0].file.rsplit("/", 1)[-1]
        if len(sources) == 1:
            return first
        return self.say(
            f"{first} 等 {len(sources)} 个文件",
            f"{first} and {len(sources) - 1} more files",
        )

    def note(
        self, *, years: bool = False, extra: str = "", chart: Chart | None = None
    ) -> str:
        """The data note of a chart or table: sources, cut-off, unit, incomplete years.

        ``years``: the figure or paragraph is about filing years. With a ``chart``, the
        incomplete years are named only when the chart shows some, and the note says how
        they are drawn (``chart.shaded`` set by :meth:`figure`); a chart that ends before
        them gets no word about them.
        """
        cutoff = self.results.cutoff
        parts = [
            self.say("数据来源：", "Source: ") + self.sources_text(),
            self.say("截止日：", "cut-off: ")
            + (cutoff.isoformat() if cutoff else self.t("unknown")),
            self.say("计数单位：", "unit: ")
            + L.unit_noun(self.count_by, self.lang)
            + self.say(f"（{self.unit}）", ""),
        ]
        first = self.results.incomplete_from
        shown = chart is None or any(
            c.isdigit() and int(c) >= (first or 0) for c in chart.categories
        )
        if years and first is not None and shown:
            drawn = ("", "")
            if chart is not None and chart.shaded:
                drawn = _DRAWN.get(chart.kind, drawn)
            parts.append(
                self.say(
                    f"{first} 年及以后为不完整年份（公开滞后约 18 个月"
                    + (f"，图中{drawn[0]}）" if drawn[0] else "）"),
                    f"{first} onwards incomplete (18-month publication lag"
                    + (f"; {drawn[1]})" if drawn[1] else ")"),
                )
            )
        if extra:
            parts.append(extra)
        return self.say("；", "; ").join(parts)

    def table(
        self,
        caption: str,
        columns: list[str],
        rows: list[list[str]],
        *,
        sort: str = "",
        top: int | None = None,
        total: int | None = None,
        unit: str = "",
        source: bool = True,
        align: str = "",
        key: str = "",
    ) -> Table:
        """A table; ``sort`` says the order, ``top``/``total`` note a cut list.

        Columns the data leave empty (every cell ``-`` or blank) are dropped, so a source
        without legal status or grants does not print a column of dashes.
        """
        align = align or ("l" + "r" * (len(columns) - 1))
        keep = [
            j
            for j in range(len(columns))
            if j == 0 or not rows or any(r[j] not in ("-", "") for r in rows)
        ]
        if len(keep) < len(columns):
            columns = [columns[j] for j in keep]
            rows = [[r[j] for j in keep] for r in rows]
            align = "".join(align[j] if j < len(align) else "l" for j in keep)
        top_note = ""
        if top is not None and total is not None and total > len(rows):
            top_note = self.say(
                f"仅列前 {len(rows)} 位（共 {total:,}）",
                f"top {len(rows)} of {total:,} shown",
            )
        dashes = any(cell.strip() in ("-", "–", "—") for row in rows for cell in row)
        return Table(
            caption=caption,
            columns=tuple(columns),
            rows=tuple(tuple(r) for r in rows),
            sort_note=(self.say("排序：", "Sorted by ") + sort) if sort else "",
            unit=unit,
            source_note=self.note() if source else "",
            top_note=top_note,
            align=align,
            key=key,
            dash_note=self.say(
                "“-”表示数据中无此项或不适用", "“-”: not in the data, or not applicable"
            )
            if dashes
            else "",
        )

    def figure(
        self,
        title: str,
        chart: Chart,
        *,
        unit: str = "",
        years: bool = False,
        extra: str = "",
        key: str = "",
    ) -> Figure:
        """A figure with its unit and data note; incomplete years are shaded when
        ``years``."""
        if years and self.results.incomplete_from is not None and chart.kind in _DRAWN:
            first = self.results.incomplete_from
            chart.shaded = tuple(
                c for c in chart.categories if c.isdigit() and int(c) >= first
            )
            chart.shaded_label = self.t("incomplete") if chart.shaded else ""
        return Figure(
            title=title,
            unit=unit or self.unit,
            note=self.note(years=years, extra=extra, chart=chart),
            chart=chart,
            key=key,
        )
