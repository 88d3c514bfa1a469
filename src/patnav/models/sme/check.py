"""The SME cultivation library admission check (专利产业化促进中小企业成长计划 入库企业基本标准):
ten criteria per enterprise of a province's register, each ``pass`` / ``fail`` / ``unknown``
with its evidence, and a verdict.

A criterion without the data it needs is ``unknown`` with ``ask``: what to ask the
enterprise (or the office) for. Nothing is guessed: a missing figure is never a zero, an
empty declaration cell never a no. The evidence names its source: ``register`` (the
enterprise register, its file and row), ``store`` (the patent data), ``declaration`` (the
enterprise's declarations file and row), ``concordance`` (the 专利密集型产业 list the user
loaded) or ``abnormal`` (the abnormal-filing flags given to the check).

The rules (docs/sme.md says them for users):

1. register province = the library's province; an independent legal person (declared;
   else a 分公司 / 分厂 / 办事处 is not one, a 有限公司 / 股份有限公司 is one — 公司法第三条,
   a 合伙企业 / 个人独资企业 is not; else unknown); register ``size`` small / medium /
   micro (large fails, unknown stays unknown).
2. one of the four statuses declared held and valid on the as-of date (有效期至 on or
   after it); register qualifications are shown as evidence only (they carry no validity).
3. the register's GB/T 4754 code in the loaded concordance (a coarser code some of whose
   classes are listed, or a partly included class, is unknown); the 国民经济分类 codes of
   its patents (store, scheme GBT4754) are shown as evidence.
4. in force (``legal_status`` active) invention or utility-model applications whose owner
   — the current owner (当前权利人), else the applicant — is linked to the enterprise, or
   declared licensed-in patents; and 专利产品备案 declared done.
5. declared 专利产业化率 ≥ 50 %.
6. the register's R&D spending ≥ 500 万元, or ≥ 10 % of its revenue (万元); figures of
   another year than the one before the as-of date are unknown.
7. register R&D staff ≥ 20 % of employees, or co-applications (applicant or owner) with a
   university or institute filed in the as-of year or the three before (application year;
   the year of 申请年 where a source gives no date), or a declared co-operation.
8. own brand declared; 9. IP management system declared.
10. no abnormal-filing flag (``abnormal`` given) and no major accident, violation or
    serious dishonesty declared (all three declared 否): pass only when both are known clean.

Verdict: ``eligible`` when all ten pass, ``not_eligible`` when any fails, ``incomplete``
otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from patnav.enrich.names import name_key
from patnav.errors import InvalidParameterError
from patnav.models.capability import enterprise_documents_sql
from patnav.models.sme.declarations import FLAG_ZH, STATUSES, Declaration
from patnav.models.sme.industries import DenseIndustries
from patnav.storage.store import PatentStore

Result = Literal["pass", "fail", "unknown"]
Verdict = Literal["eligible", "not_eligible", "incomplete"]

CRITERIA: dict[int, str] = {
    1: "注册地、独立法人与中小企业规模",
    2: "专精特新中小企业、高新技术企业、国家知识产权优势/示范企业或工业企业知识产权运用试点资质",
    3: "主营业务属于专利密集型产业",
    4: "主导产品拥有核心专利（自有或许可）并完成专利产品备案",
    5: "专利产业化率不低于50%",
    6: "上年度研发投入占营业收入10%以上或不低于500万元",
    7: "研发人员占从业人员20%以上或与高校院所稳定合作",
    8: "拥有自有品牌",
    9: "建立知识产权管理体系",
    10: "无非正常专利申请、重大安全事故、违法违规和严重失信行为",
}
"""The ten admission criteria, in order, with their Chinese names."""

RESULT_ZH = {"pass": "符合", "fail": "不符合", "unknown": "待核实"}
VERDICT_ZH = {
    "eligible": "符合入库条件",
    "not_eligible": "不符合入库条件",
    "incomplete": "信息不全，待补充",
}
SOURCE_ZH = {
    "register": "企业库",
    "store": "专利数据",
    "declaration": "企业申报",
    "concordance": "专利密集型产业目录",
    "abnormal": "非正常专利申请检测",
}
SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}

RD_SPENDING_MIN_WAN = 500.0
"""Criterion 6: 5,000,000 CNY in 万元."""
RD_SHARE_MIN = 0.10
RD_STAFF_SHARE_MIN = 0.20
INDUSTRIALIZATION_MIN = 0.50
COOP_YEARS = 3

OWNER_PARTIES = """(
    SELECT p.doc_id, p.name, p.entity_id FROM parties p
    WHERE p.role = 'current_owner'
       OR (p.role = 'applicant' AND NOT EXISTS (
           SELECT 1 FROM parties c WHERE c.doc_id = p.doc_id AND c.role = 'current_owner'))
)"""
"""Each document's owners: its current owners (当前权利人), else its applicants."""

FILER_PARTIES = "(SELECT * FROM parties WHERE role IN ('applicant', 'current_owner'))"


def _value_text(value: Any) -> str:
    if value is None:
        return "未载"
    if isinstance(value, dict):
        return "，".join(f"{k} {_value_text(v)}" for k, v in value.items()) or "无"
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value) or "无"
    return str(value)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a criterion rests on: the field, its value, its source and where there."""

    field: str
    label: str
    value: Any
    source: str
    file: str | None = None
    row: str | int | None = None

    def text(self) -> str:
        """One line in Chinese: 名称：值（来源 文件 行）."""
        source = SOURCE_ZH.get(self.source, self.source)
        where = " ".join(
            str(x) for x in (Path(self.file).name if self.file else None, self.row) if x
        )
        value = _value_text(self.value)
        return f"{self.label}：{value}（{source}{' ' + where if where else ''}）"

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "value": self.value,
            "source": self.source,
            "file": self.file,
            "row": self.row,
        }


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of one enterprise: result, reason, evidence; ``ask`` when unknown."""

    criterion: int
    result: Result
    reason: str
    evidence: tuple[Evidence, ...] = ()
    ask: str | None = None

    @property
    def name(self) -> str:
        return CRITERIA[self.criterion]

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "name": self.name,
            "result": self.result,
            "result_label": RESULT_ZH[self.result],
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
            "ask": self.ask if self.result == "unknown" else None,
        }


@dataclass(frozen=True, slots=True)
class EnterpriseEligibility:
    """One enterprise's ten criteria and verdict."""

    enterprise_id: str
    name: str
    uscc: str | None
    province: str | None
    criteria: tuple[Criterion, ...]

    @property
    def verdict(self) -> Verdict:
        results = {c.result for c in self.criteria}
        if "fail" in results:
            return "not_eligible"
        return "eligible" if results == {"pass"} else "incomplete"

    @property
    def missing(self) -> tuple[Criterion, ...]:
        """The unknown criteria: what to ask for."""
        return tuple(c for c in self.criteria if c.result == "unknown")

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "uscc": self.uscc,
            "province": self.province,
            "criteria": [c.to_dict() for c in self.criteria],
            "verdict": self.verdict,
            "verdict_label": VERDICT_ZH[self.verdict],
            "failed": [c.criterion for c in self.criteria if c.result == "fail"],
            "missing": [
                {"criterion": c.criterion, "name": c.name, "ask": c.ask}
                for c in self.missing
            ],
        }


@dataclass(frozen=True, slots=True)
class SmeCheck:
    """The check of a province's enterprises, with what it was run on."""

    province: str
    as_of: date
    dense_industries: str | None
    declarations: tuple[str, ...]
    abnormal_checked: bool
    rows: tuple[EnterpriseEligibility, ...]
    notes: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Enterprises per verdict."""
        out = {"eligible": 0, "not_eligible": 0, "incomplete": 0}
        for r in self.rows:
            out[r.verdict] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "as_of": self.as_of.isoformat(),
            "dense_industries": self.dense_industries,
            "declarations": list(self.declarations),
            "abnormal_checked": self.abnormal_checked,
            "counts": self.counts(),
            "notes": list(self.notes),
            "enterprises": [r.to_dict() for r in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per enterprise: the ten results (符合/不符合/待核实), verdict, asks."""
        records = []
        for r in self.rows:
            rec: dict[str, Any] = {
                "企业名称": r.name,
                "统一社会信用代码": r.uscc,
                "省份": r.province,
            }
            for c in r.criteria:
                rec[f"{c.criterion}. {c.name}"] = RESULT_ZH[c.result]
            rec["结论"] = VERDICT_ZH[r.verdict]
            rec["待补充"] = "；".join(f"{c.criterion}. {c.ask}" for c in r.missing)
            records.append(rec)
        return pd.DataFrame.from_records(records)

    def to_criteria_frame(self) -> pd.DataFrame:
        """One row per enterprise × criterion: result, reason, evidence, what to ask."""
        records = []
        for r in self.rows:
            for c in r.criteria:
                records.append(
                    {
                        "企业名称": r.name,
                        "统一社会信用代码": r.uscc,
                        "序号": c.criterion,
                        "条件": c.name,
                        "结果": RESULT_ZH[c.result],
                        "说明": c.reason,
                        "依据": "；".join(e.text() for e in c.evidence),
                        "待补充": c.ask or "",
                    }
                )
        return pd.DataFrame.from_records(records)


# -- helpers ---------------------------------------------------------------------------


def short_province(name: object) -> str:
    """A province without its suffix: 湖北省 → 湖北, 广西壮族自治区 → 广西."""
    text = name.strip() if isinstance(name, str) else ""
    return re.sub(r"(省|市|(壮族|回族|维吾尔)?自治区|特别行政区)$", "", text)


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _combine(
    number: int, parts: Sequence[tuple[Result, str, str | None]], ev: list[Evidence]
) -> Criterion:
    """A criterion from its parts (result, reason, ask): any fail fails, all pass pass."""
    results = {p[0] for p in parts}
    result: Result = (
        "fail" if "fail" in results else "pass" if results == {"pass"} else "unknown"
    )
    reason = "；".join(p[1] for p in parts)
    asks = [p[2] for p in parts if p[0] == "unknown" and p[2]]
    return Criterion(
        number,
        result,
        reason,
        tuple(ev),
        "；".join(asks) if result == "unknown" else None,
    )


class _Facts:
    """Everything the criteria read for one enterprise."""

    def __init__(
        self,
        row: Mapping[str, Any],
        quals: list[dict[str, Any]],
        declaration: Declaration | None,
    ) -> None:
        self.row = row
        self.quals = quals
        self.decl = declaration

    def reg(self, column: str, label: str) -> Evidence:
        return Evidence(
            column,
            label,
            _plain(self.row.get(column)),
            "register",
            _str(self.row.get("source_file")),
            _str(self.row.get("source_position")),
        )

    def dec(self, key: str, label: str, value: Any) -> Evidence:
        assert self.decl is not None
        return Evidence(key, label, value, "declaration", self.decl.file, self.decl.row)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays (list columns) and numpy scalars
        return value.tolist()
    if isinstance(value, list | tuple):
        return list(value)
    return value


# -- the criteria ----------------------------------------------------------------------

_BRANCH = re.compile(r"(分公司|分厂|办事处|营业部|分部|分店)$")
_COMPANY = re.compile(r"(有限公司|有限责任公司|股份有限公司|股份公司)$")
_NON_LEGAL = re.compile(
    r"(合伙企业|（普通合伙）|\(普通合伙\)|（有限合伙）|\(有限合伙\)|个人独资企业)$"
)


def _c1(f: _Facts, province: str) -> Criterion:
    ev: list[Evidence] = [f.reg("province", "注册地省份")]
    parts: list[tuple[Result, str, str | None]] = []
    reg_province = _str(f.row.get("province"))
    if reg_province is None:
        parts.append(("unknown", "企业库未载注册地省份", "营业执照（注册地）"))
    elif short_province(reg_province) == short_province(province):
        parts.append(("pass", f"注册于{reg_province}", None))
    else:
        parts.append(("fail", f"注册于{reg_province}，不在{province}", None))
    name = str(f.row.get("name") or "")
    declared = f.decl.flags.get("legal_person") if f.decl else None
    if declared is not None:
        ev.append(f.dec("legal_person", "独立法人", declared.raw))
        parts.append(
            ("pass", "申报为独立法人", None)
            if declared.value
            else ("fail", "申报为非独立法人", None)
        )
    else:
        ev.append(f.reg("name", "企业名称"))
        if _BRANCH.search(name):
            parts.append(("fail", "分支机构（名称为分公司等）不具有独立法人资格", None))
        elif _NON_LEGAL.search(name):
            parts.append(("fail", "合伙企业、个人独资企业不是法人", None))
        elif _COMPANY.search(name):
            parts.append(("pass", "公司是企业法人（《公司法》第三条）", None))
        else:
            parts.append(
                (
                    "unknown",
                    "名称未显示组织形式，独立法人资格未知",
                    "营业执照（独立法人资格）",
                )
            )
    ev.append(f.reg("size", "企业规模（工信部联企业〔2011〕300号）"))
    size = _str(f.row.get("size"))
    if size in ("small", "medium", "micro"):
        parts.append(("pass", f"{SIZE_ZH[size]}企业", None))
    elif size == "large":
        parts.append(("fail", "大型企业，不属中小企业", None))
    else:
        missing = _plain(f.row.get("size_missing")) or []
        ev.append(f.reg("size_missing", "划型缺少的数据"))
        labels = {
            "employees": "从业人员",
            "revenue": "营业收入",
            "assets": "资产总额",
            "industry": "所属行业（GB/T 4754 代码）",
        }
        need = "、".join(labels.get(str(m), str(m)) for m in missing) or "划型所需数据"
        parts.append(
            (
                "unknown",
                _str(f.row.get("size_reason")) or "企业规模未知",
                f"上年度{need}",
            )
        )
    return _combine(1, parts, ev)


_REGISTER_QUALS = {
    "srdi_sme": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”企业",
    "high_tech": "高新技术企业",
    "ip_advantage": "国家知识产权优势企业",
    "ip_demonstration": "国家知识产权示范企业",
}


def _c2(f: _Facts, as_of: date) -> Criterion:
    ev: list[Evidence] = []
    for q in f.quals:
        code = str(q.get("qualification"))
        if code in _REGISTER_QUALS:
            ev.append(
                Evidence(
                    "qualification",
                    "企业库资质（无有效期，仅作参考）",
                    f"{_REGISTER_QUALS[code]}（{_plain(q.get('year')) or '年份未载'}）",
                    "register",
                    _str(q.get("source_file")),
                    None,
                )
            )
    ask_all = "资质证书及有效期（" + "、".join(v[0] for v in STATUSES.values()) + "）"
    if f.decl is None or not f.decl.statuses:
        return Criterion(2, "unknown", "未申报资质", tuple(ev), ask_all)
    valid, undated, lapsed, not_held = [], [], [], []
    for s in f.decl.statuses:
        text = (
            f"{'持有' if s.held else '未持有' if s.held is False else '未申报'}"
            f"{'，认定 ' + s.granted.isoformat() if s.granted else ''}"
            f"{'，有效期至 ' + s.valid_until.isoformat() if s.valid_until else ''}"
        )
        ev.append(f.dec(s.code, s.label, text))
        if not s.held:
            not_held.append(s.label)
        elif s.granted and s.granted > as_of:
            lapsed.append(f"{s.label}（{s.granted} 才认定）")
        elif s.valid_until is None:
            undated.append(s.label)
        elif s.valid_until >= as_of:
            valid.append(f"{s.label}（有效期至 {s.valid_until}）")
        else:
            lapsed.append(f"{s.label}（{s.valid_until} 已过期）")
    if valid:
        return Criterion(2, "pass", "持有有效资质：" + "、".join(valid), tuple(ev))
    if undated:
        return Criterion(
            2,
            "unknown",
            "申报持有" + "、".join(undated) + "，未填有效期",
            tuple(ev),
            "、".join(undated) + "证书的有效期",
        )
    declared = {s.code for s in f.decl.statuses if s.held is not None}
    why = "；".join(
        x
        for x in (
            "过期：" + "、".join(lapsed) if lapsed else "",
            "未持有：" + "、".join(not_held) if not_held else "",
        )
        if x
    )
    if declared == set(STATUSES):
        return Criterion(2, "fail", f"四项资质均无有效者（{why}）", tuple(ev))
    rest = [v[0] for k, v in STATUSES.items() if k not in declared]
    return Criterion(
        2,
        "unknown",
        f"已申报的资质均无效（{why}），未申报：{'、'.join(rest)}",
        tuple(ev),
        "是否持有" + "、".join(rest) + "（证书及有效期）",
    )


def _c3(
    f: _Facts, dense: DenseIndustries | None, codes: list[tuple[str, int]]
) -> Criterion:
    ev = [
        f.reg("industry_code", "行业代码（GB/T 4754）"),
        f.reg("industry_raw", "所属行业"),
    ]
    if codes:
        ev.append(
            Evidence(
                "GBT4754",
                "其专利的国民经济行业分类（件数，佐证）",
                {c: n for c, n in codes[:10]},
                "store",
            )
        )
    code = _str(f.row.get("industry_code"))
    if dense is None:
        return Criterion(
            3,
            "unknown",
            "未载入专利密集型产业目录，无法判断",
            tuple(ev),
            "载入《知识产权（专利）密集型产业统计分类（2019）》行业代码表（--dense-industries）",
        )
    if code is None:
        return Criterion(
            3,
            "unknown",
            "企业库未载行业代码",
            tuple(ev),
            "主营业务及其国民经济行业分类代码（GB/T 4754 小类）",
        )
    status, entries = dense.match(code)
    for e in entries[:5]:
        ev.append(
            Evidence(
                "dense_industry",
                "专利密集型产业目录",
                f"{e.code}{' ' + e.name if e.name else ''}{'（部分）' if e.partial else ''}",
                "concordance",
                dense.source,
                e.row,
            )
        )
    if status == "pass":
        return Criterion(3, "pass", f"行业 {code} 属专利密集型产业", tuple(ev))
    if status == "fail":
        return Criterion(3, "fail", f"行业 {code} 不在专利密集型产业目录中", tuple(ev))
    if status == "partial":
        return Criterion(
            3,
            "unknown",
            f"行业 {code} 仅部分属专利密集型产业",
            tuple(ev),
            "主营产品说明，以判断是否属该小类中的专利密集型部分",
        )
    if status == "finer":
        return Criterion(
            3,
            "unknown",
            f"行业代码 {code} 只到大类或中类，其下部分小类属专利密集型产业",
            tuple(ev),
            "主营业务的国民经济行业分类小类代码（4 位）",
        )
    return Criterion(
        3,
        "unknown",
        f"行业代码 {code} 无法识别",
        tuple(ev),
        "主营业务的国民经济行业分类代码（GB/T 4754）",
    )


def _c4(f: _Facts, owned: Mapping[str, Any] | None, cutoff: date | None) -> Criterion:
    inventions = int(owned["inventions"]) if owned else 0
    utility = int(owned["utility"]) if owned else 0
    unknown_status = int(owned["status_unknown"]) if owned else 0
    sample = (
        [str(x) for x in owned["sample"]][:5]
        if owned and owned["sample"] is not None
        else []
    )
    ev = [
        Evidence(
            "in_force_patents",
            "有效发明/实用新型专利（权利人为本企业）",
            {"invention": inventions, "utility_model": utility, "examples": sample},
            "store",
        )
    ]
    if unknown_status:
        ev.append(
            Evidence(
                "status_unknown",
                "法律状态未知的发明/实用新型",
                unknown_status,
                "store",
            )
        )
    parts: list[tuple[Result, str, str | None]] = []
    lic = f.decl.flags.get("licensed_in") if f.decl else None
    if lic is not None:
        ev.append(f.dec("licensed_in", FLAG_ZH["licensed_in"], lic.raw))
    total = inventions + utility
    if total:
        parts.append(
            ("pass", f"拥有有效发明 {inventions} 件、实用新型 {utility} 件", None)
        )
    elif lic is not None and lic.value:
        parts.append(("pass", f"申报许可使用专利（{lic.raw}）", None))
    elif lic is not None and unknown_status == 0:
        on = f"（数据截至 {cutoff}）" if cutoff else ""
        parts.append(
            ("fail", f"库中无其有效发明或实用新型专利{on}，申报无许可使用专利", None)
        )
    else:
        parts.append(
            (
                "unknown",
                "库中未见其有效发明或实用新型专利"
                + (f"（{unknown_status} 件法律状态未知）" if unknown_status else ""),
                "主导产品的核心专利清单（自有专利号，或许可使用合同）",
            )
        )
    filing = f.decl.flags.get("product_filing") if f.decl else None
    if filing is None:
        parts.append(("unknown", "未申报专利产品备案", "专利产品备案证明"))
    else:
        ev.append(f.dec("product_filing", FLAG_ZH["product_filing"], filing.raw))
        parts.append(
            ("pass", "已完成专利产品备案", None)
            if filing.value
            else ("fail", "未完成专利产品备案", None)
        )
    return _combine(4, parts, ev)


def _c5(f: _Facts) -> Criterion:
    rate = f.decl.industrialization_rate if f.decl else None
    if f.decl is None or rate is None:
        return Criterion(
            5,
            "unknown",
            "未申报专利产业化率",
            (),
            "专利产业化率（已实施专利数 / 有效专利数）及其依据",
        )
    ev = (f.dec("industrialization_rate", "专利产业化率", f.decl.rate_raw),)
    if rate >= INDUSTRIALIZATION_MIN:
        return Criterion(5, "pass", f"专利产业化率 {rate:.1%} ≥ 50%", ev)
    return Criterion(5, "fail", f"专利产业化率 {rate:.1%} < 50%", ev)


def _c6(f: _Facts, as_of: date) -> Criterion:
    ev = [
        f.reg("rd_spending_wan", "研发投入（万元）"),
        f.reg("revenue_wan", "营业收入（万元）"),
        f.reg("figures_year", "数据年度"),
    ]
    rd = _num(f.row.get("rd_spending_wan"))
    revenue = _num(f.row.get("revenue_wan"))
    year = _num(f.row.get("figures_year"))
    last = as_of.year - 1
    ask = f"{last} 年度研发投入与营业收入（万元）"
    if year is not None and int(year) != last:
        return Criterion(
            6,
            "unknown",
            f"企业库数据为 {int(year)} 年度，非上年度（{last} 年）",
            tuple(ev),
            ask,
        )
    note = "" if year is not None else "（企业库未注明数据年度）"
    if rd is None:
        return Criterion(6, "unknown", "企业库未载研发投入" + note, tuple(ev), ask)
    if rd >= RD_SPENDING_MIN_WAN:
        return Criterion(
            6, "pass", f"研发投入 {rd:,.1f} 万元 ≥ 500 万元{note}", tuple(ev)
        )
    if revenue is None or revenue <= 0:
        return Criterion(
            6,
            "unknown",
            f"研发投入 {rd:,.1f} 万元 < 500 万元，营业收入"
            + ("未载" if revenue is None else "为 0")
            + "，占比无从计算"
            + note,
            tuple(ev),
            f"{last} 年度营业收入（万元）",
        )
    share = rd / revenue
    if round(share, 9) >= RD_SHARE_MIN:
        return Criterion(
            6,
            "pass",
            f"研发投入 {rd:,.1f} 万元，占营业收入 {revenue:,.1f} 万元的 {share:.1%} ≥ 10%"
            + note,
            tuple(ev),
        )
    return Criterion(
        6,
        "fail",
        f"研发投入 {rd:,.1f} 万元 < 500 万元，占营业收入 {revenue:,.1f} 万元的 "
        f"{share:.1%} < 10%" + note,
        tuple(ev),
    )


def _c7(f: _Facts, coop: list[dict[str, Any]], as_of: date) -> Criterion:
    ev = [f.reg("rd_staff", "研发人员"), f.reg("employees", "从业人员")]
    staff = _num(f.row.get("rd_staff"))
    employees = _num(f.row.get("employees"))
    first = as_of.year - COOP_YEARS
    window = [
        c for c in coop if c["year"] is not None and first <= c["year"] <= as_of.year
    ]
    undated = [c for c in coop if c["year"] is None]
    rule = f"近三年（申请年 {first}–{as_of.year}）与高校、科研院所共同申请"
    if coop:
        partners = sorted({str(c["partner"]) for c in window or coop})
        ev.append(
            Evidence(
                "co_applications",
                rule,
                {
                    "in_window": len({c["doc_id"] for c in window}),
                    "undated": len({c["doc_id"] for c in undated}),
                    "partners": partners[:5],
                },
                "store",
            )
        )
    declared = f.decl.flags.get("university_coop") if f.decl else None
    if declared is not None:
        ev.append(f.dec("university_coop", FLAG_ZH["university_coop"], declared.raw))
    share = staff / employees if staff is not None and employees else None
    if share is not None and share >= RD_STAFF_SHARE_MIN:
        return Criterion(
            7,
            "pass",
            f"研发人员 {int(staff or 0)} 人，占从业人员 {int(employees or 0)} 人的 "
            f"{share:.1%} ≥ 20%",
            tuple(ev),
        )
    if window:
        return Criterion(
            7,
            "pass",
            f"{rule} {len({c['doc_id'] for c in window})} 件",
            tuple(ev),
        )
    if declared is not None and declared.value:
        return Criterion(7, "pass", f"申报与高校院所合作：{declared.raw}", tuple(ev))
    staff_text = (
        f"研发人员占比 {share:.1%} < 20%"
        if share is not None
        else "企业库未载研发人员或从业人员"
    )
    if share is not None and declared is not None and not declared.value:
        return Criterion(7, "fail", f"{staff_text}，申报无产学研合作", tuple(ev))
    return Criterion(
        7,
        "unknown",
        f"{staff_text}，库中近三年无与高校院所共同申请"
        + (f"（{len(undated)} 件共同申请日期未知）" if undated else ""),
        tuple(ev),
        ("研发人员与从业人员人数，或" if share is None else "")
        + "与高校、科研院所的合作协议",
    )


def _flag_criterion(number: int, f: _Facts, key: str, ask: str) -> Criterion:
    flag = f.decl.flags.get(key) if f.decl else None
    if flag is None:
        return Criterion(number, "unknown", f"未申报{FLAG_ZH[key]}", (), ask)
    ev = (f.dec(key, FLAG_ZH[key], flag.raw),)
    if flag.value:
        return Criterion(number, "pass", f"申报{FLAG_ZH[key]}：{flag.raw}", ev)
    return Criterion(number, "fail", f"申报无{FLAG_ZH[key]}", ev)


def _c10(f: _Facts, abnormal: Mapping[str, list[str]] | None) -> Criterion:
    ev: list[Evidence] = []
    parts: list[tuple[Result, str, str | None]] = []
    eid = str(f.row["enterprise_id"])
    if abnormal is None:
        parts.append(
            (
                "unknown",
                "未做非正常专利申请检测",
                "非正常专利申请检测结果（由知识产权管理部门核查）",
            )
        )
    else:
        flags = list(abnormal.get(eid) or [])
        ev.append(Evidence("abnormal_flags", "非正常专利申请标记", flags, "abnormal"))
        parts.append(
            ("fail", f"有非正常专利申请标记 {len(flags)} 项", None)
            if flags
            else ("pass", "无非正常专利申请标记", None)
        )
    keys = ("accidents", "violations", "dishonesty")
    declared = {k: f.decl.flags.get(k) for k in keys} if f.decl else {}
    for k in keys:
        d = declared.get(k)
        if d is not None:
            ev.append(f.dec(k, FLAG_ZH[k], d.raw))
    yes = [FLAG_ZH[k] for k in keys if (d := declared.get(k)) is not None and d.value]
    absent = [FLAG_ZH[k] for k in keys if declared.get(k) is None]
    if yes:
        parts.append(("fail", "申报有" + "、".join(yes), None))
    elif absent:
        parts.append(
            (
                "unknown",
                "未申报" + "、".join(absent),
                "无" + "、".join(absent) + "的声明（或信用中国查询结果）",
            )
        )
    else:
        parts.append(("pass", "申报无重大安全事故、违法违规、严重失信", None))
    return _combine(10, parts, ev)


# -- the store ----------------------------------------------------------------------


def _owned(store: PatentStore) -> dict[str, dict[str, Any]]:
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(OWNER_PARTIES)}),
    units AS (
        SELECT ed.actor, coalesce(p.app_number, p.doc_id) AS unit, p.patent_type,
               max(CASE WHEN p.legal_status = 'active' THEN 1 ELSE 0 END) AS active,
               max(CASE WHEN p.legal_status IS NULL THEN 1 ELSE 0 END) AS unknown,
               min(p.pub_number) AS pub
        FROM ed JOIN patents p ON p.doc_id = ed.doc_id
        WHERE p.patent_type IN ('invention', 'utility_model')
        GROUP BY ALL
    )
    SELECT actor,
           count(*) FILTER (WHERE active = 1 AND patent_type = 'invention') AS inventions,
           count(*) FILTER (WHERE active = 1 AND patent_type = 'utility_model')
               AS utility,
           count(*) FILTER (WHERE active = 0 AND unknown = 1) AS status_unknown,
           list_sort(list(pub) FILTER (WHERE active = 1)) AS sample
    FROM units GROUP BY actor
    """
    frame = store.query(sql).to_pandas()
    return {str(r["actor"]): r for r in frame.to_dict("records")}


def _coop(store: PatentStore) -> dict[str, list[dict[str, Any]]]:
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(FILER_PARTIES)})
    SELECT DISTINCT ed.actor, ed.doc_id, pa.name AS partner,
           coalesce(year(p.app_date),
                    CASE WHEN json_valid(p.extras) THEN TRY_CAST(
                        json_extract_string(p.extras, '$.申请年') AS INTEGER) END)
               AS year
    FROM ed
    JOIN parties pa ON pa.doc_id = ed.doc_id AND pa.role IN ('applicant', 'current_owner')
    LEFT JOIN entities e ON e.entity_id = pa.entity_id
    JOIN patents p ON p.doc_id = ed.doc_id
    WHERE coalesce(e.party_type, pa.party_type) IN ('university', 'institute')
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.query(sql).to_pandas().to_dict("records"):
        year = _num(r["year"])
        out.setdefault(str(r["actor"]), []).append(
            {
                "doc_id": r["doc_id"],
                "partner": r["partner"],
                "year": None if year is None else int(year),
            }
        )
    return out


def _gbt_codes(store: PatentStore) -> dict[str, list[tuple[str, int]]]:
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(FILER_PARTIES)})
    SELECT ed.actor, c.code, count(DISTINCT ed.doc_id) AS n
    FROM ed JOIN classifications c ON c.doc_id = ed.doc_id AND c.scheme = 'GBT4754'
    GROUP BY ALL ORDER BY ed.actor, n DESC, c.code
    """
    out: dict[str, list[tuple[str, int]]] = {}
    for r in store.query(sql).to_pandas().to_dict("records"):
        out.setdefault(str(r["actor"]), []).append((str(r["code"]), int(r["n"])))
    return out


def _match_declarations(
    register: pd.DataFrame, declarations: Sequence[Declaration]
) -> tuple[dict[str, Declaration], list[str]]:
    by_uscc = {
        str(u): str(e)
        for u, e in zip(register["uscc"], register["enterprise_id"], strict=True)
        if _str(u)
    }
    by_key: dict[str, list[str]] = {}
    for k, e in zip(register["name_key"], register["enterprise_id"], strict=True):
        if _str(k):
            by_key.setdefault(str(k), []).append(str(e))
    out: dict[str, Declaration] = {}
    notes = []
    for d in declarations:
        eid = by_uscc.get(d.uscc or "")
        ids: list[str] = []
        if eid is None and d.name:
            ids = by_key.get(name_key(d.name), [])
            eid = ids[0] if len(ids) == 1 else None
        who = d.name or d.uscc
        if eid is None and len(ids) > 1:
            notes.append(
                f"申报文件 {d.file} 第 {d.row} 行的企业 {who} 对应企业库中 {len(ids)} 家"
                "同名企业，未采用（请填写统一社会信用代码）"
            )
        elif eid is None:
            notes.append(
                f"申报文件 {d.file} 第 {d.row} 行的企业 {who} 不在企业库中"
                "（先 patnav enterprises import）"
            )
        elif eid in out:
            notes.append(
                f"申报文件 {d.file} 第 {d.row} 行重复申报 {who}，以先出现者为准"
            )
        else:
            out[eid] = d
    return out, notes


def check_sme(
    store: PatentStore,
    province: str,
    *,
    declarations: Sequence[Declaration] = (),
    dense_industries: DenseIndustries | None = None,
    abnormal: Mapping[str, list[str]] | None = None,
    as_of: date | None = None,
) -> SmeCheck:
    """The ten admission criteria for every register enterprise of ``province`` (and
    every declared enterprise of the register, wherever it is registered).

    Args:
        store: the store with the enterprise register and the patent data.
        province: the library's province (湖北省 or 湖北).
        declarations: the enterprises' declarations (:func:`read_declarations`).
        dense_industries: the 专利密集型产业 concordance; None leaves criterion 3 unknown.
        abnormal: abnormal-filing flags by enterprise_id (every enterprise checked; an
            enterprise absent or with an empty list is clean); None leaves that part
            of criterion 10 unknown.
        as_of: the day statuses must be valid on and the R&D year is counted from
            (default today).

    Raises:
        InvalidParameterError: an empty province; no register in the store.
    """
    if not short_province(province):
        raise InvalidParameterError(
            "The 'province' parameter of check_sme must name a province (湖北省). "
            f"Got {province!r} instead."
        )
    day = as_of or date.today()
    register = store.query("SELECT * FROM enterprises ORDER BY name").to_pandas()
    if register.empty:
        raise InvalidParameterError(
            "The store holds no enterprise register: import one first with "
            "'patnav enterprises import FILE' (see docs/enterprises.md)."
        )
    matched, notes = _match_declarations(register, declarations)
    wanted = short_province(province)
    in_province = register["province"].map(short_province) == wanted
    chosen = register[in_province | register["enterprise_id"].isin(list(matched))]
    unplaced = int(register["province"].isna().sum())
    if unplaced:
        notes.append(
            f"企业库中 {unplaced} 家企业注册地未知，未列入（申报后列入，第 1 项待核实）"
        )
    quals: dict[str, list[dict[str, Any]]] = {}
    for q in (
        store.query(
            "SELECT * FROM enterprise_qualifications ORDER BY year, qualification"
        )
        .to_pandas()
        .to_dict("records")
    ):
        quals.setdefault(str(q["enterprise_id"]), []).append(q)
    owned = _owned(store)
    coop = _coop(store)
    codes = _gbt_codes(store)
    cutoff = store.scalar("SELECT max(pub_date) FROM patents")
    rows = []
    for row in chosen.to_dict("records"):
        eid = str(row["enterprise_id"])
        f = _Facts(row, quals.get(eid, []), matched.get(eid))
        criteria = (
            _c1(f, province),
            _c2(f, day),
            _c3(f, dense_industries, codes.get(eid, [])),
            _c4(f, owned.get(eid), cutoff),
            _c5(f),
            _c6(f, day),
            _c7(f, coop.get(eid, []), day),
            _flag_criterion(8, f, "brand", "自有品牌（注册商标证书）"),
            _flag_criterion(
                9, f, "ip_management", "知识产权管理体系贯标认证证书（GB/T 29490）"
            ),
            _c10(f, abnormal),
        )
        rows.append(
            EnterpriseEligibility(
                enterprise_id=eid,
                name=str(row["name"]),
                uscc=_str(row.get("uscc")),
                province=_str(row.get("province")),
                criteria=criteria,
            )
        )
    if dense_industries is None:
        notes.append("未载入专利密集型产业目录（--dense-industries）：第 3 项均待核实")
    if abnormal is None:
        notes.append("未提供非正常专利申请检测结果：第 10 项不能判为符合")
    return SmeCheck(
        province=province,
        as_of=day,
        dense_industries=dense_industries.source if dense_industries else None,
        declarations=tuple(dict.fromkeys(d.file for d in declarations)),
        abnormal_checked=abnormal is not None,
        rows=tuple(rows),
        notes=tuple(notes),
    )
