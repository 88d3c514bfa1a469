"""The alert rules: one function per rule, each reading the store for the monitor's
target (the temporary table ``ctx.target``: the target's documents with the patent
columns the rules read, :data:`TARGET_COLUMNS`) and returning what it found.

Change rules (``new-documents``, ``new-applicants``, ``status-change``, ``event``)
receive the state the previous run kept (None on the first run: they record the
baseline and find nothing) and return the state to keep. Date rules (``annuity-due``,
``grace``, ``expiry``, ``high-maintenance``) find every date in their window on every
run; the runner stores each (monitor, rule, key) once, so a due date alerts once.

Dates of fees come from the fee-and-term engine's maintenance state
(``patnav enrich --step maintenance``, table ``maintenance``), judged on the run's day;
a patent with no known due date (no maintenance row, or a state the engine cannot
tell) is no alert but is counted as ``unknown``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from patnav.analyses.legal import STATUS_ZH
from patnav.fees.dates import add_months
from patnav.i18n import EVENT_TYPES as EVENT_LABELS
from patnav.monitors.model import EVENT_TYPES, Monitor
from patnav.schema.vocabulary import STATUS_DETAIL_ZH
from patnav.storage.store import PatentStore

DEAD = ("lapsed", "expired", "withdrawn", "rejected", "invalidated")
"""Legal statuses after which no fee is due and no term runs."""

FEE_SOURCE = "年费与维持状态（费用引擎，patnav enrich --step maintenance）"


@dataclass(frozen=True, slots=True)
class Found:
    """An alert a rule found, before the runner stores it."""

    doc_id: str | None
    pub_number: str | None
    key: str
    message: str
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RuleResult:
    """What one rule found in one run."""

    found: tuple[Found, ...] = ()
    state: dict[str, str] | None = None
    unknown: int = 0
    notes: dict[str, int] = field(default_factory=dict)


TARGET_COLUMNS = (
    "doc_id",
    "pub_number",
    "office",
    "title",
    "app_date",
    "pub_date",
    "legal_status",
    "status_detail",
    "status_as_of",
    "status_source",
    "legal_status_raw",
    "expiry_date",
    "expiry_estimated",
    "source",
    "imported_at",
)
"""The patent columns of the target's table: the store's patents are read once per
monitor run, the rules then read the small table."""


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule reads: the store, the monitor, the run's day and the name of the
    temporary table holding the target's documents (:data:`TARGET_COLUMNS`)."""

    store: PatentStore
    monitor: Monitor
    today: date
    target: str
    cache: dict[str, Any] = field(default_factory=dict)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _number(pub: Any, doc: Any) -> str:
    return str(pub or doc)


def _status_zh(status: str | None) -> str:
    return STATUS_ZH.get(status or "unknown", status or "未知")


# -- change rules ---------------------------------------------------------------------


def new_documents(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Documents in the target that the previous run did not see."""
    rows = ctx.store.rows(
        "SELECT p.doc_id, p.pub_number, p.title, p.app_date, p.pub_date, p.source, "
        f"p.imported_at FROM {ctx.target} p "
        "ORDER BY p.pub_date NULLS LAST, p.doc_id"
    )
    state = {str(r[0]): "" for r in rows}
    if previous is None:
        return RuleResult(state=state)
    found = []
    for doc, pub, title, app, pubd, source, imported in rows:
        if doc in previous:
            continue
        found.append(
            Found(
                doc,
                pub,
                str(doc),
                f"新增文献：{_number(pub, doc)}《{title or '（无标题）'}》，"
                f"申请日 {_iso(app) or '未知'}，公开日 {_iso(pubd) or '未知'}",
                {
                    "field": "doc_id",
                    "title": title,
                    "app_date": _iso(app),
                    "pub_date": _iso(pubd),
                    "source": source,
                    "imported_at": imported.isoformat(timespec="seconds")
                    if imported
                    else None,
                },
            )
        )
    return RuleResult(tuple(found), state)


def new_applicants(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Applicants (by resolved entity, else by cleaned name) appearing in the target
    whom the previous run did not see; each reported with its earliest document."""
    rows = ctx.store.rows(
        "SELECT coalesce(a.entity_id, 'name:' || a.name) AS akey, "
        "  coalesce(min(e.name), min(a.name)) AS shown, "
        "  arg_min(p.doc_id, coalesce(p.app_date, p.pub_date)) AS first_doc, "
        "  arg_min(p.pub_number, coalesce(p.app_date, p.pub_date)) AS first_pub, "
        "  count(DISTINCT p.doc_id) AS n, "
        "  list(DISTINCT p.doc_id ORDER BY p.doc_id)[1:5] AS docs "
        f"FROM {ctx.target} p JOIN parties a USING (doc_id) "
        "LEFT JOIN entities e ON e.entity_id = a.entity_id "
        "WHERE a.role = 'applicant' AND a.name IS NOT NULL AND a.name <> '' "
        "GROUP BY akey ORDER BY akey"
    )
    state = {str(r[0]): "" for r in rows}
    if previous is None:
        return RuleResult(state=state)
    found = []
    for akey, shown, doc, pub, n, docs in rows:
        if akey in previous:
            continue
        found.append(
            Found(
                doc,
                pub,
                str(akey),
                f"新申请人进入：{shown}（首见于 {_number(pub, doc)}，监控范围内共 {n} 件）",
                {
                    "field": "parties.applicant",
                    "applicant": shown,
                    "key": akey,
                    "documents": int(n),
                    "doc_ids": list(docs or []),
                },
            )
        )
    return RuleResult(tuple(found), state)


def status_change(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Documents whose legal status differs from the last status known for them.

    Unknown is never a change, either way: a status that becomes unknown keeps the last
    known one in the state (and is counted ``unknown``); the first status known for a
    document is its baseline (an enrichment that infers statuses alerts on nothing).
    """
    rows = ctx.store.rows(
        "SELECT p.doc_id, p.pub_number, p.legal_status, p.status_detail, "
        "p.status_as_of, p.status_source, p.legal_status_raw "
        f"FROM {ctx.target} p ORDER BY p.doc_id"
    )
    state: dict[str, str] = {}
    found = []
    unknown = 0
    for doc, pub, status, detail, as_of, source, raw in rows:
        before = previous.get(doc) if previous is not None else None
        if status is None:
            unknown += 1
            state[doc] = before if before is not None else ""
            continue
        state[doc] = str(status)
        if not before or before == status:
            continue
        was = _status_zh(before)
        detail_zh = STATUS_DETAIL_ZH.get(detail or "", "")
        now_zh = _status_zh(status) + (
            f"（{detail_zh}）" if detail_zh and detail_zh != _status_zh(status) else ""
        )
        found.append(
            Found(
                doc,
                pub,
                f"{doc}|{before}>{status}|{_iso(as_of) or ''}",
                f"法律状态变化：{_number(pub, doc)} 由「{was}」变为「{now_zh}」"
                + (f"，截至 {_iso(as_of)}" if as_of else "（来源未载明日期）"),
                {
                    "field": "legal_status",
                    "old": before or None,
                    "new": status,
                    "status_detail": detail,
                    "status_as_of": _iso(as_of),
                    "status_source": source,
                    "legal_status_raw": raw,
                },
            )
        )
    return RuleResult(tuple(found), state, unknown)


def _event_key(
    doc: str, kind: str, day: Any, code: Any, text: Any, parties: Any
) -> str:
    body = json.dumps([doc, kind, _iso(day), code, text, parties], ensure_ascii=False)
    return f"{doc}|{hashlib.sha1(body.encode()).hexdigest()[:16]}"


def event(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Legal events of the target's documents (of the monitor's event types, by
    default :data:`~patnav.monitors.model.EVENT_TYPES`) the previous run did not see."""
    types = list(ctx.monitor.event_types or EVENT_TYPES)
    rows = ctx.store.rows(
        "SELECT e.doc_id, p.pub_number, e.type, e.date, e.code, e.description, "
        "e.parties, coalesce(e.source, p.source) "
        f"FROM {ctx.target} p JOIN events e USING (doc_id) "
        f"WHERE e.type IN ({', '.join('?' for _ in types)}) "
        "ORDER BY e.doc_id, e.seq",
        types,
    )
    state: dict[str, str] = {}
    found = []
    for doc, pub, kind, day, code, text, parties, source in rows:
        key = _event_key(doc, kind, day, code, text, parties)
        if key in state:
            continue
        state[key] = kind
        if previous is None or key in previous:
            continue
        label = (
            EVENT_LABELS.text(f"event.{kind}")
            if f"event.{kind}" in EVENT_LABELS
            else kind
        )
        found.append(
            Found(
                doc,
                pub,
                key,
                f"法律事件：{_number(pub, doc)} {label}，"
                + (f"日期 {_iso(day)}" if day else "来源未载明日期")
                + (f"：{text}" if text else ""),
                {
                    "field": "events",
                    "type": kind,
                    "date": _iso(day),
                    "code": code,
                    "description": text,
                    "parties": parties,
                    "source": source,
                },
            )
        )
    return RuleResult(tuple(found), state)


# -- date rules -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fee:
    doc: str
    pub: str | None
    status: str | None
    office: str | None
    next_due: date | None
    next_year: int | None
    next_stage: str | None
    grace_end: date | None
    state: str | None
    estimated: bool | None
    as_of: date | None
    basis: str | None
    evidence_date: date | None
    years: int | None
    has_row: bool

    def evidence(self) -> dict[str, Any]:
        return {
            "field": "maintenance.next_due",
            "office": self.office,
            "next_due": _iso(self.next_due),
            "next_year": self.next_year,
            "next_stage": self.next_stage,
            "grace_end": _iso(self.grace_end),
            "years_maintained": self.years,
            "state": self.state,
            "estimated": self.estimated,
            "computed_as_of": _iso(self.as_of),
            "basis": self.basis,
            "evidence_date": _iso(self.evidence_date),
            "source": FEE_SOURCE,
        }

    def fee_name(self) -> str:
        if self.office == "US":
            return f"{self.next_stage} 年维持费"
        return f"第 {self.next_year} 年年费" if self.next_year else "年费"


def _fees(ctx: RuleContext) -> list[_Fee]:
    """The maintenance state of the target's documents (read once per monitor run)."""
    cached = ctx.cache.get("fees")
    if cached is not None:
        return list(cached)
    rows = ctx.store.rows(
        "SELECT p.doc_id, p.pub_number, p.legal_status, p.office, f.next_due, "
        "f.next_year, f.next_stage, f.grace_end, f.state, f.state_estimated, f.as_of, "
        "f.basis, f.evidence_date, f.years_maintained, f.doc_id IS NOT NULL "
        f"FROM {ctx.target} p "
        "LEFT JOIN maintenance f USING (doc_id) ORDER BY f.next_due NULLS LAST, p.doc_id"
    )
    fees = [_Fee(*r) for r in rows]
    ctx.cache["fees"] = fees
    return list(fees)


def _fee_phase(fee: _Fee, today: date) -> str | None:
    """``due`` (next due on or after today), ``grace`` (past due, within grace),
    ``none`` (no fee to pay: dead, or a pending application without a maintenance
    state) or None: unknown."""
    if fee.status in DEAD or fee.state in ("lapsed", "expired"):
        return "none"
    if not fee.has_row:
        return "none" if fee.status == "pending" else None
    if fee.next_due is None:
        # every fee of the term paid, else the engine could not tell
        return "none" if fee.state == "in_force" else None
    if fee.next_due >= today:
        return "due"
    if fee.grace_end is not None and fee.next_due < today <= fee.grace_end:
        return "grace"
    return None  # grace over: only the data can say whether it was paid


def annuity_due(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Granted patents whose next annual (CN) or maintenance (US) fee is due within
    ``days`` of the run's day; each due date alerts once."""
    del previous
    until = ctx.today + timedelta(days=ctx.monitor.days)
    found, unknown = [], 0
    for fee in _fees(ctx):
        phase = _fee_phase(fee, ctx.today)
        if phase is None:
            unknown += 1
        if phase != "due" or fee.next_due is None or fee.next_due > until:
            continue
        left = (fee.next_due - ctx.today).days
        found.append(
            Found(
                fee.doc,
                fee.pub,
                f"{fee.doc}|{fee.next_due.isoformat()}",
                f"年费到期：{_number(fee.pub, fee.doc)} {fee.fee_name()}应于 "
                f"{fee.next_due.isoformat()} 前缴纳（还有 {left} 天）"
                + (f"，宽限期至 {fee.grace_end.isoformat()}" if fee.grace_end else "")
                + ("（按缴费规则推算）" if fee.estimated else ""),
                fee.evidence(),
            )
        )
    return RuleResult(tuple(found), unknown=unknown)


def grace(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Granted patents whose fee is past due and within grace on the run's day."""
    del previous
    found, unknown = [], 0
    for fee in _fees(ctx):
        phase = _fee_phase(fee, ctx.today)
        if phase is None:
            unknown += 1
        if phase != "grace" or fee.next_due is None or fee.grace_end is None:
            continue
        found.append(
            Found(
                fee.doc,
                fee.pub,
                f"{fee.doc}|{fee.next_due.isoformat()}",
                f"进入宽限期：{_number(fee.pub, fee.doc)} {fee.fee_name()}应缴日 "
                f"{fee.next_due.isoformat()} 已过，宽限期至 {fee.grace_end.isoformat()}"
                "（需缴滞纳金）；逾期未缴，专利权自应缴日起终止",
                fee.evidence(),
            )
        )
    return RuleResult(tuple(found), unknown=unknown)


def high_maintenance(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """高维持年限专利提醒: patents maintained at least ``years`` years whose next fee is
    due within ``days`` or in grace."""
    del previous
    until = ctx.today + timedelta(days=ctx.monitor.days)
    found, unknown = [], 0
    for fee in _fees(ctx):
        phase = _fee_phase(fee, ctx.today)
        if phase is None or (phase in ("due", "grace") and fee.years is None):
            unknown += 1
            continue
        if fee.years is None or fee.years < ctx.monitor.years or fee.next_due is None:
            continue
        if phase == "due" and fee.next_due <= until:
            what = f"应于 {fee.next_due.isoformat()} 前缴纳"
        elif phase == "grace" and fee.grace_end is not None:
            what = (
                f"应缴日 {fee.next_due.isoformat()} 已过，宽限期至 "
                f"{fee.grace_end.isoformat()}"
            )
        else:
            continue
        found.append(
            Found(
                fee.doc,
                fee.pub,
                f"{fee.doc}|{fee.next_due.isoformat()}",
                f"高维持年限专利：{_number(fee.pub, fee.doc)} 已维持 {fee.years} 年，"
                f"{fee.fee_name()}{what}",
                fee.evidence(),
            )
        )
    return RuleResult(tuple(found), unknown=unknown)


def expiry(ctx: RuleContext, previous: dict[str, str] | None) -> RuleResult:
    """Rights whose term ends within ``months`` of the run's day; an estimated expiry
    (term rules) is said to be estimated."""
    del previous
    until = add_months(ctx.today, ctx.monitor.months)
    rows = ctx.store.rows(
        "SELECT p.doc_id, p.pub_number, p.legal_status, p.expiry_date, "
        "p.expiry_estimated, p.source "
        f"FROM {ctx.target} p "
        "ORDER BY p.expiry_date NULLS LAST, p.doc_id"
    )
    found, unknown = [], 0
    for doc, pub, status, end, estimated, source in rows:
        if status in DEAD or (status == "pending" and end is None):
            continue
        if end is None:
            unknown += 1
            continue
        if not ctx.today <= end <= until:
            continue
        found.append(
            Found(
                doc,
                pub,
                f"{doc}|{end.isoformat()}",
                f"即将届满：{_number(pub, doc)} 保护期将于 {end.isoformat()} 届满"
                + ("（按法定期限估算）" if estimated else ""),
                {
                    "field": "expiry_date",
                    "expiry_date": end.isoformat(),
                    "estimated": bool(estimated),
                    "legal_status": status,
                    "source": "期限规则估算" if estimated else source,
                },
            )
        )
    return RuleResult(tuple(found), unknown=unknown)


Rule = Callable[[RuleContext, "dict[str, str] | None"], RuleResult]

RULE_FUNCTIONS: dict[str, Rule] = {
    "new-documents": new_documents,
    "new-applicants": new_applicants,
    "status-change": status_change,
    "event": event,
    "annuity-due": annuity_due,
    "grace": grace,
    "expiry": expiry,
    "high-maintenance": high_maintenance,
}
