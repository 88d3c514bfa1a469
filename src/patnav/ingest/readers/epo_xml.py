"""EPO publication-server XML: ``ep-patent-document`` v1.0 to v1.5.1, A and B publications.

The bibliographic part ``SDOBI`` uses INID-style tags: ``B110``/``B130``/``B140``
publication, ``B210``/``B220`` application, ``B241`` request for examination, ``B300``
priorities, ``B450`` grant, ``B510EP`` IPC, ``B520EP`` CPC, ``B540`` titles in German,
English and French, ``B560`` documents cited in search and examination, ``B620`` the
parent of a divisional (``B620EP`` lists a parent's divisionals), ``B711`` applicants
(``B731`` proprietors of a granted patent), ``B721`` inventors, ``B741``
representatives, ``B860``/``B870`` the PCT application and publication. Then come the
abstract, the description, the claims (a granted patent has them in all three
languages) and the list of references the applicant cited in the description.

Titles and claims in languages other than the document's go to ``texts``; the
document's own claims are stored claim by claim, dependencies read from the text
("according to claim 1", "nach Anspruch 1"). EPO publishes no family identifier in this
format.
"""

from __future__ import annotations

from collections.abc import Iterator

from patnav.errors import (
    SkippedDocumentError,
)
from patnav.ingest.base import (
    Item,
    ReadOptions,
    Source,
)
from patnav.ingest.values import clean_name
from patnav.ingest.xml.patent import (
    RawClaim,
    app_number,
    build_claims,
    child_text,
    citation_from_text,
    claims_text,
    country_code,
    ipc,
    ipc_main,
    join_address,
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
    read_xml,
)
from patnav.ingest.xml.safe import (
    Element,
    Piece,
    Prepared,
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

FORMAT = "epo-xml"
LABEL = (
    "EPO publication-server XML (ep-patent-document v1.0–v1.5.1), A and B publications"
)

ROOT = "ep-patent-document"
_BLOCKS = frozenset({"p", "heading"})


def sniff(source: Source) -> bool:
    """The root element is ``ep-patent-document``."""
    return root_name(source.head()) == ROOT


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per document (publication-server files hold one each)."""
    return read_xml(source, options, _build, label="EPO XML")


def _priorities(bib: Element) -> list[Priority]:
    out: list[Priority] = []
    for group in bib.iterfind("B300"):
        number: str | None = None
        when = country = None
        for el in group:
            if el.tag == "B310":
                if number is not None and (p := priority(country, number, when)):
                    out.append(p)
                number, when, country = text_of(el), None, None
            elif el.tag == "B320":
                when = parse_ymd(child_text(el, "date"))
            elif el.tag == "B330":
                country = child_text(el, "ctry")
        if number is not None and (p := priority(country, number, when)):
            out.append(p)
    return out


def _classes(bib: Element) -> list[Classification]:
    out: list[Classification] = []
    for el in bib.iterfind("B500/B510EP/classification-ipcr"):
        text = child_text(el, "text")
        if text and (c := ipc(text, is_main=_position(text) == "F")):
            out.append(c)
    for tag, main in (("B511", True), ("B512", False), ("B513", False)):
        for el in bib.iterfind(f"B500/B510/{tag}"):
            if c := ipc(text_of(el), is_main=main):
                out.append(c)
    for el in bib.iter("classification-cpc"):
        text = child_text(el, "text")
        if text and (c := ipc(text, scheme="CPC", is_main=_position(text) == "F")):
            out.append(c)
    return mark_main(out)


def _position(text: str) -> str | None:
    """The symbol position (F first, L later) of an ST.8 text such as
    ``B60R   7/06        20060101AFI20191025BHEP``."""
    parts = text.split()
    if len(parts) >= 3 and len(parts[2]) >= 10:
        return parts[2][9:10]
    return None


def _party(role: Role, el: Element) -> Party | None:
    name = child_text(el, "snm")
    if not name:
        return None
    if suffix := child_text(el, "sfx"):
        name = f"{name} {suffix}"
    city = child_text(el, "adr/city")
    return Party(
        role,
        clean_name(name),
        name,
        address=join_address(child_text(el, "adr/str"), city),
        country=country_code(child_text(el, "adr/ctry")),
        city=city,
        ext_id=child_text(el, "iid"),
    )


def _parties(bib: Element) -> list[Party]:
    out: list[Party] = []
    for path, role in (
        ("B700/B710/B711", Role.APPLICANT),
        ("B700/B730/B731", Role.APPLICANT),  # proprietor of a granted patent
        ("B700/B720/B721", Role.INVENTOR),
        ("B700/B740/B741", Role.AGENT),
    ):
        for el in bib.iterfind(path):
            if p := _party(role, el):
                out.append(p)
    return out


def _citations(root: Element, bib: Element) -> list[Citation]:
    out: list[Citation] = []
    origin = "EPO search and examination (B560)"
    for el in bib.iterfind("B500/B560/*"):
        if el.tag not in ("B561", "B562"):
            continue
        doc = el.find("patcit/document-id")
        if doc is not None:
            c = _patcit(doc, CitationCategory.EXAMINER, origin)
        elif text := child_text(el, "text") or text_of(el):
            c = (
                citation_from_text(
                    text, category=CitationCategory.EXAMINER, origin=origin
                )
                if el.tag == "B561"
                else npl_citation(
                    text, category=CitationCategory.EXAMINER, origin=origin
                )
            )
        else:
            c = None
        if c:
            out.append(c)
    for cite in root.iterfind("search-report-data//citation"):
        categories = "".join(text_of(c) or "" for c in cite.iterfind(".//category"))
        office = root.find("search-report-data")
        label = (
            f"search report {office.get('srep-office') or 'EP'}"
            if office is not None
            else "search report"
        )
        label += f": {categories}" if categories else ""
        doc = cite.find("patcit/document-id")
        if doc is not None:
            c = _patcit(doc, CitationCategory.EXAMINER, label)
        else:
            c = npl_citation(
                text_of(cite.find("nplcit")),
                category=CitationCategory.EXAMINER,
                origin=label,
            )
        if c:
            out.append(c)
    for el in root.iterfind("ep-reference-list//patcit"):
        doc = el.find("document-id")
        c = (
            _patcit(doc, CitationCategory.APPLICANT, "cited in the description")
            if doc is not None
            else None
        )
        if c:
            out.append(c)
    for el in root.iterfind("ep-reference-list//nplcit"):
        if c := npl_citation(
            text_of(el),
            category=CitationCategory.APPLICANT,
            origin="cited in the description",
        ):
            out.append(c)
    return out


def _patcit(doc: Element, category: CitationCategory, origin: str) -> Citation | None:
    return patent_citation(
        child_text(doc, "country"),
        child_text(doc, "doc-number"),
        child_text(doc, "kind"),
        category=category,
        origin=origin,
        cited_date=parse_ymd(child_text(doc, "date"), partial=True),
        name=child_text(doc, "name"),
    )


def _events(bib: Element, kind: str | None) -> list[Event]:
    out: list[Event] = []
    for path, etype, code, what in (
        (
            "B200/B240/B241/date",
            EventType.EXAMINATION,
            "B241",
            "request for examination filed",
        ),
        (
            "B200/B240/B242/date",
            EventType.EXAMINATION,
            "B242",
            "first examination report dispatched",
        ),
        ("B400/B452EP/date", EventType.OTHER, "B452EP", "intention to grant announced"),
        ("B400/B450/date", EventType.GRANT, "B450", "mention of the grant published"),
    ):
        when = parse_ymd(child_text(bib, path))
        if when:
            out.append(Event(etype, when, code, what))
    return out


def _build(
    root: Element, prepared: Prepared, piece: Piece, notes: FileNotes
) -> PatentRecord:
    root = strip_namespaces(root)
    if root.tag != ROOT:
        raise SkippedDocumentError(f"the root element is <{root.tag}>, not <{ROOT}>")
    notes.variants[
        root.get("dtd-version") or "ep-patent-document (version not stated)"
    ] += 1
    bib = root.find("SDOBI")
    if bib is None:
        raise SkippedDocumentError("the document has no <SDOBI> bibliographic section")
    office = country_code(child_text(bib, "B100/B190") or root.get("country")) or "EP"
    number = child_text(bib, "B100/B110") or root.get("doc-number")
    kind = child_text(bib, "B100/B130") or root.get("kind")
    pub_canon = pub_number(office, number, kind)
    app_raw = child_text(bib, "B200/B210")
    app_canon = app_number(office, app_raw)
    lang = (root.get("lang") or child_text(bib, "B200/B260") or "en").lower()[:2]

    titles: dict[str, str] = {}
    title_lang: str | None = None
    for el in bib.iterfind("B500/B540/*"):
        if el.tag == "B541":
            title_lang = (text_of(el) or "").lower()[:2] or None
        elif el.tag == "B542" and title_lang and (t := text_of(el)):
            titles.setdefault(title_lang, t)
    texts: list[Text] = [Text(lg, "title", t) for lg, t in titles.items() if lg != lang]

    claims_raw: list[RawClaim] = []
    for claims_el in root.iterfind("claims"):
        claims_lang = (claims_el.get("lang") or lang).lower()[:2]
        items = [
            RawClaim(_num(el.get("num"), n), text)
            for n, el in enumerate(claims_el.iterfind("claim"), 1)
            if (text := text_of(el))
        ]
        if claims_lang == lang and not claims_raw:
            claims_raw = items
        elif items:
            texts.append(
                Text(
                    claims_lang,
                    "claims",
                    claims_text(build_claims(items, {}, lang=claims_lang)) or "",
                )
            )
    claims = build_claims(claims_raw, {}, lang=lang)
    abstract = None
    for el in root.iterfind("abstract"):
        text = lines_of(el, _BLOCKS)
        if text and (el.get("lang") or lang).lower()[:2] == lang and abstract is None:
            abstract = text
        elif text:
            texts.append(Text((el.get("lang") or lang).lower()[:2], "abstract", text))
    for el in root.iterfind("description"):
        if text := lines_of(el, _BLOCKS):
            texts.append(
                Text((el.get("lang") or lang).lower()[:2], "description", text)
            )

    extras: dict[str, str] = {}
    for key, path in (
        ("filing_language", "B200/B250"),
        ("procedure_language", "B200/B251EP"),
        ("bulletin", "B400/B405/bnum"),
    ):
        if value := child_text(bib, path):
            extras[key] = value
    divisionals = [
        number
        for el in bib.iterfind("B600/B620EP/parent/cdoc/dnum/anum")
        if (number := app_number(office, text_of(el)))
    ]
    if divisionals:
        extras["divisional_applications"] = " ".join(divisionals)
    designated = [text_of(c) for c in bib.iterfind("B800/B840/ctry")]
    if designated:
        extras["designated_states"] = " ".join(c for c in designated if c)
    priorities = _priorities(bib)
    classes = _classes(bib)
    grant = (kind or "").upper().startswith("B")
    pub_date = parse_ymd(child_text(bib, "B100/B140/date") or root.get("date-publ"))
    return PatentRecord(
        pub_number=pub_canon,
        pub_number_raw=" ".join(x for x in (office, number, kind) if x) or None,
        kind=kind,
        office=office,
        app_number=app_canon,
        app_number_raw=app_raw,
        app_date=parse_ymd(child_text(bib, "B200/B220/date")),
        pub_date=pub_date,
        grant_date=(parse_ymd(child_text(bib, "B400/B450/date")) or pub_date)
        if grant
        else None,
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=patent_type_of(office, kind, None, pub_canon),
        title=titles.get(lang) or next(iter(titles.values()), None),
        abstract=abstract,
        claims=claims_text(claims),
        lang=lang,
        claims_count=len(claims) or None,
        ipc_main=ipc_main(classes),
        pct_app_number=app_number("WO", child_text(bib, "B800/B860/B861/dnum/anum")),
        pct_pub_number=pub_number("WO", child_text(bib, "B800/B870/B871/dnum/pnum")),
        parent_app_number=app_number(
            office, child_text(bib, "B600/B620/parent/pdoc/dnum/anum")
        ),
        parties=tuple(_parties(bib)),
        classifications=tuple(classes),
        citations=tuple(_citations(root, bib)),
        priorities=tuple(priorities),
        claim_items=claims,
        texts=tuple(t for t in texts if t.text),
        events=tuple(_events(bib, kind)),
        extras=tuple(sorted(extras.items())),
    )


def _num(text: str | None, position: int) -> int:
    try:
        return int(text) if text and int(text) > 0 else position
    except ValueError:
        return position
