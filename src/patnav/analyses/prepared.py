"""A scope prepared for analysis: its per-unit facts materialised once, on one engine.

Every analysis reads the same few relations of its scope. Computing them is the expensive
part (grouping a million documents into units, finding each unit's origin and lead
applicant); aggregating them afterwards is cheap. So a scope is prepared once into:

* ``docs``    — the scope's documents with their ``unit`` and ``first_date``;
* ``units``   — one row per counting unit with every fact an analysis asks about: filing,
  publication and grant years, type, first office, main IPC, best legal status (with the
  basis and as-of date of the document that gives it, and whether an estimated term of a
  document has ended), grant and status flags, citations, origin (country, province,
  city), lead applicant (key, name, type) and number of applicants;
* ``apps``    — one row per unit and applicant (resolved entity, else name), carrying the
  unit's facts so rankings need no join;
* ``offices`` — one row per unit and office it was published at;
* on demand, ``inventors`` (unit × inventor, with the unit's lead applicant) and ``codes``
  (unit × every IPC symbol).

``based(source, scope, count_by)`` gives an analysis its prepared relations: those of a scope
already prepared by ``prepare`` (a whole landscape pays once), or fresh ones dropped when the
analysis ends. Every statement is DuckDB SQL; the Spark engine transpiles it.

Counted by family, both start from the store's own relations when they are current
(:mod:`patnav.analyses.relations`, :meth:`Base.build_kept`): the whole store reads them as
they are, a narrower scope keeps the rows of the families it holds whole and prepares only
those it cuts. Otherwise (stale relations, another counting unit, ``kept=False``) a scope is
prepared from its documents (:meth:`Base.build`). Both give the same rows.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from patnav.analyses.base import (
    FIRST_DATE_SQL,
    GRANT_KINDS,
    UNIT_SQL,
    CountBy,
    Engine,
    Scope,
    Window,
    as_engine,
    check_count_by,
    office_origin_sql,
    priority_country_sql,
    windows_for,
)
from patnav.analyses.relations import COUNT_BY as KEPT_COUNT_BY
from patnav.analyses.relations import TABLES as KEPT
from patnav.analyses.relations import status as kept_status
from patnav.enterprises.groups import group_keys_sql
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

log = logging.getLogger(__name__)

STATUS_RANK = (
    "active",
    "pending",
    "invalidated",
    "expired",
    "lapsed",
    "rejected",
    "withdrawn",
)
"""The most alive status of a unit's documents is the unit's status."""

_COUNTER = iter(range(1, 1 << 62))
MAJOR_SOURCE_SHARE = 0.25
"""A file holding at least this share of a scope's documents sets its cut-off with its
own latest date (see :meth:`Base.cutoff`); smaller ones do not: a few late documents of a
national sample must not make a city corpus's last years look complete, and a small old
file must not make a large current one's look incomplete."""
_UNSET = object()
_OPEN: dict[str, Base] = {}


def _key(date_column: str, doc_column: str) -> str:
    """A string that sorts documents by date (missing last), then by id: same on every
    engine, usable with arg_min."""
    return (
        f"coalesce(CAST({date_column} AS VARCHAR), '9999-12-31') || '|' || {doc_column}"
    )


def _seq(column: str) -> str:
    return f"lpad(CAST({column} AS VARCHAR), 4, '0')"


class Base:
    """The prepared relations of one scope on one engine (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        scope: Scope,
        count_by: CountBy,
        *,
        tables: Mapping[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.scope = scope
        self.count_by = count_by
        self.prefix = f"_base{next(_COUNTER)}"
        self._tables = dict(tables or {})  # parts read from tables not made here
        self._made: list[str] = []
        self._part: Base | None = None  # the scope's partly covered units, made fresh
        self._cutoff: object = _UNSET
        self._cutoff_source: str | None = None
        self.kept = False
        """Whether the relations come from the store's own (see :meth:`build_kept`)."""

    # -- tables ----------------------------------------------------------------------------

    def name(self, part: str) -> str:
        return self._tables.get(part) or f"{self.prefix}_{part}"

    @property
    def docs(self) -> str:
        return self.name("docs")

    @property
    def doc_units(self) -> str:
        """The scope's documents and their unit (``doc_id``, ``unit``), for joins that
        need nothing else of a document: the store's ``unit_docs`` when the whole store
        reads its own relations (``docs`` is then a view that computes every document's
        unit again when read), else ``docs``."""
        if self.kept and self.scope.sql is None:
            return t.UNIT_DOCS.name
        return self.docs

    @property
    def units(self) -> str:
        return self.name("units")

    @property
    def apps(self) -> str:
        return self.name("apps")

    @property
    def offices(self) -> str:
        return self.name("offices")

    def _make(
        self,
        part: str,
        sql: str,
        params: Mapping[str, Any] | None = None,
        *,
        view: bool = False,
    ) -> str:
        table = self.name(part)
        self.engine.materialize(table, sql, params or {}, view=view)
        self._made.append(table)
        return table

    def build(self) -> Base:
        """Materialise docs, units, apps and offices."""
        self._docs()
        self._apps_raw()
        self._units()
        self._apps_and_offices()
        return self

    def build_kept(self) -> Base:
        """Take the relations from the store's own (:mod:`patnav.analyses.relations`),
        which must be current and of this counting unit.

        The whole store reads them as they are. A narrower scope keeps the rows of every
        unit whose documents are all in the scope (a unit's facts depend only on its
        documents) and makes fresh ones for the units it covers in part, from their
        in-scope documents only (a family's best status over only its in-scope
        members): the result is the rows :meth:`build` would make.
        """
        self.kept = True
        if self.scope.sql is None:
            self._tables.update(KEPT)
            self._docs(view=True)
            return self
        self._docs()
        self._make(
            "split",
            f"""
            SELECT c.unit, coalesce(c.n = f.documents, FALSE) AS whole
            FROM (SELECT unit, count(*) AS n FROM {self.docs} GROUP BY unit) c
            LEFT JOIN {KEPT["units"]} f ON f.unit = c.unit
            """,
        )
        self._make(
            "pdocs",
            f"""
            SELECT * FROM {self.docs}
            WHERE unit IN (SELECT unit FROM {self.name("split")} WHERE NOT whole)
            """,
        )
        part = Base(
            self.engine, self.scope, self.count_by, tables={"docs": self.name("pdocs")}
        )
        # one list of what both made, in the order they made it: dropped in reverse,
        # no table outlives one it reads (Spark resolves a view's names when it drops)
        part._made = self._made
        self._part = part
        part._apps_raw()
        part._units()
        part._apps_and_offices()
        for name in ("units", "apps", "offices"):
            self._make(name, self._kept_and(name, part.name(name)))
        return self

    def _kept_and(self, part: str, fresh: str) -> str:
        """The kept rows of ``part`` for the scope's whole units, and ``fresh`` ones."""
        columns = ", ".join(t.table(KEPT[part]).column_names)
        return f"""
            SELECT {columns} FROM {KEPT[part]}
            WHERE unit IN (SELECT unit FROM {self.name("split")} WHERE whole)
            UNION ALL
            SELECT {columns} FROM {fresh}
            """

    def _docs(self, *, view: bool = False) -> None:
        """The scope's documents with their unit and the unit's first date."""
        where, params = self.scope.clause("p.doc_id")
        cb = self.count_by
        self._make(
            "docs",
            f"""
            SELECT p.doc_id, p.office, p.app_number, p.kind, p.patent_type, p.app_date,
                   p.pub_date, p.grant_date, p.legal_status, p.status_source,
                   p.status_as_of, p.ipc_main, p.cited_by_count,
                   {UNIT_SQL[cb]} AS unit, {FIRST_DATE_SQL[cb]} AS first_date
            FROM patents p WHERE {where}
            """,
            params,
            view=view,
        )

    def _apps_raw(self) -> None:
        """unit × applicant (entity, else name), each with its first appearance."""
        doc_key = _key("d.first_date", "d.doc_id")
        self._make(
            "apps_raw",
            f"""
            SELECT d.unit, coalesce(pa.entity_id, 'name:' || pa.name) AS akey,
                   min(coalesce(e.name, pa.name)) AS name,
                   min(coalesce(e.party_type, pa.party_type)) AS party_type,
                   min(coalesce(e.country, pa.country)) AS country,
                   min(coalesce(e.province, pa.province)) AS province,
                   min(coalesce(e.city, pa.city)) AS city,
                   min({doc_key} || '|' || {_seq("pa.seq")}) AS first_key
            FROM {self.docs} d
            JOIN parties pa ON pa.doc_id = d.doc_id AND pa.role = 'applicant'
            LEFT JOIN entities e ON e.entity_id = pa.entity_id
            GROUP BY d.unit, coalesce(pa.entity_id, 'name:' || pa.name)
            """,
        )

    def _units(self) -> None:
        """One row per unit: dates, type, office, status and its basis, grant, citations,
        place (applicant's, else first priority's, else office's), lead applicant."""
        doc_key = _key("d.first_date", "d.doc_id")
        kinds = ", ".join(f"'{k}'" for k in GRANT_KINDS)
        status_rank = " ".join(
            f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUS_RANK)
        )
        status_name = " ".join(
            f"WHEN {i} THEN '{s}'" for i, s in enumerate(STATUS_RANK)
        )
        # the document that gives the unit its status: the most alive, then by doc_id
        best_doc = (
            f"CASE WHEN d.legal_status IS NOT NULL THEN "
            f"lpad(CAST(CASE d.legal_status {status_rank} ELSE 98 END AS VARCHAR), 2, '0')"
            " || '|' || d.doc_id END"
        )
        granted_doc = (
            f"(d.grant_date IS NOT NULL OR substr(d.kind, 1, 1) IN ({kinds}) "
            "OR d.patent_type IN ('utility_model', 'design'))"
        )
        self._make(
            "units",
            f"""
            WITH facts AS (
                SELECT d.unit,
                       min(d.first_date) AS first_date,
                       year(min(d.first_date)) AS filing_year,
                       year(min(d.pub_date)) AS pub_year,
                       year(min(CASE WHEN {granted_doc}
                                     THEN coalesce(d.grant_date, d.pub_date) END)) AS grant_year,
                       min(coalesce(d.patent_type, 'unknown')) AS patent_type,
                       arg_min(coalesce(d.office, ''), {doc_key}) AS office,
                       arg_min({office_origin_sql("d.office", "d.app_number")}, {doc_key})
                           AS origin_office,
                       arg_min(d.ipc_main, CASE WHEN d.ipc_main IS NOT NULL
                                                THEN {doc_key} END) AS ipc_main,
                       min(CASE WHEN d.legal_status IS NULL THEN 99
                                ELSE CASE d.legal_status {status_rank} ELSE 98 END END)
                           AS status_rank,
                       arg_min(d.status_source, {best_doc}) AS status_basis,
                       arg_min(d.status_as_of, {best_doc}) AS status_as_of,
                       max(CASE WHEN d.status_source = 'term' THEN 1 ELSE 0 END)
                           AS term_ended,
                       max(CASE WHEN d.patent_type = 'invention' THEN 1 ELSE 0 END)
                           AS invention,
                       max(CASE WHEN d.patent_type = 'invention' AND (d.kind IS NOT NULL
                                OR d.grant_date IS NOT NULL OR d.legal_status IS NOT NULL)
                                THEN 1 ELSE 0 END) AS known,
                       max(CASE WHEN d.patent_type = 'invention' AND (d.grant_date IS NOT NULL
                                OR substr(d.kind, 1, 1) IN ({kinds})) THEN 1 ELSE 0 END)
                           AS granted,
                       max(CASE WHEN d.legal_status IS NOT NULL
                                 AND d.legal_status <> 'unknown' THEN 1 ELSE 0 END)
                           AS has_status,
                       max(CASE WHEN d.legal_status = 'active' THEN 1 ELSE 0 END) AS in_force,
                       max(coalesce(d.cited_by_count, 0)) AS cited,
                       count(*) AS documents,
                       min(d.doc_id) AS doc_id
                FROM {self.docs} d GROUP BY d.unit
            ),
            located AS (
                SELECT unit,
                       arg_min({{'country': country, 'province': province, 'city': city}},
                               first_key) AS loc
                FROM {self.name("apps_raw")}
                WHERE country IS NOT NULL OR province IS NOT NULL OR city IS NOT NULL
                GROUP BY unit
            ),
            lead AS (
                SELECT unit, arg_min(akey, first_key) AS lead_akey,
                       arg_min(name, first_key) AS lead_name,
                       arg_min(coalesce(party_type, 'unknown'), first_key) AS lead_type,
                       count(*) AS applicants
                FROM {self.name("apps_raw")} GROUP BY unit
            ),
            first_prio AS (
                SELECT d.unit,
                       arg_min({priority_country_sql("pr")},
                               {_key("pr.date", "d.doc_id")} || '|' || {_seq("pr.seq")})
                           AS country
                FROM {self.docs} d JOIN priorities pr ON pr.doc_id = d.doc_id
                WHERE ({priority_country_sql("pr")}) IS NOT NULL
                GROUP BY d.unit
            )
            SELECT f.unit, f.first_date, f.filing_year, f.pub_year, f.grant_year,
                   f.patent_type, nullif(f.office, '') AS office, f.ipc_main,
                   CASE f.status_rank {status_name} ELSE 'unknown' END AS status,
                   f.status_basis, f.status_as_of, f.term_ended,
                   f.invention, f.known, f.granted, f.has_status, f.in_force, f.cited,
                   f.documents, f.doc_id,
                   coalesce(l.loc.country,
                            CASE WHEN l.loc.province IS NOT NULL THEN 'CN' END,
                            pr.country,
                            nullif(f.origin_office, ''))
                       AS country,
                   l.loc.province AS province, l.loc.city AS city,
                   ld.lead_akey, ld.lead_name, coalesce(ld.lead_type, 'unknown') AS lead_type,
                   coalesce(ld.applicants, 0) AS applicants
            FROM facts f
            LEFT JOIN located l ON l.unit = f.unit
            LEFT JOIN lead ld ON ld.unit = f.unit
            LEFT JOIN first_prio pr ON pr.unit = f.unit
            """,
        )

    def _apps_and_offices(self) -> None:
        """unit × applicant with the unit's facts; unit × office."""
        self._make(
            "apps",
            f"""
            SELECT a.unit, a.akey, a.name, a.party_type, a.country, a.province, a.city,
                   a.first_key, u.filing_year, u.invention, u.known, u.granted,
                   u.has_status, u.in_force, u.cited, u.ipc_main, u.office,
                   u.country AS unit_country, u.province AS unit_province,
                   u.city AS unit_city, u.applicants AS unit_applicants
            FROM {self.name("apps_raw")} a JOIN {self.units} u ON u.unit = a.unit
            """,
        )
        self._make(
            "offices",
            f"""
            SELECT DISTINCT d.unit, coalesce(d.office, 'unknown') AS office, u.filing_year
            FROM {self.docs} d JOIN {self.units} u ON u.unit = d.unit
            """,
        )

    def inventors(self) -> str:
        """unit × inventor (``ikey`` = name @ the unit's lead applicant), made on demand."""
        table = self.name("inventors")
        if table in self._made or "inventors" in self._tables:
            return table
        if self._part is not None:
            self._make("inventors", self._kept_and("inventors", self._part.inventors()))
        else:
            self._make(
                "inventors",
                f"""
                SELECT DISTINCT d.unit, pi.name,
                       pi.name || ' @ ' || coalesce(u.lead_akey, '-') AS ikey,
                       coalesce(u.lead_akey, '-') AS akey, coalesce(u.lead_name, '') AS aname,
                       u.filing_year, u.country, u.province, u.city
                FROM {self.docs} d
                JOIN parties pi ON pi.doc_id = d.doc_id AND pi.role = 'inventor'
                JOIN {self.units} u ON u.unit = d.unit
                """,
            )
        return table

    def group_keys(self) -> str:
        """applicant key × its accepted corporate group (``akey``, ``group_key``,
        ``group_name``; see :func:`patnav.enterprises.groups.group_keys_sql`), made on
        demand."""
        table = self.name("group_keys")
        if table not in self._made:
            self._make("group_keys", group_keys_sql())
        return table

    def codes(self) -> str:
        """unit × every IPC symbol of its documents, made on demand."""
        table = self.name("codes")
        if table in self._made or "codes" in self._tables:
            return table
        if self._part is not None:
            self._make("codes", self._kept_and("codes", self._part.codes()))
        else:
            self._make(
                "codes",
                f"""
                SELECT DISTINCT d.unit, c.code, u.filing_year
                FROM {self.docs} d
                JOIN classifications c ON c.doc_id = d.doc_id AND c.scheme = 'IPC'
                JOIN {self.units} u ON u.unit = d.unit
                """,
            )
        return table

    # -- reading ---------------------------------------------------------------------------

    def rows(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run ``sql`` and return its rows as dicts.

        ``limit`` repeats the statement's own final LIMIT: DuckDB 2.0.0's optimizer can drop
        a LIMIT above a join whose row estimate it wrongly trusts (as in duckdb#24071), so
        top-N lists are cut here too.
        """
        out: list[dict[str, Any]] = self.engine.fetch(sql, params or {}).to_pylist()
        return out if limit is None else out[:limit]

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The single row of ``sql``."""
        return self.rows(sql, params)[0]

    def count_units(self) -> int:
        return int(self.one(f"SELECT count(*) AS n FROM {self.units}")["n"])

    def cutoff(self) -> date | None:
        """The scope's data cut-off: its latest publication or filing date (a source
        without publication dates, like a list of filings, was cut off after its last
        filing; a few late publications must not hide later filings of another source).

        When the scope's documents come from several files, each file holding at least
        :data:`MAJOR_SOURCE_SHARE` of them is cut off at its own latest date within the
        scope, and the scope at the earliest of these: a city's corpus collected to 2015
        beside a database export of 2022 leaves 2014–2015 incomplete, not complete.
        :attr:`cutoff_source` names the file that set it (None: the scope's own latest
        date)."""
        if self._cutoff is _UNSET:
            row = self.one(
                f"""
                WITH src AS (
                    SELECT pr.file, count(DISTINCT d.doc_id) AS n,
                           greatest(max(d.pub_date), max(d.app_date)) AS c
                    FROM provenance pr JOIN {self.docs} d ON d.doc_id = pr.doc_id
                    GROUP BY pr.file
                ),
                major AS (
                    SELECT file, c FROM src
                    WHERE n >= {MAJOR_SOURCE_SHARE} * (SELECT count(*) FROM {self.docs})
                      AND c IS NOT NULL
                )
                SELECT (SELECT greatest(max(pub_date), max(app_date)) FROM {self.docs})
                           AS c,
                       (SELECT min(c) FROM major) AS by_source,
                       (SELECT min(file) FROM major
                        WHERE c = (SELECT min(c) FROM major)) AS file
                """
            )
            value = row["c"] if isinstance(row["c"], date) else None
            earliest = row["by_source"]
            self._cutoff_source = None
            if isinstance(earliest, date) and value is not None and earliest < value:
                value = earliest
                self._cutoff_source = str(row["file"])
            self._cutoff = value
        return self._cutoff  # type: ignore[return-value]

    @property
    def cutoff_source(self) -> str | None:
        """The file whose own latest date set :meth:`cutoff` (None: the scope's)."""
        self.cutoff()
        return self._cutoff_source

    def windows(self) -> tuple[Window | None, Window | None]:
        """The scope's last three complete filing years and the three before."""
        return windows_for(self.cutoff())

    def close(self) -> None:
        """Drop every table made for this scope."""
        for table in reversed(self._made):
            self.engine.drop(table)
        self._made.clear()
        self._part = None
        _OPEN.pop(self.prefix, None)


@contextmanager
def based(
    source: PatentStore | Engine, scope: Scope | None, count_by: str
) -> Iterator[Base]:
    """The prepared relations of ``scope``: reused when ``prepare`` made them, otherwise
    made now and dropped when the block ends."""
    engine = as_engine(source)
    scope = scope or Scope.everything()
    unit = check_count_by(count_by)
    if scope.prepared and scope.prepared_count_by == unit and scope.prepared in _OPEN:
        yield _OPEN[scope.prepared]
        return
    base = _built(engine, scope, unit, kept=True)
    try:
        yield base
    finally:
        base.close()


def prepare(
    source: PatentStore | Engine, scope: Scope, count_by: str, *, kept: bool = True
) -> Scope:
    """Prepare ``scope`` once; analyses given the returned scope (and the same counting
    unit and engine) reuse its relations. Call ``release`` when done.

    ``kept``: start from the store's own relations when they are current and of this
    counting unit (the same rows, made in a fraction of the time); False prepares from
    the documents, as every prepare did before schema 13."""
    engine = as_engine(source)
    base = _built(engine, scope, check_count_by(count_by), kept=kept)
    _OPEN[base.prefix] = base
    return dataclasses.replace(
        scope, prepared=base.prefix, prepared_count_by=base.count_by
    )


def release(scope: Scope) -> None:
    """Drop the relations ``prepare`` made for ``scope``."""
    if scope.prepared and scope.prepared in _OPEN:
        _OPEN[scope.prepared].close()


_SAID: set[str] = set()


def _built(engine: Engine, scope: Scope, unit: CountBy, *, kept: bool) -> Base:
    """The prepared relations of ``scope``: from the store's own when they are current,
    else from the documents (saying once why the store's could not serve)."""
    base = Base(engine, dataclasses.replace(scope, prepared=None), unit)
    if kept and unit == KEPT_COUNT_BY:
        state = kept_status(engine)
        if state.current:
            return base.build_kept()
        if state.reason and state.reason not in _SAID:
            _SAID.add(state.reason)
            log.warning("preparing from the documents: %s", state.reason)
    return base.build()
