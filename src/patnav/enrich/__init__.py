"""Enrichment: improve the records in the store, idempotently, one step at a time.

``enrich(store, settings)`` runs every step of :data:`STEPS` in order — class titles,
name keys, party types, locations, entities, industries, families, legal status,
maintenance (fees) — each in its own transaction, each recorded in ``enrich_runs``.
See ``docs/enrich.md``.
"""

from __future__ import annotations

from patnav.enrich.base import EnrichContext, EnrichmentStep, StepReport
from patnav.enrich.run import STEPS, EnrichReport, enrich

__all__ = [
    "STEPS",
    "EnrichContext",
    "EnrichReport",
    "EnrichmentStep",
    "StepReport",
    "enrich",
]
