"""How the query language reads the value of each kind of field.

Every reader returns the normalised value(s) the compiler matches against the store, or
raises :class:`FieldValueError` with a message saying what was expected, in English and in
Chinese (the parser turns it into a :class:`~patnav.search.query.QuerySyntaxError`
pointing at the value).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from patnav.errors import FieldValueError, InputError
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import (
    normalize_app_number,
    normalize_pub_number,
    parse_pub_number,
)
from patnav.schema.records import EventType, LegalStatus, PatentType
from patnav.schema.vocabulary import PROVINCES, parse_event_type, province_name

WILDCARDS = frozenset("*?")


def has_wildcard(text: str) -> bool:
    """Whether ``text`` contains ``*`` or ``?``."""
    return any(ch in WILDCARDS for ch in text)


# -- dates ---------------------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(\d{4})$"),
    re.compile(r"^(\d{4})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日?)?)?$"),
)


def read_date(text: str) -> tuple[date, date]:
    """The first and last day a date value covers: a year, a month or a day.

    ``2015`` → 2015-01-01 … 2015-12-31; ``2015-03`` → the month; ``2015-03-01``,
    ``20150301``, ``2015.03.01``, ``2015/3/1``, ``2015年3月1日`` → that day.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    for form in _DATE_FORMS:
        m = form.match(value)
        if not m:
            continue
        parts = [int(g) for g in m.groups() if g]
        year = parts[0]
        try:
            if len(parts) == 1:
                return date(year, 1, 1), date(year, 12, 31)
            if len(parts) == 2:
                last = calendar.monthrange(year, parts[1])[1]
                return date(year, parts[1], 1), date(year, parts[1], last)
            day = date(year, parts[1], parts[2])
            return day, day
        except (ValueError, calendar.IllegalMonthError) as exc:
            raise FieldValueError(
                f"'{text}' is not a real date ({exc})",
                f"'{text}' 不是真实存在的日期：月份应在 1–12 之间，日不能超过当月天数",
            ) from exc
    raise FieldValueError(
        f"cannot read '{text}' as a date: write a year (2015), a month (2015-03) or a "
        "day (2015-03-01, 20150301, 2015年3月1日)",
        f"无法把 '{text}' 识别为日期：请写年份（2015）、年月（2015-03）或日期"
        "（2015-03-01、20150301、2015年3月1日）",
    )


def looks_like_date(text: str) -> bool:
    """Whether ``text`` reads as a date value."""
    try:
        read_date(text)
    except FieldValueError:
        return False
    return True


# -- legal status and patent type -----------------------------------------------------

UNKNOWN_STATUS = "unknown"
"""``LS=未知``: no status from evidence (``legal_status`` empty or ``unknown``) — the
documents whose estimated term has ended included."""
TERM_ENDED = "term_ended"
"""``LS=推算届满``: no status from evidence, and the estimated term of the granted right
has ended (``status_source = 'term'``). An estimate, not a legal status."""

_INACTIVE = (
    LegalStatus.LAPSED,
    LegalStatus.EXPIRED,
    LegalStatus.WITHDRAWN,
    LegalStatus.REJECTED,
    LegalStatus.INVALIDATED,
)
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "有效": (LegalStatus.ACTIVE,),
    "有权": (LegalStatus.ACTIVE,),
    "授权": (LegalStatus.ACTIVE,),
    "active": (LegalStatus.ACTIVE,),
    "alive": (LegalStatus.ACTIVE,),
    "inforce": (LegalStatus.ACTIVE,),
    "granted": (LegalStatus.ACTIVE,),
    "失效": _INACTIVE,
    "无效": _INACTIVE,
    "无权": _INACTIVE,
    "inactive": _INACTIVE,
    "dead": _INACTIVE,
    "审中": (LegalStatus.PENDING,),
    "在审": (LegalStatus.PENDING,),
    "实审": (LegalStatus.PENDING,),
    "pending": (LegalStatus.PENDING,),
    "届满": (LegalStatus.EXPIRED,),
    "期限届满": (LegalStatus.EXPIRED,),
    "expired": (LegalStatus.EXPIRED,),
    "未缴年费": (LegalStatus.LAPSED,),
    "终止": (LegalStatus.LAPSED,),
    "lapsed": (LegalStatus.LAPSED,),
    "撤回": (LegalStatus.WITHDRAWN,),
    "放弃": (LegalStatus.WITHDRAWN,),
    "withdrawn": (LegalStatus.WITHDRAWN,),
    "驳回": (LegalStatus.REJECTED,),
    "rejected": (LegalStatus.REJECTED,),
    "全部无效": (LegalStatus.INVALIDATED,),
    "无效宣告": (LegalStatus.INVALIDATED,),
    "invalidated": (LegalStatus.INVALIDATED,),
    "revoked": (LegalStatus.INVALIDATED,),
    "未知": (UNKNOWN_STATUS,),
    "unknown": (UNKNOWN_STATUS,),
    "推算届满": (TERM_ENDED,),
    "期限届满(推算)": (TERM_ENDED,),
    "termended": (TERM_ENDED,),
}


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).strip().lower())


def read_status(text: str) -> tuple[str, ...]:
    """The legal statuses a status word stands for: 有效 → active; 失效 → lapsed,
    expired, withdrawn, rejected, invalidated; 审中 → pending; and the specific ones.
    未知 stands for ``unknown`` (no status from evidence), 推算届满 for ``term_ended``
    (no status, estimated term ended)."""
    statuses = STATUS_WORDS.get(_key(text))
    if statuses is None:
        known = "、".join(k for k in STATUS_WORDS if not k.isascii())
        raise FieldValueError(
            f"unknown legal status '{text}': use one of {known} or active, inactive, "
            "pending, expired, lapsed, withdrawn, rejected, invalidated, unknown, "
            "term ended",
            f"无法识别法律状态 '{text}'：请使用 {known} 之一",
        )
    return tuple(str(s) for s in statuses)


TYPE_WORDS: dict[str, PatentType] = {
    "发明": PatentType.INVENTION,
    "发明专利": PatentType.INVENTION,
    "发明申请": PatentType.INVENTION,
    "发明授权": PatentType.INVENTION,
    "invention": PatentType.INVENTION,
    "实用新型": PatentType.UTILITY_MODEL,
    "新型": PatentType.UTILITY_MODEL,
    "utilitymodel": PatentType.UTILITY_MODEL,
    "外观": PatentType.DESIGN,
    "外观设计": PatentType.DESIGN,
    "design": PatentType.DESIGN,
    "plant": PatentType.PLANT,
    "植物": PatentType.PLANT,
}


def read_type(text: str) -> str:
    """The patent type a type word names: 发明 → invention, 实用新型 → utility_model,
    外观设计 → design."""
    kind = TYPE_WORDS.get(_key(text))
    if kind is None:
        raise FieldValueError(
            f"unknown patent type '{text}': use 发明, 实用新型 or 外观设计 (invention, "
            "utility_model, design, plant)",
            f"无法识别专利类型 '{text}'：请使用 发明、实用新型 或 外观设计",
        )
    return str(kind)


# -- legal events and counts ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventMatch:
    """What ``EV=`` matches: events of ``type``, or — for a name that decides no type
    (复审, 保全, 无效程序) — events whose source name or description contains ``name``."""

    type: str | None
    name: str | None


def read_event(text: str) -> EventMatch:
    """The events an event word stands for: a type in English (pledge, transfer …) or a
    Chinese event name (质押 → pledge, 权利转移 → transfer, 未缴年费 → lapse); a name of
    no type is matched as written."""
    word = unicodedata.normalize("NFKC", text).strip()
    if not word:
        raise FieldValueError(
            "an event needs a name: 质押, 权利转移, 许可, 无效, 诉讼 … or pledge, transfer",
            "法律事件不能为空：请写 质押、权利转移、许可、无效、诉讼 等",
        )
    key = _key(word)
    for kind in EventType:
        if key == kind.value.replace("_", "") and kind is not EventType.OTHER:
            return EventMatch(kind.value, None)
    kind = parse_event_type(word)
    if kind is EventType.OTHER:
        return EventMatch(None, word)
    return EventMatch(kind.value, None)


def read_number(text: str) -> int:
    """A whole number (a count of years …)."""
    t = unicodedata.normalize("NFKC", text).strip().removesuffix("年")
    if not re.fullmatch(r"\d{1,4}", t):
        raise FieldValueError(
            f"cannot read '{text}' as a whole number: write 5, or a range [5 TO 10]",
            f"无法把 '{text}' 识别为整数：请写 5 或范围 [5 TO 10]",
        )
    return int(t)


def read_grade(text: str) -> str:
    """A value grade: one of A–E (either case, full-width letters too)."""
    t = unicodedata.normalize("NFKC", text).strip().upper()
    if t not in ("A", "B", "C", "D", "E"):
        raise FieldValueError(
            f"cannot read '{text}' as a value grade: write A, B, C, D or E",
            f"无法把 '{text}' 识别为价值等级：请写 A、B、C、D 或 E",
        )
    return t


def read_tag(text: str) -> tuple[str | None, str]:
    """A tag term: ``节点`` (any scheme) or ``方案:节点`` (full-width ``：`` too), as
    (scheme or None, node); surrounding spaces are dropped."""
    t = text.replace("：", ":").strip()
    scheme, sep, node = t.partition(":")
    if not sep:
        scheme, node = "", t
    scheme, node = scheme.strip(), node.strip()
    if not node or (sep and not scheme):
        raise FieldValueError(
            f"cannot read '{text}' as a tag: write a node (TAG=光模块) or a scheme and "
            "a node (TAG=光通信标引:光模块)",
            f"无法把 '{text}' 识别为标引：请写节点（TAG=光模块）或方案与节点"
            "（TAG=光通信标引:光模块）",
        )
    return (scheme or None), node


# -- places ---------------------------------------------------------------------------

COUNTRY_NAMES: dict[str, str] = {
    "中国": "CN",
    "美国": "US",
    "日本": "JP",
    "韩国": "KR",
    "德国": "DE",
    "法国": "FR",
    "英国": "GB",
    "瑞士": "CH",
    "瑞典": "SE",
    "荷兰": "NL",
    "意大利": "IT",
    "加拿大": "CA",
    "澳大利亚": "AU",
    "俄罗斯": "RU",
    "印度": "IN",
    "以色列": "IL",
    "芬兰": "FI",
    "丹麦": "DK",
    "奥地利": "AT",
    "比利时": "BE",
    "西班牙": "ES",
    "新加坡": "SG",
    "台湾": "TW",
    "中国台湾": "TW",
    "香港": "HK",
    "中国香港": "HK",
    "澳门": "MO",
    "欧洲": "EP",
    "欧专局": "EP",
    "世界知识产权组织": "WO",
}


def read_country(text: str) -> str:
    """A two-letter country or office code from ``US``, ``us`` or a Chinese name
    (美国)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value in COUNTRY_NAMES:
        return COUNTRY_NAMES[value]
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return value.upper()
    raise FieldValueError(
        f"'{text}' is not a country: write a two-letter code (CN, US, JP, EP, WO) or a "
        "Chinese name (中国, 美国)",
        f"'{text}' 不是国家或地区：请写两位字母代码（CN、US、JP、EP、WO）或中文名称"
        "（中国、美国）",
    )


@dataclass(frozen=True, slots=True)
class Province:
    """A province value: its full name and the two-character form addresses start with."""

    name: str
    short: str


def read_province(text: str) -> Province:
    """A province-level division from its full or short name: 湖北, 湖北省, 内蒙古."""
    value = unicodedata.normalize("NFKC", text).strip()
    name = province_name(value)
    if name is None or len(value) < 2 or not name.startswith(value):
        shorts = "、".join(_short(n) for n in PROVINCES.values())
        raise FieldValueError(
            f"unknown province '{text}': use one of {shorts}",
            f"无法识别省份 '{text}'：请使用 {shorts} 之一",
        )
    return Province(name, _short(name))


def _short(name: str) -> str:
    return name[:3] if name[:2] in {"内蒙", "黑龙"} else name[:2]


_CITY_SUFFIX = re.compile(r"(市|地区|自治州|盟)$")


def read_city(text: str) -> str:
    """A city name without its suffix: 武汉市 → 武汉; matched as a prefix of the stored
    city name."""
    value = unicodedata.normalize("NFKC", text).strip()
    stem = _CITY_SUFFIX.sub("", value) if len(value) > 2 else value
    if not stem or has_wildcard(stem):
        raise FieldValueError(
            f"'{text}' is not a city name: write it as 武汉 or 武汉市",
            f"'{text}' 不是城市名：请写作 武汉 或 武汉市",
        )
    return stem


# -- numbers and classes --------------------------------------------------------------


def read_pub_number(text: str) -> str:
    """A canonical publication number; a number without a country code is read as CN."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    office = None if re.match(r"^[A-Z]{2}", value) else "CN"
    try:
        canonical = normalize_pub_number(value, office=office)
    except InputError as exc:
        raise FieldValueError(
            f"cannot read '{text}' as a publication number: {exc}. Write it like "
            "CN106844774A, or with wildcards (CN1068*)",
            f"无法把 '{text}' 识别为公开（公告）号：应写作 CN106844774A，"
            "或使用通配符（CN1068*）",
        ) from exc
    if canonical is None:
        raise FieldValueError(
            "an empty publication number", f"公开（公告）号 '{text}' 为空"
        )
    return canonical


def read_app_number(text: str) -> str:
    """A canonical application number; a number without a country code is read as CN."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    office = None if re.match(r"^(?:[A-Z]{2}|PCT)", value) else "CN"
    try:
        canonical = normalize_app_number(value, office=office)
    except InputError as exc:
        raise FieldValueError(
            f"cannot read '{text}' as an application number: {exc}. Write it like "
            "CN201710117081 or 201710117081.7",
            f"无法把 '{text}' 识别为申请号：应写作 CN201710117081 或 201710117081.7",
        ) from exc
    if canonical is None:
        raise FieldValueError("an empty application number", f"申请号 '{text}' 为空")
    return canonical


@dataclass(frozen=True, slots=True)
class ClassValue:
    """A classification value: the symbol and how far down the hierarchy it names."""

    code: str
    level: str  # section | class | subclass | main_group | group


def read_class(text: str) -> ClassValue:
    """An IPC/CPC symbol at any level: ``G``, ``G02``, ``G02B``, ``G02B6`` (= ``G02B6/00``,
    the main group), ``G02B6/42``; spaces and leading zeros are normalised."""
    value = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")
    if re.fullmatch(r"[A-HY]", value):
        return ClassValue(value, "section")
    if re.fullmatch(r"[A-HY]\d{2}", value):
        return ClassValue(value, "class")
    code = normalize_ipc(value)
    if code is None or not re.fullmatch(r"[A-HY]\d{2}[A-Z](\d{1,4}/\d{1,6})?", code):
        raise FieldValueError(
            f"'{text}' is not an IPC/CPC symbol: write a section (G), class (G02), "
            "subclass (G02B), main group (G02B6) or group (G02B6/42)",
            f"'{text}' 不是 IPC/CPC 分类号：请写部（G）、大类（G02）、小类（G02B）、"
            "大组（G02B6）或小组（G02B6/42）",
        )
    if len(code) == 4:
        return ClassValue(code, "subclass")
    if code.endswith("/00"):
        return ClassValue(code, "main_group")
    return ClassValue(code, "group")


def read_class_pattern(text: str) -> str:
    """A classification value with wildcards, as upper-case compact text (``H04B1*``)."""
    value = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")
    if not re.fullmatch(r"[A-HY*?][0-9A-Z/*?]*", value):
        raise FieldValueError(
            f"'{text}' is not an IPC/CPC pattern: use letters, digits, '/' and the "
            "wildcards * and ?, as in H04B10* or G06F?/00",
            f"'{text}' 不是有效的分类号通配式：只能用字母、数字、'/' 和通配符 * ?，"
            "如 H04B10* 或 G06F?/00",
        )
    return value


def read_sei(text: str) -> tuple[str, str]:
    """A strategic-emerging-industry value: ``("code", "1.2")`` or ``("name", "…")``."""
    value = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d+(?:\.\d+)*", value):
        return "code", value
    if not value or has_wildcard(value):
        raise FieldValueError(
            f"'{text}' is not an industry: write a code of the SEI 2021 table (1.2, "
            "4.1.1) or words of its name (新一代信息技术)",
            f"'{text}' 不是战略性新兴产业：请写《战略性新兴产业分类与国际专利分类参照"
            "关系表（2021）》中的代码（1.2、4.1.1）或产业名称中的词（新一代信息技术）",
        )
    return "name", value


def pub_has_kind(text: str) -> bool:
    """Whether a publication number value names its kind code (``CN106844774A``)."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    office = None if re.match(r"^[A-Z]{2}", value) else "CN"
    try:
        return parse_pub_number(value, office=office).kind is not None
    except InputError:
        return False
