"""``DocumentWriter``: batched, idempotent writes of records into the store.

Records are buffered and written a batch at a time. For each record the writer decides:

* **unchanged** — the store already holds this exact version (same document, same content
  hash in ``provenance``), so nothing is written: importing a file twice changes nothing;
* **new** — the document is not in the store yet;
* **updated** — the document exists and this version differs: scalar fields the new version
  has overwrite the stored ones, fields it lacks keep their stored value, and each child
  section (parties, classifications …) the new version has replaces the stored one —
  legal events source by source: events a legal-event source reports (EPO INPADOC, USPTO
  ODP, USPTO assignment) replace that source's stored events only, so they join the
  document's own.

Records a reader rejects go to ``quarantine``, keyed by the file's content hash and their
position: when the same content is imported again, its entries replace those of earlier
imports instead of being added to them (:func:`replace_quarantine`).

The writer never opens or commits transactions; the caller wraps a whole file in
``store.transaction()`` so a crash leaves the store as it was before that file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import pyarrow as pa

from patnav.errors import clip
from patnav.schema import tables as t
from patnav.schema.records import PatentRecord
from patnav.storage.rows import (
    FlatRecord,
    Row,
    flatten,
    merge_patent_rows,
    merge_records,
    stamp,
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
class _Version:
    record: PatentRecord
    flat: FlatRecord
    position: str


@dataclass(slots=True)
class _Pending:
    versions: list[_Version] = field(default_factory=list)


def _approx_bytes(record: PatentRecord) -> int:
    """A cheap estimate of the memory a queued record holds: its texts dominate."""
    size = 512 * (
        1 + len(record.parties) + len(record.classifications) + len(record.citations)
    )
    for text in (record.title, record.abstract, record.claims):
        size += len(text) if text else 0
    size += sum(len(t.text) for t in record.texts)
    size += sum(len(c.text) for c in record.claim_items)
    return size


def utc_now() -> datetime:
    """The current UTC time without tzinfo, as the store keeps timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def replace_quarantine(
    store: PatentStore,
    *,
    import_id: int,
    file: str,
    file_hash: str | None,
    position: str | None = None,
) -> None:
    """Remove the quarantine entries earlier imports of the same file left.

    The same file is the same content (``file_hash``), whatever its name now; entries
    without a hash (written before hashes were kept, or for a file that could not be
    read safely) belong to the file of the same name. With ``position`` only the
    entries at that position are replaced (a whole-file failure replaces an earlier
    whole-file failure, not the records an earlier successful import quarantined).
    """
    store.execute(
        "DELETE FROM quarantine WHERE import_id <> ? AND ("
        "(file_hash IS NULL AND file = ?) OR file_hash = ?)"
        + (" AND position = ?" if position is not None else ""),
        [import_id, file, file_hash] + ([position] if position is not None else []),
    )


_IDS = pa.schema([("doc_id", pa.string())])
_KEYS = pa.schema([("doc_id", pa.string()), ("record_hash", pa.string())])
_EVENT_SOURCES = pa.schema([("doc_id", pa.string()), ("source", pa.string())])


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
        batch_bytes: int = 64 * 1024 * 1024,
        content_hash: Callable[[], str | None] | None = None,
    ) -> None:
        """``content_hash`` computes the file's content hash (the quarantine key); it is
        called once, when the file's quarantine is written."""
        self.store = store
        self.import_id = import_id
        self.file = file
        self.fmt = fmt
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self._pending_bytes = 0
        self.counts = WriteCounts()
        self._pending: dict[str, _Pending] = {}
        self._quarantine: list[Row] = []
        self._content_hash = content_hash
        self._file_hash: str | None = None
        self._hashed = False

    @property
    def file_hash(self) -> str | None:
        """The file's content hash, computed on first use (None when unknown)."""
        if not self._hashed:
            self._hashed = True
            if self._content_hash is not None:
                self._file_hash = self._content_hash()
        return self._file_hash

    # -- input -----------------------------------------------------------------------------

    def add(self, record: PatentRecord, position: str) -> None:
        """Queue one record read at ``position``; it must have a ``doc_id``."""
        flat = flatten(record)
        self.counts.read += 1
        slot = self._pending.setdefault(flat.doc_id, _Pending())
        slot.versions.append(_Version(record, flat, position))
        # full-text records (descriptions of 50 KB and more) fill memory long before 5,000
        # of them are queued: flush by size as well as by count
        self._pending_bytes += _approx_bytes(record)
        if (
            len(self._pending) >= self.batch_size
            or self._pending_bytes >= self.batch_bytes
        ):
            self.flush()

    def quarantine(
        self, *, position: str, row_number: int | None, reason: str, raw: str | None
    ) -> None:
        """Record a record that could not be read, with where and why."""
        self.counts.read += 1
        self.counts.quarantined += 1
        self._quarantine.append(
            (
                self.import_id,
                self.file,
                position,
                row_number,
                clip(reason),
                raw[:RAW_LIMIT] if raw is not None else None,
                utc_now(),
            )
        )

    # -- output ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything queued."""
        if self._quarantine:
            key = self.file_hash
            rows = [(*row, key) for row in self._quarantine]
            self.store.insert_arrow("quarantine", to_arrow(t.QUARANTINE, rows))
            self._quarantine = []
        if self._pending:
            pending, self._pending = self._pending, {}
            self._pending_bytes = 0
            self._write_documents(pending)

    def finish(self) -> WriteCounts:
        """Flush, replace the quarantine entries earlier imports of the same file left,
        and return the counts."""
        self.flush()
        replace_quarantine(
            self.store,
            import_id=self.import_id,
            file=self.file,
            file_hash=self.file_hash,
        )
        return self.counts

    def _lookup(
        self, pending: dict[str, _Pending]
    ) -> tuple[set[str], set[tuple[str, str]]]:
        """Which documents exist, and which (document, hash) versions are stored already."""
        keys = [
            (d, v.flat.content_hash)
            for d, slot in pending.items()
            for v in slot.versions
        ]
        table = pa.Table.from_arrays(
            [pa.array([k[0] for k in keys]), pa.array([k[1] for k in keys])],
            schema=_KEYS,
        )
        with self.store.staged("_batch_keys", table):
            existing = {
                r[0]
                for r in self.store.rows(
                    "SELECT DISTINCT doc_id FROM patents "
                    "WHERE doc_id IN (SELECT doc_id FROM _batch_keys)"
                )
            }
            seen = {
                (r[0], r[1])
                for r in self.store.rows(
                    "SELECT DISTINCT p.doc_id, p.record_hash FROM provenance p "
                    "JOIN _batch_keys k USING (doc_id, record_hash)"
                )
            }
        return existing, seen

    def _write_documents(self, pending: dict[str, _Pending]) -> None:
        existing, seen = self._lookup(pending)
        to_write: dict[str, FlatRecord] = {}
        provenance: list[Row] = []
        for doc_id, slot in pending.items():
            exists = doc_id in existing
            merged: PatentRecord | None = None
            last: FlatRecord | None = None
            written = 0
            batch_hashes: set[str] = set()
            for version in slot.versions:
                h = version.flat.content_hash
                if (doc_id, h) in seen or h in batch_hashes:
                    self.counts.unchanged += 1
                    continue
                batch_hashes.add(h)
                if exists:
                    self.counts.updated += 1
                else:
                    self.counts.new += 1
                    exists = True
                merged = (
                    version.record
                    if merged is None
                    else merge_records(merged, version.record)
                )
                last = version.flat
                written += 1
                provenance.append(
                    (doc_id, h, self.import_id, self.fmt, self.file, version.position)
                )
            if merged is not None and last is not None:
                # one version: its rows are ready; several: flatten their merge once
                to_write[doc_id] = last if written == 1 else flatten(merged)
        if not to_write:
            return

        now = utc_now()
        updated_ids = [d for d in to_write if d in existing]
        old_rows: dict[str, dict[str, object]] = {}
        if updated_ids:
            ids = pa.Table.from_arrays(
                [pa.array(updated_ids, pa.string())], schema=_IDS
            )
            with self.store.staged("_updated_ids", ids):
                for row in self.store.query(
                    "SELECT * FROM patents WHERE doc_id IN (SELECT doc_id FROM _updated_ids)"
                ).to_pylist():
                    old_rows[row["doc_id"]] = row
                self.store.execute(
                    "DELETE FROM patents WHERE doc_id IN (SELECT doc_id FROM _updated_ids)"
                )

        columns = t.PATENTS.column_names
        patents: list[Row] = []
        children: dict[str, list[Row]] = {table.name: [] for table in t.CHILD_TABLES}
        replaced: dict[str, list[str]] = {table.name: [] for table in t.CHILD_TABLES}
        for doc_id, flat in to_write.items():
            row = stamp(flat.patent, source=self.fmt, now=now)
            if doc_id in old_rows:
                merged_row = merge_patent_rows(
                    old_rows[doc_id], dict(zip(columns, row, strict=True))
                )
                row = tuple(merged_row[c] for c in columns)
            patents.append(row)
            for table_name, rows in flat.children.items():
                if doc_id in existing:
                    replaced[table_name].append(doc_id)
                children[table_name].extend(rows)

        self.store.insert_arrow("patents", to_arrow(t.PATENTS, patents))
        if replaced["events"]:
            children["events"] = self._merge_events(children["events"], existing)
            replaced["events"] = []
        for table in t.CHILD_TABLES:
            if replaced[table.name]:
                ids = pa.Table.from_arrays(
                    [pa.array(replaced[table.name], pa.string())], schema=_IDS
                )
                with self.store.staged("_replaced_ids", ids):
                    self.store.execute(
                        f"DELETE FROM {table.name} "
                        "WHERE doc_id IN (SELECT doc_id FROM _replaced_ids)"
                    )
            if children[table.name]:
                self.store.insert_arrow(
                    table.name, to_arrow(table, children[table.name])
                )
        self.store.insert_arrow("provenance", to_arrow(t.PROVENANCE, provenance))

    def _merge_events(self, rows: list[Row], existing: set[str]) -> list[Row]:
        """Events of stored documents: each source's events replace that source's
        stored ones (an event's ``source``, NULL for the document's own source) and
        the other sources' stay, so INPADOC events join a document's own; new rows are
        numbered after the kept ones."""
        source_col = t.EVENTS.column_names.index("source")
        keys = sorted({(r[0], r[source_col] or "") for r in rows if r[0] in existing})
        if not keys:
            return rows
        table = pa.Table.from_arrays(
            [pa.array([k[0] for k in keys]), pa.array([k[1] for k in keys])],
            schema=_EVENT_SOURCES,
        )
        with self.store.staged("_event_sources", table):
            self.store.execute(
                "DELETE FROM events e USING _event_sources s "
                "WHERE e.doc_id = s.doc_id AND coalesce(e.source, '') = s.source"
            )
            kept = dict(
                self.store.rows(
                    "SELECT doc_id, max(seq) FROM events "
                    "WHERE doc_id IN (SELECT doc_id FROM _event_sources) GROUP BY doc_id"
                )
            )
        if not kept:
            return rows
        return [
            (r[0], r[1] + int(kept.get(r[0]) or 0), *r[2:]) if r[0] in kept else r
            for r in rows
        ]
