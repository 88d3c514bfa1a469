"""What the USPTO tagged-text readers share: APS greenbook (:mod:`.readers.uspto_aps`)
and BRS (:mod:`.readers.uspto_brs`).

Both formats are lines of a tag and a value, grouped into sections (APS) or repeating
groups (BRS). Each reader's parser turns a file into :class:`Doc` objects (the groups of
one patent, in file order); :func:`build_record` turns a document into a record the same
way for both, reading the tags a :class:`Layout` names and calling its hooks for what
differs in shape (classifications, references, related applications, texts, claims).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from patnav.ingest.claims import claim_references
from patnav.ingest.values import clean_name
from patnav.schema.numbers import normalize_app_number, normalize_pub_number
from patnav.schema.records import (
    Citation,
    Claim,
    Classification,
    Party,
    PartyType,
    PatentRecord,
    PatentType,
    Priority,
    Role,
    Text,
)

_NA = frozenset({"", "N/A", "NA"})
_CLAIM_NUMBER = re.compile(r"^\s*(\d+)\s*\.\s*")

# USPTO assignee type codes (APS ``COD``, BRS ``ASTC``)
_ASSIGNEE_TYPES = {
    "02": PartyType.COMPANY,
    "03": PartyType.COMPANY,
    "04": PartyType.INDIVIDUAL,
    "05": PartyType.INDIVIDUAL,
    "06": PartyType.GOVERNMENT,
    "07": PartyType.GOVERNMENT,
    "08": PartyType.GOVERNMENT,
    "09": PartyType.GOVERNMENT,
}


@dataclass(slots=True)
class Group:
    """One section (APS) or repeating group (BRS): its tag and its (tag, value) lines."""

    name: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def get(self, tag: str) -> str | None:
        for t, v in self.fields:
            if t == tag:
                v = v.strip()
                return None if v in _NA else v
        return None

    def all(self, tag: str) -> list[str]:
        return [v.strip() for t, v in self.fields if t == tag and v.strip() not in _NA]


@dataclass(slots=True)
class Doc:
    """The groups of one patent, in file order, and where it started."""

    number: int
    line: int
    variant: str
    groups: list[Group] = field(default_factory=list)
    lines: int = 0

    def first(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def each(self, name: str) -> list[Group]:
        return [g for g in self.groups if g.name == name]

    def value(self, tag: str) -> str | None:
        for g in self.groups:
            v = g.get(tag)
            if v is not None:
                return v
        return None

    def dump(self) -> str:
        out = []
        for g in self.groups:
            out.append(g.name)
            out.extend(f"{t} {v}" for t, v in g.fields)
        return "\n".join(out)


# -- values ----------------------------------------------------------------------------


def ymd(text: str | None) -> date | None:
    """A YYYYMMDD date; None for day or month 00 (references give only year and month)."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def country(code: str | None) -> str | None:
    """APS writes countries as two letters plus ``X`` (``JPX``)."""
    if not code:
        return None
    code = code.strip().upper()
    if len(code) == 3 and code.endswith("X"):
        code = code[:2]
    return code if re.fullmatch(r"[A-Z]{2}", code) else None


def pub_number(raw: str, office: str = "US") -> str | None:
    """The canonical publication number, or None when ``raw`` is not one."""
    try:
        return normalize_pub_number(raw, office=office)
    except ValueError:
        return None


def party_type(code: str | None) -> PartyType | None:
    """The party type of a USPTO assignee type code."""
    return _ASSIGNEE_TYPES.get((code or "").strip().zfill(2)) if code else None


def place(*parts: str | None) -> str | None:
    """The parts of an address that are given, comma-separated."""
    text = ", ".join(p for p in parts if p)
    return text or None


def claims(paragraphs: list[tuple[int | None, str]]) -> list[Claim]:
    """Claims from (announced number or None, paragraph) pairs, in order.

    A paragraph opening with ``N.`` starts claim N (APS also announces it with ``NUM``);
    other paragraphs continue the current claim.
    """
    bodies: list[tuple[int, list[str]]] = []
    for announced, text in paragraphs:
        m = _CLAIM_NUMBER.match(text)
        number = announced
        if number is None and m and int(m[1]) == len(bodies) + 1:
            number = int(m[1])
        if number is not None and (not bodies or number != bodies[-1][0]):
            if m and int(m[1]) == number:
                text = text[m.end() :]
            bodies.append((number, [text]))
        elif bodies:
            bodies[-1][1].append(text)
    out = []
    for number, parts in bodies:
        text = "\n".join(p.strip() for p in parts if p.strip())
        refs = claim_references(text, before=number)
        out.append(
            Claim(number, text, is_independent=not refs, depends_on=refs, lang="en")
        )
    return out


# -- the one record builder ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Numbers:
    """A document's identity, as its format's hook reads it."""

    pub_number: str
    pub_number_raw: str
    kind: str | None
    patent_type: PatentType | None
    app_number: str | None
    app_number_raw: str | None


@dataclass(frozen=True, slots=True)
class PartyFields:
    """Where one kind of party sits: the groups named ``group``, and the tag of each
    field in them."""

    group: str
    role: Role
    name: str
    city: str
    state: str
    postcode: str
    country: str
    street: str | None = None
    type_code: str | None = None
    """The assignee type code: gives the party type and is kept as ``ext_id``."""
    individual: bool = False
    """Every party of this kind is a person (inventors)."""
    us_by_state: bool = False
    """A state and no country means the United States (APS)."""


@dataclass(frozen=True, slots=True)
class PriorityFields:
    """The tags of a priority group, and the raw text a priority keeps."""

    group: str
    country: str
    number: str
    date: str
    raw: Callable[[Group], str]


@dataclass(frozen=True, slots=True)
class Layout:
    """What one tagged format calls its fields: tags as data, and hooks for the parts
    whose shape differs between APS and BRS."""

    main: str
    """The group of the patent's own fields (APS ``PATN``, BRS's untitled fields)."""
    numbers: Callable[[Group], Numbers]
    """Publication and application numbers; raises ValueError when there is none."""
    app_date: str
    issued: str
    grant_kinds: tuple[str, ...] | None
    """Kinds published at grant; None when every document is a grant (APS)."""
    extras: tuple[tuple[str, str], ...]
    """(tag in the main group, key in ``extras``)."""
    parties: tuple[PartyFields, ...]
    representatives: str
    """The groups naming the agencies and agents."""
    agencies: tuple[str, ...]
    agents: tuple[str, ...]
    priorities: PriorityFields
    pct: str | None
    """The PCT group (APS ``PCTA``: ``PCN``, ``PCP``, ``PD1``); None when there is none."""
    classes: Callable[
        [Doc, Group, dict[str, str]], tuple[list[Classification], str | None]
    ]
    """(classifications, main IPC); may add the field of search to the extras."""
    citations: Callable[[Doc], list[Citation]]
    related: Callable[[Doc, dict[str, str]], None]
    """Adds related applications (and the like) to the extras."""
    abstract: Callable[[Doc, Group], str | None]
    description: Callable[[Doc, Group], list[str]]
    claim_paragraphs: Callable[[Doc, Group], list[tuple[int | None, str]]]


def _parties(doc: Doc, main: Group, layout: Layout) -> list[Party]:
    out: list[Party] = []
    for spec in layout.parties:
        for g in doc.each(spec.group):
            name = g.get(spec.name)
            if not name:
                continue
            city, state = g.get(spec.city), g.get(spec.state)
            where = country(g.get(spec.country))
            if where is None and spec.us_by_state and state:
                where = "US"
            code = g.get(spec.type_code) if spec.type_code else None
            out.append(
                Party(
                    spec.role,
                    clean_name(name),
                    raw_name=name,
                    address=place(
                        g.get(spec.street) if spec.street else None, city, state
                    ),
                    postcode=g.get(spec.postcode),
                    country=where,
                    city=city,
                    party_type=PartyType.INDIVIDUAL
                    if spec.individual
                    else party_type(code),
                    ext_id=code,
                )
            )
    for g in doc.each(layout.representatives):
        for tag in layout.agencies:
            for name in g.all(tag):
                out.append(Party(Role.AGENCY, clean_name(name), raw_name=name))
        for tag in layout.agents:
            for name in g.all(tag):
                out.append(Party(Role.AGENT, clean_name(name), raw_name=name))
    for tag in ("EXP", "EXA"):
        for name in main.all(tag):
            out.append(Party(Role.EXAMINER, clean_name(name), raw_name=name))
    return out


def _priorities(doc: Doc, spec: PriorityFields) -> list[Priority]:
    out = []
    for g in doc.each(spec.group):
        office, number = country(g.get(spec.country)), g.get(spec.number)
        canonical = None
        if number:
            try:
                canonical = normalize_app_number(number, office=office)
            except ValueError:
                canonical = None
        out.append(Priority(office, canonical, ymd(g.get(spec.date)), spec.raw(g)))
    return out


def _pct(
    doc: Doc, group: str | None, extras: dict[str, str]
) -> tuple[str | None, str | None, date | None]:
    pct_app = pct_pub = None
    pct_entry = None
    for g in doc.each(group) if group else ():
        if pcn := g.get("PCN"):
            try:
                pct_app = normalize_app_number(pcn, office="WO")
            except ValueError:
                extras["pct_application"] = pcn
        if pcp := g.get("PCP"):
            pct_pub = pub_number(pcp, office="WO")
            if pct_pub is None:
                extras["pct_publication"] = pcp
        pct_entry = ymd(g.get("PD1"))
    return pct_app, pct_pub, pct_entry


def build_record(doc: Doc, layout: Layout) -> PatentRecord:
    """The record of one tagged document, read as ``layout`` says.

    Raises:
        ValueError: the document has no publication number patnav can read.
    """
    main = doc.first(layout.main) or Group(layout.main)
    ids = layout.numbers(main)
    issued = ymd(main.get(layout.issued))
    granted = layout.grant_kinds is None or (ids.kind or "").startswith(
        layout.grant_kinds
    )
    extras: dict[str, str] = {}
    for tag, key in layout.extras:
        if (value := main.get(tag)) is not None:
            extras[key] = value
    parties = _parties(doc, main, layout)
    classifications, ipc_main = layout.classes(doc, main, extras)
    citations = layout.citations(doc)
    priorities = _priorities(doc, layout.priorities)
    layout.related(doc, extras)
    pct_app, pct_pub, pct_entry = _pct(doc, layout.pct, extras)
    abstract = layout.abstract(doc, main)
    description = layout.description(doc, main)
    claim_items = claims(layout.claim_paragraphs(doc, main))
    return PatentRecord(
        pub_number=ids.pub_number,
        pub_number_raw=ids.pub_number_raw,
        kind=ids.kind,
        office="US",
        app_number=ids.app_number,
        app_number_raw=ids.app_number_raw,
        app_date=ymd(main.get(layout.app_date)),
        pub_date=issued,
        grant_date=issued if granted else None,
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=ids.patent_type,
        title=main.get("TTL"),
        abstract=abstract or None,
        claims="\n".join(f"{c.num}. {c.text}" for c in claim_items) or None,
        lang="en",
        claims_count=len(claim_items) or None,
        ipc_main=ipc_main,
        pct_app_number=pct_app,
        pct_pub_number=pct_pub,
        pct_entry_date=pct_entry,
        parties=tuple(parties),
        classifications=tuple(classifications),
        citations=tuple(citations),
        priorities=tuple(priorities),
        claim_items=tuple(claim_items),
        texts=(Text("en", "description", "\n".join(description)),)
        if description
        else (),
        extras=tuple(sorted(extras.items())),
    )
