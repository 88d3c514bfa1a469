"""质押融资授信白名单 candidates: enterprises whose portfolios pass the pre-valuation checks.

Candidates are the register's enterprises with their linked patents when the store holds a
register; otherwise the companies among the patents' owners (current owner, else
applicant), grouped by resolved entity — said so in ``basis``. Every patent is checked once
(:func:`~.checks.run_checks`, against a loan of ``loan_months``), then per enterprise:

* a patent *passes* when it is in force and no blocking check fails;
* a candidate holds at least ``min_inventions`` passing in-force invention patents;
* candidates rank by passing inventions, then patents graded A or B (``value_scores``,
  use ``pledge``), then passing patents, then the mean remaining term.

Each entry gives its reasons and what was unknown (check by check).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from patnav.models.prevalue.checks import CHECKS, LoanTerms, PatentChecks, run_checks
from patnav.models.prevalue.portfolio import (
    Portfolio,
    PortfolioItem,
    borrower_of,
    owned_documents,
)
from patnav.storage.store import PatentStore

COLUMNS_ZH = {
    "rank": "排名",
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "region": "地区",
    "patents": "专利数",
    "passing": "通过核查专利数",
    "inventions": "通过核查的有效发明专利数",
    "graded_ab": "价值等级A/B专利数",
    "unscored": "未评分专利数",
    "mean_remaining_years": "平均剩余保护期（年）",
    "reasons": "入选理由",
    "unknown": "未知事项",
}


@dataclass(frozen=True, slots=True)
class WhiteListEntry:
    """One candidate enterprise and why."""

    rank: int
    name: str
    uscc: str | None
    region: str
    patents: int
    passing: int
    inventions: int
    graded_ab: int
    unscored: int
    mean_remaining_years: float | None
    reasons: str
    unknown: str

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in COLUMNS_ZH}


@dataclass(frozen=True, slots=True)
class WhiteList:
    """The ranked candidates; ``basis``: ``register`` or ``applicants``."""

    entries: tuple[WhiteListEntry, ...]
    basis: str
    note: str
    region: str | None
    as_of: date
    loan_months: int
    considered: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "note": self.note,
            "region": self.region,
            "as_of": self.as_of.isoformat(),
            "loan_months": self.loan_months,
            "considered": self.considered,
            "entries": [e.to_dict() for e in self.entries],
        }

    def to_frame(self) -> Any:
        """The entries with Chinese column names (pandas)."""
        import pandas as pd

        return pd.DataFrame(
            [e.to_dict() for e in self.entries], columns=list(COLUMNS_ZH)
        ).rename(columns=COLUMNS_ZH)


@dataclass(slots=True)
class _Owner:
    name: str
    uscc: str | None
    region: str
    docs: list[str]


def _register_owners(store: PatentStore, region: str | None) -> list[_Owner]:
    where, params = "TRUE", []
    if region:
        where = "(province LIKE ? OR city LIKE ? OR district LIKE ?)"
        params = [f"%{region}%"] * 3
    owners = []
    for row in store.query(
        f"SELECT enterprise_id, name, uscc, province, city FROM enterprises WHERE {where} "
        "ORDER BY name",
        params,
    ).to_pylist():
        docs = owned_documents(store, borrower_of(store, row["enterprise_id"]))
        if docs:
            place = "".join(x for x in (row["province"], row["city"]) if x)
            owners.append(_Owner(row["name"], row["uscc"], place, docs))
    return owners


def _applicant_owners(store: PatentStore, region: str | None) -> list[_Owner]:
    where, params = "", []
    if region:
        where = "AND (o.province LIKE ? OR o.city LIKE ? OR o.district LIKE ?)"
        params = [f"%{region}%"] * 3
    rows = store.query(
        f"""
        WITH has_owner AS (
            SELECT DISTINCT doc_id FROM parties WHERE role = 'current_owner'
        )
        SELECT coalesce(o.entity_id, o.norm_name, o.name) AS owner, o.doc_id, o.name,
               o.province, o.city
        FROM parties o
        -- a store not yet enriched has no party types: a company's name says it
        WHERE (o.party_type = 'company'
               OR (o.party_type IS NULL AND regexp_matches(o.name, '(公司|厂)$')))
          AND (o.role = 'current_owner'
               OR (o.role = 'applicant' AND o.doc_id NOT IN (SELECT doc_id FROM has_owner)))
          {where}
        """,
        params,
    ).to_pylist()
    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"docs": [], "names": Counter(), "places": Counter()}
    )
    for r in rows:
        g = groups[str(r["owner"])]
        g["docs"].append(str(r["doc_id"]))
        g["names"][r["name"]] += 1
        g["places"]["".join(x for x in (r["province"], r["city"]) if x)] += 1
    return [
        _Owner(
            g["names"].most_common(1)[0][0],
            None,
            g["places"].most_common(1)[0][0],
            sorted(set(g["docs"])),
        )
        for g in groups.values()
    ]


def _passes(p: PatentChecks) -> bool:
    return p.check("in_force").status == "pass" and not p.blocked


def _entry(owner: _Owner, checked: list[PatentChecks]) -> dict[str, Any]:
    passing = [p for p in checked if _passes(p)]
    inventions = [p for p in passing if p.patent_type == "invention"]
    graded = [p for p in passing if p.grade in ("A", "B")]
    unscored = sum(1 for p in passing if p.grade is None)
    remaining = [p.remaining_years for p in passing if p.remaining_years is not None]
    mean = round(sum(remaining) / len(remaining), 2) if remaining else None
    reasons = [
        f"{len(inventions)} 件有效发明专利通过核查（共 {len(passing)}/{len(checked)} 件通过）"
    ]
    if graded:
        reasons.append(f"{len(graded)} 件价值等级为 A/B")
    if unscored:
        reasons.append(f"{unscored} 件未评分")
    if mean is not None:
        reasons.append(f"平均剩余保护期 {mean:.1f} 年（{len(remaining)} 件已知）")
    else:
        reasons.append("剩余保护期均未知")
    # the owner is the candidate by construction: its check has no borrower to compare
    unknown = Counter(c.key for p in passing for c in p.unknown if c.key != "owner")
    text = "；".join(f"{CHECKS[k][0]}未知 {n} 件" for k, n in unknown.most_common())
    return {
        "name": owner.name,
        "uscc": owner.uscc,
        "region": owner.region,
        "patents": len(checked),
        "passing": len(passing),
        "inventions": len(inventions),
        "graded_ab": len(graded),
        "unscored": unscored,
        "mean_remaining_years": mean,
        "reasons": "；".join(reasons) + "。",
        "unknown": text or "无",
    }


def build_whitelist(
    store: PatentStore,
    *,
    region: str | None = None,
    loan_months: int = 12,
    min_inventions: int = 1,
    limit: int | None = None,
    as_of: date | None = None,
) -> WhiteList:
    """The ranked white-list candidates of the store (or of a region).

    Args:
        store: the open store.
        region: a province, city or district name part (湖北, 武汉市); None: all.
        loan_months: the loan term the remaining-term check compares with.
        min_inventions: passing in-force invention patents a candidate needs.
        limit: keep the first ``limit`` candidates.
        as_of: the day remaining terms are counted from (default: today).
    """
    today = as_of or date.today()
    has_register = bool(store.scalar("SELECT count(*) FROM enterprises"))
    owners = _register_owners(store, region) if has_register else []
    if has_register:
        basis = "register"
        note = "候选来自企业库及其与申请人的关联（已关联、已确认）。"
    else:
        owners = _applicant_owners(store, region)
        basis = "applicants"
        note = (
            "库中无企业库，候选为专利权人中的企业（当前权利人，来源未载时为申请人），"
            "按归并后的申请人实体分组，未经工商信息核实。"
        )
    docs = sorted({d for o in owners for d in o.docs})
    checks = run_checks(
        store,
        Portfolio("whitelist", "白名单候选", tuple(PortfolioItem(d, d) for d in docs)),
        LoanTerms(today, loan_months),
        as_of=today,
    )
    by_doc = {p.doc_id: p for p in checks.found}
    rows = []
    for owner in owners:
        checked = [by_doc[d] for d in owner.docs if d in by_doc]
        entry = _entry(owner, checked)
        if entry["inventions"] >= min_inventions:
            rows.append(entry)
    rows.sort(
        key=lambda r: (
            -r["inventions"],
            -r["graded_ab"],
            -r["passing"],
            -(r["mean_remaining_years"] or 0.0),
            r["name"],
        )
    )
    if limit is not None:
        rows = rows[:limit]
    entries = tuple(WhiteListEntry(rank=i, **r) for i, r in enumerate(rows, 1))
    note += (
        f"有效且无否决项不通过的专利计为通过核查；入选须有不少于 {min_inventions} 件"
        f"通过核查的有效发明专利。所有权人即借款人；剩余保护期按 {loan_months} 个月贷款核查。"
    )
    return WhiteList(entries, basis, note, region, today, loan_months, len(owners))
