"""Analyses: pure functions over the store (or another engine) returning typed results.

``ANALYSES`` registers every analysis by name with its titles and parameters, so the CLI,
reports, the web app and the API discover them. ``run_analysis`` calls one by name.
``LANDSCAPE`` lists the non-text analyses of a full landscape; ``FULL_LANDSCAPE`` adds the
text analysis (hot spots).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from patnav.analyses.applicants import applicant_ranking
from patnav.analyses.base import Engine, Scope, as_engine
from patnav.analyses.chain import chain_positioning
from patnav.analyses.citations import citation_analysis
from patnav.analyses.competitors import competitor_benchmark
from patnav.analyses.geography import geography
from patnav.analyses.hotspots import hot_spots
from patnav.analyses.inventors import inventor_analysis
from patnav.analyses.legal import legal_status
from patnav.analyses.network import coapplicant_network
from patnav.analyses.prepared import prepare, release
from patnav.analyses.technology import technology_composition
from patnav.analyses.trend import filing_trend
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class Parameter:
    """A keyword parameter of an analysis."""

    name: str
    annotation: str
    default: Any


@dataclass(frozen=True, slots=True)
class AnalysisInfo:
    """A registered analysis: its function, titles, and what it needs."""

    name: str
    func: Callable[..., Any]
    title_zh: str
    title_en: str
    needs: str = "scope"  # scope | spec | competitors

    @property
    def description(self) -> str:
        doc = inspect.getdoc(self.func) or ""
        return doc.splitlines()[0] if doc else ""

    def parameters(self) -> tuple[Parameter, ...]:
        """The keyword parameters a caller may set (beyond source, scope, spec …)."""
        out = []
        for p in inspect.signature(self.func).parameters.values():
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "store":
                annotation = (
                    p.annotation if isinstance(p.annotation, str) else str(p.annotation)
                )
                out.append(Parameter(p.name, annotation, p.default))
        return tuple(out)


ANALYSES: dict[str, AnalysisInfo] = {
    a.name: a
    for a in (
        AnalysisInfo(
            "trend",
            filing_trend,
            "申请趋势与技术生命周期",
            "Filing trend and lifecycle",
        ),
        AnalysisInfo("geography", geography, "区域分布", "Geography"),
        AnalysisInfo(
            "applicants", applicant_ranking, "申请人排名与集中度", "Applicants"
        ),
        AnalysisInfo(
            "network", coapplicant_network, "申请人合作网络", "Co-applicant network"
        ),
        AnalysisInfo(
            "inventors", inventor_analysis, "发明人与研发团队", "Inventors and teams"
        ),
        AnalysisInfo(
            "technology", technology_composition, "技术构成", "Technology composition"
        ),
        AnalysisInfo(
            "legal", legal_status, "法律状态与运营", "Legal status and operations"
        ),
        AnalysisInfo(
            "citations",
            citation_analysis,
            "引证与核心专利",
            "Citations and core patents",
        ),
        AnalysisInfo(
            "hotspots", hot_spots, "技术热点与空白点", "Hot spots and white spaces"
        ),
        AnalysisInfo(
            "chain",
            chain_positioning,
            "产业链定位与补链强链",
            "Industry-chain positioning",
            needs="spec",
        ),
        AnalysisInfo(
            "competitors",
            competitor_benchmark,
            "竞争对手对标",
            "Competitor benchmarking",
            needs="competitors",
        ),
    )
}

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
    "Scope",
    "landscape",
    "run_analysis",
]
