"""Run the enrichment steps in order and record each run in ``enrich_runs``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from patnav.analyses.relations import build as build_relations
from patnav.config import Settings
from patnav.enrich.base import EnrichContext, EnrichmentStep, StepReport
from patnav.enrich.class_titles import ClassTitles
from patnav.enrich.entities import Entities
from patnav.enrich.families import Families
from patnav.enrich.industries import Industries
from patnav.enrich.legal import LegalStatus
from patnav.enrich.locations import Locations
from patnav.enrich.maintenance import Maintenance
from patnav.enrich.names import NameKeys
from patnav.enrich.party_types import PartyTypes
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore
from patnav.storage.writer import utc_now

STEPS: dict[str, EnrichmentStep] = {
    step.name: step
    for step in (
        ClassTitles(),
        NameKeys(),
        PartyTypes(),
        Locations(),
        Entities(),
        Industries(),
        Families(),
        LegalStatus(),
        Maintenance(),
    )
}
"""Every step, in the order ``patnav enrich`` runs them: names are keyed before they are
typed, typed and placed before entities take their majority type and place."""


@dataclass(frozen=True, slots=True)
class EnrichReport:
    """What one ``enrich`` run did, step by step."""

    steps: tuple[StepReport, ...]
    seconds: float
    relations: dict[str, Any] | None = None
    """The rebuild of the store's unit relations after the steps."""

    @property
    def changed(self) -> int:
        """Rows changed by all steps together."""
        return sum(s.changed for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {
            "changed": self.changed,
            "seconds": round(self.seconds, 3),
            "steps": [s.to_dict() for s in self.steps],
        }


def enrich(
    store: PatentStore,
    settings: Settings,
    steps: Sequence[str] | None = None,
    *,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> EnrichReport:
    """Run the enrichment steps (all, or the named ones in their fixed order).

    Each step runs in its own transaction and records one row in ``enrich_runs``. Running
    twice changes nothing the second time.

    Args:
        store: an open, writable store.
        settings: where the reference data lives (``data_dir``).
        steps: names from :data:`STEPS`; None for all.
        today: the day status rules compare expiry with (default: today).
        progress: called with each step's name before it runs.

    Raises:
        InvalidParameterError: a step name is unknown.
    """
    wanted = list(STEPS) if not steps else list(dict.fromkeys(steps))
    unknown = [s for s in wanted if s not in STEPS]
    if unknown:
        raise InvalidParameterError(
            f"Unknown enrichment step(s) {', '.join(unknown)}; the steps are "
            f"{', '.join(STEPS)}."
        )
    ctx = EnrichContext(settings, today or date.today())
    reports = []
    started_all = time.perf_counter()
    for name in (s for s in STEPS if s in wanted):
        step = STEPS[name]
        if progress:
            progress(name)
        started_at = utc_now()
        started = time.perf_counter()
        with store.transaction():
            report = step.run(store, ctx)
            seconds = time.perf_counter() - started
            report = StepReport(
                report.step,
                report.changed,
                report.summary,
                report.examples,
                seconds,
                report.skipped,
            )
            run_id = int(
                store.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM enrich_runs")
            )
            store.execute(
                "INSERT INTO enrich_runs VALUES (?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    name,
                    started_at,
                    utc_now(),
                    report.changed,
                    json.dumps(
                        {
                            **report.summary,
                            "examples": list(report.examples),
                            "skipped": report.skipped,
                        },
                        ensure_ascii=False,
                        default=str,
                    ),
                ],
            )
        reports.append(report)
    # entities, families and statuses change facts of any family: rebuild them all
    relations = build_relations(store)
    return EnrichReport(tuple(reports), time.perf_counter() - started_all, relations)
