"""The results of the SME cultivation library check: each criterion's result with its
evidence, each enterprise's verdict, the whole check (``to_dict``, ``to_frame``,
``to_criteria_frame``). :mod:`patnav.models.sme.check` computes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

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
