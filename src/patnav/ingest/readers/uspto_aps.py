"""USPTO tagged full text: the APS "greenbook" of 1976–2001 and its BRS successor.

**APS greenbook** (Automated Patent System, weekly grant files 1976–2001). Each patent
starts with a ``PATN`` line; section lines (``INVT``, ``ASSG``, ``PRIR``, ``CLAS``,
``UREF``, ``FREF``, ``OREF``, ``LREP``, ``PCTA``, ``ABST``, ``BSUM``, ``DETD``, ``CLMS`` …)
open groups; field lines are a four-character tag padded to five columns (``TTL  Bumper
support for a boat loader``); continuation lines are indented. Claims are numbered
``NUM  1.`` followed by ``PAR``/``PA1``… paragraphs, and dependencies come from the claim
text ("as set forth in claim 1").

**BRS** (the USPTO search system's text format, as in ``css_brs``): each document is a
tab-separated summary line, its title, ``*** BRS DOCUMENT BOUNDARY ***``, then lines of
a tag, one space and a value (``TTL Method for …``); repeating groups (``URPN``…``URGP``
references, ``INNM``… inventors, ``ASNM``… assignees, ``PRCO``… priorities) begin with
their first tag. References carry "cited by examiner/applicant".

Both become one record per patent with claims one by one, US and foreign references,
other references as non-patent citations, priorities, PCT data, IPC/CPC/USPC, inventors
and assignees with their places, the abstract, and the description in ``texts``. A
record cut short at the end of a file (fewer claims than ``NCL`` announces) is
quarantined; the records before it import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

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
from patnav.ingest.claims import claim_references
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.values import clean_name
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import normalize_app_number, normalize_pub_number
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Claim,
    Classification,
    Party,
    PartyType,
    PatentRecord,
    PatentType,
    Priority,
    Role,
    Scheme,
    Text,
)

FORMAT = "uspto-aps"
LABEL = "USPTO APS greenbook text (1976–2001) and BRS text"
PROGRESS_EVERY = 200
MAX_RECORD_LINES = 500_000

BRS_BOUNDARY = "*** BRS DOCUMENT BOUNDARY ***"
_BRS_SUMMARY = re.compile(r"^[0-9A-Z]{6,9}\t")
_APS_TAG = re.compile(r"^([A-Z][A-Z0-9]{2,3})(?: {1,2}(.*))?$")
_BRS_TAG = re.compile(r"^([A-Z]{3,4}|\*\*\*) ?(.*)$")
_CLAIM_NUMBER = re.compile(r"^\s*(\d+)\s*\.\s*")
_NA = frozenset({"", "N/A", "NA"})

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
_APS_SECTIONS = frozenset(
    [
        "PATN",
        "INVT",
        "ASSG",
        "PRIR",
        "REIS",
        "RLAP",
        "CLAS",
        "UREF",
        "FREF",
        "OREF",
        "LREP",
        "PCTA",
        "ABST",
        "GOVT",
        "PARN",
        "BSUM",
        "DRWD",
        "DETD",
        "CLMS",
        "DCLM",
    ]
)
_DESCRIPTION_SECTIONS = ("GOVT", "PARN", "BSUM", "DRWD", "DETD")
_TEXT_TAGS = frozenset({"PAR", "PAC", "PA0", "PA1", "PA2", "PA3", "PA4", "PA5", "PAL"})
_TEXT_TAGS |= {"TBL", "EQU", "STM"}


def sniff(source: Source) -> bool:
    """A ``PATN`` record with a ``WKU`` line, or a BRS document boundary, near the top."""
    head = source.head(8192)
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"<")):
        return False
    text = head.decode("latin-1")
    if BRS_BOUNDARY in text and "\nWKU " in text:
        return True
    lines = [line.rstrip("\r") for line in text.splitlines()[:12]]
    for i, line in enumerate(lines):
        if line.strip() == "PATN":
            return i + 1 < len(lines) and lines[i + 1].startswith("WKU ")
        if line.strip() and not line.startswith("HHHHHT"):
            return False
    return False


# -- shared pieces ---------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
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
class _Doc:
    """The groups of one patent, in file order, and where it started."""

    number: int
    line: int
    variant: str
    groups: list[_Group] = field(default_factory=list)
    lines: int = 0

    def first(self, name: str) -> _Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def each(self, name: str) -> list[_Group]:
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


def _ymd(text: str | None) -> date | None:
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


def _country(code: str | None) -> str | None:
    """APS writes countries as two letters plus ``X`` (``JPX``)."""
    if not code:
        return None
    code = code.strip().upper()
    if len(code) == 3 and code.endswith("X"):
        code = code[:2]
    return code if re.fullmatch(r"[A-Z]{2}", code) else None


def _pub_number(raw: str, office: str = "US") -> str | None:
    try:
        return normalize_pub_number(raw, office=office)
    except ValueError:
        return None


def _claims(paragraphs: list[tuple[int | None, str]]) -> list[Claim]:
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
    claims = []
    for number, parts in bodies:
        text = "\n".join(p.strip() for p in parts if p.strip())
        refs = claim_references(text, before=number)
        claims.append(
            Claim(number, text, is_independent=not refs, depends_on=refs, lang="en")
        )
    return claims


def _uspc(raw: str, *, aps: bool) -> str:
    """``224 4207`` (APS: class, subclass, decimal) → ``224/42.07``; BRS is ``361/763``."""
    if not aps:
        return raw.strip()
    cls, sub, rest = raw[:3].strip(), raw[3:6].strip(), raw[6:].strip()
    if rest.isdigit():
        sub = f"{sub}.{rest}"
    elif rest:
        sub = f"{sub}{rest}"
    return f"{cls}/{sub}" if sub else cls


def _aps_ipc(raw: str) -> str | None:
    """``G01G 1904`` → G01G19/04: subclass, main group in three columns, subgroup."""
    raw = raw.rstrip()
    if len(raw) < 6 or not re.fullmatch(r"[A-H]\d\d[A-Z]", raw[:4]):
        return normalize_ipc(raw)
    group, sub = raw[4:7].strip(), raw[7:].strip() or "00"
    if not group.isdigit():
        return normalize_ipc(raw)
    return normalize_ipc(f"{raw[:4]}{int(group)}/{sub}")


def _party_type(code: str | None) -> PartyType | None:
    return _ASSIGNEE_TYPES.get((code or "").strip().zfill(2)) if code else None


def _place(*parts: str | None) -> str | None:
    text = ", ".join(p for p in parts if p)
    return text or None


# -- APS greenbook ---------------------------------------------------------------------


def _aps_docs(lines: Iterator[str], start: int = 1) -> Iterator[_Doc]:
    """Patents of an APS file, each as its sections; header lines before PATN skipped."""
    doc: _Doc | None = None
    group: _Group | None = None
    count = 0
    for number, line in enumerate(lines, start):
        line = line.rstrip("\r\n")
        if not line.strip():
            if group is not None and group.fields and group.fields[-1][0] == "TBL":
                tag, value = group.fields[-1]
                group.fields[-1] = (tag, value + "\n")
            continue
        if line.startswith(" ") and group is not None and group.fields:
            tag, value = group.fields[-1]
            sep = "\n" if tag in {"TBL", "EQU"} else " "
            group.fields[-1] = (tag, value + sep + line.strip())
            continue
        m = _APS_TAG.match(line)
        if not m:
            continue
        tag, value = m[1], m[2]
        if tag == "PATN" and not value:
            if doc is not None:
                yield doc
            count += 1
            doc = _Doc(count, number, "APS")
            group = _Group("PATN")
            doc.groups.append(group)
        elif doc is None:
            continue
        elif tag in _APS_SECTIONS and not value:
            group = _Group(tag)
            doc.groups.append(group)
        elif group is not None:
            group.fields.append((tag, value or ""))
        if doc is not None:
            doc.lines = number - doc.line + 1
    if doc is not None:
        yield doc


def _aps_number(wku: str) -> tuple[str | None, str | None, PatentType | None]:
    """(publication number, kind, type) of a WKU: 8 characters and a check digit."""
    serial = wku.strip()[:8]
    kinds = (
        ("PP", "P", PatentType.PLANT),
        ("RE", "E", PatentType.INVENTION),
        ("D", "S", PatentType.DESIGN),
        ("H", "H", PatentType.INVENTION),
        ("T", "", None),
    )
    for prefix, kind, ptype in kinds:
        if serial.startswith(prefix):
            if not kind:
                return _pub_number(f"US{serial}"), None, ptype
            return _pub_number(f"US{serial}{kind}"), kind, ptype
    if serial.isdigit():
        return _pub_number(f"US{int(serial)}A"), "A", PatentType.INVENTION
    return None, None, None


def _us_grant(number: str) -> str | None:
    """A US patent cited in APS data (all granted before 2001: kind A, S, E, P, H)."""
    number = number.strip().upper()
    for prefix, kind in (("PP", "P"), ("RE", "E"), ("D", "S"), ("H", "H")):
        if number.startswith(prefix):
            return _pub_number(f"US{number}{kind}")
    return _pub_number(f"US{number}A") if number.isdigit() else _pub_number(number)


def _aps_record(doc: _Doc) -> PatentRecord:
    patn = doc.first("PATN") or _Group("PATN")
    wku = patn.get("WKU") or ""
    pub_number, kind, ptype = _aps_number(wku)
    if pub_number is None:
        raise ValueError(f"WKU {excerpt(wku)} is not a US patent number")
    apn, series = patn.get("APN"), patn.get("SRC")
    app_number = None
    if apn and re.fullmatch(r"\d{7}", apn):
        # APN is the 6-digit serial plus a check digit; SRC the series code
        serial = apn[:6]
        prefix = series.zfill(2) if series and series.isdigit() else ""
        try:
            app_number = normalize_app_number(f"US{prefix}{serial}")
        except ValueError:
            app_number = None
    issued = _ymd(patn.get("ISD"))
    extras: dict[str, str] = {}
    for tag, key in (
        ("APT", "application_type"),
        ("ART", "art_unit"),
        ("NCL", "claims_announced"),
        ("ECL", "exemplary_claim"),
        ("NDR", "drawing_sheets"),
        ("NFG", "figures"),
        ("TRM", "term"),
        ("DCD", "disclaimer_date"),
    ):
        if (value := patn.get(tag)) is not None:
            extras[key] = value

    parties: list[Party] = []
    for g in doc.each("INVT"):
        name = g.get("NAM")
        if name:
            country = _country(g.get("CNT")) or ("US" if g.get("STA") else None)
            parties.append(
                Party(
                    Role.INVENTOR,
                    clean_name(name),
                    raw_name=name,
                    address=_place(g.get("STR"), g.get("CTY"), g.get("STA")),
                    postcode=g.get("ZIP"),
                    country=country,
                    city=g.get("CTY"),
                    party_type=PartyType.INDIVIDUAL,
                )
            )
    for g in doc.each("ASSG"):
        name = g.get("NAM")
        if name:
            country = _country(g.get("CNT")) or ("US" if g.get("STA") else None)
            parties.append(
                Party(
                    Role.ASSIGNEE,
                    clean_name(name),
                    raw_name=name,
                    address=_place(g.get("STR"), g.get("CTY"), g.get("STA")),
                    postcode=g.get("ZIP"),
                    country=country,
                    city=g.get("CTY"),
                    party_type=_party_type(g.get("COD")),
                    ext_id=g.get("COD"),
                )
            )
    for g in doc.each("LREP"):
        for tag in ("FRM",):
            for name in g.all(tag):
                parties.append(Party(Role.AGENCY, clean_name(name), raw_name=name))
        for tag in ("FR2", "AAT", "AGT", "ATT", "NAM"):
            for name in g.all(tag):
                parties.append(Party(Role.AGENT, clean_name(name), raw_name=name))
    for tag in ("EXP", "EXA"):
        for name in patn.all(tag):
            parties.append(Party(Role.EXAMINER, clean_name(name), raw_name=name))

    classifications: list[Classification] = []
    ipc_main = None
    for g in doc.each("CLAS"):
        for tag in ("OCL", "XCL", "UCL", "DCL"):
            for raw in g.all(tag):
                code = _uspc(raw, aps=True)
                classifications.append(
                    Classification(Scheme.USPC.value, code, tag == "OCL", raw)
                )
        for i, raw in enumerate(g.all("ICL")):
            ipc = _aps_ipc(raw)
            if ipc:
                classifications.append(
                    Classification(Scheme.IPC.value, ipc, i == 0, raw)
                )
                ipc_main = ipc_main or ipc
        if g.all("FSC"):
            extras["field_of_search"] = "; ".join(
                f"{c} {s}" for c, s in zip(g.all("FSC"), g.all("FSS"), strict=False)
            )

    citations: list[Citation] = []
    for g in doc.each("UREF"):
        number = g.get("PNO")
        if number:
            cited = _us_grant(number)
            raw = " ".join(
                p for p in (number, g.get("ISD"), g.get("NAM"), g.get("OCL")) if p
            )
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else raw,
                    origin="US references cited",
                    cited_raw=raw,
                    cited_date=_ymd(g.get("ISD")),
                )
            )
    for g in doc.each("FREF"):
        number, country = g.get("PNO"), _country(g.get("CNT"))
        if number:
            cited = _pub_number(f"{country}{number}") if country else None
            raw = " ".join(p for p in (g.get("CNT"), number, g.get("ISD")) if p)
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else raw,
                    origin="foreign references cited",
                    cited_raw=raw,
                    cited_date=_ymd(g.get("ISD")),
                )
            )
    for g in doc.each("OREF"):
        for text in g.all("PAL") + g.all("PAR"):
            citations.append(
                Citation(cited_npl=text, origin="other references", cited_raw=text)
            )

    priorities = []
    for g in doc.each("PRIR"):
        country, number = _country(g.get("CNT")), g.get("APN")
        canonical = None
        if number:
            try:
                canonical = normalize_app_number(number, office=country)
            except ValueError:
                canonical = None
        priorities.append(
            Priority(
                country,
                canonical,
                _ymd(g.get("APD")),
                " ".join(p for p in (g.get("CNT"), number, g.get("APD")) if p),
            )
        )
    related = [
        " ".join(f"{t} {v.strip()}" for t, v in g.fields) for g in doc.each("RLAP")
    ]
    related += [
        "reissue of " + " ".join(f"{t} {v.strip()}" for t, v in g.fields)
        for g in doc.each("REIS")
    ]
    if related:
        extras["related_applications"] = "; ".join(related)

    pct_app = pct_pub = None
    pct_entry = None
    for g in doc.each("PCTA"):
        if pcn := g.get("PCN"):
            try:
                pct_app = normalize_app_number(pcn, office="WO")
            except ValueError:
                extras["pct_application"] = pcn
        if pcp := g.get("PCP"):
            pct_pub = _pub_number(pcp, office="WO")
            if pct_pub is None:
                extras["pct_publication"] = pcp
        pct_entry = _ymd(g.get("PD1"))

    abstract_group = doc.first("ABST")
    abstract = None
    if abstract_group is not None:
        abstract = "\n".join(
            v.strip() for t, v in abstract_group.fields if t in _TEXT_TAGS
        )
    description: list[str] = []
    for g in doc.groups:
        if g.name in _DESCRIPTION_SECTIONS:
            description.extend(v.strip() for t, v in g.fields if t in _TEXT_TAGS)

    paragraphs: list[tuple[int | None, str]] = []
    for g in doc.each("CLMS") + doc.each("DCLM"):
        announced: int | None = None
        for tag, value in g.fields:
            if tag == "NUM":
                m = re.match(r"\s*(\d+)", value)
                announced = int(m[1]) if m else None
            elif tag in _TEXT_TAGS and tag != "STM":
                paragraphs.append((announced, value.strip()))
                announced = None
        if g.name == "DCLM" and paragraphs and paragraphs[0][0] is None:
            paragraphs[0] = (1, paragraphs[0][1])
    claim_items = _claims(paragraphs)
    return PatentRecord(
        pub_number=pub_number,
        pub_number_raw=wku,
        kind=kind,
        office="US",
        app_number=app_number,
        app_number_raw=apn,
        app_date=_ymd(patn.get("APD")),
        pub_date=issued,
        grant_date=issued,
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=ptype,
        title=patn.get("TTL"),
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


# -- BRS -------------------------------------------------------------------------------

# The tag that opens each repeating group; other tags belong to the group open at them.
_BRS_GROUP_START = {
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
_BRS_GROUP_OF = {
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


def _brs_docs(lines: Iterator[str], start: int = 1) -> Iterator[_Doc]:
    """Documents of a BRS file: summary line, title, boundary, tagged fields."""
    doc: _Doc | None = None
    main: _Group | None = None
    group: _Group | None = None
    count = 0
    in_body = False
    for number, line in enumerate(lines, start):
        line = line.rstrip("\r\n")
        if _BRS_SUMMARY.match(line):
            if doc is not None:
                yield doc
            count += 1
            doc = _Doc(count, number, "BRS")
            main = _Group("MAIN")
            doc.groups.append(main)
            group, in_body = None, False
            continue
        if doc is None or main is None:
            continue
        doc.lines = number - doc.line + 1
        if line.strip() == BRS_BOUNDARY:
            in_body = True
            continue
        if not in_body or not line.strip():
            continue
        target = group or main
        if line.startswith(" ") and target.fields:
            tag, value = target.fields[-1]
            target.fields[-1] = (tag, value + " " + line.strip())
            continue
        m = _BRS_TAG.match(line)
        if not m:
            continue
        tag, value = m[1], m[2]
        if tag in _BRS_GROUP_START:
            group = _Group(_BRS_GROUP_START[tag], [(tag, value)])
            doc.groups.append(group)
        elif group is not None and _BRS_GROUP_OF.get(tag) == group.name:
            group.fields.append((tag, value))
        else:
            group = None
            main.fields.append((tag, value))
    if doc is not None:
        yield doc


def _brs_category(text: str) -> CitationCategory:
    lowered = text.lower()
    if "cited by examiner" in lowered:
        return CitationCategory.EXAMINER
    if "cited by applicant" in lowered or "cited by other" in lowered:
        return CitationCategory.APPLICANT
    if "cited by third party" in lowered:
        return CitationCategory.THIRD_PARTY
    return CitationCategory.UNKNOWN


def _brs_reference(full: str) -> str | None:
    """The cited number of a ``URGP``/``FRGP`` line: country, number, kind, date …"""
    tokens = full.split()
    if len(tokens) < 2 or not re.fullmatch(r"[A-Z]{2}", tokens[0]):
        return None
    kind = tokens[2] if len(tokens) > 2 and re.fullmatch(r"[A-Z]\d?", tokens[2]) else ""
    return _pub_number(f"{tokens[0]}{tokens[1]}{kind}", office=tokens[0])


def _brs_record(doc: _Doc) -> PatentRecord:
    main = doc.first("MAIN") or _Group("MAIN")
    did = main.get("DID") or ""
    kind = main.get("APT")
    wku = main.get("WKU") or ""
    pub_number = _pub_number(did) or _pub_number(f"US{wku.lstrip('0')}{kind or ''}")
    if pub_number is None:
        raise ValueError(
            f"DID {excerpt(did)} / WKU {excerpt(wku)} is not a US patent number"
        )
    apnr = main.get("APNR")
    app_number = None
    if apnr:
        try:
            app_number = normalize_app_number(f"US{apnr}")
        except ValueError:
            app_number = None
    issued = _ymd(main.get("GISD"))
    extras: dict[str, str] = {}
    for tag, key in (
        ("ART", "art_unit"),
        ("NCL", "claims_announced"),
        ("ECL", "exemplary_claim"),
        ("NDR", "drawing_sheets"),
        ("NFG", "figures"),
        ("TRX", "term_extension_days"),
        ("ICUS", "icus"),
        ("DSRC", "data_source"),
    ):
        if (value := main.get(tag)) is not None:
            extras[key] = value

    parties: list[Party] = []
    for group_name, role in (("APPL", Role.APPLICANT), ("INVT", Role.INVENTOR)):
        for g in doc.each(group_name):
            prefix = "AA" if role is Role.APPLICANT else "IN"
            name = g.get(f"{prefix}NM")
            if not name:
                continue
            city, state = g.get(f"{prefix}CI"), g.get(f"{prefix}ST")
            parties.append(
                Party(
                    role,
                    clean_name(name),
                    raw_name=name,
                    address=_place(
                        g.get("INSA") if prefix == "IN" else None, city, state
                    ),
                    postcode=g.get(f"{prefix}ZP"),
                    country=_country(g.get(f"{prefix}CO")),
                    city=city,
                    party_type=PartyType.INDIVIDUAL if role is Role.INVENTOR else None,
                )
            )
    for g in doc.each("ASSG"):
        name = g.get("ASNM")
        if name:
            city, state = g.get("ASCI"), g.get("ASST")
            parties.append(
                Party(
                    Role.ASSIGNEE,
                    clean_name(name),
                    raw_name=name,
                    address=_place(city, state),
                    postcode=g.get("ASZP"),
                    country=_country(g.get("ASCO")),
                    city=city,
                    party_type=_party_type(g.get("ASTC")),
                    ext_id=g.get("ASTC"),
                )
            )
    for name in main.all("LRFM"):
        parties.append(Party(Role.AGENCY, clean_name(name), raw_name=name))
    for name in main.all("LRFW") + main.all("LRAG"):
        parties.append(Party(Role.AGENT, clean_name(name), raw_name=name))
    for tag in ("EXP", "EXA"):
        for name in main.all(tag):
            parties.append(Party(Role.EXAMINER, clean_name(name), raw_name=name))

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

    citations: list[Citation] = []
    for g in doc.each("UREF"):
        number = g.get("URPN")
        full = g.get("URGP") or ""
        if number:
            cited = _brs_reference(full) or _pub_number(f"US{number}")
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else full or number,
                    category=_brs_category(full),
                    origin="US references cited",
                    cited_raw=full or number,
                    cited_date=_ymd(g.get("URPD")),
                )
            )
    for g in doc.each("FREF"):
        country, number = g.get("FRCO"), g.get("FRPN")
        full = g.get("FRGP") or ""
        if number:
            cited = _brs_reference(full)
            if cited is None and country:
                cited = _pub_number(f"{country}{number}")
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else full or number,
                    category=_brs_category(full),
                    origin="foreign references cited",
                    cited_raw=full or number,
                    cited_date=_ymd(g.get("FRPD")),
                )
            )
    for g in doc.each("OREF"):
        for text in g.all("ORPL"):
            citations.append(
                Citation(
                    cited_npl=text,
                    category=_brs_category(text),
                    origin="other references",
                    cited_raw=text,
                )
            )

    priorities = []
    for g in doc.each("PRIR"):
        country, number = _country(g.get("PRCO")), g.get("PRAN")
        canonical = None
        if number:
            try:
                canonical = normalize_app_number(number, office=country)
            except ValueError:
                canonical = None
        priorities.append(
            Priority(
                country,
                canonical,
                _ymd(g.get("PRAD")),
                g.get("PRAI") or " ".join(p for p in (country, number) if p),
            )
        )
    related = [g.get("COND") for g in doc.each("RLAP")]
    if any(related):
        extras["related_applications"] = "; ".join(r for r in related if r)
    for g in doc.each("PRIOR"):
        if pdid := g.get("PDID"):
            extras["prior_publication"] = pdid

    abstract = "\n".join(main.all("ABPR")) or None
    description = main.all("CRTX") + main.all("BSTX") + main.all("DETX")
    paragraphs: list[tuple[int | None, str]] = [(None, p) for p in main.all("CLPR")]
    claim_items = _claims(paragraphs)
    return PatentRecord(
        pub_number=pub_number,
        pub_number_raw=did or wku,
        kind=kind,
        office="US",
        app_number=app_number,
        app_number_raw=main.get("APP") or apnr,
        app_date=_ymd(main.get("AFD")),
        pub_date=issued,
        grant_date=issued if (kind or "").startswith(("B", "E", "P", "S")) else None,
        priority_date=min((p.date for p in priorities if p.date), default=None),
        patent_type=PatentType.DESIGN
        if kind == "S"
        else PatentType.PLANT
        if (kind or "").startswith("P")
        else PatentType.INVENTION,
        title=main.get("TTL"),
        abstract=abstract,
        claims="\n".join(f"{c.num}. {c.text}" for c in claim_items) or None,
        lang="en",
        claims_count=len(claim_items) or None,
        ipc_main=ipc_main,
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


# -- reading ---------------------------------------------------------------------------


def _announced_claims(doc: _Doc) -> int | None:
    value = doc.value("NCL")
    return int(value) if value and value.isdigit() else None


def _cut_short(doc: _Doc, record: PatentRecord) -> str | None:
    """Why the last record of a file looks truncated, or None."""
    announced = _announced_claims(doc)
    found = len(record.claim_items)
    if announced is not None and found < announced:
        return f"{found} of the {announced} claims NCL announces"
    if announced is None and not found:
        return "no claims"
    return None


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per patent; the variant (APS or BRS) is detected from the content."""
    head = source.head(8192).decode("latin-1")
    variant = "BRS" if BRS_BOUNDARY in head else "APS"
    detected = detect_encoding(source.open, declared=options.encoding)
    yield Notice(
        f"variant: {'BRS text' if variant == 'BRS' else 'APS greenbook text'}; "
        f"encoding {detected.encoding}"
    )
    if detected.warning:
        yield Notice(f"encoding: {detected.warning}", "warning")
    raw = LimitedReader(source.open(), options.max_file_bytes, source.name)
    raw.read(detected.skip)
    text = text_stream(raw, detected.encoding)
    docs = _brs_docs(iter(text)) if variant == "BRS" else _aps_docs(iter(text))
    build = _brs_record if variant == "BRS" else _aps_record
    mismatched: Counter[str] = Counter()
    pending: tuple[_Doc, PatentRecord | Rejected] | None = None
    count = 0
    try:
        for doc in docs:
            if pending is not None:
                yield _emit(*pending, mismatched)
            count += 1
            pending = (doc, _build(doc, build))
            if count % PROGRESS_EVERY == 0:
                options.report_progress(raw.bytes_read, source.size)
    finally:
        text.close()
    if pending is not None:
        doc, built = pending
        why = _cut_short(doc, built) if isinstance(built, PatentRecord) else None
        if why is not None:
            yield Rejected(
                f"patent {doc.number} (line {doc.line})",
                f"the file ends inside patent {doc.number} ({why}): the file is "
                "truncated. Download it again; the patents before it were imported.",
                doc.dump()[:65536],
                doc.line,
            )
        else:
            yield _emit(doc, built, mismatched)
    if count == 0:
        yield Notice("no patents found in the file", "warning")
    for what, n in mismatched.items():
        yield Notice(f"{n:,} patent(s) with {what}", "warning")


def _build(doc: _Doc, build: Callable[[_Doc], PatentRecord]) -> PatentRecord | Rejected:
    where = f"patent {doc.number} (line {doc.line})"
    if doc.lines > MAX_RECORD_LINES:
        return Rejected(
            where,
            f"over {MAX_RECORD_LINES:,} lines: not a patent record",
            None,
            doc.line,
        )
    try:
        return build(doc)
    except ValueError as exc:
        return Rejected(
            where,
            f"cannot be read as a USPTO {doc.variant} record: {exc}",
            doc.dump()[:65536],
            doc.line,
        )


def _emit(doc: _Doc, built: PatentRecord | Rejected, mismatched: Counter[str]) -> Item:
    if isinstance(built, Rejected):
        return built
    announced = _announced_claims(doc)
    if announced is not None and announced != len(built.claim_items):
        mismatched["a claim count different from NCL (kept as read)"] += 1
    return Read(built, f"patent {doc.number} (line {doc.line}) {built.pub_number}")
