"""EPO DOCDB exchange XML: ``exch:exchange-documents`` bulk files (hundreds of MB, one
record per publication, any office) and single ``exch:exchange-document`` records.

A bulk file is one huge document, so records are cut out of the byte stream one
``exchange-document`` at a time and parsed alone: memory stays flat and a broken record
costs that record only. Records saved on their own often use the ``exch:`` prefix
without declaring it; the declaration is added before parsing. DOCDB is bibliographic
only: no claims or description.

Each field comes in several *data formats*. patnav takes numbers from ``docdb`` (the
standardised form, with country and kind), priority and application numbers from
``original`` where given (``60095006`` rather than DOCDB's ``9500698``), and names from
``docdba`` or ``original`` (as published: ``WARNER-LAMBERT COMPANY``, not the
standardised ``WARNER LAMBERT CO``). The ``family-id`` attribute is the DOCDB simple
family. Citations keep the phase that cited them (``SEA`` search, ``ISR`` international
search, ``EXA`` examination, ``APP`` applicant, ``OPP`` opposition, ``TPO`` third party)
and the search-report categories (``X``, ``Y``, ``A`` …) in ``origin``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from patnav.errors import (
    BadDocumentError,
    IgnoredDocumentError,
    SkippedDocumentError,
    UnsafeDocumentError,
)
from patnav.ingest.base import (
    Item,
    LimitedReader,
    ReadOptions,
    Rejected,
    Source,
)
from patnav.ingest.values import clean_name
from patnav.ingest.xml.patent import (
    app_number,
    clean_text,
    country_code,
    ipc,
    ipc_main,
    lines_of,
    mark_main,
    npl_citation,
    parse_ymd,
    patent_citation,
    priority,
    pub_number,
    text_of,
)
from patnav.ingest.xml.reading import (
    FileNotes,
    guard_stream,
    read_xml,
)
from patnav.ingest.xml.safe import (
    Element,
    Piece,
    Prepared,
    Prolog,
    local_name,
    read_doctype,
    refuse_entities,
    root_name,
    split_elements,
    strip_namespaces,
)
from patnav.schema.numbers import patent_type_of
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Classification,
    Party,
    PatentRecord,
    Priority,
    Role,
    Text,
)

FORMAT = "epo-docdb"
LABEL = "EPO DOCDB exchange XML (bulk exchange-documents files and single records)"

RECORD_TAGS = (b"exch:exchange-document", b"exchange-document")
ROOTS = frozenset({"exchange-documents", "exchange-document"})
_PHASES = {
    "APP": CitationCategory.APPLICANT,
    "OPP": CitationCategory.THIRD_PARTY,
    "TPO": CitationCategory.THIRD_PARTY,
}
"""Citation phases other than the office's own (search, examination: ``examiner``)."""


def sniff(source: Source) -> bool:
    """The root element is ``exchange-documents`` or ``exchange-document``, with or
    without the ``exch:`` prefix."""
    return local_name(root_name(source.head())) in ROOTS


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per ``exchange-document``, streamed out of bulk files."""
    return read_xml(source, options, _build, label="DOCDB", split=_records)


def _records(stream: LimitedReader) -> Iterator[Piece | Rejected]:
    """The ``exchange-document`` records of a stream, after its prolog is checked: a
    prolog that declares entities refuses the whole file."""
    pieces = guard_stream(split_elements(stream, RECORD_TAGS), stream)
    first = next(pieces, None)
    if isinstance(first, Rejected):
        yield first
        return
    if isinstance(first, Prolog) and (problem := _check_prolog(first)):
        yield problem
        return
    for piece in pieces:
        if isinstance(piece, Rejected):
            yield piece
        elif isinstance(piece, Piece):
            # drop the exchange prefix in the bytes: far cheaper than
            # namespaces in the tree (any other prefix is declared on demand)
            data = piece.data.replace(b"<exch:", b"<").replace(b"</exch:", b"</")
            yield Piece(piece.number, piece.offset, data, piece.size, piece.last)


def _check_prolog(prolog: Prolog) -> Rejected | None:
    """Refuse a file whose document type declaration declares entities."""
    try:
        doctype = read_doctype(prolog.data)
        if doctype is not None:
            refuse_entities(doctype)
    except (UnsafeDocumentError, BadDocumentError) as exc:
        return Rejected(
            "the file's prolog (byte 0)",
            f"refused: {exc}",
            prolog.data[:65536].decode("utf-8", errors="replace"),
        )
    return None


# Fields are found by walking children in Python, not with ``find``: lxml's path
# machinery costs 2–5 µs a call, a loop over a handful of children well under one,
# and a record asks for some sixty fields. The lookups keep ElementPath's meaning.


def _index(el: Element) -> dict[str, list[Element]]:
    """An element's children by tag, in document order: one pass over them instead of
    a ``find``/``iterfind`` per field."""
    out: dict[str, list[Element]] = {}
    for child in el:
        tag = child.tag
        if (same := out.get(tag)) is None:
            out[tag] = [child]
        else:
            same.append(child)
    return out


def _at(el: Element | None, *tags: str) -> Element | None:
    """The first element at the path of child ``tags`` under ``el``, as
    ``el.find("a/b")`` finds it (the first ``b`` of the first ``a`` that has one)."""
    if el is None:
        return None
    head = tags[0]
    for child in el:
        if child.tag == head:
            if len(tags) == 1:
                return child
            if (found := _at(child, *tags[1:])) is not None:
                return found
    return None


def _text(el: Element | None) -> str | None:
    """The cleaned text of ``el`` as :func:`child_text` reads the element it finds."""
    if el is None:
        return None
    if len(el):
        return text_of(el)
    return clean_text(el.text)


def _first_text(idx: dict[str, list[Element]], tag: str) -> str | None:
    """The cleaned text of the first child named ``tag``."""
    found = idx.get(tag)
    return _text(found[0]) if found else None


def _by_format(elements: list[Element]) -> dict[str, Element]:
    """Elements by their ``data-format`` (first of each)."""
    out: dict[str, Element] = {}
    for el in elements:
        out.setdefault(el.get("data-format") or "docdb", el)
    return out


def _grouped(parent: Element | None, tag: str) -> list[dict[str, Element]]:
    """Children named ``tag`` grouped by ``sequence``, each group by data format."""
    groups: dict[str, dict[str, Element]] = {}
    if parent is None:
        return []
    for el in parent:
        if el.tag != tag:
            continue
        seq = el.get("sequence") or str(len(groups) + 1)
        groups.setdefault(seq, {}).setdefault(el.get("data-format") or "docdb", el)
    return list(groups.values())


def _children(el: Element | None) -> dict[str, Element]:
    """An element's children by tag (the first of each): one pass instead of a find
    per field, which matters at thousands of records a second."""
    out: dict[str, Element] = {}
    if el is None:
        return out
    for child in el:
        out.setdefault(child.tag, child)
    return out


def _leaf(parts: dict[str, Element], tag: str) -> str | None:
    el = parts.get(tag)
    return clean_text(el.text) if el is not None else None


def _first(group: dict[str, Element], *formats: str) -> Element | None:
    """The element of the first data format present (lxml elements must not be
    truth-tested: an element without children is false)."""
    for name in formats:
        if (el := group.get(name)) is not None:
            return el
    return None


_EDITION_IPC = re.compile(
    r"^\s*\d{0,2}\s*([A-H])\s*(\d{2})\s*([A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})"
)


def _edition_ipc(text: str | None) -> str | None:
    """DOCDB's IPC of the 1st–7th editions, ``' 7A 61K   9/16   A'`` (edition, symbol
    in columns, a flag) → ``A61K 9/16``."""
    if not text:
        return None
    m = _EDITION_IPC.match(text)
    return f"{m[1]}{m[2]}{m[3]} {m[4]}/{m[5]}" if m else text


def _each(idx: dict[str, list[Element]], tag: str, child: str) -> Iterator[Element]:
    """The ``child`` elements of every ``tag`` child (``iterfind("tag/child")``)."""
    for parent in idx.get(tag, ()):
        for el in parent:
            if el.tag == child:
                yield el


def _classes(bib: dict[str, list[Element]]) -> list[Classification]:
    out: list[Classification] = []
    for el in bib.get("classification-ipc", ()):
        for child in el:
            if child.tag not in ("main-classification", "further-classification"):
                continue
            main = child.tag == "main-classification"
            if c := ipc(_edition_ipc(child.text), is_main=main):
                out.append(Classification(c.scheme, c.code, main, child.text.strip()))
    for el in _each(bib, "classifications-ipcr", "classification-ipcr"):
        text_el = _at(el, "text")
        text = (text_el.text if text_el is not None else None) or ""
        parts = text.split()
        flags = parts[2] if len(parts) >= 3 else ""
        if c := ipc(text, is_main=flags[9:10] == "F"):
            out.append(c)
    for el in _each(bib, "patent-classifications", "patent-classification"):
        parts = _children(el)
        scheme = parts.get("classification-scheme")
        if scheme is None or not (scheme.get("scheme") or "").upper().startswith("CPC"):
            continue
        position = parts.get("symbol-position")
        main = position is not None and position.text == "F"
        symbol = parts.get("classification-symbol")
        if symbol is not None and (c := ipc(symbol.text, scheme="CPC", is_main=main)):
            out.append(c)
    return mark_main(out)


def _parties(bib: dict[str, list[Element]]) -> list[Party]:
    out: list[Party] = []
    for group_tag, name_tag, role in (
        ("applicants", "applicant", Role.APPLICANT),
        ("inventors", "inventor", Role.INVENTOR),
    ):
        parent = next(_each(bib, "parties", group_tag), None)
        name_path = f"{name_tag}-name"
        for group in _grouped(parent, name_tag):
            shown = _first(group, "original", "docdba", "docdb")
            name = _text(_at(shown, name_path, "name"))
            if not name:
                continue
            standard = group.get("docdb")
            country = None
            for el in (standard, shown):
                country = country or country_code(
                    _text(_at(el, "residence", "country"))
                )
            out.append(Party(role, clean_name(name), name.strip(), country=country))
    return out


def _citations(bib: dict[str, list[Element]]) -> list[Citation]:
    out: list[Citation] = []
    for el in _each(bib, "references-cited", "citation"):
        phase = el.get("cited-phase")
        category = (
            _PHASES.get(phase, CitationCategory.EXAMINER)
            if phase
            else CitationCategory.UNKNOWN
        )
        category_el = _at(el, "category")
        categories = clean_text(category_el.text if category_el is not None else None)
        origin = " ".join(x for x in (phase, el.get("srep-office")) if x) or None
        if categories:
            origin = f"{origin or 'search report'}: {categories}"
        doc = _at(el, "patcit", "document-id")
        if doc is not None:
            parts = _children(doc)
            c = patent_citation(
                _leaf(parts, "country"),
                _leaf(parts, "doc-number"),
                _leaf(parts, "kind"),
                category=category,
                origin=origin,
                cited_date=parse_ymd(_leaf(parts, "date"), partial=True),
                name=_leaf(parts, "name"),
            )
        else:
            c = npl_citation(
                _text(_at(el, "nplcit", "text")) or text_of(_at(el, "nplcit")),
                category=category,
                origin=origin,
            )
        if c:
            out.append(c)
    return out


def _priorities(bib: dict[str, list[Element]]) -> list[Priority]:
    out: list[Priority] = []
    claims = bib.get("priority-claims")
    for group in _grouped(claims[0] if claims else None, "priority-claim"):
        docdb = group.get("docdb")
        original = group.get("original")
        parts = _children(_at(docdb, "document-id"))
        country = _text(parts.get("country"))
        docdb_number = _text(parts.get("doc-number"))
        number = _text(_at(original, "document-id", "doc-number")) or docdb_number
        p = priority(country, number, parse_ymd(_text(parts.get("date"))))
        if p is not None and p.number is None and original is not None:
            # the original number did not parse: try DOCDB's own form
            p = priority(country, docdb_number, p.date) or p
        if p:
            out.append(p)
    return out


def _family(record: dict[str, list[Element]]) -> list[str]:
    members: list[str] = []
    for member in _each(record, "patent-family", "family-member"):
        for ref in member:
            if ref.tag != "publication-reference":
                continue
            if (ref.get("data-format") or "docdb") != "docdb":
                continue
            parts = _children(_at(ref, "document-id"))
            number = pub_number(
                _text(parts.get("country")),
                _text(parts.get("doc-number")),
                _text(parts.get("kind")),
            )
            if number and number not in members:
                members.append(number)
    return members


def _build(
    root: Element, prepared: Prepared, piece: Piece, notes: FileNotes
) -> PatentRecord:
    # namespaces remain only where a prefix other than exch: was in use
    record = strip_namespaces(root) if b"xmlns" in prepared.data else root
    if record.tag != "exchange-document":
        raise SkippedDocumentError(
            f"the record is <{record.tag}>, not an exchange-document"
        )
    if (record.get("status") or "").upper() == "D":
        raise IgnoredDocumentError("records DOCDB marks as deleted (status D)")
    notes.variants["exchange-document"] += 1
    top = _index(record)
    if "bibliographic-data" not in top:
        raise SkippedDocumentError("the record has no <bibliographic-data>")
    bib = _index(top["bibliographic-data"][0])
    pub_ref = _by_format(bib.get("publication-reference", []))
    doc = _at(pub_ref.get("docdb"), "document-id")
    pub_parts = _children(doc)
    office = country_code(_text(pub_parts.get("country")) or record.get("country"))
    number = _text(pub_parts.get("doc-number")) or record.get("doc-number")
    kind = _text(pub_parts.get("kind")) or record.get("kind")
    pub_canon = pub_number(office, number, kind)
    app_ref = _by_format(bib.get("application-reference", []))
    app_parts = _children(_at(app_ref.get("docdb"), "document-id"))
    app_country = _text(app_parts.get("country")) or office
    app_original = _text(_at(app_ref.get("original"), "document-id", "doc-number"))
    app_docdb = _text(app_parts.get("doc-number"))
    app_kind = _text(app_parts.get("kind"))
    app_canon = None
    if app_kind == "W" and app_docdb:
        app_canon = app_number("WO", f"{app_country}{app_docdb}")
    # DOCDB's own form is what Espacenet shows (AP2000001988, not AP/P/2000/001988),
    # except for US, where it drops the series code the original keeps
    forms = (
        (app_original, app_docdb) if app_country == "US" else (app_docdb, app_original)
    )
    app_canon = app_canon or app_number(app_country, forms[0])
    app_canon = app_canon or app_number(app_country, forms[1])

    lang = (
        (doc.get("lang") if doc is not None else None)
        or _first_text(bib, "language-of-publication")
        or ""
    ).lower()[:2] or None
    titles: dict[str, str] = {}
    for el in bib.get("invention-title", ()):
        if t := text_of(el):
            titles.setdefault((el.get("lang") or "").lower()[:2], t)
    abstracts: dict[str, str] = {}
    for el in top.get("abstract", ()):
        if t := lines_of(el, frozenset({"p"})):
            abstracts.setdefault((el.get("lang") or "").lower()[:2], t)
    if lang is None or (lang not in titles and lang not in abstracts):
        for candidate in ("en", *titles, *abstracts):
            if candidate in titles or candidate in abstracts:
                lang = candidate or None
                break
    texts = [Text(lg, "title", t) for lg, t in titles.items() if lg and lg != lang]
    texts += [
        Text(lg, "abstract", t) for lg, t in abstracts.items() if lg and lg != lang
    ]

    extras: dict[str, str] = {}
    for key, value in (
        ("docdb_doc_id", record.get("doc-id")),
        ("is_representative", record.get("is-representative")),
        ("originating_office", record.get("originating-office")),
        ("filing_language", _first_text(bib, "language-of-filing")),
        ("extended_kind", _first_text(bib, "extended-kind-code")),
    ):
        if value:
            extras[key] = value
    family = _family(top)
    if family:
        extras["family_members"] = " ".join(family)
    priorities = _priorities(bib)
    classes = _classes(bib)
    return PatentRecord(
        pub_number=pub_canon,
        pub_number_raw=" ".join(x for x in (office, number, kind) if x) or None,
        kind=kind,
        office=office,
        app_number=app_canon,
        app_number_raw=app_original or app_docdb,
        app_date=parse_ymd(_text(app_parts.get("date"))),
        pub_date=parse_ymd(_text(pub_parts.get("date")) or record.get("date-publ")),
        priority_date=min((p.date for p in priorities if p.date), default=None),
        family_id=record.get("family-id"),
        patent_type=patent_type_of(office, kind, app_canon, pub_canon),
        title=titles.get(lang or ""),
        abstract=abstracts.get(lang or ""),
        lang=lang,
        ipc_main=ipc_main(classes),
        parties=tuple(_parties(bib)),
        classifications=tuple(classes),
        citations=tuple(_citations(bib)),
        priorities=tuple(priorities),
        texts=tuple(texts),
        extras=tuple(sorted(extras.items())),
    )
