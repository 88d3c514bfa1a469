"""Legal status and operations (法律状态与运营): in force, lapsed, pending; transfers,
licences, pledges.

A unit's status is the most alive status among its documents (a granted B publication
outranks its lapsed A publication: active > pending > the ended states). Units whose source
gives no status are counted as ``unknown`` and listed apart, never guessed. Operations come
from legal events (``events``): transfers, licences, pledges and their releases, per year,
with the parties most involved.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from patnav.storage.store import PatentStore

STATUS_ZH = {
    "active": "有效",
    "pending": "审中",
    "lapsed": "失效",
    "expired": "期限届满",
    "withdrawn": "撤回",
    "rejected": "驳回",
    "invalidated": "无效",
    "unknown": "未知",
}
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
    share: float | None  # of units with a known status


@dataclass(frozen=True, slots=True)
class StatusByType:
    """Units of one patent type in one status."""

    patent_type: str
    status: str
    units: int


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
    """Status mix overall and by type; operations per year and their parties."""

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
        statuses = base.rows(
            f"SELECT status, patent_type AS ptype, count(*) AS n FROM {base.units} "
            "GROUP BY status, patent_type ORDER BY status, ptype"
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
    totals: dict[str, int] = {}
    for r in statuses:
        totals[r["status"]] = totals.get(r["status"], 0) + int(r["n"])
    total = sum(totals.values())
    known = total - totals.get("unknown", 0)
    order = [s for s in (*STATUS_RANK, "unknown") if s in totals] + sorted(
        s for s in totals if s not in STATUS_RANK and s != "unknown"
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
                None if s == "unknown" else ratio(totals[s], known),
            )
            for s in order
        ),
        by_type=tuple(
            StatusByType(r["ptype"], r["status"], int(r["n"])) for r in statuses
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
    )
