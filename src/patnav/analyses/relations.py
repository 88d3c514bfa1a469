"""The store's own unit relations: the prepared relations of the whole store, kept.

Preparing a scope (:mod:`patnav.analyses.prepared`) groups its documents into families and
finds each family's facts; at a million documents that takes seconds, and every landscape
paid it again. The store keeps the result for its whole content, counted by family, in the
``unit_*`` tables (schema 13):

* ``unit_docs`` (document → family), ``unit_facts``, ``unit_apps``, ``unit_offices``,
  ``unit_inventors`` and ``unit_codes`` — the same rows ``prepare`` makes for
  ``Scope.everything()``.

**When they are built.** ``patnav enrich`` rebuilds them after its steps (entities,
families and statuses change facts of any family). An import re-derives only the families
it touched: the families its documents belonged to before and belong to now, over all
their documents (a family's facts depend on its documents and nothing else: their
parties, priorities and the entities those name; an import never changes an entity). A
snapshot import replaces entities, so it rebuilds them whole.

**When they are stale.** Their stamp in ``meta`` (key ``unit_relations``) records the last
import, enrich run and entity edit they include. Anything newer that was not folded in — a
store migrated from schema 12, an entity edit, an import by an older patnav — makes them
stale: ``prepare`` then prepares the scope from scratch, as before, and logs why
(:func:`status`); the next ``patnav enrich`` or import rebuilds them.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from patnav.analyses.base import UNIT_SQL, CountBy, Engine, Scope, as_engine
from patnav.schema import tables as t
from patnav.storage.store import PatentStore
from patnav.storage.writer import utc_now

log = logging.getLogger(__name__)

COUNT_BY: CountBy = "family"
"""The counting unit the store keeps relations for (the landscapes' default)."""

STATE_KEY = "unit_relations"

TABLES: dict[str, str] = {
    "units": t.UNIT_FACTS.name,
    "apps": t.UNIT_APPS.name,
    "offices": t.UNIT_OFFICES.name,
    "inventors": t.UNIT_INVENTORS.name,
    "codes": t.UNIT_CODES.name,
}
"""Each prepared relation (see :class:`patnav.analyses.prepared.Base`) and the store
table that keeps it for the whole store."""

REBUILD_HINT = "Run 'patnav enrich' to rebuild them."

_STAMP_SQL = """
SELECT (SELECT coalesce(max(import_id), 0) FROM imports) AS imports,
       (SELECT coalesce(max(run_id), 0) FROM enrich_runs) AS enrich,
       (SELECT coalesce(max(edit_id), 0) FROM entity_edits) AS edits,
       (SELECT max(value) FROM meta WHERE key = 'unit_relations') AS state
"""


@dataclass(frozen=True, slots=True)
class Stamp:
    """The last import, enrich run and entity edit a build of the relations includes."""

    imports: int
    enrich: int
    edits: int


@dataclass(frozen=True, slots=True)
class Status:
    """Whether the store's relations can stand for a fresh ``prepare``, and why not."""

    current: bool
    reason: str | None
    built: Stamp | None
    now: Stamp
    built_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "reason": self.reason,
            "built_at": self.built_at,
        }


def status(source: PatentStore | Engine) -> Status:
    """Whether the store's relations are current (one small query)."""
    row = as_engine(source).fetch(_STAMP_SQL).to_pylist()[0]
    now = Stamp(int(row["imports"]), int(row["enrich"]), int(row["edits"]))
    if row["state"] is None:
        return Status(
            False,
            f"the store's unit relations were never built. {REBUILD_HINT}",
            None,
            now,
        )
    state = json.loads(str(row["state"]))
    built = Stamp(int(state["imports"]), int(state["enrich"]), int(state["edits"]))
    reasons = []
    if now.imports != built.imports:
        reasons.append(f"imports since (last {built.imports}, now {now.imports})")
    if now.enrich != built.enrich:
        reasons.append("enrichment runs since")
    if now.edits != built.edits:
        reasons.append("entity edits since")
    reason = (
        f"the store's unit relations are older than its data ({'; '.join(reasons)}). "
        f"{REBUILD_HINT}"
        if reasons
        else None
    )
    return Status(not reasons, reason, built, now, str(state.get("built_at")))


def build(store: PatentStore) -> dict[str, Any]:
    """Rebuild the store's relations from every document (in the caller's transaction
    if one is open, else in one of its own). Returns what it built."""
    return _in_transaction(store, lambda: _build(store, None))


def refresh(store: PatentStore) -> dict[str, Any]:
    """Bring the store's relations up to date after imports: re-derive the families the
    new imports touched, or rebuild them whole when that would not be sound (never
    built, entity edits or enrich runs since, a snapshot import). Returns what it did."""

    def run() -> dict[str, Any]:
        state = status(store)
        if state.current:
            return {"mode": "current", "seconds": 0.0}
        built = state.built
        if (
            built is None
            or built.enrich != state.now.enrich
            or built.edits != state.now.edits
            or store.scalar(
                "SELECT count(*) FROM imports WHERE import_id > ? AND format = 'snapshot'",
                [built.imports],
            )
        ):
            return _build(store, None)
        return _build(store, built.imports)

    return _in_transaction(store, run)


def _in_transaction(store: PatentStore, work: Any) -> dict[str, Any]:
    if store.in_transaction:  # the caller's transaction holds the work
        result: dict[str, Any] = work()
        return result
    with store.transaction():
        result = work()
    return result


def _build(store: PatentStore, since_import: int | None) -> dict[str, Any]:
    """Build the relations of every family (``since_import`` None) or of the families
    touched by imports after ``since_import``."""
    from patnav.analyses.prepared import Base

    started = time.perf_counter()
    stamp = status(store).now
    engine = as_engine(store)
    unit = UNIT_SQL[COUNT_BY]
    if since_import is None:
        scope = Scope.everything()
    else:
        store.execute(
            "CREATE OR REPLACE TEMP TABLE _rel_touched AS SELECT DISTINCT doc_id "
            "FROM provenance WHERE import_id > ?",
            [since_import],
        )
        store.execute(
            "CREATE OR REPLACE TEMP TABLE _rel_units AS "
            "SELECT unit FROM unit_docs WHERE doc_id IN (SELECT doc_id FROM _rel_touched) "
            f"UNION SELECT {unit} FROM patents p "
            "WHERE p.doc_id IN (SELECT doc_id FROM _rel_touched)"
        )
        scope = Scope.of_sql(
            f"SELECT p.doc_id FROM patents p WHERE {unit} IN (SELECT unit FROM _rel_units)",
            label="touched families",
        )
    base = Base(engine, scope, COUNT_BY).build()
    try:
        tables = {part: base.name(part) for part in TABLES}
        tables["inventors"] = base.inventors()
        tables["codes"] = base.codes()
        if since_import is None:
            for name in (t.UNIT_DOCS.name, *TABLES.values()):
                store.execute(f"DELETE FROM {name}")
        else:
            store.execute(
                "DELETE FROM unit_docs WHERE doc_id IN (SELECT doc_id FROM _rel_touched) "
                "OR unit IN (SELECT unit FROM _rel_units)"
            )
            for name in TABLES.values():
                store.execute(
                    f"DELETE FROM {name} WHERE unit IN (SELECT unit FROM _rel_units)"
                )
        store.execute(f"INSERT INTO unit_docs SELECT doc_id, unit FROM {base.docs}")
        for part, name in TABLES.items():
            columns = ", ".join(t.table(name).column_names)
            store.execute(
                f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {tables[part]}"
            )
        families = int(store.scalar(f"SELECT count(*) FROM {base.units}"))
    finally:
        base.close()
        store.execute("DROP TABLE IF EXISTS _rel_touched")
        store.execute("DROP TABLE IF EXISTS _rel_units")
    state = {
        "imports": stamp.imports,
        "enrich": stamp.enrich,
        "edits": stamp.edits,
        "count_by": COUNT_BY,
        "built_at": utc_now().isoformat(timespec="seconds"),
    }
    store.execute("DELETE FROM meta WHERE key = ?", [STATE_KEY])
    store.execute("INSERT INTO meta VALUES (?, ?)", [STATE_KEY, json.dumps(state)])
    report = {
        "mode": "full" if since_import is None else "incremental",
        "families": families,
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("unit relations %s", report)
    return report
