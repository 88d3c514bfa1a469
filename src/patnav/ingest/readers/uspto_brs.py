"""USPTO BRS text (the USPTO search system's text format, as in ``css_brs``): the BRS
variant of the ``uspto-aps`` format, which detects and reads it.

Each document is a tab-separated summary line, its title, ``*** BRS DOCUMENT BOUNDARY
***``, then lines of a tag, one space and a value (``TTL Method for …``); repeating groups
(``URPN``…``URGP`` references, ``INNM``… inventors, ``ASNM``… assignees, ``PRCO``…
priorities) begin with their first tag. References carry "cited by examiner/applicant".
The record is built by :func:`patnav.ingest.uspto_tagged.build_record` with
:data:`LAYOUT`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from patnav.errors import excerpt
from patnav.ingest.uspto_tagged import (
    Doc,
    Group,
    Layout,
    Numbers,
    PartyFields,
    PriorityFields,
    country,
    pub_number,
    ymd,
)
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import normalize_app_number
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Classification,
    PatentType,
    Role,
    Scheme,
)

BOUNDARY = "*** BRS DOCUMENT BOUNDARY ***"
_SUMMARY = re.compile(r"^[0-9A-Z]{6,9}\t")
_TAG = re.compile(r"^([A-Z]{3,4}|\*\*\*) ?(.*)$")

# The tag that opens each repeating group; other tags belong to the group open at them.
_GROUP_START = {
    "URPN": "UREF",
    "FRCO": "FREF",
    "ORPL": "OREF",
    "AANM": "APPL",
    "INNM": "INVT",
    "ASNM": "ASSG",
    "PRCO": "PRIR",
    "COND": "RLAP",
    "IPCG": "IPC",
    "CPOG": "CPC",
    "PDID": "PRIOR",
}
_GROUP_OF = {
    "URNM": "UREF",
    "URPD": "UREF",
    "URCL": "UREF",
    "URGP": "UREF",
    "FRPN": "FREF",
    "FRPD": "FREF",
    "FRCL": "FREF",
    "FRGP": "FREF",
    **{t: "APPL" for t in ("AACI", "AAST", "AAZP", "AACO", "AATX", "AAGP")},
    **{t: "INVT" for t in ("INSA", "INCI", "INST", "INZP", "INCO", "INTX", "INGP")},
    **{t: "ASSG" for t in ("ASTC", "ASCI", "ASST", "ASZP", "ASCO", "ASTX", "ASGP")},
    **{t: "PRIR" for t in ("PRAN", "PRAD", "PRAY", "PRAI")},
    **{t: "RLAP" for t in ("RLPY", "RLAN", "RLFD", "RLPN", "RLCY", "RLCN", "RLPC")},
    **{t: "PRIOR" for t in ("PPCC", "PPNR", "PPKC", "PPPD")},
}


def docs(lines: Iterator[str], start: int = 1) -> Iterator[Doc]:
    """Documents of a BRS file: summary line, title, boundary, tagged fields."""
    doc: Doc | None = None
    main: Group | None = None
    group: Group | None = None
    count = 0
    in_body = False
    for number, line in enumerate(lines, start):
        line = line.rstrip("\r\n")
        if _SUMMARY.match(line):
            if doc is not None:
                yield doc
            count += 1
            doc = Doc(count, number, "BRS")
            main = Group("MAIN")
            doc.groups.append(main)
            group, in_body = None, False
            continue
        if doc is None or main is None:
            continue
        doc.lines = number - doc.line + 1
        if line.strip() == BOUNDARY:
            in_body = True
            continue
        if not in_body or not line.strip():
            continue
        target = group or main
        if line.startswith(" ") and target.fields:
            tag, value = target.fields[-1]
            target.fields[-1] = (tag, value + " " + line.strip())
            continue
        m = _TAG.match(line)
        if not m:
            continue
        tag, value = m[1], m[2]
        if tag in _GROUP_START:
            group = Group(_GROUP_START[tag], [(tag, value)])
            doc.groups.append(group)
        elif group is not None and _GROUP_OF.get(tag) == group.name:
            group.fields.append((tag, value))
        else:
            group = None
            main.fields.append((tag, value))
    if doc is not None:
        yield doc


def _category(text: str) -> CitationCategory:
    lowered = text.lower()
    if "cited by examiner" in lowered:
        return CitationCategory.EXAMINER
    if "cited by applicant" in lowered or "cited by other" in lowered:
        return CitationCategory.APPLICANT
    if "cited by third party" in lowered:
        return CitationCategory.THIRD_PARTY
    return CitationCategory.UNKNOWN


def _reference(full: str) -> str | None:
    """The cited number of a ``URGP``/``FRGP`` line: country, number, kind, date …"""
    tokens = full.split()
    if len(tokens) < 2 or not re.fullmatch(r"[A-Z]{2}", tokens[0]):
        return None
    kind = tokens[2] if len(tokens) > 2 and re.fullmatch(r"[A-Z]\d?", tokens[2]) else ""
    return pub_number(f"{tokens[0]}{tokens[1]}{kind}", office=tokens[0])


def _numbers(main: Group) -> Numbers:
    did = main.get("DID") or ""
    kind = main.get("APT")
    wku = main.get("WKU") or ""
    pub = pub_number(did) or pub_number(f"US{wku.lstrip('0')}{kind or ''}")
    if pub is None:
        raise ValueError(
            f"DID {excerpt(did)} / WKU {excerpt(wku)} is not a US patent number"
        )
    apnr = main.get("APNR")
    app = None
    if apnr:
        try:
            app = normalize_app_number(f"US{apnr}")
        except ValueError:
            app = None
    if kind == "S":
        ptype = PatentType.DESIGN
    elif (kind or "").startswith("P"):
        ptype = PatentType.PLANT
    else:
        ptype = PatentType.INVENTION
    return Numbers(pub, did or wku, kind, ptype, app, main.get("APP") or apnr)


def _classes(
    doc: Doc, main: Group, extras: dict[str, str]
) -> tuple[list[Classification], str | None]:
    classifications: list[Classification] = []
    seen: set[tuple[str, str]] = set()

    def add(scheme: str, code: str | None, is_main: bool, raw: str) -> None:
        if code and (scheme, code) not in seen:
            seen.add((scheme, code))
            classifications.append(Classification(scheme, code, is_main, raw))

    ipc_main = None
    for g in doc.each("IPC"):
        raw = g.get("IPCG") or ""
        tokens = raw.split()
        if len(tokens) >= 5:
            code = normalize_ipc(tokens[3])
            add(Scheme.IPC.value, code, tokens[4] == "F", raw)
            if tokens[4] == "F" and ipc_main is None:
                ipc_main = code
    for g in doc.each("CPC"):
        raw = g.get("CPOG") or ""
        tokens = raw.split()
        if len(tokens) >= 5:
            add(Scheme.CPC.value, normalize_ipc(tokens[2]), tokens[4] == "F", raw)
    searched = main.all("CIFS") + main.all("FSCP")
    if searched:
        extras["field_of_search"] = "; ".join(searched)
    first_ipc = next(
        (i for i, c in enumerate(classifications) if c.scheme == Scheme.IPC.value), None
    )
    if ipc_main is None and first_ipc is not None:  # no symbol marked first (F)
        c = classifications[first_ipc]
        classifications[first_ipc] = Classification(c.scheme, c.code, True, c.raw)
        ipc_main = c.code
    return classifications, ipc_main


def _citations(doc: Doc) -> list[Citation]:
    citations: list[Citation] = []
    for g in doc.each("UREF"):
        number = g.get("URPN")
        full = g.get("URGP") or ""
        if number:
            cited = _reference(full) or pub_number(f"US{number}")
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else full or number,
                    category=_category(full),
                    origin="US references cited",
                    cited_raw=full or number,
                    cited_date=ymd(g.get("URPD")),
                )
            )
    for g in doc.each("FREF"):
        office, number = g.get("FRCO"), g.get("FRPN")
        full = g.get("FRGP") or ""
        if number:
            cited = _reference(full)
            if cited is None and office:
                cited = pub_number(f"{office}{number}")
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else full or number,
                    category=_category(full),
                    origin="foreign references cited",
                    cited_raw=full or number,
                    cited_date=ymd(g.get("FRPD")),
                )
            )
    for g in doc.each("OREF"):
        for text in g.all("ORPL"):
            citations.append(
                Citation(
                    cited_npl=text,
                    category=_category(text),
                    origin="other references",
                    cited_raw=text,
                )
            )
    return citations


def _related(doc: Doc, extras: dict[str, str]) -> None:
    related = [g.get("COND") for g in doc.each("RLAP")]
    if any(related):
        extras["related_applications"] = "; ".join(r for r in related if r)
    for g in doc.each("PRIOR"):
        if pdid := g.get("PDID"):
            extras["prior_publication"] = pdid


def _priority_raw(g: Group) -> str:
    number = g.get("PRAN")
    return g.get("PRAI") or " ".join(p for p in (country(g.get("PRCO")), number) if p)


LAYOUT = Layout(
    main="MAIN",
    numbers=_numbers,
    app_date="AFD",
    issued="GISD",
    grant_kinds=("B", "E", "P", "S"),
    extras=(
        ("ART", "art_unit"),
        ("NCL", "claims_announced"),
        ("ECL", "exemplary_claim"),
        ("NDR", "drawing_sheets"),
        ("NFG", "figures"),
        ("TRX", "term_extension_days"),
        ("ICUS", "icus"),
        ("DSRC", "data_source"),
    ),
    parties=(
        PartyFields("APPL", Role.APPLICANT, "AANM", "AACI", "AAST", "AAZP", "AACO"),
        PartyFields(
            "INVT",
            Role.INVENTOR,
            "INNM",
            "INCI",
            "INST",
            "INZP",
            "INCO",
            street="INSA",
            individual=True,
        ),
        PartyFields(
            "ASSG",
            Role.ASSIGNEE,
            "ASNM",
            "ASCI",
            "ASST",
            "ASZP",
            "ASCO",
            type_code="ASTC",
        ),
    ),
    representatives="MAIN",
    agencies=("LRFM",),
    agents=("LRFW", "LRAG"),
    priorities=PriorityFields("PRIR", "PRCO", "PRAN", "PRAD", _priority_raw),
    pct=None,
    classes=_classes,
    citations=_citations,
    related=_related,
    abstract=lambda doc, main: "\n".join(main.all("ABPR")) or None,
    description=lambda doc, main: (
        main.all("CRTX") + main.all("BSTX") + main.all("DETX")
    ),
    claim_paragraphs=lambda doc, main: [(None, p) for p in main.all("CLPR")],
)
"""How a BRS document becomes a record."""
