"""Files of tags: CSV or XLSX with the columns ``pub_number`` and ``tag`` (and optionally
``analyst`` and ``effect``), read and imported into a scheme.

Headers are matched case-insensitively and in Chinese too (公开号 / 公开（公告）号,
标引 / 节点, 标引人, 技术功效). A row whose number is not in the store, whose tag is empty
or not a node of the scheme, is **quarantined** with its reason (the store's
``quarantine``, under the import's id, as a patent import's bad rows are); the other rows
are imported. Importing the same file again adds nothing and replaces its quarantine
entries. Spreadsheet formulas are read as their text, never evaluated.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patnav.errors import InputError, ParseError, UnsafeInputError, excerpt
from patnav.storage.store import PatentStore
from patnav.tags.schemes import get_scheme
from patnav.tags.tagging import TagRow, now, resolve_numbers, write_tags

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest tag file read."""
MAX_ROWS = 1_000_000
FORMAT = "tags"
"""The ``imports.format`` of a tag file's import."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "pub_number": (
        "pub_number",
        "pn",
        "publication number",
        "公开号",
        "公开（公告）号",
        "公开(公告)号",
        "公告号",
        "doc_id",
    ),
    "tag": ("tag", "node", "标引", "节点", "标引节点", "技术分支"),
    "analyst": ("analyst", "标引人", "标引员"),
    "effect": ("effect", "技术功效", "功效"),
}
"""The columns of a tag file and the headers that name them."""


@dataclass(frozen=True, slots=True)
class FileRow:
    """One row of a tag file: where it is and its cells."""

    row_number: int
    pub_number: str
    tag: str
    analyst: str | None
    effect: str | None
    raw: str


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A row not imported, and why."""

    row_number: int
    pub_number: str
    tag: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row_number,
            "pub_number": self.pub_number,
            "tag": self.tag,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TagImport:
    """What a tag file's import did."""

    file: str
    scheme: str
    import_id: int
    rows: int
    added: int
    unchanged: int
    quarantined: tuple[QuarantinedRow, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "scheme": self.scheme,
            "import_id": self.import_id,
            "rows": self.rows,
            "added": self.added,
            "unchanged": self.unchanged,
            "quarantined": [q.to_dict() for q in self.quarantined],
        }


def _header_key(text: object) -> str:
    return str(text or "").strip().lower().replace("\ufeff", "")


def _columns(header: list[object], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    keys = [_header_key(h) for h in header]
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias.lower() in keys:
                found[name] = keys.index(alias.lower())
                break
    missing = [n for n in ("pub_number", "tag") if n not in found]
    if missing:
        raise ParseError(
            path,
            f"the first row must name the columns pub_number and tag (公开号, 标引); "
            f"it has {excerpt(', '.join(str(h) for h in header))}",
            position="row 1",
        )
    return found


def _raw_rows(path: Path) -> list[list[object]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsafeInputError(
            f"{path} is {size:,} bytes; tag files of at most {MAX_FILE_BYTES:,} bytes "
            "are read. Split it."
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        from patnav.ingest.base import ReadOptions
        from patnav.ingest.readers.xlsx import check_workbook

        check_workbook(path, ReadOptions(), str(path))
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            return [
                list(r)
                for _, r in zip(
                    range(MAX_ROWS + 1), sheet.iter_rows(values_only=True), strict=False
                )
            ]
        finally:
            book.close()
    from patnav.ingest.encoding import detect_encoding

    detected = detect_encoding(lambda: path.open("rb"))
    data = path.read_bytes()[detected.skip :]
    text = data.decode(detected.encoding, errors="replace")
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
    return rows[: MAX_ROWS + 1]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_tag_file(path: Path) -> list[FileRow]:
    """The rows of a tag file (CSV in any common encoding, or the first sheet of an
    XLSX); blank rows are skipped.

    Raises:
        ParseError: no pub_number or tag column in the first row.
        UnsafeInputError: the file is too large, or a workbook breaks the zip limits.
    """
    rows = _raw_rows(path)
    if not rows:
        raise ParseError(path, "the file is empty", position="row 1")
    columns = _columns(rows[0], path)
    out: list[FileRow] = []
    for number, cells in enumerate(rows[1:], start=2):

        def get(name: str, cells: list[object] = cells) -> str:
            i = columns.get(name)
            return _cell(cells[i]) if i is not None and i < len(cells) else ""

        if not any(_cell(c) for c in cells):
            continue
        out.append(
            FileRow(
                number,
                get("pub_number"),
                get("tag"),
                get("analyst") or None,
                get("effect") or None,
                excerpt(json.dumps([_cell(c) for c in cells], ensure_ascii=False)),
            )
        )
    return out


def import_tags(
    store: PatentStore, path: Path, scheme: str, *, analyst: str
) -> TagImport:
    """Import a file of tags into ``scheme`` (source ``import``); ``analyst`` stands for
    the rows whose analyst cell is empty.

    Raises:
        NotFoundError: no such scheme.
        ParseError: the file is not a tag file.
    """
    found = get_scheme(store, scheme)
    rows = read_tag_file(path)
    file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    resolved = resolve_numbers(store, [r.pub_number for r in rows if r.pub_number])
    good: list[TagRow] = []
    rejected: list[tuple[FileRow, str]] = []
    for row in rows:
        reason = None
        if not row.pub_number:
            reason = "公开号为空"
        elif not row.tag:
            reason = "标引为空"
        elif row.tag.strip() not in found.nodes:
            reason = f"标引体系 {found.name} 没有节点 {row.tag!r}"
        elif resolved.get(row.pub_number) is None:
            reason = f"库中没有公开号 {row.pub_number!r}"
        if reason is not None:
            rejected.append((row, reason))
            continue
        doc_id = resolved[row.pub_number]
        assert doc_id is not None
        good.append(
            TagRow(doc_id, row.tag, row.analyst or analyst, "import", row.effect)
        )
    if not good and not rejected:
        raise InputError(f"{path} 中没有标引行。")
    change = write_tags(store, found, good)
    import_id = _record(
        store, path, file_hash, rows, rejected, change.added, change.unchanged
    )
    return TagImport(
        file=str(path),
        scheme=found.name,
        import_id=import_id,
        rows=len(rows),
        added=change.added,
        unchanged=change.unchanged,
        quarantined=tuple(
            QuarantinedRow(r.row_number, r.pub_number, r.tag, reason)
            for r, reason in rejected
        ),
    )


def _record(
    store: PatentStore,
    path: Path,
    file_hash: str,
    rows: list[FileRow],
    rejected: list[tuple[FileRow, str]],
    added: int,
    unchanged: int,
) -> int:
    """The import's line in ``imports`` and its rejected rows in ``quarantine``
    (replacing an earlier import's of the same file)."""
    stamp = now()
    name = str(path)
    with store.transaction():
        import_id = int(
            store.scalar("SELECT coalesce(max(import_id), 0) + 1 FROM imports")
        )
        store.execute("DELETE FROM quarantine WHERE file_hash = ?", [file_hash])
        for row, reason in rejected:
            store.execute(
                "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    name,
                    f"row {row.row_number}",
                    row.row_number,
                    reason,
                    row.raw,
                    stamp,
                    file_hash,
                ],
            )
        status = "quarantined" if rejected and not (added or unchanged) else "ok"
        store.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                name,
                FORMAT,
                status,
                stamp,
                now(),
                len(rows),
                added,
                0,
                unchanged,
                len(rejected),
                None,
            ],
        )
    return import_id
