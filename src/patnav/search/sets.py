"""Patent sets: named, saved search strategies (检索式) and their members over time.

A set is stored in ``patent_sets`` (name, query, description, filters JSON, times, last
count). Its members at each run are kept in ``patent_set_members`` with the time each
document was first and last seen, so a re-run on new data tells what is new and what
dropped out since the previous run.

- A **Boolean** set (the usual kind) is its query: every analysis recomputes its members
  from the query, so they follow the data. :func:`resolve_set` returns the compiled query.
- A **ranked** set (mode ``text``, ``semantic`` or ``hybrid``, with a ``limit``) is the top
  of a ranking; its members are those of its last run, refreshed by :func:`rerun_set`.

Exports (CSV, XLSX) write one row per member with its bibliographic data. Nothing is ever
run as a formula: in CSV a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'``; in XLSX every text cell is written as a string cell
(type ``s``), which Excel displays and never evaluates.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.errors import InputError, InvalidParameterError, StoreError
from patnav.schema import tables as t
from patnav.search.api import matching_ids, search
from patnav.search.compile import CompiledQuery, compile_query
from patnav.search.index import SearchIndex
from patnav.search.query import parse
from patnav.search.saved import (
    LAST_MEMBERS,
    RANKED_MODES,
    PatentSet,
    find_set,
    get_set,
    last_members,
)
from patnav.search.semantic import Embedder
from patnav.storage.store import PatentStore

MAX_NAME = 100
_NAME = re.compile(r"^[^\s\x00-\x1f][^\x00-\x1f]*$")
EXPORT_COLUMNS = (
    "doc_id",
    "pub_number",
    "app_number",
    "app_date",
    "pub_date",
    "grant_date",
    "patent_type",
    "title",
    "applicants",
    "inventors",
    "ipc_main",
    "legal_status",
    "abstract",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class RunReport:
    """A set's run: how many members, which are new and which dropped out since the last."""

    name: str
    count: int
    previous_count: int | None
    new: tuple[str, ...]
    removed: tuple[str, ...]
    ran_at: datetime

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ran_at"] = self.ran_at.isoformat(timespec="seconds")
        data["new"] = list(self.new)
        data["removed"] = list(self.removed)
        return data


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_name(name: str) -> str:
    if (
        not name
        or len(name) > MAX_NAME
        or not _NAME.match(name)
        or name != name.strip()
    ):
        raise InvalidParameterError(
            f"A patent set name must be 1–{MAX_NAME} characters without control characters "
            f"or surrounding spaces, such as 湖北光通信 or optical-2024. Got {name!r}."
        )
    return name


def _members_now(
    store: PatentStore,
    saved: PatentSet,
    *,
    index: SearchIndex | None,
    embedder: Embedder | None,
) -> list[str]:
    if not saved.is_ranked:
        return matching_ids(store, saved.query, index=index)
    result = search(
        store,
        saved.query,
        mode=saved.mode,  # type: ignore[arg-type]
        limit=saved.limit or 100,
        within=saved.within,
        index=index,
        embedder=embedder,
    )
    return result.doc_ids


def set_members(
    store: PatentStore, name: str, *, index: SearchIndex | None = None
) -> list[str]:
    """The set's members now: recomputed from the query for a Boolean set, those of the
    last run for a ranked set."""
    saved = get_set(store, name)
    if saved.is_ranked:
        return last_members(store, name)
    return _members_now(store, saved, index=index, embedder=None)


def count_set(
    store: PatentStore, name: str, *, index: SearchIndex | None = None
) -> int:
    """How many documents the set holds now."""
    return len(set_members(store, name, index=index))


def save_set(
    store: PatentStore,
    name: str,
    query: str,
    *,
    description: str | None = None,
    mode: str = "boolean",
    limit: int | None = None,
    within: str | None = None,
    replace: bool = False,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
) -> RunReport:
    """Save a search strategy under ``name`` and record its members.

    Raises:
        QuerySyntaxError: a Boolean query that does not parse.
        InputError: the name is taken (pass ``replace=True``), or a ranked set without
            a limit.
    """
    _check_name(name)
    if store.read_only:
        raise StoreError(
            "The store is open read-only: open it writable to save a patent set."
        )
    query = query.strip()
    if mode == "boolean":
        parse(query)  # refuse a query that does not parse before saving anything
    elif mode in RANKED_MODES:
        if not limit or limit < 1:
            raise InvalidParameterError(
                "A ranked patent set needs a limit (how many top documents it keeps)."
            )
    else:
        raise InvalidParameterError(
            f"Unknown set mode '{mode}': use boolean, text, semantic or hybrid."
        )
    existing = find_set(store, name)
    if existing is not None and not replace:
        raise InputError(
            f"A patent set named '{name}' exists (query: {existing.query}). Choose another "
            "name, or replace it (--replace)."
        )
    now = _now()
    filters = {"mode": mode}
    if limit:
        filters["limit"] = limit  # type: ignore[assignment]
    if within:
        filters["within"] = within
    row = {
        "name": name,
        "query": query,
        "description": description,
        "filters": json.dumps(filters, ensure_ascii=False),
        "created_at": existing.created_at if existing and existing.created_at else now,
        "updated_at": now,
        "last_run_at": None,
        "last_count": None,
    }
    with store.transaction():
        store.execute("DELETE FROM patent_sets WHERE name = ?", [name])
        if existing is not None:
            store.execute("DELETE FROM patent_set_members WHERE set_name = ?", [name])
        store.insert_arrow(
            "patent_sets",
            pa.Table.from_pylist([row], schema=t.PATENT_SETS.arrow_schema()),
        )
    return rerun_set(store, name, index=index, embedder=embedder)


def rerun_set(
    store: PatentStore,
    name: str,
    *,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
) -> RunReport:
    """Run a set again on the store as it is now; record its members and report what is
    new and what dropped out since the previous run."""
    saved = get_set(store, name)
    if store.read_only:
        raise StoreError(
            "The store is open read-only: open it writable to re-run a patent set."
        )
    members = _members_now(store, saved, index=index, embedder=embedder)
    previous = (
        {str(r[0]) for r in store.rows(LAST_MEMBERS, [name, name])}
        if saved.last_run_at
        else set()
    )
    now = _now()
    if saved.last_run_at is not None and now <= saved.last_run_at:
        now = saved.last_run_at + timedelta(microseconds=1)  # runs must be ordered
    current = set(members)
    new = sorted(current - previous)
    removed = sorted(previous - current)
    data = pa.table({"doc_id": pa.array(sorted(current), pa.string())})
    with store.transaction(), store.staged("_set_members", data) as staged:
        # staged is a name made by this module, not user text
        store.execute(
            f"UPDATE patent_set_members SET last_seen_at = ? WHERE set_name = ? AND doc_id IN "
            f"(SELECT doc_id FROM {staged})",
            [now, name],
        )
        store.execute(
            "INSERT INTO patent_set_members SELECT ?, s.doc_id, ?, ? FROM "
            f"{staged} s WHERE s.doc_id NOT IN (SELECT doc_id FROM patent_set_members "
            "WHERE set_name = ?)",
            [name, now, now, name],
        )
        store.execute(
            "UPDATE patent_sets SET last_run_at = ?, last_count = ? WHERE name = ?",
            [now, len(current), name],
        )
    return RunReport(
        name=name,
        count=len(current),
        previous_count=saved.last_count,
        new=tuple(new) if saved.last_run_at else (),
        removed=tuple(removed),
        ran_at=now,
    )


def delete_set(store: PatentStore, name: str) -> None:
    """Delete a set and its member history."""
    get_set(store, name)
    with store.transaction():
        store.execute("DELETE FROM patent_set_members WHERE set_name = ?", [name])
        store.execute("DELETE FROM patent_sets WHERE name = ?", [name])


def resolve_set(store: PatentStore | None, name_or_query: str) -> CompiledQuery:
    """A saved set's name, or an expert query, as a compiled query.

    A name wins over a query of the same text. A Boolean set compiles its query; a
    ranked set selects the members of its last run.

    Raises:
        QuerySyntaxError: the text is no set's name and does not parse as a query.
    """
    saved = find_set(store, name_or_query) if store is not None else None
    if saved is None:
        return compile_query(name_or_query)
    if not saved.is_ranked:
        compiled = compile_query(saved.query)
        return compiled
    return CompiledQuery(
        query=f"{saved.mode} set '{saved.name}': {saved.query}",
        sql=f"SELECT doc_id FROM patents WHERE doc_id IN ({LAST_MEMBERS})",
        params=[saved.name, saved.name],
        where=f"doc_id IN ({LAST_MEMBERS})",
    )


# -- export --------------------------------------------------------------------------


def safe_cell(value: object) -> object:
    """A value safe for a spreadsheet cell: text that a spreadsheet would run as a
    formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_rows(store: PatentStore, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
    """One row per document with the export columns, in doc_id order."""
    ids = sorted(doc_ids)
    if not ids:
        return []
    with store.staged(
        "_set_export", pa.table({"doc_id": pa.array(ids, pa.string())})
    ) as name:
        rows: list[dict[str, Any]] = store.query(
            f"""
            SELECT p.doc_id, p.pub_number, p.app_number, p.app_date, p.pub_date, p.grant_date,
                p.patent_type, p.title,
                (SELECT string_agg(name, '; ' ORDER BY seq) FROM parties a
                    WHERE a.doc_id = p.doc_id AND a.role IN ('applicant', 'assignee'))
                    AS applicants,
                (SELECT string_agg(name, '; ' ORDER BY seq) FROM parties i
                    WHERE i.doc_id = p.doc_id AND i.role = 'inventor') AS inventors,
                p.ipc_main, p.legal_status, p.abstract
            FROM patents p WHERE p.doc_id IN (SELECT doc_id FROM {name})
            ORDER BY p.doc_id
            """
        ).to_pylist()
    return rows


def export_set(
    store: PatentStore,
    name: str,
    path: Path,
    *,
    fmt: str | None = None,
    index: SearchIndex | None = None,
) -> int:
    """Write the set's members to ``path`` as CSV (UTF-8 with BOM, so Excel reads the
    Chinese) or XLSX; the format follows the suffix unless ``fmt`` names it. Returns the
    number of rows written."""
    fmt = check_export_format(path, fmt)
    rows = export_rows(store, set_members(store, name, index=index))
    write_table(
        path,
        fmt,
        list(EXPORT_COLUMNS),
        [[row[c] for c in EXPORT_COLUMNS] for row in rows],
        sheet=name,
    )
    return len(rows)


def check_export_format(path: Path, fmt: str | None) -> str:
    """The export format named by ``fmt``, else by the file's suffix: csv or xlsx.

    Raises:
        InvalidParameterError: any other format.
    """
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise InvalidParameterError(
            f"Export format must be csv or xlsx, not '{fmt}': name the file .csv or .xlsx."
        )
    return fmt


def write_table(
    path: Path,
    fmt: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    sheet: str,
) -> None:
    """Write rows under headers as CSV (UTF-8 with BOM) or XLSX (a sheet named after
    ``sheet``). Nothing is ever a formula: CSV cells that a spreadsheet would run get a
    leading apostrophe; XLSX text cells are string cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([_cell_text(safe_cell(h)) for h in headers])
            for row in rows:
                writer.writerow([_cell_text(safe_cell(v)) for v in row])
        return
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet_ = book.create_sheet(title=_sheet_title(sheet))
    for values in (headers, *rows):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet_, value=_xlsx_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            cells.append(cell)
        sheet_.append(cells)
    book.save(path)


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)


def _xlsx_cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        # control characters other than tab/newline are not allowed in xlsx cells
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", value)
    return value


def _sheet_title(name: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
    return title or "set"
