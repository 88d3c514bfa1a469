"""``PatentStore``: the DuckDB file that holds the normalised tables.

The store owns its connection. Other packages ask it for data through ``query`` (Arrow),
``rows`` and ``scalar`` with parameterised SQL over the tables of
:mod:`patnav.schema.tables`, and write through
:class:`patnav.storage.writer.DocumentWriter`.

**Failures.** DuckDB *invalidates* a database after a fatal error — most often its
automatic checkpoint running out of memory under the import memory cap, or a failed disk
write — and then refuses every statement until the database is reopened. A store opened
with :meth:`PatentStore.open` reopens itself at its last committed state when that
happens (what was being written is rolled back; a commit DuckDB calls durable stays) and
raises :class:`~patnav.errors.StoreFailedError`; a cursor cannot reopen the database
under its owner and raises the same error with ``recovered=False``. A damaged file
(checksum errors, a truncated file) raises :class:`~patnav.errors.StoreError` saying so,
never a bare DuckDB error. :mod:`patnav.storage.health` checks a store without opening
it for writing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from patnav.errors import StoreError, StoreFailedError, excerpt
from patnav.schema import tables as t
from patnav.storage.migrations import current_version, migrate, replay

MEMORY = ":memory:"
Params = Sequence[Any] | Mapping[str, Any] | None


def _bind(params: Params) -> list[Any] | dict[str, Any] | None:
    if not params:
        return None
    if isinstance(params, Mapping):
        return dict(params)
    return list(params)


_SQL_OF_ARROW = {
    "string": "VARCHAR",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "bool": "BOOLEAN",
    "date32[day]": "DATE",
    "double": "DOUBLE",
}


_FATAL = ("database has been invalidated", "FATAL Error")
_DAMAGED = (
    "Corrupt database file",
    "Could not read enough bytes",
    "checksum",
)
_COMMITTED = "COMMIT succeeded and is durable"
_MEMORY = ("failed to pin block", "could not allocate block", "Out of Memory")
_DISK = (
    "No space left on device",
    "File too large",
    "Disk quota exceeded",
    "Could not write file",
)


def failure_kind(exc: BaseException) -> str | None:
    """What a DuckDB error says about the database: ``"fatal"`` (invalidated: every
    statement fails until it is reopened), ``"damaged"`` (the file is corrupt or
    truncated), ``"disk"`` (a write failed: the disk is full or a size limit was
    reached; the statement or commit was rolled back), ``"memory"`` (a statement ran
    out of memory; nothing else is wrong), or None (an ordinary error of one
    statement)."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc)
    if isinstance(exc, duckdb.FatalException) or any(m in text for m in _FATAL):
        return "fatal"
    if any(m in text for m in _DAMAGED):
        return "damaged"
    if any(m in text for m in _DISK):
        return "disk"
    if isinstance(exc, duckdb.OutOfMemoryException) or any(m in text for m in _MEMORY):
        return "memory"
    return None


def damaged_message(location: str, exc: BaseException) -> str:
    """What to tell a user whose store file is damaged."""
    return (
        f"The store {location} is damaged: {excerpt(str(exc).splitlines()[0], 200)}. "
        "Restore it from a backup ('patnav restore BACKUP --store NEW'), or import its "
        "sources into a new store; 'patnav doctor' checks a store."
    )


class PatentStore:
    """An open patnav store. Use :meth:`open`; close it, or use it as a context manager."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        location: str,
        *,
        read_only: bool,
        owner: bool = False,
    ):
        self._conn = conn
        self.location = location
        self.read_only = read_only
        self._in_transaction = False
        self._owner = owner
        self._memory_limit: str | None = None
        self._memory_before: str | None = None
        self._generation = 0
        self.recoveries = 0
        """How many times this store reopened its database after a fatal error."""

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, read_only: bool = False
    ) -> PatentStore:
        """Open (creating and migrating if needed) the store at ``path``; in memory if None.

        Raises:
            StoreError: the file is locked by another process, is not a DuckDB database,
                or was written by a newer patnav.
        """
        location = MEMORY if path is None or str(path) == MEMORY else str(Path(path))
        if location != MEMORY:
            parent = Path(location).parent
            if read_only and not Path(location).exists():
                raise StoreError(
                    f"No store at {location}. Create one with 'patnav init' or "
                    "'patnav import', or point --store / PATNAV_STORE at an existing one."
                )
            if not parent.exists():
                raise StoreError(
                    f"Cannot create the store {location}: folder {parent} does not exist."
                )
        try:
            conn = duckdb.connect(location, read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(
                    f"The store {location} is in use by another process. Close that "
                    "process (a running 'patnav serve' or import), or use another --store."
                ) from exc
            if failure_kind(exc) == "damaged":
                raise StoreError(damaged_message(location, exc)) from exc
            raise StoreError(
                f"Cannot open the store {location}: {excerpt(text, 300)}. Is it a "
                "DuckDB file? 'patnav doctor' checks a store."
            ) from exc
        except duckdb.Error as exc:
            if failure_kind(exc) == "fatal":
                raise StoreFailedError(
                    f"The store {location} was stopped by a fatal error in this process "
                    "and cannot be used until every handle on it is closed; close them "
                    "(restart 'patnav serve') and open it again."
                ) from exc
            if failure_kind(exc) == "damaged":
                raise StoreError(damaged_message(location, exc)) from exc
            raise StoreError(
                f"Cannot open {location} as a patnav store: {excerpt(str(exc), 300)}. "
                "Is it a DuckDB file?"
            ) from exc
        store = cls(conn, location, read_only=read_only, owner=True)
        try:
            if read_only:
                version = current_version(conn)
                if version != t.SCHEMA_VERSION:
                    raise StoreError(
                        f"The store {location} has schema version {version}; this "
                        f"patnav needs {t.SCHEMA_VERSION}. Open it once without "
                        "read-only to migrate it."
                    )
            else:
                migrate(conn, location=location)
        except duckdb.Error as exc:
            conn.close()
            if failure_kind(exc) == "damaged":
                raise StoreError(damaged_message(location, exc)) from exc
            raise StoreError(
                f"Cannot open {location} as a patnav store: {excerpt(str(exc), 300)}"
            ) from exc
        except BaseException:
            conn.close()
            raise
        return store

    # -- lifecycle
    # -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; the store can no longer be used."""
        self._conn.close()

    def __enter__(self) -> PatentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> PatentStore:
        """A handle on the same database for another thread (a web request, a worker).

        DuckDB connections are not safe to share between threads; cursors are. Close the
        cursor when done (it is a context manager); the store stays open.
        """
        with self._guard():
            conn = self._conn.cursor()
        return PatentStore(conn, self.location, read_only=self.read_only)

    # -- failures
    # ------------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn DuckDB's fatal, damaged-file and out-of-memory errors into StoreErrors
        (reopening the database after a fatal one); other errors pass unchanged."""
        try:
            yield
        except duckdb.Error as exc:
            failure = self._failure(exc)
            if failure is None:
                raise
            raise failure from exc

    def _failure(self, exc: duckdb.Error) -> StoreError | None:
        kind = failure_kind(exc)
        if kind == "fatal":
            recovered = self._reopen()
            first = excerpt(str(exc).splitlines()[0], 300)
            if recovered:
                return StoreFailedError(
                    f"DuckDB stopped the store {self.location} after a fatal error "
                    f"({first}). patnav reopened it at its last committed state: what "
                    "was being written was rolled back, nothing committed was lost. If "
                    "it ran out of memory, raise PATNAV_IMPORT_MEMORY_LIMIT.",
                    recovered=True,
                )
            written = (
                "The last commit is durable; only the checkpoint after it failed."
                if _COMMITTED in str(exc)
                else "What was being written was not committed."
            )
            return StoreFailedError(
                f"DuckDB stopped the store {self.location} after a fatal error ({first}); "
                "it cannot be used until every handle on it is closed and it is opened "
                f"again (restart 'patnav serve'). {written}"
            )
        if kind == "damaged":
            return StoreError(damaged_message(self.location, exc))
        if kind == "disk":
            return StoreError(
                f"The store {self.location} could not be written: the disk is full or a "
                f"file-size limit was reached ({excerpt(str(exc).splitlines()[0], 200)})."
                " What was being written was rolled back and the store is as before. "
                "Free disk space, then import again."
            )
        if kind == "memory":
            return StoreError(
                f"The store {self.location} ran out of memory for this operation "
                f"({excerpt(str(exc).splitlines()[0], 200)}); nothing was changed by it. "
                "Raise the memory limit (PATNAV_IMPORT_MEMORY_LIMIT for imports) or "
                "work on a smaller part."
            )
        return None

    def _reopen(self) -> bool:
        """Reopen an invalidated database on a fresh connection; False when this handle
        cannot (a cursor, an in-memory store, or the reopening failed)."""
        if not self._owner or self.location == MEMORY:
            return False
        with suppress(duckdb.Error):
            self._conn.close()
        try:
            self._conn = duckdb.connect(self.location, read_only=self.read_only)
            if self._memory_limit:
                self._conn.execute("SET memory_limit = ?", [self._memory_limit])
        except duckdb.Error:
            return False
        self._in_transaction = False
        self._generation += 1
        self.recoveries += 1
        return True

    def __repr__(self) -> str:
        return f"PatentStore({self.location!r})"

    # -- reading
    # ---------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        with self._guard():
            return current_version(self._conn)

    def query(self, sql: str, params: Params = None) -> pa.Table:
        """Run a parameterised query (``?`` with a sequence, ``$name`` with a mapping) and
        return the result as an Arrow table."""
        with self._guard():
            relation = self._conn.sql(sql, params=_bind(params))
            if relation is None:
                raise StoreError(f"not a query: {sql[:80]}")
            return relation.to_arrow_table()

    def rows(
        self, sql: str, params: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run a parameterised query and return its rows as tuples."""
        with self._guard():
            return self._conn.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run a parameterised query and return the first column of the first row."""
        # fetchall: a half-read result would block the connection's next statement
        with self._guard():
            rows = self._conn.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def count(self, table_name: str) -> int:
        """The number of rows in one of the store's tables."""
        name = t.table(table_name).name  # only known tables, never user text in SQL
        return int(self.scalar(f"SELECT count(*) FROM {name}"))

    def counts(self) -> dict[str, int]:
        """Row counts of every table."""
        return {table.name: self.count(table.name) for table in t.ALL_TABLES}

    # -- writing
    # ---------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        """Whether a :meth:`transaction` block is open."""
        return self._in_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all.

        Raises:
            StoreFailedError: DuckDB stopped the database inside the block or at the
                commit; nothing of the block was committed. (When DuckDB says the
                commit itself is durable and only the checkpoint after it failed, the
                store is reopened and no error is raised: the block was committed.)
            StoreError: the commit failed (out of memory, a full disk): nothing was
                committed, and the store was reopened from its file.
        """
        if self._in_transaction:
            raise StoreError("Nested store transactions are not supported.")
        generation = self._generation
        with self._guard():
            self._conn.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            if self._generation == generation:  # still the connection that began it
                try:
                    self._conn.execute("ROLLBACK")
                except duckdb.Error as exc:
                    self._failure(exc)  # a fatal error: reopen; the block's error wins
            raise
        else:
            try:
                self._commit()
            except duckdb.Error as exc:
                failure = self._failure(exc)
                if (
                    _COMMITTED in str(exc)
                    and isinstance(failure, StoreFailedError)
                    and failure.recovered
                ):
                    return  # committed; only the checkpoint after it failed
                if not isinstance(failure, StoreFailedError):
                    # a commit that failed can leave DuckDB's memory inconsistent (the
                    # next checkpoint then finds "corrupted in-memory column data" and
                    # invalidates the database): start again from the file
                    self._reopen()
                if failure is None:
                    raise
                raise failure from exc
        finally:
            self._in_transaction = False

    def _commit(self) -> None:
        # Under a memory cap, DuckDB's automatic checkpoint at commit can run out of
        # memory, and a failed checkpoint invalidates the whole database: the cap is
        # lifted to what it was before for the commit (transient), then set again.
        if self._memory_limit is None:
            self._conn.execute("COMMIT")
            return
        limit, before = self._memory_limit, self._memory_before
        self._conn.execute("SET memory_limit = ?", [before])
        try:
            self._conn.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):  # the commit's own error is the one to see
                self._conn.execute("SET memory_limit = ?", [limit])
            raise
        self._conn.execute("SET memory_limit = ?", [limit])

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement for its effect (storage-internal writers and migrations)."""
        # Fetch the (row-count) result so the connection is free for the next statement.
        with self._guard():
            self._conn.execute(sql, _bind(params) or []).fetchall()

    def insert_arrow(self, table_name: str, data: pa.Table) -> None:
        """Append Arrow rows whose schema is exactly the table's."""
        name = t.table(table_name).name
        # from_arrow copies the rows; a registered view's buffers would be kept alive by
        # DuckDB until the transaction commits, so memory would grow with the file.
        with self._guard():
            self._conn.from_arrow(data).insert_into(name)

    @contextmanager
    def staged(self, name: str, data: pa.Table) -> Iterator[str]:
        """Copy an Arrow table into a temporary table ``name`` for the block, then drop it."""
        columns = ", ".join(
            f'"{field.name}" {_SQL_OF_ARROW.get(str(field.type), "VARCHAR")}'
            for field in data.schema
        )
        with self._guard():
            self._conn.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} ({columns})"
            ).fetchall()
        generation = self._generation
        try:
            with self._guard():
                self._conn.from_arrow(data).insert_into(name)
            yield name
        except BaseException:
            # an error may have aborted the transaction, which then refuses the DROP:
            # the error that got here is the one to see (a rollback drops the table)
            if self._generation == generation:
                with suppress(duckdb.Error):
                    self._conn.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
            raise
        with self._guard():
            self._conn.execute(f"DROP TABLE IF EXISTS {name}").fetchall()

    @contextmanager
    def memory_limit(self, limit: str | None) -> Iterator[None]:
        """Cap DuckDB's memory (``512MB``, ``2GB``) for the block; None leaves it as is."""
        if not limit:
            yield
            return
        before = self.scalar("SELECT current_setting('memory_limit')")
        with self._guard():
            self._conn.execute("SET memory_limit = ?", [limit]).fetchall()
        self._memory_limit, self._memory_before = limit, before
        try:
            yield
        finally:
            self._memory_limit = None
            with self._guard():
                self._conn.execute("SET memory_limit = ?", [before]).fetchall()

    def replay_migrations(self, *, since: int) -> None:
        """Apply again the migrations above schema version ``since`` (inside the
        caller's transaction): brings tables loaded from an older backup to this
        schema's data."""
        with self._guard():
            replay(self._conn, since=since)

    def checkpoint(self) -> None:
        """Write the write-ahead log into the database file."""
        with self._guard():
            self._conn.execute("CHECKPOINT")


def open_store(
    path: Path | str | None = None, *, read_only: bool = False
) -> PatentStore:
    """Open (creating and migrating if needed) the store at ``path``; in memory if None."""
    return PatentStore.open(path, read_only=read_only)
