"""The reader conformance suite: every registered reader, on every real file of its format.

Each reader must recognise its files without being told (and no reader before it may
claim them), and every record it yields must follow the schema rules: a canonical
publication or application number, typed dates, an office code, classification codes in
canonical form with one main symbol per scheme, claims numbered 1…n with dependencies
that point backwards, citations that name a patent or a text, priorities with a number
or their raw text, parties with names, in order. Where the table below gives a way to
count a file's documents, titles, claims and citations straight from its bytes, the
reader must agree with that count.

To add a format, add its files to ``REAL_FILES`` (and, if you can count its records
independently, a function to ``SOURCE_FACTS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatch
from functools import cache

import pytest

from patnav.ingest import READERS
from patnav.ingest.archives import Limits, expand_paths
from patnav.ingest.base import Notice, Read, ReadOptions, Rejected, Source
from patnav.ingest.pipeline import detect_reader, import_source
from patnav.schema.codes import IPC_PATTERN
from patnav.schema.numbers import normalize_app_number, normalize_pub_number
from patnav.schema.records import (
    CitationCategory,
    EventType,
    PartyType,
    PatentRecord,
    PatentType,
    Role,
)
from tests.conftest import DATA_DIR

# ======================================================================================
# THE TABLE OF REAL FILES, one entry per format (glob patterns under PATNAV_DATA_DIR).
# Every reader in READERS must have an entry; add yours here.
# ======================================================================================
REAL_FILES: dict[str, tuple[str, ...]] = {
    "xlsx": ("formats/cn-excel/*.xlsx",),
    "xls": ("formats/patentscope/*.zip!*_6177.xls",),  # archive!member
    "jsonl": ("corpora/cn-ccf-bdci-4097/train.json",),
    "csv": ("formats/lens-csv/lens_pizza_1000.csv",),
    "cnipa-xml": ("formats/cnipa-xml/*.xml", "formats/cnipa-xml/*.XML"),
    "uspto-xml": (
        "formats/uspto-xml/patentsview-weekly/*.xml",
        "formats/uspto-xml/samples/xml*/*.xml",
        "formats/uspto-xml/samples/xml*/*.XML",
        "formats/uspto-xml/samples/pap/*.xml",
        "formats/uspto-xml/samples/sgml/*.xml",
        "formats/uspto-xml/malformed/*.XML",
    ),
    "epo-xml": ("formats/epo-xml/*.xml",),
    "epo-docdb": ("formats/epo-docdb/*.xml",),
    "derwent": ("formats/derwent/*.ciw",),
    "thomson": ("formats/thomson-innovation/*.xlsx",),
    "uspto-aps": (
        "formats/uspto-xml/samples/greenbook/*.greenbook",
        "formats/uspto-xml/samples/css_brs/*.txt",
    ),
    # a set reader: read one file at a time here, only the patent table stands alone;
    # the joined set is checked with check_record in test_patentsview.py
    "patentsview": ("formats/patentsview-tables/nvidia_patent.csv",),
    # legal events and status from office APIs (recorded responses)
    "epo-ops-legal": (
        "formats/api-responses/epo-ops/legal/*.xml",
        "formats/api-responses/epo-ops/family/*.xml",
    ),
    "uspto-odp": (
        "formats/api-responses/uspto-odp/application.json",
        "formats/api-responses/uspto-odp/biblio.json",
        "formats/api-responses/uspto-odp/search.json",
        "formats/api-responses/uspto-odp/transactions.json",
    ),
    "uspto-assignment": ("formats/api-responses/uspto-assignment/*.xml",),
}

EXPECTED_REJECTED: dict[str, int] = {
    # a DTD name USPTO never published: refused as unsupported
    "formats/uspto-xml/malformed/US08613112-notSupportedDTD.XML": 1,
    # an ODP /transactions response does not name its application
    "formats/api-responses/uspto-odp/transactions.json": 1,
}
"""Files with documents a reader must refuse, and how many."""


@dataclass(frozen=True)
class DocFacts:
    """What a document holds, counted from its bytes without the reader's code."""

    number: str  # the publication serial as the source writes it (digits compared)
    has_title: bool
    claims: int
    citations: int


def _count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))


def _cnipa_facts(text: str) -> list[DocFacts]:
    if "<cn-patent-document" in text:
        bib = text[: text.find("</cn-bibliographic-data>")]
        number = re.search(
            r"<cn-publication-reference>.*?<doc-number>(.*?)</doc-number>", bib, re.S
        )
        return [
            DocFacts(
                number.group(1),
                "<invention-title>" in bib,
                _count(r"<claim id=", text),
                _count(r"<citation\b", bib),
            )
        ]
    number = re.search(
        r"<business:PublicationReference[^>]*>.*?<base:DocNumber>(.*?)</", text, re.S
    )
    return [
        DocFacts(
            number.group(1),
            "<business:InventionTitle " in text,
            _count(r"<business:Claim ", text),
            _count(r"<business:PatentCitation\b|<business:NPLCitation\b", text),
        )
    ]


def _uspto_facts(text: str) -> list[DocFacts]:
    out = []
    for doc in re.split(r"(?=<\?xml )", text):
        if not doc.strip() or "<sequence-cwu" in doc[:2000]:
            continue
        if "<PATDOC" in doc[:5000]:
            number = re.search(r"<B110><DNUM><PDAT>(.*?)</PDAT>", doc).group(1)
            title = "<B540>" in doc
            claims = _count(r"<CLM ID=", doc)
            cites = _count(r"<B561>|<B562>", doc)
        else:
            number = re.search(r"<doc-number>(.*?)</doc-number>", doc).group(1)
            title = bool(re.search(r"<invention-title|<title-of-invention>", doc))
            claims = _count(r"<claim id=", doc)
            cites = _count(r"<citation>|<us-citation>", doc)
        out.append(DocFacts(number, title, claims, cites))
    return out


def _epo_facts(text: str) -> list[DocFacts]:
    root = re.search(r"<ep-patent-document[^>]*>", text).group(0)
    lang = re.search(r'\blang="(\w+)"', root).group(1)
    number = re.search(r'\bdoc-number="(\w+)"', root).group(1)
    claims = 0
    for m in re.finditer(r'<claims[^>]*lang="(\w+)"[^>]*>(.*?)</claims>', text, re.S):
        if m.group(1) == lang:
            claims = _count(r"<claim ", m.group(2))
            break
    cites = _count(r"<B561>|<B562>", text) + _count(
        r'<patcit id="ref-pcit|<nplcit id="ref-ncit', text
    )
    return [DocFacts(number, "<B542>" in text, claims, cites)]


def _docdb_facts(text: str) -> list[DocFacts]:
    out = []
    for rec in re.split(r"(?=<(?:exch:)?exchange-document )", text)[1:]:
        number = re.search(r'\bdoc-number="(\w+)"', rec).group(1)
        out.append(
            DocFacts(
                number,
                bool(re.search(r"<(?:exch:)?invention-title", rec)),
                0,
                _count(r"<(?:exch:)?citation ", rec),
            )
        )
    return out


SOURCE_FACTS = {
    "cnipa-xml": _cnipa_facts,
    "uspto-xml": _uspto_facts,
    "epo-xml": _epo_facts,
    "epo-docdb": _docdb_facts,
}
"""Independent counts per document, for the formats that have them."""


def _files() -> list[tuple[str, str]]:
    """(format, pattern-expanded file) pairs; ``archive!member`` keeps its member part."""
    out = []
    for fmt, patterns in REAL_FILES.items():
        for pattern in patterns:
            path_pattern, _, member = pattern.partition("!")
            for path in sorted(DATA_DIR.glob(path_pattern)):
                rel = path.relative_to(DATA_DIR).as_posix()
                out.append((fmt, f"{rel}!{member}" if member else rel))
    return out


FILES = _files()


def _sources(rel: str) -> list[Source]:
    """The file itself, or the archive members matching the ``!member`` pattern."""
    path, _, member = rel.partition("!")
    out = []
    for item in expand_paths([DATA_DIR / path], Limits()):
        assert isinstance(item, Source), item
        if not member or fnmatch(item.name.rsplit("/", 1)[-1], member):
            out.append(item)
    assert out, f"nothing to read in {rel}"
    return out


@cache
def _items(fmt: str, rel: str) -> tuple[object, ...]:
    reader = READERS[fmt]
    return tuple(
        item for source in _sources(rel) for item in reader.read(source, ReadOptions())
    )


def test_every_reader_has_real_files(data_dir):
    missing = [fmt for fmt in READERS if fmt not in REAL_FILES]
    assert not missing, f"readers without real files in REAL_FILES: {missing}"
    for fmt, patterns in REAL_FILES.items():
        assert fmt in READERS, f"REAL_FILES names an unknown format {fmt!r}"
        found = [
            p for pattern in patterns for p in data_dir.glob(pattern.split("!")[0])
        ]
        assert found, f"no real file for {fmt}: {patterns}"


# --- schema rules -------------------------------------------------------------------------


def _is_date(value: object) -> bool:
    return value is None or (
        isinstance(value, date) and not isinstance(value, datetime)
    )


def check_record(r: PatentRecord, *, office_data: bool = True) -> None:
    """Assert the schema rules every record follows, whatever its source.

    ``office_data``: the source is an office's own publication, so its dates are
    consistent (an export may carry a database's errors, such as a filing date after
    the publication date)."""
    assert r.doc_id, "a record without identity"
    if r.pub_number is not None:
        assert normalize_pub_number(r.pub_number) == r.pub_number, r.pub_number
        assert r.pub_number.startswith(r.office or ""), (r.pub_number, r.office)
        if r.kind:
            assert r.pub_number.endswith(r.kind), (r.pub_number, r.kind)
    if r.app_number is not None:
        assert normalize_app_number(r.app_number) == r.app_number, r.app_number
    for name in ("app_number", "pub_number"):
        value = getattr(r, name)
        if value is not None:
            assert getattr(r, name + "_raw"), f"{name} without its raw form"
    assert r.office is None or re.fullmatch(r"[A-Z]{2}", r.office), r.office
    for name in (
        "app_date",
        "pub_date",
        "grant_date",
        "priority_date",
        "expiry_date",
        "pct_entry_date",
    ):
        assert _is_date(getattr(r, name)), (name, getattr(r, name))
    assert r.patent_type is None or isinstance(r.patent_type, PatentType)
    if office_data and r.pub_date and r.app_date:
        assert r.app_date <= r.pub_date, (r.app_date, r.pub_date)
    if r.priority_date:
        assert r.priority_date == min(p.date for p in r.priorities if p.date)
    if r.pct_app_number:
        assert r.pct_app_number.startswith("PCT/"), r.pct_app_number
    if r.pct_pub_number:
        assert normalize_pub_number(r.pct_pub_number) == r.pct_pub_number
    assert r.lang is None or re.fullmatch(r"[a-z]{2}", r.lang), r.lang
    for text in (r.title, r.abstract):
        assert text is None or (text.strip() == text and text), repr(text)

    # classifications: canonical codes, at most one main per scheme, ipc_main agrees
    mains: dict[str, int] = {}
    for c in r.classifications:
        if c.scheme in ("IPC", "CPC"):
            assert IPC_PATTERN.fullmatch(c.code), (c.scheme, c.code)
        elif c.scheme == "LOC":
            assert re.fullmatch(r"\d{2}-\d{2}", c.code), c.code
        else:
            assert c.code and c.code == c.code.strip(), (c.scheme, c.code)
        mains[c.scheme] = mains.get(c.scheme, 0) + c.is_main
    assert all(n <= 1 for n in mains.values()), mains
    ipc_mains = [c.code for c in r.classifications if c.scheme == "IPC" and c.is_main]
    assert r.ipc_main == (ipc_mains[0] if ipc_mains else None)

    # claims: 1…n, dependencies backwards, independence consistent, count agrees
    if r.claim_items:
        nums = [c.num for c in r.claim_items]
        assert nums == sorted(set(nums)), nums
        for c in r.claim_items:
            assert c.text and c.text == c.text.strip()
            assert all(0 < d < c.num for d in c.depends_on), (c.num, c.depends_on)
            assert c.is_independent == (not c.depends_on)
        assert r.claim_items[0].is_independent, "claim 1 depends on nothing"
        assert r.claims_count in (None, len(r.claim_items))

    for c in r.citations:
        assert isinstance(c.category, CitationCategory)
        assert c.cited_pub_number or c.cited_npl or c.cited_raw
        if c.cited_pub_number:
            assert normalize_pub_number(c.cited_pub_number) == c.cited_pub_number
        assert _is_date(c.cited_date)
    for p in r.priorities:
        assert p.number or p.raw
        if p.number:
            assert normalize_app_number(p.number) == p.number, p.number
        assert p.country is None or re.fullmatch(r"[A-Z]{2}", p.country)
        assert _is_date(p.date)
    for p in r.parties:
        assert isinstance(p.role, Role)
        assert p.name and p.name == p.name.strip(), repr(p.name)
        assert p.raw_name, "parties keep the name as written"
        assert p.party_type is None or isinstance(p.party_type, PartyType)
        assert p.country is None or re.fullmatch(r"[A-Z]{2}", p.country), p.country
    for t in r.texts:
        assert re.fullmatch(r"[a-z]{2}", t.lang), t.lang
        assert t.section in ("title", "abstract", "claims", "description"), t.section
        assert t.text and t.text.strip()
    assert sum(t.section == "description" for t in r.texts) <= len(
        {t.lang for t in r.texts}
    )
    for e in r.events:
        assert isinstance(e.type, EventType)
        assert _is_date(e.date)
    keys = [k for k, _ in r.extras]
    assert len(keys) == len(set(keys))


# --- the suite ---------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "rel"), FILES, ids=[r for _, r in FILES])
def test_format_is_recognised_without_being_told(fmt, rel):
    for source in _sources(rel):
        reader = detect_reader(source)
        assert reader is not None and fmt == reader.FORMAT, source.name


@pytest.mark.parametrize(("fmt", "rel"), FILES, ids=[r for _, r in FILES])
def test_records_follow_the_schema_rules(fmt, rel):
    items = _items(fmt, rel)
    records = [i.record for i in items if isinstance(i, Read)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(rejected) == EXPECTED_REJECTED.get(rel, 0), [r.reason for r in rejected]
    for item in rejected:
        assert item.position and item.reason and item.raw
    assert records or rejected
    for item in items:
        assert isinstance(item, Read | Rejected | Notice)
        if isinstance(item, Read) and fmt in SOURCE_FACTS:
            assert item.position.startswith("document ")
    for record in records:
        check_record(record, office_data=fmt in SOURCE_FACTS)
    if fmt in SOURCE_FACTS:  # exports may repeat a row; office XML never does
        ids = [r.doc_id for r in records]
        assert len(ids) == len(set(ids)), "a document read twice"


@pytest.mark.parametrize(
    ("fmt", "rel"),
    [f for f in FILES if f[0] in SOURCE_FACTS],
    ids=[r for f, r in FILES if f in SOURCE_FACTS],
)
def test_records_agree_with_counts_taken_from_the_bytes(fmt, rel, data_dir):
    facts = SOURCE_FACTS[fmt]((data_dir / rel).read_text("utf-8", errors="replace"))
    items = _items(fmt, rel)
    reads = [i for i in items if isinstance(i, Read)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(reads) + len(rejected) == len(facts)
    if rejected:
        return
    for item, fact in zip(reads, facts, strict=True):
        r = item.record
        digits = re.sub(r"\D", "", fact.number).lstrip("0")
        assert digits in (r.pub_number or ""), (fact.number, r.pub_number)
        assert (r.title is not None) == fact.has_title, (r.doc_id, r.title)
        assert len(r.claim_items) == fact.claims, (r.doc_id, len(r.claim_items))
        assert len(r.citations) == fact.citations, (r.doc_id, len(r.citations))


@pytest.mark.parametrize(("fmt", "rel"), FILES, ids=[r for _, r in FILES])
def test_every_real_file_imports_into_the_store(fmt, rel, store):
    records = [i.record for i in _items(fmt, rel) if isinstance(i, Read)]
    # a file none of whose records can be read is not an "ok" import
    expected = "quarantined" if not records and EXPECTED_REJECTED.get(rel) else "ok"
    quarantined = read = 0
    for source in _sources(rel):
        f = import_source(
            store,
            source,
            READERS[fmt],
            options=ReadOptions(),
            batch_size=5000,
            raise_unexpected=True,
        )
        assert (f.status, f.format) == (expected, fmt), f.message
        quarantined += f.quarantined
        read += f.read
    assert quarantined == EXPECTED_REJECTED.get(rel, 0)
    assert read == len(records) + quarantined
    distinct = {r.doc_id for r in records}
    assert store.count("patents") == len(distinct)
    if len(distinct) == len(records):
        assert store.count("claims") == sum(len(r.claim_items) for r in records)
        assert store.count("citations") == sum(len(r.citations) for r in records)
