"""What every enrichment step shares: the protocol, its context and its report.

A step improves records already in the store — names keyed, parties typed and placed,
entities resolved, classifications titled, industries mapped, families and legal status
derived. Every step is idempotent: run twice, the second run changes nothing. Each run
records one row in ``enrich_runs`` with the number of rows it changed and a JSON summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from patnav.config import Settings
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class EnrichContext:
    """What a step may use besides the store: the settings and the day it runs on."""

    settings: Settings
    today: date


@dataclass(frozen=True, slots=True)
class StepReport:
    """What one step did: rows changed, a summary of counts, and a few examples."""

    step: str
    changed: int
    summary: dict[str, Any] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    seconds: float = 0.0
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values."""
        return {
            "step": self.step,
            "changed": self.changed,
            "summary": self.summary,
            "examples": list(self.examples),
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
        }


class EnrichmentStep(Protocol):
    """One enrichment step: a name, a Chinese label, and ``run``."""

    name: str
    label: str

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Improve the store's records; return what changed. Runs inside a transaction."""
        ...


def changed_rows(result: list[tuple[Any, ...]]) -> int:
    """The row count DuckDB returns for an UPDATE, INSERT or DELETE."""
    return int(result[0][0]) if result and result[0] and result[0][0] is not None else 0
