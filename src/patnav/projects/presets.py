"""Navigation depth presets (导航深度预设): 微导航, 快速导航, 战略导航, 侵权分析导航.

Each preset says which report type a project of that depth writes, which analyses it runs,
which inputs it needs and how long it usually takes. They ship as ``presets.yaml`` (whose
comments say which values follow GB/T 39551 and which are our choice); a user's YAML file
replaces whole presets of the same id (:func:`load_presets`).

:func:`spec_skeleton` turns a preset and a demand into the YAML of a navigation spec
(导航方案) of the right report type, for the office to complete: a project started from a
preset starts from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from patnav.analyses import ANALYSES
from patnav.analyses.spec import REPORT_TYPES
from patnav.errors import InvalidParameterError
from patnav.yamlsafe import shipped_with_overrides

PRESET_IDS: tuple[str, ...] = ("micro", "quick", "strategic", "fto")
"""The four depths the plans name, shallow to deep, then infringement."""

INPUTS: dict[str, tuple[str, str]] = {
    "industry": ("产业或技术领域", "industry or technology"),
    "question": ("导航问题", "the question to answer"),
    "keywords": ("技术关键词", "technology keywords"),
    "breakdown": ("技术分解表", "technology breakdown"),
    "region": ("所在地区", "home region"),
    "compare": ("比较对象（全国、全球）", "comparators (national, global)"),
    "period": ("分析时段", "period"),
    "product": ("产品描述", "product description"),
    "features": ("产品技术特征", "product features"),
    "countries": ("目标国家或地区", "target countries"),
    "entities": ("对标企业", "enterprises to benchmark"),
}
"""What a preset may ask for: id → (Chinese, English)."""

EXTRA_ANALYSES: dict[str, str] = {"fto": "侵权风险筛查（patnav fto）"}
"""Analyses a preset may name that are not in :data:`patnav.analyses.ANALYSES`."""


@dataclass(frozen=True, slots=True)
class Preset:
    """One navigation depth."""

    id: str
    name: str
    name_en: str
    summary: str
    summary_en: str
    report_type: str
    analyses: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    duration_days: tuple[int, int]

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every input, required first."""
        return (*self.required, *self.optional)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "summary": self.summary,
            "summary_en": self.summary_en,
            "report_type": self.report_type,
            "analyses": list(self.analyses),
            "inputs": {
                "required": list(self.required),
                "optional": list(self.optional),
            },
            "duration_days": list(self.duration_days),
        }


def _strings(value: object, where: str, known: Sequence[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidParameterError(
            f"预设 {where} 应为名称列表（a list of names），实为 {value!r}。"
        )
    unknown = [v for v in value if v not in known]
    if unknown:
        raise InvalidParameterError(
            f"预设 {where} 含未知名称 {'、'.join(unknown)}（unknown names）；"
            f"可用：{'、'.join(known)}。"
        )
    return tuple(value)


def _preset(key: str, data: object) -> Preset:
    if not isinstance(data, Mapping):
        raise InvalidParameterError(
            f"预设 {key} 应为映射（a mapping of name, report_type, analyses, inputs, "
            f"duration_days），实为 {data!r}。"
        )
    for field in ("name", "report_type", "analyses", "inputs", "duration_days"):
        if field not in data:
            raise InvalidParameterError(
                f"预设 {key} 缺少 {field}（missing {field}）；见 patnav/projects/"
                "presets.yaml。"
            )
    report_type = data["report_type"]
    if report_type not in REPORT_TYPES:
        raise InvalidParameterError(
            f"预设 {key}.report_type 应为 {'、'.join(REPORT_TYPES)} 之一，实为 "
            f"{report_type!r}。"
        )
    analyses = _strings(
        data["analyses"], f"{key}.analyses", [*ANALYSES, *EXTRA_ANALYSES]
    )
    inputs = data["inputs"]
    if not isinstance(inputs, Mapping):
        raise InvalidParameterError(
            f"预设 {key}.inputs 应为 {{required: [...], optional: [...]}}，实为 "
            f"{inputs!r}。"
        )
    required = _strings(inputs.get("required", []), f"{key}.inputs.required", [*INPUTS])
    optional = _strings(inputs.get("optional", []), f"{key}.inputs.optional", [*INPUTS])
    days = data["duration_days"]
    if (
        not isinstance(days, list)
        or len(days) != 2
        or not all(isinstance(d, int) and not isinstance(d, bool) for d in days)
        or not 0 < days[0] <= days[1]
    ):
        raise InvalidParameterError(
            f"预设 {key}.duration_days 应为 [最短, 最长] 两个正整数（days, shortest "
            f"first），实为 {days!r}。"
        )
    return Preset(
        id=key,
        name=str(data["name"]),
        name_en=str(data.get("name_en") or data["name"]),
        summary=str(data.get("summary") or ""),
        summary_en=str(data.get("summary_en") or data.get("summary") or ""),
        report_type=str(report_type),
        analyses=analyses,
        required=required,
        optional=optional,
        duration_days=(days[0], days[1]),
    )


def load_presets(path: Path | None = None) -> dict[str, Preset]:
    """The shipped presets, each one ``path`` names replaced by the user's.

    Raises:
        InvalidParameterError: the file names an unknown preset, or a preset lacks a
            field or has a value of the wrong kind (the message says which).
    """
    data = shipped_with_overrides("patnav.projects", "presets.yaml", path, PRESET_IDS)
    return {key: _preset(key, data[key]) for key in PRESET_IDS}


def get_preset(presets: Mapping[str, Preset], preset_id: str) -> Preset:
    """The preset of ``preset_id``.

    Raises:
        InvalidParameterError: no such preset.
    """
    found = presets.get(preset_id)
    if found is None:
        raise InvalidParameterError(
            f"没有导航深度 {preset_id!r}（no such preset）；可选："
            + "、".join(f"{p.id}（{p.name}）" for p in presets.values())
            + "。"
        )
    return found


def split_words(text: str | None) -> list[str]:
    """Keywords from a text separated by commas, 、, semicolons, line breaks or
    full-width spaces (an English phrase keeps its spaces: ``optical fiber``)."""
    if not text:
        return []
    for sep in ("，", "、", ";", "；", "\n", "\u3000"):
        text = text.replace(sep, ",")
    seen: list[str] = []
    for word in (w.strip() for w in text.split(",")):
        if word and word not in seen:
            seen.append(word[:60])
    return seen[:40]


def spec_skeleton(
    preset: Preset,
    *,
    title: str,
    industry: str,
    question: str | None = None,
    keywords: Sequence[str] = (),
    province: str | None = None,
    city: str | None = None,
    children: Sequence[str] = (),
) -> str:
    """The YAML of a navigation spec of the preset's report type for a demand: its title,
    the question as the description, the home region when given, and one technology
    node — the industry — searched by its keywords (the industry's name when there are
    none), with the breakdown's branches (``children``) beneath it, each searched by its
    own name. The office completes it (the breakdown, the queries) before a report."""
    node: dict[str, Any] = {
        "node": industry.strip() or title.strip(),
        "keywords": list(keywords) or [industry.strip() or title.strip()],
    }
    if children:
        node["children"] = [{"node": c, "keywords": [c]} for c in children]
    spec: dict[str, Any] = {"title": title.strip(), "type": preset.report_type}
    if question and question.strip():
        spec["description"] = question.strip()
    if province or city:
        region: dict[str, str] = {}
        if province:
            region["province"] = province.strip()
        if city:
            region["city"] = city.strip()
        spec["region"] = region
    spec["scope"] = [node]
    head = (
        f"# 由“{preset.name}”预设生成的导航方案骨架（skeleton from the {preset.id} "
        "preset）：\n# 请补充技术分解（children）与检索式（query），并核对地区与时段。\n"
    )
    body = yaml.safe_dump(
        spec, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
    return head + body
