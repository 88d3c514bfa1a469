"""Parquet snapshots: every table as one Parquet file, plus a manifest.

``export_snapshot`` writes ``<dir>/<table>.parquet`` for every table and ``manifest.json``
(schema version, row counts, time). Spark, pandas or another DuckDB read the same files.
``import_snapshot`` reads such a folder back into a store: documents in the snapshot replace
the store's versions of the same documents; import ids are renumbered so they never
collide.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from patnav.errors import InputError, StoreError
from patnav.schema import tables as t
from patnav.storage.store import PatentStore
from patnav.storage.writer import utc_now

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
SNAPSHOT_FORMAT = "patnav-snapshot"


@dataclass(frozen=True, slots=True)
class SnapshotReport:
    """What a snapshot import did."""

    folder: str
    schema_version: int
    documents: int
    new: int
    updated: int
    rows: dict[str, int]
    import_id: int

    def to_dict(self) -> dict[str, object]:
        return {
            "folder": self.folder,
            "format": "snapshot",
            "schema_version": self.schema_version,
            "documents": self.documents,
            "new": self.new,
            "updated": self.updated,
            "rows": self.rows,
            "import_id": self.import_id,
        }


def _literal(path: Path) -> str:
    # COPY takes no bound parameters for its file name; quote it as an SQL string
    # literal.
    return "'" + str(path).replace("'", "''") + "'"


def is_snapshot(folder: Path) -> bool:
    """Whether ``folder`` holds a patnav snapshot."""
    manifest = folder / MANIFEST
    try:
        # a folder of exports may hold a file of that name that is no manifest
        if not manifest.is_file() or manifest.stat().st_size > MAX_MANIFEST_BYTES:
            return False
        data = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == SNAPSHOT_FORMAT


def export_snapshot(store: PatentStore, folder: Path) -> dict[str, int]:
    """Write every table of ``store`` to ``folder`` as Parquet; return rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in t.ALL_TABLES:
        target = folder / f"{table.name}.parquet"
        order = " ORDER BY doc_id" if "doc_id" in table.column_names else ""
        store.execute(
            f"COPY (SELECT * FROM {table.name}{order}) TO {_literal(target)} "
            "(FORMAT PARQUET, COMPRESSION ZSTD)"
        )
        counts[table.name] = store.count(table.name)
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "schema_version": t.SCHEMA_VERSION,
        "created_at": utc_now().isoformat(timespec="seconds"),
        "source_store": store.location,
        "tables": counts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return counts


def import_snapshot(store: PatentStore, folder: Path) -> SnapshotReport:
    """Read a snapshot folder into ``store`` in one transaction.

    Raises:
        InputError: the folder is not a complete snapshot.
        StoreError: the snapshot comes from a newer schema than this patnav knows.
    """
    if not is_snapshot(folder):
        raise InputError(
            f"{folder} is not a patnav snapshot: no {MANIFEST} with format "
            f"'{SNAPSHOT_FORMAT}'. Create one with 'patnav export --parquet {folder}'."
        )
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    version = int(manifest.get("schema_version", 0))
    if version > t.SCHEMA_VERSION:
        raise StoreError(
            f"The snapshot {folder} has schema version {version}; this patnav knows up to "
            f"{t.SCHEMA_VERSION}. Upgrade patnav to read it."
        )
    files = {table.name: folder / f"{table.name}.parquet" for table in t.ALL_TABLES}
    missing = [
        name
        for name, path in files.items()
        if not path.is_file() and name in manifest["tables"]
    ]
    if missing:
        raise InputError(
            f"The snapshot {folder} is incomplete: {', '.join(missing)}.parquet missing."
        )

    rows: dict[str, int] = {}
    with store.transaction():
        offset = int(store.scalar("SELECT coalesce(max(import_id), 0) FROM imports"))
        snapshot_max = 0
        if files["imports"].is_file():
            imports = f"read_parquet({_literal(files['imports'])})"
            snapshot_max = int(
                store.scalar(f"SELECT coalesce(max(import_id), 0) FROM {imports}")
            )
        import_id = offset + snapshot_max + 1
        patents = _literal(files["patents"])
        store.execute(
            f"CREATE TEMP TABLE _snap_ids AS SELECT DISTINCT doc_id FROM read_parquet({patents})"
        )
        try:
            documents = int(store.scalar("SELECT count(*) FROM _snap_ids"))
            updated = int(
                store.scalar(
                    "SELECT count(*) FROM patents WHERE doc_id IN (SELECT doc_id FROM _snap_ids)"
                )
            )
            for table in t.ALL_TABLES:
                path = files[table.name]
                if table is t.META or table.derived or not path.is_file():
                    continue
                source = f"read_parquet({_literal(path)})"
                if table.per_document or table is t.PROVENANCE:
                    store.execute(
                        f"DELETE FROM {table.name} "
                        "WHERE doc_id IN (SELECT doc_id FROM _snap_ids)"
                    )
                if table is t.ENTITIES:
                    store.execute(
                        "DELETE FROM entities WHERE entity_id IN "
                        f"(SELECT entity_id FROM {source})"
                    )
                select = "*"
                if "import_id" in table.column_names:
                    select = f"* REPLACE (import_id + {offset} AS import_id)"
                store.execute(
                    f"INSERT INTO {table.name} BY NAME SELECT {select} FROM {source}"
                )
                rows[table.name] = int(store.scalar(f"SELECT count(*) FROM {source}"))
        except BaseException:
            # the error may have aborted the transaction, which then refuses the DROP;
            # the rollback drops the table anyway: let the error that got here show
            with suppress(StoreError, duckdb.Error):
                store.execute("DROP TABLE IF EXISTS _snap_ids")
            raise
        store.execute("DROP TABLE IF EXISTS _snap_ids")
        now = utc_now()
        store.execute(
            "INSERT INTO imports VALUES (?, ?, 'snapshot', 'ok', ?, ?, ?, ?, ?, 0, 0, ?)",
            [
                import_id,
                str(folder),
                now,
                now,
                documents,
                documents - updated,
                updated,
                f"snapshot of schema version {version}",
            ],
        )
    return SnapshotReport(
        folder=str(folder),
        schema_version=version,
        documents=documents,
        new=documents - updated,
        updated=updated,
        rows=rows,
        import_id=import_id,
    )
