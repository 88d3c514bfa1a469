"""What registers an analysis: :class:`AnalysisInfo`, declared beside the function it names.

Each analysis module ends with ``ANALYSIS = AnalysisInfo(...)``; ``patnav.analyses``
collects every module's declaration into ``ANALYSES`` (ordered by ``order``), so a new
analysis is registered by the module that defines it and nowhere else.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HIDDEN_PARAMETERS = frozenset({"store", "spec", "within"})
"""Keyword parameters a caller does not set with ``--param``: the store and the spec are
passed by the CLI, the reports and the web app themselves; ``within`` (a scope narrowing the
spec's, :mod:`patnav.analyses.changes`) is not a value a command line can give."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A keyword parameter of an analysis."""

    name: str
    annotation: str
    default: Any


@dataclass(frozen=True, slots=True)
class AnalysisInfo:
    """A registered analysis: its function, titles, and what it needs.

    ``needs``: ``scope`` (a patent set), ``spec`` (a navigation spec, positional) or
    ``competitors``. ``order``: where it is listed (CLI, API, docs).
    """

    name: str
    func: Callable[..., Any]
    title_zh: str
    title_en: str
    needs: str = "scope"  # scope | spec | competitors
    order: int = 500

    @property
    def description(self) -> str:
        doc = inspect.getdoc(self.func) or ""
        return doc.splitlines()[0] if doc else ""

    @property
    def takes_spec(self) -> bool:
        """A scope analysis that also reads a navigation spec when given one (keyword
        ``spec``), e.g. for the spec's technology branches."""
        return (
            self.needs == "scope" and "spec" in inspect.signature(self.func).parameters
        )

    def parameters(self) -> tuple[Parameter, ...]:
        """The keyword parameters a caller may set (beyond source, scope, spec …)."""
        out = []
        for p in inspect.signature(self.func).parameters.values():
            if (
                p.kind is inspect.Parameter.KEYWORD_ONLY
                and p.name not in HIDDEN_PARAMETERS
            ):
                annotation = (
                    p.annotation if isinstance(p.annotation, str) else str(p.annotation)
                )
                out.append(Parameter(p.name, annotation, p.default))
        return tuple(out)


__all__ = ["AnalysisInfo", "Parameter"]
