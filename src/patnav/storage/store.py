"""``PatentStore``: the DuckDB file that holds the normalised tables.

The store owns its connection. Other packages ask it for data through ``query`` (Arrow),
``rows`` and ``scalar`` with parameterised SQL over the tables of
:mod:`patnav.schema.tables`, and write through
:class:`patnav.storage.writer.DocumentWriter`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from patnav.errors import StoreError
from patnav.schema import tables as t
from patnav.storage.migrations import current_version, migrate

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


class PatentStore:
    """An open patnav store. Use :meth:`open`; close it, or use it as a context manager."""

    def __init__(
        self, conn: duckdb.DuckDBPyConnection, location: str, *, read_only: bool
    ):
        self._conn = conn
        self.location = location
        self.read_only = read_only
        self._in_transaction = False

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
            raise StoreError(f"Cannot open the store {location}: {text}") from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"Cannot open {location} as a patnav store: {exc}. Is it a DuckDB file?"
            ) from exc
        store = cls(conn, location, read_only=read_only)
        if read_only:
            version = current_version(conn)
            if version != t.SCHEMA_VERSION:
                conn.close()
                raise StoreError(
                    f"The store {location} has schema version {version}; this patnav needs "
                    f"{t.SCHEMA_VERSION}. Open it once without read-only to migrate it."
                )
        else:
            try:
                migrate(conn, location=location)
            except Exception:
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
        return PatentStore(self._conn.cursor(), self.location, read_only=self.read_only)

    def __repr__(self) -> str:
        return f"PatentStore({self.location!r})"

    # -- reading
    # ---------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        return current_version(self._conn)

    def query(self, sql: str, params: Params = None) -> pa.Table:
        """Run a parameterised query (``?`` with a sequence, ``$name`` with a mapping) and
        return the result as an Arrow table."""
        relation = self._conn.sql(sql, params=_bind(params))
        if relation is None:
            raise StoreError(f"not a query: {sql[:80]}")
        return relation.to_arrow_table()

    def rows(
        self, sql: str, params: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run a parameterised query and return its rows as tuples."""
        return self._conn.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run a parameterised query and return the first column of the first row."""
        # fetchall: a half-read result would block the connection's next statement
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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""
        if self._in_transaction:
            raise StoreError("Nested store transactions are not supported.")
        self._conn.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._in_transaction = False

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement for its effect (storage-internal writers and migrations)."""
        # Fetch the (row-count) result so the connection is free for the next statement.
        self._conn.execute(sql, _bind(params) or []).fetchall()

    def insert_arrow(self, table_name: str, data: pa.Table) -> None:
        """Append Arrow rows whose schema is exactly the table's."""
        name = t.table(table_name).name
        # from_arrow copies the rows; a registered view's buffers would be kept alive by
        # DuckDB until the transaction commits, so memory would grow with the file.
        self._conn.from_arrow(data).insert_into(name)

    @contextmanager
    def staged(self, name: str, data: pa.Table) -> Iterator[str]:
        """Copy an Arrow table into a temporary table ``name`` for the block, then drop it."""
        columns = ", ".join(
            f'"{field.name}" {_SQL_OF_ARROW.get(str(field.type), "VARCHAR")}'
            for field in data.schema
        )
        self._conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} ({columns})"
        ).fetchall()
        try:
            self._conn.from_arrow(data).insert_into(name)
            yield name
        finally:
            self._conn.execute(f"DROP TABLE IF EXISTS {name}").fetchall()

    @contextmanager
    def memory_limit(self, limit: str | None) -> Iterator[None]:
        """Cap DuckDB's memory (``512MB``, ``2GB``) for the block; None leaves it as is."""
        if not limit:
            yield
            return
        before = self.scalar("SELECT current_setting('memory_limit')")
        self._conn.execute("SET memory_limit = ?", [limit]).fetchall()
        try:
            yield
        finally:
            self._conn.execute("SET memory_limit = ?", [before]).fetchall()

    def checkpoint(self) -> None:
        """Write the write-ahead log into the database file."""
        self._conn.execute("CHECKPOINT")


def open_store(
    path: Path | str | None = None, *, read_only: bool = False
) -> PatentStore:
    """Open (creating and migrating if needed) the store at ``path``; in memory if None."""
    return PatentStore.open(path, read_only=read_only)
