"""``DocumentWriter``: batched, idempotent writes of records into the store.

Records are buffered and written a batch at a time. For each record the writer decides:

* **unchanged** — the store already holds this exact version (same document, same
content
  hash in ``provenance``), so nothing is written: importing a file twice changes
  nothing;
* **new** — the document is not in the store yet;
* **updated** — the document exists and this version differs: scalar fields the new
version
  has overwrite the stored ones, fields it lacks keep their stored value, and each child
  section (parties, classifications …) the new version has replaces the stored one.

The writer never opens or commits transactions; the caller wraps a whole file in
``store.transaction()`` so a crash leaves the store as it was before that file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from patnav.schema import tables as t
from patnav.schema.records import PatentRecord
from patnav.storage.rows import (
    child_rows,
    empty_columns,
    merge_patent_rows,
    merge_records,
    patent_row,
    to_arrow,
)
from patnav.storage.store import PatentStore

RAW_LIMIT = 64 * 1024
"""Characters of a quarantined record's content kept in ``quarantine.raw``."""


@dataclass(slots=True)
class WriteCounts:
    """What a writer did: records read, and how each one landed."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class _Pending:
    hashes: list[tuple[str, str]] = field(default_factory=list)  # (hash, position)
    records: list[PatentRecord] = field(default_factory=list)


def utc_now() -> datetime:
    """The current UTC time without tzinfo, as the store keeps timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


class DocumentWriter:
    """Writes the records of one file into the store, a batch at a time."""

    def __init__(
        self,
        store: PatentStore,
        *,
        import_id: int,
        file: str,
        fmt: str,
        batch_size: int = 5000,
    ) -> None:
        self.store = store
        self.import_id = import_id
        self.file = file
        self.fmt = fmt
        self.batch_size = batch_size
        self.counts = WriteCounts()
        self._pending: dict[str, _Pending] = {}
        self._quarantine = empty_columns(t.QUARANTINE)

    # -- input
    # -----------------------------------------------------------------------------

    def add(self, record: PatentRecord, position: str) -> None:
        """Queue one record read at ``position``; it must have a ``doc_id``."""
        doc_id = record.doc_id
        if doc_id is None:
            raise ValueError("a record without doc_id must be quarantined, not added")
        self.counts.read += 1
        slot = self._pending.setdefault(doc_id, _Pending())
        slot.hashes.append((record.content_hash(), position))
        slot.records.append(record)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def quarantine(
        self, *, position: str, row_number: int | None, reason: str, raw: str | None
    ) -> None:
        """Record a record that could not be read, with where and why."""
        self.counts.read += 1
        self.counts.quarantined += 1
        q = self._quarantine
        q["import_id"].append(self.import_id)
        q["file"].append(self.file)
        q["position"].append(position)
        q["row_number"].append(row_number)
        q["reason"].append(reason)
        q["raw"].append(raw[:RAW_LIMIT] if raw is not None else None)
        q["created_at"].append(utc_now())

    # -- output
    # ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything queued."""
        if self._quarantine["import_id"]:
            self.store.insert_arrow(
                "quarantine", to_arrow(t.QUARANTINE, self._quarantine)
            )
            self._quarantine = empty_columns(t.QUARANTINE)
        if self._pending:
            pending, self._pending = self._pending, {}
            self._write_documents(pending)

    def finish(self) -> WriteCounts:
        """Flush and return the counts."""
        self.flush()
        return self.counts

    def _write_documents(self, pending: dict[str, _Pending]) -> None:
        keys = {"doc_id": [], "record_hash": []}  # type: dict[str, list[Any]]
        for doc_id, slot in pending.items():
            for h, _ in slot.hashes:
                keys["doc_id"].append(doc_id)
                keys["record_hash"].append(h)
        key_table = pa.Table.from_pydict(
            keys,
            schema=pa.schema([("doc_id", pa.string()), ("record_hash", pa.string())]),
        )
        with self.store.registered("_batch_keys", key_table):
            existing = {
                r[0]
                for r in self.store.rows(
                    "SELECT DISTINCT doc_id FROM patents "
                    "WHERE doc_id IN (SELECT doc_id FROM _batch_keys)"
                )
            }
            seen = set(
                self.store.rows(
                    "SELECT DISTINCT p.doc_id, p.record_hash FROM provenance p "
                    "JOIN _batch_keys k USING (doc_id, record_hash)"
                )
            )

        now = utc_now()
        to_write: dict[str, PatentRecord] = {}
        provenance = empty_columns(t.PROVENANCE)
        for doc_id, slot in pending.items():
            exists = doc_id in existing
            merged: PatentRecord | None = None
            batch_hashes: set[str] = set()
            for (h, position), record in zip(slot.hashes, slot.records, strict=True):
                if (doc_id, h) in seen or h in batch_hashes:
                    self.counts.unchanged += 1
                    continue
                batch_hashes.add(h)
                if exists:
                    self.counts.updated += 1
                else:
                    self.counts.new += 1
                    exists = True
                merged = record if merged is None else merge_records(merged, record)
                provenance["doc_id"].append(doc_id)
                provenance["record_hash"].append(h)
                provenance["import_id"].append(self.import_id)
                provenance["format"].append(self.fmt)
                provenance["file"].append(self.file)
                provenance["position"].append(position)
            if merged is not None:
                to_write[doc_id] = merged
        if not to_write:
            return

        updated_ids = [d for d in to_write if d in existing]
        old_rows: dict[str, dict[str, Any]] = {}
        if updated_ids:
            ids = pa.table({"doc_id": pa.array(updated_ids, pa.string())})
            with self.store.registered("_updated_ids", ids):
                for row in self.store.query(
                    "SELECT * FROM patents WHERE doc_id IN (SELECT doc_id FROM _updated_ids)"
                ).to_pylist():
                    old_rows[row["doc_id"]] = row
                self.store.execute(
                    "DELETE FROM patents WHERE doc_id IN (SELECT doc_id FROM _updated_ids)"
                )

        patents = empty_columns(t.PATENTS)
        children = {table.name: empty_columns(table) for table in t.CHILD_TABLES}
        replaced: dict[str, list[str]] = {table.name: [] for table in t.CHILD_TABLES}
        for doc_id, record in to_write.items():
            row = patent_row(record, source=self.fmt, imported_at=now, updated_at=now)
            if doc_id in old_rows:
                row = merge_patent_rows(old_rows[doc_id], row)
            for name in t.PATENTS.column_names:
                patents[name].append(row[name])
            for table_name, rows in child_rows(record).items():
                if doc_id in existing:
                    replaced[table_name].append(doc_id)
                cols = children[table_name]
                for child in rows:
                    for name, values in cols.items():
                        values.append(child[name])

        self.store.insert_arrow("patents", to_arrow(t.PATENTS, patents))
        for table in t.CHILD_TABLES:
            if replaced[table.name]:
                ids = pa.table({"doc_id": pa.array(replaced[table.name], pa.string())})
                with self.store.registered("_replaced_ids", ids):
                    self.store.execute(
                        f"DELETE FROM {table.name} "
                        "WHERE doc_id IN (SELECT doc_id FROM _replaced_ids)"
                    )
            if children[table.name]["doc_id"]:
                self.store.insert_arrow(
                    table.name, to_arrow(table, children[table.name])
                )
        self.store.insert_arrow("provenance", to_arrow(t.PROVENANCE, provenance))
