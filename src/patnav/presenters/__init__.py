"""Presenters: how each analysis shows in reports, on the dashboard and in the API.

A slice is an analysis (``patnav/analyses/<module>.py`` with its ``ANALYSIS``) and, beside
it, its presenter (``patnav/presenters/<name>.py`` with its ``PRESENTER``, a
:class:`~patnav.presenters.base.Presenter`): report section, conclusion rules, and chart
specifications (:class:`~patnav.presenters.base.ChartSpec`) that both the report's charts
and the web's ECharts draw. ``PRESENTERS`` collects every module's ``PRESENTER`` by the
analysis's name; the report outlines, the dashboard and the API read it::

    analyses/route.py        ANALYSIS = AnalysisInfo("development_route", …)
    presenters/development_route.py
                             PRESENTER = Presenter("development_route", section=…,
                                                   charts=…, rules=…, reports=…,
                                                   dashboard=True)
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from typing import Any

from patnav.analyses import ANALYSES, LANDSCAPE
from patnav.presenters.base import ChartSpec, Presenter, figure_of
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Section


def _discover() -> dict[str, Presenter]:
    found: list[Presenter] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base":
            continue
        declared = getattr(
            importlib.import_module(f"{__name__}.{module.name}"), "PRESENTER", None
        )
        if isinstance(declared, Presenter):
            if declared.name not in ANALYSES:
                raise LookupError(
                    f"The presenter in {__name__}.{module.name} names no registered "
                    f"analysis '{declared.name}'; register the analysis (ANALYSIS) first."
                )
            found.append(declared)
    found.sort(key=lambda p: (p.order, p.name))
    return {p.name: p for p in found}


PRESENTERS: dict[str, Presenter] = _discover()
"""Every presenter by its analysis's name, in ``order``."""


def report_presenters(report_type: str) -> list[Presenter]:
    """The presenters whose slices a report type's outline includes, in order."""
    return [p for p in PRESENTERS.values() if report_type in p.reports]


def dashboard_presenters() -> list[Presenter]:
    """The presenters whose slices a patent set's dashboard shows, in order."""
    return [p for p in PRESENTERS.values() if p.dashboard]


def dashboard_analyses() -> tuple[str, ...]:
    """The analyses a patent set's dashboard runs: the landscape, then the slices whose
    presenters show on the dashboard."""
    return LANDSCAPE + tuple(
        p.name for p in dashboard_presenters() if p.name not in LANDSCAPE
    )


def run_slices(b: Builder) -> None:
    """Run the slices of the report's type (each timed as ``analysis.<name>``), after
    the outline's own analyses: a slice may read their results."""
    for presenter in report_presenters(b.spec.type):
        if presenter.run is None or b.results.get(presenter.name) is not None:
            continue
        with b.timed(f"analysis.{presenter.name}"):
            b.results.put(presenter.name, presenter.run(b))


def present(
    b: Builder,
    name: str,
    found: Sequence[Finding],
    *,
    level: int = 2,
    part: str = "",
) -> Section | None:
    """The report section of the analysis ``name`` by its presenter (None: no result,
    or no presenter with a section); with ``part``, its further section of that name,
    written with the result or, when the report has none, with None.

    Raises:
        LookupError: ``part`` names no section of the presenter.
    """
    presenter = PRESENTERS.get(name)
    result = b.results.get(name)
    if presenter is not None and part:
        return presenter.part(part)(b, result, found, level)
    if presenter is None or presenter.section is None or result is None:
        return None
    return presenter.section(b, result, found, level)


def slice_sections(
    b: Builder, found: Sequence[Finding], *, level: int = 2
) -> list[Section]:
    """The sections of the report type's slices that have a result."""
    out = []
    for presenter in report_presenters(b.spec.type):
        result = b.results.get(presenter.name)
        if result is None or presenter.section is None:
            continue
        section = presenter.section(b, result, found, level)
        if section is not None:
            out.append(section)
    return out


def chart_specs(name: str, data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The dashboard's chart specifications of the analysis ``name`` for its result's
    dict — those its presenter names in ``keys`` (empty: its presenter draws none, or
    it has none)."""
    presenter = PRESENTERS.get(name)
    if presenter is None or presenter.charts is None:
        return []
    return [s for s in presenter.charts(data, lang) if s.key in presenter.keys]


__all__ = [
    "PRESENTERS",
    "ChartSpec",
    "Presenter",
    "chart_specs",
    "dashboard_analyses",
    "dashboard_presenters",
    "figure_of",
    "present",
    "report_presenters",
    "run_slices",
    "slice_sections",
]
