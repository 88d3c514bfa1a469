"""Is a store usable? A check that never writes, for ``patnav doctor`` and ``/healthz``.

::

    from patnav.storage.health import check_store
    health = check_store("navigation.duckdb")          # a path: opened read-only
    health = check_store(handle.store)                 # an open store (the web's)
    if not health.ok:
        print(health.status, health.message)

``check_store`` opens the file read-only (or, for a store this process already holds,
looks through a cursor of it), reads the schema version and counts every table's rows;
with ``deep=True`` it also reads every column of every table, which finds damaged data
blocks (DuckDB checks a block's checksum when it reads it) at the cost of a full scan.

Statuses (``StoreHealth.status``; ``label`` is its Chinese name):

========== ===== ================================================================
status     ok    meaning
========== ===== ================================================================
ok         True  usable
outdated   True  usable; an older schema, migrated when opened for writing
busy       None  in use by another process: not checked (it may be fine)
missing    False no file at that path
damaged    False a corrupt or truncated file (checksums, missing tables)
failed     False DuckDB stopped it after a fatal error in this process; reopen it
newer      False written by a newer patnav
unreadable False not a DuckDB database at all, or unreadable for another reason
========== ===== ================================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from patnav.errors import StoreError, StoreFailedError, excerpt
from patnav.schema import tables as t
from patnav.storage.store import PatentStore, damaged_message, failure_kind
from patnav.storage.writer import utc_now

LABELS = {
    "ok": "正常",
    "outdated": "正常（待升级数据结构）",
    "busy": "使用中（未检查）",
    "missing": "不存在",
    "damaged": "已损坏",
    "failed": "已停止（须重新打开）",
    "newer": "版本过新",
    "unreadable": "无法读取",
}
"""The Chinese name of each status, for pages and reports."""

_OK: dict[str, bool | None] = {
    "ok": True,
    "outdated": True,
    "busy": None,
    "missing": False,
    "damaged": False,
    "failed": False,
    "newer": False,
    "unreadable": False,
}


@dataclass(frozen=True, slots=True)
class StoreHealth:
    """What :func:`check_store` found.

    ``ok`` is True (usable), False (failed: ``message`` says why and what to do) or
    None (not checked: another process holds the store). ``tables`` holds row counts
    when they could be read.
    """

    path: str
    status: str
    message: str
    schema_version: int | None = None
    tables: dict[str, int] = field(default_factory=dict)
    deep: bool = False
    checked_at: str = ""

    @property
    def ok(self) -> bool | None:
        """True when usable, False when failed, None when not checked."""
        return _OK[self.status]

    @property
    def label(self) -> str:
        """The status in Chinese."""
        return LABELS[self.status]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["label"] = self.label
        return data


def check_store(target: Path | str | PatentStore, *, deep: bool = False) -> StoreHealth:
    """Check a store file (opened read-only) or an open store, without writing.

    Never raises for a broken store: every failure is a status with a message.
    """
    if isinstance(target, PatentStore):
        return _check_open(target, deep=deep)
    return _check_path(Path(target), deep=deep)


def _health(path: str, status: str, message: str, **kw: Any) -> StoreHealth:
    checked = utc_now().isoformat(timespec="seconds")
    return StoreHealth(path, status, message, checked_at=checked, **kw)


def _check_path(path: Path, *, deep: bool) -> StoreHealth:
    location = str(path)
    if not path.exists():
        return _health(
            location,
            "missing",
            f"No store at {location}. Create one with 'patnav init' or 'patnav import', "
            "or restore a backup with 'patnav restore BACKUP --store "
            f"{location}'.",
        )
    try:
        conn = duckdb.connect(location, read_only=True)
    except duckdb.ConnectionException:
        # this process holds it for writing (the web platform): look through that
        try:
            conn = duckdb.connect(location)
        except duckdb.Error as exc:
            return _from_error(location, exc)
    except duckdb.Error as exc:
        return _from_error(location, exc)
    with PatentStore(conn, location, read_only=True) as store:
        return _inspect(store, deep=deep)


def _check_open(store: PatentStore, *, deep: bool) -> StoreHealth:
    try:
        cursor = store.cursor()
    except (duckdb.Error, StoreError) as exc:
        return _from_error(store.location, exc)
    with cursor:
        return _inspect(cursor, deep=deep)


def _from_error(location: str, exc: BaseException) -> StoreHealth:
    text = str(exc)
    cause = exc.__cause__ if isinstance(exc, StoreError) else exc
    kind = failure_kind(cause) if cause is not None else None
    if isinstance(exc, StoreFailedError):
        kind = "fatal"
    if kind is None and "lock" in text.lower():
        return _health(
            location,
            "busy",
            f"The store {location} is in use by another process (a running 'patnav "
            "serve' or import), so it was not checked. Check it there, or when that "
            "process has ended.",
        )
    if kind == "fatal":
        return _health(
            location,
            "failed",
            f"DuckDB stopped the store {location} after a fatal error in this process "
            f"({excerpt(text.splitlines()[0], 200)}); close every handle on it and open "
            "it again (restart 'patnav serve'). Its last committed state is on disk.",
        )
    if kind == "damaged":
        return _health(location, "damaged", damaged_message(location, cause or exc))
    return _health(
        location,
        "unreadable",
        f"Cannot read {location} as a patnav store: {excerpt(text, 200)}. Is it a "
        "DuckDB file? 'patnav restore BACKUP --store NEW' restores a backup.",
    )


def _inspect(store: PatentStore, *, deep: bool) -> StoreHealth:
    location = store.location
    try:
        version = store.schema_version
        existing = {
            r[0]
            for r in store.rows(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main'"
            )
        }
        if version == 0 and not existing:
            return _health(
                location,
                "unreadable",
                f"{location} is an empty DuckDB database, not a patnav store. Create "
                "one with 'patnav init'.",
                schema_version=0,
            )
        if version > t.SCHEMA_VERSION:
            return _health(
                location,
                "newer",
                f"The store {location} has schema version {version}; this patnav knows "
                f"up to {t.SCHEMA_VERSION}. Upgrade patnav.",
                schema_version=version,
            )
        expected = {table.name for table in t.ALL_TABLES}
        missing = sorted(expected - existing)
        if missing and version == t.SCHEMA_VERSION:
            return _health(
                location,
                "damaged",
                f"The store {location} lacks the tables {', '.join(missing)}. Restore "
                "it from a backup ('patnav restore BACKUP --store NEW').",
                schema_version=version,
            )
        counts: dict[str, int] = {}
        for table in t.ALL_TABLES:
            if table.name not in existing:
                continue
            counts[table.name] = store.count(table.name)
            if deep and counts[table.name]:
                # reading every column reads every data block, and DuckDB checks the
                # checksum of each block it reads
                store.rows(f"SELECT max(hash(COLUMNS(*))) FROM {table.name}")
    except (duckdb.Error, StoreError) as exc:
        return _from_error(location, exc)
    if version < t.SCHEMA_VERSION:
        return _health(
            location,
            "outdated",
            f"The store {location} has schema version {version}; it is migrated to "
            f"{t.SCHEMA_VERSION} when next opened for writing ('patnav init').",
            schema_version=version,
            tables=counts,
            deep=deep,
        )
    what = "every table read in full" if deep else "tables counted"
    return _health(
        location,
        "ok",
        f"The store {location} is usable: schema version {version}, "
        f"{counts.get('patents', 0):,} documents, {what}.",
        schema_version=version,
        tables=counts,
        deep=deep,
    )
