"""Thomson Innovation exports, as cleaned and shared with VantagePoint (xlsx or csv).

The layout is recognised by its column names (``publication_number``,
``inpadoc_first_family_member_number``, ``patent_assignees_original_with_address``,
``inventors_with_address``, ``citing_patent_count`` …): a general spreadsheet reader
would lose most of what makes the export worth having, so this reader maps every column
itself.

* **Names, original and cleaned.** Inventor columns run in parallel (original,
  cleaned, with address), so each inventor is one party: the cleaned name as ``name``,
  the original as ``raw_name``, address and country from the address column. The
  applicant columns do not: ``patent_assignees_cleaned`` is a merged, deduplicated list
  of standardised names (``UNIV CALIFORNIA``) while the originals list every applicant,
  inventor-applicants included (``THE REGENTS OF THE UNIVERSITY OF CALIFORNIA; VOIGT
  Christopher``). Applicants therefore come from the originals, with their addresses;
  the cleaned list and the sectors are kept in extras
  (``patent_assignees_cleaned``, ``patent_assignees_cleaned_sector``). When an export has
  no original applicant, the cleaned names become the applicants. The sector (Academic,
  Corporate, Government, Hospital, People) becomes the party type only where it is
  unambiguous: one applicant, one cleaned name, one sector.
* ``NA`` is a placeholder, never a value. Multi-valued cells are split on ``;``.
* Cited patents → ``citations``; the count of citing patents → ``cited_by_count``; the
  citing numbers and their assignees → extras.
* INPADOC: the first family member → ``family_id`` (``INPADOC:CA2201487A1``); the
  members, their dates and countries → extras.
* IPC (``A61K-0031/12``) and CPC symbols → classifications; their titles and the
  derived country names, years and links are not stored (they follow from the codes).
* Priorities pair numbers with dates; where the export deduplicated the dates (fewer
  dates than numbers) each number gets the date of its own year when that is unique.
* ``claims_first`` is the first claim: claim 1, its preamble ("What is claimed is:")
  removed; ``claims_count`` stays unknown.
* Text mis-decoded on its way through Excel (``mÃ©thylation``) is repaired
  (``méthylation``) and the repair counted in the report.
"""

from __future__ import annotations

import codecs
import csv
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

from patnav.errors import LineTooLongError, ParseError, excerpt
from patnav.ingest.base import (
    BoundedLines,
    Item,
    LimitedReader,
    Notice,
    Read,
    ReadOptions,
    Rejected,
    Source,
    text_stream,
)
from patnav.ingest.claims import split_claims
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.readers.xlsx import check_workbook
from patnav.ingest.values import cell_text, clean_name, guess_lang, parse_date
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import (
    normalize_app_number,
    normalize_pub_number,
    parse_pub_number,
    patent_type_of,
)
from patnav.schema.records import (
    Citation,
    Claim,
    Classification,
    Party,
    PartyType,
    PatentRecord,
    Priority,
    Role,
    Scheme,
    Text,
)
from patnav.schema.vocabulary import parse_party_type

FORMAT = "thomson"
LABEL = "Thomson Innovation export (xlsx, csv)"
FAMILY_PREFIX = "INPADOC:"
PROGRESS_EVERY = 500
HEADER_SCAN_ROWS = 10

# The columns this reader maps to fields; every other column is kept in extras.
MAPPED = frozenset(
    (
        "publication_number",
        "publication_country",
        "publication_date",
        "application_numbers",
        "application_dates",
        "attorney_agent",
        "cited_patent_numbers",
        "citing_patent_count",
        "cpc_codes",
        "inpadoc_first_family_member_number",
        "international_classifications_codes",
        "inventors_with_address",
        "inventors_original_cleaned",
        "inventors_original",
        "inventors_country_codes",
        "patent_assignees_original_no_address",
        "patent_assignees_original_with_address",
        "priority_date_earliest",
        "priority_dates",
        "priority_numbers",
        "priority_countries_codes",
        "title_original_cleaned",
        "title_original_english_cleaned",
        "abstract",
        "claims_first",
    )
)
# Derived columns not stored: names and titles of codes, years of dates, links.
DERIVED = frozenset(
    (
        "application_countries_names",
        "application_countries",
        "application_years",
        "cited_patent_count",
        "cpc_full_names",
        "cpc_class_names",
        "cpc_codes_class",
        "inpadoc_family_member_countries_names",
        "inpadoc_family_member_years",
        "international_classifications_names",
        "international_classifications_class_codes",
        "international_classifications_group_codes",
        "international_classifications_section_codes",
        "international_classifications_subclass_names",
        "international_classifications_subclass_codes",
        "inventors_country_names",
        "priority_countries_names",
        "priority_years_earliest",
        "priority_years",
        "publication_country_names",
        "publication_number_espace_links",
        "publication_year",
    )
)
# Columns that identify the layout: the publication number and three of these.
SIGNATURE = frozenset(
    {
        "inpadoc_first_family_member_number",
        "patent_assignees_original_with_address",
        "inventors_with_address",
        "citing_patent_count",
        "claims_first",
        "title_original_english_cleaned",
        "international_classifications_codes",
    }
)

_SECTORS = {
    "academic": PartyType.UNIVERSITY,
    "corporate": PartyType.COMPANY,
    "government": PartyType.GOVERNMENT,
    "hospital": PartyType.HOSPITAL,
    "people": PartyType.INDIVIDUAL,
}
_PREAMBLE = re.compile(
    r"^\s*(?:claims?\b\s*:?\s*)?"
    r"(?:(?:what|that which)\s+is\s+claimed(?:\s+is)?|(?:i|we|t)\s+claim)?\s*:?\s*"
    r"(?:1\s*[.)]?\s+(?=\D))?",
    re.IGNORECASE,
)
_MOJIBAKE = re.compile("[ÃÂâÅÄ][\x80-\xbf\u0152-\u2122]")


def _latin1_fallback(error: UnicodeError) -> tuple[bytes, int]:
    """Encode what Windows-1252 leaves undefined (0x81, 0x8D …) as its Latin-1 byte."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if any(ord(ch) > 0xFF for ch in chunk):
        raise error
    return chunk.encode("latin-1"), error.end


codecs.register_error("patnav-latin1", _latin1_fallback)


def _header_key(value: object) -> str:
    """``Publication Number`` and ``publication_number`` alike → ``publication_number``."""
    text = cell_text(value) or ""
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def _is_layout(cells: Sequence[object]) -> bool:
    keys = {_header_key(c) for c in cells}
    return "publication_number" in keys and len(keys & SIGNATURE) >= 3


def sniff(source: Source) -> bool:
    """An xlsx or csv whose header row has Thomson Innovation's columns."""
    head = source.head(65536)
    if head.startswith(b"PK\x03\x04"):
        if source.suffix not in {".xlsx", ".xlsm"}:
            return False
        try:
            with source.as_path(64 * 1024**2) as path:
                return _xlsx_names_layout(path)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            return False
    if head.startswith((b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"%PDF")):
        return False
    text = head.decode("utf-8-sig", errors="ignore")
    lines = text.splitlines()[:HEADER_SCAN_ROWS]
    return any(_is_layout(next(csv.reader([line]), [])) for line in lines)


def _quiet_rows(rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """Rows of an openpyxl sheet, without its warning about unknown extensions.

    Exports carry workbook extensions openpyxl does not know; the cells read fine, and
    the warning fires at the end of the sheet, so it is silenced around each step only.
    """
    while True:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unknown extension", UserWarning)
            row = next(rows, None)
        if row is None:
            return
        yield row


def _xlsx_names_layout(path: Path) -> bool:
    """Whether the workbook's first strings name the layout's columns.

    Cheap on purpose (sniffing runs on every workbook): the header is the first row, so
    its names open the shared-string table (or the sheet, for inline strings). ``read``
    checks the header row itself.
    """
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        text = ""
        for member in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
            if member in names:
                with zf.open(member) as f:
                    text += f.read(65536).decode("utf-8", errors="ignore")
    found = set(re.findall(r">([A-Za-z_ ]+)<", text))
    keys = {_header_key(name) for name in found}
    return "publication_number" in keys and len(keys & SIGNATURE) >= 3


# -- values ----------------------------------------------------------------------------


class _Repairs:
    """Counts the cells whose mis-decoded UTF-8 was repaired."""

    def __init__(self) -> None:
        self.cells = 0
        self.columns: Counter[str] = Counter()

    def fix(self, column: str, text: str) -> str:
        if not _MOJIBAKE.search(text):
            return text
        try:
            fixed = text.encode("cp1252", "patnav-latin1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text
        if fixed != text:
            self.cells += 1
            self.columns[column] += 1
        return fixed


def _split(text: str | None) -> list[str]:
    """A ``; ``-separated cell as a list; ``NA`` parts dropped."""
    if not text:
        return []
    return [p.strip() for p in text.split(";") if cell_text(p.strip())]


def _date_list(text: str | None) -> list[date | None]:
    out: list[date | None] = []
    for part in _split(text):
        try:
            out.append(parse_date(part))
        except ValueError:
            out.append(None)
    return out


def _year_of(number: str) -> int | None:
    m = re.match(r"^[A-Z]{2}((?:19|20)\d\d)", number)
    return int(m[1]) if m else None


def _priorities(
    numbers: list[str], dates: list[date | None], countries: list[str]
) -> list[Priority]:
    if len(dates) != len(numbers):
        # The export lists each distinct date once: pair by year when that is unique.
        by_year: dict[int, list[date]] = {}
        for d in dates:
            if d is not None:
                by_year.setdefault(d.year, []).append(d)
        paired: list[date | None] = []
        for number in numbers:
            year = _year_of(number)
            candidates = by_year.get(year, []) if year else []
            paired.append(candidates[0] if len(candidates) == 1 else None)
        dates = paired
    out = []
    for i, number in enumerate(numbers):
        country = number[:2] if number[:2].isalpha() else None
        if country is None and i < len(countries):
            country = countries[i]
        try:
            canonical = normalize_app_number(number)
        except ValueError:
            canonical = None
        out.append(Priority(country, canonical, dates[i], number))
    return out


def _with_earliest(priorities: list[Priority], earliest: date | None) -> list[Priority]:
    """Give the export's earliest priority date to the undated claim of that year."""
    if earliest is None or any(p.date == earliest for p in priorities):
        return priorities
    undated = [
        i
        for i, p in enumerate(priorities)
        if p.date is None and _year_of(p.raw or "") == earliest.year
    ]
    if len(undated) > 1:
        # Several claims of that year: take the office most of them were filed at (the
        # PCT filing claiming them comes later), where serials are issued in order, so
        # the smallest was filed first.
        by_country = Counter(priorities[i].country for i in undated).most_common()
        if len(by_country) > 1 and by_country[0][1] == by_country[1][1]:
            return priorities
        undated = [i for i in undated if priorities[i].country == by_country[0][0]]
        serials = [_serial_of(priorities[i].raw or "") for i in undated]
        if None in serials:
            return priorities
        undated = [undated[serials.index(min(s for s in serials if s is not None))]]
    if not undated:
        return priorities
    out = list(priorities)
    p = out[undated[0]]
    out[undated[0]] = Priority(p.country, p.number, earliest, p.raw)
    return out


def _serial_of(number: str) -> int | None:
    """The serial after office and year (``US200829312P`` → 29312)."""
    m = re.match(r"^[A-Z]{2}(?:19|20)\d\d(?:[A-Z]{2})?(\d+)[A-Z]?$", number)
    return int(m[1]) if m else None


def _address_parts(item: str, name: str | None) -> tuple[str | None, str | None]:
    """(address, country) of ``NAME,City, ST 12345,US,00907791`` given its name."""
    rest = item
    if name and item.startswith(name):
        rest = item[len(name) :]
    else:
        rest = item.split(",", 1)[1] if "," in item else ""
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    if parts and re.fullmatch(r"\d{6,}", parts[-1]):
        parts = parts[:-1]  # a trailing identifier of the data provider, not a place
    country = None
    if parts and re.fullmatch(r"[A-Z]{2}", parts[-1]):
        country = parts.pop()
    return (", ".join(parts) or None), country


def _first_claim(text: str | None, lang: str | None) -> Claim | None:
    if not text:
        return None
    body = _PREAMBLE.sub("", text, count=1).strip() or text.strip()
    parts = split_claims(body, lang=lang)
    first = parts[0].text if parts and parts[0].num == 1 and len(parts) > 1 else body
    return Claim(1, first, True, (), lang)


# -- rows → records ----------------------------------------------------------------------


_TextOf = Callable[[str], str | None]


class _Converter:
    """Builds records from rows of one table, given its header."""

    def __init__(self, header: Sequence[object]) -> None:
        self.keys = [_header_key(c) for c in header]
        self.index = {k: i for i, k in enumerate(self.keys) if k}
        self.repairs = _Repairs()
        self.soft: Counter[str] = Counter()

    def notices(self) -> Iterator[Notice]:
        kept = [k for k in self.keys if k and k not in MAPPED and k not in DERIVED]
        dropped = [k for k in self.keys if k in DERIVED]
        yield Notice(
            f"Thomson Innovation layout: {len(self.index) - len(kept) - len(dropped)} "
            f"columns mapped, {len(kept)} kept in extras ({', '.join(kept)}), "
            f"{len(dropped)} derived columns not stored ({', '.join(dropped)})"
        )

    def closing(self) -> Iterator[Notice]:
        if self.repairs.cells:
            cols = ", ".join(
                f"{c} ({n})" for c, n in self.repairs.columns.most_common()
            )
            yield Notice(
                f"{self.repairs.cells:,} cells held UTF-8 mis-decoded as Windows-1252 "
                f"(mÃ©thylation); repaired: {cols}",
                "warning",
            )
        for what, n in self.soft.items():
            yield Notice(f"{n:,} × {what}; raw values kept in extras", "warning")

    def values(self, cells: Sequence[object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, i in self.index.items():
            if i < len(cells):
                value = cells[i]
                if isinstance(value, str):
                    value = self.repairs.fix(key, value)
                if cell_text(value) is not None:
                    out[key] = value
        return out

    def record(self, cells: Sequence[object]) -> PatentRecord:
        """The record of one row.

        Raises:
            ValueError: no readable publication number (the row is quarantined).
        """
        v = self.values(cells)

        def text(key: str) -> str | None:
            return cell_text(v.get(key))

        raw_pub = text("publication_number")
        if raw_pub is None:
            raise ValueError("no publication_number")
        country = text("publication_country")
        try:
            parsed = parse_pub_number(raw_pub, office=country)
        except ValueError as exc:
            raise ValueError(
                f"publication_number {excerpt(raw_pub)} is not a patent number: {exc}"
            ) from None
        pub_number, office, kind = str(parsed), parsed.office, parsed.kind
        extras: dict[str, str] = {}

        def when(key: str) -> date | None:
            value = v.get(key)
            try:
                return parse_date(value)
            except ValueError:
                self.soft[f"an unreadable date in {key}"] += 1
                extras[key] = str(value)
                return None

        app_numbers = _split(text("application_numbers"))
        app_raw = app_numbers[0] if app_numbers else None
        app_number = None
        if app_raw:
            try:
                app_number = normalize_app_number(app_raw, office=office)
            except ValueError:
                self.soft["an unreadable application number"] += 1
                extras["application_numbers"] = app_raw
        priorities = _priorities(
            _split(text("priority_numbers")),
            _date_list(text("priority_dates")),
            _split(text("priority_countries_codes")),
        )
        earliest = when("priority_date_earliest")
        priorities = _with_earliest(priorities, earliest)
        priority_date = min((p.date for p in priorities if p.date), default=None)
        if earliest is not None and earliest != priority_date:
            extras["priority_date_earliest"] = earliest.isoformat()

        title_en = text("title_original_english_cleaned")
        titles = [t.strip() for t in (text("title_original_cleaned") or "").split("|")]
        titles = [t for t in titles if t]
        title = title_en or (titles[0] if titles else None)
        abstract = text("abstract")
        lang = "en" if title_en else guess_lang(title) or guess_lang(abstract)
        texts = []
        for other in dict.fromkeys(titles):
            other_lang = guess_lang(other)
            if other != title and other_lang not in (None, lang):
                texts.append(Text(other_lang, "title", other))
        if len(titles) > 1 or (titles and titles[0] != title):
            extras["title_original_cleaned"] = text("title_original_cleaned") or ""

        first_claim = _first_claim(text("claims_first"), lang)
        cited_by = v.get("citing_patent_count")
        family_first = text("inpadoc_first_family_member_number")
        family_id = None
        if family_first:
            try:
                family_id = FAMILY_PREFIX + str(normalize_pub_number(family_first))
            except ValueError:
                family_id = FAMILY_PREFIX + family_first

        classifications, ipc_main = self._classifications(text)
        for key in self.keys:
            if key and key not in MAPPED and key not in DERIVED:
                value = text(key)
                if value is not None:
                    extras[key] = value
        return PatentRecord(
            pub_number=pub_number,
            pub_number_raw=raw_pub,
            kind=kind,
            office=office,
            app_number=app_number,
            app_number_raw=app_raw,
            app_date=when("application_dates"),
            pub_date=when("publication_date"),
            priority_date=priority_date,
            family_id=family_id,
            patent_type=patent_type_of(office, kind, app_number, pub_number),
            title=title,
            abstract=abstract,
            claims=text("claims_first"),
            lang=lang,
            ipc_main=ipc_main,
            cited_by_count=cited_by if isinstance(cited_by, int) else _int(cited_by),
            parties=tuple(self._parties(text, extras)),
            classifications=tuple(classifications),
            citations=tuple(_citations(_split(text("cited_patent_numbers")))),
            priorities=tuple(priorities),
            claim_items=(first_claim,) if first_claim else (),
            texts=tuple(texts),
            extras=tuple(sorted(extras.items())),
        )

    def _parties(self, text: _TextOf, extras: dict[str, str]) -> list[Party]:
        parties: list[Party] = []
        originals = _split(text("patent_assignees_original_no_address"))
        with_address = _split(text("patent_assignees_original_with_address"))
        cleaned = _split(text("patent_assignees_cleaned"))
        sectors = _split(text("patent_assignees_cleaned_sector"))
        sector_type = (
            _SECTORS.get(sectors[0].lower()) or parse_party_type(sectors[0])
            if len(sectors) == 1
            else None
        )
        if not originals and with_address:
            originals = [a.split(",", 1)[0].strip() for a in with_address]
        if originals:
            aligned = len(with_address) == len(originals)
            for i, name in enumerate(originals):
                address, country = (
                    _address_parts(with_address[i], name) if aligned else (None, None)
                )
                one_to_one = len(originals) == len(cleaned) == 1
                parties.append(
                    Party(
                        Role.APPLICANT,
                        clean_name(name),
                        raw_name=name,
                        party_type=sector_type if one_to_one else None,
                        address=address,
                        country=country,
                    )
                )
        else:
            for name in cleaned:
                parties.append(
                    Party(
                        Role.APPLICANT,
                        clean_name(name),
                        raw_name=name,
                        party_type=sector_type if len(cleaned) == 1 else None,
                    )
                )
        inv_raw = _split(text("inventors_original"))
        inv_clean = _split(text("inventors_original_cleaned"))
        inv_address = _split(text("inventors_with_address"))
        if len(inv_clean) != len(inv_raw):
            inv_clean = inv_raw
            self.soft["inventor columns of different lengths"] += 1
            for key in ("inventors_original", "inventors_original_cleaned"):
                extras[key] = text(key) or ""
        if len(inv_address) != len(inv_raw):
            inv_address = []
            if inv_raw:
                extras["inventors_with_address"] = text("inventors_with_address") or ""
        for i, raw in enumerate(inv_raw):
            address = country = None
            if inv_address:
                address, country = _address_parts(inv_address[i], None)
            parties.append(
                Party(
                    Role.INVENTOR,
                    clean_name(inv_clean[i]),
                    raw_name=raw,
                    party_type=PartyType.INDIVIDUAL,
                    address=address,
                    country=country,
                )
            )
        for name in _split(text("attorney_agent")):
            parties.append(Party(Role.AGENT, clean_name(name), raw_name=name))
        return parties

    def _classifications(
        self, text: _TextOf
    ) -> tuple[list[Classification], str | None]:
        out: list[Classification] = []
        seen: set[tuple[str, str]] = set()
        for key, scheme in (
            ("international_classifications_codes", Scheme.IPC.value),
            ("cpc_codes", Scheme.CPC.value),
        ):
            for raw in _split(text(key)):
                code = normalize_ipc(raw)
                if code is None:
                    self.soft[f"an unreadable symbol in {key}"] += 1
                    continue
                if (scheme, code) not in seen:
                    seen.add((scheme, code))
                    out.append(Classification(scheme, code, False, raw))
        ipcs = [c for c in out if c.scheme == Scheme.IPC.value]
        # the symbols are sorted, so the first is not the main one; only a lone one is
        ipc_main = ipcs[0].code if len(ipcs) == 1 else None
        if ipc_main:
            out[out.index(ipcs[0])] = Classification(
                Scheme.IPC.value, ipc_main, True, ipcs[0].raw
            )
        return out, ipc_main


def _int(value: object) -> int | None:
    text = cell_text(value)
    return int(float(text)) if text and re.fullmatch(r"\d+(\.0)?", text) else None


def _citations(numbers: list[str]) -> list[Citation]:
    out = []
    for raw in numbers:
        try:
            canonical = normalize_pub_number(raw)
        except ValueError:
            canonical = None
        if canonical is None or re.fullmatch(r"[A-Z]{2}\d+W", raw):
            # a cited PCT application (EP0113968W), or a number that is none
            out.append(Citation(cited_npl=raw, cited_raw=raw))
        else:
            out.append(Citation(cited_pub_number=canonical, cited_raw=raw))
    return out


# -- reading ---------------------------------------------------------------------------


def _table(
    rows: Iterator[Sequence[object]], name: str
) -> tuple[int, Sequence[object], Iterator[Sequence[object]]]:
    """(header row number, header, remaining rows) of a table."""
    for number, row in enumerate(rows, 1):
        if _is_layout(row):
            return number, row, rows
        if number >= HEADER_SCAN_ROWS:
            break
    raise ParseError(
        name,
        "no Thomson Innovation header row (publication_number, "
        "inpadoc_first_family_member_number, inventors_with_address …) in its first "
        f"{HEADER_SCAN_ROWS} rows",
    )


def _convert(
    rows: Iterator[Sequence[object]],
    name: str,
    options: ReadOptions,
    total: int | None,
    where: str,
) -> Iterator[Item]:
    header_at, header, rest = _table(rows, name)
    converter = _Converter(header)
    yield from converter.notices()
    for number, cells in enumerate(rest, header_at + 1):
        if number % PROGRESS_EVERY == 0:
            options.report_progress(number, total)
        if not any(cell_text(c) for c in cells):
            continue
        position = f"{where} {number}"
        too_big = next(
            (
                i
                for i, c in enumerate(cells)
                if isinstance(c, str) and len(c) > options.max_cell_bytes
            ),
            None,
        )
        if too_big is not None:
            yield Rejected(
                position,
                f"a cell of column {too_big + 1} is over the limit of "
                f"{options.max_cell_bytes:,} (PATNAV_MAX_CELL_BYTES)",
                None,
                number,
            )
            continue
        try:
            record = converter.record(cells)
        except ValueError as exc:
            raw = "\t".join(cell_text(c) or "" for c in cells)[:65536]
            yield Rejected(position, str(exc), raw, number)
            continue
        yield Read(record, position)
    yield from converter.closing()


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per row of the export (xlsx: the first sheet with the layout)."""
    if source.head(4).startswith(b"PK\x03\x04"):
        yield from _read_xlsx(source, options)
    else:
        yield from _read_csv(source, options)


def _read_xlsx(source: Source, options: ReadOptions) -> Iterator[Item]:
    import openpyxl

    with source.as_path(options.max_file_bytes) as path:
        check_workbook(path, options, source.name)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Unknown extension", UserWarning)
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise ParseError(
                source.name,
                "not a readable Excel workbook: "
                f"{type(exc).__name__}: {excerpt(str(exc), 300)}",
            ) from None
        try:
            sheet = book.worksheets[0]
            total = sheet.max_row
            sheet.reset_dimensions()
            rows = _quiet_rows(sheet.iter_rows(values_only=True))
            yield from _convert(rows, source.name, options, total, f"{sheet.title} row")
        finally:
            book.close()


def _read_csv(source: Source, options: ReadOptions) -> Iterator[Item]:
    detected = detect_encoding(source.open, declared=options.encoding)
    yield Notice(f"encoding {detected.encoding}: {detected.evidence}")
    csv.field_size_limit(max(options.max_cell_bytes, 131072))
    raw = LimitedReader(source.open(), options.max_file_bytes, source.name)
    raw.read(detected.skip)
    text = text_stream(raw, detected.encoding, newline="")
    try:
        lines = BoundedLines(text, options.max_line_bytes)
        rows = (list(r) for r in csv.reader(lines))
        yield from _convert(rows, source.name, options, None, "row")
    except (csv.Error, LineTooLongError) as exc:
        raise ParseError(
            source.name, f"not a readable CSV file: {excerpt(str(exc), 300)}"
        ) from None
    finally:
        text.close()
