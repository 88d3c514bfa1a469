"""Enterprise size (大型、中型、小型、微型) per 工信部联企业〔2011〕300号.

The thresholds are data (``data/sme_size_2011.yaml``, with their source): for each industry
the figures an enterprise must reach to be large, medium or small. An enterprise is of the
first tier whose every figure it reaches; one that reaches none is micro. A missing input
does not make a size: when a figure the decision needs is unknown, the size is unknown and
the missing inputs are named — unless the known figures already settle it (five staff make
an industrial enterprise micro whatever its revenue).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

SIZES: dict[str, str] = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
    "unknown": "未知",
}
"""Size codes and their Chinese labels."""

TIERS = ("large", "medium", "small")


@dataclass(frozen=True, slots=True)
class Sector:
    """An industry of the size table and its thresholds per tier."""

    key: str
    zh: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    thresholds: dict[str, dict[str, float]]


@dataclass(frozen=True, slots=True)
class SizeTable:
    """The size table: its sectors, the industries it does not cover, and its source."""

    source: str
    effective: str
    metrics: dict[str, str]
    sectors: tuple[Sector, ...]
    not_covered: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...]
    sections: dict[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class SizeClass:
    """An enterprise's size, how it was decided, and what was missing."""

    size: str
    sector: str | None
    sector_zh: str | None
    missing: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def size_zh(self) -> str:
        return SIZES[self.size]

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "size_zh": self.size_zh,
            "sector": self.sector,
            "sector_zh": self.sector_zh,
            "missing": list(self.missing),
            "reason": self.reason,
        }


@lru_cache(maxsize=1)
def size_table() -> SizeTable:
    """The 2011 size table, read once from the package data."""
    text = (
        resources.files("patnav.enterprises")
        .joinpath("data/sme_size_2011.yaml")
        .read_text("utf-8")
    )
    raw = yaml.safe_load(text)
    sectors = tuple(
        Sector(
            key=s["key"],
            zh=s["zh"],
            codes=tuple(str(c) for c in s["codes"]),
            names=tuple(s["names"]),
            thresholds={
                "large": {k: float(v) for k, v in s["sme_below"].items()},
                "medium": {k: float(v) for k, v in s["medium"].items()},
                "small": {k: float(v) for k, v in s["small"].items()},
            },
        )
        for s in raw["sectors"]
    )
    return SizeTable(
        source=raw["source"],
        effective=str(raw["effective"]),
        metrics={k: v["zh"] for k, v in raw["metrics"].items()},
        sectors=sectors,
        not_covered=tuple(
            (tuple(str(c) for c in n["codes"]), tuple(n["names"]), n["reason"])
            for n in raw["not_covered"]
        ),
        sections={k: (int(v[0]), int(v[1])) for k, v in raw["sections"].items()},
    )


_CODE = re.compile(r"^([A-T])?\s*(\d{2,4})?")
_NAME_STRIP = re.compile(r"[\s、，,（）()]")


def industry_code(text: str | None) -> str | None:
    """A GB/T 4754 code in canonical form (``C3562``, ``C35``, ``C``) from a cell such as
    ``C3562 电子专用材料制造``, ``3562`` or ``C``; None when the cell holds no code."""
    if not text:
        return None
    value = unicodedata.normalize("NFKC", text).strip().upper()
    m = _CODE.match(value)
    if not m or not (m.group(1) or m.group(2)):
        return None
    letter, digits = m.group(1), m.group(2)
    if digits and len(digits) == 3:
        return None
    if digits and letter is None:
        division = int(digits[:2])
        letter = next(
            (
                s
                for s, (lo, hi) in size_table().sections.items()
                if lo <= division <= hi
            ),
            None,
        )
        if letter is None:
            return None
    elif (
        letter
        and len(value) > 1
        and digits is None
        and value[1].isascii()
        and value[1].isalpha()
    ):
        return None  # a word that starts with a capital letter, not a section
    return f"{letter}{digits or ''}"


def sector_of(code: str | None, name: str | None = None) -> tuple[Sector | None, str]:
    """The table's industry for a GB/T 4754 code (longest prefix wins) or an industry
    name; with the reason in Chinese when there is none."""
    table = size_table()
    if code:
        for codes, _names, reason in table.not_covered:
            if code[0] in codes:
                return None, reason
        best: tuple[int, Sector] | None = None
        for sector in table.sectors:
            for c in sector.codes:
                digits = code[1:]
                hit = c == code[0] if c.isalpha() else digits.startswith(c)
                if hit and (best is None or len(c) > best[0]):
                    best = (len(c), sector)
        if best is not None:
            return best[1], ""
    if name:
        key = _NAME_STRIP.sub("", unicodedata.normalize("NFKC", name))
        for _codes, names, reason in table.not_covered:
            if key in names:
                return None, reason
        for sector in table.sectors:
            if key in sector.names or key == _NAME_STRIP.sub("", sector.zh):
                return sector, ""
        return None, f"行业“{name}”不能对应到划型标准的行业（请给出国民经济行业代码）"
    return None, "行业未知"


def classify_size(
    *,
    industry_code: str | None,
    industry_name: str | None = None,
    employees: float | None,
    revenue_wan: float | None,
    assets_wan: float | None,
) -> SizeClass:
    """The size of an enterprise per 工信部联企业〔2011〕300号.

    Args:
        industry_code: GB/T 4754 code (``C3562``) if known.
        industry_name: the industry as written, used when there is no code.
        employees: 从业人员 (persons).
        revenue_wan: 营业收入 in 万元.
        assets_wan: 资产总额 in 万元.

    Returns:
        The size; ``unknown`` with the missing inputs named when they decide it.
    """
    sector, reason = sector_of(industry_code, industry_name)
    if sector is None:
        return SizeClass("unknown", None, None, ("industry",), reason)
    values = {"employees": employees, "revenue": revenue_wan, "assets": assets_wan}
    for tier in TIERS:
        needed = sector.thresholds[tier]
        fails = [m for m, v in needed.items() if (x := values[m]) is not None and x < v]
        if fails:
            continue  # a known figure below the threshold: not this tier
        missing = tuple(m for m in needed if values[m] is None)
        if missing:
            names = "、".join(size_table().metrics[m] for m in missing)
            return SizeClass(
                "unknown",
                sector.key,
                sector.zh,
                missing,
                f"缺少{names}，无法判断是否达到{SIZES[tier]}企业标准",
            )
        return SizeClass(tier, sector.key, sector.zh)
    return SizeClass("micro", sector.key, sector.zh)
