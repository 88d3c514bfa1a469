"""``build_report``: run the analyses a report type needs, apply the conclusion rules, write
the sections, draw the charts — each stage timed.

    spec + store ─► analyses ─► conclusions ─► sections ─► charts ─► Report ─► renderer
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from patnav import __version__
from patnav.analyses.base import Engine, as_engine, materialized
from patnav.analyses.spec import NavigationSpec, load_spec
from patnav.errors import InvalidParameterError, ReportTypeError
from patnav.reports import labels as L
from patnav.reports.charts import render_all
from patnav.reports.conclusions import conclude
from patnav.reports.context import Builder
from patnav.reports.data import data_section
from patnav.reports.model import Report, Section
from patnav.reports.outlines import OUTLINES
from patnav.reports.outlines.common import narrowed, summary_section
from patnav.reports.scope import scope_facts
from patnav.storage.store import PatentStore

REPORT_TYPES: tuple[str, ...] = tuple(OUTLINES)
"""The report types ``build_report`` writes (every spec type but ``fto``)."""


def as_spec(spec: NavigationSpec | Path | str) -> NavigationSpec:
    """A navigation spec, loaded from a file when given a path."""
    if isinstance(spec, NavigationSpec):
        return spec
    return load_spec(spec)


def build_report(
    store: PatentStore,
    spec: NavigationSpec | Path | str,
    *,
    lang: str | None = "zh",
    engine: Engine | None = None,
    charts: bool = True,
    progress: Callable[[str], None] | None = None,
    data_dir: Path | None = None,
) -> Report:
    """Build the report a navigation spec asks for, from the store's data.

    Args:
        store: the open store (read-only is enough).
        spec: a validated spec, or the path of its YAML file.
        lang: ``zh`` or ``en`` (None: the spec's own ``lang``).
        engine: the engine the analyses run on (default: the store's DuckDB).
        charts: draw the charts (PNG); False leaves ``Figure.png`` empty (faster, for
            callers that draw their own).
        progress: called with each stage's name as it starts — ``analyses``, then
            ``analysis.<name>`` for each analysis, ``conclusions``, ``sections``,
            ``charts`` — so a caller can show where a long report is.
        data_dir: the real-data directory (``Settings.data_dir``): the technical
            vocabularies and IPC titles the hot-spot analysis reads. Reports with hot
            spots (industry, R&D, enterprise) need it.

    Raises:
        ReportTypeError: the spec is an FTO navigation (not written by this version).
        InvalidParameterError: ``lang`` is neither ``zh`` nor ``en``.
        SpecError: the spec file is missing or invalid, or defines no scope.
    """
    nav = as_spec(spec)
    language = lang or nav.lang
    if language not in L.LANGS:
        raise InvalidParameterError(
            f"The report language must be 'zh' or 'en'. Got {language!r} instead."
        )
    if nav.type not in OUTLINES:
        raise ReportTypeError(
            f"{nav.source}: '{nav.type}' reports are not written from a navigation spec. "
            "An FTO (freedom-to-operate) report compares a product's features with claims: "
            "write it with 'patnav fto --product FILE --country CN --out DIR'. The spec "
            f"report types are {', '.join(REPORT_TYPES)}."
        )
    if nav.type == "micro" and nav.nodes:
        nav = narrowed(nav, nav.nodes[0].name)
    nav.scope()  # a spec built in code gets the same check as a parsed one
    b = Builder(
        store, nav, language, engine or as_engine(store), progress, data_dir=data_dir
    )
    outline = OUTLINES[nav.type]
    with b.timed("analyses"), materialized(b.engine, *nav.scope_parts(store)) as base:
        b.base = base
        outline.analyse(b)
    b.base = None
    with b.timed("conclusions"):
        found = conclude(b.results)
    with b.timed("sections"):
        sections: list[Section] = []
        if outline.full:
            sections.append(summary_section(b, found))
            sections.append(data_section(b))
        sections.extend(outline.sections(b, found))
    number(sections)
    report = Report(
        title=nav.title,
        subtitle=b.t(f"type.{nav.type}"),
        type=nav.type,
        lang=language,
        meta=_meta(b),
        sections=sections,
        findings=list(found),
        timings=b.timings,
        source=nav.source,
        scopes=list(b.results.scopes),
    )
    for i, table in enumerate(report.tables(), 1):
        table.number = i
    for i, figure in enumerate(report.figures(), 1):
        figure.number = i
    if charts:
        with b.timed("charts"):
            render_all(report.figures())
    return report


def number(sections: list[Section]) -> None:
    """Number sections 1, 1.1, 1.1.1 … in reading order (empty sections are dropped)."""

    def visit(section: Section, prefix: str) -> None:
        section.blocks = [
            blk
            for blk in section.blocks
            if not (isinstance(blk, Section) and not blk.blocks)
        ]
        i = 0
        for block in section.blocks:
            if isinstance(block, Section):
                i += 1
                block.level = section.level + 1
                block.number = f"{prefix}.{i}"
                visit(block, block.number)

    sections[:] = [s for s in sections if s.blocks]
    for i, section in enumerate(sections, 1):
        section.level = 1
        section.number = str(i)
        visit(section, section.number)


def _meta(b: Builder) -> list[tuple[str, str]]:
    r = b.results
    spec = b.spec
    meta = [(b.t("meta.type"), b.t(f"type.{spec.type}"))]
    if spec.region is not None:
        meta.append((b.t("meta.region"), r.region_label))
    if spec.entities:
        meta.append(
            (
                b.t("meta.entities"),
                ("、" if b.lang != "en" else "; ").join(spec.entities),
            )
        )
    if spec.period.start or spec.period.end:
        meta.append(
            (b.t("meta.period"), f"{spec.period.start or '…'}–{spec.period.end or '…'}")
        )
    meta.extend(scope_facts(b))
    meta.append((b.t("meta.cutoff"), r.cutoff.isoformat() if r.cutoff else "-"))
    meta.append((b.t("meta.unit"), L.unit_noun(spec.count_by, b.lang)))
    meta.append((b.t("meta.spec"), Path(spec.source).name if spec.source else "-"))
    meta.append((b.t("meta.generated"), date.today().isoformat()))
    meta.append((b.t("meta.generator"), f"patnav {__version__}"))
    return meta


__all__ = ["REPORT_TYPES", "ReportTypeError", "as_spec", "build_report"]
