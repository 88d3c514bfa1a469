"""USPTO grants of 2001 in the ST.32 SGML-derived XML (``PATDOC``, DTD
``ST32-US-Grant-025xml``), read by :mod:`uspto_xml`.

ST.32 names fields by INID-style codes: ``B110`` publication number, ``B130`` kind,
``B140`` date, ``B210``/``B220`` application, ``B310``–``B330`` priorities, ``B511`` main
IPC (Locarno for designs), ``B521`` main US class, ``B540`` title, ``B561``/``B562`` cited
patents and literature each followed by ``CITED-BY-EXAMINER`` or ``CITED-BY-OTHER``,
``B620``/``B630`` parents, ``B721`` inventors, ``B731`` assignees with the ``B732US`` type,
``B741`` attorneys, ``B746``/``B747`` examiners. Leaf text sits in ``PDAT``. Claims refer
back with ``CLREF ID="CLM-00001"``.
"""

from __future__ import annotations

from patnav.errors import (
    SkippedDocumentError,
)
from patnav.ingest.values import clean_name
from patnav.ingest.xml.patent import (
    RawClaim,
    app_number,
    build_claims,
    child_text,
    claims_text,
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
from patnav.ingest.xml.reading import FileNotes
from patnav.ingest.xml.safe import (
    Element,
    Piece,
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

ROOT = "PATDOC"
_BLOCKS = frozenset({"PARA", "H"})
_RELATIONS = {
    "B620": "division",
    "B631": "continuation",
    "B632": "continuation-in-part",
    "B641": "reissue",
    "B680US": "provisional",
}


def _priorities(bib: Element) -> list[Priority]:
    out: list[Priority] = []
    for group in bib.iterfind("B300"):
        number = when = country = None
        for el in group:
            if el.tag == "B310":
                if number is not None and (p := priority(country, number, when)):
                    out.append(p)
                number, when, country = text_of(el), None, None
            elif el.tag == "B320":
                when = parse_ymd(text_of(el))
            elif el.tag == "B330":
                country = text_of(el)
        if number is not None and (p := priority(country, number, when)):
            out.append(p)
    return out


def _classes(bib: Element, design: bool) -> list[Classification]:
    out: list[Classification] = []
    for tag, main in (("B510/B511", True), ("B510/B512", False)):
        for el in bib.iterfind(f"B500/{tag}"):
            raw = el.findtext("PDAT")  # raw: the old IPC layout is in columns
            c = locarno(raw) if design else ipc(raw, is_main=main)
            if c:
                out.append(c)
    for tag, main in (("B520/B521", True), ("B520/B522", False)):
        for el in bib.iterfind(f"B500/{tag}"):
            raw = text_of(el)
            if raw and (code := uspc(el.findtext("PDAT") or raw)):
                out.append(Classification("USPC", code, main, raw))
    return mark_main(out)


def _citations(bib: Element) -> list[Citation]:
    out: list[Citation] = []
    for el in bib.iterfind("B500/B560/*"):
        if el.find("CITED-BY-EXAMINER") is not None:
            label = "cited by examiner"
        elif el.find("CITED-BY-OTHER") is not None:
            label = "cited by other"
        else:
            label = None
        category = us_citation_category(label)
        if el.tag == "B561":
            doc = el.find("PCIT/DOC")
            if doc is None:
                continue
            c = patent_citation(
                child_text(doc, "CTRY") or "US",
                child_text(doc, "DNUM"),
                child_text(doc, "KIND"),
                category=category,
                origin=label,
                cited_date=parse_ymd(child_text(doc, "DATE"), partial=True),
                name=text_of(el.find("PCIT/PARTY-US/NAM")),
            )
        elif el.tag == "B562":
            c = npl_citation(text_of(el.find("NCIT")), category=category, origin=label)
        else:
            continue
        if c:
            out.append(c)
    return out


def _person(party: Element | None) -> tuple[str, str] | None:
    if party is None:
        return None
    org = child_text(party, "NAM/ONM")
    if org:
        return clean_name(org), org
    return person_name(child_text(party, "NAM/FNM"), child_text(party, "NAM/SNM"))


def _party(
    role: Role, el: Element, party_type: PartyType | None = None
) -> Party | None:
    party = el.find("PARTY-US")
    names = _person(party)
    if names is None or party is None:
        return None
    is_org = party.find("NAM/ONM") is not None
    if not is_org and role in (Role.INVENTOR, Role.AGENT, Role.EXAMINER):
        party_type = PartyType.INDIVIDUAL
    city = child_text(party, "ADR/CITY")
    state = child_text(party, "ADR/STATE")
    return Party(
        role,
        names[0],
        names[1],
        party_type,
        address=join_address(child_text(party, "ADR/STR"), city, state),
        country=country_code(child_text(party, "ADR/CTRY"))
        or ("US" if state else None),
        province=state,
        city=city,
    )


def _parties(bib: Element) -> list[Party]:
    out: list[Party] = []
    for el in bib.iterfind("B700/B720/B721"):
        if p := _party(Role.INVENTOR, el):
            out.append(p)
    for group in bib.iterfind("B700/B730"):
        kind = us_assignee_type(child_text(group, "B732US"))
        for el in group.iterfind("B731"):
            if p := _party(Role.ASSIGNEE, el, kind):
                out.append(p)
    for el in bib.iterfind("B700/B740/B741"):
        party = el.find("PARTY-US")
        role = (
            Role.AGENCY
            if party is not None and party.find("NAM/ONM") is not None
            else Role.AGENT
        )
        if p := _party(role, el, PartyType.COMPANY if role == Role.AGENCY else None):
            out.append(p)
    art_unit = child_text(bib, "B700/B745/B748US")
    for tag in ("B746", "B747"):
        for el in bib.iterfind(f"B700/B745/{tag}"):
            if p := _party(Role.EXAMINER, el):
                out.append(
                    Party(p.role, p.name, p.raw_name, p.party_type, ext_id=art_unit)
                )
    return out


def _related(bib: Element) -> tuple[str | None, list[str]]:
    parent = None
    notes: list[str] = []
    for tag, label in _RELATIONS.items():
        for el in bib.iter(tag):
            doc = el.find(".//PDOC/DOC")
            if doc is None:
                doc = el.find(".//DOC")
            if doc is None:
                continue
            number = app_number(
                child_text(doc, "CTRY") or "US", child_text(doc, "DNUM")
            )
            if number:
                notes.append(f"{label} of {number}")
                if label == "division" and parent is None:
                    parent = number
    return parent, notes


def build(root: Element, piece: Piece, notes: FileNotes) -> PatentRecord:
    """One ST.32 grant as a record.

    Raises:
        SkippedDocumentError: it has no ``SDOBI`` bibliographic section.
    """
    bib = root.find("SDOBI")
    if bib is None:
        raise SkippedDocumentError("the PATDOC has no <SDOBI> bibliographic section")
    number = child_text(bib, "B100/B110")
    kind = child_text(bib, "B100/B130")
    office = country_code(child_text(bib, "B100/B190")) or "US"
    pub_canon = pub_number(office, number, kind)
    app_raw = child_text(bib, "B200/B210")
    app_canon = app_number("US", app_raw)
    pub_date = parse_ymd(child_text(bib, "B100/B140"))
    series = child_text(bib, "B200/B211US")
    design = (kind or "").upper().startswith("S") or series == "29"
    appl_type = (
        "design" if design else "plant" if (kind or "").startswith("P") else "utility"
    )
    classes = _classes(bib, design)
    priorities = _priorities(bib)
    extras: dict[str, str] = {}
    for key, path in (
        ("series_code", "B200/B211US"),
        ("number_of_claims", "B500/B570/B577"),
        ("exemplary_claim", "B500/B570/B578US"),
        ("term_years", "B400/B472/B474"),
        ("term_extension_days", "B400/B472/B474US"),
    ):
        if value := child_text(bib, path):
            extras[key] = value
    parent, relations = _related(bib)
    if relations:
        extras["related"] = "; ".join(relations)

    ids: dict[str, int] = {}
    raw_claims: list[RawClaim] = []
    for n, el in enumerate(root.iterfind("SDOCL/CL/CLM"), 1):
        text = text_of(el)
        if not text:
            continue
        claim_id = el.get("ID") or ""
        num = int(claim_id.rsplit("-", 1)[-1]) if claim_id[-5:].isdigit() else n
        ids[claim_id] = num
        refs = tuple(r.get("ID") or "" for r in el.iter("CLREF"))
        raw_claims.append(RawClaim(num, text, refs))
    claims = build_claims(raw_claims, ids, lang="en")
    description = lines_of(root.find("SDODE"), _BLOCKS)
    return PatentRecord(
        pub_number=pub_canon,
        pub_number_raw=" ".join(x for x in (number, kind) if x) or None,
        kind=kind,
        office=office,
        app_number=app_canon,
        app_number_raw=app_raw,
        app_date=parse_ymd(child_text(bib, "B200/B220")),
        pub_date=pub_date,
        grant_date=pub_date,
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=us_patent_type(appl_type, kind, pub_canon),
        title=child_text(bib, "B500/B540"),
        abstract=lines_of(root.find("SDOAB"), _BLOCKS),
        claims=claims_text(claims),
        lang="en",
        claims_count=len(claims) or None,
        ipc_main=ipc_main(classes),
        parent_app_number=parent,
        parties=tuple(_parties(bib)),
        classifications=tuple(classes),
        citations=tuple(_citations(bib)),
        priorities=tuple(priorities),
        claim_items=claims,
        texts=(Text("en", "description", description),) if description else (),
        events=(Event(EventType.GRANT, pub_date, kind, "patent granted"),)
        if pub_date
        else (),
        extras=tuple(sorted(extras.items())),
    )
