"""Derwent Innovations Index tagged export (``.ciw``, Web of Science field tags).

A file is a header (``FN``, ``VR``), then records from ``PT`` to ``ER``, then ``EF``. A
line starting with a two-letter tag opens a field; indented lines continue it. One record
is one **DWPI family**: ``PN`` lists every member publication, ``PD`` and ``AD`` give each
member's publication and application details, ``CP`` and ``CR`` the patents and papers
each member cites.

**One document per family member.** A record becomes one ``PatentRecord`` per publication
in ``PN``, all sharing the DWPI accession number as ``family_id`` (``DWPI:2010M82586``),
the DWPI title and abstract (English, rewritten by Derwent's editors), assignees,
inventors, IPC, Derwent classes and manual codes. Each member keeps its own publication
date, application number and date, language, main IPC (from ``PD``) and citations (``CP``
lists the cited patents *per citing member*). So family counting groups on
``family_id``, application counting sees every member, citation analyses see which
publication cited what, and the same documents imported from another source (Lens, EPO)
merge with these under one canonical number.

Field by field:

* ``AE`` ``NAME (CODE-Type)`` → applicant parties, the Derwent assignee code in
  ``ext_id`` (``TABU``), the code type (standard ``C``, ``Non-standard``,
  ``Individual``, ``Soviet Institute``) in the party type where it says one.
* ``AU`` → inventors. ``DC`` → classifications of scheme ``DWPI-DC`` (``T06``; the
  class title as ``raw``), ``MC`` → ``DWPI-MC``, ``IP`` → ``IPC``.
* ``AD`` application numbers are abbreviated by Derwent (``CN80017500``, ``EP723181``,
  ``WOFR050625``): for the offices whose rule is known the full number is rebuilt with the
  filing year (``CN201080017500``, ``EP10723181``, ``PCT/FR2010/050625``; checked against
  the Lens export of the same documents), otherwise only the raw form is kept. ``PI``
  priorities are rebuilt the same way.
* ``FD`` further details: ``Based on Patent WO…`` → ``pct_pub_number``, ``PCT
  application`` → ``pct_app_number``, ``Div ex Application`` → ``parent_app_number``;
  all of them are kept in extras.
* ``EA``, ``TF``, ``DS``, ``FS``, chemical indexing (``DN``, ``RI``, ``CI``, ``RG``,
  ``MN``), ``GA`` and ``UT`` → extras.

A record not closed by ``ER`` (a truncated file, or records run together) is
quarantined with its first line number; the rest of the file imports.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from patnav.errors import excerpt
from patnav.ingest.base import (
    Item,
    LimitedReader,
    Notice,
    Read,
    ReadOptions,
    Rejected,
    Source,
    text_stream,
)
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.values import clean_name
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import (
    normalize_app_number,
    normalize_pub_number,
    parse_pub_number,
    patent_type_of,
)
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Classification,
    Party,
    PartyType,
    PatentRecord,
    Priority,
    Role,
    Scheme,
)

FORMAT = "derwent"
LABEL = "Derwent Innovations Index tagged export (.ciw)"
SCHEME_CLASS = "DWPI-DC"
SCHEME_MANUAL = "DWPI-MC"
FAMILY_PREFIX = "DWPI:"
PROGRESS_EVERY = 200
MAX_RECORD_LINES = 100_000
"""A record longer than this is not a DWPI record (a file missing every ``ER``)."""

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: |$)")
_PCT_SHORT = re.compile(r"([A-Z]{2})(\d{6})")
_PD_IPC = re.compile(r"[A-H]\d{2}[A-Z]-\d{3}/\d+")
_PD_WEEK = re.compile(r"\d{6}")
_PD_LANGUAGE = re.compile(r"[A-Z][a-z]+")
_DATE = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\b")
_SPLIT_COLUMNS = re.compile(r"\s{2,}")
_ASSIGNEE = re.compile(r"^(.*?)\s*\(([A-Z0-9]{1,6})(?:-([^()]*))?\)\s*$")
_DERWENT_CLASS = re.compile(r"([A-Z]\d{2})\b")
_DC_SPLIT = re.compile(r";\s*(?=[A-Z]\d{2}\b)")
_FD = re.compile(r"^(\S+)\s+(.*?)\s+([A-Z]{2}[0-9A-Z]+)$")
_IPC_SCHEME = Scheme.IPC.value
_CODE_TYPES = {
    "individual": PartyType.INDIVIDUAL,
    "soviet institute": PartyType.INSTITUTE,
}
_EXTRA_TAGS = {
    "GA": "dwpi_accession_number",
    "UT": "wos_id",
    "EA": "dwpi_equivalent_abstracts",
    "TF": "dwpi_technology_focus",
    "FS": "field_of_search",
    "DN": "dwpi_dcr_numbers",
    "RI": "dwpi_ring_index",
    "CI": "dwpi_compound_numbers",
    "RG": "dwpi_registry_numbers",
    "MN": "dwpi_markush_numbers",
}
_KNOWN_TAGS = frozenset(
    {"PT", "PN", "TI", "AU", "AE", "AB", "DC", "MC", "IP", "PD", "AD", "PI", "FD"}
    | {"DS", "CP", "CR", "ER", "EF", "FN", "VR"}
    | set(_EXTRA_TAGS)
)


def sniff(source: Source) -> bool:
    """A ``.ciw`` file, or text whose first tagged lines are ``FN``/``VR``/``PT P``."""
    head = source.head(4096)
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"\xd0\xcf\x11\xe0")):
        return False
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in text.splitlines()[:6]]
    tags = [line[:2] for line in lines if _TAG.match(line)]
    if source.suffix == ".ciw":
        return bool(tags) and tags[0] in {"FN", "VR", "PT"}
    return (
        bool(tags)
        and tags[0] == "FN"
        and "PT" in tags
        and any(line.startswith("PT P") for line in lines)
    )


# -- numbers ---------------------------------------------------------------------------


@lru_cache(maxsize=1 << 12)  # a family's PI lines repeat its AD numbers
def derwent_app_number(raw: str, filed: date | None) -> str | None:
    """The canonical application number of Derwent's abbreviated form, or None.

    Derwent drops the year from most application numbers (``CN80017500`` for
    CN201080017500, ``EP723181`` for EP10723181, ``WOFR050625`` for PCT/FR2010/050625). The
    year comes back from the filing date, for the offices whose numbering is known; for
    the rest (US serials without their series code, provisionals, old numbers) the
    number cannot be rebuilt and None is returned: the raw form is kept beside.
    """
    raw = raw.strip()
    if len(raw) < 4 or not raw[:2].isalpha():
        return None
    cc, rest = raw[:2], raw[2:]
    year = filed.year if filed else None
    candidate: str | None = None
    if cc == "WO":
        m = _PCT_SHORT.fullmatch(rest)
        if m and year:
            candidate = f"PCT/{m[1]}/{year}/{m[2]}"
    elif not rest.isdigit():
        return None
    elif cc == "US":
        candidate = raw if len(rest) == 8 else None  # series code + serial
    elif cc == "CA":
        candidate = raw if len(rest) == 7 else None
    elif year is None:
        return None
    elif cc == "CN" and len(rest) == 8 and year >= 2004:
        candidate = f"CN{year}{rest}"
    elif cc == "EP" and len(rest) == 6:
        candidate = f"EP{year % 100:02d}{rest}"
    elif cc in {"JP", "RU", "AU"} and len(rest) == 6 and year >= 2000:
        candidate = f"{cc}{year}{rest}"
    elif cc == "KR" and len(rest) == 6 and year >= 2000:
        candidate = f"KR{year}0{rest}"
    elif cc in {"DE", "BR"} and len(rest) == 8:
        candidate = f"{cc}{rest[:2]}{year}{rest[2:]}"  # type digits, year, serial
    elif cc == "RO" and len(rest) == 6 and rest[0] == "0" and year >= 2000:
        candidate = f"RO{year}{rest[1:]}"
    elif cc == "GB" and len(rest) == 6 and rest[0] == "0":
        # DOCDB writes GB filings of 2010 on with the full year (GB201304260)
        short = f"{year % 100:02d}{rest[1:]}"
        candidate = f"GB20{short}" if year >= 2010 else f"GB{short}"
    elif cc == "FR" and len(rest) == 6 and rest[0] == "0":
        candidate = f"FR{year % 100:02d}{rest[1:]}"
    if candidate is None:
        return None
    try:
        return normalize_app_number(candidate)
    except ValueError:
        return None


_MONTHS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "May": 5,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}


def _date(text: str) -> date | None:
    """The ``06 Oct 2015`` date in a line; None for none or an impossible one."""
    m = _DATE.search(text)
    return _day(m[1], m[2], m[3]) if m else None


@lru_cache(maxsize=1 << 14)
def _day(day: str, month: str, year: str) -> date | None:
    # Derwent data holds a few impossible years (20 Sep 1225): no date rather than a wrong one
    if month not in _MONTHS or not 1800 <= int(year) <= date.today().year + 1:
        return None
    try:
        return date(int(year), _MONTHS[month], int(day))
    except ValueError:
        return None


# -- records ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    """One record's fields as lines, with where it started."""

    line: int
    number: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def text(self, tag: str, sep: str = " ") -> str | None:
        lines = self.fields.get(tag)
        if not lines:
            return None
        if len(lines) == 1:  # most fields are one line
            return lines[0].strip() or None
        parts = [x for x in map(str.strip, lines) if x]
        return sep.join(parts) if parts else None

    def dump(self) -> str:
        return "\n".join(
            f"{tag} " + "\n   ".join(self.fields[tag]) for tag in self.order
        )


@dataclass(slots=True)
class _Member:
    pub_raw: str
    pub_number: str
    office: str
    kind: str | None
    pub_date: date | None = None
    ipc_raw: str | None = None
    week: str | None = None
    pages: str | None = None
    language: str | None = None
    app_raw: str | None = None
    app_date: date | None = None
    details: list[str] = field(default_factory=list)
    designated: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    cited_npl: list[str] = field(default_factory=list)


class _Soft:
    """Lesser problems, counted per kind and reported once with an example."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def add(self, kind: str, example: str) -> None:
        self.counts[kind] += 1
        self.examples.setdefault(kind, example)

    def notices(self) -> Iterator[Notice]:
        for kind, n in self.counts.items():
            yield Notice(
                f"{n:,} × {kind} (first: {self.examples[kind]})",
                "warning",
            )


def _records(lines: Iterator[str], soft: _Soft) -> Iterator[_Raw | Rejected]:
    """Records of the file, as raw fields; unclosed records as Rejected."""
    current: _Raw | None = None
    tag: str | None = None
    bucket: list[str] = []  # the lines of the field being read
    limit = 0  # the line number past which the open record is too long
    count = 0
    saw_end = False
    number = 0
    tag_match = _TAG.match
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if number == 1:
            line = line.lstrip("\ufeff")
        # a tag is two capitals (or a capital and a digit) then a space or the line end
        m = tag_match(line) if line[:1].isupper() else None
        if m is None:
            # continuation lines are most of a file: the fewest tests for them
            if line.strip():
                if current is not None:
                    bucket.append(line)
                elif not saw_end:
                    soft.add(
                        "a line outside any record",
                        f"line {number}: {excerpt(line, 40)}",
                    )
        else:
            tag = m[1]
            if tag == "PT":
                if current is not None:
                    yield _unclosed(current, f"a new record starts at line {number}")
                count += 1
                current = _Raw(number, count)
                limit = number + MAX_RECORD_LINES
            elif tag == "ER":
                if current is None:
                    soft.add("an ER with no record open", f"line {number}")
                else:
                    yield current
                current, tag = None, None
                continue
            elif tag == "EF":
                saw_end = True
                continue
            if current is None:
                continue  # file header: FN, VR
            fields = current.fields
            if tag in fields:
                bucket = fields[tag]
            else:
                bucket = fields[tag] = []
                current.order.append(tag)
            bucket.append(line[3:])
        if current is not None and number > limit:
            yield _unclosed(current, f"{MAX_RECORD_LINES:,} lines without an ER")
            current = None
    if current is not None:
        yield _unclosed(
            current, f"the file ends at line {number} inside the record: truncated"
        )
    elif not saw_end and count:
        soft.add(
            "a file without its EF end-of-file line", "the export may be incomplete"
        )


def _unclosed(raw: _Raw, why: str) -> Rejected:
    pn = raw.text("PN") or "no PN"
    return Rejected(
        f"record {raw.number} (line {raw.line})",
        f"record {raw.number} ({pn[:60]}) is not closed by an ER line: {why}. The file "
        "may be truncated or damaged: export it again.",
        raw.dump()[:65536],
        raw.line,
    )


def _split_semicolons(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(";") if p.strip()]


def _members(raw: _Raw, pn_text: str | None, soft: _Soft) -> dict[str, _Member]:
    """The family members of ``PN``, with their PD, AD, FD, DS, CP and CR lines."""
    members: dict[str, _Member] = {}
    for pn in _split_semicolons(pn_text):
        try:
            parsed = parse_pub_number(pn)
        except ValueError as exc:
            soft.add(
                "an unreadable PN member (no document; PN kept in the others' extras)",
                f"{excerpt(pn)}: {exc}",
            )
            continue
        members[pn] = _Member(pn, str(parsed), parsed.office, parsed.kind)
    for line in raw.fields.get("PD", []):
        cols = _SPLIT_COLUMNS.split(line.strip())
        member = members.get(cols[0])
        if member is None:
            continue
        member.pub_date = _date(line)
        for col in cols[1:]:
            if _PD_IPC.fullmatch(col):
                member.ipc_raw = col
            elif _PD_WEEK.fullmatch(col):
                member.week = col
            elif col.startswith("Pages:"):
                member.pages = col[6:].strip()
            elif _PD_LANGUAGE.fullmatch(col):
                member.language = col
    for line in raw.fields.get("AD", []):
        cols = _SPLIT_COLUMNS.split(line.strip())
        member = members.get(cols[0])
        if member is not None and len(cols) >= 2:
            member.app_raw = cols[1]
            member.app_date = _date(line)
    for line in raw.fields.get("FD", []):
        m = _FD.match(line.strip())
        if m and m[1] in members:
            members[m[1]].details.append(f"{m[2]} {m[3]}")
    _per_member(raw.fields.get("DS", []), members, "designated", soft, by_colon=True)
    _per_member(raw.fields.get("CP", []), members, "cited", soft)
    _per_member(raw.fields.get("CR", []), members, "cited_npl", soft)
    return members


def _per_member(
    lines: list[str],
    members: dict[str, _Member],
    attr: str,
    soft: _Soft,
    *,
    by_colon: bool = False,
) -> None:
    """Group a field's lines under the member they belong to.

    ``CP``/``CR``: the citing member is the first line and every line indented by
    three spaces; the items it cites are indented by six. ``DS``: ``WO…-A1:`` lines
    open a member, indented lines list its states.
    """
    owner: _Member | None = None
    label = ""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip(" "))
        if by_colon:
            if not line.startswith(("\t", " ")) and stripped.endswith(":"):
                label = stripped[:-1].strip()
                owner = members.get(label)
                continue
        elif i == 0 or indent < 6:
            label = stripped.split()[0]
            owner = members.get(label)
            continue
        if owner is not None:
            getattr(owner, attr).append(stripped)
        else:
            soft.add(f"a {attr} line of a member not in PN (not kept)", label)


def _parties(raw: _Raw) -> list[Party]:
    """Assignees then inventors, each name once (``AE`` repeats a name per member)."""
    parties: list[Party] = []
    seen: set[tuple[Role, str]] = set()
    for line in raw.fields.get("AE", ()):
        for item in line.split(";"):
            item = item.strip()
            if not item or (Role.APPLICANT, item) in seen:
                continue
            seen.add((Role.APPLICANT, item))
            m = _ASSIGNEE.match(item)
            name, code, kind = (m[1], m[2], m[3]) if m else (item, None, None)
            parties.append(
                Party(
                    Role.APPLICANT,
                    clean_name(name) or name,
                    raw_name=item,
                    party_type=_CODE_TYPES.get((kind or "").lower()),
                    ext_id=code,
                )
            )
    for line in raw.fields.get("AU", ()):
        for item in line.split(";"):
            item = item.strip()
            if item and (Role.INVENTOR, item) not in seen:
                seen.add((Role.INVENTOR, item))
                parties.append(Party(Role.INVENTOR, clean_name(item), raw_name=item))
    return parties


# Classes and codes repeat from family to family (a few thousand IPC groups and manual
# codes make most of a corpus): their frozen objects are built once per distinct string.


@lru_cache(maxsize=1 << 12)
def _ipc_class(symbol: str) -> Classification | None:
    code = normalize_ipc(symbol)
    return None if code is None else Classification(_IPC_SCHEME, code, False, symbol)


@lru_cache(maxsize=1 << 10)
def _derwent_class(part: str) -> Classification | None:
    m = _DERWENT_CLASS.match(part)
    return None if m is None else Classification(SCHEME_CLASS, m[1], False, part)


@lru_cache(maxsize=1 << 12)
def _manual_code(code: str) -> Classification:
    return Classification(SCHEME_MANUAL, code, False, code)


def _classifications(
    raw: _Raw, soft: _Soft, kept: dict[str, str]
) -> list[Classification]:
    """IPC, Derwent classes and manual codes; unreadable symbols go to ``kept``."""
    out: list[Classification] = []
    seen: set[tuple[str, str]] = set()
    for symbol in _split_semicolons(raw.text("IP")):
        symbol_class = _ipc_class(symbol)
        if symbol_class is None:
            soft.add("an unreadable IPC symbol (kept in extras)", repr(symbol))
            kept["unreadable_ipc"] = "; ".join(
                filter(None, (kept.get("unreadable_ipc"), symbol))
            )
            continue
        key = (_IPC_SCHEME, symbol_class.code)
        if key not in seen:
            seen.add(key)
            out.append(symbol_class)
    for part in _DC_SPLIT.split(raw.text("DC") or ""):
        part = part.strip()
        dc_class = _derwent_class(part)
        if dc_class is None:
            if part:
                soft.add("an unreadable Derwent class (kept in extras)", repr(part))
                kept["unreadable_dc"] = part
            continue
        key = (SCHEME_CLASS, dc_class.code)
        if key not in seen:
            seen.add(key)
            out.append(dc_class)
    for code in _split_semicolons(raw.text("MC")):
        key = (SCHEME_MANUAL, code)
        if key not in seen:
            seen.add(key)
            out.append(_manual_code(code))
    return out


def _priorities(raw: _Raw) -> list[Priority]:
    out = []
    for line in raw.fields.get("PI", ()):
        text = line.strip()
        if not text:
            continue
        number_raw = text.split()[0]
        when = _date(text)
        country = number_raw[:2] if number_raw[:2].isalpha() else None
        out.append(
            Priority(
                country=country,
                number=derwent_app_number(number_raw, when),
                date=when,
                raw=text,
            )
        )
    return out


def _citations(
    member: _Member, known: dict[tuple[bool, str], Citation]
) -> tuple[Citation, ...]:
    """The member's ``CP`` and ``CR`` items; ``known`` holds the family's (members of
    a family mostly cite the same documents)."""
    out = []
    for line in member.cited:
        citation = known.get((False, line))
        if citation is None:
            number = _SPLIT_COLUMNS.split(line)[0]
            try:
                canonical = normalize_pub_number(number)
            except ValueError:
                canonical = None
            citation = known[False, line] = Citation(
                cited_pub_number=canonical,
                cited_npl=None if canonical else line,
                category=CitationCategory.UNKNOWN,
                origin="DWPI",
                cited_raw=line,
            )
        out.append(citation)
    for line in member.cited_npl:
        citation = known.get((True, line))
        if citation is None:
            citation = known[True, line] = Citation(
                cited_npl=line,
                category=CitationCategory.UNKNOWN,
                origin="DWPI",
                cited_raw=line,
            )
        out.append(citation)
    return tuple(out)


def _further(
    member: _Member, members: dict[str, _Member], app_dates: dict[str, date]
) -> tuple[str | None, str | None, str | None]:
    """(PCT application, PCT publication, parent application) from the FD lines."""
    pct_app = pct_pub = parent = None
    for detail in member.details:
        what, _, number = detail.rpartition(" ")
        if what == "PCT application Application" and pct_app is None:
            pct_app = derwent_app_number(number, app_dates.get(number))
        elif what == "Based on Patent" and number.startswith("WO") and pct_pub is None:
            full = next((m for m in members if m.split("-")[0] == number), None)
            try:
                pct_pub = normalize_pub_number(full or number)
            except ValueError:
                pct_pub = None
        elif what == "Div ex Application" and parent is None:
            # a divisional carries its parent's filing date
            parent = derwent_app_number(number, member.app_date)
    return pct_app, pct_pub, parent


def _with_main(
    classifications: list[Classification], ipc_main: str | None, raw: str | None
) -> tuple[Classification, ...]:
    """The record's symbols with ``ipc_main`` marked main (added when not among them)."""
    # the family's symbols are all unmarked: only the main one needs a new object
    out = tuple(
        Classification(c.scheme, c.code, True, c.raw)
        if c.code == ipc_main and c.scheme == _IPC_SCHEME
        else c
        for c in classifications
    )
    if ipc_main and not any(c.is_main for c in out):
        out = (Classification(_IPC_SCHEME, ipc_main, True, raw), *out)
    return out


def _documents(raw: _Raw, soft: _Soft) -> Iterator[Item]:
    where = f"record {raw.number} (line {raw.line})"
    pn_text = raw.text("PN")
    members = _members(raw, pn_text, soft)
    if not members:
        yield Rejected(
            where,
            f"record {raw.number} has no readable publication number in PN "
            f"({excerpt(pn_text)}); every DWPI record lists its family members there",
            raw.dump()[:65536],
            raw.line,
        )
        return
    accession = raw.text("GA")
    family_id = f"{FAMILY_PREFIX}{accession}" if accession else None
    title = raw.text("TI")
    abstract = raw.text("AB", "\n") or raw.text("EA", "\n")
    parties = tuple(_parties(raw))
    shared: dict[str, str] = {}
    classifications = _classifications(raw, soft, shared)
    first_ipc = next((c.code for c in classifications if c.scheme == _IPC_SCHEME), None)
    priorities = tuple(_priorities(raw))
    priority_date = min((p.date for p in priorities if p.date), default=None)
    app_dates = {m.app_raw: m.app_date for m in members.values() if m.app_raw}
    app_dates_known = {k: v for k, v in app_dates.items() if v is not None}
    fields = raw.fields
    for tag, key in _EXTRA_TAGS.items():
        if tag not in fields:
            continue
        value = raw.text(tag, "\n")
        if value and not (tag == "EA" and value == abstract):
            shared[key] = value
    for tag in raw.order:
        if tag not in _KNOWN_TAGS:
            shared[f"ciw_{tag}"] = raw.text(tag, "\n") or ""
    shared["dwpi_family_members"] = "; ".join(m.pub_number for m in members.values())
    if len(members) < len(_split_semicolons(pn_text)):
        shared["dwpi_pn"] = pn_text or ""
    # the members' own keys are never among the shared ones: appending and sorting
    # gives the order of sorted(dict(shared, **own).items())
    shared_items = list(shared.items())
    class_sets: dict[tuple[str | None, str | None], tuple[Classification, ...]] = {}
    cited: dict[tuple[bool, str], Citation] = {}
    for member in members.values():
        extras = shared_items.copy()
        details = member.details
        if member.language:
            extras.append(("publication_language", member.language))
        if member.week:
            extras.append(("dwpi_week", member.week))
        if member.pages:
            extras.append(("pages", member.pages))
        if details:
            extras.append(("further_details", "; ".join(details)))
        if member.designated:
            extras.append(("designated_states", " ".join(member.designated)))
        extras.sort()
        app_number = None
        is_divisional = any(d.startswith("Div ex") for d in details)
        if member.app_raw and not is_divisional:
            app_number = derwent_app_number(member.app_raw, member.app_date)
        ipc_main = normalize_ipc(member.ipc_raw) if member.ipc_raw else None
        if ipc_main is None:
            ipc_main = first_ipc
        main_key = (ipc_main, member.ipc_raw)
        member_classes = class_sets.get(main_key)
        if member_classes is None:  # members mostly share their main IPC
            member_classes = class_sets[main_key] = _with_main(
                classifications, ipc_main, member.ipc_raw
            )
        if details:
            pct_app, pct_pub, parent = _further(member, members, app_dates_known)
        else:
            pct_app = pct_pub = parent = None
        yield Read(
            PatentRecord(
                pub_number=member.pub_number,
                pub_number_raw=member.pub_raw,
                kind=member.kind,
                office=member.office,
                app_number=app_number,
                app_number_raw=member.app_raw,
                app_date=member.app_date,
                pub_date=member.pub_date,
                priority_date=priority_date,
                family_id=family_id,
                patent_type=patent_type_of(
                    member.office, member.kind, app_number, member.pub_number
                ),
                title=title,
                abstract=abstract,
                lang="en",
                ipc_main=ipc_main,
                pct_app_number=pct_app,
                pct_pub_number=pct_pub,
                parent_app_number=parent,
                parties=parties,
                classifications=member_classes,
                citations=_citations(member, cited),
                priorities=priorities,
                extras=tuple(extras),
            ),
            f"{where} {member.pub_raw}",
        )


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per DWPI family member; see the module docstring."""
    detected = detect_encoding(source.open, declared=options.encoding)
    if detected.encoding not in ("utf-8", "utf-8-sig"):
        yield Notice(f"encoding {detected.encoding}: {detected.evidence}", "warning")
    if detected.warning:
        yield Notice(f"encoding: {detected.warning}", "warning")
    raw = LimitedReader(source.open(), options.max_file_bytes, source.name)
    raw.read(detected.skip)
    text = text_stream(raw, detected.encoding)
    soft = _Soft()
    families = documents = 0
    try:
        for item in _records(iter(text), soft):
            if isinstance(item, Rejected):
                yield item
                continue
            families += 1
            for doc in _documents(item, soft):
                documents += isinstance(doc, Read)
                yield doc
            if families % PROGRESS_EVERY == 0:
                options.report_progress(raw.bytes_read, source.size)
    finally:
        text.close()
    yield Notice(
        f"{families:,} DWPI families read as {documents:,} documents (one per member)"
    )
    yield from soft.notices()
