"""Numbered, idempotent schema migrations.

A store records its schema version in ``meta``. Opening a store applies every migration
above that version, in one transaction, then records the new version. Each migration is
written so that running it twice changes nothing (``IF NOT EXISTS`` everywhere):
migration 1 creates the tables as :mod:`patnav.schema.tables` defines them today, so a
later migration that adds a column must use ``ADD COLUMN IF NOT EXISTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from patnav.errors import StoreError
from patnav.schema import tables as t
from patnav.schema.vocabulary import parse_legal_status


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema's history."""

    version: int
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _create_tables(conn: duckdb.DuckDBPyConnection) -> None:
    for table in t.ALL_TABLES:
        conn.execute(table.ddl())


def _v2_enrichment_and_sets(conn: duckdb.DuckDBPyConnection) -> None:
    for table, column in (
        (t.PATENTS, "expiry_estimated"),
        (t.PATENTS, "status_source"),
        (t.PARTIES, "norm_name"),
        (t.PARTIES, "region_code"),
        (t.PARTIES, "location_source"),
    ):
        sql = next(c.sql for c in table.columns if c.name == column)
        conn.execute(
            f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS {column} {sql}"
        )
    # schema 1 never wrote entities: its placeholder table is replaced by the real one
    if (
        conn.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'entities' AND column_name = 'name'"
        ).fetchall()[0][0]
        == 0
    ):
        conn.execute("DROP TABLE IF EXISTS entities")
    _create_tables(conn)


def _v3_quarantine_keyed_by_content(conn: duckdb.DuckDBPyConnection) -> None:
    """Quarantine entries get the file's content hash, and the copies earlier imports
    of the same file appended are removed.

    Rows of older stores have no hash; a re-imported file added exact copies of its
    rows (same file, position, row, reason and content), so of each set of copies only
    the most recent import's is kept.
    """
    conn.execute("ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS file_hash VARCHAR")
    conn.execute(
        "DELETE FROM quarantine WHERE rowid IN ("
        "  SELECT rowid FROM ("
        "    SELECT rowid, row_number() OVER ("
        "      PARTITION BY file, position, row_number, reason, raw"
        "      ORDER BY import_id DESC, created_at DESC"
        "    ) AS copy"
        "    FROM quarantine WHERE file_hash IS NULL"
        "  ) WHERE copy > 1"
        ")"
    )


def _v4_status_evidence(conn: duckdb.DuckDBPyConnection) -> None:
    """``status_as_of``; statuses and expiries that term rules wrote are taken back.

    Schemas 2 and 3 wrote ``legal_status = 'expired'`` (``status_source = 'rule'``) whenever an
    estimated term had ended, and estimated expiries for unexamined applications too. Such
    values are estimates, not evidence: the source's own status returns (parsed from
    ``legal_status_raw``), and the estimates go until the next ``patnav enrich``
    recomputes them for granted rights only.
    """
    sql = next(c.sql for c in t.PATENTS.columns if c.name == "status_as_of")
    conn.execute(f"ALTER TABLE patents ADD COLUMN IF NOT EXISTS status_as_of {sql}")
    raws = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT legal_status_raw FROM patents "
            "WHERE status_source = 'rule' AND legal_status_raw IS NOT NULL"
        ).fetchall()
    ]
    conn.execute(
        "UPDATE patents SET legal_status = NULL, status_source = NULL "
        "WHERE status_source = 'rule'"
    )
    for raw in raws:
        status = parse_legal_status(raw)
        if status is not None and status != "unknown":
            conn.execute(
                "UPDATE patents SET legal_status = ?, status_source = 'source' "
                "WHERE legal_status_raw = ? AND legal_status IS NULL "
                "AND status_source IS NULL",
                [str(status), raw],
            )
    conn.execute(
        "UPDATE patents SET expiry_date = NULL, expiry_estimated = NULL "
        "WHERE expiry_estimated"
    )


def _v5_maintenance(conn: duckdb.DuckDBPyConnection) -> None:
    """The ``maintenance`` table (issue 14): filled by ``patnav enrich --step
    maintenance``."""
    conn.execute(t.MAINTENANCE.ddl())


ENTERPRISE_TABLES = (
    "enterprises",
    "enterprise_qualifications",
    "enterprise_links",
    "enterprise_groups",
    "group_members",
)


def _v6_enterprises(conn: duckdb.DuckDBPyConnection) -> None:
    """The enterprise register, its qualifications, links to applicants and corporate
    groups (issue 14): new tables only."""
    for name in ENTERPRISE_TABLES:
        conn.execute(t.table(name).ddl())


def _v7_indicators(conn: duckdb.DuckDBPyConnection) -> None:
    """The ``indicators`` and ``effects`` tables (issue 14): counts, value estimates
    and technical effects the Chinese databases report. New tables only."""
    conn.execute(t.INDICATORS.ddl())
    conn.execute(t.EFFECTS.ddl())


_TERM_ENDED_EVENT = (
    "(regexp_matches(lower(coalesce(description, '') || ' ' || coalesce(code, '')), "
    "'届满|expir') AND NOT regexp_matches(lower(coalesce(description, '') || ' ' || "
    "coalesce(code, '')), '年费|fee|payment'))"
)


def _v8_status_detail(conn: duckdb.DuckDBPyConnection) -> None:
    """``patents.status_detail`` (the reason behind a status, filled by the next ``patnav
    enrich``) and ``events.source``; stored events take the new types a re-import
    would give: a lapse that says the term ended is an ``expiry``, a preservation order
    (保全) and a re-examination (复审) that were ``other`` get their own types."""
    for table, column in ((t.PATENTS, "status_detail"), (t.EVENTS, "source")):
        sql = next(c.sql for c in table.columns if c.name == column)
        conn.execute(
            f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS {column} {sql}"
        )
    conn.execute(
        f"UPDATE events SET type = 'expiry' WHERE type = 'lapse' AND {_TERM_ENDED_EVENT}"
    )
    for word, kind in (("保全", "preservation"), ("复审", "reexamination")):
        conn.execute(
            f"UPDATE events SET type = '{kind}' WHERE type = 'other' AND "
            "contains(coalesce(code, '') || ' ' || coalesce(description, ''), ?)",
            [word],
        )


def _v9_value_scores(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(t.VALUE_SCORES.ddl())


def _v10_monitors(conn: duckdb.DuckDBPyConnection) -> None:
    """Monitors, their state, runs, alerts and muted pairs (issue 17): new tables only."""
    for table in t.MONITOR_TABLES:
        conn.execute(table.ddl())


def _v11_sme_library(conn: duckdb.DuckDBPyConnection) -> None:
    """The SME cultivation library's state and transitions (issue 18): new tables only."""
    for table in t.SME_TABLES:
        conn.execute(table.ddl())


def _v12_tags(conn: duckdb.DuckDBPyConnection) -> None:
    """Tag schemes, tags and their reviews (issue 19): new tables only."""
    for table in t.TAG_TABLES:
        conn.execute(table.ddl())


def _v13_unit_relations(conn: duckdb.DuckDBPyConnection) -> None:
    """The store's unit relations (issue 20): new tables, empty until the next import or
    enrich builds them (until then analyses prepare their scope from scratch)."""
    for table in t.UNIT_TABLES:
        conn.execute(table.ddl())


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create the normalised schema", _create_tables),
    Migration(
        2,
        "enrichment columns and tables, patent sets, embeddings",
        _v2_enrichment_and_sets,
    ),
    Migration(
        3,
        "quarantine keyed by file content: a re-import replaces its entries",
        _v3_quarantine_keyed_by_content,
    ),
    Migration(
        4,
        "legal status from evidence only: status_as_of; term-rule statuses taken back",
        _v4_status_evidence,
    ),
    Migration(
        5,
        "maintenance state of granted patents: fees paid, next due, grace, lapse",
        _v5_maintenance,
    ),
    Migration(
        6,
        "enterprise register, qualifications, applicant links, corporate groups",
        _v6_enterprises,
    ),
    Migration(
        7,
        "indicators (citation counts, family size, value estimates) and technical "
        "effects the source reports",
        _v7_indicators,
    ),
    Migration(
        8,
        "status detail beside the coarse status; event source; expiry, preservation and "
        "re-examination events",
        _v8_status_detail,
    ),
    Migration(9, "patent value scores per use", _v9_value_scores),
    Migration(
        10,
        "monitors, their state, runs, alerts and muted pairs",
        _v10_monitors,
    ),
    Migration(
        11,
        "SME cultivation library: state per enterprise, transitions and declarations",
        _v11_sme_library,
    ),
    Migration(12, "tag schemes, tags (标引) and their reviews", _v12_tags),
    Migration(
        13,
        "the store's unit relations (families' facts, applicants, offices, inventors, "
        "codes), built at enrich time and kept current by imports",
        _v13_unit_relations,
    ),
)

assert MIGRATIONS[-1].version == t.SCHEMA_VERSION, (
    "SCHEMA_VERSION must match MIGRATIONS"
)


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the store, 0 for an empty database."""
    has_meta = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()
    if not has_meta or not has_meta[0][0]:
        return 0
    rows = conn.execute(
        "SELECT value FROM meta WHERE key = 'schema_version'"
    ).fetchall()
    return int(rows[0][0]) if rows else 0


def replay(conn: duckdb.DuckDBPyConnection, *, since: int) -> None:
    """Apply every migration above ``since`` to tables already at the current shape
    (data restored from an older backup), in the caller's transaction, and record the
    current version. Migrations are idempotent, so only their data steps change
    anything."""
    for migration in MIGRATIONS:
        if migration.version > since:
            migration.apply(conn)
    conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
    conn.execute(
        "INSERT INTO meta VALUES ('schema_version', ?)", [str(t.SCHEMA_VERSION)]
    )


def migrate(conn: duckdb.DuckDBPyConnection, *, location: str) -> int:
    """Bring the store to the current schema; return the version it had before.

    Raises:
        StoreError: the store was written by a newer patnav.
    """
    before = current_version(conn)
    if before > t.SCHEMA_VERSION:
        raise StoreError(
            f"The store {location} has schema version {before}, but this patnav knows only "
            f"up to {t.SCHEMA_VERSION}. Upgrade patnav, or open another store."
        )
    pending = [m for m in MIGRATIONS if m.version > before]
    if not pending:
        return before
    conn.execute("BEGIN TRANSACTION")
    try:
        for migration in pending:
            migration.apply(conn)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
        conn.execute(
            "INSERT INTO meta VALUES ('schema_version', ?)", [str(t.SCHEMA_VERSION)]
        )
        if before == 0:
            conn.execute("INSERT INTO meta VALUES ('created_at', ?)", [now])
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return before
