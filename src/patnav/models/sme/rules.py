"""The SME cultivation library's dynamic-adjustment rules (动态调整) as checks: they
propose, a person applies the transition (``patnav sme remove``).

(a) ``no_progress``: in the library for ``years_without_progress`` years (2) with no
    substantive progress in the last as many years → propose 退库. Progress is what the
    data can show (:class:`RuleThresholds`): the enterprise's new applications (申请日)
    and grants (授权日) in the window, transfers, licences and pledges of its documents
    (the store's ``events``), and progress it declared (``sme_events`` ``progress``).
    Without it the result is ``unknown``, never "no progress", when the patent data
    ends before the as-of day, when no applicant name is linked to the enterprise, or
    when the store holds no legal event for any of its documents.
(b) ``incident``: any criterion-10 event → propose 退库: an abnormal-filing flag of the
    detector, or a declared major accident, violation or serious dishonesty
    (``sme_events`` ``incident``). Unknown when the detector did not run or could not
    compare the enterprise's documents and nothing was declared.
(c) ``replenishment``: admissions after the initial intake may not exceed
    ``replenish_factor`` (2) × the enterprises that graduated (出库): the quota, used
    and left.

The state of each enterprise is taken from its events effective on or before the as-of
day, so the rules can be run for a past day.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from patnav.errors import InvalidParameterError
from patnav.models.capability import enterprise_documents_sql
from patnav.models.sme.check import FILER_PARTIES
from patnav.models.sme.library import (
    IN_LIBRARY,
    STATE_ZH,
    TRANSITIONS,
    LibraryEvent,
    library_events,
    library_province,
)
from patnav.storage.store import PatentStore
from patnav.yamlsafe import shipped_with_overrides

RuleResult = Literal["propose", "clear", "unknown", "not_due"]

RULE_RESULT_ZH: dict[str, str] = {
    "propose": "建议退库",
    "clear": "未发现",
    "unknown": "待核实",
    "not_due": "入库未满期限",
}
RULE_ZH = {
    "no_progress": "入库满两年无实质性进展",
    "incident": "非正常专利申请、重大事故、违法违规或严重失信",
}
EVENT_TYPE_ZH = {"transfer": "转让", "licence": "许可", "pledge": "质押"}


@dataclass(frozen=True, slots=True)
class RuleThresholds:
    """The rules' thresholds (``library_rules.yaml`` documents each)."""

    years_without_progress: int = 2
    count_applications: bool = True
    count_grants: bool = True
    progress_event_types: tuple[str, ...] = ("transfer", "licence", "pledge")
    replenish_factor: int = 2

    @classmethod
    def load(cls, path: Path | None = None) -> RuleThresholds:
        """The shipped ``library_rules.yaml``, or ``path`` over it.

        Raises:
            InvalidParameterError: an unknown name or a value of the wrong kind.
        """
        known = [f.name for f in fields(cls)]
        data = shipped_with_overrides(
            "patnav.models.sme", "library_rules.yaml", path, sorted(known)
        )
        for name in ("years_without_progress", "replenish_factor"):
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidParameterError(f"阈值 {name} 应为正整数，实为 {value!r}。")
        for name in ("count_applications", "count_grants"):
            if not isinstance(data[name], bool):
                raise InvalidParameterError(
                    f"阈值 {name} 应为 true 或 false，实为 {data[name]!r}。"
                )
        types = data["progress_event_types"]
        if not isinstance(types, list) or not all(isinstance(x, str) for x in types):
            raise InvalidParameterError(
                "阈值 progress_event_types 应为事件类型列表，如 [transfer, licence, pledge]。"
            )
        return cls(**{**data, "progress_event_types": tuple(types)})

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["progress_event_types"] = list(self.progress_event_types)
        return out


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule's result for one enterprise in the library."""

    rule: str
    enterprise_id: str
    name: str
    state: str
    admitted_on: date | None
    result: RuleResult
    reason: str
    evidence: dict[str, Any]
    ask: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_label": RULE_ZH[self.rule],
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "state": self.state,
            "state_label": STATE_ZH[self.state],
            "admitted_on": self.admitted_on.isoformat() if self.admitted_on else None,
            "result": self.result,
            "result_label": RULE_RESULT_ZH[self.result],
            "reason": self.reason,
            "evidence": self.evidence,
            "ask": self.ask,
        }


@dataclass(frozen=True, slots=True)
class Replenishment:
    """Rule (c): admissions after the initial intake against the quota."""

    factor: int
    initial_until: date | None
    initial: int
    admissions: int
    graduates: int
    quota: int
    used: int

    @property
    def left(self) -> int:
        return self.quota - self.used

    @property
    def over(self) -> bool:
        return self.used > self.quota

    def text(self) -> str:
        if self.initial_until is None:
            return "尚无入库企业"
        head = (
            f"首批入库（{self.initial_until} 及以前）{self.initial} 家；出库 "
            f"{self.graduates} 家，可补充入库 {self.factor}×{self.graduates} = "
            f"{self.quota} 家，已补充 {self.used} 家，"
        )
        return head + (f"超出 {-self.left} 家" if self.over else f"尚余 {self.left} 家")

    def to_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "initial_until": self.initial_until.isoformat()
            if self.initial_until
            else None,
            "initial": self.initial,
            "admissions": self.admissions,
            "graduates": self.graduates,
            "quota": self.quota,
            "used": self.used,
            "left": self.left,
            "over": self.over,
            "text": self.text(),
        }


@dataclass(frozen=True, slots=True)
class LibraryRules:
    """The dynamic-adjustment rules over a province's library on a day."""

    province: str
    as_of: date
    thresholds: RuleThresholds
    checks: tuple[RuleCheck, ...]
    replenishment: Replenishment
    data_until: date | None
    abnormal_checked: bool
    notes: tuple[str, ...] = ()

    @property
    def proposals(self) -> tuple[RuleCheck, ...]:
        return tuple(c for c in self.checks if c.result == "propose")

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "as_of": self.as_of.isoformat(),
            "data_until": self.data_until.isoformat() if self.data_until else None,
            "abnormal_checked": self.abnormal_checked,
            "thresholds": self.thresholds.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "proposals": [
                {"enterprise_id": c.enterprise_id, "name": c.name, "rule": c.rule}
                for c in self.proposals
            ],
            "replenishment": self.replenishment.to_dict(),
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        columns = ["企业名称", "状态", "入库日期", "规则", "结果", "说明", "待补充"]
        return pd.DataFrame(
            [
                {
                    "企业名称": c.name,
                    "状态": STATE_ZH[c.state],
                    "入库日期": c.admitted_on,
                    "规则": RULE_ZH[c.rule],
                    "结果": RULE_RESULT_ZH[c.result],
                    "说明": c.reason,
                    "待补充": c.ask or "",
                }
                for c in self.checks
            ],
            columns=columns,
        )


@dataclass(frozen=True, slots=True)
class _Member:
    enterprise_id: str
    name: str
    state: str
    admitted_on: date | None


def states_on(
    events: tuple[LibraryEvent, ...], names: Mapping[str, str], day: date
) -> list[_Member]:
    """Each enterprise's state after its transitions effective on or before ``day``."""
    members: dict[str, _Member] = {}
    for e in events:
        if e.effective_date > day or e.action not in TRANSITIONS:
            continue
        old = members.get(e.enterprise_id)
        admitted = e.effective_date if e.action == "admit" else None
        if admitted is None and old is not None and e.action != "apply":
            admitted = old.admitted_on
        members[e.enterprise_id] = _Member(
            e.enterprise_id,
            names.get(e.enterprise_id, e.enterprise_id),
            str(e.to_state),
            admitted,
        )
    return sorted(members.values(), key=lambda m: m.name)


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


_GRANTED = (
    "(p.patent_type IN ('utility_model', 'design') OR p.kind LIKE 'B%' "
    "OR p.kind LIKE 'C%' OR p.legal_status = 'active')"
)


def _progress_counts(
    store: PatentStore, start: date, end: date, thresholds: RuleThresholds
) -> dict[str, dict[str, Any]]:
    """Per enterprise, over the window (start, end]: applications (申请日, else the
    source's 申请年 when the whole year lies in the window), grants (授权日) and progress
    events (dated) surely in it (``*_in``), and those that may be (``*_maybe``: a 申请年
    straddling a bound, a granted document or a progress event without a date); the
    documents and legal events the store holds for it."""
    types = list(thresholds.progress_event_types) or ["-"]
    marks = ", ".join(f"$t{i}" for i in range(len(types)))
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(FILER_PARTIES)}),
    docs AS (
        SELECT ed.actor, p.doc_id, coalesce(p.app_number, p.doc_id) AS unit,
               p.pub_number, p.app_date, p.grant_date, {_GRANTED} AS granted,
               CASE WHEN p.app_date IS NULL AND json_valid(p.extras) THEN TRY_CAST(
                   json_extract_string(p.extras, '$.申请年') AS INTEGER) END AS app_year
        FROM ed JOIN patents p ON p.doc_id = ed.doc_id
    ),
    spans AS (
        SELECT *,
            coalesce(app_date, make_date(app_year, 1, 1)) AS app_from,
            coalesce(app_date, make_date(app_year, 12, 31)) AS app_to
        FROM docs
    ),
    ev AS (
        SELECT d.actor, d.pub_number, e.type, e.date
        FROM docs d JOIN events e ON e.doc_id = d.doc_id
    ),
    docs_agg AS (
        SELECT actor,
            count(DISTINCT unit) AS documents,
            count(DISTINCT unit) FILTER (WHERE app_from > $s AND app_to <= $e)
                AS applications_in,
            count(DISTINCT unit) FILTER (WHERE app_from IS NULL
                OR (app_to > $s AND app_from <= $e
                    AND NOT (app_from > $s AND app_to <= $e))) AS applications_maybe,
            count(DISTINCT unit) FILTER (WHERE grant_date > $s AND grant_date <= $e)
                AS grants_in,
            count(DISTINCT unit) FILTER (WHERE grant_date IS NULL AND granted)
                AS grants_maybe,
            list_sort(list(DISTINCT pub_number) FILTER (
                WHERE app_from > $s AND app_to <= $e)) AS application_samples,
            list_sort(list(DISTINCT pub_number) FILTER (
                WHERE grant_date > $s AND grant_date <= $e)) AS grant_samples
        FROM spans GROUP BY actor
    ),
    ev_agg AS (
        SELECT actor, count(*) AS events_known,
            count(*) FILTER (WHERE type IN ({marks}) AND date > $s AND date <= $e)
                AS events_in,
            count(*) FILTER (WHERE type IN ({marks}) AND date IS NULL) AS events_maybe,
            list_sort(list(DISTINCT type || ' ' || coalesce(pub_number, '') || ' ' ||
                coalesce(strftime(date, '%Y-%m-%d'), '日期不详'))
                FILTER (WHERE type IN ({marks})
                AND (date IS NULL OR (date > $s AND date <= $e)))) AS event_samples
        FROM ev GROUP BY actor
    )
    SELECT d.*, coalesce(e.events_known, 0) AS events_known,
        coalesce(e.events_in, 0) AS events_in,
        coalesce(e.events_maybe, 0) AS events_maybe, e.event_samples
    FROM docs_agg d LEFT JOIN ev_agg e USING (actor)
    """
    params: dict[str, Any] = {"s": start, "e": end}
    params.update({f"t{i}": t for i, t in enumerate(types)})
    out: dict[str, dict[str, Any]] = {}
    for r in store.query(sql, params).to_pylist():
        out[str(r["actor"])] = r
    return out


def _no_progress(
    m: _Member,
    as_of: date,
    thresholds: RuleThresholds,
    counts: dict[str, Any] | None,
    declared: list[LibraryEvent],
    data_until: date | None,
) -> RuleCheck:
    years = thresholds.years_without_progress
    start = _shift_years(as_of, years)

    def made(
        result: RuleResult, reason: str, ev: dict[str, Any], ask: str | None = None
    ) -> RuleCheck:
        return RuleCheck(
            "no_progress", m.enterprise_id, m.name, m.state, m.admitted_on, result,
            reason, ev, ask,
        )  # fmt: skip

    if m.admitted_on is None or m.admitted_on > start:
        since = f"{m.admitted_on} 入库" if m.admitted_on else "入库日期未载"
        return made("not_due", f"{since}，至 {as_of} 未满 {years} 年", {})
    evidence: dict[str, Any] = {
        "window": [start.isoformat(), as_of.isoformat()],
        "data_until": data_until.isoformat() if data_until else None,
        "declared": [
            {"date": d.effective_date.isoformat(), "reason": d.reason, "by": d.actor}
            for d in declared
        ],
    }
    found: list[str] = []
    maybe: list[str] = []
    if declared:
        found.append(f"申报进展 {len(declared)} 项（{declared[-1].effective_date}）")
    if counts is not None:
        apps = thresholds.count_applications
        grants = thresholds.count_grants
        evs = bool(thresholds.progress_event_types)
        evidence.update(
            documents=int(counts["documents"]),
            applications=int(counts["applications_in"]) if apps else None,
            applications_undated=int(counts["applications_maybe"]) if apps else None,
            grants=int(counts["grants_in"]) if grants else None,
            grants_undated=int(counts["grants_maybe"]) if grants else None,
            events_known=int(counts["events_known"]),
            progress_events=int(counts["events_in"]) if evs else None,
            progress_events_undated=int(counts["events_maybe"]) if evs else None,
            samples={
                "applications": list(counts["application_samples"] or [])[:5],
                "grants": list(counts["grant_samples"] or [])[:5],
                "events": list(counts["event_samples"] or [])[:5],
            },
        )
        kinds = "、".join(
            EVENT_TYPE_ZH.get(t, t) for t in thresholds.progress_event_types
        )
        for on, key, label in (
            (apps, "applications", "新申请"),
            (grants, "grants", "新授权"),
            (evs, "events", f"{kinds}事件"),
        ):
            if on and counts[f"{key}_in"]:
                found.append(f"{label} {counts[f'{key}_in']} 件")
            if on and counts[f"{key}_maybe"]:
                maybe.append(f"{label} {counts[f'{key}_maybe']} 件日期不详或跨期")
    window = f"{start} 至 {as_of}"
    if found:
        return made("clear", f"{window} 有实质性进展：{'，'.join(found)}", evidence)
    missing: list[str] = []
    if maybe:
        missing.append("，".join(maybe) + "，可能在期内")
    if data_until is None or data_until < as_of:
        missing.append(f"专利数据截至 {data_until or '（无日期）'}，早于判断日 {as_of}")
    if counts is None:
        missing.append("企业库未关联到该企业的专利申请人（patnav enterprises link）")
    elif thresholds.progress_event_types and not counts["events_known"]:
        missing.append("专利数据中没有该企业专利的法律事件，转让、许可、质押无从判断")
    if missing:
        return made(
            "unknown",
            f"{window} 未见确定的进展，但" + "；".join(missing),
            evidence,
            "请导入带日期的专利数据（含法律事件），或请企业申报进展"
            "（patnav sme declare --progress）",
        )
    return made(
        "propose",
        f"{m.admitted_on} 入库，{window} 无新申请、新授权、转让/许可/质押，也未申报进展"
        "（申请公布有滞后，近期申请可能尚未公开）",
        evidence,
    )


def _incident(
    m: _Member,
    abnormal: Mapping[str, list[str]] | None,
    unchecked: Collection[str],
    declared: list[LibraryEvent],
) -> RuleCheck:
    flags = list((abnormal or {}).get(m.enterprise_id, []))
    evidence: dict[str, Any] = {
        "abnormal_flags": flags if abnormal is not None else None,
        "declared": [
            {"date": d.effective_date.isoformat(), "reason": d.reason, "by": d.actor}
            for d in declared
        ],
    }
    found = [f"非正常专利申请：{f}" for f in flags] + [
        f"{d.effective_date} 登记：{d.reason}" for d in declared
    ]
    if found:
        return RuleCheck(
            "incident", m.enterprise_id, m.name, m.state, m.admitted_on, "propose",
            "；".join(found), evidence,
        )  # fmt: skip
    if abnormal is None or m.enterprise_id in unchecked:
        why = (
            "未运行非正常专利申请检测"
            if abnormal is None
            else "部分专利缺少摘要或权利要求，未能比对"
        )
        return RuleCheck(
            "incident", m.enterprise_id, m.name, m.state, m.admitted_on, "unknown",
            f"{why}；未登记重大事故、违法违规或严重失信", evidence,
            "请提供完整专利文本以检测非正常申请，或核实后登记（patnav sme declare --incident）",
        )  # fmt: skip
    return RuleCheck(
        "incident", m.enterprise_id, m.name, m.state, m.admitted_on, "clear",
        "未检出非正常专利申请，未登记重大事故、违法违规或严重失信", evidence,
    )  # fmt: skip


def _replenishment(
    events: tuple[LibraryEvent, ...], day: date, factor: int, initial_until: date | None
) -> Replenishment:
    admits = [e.effective_date for e in events if e.action == "admit"]
    admits = [d for d in admits if d <= day]
    graduates = sum(
        1 for e in events if e.action == "graduate" and e.effective_date <= day
    )
    first = initial_until or (min(admits) if admits else None)
    initial = sum(1 for d in admits if first is not None and d <= first)
    used = len(admits) - initial
    return Replenishment(
        factor=factor,
        initial_until=first,
        initial=initial,
        admissions=len(admits),
        graduates=graduates,
        quota=factor * graduates,
        used=used,
    )


def library_rules(
    store: PatentStore,
    province: str,
    *,
    as_of: date | None = None,
    thresholds: RuleThresholds | None = None,
    abnormal: Mapping[str, list[str]] | None = None,
    abnormal_unchecked: Collection[str] = (),
    initial_until: date | None = None,
) -> LibraryRules:
    """The dynamic-adjustment rules over the enterprises in the province's library
    (入库 or 培育) on ``as_of`` (default today).

    Args:
        abnormal: the detector's flags by enterprise_id
            (:func:`patnav.models.sme.abnormal.abnormal_flags`); None: not run.
        abnormal_unchecked: enterprises some of whose documents were not compared.
        initial_until: the last day of the initial intake (default: the day of the
            first admission); later admissions are replenishments.
    """
    prov = library_province(province)
    day = as_of or date.today()
    rules = thresholds or RuleThresholds.load()
    events = library_events(store, prov)
    names = {
        str(r[0]): str(r[1])
        for r in store.rows(
            "SELECT enterprise_id, name FROM sme_library WHERE province = ?", [prov]
        )
    }
    members = [m for m in states_on(events, names, day) if m.state in IN_LIBRARY]
    raw_until = store.scalar("SELECT max(pub_date) FROM patents")
    data_until = raw_until if isinstance(raw_until, date) else None
    start = _shift_years(day, rules.years_without_progress)
    counts = _progress_counts(store, start, day, rules) if members else {}
    checks: list[RuleCheck] = []
    for m in members:
        mine = [e for e in events if e.enterprise_id == m.enterprise_id]
        progress = [
            e
            for e in mine
            if e.action == "progress" and start < e.effective_date <= day
        ]
        incidents = [
            e
            for e in mine
            if e.action == "incident"
            and e.effective_date <= day
            and (m.admitted_on is None or e.effective_date >= m.admitted_on)
        ]
        checks.append(
            _no_progress(
                m, day, rules, counts.get(m.enterprise_id), progress, data_until
            )
        )
        checks.append(_incident(m, abnormal, abnormal_unchecked, incidents))
    notes: list[str] = []
    if not members:
        notes.append(f"{day} 时{prov}培育库中没有在库企业")
    if abnormal is None:
        notes.append("未运行非正常专利申请检测：规则二仅依据登记的事项")
    return LibraryRules(
        province=prov,
        as_of=day,
        thresholds=rules,
        checks=tuple(checks),
        replenishment=_replenishment(
            events, day, rules.replenish_factor, initial_until
        ),
        data_until=data_until,
        abnormal_checked=abnormal is not None,
        notes=tuple(notes),
    )
