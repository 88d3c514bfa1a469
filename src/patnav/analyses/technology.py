"""Technology composition (技术构成): IPC at every level, with titles, and its matrices.

Each unit counts once per distinct symbol at a level. ``basis='main'`` counts the main IPC
only (shares add up to 100 %); ``basis='all'`` counts every IPC symbol of the unit (a unit
with symbols in two subclasses counts in both). Titles come from ``class_titles`` (filled by
``patnav enrich``); without them the codes stand alone. Matrices: technology × filing year,
× applicant, × origin region; and the strategic emerging industries (SEI, scheme ``sei``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    ratio,
)
from patnav.analyses.prepared import Base, based
from patnav.analyses.registry import AnalysisInfo
from patnav.errors import InvalidParameterError
from patnav.schema.countries import country_name
from patnav.storage.store import PatentStore

LEVELS: dict[str, str] = {
    "section": "substr(code, 1, 1)",
    "class": "substr(code, 1, 3)",
    "subclass": "substr(code, 1, 4)",
    "main_group": "CASE WHEN strpos(code, '/') > 0 "
    "THEN substr(code, 1, strpos(code, '/')) || '00' ELSE code END",
    "group": "code",
}
LEVELS_ZH = {
    "section": "部",
    "class": "大类",
    "subclass": "小类",
    "main_group": "大组",
    "group": "小组",
}
Basis = Literal["main", "all"]


@dataclass(frozen=True, slots=True)
class CodeShare:
    """A classification symbol, its titles, its units and share."""

    code: str
    title_zh: str | None
    title_en: str | None
    units: int
    share: float | None


@dataclass(frozen=True, slots=True)
class Matrix:
    """Units by technology (rows) and another dimension (columns)."""

    dimension: str
    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            list(self.values), index=list(self.rows), columns=list(self.columns)
        )


@dataclass(frozen=True, slots=True)
class TechnologyComposition(ResultMixin):
    """IPC composition at every level, matrices against year, applicant and region, SEI."""

    scope: str
    count_by: str
    unit_zh: str
    basis: str
    total: int
    classified: int
    levels: dict[str, tuple[CodeShare, ...]]
    by_year: Matrix
    by_applicant: Matrix
    by_region: Matrix
    industries: tuple[CodeShare, ...]

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for level, shares in self.levels.items():
            for s in shares:
                rows.append(
                    {
                        "level": level,
                        "code": s.code,
                        "title_zh": s.title_zh,
                        "title_en": s.title_en,
                        "units": s.units,
                        "share": s.share,
                    }
                )
        return pd.DataFrame(rows)


def technology_composition(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    basis: Basis = "main",
    top: int = 15,
    matrix_level: str = "subclass",
    lang: str = "zh",
) -> TechnologyComposition:
    """IPC composition and its matrices.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        basis: ``main`` (main IPC only) or ``all`` (every IPC symbol).
        top: how many symbols per level, and rows/columns per matrix.
        matrix_level: the IPC level of the matrices' rows.
        lang: language of place labels.
    """
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    if basis not in ("main", "all"):
        raise InvalidParameterError(
            f"The 'basis' parameter must be 'main' or 'all'. Got {basis!r} instead."
        )
    if matrix_level not in LEVELS:
        raise InvalidParameterError(
            f"The 'matrix_level' parameter must be one of {', '.join(LEVELS)}. "
            f"Got {matrix_level!r} instead."
        )
    with based(engine, scope, count_by) as base:
        # units' symbols: the main IPC of each unit, or every IPC symbol of its documents
        symbols = (
            f"(SELECT unit, ipc_main AS code FROM {base.units} WHERE ipc_main IS NOT NULL)"
            if basis == "main"
            else base.codes()
        )
        total = base.count_units()
        classified = int(
            base.one(
                f"SELECT count(*) AS n FROM {base.units} WHERE ipc_main IS NOT NULL"
                if basis == "main"  # one row per unit
                else f"SELECT count(DISTINCT unit) AS n FROM {symbols} s"
            )["n"]
        )
        levels = _levels(base, symbols, basis, int(top), classified)
        top_codes = [c.code for c in levels[matrix_level]]
        titles = {c.code: c.title_zh or c.code for c in levels[matrix_level]}
        row_labels = tuple(titles.get(c, c) for c in top_codes)

        rows = _Rows(top_codes, row_labels, matrix_level, basis, symbols)
        by_year = _tech_matrix(
            base,
            rows,
            "year",
            base.units,
            "CAST(filing_year AS VARCHAR)",
            lambda k: k,
            limit=None,
            by_key=True,
        )
        by_applicant = _tech_matrix(
            base, rows, "applicant", base.apps, "name", lambda k: k, limit=top
        )
        by_region = _tech_matrix(
            base,
            rows,
            "region",
            base.units,
            "CASE WHEN country = 'CN' AND province IS NOT NULL THEN province "
            "ELSE coalesce(country, 'unknown') END",
            lambda k: k if not (len(k) == 2 and k.isupper()) else country_name(k, lang),
            limit=top,
        )
        industries = _industries(base, total)
    return TechnologyComposition(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        basis=basis,
        total=total,
        classified=classified,
        levels=levels,
        by_year=by_year,
        by_applicant=by_applicant,
        by_region=by_region,
        industries=industries,
    )


@dataclass(frozen=True, slots=True)
class _Rows:
    """The rows of the technology matrices: the top codes of a level, their labels, and
    the symbols they are counted from."""

    codes: list[str]
    labels: tuple[str, ...]
    level: str
    basis: Basis
    symbols: str


def _tech_matrix(
    base: Base,
    rows: _Rows,
    dimension: str,
    table: str,
    column: str,
    label: Any,
    *,
    limit: int | None,
    by_key: bool = False,
) -> Matrix:
    """Units by the top codes (rows) and ``column`` of ``table`` (columns)."""
    if rows.basis == "main":
        # units and apps carry the unit's main IPC: no join with the symbols
        cells = (
            f"SELECT unit, col, {LEVELS[rows.level]} AS code FROM "
            f"(SELECT unit, ipc_main AS code, {column} AS col FROM {table} "
            "WHERE ipc_main IS NOT NULL) m"
        )
    else:
        cells = (
            "SELECT c.unit, k.col, c.code "
            f"FROM (SELECT DISTINCT unit, {LEVELS[rows.level]} AS code "
            f"FROM {rows.symbols} s) c "
            f"JOIN (SELECT unit, {column} AS col FROM {table}) k "
            "ON k.unit = c.unit"
        )
    return _matrix(
        base,
        cells,
        # one row per unit in units: a cell cannot count a unit twice
        "count(*)"
        if rows.basis == "main" and table == base.units
        else "count(DISTINCT unit)",
        rows.codes,
        rows.labels,
        dimension,
        label,
        top=limit,
        order_by_key=by_key,
    )


def _industries(base: Base, total: int) -> tuple[CodeShare, ...]:
    """Units per strategic emerging industry (SEI), most first."""
    return tuple(
        CodeShare(
            str(r["code"]),
            r["title_zh"],
            r["title_en"],
            int(r["n"]),
            ratio(r["n"], total),
        )
        for r in base.rows(
            f"""
            WITH counted AS (SELECT c.code, count(DISTINCT d.unit) AS n
                             FROM {base.doc_units} d JOIN classifications c
                             ON c.doc_id = d.doc_id AND c.scheme = 'sei'
                             GROUP BY c.code)
            SELECT c.code, c.n, t.title_zh, t.title_en FROM counted c
            LEFT JOIN class_titles t ON t.scheme = 'sei' AND t.code = c.code
            ORDER BY c.n DESC, c.code
            """
        )
    )


def _levels(
    base: Base, symbols: str, basis: Basis, top: int, classified: int
) -> dict[str, tuple[CodeShare, ...]]:
    """The ``top`` symbols of every IPC level, in one statement.

    With the main IPC (one symbol per unit) the units are counted once per full symbol and
    the coarser levels add those counts up; with every symbol, a unit counts once per
    distinct symbol of each level.
    """
    if basis == "main":
        head = f"grouped AS (SELECT code, count(*) AS n FROM {symbols} s GROUP BY code)"
        parts = [
            f"SELECT '{level}' AS level, code, CAST(sum(n) AS BIGINT) AS n "
            f"FROM (SELECT {expr} AS code, n FROM grouped) x GROUP BY code"
            for level, expr in LEVELS.items()
        ]
    else:
        head = ""
        parts = [
            f"SELECT '{level}' AS level, code, count(*) AS n "
            f"FROM (SELECT DISTINCT unit, {expr} AS code FROM {symbols} s) x GROUP BY code"
            for level, expr in LEVELS.items()
        ]
    counted = "\n            UNION ALL ".join(parts)
    rows = base.rows(
        f"""
        WITH {head + "," if head else ""}
        counted AS ({counted}),
        ranked AS (SELECT level, code, n,
                          row_number() OVER (PARTITION BY level ORDER BY n DESC, code) AS r
                   FROM counted)
        SELECT c.level, c.code, c.n, t.title_zh, t.title_en FROM ranked c
        LEFT JOIN class_titles t ON t.scheme = 'IPC' AND t.code = c.code
        WHERE c.r <= $top
        ORDER BY c.level, c.r
        """,
        {"top": top},
    )
    levels: dict[str, list[CodeShare]] = {level: [] for level in LEVELS}
    for r in rows:
        levels[str(r["level"])].append(
            CodeShare(
                str(r["code"]),
                r["title_zh"],
                r["title_en"],
                int(r["n"]),
                ratio(r["n"], classified),
            )
        )
    # a code titled twice (class_titles has no key) must not lengthen the list
    return {level: tuple(shares[:top]) for level, shares in levels.items()}


def _matrix(
    base: Base,
    cells_sql: str,
    count_sql: str,
    codes: list[str],
    row_labels: tuple[str, ...],
    dimension: str,
    label: Any,
    *,
    top: int | None,
    order_by_key: bool = False,
) -> Matrix:
    """Units per (code, column); ``cells_sql`` gives rows ``(unit, col, code)``,
    ``count_sql`` counts the units of a cell."""
    cells = base.rows(
        f"""
        WITH cells AS ({cells_sql})
        SELECT code, col, {count_sql} AS n
        FROM cells
        WHERE col IS NOT NULL AND code IN ({
            ", ".join(f"$c{i}" for i in range(len(codes))) or "NULL"
        })
        GROUP BY code, col
        """,
        {f"c{i}": code for i, code in enumerate(codes)},
    )
    in_rows = [c for c in cells if c["code"] in set(codes)]
    totals: dict[str, int] = {}
    for c in in_rows:
        totals[c["col"]] = totals.get(c["col"], 0) + int(c["n"])
    if order_by_key:
        columns = sorted(totals)
    else:
        columns = sorted(totals, key=lambda k: (-totals[k], k))[: top or None]
    value = {(c["code"], c["col"]): int(c["n"]) for c in in_rows}
    return Matrix(
        dimension=dimension,
        rows=tuple(codes),
        row_labels=row_labels,
        columns=tuple(columns),
        column_labels=tuple(label(k) for k in columns),
        values=tuple(tuple(value.get((r, k), 0) for k in columns) for r in codes),
    )


ANALYSIS = AnalysisInfo(
    "technology", technology_composition, "技术构成", "Technology composition", order=60
)
"""Registers :func:`technology_composition` as ``technology``."""
