"""The ten criteria of the SME cultivation library, one function each over one
enterprise's facts (its register row, register qualifications, declaration) and what the
store says about it; the rules are in :mod:`patnav.models.sme.check`'s docstring."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from patnav.models.sme.declarations import FLAG_ZH, STATUSES, Declaration
from patnav.models.sme.industries import DenseIndustries
from patnav.models.sme.results import Criterion, Evidence, Result

SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}

RD_SPENDING_MIN_WAN = 500.0
"""Criterion 6: 5,000,000 CNY in 万元."""
RD_SHARE_MIN = 0.10
RD_STAFF_SHARE_MIN = 0.20
INDUSTRIALIZATION_MIN = 0.50
COOP_YEARS = 3

# -- helpers ---------------------------------------------------------------------------


def short_province(name: object) -> str:
    """A province without its suffix: 湖北省 → 湖北, 广西壮族自治区 → 广西."""
    text = name.strip() if isinstance(name, str) else ""
    return re.sub(r"(省|市|(壮族|回族|维吾尔)?自治区|特别行政区)$", "", text)


def num(value: Any) -> float | None:
    """A number, or None for a missing or non-numeric value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def text_of(value: Any) -> str | None:
    """A stripped text, or None for a missing or empty value."""
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


class Facts:
    """Everything the criteria read for one enterprise: its register row, its register
    qualifications and its declaration (None: none)."""

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
            text_of(self.row.get("source_file")),
            text_of(self.row.get("source_position")),
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


def criterion_1(f: Facts, province: str) -> Criterion:
    """Registered in the province, an independent legal person, an SME by size."""
    ev: list[Evidence] = [f.reg("province", "注册地省份")]
    parts: list[tuple[Result, str, str | None]] = []
    reg_province = text_of(f.row.get("province"))
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
    size = text_of(f.row.get("size"))
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
                text_of(f.row.get("size_reason")) or "企业规模未知",
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


def criterion_2(f: Facts, as_of: date) -> Criterion:
    """One of the four statuses declared held and valid on ``as_of``."""
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
                    text_of(q.get("source_file")),
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


def criterion_3(
    f: Facts, dense: DenseIndustries | None, codes: list[tuple[str, int]]
) -> Criterion:
    """Main business in a 专利密集型产业: the register code against the loaded list."""
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
    code = text_of(f.row.get("industry_code"))
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


def criterion_4(
    f: Facts, owned: Mapping[str, Any] | None, cutoff: date | None
) -> Criterion:
    """Core patents owned (in force, store) or licensed in, and 专利产品备案 done."""
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


def criterion_5(f: Facts) -> Criterion:
    """Declared 专利产业化率 of at least 50 %."""
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


def criterion_6(f: Facts, as_of: date) -> Criterion:
    """Last year's R&D spending: at least 500 万元 or 10 % of revenue."""
    ev = [
        f.reg("rd_spending_wan", "研发投入（万元）"),
        f.reg("revenue_wan", "营业收入（万元）"),
        f.reg("figures_year", "数据年度"),
    ]
    rd = num(f.row.get("rd_spending_wan"))
    revenue = num(f.row.get("revenue_wan"))
    year = num(f.row.get("figures_year"))
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


def criterion_7(f: Facts, coop: list[dict[str, Any]], as_of: date) -> Criterion:
    """R&D staff share of at least 20 %, or co-operation with universities or institutes."""
    ev = [f.reg("rd_staff", "研发人员"), f.reg("employees", "从业人员")]
    staff = num(f.row.get("rd_staff"))
    employees = num(f.row.get("employees"))
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


def criterion_8(f: Facts) -> Criterion:
    """Own brand, declared."""
    return _flag_criterion(8, f, "brand", "自有品牌（注册商标证书）")


def criterion_9(f: Facts) -> Criterion:
    """An IP management system, declared."""
    return _flag_criterion(
        9, f, "ip_management", "知识产权管理体系贯标认证证书（GB/T 29490）"
    )


def _flag_criterion(number: int, f: Facts, key: str, ask: str) -> Criterion:
    flag = f.decl.flags.get(key) if f.decl else None
    if flag is None:
        return Criterion(number, "unknown", f"未申报{FLAG_ZH[key]}", (), ask)
    ev = (f.dec(key, FLAG_ZH[key], flag.raw),)
    if flag.value:
        return Criterion(number, "pass", f"申报{FLAG_ZH[key]}：{flag.raw}", ev)
    return Criterion(number, "fail", f"申报无{FLAG_ZH[key]}", ev)


def criterion_10(
    f: Facts,
    abnormal: Mapping[str, list[str]] | None,
    unchecked: Collection[str] = (),
) -> Criterion:
    """No abnormal-filing flag and no major accident, violation or serious dishonesty.

    ``unchecked``: enterprises some of whose documents the detector could not compare
    or judge for recombination (no abstract or claims, too little text, no filing date):
    without a flag, their part is unknown, not clean."""
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
        if flags:
            parts.append(("fail", f"有非正常专利申请标记 {len(flags)} 项", None))
        elif eid in unchecked:
            parts.append(
                (
                    "unknown",
                    "部分专利未能做相似申请或拼凑他人技术方案比对"
                    "（无摘要或权利要求、文本过短或申请日未知）",
                    "专利摘要与权利要求（导入全文数据后再检测），或知识产权管理部门的"
                    "核查结果",
                )
            )
        else:
            parts.append(("pass", "无非正常专利申请标记", None))
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
