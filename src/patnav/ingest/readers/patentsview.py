"""PatentsView bulk tables: many tables, one record per granted US patent.

PatentsView publishes US grants as separate tables joined on ``patent_id``:
``g_patent`` (number, date, title, kind, claim count), ``g_patent_abstract``,
``g_application``, ``g_cpc_current``, ``g_ipc_at_issue``, ``g_uspc_at_issue``,
``g_inventor_disambiguated``, ``g_assignee_disambiguated`` (with
``g_location_disambiguated`` joined on ``location_id``), ``g_attorney_disambiguated``,
``g_examiner_not_disambiguated``, ``g_us_patent_citation``,
``g_us_application_citation``, ``g_foreign_citation``, ``g_other_reference``,
``g_foreign_priority``, ``g_pct_data`` and ``g_claims``. Each table is recognised by its
columns, not its file name, so ``nvidia_cpc.csv`` and ``g_cpc_current.tsv`` alike are
CPC tables; comma- and tab-separated files both work.

The tables of one folder (or one folder of an archive) are read as one **set**
(``read_set``): the import pipeline groups them and imports them in one transaction.
The patent table is required; every other table is optional and adds what it holds.
A table on its own that is not the patent table is refused with a message naming what
is missing.

**Memory stays flat** however large the tables (the real ones are gigabytes): each
table is loaded into an in-memory DuckDB database that spills to a temporary folder
beyond its memory limit (faster than a database file, which pays for checkpoints, and
as flat: 4 million rows, 1.1 GB of text, peak at 360 MB either way), then every table
is streamed sorted by ``patent_id`` and the streams are merged, one patent at a time.
Lines DuckDB cannot parse are quarantined with their file and line; child rows naming
no patent of the patent table are counted in the report.
"""

from __future__ import annotations

import codecs
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from patnav.errors import ParseError, excerpt
from patnav.ingest.base import (
    Item,
    LimitedReader,
    Notice,
    Read,
    ReadOptions,
    Rejected,
    Source,
)
from patnav.ingest.claims import claim_references
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.values import clean_name
from patnav.schema.codes import normalize_ipc
from patnav.schema.numbers import (
    normalize_app_number,
    normalize_pub_number,
    patent_type_of,
)
from patnav.schema.records import (
    Citation,
    CitationCategory,
    Claim,
    Classification,
    LegalStatus,
    Party,
    PartyType,
    PatentRecord,
    PatentType,
    Priority,
    Role,
    Scheme,
)

FORMAT = "patentsview"
LABEL = "PatentsView bulk tables (g_patent + abstracts, CPC, inventors … on patent_id)"
MEMORY_LIMIT = "256MB"
BATCH_ROWS = 5000
PROGRESS_EVERY = 2000


@dataclass(frozen=True, slots=True)
class Table:
    """A PatentsView table: the columns that identify it and the ones read from it."""

    kind: str
    needs: frozenset[str]
    columns: tuple[str, ...]
    order: str | None = None
    key: str = "patent_id"


def _t(kind: str, needs: str, columns: str, order: str | None = None) -> Table:
    return Table(kind, frozenset(needs.split()), tuple(columns.split()), order)


TABLES: tuple[Table, ...] = (
    _t(
        "patent",
        "patent_id patent_date patent_title",
        "patent_type patent_date patent_title patent_abstract wipo_kind num_claims "
        "withdrawn filename",
    ),
    _t("abstract", "patent_id patent_abstract", "patent_abstract"),
    _t(
        "application",
        "patent_id application_id filing_date",
        "application_id filing_date series_code patent_application_type",
    ),
    _t(
        "cpc_at_issue",
        "patent_id cpc_group cpc_action_date",
        "cpc_group cpc_type",
        "cpc_sequence",
    ),
    _t("cpc", "patent_id cpc_group", "cpc_group cpc_type", "cpc_sequence"),
    _t(
        "ipc",
        "patent_id main_group subgroup",
        "section ipc_class subclass main_group subgroup classification_value",
        "ipc_sequence",
    ),
    _t(
        "uspc",
        "patent_id uspc_mainclass_id",
        "uspc_mainclass_id uspc_subclass_id",
        "uspc_sequence",
    ),
    _t(
        "inventor",
        "patent_id inventor_sequence",
        "inventor_id disambig_inventor_name_first disambig_inventor_name_last "
        "raw_inventor_name_first raw_inventor_name_last location_id",
        "inventor_sequence",
    ),
    _t(
        "assignee",
        "patent_id assignee_sequence",
        "assignee_id disambig_assignee_individual_name_first "
        "disambig_assignee_individual_name_last disambig_assignee_organization "
        "raw_assignee_individual_name_first raw_assignee_individual_name_last "
        "raw_assignee_organization assignee_type location_id",
        "assignee_sequence",
    ),
    _t(
        "attorney",
        "patent_id attorney_sequence",
        "attorney_id disambig_attorney_name_first disambig_attorney_name_last "
        "disambig_attorney_organization raw_attorney_name_first raw_attorney_name_last "
        "raw_attorney_organization attorney_country",
        "attorney_sequence",
    ),
    _t(
        "examiner",
        "patent_id raw_examiner_name_last",
        "raw_examiner_name_first raw_examiner_name_last examiner_role",
    ),
    _t(
        "us_patent_citation",
        "patent_id citation_patent_id",
        "citation_patent_id citation_date record_name wipo_kind citation_category",
        "citation_sequence",
    ),
    _t(
        "us_application_citation",
        "patent_id citation_document_number",
        "citation_document_number citation_date record_name wipo_kind "
        "citation_category",
        "citation_sequence",
    ),
    _t(
        "foreign_citation",
        "patent_id citation_application_id citation_country",
        "citation_application_id citation_date citation_category citation_country",
        "citation_sequence",
    ),
    _t(
        "other_reference",
        "patent_id other_reference_text",
        "other_reference_text",
        "other_reference_sequence",
    ),
    _t(
        "foreign_priority",
        "patent_id foreign_application_id",
        "foreign_application_id filing_date foreign_country_filed",
        "priority_claim_sequence",
    ),
    _t(
        "pct_data",
        "patent_id pct_doc_number",
        "pct_doc_number pct_doc_type published_or_filed_date pct_371_date "
        "filed_country application_kind",
    ),
    _t(
        "claims",
        "patent_id claim_text",
        "claim_number claim_text dependent",
        "claim_sequence",
    ),
    Table(
        "location",
        frozenset({"location_id", "disambig_city", "disambig_country"}),
        ("disambig_city", "disambig_state", "disambig_country"),
        key="location_id",
    ),
)
_BY_KIND = {t.kind: t for t in TABLES}

# USPTO assignee type codes; 12–19 are the same types holding a part interest.
_ASSIGNEE_TYPES = {
    2: PartyType.COMPANY,
    3: PartyType.COMPANY,
    4: PartyType.INDIVIDUAL,
    5: PartyType.INDIVIDUAL,
    6: PartyType.GOVERNMENT,
    7: PartyType.GOVERNMENT,
    8: PartyType.GOVERNMENT,
    9: PartyType.GOVERNMENT,
}
_PATENT_TYPES = {
    "utility": PatentType.INVENTION,
    "reissue": PatentType.INVENTION,
    "design": PatentType.DESIGN,
    "plant": PatentType.PLANT,
    "statutory invention registration": PatentType.INVENTION,
    "defensive publication": PatentType.INVENTION,
}


def _header_of(head: bytes) -> tuple[list[str], str] | None:
    """The column names of the first line and the delimiter, if it is a table header."""
    text = head.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0].strip("\r")
    delimiter = "\t" if first.count("\t") >= first.count(",") else ","
    names = [n.strip().strip('"').lower() for n in first.split(delimiter)]
    if len(names) < 2 or not all(re.fullmatch(r"[a-z0-9_]+", n) for n in names):
        return None
    return names, delimiter


def table_of(columns: Sequence[str]) -> Table | None:
    """The PatentsView table whose columns these are, or None."""
    present = set(columns)
    for table in TABLES:
        if table.needs <= present:
            if table.kind == "abstract" and "patent_title" in present:
                continue
            if table.kind == "us_application_citation" and (
                "citation_patent_id" in present
            ):
                continue
            return table
    return None


def sniff(source: Source) -> bool:
    """A delimited text whose header names the columns of a PatentsView table."""
    head = source.head(8192)
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"{", b"<")):
        return False
    header = _header_of(head)
    return header is not None and table_of(header[0]) is not None


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """A single table: read as a set of one (only the patent table stands alone)."""
    return read_set([source], options)


# -- loading ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Loaded:
    table: Table
    source: Source
    name: str  # the DuckDB table name
    columns: list[str]
    rows: int = 0


def _local_path(source: Source, folder: Path, options: ReadOptions) -> Path:
    """A real UTF-8 file with the source's content: the file itself when it can be."""
    detected = detect_encoding(source.open, declared=options.encoding)
    utf8 = detected.encoding in ("utf-8", "utf-8-sig") and not detected.skip
    if utf8 and source.path is not None:
        return source.path
    target = folder / f"{len(list(folder.iterdir()))}.csv"
    with source.open() as raw_stream:
        raw = LimitedReader(raw_stream, options.max_file_bytes, source.name)
        raw.read(detected.skip)
        if utf8:
            with target.open("wb") as out:
                shutil.copyfileobj(raw, out, 1 << 20)
        else:
            decoder = codecs.getincrementaldecoder(detected.encoding)("replace")
            with target.open("w", encoding="utf-8", newline="") as out:
                while chunk := raw.read(1 << 20):
                    out.write(decoder.decode(chunk))
                out.write(decoder.decode(b"", final=True))
    return target


def _load(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[Source],
    folder: Path,
    options: ReadOptions,
) -> tuple[dict[str, _Loaded], list[Item]]:
    """Load every table of the set; (tables by kind, notices and rejected lines)."""
    loaded: dict[str, _Loaded] = {}
    items: list[Item] = []
    for source in sources:
        header = _header_of(source.head(8192))
        table = table_of(header[0]) if header else None
        if header is None or table is None:
            items.append(
                Notice(f"{source.name}: not a PatentsView table; skipped", "warning")
            )
            continue
        if table.kind in loaded:
            items.append(
                Notice(
                    f"{source.name}: a second {table.kind} table; only "
                    f"{loaded[table.kind].source.name} is read",
                    "warning",
                )
            )
            continue
        path = _local_path(source, folder, options)
        name = f"t_{table.kind}"
        columns, delimiter = header
        # the header is known: no dialect sniffing, which a malformed line can defeat
        schema = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
        try:
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = true, "
                f"auto_detect = false, columns = {{{schema}}}, delim = ?, quote = '\"', "
                "escape = '\"', store_rejects = true, rejects_table = ?, "
                "rejects_scan = ?, max_line_size = ?)",
                [
                    str(path),
                    delimiter,
                    f"{name}_errors",
                    f"{name}_scans",
                    max(options.max_cell_bytes, 1 << 20),
                ],
            )
        except duckdb.Error as exc:
            raise ParseError(
                source.name,
                f"cannot be read as the PatentsView {table.kind} table: "
                f"{excerpt(str(exc).splitlines()[0], 300)}",
            ) from None
        for line, reason, raw in con.execute(
            f"SELECT line, error_message, csv_line FROM {name}_errors ORDER BY line"
        ).fetchall():
            items.append(
                Rejected(
                    f"{source.name} line {line}",
                    f"cannot be parsed as a row of the {table.kind} table: {reason}",
                    (raw or "")[:65536],
                    int(line) if line is not None else None,
                )
            )
        rows = int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # type: ignore[index]
        loaded[table.kind] = _Loaded(table, source, name, columns, rows)
        items.append(Notice(f"{source.name}: {table.kind} table, {rows:,} rows"))
    if "cpc_at_issue" in loaded:
        at_issue = loaded.pop("cpc_at_issue")
        if "cpc" in loaded:  # current CPC wins: it is what analyses compare
            items.append(
                Notice(
                    f"{at_issue.source.name}: CPC at issue not read; "
                    f"{loaded['cpc'].source.name} holds the current CPC",
                    "warning",
                )
            )
        else:
            loaded["cpc"] = at_issue
    return loaded, items


# -- streaming -------------------------------------------------------------------------


class _Stream:
    """Rows of one table sorted by patent_id, consumed patent by patent."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, sql: str) -> None:
        self._cursor = cursor
        self._cursor.execute(sql)
        self._rows: list[tuple[Any, ...]] = []
        self._pos = 0
        self._done = False
        self._last = ""
        self.orphans = 0

    def _peek(self) -> tuple[Any, ...] | None:
        if self._pos >= len(self._rows):
            if self._done:
                return None
            self._rows = self._cursor.fetchmany(BATCH_ROWS)
            self._pos = 0
            if not self._rows:
                self._done = True
                return None
            keys = [r[0] for r in self._rows]
            if keys[0] < self._last or keys != sorted(keys):
                # a merge join on unsorted rows would attach rows to wrong patents
                raise RuntimeError("PatentsView rows not in patent_id order")
            self._last = keys[-1]
        return self._rows[self._pos]

    def rows_for(self, patent_id: str) -> list[tuple[Any, ...]]:
        """This patent's rows; rows of smaller ids (no such patent) are counted."""
        out = []
        # scans the fetched batch in local variables: this runs once per child row
        while self._peek() is not None:
            rows, pos = self._rows, self._pos
            end = len(rows)
            while pos < end:
                row = rows[pos]
                key = row[0]
                if key < patent_id:
                    self.orphans += 1
                elif key == patent_id:
                    out.append(row)
                else:
                    self._pos = pos
                    return out
                pos += 1
            self._pos = pos
        return out

    def rest(self) -> int:
        """Count the rows left (ids after the last patent) as orphans."""
        while self._peek() is not None:
            self.orphans += 1
            self._pos += 1
        return self.orphans


def _select(loaded: _Loaded, location: _Loaded | None) -> str:
    """The SQL streaming one child table sorted by patent, its columns in spec order."""
    present = set(loaded.columns)
    cols = [f"c.{c}" if c in present else f"NULL AS {c}" for c in loaded.table.columns]
    join = ""
    if location is not None and "location_id" in present:
        cols += [f"l.{c}" for c in location.table.columns]
        join = f" LEFT JOIN {location.name} l ON c.location_id = l.location_id"
    elif loaded.table.kind in {"inventor", "assignee"}:
        cols += ["NULL", "NULL", "NULL"]
    order = "c.patent_id"
    if loaded.table.order and loaded.table.order in present:
        order += f", TRY_CAST(c.{loaded.table.order} AS BIGINT)"
    return (
        f"SELECT c.patent_id, {', '.join(cols)} FROM {loaded.name} c{join} "
        f"WHERE c.patent_id IS NOT NULL ORDER BY {order}"
    )


def _sorted(con: duckdb.DuckDBPyConnection, name: str, select: str) -> str:
    """Store the rows of ``select`` in table ``name``, in their sorted order."""
    con.execute(f"CREATE TABLE {name} AS {select}")
    return name


def read_set(sources: Sequence[Source], options: ReadOptions) -> Iterator[Item]:
    """Records of a set of PatentsView tables, one per row of the patent table.

    Raises:
        ParseError: the set has no patent table.
    """
    with ExitStack() as stack:
        tmp = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="patnav-pv-"))
        )
        (tmp / "in").mkdir()
        con = duckdb.connect(":memory:")
        stack.callback(con.close)
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = '{tmp / 'spill'}'")
        con.execute("SET preserve_insertion_order = false")
        loaded, items = _load(con, sources, tmp / "in", options)
        yield from items
        if "patent" not in loaded:
            found = ", ".join(f"{v.source.name} ({k})" for k, v in loaded.items())
            raise ParseError(
                sources[0].name if len(sources) == 1 else _folder(sources),
                "PatentsView tables are joined to the patent table (g_patent: "
                "patent_id, patent_date, patent_title …), and there is none here"
                + (f"; found {found}" if found else "")
                + ". Import the folder or archive that holds g_patent too.",
            )
        missing = [
            k for k in ("abstract", "cpc", "inventor", "assignee") if k not in loaded
        ]
        if missing and "patent_abstract" not in loaded["patent"].columns:
            yield Notice(f"no {', '.join(missing)} table: those fields stay empty")
        location = loaded.pop("location", None)
        patent = loaded.pop("patent")
        con.execute("SET preserve_insertion_order = true")  # sorted tables keep order
        # Sort each table into its own table, one at a time (DuckDB spills a sort to
        # disk); then stream plain scans in insertion order, which need little memory
        # however many streams are open at once.
        sorted_tables = {
            kind: _sorted(con, f"s_{kind}", _select(table, location))
            for kind, table in loaded.items()
        }
        main_table = _sorted(con, "s_patent", _select(patent, None))
        streams = {
            kind: _Stream(con.cursor(), f"SELECT * FROM {name}")
            for kind, name in sorted_tables.items()
        }
        main = _Stream(con.cursor(), f"SELECT * FROM {main_table}")
        builder = _Builder()
        count = 0
        while (row := main._peek()) is not None:
            main._pos += 1
            count += 1
            children = {kind: s.rows_for(row[0]) for kind, s in streams.items()}
            position = f"{patent.source.name} patent_id {row[0]}"
            try:
                yield Read(builder.record(row, children), position)
            except ValueError as exc:
                yield Rejected(position, str(exc), repr(row)[:65536])
            if count % PROGRESS_EVERY == 0:
                options.report_progress(count, patent.rows)
        for kind, stream in streams.items():
            if orphans := stream.rest():
                yield Notice(
                    f"{orphans:,} row(s) of {loaded[kind].source.name} name a patent_id "
                    f"missing from {patent.source.name}; not imported",
                    "warning",
                )
        yield from builder.notices()


def _folder(sources: Sequence[Source]) -> str:
    name = sources[0].name
    return name.rsplit("/", 1)[0] if "/" in name else name


# -- rows → record -----------------------------------------------------------------------


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


_NULLS = frozenset({"NULL", "NA", "N/A"})


def _v(text: object) -> str | None:
    if text is None:
        return None
    value = (text if type(text) is str else str(text)).strip()
    return value if value and value.upper() not in _NULLS else None


_CPC, _IPC, _USPC = Scheme.CPC.value, Scheme.IPC.value, Scheme.USPC.value


def _category(text: str | None) -> CitationCategory:
    t = (text or "").lower()
    if "examiner" in t:
        return CitationCategory.EXAMINER
    if "applicant" in t:
        return CitationCategory.APPLICANT
    if "third" in t:
        return CitationCategory.THIRD_PARTY
    return CitationCategory.UNKNOWN


def _name(first: str | None, last: str | None) -> str | None:
    parts = [p for p in (_v(first), _v(last)) if p]
    return " ".join(parts) or None


class _Builder:
    """Turns a patent row and its child rows into a record; counts lesser problems."""

    def __init__(self) -> None:
        self.soft: Counter[str] = Counter()

    def notices(self) -> Iterator[Notice]:
        for what, n in self.soft.items():
            yield Notice(f"{n:,} × {what}", "warning")

    def record(
        self, row: tuple[Any, ...], children: dict[str, list[tuple[Any, ...]]]
    ) -> PatentRecord:
        """Raises ValueError when the patent id is not a US patent number."""
        (pid, ptype, pdate, title, abstract, kind, num_claims, withdrawn, filename) = (
            row
        )
        kind = _v(kind)
        try:
            pub_number = normalize_pub_number(f"US{pid}{kind or ''}", office="US")
        except ValueError as exc:
            raise ValueError(
                f"patent_id {excerpt(pid)} is not a US patent number: {exc}"
            ) from None
        if pub_number is None:
            raise ValueError(f"patent_id {pid!r} is empty")
        issued = _date(pdate)
        extras: dict[str, str] = {}
        if _v(filename):
            extras["source_file"] = str(filename)
        if _v(ptype):
            extras["patent_type"] = str(ptype)
        for r in children.get("abstract", []):
            abstract = abstract or r[1]
        app_number = app_raw = None
        app_date = None
        for _pid, app_id, filing, series, app_type in children.get("application", [])[
            :1
        ]:
            app_raw = _v(app_id)
            app_date = _date(filing)
            if app_raw:
                try:
                    app_number = normalize_app_number(app_raw, office="US")
                except ValueError:
                    self.soft["an unreadable application_id (kept in extras)"] += 1
                    extras["application_id"] = app_raw
            if _v(series):
                extras["series_code"] = str(series)
            if _v(app_type):
                extras["application_type"] = str(app_type)
        claims_count = None
        if _v(num_claims) and str(num_claims).strip().isdigit():
            claims_count = int(str(num_claims).strip())
        classifications = self._classifications(children)
        ipc_main = next(
            (
                c.code
                for c in classifications
                if c.scheme == Scheme.IPC.value and c.is_main
            ),
            None,
        )
        claim_items = self._claims(children.get("claims", []))
        priorities = self._priorities(children.get("foreign_priority", []))
        pct_app = pct_pub = None
        pct_entry = None
        for _pid, number, doc_type, _when, d371, _country, _kind in children.get(
            "pct_data", []
        ):
            text = _v(number)
            if not text:
                continue
            if "pub" in (doc_type or "").lower() or text.upper().startswith("WO"):
                try:
                    pct_pub = normalize_pub_number(text, office="WO")
                except ValueError:
                    extras["pct_publication"] = text
            else:
                try:
                    pct_app = normalize_app_number(text, office="WO")
                except ValueError:
                    extras["pct_application"] = text
                pct_entry = _date(d371) or pct_entry
        us_type = _PATENT_TYPES.get((_v(ptype) or "").lower())
        return PatentRecord(
            pub_number=pub_number,
            pub_number_raw=str(pid),
            kind=kind,
            office="US",
            app_number=app_number,
            app_number_raw=app_raw,
            app_date=app_date,
            pub_date=issued,
            grant_date=issued,
            priority_date=min((p.date for p in priorities if p.date), default=None),
            patent_type=us_type or patent_type_of("US", kind, app_number, pub_number),
            title=_v(title),
            abstract=_v(abstract),
            claims="\n".join(f"{c.num}. {c.text}" for c in claim_items) or None,
            lang="en",
            claims_count=claims_count or (len(claim_items) or None),
            ipc_main=ipc_main,
            legal_status=LegalStatus.WITHDRAWN if _v(withdrawn) == "1" else None,
            legal_status_raw="withdrawn" if _v(withdrawn) == "1" else None,
            pct_app_number=pct_app,
            pct_pub_number=pct_pub,
            pct_entry_date=pct_entry,
            parties=tuple(self._parties(children)),
            classifications=tuple(classifications),
            citations=tuple(self._citations(children)),
            priorities=tuple(priorities),
            claim_items=tuple(claim_items),
            extras=tuple(sorted(extras.items())),
        )

    def _classifications(
        self, children: dict[str, list[tuple[Any, ...]]]
    ) -> list[Classification]:
        out: list[Classification] = []
        seen: set[tuple[str, str]] = set()
        schemes: set[str] = set()  # the first symbol of each scheme is the main one

        def add(scheme: str, code: str | None, raw: str) -> None:
            if code is None:
                self.soft[f"an unreadable {scheme} symbol"] += 1
                return
            if (scheme, code) not in seen:
                first = scheme not in schemes
                schemes.add(scheme)
                seen.add((scheme, code))
                out.append(Classification(scheme, code, first, raw))

        for _pid, group, _type in children.get("cpc", []):
            if _v(group):
                add(_CPC, normalize_ipc(group), group)
        for _pid, section, cls, sub, main, subgroup, _value in children.get("ipc", []):
            parts = [_v(x) or "" for x in (section, cls, sub)]
            symbol = f"{''.join(parts)}{_v(main) or ''}/{_v(subgroup) or ''}"
            if len(symbol) > 5:
                add(_IPC, normalize_ipc(symbol), symbol)
        for _pid, mainclass, subclass in children.get("uspc", []):
            code = _v(subclass) or _v(mainclass)
            if code:
                add(_USPC, code, code)
        return out

    def _parties(self, children: dict[str, list[tuple[Any, ...]]]) -> list[Party]:
        out: list[Party] = []
        for row in children.get("inventor", []):
            (
                _pid,
                inv_id,
                first,
                last,
                raw_first,
                raw_last,
                _loc,
                city,
                state,
                country,
            ) = row
            name = _name(first, last) or _name(raw_first, raw_last)
            if name:
                out.append(
                    Party(
                        Role.INVENTOR,
                        clean_name(name),
                        raw_name=name,
                        party_type=PartyType.INDIVIDUAL,
                        city=_v(city),
                        province=_v(state),
                        country=_v(country),
                        ext_id=_v(inv_id),
                    )
                )
        for row in children.get("assignee", []):
            (
                _pid,
                a_id,
                first,
                last,
                org,
                raw_first,
                raw_last,
                raw_org,
                a_type,
                _loc,
            ) = row[:10]
            city, state, country = row[10:13]
            name = (
                _v(org)
                or _name(first, last)
                or _v(raw_org)
                or _name(raw_first, raw_last)
            )
            if not name:
                continue
            code = _v(a_type)
            party_type = None
            if code and code.isdigit():
                party_type = _ASSIGNEE_TYPES.get(int(code) % 10)
            out.append(
                Party(
                    Role.ASSIGNEE,
                    clean_name(name),
                    raw_name=name,
                    party_type=party_type,
                    city=_v(city),
                    province=_v(state),
                    country=_v(country),
                    ext_id=_v(a_id),
                )
            )
        for row in children.get("attorney", []):
            _pid, att_id, first, last, org, raw_first, raw_last, raw_org, country = row
            org_name = _v(org) or _v(raw_org)
            person = _name(first, last) or _name(raw_first, raw_last)
            if org_name:
                out.append(
                    Party(
                        Role.AGENCY,
                        clean_name(org_name),
                        raw_name=org_name,
                        country=_v(country),
                        ext_id=_v(att_id),
                    )
                )
            if person:
                out.append(
                    Party(
                        Role.AGENT,
                        clean_name(person),
                        raw_name=person,
                        country=_v(country),
                        ext_id=_v(att_id),
                    )
                )
        for _pid, first, last, _role in children.get("examiner", []):
            if name := _name(first, last):
                out.append(Party(Role.EXAMINER, clean_name(name), raw_name=name))
        return out

    def _citations(self, children: dict[str, list[tuple[Any, ...]]]) -> list[Citation]:
        out: list[Citation] = []
        for _pid, number, when, name, kind, category in children.get(
            "us_patent_citation", []
        ) + children.get("us_application_citation", []):
            text = _v(number)
            if not text:
                continue
            raw = " ".join(p for p in (text, _v(kind), _v(when), _v(name)) if p)
            try:
                cited = normalize_pub_number(f"US{text}{_v(kind) or ''}", office="US")
            except ValueError:
                cited = None
            out.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else raw,
                    category=_category(category),
                    origin="US references cited",
                    cited_raw=raw,
                    cited_date=_date(when),
                )
            )
        for _pid, number, when, category, country in children.get(
            "foreign_citation", []
        ):
            text = _v(number)
            if not text:
                continue
            raw = " ".join(p for p in (_v(country), text, _v(when)) if p)
            try:
                cited = normalize_pub_number(f"{_v(country) or ''}{text}")
            except ValueError:
                cited = None
            out.append(
                Citation(
                    cited_pub_number=cited,
                    cited_npl=None if cited else raw,
                    category=_category(category),
                    origin="foreign references cited",
                    cited_raw=raw,
                    cited_date=_date(when),
                )
            )
        for _pid, text in children.get("other_reference", []):
            if _v(text):
                out.append(
                    Citation(
                        cited_npl=str(text).strip(),
                        category=_category(str(text)[-40:]),
                        origin="other references",
                        cited_raw=str(text).strip(),
                    )
                )
        return out

    def _priorities(self, rows: list[tuple[Any, ...]]) -> list[Priority]:
        out = []
        for _pid, number, filed, country in rows:
            text, cc = _v(number), _v(country)
            canonical = None
            if text:
                try:
                    canonical = normalize_app_number(text, office=cc)
                except ValueError:
                    canonical = None
            raw = " ".join(p for p in (cc, text, _v(filed)) if p)
            out.append(Priority(cc, canonical, _date(filed), raw))
        return out

    def _claims(self, rows: list[tuple[Any, ...]]) -> list[Claim]:
        out = []
        for i, (_pid, number, text, dependent) in enumerate(rows, 1):
            body = _v(text)
            if not body:
                continue
            num = int(number) if _v(number) and str(number).isdigit() else i
            body = re.sub(rf"^\s*{num}\s*\.\s*", "", body)
            refs = tuple(
                int(n)
                for n in re.findall(r"\d+", _v(dependent) or "")
                if 0 < int(n) < num
            ) or claim_references(body, before=num)
            out.append(Claim(num, body, not refs, refs, "en"))
        return out
