"""Legal status and operations (法律状态与运营): in force, lapsed, pending; transfers,
licences, pledges.

A unit's status is the most alive status its documents have **from evidence** — the
source's status field or legal events (a granted B publication outranks its lapsed A
publication: active > pending > the ended states). A status is never guessed: units
without evidence are ``unknown``, and those among them whose estimated statutory term has
ended (granted rights only) are ``term_ended`` — "estimated expired (by term)", an
estimate kept apart from the known statuses and never counted as lapsed. Shares are of
the units with a known status; ``coverage`` says how many that is of all units, and
``evidence`` where the known statuses come from and as of when. Operations come from legal
events (``events``): transfers, licences, pledges and their releases, per year, with the
parties most involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    ratio,
)
from patnav.analyses.prepared import STATUS_RANK, based
from patnav.analyses.registry import AnalysisInfo
from patnav.storage.store import PatentStore

STATUS_ZH = {
    "active": "有效",
    "pending": "审中",
    "lapsed": "失效",
    "expired": "期限届满",
    "withdrawn": "撤回",
    "rejected": "驳回",
    "invalidated": "无效",
    "term_ended": "期限届满（推算）",
    "unknown": "未知",
}
TERM_ENDED = "term_ended"
"""No evidence of status, and the estimated term of the granted right has ended."""
NOT_KNOWN = (TERM_ENDED, "unknown")
"""The unit statuses that are not a known legal status."""
EVIDENCE_ZH = {"events": "法律事件", "source": "来源数据的法律状态字段"}
OPERATIONS = (
    "transfer",
    "licence",
    "pledge",
    "pledge_release",
    "invalidation",
    "litigation",
)
OPERATIONS_ZH = {
    "transfer": "转让",
    "licence": "许可",
    "pledge": "质押",
    "pledge_release": "质押解除",
    "invalidation": "无效宣告",
    "litigation": "诉讼",
}


@dataclass(frozen=True, slots=True)
class StatusCount:
    """Units in one legal status."""

    status: str
    label: str
    units: int
    share: float | None  # of units with a known status; None for term_ended, unknown
    share_of_all: float | None = None  # of every unit in the scope


@dataclass(frozen=True, slots=True)
class StatusByType:
    """Units of one patent type in one status."""

    patent_type: str
    status: str
    units: int


@dataclass(frozen=True, slots=True)
class StatusEvidence:
    """Where the known statuses of some units come from, and as of when."""

    source: str  # events | source
    label: str
    units: int
    dated: int  # units whose status has an as-of date
    first: date | None  # earliest as-of date
    last: date | None  # latest as-of date


@dataclass(frozen=True, slots=True)
class OperationYear:
    """Operations of one type in one year."""

    year: int
    operation: str
    events: int
    units: int


@dataclass(frozen=True, slots=True)
class OperationParty:
    """A party named in operations (e.g. a transferee), and how often."""

    operation: str
    party: str
    events: int


@dataclass(frozen=True, slots=True)
class LegalStatusSummary(ResultMixin):
    """Status mix overall and by type, its coverage and evidence; operations per year and
    their parties.

    ``known`` units have a status from evidence; ``term_ended`` units have none but an
    estimated term that has ended; the rest are unknown. ``coverage`` = known / total.
    """

    scope: str
    count_by: str
    unit_zh: str
    total: int
    known: int
    statuses: tuple[StatusCount, ...]
    by_type: tuple[StatusByType, ...]
    operations: tuple[OperationYear, ...]
    operation_totals: dict[str, int]
    operation_parties: tuple[OperationParty, ...]
    term_ended: int = 0
    coverage: float | None = None
    evidence: tuple[StatusEvidence, ...] = ()

    @property
    def unknown(self) -> int:
        """Units without a known status (the term-ended estimates included)."""
        return self.total - self.known

    @property
    def as_of(self) -> tuple[date | None, date | None]:
        """The earliest and latest as-of dates of the known statuses that have one."""
        firsts = [e.first for e in self.evidence if e.first is not None]
        lasts = [e.last for e in self.evidence if e.last is not None]
        return (min(firsts) if firsts else None, max(lasts) if lasts else None)

    @property
    def undated(self) -> int:
        """Known units whose status has no as-of date (sources rarely date theirs)."""
        return sum(e.units - e.dated for e in self.evidence)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(s, f) for f in s.__slots__} for s in self.statuses]
        )


def legal_status(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 10,
) -> LegalStatusSummary:
    """The legal-status mix and the operations (transfers, licences, pledges) of the scope."""
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    operations = ", ".join(f"'{o}'" for o in OPERATIONS)
    with based(engine, scope, count_by) as base:
        # prepare gives each unit its status from evidence, the basis and as-of date of
        # the document that gives it, and whether an estimated term has ended
        groups = base.rows(
            f"""
            SELECT status, patent_type AS ptype, term_ended, count(*) AS n
            FROM {base.units} GROUP BY status, patent_type, term_ended
            ORDER BY status, ptype, term_ended
            """
        )
        bases = base.rows(
            f"""
            SELECT status_basis AS source, count(*) AS n, count(status_as_of) AS dated,
                   min(status_as_of) AS first, max(status_as_of) AS last
            FROM {base.units} WHERE status <> 'unknown'
            GROUP BY status_basis ORDER BY n DESC, source
            """
        )
        ops = base.rows(
            f"""
            SELECT year(e.date) AS year, e.type AS operation, count(*) AS events,
                   count(DISTINCT d.unit) AS units
            FROM {base.docs} d JOIN events e ON e.doc_id = d.doc_id
            WHERE e.type IN ({operations}) AND e.date IS NOT NULL
            GROUP BY ALL ORDER BY year, operation
            """
        )
        parties = base.rows(
            f"""
            SELECT e.type AS operation, e.parties AS party, count(*) AS events
            FROM {base.docs} d JOIN events e ON e.doc_id = d.doc_id
            WHERE e.type IN ({operations}) AND e.parties IS NOT NULL
            GROUP BY ALL ORDER BY events DESC, operation, party LIMIT {int(top)}
            """,
            {"top": int(top)},
            limit=int(top),
        )
    totals, by_type = _tally(groups)
    evidence = _evidence(bases)
    total = sum(totals.values())
    known = total - sum(totals.get(s, 0) for s in NOT_KNOWN)
    order = (
        [s for s in STATUS_RANK if s in totals]
        + sorted(s for s in totals if s not in STATUS_RANK and s not in NOT_KNOWN)
        + [s for s in NOT_KNOWN if s in totals]
    )
    op_totals: dict[str, int] = {}
    for r in ops:
        op_totals[r["operation"]] = op_totals.get(r["operation"], 0) + int(r["events"])
    return LegalStatusSummary(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        known=known,
        statuses=tuple(
            StatusCount(
                s,
                STATUS_ZH.get(s, s),
                totals[s],
                None if s in NOT_KNOWN else ratio(totals[s], known),
                ratio(totals[s], total),
            )
            for s in order
        ),
        by_type=tuple(
            StatusByType(ptype, status, n)
            for (ptype, status), n in sorted(
                by_type.items(), key=lambda kv: kv[0][::-1]
            )
        ),
        operations=tuple(
            OperationYear(
                int(r["year"]), r["operation"], int(r["events"]), int(r["units"])
            )
            for r in ops
        ),
        operation_totals=op_totals,
        operation_parties=tuple(
            OperationParty(r["operation"], r["party"], int(r["events"]))
            for r in parties
        ),
        term_ended=totals.get(TERM_ENDED, 0),
        coverage=ratio(known, total),
        evidence=tuple(sorted(evidence.values(), key=lambda e: (-e.units, e.source))),
    )


def _tally(
    groups: list[dict[str, Any]],
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Units per status, and per (patent type, status): a unit without a known status
    whose estimated term has ended counts as term ended."""
    totals: dict[str, int] = {}
    by_type: dict[tuple[str, str], int] = {}
    for r in groups:
        n = int(r["n"])
        status = (
            TERM_ENDED if r["status"] == "unknown" and r["term_ended"] else r["status"]
        )
        totals[status] = totals.get(status, 0) + n
        key = (r["ptype"], status)
        by_type[key] = by_type.get(key, 0) + n
    return totals, by_type


def _evidence(bases: list[dict[str, Any]]) -> dict[str, StatusEvidence]:
    """The known units by the kind of evidence of their status."""
    evidence: dict[str, StatusEvidence] = {}
    for r in bases:
        basis = str(
            r["source"] or "source"
        )  # a status the reader wrote is the source's
        evidence[basis] = _add_evidence(
            evidence.get(basis),
            StatusEvidence(
                basis,
                EVIDENCE_ZH.get(basis, basis),
                int(r["n"]),
                int(r["dated"]),
                _day(r["first"]),
                _day(r["last"]),
            ),
        )
    return evidence


def _add_evidence(a: StatusEvidence | None, b: StatusEvidence) -> StatusEvidence:
    """Two groups of units with statuses from the same kind of evidence, as one."""
    if a is None:
        return b
    firsts = [d for d in (a.first, b.first) if d is not None]
    lasts = [d for d in (a.last, b.last) if d is not None]
    return StatusEvidence(
        a.source,
        a.label,
        a.units + b.units,
        a.dated + b.dated,
        min(firsts) if firsts else None,
        max(lasts) if lasts else None,
    )


def _day(value: object) -> date | None:
    """A date from either engine (Spark may return a datetime for a DATE)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


ANALYSIS = AnalysisInfo(
    "legal", legal_status, "法律状态与运营", "Legal status and operations", order=70
)
"""Registers :func:`legal_status` as ``legal``."""
