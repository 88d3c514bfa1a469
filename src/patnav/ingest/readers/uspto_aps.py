"""USPTO tagged full text: the APS "greenbook" of 1976–2001 and its BRS successor.

**APS greenbook** (Automated Patent System, weekly grant files 1976–2001). Each patent
starts with a ``PATN`` line; section lines (``INVT``, ``ASSG``, ``PRIR``, ``CLAS``,
``UREF``, ``FREF``, ``OREF``, ``LREP``, ``PCTA``, ``ABST``, ``BSUM``, ``DETD``, ``CLMS`` …)
open groups; field lines are a four-character tag padded to five columns (``TTL  Bumper
support for a boat loader``); continuation lines are indented. Claims are numbered
``NUM  1.`` followed by ``PAR``/``PA1``… paragraphs, and dependencies come from the claim
text ("as set forth in claim 1").

**BRS** (the USPTO search system's text format, as in ``css_brs``) is parsed by
:mod:`patnav.ingest.readers.uspto_brs`; this module detects either variant and reads it.

Both become one record per patent with claims one by one, US and foreign references,
other references as non-patent citations, priorities, PCT data, IPC/CPC/USPC, inventors
and assignees with their places, the abstract, and the description in ``texts``. A
record cut short at the end of a file (fewer claims than ``NCL`` announces) is
quarantined; the records before it import. Both are built by
:func:`patnav.ingest.uspto_tagged.build_record`, with each variant's :class:`Layout`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

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
from patnav.ingest.readers import uspto_brs
from patnav.ingest.uspto_tagged import (
    Doc,
    Group,
    Layout,
    Numbers,
    PartyFields,
    PriorityFields,
    build_record,
    country,
    pub_number,
    ymd,
)
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import normalize_app_number
from patnav.schema.records import (
    Citation,
    Classification,
    PatentRecord,
    PatentType,
    Role,
    Scheme,
)

FORMAT = "uspto-aps"
LABEL = "USPTO APS greenbook text (1976–2001) and BRS text"
PROGRESS_EVERY = 200
MAX_RECORD_LINES = 500_000

BRS_BOUNDARY = uspto_brs.BOUNDARY
_APS_TAG = re.compile(r"^([A-Z][A-Z0-9]{2,3})(?: {1,2}(.*))?$")

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


# -- APS greenbook ---------------------------------------------------------------------


def _docs(lines: Iterator[str], start: int = 1) -> Iterator[Doc]:
    """Patents of an APS file, each as its sections; header lines before PATN skipped."""
    doc: Doc | None = None
    group: Group | None = None
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
            doc = Doc(count, number, "APS")
            group = Group("PATN")
            doc.groups.append(group)
        elif doc is None:
            continue
        elif tag in _APS_SECTIONS and not value:
            group = Group(tag)
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
                return pub_number(f"US{serial}"), None, ptype
            return pub_number(f"US{serial}{kind}"), kind, ptype
    if serial.isdigit():
        return pub_number(f"US{int(serial)}A"), "A", PatentType.INVENTION
    return None, None, None


def _us_grant(number: str) -> str | None:
    """A US patent cited in APS data (all granted before 2001: kind A, S, E, P, H)."""
    number = number.strip().upper()
    for prefix, kind in (("PP", "P"), ("RE", "E"), ("D", "S"), ("H", "H")):
        if number.startswith(prefix):
            return pub_number(f"US{number}{kind}")
    return pub_number(f"US{number}A") if number.isdigit() else pub_number(number)


def _uspc(raw: str) -> str:
    """``224 4207`` (class, subclass, decimal) → ``224/42.07``."""
    cls, sub, rest = raw[:3].strip(), raw[3:6].strip(), raw[6:].strip()
    if rest.isdigit():
        sub = f"{sub}.{rest}"
    elif rest:
        sub = f"{sub}{rest}"
    return f"{cls}/{sub}" if sub else cls


def _ipc(raw: str) -> str | None:
    """``G01G 1904`` → G01G19/04: subclass, main group in three columns, subgroup."""
    raw = raw.rstrip()
    if len(raw) < 6 or not re.fullmatch(r"[A-H]\d\d[A-Z]", raw[:4]):
        return normalize_ipc(raw)
    group, sub = raw[4:7].strip(), raw[7:].strip() or "00"
    if not group.isdigit():
        return normalize_ipc(raw)
    return normalize_ipc(f"{raw[:4]}{int(group)}/{sub}")


def _numbers(patn: Group) -> Numbers:
    wku = patn.get("WKU") or ""
    pub, kind, ptype = _aps_number(wku)
    if pub is None:
        raise ValueError(f"WKU {excerpt(wku)} is not a US patent number")
    apn, series = patn.get("APN"), patn.get("SRC")
    app = None
    if apn and re.fullmatch(r"\d{7}", apn):
        # APN is the 6-digit serial plus a check digit; SRC the series code
        serial = apn[:6]
        prefix = series.zfill(2) if series and series.isdigit() else ""
        try:
            app = normalize_app_number(f"US{prefix}{serial}")
        except ValueError:
            app = None
    return Numbers(pub, wku, kind, ptype, app, apn)


def _classes(
    doc: Doc, patn: Group, extras: dict[str, str]
) -> tuple[list[Classification], str | None]:
    classifications: list[Classification] = []
    ipc_main = None
    for g in doc.each("CLAS"):
        for tag in ("OCL", "XCL", "UCL", "DCL"):
            for raw in g.all(tag):
                classifications.append(
                    Classification(Scheme.USPC.value, _uspc(raw), tag == "OCL", raw)
                )
        for i, raw in enumerate(g.all("ICL")):
            ipc = _ipc(raw)
            if ipc:
                classifications.append(
                    Classification(Scheme.IPC.value, ipc, i == 0, raw)
                )
                ipc_main = ipc_main or ipc
        if g.all("FSC"):
            extras["field_of_search"] = "; ".join(
                f"{c} {s}" for c, s in zip(g.all("FSC"), g.all("FSS"), strict=False)
            )
    return classifications, ipc_main


def _citations(doc: Doc) -> list[Citation]:
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
                    cited_date=ymd(g.get("ISD")),
                )
            )
    for g in doc.each("FREF"):
        number, office = g.get("PNO"), country(g.get("CNT"))
        if number:
            cited = pub_number(f"{office}{number}") if office else None
            raw = " ".join(p for p in (g.get("CNT"), number, g.get("ISD")) if p)
            citations.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else raw,
                    origin="foreign references cited",
                    cited_raw=raw,
                    cited_date=ymd(g.get("ISD")),
                )
            )
    for g in doc.each("OREF"):
        for text in g.all("PAL") + g.all("PAR"):
            citations.append(
                Citation(cited_npl=text, origin="other references", cited_raw=text)
            )
    return citations


def _related(doc: Doc, extras: dict[str, str]) -> None:
    related = [
        " ".join(f"{t} {v.strip()}" for t, v in g.fields) for g in doc.each("RLAP")
    ]
    related += [
        "reissue of " + " ".join(f"{t} {v.strip()}" for t, v in g.fields)
        for g in doc.each("REIS")
    ]
    if related:
        extras["related_applications"] = "; ".join(related)


def _abstract(doc: Doc, patn: Group) -> str | None:
    group = doc.first("ABST")
    if group is None:
        return None
    return "\n".join(v.strip() for t, v in group.fields if t in _TEXT_TAGS)


def _description(doc: Doc, patn: Group) -> list[str]:
    description: list[str] = []
    for g in doc.groups:
        if g.name in _DESCRIPTION_SECTIONS:
            description.extend(v.strip() for t, v in g.fields if t in _TEXT_TAGS)
    return description


def _claim_paragraphs(doc: Doc, patn: Group) -> list[tuple[int | None, str]]:
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
    return paragraphs


LAYOUT = Layout(
    main="PATN",
    numbers=_numbers,
    app_date="APD",
    issued="ISD",
    grant_kinds=None,
    extras=(
        ("APT", "application_type"),
        ("ART", "art_unit"),
        ("NCL", "claims_announced"),
        ("ECL", "exemplary_claim"),
        ("NDR", "drawing_sheets"),
        ("NFG", "figures"),
        ("TRM", "term"),
        ("DCD", "disclaimer_date"),
    ),
    parties=(
        PartyFields(
            "INVT",
            Role.INVENTOR,
            "NAM",
            "CTY",
            "STA",
            "ZIP",
            "CNT",
            street="STR",
            individual=True,
            us_by_state=True,
        ),
        PartyFields(
            "ASSG",
            Role.ASSIGNEE,
            "NAM",
            "CTY",
            "STA",
            "ZIP",
            "CNT",
            street="STR",
            type_code="COD",
            us_by_state=True,
        ),
    ),
    representatives="LREP",
    agencies=("FRM",),
    agents=("FR2", "AAT", "AGT", "ATT", "NAM"),
    priorities=PriorityFields(
        "PRIR",
        "CNT",
        "APN",
        "APD",
        lambda g: " ".join(p for p in (g.get("CNT"), g.get("APN"), g.get("APD")) if p),
    ),
    pct="PCTA",
    classes=_classes,
    citations=_citations,
    related=_related,
    abstract=_abstract,
    description=_description,
    claim_paragraphs=_claim_paragraphs,
)
"""How an APS greenbook patent becomes a record."""


# -- reading ---------------------------------------------------------------------------


def _announced_claims(doc: Doc) -> int | None:
    value = doc.value("NCL")
    return int(value) if value and value.isdigit() else None


def _cut_short(doc: Doc, record: PatentRecord) -> str | None:
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
    docs = uspto_brs.docs(iter(text)) if variant == "BRS" else _docs(iter(text))
    layout = uspto_brs.LAYOUT if variant == "BRS" else LAYOUT
    mismatched: Counter[str] = Counter()
    pending: tuple[Doc, PatentRecord | Rejected] | None = None
    count = 0
    try:
        for doc in docs:
            if pending is not None:
                yield _emit(*pending, mismatched)
            count += 1
            pending = (doc, _build(doc, layout))
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


def _build(doc: Doc, layout: Layout) -> PatentRecord | Rejected:
    where = f"patent {doc.number} (line {doc.line})"
    if doc.lines > MAX_RECORD_LINES:
        return Rejected(
            where,
            f"over {MAX_RECORD_LINES:,} lines: not a patent record",
            None,
            doc.line,
        )
    try:
        return build_record(doc, layout)
    except ValueError as exc:
        return Rejected(
            where,
            f"cannot be read as a USPTO {doc.variant} record: {exc}",
            doc.dump()[:65536],
            doc.line,
        )


def _emit(doc: Doc, built: PatentRecord | Rejected, mismatched: Counter[str]) -> Item:
    if isinstance(built, Rejected):
        return built
    announced = _announced_claims(doc)
    if announced is not None and announced != len(built.claim_items):
        mismatched["a claim count different from NCL (kept as read)"] += 1
    return Read(built, f"patent {doc.number} (line {doc.line}) {built.pub_number}")
