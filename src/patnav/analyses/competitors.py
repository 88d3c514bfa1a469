"""Competitor benchmarking (竞争对手对标): two or more applicants side by side.

Each competitor is named as users know it; it matches applicants whose resolved entity has
that name or alias, or whose name equals it (``%`` works as a wildcard: ``华为%``). Per
competitor: units, share of the scope, filings per year, growth, grant ratio, share in force,
citations reported by the source, the top IPC subclasses, the offices it files at, its top
inventors, how many partners it co-files with.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Labelled:
    """A key, its label, and a count."""

    key: str
    label: str
    units: int


@dataclass(frozen=True, slots=True)
class CompetitorProfile:
    """One competitor's figures."""

    name: str
    matched_names: tuple[str, ...]
    units: int
    share: float | None
    by_year: tuple[tuple[int, int], ...]
    recent: int
    previous: int
    growth: float | None
    inventions_known: int
    granted: int | None  # None when the data tell no invention's grant state
    grant_ratio: float | None
    with_status: int
    in_force: int | None  # None when no unit has a known status: unknown, never 0
    in_force_share: float | None
    cited_by_source: int
    citations_per_unit: float | None
    technologies: tuple[Labelled, ...]
    markets: tuple[Labelled, ...]
    inventors: tuple[Labelled, ...]
    partners: int


@dataclass(frozen=True, slots=True)
class CompetitorBenchmark(ResultMixin):
    """Competitors side by side on the same scope and counting unit."""

    scope: str
    count_by: str
    unit_zh: str
    total: int
    recent_window: tuple[int, int] | None
    previous_window: tuple[int, int] | None
    competitors: tuple[CompetitorProfile, ...]

    def to_frame(self) -> pd.DataFrame:
        keep = (
            "name",
            "units",
            "share",
            "recent",
            "previous",
            "growth",
            "grant_ratio",
            "in_force_share",
            "citations_per_unit",
            "partners",
        )
        return pd.DataFrame(
            [{k: getattr(c, k) for k in keep} for c in self.competitors]
        )


def competitor_benchmark(
    source: PatentStore | Engine,
    competitors: list[str] | tuple[str, ...],
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 5,
) -> CompetitorBenchmark:
    """Benchmark the named competitors on the scope.

    Args:
        source: the store, or an engine.
        competitors: names (or ``%`` patterns) of two or more applicants.
        scope: the documents (default: everything).
        count_by: counting unit.
        top: how many technologies, markets and inventors per competitor.
    """
    if len(competitors) < 1:
        raise InvalidParameterError("Name at least one competitor to benchmark.")
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        recent, previous = base.windows()
        total = base.count_units()
        profiles = tuple(
            _profile(base, name, total, recent, previous, top) for name in competitors
        )
    return CompetitorBenchmark(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        recent_window=recent,
        previous_window=previous,
        competitors=profiles,
    )


def _profile(
    base: Base,
    name: str,
    total: int,
    recent: tuple[int, int] | None,
    previous: tuple[int, int] | None,
    top: int,
) -> CompetitorProfile:
    p = {
        "who": name,
        "r0": recent[0] if recent else -1,
        "r1": recent[1] if recent else -1,
        "p0": previous[0] if previous else -1,
        "p1": previous[1] if previous else -1,
        "top": int(top),
    }
    mine = f"""
        WITH matched AS (
            SELECT a.unit, a.akey, a.name FROM {base.apps} a
            LEFT JOIN entities e ON e.entity_id = a.akey
            WHERE a.name LIKE $who OR e.name LIKE $who OR list_contains(e.aliases, $who)
        ),
        mine AS (SELECT * FROM {base.units} WHERE unit IN (SELECT unit FROM matched))
    """
    figures = base.one(
        f"""{mine}
        SELECT count(*) AS units,
               sum(CASE WHEN filing_year BETWEEN $r0 AND $r1 THEN 1 ELSE 0 END) AS recent,
               sum(CASE WHEN filing_year BETWEEN $p0 AND $p1 THEN 1 ELSE 0 END) AS previous,
               sum(known) AS known, sum(granted) AS granted, sum(has_status) AS has_status,
               sum(in_force) AS in_force, sum(cited) AS cited
        FROM mine
        """,
        p,
    )
    units = int(figures["units"] or 0)
    by_year = tuple(
        (int(r["y"]), int(r["n"]))
        for r in base.rows(
            f"{mine} SELECT filing_year AS y, count(*) AS n FROM mine "
            "WHERE filing_year IS NOT NULL GROUP BY filing_year ORDER BY y",
            p,
        )
    )
    technologies = tuple(
        Labelled(str(r["k"]), str(r["title"] or r["k"]), int(r["n"]))
        for r in base.rows(
            f"""{mine}
            SELECT substr(m.ipc_main, 1, 4) AS k, min(t.title_zh) AS title, count(*) AS n
            FROM mine m LEFT JOIN class_titles t
                ON t.scheme = 'IPC' AND t.code = substr(m.ipc_main, 1, 4)
            WHERE m.ipc_main IS NOT NULL
            GROUP BY 1 ORDER BY n DESC, k LIMIT {int(top)}
            """,
            p,
            limit=int(top),
        )
    )
    markets = tuple(
        Labelled(str(r["k"]), country_name(r["k"]), int(r["n"]))
        for r in base.rows(
            f"{mine} SELECT office AS k, count(*) AS n FROM {base.offices} "
            "WHERE unit IN (SELECT unit FROM mine) AND office <> 'unknown' "
            f"GROUP BY office ORDER BY n DESC, k LIMIT {int(top)}",
            p,
            limit=int(top),
        )
    )
    inventors = tuple(
        Labelled(str(r["k"]), str(r["k"]), int(r["n"]))
        for r in base.rows(
            f"{mine} SELECT name AS k, count(DISTINCT unit) AS n FROM {base.inventors()} "
            "WHERE unit IN (SELECT unit FROM mine) GROUP BY name "
            f"ORDER BY n DESC, k LIMIT {int(top)}",
            p,
            limit=int(top),
        )
    )
    matched_names = tuple(
        str(r["name"])
        for r in base.rows(
            f"{mine} SELECT DISTINCT name FROM matched ORDER BY name LIMIT 20", p
        )
    )
    partners = int(
        base.one(
            f"{mine} SELECT count(DISTINCT akey) AS n FROM {base.apps} "
            "WHERE unit IN (SELECT unit FROM mine) AND akey NOT IN (SELECT akey FROM matched)",
            p,
        )["n"]
    )
    known, granted = int(figures["known"] or 0), int(figures["granted"] or 0)
    has_status, in_force = (
        int(figures["has_status"] or 0),
        int(figures["in_force"] or 0),
    )
    recent_n, previous_n = int(figures["recent"] or 0), int(figures["previous"] or 0)
    cited = int(figures["cited"] or 0)
    return CompetitorProfile(
        name=name,
        matched_names=matched_names,
        units=units,
        share=ratio(units, total),
        by_year=by_year,
        recent=recent_n,
        previous=previous_n,
        growth=ratio(recent_n - previous_n, previous_n),
        inventions_known=known,
        granted=granted if known else None,
        grant_ratio=ratio(granted, known),
        with_status=has_status,
        in_force=in_force if has_status else None,
        in_force_share=ratio(in_force, has_status),
        cited_by_source=cited,
        citations_per_unit=ratio(cited, units),
        technologies=technologies,
        markets=markets,
        inventors=inventors,
        partners=partners,
    )


ANALYSIS = AnalysisInfo(
    "competitors",
    competitor_benchmark,
    "竞争对手对标",
    "Competitor benchmarking",
    needs="competitors",
    order=110,
)
"""Registers :func:`competitor_benchmark` as ``competitors``."""
