"""Pre-valuation checks (预评估核查) of a pledge portfolio, per patent, with evidence.

Each check is ``pass`` / ``fail`` / ``unknown``, with a Chinese reason and the evidence
behind it (the field or event, its value, date and source). *Unknown* means the data do
not say — it is never read as a pass or a fail::

    in_force         有效性        legal_status / status_detail / status_as_of
    remaining_term   剩余保护期    expiry_date (estimated or not) against the loan's end
    annuity          年费缴纳      maintenance: paid_through_year, next_due, grace_end
    owner            权利人        current_owner (else applicant; a transfer without a
                                   named assignee leaves it unknown) against the borrower
    co_owners        共有情况      the number of owners
    pledge           既有质押      a pledge event with no later release
    licence          许可          licence events
    preservation     财产保全      preservation events
    invalidation     无效宣告      invalidation events, an invalidated status
    litigation       诉讼          litigation events
    patent_type      专利类型      invention vs utility model vs design

A *blocking* check that fails makes the patent unfit for a pledge (the suggested pledge
ratio is zero); the others lower it. A document with no legal event at all leaves the
event checks unknown: its source does not report events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any, Literal

from patnav.enrich.names import name_key
from patnav.errors import InvalidParameterError
from patnav.fees.cn import term_end
from patnav.fees.dates import add_months
from patnav.models.prevalue.portfolio import Borrower, Portfolio
from patnav.schema.vocabulary import STATUS_DETAIL_ZH
from patnav.storage.store import PatentStore

Status = Literal["pass", "fail", "unknown"]

STATUS_ZH: dict[str, str] = {"pass": "通过", "fail": "不通过", "unknown": "未知"}

CHECKS: dict[str, tuple[str, bool]] = {
    "in_force": ("有效性", True),
    "remaining_term": ("剩余保护期", True),
    "annuity": ("年费缴纳", True),
    "owner": ("权利人与借款人一致", True),
    "co_owners": ("共有情况", False),
    "pledge": ("既有质押", True),
    "licence": ("许可", False),
    "preservation": ("财产保全", True),
    "invalidation": ("无效宣告", False),
    "litigation": ("诉讼", False),
    "patent_type": ("专利类型", False),
}
"""Every check: its Chinese label and whether a failure blocks the pledge."""

TYPE_ZH = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}

STATUS_TEXT = {
    "active": "有效",
    "pending": "审中",
    "lapsed": "失效（权利终止）",
    "expired": "期限届满",
    "withdrawn": "撤回",
    "rejected": "驳回",
    "invalidated": "被宣告无效",
}

DETAIL_TEXT = {
    "lapsed_non_payment": "因未缴年费终止",
    "pct_not_entered": "PCT 申请未进入国家阶段",
    "deemed_withdrawn": "视为撤回",
    "abandoned": "放弃",
}


FIELD_ZH = {
    "legal_status": "法律状态",
    "status_detail": "状态原因",
    "legal_status_raw": "来源所载法律状态",
    "expiry_date": "期限届满日",
    "app_date": "申请日",
    "maintenance": "缴费信息",
    "paid_through_year": "已缴至年度",
    "next_due": "下一年费应缴日",
    "grace_end": "宽限期届满日",
    "state": "年费状态",
    "patent_type": "专利类型",
    "kind": "文献类型代码",
}
"""Chinese names of the fields evidence cites (the JSON keeps the field names)."""

STATE_ZH = {
    "in_force": "有效",
    "in_grace": "宽限期内",
    "lapsed": "已终止",
    "expired": "期限届满",
}


def _value_zh(field: str, value: str | None) -> str:
    if value is None:
        return "未载"
    table = {
        "legal_status": STATUS_TEXT,
        "status_detail": STATUS_DETAIL_ZH,
        "state": STATE_ZH,
        "patent_type": TYPE_ZH,
    }.get(field, {})
    return table.get(value, value)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a check rests on: the field or event, its value, its date and its source."""

    field: str
    value: str | None
    date: date | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
        }

    @property
    def label(self) -> str:
        """The field's Chinese name (the field name itself when it has none)."""
        return FIELD_ZH.get(self.field, self.field)

    @property
    def value_label(self) -> str:
        """The value as a reader says it: coded values translated, 未载 when missing."""
        return _value_zh(self.field, self.value)

    def text(self) -> str:
        """One line in Chinese: 字段：值（日期，来源）."""
        extra = [
            x for x in (self.date.isoformat() if self.date else "", self.source) if x
        ]
        tail = f"（{'，'.join(extra)}）" if extra else ""
        return f"{self.label}：{self.value_label}{tail}"


@dataclass(frozen=True, slots=True)
class Check:
    """One check of one patent."""

    key: str
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def label(self) -> str:
        return CHECKS[self.key][0]

    @property
    def blocking(self) -> bool:
        return CHECKS[self.key][1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "status": self.status,
            "status_label": STATUS_ZH[self.status],
            "blocking": self.blocking,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """The loan the portfolio would secure: start, term in months, borrower, amount
    (万元; None: not stated)."""

    start: date
    term_months: int
    borrower: str | None = None
    amount_wan: float | None = None

    @property
    def end(self) -> date:
        """The loan's last day (start plus the term)."""
        return add_months(self.start, self.term_months)

    def validate(self) -> LoanTerms:
        """The terms, checked.

        Raises:
            InvalidParameterError: a term outside 1–600 months, a negative amount.
        """
        if not 1 <= self.term_months <= 600:
            raise InvalidParameterError(
                f"贷款期限（月）应在 1–600 之间，实为 {self.term_months}。"
            )
        if self.amount_wan is not None and self.amount_wan < 0:
            raise InvalidParameterError(f"贷款金额不能为负，实为 {self.amount_wan}。")
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "term_months": self.term_months,
            "end": self.end.isoformat(),
            "borrower": self.borrower,
            "amount_wan": self.amount_wan,
        }


@dataclass(frozen=True, slots=True)
class PatentChecks:
    """The checks of one patent of the portfolio (``found`` False: not in the store,
    no checks)."""

    given: str
    doc_id: str | None
    pub_number: str | None = None
    title: str | None = None
    patent_type: str | None = None
    legal_status: str | None = None
    app_date: date | None = None
    grant_date: date | None = None
    expiry_date: date | None = None
    expiry_estimated: bool | None = None
    remaining_years: float | None = None
    paid_through_year: int | None = None
    owners: tuple[str, ...] = ()
    source: str | None = None
    checks: tuple[Check, ...] = ()
    score: float | None = None
    grade: str | None = None
    score_dims: dict[str, float | None] = field(default_factory=dict)
    peer_values: tuple[Evidence, ...] = ()
    claims_count: int | None = None
    cited_by_count: int | None = None

    @property
    def found(self) -> bool:
        return self.doc_id is not None

    def check(self, key: str) -> Check:
        """The check called ``key``."""
        for c in self.checks:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "fail")

    @property
    def unknown(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "unknown")

    @property
    def blocked(self) -> bool:
        """A blocking check failed: not fit for a pledge."""
        return any(c.blocking for c in self.failed)

    @property
    def grade_label(self) -> str:
        return self.grade or "未评分"

    def to_dict(self) -> dict[str, Any]:
        return {
            "given": self.given,
            "found": self.found,
            "doc_id": self.doc_id,
            "pub_number": self.pub_number,
            "title": self.title,
            "patent_type": self.patent_type,
            "legal_status": self.legal_status,
            "app_date": _iso(self.app_date),
            "grant_date": _iso(self.grant_date),
            "expiry_date": _iso(self.expiry_date),
            "expiry_estimated": self.expiry_estimated,
            "remaining_years": (
                round(self.remaining_years, 2)
                if self.remaining_years is not None
                else None
            ),
            "paid_through_year": self.paid_through_year,
            "owners": list(self.owners),
            "source": self.source,
            "checks": [c.to_dict() for c in self.checks],
            "blocked": self.blocked if self.found else None,
            "score": self.score,
            "grade": self.grade,
            "grade_label": self.grade_label,
            "score_dims": self.score_dims,
            "peer_values": [e.to_dict() for e in self.peer_values],
            "claims_count": self.claims_count,
            "cited_by_count": self.cited_by_count,
        }


@dataclass(frozen=True, slots=True)
class PortfolioChecks:
    """The checks of a portfolio: per patent, with the loan, the borrower, the day the
    checks are for and the data cut-off they rest on."""

    portfolio: Portfolio
    loan: LoanTerms
    borrower: Borrower | None
    patents: tuple[PatentChecks, ...]
    as_of: date
    data_cutoff: date | None
    cutoff_note: str

    @property
    def found(self) -> tuple[PatentChecks, ...]:
        return tuple(p for p in self.patents if p.found)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per check: how many patents pass, fail, are unknown."""
        out: dict[str, dict[str, int]] = {
            k: {"pass": 0, "fail": 0, "unknown": 0} for k in CHECKS
        }
        for p in self.found:
            for c in p.checks:
                out[c.key][c.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "portfolio": self.portfolio.to_dict(),
            "loan": self.loan.to_dict(),
            "borrower": self.borrower.to_dict() if self.borrower else None,
            "as_of": self.as_of.isoformat(),
            "data_cutoff": _iso(self.data_cutoff),
            "cutoff_note": self.cutoff_note,
            "counts": self.counts(),
            "patents": [p.to_dict() for p in self.patents],
        }

    def to_frame(self) -> Any:
        """One row per patent × check (pandas)."""
        import pandas as pd

        rows = []
        for p in self.patents:
            if not p.found:
                rows.append(
                    {
                        "given": p.given,
                        "pub_number": None,
                        "check": None,
                        "status": None,
                        "reason": "库中无此专利",
                    }
                )
            for c in p.checks:
                rows.append(
                    {
                        "given": p.given,
                        "pub_number": p.pub_number,
                        "check": c.label,
                        "status": STATUS_ZH[c.status],
                        "reason": c.reason,
                    }
                )
        return pd.DataFrame(rows)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _by_doc(
    store: PatentStore, sql: str, ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(sql, [ids]).to_pylist():
        out.setdefault(str(row["doc_id"]), []).append(row)
    return out


def _has_table(store: PatentStore, name: str) -> bool:
    return bool(
        store.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [name],
        )
    )


def _event_order(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # undated events (a database's event list) are in the source's order: seq
    if all(e["date"] is not None for e in events):
        return sorted(events, key=lambda e: (e["date"], e["seq"] or 0))
    return sorted(events, key=lambda e: e["seq"] or 0)


def _ev(e: dict[str, Any], source: str | None) -> Evidence:
    return Evidence(
        f"法律事件·{e['code'] or e['type']}",
        e["description"] or e["code"] or e["type"],
        e["date"],
        e["source"] or source,
    )


def _in_force(
    p: dict[str, Any], events: list[dict[str, Any]], src: str | None
) -> Check:
    status = p["legal_status"]
    detail = p["status_detail"]
    as_of = p["status_as_of"]
    ev = [
        Evidence("legal_status", status, as_of, src),
        Evidence("status_detail", detail, as_of, src),
        Evidence("legal_status_raw", p["legal_status_raw"], None, src),
    ]
    dated = f"（截至 {as_of}）" if as_of else "（来源未注明状态日期）"
    if status is None:
        why = "数据未载明当前法律状态"
        if p["status_source"] == "term":
            why += "：估算的保护期已届满，但无届满或终止的记录"
        return Check("in_force", "unknown", why + "，有效性未知。", tuple(ev))
    if status == "active":
        return Check("in_force", "pass", f"法律状态为有效{dated}。", tuple(ev))
    lapses = [e for e in events if e["type"] in ("lapse", "expiry", "invalidation")]
    ev += [_ev(e, src) for e in lapses]
    text = DETAIL_TEXT.get(detail or "", STATUS_TEXT.get(status, status))
    if status == "pending":
        return Check(
            "in_force",
            "fail",
            f"尚未授权（{text}）{dated}，专利申请不能办理专利权质押。",
            tuple(ev),
        )
    return Check(
        "in_force", "fail", f"专利权已不在有效状态：{text}{dated}。", tuple(ev)
    )


def _expiry(p: dict[str, Any]) -> tuple[date | None, bool | None, str]:
    if p["expiry_date"] is not None:
        est = bool(p["expiry_estimated"])
        return p["expiry_date"], est, "按期限规则估算" if est else "数据载明"
    if p["office"] == "CN" and p["app_date"] and p["patent_type"] in TYPE_ZH:
        return term_end(p["patent_type"], p["app_date"]), True, "按申请日与期限规则估算"
    return None, None, ""


def _remaining(p: dict[str, Any], loan: LoanTerms, src: str | None) -> Check:
    end, _estimated, how = _expiry(p)
    if end is None:
        return Check(
            "remaining_term",
            "unknown",
            "数据未载期限届满日，也无申请日可估算，剩余保护期未知。",
            (
                Evidence("expiry_date", None, None, src),
                Evidence("app_date", None, None, src),
            ),
        )
    ev = (
        Evidence(
            "expiry_date", end.isoformat(), None, f"{how}；{src or ''}".strip("；")
        ),
    )
    if end >= loan.end:
        return Check(
            "remaining_term",
            "pass",
            f"保护期至 {end}（{how}），覆盖贷款期（至 {loan.end}）。",
            ev,
        )
    return Check(
        "remaining_term",
        "fail",
        f"保护期至 {end}（{how}），早于贷款到期日 {loan.end}。",
        ev,
    )


def _annuity(
    p: dict[str, Any],
    m: dict[str, Any] | None,
    events: list[dict[str, Any]],
    src: str | None,
) -> Check:
    unpaid = [
        e
        for e in events
        if e["type"] == "lapse"
        and "年费" in f"{e['code'] or ''}{e['description'] or ''}"
    ]
    if unpaid or p["status_detail"] == "lapsed_non_payment":
        ev = [_ev(e, src) for e in unpaid] or [
            Evidence("status_detail", p["status_detail"], p["status_as_of"], src)
        ]
        return Check("annuity", "fail", "有未缴年费导致专利权终止的记录。", tuple(ev))
    if m is None:
        return Check(
            "annuity",
            "unknown",
            "数据未载缴费信息，也无申请日、授权日可推算年费状态。",
            (Evidence("maintenance", None, None, src),),
        )
    basis = {"events": "法律事件", "source": "来源法律状态", "grant": "授权日"}.get(
        m["basis"] or "", m["basis"] or "未知"
    )
    mev = (
        Evidence(
            "paid_through_year",
            _plain(m["paid_through_year"]),
            m["evidence_date"],
            basis,
        ),
        Evidence("next_due", _plain(m["next_due"]), None, "年费规则"),
        Evidence("grace_end", _plain(m["grace_end"]), None, "年费规则"),
        Evidence(
            "state", m["state"], m["as_of"], "推算" if m["state_estimated"] else basis
        ),
    )
    paid = (
        f"已缴至第 {m['paid_through_year']} 年度（依据{basis}）"
        if m["paid_through_year"] is not None
        else "已缴年度未知"
    )
    state = m["state"]
    if state == "in_force":
        est = "（按规则推算，数据未载此后的缴费）" if m["state_estimated"] else ""
        nxt = (
            f"，下一年费应缴日 {m['next_due']}，宽限期至 {m['grace_end']}"
            if m["next_due"]
            else ""
        )
        return Check("annuity", "pass", f"{paid}{nxt}{est}。", mev)
    if state == "in_grace":
        return Check(
            "annuity",
            "fail",
            f"{paid}；应于 {m['next_due']} 缴纳的年费已逾期，处于宽限期（至 {m['grace_end']}），"
            "须补缴年费及滞纳金。",
            mev,
        )
    if state in ("lapsed", "expired"):
        what = "专利权已终止" if state == "lapsed" else "保护期已届满"
        return Check("annuity", "fail", f"{paid}；{what}，不再缴纳年费。", mev)
    return Check(
        "annuity",
        "unknown",
        f"{paid}；应于 {m['next_due']} 缴纳的年费宽限期已过（{m['grace_end']}），"
        "数据未载是否已缴。",
        mev,
    )


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _owners(
    parties: list[dict[str, Any]], events: list[dict[str, Any]], src: str | None
) -> tuple[list[dict[str, Any]], str, list[Evidence], bool]:
    """The current owners, the role they come from, evidence, and whether a transfer
    leaves them unknown."""
    current = [r for r in parties if r["role"] == "current_owner"]
    transfers = [e for e in _event_order(events) if e["type"] == "transfer"]
    ev = [_ev(e, src) for e in transfers]
    if current:
        return (
            current,
            "current_owner",
            [Evidence("当前权利人", r["name"], None, src) for r in current] + ev,
            False,
        )
    if transfers and transfers[-1]["parties"]:
        named = [
            {"name": n.strip(), "norm_name": name_key(n.strip()), "entity_id": None}
            for n in str(transfers[-1]["parties"]).replace("；", ";").split(";")
            if n.strip()
        ]
        return named, "transfer", ev, False
    applicants = [r for r in parties if r["role"] == "applicant"]
    return (
        applicants,
        "applicant",
        [Evidence("申请人", r["name"], None, src) for r in applicants] + ev,
        bool(transfers),
    )


def _owner_checks(
    parties: list[dict[str, Any]],
    events: list[dict[str, Any]],
    borrower: Borrower | None,
    src: str | None,
) -> tuple[Check, Check, tuple[str, ...]]:
    owners, role, ev, moved = _owners(parties, events, src)
    names = tuple(dict.fromkeys(str(r["name"]) for r in owners if r["name"]))
    role_zh = {
        "current_owner": "当前权利人",
        "transfer": "最近一次转让的受让人",
        "applicant": "申请人",
    }[role]
    if moved:
        owner = Check(
            "owner",
            "unknown",
            f"有权利转移记录但数据未载受让人；申请人为 {'、'.join(names) or '未载'}，"
            "当前权利人未知。",
            tuple(ev),
        )
        co = Check("co_owners", "unknown", "当前权利人未知，共有情况未知。", tuple(ev))
        return owner, co, names
    if not owners:
        owner = Check("owner", "unknown", "数据未载权利人或申请人。", tuple(ev))
        co = Check("co_owners", "unknown", "数据未载权利人，共有情况未知。", tuple(ev))
        return owner, co, names
    keys = {str(r["norm_name"] or name_key(str(r["name"] or ""))) for r in owners}
    keys.discard("")
    if len(keys) > 1:
        co = Check(
            "co_owners",
            "fail",
            f"共有专利：{role_zh}共 {len(keys)} 个（{'、'.join(names)}），"
            "出质须经全体共有人同意。",
            tuple(ev),
        )
    else:
        co = Check("co_owners", "pass", f"{role_zh}仅 {names[0]} 一方。", tuple(ev))
    if borrower is None:
        owner = Check(
            "owner",
            "unknown",
            f"未给出借款人；{role_zh}为 {'、'.join(names)}。",
            tuple(ev),
        )
        return owner, co, names
    matched = [
        r
        for r in owners
        if (r["norm_name"] or name_key(str(r["name"] or ""))) in borrower.keys
        or (r["entity_id"] and r["entity_id"] in borrower.entity_ids)
    ]
    basis = "（来源未载当前权利人，以申请人为准）" if role == "applicant" else ""
    if matched:
        return (
            Check(
                "owner",
                "pass",
                f"{role_zh} {matched[0]['name']} 即借款人 {borrower.name}{basis}。",
                tuple(ev),
            ),
            co,
            names,
        )
    return (
        Check(
            "owner",
            "fail",
            f"{role_zh}为 {'、'.join(names)}，不是借款人 {borrower.name}{basis}。",
            tuple(ev),
        ),
        co,
        names,
    )


def _pledge(events: list[dict[str, Any]], src: str | None) -> Check:
    if not events:
        return Check("pledge", "unknown", "数据未载任何法律事件，无法判断是否已质押。")
    chain = [
        e for e in _event_order(events) if e["type"] in ("pledge", "pledge_release")
    ]
    ev = tuple(_ev(e, src) for e in chain)
    if not chain:
        return Check("pledge", "pass", "法律事件中无质押记录。")
    open_pledges = 0
    for e in chain:
        open_pledges = (
            open_pledges + 1 if e["type"] == "pledge" else max(0, open_pledges - 1)
        )
    if open_pledges:
        last = [e for e in chain if e["type"] == "pledge"][-1]
        when = f"（{last['date']}）" if last["date"] else "（日期未载）"
        return Check(
            "pledge",
            "fail",
            f"存在未解除的质押{when}，须先解除质押方可再次出质。",
            ev,
        )
    return Check("pledge", "pass", "曾质押，已解除。", ev)


def _event_check(
    key: str,
    types: Sequence[str],
    events: list[dict[str, Any]],
    src: str | None,
    what: str,
) -> Check:
    if not events:
        return Check(key, "unknown", f"数据未载任何法律事件，{what}情况未知。")
    found = [e for e in _event_order(events) if e["type"] in types]
    if not found:
        return Check(key, "pass", f"法律事件中无{what}记录。")
    dates = "、".join(str(e["date"]) for e in found if e["date"]) or "日期未载"
    advice = {
        "licence": "需核实许可类型（独占许可会影响质押价值与处置）",
        "preservation": "专利权被采取保全措施期间不能出质",
        "invalidation": "需核实无效宣告审查结论",
        "litigation": "需核实诉讼进展及对权利稳定性的影响",
    }[key]
    return Check(
        key,
        "fail",
        f"有 {len(found)} 条{what}记录（{dates}），{advice}。",
        tuple(_ev(e, src) for e in found),
    )


def _type_check(p: dict[str, Any], src: str | None) -> Check:
    kind = p["patent_type"]
    ev = (
        Evidence("patent_type", kind, None, src),
        Evidence("kind", p["kind"], None, src),
    )
    if kind == "invention":
        return Check("patent_type", "pass", "发明专利：经实质审查，保护期 20 年。", ev)
    if kind == "utility_model":
        return Check(
            "patent_type",
            "fail",
            "实用新型：未经实质审查，保护期 10 年，稳定性风险较高；建议取得专利权评价报告，"
            "质押率下调。",
            ev,
        )
    if kind == "design":
        return Check(
            "patent_type",
            "fail",
            "外观设计：未经实质审查，保护产品外观而非技术方案，保护期 10 或 15 年；质押率下调。",
            ev,
        )
    return Check("patent_type", "unknown", "数据未载专利类型。", ev)


def data_cutoff(store: PatentStore, ids: list[str]) -> tuple[date | None, str]:
    """The latest date the portfolio's data show (publication, filing, grant, status
    date), else the day its files were imported; with a sentence saying which."""
    if not ids:
        return None, "组合中没有库内专利，数据截止日未知。"
    row = store.query(
        "SELECT max(greatest(pub_date, app_date, grant_date, status_as_of)) AS d "
        "FROM patents WHERE list_contains(?, doc_id)",
        [ids],
    ).to_pylist()[0]
    if row["d"] is not None:
        return row[
            "d"
        ], f"组合专利数据所载最晚日期（公开、申请、授权或法律状态日）为 {row['d']}。"
    imported = store.scalar(
        "SELECT max(i.finished_at) FROM provenance pr JOIN imports i USING (import_id) "
        "WHERE list_contains(?, pr.doc_id)",
        [ids],
    )
    if imported is not None:
        day = imported.date() if hasattr(imported, "date") else imported
        return (
            day,
            f"数据未载日期，以导入日 {day} 为数据截止日（来源数据的实际截止日可能更早）。",
        )
    return None, "数据未载日期，也无导入记录，数据截止日未知。"


def run_checks(
    store: PatentStore,
    portfolio: Portfolio,
    loan: LoanTerms,
    *,
    borrower: Borrower | None = None,
    as_of: date | None = None,
) -> PortfolioChecks:
    """Check every patent of ``portfolio`` for a pledge securing ``loan``.

    Args:
        store: the open store.
        portfolio: the patents (numbers not in the store are reported, not dropped).
        loan: start, term, borrower name, amount.
        borrower: the borrower as identified (:func:`~.portfolio.borrower_of`); None:
            no owner comparison (the owner check is unknown).
        as_of: the day remaining years are counted from (default: today).
    """
    loan.validate()
    today = as_of or date.today()
    ids = list(portfolio.doc_ids)
    patents = {
        str(r["doc_id"]): r
        for r in store.query(
            "SELECT doc_id, pub_number, kind, office, title, patent_type, app_date, "
            "grant_date, legal_status, legal_status_raw, status_detail, status_as_of, "
            "status_source, expiry_date, expiry_estimated, source, claims_count, "
            "cited_by_count FROM patents "
            "WHERE list_contains(?, doc_id)",
            [ids],
        ).to_pylist()
    }
    files = {
        str(r["doc_id"]): PurePath(str(r["file"])).name
        for r in store.query(
            "SELECT doc_id, min(file) AS file FROM provenance WHERE list_contains(?, doc_id) "
            "GROUP BY doc_id",
            [ids],
        ).to_pylist()
    }
    parties = _by_doc(
        store,
        "SELECT doc_id, role, seq, name, norm_name, entity_id FROM parties "
        "WHERE list_contains(?, doc_id) AND role IN ('current_owner', 'applicant') "
        "ORDER BY doc_id, role, seq",
        ids,
    )
    events = _by_doc(
        store,
        "SELECT doc_id, seq, date, type, code, description, parties, source FROM events "
        "WHERE list_contains(?, doc_id) ORDER BY doc_id, seq",
        ids,
    )
    maint = {
        k: v[0]
        for k, v in _by_doc(
            store, "SELECT * FROM maintenance WHERE list_contains(?, doc_id)", ids
        ).items()
    }
    scores: dict[str, dict[str, Any]] = {}
    if _has_table(store, "value_scores"):
        scores = {
            k: v[0]
            for k, v in _by_doc(
                store,
                "SELECT doc_id, score, grade, legal, technical, economic FROM value_scores "
                "WHERE use = 'pledge' AND list_contains(?, doc_id)",
                ids,
            ).items()
        }
    peers = _by_doc(
        store,
        "SELECT doc_id, value, unit, source, raw FROM indicators "
        "WHERE name = 'value' AND list_contains(?, doc_id)",
        ids,
    )
    results = []
    for item in portfolio.items:
        if item.doc_id is None or item.doc_id not in patents:
            results.append(PatentChecks(item.given, None))
            continue
        p = patents[item.doc_id]
        src = files.get(item.doc_id) or p["source"]
        evs = events.get(item.doc_id, [])
        owner, co, owners = _owner_checks(
            parties.get(item.doc_id, []), evs, borrower, src
        )
        end, estimated, _ = _expiry(p)
        m = maint.get(item.doc_id)
        s = scores.get(item.doc_id)
        checks = (
            _in_force(p, evs, src),
            _remaining(p, loan, src),
            _annuity(p, m, evs, src),
            owner,
            co,
            _pledge(evs, src),
            _event_check("licence", ("licence",), evs, src, "许可"),
            _event_check("preservation", ("preservation",), evs, src, "保全"),
            _invalidation(p, evs, src),
            _event_check("litigation", ("litigation",), evs, src, "诉讼"),
            _type_check(p, src),
        )
        results.append(
            PatentChecks(
                item.given,
                item.doc_id,
                p["pub_number"],
                p["title"],
                p["patent_type"],
                p["legal_status"],
                p["app_date"],
                p["grant_date"],
                end,
                estimated,
                (end - today).days / 365.25 if end else None,
                m["paid_through_year"] if m else None,
                owners,
                src,
                checks,
                s["score"] if s else None,
                s["grade"] if s and s["score"] is not None else None,
                {k: s[k] for k in ("legal", "technical", "economic")} if s else {},
                tuple(
                    Evidence(
                        f"数据库估值（{r['unit'] or '币种未载'}）",
                        r["raw"] or _plain(r["value"]),
                        None,
                        r["source"],
                    )
                    for r in peers.get(item.doc_id, [])
                ),
                p["claims_count"],
                p["cited_by_count"],
            )
        )
    cutoff, note = data_cutoff(store, ids)
    return PortfolioChecks(
        portfolio, loan, borrower, tuple(results), today, cutoff, note
    )


def _invalidation(
    p: dict[str, Any], events: list[dict[str, Any]], src: str | None
) -> Check:
    if p["legal_status"] == "invalidated":
        return Check(
            "invalidation",
            "fail",
            "专利权已被宣告无效。",
            (Evidence("legal_status", "invalidated", p["status_as_of"], src),),
        )
    return _event_check("invalidation", ("invalidation",), events, src, "无效宣告")
