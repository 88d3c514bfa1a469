"""The words of enterprise registers: qualifications (资质) and listing status (上市情况).

Qualifications are recognised in list titles, column headers and cells, however the list
spells them (专精特新"小巨人" with any quotes, 国家高新技术企业, 省级专精特新中小企业); each
keeps its year and batch when the source gives them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

QUALIFICATIONS: dict[str, str] = {
    "little_giant": "专精特新“小巨人”企业",
    "srdi_sme": "专精特新中小企业",
    "high_tech": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "ip_demonstration": "国家知识产权示范企业",
    "ip_advantage": "国家知识产权优势企业",
    "single_champion": "制造业单项冠军企业",
    "tech_innovation_demo": "技术创新示范企业",
    "tech_center": "企业技术中心",
}
"""Qualification codes and their Chinese names."""

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("little_giant", re.compile(r"小巨人")),
    ("srdi_sme", re.compile(r"专精特新")),
    ("high_tech", re.compile(r"高新技术企业|^高企$")),
    ("tech_sme", re.compile(r"科技型中小企业")),
    ("ip_demonstration", re.compile(r"知识产权示范")),
    ("ip_advantage", re.compile(r"知识产权优势")),
    ("single_champion", re.compile(r"单项冠军")),
    ("tech_innovation_demo", re.compile(r"技术创新示范")),
    ("tech_center", re.compile(r"企业技术中心")),
)
_NATIONAL_BY_NAME = frozenset(
    {"little_giant", "ip_demonstration", "ip_advantage", "single_champion"}
)
_LEVEL = (
    (re.compile(r"国家级|国家"), "national"),
    (re.compile(r"省级|省"), "provincial"),
    (re.compile(r"市级|市"), "municipal"),
)
LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_BATCH = re.compile(r"第\s*([一二三四五六七八九十\d]+)\s*批")
_SPLIT = re.compile(r"[;；、,，\n|]+")
YES = frozenset({"是", "√", "✓", "✔", "y", "yes", "有", "1", "true", "入选", "已认定"})
NO = frozenset({"否", "×", "✗", "n", "no", "无", "0", "false", "未认定"})


@dataclass(frozen=True, slots=True)
class Qualification:
    """One qualification of an enterprise, with its year, batch and level if known."""

    code: str
    year: int | None = None
    batch: str | None = None
    level: str | None = None
    raw: str | None = None

    @property
    def label(self) -> str:
        return QUALIFICATIONS[self.code]


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def qualification_code(text: str) -> str | None:
    """The qualification a title, header or cell names, or None."""
    value = _nfkc(text)
    for code, pattern in _PATTERNS:
        if pattern.search(value):
            return code
    return None


def _level(code: str, text: str) -> str | None:
    head = text.split("专精特新")[0] if "专精特新" in text else text[:4]
    for pattern, level in _LEVEL:
        if pattern.search(head):
            return level
    return "national" if code in _NATIONAL_BY_NAME else None


def parse_qualification(text: str, *, year: int | None = None) -> Qualification | None:
    """One qualification from text such as ``专精特新“小巨人”(2021)`` or ``第三批``."""
    value = _nfkc(text)
    code = qualification_code(value)
    if code is None:
        return None
    years = _YEAR.findall(value)
    batch = _BATCH.search(value)
    return Qualification(
        code=code,
        year=int(years[0]) if years else year,
        batch=f"第{batch.group(1)}批" if batch else None,
        level=_level(code, value),
        raw=text.strip(),
    )


def parse_qualifications(cell: str, *, year: int | None = None) -> list[Qualification]:
    """Every qualification a cell lists (``高新技术企业(2019)；专精特新中小企业 2022``)."""
    out = []
    for part in _SPLIT.split(cell):
        q = parse_qualification(part, year=year) if part.strip() else None
        if q is not None:
            out.append(q)
    return out


def held_years(cell: str) -> tuple[bool | None, list[int]]:
    """A cell of a column named after a qualification: whether it is held and in which
    years (``2021``, ``2019、2022``, ``是``, ``√``). None: the cell does not say."""
    value = _nfkc(cell).lower()
    years = [int(y) for y in _YEAR.findall(value)]
    if years:
        return True, years
    if value in YES:
        return True, []
    if value in NO:
        return False, []
    return None, []


LISTINGS: dict[str, str] = {
    "main_board": "主板上市",
    "star_market": "科创板上市",
    "chinext": "创业板上市",
    "bse": "北交所上市",
    "neeq": "新三板挂牌",
    "hk": "港股上市",
    "overseas": "境外上市",
    "listed": "已上市（板块未知）",
    "unlisted": "未上市",
}
"""Listing statuses and their Chinese labels."""

_LISTING = (
    ("star_market", re.compile(r"科创板|^688\d{3}")),
    ("chinext", re.compile(r"创业板|^30[01]\d{3}")),
    ("bse", re.compile(r"北交所|北京证券交易所|^(?:8[3-9]|43|92)\d{4}")),
    ("neeq", re.compile(r"新三板|全国中小企业股份转让|挂牌")),
    ("hk", re.compile(r"港股|香港|港交所|\.hk$", re.I)),
    ("overseas", re.compile(r"纳斯达克|纽交所|美股|境外|海外|nasdaq|nyse", re.I)),
    ("main_board", re.compile(r"主板|^(?:60[0-35]|00[0-3])\d{3}")),
    ("unlisted", re.compile(r"^(?:未上市|否|无|非上市|拟上市|上市辅导)")),
    ("listed", re.compile(r"^(?:是|已上市|上市)$")),
)


def parse_listing(text: str | None) -> str | None:
    """A listing status from a cell (``科创板``, ``未上市``, ``688123``); None when the cell
    is empty or says nothing recognisable."""
    if not text:
        return None
    value = _nfkc(text)
    for code, pattern in _LISTING:
        if pattern.search(value):
            return code
    return None
