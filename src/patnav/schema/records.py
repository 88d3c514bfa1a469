"""The normalised patent record every reader produces and every later layer reads.

A ``PatentRecord`` is one published document. Nothing downstream knows which format it
came from. Child objects (parties, classifications, citations …) are tuples of frozen
dataclasses, kept in source order. Dates are ``datetime.date``; countries ISO 3166
alpha-2; publication and application numbers in the canonical form of
:mod:`patnav.schema.numbers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum


class PatentType(StrEnum):
    """The legal kind of protection. Plant patents exist only in the US."""

    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"
    PLANT = "plant"


class Role(StrEnum):
    """The part a party plays for a document."""

    APPLICANT = "applicant"
    ASSIGNEE = "assignee"
    CURRENT_OWNER = "current_owner"
    INVENTOR = "inventor"
    AGENT = "agent"
    AGENCY = "agency"
    EXAMINER = "examiner"


class PartyType(StrEnum):
    """What kind of body a party is (filled by readers where the source says, else enrichment)."""

    COMPANY = "company"
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    HOSPITAL = "hospital"
    INDIVIDUAL = "individual"
    GOVERNMENT = "government"
    OTHER = "other"


class Scheme(StrEnum):
    """Classification schemes. Custom schemes (a spec's technology nodes) use free strings."""

    IPC = "IPC"
    CPC = "CPC"
    LOC = "LOC"
    USPC = "USPC"
    FI = "FI"
    FTERM = "FTERM"
    SEI = "sei"
    LABEL = "label"
    SEI_SOURCE = "sei_source"
    """战略性新兴产业 as the source assigned it (``sei`` is patnav's own, from IPC)."""
    GBT4754 = "GBT4754"
    """国民经济行业分类 (GB/T 4754): the industries a database assigns a patent to."""


class CitationCategory(StrEnum):
    """Who cited: the examiner (search report), the applicant, or a third party."""

    EXAMINER = "examiner"
    APPLICANT = "applicant"
    THIRD_PARTY = "third_party"
    UNKNOWN = "unknown"


class EventType(StrEnum):
    """Legal events after filing."""

    GRANT = "grant"
    LAPSE = "lapse"
    RESTORATION = "restoration"
    TRANSFER = "transfer"
    LICENCE = "licence"
    PLEDGE = "pledge"
    PLEDGE_RELEASE = "pledge_release"
    INVALIDATION = "invalidation"
    LITIGATION = "litigation"
    ANNUITY = "annuity"
    WITHDRAWAL = "withdrawal"
    REJECTION = "rejection"
    EXAMINATION = "examination"
    PRESERVATION = "preservation"
    """a court's preservation order on the right (财产保全): decides no status"""
    REEXAMINATION = "reexamination"
    """a re-examination (复审) of a rejection: decides no status by itself"""
    EXPIRY = "expiry"
    """the term ended (期限届满): the right has expired, not lapsed"""
    OTHER = "other"


class LegalStatus(StrEnum):
    """A document's current legal state, normalised across offices and databases."""

    PENDING = "pending"
    ACTIVE = "active"
    LAPSED = "lapsed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    INVALIDATED = "invalidated"
    UNKNOWN = "unknown"


class StatusDetail(StrEnum):
    """The reason behind a legal status, finer than :class:`LegalStatus` (stored in
    ``patents.status_detail`` beside the coarse ``legal_status``, which analyses keep
    using). :data:`STATUS_OF_DETAIL` gives the coarse status of each."""

    IN_FORCE = "in_force"
    PENDING = "pending"
    PCT_INTERNATIONAL = "pct_international"
    """an international (PCT) application within its national-phase window"""
    PCT_NATIONAL_PHASE = "pct_national_phase"
    """a PCT application that entered the national phase here"""
    PCT_NOT_ENTERED = "pct_not_entered"
    """the national-phase window closed without entry (未进入国家阶段)"""
    LAPSED_NON_PAYMENT = "lapsed_non_payment"
    """terminated because an annual or maintenance fee was not paid (未缴年费)"""
    LAPSED = "lapsed"
    """terminated (权利终止) for a reason the source does not give"""
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    DEEMED_WITHDRAWN = "deemed_withdrawn"
    REJECTED = "rejected"
    INVALIDATED = "invalidated"
    ABANDONED = "abandoned"
    """given up by its owner (放弃), or an application abandoned (US)"""
    UNKNOWN = "unknown"


STATUS_OF_DETAIL: dict[StatusDetail, LegalStatus] = {
    StatusDetail.IN_FORCE: LegalStatus.ACTIVE,
    StatusDetail.PENDING: LegalStatus.PENDING,
    StatusDetail.PCT_INTERNATIONAL: LegalStatus.PENDING,
    StatusDetail.PCT_NATIONAL_PHASE: LegalStatus.PENDING,
    StatusDetail.PCT_NOT_ENTERED: LegalStatus.LAPSED,
    StatusDetail.LAPSED_NON_PAYMENT: LegalStatus.LAPSED,
    StatusDetail.LAPSED: LegalStatus.LAPSED,
    StatusDetail.EXPIRED: LegalStatus.EXPIRED,
    StatusDetail.WITHDRAWN: LegalStatus.WITHDRAWN,
    StatusDetail.DEEMED_WITHDRAWN: LegalStatus.WITHDRAWN,
    StatusDetail.REJECTED: LegalStatus.REJECTED,
    StatusDetail.INVALIDATED: LegalStatus.INVALIDATED,
    StatusDetail.ABANDONED: LegalStatus.WITHDRAWN,
    StatusDetail.UNKNOWN: LegalStatus.UNKNOWN,
}
"""The coarse status of each detail (放弃 counts as withdrawn, as the sources' own
coarse fields do; a PCT application not entered is lapsed, as 未进入国家阶段 parses)."""


@dataclass(frozen=True, slots=True)
class Party:
    """An applicant, assignee, inventor, agent … of one document, in source order."""

    role: Role
    name: str
    raw_name: str | None = None
    party_type: PartyType | None = None
    address: str | None = None
    postcode: str | None = None
    country: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    ext_id: str | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    """One classification symbol, e.g. scheme IPC, code ``H02K17/02``."""

    scheme: str
    code: str
    is_main: bool = False
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A document this one cites: another patent (canonical number) or non-patent literature."""

    cited_pub_number: str | None = None
    cited_npl: str | None = None
    category: CitationCategory = CitationCategory.UNKNOWN
    origin: str | None = None
    cited_raw: str | None = None
    cited_date: date | None = None


@dataclass(frozen=True, slots=True)
class Priority:
    """A priority claim: the earlier application this document claims the date of."""

    country: str | None
    number: str | None
    date: date | None = None
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim. ``depends_on`` lists the claim numbers it refers back to."""

    num: int
    text: str
    is_independent: bool
    depends_on: tuple[int, ...] = ()
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """A text section not held in ``patents``: another language, or the description."""

    lang: str
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class Event:
    """A legal event: grant, lapse, transfer, licence, pledge … ``date`` is None when the
    source says only that it happened (never an invented date)."""

    type: EventType
    date: date | None = None
    code: str | None = None
    description: str | None = None
    parties: str | None = None
    details: str | None = None
    source: str | None = None
    """who reports the event when it is not the document's own source (EPO INPADOC …)"""


class IndicatorName(StrEnum):
    """Figures a source reports about a document, beyond the ``patents`` columns."""

    CITES = "cites"
    """patents this document cites (backward citations), as the source counts them"""
    CITES_SELF = "cites_self"
    """of those, the applicant's own patents (self-citations)"""
    CITED_BY_SELF = "cited_by_self"
    """patents of the same applicant citing this one (of ``cited_by_count``)"""
    FAMILY_SIZE = "family_size"
    """members of the simple family, as the source counts or lists them"""
    VALUE = "value"
    """the source's own estimate of the patent's value, in ``unit`` (USD, CNY)"""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A figure a source reports about one document: a count or a value estimate."""

    name: IndicatorName
    value: float
    unit: str | None = None
    source: str | None = None
    raw: str | None = None


class EffectLevel(StrEnum):
    """How a source states a technical effect (技术功效): incoPat gives the sentences of
    the abstract, short phrases, three levels of normalised effects and TRIZ parameters."""

    SENTENCE = "sentence"
    PHRASE = "phrase"
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    LEVEL3 = "level3"
    TRIZ = "triz"


@dataclass(frozen=True, slots=True)
class Effect:
    """One technical effect a source assigns to a document (智能化提高, 39-生产率)."""

    level: EffectLevel
    text: str


@dataclass(frozen=True, slots=True)
class PatentRecord:
    """One published patent document in the normalised schema.

    ``title``, ``abstract`` and ``claims`` are in ``lang``; other languages and the description
    go to ``texts``. ``claims`` is the claims text as the source gives it (the whole
    set, or the main claim only for spreadsheet exports); ``claim_items`` holds
    individual claims when the source has their structure, and ``claims_count`` is set
    only when the full set is known. ``source_key`` identifies a record whose source
    gives neither a publication nor an application number (the contest corpora, for
    instance).
    """

    pub_number: str | None = None
    pub_number_raw: str | None = None
    kind: str | None = None
    office: str | None = None
    app_number: str | None = None
    app_number_raw: str | None = None
    app_date: date | None = None
    pub_date: date | None = None
    grant_date: date | None = None
    grant_pub_number: str | None = None
    priority_date: date | None = None
    family_id: str | None = None
    patent_type: PatentType | None = None
    title: str | None = None
    abstract: str | None = None
    claims: str | None = None
    lang: str | None = None
    claims_count: int | None = None
    ipc_main: str | None = None
    legal_status: LegalStatus | None = None
    legal_status_raw: str | None = None
    expiry_date: date | None = None
    cited_by_count: int | None = None
    pct_app_number: str | None = None
    pct_pub_number: str | None = None
    pct_entry_date: date | None = None
    parent_app_number: str | None = None
    source_key: str | None = None
    parties: tuple[Party, ...] = ()
    classifications: tuple[Classification, ...] = ()
    citations: tuple[Citation, ...] = ()
    priorities: tuple[Priority, ...] = ()
    claim_items: tuple[Claim, ...] = ()
    texts: tuple[Text, ...] = ()
    events: tuple[Event, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    effects: tuple[Effect, ...] = ()
    extras: tuple[tuple[str, str], ...] = field(default=())

    @property
    def doc_id(self) -> str | None:
        """The store key: the canonical publication number, else ``AN:`` + application
        number, else ``ID:`` + source key. ``None`` when the record has no identity at all."""
        if self.pub_number:
            return self.pub_number
        if self.app_number:
            return f"AN:{self.app_number}"
        if self.source_key:
            return f"ID:{self.source_key}"
        return None


SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in fields(PatentRecord)
    if f.name
    not in {
        "parties",
        "classifications",
        "citations",
        "priorities",
        "claim_items",
        "texts",
        "events",
        "indicators",
        "effects",
        "extras",
    }
)
"""The record's single-valued fields, in declaration order."""
