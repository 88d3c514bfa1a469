"""USPTO full-text XML, every version since 2001: Red Book grant and application XML
(``us-patent-grant`` v4.0–v4.7, ``us-patent-application`` v4.0–v4.6), pre-grant
publications v1.5/v1.6 (``patent-application-publication``, :mod:`uspto_pap`) and the
2001 ST.32 SGML-in-XML grants (``PATDOC``, :mod:`uspto_sgml`).

A weekly file (``ipg…``, ``ipa…``, ``pg…``, ``pa…``) is thousands of documents
concatenated, each with its own ``<?xml …?>`` declaration and several GB in all: it is cut
into documents by a byte scanner and each is parsed alone, so memory stays flat and a
broken document costs that document only. The DTDs the documents name are never loaded;
the character entities they define are mapped by :mod:`patnav.ingest.xml.safe`.

The DTD a document declares tells its version. A DTD name outside USPTO's naming
(``us-patent-grant-v44-2013-05-16test.dtd``) is refused as unsupported; a document without
a document type declaration is read by its root element, with a warning; a well-formed
name newer than the versions listed here is read, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from patnav.errors import (
    IgnoredDocumentError,
    SkippedDocumentError,
)
from patnav.ingest.base import (
    Item,
    ReadOptions,
    Source,
)
from patnav.ingest.readers import (
    uspto_pap,
    uspto_sgml,
)
from patnav.ingest.values import clean_name
from patnav.ingest.xml.patent import (
    RawClaim,
    app_number,
    build_claims,
    child_text,
    claims_text,
    clean_text,
    country_code,
    ipc,
    ipc_main,
    join_address,
    lines_of,
    locarno,
    mark_main,
    npl_citation,
    parse_ymd,
    patent_citation,
    person_name,
    priority,
    pub_number,
    text_of,
    us_assignee_type,
    us_citation_category,
    us_patent_type,
    uspc,
)
from patnav.ingest.xml.reading import (
    FileNotes,
    read_xml,
)
from patnav.ingest.xml.safe import (
    Element,
    Piece,
    Prepared,
    root_name,
)
from patnav.schema.records import (
    Citation,
    Classification,
    Event,
    EventType,
    Party,
    PartyType,
    PatentRecord,
    Priority,
    Role,
    Text,
)

FORMAT = "uspto-xml"
LABEL = (
    "USPTO full-text XML: grant and application Red Book v4.0–v4.7, pre-grant "
    "publication v1.5/v1.6, 2001 ST.32 SGML-XML; weekly files of concatenated documents"
)

GRANT_ROOT = "us-patent-grant"
APP_ROOT = "us-patent-application"
ROOTS = frozenset({GRANT_ROOT, APP_ROOT, uspto_pap.ROOT, uspto_sgml.ROOT})
SUPPLEMENTS = {
    "sequence-cwu": "sequence listings (<sequence-cwu>, part of the grant before them)",
}
"""Documents of weekly files that belong to a patent but are not one."""

PUBLISHED_DTDS = frozenset(
    [
        f"us-patent-grant-{v}.dtd"
        for v in (
            "v40-2004-12-02",
            "v41-2005-08-25",
            "v42-2006-08-23",
            "v43-2012-12-04",
            "v44-2013-05-16",
            "v45-2014-04-03",
            "v46-2021-08-30",
            "v47-2022-02-17",
        )
    ]
    + [
        f"us-patent-application-{v}.dtd"
        for v in (
            "v40-2004-12-02",
            "v41-2005-08-25",
            "v42-2006-08-23",
            "v43-2012-12-04",
            "v44-2014-04-03",
            "v45-2021-08-30",
            "v46-2022-02-17",
        )
    ]
    + [
        "pap-v15-2001-01-31.dtd",
        "pap-v16-2002-01-01.dtd",
        "ST32-US-Grant-025xml.dtd",
        "ST32-US-Grant-024.dtd",
    ]
)
"""The DTDs USPTO published for its full-text XML."""
_DTD_NAME = re.compile(
    r"^(?:(us-patent-grant|us-patent-application)-v\d\d-\d{4}-\d{2}-\d{2}"
    r"|(pap)-v\d\d-\d{4}-\d{2}-\d{2}|(ST32-US-Grant)-\d{3}(?:xml)?)\.dtd$"
)
_USPTO_FAMILY = ("us-patent-", "pap-", "ST32-US-")
_DTD_ROOT = {
    "us-patent-grant": GRANT_ROOT,
    "us-patent-application": APP_ROOT,
    "pap": uspto_pap.ROOT,
    "ST32-US-Grant": uspto_sgml.ROOT,
}
_BLOCKS = frozenset({"p", "heading"})


def sniff(source: Source) -> bool:
    """The root element is a USPTO grant, application, pre-grant publication or ST.32
    ``PATDOC``."""
    return root_name(source.head()) in ROOTS


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per document of a weekly or single-document file."""
    return read_xml(source, options, _build, label="USPTO XML")


def _build(
    root: Element, prepared: Prepared, piece: Piece, notes: FileNotes
) -> PatentRecord:
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag in SUPPLEMENTS:
        raise IgnoredDocumentError(SUPPLEMENTS[tag])
    if tag not in ROOTS:
        raise SkippedDocumentError(
            f"the root element is <{tag}>, not a USPTO patent document (one of "
            f"{', '.join(sorted(ROOTS))}); it was skipped"
        )
    variant = check_dtd(tag, prepared, root, piece, notes)
    notes.variants[variant] += 1
    if tag == uspto_pap.ROOT:
        return uspto_pap.build(root, piece, notes)
    if tag == uspto_sgml.ROOT:
        return uspto_sgml.build(root, piece, notes)
    return _red_book(root, piece, notes)


def check_dtd(
    tag: str, prepared: Prepared, root: Element, piece: Piece, notes: FileNotes
) -> str:
    """The version label of a document from the DTD it declares; refuse a DTD name
    outside USPTO's naming or one for another kind of document.

    Raises:
        SkippedDocumentError: the DTD is not supported.
    """
    version = root.get("dtd-version") or root.get("DTD") or ""
    kind = {
        GRANT_ROOT: "grant",
        APP_ROOT: "application",
        uspto_pap.ROOT: "pre-grant publication",
        uspto_sgml.ROOT: "ST.32 grant",
    }[tag]
    doctype = prepared.doctype
    system = (doctype.system_id or "") if doctype else ""
    dtd = system.replace("\\", "/").rsplit("/", 1)[-1]
    if doctype is None or not dtd:
        notes.warn(
            "documents without a document type declaration were read by their root "
            "element and dtd-version attribute",
            piece.position,
        )
        return f"{kind} {version or '(version not stated)'} (no DOCTYPE)".strip()
    if dtd.startswith(_USPTO_FAMILY):
        m = _DTD_NAME.match(dtd)
        if not m:
            raise SkippedDocumentError(
                f"unsupported DTD: the document declares '{dtd}', which is not the name "
                "of a DTD USPTO published (they look like us-patent-grant-v44-2013-05-16"
                ".dtd). The file was probably edited or produced by another tool; check "
                "it against the USPTO original"
            )
        family = next(g for g in m.groups() if g)
        if _DTD_ROOT[family] != tag:
            raise SkippedDocumentError(
                f"unsupported DTD: the document declares '{dtd}' but its root element is "
                f"<{tag}>; the two do not belong together"
            )
        if dtd not in PUBLISHED_DTDS:
            notes.warn(
                f"documents declare a DTD newer than the versions patnav knows ({dtd}); "
                "they were read with the latest known layout and fields it does not "
                "know are missed",
                piece.position,
            )
        return f"{kind} {dtd}"
    notes.warn(
        f"documents declare a DTD that is not USPTO's ('{dtd}'); they were read by "
        "their root element",
        piece.position,
    )
    return f"{kind} (declared DTD {dtd})"


# --- Red Book v4.x -----------------------------------------------------------------------


def _doc_id(
    el: Element | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """country, doc-number, kind, date of a ``document-id`` (one pass over it)."""
    if el is None:
        return None, None, None, None
    found = {child.tag: child.text for child in el}
    return (
        clean_text(found.get("country")),
        clean_text(found.get("doc-number")),
        clean_text(found.get("kind")),
        clean_text(found.get("date")),
    )


def _ipcr(el: Element, scheme: str) -> Classification | None:
    parts = [child_text(el, t) or "" for t in ("section", "class", "subclass")]
    group, sub = child_text(el, "main-group"), child_text(el, "subgroup")
    if not all(parts) or not group:
        return None
    raw = f"{''.join(parts)} {group}/{sub or '00'}"
    return ipc(raw, scheme=scheme, is_main=child_text(el, "symbol-position") == "F")


def _classes(bib: Element) -> list[Classification]:
    out: list[Classification] = []
    for el in bib.iterfind("classifications-ipcr/classification-ipcr"):
        if c := _ipcr(el, "IPC"):
            out.append(c)
    for el in bib.iterfind("classification-ipc"):
        # raw text: the old layout is in columns (A45F  504 is A45F 5/04)
        if c := ipc(el.findtext("main-classification"), is_main=True):
            out.append(c)
        for further in el.iterfind("further-classification"):
            if c := ipc(further.text):
                out.append(c)
    for path, main in (("main-cpc", True), ("further-cpc", False)):
        for el in bib.iterfind(f"classifications-cpc/{path}/classification-cpc"):
            if c := _ipcr(el, "CPC"):
                out.append(Classification("CPC", c.code, main, c.raw))
    for el in bib.iterfind("classification-locarno"):
        if c := locarno(child_text(el, "main-classification")):
            out.append(c)
    for el in bib.iterfind("classification-national"):
        if (main := el.findtext("main-classification")) and (code := uspc(main)):
            out.append(Classification("USPC", code, True, main.strip()))
        for further in el.iterfind("further-classification"):
            if further.text and (code := uspc(further.text)):
                out.append(Classification("USPC", code, False, further.text.strip()))
    return mark_main(out)


def _address(book: Element | None) -> dict[str, str | None]:
    addr = book.find("address") if book is not None else None
    if addr is None:
        return {"address": None, "country": None, "city": None, "province": None}
    city, state = child_text(addr, "city"), child_text(addr, "state")
    postcode = child_text(addr, "postcode")
    return {
        "address": join_address(
            child_text(addr, "street"),
            city,
            " ".join(x for x in (state, postcode) if x) or None,
        ),
        "country": country_code(child_text(addr, "country")),
        "city": city,
        "province": state,
    }


def _party(
    role: Role, el: Element, *, party_type: PartyType | None = None
) -> Party | None:
    """A party from an ``addressbook`` (or, in v4.0 assignees, from the element itself)."""
    book = el.find("addressbook")
    holder = book if book is not None else el
    org = child_text(holder, "orgname")
    if org:
        name, raw = clean_name(org), org
        party_type = party_type or (PartyType.COMPANY if role == Role.AGENCY else None)
    else:
        person = person_name(
            child_text(holder, "first-name"),
            child_text(holder, "last-name"),
            middle=child_text(holder, "middle-name"),
        )
        if person is None:
            return None
        name, raw = person
        party_type = party_type or PartyType.INDIVIDUAL
    place = _address(holder)
    if place["country"] is None:
        place["country"] = country_code(child_text(el, "residence/country"))
    return Party(
        role,
        name,
        raw,
        party_type=party_type,
        address=place["address"],
        country=place["country"],
        province=place["province"],
        city=place["city"],
    )


def _parties(bib: Element) -> list[Party]:
    parties: list[Party] = []
    holder = bib.find("us-parties")
    if holder is None:
        holder = bib.find("parties")
    inventors: list[Party] = []
    if holder is not None:
        applicants = holder.findall("us-applicants/us-applicant") or holder.findall(
            "applicants/applicant"
        )
        for el in applicants:
            if p := _party(Role.APPLICANT, el):
                parties.append(p)
                if el.get("app-type") == "applicant-inventor":
                    inventors.append(
                        Party(
                            Role.INVENTOR,
                            p.name,
                            p.raw_name,
                            PartyType.INDIVIDUAL,
                            p.address,
                            None,
                            p.country,
                            p.province,
                            p.city,
                        )
                    )
        listed = [
            p
            for el in holder.iterfind("inventors/inventor")
            if (p := _party(Role.INVENTOR, el))
        ]
        parties += listed or inventors
    for el in bib.iterfind("assignees/assignee"):
        code = child_text(el, "addressbook/role") or child_text(el, "role")
        if p := _party(Role.ASSIGNEE, el, party_type=us_assignee_type(code)):
            parties.append(p)
    if holder is not None:
        for el in holder.iterfind("agents/agent"):
            book = el.find("addressbook")
            role = (
                Role.AGENCY
                if book is not None and book.find("orgname") is not None
                else Role.AGENT
            )
            if p := _party(role, el):
                parties.append(p)
    for tag in ("primary-examiner", "assistant-examiner"):
        for el in bib.iterfind(f"examiners/{tag}"):
            person = person_name(
                child_text(el, "first-name"), child_text(el, "last-name")
            )
            if person:
                parties.append(
                    Party(
                        Role.EXAMINER,
                        person[0],
                        person[1],
                        PartyType.INDIVIDUAL,
                        ext_id=child_text(el, "department"),
                    )
                )
    return parties


def _citations(bib: Element) -> list[Citation]:
    out: list[Citation] = []
    cites = bib.findall("us-references-cited/us-citation") or bib.findall(
        "references-cited/citation"
    )
    for el in cites:
        label = clean_text(el.findtext("category"))
        category = us_citation_category(label)
        doc = el.find("patcit/document-id")
        if doc is not None:
            country, number, kind, when = _doc_id(doc)
            c = patent_citation(
                country,
                number,
                kind,
                category=category,
                origin=label,
                cited_date=parse_ymd(when, partial=True),
                name=clean_text(doc.findtext("name")),
            )
        else:
            c = npl_citation(
                child_text(el, "nplcit/othercit") or text_of(el.find("nplcit")),
                category=category,
                origin=label,
            )
        if c:
            out.append(c)
    return out


_RELATIONS = (
    "division",
    "continuation",
    "continuation-in-part",
    "continuing-reissue",
    "reissue",
    "reexamination",
    "substitution",
    "us-reexamination-reissue-merger",
    "utility-model-basis",
)


def _related(bib: Element) -> tuple[str | None, list[str]]:
    """The parent application of a division, and a summary of every relation."""
    rel = bib.find("us-related-documents")
    if rel is None:
        return None, []
    parent = None
    notes: list[str] = []
    for name in _RELATIONS:
        for el in rel.iterfind(name):
            doc = el.find("relation/parent-doc/document-id")
            number = app_number(
                child_text(doc, "country") or "US", child_text(doc, "doc-number")
            )
            if number:
                notes.append(f"{name} of {number}")
                if name == "division" and parent is None:
                    parent = number
    for el in rel.iterfind("us-provisional-application"):
        number = app_number("US", child_text(el, "document-id/doc-number"))
        if number:
            notes.append(f"provisional {number}")
    for el in rel.iterfind("related-publication"):
        number = pub_number(*_doc_id(el.find("document-id"))[:3])
        if number:
            notes.append(f"published as {number}")
    return parent, notes


# Over 120 lines on purpose: one pass down a Red Book document in the DTD's order, so
# each field's element is read off in one place; repeated structures are helpers above.
def _red_book(root: Element, piece: Piece, notes: FileNotes) -> PatentRecord:
    grant = root.tag == GRANT_ROOT
    bib = root.find(
        "us-bibliographic-data-grant" if grant else "us-bibliographic-data-application"
    )
    if bib is None:
        raise SkippedDocumentError(f"the <{root.tag}> has no bibliographic data")
    country, number, kind, pub_date_text = _doc_id(
        bib.find("publication-reference/document-id")
    )
    office = country_code(country) or "US"
    app_ref = bib.find("application-reference")
    _, app_raw, _, app_date_text = _doc_id(
        app_ref.find("document-id") if app_ref is not None else None
    )
    appl_type = app_ref.get("appl-type") if app_ref is not None else None
    pub_canon = pub_number(office, number, kind)
    app_canon = app_number("US", app_raw)
    pub_date = parse_ymd(pub_date_text)

    priorities: list[Priority] = [
        p
        for el in bib.iterfind("priority-claims/priority-claim")
        if (
            p := priority(
                child_text(el, "country"),
                child_text(el, "doc-number"),
                parse_ymd(child_text(el, "date")),
            )
        )
    ]
    classes = _classes(bib)
    extras: dict[str, str] = {}
    for key, path in (
        ("appl_type", None),
        ("series_code", "us-application-series-code"),
        ("term_extension_days", "us-term-of-grant/us-term-extension"),
        ("term_years", "us-term-of-grant/length-of-grant"),
        ("disclaimer", "us-term-of-grant/disclaimer/text"),
        ("number_of_claims", "number-of-claims"),
        ("exemplary_claim", "us-exemplary-claim"),
    ):
        value = appl_type if path is None else child_text(bib, path)
        if value:
            extras[key] = value
    parent, relations = _related(bib)
    if relations:
        extras["related"] = "; ".join(relations)

    ids: dict[str, int] = {}
    raw_claims: list[RawClaim] = []
    for n, el in enumerate(root.iterfind("claims/claim"), 1):
        text = text_of(el)
        if not text:
            continue
        num = _claim_num(el.get("num"), el.get("id"), n)
        if el.get("id"):
            ids[el.get("id")] = num
        refs = tuple(r.get("idref") or "" for r in el.iter("claim-ref"))
        raw_claims.append(RawClaim(num, text, refs))
    claims = build_claims(raw_claims, ids, lang="en")
    declared = extras.get("number_of_claims")
    if declared and declared.isdigit() and int(declared) != len(claims):
        notes.warn(
            "documents whose number-of-claims differs from the claims they hold",
            f"{piece.position} ({pub_canon}: {declared} declared, {len(claims)} found)",
        )

    abstract = lines_of(root.find("abstract"), _BLOCKS)
    patent_type = us_patent_type(appl_type, kind, pub_canon)
    if (
        abstract is None
        and patent_type is not None
        and patent_type.value == "invention"
    ):
        notes.warn(
            "utility documents without an abstract", f"{piece.position} ({pub_canon})"
        )
    description = lines_of(root.find("description"), _BLOCKS)
    pct_filing = bib.find("pct-or-regional-filing-data")
    pct_pub = bib.find("pct-or-regional-publishing-data/document-id")
    return PatentRecord(
        pub_number=pub_canon,
        pub_number_raw=" ".join(x for x in (country, number, kind) if x) or None,
        kind=(kind or "").strip() or None,
        office=office,
        app_number=app_canon,
        app_number_raw=app_raw,
        app_date=parse_ymd(app_date_text),
        pub_date=pub_date,
        grant_date=pub_date if grant else None,
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=patent_type,
        title=child_text(bib, "invention-title"),
        abstract=abstract,
        claims=claims_text(claims),
        lang=(root.get("lang") or "en").lower()[:2],
        claims_count=len(claims) or None,
        ipc_main=ipc_main(classes),
        pct_app_number=app_number(
            "WO", child_text(pct_filing, "document-id/doc-number")
        ),
        pct_pub_number=pub_number(*_doc_id(pct_pub)[:3])
        if pct_pub is not None
        else None,
        pct_entry_date=parse_ymd(
            child_text(pct_filing, "us-371c124-date/date")
            or child_text(pct_filing, "us-371c12-date/date")
        ),
        parent_app_number=parent,
        parties=tuple(_parties(bib)),
        classifications=tuple(classes),
        citations=tuple(_citations(bib)),
        priorities=tuple(priorities),
        claim_items=claims,
        texts=(Text("en", "description", description),) if description else (),
        events=(
            (Event(EventType.GRANT, pub_date, kind, "patent granted"),)
            if grant and pub_date
            else ()
        ),
        extras=tuple(sorted(extras.items())),
    )


def _claim_num(num: str | None, claim_id: str | None, position: int) -> int:
    for candidate in (num, claim_id):
        if candidate and (m := re.search(r"(\d+)\s*$", candidate)) and int(m.group(1)):
            return int(m.group(1))
    return position
