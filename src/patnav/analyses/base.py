"""What every analysis shares: the scope it covers, the engine it runs on, counting units.

An analysis is a pure function ``f(engine, scope, *, count_by=…, …) -> Result``. It writes its
SQL once, in DuckDB's dialect with named parameters (``$office``), and hands it to an
``Engine``: :class:`DuckDBEngine` runs it on the store, :class:`patnav.analyses.spark.SparkEngine`
transpiles it (sqlglot) and runs it on Spark over a Parquet snapshot — the same analysis, the
same result. SQL returns counts; shares, ratios and rankings that involve division are computed
in Python from those counts, so both engines agree to the last digit.

Counting units (``count_by``): ``family`` (documents sharing a family id, else one
application), ``application`` (documents of one application: A and B publications count once),
``document`` (every publication). Every result states its unit.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Literal, Protocol

import pyarrow as pa
import sqlglot
from sqlglot import exp

from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore

CountBy = Literal["family", "application", "document"]
COUNT_UNITS: dict[str, tuple[str, str]] = {
    "family": ("专利族", "patent families"),
    "application": ("件申请", "applications"),
    "document": ("篇文献", "documents"),
}

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

UNIT_SQL: dict[str, str] = {
    "family": "coalesce(p.family_id, p.app_number, p.doc_id)",
    "application": "coalesce(p.app_number, p.doc_id)",
    "document": "p.doc_id",
}
"""The expression naming a document's counting unit."""

FIRST_DATE_SQL: dict[str, str] = {
    "family": "coalesce(p.priority_date, p.app_date)",
    "application": "p.app_date",
    "document": "p.app_date",
}
"""The date that places a unit in time: a family by its earliest priority, otherwise the
filing date."""

GRANT_KINDS = ("B", "C", "U", "Y", "S", "D", "E", "P", "H")
"""Kind-code letters of grant publications (CN B/C/U/Y/S/D, US B*/E/P/S/H, EP B1/B2)."""

LAG_MONTHS = 18
"""Applications publish about 18 months after filing."""


def incomplete_from(cutoff: date | None) -> int | None:
    """The first filing year that publication lag leaves incomplete, for a data cut-off."""
    if cutoff is None:
        return None
    months = cutoff.year * 12 + cutoff.month - 1 - LAG_MONTHS
    return months // 12  # the year containing cutoff − 18 months is already incomplete


Window = tuple[int, int]


def windows_for(cutoff: date | None) -> tuple[Window | None, Window | None]:
    """The last three complete filing years before the cut-off, and the three before."""
    first_incomplete = incomplete_from(cutoff)
    if first_incomplete is None:
        return None, None
    last = first_incomplete - 1
    return (last - 2, last), (last - 5, last - 3)


"""Kind-code letters of grant publications (CN B/C/U/Y/S/D, US B*/E/P/S/H, EP B1/B2)."""


def check_count_by(count_by: str) -> CountBy:
    """Validate a counting unit."""
    if count_by not in UNIT_SQL:
        raise InvalidParameterError(
            f"The 'count_by' parameter must be one of {', '.join(UNIT_SQL)}. "
            f"Got {count_by!r} instead."
        )
    return count_by  # type: ignore[return-value]


# -- engines -----------------------------------------------------------------------------


class Engine(Protocol):
    """Runs an analysis's SQL (DuckDB dialect, ``$name`` parameters) and returns Arrow."""

    name: str

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> pa.Table: ...

    def materialize(
        self, name: str, sql: str, params: Mapping[str, Any], *, view: bool = False
    ) -> None:
        """Store a query's result as a temporary table ``name`` for later statements
        (``view``: name the query instead, computed where it is read)."""
        ...

    def drop(self, name: str) -> None:
        """Drop a temporary table or view made by ``materialize``."""
        ...


class DuckDBEngine:
    """The default engine: the store's own DuckDB connection."""

    name = "duckdb"

    def __init__(self, store: PatentStore) -> None:
        self.store = store
        self._views: set[str] = set()

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        return self.store.query(sql, _used(sql, params))

    def materialize(
        self, name: str, sql: str, params: Mapping[str, Any], *, view: bool = False
    ) -> None:
        if view:
            if params:
                sql = inline_params(sql, params, dialect="duckdb")
            self.store.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
            self._views.add(name)
            return
        self.store.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", _used(sql, params)
        )

    def drop(self, name: str) -> None:
        if name in self._views:
            self._views.discard(name)
            self.store.execute(f"DROP VIEW IF EXISTS {name}")
            return
        self.store.execute(f"DROP TABLE IF EXISTS {name}")


def _used(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    # DuckDB refuses parameters a statement does not use: pass only those it names
    used = set(_PARAM.findall(sql))
    return {k: v for k, v in (params or {}).items() if k in used}


def as_engine(source: PatentStore | Engine) -> Engine:
    """An engine for a store, or the engine itself."""
    if isinstance(source, PatentStore):
        return DuckDBEngine(source)
    return source


def inline_params(sql: str, params: Mapping[str, Any] | None, *, dialect: str) -> str:
    """``sql`` in ``dialect`` with every ``$name`` replaced by its value as a literal.

    Values become literal nodes of the syntax tree, which the generator quotes and escapes:
    no value is ever pasted into SQL text.
    """
    values = dict(params or {})
    tree = sqlglot.parse_one(sql, read="duckdb")

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.this:
            name = str(node.this)
            if name not in values:
                raise InvalidParameterError(f"no value for SQL parameter ${name}")
            return _literal(values[name])
        return node

    return tree.transform(replace).sql(dialect=dialect)


def _literal(value: Any) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, date):
        return exp.cast(
            exp.Literal.string(value.isoformat()), exp.DataType.build("date")
        )
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[_literal(v) for v in value])
    return exp.Literal.string(str(value))


# -- scope -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Scope:
    """Which documents an analysis covers: a patent set's query, or everything.

    ``sql`` selects ``doc_id``s (DuckDB dialect, ``$name`` parameters in ``params``).
    """

    label: str = "全部文献"
    query: str | None = None
    sql: str | None = None
    params: tuple[tuple[str, Any], ...] = ()
    prepared: str | None = None  # name prefix of the engine's materialised base tables
    prepared_count_by: str | None = None

    @classmethod
    def everything(cls) -> Scope:
        """Every document in the store."""
        return cls()

    @classmethod
    def of_sql(
        cls, sql: str, params: Mapping[str, Any] | None = None, *, label: str
    ) -> Scope:
        """A scope from a ``SELECT doc_id …`` statement with ``$name`` parameters."""
        return cls(label=label, sql=sql, params=tuple((params or {}).items()))

    @classmethod
    def of_query(
        cls, text: str, *, label: str | None = None, store: PatentStore | None = None
    ) -> Scope:
        """A scope from an expert query (检索式), or the name of a saved patent set."""
        from patnav.search import compile_query, resolve_set

        compiled = (
            resolve_set(store, text) if store is not None else compile_query(text)
        )
        sql, params = _named_placeholders(
            compiled.sql, list(compiled.params), prefix="q"
        )
        return cls(
            label=label or text,
            query=getattr(compiled, "query", text),
            sql=sql,
            params=tuple(params.items()),
        )

    def clause(self, column: str = "p.doc_id") -> tuple[str, dict[str, Any]]:
        """A WHERE condition restricting ``column`` to the scope, and its parameters."""
        if self.sql is None:
            return "TRUE", {}
        return f"{column} IN ({self.sql})", dict(self.params)

    @classmethod
    def union(
        cls, scopes: Sequence[Scope], *, label: str, query: str | None = None
    ) -> Scope:
        """The documents in any of ``scopes`` (a union with everything is everything).

        Raises:
            InvalidParameterError: no scope is given.
        """
        if not scopes:
            raise InvalidParameterError("a union needs at least one scope")
        if any(s.sql is None for s in scopes):
            return cls(label=label)
        if len(scopes) == 1:
            only = scopes[0]
            return cls(label=label, query=query, sql=only.sql, params=only.params)
        parts: list[str] = []
        params: dict[str, Any] = {}
        for i, scope in enumerate(scopes):
            sql, own = _prefixed(str(scope.sql), dict(scope.params), f"u{i}")
            parts.append(f"SELECT doc_id FROM ({sql})")
            params.update(own)
        return cls(
            label=label,
            query=query,
            sql=" UNION ".join(parts),
            params=tuple(params.items()),
        )

    def narrow(self, other: Scope, *, label: str | None = None) -> Scope:
        """The documents in both scopes (never prepared: the result is a new set)."""
        self = dataclasses.replace(self, prepared=None, prepared_count_by=None)
        other = dataclasses.replace(other, prepared=None, prepared_count_by=None)
        if self.sql is None:
            return other if label is None else dataclasses.replace(other, label=label)
        if other.sql is None:
            return self if label is None else dataclasses.replace(self, label=label)
        left, lp = _prefixed(self.sql, dict(self.params), "a")
        right, rp = _prefixed(other.sql, dict(other.params), "b")
        return Scope(
            label=label or f"{self.label} ∩ {other.label}",
            query=None,
            sql=f"SELECT doc_id FROM ({left}) WHERE doc_id IN ({right})",
            params=tuple({**lp, **rp}.items()),
        )


def _named_placeholders(
    sql: str, values: list[Any], *, prefix: str
) -> tuple[str, dict[str, Any]]:
    """Turn ``?`` placeholders into ``$prefix_i`` so scopes combine with named parameters."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    params: dict[str, Any] = {}
    counter = iter(range(len(values) + 1))

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and not node.this:
            i = next(counter)
            name = f"{prefix}_{i}"
            params[name] = values[i]
            return exp.Placeholder(this=name)
        return node

    out = tree.transform(replace).sql(dialect="duckdb")
    if len(params) != len(values):
        raise InvalidParameterError(
            f"compiled query has {len(params)} placeholders but {len(values)} values"
        )
    return out, params


def _prefixed(
    sql: str, params: dict[str, Any], prefix: str
) -> tuple[str, dict[str, Any]]:
    if not params:
        return sql, {}
    tree = sqlglot.parse_one(sql, read="duckdb")

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.this:
            return exp.Placeholder(this=f"{prefix}_{node.this}")
        return node

    return (
        tree.transform(replace).sql(dialect="duckdb"),
        {f"{prefix}_{k}": v for k, v in params.items()},
    )


# -- the standard base relation ----------------------------------------------------------


# -- results -----------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A result value as JSON-ready data: dataclasses to dicts, dates to ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 10)
    return value


class ResultMixin:
    """``to_dict`` and ``to_json`` for frozen result dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        data = plain(self)
        assert isinstance(data, dict)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when whole is 0."""
    return part / whole if whole else None


def rows(table: pa.Table) -> list[dict[str, Any]]:
    """An Arrow result as a list of row dicts."""
    out: list[dict[str, Any]] = table.to_pylist()
    return out


# -- where units come from -----------------------------------------------------------------

NON_COUNTRY_OFFICES = ("WO", "EP", "EA", "AP", "OA", "GC", "EM")


@dataclasses.dataclass(frozen=True, slots=True)
class Region:
    """A home region: a province, a city (with its province), or a whole country."""

    country: str = "CN"
    province: str | None = None
    city: str | None = None

    @property
    def label(self) -> str:
        return self.city or self.province or self.country

    def condition(
        self, alias: str = "u", *, prefix: str = ""
    ) -> tuple[str, dict[str, Any]]:
        """SQL matching rows (aliased ``alias``) whose country/province/city lie in the region:
        units by their origin, applicants by their own location."""
        from patnav.schema.vocabulary import province_name

        a = f"{alias}.{prefix}"
        parts = [f"{a}country = $region_country"]
        params: dict[str, Any] = {"region_country": self.country}
        if self.province:
            parts.append(f"{a}province = $region_province")
            params["region_province"] = province_name(self.province) or self.province
        if self.city:
            city = self.city
            stem = city[:-1] if city.endswith(("市", "州", "盟")) else city
            parts.append(f"({a}city = $region_city OR {a}city LIKE $region_city_like)")
            params["region_city"] = city if city != stem else f"{city}市"
            params["region_city_like"] = f"{stem}%"
        return " AND ".join(parts), params


def cn_pct_phase_sql(column: str) -> str:
    """SQL: whether ``column`` (a canonical application number) is a Chinese PCT
    national-phase application — CNIPA's type digit 8 or 9 after the year
    (``CN201480077691``; before 2004 ``CN98805123``). It enters China from an international
    application filed elsewhere, so it is no Chinese first filing."""
    return (
        f"(coalesce({column}, '') LIKE 'CN%' AND ("
        f"(length({column}) = 14 AND substr({column}, 7, 1) IN ('8', '9')) OR "
        f"(length({column}) = 10 AND substr({column}, 5, 1) IN ('8', '9'))))"
    )


def priority_country_sql(alias: str = "pr") -> str:
    """SQL: the country a priority claim (a ``priorities`` row aliased ``alias``) says its
    document comes from, or NULL. A PCT application (``PCT/CN2014/…``) counts for its
    receiving office when that is a country's office (not the International Bureau); a
    Chinese PCT national-phase number (see :func:`cn_pct_phase_sql`) and a regional office
    count for nothing: neither is where the invention was first filed."""
    offices = ", ".join(f"'{o}'" for o in (*NON_COUNTRY_OFFICES, "IB"))
    number = f"{alias}.number"
    return (
        f"CASE WHEN {alias}.country = 'WO' AND {number} LIKE 'PCT/%' "
        f"AND substr({number}, 5, 2) NOT IN ({offices}) THEN substr({number}, 5, 2) "
        f"WHEN {alias}.country = 'CN' AND {cn_pct_phase_sql(number)} THEN NULL "
        f"WHEN {alias}.country IN ({offices}) THEN NULL "
        f"ELSE {alias}.country END"
    )


def office_origin_sql(office: str, app_number: str) -> str:
    """SQL: the origin a publishing office gives when nothing else does: the office when it
    is a country's and the application is not a Chinese PCT national phase, else ''."""
    offices = ", ".join(f"'{o}'" for o in NON_COUNTRY_OFFICES)
    return (
        f"CASE WHEN {office} IN ({offices}) OR {cn_pct_phase_sql(app_number)} THEN '' "
        f"ELSE coalesce({office}, '') END"
    )


def origin_scope(country: str, *, label: str) -> Scope:
    """The documents originating in ``country`` (ISO code), by the rule that places units
    (``patnav.analyses.prepared``, the same SQL helpers): the country of the first applicant
    with a location (the resolved entity's location first; a Chinese province means CN),
    else the country of the earliest priority that says one (:func:`priority_country_sql`),
    else the publishing office (:func:`office_origin_sql`)."""
    prio_country = priority_country_sql("pr")
    country_of = (
        "coalesce(coalesce(e.country, pa.country), "
        "CASE WHEN coalesce(e.province, pa.province) IS NOT NULL THEN 'CN' END)"
    )
    located = (
        "coalesce(e.country, pa.country) IS NOT NULL "
        "OR coalesce(e.province, pa.province) IS NOT NULL "
        "OR coalesce(e.city, pa.city) IS NOT NULL"
    )
    sql = f"""
        SELECT p.doc_id FROM patents p
        LEFT JOIN (
            SELECT pa.doc_id, arg_min({country_of}, pa.seq) AS country
            FROM parties pa LEFT JOIN entities e ON e.entity_id = pa.entity_id
            WHERE pa.role = 'applicant' AND ({located})
            GROUP BY pa.doc_id
        ) a ON a.doc_id = p.doc_id
        LEFT JOIN (
            SELECT pr.doc_id,
                   arg_min({prio_country}, coalesce(CAST(pr.date AS VARCHAR), '9999-12-31')
                           || '|' || lpad(CAST(pr.seq AS VARCHAR), 4, '0')) AS country
            FROM priorities pr
            WHERE ({prio_country}) IS NOT NULL
            GROUP BY pr.doc_id
        ) r ON r.doc_id = p.doc_id
        WHERE coalesce(a.country, r.country,
                       nullif({office_origin_sql("p.office", "p.app_number")}, ''))
              = $origin_country
        """
    return Scope.of_sql(sql, {"origin_country": country}, label=label)


_SCOPE_TABLES = iter(range(1, 1 << 62))


@contextmanager
def materialized(
    source: PatentStore | Engine, scope: Scope, *narrowing: Scope
) -> Iterator[Scope]:
    """``scope`` (narrowed by each of ``narrowing`` in turn) evaluated once into a temporary
    table of its ``doc_id``s, for the length of the block: a spec's scope (a union of many
    queries, a national limit, a period) is then read, not recomputed, by every node
    narrowed within it. Each narrowing is applied to the table of the step before, which
    keeps DuckDB from planning a union and an origin rule as one statement (ten times
    slower)."""
    engine = as_engine(source)
    if scope.sql is None and not narrowing:
        yield scope
        return
    made: list[str] = []
    try:
        current = scope
        for step in (scope, *narrowing):
            if step.sql is None:
                continue
            table = f"_scope{next(_SCOPE_TABLES)}"
            if made:
                sql, params = step.clause("doc_id")
                statement = f"SELECT doc_id FROM {made[-1]} WHERE {sql}"
            else:
                statement = f"SELECT DISTINCT doc_id FROM ({step.sql})"
                params = dict(step.params)
            engine.materialize(table, statement, params)
            made.append(table)
        current = dataclasses.replace(
            scope,
            sql=f"SELECT doc_id FROM {made[-1]}",
            params=(),
            prepared=None,
            prepared_count_by=None,
        )
        yield current
    finally:
        for table in reversed(made):
            engine.drop(table)


def count_units(source: PatentStore | Engine, scope: Scope, count_by: str) -> int:
    """The number of counting units (``count_by``) among the scope's documents."""
    unit = check_count_by(count_by)
    where, params = scope.clause("p.doc_id")
    table = as_engine(source).fetch(
        f"SELECT count(DISTINCT {UNIT_SQL[unit]}) AS n FROM patents p WHERE {where}",
        params,
    )
    return int(table.column("n")[0].as_py() or 0)
