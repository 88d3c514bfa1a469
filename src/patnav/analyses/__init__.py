"""Analyses: pure functions over the store (or another engine) returning typed results.

``ANALYSES`` registers every analysis by name with its titles and parameters, so the CLI,
reports, the web app and the API discover them: each analysis module declares its own
``ANALYSIS = AnalysisInfo(...)`` (see :mod:`patnav.analyses.registry`) and is collected here.
``run_analysis`` calls one by name.
``LANDSCAPE`` lists the non-text analyses of a full landscape; ``FULL_LANDSCAPE`` adds the
text analysis (hot spots).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from patnav.analyses.base import Engine, Scope, as_engine
from patnav.analyses.prepared import prepare, release
from patnav.analyses.registry import AnalysisInfo, Parameter
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore


def _discover() -> dict[str, AnalysisInfo]:
    """Every ``ANALYSIS`` declared by a module of this package, in ``order``."""
    found: list[AnalysisInfo] = []
    for module in pkgutil.iter_modules(__path__):
        declared = getattr(
            importlib.import_module(f"{__name__}.{module.name}"), "ANALYSIS", None
        )
        if isinstance(declared, AnalysisInfo):
            found.append(declared)
    found.sort(key=lambda a: (a.order, a.name))
    return {a.name: a for a in found}


ANALYSES: dict[str, AnalysisInfo] = _discover()
"""Every analysis by name, collected from the ``ANALYSIS`` of each analysis module."""

LANDSCAPE: tuple[str, ...] = (
    "trend",
    "geography",
    "applicants",
    "network",
    "inventors",
    "technology",
    "legal",
    "citations",
)
"""The non-text analyses of a full landscape (全景分析)."""
FULL_LANDSCAPE: tuple[str, ...] = (*LANDSCAPE, "hotspots")
"""The landscape with its text analysis (hot spots): what industry and R&D reports run."""


def run_analysis(
    name: str,
    source: PatentStore | Engine,
    scope: Scope | None = None,
    **params: Any,
) -> Any:
    """Run the analysis registered as ``name`` on ``scope`` with keyword ``params``.

    Raises:
        InvalidParameterError: no such analysis, or a parameter it does not take.
    """
    info = ANALYSES.get(name)
    if info is None:
        raise InvalidParameterError(
            f"Unknown analysis '{name}'. Known analyses: {', '.join(ANALYSES)}."
        )
    accepted = {p.name for p in info.parameters()}
    unknown = set(params) - accepted - {"spec", "competitors", "store"}
    if not info.takes_spec and info.needs == "scope":
        params.pop("spec", None)
    if unknown:
        raise InvalidParameterError(
            f"The analysis '{name}' takes no parameter {', '.join(sorted(unknown))}; it takes "
            f"{', '.join(sorted(accepted)) or 'none'}."
        )
    if info.needs == "spec":
        spec = params.pop("spec", None)
        if spec is None:
            raise InvalidParameterError(
                f"The analysis '{name}' needs a navigation spec (--spec)."
            )
        return info.func(source, spec, **params)
    if info.needs == "competitors":
        competitors = params.pop("competitors", None)
        if not competitors:
            raise InvalidParameterError(
                f"The analysis '{name}' needs competitors (--competitor NAME, twice or more)."
            )
        return info.func(source, competitors, scope, **params)
    return info.func(source, scope, **params)


def landscape(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: str = "family",
    names: tuple[str, ...] = LANDSCAPE,
    **params: Any,
) -> dict[str, Any]:
    """Run the landscape analyses on one scope, preparing its base relations once.

    ``params`` go to every analysis that takes them (``top``, ``region`` …).
    """
    engine = as_engine(source)
    prepared = prepare(engine, scope or Scope.everything(), count_by)
    try:
        results = {}
        for name in names:
            accepted = {p.name for p in ANALYSES[name].parameters()}
            own = {k: v for k, v in params.items() if k in accepted}
            results[name] = run_analysis(
                name, engine, prepared, count_by=count_by, **own
            )
        return results
    finally:
        release(prepared)


__all__ = [
    "ANALYSES",
    "FULL_LANDSCAPE",
    "LANDSCAPE",
    "AnalysisInfo",
    "Engine",
    "Parameter",
    "Scope",
    "landscape",
    "run_analysis",
]
