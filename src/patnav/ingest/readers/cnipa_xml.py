"""CNIPA full-text XML, both standards: the old ``cn-patent-document`` (WIPO ST.36 style,
lower-case hyphenated elements) and the new V2.2.1 ``business:PatentDocumentAndRelated``
(CNIPA's ST.96-style schema with ``base:`` and ``business:`` namespaces).

Both carry the same information: publication and application (with check digit),
priorities, IPC (the first is the main one, 主分类号), title, abstract, applicants with
their addresses (the new standard splits province, city, county and postcode),
inventors, the agency with its code and its agents, PCT data, the parent of a
divisional, the description, and every claim. Claims carry no reference markup, so
dependencies come from the text (``根据权利要求1所述``, ``如权利要求1～3中任一项``).
The old element names follow ``element_mapping_cn_old.csv`` (CNIPA's mapping to ST.96).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from patnav.errors import (
    SkippedDocumentError,
)
from patnav.ingest.base import (
    Item,
    ReadOptions,
    Source,
)
from patnav.ingest.values import (
    clean_name,
    split_agency,
)
from patnav.ingest.xml.patent import (
    RawClaim,
    app_number,
    build_claims,
    child_text,
    claims_text,
    clean_text,
    cn_address,
    country_code,
    ipc,
    ipc_main,
    lines_of,
    locarno,
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
    read_xml,
)
from patnav.ingest.xml.safe import (
    Element,
    Piece,
    Prepared,
    local_name,
    root_name,
    strip_namespaces,
)
from patnav.schema.numbers import patent_type_of
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Classification,
    Event,
    EventType,
    Party,
    PatentRecord,
    Priority,
    Role,
    Text,
)

FORMAT = "cnipa-xml"
LABEL = "CNIPA full-text XML (old cn-patent-document and new V2.2.1 standard)"

OLD_ROOT = "cn-patent-document"
NEW_ROOT = "PatentDocumentAndRelated"
GRANT_KINDS = frozenset({"B", "C", "U", "Y", "S", "D"})
"""CN kinds published at grant: inventions (B, C before 2010), utility models, designs."""
_BLOCKS = frozenset({"p", "heading", "Paragraphs", "InventionTitle", "invention-title"})


def sniff(source: Source) -> bool:
    """The root element is ``cn-patent-document`` or ``…:PatentDocumentAndRelated``."""
    return local_name(root_name(source.head())) in (OLD_ROOT, NEW_ROOT)


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per document; a file may hold several concatenated documents."""
    return read_xml(source, options, _build, label="CNIPA XML")


def _build(
    root: Element, prepared: Prepared, piece: Piece, notes: FileNotes
) -> PatentRecord:
    name = local_name(root.tag)
    if name == OLD_ROOT:
        notes.variants["old standard cn-patent-document"] += 1
        return _old(root)
    if name == NEW_ROOT:
        version = root.get("xsdVersion") or "?"
        notes.variants[f"new standard {version}"] += 1
        return _new(strip_namespaces(root))
    raise SkippedDocumentError(
        f"the root element is <{root.tag}>, not a CNIPA patent document "
        f"(<{OLD_ROOT}> or <business:{NEW_ROOT}>)"
    )


def _finish(
    *,
    pub: tuple[str | None, str | None, str | None, str | None],
    app: tuple[str | None, str | None],
    title: str | None,
    abstract: str | None,
    claims_raw: list[RawClaim],
    description: str | None,
    parties: list[Party],
    classes: list[Classification],
    priorities: list[Priority],
    citations: list[Citation],
    extras: dict[str, str],
    pct: tuple[str | None, str | None, str | None],
    parent: str | None,
    lang: str,
) -> PatentRecord:
    country, number, kind, pub_date_text = pub
    app_raw, app_date_text = app
    office = country_code(country) or "CN"
    kind = (kind or "").strip() or None
    pub_canon = pub_number(office, number, kind)
    app_canon = app_number(office, app_raw)
    pub_date = parse_ymd(pub_date_text)
    claims = build_claims(claims_raw, {}, lang=lang)
    classes = mark_main(classes)
    grant = kind is not None and kind[:1] in GRANT_KINDS
    events = (
        (Event(EventType.GRANT, pub_date, kind, "grant published (授权公告)"),)
        if grant and pub_date
        else ()
    )
    dates = [p.date for p in priorities if p.date]
    texts = (Text(lang, "description", description),) if description else ()
    pct_app, pct_pub, pct_entry = pct
    return PatentRecord(
        pub_number=pub_canon,
        pub_number_raw=" ".join(x for x in (country, number, kind) if x) or None,
        kind=kind,
        office=office,
        app_number=app_canon,
        app_number_raw=app_raw,
        app_date=parse_ymd(app_date_text),
        pub_date=pub_date,
        grant_date=pub_date if grant else None,
        priority_date=min(dates) if dates else None,
        patent_type=patent_type_of(office, kind, app_canon, pub_canon),
        title=title,
        abstract=abstract,
        claims=claims_text(claims),
        lang=lang,
        claims_count=len(claims) or None,
        ipc_main=ipc_main(classes),
        pct_app_number=app_number("WO", pct_app),
        pct_pub_number=pub_number("WO", pct_pub) if pct_pub else None,
        pct_entry_date=parse_ymd(pct_entry),
        parent_app_number=app_number(office, parent),
        parties=tuple(parties),
        classifications=tuple(classes),
        citations=tuple(citations),
        priorities=tuple(priorities),
        claim_items=claims,
        texts=texts,
        events=events,
        extras=tuple(sorted(extras.items())),
    )


# --- the old standard ------------------------------------------------------------------


# Over 120 lines on purpose: one pass down the old standard's bibliographic section,
# element by element in the standard's order, so each field's source is read off in
# one place; the shared assembly is _finish.
def _old(root: Element) -> PatentRecord:
    bib = root.find("cn-bibliographic-data")
    if bib is None:
        raise SkippedDocumentError("the document has no <cn-bibliographic-data>")
    pub_id = bib.find("cn-publication-reference/document-id")
    app_ref = bib.find("application-reference")
    app_id = app_ref.find("document-id") if app_ref is not None else None
    extras: dict[str, str] = {}
    if app_ref is not None and app_ref.get("appl-type"):
        extras["appl_type"] = app_ref.get("appl-type")
    if gazette := child_text(
        bib, "cn-publication-reference/gazette-reference/gazette-num"
    ):
        extras["gazette_number"] = gazette

    classes: list[Classification] = []
    for el in bib.iterfind("classifications-ipcr/classification-ipcr"):
        if c := ipc(child_text(el, "text")):
            classes.append(c)
    for el in bib.iterfind("classification-ipc"):
        if c := ipc(child_text(el, "main-classification"), is_main=True):
            classes.append(c)
        for further in el.iterfind("further-classification"):
            if c := ipc(text_of(further)):
                classes.append(c)
    for el in bib.iterfind("classification-locarno"):
        if c := locarno(child_text(el, "main-classification") or text_of(el)):
            classes.append(c)

    priorities = [
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

    parties: list[Party] = []
    for el in bib.iterfind("cn-parties/cn-applicants/cn-applicant"):
        name = child_text(el, "addressbook/name")
        if not name:
            continue
        address, postcode = cn_address(child_text(el, "addressbook/address/text"))
        parties.append(
            Party(
                Role.APPLICANT,
                clean_name(name),
                name,
                address=address,
                postcode=postcode,
                country=country_code(child_text(el, "addressbook/address/country")),
            )
        )
    for el in bib.iterfind("cn-parties/cn-inventors/cn-inventor"):
        if name := child_text(el, "name") or child_text(el, "addressbook/name"):
            parties.append(Party(Role.INVENTOR, clean_name(name), name))
    parties += _agents(
        (child_text(el, "cn-agency/name"), child_text(el, "name"))
        for el in bib.iterfind("cn-parties/cn-agents/cn-agent")
    )

    citations: list[Citation] = []
    for cite in bib.iter("citation"):
        category = CitationCategory.EXAMINER
        origin = "CNIPA search report"
        doc = cite.find("patcit/document-id")
        if doc is not None:
            item = patent_citation(
                child_text(doc, "country"),
                child_text(doc, "doc-number"),
                child_text(doc, "kind"),
                category=category,
                origin=origin,
                cited_date=parse_ymd(child_text(doc, "date"), partial=True),
            )
        else:
            item = npl_citation(
                child_text(cite, "nplcit/text") or text_of(cite.find("nplcit")),
                category=category,
                origin=origin,
            )
        if item:
            citations.append(item)

    parent = None
    for el in bib.iter("parent-doc"):
        parent = child_text(el, "document-id/doc-number")
        break

    body = root.find("application-body")
    description = (
        lines_of(body.find("description"), _BLOCKS) if body is not None else None
    )
    claims: list[RawClaim] = []
    if body is not None:
        for el in body.iterfind("claims/claim"):
            text = _claim_text(el.iterfind("claim-text"))
            if text:
                claims.append(RawClaim(_num(el.get("num")), text))
    abstract_el = bib.find("abstract")
    return _finish(
        pub=(
            child_text(pub_id, "country"),
            child_text(pub_id, "doc-number"),
            child_text(pub_id, "kind"),
            child_text(pub_id, "date"),
        ),
        app=(child_text(app_id, "doc-number"), child_text(app_id, "date")),
        title=child_text(bib, "invention-title"),
        abstract=_abstract(
            abstract_el.iterfind("p") if abstract_el is not None else ()
        ),
        claims_raw=claims,
        description=description,
        parties=parties,
        classes=classes,
        priorities=priorities,
        citations=citations,
        extras=extras,
        pct=(
            child_text(bib, "pct-or-regional-filing-data/document-id/doc-number"),
            child_text(bib, "pct-or-regional-publishing-data/document-id/doc-number"),
            child_text(bib, "date-pct-article-22-39-fulfilled/date"),
        ),
        parent=parent,
        lang="zh",
    )


# --- the new standard (namespaces stripped) -----------------------------------------------


def _pick(parent: Element | None, tag: str) -> Element | None:
    """The ``dataFormat="original"`` element named ``tag``, else the first one."""
    if parent is None:
        return None
    first = None
    for el in parent.iterfind(tag):
        if el.get("dataFormat") == "original":
            return el
        first = first if first is not None else el
    return first


def _zero(text: str | None) -> str | None:
    """CNIPA fills unknown address parts with ``0``."""
    return None if text is None or text.strip() in ("", "0") else text.strip()


# Over 120 lines on purpose: like _old, one pass down the V2.2.1 bibliographic data in
# the schema's order; the shared assembly is _finish.
def _new(root: Element) -> PatentRecord:
    bib = root.find("BibliographicData")
    if bib is None:
        raise SkippedDocumentError("the document has no <business:BibliographicData>")
    pub_id = _pick(bib, "PublicationReference")
    pub_id = pub_id.find("DocumentID") if pub_id is not None else None
    app_ref = _pick(bib, "ApplicationReference")
    app_id = app_ref.find("DocumentID") if app_ref is not None else None
    extras: dict[str, str] = {}
    if app_ref is not None and app_ref.get("applType"):
        extras["appl_type"] = app_ref.get("applType")
    if gazette := child_text(
        bib, "PublicAvailabilityDate/GazetteReference/GazetteNumber"
    ):
        extras["gazette_number"] = gazette

    classes: list[Classification] = []
    for el in bib.iterfind("ClassificationIPCRDetails/ClassificationIPCR"):
        if c := ipc(child_text(el, "Text") or _ipc_parts(el)):
            classes.append(c)
    for el in bib.iter("ClassificationLocarno"):
        if c := locarno(child_text(el, "Text") or text_of(el)):
            classes.append(c)

    priorities: list[Priority] = []
    seen: set[str] = set()
    for el in bib.iterfind("PriorityDetails/Priority"):
        seq = el.get("sequence") or str(len(seen))
        if seq in seen:
            continue  # the "standard" twin of an "original" claim
        seen.add(seq)
        if p := priority(
            child_text(el, "WIPOST3Code"),
            child_text(el, "DocNumber"),
            parse_ymd(child_text(el, "Date")),
        ):
            priorities.append(p)

    parties: list[Party] = []
    for el in bib.iterfind("Parties/ApplicantDetails/Applicant"):
        book = el.find("AddressBook")
        name = child_text(book, "Name") or child_text(book, "OrganizationName")
        if not name:
            continue
        addr = book.find("Address")
        address, postcode = cn_address(child_text(addr, "Text"))
        parties.append(
            Party(
                Role.APPLICANT,
                clean_name(name),
                name,
                address=address,
                postcode=_zero(child_text(addr, "PostCode")) or postcode,
                country=country_code(child_text(addr, "WIPOST3Code")),
                province=_zero(child_text(addr, "Province")),
                city=_zero(child_text(addr, "City")),
                district=_zero(child_text(addr, "County")),
                ext_id=_zero((child_text(el, "OrganizationCode") or "").strip("0")),
            )
        )
    for el in bib.iterfind("Parties/InventorDetails/Inventor"):
        if name := child_text(el, "AddressBook/Name"):
            parties.append(Party(Role.INVENTOR, clean_name(name), name))
    parties += _agents(
        (
            child_text(el, "Agency/AddressBook/OrganizationName")
            or child_text(el, "Agency/AddressBook/Name"),
            child_text(el, "AddressBook/Name"),
        )
        for el in bib.iterfind("Parties/AgentDetails/Agent")
    )

    parent = None
    for el in bib.iter("ParentDocument"):
        parent = child_text(el, "DocumentID/DocNumber")
        break

    citations: list[Citation] = []
    for el in bib.iter("PatentCitation"):
        doc = el.find("DocumentID")
        if doc is not None and (
            item := patent_citation(
                child_text(doc, "WIPOST3Code"),
                child_text(doc, "DocNumber"),
                child_text(doc, "Kind"),
                category=CitationCategory.EXAMINER,
                origin="CNIPA search report",
                cited_date=parse_ymd(child_text(doc, "Date"), partial=True),
            )
        ):
            citations.append(item)
    for el in bib.iter("NPLCitation"):
        if item := npl_citation(
            text_of(el),
            category=CitationCategory.EXAMINER,
            origin="CNIPA search report",
        ):
            citations.append(item)

    title_el = _pick(bib, "InventionTitle")
    lang = (root.get("lang") or "zh").lower()[:2]
    abstract_el = root.find("Abstract")
    claims: list[RawClaim] = []
    for el in root.iterfind("Claims/Claim"):
        if text := _claim_text(el.iterfind("ClaimText")):
            claims.append(RawClaim(_num(el.get("num")), text))
    return _finish(
        pub=(
            child_text(pub_id, "WIPOST3Code"),
            child_text(pub_id, "DocNumber"),
            child_text(pub_id, "Kind"),
            child_text(pub_id, "Date"),
        ),
        app=(child_text(app_id, "DocNumber"), child_text(app_id, "Date")),
        title=text_of(title_el),
        abstract=_abstract(
            abstract_el.iterfind("Paragraphs") if abstract_el is not None else ()
        ),
        claims_raw=claims,
        description=lines_of(root.find("Description"), _BLOCKS),
        parties=parties,
        classes=classes,
        priorities=priorities,
        citations=citations,
        extras=extras,
        pct=(
            _first_text(bib, ("PCTApplicationData", "PCTOrRegionalFilingData")),
            _first_text(bib, ("PCTPublicationData", "PCTOrRegionalPublishingData")),
            _first_text(bib, ("PCTNationalPhaseEntryDate",), "Date"),
        ),
        parent=parent,
        lang=lang,
    )


def _first_text(
    bib: Element, tags: tuple[str, ...], leaf: str = "DocNumber"
) -> str | None:
    for tag in tags:
        for el in bib.iter(tag):
            if text := child_text(el, f".//{leaf}") or text_of(el):
                return text
    return None


def _ipc_parts(el: Element) -> str | None:
    parts = [child_text(el, t) for t in ("Section", "MainClass", "Subclass")]
    group, sub = child_text(el, "MainGroup"), child_text(el, "Subgroup")
    if not all(parts) or not group:
        return None
    return f"{''.join(p for p in parts if p)}{group}/{sub or '00'}"


# --- shared bits ------------------------------------------------------------------------


def _num(text: str | None) -> int | None:
    try:
        return int(text) if text and int(text) > 0 else None
    except ValueError:
        return None


def _claim_text(parts: Iterator[Element]) -> str | None:
    """A claim's text elements joined: Chinese needs no space between them."""
    texts = [t for el in parts if (t := text_of(el))]
    return clean_text("".join(texts)) if texts else None


def _abstract(paragraphs: Iterable[Element]) -> str | None:
    texts = [t for el in paragraphs if (t := text_of(el))]
    return "\n".join(texts) or None


def _agents(pairs: Iterator[tuple[str | None, str | None]]) -> list[Party]:
    """Agencies (once each, with their code) and agents, in order."""
    agencies: list[Party] = []
    agents: list[Party] = []
    seen: set[str] = set()
    for agency, agent in pairs:
        if agency and agency not in seen:
            seen.add(agency)
            name, code = split_agency(agency)
            agencies.append(Party(Role.AGENCY, clean_name(name), agency, ext_id=code))
        if agent:
            agents.append(Party(Role.AGENT, clean_name(agent), agent))
    return agencies + agents
