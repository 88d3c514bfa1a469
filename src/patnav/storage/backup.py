"""Online backup and restore of a store: one file holding every table.

A backup is a zip (stored, not recompressed) of one Parquet file per table plus
``manifest.json`` — the format, the schema version, each table's row count and each
file's SHA-256. :func:`backup_store` reads every table inside **one read transaction**,
so the backup is one consistent state of the store even while other connections read or
write it (DuckDB's snapshot isolation); it works on a store opened read-only, so readers
in other processes may keep it open. The backup file is written beside its final name
and renamed into place when complete: a failed backup (a full disk) leaves no partial
file behind.

:func:`restore_store` builds a **new** store from a backup — it never overwrites one —
verifies each file against the manifest, loads every table in one transaction, brings
an older backup to the current schema by replaying the later migrations, checks the row
counts, and only then moves the new file to its name.

The search indexes (``<store>.search/``) are a cache and are not in the backup:
``patnav index`` rebuilds them after a restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from patnav.errors import InputError, StoreError, excerpt
from patnav.schema import tables as t
from patnav.storage.store import PatentStore
from patnav.storage.writer import utc_now

BACKUP_FORMAT = "patnav-backup"
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup or a restore holds: one consistent state of a store."""

    path: str
    store: str
    schema_version: int
    tables: dict[str, int]
    bytes: int
    seconds: float
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "store": self.store,
            "schema_version": self.schema_version,
            "tables": self.tables,
            "bytes": self.bytes,
            "seconds": self.seconds,
            "notes": list(self.notes),
        }


def _literal(path: Path) -> str:
    # COPY takes no bound parameters for its file name: quote it as an SQL literal
    return "'" + str(path).replace("'", "''") + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backup_store(store: PatentStore, out: Path) -> BackupReport:
    """Write a consistent backup of ``store`` to ``out`` (replaced if it exists).

    Raises:
        StoreError: the store cannot be read, or the backup cannot be written (the
            message says why; no partial file is left).
    """
    started = time.perf_counter()
    out = Path(out)
    if not out.parent.is_dir():
        raise StoreError(
            f"Cannot write the backup {out}: folder {out.parent} does not exist."
        )
    partial = out.with_name(out.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(
            prefix=".patnav-backup-", dir=out.parent
        ) as tmp:
            folder = Path(tmp)
            counts: dict[str, int] = {}
            with store.transaction():  # one snapshot of every table
                version = store.schema_version
                for table in t.ALL_TABLES:
                    target = folder / f"{table.name}.parquet"
                    store.execute(
                        f"COPY (SELECT * FROM {table.name}) TO {_literal(target)} "
                        "(FORMAT PARQUET, COMPRESSION ZSTD)"
                    )
                    counts[table.name] = store.count(table.name)
            manifest = {
                "format": BACKUP_FORMAT,
                "schema_version": version,
                "created_at": utc_now().isoformat(timespec="seconds"),
                "source_store": store.location,
                "tables": counts,
                "sha256": {
                    f"{name}.parquet": _sha256(folder / f"{name}.parquet")
                    for name in counts
                },
                "search_index": "not included: 'patnav index' rebuilds it",
            }
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
                zf.writestr(
                    MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False)
                )
                for name in counts:
                    zf.write(folder / f"{name}.parquet", f"{name}.parquet")
            with partial.open("rb+") as f:
                os.fsync(f.fileno())
        os.replace(partial, out)
    except OSError as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise StoreError(
            f"Cannot write the backup {out}: {exc.strerror or exc}. Free disk space or "
            "choose another place; nothing was left behind."
        ) from exc
    except BaseException:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        path=str(out),
        store=store.location,
        schema_version=version,
        tables=counts,
        bytes=out.stat().st_size,
        seconds=time.perf_counter() - started,
        notes=(
            "the search indexes are not in the backup: 'patnav index' rebuilds them",
        ),
    )


def _read_manifest(zf: zipfile.ZipFile, backup: Path) -> dict[str, object]:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{backup} is not a patnav backup: no readable {MANIFEST} "
            f"({excerpt(str(exc), 120)}). Make one with 'patnav backup --out FILE'."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise InputError(
            f"{backup} is not a patnav backup (its manifest has no format "
            f"'{BACKUP_FORMAT}'). Make one with 'patnav backup --out FILE'."
        )
    return manifest


def restore_store(backup: Path, target: Path) -> BackupReport:
    """Build a new store at ``target`` from ``backup``.

    Raises:
        StoreError: ``target`` exists (a restore never overwrites a store), the backup
            comes from a newer patnav, or the restored counts disagree with it.
        InputError: ``backup`` is not a patnav backup, or is damaged.
    """
    started = time.perf_counter()
    backup, target = Path(backup), Path(target)
    if target.exists():
        raise StoreError(
            f"{target} exists: a restore never overwrites a store. Give a new path with "
            "--store, or move the existing file away first."
        )
    if not target.parent.is_dir():
        raise StoreError(
            f"Cannot restore to {target}: folder {target.parent} does not exist."
        )
    if not backup.is_file():
        raise InputError(f"No backup file at {backup}.")
    partial = target.with_name(target.name + ".restoring")
    for leftover in (partial, Path(f"{partial}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        with tempfile.TemporaryDirectory(
            prefix=".patnav-restore-", dir=target.parent
        ) as tmp:
            folder = Path(tmp)
            version, counts = _unpack(backup, folder)
            notes: list[str] = []
            with PatentStore.open(partial) as store:
                _load(store, folder, counts, version)
                restored = store.counts()
                if version == t.SCHEMA_VERSION:
                    wrong = {
                        name: (n, restored.get(name))
                        for name, n in counts.items()
                        if restored.get(name) != n
                    }
                    if wrong:
                        raise StoreError(
                            f"The restore of {backup} does not match its manifest "
                            f"(table: backup, restored): {wrong}. The backup may be "
                            "damaged; nothing was restored."
                        )
                else:
                    notes.append(
                        f"the backup has schema version {version}: brought to "
                        f"{t.SCHEMA_VERSION} by replaying the migrations since"
                    )
                store.checkpoint()
        wal = Path(f"{partial}.wal")
        if wal.exists():  # never left by a clean close; moved with the file if it is
            os.replace(wal, Path(f"{target}.wal"))
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, Path(f"{partial}.wal")):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise
    notes.append("the search indexes are not in a backup: 'patnav index' rebuilds them")
    return BackupReport(
        path=str(backup),
        store=str(target),
        schema_version=t.SCHEMA_VERSION,
        tables=restored,
        bytes=target.stat().st_size,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _unpack(backup: Path, folder: Path) -> tuple[int, dict[str, int]]:
    """Check the backup and extract its table files into ``folder``; its schema version
    and row counts."""
    try:
        with zipfile.ZipFile(backup) as zf:
            manifest = _read_manifest(zf, backup)
            version = manifest.get("schema_version")
            if not isinstance(version, int):
                raise InputError(f"{backup}: the manifest has no schema version.")
            if version > t.SCHEMA_VERSION:
                raise StoreError(
                    f"The backup {backup} has schema version {version}; this patnav "
                    f"knows up to {t.SCHEMA_VERSION}. Upgrade patnav to restore it."
                )
            digests = manifest.get("sha256")
            tables = manifest.get("tables")
            if not isinstance(digests, dict) or not isinstance(tables, dict):
                raise InputError(f"{backup}: the manifest lists no tables.")
            known = {table.name for table in t.ALL_TABLES}
            for name in tables:
                if name not in known:
                    raise InputError(
                        f"{backup} holds a table this patnav does not know: "
                        f"{excerpt(name)}."
                    )
                member = f"{name}.parquet"
                target = folder / member
                with zf.open(member) as src, target.open("wb") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
                if _sha256(target) != digests.get(member):
                    raise InputError(
                        f"{backup} is damaged: {member} does not match its checksum. "
                        "Use another backup."
                    )
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            f"{backup} is damaged or not a patnav backup ({excerpt(str(exc), 200)}). "
            "Use another backup."
        ) from None
    return version, {str(name): int(n) for name, n in tables.items()}


def _load(
    store: PatentStore, folder: Path, counts: dict[str, int], version: int
) -> None:
    """Fill the fresh ``store`` with the backup's tables, in one transaction."""
    with store.transaction():
        store.execute("DELETE FROM meta")
        for name in counts:
            source = f"read_parquet({_literal(folder / f'{name}.parquet')})"
            store.execute(f"INSERT INTO {name} BY NAME SELECT * FROM {source}")
        if version < t.SCHEMA_VERSION:
            store.replay_migrations(since=version)
