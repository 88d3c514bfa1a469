"""USPTO pre-grant publications, 2001–2004: ``patent-application-publication`` documents
(DTD ``pap-v15-2001-01-31`` and ``pap-v16-2002-01-01``), read by :mod:`uspto_xml`.

The layout predates WIPO ST.36: ``subdoc-*`` sections, ``kind-code``, ``document-date``,
inventors with ``given-name``/``family-name`` and a ``residence-us`` or
``residence-non-us``, claims that refer back with ``dependent-claim-reference
depends_on="CLM-00001"``. Applications of that time name no applicant other than the
inventors, so inventors are also recorded as applicants.
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
    mark_main,
    parse_ymd,
    person_name,
    priority,
    pub_number,
    text_of,
    us_assignee_type,
    us_patent_type,
    uspc,
)
from patnav.ingest.xml.reading import FileNotes
from patnav.ingest.xml.safe import (
    Element,
    Piece,
)
from patnav.schema.records import (
    Classification,
    Party,
    PartyType,
    PatentRecord,
    Priority,
    Role,
    Text,
)

ROOT = "patent-application-publication"
_BLOCKS = frozenset({"paragraph", "heading"})
_FILING_TYPES = {"new-design": "design", "new-plant": "plant"}
_RELATIONS = {
    "continuation-of": "continuation",
    "continuation-in-part-of": "continuation-in-part",
    "division-of": "division",
    "non-provisional-of-provisional": "provisional",
    "reissue-of": "reissue",
}


def _uspc(el: Element) -> str | None:
    cls, sub = child_text(el, "class"), child_text(el, "subclass")
    if not cls or not sub:
        return None
    main, ext = sub[:3], sub[3:]
    return uspc(f"{cls.lstrip('0') or '0':>3}{main:>3}{ext}")


def _classes(tech: Element | None) -> list[Classification]:
    out: list[Classification] = []
    if tech is None:
        return out
    for path, main in (
        ("classification-ipc/classification-ipc-primary/ipc", True),
        ("classification-ipc/classification-ipc-secondary/ipc", False),
    ):
        for el in tech.iterfind(path):
            if c := ipc(text_of(el), is_main=main):
                out.append(c)
    for path, main in (
        ("classification-us/classification-us-primary/uspc", True),
        ("classification-us/classification-us-secondary/uspc", False),
    ):
        for el in tech.iterfind(path):
            if code := _uspc(el):
                raw = f"{child_text(el, 'class')}/{child_text(el, 'subclass')}"
                out.append(Classification("USPC", code, main, raw))
    return mark_main(out)


def _inventor(el: Element) -> Party | None:
    person = person_name(
        child_text(el, "name/given-name"),
        child_text(el, "name/family-name"),
        middle=child_text(el, "name/middle-name"),
    )
    if person is None:
        return None
    name, raw = person
    if suffix := child_text(el, "name/name-suffix"):
        name, raw = f"{name} {suffix}", f"{raw} {suffix}"
    res = el.find("residence/residence-us")
    if res is None:
        res = el.find("residence/residence-non-us")
    city = child_text(res, "city")
    state = child_text(res, "state")
    return Party(
        Role.INVENTOR,
        name,
        raw,
        PartyType.INDIVIDUAL,
        address=join_address(city, state),
        country=country_code(child_text(res, "country-code"))
        or ("US" if state else None),
        province=state,
        city=city,
    )


# Over 120 lines on purpose: one pass down a v1.5/v1.6 document in the DTD's order, so
# each field's element is read off in one place; repeated structures are helpers above.
def build(root: Element, piece: Piece, notes: FileNotes) -> PatentRecord:
    """One pre-grant publication as a record.

    Raises:
        SkippedDocumentError: it has no bibliographic section.
    """
    bib = root.find("subdoc-bibliographic-information")
    if bib is None:
        raise SkippedDocumentError(
            "the publication has no <subdoc-bibliographic-information>"
        )
    number = child_text(bib, "document-id/doc-number")
    kind = child_text(bib, "document-id/kind-code")
    pub_canon = pub_number("US", number, kind)
    filing = bib.find("domestic-filing-data")
    app_raw = child_text(filing, "application-number/doc-number")
    app_canon = app_number("US", app_raw)
    filing_type = child_text(bib, "publication-filing-type")
    extras: dict[str, str] = {}
    if filing_type:
        extras["filing_type"] = filing_type
    if series := child_text(filing, "application-number-series-code"):
        extras["series_code"] = series

    priorities: list[Priority] = [
        p
        for el in bib.iterfind("foreign-priority-data")
        if (
            p := priority(
                child_text(el, "country-code"),
                child_text(el, "priority-application-number/doc-number"),
                parse_ymd(child_text(el, "filing-date")),
            )
        )
    ]
    classes = _classes(bib.find("technical-information"))

    parent = None
    relations: list[str] = []
    for tag, label in _RELATIONS.items():
        for el in bib.iter(tag):
            for doc in el.iterfind(".//parent/document-id"):
                country = child_text(doc, "country-code") or "US"
                found = app_number(country, child_text(doc, "doc-number"))
                if found:
                    relations.append(f"{label} of {found}")
                    if label == "division" and parent is None:
                        parent = found
    if relations:
        extras["related"] = "; ".join(relations)

    parties: list[Party] = []
    inventors = [
        inv
        for el in bib.iterfind("inventors/*")
        if el.tag in ("first-named-inventor", "inventor") and (inv := _inventor(el))
    ]
    for inv in inventors:
        parties.append(
            Party(
                Role.APPLICANT,
                inv.name,
                inv.raw_name,
                PartyType.INDIVIDUAL,
                inv.address,
                None,
                inv.country,
                inv.province,
                inv.city,
            )
        )
    parties += inventors
    for el in bib.iterfind("assignee"):
        org = child_text(el, "organization-name")
        person = person_name(
            child_text(el, "name/given-name"), child_text(el, "name/family-name")
        )
        name, raw = (clean_name(org), org) if org else person or (None, None)
        if name and raw:
            city = child_text(el, "address/city")
            state = child_text(el, "address/state")
            parties.append(
                Party(
                    Role.ASSIGNEE,
                    name,
                    raw,
                    us_assignee_type(child_text(el, "assignee-type")),
                    address=join_address(
                        child_text(el, "address/address-1"), city, state
                    ),
                    country=country_code(
                        child_text(el, "address/country/country-code")
                    ),
                    province=state,
                    city=city,
                )
            )
    if corr := child_text(bib, "correspondence-address/name-1"):
        extras["correspondence"] = corr

    ids: dict[str, int] = {}
    raw_claims: list[RawClaim] = []
    for n, el in enumerate(root.iterfind("subdoc-claims/claim"), 1):
        text = text_of(el)
        if not text:
            continue
        claim_id = el.get("id") or ""
        num = int(claim_id.rsplit("-", 1)[-1]) if claim_id[-5:].isdigit() else n
        ids[claim_id] = num
        refs = tuple(
            r.get("depends_on") or "" for r in el.iter("dependent-claim-reference")
        )
        raw_claims.append(RawClaim(num, text, refs))
    claims = build_claims(raw_claims, ids, lang="en")
    description = lines_of(root.find("subdoc-description"), _BLOCKS)
    appl_type = _FILING_TYPES.get(filing_type or "", "utility")
    return PatentRecord(
        pub_number=pub_canon,
        pub_number_raw=" ".join(x for x in (number, kind) if x) or None,
        kind=kind,
        office="US",
        app_number=app_canon,
        app_number_raw=app_raw,
        app_date=parse_ymd(child_text(filing, "filing-date")),
        pub_date=parse_ymd(child_text(bib, "document-id/document-date")),
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=us_patent_type(appl_type, kind, pub_canon),
        title=child_text(bib, "technical-information/title-of-invention"),
        abstract=lines_of(root.find("subdoc-abstract"), _BLOCKS),
        claims=claims_text(claims),
        lang="en",
        claims_count=len(claims) or None,
        ipc_main=ipc_main(classes),
        parent_app_number=parent,
        parties=tuple(parties),
        classifications=tuple(classes),
        priorities=tuple(priorities),
        claim_items=claims,
        texts=(Text("en", "description", description),) if description else (),
        extras=tuple(sorted(extras.items())),
    )
