"""Lists of the SME cultivation library: for banks (在库企业, their patents in force,
pledges registered, value scores where the store has them) and for 政策匹配 (policy items
held as data: conditions over the ten-criteria results, register fields and the library
state; per enterprise matched, not matched or unknown with the missing input).

Nothing is guessed: a figure the store cannot give is ``None`` and said so (pledges
without any legal event of the enterprise's documents, value scores never computed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from patnav.errors import InvalidParameterError
from patnav.models.capability import enterprise_documents_sql
from patnav.models.sme.check import OWNER_PARTIES
from patnav.models.sme.library import (
    IN_LIBRARY,
    STATE_ZH,
    LibraryEntry,
    events_frame,
    library_events,
    list_library,
)
from patnav.models.sme.results import CRITERIA, RESULT_ZH
from patnav.models.sme.rules import LibraryRules
from patnav.storage.store import PatentStore
from patnav.yamlsafe import load_yaml_file

PATENT_TYPES = ("invention", "utility_model", "design")
PATENT_TYPE_ZH = {
    "invention": "发明",
    "utility_model": "实用新型",
    "design": "外观设计",
}


# -- the bank list --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One enterprise in the library, as a bank reads it."""

    enterprise_id: str
    name: str
    uscc: str | None
    state: str
    admitted_on: Any
    in_force: dict[str, int]
    """in-force applications (``coalesce(app_number, doc_id)``) by patent type"""
    status_unknown: int
    """applications of the enterprise whose legal status the store does not know"""
    in_force_numbers: tuple[str, ...]
    pledges: int | None
    """pledge registrations (质押登记) on its documents; None: no legal event known"""
    pledge_releases: int | None
    pledged_now: tuple[str, ...] | None
    """documents whose last pledge event is not followed by a release"""
    value_use: str
    value_scored: int | None
    """in-force documents with a value score for ``value_use``; None: never scored"""
    value_mean: float | None
    value_grades: dict[str, int] | None

    @property
    def in_force_total(self) -> int:
        return sum(self.in_force.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "uscc": self.uscc,
            "state": self.state,
            "state_label": STATE_ZH[self.state],
            "admitted_on": self.admitted_on.isoformat() if self.admitted_on else None,
            "in_force": dict(self.in_force),
            "in_force_total": self.in_force_total,
            "status_unknown": self.status_unknown,
            "in_force_numbers": list(self.in_force_numbers),
            "pledges": self.pledges,
            "pledge_releases": self.pledge_releases,
            "pledged_now": list(self.pledged_now)
            if self.pledged_now is not None
            else None,
            "value_use": self.value_use,
            "value_scored": self.value_scored,
            "value_mean": self.value_mean,
            "value_grades": self.value_grades,
        }


@dataclass(frozen=True, slots=True)
class BankList:
    """The library's enterprises for banks (质押融资对接)."""

    province: str
    entries: tuple[BankEntry, ...]
    status_as_of: Any
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "status_as_of": str(self.status_as_of) if self.status_as_of else None,
            "entries": [e.to_dict() for e in self.entries],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        def unknown(value: Any, text: str) -> Any:
            return text if value is None else value

        rows = []
        for e in self.entries:
            rows.append(
                {
                    "企业名称": e.name,
                    "统一社会信用代码": e.uscc or "",
                    "状态": STATE_ZH[e.state],
                    "入库日期": e.admitted_on,
                    "有效发明": e.in_force["invention"],
                    "有效实用新型": e.in_force["utility_model"],
                    "有效外观设计": e.in_force["design"],
                    "法律状态未知": e.status_unknown,
                    "质押登记": unknown(e.pledges, "未知（无法律事件数据）"),
                    "质押解除": unknown(e.pledge_releases, "未知（无法律事件数据）"),
                    "仍在质押": "未知（无法律事件数据）"
                    if e.pledged_now is None
                    else "、".join(e.pledged_now) or "无",
                    "已评估件数": unknown(e.value_scored, "未评估"),
                    "价值评分均值": unknown(e.value_mean, "未评估"),
                    "有效专利": "、".join(e.in_force_numbers),
                }
            )
        return pd.DataFrame(rows)


def _bank_sql() -> str:
    return f"""
    WITH ed AS ({enterprise_documents_sql(OWNER_PARTIES)}),
    units AS (
        SELECT ed.actor, coalesce(p.app_number, p.doc_id) AS unit, p.patent_type,
               max(CASE WHEN p.legal_status = 'active' THEN 1 ELSE 0 END) AS active,
               max(CASE WHEN p.legal_status IS NULL THEN 1 ELSE 0 END) AS unknown,
               min(p.pub_number) AS pub
        FROM ed JOIN patents p ON p.doc_id = ed.doc_id
        GROUP BY ALL
    )
    SELECT actor, patent_type,
           count(*) FILTER (WHERE active = 1) AS in_force,
           count(*) FILTER (WHERE active = 0 AND unknown = 1) AS status_unknown,
           list_sort(list(pub) FILTER (WHERE active = 1)) AS numbers
    FROM units GROUP BY actor, patent_type
    """


def _pledge_sql() -> str:
    return f"""
    WITH ed AS ({enterprise_documents_sql(OWNER_PARTIES)}),
    ev AS (
        SELECT ed.actor, p.doc_id, p.pub_number, e.type, e.date
        FROM ed JOIN patents p ON p.doc_id = ed.doc_id
        JOIN events e ON e.doc_id = p.doc_id
    ),
    per_doc AS (
        SELECT actor, doc_id, any_value(pub_number) AS pub,
               max(date) FILTER (WHERE type = 'pledge') AS last_pledge,
               max(date) FILTER (WHERE type = 'pledge_release') AS last_release,
               count(*) FILTER (WHERE type = 'pledge') AS pledges,
               count(*) FILTER (WHERE type = 'pledge_release') AS releases
        FROM ev GROUP BY actor, doc_id
    )
    SELECT actor, sum(pledges) AS pledges, sum(releases) AS releases,
           list_sort(list(pub) FILTER (WHERE pledges > 0 AND (last_release IS NULL
               OR last_pledge > last_release))) AS pledged_now
    FROM per_doc GROUP BY actor
    """


def _value_sql() -> str:
    return f"""
    WITH ed AS ({enterprise_documents_sql(OWNER_PARTIES)})
    SELECT ed.actor, count(DISTINCT v.doc_id) AS scored, avg(v.score) AS mean,
           list(v.grade) AS grades
    FROM ed JOIN patents p ON p.doc_id = ed.doc_id AND p.legal_status = 'active'
    JOIN value_scores v ON v.doc_id = p.doc_id AND v.use = ? AND v.score IS NOT NULL
    GROUP BY ed.actor
    """


def bank_list(
    store: PatentStore,
    province: str,
    *,
    value_use: str = "pledge",
    entries: Sequence[LibraryEntry] | None = None,
) -> BankList:
    """The enterprises in the province's library (入库, 培育) with their patents in force
    (the owner — 当前权利人, else the applicant — linked to the enterprise, as criterion 4
    counts), the pledges registered on their documents and their ``value_use`` value
    scores (``patnav value score``) where the store has them."""
    library = list_library(store, province, states=IN_LIBRARY)
    chosen = list(entries) if entries is not None else list(library.entries)
    notes: list[str] = []
    units: dict[str, dict[str, Any]] = {}
    for r in store.query(_bank_sql()).to_pylist():
        u = units.setdefault(
            str(r["actor"]),
            {"in_force": dict.fromkeys(PATENT_TYPES, 0), "unknown": 0, "numbers": []},
        )
        if r["patent_type"] in PATENT_TYPES:
            u["in_force"][r["patent_type"]] += int(r["in_force"])
            u["numbers"] += [n for n in r["numbers"] or [] if n]
        u["unknown"] += int(r["status_unknown"])
    pledges = {str(r["actor"]): r for r in store.query(_pledge_sql()).to_pylist()}
    has_values = bool(
        store.scalar("SELECT count(*) > 0 FROM value_scores WHERE use = ?", [value_use])
    )
    values = (
        {str(r["actor"]): r for r in store.query(_value_sql(), [value_use]).to_pylist()}
        if has_values
        else {}
    )
    if not has_values:
        notes.append(
            f"专利数据未做价值评估（用途 {value_use}）：价值评分为未知；"
            f"可先运行 patnav value score --use {value_use}"
        )
    register = {
        str(r[0]): r[1]
        for r in store.rows("SELECT enterprise_id, uscc FROM enterprises")
    }
    out = []
    for e in chosen:
        u = units.get(
            e.enterprise_id,
            {"in_force": dict.fromkeys(PATENT_TYPES, 0), "unknown": 0, "numbers": []},
        )
        p = pledges.get(e.enterprise_id)
        v = values.get(e.enterprise_id)
        grades: dict[str, int] | None = None
        if has_values:
            grades = {}
            for g in (v or {}).get("grades") or []:
                if g:
                    grades[g] = grades.get(g, 0) + 1
        out.append(
            BankEntry(
                enterprise_id=e.enterprise_id,
                name=e.name,
                uscc=register.get(e.enterprise_id),
                state=e.state,
                admitted_on=e.admitted_on,
                in_force=u["in_force"],
                status_unknown=u["unknown"],
                in_force_numbers=tuple(sorted(u["numbers"])),
                pledges=int(p["pledges"]) if p else None,
                pledge_releases=int(p["releases"]) if p else None,
                pledged_now=tuple(p["pledged_now"] or ()) if p else None,
                value_use=value_use,
                value_scored=(int(v["scored"]) if v else 0) if has_values else None,
                value_mean=round(float(v["mean"]), 1) if v else None,
                value_grades=grades,
            )
        )
    if any(e.pledges is None for e in out):
        notes.append(
            "部分企业的专利在数据中没有任何法律事件：其质押情况为未知（请导入含法律事件的数据）"
        )
    return BankList(
        province=library.province,
        entries=tuple(out),
        status_as_of=store.scalar("SELECT max(status_as_of) FROM patents"),
        notes=tuple(notes),
    )


# -- policy matching ------------------------------------------------------------------

Match = Literal["matched", "not_matched", "unknown"]
MATCH_ZH = {"matched": "符合", "not_matched": "不符合", "unknown": "待核实"}

_OPS = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}

FIELD_ZH = {
    "size": "企业规模",
    "province": "省份",
    "city": "城市",
    "industry_code": "行业代码",
    "employees": "从业人员",
    "revenue_wan": "营业收入（万元）",
    "assets_wan": "资产总额（万元）",
    "rd_spending_wan": "研发投入（万元）",
    "rd_staff": "研发人员",
    "listing": "上市情况",
    "patents_in_force": "有效专利件数",
    "inventions_in_force": "有效发明专利件数",
    "pledges": "质押登记次数",
}
_DERIVED = ("patents_in_force", "inventions_in_force", "pledges")


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a policy item: on a criterion's result, the check's verdict, a
    register field (or a figure of the bank list) or the library state."""

    kind: Literal["criterion", "verdict", "field", "state"]
    key: str
    op: str
    value: Any
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "op": self.op, "value": self.value}


@dataclass(frozen=True, slots=True)
class Policy:
    """A policy item (政策条目) and its conditions, from the user's file."""

    name: str
    source: str | None
    conditions: tuple[Condition, ...]
    row: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "conditions": [c.to_dict() for c in self.conditions],
        }


def _bad(path: Path, where: str, what: str) -> InvalidParameterError:
    return InvalidParameterError(
        f"政策文件 {path} {where}：{what}（格式见 docs/sme.md「政策匹配」）。"
    )


def _condition(path: Path, where: str, raw: Any) -> Condition:
    if not isinstance(raw, dict):
        raise _bad(path, where, f"条件应为映射，实为 {raw!r}")
    if "criterion" in raw:
        n = raw["criterion"]
        want = raw.get("is", "pass")
        if not isinstance(n, int) or n not in CRITERIA or want not in RESULT_ZH:
            raise _bad(
                path, where, "criterion 应为 1–10，is 应为 pass、fail 或 unknown"
            )
        return Condition(
            "criterion",
            str(n),
            "is",
            want,
            f"第{n}项「{CRITERIA[n]}」{RESULT_ZH[want]}",
        )
    if "verdict" in raw:
        want = raw["verdict"]
        if want not in ("eligible", "not_eligible", "incomplete"):
            raise _bad(path, where, "verdict 应为 eligible、not_eligible 或 incomplete")
        return Condition("verdict", "verdict", "is", want, f"核查结论为 {want}")
    if "state" in raw:
        states = raw["state"] if isinstance(raw["state"], list) else [raw["state"]]
        if not states or any(s not in STATE_ZH for s in states):
            raise _bad(path, where, f"state 应为 {'、'.join(STATE_ZH)} 之一或其列表")
        return Condition(
            "state",
            "state",
            "in",
            list(states),
            "培育库状态为" + "或".join(STATE_ZH[s] for s in states),
        )
    if "field" in raw:
        name = raw["field"]
        if name not in FIELD_ZH:
            raise _bad(path, where, f"未知字段 {name!r}；可用：{'、'.join(FIELD_ZH)}")
        ops = [k for k in raw if k != "field"]
        if len(ops) != 1 or ops[0] not in (*_OPS, "in", "is"):
            raise _bad(path, where, "字段条件须有且只有一个 in、is、>=、<=、> 或 <")
        op = ops[0]
        value = raw[op]
        if op in _OPS and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise _bad(path, where, f"{op} 的值应为数字，实为 {value!r}")
        if op == "in" and not isinstance(value, list):
            raise _bad(path, where, "in 的值应为列表")
        shown = "、".join(map(str, value)) if op == "in" else str(value)
        return Condition("field", name, op, value, f"{FIELD_ZH[name]} {op} {shown}")
    raise _bad(path, where, "条件须为 criterion、verdict、field 或 state 之一")


def read_policies(path: Path) -> tuple[Policy, ...]:
    """Policy items from a YAML file: ``policies:`` a list of ``name``, optional
    ``source`` and ``conditions`` (all must hold).

    Raises:
        InvalidParameterError: a malformed item, with its position.
    """
    data = load_yaml_file(path)
    items = data.get("policies") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise _bad(path, "顶层", "应有 policies: 政策条目列表")
    out = []
    for i, item in enumerate(items, start=1):
        where = f"第 {i} 条"
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise _bad(path, where, "每条须有 name")
        conds = item.get("conditions")
        if not isinstance(conds, list) or not conds:
            raise _bad(path, where, "每条须有至少一个条件 conditions")
        out.append(
            Policy(
                name=str(item["name"]).strip(),
                source=str(item["source"]) if item.get("source") else None,
                conditions=tuple(
                    _condition(path, f"{where}第 {j} 个条件", c)
                    for j, c in enumerate(conds, start=1)
                ),
                row=i,
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class PolicyMatch:
    """One enterprise × policy item."""

    enterprise_id: str
    name: str
    policy: str
    result: Match
    failed: tuple[str, ...]
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "policy": self.policy,
            "result": self.result,
            "result_label": MATCH_ZH[self.result],
            "failed": list(self.failed),
            "missing": list(self.missing),
        }


@dataclass(frozen=True, slots=True)
class PolicyMatches:
    """Every enterprise of the library against every policy item."""

    province: str
    policies: tuple[Policy, ...]
    matches: tuple[PolicyMatch, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "policies": [p.to_dict() for p in self.policies],
            "matches": [m.to_dict() for m in self.matches],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "企业名称": m.name,
                    "政策": m.policy,
                    "结果": MATCH_ZH[m.result],
                    "不符合的条件": "；".join(m.failed),
                    "待补充": "；".join(m.missing),
                }
                for m in self.matches
            ],
            columns=["企业名称", "政策", "结果", "不符合的条件", "待补充"],
        )


def _evaluate(
    c: Condition,
    check: Mapping[str, Any] | None,
    facts: Mapping[str, Any],
    state: str,
) -> tuple[bool | None, str]:
    """(holds, what is missing when None)."""
    if c.kind == "state":
        return state in c.value, ""
    if c.kind in ("criterion", "verdict"):
        if check is None:
            return None, "十项条件核查结果（先申报或审核：patnav sme apply / review）"
        if c.kind == "verdict":
            return check.get("verdict") == c.value, ""
        crit = next(
            (x for x in check.get("criteria", []) if str(x.get("criterion")) == c.key),
            None,
        )
        if crit is None:
            return None, f"第{c.key}项核查结果"
        if crit.get("result") == "unknown" and c.value != "unknown":
            return None, f"第{c.key}项：{crit.get('ask') or '待核实'}"
        return crit.get("result") == c.value, ""
    value = facts.get(c.key)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None, FIELD_ZH[c.key]
    if c.op == "in":
        return value in c.value, ""
    if c.op == "is":
        return value == c.value, ""
    return bool(_OPS[c.op](float(value), float(c.value))), ""


def match_policies(
    store: PatentStore,
    province: str,
    policies: Sequence[Policy],
    *,
    checks: Mapping[str, Mapping[str, Any]] | None = None,
    states: Sequence[str] = IN_LIBRARY,
) -> PolicyMatches:
    """Every enterprise of the library in ``states`` against every policy item.

    Args:
        checks: each enterprise's ten-criteria check (``EnterpriseEligibility.to_dict()``)
            by enterprise_id; None: the check stored at its last 申报 or 审核.
    """
    library = list_library(store, province, states=states)
    notes: list[str] = []
    if checks is None:
        checks = {}
        for ev in library_events(store, library.province):
            if ev.check is not None:
                checks[ev.enterprise_id] = ev.check  # the latest wins
        notes.append("十项条件取自各企业最近一次申报或审核时的核查结果")
    fields = [k for k in FIELD_ZH if k not in _DERIVED]
    register = {
        str(r["enterprise_id"]): r
        for r in store.query(
            f"SELECT enterprise_id, {', '.join(fields)} FROM enterprises"
        ).to_pylist()
    }
    need_bank = any(
        c.kind == "field" and c.key in _DERIVED for p in policies for c in p.conditions
    )
    bank = (
        {
            b.enterprise_id: b
            for b in bank_list(store, province, entries=library.entries).entries
        }
        if need_bank
        else {}
    )
    out = []
    for e in library.entries:
        facts: dict[str, Any] = dict(register.get(e.enterprise_id, {}))
        if facts.get("size") == "unknown":
            facts["size"] = None
        b = bank.get(e.enterprise_id)
        if b is not None:
            facts["patents_in_force"] = b.in_force_total
            facts["inventions_in_force"] = b.in_force["invention"]
            facts["pledges"] = b.pledges
        for p in policies:
            failed, missing = [], []
            for c in p.conditions:
                holds, lack = _evaluate(c, checks.get(e.enterprise_id), facts, e.state)
                if holds is None:
                    missing.append(f"{c.label}：缺{lack}")
                elif not holds:
                    failed.append(c.label)
            result: Match = (
                "not_matched" if failed else "unknown" if missing else "matched"
            )
            out.append(
                PolicyMatch(
                    e.enterprise_id,
                    e.name,
                    p.name,
                    result,
                    tuple(failed),
                    tuple(missing),
                )
            )
    return PolicyMatches(library.province, tuple(policies), tuple(out), tuple(notes))


def library_frames(
    store: PatentStore,
    province: str,
    *,
    rules: LibraryRules | None = None,
    policies: Sequence[Policy] | None = None,
) -> dict[str, pd.DataFrame]:
    """The library's tables by sheet name, for a workbook: 培育库, 流转记录, 动态调整 (with
    ``rules``), 补充入库, 银行推荐名单 and 政策匹配 (with ``policies``)."""
    library = list_library(store, province)
    names = {e.enterprise_id: e.name for e in library.entries}
    frames = {
        "培育库": library.to_frame(),
        "流转记录": events_frame(library_events(store, library.province), names),
    }
    if rules is not None:
        frames["动态调整"] = rules.to_frame()
        quota = rules.replenishment.to_dict()
        frames["补充入库"] = pd.DataFrame(
            [
                {
                    "判断日": rules.as_of,
                    "首批入库截至": quota["initial_until"],
                    "首批入库": quota["initial"],
                    "入库合计": quota["admissions"],
                    "出库": quota["graduates"],
                    "可补充": quota["quota"],
                    "已补充": quota["used"],
                    "尚余": quota["left"],
                    "说明": quota["text"],
                }
            ]
        )
    frames["银行推荐名单"] = bank_list(store, province).to_frame()
    if policies is not None:
        frames["政策匹配"] = match_policies(store, province, policies).to_frame()
    return frames
