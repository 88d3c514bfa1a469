"""The renderer-neutral document model of a navigation report.

``build_report`` fills it; the DOCX, HTML and PDF renderers only walk it. Every table and
figure carries its caption, unit, sort order and data note, every finding the rule that
made it and the numbers it cites, so a renderer never has to know where a value came from::

    Report
    ├── meta            cover facts: type, region, scope, cut-off, counting unit …
    ├── scopes          the scopes its numbers come from: definition, query, units
    ├── findings        every Finding the conclusion rules produced
    └── sections        Section (heading, level, blocks)
        └── blocks      Paragraph | Finding | Table | Figure | Section
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

Number = float | int | str | None


@dataclass(frozen=True, slots=True)
class ScopeStatement:
    """A scope the report states on its cover and in its method section: what it is called
    (分析范围, 产业链范围 …), its definition in words, its expert query (检索式) and its
    number of counting units. ``key``: ``scope`` (the spec's), ``chain`` (beside a region's
    own documents), ``region``, ``portfolio`` (an enterprise's), ``node`` (a micro's)."""

    key: str
    label: str
    definition: str
    query: str
    units: int


@dataclass(slots=True)
class Paragraph:
    """A paragraph of running text; ``style`` is ``body``, ``lead`` or ``note``."""

    text: str
    style: str = "body"


@dataclass(slots=True)
class Finding:
    """A conclusion computed by a named rule, with the numbers its sentence cites.

    ``kind`` groups findings in the summary: ``strength``, ``weakness``, ``opportunity``,
    ``risk``, ``trend``, ``structure``, ``recommendation`` or ``data`` (a caveat about the
    data itself).

    A conclusion that needs enough known values says how many it rests on (``basis``) and
    how many its rule asks for (``min_basis``): the report check fails a finding whose
    basis is below its threshold. Both are None for findings without such a threshold.
    """

    rule: str
    kind: str
    text: str
    numbers: Mapping[str, Number] = field(default_factory=dict)
    subject: str = ""
    priority: int = 50
    basis: float | None = None
    min_basis: float | None = None


@dataclass(slots=True)
class Table:
    """A table: caption, headers (with units), formatted rows, and how it was made."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    sort_note: str = ""
    unit: str = ""
    source_note: str = ""
    top_note: str = ""
    align: str = ""  # one letter per column: l or r
    number: int = 0
    key: str = ""
    dash_note: str = ""  # what a cell of "-" means, when the table has one

    def notes(self) -> list[str]:
        """The notes printed under the table: sort order, top-N, unit, what "-" means,
        source."""
        return [
            n
            for n in (
                self.sort_note,
                self.top_note,
                self.unit,
                self.dash_note,
                self.source_note,
            )
            if n
        ]


@dataclass(frozen=True, slots=True)
class Series:
    """One data series of a chart; ``kind`` draws it otherwise than its chart (a
    ``line`` series over a ``bar`` chart), where the renderer can."""

    name: str
    values: tuple[float | None, ...]
    kind: str = ""


@dataclass(slots=True)
class Chart:
    """What a chart shows, independent of how it is drawn.

    ``kind``: ``bar`` (vertical bars, one or more series side by side), ``barh``
    (horizontal bars, ranked top to bottom), ``stacked`` (stacked vertical bars), ``line``,
    ``donut``, ``heatmap`` (``rows`` × ``categories`` with ``matrix`` values) or
    ``scatter`` (``series[0]`` x, ``series[1]`` y, ``categories`` as point labels) or
    ``timeline`` (points on horizontal lanes: ``series[0]`` the year, ``series[1]`` the
    lane's index in ``rows``, ``categories`` the point labels).
    ``shaded`` names categories drawn as incomplete (hatched, or a shaded band for lines);
    ``references`` draws horizontal (vertical for ``barh``) lines at the given values.
    """

    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    x_label: str = ""
    y_label: str = ""
    shaded: tuple[str, ...] = ()
    shaded_label: str = ""
    references: tuple[tuple[float, str], ...] = ()
    rows: tuple[str, ...] = ()
    matrix: tuple[tuple[float, ...], ...] = ()
    percent: bool = False


@dataclass(slots=True)
class Figure:
    """A chart with its title, unit and data note; ``png`` once charts are drawn."""

    title: str
    unit: str
    note: str
    chart: Chart
    number: int = 0
    key: str = ""
    png: bytes | None = None
    height_in: float | None = None  # drawn height; None: by chart kind


@dataclass(slots=True)
class Section:
    """A heading and what follows it; sub-sections are blocks too."""

    heading: str
    level: int = 1
    blocks: list[Block] = field(default_factory=list)
    key: str = ""
    number: str = ""

    def add(self, *blocks: Block | None) -> Section:
        """Append blocks (None is skipped, so optional parts read naturally)."""
        for block in blocks:
            if block is not None:
                self.blocks.append(block)
        return self

    def sub(self, heading: str, key: str = "") -> Section:
        """Append and return a sub-section one level down."""
        child = Section(heading, self.level + 1, key=key)
        self.blocks.append(child)
        return child


Block = Paragraph | Finding | Table | Figure | Section


@dataclass(slots=True)
class Report:
    """A complete navigation report, ready for any renderer."""

    title: str
    subtitle: str
    type: str
    lang: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    source: str = ""
    scopes: list[ScopeStatement] = field(default_factory=list)

    def walk(self) -> Iterator[Block]:
        """Every block, depth first, sections included, in reading order."""

        def visit(block: Block) -> Iterator[Block]:
            yield block
            if isinstance(block, Section):
                for child in block.blocks:
                    yield from visit(child)

        for section in self.sections:
            yield from visit(section)

    def figures(self) -> list[Figure]:
        """The figures in reading order."""
        return [b for b in self.walk() if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        """The tables in reading order."""
        return [b for b in self.walk() if isinstance(b, Table)]

    def headings(self) -> list[Section]:
        """Every section and sub-section in reading order."""
        return [b for b in self.walk() if isinstance(b, Section)]
