"""How sources spell legal statuses, patent types, applicant types and provinces.

Chinese databases write 有权-审定授权, 无权-未缴年费, 审中-实审, 有效/无效 (Patentics),
PCT-有效期内 (incoPat); Lens writes ACTIVE, PENDING;
CNIPA's 国省代码 writes 河南(41). These functions turn such text into the normalised values of
:mod:`patnav.schema.records`, and return None for text they do not know (never a guess).
"""

from __future__ import annotations

import re
import unicodedata

from patnav.schema.records import (
    STATUS_OF_DETAIL,
    EventType,
    LegalStatus,
    PartyType,
    PatentType,
    StatusDetail,
)

# A status text names a state (有权, 无权, 审中) and often the event behind it (期限届满,
# 未缴年费, 驳回): the event is the more precise, so specific keywords are tried first.
_LEGAL_SPECIFIC: tuple[tuple[str, LegalStatus], ...] = (
    ("届满", LegalStatus.EXPIRED),
    ("年费", LegalStatus.LAPSED),
    ("全部无效", LegalStatus.INVALIDATED),
    ("宣告无效", LegalStatus.INVALIDATED),
    ("无效宣告", LegalStatus.INVALIDATED),
    ("驳回", LegalStatus.REJECTED),
    ("未进入国家阶段-pct有效期满", LegalStatus.LAPSED),
    ("撤回", LegalStatus.WITHDRAWN),
    ("放弃", LegalStatus.WITHDRAWN),
    ("撤销", LegalStatus.INVALIDATED),
    ("终止", LegalStatus.LAPSED),
)
_LEGAL_GENERAL: tuple[tuple[str, LegalStatus], ...] = (
    ("失效", LegalStatus.LAPSED),
    ("无权", LegalStatus.LAPSED),
    ("无效", LegalStatus.LAPSED),  # Patentics 有效/无效: not in force any more
    ("有权", LegalStatus.ACTIVE),
    ("有效", LegalStatus.ACTIVE),
    ("授权", LegalStatus.ACTIVE),
    ("审中", LegalStatus.PENDING),
    ("在审", LegalStatus.PENDING),
    ("审查", LegalStatus.PENDING),
    ("实审", LegalStatus.PENDING),
    ("公开", LegalStatus.PENDING),
    ("pct", LegalStatus.PENDING),
)

_LEGAL_EN: dict[str, LegalStatus] = {
    "active": LegalStatus.ACTIVE,
    "alive": LegalStatus.ACTIVE,
    "granted": LegalStatus.ACTIVE,
    "patented": LegalStatus.ACTIVE,
    "in force": LegalStatus.ACTIVE,
    "active reinstated": LegalStatus.ACTIVE,
    "pending": LegalStatus.PENDING,
    "expired": LegalStatus.EXPIRED,
    "expired - lifetime": LegalStatus.EXPIRED,
    "expired - fee related": LegalStatus.LAPSED,
    "lapsed": LegalStatus.LAPSED,
    "inactive": LegalStatus.LAPSED,
    "dead": LegalStatus.LAPSED,
    "ceased": LegalStatus.LAPSED,
    "discontinued": LegalStatus.WITHDRAWN,
    "withdrawn": LegalStatus.WITHDRAWN,
    "abandoned": LegalStatus.WITHDRAWN,
    "rejected": LegalStatus.REJECTED,
    "refused": LegalStatus.REJECTED,
    "revoked": LegalStatus.INVALIDATED,
    "invalidated": LegalStatus.INVALIDATED,
    "unknown": LegalStatus.UNKNOWN,
}

# USPTO application status texts (Open Data Portal ``applicationStatusDescriptionText``)
# that say the state; the many examination stages between filing and grant are pending.
_LEGAL_EN_PATTERNS: tuple[tuple[re.Pattern[str], LegalStatus], ...] = (
    (re.compile(r"^abandoned\b"), LegalStatus.WITHDRAWN),
    (re.compile(r"^patent expired due to non-?payment"), LegalStatus.LAPSED),
    (re.compile(r"^patented case$"), LegalStatus.ACTIVE),
    (re.compile(r"^expired\b"), LegalStatus.EXPIRED),
    (
        re.compile(
            r"^(docketed new case|non final action mailed|final rejection mailed|"
            r"notice of allowance mailed|response to non-final office action|"
            r"publications -- issue fee payment|awaiting|application undergoing)"
        ),
        LegalStatus.PENDING,
    ),
)


def parse_legal_status(text: str | None) -> LegalStatus | None:
    """The normalised legal status of a source's status text, or None if unknown."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if t in _LEGAL_EN:
        return _LEGAL_EN[t]
    for pattern, found in _LEGAL_EN_PATTERNS:
        if pattern.search(t):
            return found
    if "部分无效" in t:  # partly invalidated: the patent stays in force
        return LegalStatus.ACTIVE
    if "pct" in t and "有效期" in t:
        # incoPat's PCT-有效期内: the national-phase window is open (pending); PCT-有效期满
        # without 未进入国家阶段 does not say whether national phases exist: unknown.
        if "有效期内" in t:
            return LegalStatus.PENDING
        if "未进入国家阶段" not in t:
            return None
    for keywords in (_LEGAL_SPECIFIC, _LEGAL_GENERAL):
        for keyword, status in keywords:
            if keyword in t:
                return status
    return None


# Words that give the reason behind a status, tried in order; a reason is taken only
# when its coarse status is the one the text parses to.
_DETAIL_WORDS: tuple[tuple[str, StatusDetail], ...] = (
    ("未缴年费", StatusDetail.LAPSED_NON_PAYMENT),
    ("年费", StatusDetail.LAPSED_NON_PAYMENT),
    ("non-payment", StatusDetail.LAPSED_NON_PAYMENT),
    ("nonpayment", StatusDetail.LAPSED_NON_PAYMENT),
    ("fee related", StatusDetail.LAPSED_NON_PAYMENT),
    ("未进入国家阶段", StatusDetail.PCT_NOT_ENTERED),
    ("有效期内", StatusDetail.PCT_INTERNATIONAL),
    ("进入国家阶段", StatusDetail.PCT_NATIONAL_PHASE),
    ("视为撤回", StatusDetail.DEEMED_WITHDRAWN),
    ("deemed", StatusDetail.DEEMED_WITHDRAWN),
    ("放弃", StatusDetail.ABANDONED),
    ("abandon", StatusDetail.ABANDONED),
)

_DEFAULT_DETAIL: dict[LegalStatus, StatusDetail] = {
    LegalStatus.ACTIVE: StatusDetail.IN_FORCE,
    LegalStatus.PENDING: StatusDetail.PENDING,
    LegalStatus.LAPSED: StatusDetail.LAPSED,
    LegalStatus.EXPIRED: StatusDetail.EXPIRED,
    LegalStatus.WITHDRAWN: StatusDetail.WITHDRAWN,
    LegalStatus.REJECTED: StatusDetail.REJECTED,
    LegalStatus.INVALIDATED: StatusDetail.INVALIDATED,
    LegalStatus.UNKNOWN: StatusDetail.UNKNOWN,
}

STATUS_DETAIL_ZH: dict[str, str] = {
    "in_force": "有效",
    "pending": "审中",
    "pct_international": "PCT国际阶段",
    "pct_national_phase": "PCT已进入国家阶段",
    "pct_not_entered": "PCT未进入国家阶段",
    "lapsed_non_payment": "未缴年费终止",
    "lapsed": "权利终止",
    "expired": "期限届满",
    "withdrawn": "撤回",
    "deemed_withdrawn": "视为撤回",
    "rejected": "驳回",
    "invalidated": "全部无效",
    "abandoned": "放弃",
    "unknown": "未知",
}
"""Chinese labels of :class:`~patnav.schema.records.StatusDetail`."""


def parse_status_detail(text: str | None) -> StatusDetail | None:
    """The reason behind a source's status text (未缴年费 → lapsed_non_payment, 放弃 →
    abandoned …), or None when the text gives no status. Its coarse status
    (:data:`~patnav.schema.records.STATUS_OF_DETAIL`) is always what
    :func:`parse_legal_status` returns for the same text."""
    status = parse_legal_status(text)
    if status is None or text is None:
        return None
    t = unicodedata.normalize("NFKC", text).strip().lower()
    for word, detail in _DETAIL_WORDS:
        if word in t and STATUS_OF_DETAIL[detail] == status:
            return detail
    return _DEFAULT_DETAIL[status]


_TYPES: tuple[tuple[str, PatentType], ...] = (
    ("实用新型", PatentType.UTILITY_MODEL),
    ("utility model", PatentType.UTILITY_MODEL),
    ("utility_model", PatentType.UTILITY_MODEL),
    ("外观", PatentType.DESIGN),
    ("design", PatentType.DESIGN),
    ("plant", PatentType.PLANT),
    ("发明", PatentType.INVENTION),
    ("invention", PatentType.INVENTION),
    ("utility", PatentType.INVENTION),
)


def parse_patent_type(text: str | None) -> PatentType | None:
    """发明 / 实用新型 / 外观设计 (and English names) as a PatentType, else None."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip().lower()
    for keyword, kind in _TYPES:
        if keyword in t:
            return kind
    return None


_PARTY_TYPES: tuple[tuple[str, PartyType], ...] = (
    ("大专院校", PartyType.UNIVERSITY),
    ("院校", PartyType.UNIVERSITY),
    ("高校", PartyType.UNIVERSITY),
    ("大学", PartyType.UNIVERSITY),
    ("academic", PartyType.UNIVERSITY),
    ("university", PartyType.UNIVERSITY),
    ("科研", PartyType.INSTITUTE),
    ("研究", PartyType.INSTITUTE),
    ("institute", PartyType.INSTITUTE),
    ("research", PartyType.INSTITUTE),
    ("医院", PartyType.HOSPITAL),
    ("医疗机构", PartyType.HOSPITAL),
    ("hospital", PartyType.HOSPITAL),
    ("个人", PartyType.INDIVIDUAL),
    ("individual", PartyType.INDIVIDUAL),
    ("person", PartyType.INDIVIDUAL),
    ("机关", PartyType.GOVERNMENT),
    ("政府", PartyType.GOVERNMENT),
    ("government", PartyType.GOVERNMENT),
    ("企业", PartyType.COMPANY),
    ("公司", PartyType.COMPANY),
    ("工矿", PartyType.COMPANY),
    ("corporate", PartyType.COMPANY),
    ("company", PartyType.COMPANY),
    ("industry", PartyType.COMPANY),
    ("其他", PartyType.OTHER),
    ("other", PartyType.OTHER),
)


def parse_party_type(text: str | None) -> PartyType | None:
    """An applicant-type column's value (企业, 大专院校, 科研机构, Academic …) as a PartyType."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip().lower()
    for keyword, kind in _PARTY_TYPES:
        if keyword in t:
            return kind
    return None


PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
"""Province-level divisions by their GB/T 2260 two-digit code."""

_SHORT = {name[:2]: name for name in PROVINCES.values()}
_SHORT["内蒙"] = "内蒙古自治区"
_SHORT["黑龙"] = "黑龙江省"


def province_name(text: str) -> str | None:
    """The full province name for a short or full name (河南, 河南省, 内蒙古)."""
    t = text.strip()
    if t in PROVINCES.values():
        return t
    return _SHORT.get(t[:2])


def parse_province_code(text: str | None) -> tuple[str | None, str | None]:
    """Read a 国省代码 value: ``河南(41)``, ``41``, ``江苏``, ``美国(US)``, ``US``.

    Returns:
        (province, country): a Chinese province with country CN, or a foreign country
        code with no province; (None, None) when the text is not understood.
    """
    if not text:
        return None, None
    t = unicodedata.normalize("NFKC", text).strip()
    code = re.search(r"\b(\d{2})(?:\d{4})?\b", t)
    if code and code.group(1) in PROVINCES:
        if code.group(1) in {"71", "81", "82"}:
            country = {"71": "TW", "81": "HK", "82": "MO"}[code.group(1)]
            return PROVINCES[code.group(1)], country
        return PROVINCES[code.group(1)], "CN"
    alpha = re.search(r"\b([A-Z]{2})\b", t)
    if alpha:
        return None, alpha.group(1)
    name = province_name(re.sub(r"[(（].*", "", t))
    if name:
        return name, "CN"
    return None, None


_EVENT_WORDS: tuple[tuple[str, EventType], ...] = (
    ("保全", EventType.PRESERVATION),
    ("复审", EventType.REEXAMINATION),
    ("质押解除", EventType.PLEDGE_RELEASE),
    ("解除质押", EventType.PLEDGE_RELEASE),
    ("质押", EventType.PLEDGE),
    ("许可", EventType.LICENCE),
    ("权利转移", EventType.TRANSFER),
    ("转让", EventType.TRANSFER),
    ("著录项目变更", EventType.OTHER),
    ("未缴年费", EventType.LAPSE),
    ("年费", EventType.LAPSE),
    ("期限届满", EventType.EXPIRY),
    ("届满", EventType.EXPIRY),
    ("终止", EventType.LAPSE),
    ("恢复", EventType.RESTORATION),
    ("驳回", EventType.REJECTION),
    ("撤回", EventType.WITHDRAWAL),
    ("放弃", EventType.WITHDRAWAL),
    ("全部无效", EventType.INVALIDATION),
    ("宣告无效", EventType.INVALIDATION),
    ("实质审查", EventType.EXAMINATION),
    ("实审", EventType.EXAMINATION),
    ("诉讼", EventType.LITIGATION),
    ("授权", EventType.GRANT),
)
"""Event names of the Chinese databases (PatSnap 法律状态事件), specific words first.
A court's preservation order (保全) and a re-examination (复审) have their own types
(they decide no status: a re-examination of a rejection comes before 驳回 in this list);
the end of the term (期限届满) is ``expiry``, not a lapse. An invalidation proceeding
(无效程序), an oral hearing (口头审理), 一案双申 and 公开 decide nothing about the right:
they are ``other``, their name kept as the event's code."""


def parse_event_type(text: str) -> EventType:
    """The type of a legal event a Chinese database names (授权, 未缴年费, 权利转移 …);
    ``other`` for a name that decides no type (the caller keeps the name)."""
    t = unicodedata.normalize("NFKC", text).strip()
    for word, kind in _EVENT_WORDS:
        if word in t:
            return kind
    return EventType.OTHER
