"""Criterion 10's abnormal-filing part from the detector (:mod:`patnav.models.abnormal`):
the flags of each register enterprise's documents, and the enterprises some of whose
documents could not be compared.

The detector runs over the documents of the register's enterprises (their applicant or
current-owner names linked to the register, or those names' entities): a batch, a split
filing or a volume among an enterprise's own filings is seen, and content recombined from
any earlier document of the store (the recombination rule's sources are the whole store).
A near-duplicate of a document outside the register is not (``docs/sme.md``).
"""

from __future__ import annotations

from collections import defaultdict

from patnav.models.abnormal.rules import Thresholds, detect
from patnav.models.capability import enterprise_documents_sql
from patnav.models.sme.check import FILER_PARTIES
from patnav.storage.store import PatentStore


def abnormal_flags(
    store: PatentStore, thresholds: Thresholds | None = None
) -> tuple[dict[str, list[str]], set[str]]:
    """(the flag messages by enterprise_id — an empty list: none —, the enterprises
    without a flag some of whose documents were not compared for near-duplicates or not
    judged for recombination), for ``check_sme``'s ``abnormal`` and
    ``abnormal_unchecked``."""
    owners: dict[str, set[str]] = defaultdict(set)
    for actor, doc_id in store.rows(enterprise_documents_sql(FILER_PARTIES)):
        owners[str(doc_id)].add(str(actor))
    enterprises = {e for es in owners.values() for e in es}
    flags: dict[str, list[str]] = {e: [] for e in enterprises}
    if not owners:
        return flags, set()
    result = detect(store, sorted(owners), thresholds)
    for flag in result.flags:
        for e in sorted({e for d in flag.documents for e in owners.get(d, ())}):
            if flag.message not in flags[e]:
                flags[e].append(flag.message)
    unchecked = {
        e
        for d in result.not_compared | result.not_judged_recombined
        for e in owners.get(d, ())
        if not flags[e]
    }
    return flags, unchecked
