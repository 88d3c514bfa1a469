"""What the patent-office XML readers share: the read loop, numbers, claims, codes.

Each XML reader (``cnipa_xml``, ``uspto_xml``, ``epo_xml``, ``epo_docdb``) cuts its input
into pieces with :mod:`patnav.ingest.xmlsafe` and hands each parsed document to its own
``build`` function. :func:`read_pieces` runs that loop the same way for all of them:
a piece that cannot be parsed, declares entities, is over the size limit or builds no
record becomes a ``Rejected`` item with its position, reason and first 64 KiB; the rest of
the file goes on; notices summarise the file (versions seen, unknown entities).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TypeVar

from patnav.errors import (
    BadDocumentError,
    IgnoredDocumentError,
    InputError,
    SkippedDocumentError,
    UnsafeDocumentError,
    excerpt,
)
from patnav.ingest import xmlsafe
from patnav.ingest.base import (
    Item,
    LimitedReader,
    Notice,
    Read,
    ReadOptions,
    Rejected,
    Source,
)
from patnav.ingest.claims import claim_references
from patnav.ingest.values import clean_name, split_postcode
from patnav.ingest.xmlsafe import Element, Piece, Prepared, parse_document
from patnav.schema.codes import normalize_ipc, normalize_locarno
from patnav.schema.numbers import (
    normalize_app_number,
    normalize_pub_number,
    patent_type_of,
)
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Claim,
    Classification,
    PartyType,
    PatentRecord,
    PatentType,
    Priority,
)

# --- reading values out of elements ---------------------------------------------------

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*|\s*\n\s*(?=[{_CJK}])")


def clean_text(text: str | None) -> str | None:
    """Whitespace collapsed; line breaks inside Chinese text removed (CNIPA wraps lines
    mid-sentence). None when nothing is left."""
    if not text:
        return None
    if "\n" in text and not text.isascii() and _HAS_CJK.search(text):
        text = _CJK_BREAK.sub("", text)
    return " ".join(text.split()) or None


def text_of(el: Element | None) -> str | None:
    """All the text inside ``el``, cleaned; None for a missing or empty element."""
    if el is None:
        return None
    return clean_text("".join(el.itertext()))


_BREAK = "\u2029"
"""Marks block boundaries while a text is collected: the Unicode paragraph separator."""


def lines_of(el: Element | None, blocks: frozenset[str]) -> str | None:
    """The text of ``el`` with one line per block element (paragraphs, headings):
    descriptions keep their paragraph structure. The element's tree is modified (block
    boundaries are marked in it), so call this last on a subtree."""
    if el is None:
        return None
    for block in el.iter(*blocks):
        block.text = _BREAK + (block.text or "")
        block.tail = _BREAK + (block.tail or "")
    lines = (clean_text(part) for part in "".join(el.itertext()).split(_BREAK))
    return "\n".join(line for line in lines if line) or None


def child_text(el: Element | None, path: str) -> str | None:
    """The cleaned text of the first element at ``path`` under ``el``."""
    if el is None:
        return None
    child = el.find(path)
    if child is None:
        return None
    if len(child):
        return text_of(child)
    return clean_text(child.text)


_YMD = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})")


def parse_ymd(text: str | None, *, partial: bool = False) -> date | None:
    """``20131224`` → date. ``00000000`` and invalid dates → None. With ``partial``,
    a month or day of ``00`` (``20011100``, the month of a cited document) reads as the
    first."""
    if not text:
        return None
    m = _YMD.match(text)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if partial:
        month, day = month or 1, day or 1
    try:
        return date(year, month, day) if year else None
    except ValueError:
        return None


PROGRESS_EVERY = 50
"""Documents between progress reports."""
EXAMPLES = 5
"""Positions shown for a warning; the rest are counted (memory stays flat)."""


@dataclass(slots=True)
class FileNotes:
    """What a reader noticed about a whole file, summarised once at the end."""

    variants: Counter[str] = field(default_factory=Counter)
    unknown_entities: Counter[str] = field(default_factory=Counter)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)
    warning_counts: Counter[str] = field(default_factory=Counter)

    def warn(self, key: str, example: str) -> None:
        """Count one occurrence of a warning ``key``; the first examples are kept."""
        examples = self.warnings.setdefault(key, [])
        if len(examples) < EXAMPLES:
            examples.append(example)
        self.warning_counts[key] += 1

    def notices(self, label: str) -> Iterator[Notice]:
        """The summary notices: variants read, warnings, unknown entity names."""
        if self.variants:
            parts = ", ".join(f"{v} × {n:,}" for v, n in self.variants.most_common())
            yield Notice(f"read as {label}: {parts}")
        for what, n in self.ignored.items():
            yield Notice(f"skipped {n:,} {what}")
        for key, examples in self.warnings.items():
            count = self.warning_counts[key]
            shown = "; ".join(examples) + (" …" if count > len(examples) else "")
            yield Notice(f"{key} ({count:,}: {shown})", "warning")
        if self.unknown_entities:
            names = ", ".join(
                f"&{n}; × {c:,}" for n, c in self.unknown_entities.most_common(10)
            )
            yield Notice(
                f"character entities patnav does not know were kept as literal text: "
                f"{names}",
                "warning",
            )


Build = Callable[[Element, Prepared, Piece, FileNotes], PatentRecord]
"""A reader's function from one parsed document to one record."""


def open_limited(source: Source, options: ReadOptions) -> LimitedReader:
    """The source's bytes, refusing more than ``max_file_bytes``."""
    return LimitedReader(source.open(), options.max_file_bytes, source.name)


T = TypeVar("T")

STREAM_ERRORS = (EOFError, OSError, zlib.error, zipfile.BadZipFile)
"""What a cut-off or corrupt compressed stream raises while it is read."""


def guard_stream(
    items: Iterable[T], stream: LimitedReader | None
) -> Iterator[T | Rejected]:
    """``items``, until the stream under them breaks: a truncated or corrupt gzip or
    zip member then ends the file with one ``Rejected`` item (what was read before it
    stays read) instead of an exception."""
    it = iter(items)
    while True:
        try:
            item = next(it)
        except StopIteration:
            return
        except STREAM_ERRORS as exc:
            where = f"byte {stream.bytes_read:,}" if stream is not None else "here"
            yield Rejected(
                f"the rest of the file (from {where})",
                "the file cannot be read further "
                f"({type(exc).__name__}: {excerpt(str(exc), 300)}): a "
                "compressed file that is cut off or corrupt; download it again",
            )
            return
        yield item


def read_pieces(
    source: Source,
    options: ReadOptions,
    pieces: Iterable[Piece | Rejected],
    build: Build,
    *,
    label: str,
    stream: LimitedReader | None = None,
    notes: FileNotes | None = None,
) -> Iterator[Item]:
    """Parse each piece and build its record; reject what cannot be read.

    ``stream`` (the stream the pieces come from) is used for progress in bytes.
    """
    notes = notes or FileNotes()
    count = 0
    for piece in guard_stream(pieces, stream):
        if isinstance(piece, Rejected):
            yield piece
            continue
        count += 1
        if count % PROGRESS_EVERY == 0 and stream is not None:
            options.report_progress(stream.bytes_read, source.size)
        if piece.oversized:
            yield Rejected(
                piece.position,
                f"the document is {piece.size:,} bytes, over the limit of "
                f"{xmlsafe.MAX_DOCUMENT_BYTES:,} for one XML document; it was skipped "
                "unread",
                None,
                piece.number,
            )
            continue
        try:
            root, prepared = parse_document(piece.data)
            notes.unknown_entities.update(prepared.unknown_entities)
            if prepared.repaired:
                notes.warn(
                    "documents that are not well-formed XML were repaired or read in "
                    "recovery mode: check their text",
                    f"{piece.position}: {prepared.repaired}",
                )
            record = build(root, prepared, piece, notes)
        except UnsafeDocumentError as exc:
            yield Rejected(piece.position, f"refused: {exc}", piece.raw, piece.number)
            continue
        except BadDocumentError as exc:
            yield Rejected(piece.position, str(exc), piece.raw, piece.number)
            continue
        except IgnoredDocumentError as exc:
            notes.ignored[str(exc)] += 1
            continue
        except SkippedDocumentError as exc:
            yield Rejected(piece.position, str(exc), piece.raw, piece.number)
            continue
        if record.doc_id is None:
            yield Rejected(
                piece.position,
                "the document has no publication or application number",
                piece.raw,
                piece.number,
            )
            continue
        yield Read(record, piece.position)
    if stream is not None:
        options.report_progress(stream.bytes_read, source.size)
    yield from notes.notices(label)


# --- numbers -------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def pub_number(
    country: str | None, number: str | None, kind: str | None = None
) -> str | None:
    """The canonical publication number from a document-id's parts, or None."""
    if not number or not number.strip():
        return None
    number = number.strip()
    country = (country or "").strip().upper()
    kind = (kind or "").strip().upper()
    if country == "WO" and number.upper().startswith("W0"):
        number = "WO" + number[2:]  # a zero typed for the letter O
    candidates: list[tuple[str, str | None]] = []
    if re.match(r"[A-Za-z]{2}", number):
        candidates.append((number, None))  # the number carries its own office
    if country and not number.upper().startswith(country):
        candidates.append((f"{country} {number}", country))
    elif not candidates:
        candidates.append((number, country or None))
    for text, office in candidates:
        if kind and not re.search(r"[A-Z]\d?$", text.upper()):
            text = f"{text} {kind}"
        try:
            return normalize_pub_number(text, office=office)
        except InputError:
            continue
    return None


@lru_cache(maxsize=1 << 16)
def app_number(country: str | None, number: str | None) -> str | None:
    """The canonical application (or priority, or PCT) number, or None."""
    if not number:
        return None
    country = (country or "").strip().upper() or None
    if country in ("WO", "IB") and not number.upper().startswith("PCT"):
        country = "WO"
    try:
        return normalize_app_number(number.strip(), office=country)
    except (InputError, ValueError):
        return None


def priority(
    country: str | None, number: str | None, when: date | None
) -> Priority | None:
    """A priority claim; the number None (raw kept) when it cannot be normalised."""
    country = (country or "").strip().upper() or None
    if not number and not when:
        return None
    raw = " ".join(
        x for x in (country, number, when.isoformat() if when else None) if x
    )
    return Priority(
        country=country, number=app_number(country, number), date=when, raw=raw
    )


# --- classifications -----------------------------------------------------------------


def ipc(
    text: str | None, *, scheme: str = "IPC", is_main: bool = False
) -> Classification | None:
    """An IPC or CPC symbol in any written form; None when it is not one."""
    if not text or not text.strip():
        return None
    # Without a slash a symbol may be in the old column layout (``G06F 1516``), which
    # the normal parser would misread as main group 1516.
    old = old_ipc(text) if "/" not in text else None
    code = normalize_ipc(old or text)
    if code is None:
        return None
    return Classification(scheme, code, is_main, text.strip())


_OLD_IPC = re.compile(r"^\s*\d?([A-H]\d\d[A-Z])\s?(.{3})(\d{2,})")


def old_ipc(text: str) -> str | None:
    """IPC 1st–7th edition as USPTO writes it: ``A45F  504`` (subclass, main group in
    three columns, subgroup) → ``A45F 5/04``; ``7A 61K   9/16`` (DOCDB) is handled by
    the normal parser."""
    m = _OLD_IPC.match(text)
    if not m or not m.group(2).strip().isdigit():
        return None
    return f"{m.group(1)} {int(m.group(2))}/{m.group(3)}"


_USPC = re.compile(r"^\s*([A-Z]{1,2}\d*|\d+)\s*$")


def uspc(text: str | None) -> str | None:
    """A US class in Red Book columns (``  2 69``, ``381333``, ``36167903``, ``D21765``)
    as ``class/subclass`` (``2/69``, ``381/333``, ``361/679.03``, ``D21/765``)."""
    if not text:
        return None
    raw = text.rstrip()
    if not raw.strip() or "-" in raw:
        return None
    if "/" in raw:
        cls, _, sub = raw.partition("/")
        return f"{cls.strip()}/{sub.strip()}" if cls.strip() and sub.strip() else None
    raw = raw.rjust(6) if len(raw) < 6 else raw
    cls, sub, ext = raw[:3].strip(), raw[3:6].strip(), raw[6:].strip()
    if not cls or not sub:
        return None
    if not re.fullmatch(r"[A-Z]?\d{1,3}|[A-Z]{1,2}|PLT", cls):
        return None
    sub = sub.lstrip("0") or "0" if sub.isdigit() else sub
    return f"{cls}/{sub}" + (f".{ext}" if ext and ext.strip("0") else "")


def locarno(text: str | None) -> Classification | None:
    """A Locarno class from ``2102`` (USPTO), ``11-02``, ``LOC (10) 11-02``."""
    if not text or not text.strip():
        return None
    raw = text.strip()
    digits = raw.replace(" ", "")
    code = normalize_locarno(raw)
    if code is None and re.fullmatch(r"\d{3,4}", digits):
        code = normalize_locarno(f"{digits[:-2]}-{digits[-2:]}")
    return Classification("LOC", code, True, raw) if code else None


def mark_main(items: list[Classification]) -> list[Classification]:
    """Make the first IPC the main one when the source flags none; one main at most."""
    out: list[Classification] = []
    seen: set[tuple[str, str]] = set()
    main_schemes: set[str] = set()
    for c in items:
        key = (c.scheme, c.code)
        if key in seen:
            continue
        seen.add(key)
        if c.is_main:
            if c.scheme in main_schemes:
                c = Classification(c.scheme, c.code, False, c.raw)
            main_schemes.add(c.scheme)
        out.append(c)
    for i, c in enumerate(out):
        if c.scheme == "IPC" and "IPC" not in main_schemes:
            out[i] = Classification(c.scheme, c.code, True, c.raw)
            break
    return out


def ipc_main(items: Iterable[Classification]) -> str | None:
    """The main IPC code of a list."""
    for c in items:
        if c.scheme == "IPC" and c.is_main:
            return c.code
    return None


# --- claims --------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^\s*(\d{1,3})\s*(?:[.、．]\s*\)?|\))\s*")
_CLAIM_ID_NUMBER = re.compile(r"(\d+)\s*$")


def strip_claim_number(text: str, num: int) -> str:
    """The claim text without its own leading number (``1.一种…`` → ``一种…``)."""
    m = _LEADING_NUMBER.match(text)
    if m and int(m.group(1)) == num:
        return text[m.end() :].strip()
    return text


@dataclass(frozen=True, slots=True)
class RawClaim:
    """A claim as found in the XML, before numbering and dependencies are settled."""

    num: int | None
    text: str
    refs: tuple[str, ...] | None = None
    """ids of the claims referred to by markup (``claim-ref``), None when the format has
    no such markup (then the text is searched)."""


_REF_OTHER = re.compile(
    r"\b(?:Anspr(?:u|ü)che?n?|revendications?)\s+(?:nach\s+)?(\d+)"
    r"((?:\s*(?:,|-|–|bis|oder|und|à|a|ou|et)\s*\d+)*)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"(\d+)\s*(?:-|–|bis|à|a|to)\s*(\d+)")


def claim_refs(text: str, *, before: int) -> tuple[int, ...]:
    """Claim numbers below ``before`` that a claim's text refers back to: Chinese and
    English (:func:`patnav.ingest.claims.claim_references`), German and French (EPO
    publications: ``nach Anspruch 1``, ``selon l'une des revendications 1 à 3``)."""
    found = list(claim_references(text, before=before))
    for m in _REF_OTHER.finditer(text):
        fragment = m.group(1) + (m.group(2) or "")
        numbers = [int(n) for n in re.findall(r"\d+", fragment)]
        for lo, hi in _RANGE.findall(fragment):
            a, b = int(lo), int(hi)
            if 0 < a < b <= a + 200:
                numbers.extend(range(a, b + 1))
        for n in sorted(set(numbers)):
            if 0 < n < before and n not in found:
                found.append(n)
    return tuple(found)


def build_claims(
    raw: list[RawClaim], ids: dict[str, int], *, lang: str | None
) -> tuple[Claim, ...]:
    """Numbered claims with ``depends_on`` from markup where the format has it, else from
    the text (``根据权利要求1所述``, ``according to claim 1``)."""
    out: list[Claim] = []
    expected = 1
    for item in raw:
        num = item.num if item.num is not None else expected
        expected = num + 1
        text = strip_claim_number(item.text, num)
        if not text:
            continue
        if item.refs is not None:
            deps: list[int] = []
            for ref in item.refs:
                target = ids.get(ref)
                if target is None and (m := _CLAIM_ID_NUMBER.search(ref)):
                    target = int(m.group(1))
                if target is not None and 0 < target < num and target not in deps:
                    deps.append(target)
            depends = tuple(deps)
            if not depends:
                depends = claim_refs(text, before=num)
        else:
            depends = claim_refs(text, before=num)
        out.append(
            Claim(
                num=num,
                text=text,
                is_independent=not depends,
                depends_on=depends,
                lang=lang,
            )
        )
    return tuple(out)


def claims_text(claims: Iterable[Claim]) -> str | None:
    """The whole claim set as one text, one numbered claim a line."""
    text = "\n".join(f"{c.num}. {c.text}" for c in claims)
    return text or None


# --- citations -----------------------------------------------------------------------


def patent_citation(
    country: str | None,
    number: str | None,
    kind: str | None,
    *,
    category: CitationCategory,
    origin: str | None,
    cited_date: date | None = None,
    name: str | None = None,
) -> Citation | None:
    """A cited patent; the canonical number None when it cannot be normalised (the raw
    form is kept)."""
    if not number or not number.strip():
        return None
    raw = " ".join(x.strip() for x in (country, number, kind) if x and x.strip())
    if name:
        raw += f" ({name})"
    return Citation(
        cited_pub_number=pub_number(country, number, kind),
        category=category,
        origin=origin,
        cited_raw=raw,
        cited_date=cited_date,
    )


def npl_citation(
    text: str | None, *, category: CitationCategory, origin: str | None
) -> Citation | None:
    """A cited non-patent document."""
    if not text:
        return None
    return Citation(cited_npl=text, category=category, origin=origin, cited_raw=text)


_EPO_CITE = re.compile(r"^\s*([A-Z]{2})\s*-\s*([A-Z]\d?)\s*-\s*(.+?)\s*$")


def citation_from_text(
    text: str, *, category: CitationCategory, origin: str | None
) -> Citation:
    """A citation written as text: EPO's ``EP-A- 0 367 306``, ``WO-A-91/06571``, or a
    plain number; non-patent literature when it is neither."""
    if m := _EPO_CITE.match(text):
        number = pub_number(m.group(1), m.group(3).replace(" ", ""), m.group(2))
        if number:
            return Citation(
                cited_pub_number=number,
                category=category,
                origin=origin,
                cited_raw=text,
            )
    if re.fullmatch(r"[A-Z]{2}[\s\d/,.\-]{4,}[A-Z]?\d?", text.strip()):
        number = pub_number(None, text, None)
        if number:
            return Citation(
                cited_pub_number=number,
                category=category,
                origin=origin,
                cited_raw=text,
            )
    return Citation(cited_npl=text, category=category, origin=origin, cited_raw=text)


# --- parties -------------------------------------------------------------------------

_NO_COUNTRY = frozenset({"", "UNKNOWN", "OMITTED", "XX", "NONE", "0"})


def country_code(text: str | None) -> str | None:
    """A two-letter country code, None for USPTO's ``unknown``/``omitted`` and blanks."""
    if not text:
        return None
    code = text.strip().upper()
    if code in _NO_COUNTRY or not re.fullmatch(r"[A-Z]{2}", code):
        return None
    return code


def person_name(
    first: str | None, last: str | None, *, middle: str | None = None
) -> tuple[str, str] | None:
    """(display name ``First Middle Last``, raw ``Last, First Middle``) of a person."""
    given = " ".join(x.strip() for x in (first, middle) if x and x.strip())
    family = (last or "").strip()
    if not given and not family:
        return None
    display = clean_name(f"{given} {family}".strip())
    raw = f"{family}, {given}" if family and given else (family or given)
    return display, raw


def join_address(*parts: str | None) -> str | None:
    """Address parts joined with commas, blanks and duplicates dropped."""
    seen: list[str] = []
    for part in parts:
        if part and (p := clean_name(part)) and p not in seen:
            seen.append(p)
    return ", ".join(seen) or None


def cn_address(text: str | None) -> tuple[str | None, str | None]:
    """A CNIPA address (``650231 云南省昆明市…``) as (address, postcode)."""
    if not text or not text.strip():
        return None, None
    address, postcode = split_postcode(text)
    return address or None, postcode


US_ASSIGNEE_TYPES: dict[str, PartyType] = {
    "01": PartyType.OTHER,  # unassigned
    "02": PartyType.COMPANY,  # US company or corporation
    "03": PartyType.COMPANY,  # foreign company or corporation
    "04": PartyType.INDIVIDUAL,  # US individual
    "05": PartyType.INDIVIDUAL,  # foreign individual
    "06": PartyType.GOVERNMENT,  # US federal government
    "07": PartyType.GOVERNMENT,  # foreign government
    "08": PartyType.GOVERNMENT,  # US county government
    "09": PartyType.GOVERNMENT,  # US state government
}
"""USPTO assignee type codes (the Red Book ``role``, pre-grant ``assignee-type``, ST.32
``B732US``); a leading 1 in two-digit codes like ``12`` marks part interest."""


def us_assignee_type(code: str | None) -> PartyType | None:
    """The party type a USPTO assignee code stands for."""
    if not code:
        return None
    code = code.strip()
    if len(code) == 1:
        code = "0" + code
    return (
        US_ASSIGNEE_TYPES.get("0" + code[-1])
        if code[:1] == "1"
        else (US_ASSIGNEE_TYPES.get(code))
    )


# --- USPTO specifics shared by its three layouts -----------------------------------------

_US_CATEGORIES = {
    "cited by examiner": CitationCategory.EXAMINER,
    "cited by applicant": CitationCategory.APPLICANT,
    "cited by third party": CitationCategory.THIRD_PARTY,
}


def us_citation_category(label: str | None) -> CitationCategory:
    """The category of a USPTO ``<category>`` label. ``cited by other`` (2001–2012: not
    cited by the examiner — mostly, but not only, the applicant) stays ``unknown``; the
    label itself is kept as the citation's origin."""
    if not label:
        return CitationCategory.UNKNOWN
    return _US_CATEGORIES.get(label.strip().lower(), CitationCategory.UNKNOWN)


_US_APPL_TYPES = {
    "utility": PatentType.INVENTION,
    "reissue": PatentType.INVENTION,
    "sir": PatentType.INVENTION,
    "design": PatentType.DESIGN,
    "plant": PatentType.PLANT,
}


def us_patent_type(
    appl_type: str | None, kind: str | None, pub: str | None
) -> PatentType | None:
    """Design, plant or invention from the application type, else the kind code."""
    if appl_type and (found := _US_APPL_TYPES.get(appl_type.strip().lower())):
        if (
            found == PatentType.INVENTION
            and kind
            and kind.strip().upper().startswith("S")
        ):
            return PatentType.DESIGN  # a design reissue
        return found
    return patent_type_of("US", (kind or "").strip() or None, None, pub)
