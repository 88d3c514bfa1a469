"""Tests for patnav.schema.numbers, run against every number in the shared real data.

The collectors below open the real files and gather every publication, application
and priority number they hold, each with its source. Nothing is hand-picked: the few
strings that cannot be parsed are listed in ``KNOWN_GARBAGE`` with the reason, and the
test fails if that list and the data ever disagree.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import openpyxl
import pytest
import xlrd
from hypothesis import given
from hypothesis import strategies as st

from patnav.errors import InputError, InvalidParameterError
from patnav.schema.numbers import (
    AppNumber,
    PubNumber,
    cn_check_digit,
    normalize_app_number,
    normalize_pub_number,
    parse_app_number,
    parse_pub_number,
    patent_type_of,
)
from patnav.schema.records import PatentType

# --- collecting numbers from the real data --------------------------------------------


@dataclass(frozen=True)
class Collected:
    """One number string as a source gives it."""

    source: str  # data-relative file, then ":" and the column, tag or field
    raw: str
    role: Literal["pub", "app"]
    office: str | None = None  # the hint a reader would pass (single-office sources)
    expected_office: str | None = None  # what the source itself says, when it says


def _cell(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@functools.cache
def _xlsx_rows(path: Path) -> list[dict[str, object]]:
    """The first sheet as dicts (cached: several tests read the same workbook)."""
    with warnings.catch_warnings():
        # synbio.xlsx carries an extension openpyxl does not know; the cells are fine.
        warnings.filterwarnings("ignore", "Unknown extension", UserWarning)
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
    header = [str(h) if h is not None else "" for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def collect_taian(data: Path) -> Iterator[Collected]:
    """申请号 of the Tai'an corpus (CN application numbers, with check digits)."""
    rel = "corpora/cn-taian-7384/taian_patents.xlsx"
    for row in _xlsx_rows(data / rel):
        if raw := _cell(row["申请号"]):
            yield Collected(f"{rel}:申请号", raw, "app", "CN", "CN")


def collect_cnipa_export(data: Path) -> Iterator[Collected]:
    """申请号, 专利号, 公开（公告）号 and 优先权 of the CNIPA spreadsheet export."""
    rel = "formats/cn-excel/cnipa_export_199.xlsx"
    for row in _xlsx_rows(data / rel):
        for column, role in (
            ("申请号", "app"),
            ("专利号", "app"),
            ("公开（公告）号", "pub"),
        ):
            if raw := _cell(row[column]):
                yield Collected(f"{rel}:{column}", raw, role, "CN", "CN")  # type: ignore[arg-type]
        # 优先权 reads "2012.01.16 DE 202012000389.5": date, office, number.
        for item in (_cell(row["优先权"]) or "").split(";"):
            if m := re.fullmatch(r"\s*[\d.]+\s+([A-Z]{2})\s+(.+?)\s*", item):
                yield Collected(f"{rel}:优先权", m[2], "app", m[1], m[1])


def collect_cnki(data: Path) -> Iterator[Collected]:
    """Publication numbers in the ``filename=`` of the CNKI export's links."""
    rel = "formats/cn-excel/cnki_export_33.xlsx"
    for row in _xlsx_rows(data / rel):
        if m := re.search(r"filename=([^&]+)", _cell(row["href"]) or ""):
            yield Collected(f"{rel}:href", m[1], "pub", None, "CN")


def _sql_values(line: str) -> list[str | None]:
    """The values of one MySQL ``INSERT ... VALUES (...)`` line."""
    token = re.compile(r"\s*(NULL|-?\d+(?:\.\d+)?|'((?:[^'\\]|\\.|'')*)')\s*([,)])")
    body = line[line.index("VALUES (") + len("VALUES (") :]
    values: list[str | None] = []
    pos = 0
    while m := token.match(body, pos):
        values.append(None if m[1] == "NULL" else m[2] if m[2] is not None else m[1])
        pos = m.end()
        if m[3] == ")":
            return values
    raise AssertionError(f"unreadable SQL values at {body[pos : pos + 40]!r}")


def collect_cn_sql(data: Path) -> Iterator[Collected]:
    """申请号, 公开号, 授权公告号 and the PCT, priority, family columns of the dumps."""
    roles = {"申请号": "app", "公开号": "pub", "授权公告号": "pub", "优先权": "app"}
    roles |= {
        "国际申请号": "app",
        "国际公开号": "pub",
        "引证专利": "pub",
        "同族专利": "pub",
    }
    for path in sorted((data / "formats/cn-sql").glob("*.sql")):
        rel = path.relative_to(data).as_posix()
        text = path.read_text(encoding="utf-8")
        columns = re.findall(r"^  `([^`]+)`", text.split("CREATE TABLE", 1)[1], re.M)
        for line in text.splitlines():
            if not line.startswith("INSERT INTO"):
                continue
            row = dict(zip(columns, _sql_values(line), strict=True))
            for column, role in roles.items():
                for raw in re.split(r"[;；]", row.get(column) or ""):
                    if raw.strip():
                        hint = (
                            "CN"
                            if column in ("申请号", "公开号", "授权公告号")
                            else None
                        )
                        yield Collected(f"{rel}:{column}", raw.strip(), role, hint)  # type: ignore[arg-type]


def collect_lens(data: Path) -> Iterator[Collected]:
    """Publication, application and priority numbers of both Lens exports."""
    for name, encoding in (
        ("lens_drones_5884.csv", "utf-8"),
        ("lens_pizza_1000.csv", "latin-1"),
    ):
        rel = f"formats/lens-csv/{name}"
        with (data / rel).open(encoding=encoding, newline="") as handle:
            for row in csv.DictReader(handle):
                jurisdiction = row["Jurisdiction"]
                if raw := _cell(row["Publication Number"]):
                    yield Collected(
                        f"{rel}:Publication Number", raw, "pub", None, jurisdiction
                    )
                if raw := _cell(row["Application Number"]):
                    yield Collected(f"{rel}:Application Number", raw, "app")
                for raw in (row["Priority Numbers"] or "").split(";;"):
                    if raw.strip():
                        yield Collected(f"{rel}:Priority Numbers", raw.strip(), "app")


@functools.cache
def _patentscope_rows(data: Path) -> list[tuple[str, list[str]]]:
    """(source, row) of the Patentscope CSV (cp1252, CR line ends) and zipped XLS."""
    rows: list[tuple[str, list[str]]] = []
    rel = "formats/patentscope/pizza_medium_10000.csv"
    with (data / rel).open(encoding="cp1252", errors="replace", newline="") as handle:
        rows += [(rel, row) for row in list(csv.reader(handle))[1:]]
    rel = "formats/patentscope/pizza_all_24294_raw.zip"
    with zipfile.ZipFile(data / rel) as archive:
        for member in sorted(archive.namelist()):
            if member.endswith(".xls") and not member.startswith("__MACOSX"):
                book = xlrd.open_workbook(file_contents=archive.read(member))
                sheet = book.sheet_by_index(0)
                source = f"{rel}/{member.rsplit('/', 1)[-1]}"
                # The header is the third row, after the query line and a blank line.
                rows += [
                    (source, [str(v) for v in sheet.row_values(i)])
                    for i in range(3, sheet.nrows)
                ]
    return rows


def collect_patentscope(data: Path) -> Iterator[Collected]:
    """Publication Number of the Patentscope CSV and of the three zipped XLS files."""
    for rel, row in _patentscope_rows(data):
        if raw := _cell(row[0]):
            yield Collected(f"{rel}:Publication Number", raw, "pub")


def patentscope_priorities(data: Path) -> list[tuple[str, str]]:
    """(number, office) pairs of Patentscope's free-text Priority Data field."""
    found: list[tuple[str, str]] = []
    for _rel, row in _patentscope_rows(data):
        text = row[3].strip()
        if text.startswith("[") and text.endswith("]"):
            for item in text[1:-1].split(", "):
                words = item.split(" ")
                office = words[-1]
                rest = [w for w in words[:-1] if not re.fullmatch(r"[\d.T:Z-]{10,}", w)]
                if len(office) == 2 and " ".join(rest).strip():
                    found.append((" ".join(rest).strip(), office))
    return found


def collect_thomson(data: Path) -> Iterator[Collected]:
    """Every number field of the Thomson Innovation synthetic-biology export."""
    rel = "formats/thomson-innovation/synbio.xlsx"
    fields = {
        "publication_number": "pub",
        "inpadoc_first_family_member_number": "pub",
        "inpadoc_family_member_numbers": "pub",
        "cited_patent_numbers": "pub",
        "citing_patent_numbers": "pub",
        "application_numbers": "app",
        "priority_numbers": "app",
    }
    for row in _xlsx_rows(data / rel):
        for column, role in fields.items():
            for raw in (_cell(row[column]) or "").split(";"):
                raw = raw.strip()
                if not raw:
                    continue
                # Cited PCT applications sit among the cited publications: EP0113968W.
                is_pct = role == "pub" and re.fullmatch(r"[A-Z]{2}\d+W", raw)
                yield Collected(f"{rel}:{column}", raw, "app" if is_pct else role)  # type: ignore[arg-type]


def collect_derwent(data: Path) -> Iterator[Collected]:
    """PN (publications) and CP (citing members, cited patents) of the .ciw files."""
    for path in sorted((data / "formats/derwent").glob("*.ciw")):
        rel = path.relative_to(data).as_posix()
        tag = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line[:2].strip():
                tag = line[:2]
            rest = line[3:]
            if tag == "PN":
                for raw in rest.split(";"):
                    if raw.strip():
                        yield Collected(f"{rel}:PN", raw.strip(), "pub")
            elif tag == "CP" and rest.strip():
                # Members start at column 3, the patents each one cites at column 6.
                field = "CP cited" if rest.startswith("   ") else "CP citing"
                yield Collected(f"{rel}:{field}", rest.split()[0], "pub")


def collect_patentsview(data: Path) -> Iterator[Collected]:
    """patent_id of every PatentsView table (US grants without the office prefix)."""
    for path in sorted((data / "formats/patentsview-tables").glob("*.csv")):
        rel = path.relative_to(data).as_posix()
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield Collected(f"{rel}:patent_id", row["patent_id"], "pub", "US", "US")


_XML_APP_CONTEXTS = {
    "application-reference",
    "priority-claim",
    "pct-or-regional-filing-data",
    "us-provisional-application",
    "parent-doc",
    "child-doc",
    "parent-pct-document",
    "parent",
    "child",
    "non-provisional-of-provisional",
}
_OPEN_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)[^>]*?(/?)>")


def _enclosing(text: str, pos: int) -> str:
    """The innermost element still open at ``pos``, without its namespace prefix."""
    pending: list[str] = []
    for close, name, self_closing in reversed(
        _OPEN_TAG.findall(text[max(0, pos - 600) : pos])
    ):
        if self_closing:
            continue
        if close:
            pending.append(name)
        elif pending and pending[-1] == name:
            pending.pop()
        else:
            return str(name).split(":")[-1]
    return "?"


def _xml_value(body: str, tag: str) -> str | None:
    m = re.search(rf"<(?:\w+:)?{tag}\b[^>]*>([^<]*)</", body)
    return m[1].strip() if m and m[1].strip() else None


def _xml_number(
    source: str, role: str, country: str, number: str, kind: str | None
) -> Collected:
    if number.upper().startswith("PCT"):
        role = "app"  # a PCT application cited among patent documents
    if role == "pub" and kind and re.fullmatch(r"[A-Z]\d?", kind.strip()):
        number = f"{number} {kind.strip()}"
    elif role == "app" and kind and re.fullmatch(r"[A-Z]", kind.strip()):
        number = (
            f"{number} {kind.strip()}"  # W marks a PCT application, P a provisional
        )
    return Collected(source, number, role, country, country)  # type: ignore[arg-type]


def collect_xml(data: Path) -> Iterator[Collected]:
    """Numbers of the USPTO, EPO, DOCDB and CNIPA XML files.

    Every ``<document-id>`` (and CNIPA's ``<base:DocumentID>``) that names a country,
    every priority claim, and the SDOBI tags of EPO publication-server documents (B110
    publication, B210 application, B310 priority, B861 PCT application, B871 PCT
    publication). Publication or application follows from the enclosing element.
    """
    folders = ("uspto-xml", "epo-xml", "epo-docdb", "cnipa-xml")
    for folder in folders:
        for path in sorted((data / "formats" / folder).rglob("*")):
            if not path.is_file() or path.suffix.lower() not in (".xml", ""):
                continue
            rel = path.relative_to(data).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            yield from _xml_document_ids(rel, text)
            yield from _xml_priority_claims(rel, text)
            yield from _xml_epo_sdobi(rel, text)


def _xml_document_ids(rel: str, text: str) -> Iterator[Collected]:
    for m in re.finditer(
        r"<((?:\w+:)?(?:document-id|DocumentID))\b[^>]*>(.*?)</\1>", text, re.S
    ):
        body = m[2]
        country = _xml_value(body, "country") or _xml_value(body, "WIPOST3Code")
        number = _xml_value(body, "doc-number") or _xml_value(body, "DocNumber")
        if not country or not number:
            continue
        context = _enclosing(text, m.start())
        if context in ("ParentDocument", "ApplicationReference"):
            context = "application-reference"
        role = "app" if context in _XML_APP_CONTEXTS else "pub"
        kind = _xml_value(body, "kind") or _xml_value(body, "Kind")
        yield _xml_number(f"{rel}:{context}", role, country, number, kind)


def _xml_priority_claims(rel: str, text: str) -> Iterator[Collected]:
    pattern = r"<((?:\w+:)?(?:priority-claim|Priority))\b[^>]*>(.*?)</\1>"
    for m in re.finditer(pattern, text, re.S):
        body = m[2]
        if "document-id" in body.lower() or "DocumentID" in body:
            continue  # already collected with the document-ids
        country = _xml_value(body, "country") or _xml_value(body, "WIPOST3Code")
        number = _xml_value(body, "doc-number") or _xml_value(body, "DocNumber")
        if country and number:
            yield _xml_number(f"{rel}:priority-claim", "app", country, number, None)


def _xml_epo_sdobi(rel: str, text: str) -> Iterator[Collected]:
    root = re.search(r"<ep-patent-document\b[^>]*>", text)
    if not root:
        return
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', root[0]))
    yield _xml_number(
        f"{rel}:ep-patent-document", "pub", "EP", attrs["doc-number"], attrs["kind"]
    )
    if m := re.search(r"<B110>([^<]+)</B110>", text):
        kind = re.search(r"<B130>([^<]+)</B130>", text)
        yield _xml_number(f"{rel}:B110", "pub", "EP", m[1], kind[1] if kind else None)
    for m in re.finditer(r"<B210>([^<]+)</B210>", text):
        yield _xml_number(f"{rel}:B210", "app", "EP", m[1], None)
    for m in re.finditer(
        r"<B310>([^<]+)</B310>.*?<B330><ctry>([A-Z]{2})</ctry>", text, re.S
    ):
        yield _xml_number(f"{rel}:B310", "app", m[2], m[1], None)
    for m in re.finditer(r"<B861>.*?<anum>([^<]+)</anum>", text, re.S):
        yield Collected(f"{rel}:B861", m[1], "app", "WO", "WO")
    for m in re.finditer(r"<B871>.*?<pnum>([^<]+)</pnum>", text, re.S):
        yield Collected(f"{rel}:B871", m[1], "pub", None, "WO")


COLLECTORS = (
    collect_taian,
    collect_cnipa_export,
    collect_cnki,
    collect_cn_sql,
    collect_lens,
    collect_patentscope,
    collect_thomson,
    collect_derwent,
    collect_patentsview,
    collect_xml,
)

# Numbers collected per file: a collector that stops finding numbers fails here.
EXPECTED_COUNTS = {
    "corpora/cn-taian-7384/taian_patents.xlsx": 7384,
    "formats/cn-excel/cnipa_export_199.xlsx": 598,
    "formats/cn-excel/cnki_export_33.xlsx": 33,
    "formats/cn-sql/专利总表(案例).sql": 28,
    "formats/cnipa-xml": 30,
    "formats/derwent": 30495,
    "formats/epo-docdb": 209,
    "formats/epo-xml": 116,
    "formats/lens-csv/lens_drones_5884.csv": 24585,
    "formats/lens-csv/lens_pizza_1000.csv": 3171,
    "formats/patentscope/pizza_all_24294_raw.zip": 24294,
    "formats/patentscope/pizza_medium_10000.csv": 10000,
    "formats/patentsview-tables": 61489,
    "formats/thomson-innovation/synbio.xlsx": 11270,
    "formats/uspto-xml": 11318,
}

_IPG120327 = "formats/uspto-xml/patentsview-weekly/ipg120327.196.xml"
_SYNBIO_CITED = "formats/thomson-innovation/synbio.xlsx:cited_patent_numbers"
_PP_APPLICATION = (
    "plant application number (PP, serial, 2-digit year), not a publication"
)
_EM_DESIGN = "Community design registration number (RCD-design) filed under EP"

# Strings in the data that are not the kind of number their field promises, with why.
KNOWN_GARBAGE: dict[tuple[str, str], str] = {
    ("formats/derwent/derwent_drone_drones_2001_2500.ciw:CP cited", "CN807008-A"): (
        "six digits: no CN publication series is that short"
    ),
    ("formats/epo-xml/v1-5-A1.xml:patcit", "201810358967"): (
        "a CN application number (2018 1 0358967) cited as a patent document"
    ),
    ("formats/lens-csv/lens_drones_5884.csv:Application Number", "AU 1927/085003 W"): (
        "Lens garbles the PCT number of WO 1986/003935: no PCT year 1927"
    ),
    ("formats/lens-csv/lens_drones_5884.csv:Application Number", "AU 1955/097002 W"): (
        "Lens garbles the PCT number of WO 1997/041450: no PCT year 1955"
    ),
    ("formats/lens-csv/lens_drones_5884.csv:Application Number", "AU 1963/094000 W"): (
        "Lens garbles the PCT number of WO 1994/017674: no PCT year 1963"
    ),
    **{
        (f"formats/thomson-innovation/synbio.xlsx:{column}", "NA"): "placeholder"
        for column in (
            "cited_patent_numbers",
            "citing_patent_numbers",
            "inpadoc_family_member_numbers",
            "inpadoc_first_family_member_number",
        )
    },
    (_SYNBIO_CITED, "US200310032033A1"): "12 digits: not a US publication",
    (_SYNBIO_CITED, "US201113276467A"): "US application 13/276,467 (DOCDB form)",
    (_SYNBIO_CITED, "US201213365253A"): "US application 13/365,253 (DOCDB form)",
    (_SYNBIO_CITED, "US201213433036A"): "US application 13/433,036 (DOCDB form)",
    (_SYNBIO_CITED, "US4856003609A"): "10 digits not starting with a year",
    (_SYNBIO_CITED, "US6128000877A"): "10 digits not starting with a year",
    (_SYNBIO_CITED, "US6138008543A"): "10 digits not starting with a year",
    **{
        (_SYNBIO_CITED, f"USPP{serial}P"): _PP_APPLICATION
        for serial in (
            "16291309",
            "23567709",
            "25759109",
            "26463209",
            "26464109",
            "26464309",
            "29319210",
            "31010010",
        )
    },
    ("formats/uspto-xml/patentsview-weekly/ipg050104.small.xml:patcit", "11115652"): (
        "8 digits: an EP application number cited as an EP publication"
    ),
    **{
        (f"{_IPG120327}:patcit", raw): _EM_DESIGN
        for raw in (
            "000385562-0106",
            "000454202-0027",
            "000454202-0121",
            "000606009-0010 S",
            "000633755-0027",
            "000730403-0023",
            "701461-0009",
            "701461-0010",
        )
    },
    (
        f"{_IPG120327}:patcit",
        "000644935-0001",
    ): "Community design number filed under DE",
    (
        f"{_IPG120327}:patcit",
        "08290305.5",
    ): "EP application number cited as a publication",
    (
        f"{_IPG120327}:patcit",
        "G8513103.2",
    ): "DE utility-model application (G 85 13 103.2)",
    (f"{_IPG120327}:patcit", "W02004/067391 A2"): "'W0' typed with a zero for 'WO'",
    (f"{_IPG120327}:patcit", "W02006/019324 A1"): "'W0' typed with a zero for 'WO'",
    **{
        (f"{_IPG120327}:priority-claim", raw): _EM_DESIGN
        for raw in ("001216188", "001713207-0001", "001713207-0002", "001804014")
    },
    (
        "formats/uspto-xml/patentsview-weekly/ipg130416.small.xml:patcit",
        "408327594 A",
    ): ("a Patent Abstracts of Japan number (JP H08-327594) filed under EP"),
}

# Parsed numbers whose office differs from the country the source files them under.
KNOWN_OFFICE_MISMATCHES: dict[tuple[str, str], str] = {
    ("formats/uspto-xml/patentsview-weekly/ipg070102.small.xml:patcit", "EP1223083"): (
        "an EP number filed under JP"
    ),
    (
        "formats/uspto-xml/patentsview-weekly/ipg090106.small.xml:patcit",
        "SU 518345 A",
    ): ("an SU number filed under SE"),
    **{
        (f"{_IPG120327}:patcit", f"DM/0740{n}"): "Hague design (DM) filed under WO"
        for n in ("11", "12", "15", "16", "17")
    },
    **{
        (f"{_IPG120327}:priority-claim", f"DM/0{n}"): "Hague design (DM) filed under WO"
        for n in ("69 638", "74 086", "74 886", "75 499", "75 500")
    },
    (f"{_IPG120327}:priority-claim", "DM/073 548"): "Hague design (DM) filed under EM",
}

_KIND = r"([A-Z]\d?)?"
PUB_PATTERNS = {
    "CN": r"CN\d{7,9}([ABCUYS]\d?)?",
    "US": r"US([1-9]\d{0,7}|(19|20)\d{9}|(D|PP|RE|H)[1-9]\d{0,6})" + _KIND,
    "EP": r"EP\d{7}" + _KIND,
    "WO": r"WO(19[789]\d|20\d\d)\d{6}" + _KIND,
    "JP": r"JP([HS]\d{3,8}|D\d{7}|\d{5,10})" + _KIND,
    "KR": r"KR\d{5,11}" + _KIND,
    "DE": r"DE([1-9]\d{0,7}|[1-9]\d{11})" + _KIND,
}
PUB_OTHER = r"[A-Z]{2}[A-Z0-9]*\d" + _KIND
APP_PATTERNS = {
    "CN": r"CN(\d\d[12389]\d{5}|20[0-2]\d[12389]\d{7})",
    "US": r"US\d{4,12}[A-Z]?",
    "EP": r"EP\d{8}",
    "JP": r"JP[A-Z]?\d{5,12}",
    "KR": r"KR\d{5,13}",
    "WO": r"PCT/[A-Z]{2}(19[789]\d|20\d\d)/\d{6}",
}
APP_OTHER = r"[A-Z]{2}[A-Z0-9]*\d[A-Z0-9]*"

Parsed = PubNumber | AppNumber | InputError


def _parse(item: Collected) -> PubNumber | AppNumber:
    parse = parse_pub_number if item.role == "pub" else parse_app_number
    return parse(item.raw, office=item.office)


@pytest.fixture(scope="session")
def collected(data_dir: Path) -> list[Collected]:
    """Every number string of the real data, with its source."""
    return [item for collector in COLLECTORS for item in collector(data_dir)]


@pytest.fixture(scope="session")
def outcomes(collected: list[Collected]) -> dict[Collected, Parsed]:
    """The parse result (or the InputError) of each distinct collected number."""
    cache: dict[tuple[str, str, str | None], Parsed] = {}
    results: dict[Collected, Parsed] = {}
    for item in collected:
        key = (item.role, item.raw, item.office)
        if key not in cache:
            try:
                cache[key] = _parse(item)
            except InputError as error:
                cache[key] = error
        results[item] = cache[key]
    return results


def _parsed(outcomes: dict[Collected, Parsed]) -> Iterable[tuple[Collected, str]]:
    for item, result in outcomes.items():
        if not isinstance(result, InputError):
            yield item, str(result)


# --- tests on the real data -----------------------------------------------------------


def test_collectors_find_numbers_in_every_source(collected: list[Collected]) -> None:
    counts: Counter[str] = Counter()
    for item in collected:
        path = item.source.split(":")[0]
        key = next((k for k in EXPECTED_COUNTS if path.startswith(k)), path)
        counts[key] += 1
    assert dict(counts) == EXPECTED_COUNTS


def test_every_real_number_parses_except_known_garbage(
    outcomes: dict[Collected, Parsed],
) -> None:
    failed = {
        (item.source, item.raw)
        for item, result in outcomes.items()
        if isinstance(result, InputError)
    }
    assert failed == set(KNOWN_GARBAGE)


def test_known_garbage_errors_say_what_was_expected(
    outcomes: dict[Collected, Parsed],
) -> None:
    for item, result in outcomes.items():
        if isinstance(result, InputError):
            assert "Expected a" in str(result)
            assert repr(item.raw) in str(result)


def test_canonical_real_numbers_match_strict_office_patterns(
    outcomes: dict[Collected, Parsed],
) -> None:
    mismatched = []
    for item, canonical in _parsed(outcomes):
        office = "WO" if canonical.startswith("PCT/") else canonical[:2]
        if item.role == "pub":
            pattern = PUB_PATTERNS.get(office, PUB_OTHER)
        else:
            pattern = APP_PATTERNS.get(office, APP_OTHER)
        if not re.fullmatch(pattern, canonical):
            mismatched.append((item.source, item.raw, canonical))
    assert mismatched == []


def test_normalization_is_idempotent_on_real_numbers(
    outcomes: dict[Collected, Parsed],
) -> None:
    unstable = []
    for canonical, role in {(c, item.role) for item, c in _parsed(outcomes)}:
        normalize = normalize_pub_number if role == "pub" else normalize_app_number
        if normalize(canonical) != canonical:
            unstable.append((canonical, normalize(canonical)))
    assert unstable == []


def test_reparsing_a_canonical_number_gives_the_same_fields(
    outcomes: dict[Collected, Parsed],
) -> None:
    changed: list[tuple[object, object]] = []
    for result in set(outcomes.values()):
        if isinstance(result, PubNumber):
            again: PubNumber | AppNumber = parse_pub_number(str(result))
            if again != result:
                changed.append((result, again))
        elif isinstance(result, AppNumber):
            again = parse_app_number(str(result))
            if (again.office, again.serial, again.is_pct) != (
                result.office,
                result.serial,
                result.is_pct,
            ):
                changed.append((result, again))
    assert changed == []


def test_office_agrees_with_the_source(outcomes: dict[Collected, Parsed]) -> None:
    disagreeing = set()
    for item, result in outcomes.items():
        if isinstance(result, InputError) or item.expected_office is None:
            continue
        if isinstance(result, AppNumber) and result.is_pct:
            # Sources file a PCT application under WO or its receiving office; USPTO
            # files the PCT parent of a US continuation under US.
            offices = {"WO", result.serial[:2]}
            if item.source.startswith("formats/uspto-xml"):
                offices.add("US")
            agrees = item.expected_office in offices
        else:
            agrees = result.office == item.expected_office
        if not agrees:
            disagreeing.add((item.source, item.raw))
    assert disagreeing == set(KNOWN_OFFICE_MISMATCHES)


def test_lens_publication_office_is_the_jurisdiction(data_dir: Path) -> None:
    checked = 0
    for item in collect_lens(data_dir):
        if item.role == "pub":
            assert parse_pub_number(item.raw).office == item.expected_office, item
            checked += 1
    assert checked == 5884 + 1000


def test_every_cn_check_digit_in_the_data_validates(
    outcomes: dict[Collected, Parsed],
) -> None:
    verdicts: Counter[bool | None] = Counter()
    invalid = []
    for item, result in outcomes.items():
        if (
            isinstance(result, AppNumber)
            and result.office == "CN"
            and result.check_digit
        ):
            verdicts[result.is_valid_check_digit] += 1
            if not result.is_valid_check_digit:
                invalid.append((item.source, item.raw))
    assert invalid == []
    # Tai'an 7,375 + export 2 x 199 + SQL 10 + CNIPA XML 7 + USPTO priority claims 2
    assert verdicts == {True: 7792}


def test_taian_check_digits_are_present_on_all_but_nine(data_dir: Path) -> None:
    apps = [parse_app_number(item.raw) for item in collect_taian(data_dir)]
    without = [str(app) for app in apps if app.check_digit is None]
    assert len(without) == 9
    assert all(len(serial) == 10 for serial in without)  # "CN" + 8-digit 1980s serials


def test_cnipa_export_application_and_patent_numbers_agree(data_dir: Path) -> None:
    rows = _xlsx_rows(data_dir / "formats/cn-excel/cnipa_export_199.xlsx")
    assert len(rows) == 199
    for row in rows:
        app = parse_app_number(str(row["申请号"]))
        assert normalize_app_number(str(row["专利号"])) == str(app)
        pub = parse_pub_number(str(row["公开（公告）号"]))
        by_app = patent_type_of("CN", None, str(app))
        by_kind = patent_type_of("CN", pub.kind, None)
        assert by_app == by_kind == PatentType.UTILITY_MODEL


def test_patent_type_of_taian_matches_the_counts_in_sources_md(data_dir: Path) -> None:
    types = Counter(
        patent_type_of("CN", None, item.raw) for item in collect_taian(data_dir)
    )
    assert types == {
        PatentType.UTILITY_MODEL: 5335,
        PatentType.INVENTION: 1909,
        PatentType.DESIGN: 140,
    }


def test_patent_type_of_agrees_with_patentsview_patent_type(data_dir: Path) -> None:
    expected = {
        "utility": PatentType.INVENTION,
        "design": PatentType.DESIGN,
        "reissue": PatentType.INVENTION,
        "plant": PatentType.PLANT,
    }
    path = data_dir / "formats/patentsview-tables/nvidia_patent.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert Counter(row["patent_type"] for row in rows) == {
        "utility": 5150,
        "design": 12,
        "reissue": 7,
    }
    for row in rows:
        assert (
            patent_type_of("US", row["wipo_kind"], None) == expected[row["patent_type"]]
        )
        pub = parse_pub_number(f"{row['patent_id']} {row['wipo_kind']}", office="US")
        assert str(pub) == f"US{row['patent_id']}{row['wipo_kind']}"


def test_patent_type_of_agrees_with_cn_sql_patent_type(data_dir: Path) -> None:
    path = data_dir / "formats/cn-sql/专利总表(案例).sql"
    text = path.read_text(encoding="utf-8")
    columns = re.findall(r"^  `([^`]+)`", text.split("CREATE TABLE", 1)[1], re.M)
    names = {"实用新型": PatentType.UTILITY_MODEL, "发明公开": PatentType.INVENTION}
    rows = [
        dict(zip(columns, _sql_values(line), strict=True))
        for line in text.splitlines()
        if line.startswith("INSERT INTO")
    ]
    assert len(rows) == 10
    for row in rows:
        declared = names[str(row["专利类型"]).split(";")[0]]
        assert patent_type_of("CN", None, row["申请号"]) == declared
        pub = parse_pub_number(str(row["公开号"]))
        assert patent_type_of(pub.office, pub.kind, None) == declared


def test_cnipa_xml_original_and_standard_numbers_agree(data_dir: Path) -> None:
    pairs = 0
    for path in sorted((data_dir / "formats/cnipa-xml").glob("*.[xX][mM][lL]")):
        text = path.read_text(encoding="utf-8")
        for tag in ("ApplicationReference", "Priority"):
            found = re.findall(
                rf'<business:{tag}\b[^>]*dataFormat="(original|standard)".*?'
                r"<base:WIPOST3Code>(\w+)</base:WIPOST3Code>\s*"
                r"<base:DocNumber>([^<]+)</base:DocNumber>",
                text,
                re.S,
            )
            forms = {
                fmt: normalize_app_number(num, office=cc) for fmt, cc, num in found
            }
            if forms:
                assert forms["original"] == forms["standard"], (path.name, found)
                pairs += 1
    assert pairs == 4  # three application references and one KR priority


def test_epo_root_attributes_and_b110_agree(data_dir: Path) -> None:
    for path in sorted((data_dir / "formats/epo-xml").glob("*.xml")):
        found = {
            item.source.rsplit(":", 1)[1]: normalize_pub_number(item.raw, office="EP")
            for item in _xml_epo_sdobi(path.name, path.read_text(encoding="utf-8"))
            if item.role == "pub" and item.expected_office == "EP"
        }
        assert found["ep-patent-document"] == found["B110"], path.name


def test_thomson_publication_is_among_its_family_members(data_dir: Path) -> None:
    rows = _xlsx_rows(data_dir / "formats/thomson-innovation/synbio.xlsx")
    rows = [row for row in rows if row["inpadoc_family_member_numbers"] != "NA"]
    assert len(rows) == 644 - 82
    for row in rows:
        pub = normalize_pub_number(str(row["publication_number"]))
        family = {
            normalize_pub_number(raw)
            for raw in str(row["inpadoc_family_member_numbers"]).split(";")
        }
        assert pub in family, (pub, row["inpadoc_family_member_numbers"])


def test_patentscope_priority_data_parses_or_raises_input_error(
    data_dir: Path,
) -> None:
    # A free-text field of ~16,000 distinct national spellings, typed by applicants:
    # a robustness corpus, not a list of promised numbers.
    priorities = set(patentscope_priorities(data_dir))
    failed = 0
    for raw, office in priorities:
        try:
            app = parse_app_number(raw, office=office)
        except InputError:
            failed += 1
            continue
        assert normalize_app_number(str(app)) == str(app)
    assert len(priorities) == 15972
    assert failed <= 81  # EP-filed PCT numbers without the PCT, "UNKNOWN", "null" ...


# --- rules, one example per spelling (taken from the real files unless noted) --------

PUB_EXAMPLES = [
    # CN: 7, 8 and 9 digits, kind codes, separators, case, full width
    ("CN202644312U", None, "CN202644312U"),  # cnipa_export_199 公开（公告）号
    ("CN 1047187 A", None, "CN1047187A"),  # Lens
    ("CN 101025382 A", None, "CN101025382A"),  # Lens
    ("CN85102475A", None, "CN85102475A"),  # 1985 pub = app number (issue example)
    ("CN105719450-A", None, "CN105719450A"),  # Derwent PN
    ("CN115883397B", None, "CN115883397B"),  # cn-sql 授权公告号
    ("CN1136398", None, "CN1136398"),  # Patentscope, no kind
    ("127 80 68", "CN", "CN1278068"),  # USPTO citation
    ("202644312U", "CN", "CN202644312U"),  # office from the hint
    ("ＣＮ２０２６４４３１２Ｕ", None, "CN202644312U"),  # full width
    ("cn 202644312 u", None, "CN202644312U"),
    ("  CN202644312U\t\n", None, "CN202644312U"),
    # US: grants, zero padding, letter series, pre-grant publications
    ("US 6176345 B1", None, "US6176345B1"),  # Lens
    ("06970935 B1", "US", "US6970935B1"),  # USPTO XML publication-reference
    ("US08083141", None, "US8083141"),  # Patentscope
    ("US 6,176,345 B1", None, "US6176345B1"),
    ("US D532742 S1", None, "USD532742S1"),  # Lens
    ("D0534340 S1", "US", "USD534340S1"),  # USPTO XML
    ("D1078812", "US", "USD1078812"),  # PatentsView
    ("US508013-S1", None, "USD508013S1"),  # Derwent: letter restored from the kind
    ("RE39501", "US", "USRE39501"),  # PatentsView
    ("USRE038478", None, "USRE38478"),  # Patentscope
    ("US31678-E", None, "USRE31678E"),  # Derwent
    ("PP018398 P2", "US", "USPP18398P2"),  # USPTO XML
    ("US H000485 H", None, "USH485H"),  # Lens
    ("H0002140 H1", "US", "USH2140H1"),  # USPTO XML
    ("USH0002283", None, "USH2283"),  # Patentscope
    ("US777-H", None, "USH777H"),  # Derwent
    ("US 2001/0005404 A1", None, "US20010005404A1"),  # Lens
    ("US20050286606", None, "US20050286606"),  # Patentscope
    ("2002/0197960 A1", "US", "US20020197960A1"),  # USPTO citation
    ("US2016132052-A1", None, "US20160132052A1"),  # Derwent drops a zero
    ("US2005106590A", None, "US20050106590A"),  # Thomson cited, EPODOC style
    ("2004/123456", "US", "US20040123456"),  # issue example
    # EP: 7 digits zero-padded, Lens correction dates
    ("EP 0095016 A1", None, "EP0095016A1"),  # Lens
    ("EP 95016 A1", None, "EP0095016A1"),  # issue example
    ("EP784692A1", None, "EP0784692A1"),  # Thomson
    ("EP841534-A", None, "EP0841534A"),  # Derwent
    ("0 631 901 A1", "EP", "EP0631901A1"),  # USPTO citation
    ("EP 0259054 B9 20031217", None, "EP0259054B9"),  # Lens correction
    ("EP 2862606 B8 20160907", None, "EP2862606B8"),  # Lens correction
    # WO: 4-digit year + 6 digits from every historic spelling
    ("WO 2000/001198 A1", None, "WO2000001198A1"),  # Lens
    ("WO 00/01046", None, "WO2000001046"),  # USPTO citation
    ("WO9933272-A1", None, "WO1999033272A1"),  # Derwent
    ("WO200297715-A1", None, "WO2002097715A1"),  # Derwent
    ("WO02020444", None, "WO2002020444"),  # EPO XML B871
    ("94 19814", "WO", "WO1994019814"),  # USPTO citation
    ("WO-01-54225", "WO", "WO2001054225"),  # USPTO citation
    ("2014/157990", "WO", "WO2014157990"),  # CNIPA XML
    # JP: era letters kept, PAJ and JPO citation styles
    ("JP 2000041293 A", None, "JP2000041293A"),  # Lens
    ("JP H0723487 A", None, "JPH0723487A"),  # Lens
    ("JP S574695 A", None, "JPS574695A"),  # Lens
    ("JP 4206830 B2", None, "JP4206830B2"),  # Lens
    ("405194209", "JP", "JPH05194209"),  # USPTO citation, Patent Abstracts of Japan
    ("361118513 A", "JP", "JPS61118513A"),  # USPTO citation, PAJ Showa
    ("A-10-100907", "JP", "JP10100907A"),  # USPTO citation, JP-A style
    ("P2001-118988 A", "JP", "JP2001118988A"),  # USPTO citation
    ("2004-253298 A", "JP", "JP2004253298A"),  # USPTO citation
    ("JP11332489", None, "JP11332489"),  # Patentscope: era-less, kept as given
    ("特開平7-23487", None, "JPH0723487A"),  # not in the data: Japanese form
    ("特開2004-123456", None, "JP2004123456A"),  # not in the data
    # KR: DOCDB forms kept, KIPO forms converted
    ("KR 20000001799 A", None, "KR20000001799A"),  # Lens
    ("KR 100802716 B1", None, "KR100802716B1"),  # Lens
    ("KR 0145570 B1", None, "KR0145570B1"),  # Lens: leading zero kept
    ("KR 200474119 Y1", None, "KR200474119Y1"),  # Lens: 9-digit registration
    ("KR1020050123389", None, "KR20050123389"),  # Patentscope, KIPO form
    ("KR1015514300000*", None, "KR101551430"),  # Patentscope registration form
    ("KR2016039751-A", None, "KR20160039751A"),  # Derwent drops a zero
    ("10-2001-0017165 A", "KR", "KR20010017165A"),  # USPTO citation
    ("20-0116834 Y1", "KR", "KR200116834Y1"),  # USPTO citation
    # DE: zero padding stripped
    ("DE 102004061977 A1", None, "DE102004061977A1"),  # Lens
    ("DE 2235942 A1", None, "DE2235942A1"),  # Lens
    ("DE 10008809 A1", None, "DE10008809A1"),  # Lens
    ("DE 1773804 U", None, "DE1773804U"),  # Lens
    ("DE202016100060-U1", None, "DE202016100060U1"),  # Derwent
    ("DE000069233417", None, "DE69233417"),  # Patentscope
    ("196 53 722 A1", "DE", "DE19653722A1"),  # USPTO citation
    # other offices: office + serial + kind
    ("AU PO505497 D0", None, "AUPO505497D0"),  # Lens
    ("AU 2002/356703 A1", None, "AU2002356703A1"),  # Lens
    ("A-18524/99", "AU", "AU1852499A"),  # USPTO citation, AU-A style
    ("IN 1442CH2015 A", None, "IN1442CH2015A"),  # Lens
    ("TW M415289 U", None, "TWM415289U"),  # Lens
    ("HU H3737 A", None, "HUH3737A"),  # Lens
    ("BRPI0314094", None, "BRPI0314094"),  # Patentscope
    ("mxPA/a/2005/003863", None, "MXPA05003863"),  # Patentscope
    ("mxMX/a/2007/002094", None, "MX2007002094"),  # Patentscope
    ("za2007/01237", None, "ZA200701237"),  # Patentscope
    ("RU0002529060", None, "RU2529060"),  # Patentscope
    ("SG11201500980W", None, "SG11201500980W"),  # Patentscope
    ("DM/074011", "WO", "DM074011"),  # USPTO citation: the string's office wins
]


@pytest.mark.parametrize(("raw", "office", "expected"), PUB_EXAMPLES)
def test_normalize_pub_number_examples(
    raw: str, office: str | None, expected: str
) -> None:
    assert normalize_pub_number(raw, office=office) == expected
    assert normalize_pub_number(expected) == expected


APP_EXAMPLES = [
    # CN: 8 and 12 digits, with or without check digit and dot, CN or ZL prefix
    ("CN201220249767.4", None, "CN201220249767", "4"),  # cnipa_export_199 申请号
    ("CN201220249766.X", None, "CN201220249766", "X"),  # cnipa_export_199
    ("CN2012202497674", None, "CN201220249767", "4"),  # issue example
    ("2004300187231", "CN", "CN200430018723", "1"),  # USPTO priority claim
    ("2003 3 01268797", "CN", "CN200330126879", "7"),  # USPTO priority claim
    ("ZL201220249767.4", None, "CN201220249767", "4"),  # issue example
    ("201220249767.4", "CN", "CN201220249767", "4"),  # issue example
    ("CN85102475", None, "CN85102475", None),  # Tai'an
    ("CN88105304.X", None, "CN88105304", "X"),  # Tai'an
    ("CN 200710063161 A", None, "CN200710063161", None),  # Lens
    ("CN 89103458 A", None, "CN89103458", None),  # Lens
    ("CN201110181328A", None, "CN201110181328", None),  # Thomson
    ("102021001286633", "CN", "CN202111286633", None),  # CNIPA XML standard form
    ("2007 1 0146763", "CN", "CN200710146763", None),  # USPTO priority claim
    ("ＣＮ２０１２２０２４９７６７．４", None, "CN201220249767", "4"),
    # US: series code + serial
    ("US 09/123,456", None, "US09123456", None),  # issue example
    ("12994775", "US", "US12994775", None),  # USPTO XML
    ("US 200913058230 A", None, "US13058230", None),  # Lens
    ("US 201161470252 P", None, "US61470252", None),  # Lens provisional
    ("US 201161470252 P 20110331", None, "US61470252", None),  # Lens priority
    ("US 46867074 A", None, "US46867074", None),  # Lens, old DOCDB
    ("US1996653037A", None, "US1996653037", None),  # Thomson, series unknown
    ("US20078118P", None, "US20078118", None),  # Thomson provisional
    ("US 3564134D A", None, "US3564134D", None),  # Lens DOCDB dummy
    # EP: 8 digits, check digit after the dot
    ("EP 83101967 A", None, "EP83101967", None),  # Lens
    ("01963450.0", "EP", "EP01963450", "0"),  # EPO XML B210
    ("90115057.3", "EP", "EP90115057", "3"),  # issue example, Patentscope
    ("EP1995936339A", None, "EP95936339", None),  # Thomson: 4-digit year
    # PCT
    ("PCT/KR2014/002669", "KR", "PCT/KR2014/002669", None),  # CNIPA XML
    ("PCT/CN2014/071250", None, "PCT/CN2014/071250", None),  # issue example
    ("PCT/AU02/01545", "WO", "PCT/AU2002/001545", None),  # USPTO XML
    ("PCTDE01/04678", "WO", "PCT/DE2001/004678", None),  # USPTO XML
    ("PCT/US99/12345", None, "PCT/US1999/012345", None),  # issue example
    ("CN 2014071250 W", None, "PCT/CN2014/071250", None),  # Lens
    ("US 2006/0000980 W", None, "PCT/US2006/000980", None),  # Lens
    ("US 2011 0040981 W 20110617", None, "PCT/US2011/040981", None),  # Lens priority
    ("EP 8800575 W 19880630", None, "PCT/EP1988/000575", None),  # Lens priority
    ("WO1995US13219A", None, "PCT/US1995/013219", None),  # Thomson
    ("EP0113968W", None, "PCT/EP2001/013968", None),  # Thomson cited
    ("JP0107711", "WO", "PCT/JP2001/007711", None),  # EPO XML B861
    ("2022055385 W", "IB", "PCT/IB2022/055385", None),  # DOCDB
    # KR
    ("10-2004-0012345", "KR", "KR1020040012345", None),  # issue example
    ("102016000063019", "KR", "KR1020160063019", None),  # CNIPA XML standard form
    ("KR 20080096694 A", None, "KR20080096694", None),  # Lens
    ("KR2012109122A", None, "KR20120109122", None),  # Thomson drops zeros
    # JP
    ("2008-148514", "JP", "JP2008148514", None),  # USPTO priority claim
    ("P2002-035657", "JP", "JP2002035657", None),  # USPTO priority claim
    ("JP 19640193 A 19930806", None, "JP19640193", None),  # Lens, old DOCDB
    ("特願2004-123456", None, "JP2004123456", None),  # not in the data
    # DE and others
    ("202012000389.5", "DE", "DE202012000389", "5"),  # cnipa_export_199 优先权
    ("10 2004 057 741", "DE", "DE102004057741", None),  # USPTO priority claim
    ("SG 10201406164Y A", None, "SG10201406164Y", None),  # Lens: check letter kept
    ("CA 783996D A", None, "CA783996D", None),  # Lens DOCDB dummy
    ("AU PO505497 A", None, "AUPO505497", None),  # Lens
    ("PR8855", "AU", "AUPR8855", None),  # USPTO priority: PR is not Puerto Rico
    ("AP1998005637 A", "GE", "GEAP1998005637", None),  # DOCDB
    ("FR 1051751 A 20100311", None, "FR1051751", None),  # Lens priority
]


@pytest.mark.parametrize(("raw", "office", "expected", "check"), APP_EXAMPLES)
def test_parse_app_number_examples(
    raw: str, office: str | None, expected: str, check: str | None
) -> None:
    app = parse_app_number(raw, office=office)
    assert (str(app), app.check_digit) == (expected, check)
    assert normalize_app_number(raw, office=office) == expected
    assert normalize_app_number(expected) == expected


def test_pct_application_fields() -> None:
    app = parse_app_number("CN 2014071250 W")
    assert app == AppNumber("WO", "CN2014071250", None, is_pct=True)
    assert app.is_valid_check_digit is None


def test_pub_number_fields_and_str() -> None:
    pub = parse_pub_number("US 2001/0005404 A1")
    assert pub == PubNumber("US", "20010005404", "A1")
    assert str(PubNumber("CN", "106844774", None)) == "CN106844774"


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("201220249767", "4"),  # cnipa_export_199
        ("201220249766", "X"),  # cnipa_export_199
        ("01261295", "2"),  # issue example CN01261295.2
        ("88105304", "X"),  # Tai'an CN88105304.X
        ("87101357", "6"),  # Tai'an CN87101357.6
    ],
)
def test_cn_check_digit(serial: str, expected: str) -> None:
    assert cn_check_digit(serial) == expected


@pytest.mark.parametrize("serial", ["", "2012202497", "20122024976X", "CN201220249767"])
def test_cn_check_digit_rejects_other_serials(serial: str) -> None:
    with pytest.raises(InputError, match="8- or 12-digit"):
        cn_check_digit(serial)


def test_a_wrong_check_digit_is_kept_and_reported() -> None:
    app = parse_app_number("CN201220249767.5")
    assert (app.check_digit, app.is_valid_check_digit) == ("5", False)
    assert str(app) == "CN201220249767"


def test_check_digits_of_other_offices_are_kept_but_not_judged() -> None:
    app = parse_app_number("90115057.3", office="EP")
    assert (app.check_digit, app.is_valid_check_digit) == ("3", None)


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000", "\t\n"])
def test_normalizers_map_blank_to_none(blank: str | None) -> None:
    assert normalize_pub_number(blank) is None
    assert normalize_app_number(blank) is None


@pytest.mark.parametrize(
    ("raw", "office", "message"),
    [
        ("202644312U", None, "no country code and no office"),
        ("查看CN202223220665.2", None, "no country code"),  # callers strip the junk
        ("NA", None, "no serial number"),
        ("ZZ1234567", None, "'ZZ' is not an office code"),
        ("CN201220249767", None, "7, 8 or 9 digits"),  # an application number
        ("EP11115652", None, "at most 7 digits"),
        ("W02006/019324 A1", "WO", "a WO serial"),
        ("WO 1927/085003", None, "PCT (1978 on)"),
    ],
)
def test_parse_pub_number_rejects_with_a_helpful_message(
    raw: str, office: str | None, message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        parse_pub_number(raw, office=office)
    assert "Expected a publication number such as" in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("raw", "office", "message"),
    [
        ("CN1047187A", None, "8 or 12 digits"),  # a publication number
        ("CN201240249767.4", None, "no CN type digit"),
        ("AU 1927/085003 W", None, "PCT (1978 on)"),
        ("EP 123", None, "8 digits"),
        ("60/160,279-PROV", "US", "not a US application serial"),
        ("UNKNOWN", "US", "not a US application serial"),
    ],
)
def test_parse_app_number_rejects_with_a_helpful_message(
    raw: str, office: str | None, message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        parse_app_number(raw, office=office)
    assert "Expected a application number" not in str(caught.value)
    assert "Expected an application number" in str(caught.value)


@pytest.mark.parametrize("office", ["XX", "China", "", "C"])
def test_an_unknown_office_hint_is_an_invalid_parameter(office: str) -> None:
    with pytest.raises(InvalidParameterError, match="'office' parameter"):
        parse_pub_number("202644312U", office=office)
    with pytest.raises(InvalidParameterError, match="'office' parameter"):
        parse_app_number("201220249767.4", office=office)


def test_non_string_input_is_an_input_error() -> None:
    with pytest.raises(InputError, match="as a string"):
        parse_pub_number(202644312, office="CN")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("office", "kind", "app_number", "expected"),
    [
        ("CN", None, "CN201220249767.4", PatentType.UTILITY_MODEL),
        ("CN", None, "CN85102475", PatentType.INVENTION),  # Tai'an, 8 digits
        ("CN", None, "CN98814060", PatentType.INVENTION),  # DOCDB, type digit 8
        ("CN", None, "CN200330111583.8", PatentType.DESIGN),  # Tai'an
        ("CN", None, "CN88300783.5", PatentType.DESIGN),  # Tai'an, 8 digits
        ("CN", "A", "CN201220249767.4", PatentType.UTILITY_MODEL),  # digit wins
        (None, None, "CN201220249767.4", PatentType.UTILITY_MODEL),
        ("CN", "A", None, PatentType.INVENTION),
        ("CN", "C", None, PatentType.INVENTION),
        ("CN", "U", None, PatentType.UTILITY_MODEL),
        ("CN", "Y", None, PatentType.UTILITY_MODEL),
        ("CN", "S", None, PatentType.DESIGN),
        ("CN", "A8", None, PatentType.INVENTION),
        ("US", "B2", None, PatentType.INVENTION),
        ("US", "A", None, PatentType.INVENTION),
        ("US", "E", None, PatentType.INVENTION),
        ("US", "H1", None, PatentType.INVENTION),
        ("US", "S1", None, PatentType.DESIGN),
        ("US", "P3", None, PatentType.PLANT),
        ("DE", "U1", None, PatentType.UTILITY_MODEL),
        ("KR", "Y1", None, PatentType.UTILITY_MODEL),
        ("EP", "A1", None, PatentType.INVENTION),
        ("JP", "S", None, PatentType.DESIGN),
        ("WO", "W", None, None),
        ("US", None, None, None),
        (None, "A", None, None),
        ("CN", None, "PCT/CN2014/071250", None),
        ("CN", "A", "not a number", PatentType.INVENTION),  # falls back on the kind
    ],
)
def test_patent_type_of(
    office: str | None, kind: str | None, app_number: str | None, expected: PatentType
) -> None:
    assert patent_type_of(office, kind, app_number) == expected


# --- properties -----------------------------------------------------------------------

_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}
_SPACES = st.text(st.sampled_from(" \t\n\u3000\xa0"), max_size=3)


def _full_width(text: str) -> str:
    return "".join(_FULL_WIDTH.get(c, "\u3000" if c == " " else c) for c in text)


@st.composite
def _cn_applications(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        serial = f"{draw(st.integers(2003, 2029))}{draw(st.sampled_from('12389'))}"
        serial += f"{draw(st.integers(0, 9_999_999)):07d}"
    else:
        serial = f"{draw(st.integers(85, 99))}{draw(st.sampled_from('1238'))}"
        serial += f"{draw(st.integers(0, 99_999)):05d}"
    check = draw(st.sampled_from(["", ".", "", " ."]))
    if check:
        check = check + cn_check_digit(serial)
    return draw(st.sampled_from(["CN", "ZL", "CN ", "cn"])) + serial + check


@st.composite
def _publications(draw: st.DrawFn) -> str:
    office, serial, kinds = draw(
        st.sampled_from(
            [
                ("CN", st.integers(100_000_000, 300_000_000), ["A", "B", "U", "S", ""]),
                ("CN", st.integers(1_000_000, 2_999_999), ["A", "C", "Y", ""]),
                ("US", st.integers(3_000_000, 12_000_000), ["A", "B1", "B2", ""]),
                ("US", st.integers(2001_0000001, 2024_0999999), ["A1", "A9", ""]),
                ("EP", st.integers(1, 4_000_000), ["A1", "B1", "B9", ""]),
                ("WO", st.integers(1978_000001, 2024_999999), ["A1", "A2", ""]),
                ("KR", st.integers(100_000_000, 102_999_999), ["B1", ""]),
                ("DE", st.integers(1_000_000, 19_999_999), ["A1", "C2", "U1", ""]),
                ("JP", st.integers(2000_000001, 2024_999999), ["A", ""]),
            ]
        )
    )
    number = draw(serial)
    digits = f"{number:07d}" if office == "EP" else str(number)
    separator = draw(st.sampled_from(["", " ", "-"]))
    return f"{office}{draw(st.sampled_from(['', ' ']))}{digits}" + (
        f"{separator}{draw(st.sampled_from(kinds))}" if kinds else ""
    )


@given(_publications(), _SPACES, _SPACES, st.booleans(), st.booleans())
def test_pub_normalization_ignores_whitespace_case_and_full_width(
    raw: str, before: str, after: str, lower: bool, wide: bool
) -> None:
    canonical = normalize_pub_number(raw)
    variant = raw.lower() if lower else raw
    variant = _full_width(variant) if wide else variant
    assert normalize_pub_number(before + variant + after) == canonical
    assert normalize_pub_number(raw.replace(" ", "").replace("-", "")) == canonical
    assert normalize_pub_number(canonical) == canonical


@given(_cn_applications(), _SPACES, _SPACES, st.booleans(), st.booleans())
def test_app_normalization_ignores_whitespace_case_and_full_width(
    raw: str, before: str, after: str, lower: bool, wide: bool
) -> None:
    canonical = normalize_app_number(raw)
    variant = raw.lower() if lower else raw
    variant = _full_width(variant) if wide else variant
    assert normalize_app_number(before + variant + after) == canonical
    assert normalize_app_number(canonical) == canonical
    assert parse_app_number(raw).is_valid_check_digit in (True, None)


@st.composite
def _number_like(draw: st.DrawFn) -> str:
    """Office prefixes, digit runs, letters and separators in any order."""
    prefixes = [
        "",
        "CN",
        "US",
        "EP",
        "WO",
        "JP",
        "KR",
        "DE",
        "SG",
        "PCT/",
        "ZL",
        "特開平",
    ]
    chunks = st.one_of(
        st.text(st.sampled_from("0123456789"), min_size=1, max_size=8),
        st.sampled_from(
            ["H", "S", "D", "RE", "PP", "A", "P", "X", "W", "U", "B1", "Y1"]
        ),
    )
    separators = st.sampled_from(["", " ", "-", "/", ".", ",", "．"])
    raw = draw(st.sampled_from(prefixes))
    for _ in range(draw(st.integers(1, 5))):
        raw += draw(separators) + draw(chunks)
    return raw


_ANY_TEXT = st.text(st.sampled_from("CNUSEPWOJKRDZLPCTAXBHSUY0123456789 -/.,*"))


@given(st.one_of(_number_like(), _ANY_TEXT), st.sampled_from([None, "CN", "US", "JP"]))
def test_any_string_parses_stably_or_raises_input_error(
    raw: str, office: str | None
) -> None:
    for parse in (parse_pub_number, parse_app_number):
        try:
            parsed = parse(raw, office=office)
        except InputError:
            continue
        canonical = str(parsed)
        assert canonical == unicodedata.normalize("NFKC", canonical).upper()
        again = parse(canonical)
        assert str(again) == canonical
        if isinstance(parsed, PubNumber):
            assert again == parsed


def test_lens_pct_application_keeps_its_receiving_office_whatever_the_hint():
    # a Lens row of jurisdiction WO names its PCT application "BG 0200010 W"
    assert normalize_app_number("BG 0200010 W", office="WO") == "PCT/BG2002/000010"
    assert normalize_app_number("NO 2010000203 W", office="WO") == "PCT/NO2010/000203"


@pytest.mark.parametrize(
    ("office", "pub", "expected"),
    [
        ("EP", "EP1820402", PatentType.INVENTION),
        ("WO", "WO2002014184", PatentType.INVENTION),
        ("US", "US5428898", PatentType.INVENTION),
        ("US", "USD532742", PatentType.DESIGN),
        ("US", "USPP12345", PatentType.PLANT),
        ("US", "US20090208610", None),  # a pre-grant publication: utility or plant
        ("CA", "CA2047295", None),
    ],
)
def test_patent_type_without_a_kind_code(office, pub, expected):
    assert patent_type_of(office, None, None, pub) is expected


def test_dashed_derwent_numbers_read_as_their_spaced_form(data_dir: Path) -> None:
    """``US2016101854-A1`` takes a short path; ``US2016101854 A1`` the general one: they
    must agree on every Derwent number of the real data."""
    dashed = {
        item.raw
        for item in collect_derwent(data_dir)
        if item.role == "pub" and re.fullmatch(r"[A-Z]{2}[0-9]+-[A-Z][0-9]?", item.raw)
    }
    assert len(dashed) > 5000

    def outcome(raw: str) -> PubNumber | str:
        try:
            return parse_pub_number(raw)
        except InputError as error:  # the message quotes the input: compare the reason
            return str(error).split("': ", 1)[1]

    for raw in dashed:
        assert outcome(raw) == outcome(raw.replace("-", " ")), raw
