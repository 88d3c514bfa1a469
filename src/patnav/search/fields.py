"""The fields of the expert query language (检索式), their aliases and what they accept.

Each field has a canonical name (``TI``), aliases an analyst may type instead (``标题``,
``名称``), a kind that decides how a value is read and matched, and a one-line meaning in
Chinese and English. The parser uses this table to validate names and values (and to
suggest the nearest name for a typo); the compiler uses the kind to build SQL; the docs
table in ``docs/search.md`` is written from the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a field's value is read and matched."""

    TEXT = "text"  # title / abstract / claims: Chinese substrings, English words
    NAME = "name"  # party names: the same matching as TEXT
    CLASS = "class"  # IPC / CPC symbols, hierarchical
    SEI = "sei"  # strategic emerging industry: code or name
    PUB = "pub"  # publication number
    APP = "app"  # application number
    PRIORITY = "priority"  # priority number, or a priority date
    DATE = "date"  # a date, month, year or range
    COUNTRY = "country"  # ISO country code or Chinese country name
    OFFICE = "office"  # publishing office
    PROVINCE = "province"
    CITY = "city"
    STATUS = "status"  # legal status
    TYPE = "type"  # patent type
    EVENT = "event"  # a legal event's type or name (质押, 权利转移 …)
    NUMBER = "number"  # a whole number or range of them
    OWNER = "owner"  # current owner (current_owner parties, else applicants)
    GRADE = "grade"  # value grade A–E (value_scores)
    TAG = "tag"  # an analyst's tag: a node of a tag scheme (tags)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the query language."""

    name: str
    kind: Kind
    meaning: str
    aliases: tuple[str, ...] = ()
    wildcards: bool = False
    ranges: bool = False


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("TI", Kind.TEXT, "标题 title", ("标题", "名称", "TITLE"), wildcards=True),
        Field("AB", Kind.TEXT, "摘要 abstract", ("摘要", "ABSTRACT"), wildcards=True),
        Field(
            "CL", Kind.TEXT, "权利要求 claims", ("权利要求", "CLAIMS"), wildcards=True
        ),
        Field("TIAB", Kind.TEXT, "标题或摘要 title or abstract", wildcards=True),
        Field(
            "TIABC",
            Kind.TEXT,
            "标题、摘要或权利要求 title, abstract or claims (the default field)",
            ("TAC", "全文", "关键词"),
            wildcards=True,
        ),
        Field(
            "PA",
            Kind.NAME,
            "申请（专利权）人 applicant or assignee, with its entity's aliases",
            ("AP", "申请人", "专利权人", "APPLICANT"),
            wildcards=True,
        ),
        Field(
            "IN", Kind.NAME, "发明人 inventor", ("发明人", "INVENTOR"), wildcards=True
        ),
        Field(
            "AGC",
            Kind.NAME,
            "代理机构 patent agency (name or agency code)",
            ("代理机构",),
            wildcards=True,
        ),
        Field("AGT", Kind.NAME, "代理人 patent agent", ("代理人",), wildcards=True),
        Field(
            "IPC",
            Kind.CLASS,
            "IPC 分类号 any IPC symbol, hierarchical",
            ("分类号",),
            wildcards=True,
        ),
        Field(
            "IPCM",
            Kind.CLASS,
            "主分类号 main IPC symbol, hierarchical",
            ("MIPC", "主分类号"),
            wildcards=True,
        ),
        Field("CPC", Kind.CLASS, "CPC 分类号 any CPC symbol", wildcards=True),
        Field(
            "SEI",
            Kind.SEI,
            "战略性新兴产业 strategic emerging industry (code like 1.2, or name)",
            ("战略性新兴产业",),
        ),
        Field(
            "PN",
            Kind.PUB,
            "公开（公告）号 publication number",
            ("公开号", "公告号"),
            wildcards=True,
        ),
        Field("AN", Kind.APP, "申请号 application number", ("申请号",), wildcards=True),
        Field(
            "PR",
            Kind.PRIORITY,
            "优先权 priority number, or priority date when the value is a date",
            ("优先权",),
            wildcards=True,
            ranges=True,
        ),
        Field(
            "PRN",
            Kind.PRIORITY,
            "优先权号 priority number",
            ("优先权号",),
            wildcards=True,
        ),
        Field(
            "PRD",
            Kind.DATE,
            "优先权日 priority date (earliest)",
            ("优先权日",),
            ranges=True,
        ),
        Field("AD", Kind.DATE, "申请日 filing date", ("申请日",), ranges=True),
        Field(
            "PD", Kind.DATE, "公开（公告）日 publication date", ("公开日",), ranges=True
        ),
        Field("GD", Kind.DATE, "授权日 grant date", ("授权日",), ranges=True),
        Field(
            "CO",
            Kind.COUNTRY,
            "申请人国别 applicant country (ISO code or Chinese name)",
            ("国别", "国家"),
        ),
        Field("PNC", Kind.OFFICE, "公开国别 publishing office", ("受理局",)),
        Field("PROV", Kind.PROVINCE, "申请人省份 applicant province", ("省份", "省")),
        Field("CITY", Kind.CITY, "申请人城市 applicant city", ("城市", "地市")),
        Field(
            "LS",
            Kind.STATUS,
            "法律状态 legal status: 有效 失效 审中 …",
            ("法律状态", "STATUS"),
        ),
        Field(
            "TYPE", Kind.TYPE, "专利类型 patent type: 发明 实用新型 外观设计", ("类型",)
        ),
        Field(
            "EV",
            Kind.EVENT,
            "法律事件 legal event: 质押 权利转移 许可 无效 诉讼 复审 保全 未缴年费 …",
            ("法律事件", "事件", "EVENT"),
        ),
        Field(
            "OW",
            Kind.OWNER,
            "当前权利人 current owner (where none is recorded: the applicant)",
            ("当前权利人", "当前专利权人", "当前申请专利权人", "OWNER"),
            wildcards=True,
        ),
        Field(
            "EXD",
            Kind.DATE,
            "届满日 expiry date of the right (from the data or the term rules)",
            ("届满日", "失效日", "EXPIRY"),
            ranges=True,
        ),
        Field(
            "DUE",
            Kind.DATE,
            "年费缴费日 next annuity (maintenance fee) due date",
            ("年费缴费日", "缴费日", "年费到期日"),
            ranges=True,
        ),
        Field(
            "YM",
            Kind.NUMBER,
            "维持年限 years the right is shown maintained (whole years)",
            ("维持年限", "维持年数"),
            ranges=True,
        ),
        Field(
            "VAL",
            Kind.NUMBER,
            "专利价值分 value score 0–100 (管理 use; unscored patents never match)",
            ("价值分", "价值评分", "VALUE"),
            ranges=True,
        ),
        Field(
            "GRADE",
            Kind.GRADE,
            "价值等级 value grade A–E (管理 use; unscored patents never match)",
            ("价值等级", "等级"),
        ),
        Field(
            "TAG",
            Kind.TAG,
            "标引 a node analysts tagged the document into; 方案:节点 names the scheme",
            ("标引", "标引节点"),
        ),
    )
}

DEFAULT_FIELD = "TIABC"
"""The field of a bare term: title, abstract or claims."""

_BY_NAME: dict[str, str] = {}
for _field in FIELDS.values():
    _BY_NAME[_field.name] = _field.name
    for _alias in _field.aliases:
        _BY_NAME[_alias.upper()] = _field.name


def field_named(name: str) -> Field | None:
    """The field a name or alias refers to (case-insensitive), or None."""
    key = _BY_NAME.get(name.upper())
    return FIELDS[key] if key else None


def all_names() -> tuple[str, ...]:
    """Every name and alias, for suggestions."""
    return tuple(_BY_NAME)


def edit_distance(a: str, b: str, *, limit: int = 3) -> int:
    """Levenshtein distance of ``a`` and ``b`` (a transposition counts 1), capped at
    ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def nearest(
    word: str, candidates: tuple[str, ...] | list[str], *, limit: int = 2
) -> list[str]:
    """The candidates closest to ``word`` by edit distance (at most ``limit``), best
    first; case-insensitive."""
    scored = sorted(
        (edit_distance(word.upper(), c.upper(), limit=limit), i, c)
        for i, c in enumerate(candidates)
    )
    best = [c for d, _, c in scored if d <= limit]
    if not best:
        return []
    top = min(d for d, _, _ in scored)
    return [c for d, _, c in scored if d == top][:3]
