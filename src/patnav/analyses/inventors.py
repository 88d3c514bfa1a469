"""Inventors (发明人分析): who invents, how productively, in which teams, for whom.

Inventor names collide (张伟 is thousands of people), so an inventor is a name together with
the applicant of the unit (its resolved entity where enrichment has run): 张伟 at 华为 and
张伟 at 浙江大学 are two inventors. Productivity is units per active year (first to last
filing year, inclusive). Teams are communities of the co-inventor graph among the most
productive inventors (Leiden, fixed seed). Core inventors: the top inventors of each of the
top applicants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import igraph as ig
import leidenalg
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
from patnav.analyses.prepared import based
from patnav.analyses.registry import AnalysisInfo
from patnav.storage.store import PatentStore

SEED = 42


@dataclass(frozen=True, slots=True)
class InventorRow:
    """One inventor (name at an applicant)."""

    rank: int
    key: str
    name: str
    applicant: str
    units: int
    share: float | None
    first_year: int | None
    last_year: int | None
    productivity: float | None  # units per active year
    coinventors: int


@dataclass(frozen=True, slots=True)
class Team:
    """A group of inventors who invent together."""

    id: int
    size: int
    units: int
    applicant: str  # the applicant most of its members work for
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CoreInventors:
    """The top inventors of one applicant."""

    applicant: str
    units: int
    inventors: tuple[InventorRow, ...]


@dataclass(frozen=True, slots=True)
class InventorAnalysis(ResultMixin):
    """Inventor ranking, teams and core inventors per applicant."""

    scope: str
    count_by: str
    unit_zh: str
    total: int
    inventors_total: int
    inventors: tuple[InventorRow, ...]
    teams: tuple[Team, ...]
    core: tuple[CoreInventors, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(r, f) for f in r.__slots__} for r in self.inventors]
        )


def inventor_analysis(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 20,
    team_pool: int = 200,
    core_applicants: int = 5,
    core_size: int = 5,
) -> InventorAnalysis:
    """Rank inventors, find teams, list core inventors of the top applicants.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        top: how many inventors to list.
        team_pool: how many of the most productive inventors form the team graph.
        core_applicants: for how many top applicants to list core inventors.
        core_size: how many core inventors per applicant.
    """
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        inv = base.inventors()
        ranked = base.name("inventor_ranking")
        if ranked not in base._made:
            base._make(
                "inventor_ranking",
                f"""
                SELECT ikey, min(name) AS name, min(aname) AS aname, count(*) AS units,
                       min(filing_year) AS first_year, max(filing_year) AS last_year
                FROM {inv} GROUP BY ikey
                """,
            )
        rows = base.rows(
            f"""
            WITH shown AS (SELECT ikey FROM {ranked} ORDER BY units DESC, ikey LIMIT {int(top)}),
            pairs AS (SELECT a.ikey, count(DISTINCT b.ikey) AS co FROM {inv} a
                      JOIN {inv} b ON a.unit = b.unit AND a.ikey <> b.ikey
                      WHERE a.ikey IN (SELECT ikey FROM shown) GROUP BY a.ikey)
            SELECT r.ikey, r.name, r.aname, r.units, r.first_year, r.last_year,
                   coalesce(p.co, 0) AS co
            FROM {ranked} r LEFT JOIN pairs p ON p.ikey = r.ikey
            ORDER BY r.units DESC, r.ikey LIMIT {int(max(team_pool, top))}
            """,
            {"top": int(top), "pool": int(max(team_pool, top))},
            limit=int(max(team_pool, top)),
        )
        total = base.count_units()
        inventors_total = int(base.one(f"SELECT count(*) AS n FROM {ranked}")["n"])
        ranked_rows = [_row(i, r, total) for i, r in enumerate(rows, 1)]
        pool = {r.key for r in ranked_rows[:team_pool]}
        edges = [
            (e["a"], e["b"], int(e["w"]))
            for e in base.rows(
                f"""
                WITH pool AS (SELECT ikey FROM {ranked}
                              ORDER BY units DESC, ikey LIMIT {int(team_pool)}),
                members AS (SELECT unit, ikey FROM {inv} WHERE ikey IN (SELECT ikey FROM pool))
                SELECT a.ikey AS a, b.ikey AS b, count(*) AS w FROM members a
                JOIN members b ON a.unit = b.unit AND a.ikey < b.ikey
                GROUP BY a.ikey, b.ikey ORDER BY a, b
                """,
                {"pool": int(team_pool)},
            )
            if e["a"] in pool and e["b"] in pool
        ]
        teams = _teams(ranked_rows[:team_pool], edges)
        core_rows = base.rows(
            f"""
            WITH top_apps AS (
                SELECT lead_akey AS akey, min(lead_name) AS aname, count(*) AS n
                FROM {base.units} WHERE lead_akey IS NOT NULL
                GROUP BY lead_akey ORDER BY n DESC, akey LIMIT {int(core_applicants)}
            ),
            per AS (
                SELECT i.ikey, t.akey, t.aname, t.n AS app_units,
                       row_number() OVER (PARTITION BY t.akey
                                          ORDER BY r.units DESC, i.ikey) AS rn
                FROM (SELECT DISTINCT ikey, akey FROM {inv}
                      WHERE akey IN (SELECT akey FROM top_apps)) i
                JOIN {ranked} r ON r.ikey = i.ikey
                JOIN top_apps t ON t.akey = i.akey
            )
            SELECT p.akey, p.aname, p.app_units, p.rn, r.ikey, r.name, r.aname AS inv_aname,
                   r.units, r.first_year, r.last_year, 0 AS co
            FROM per p JOIN {ranked} r ON r.ikey = p.ikey
            WHERE p.rn <= $m
            ORDER BY p.app_units DESC, p.akey, p.rn
            """,
            {"k": int(core_applicants), "m": int(core_size)},
        )
    grouped: dict[str, tuple[str, int, list[InventorRow]]] = {}
    for r in core_rows:
        entry = grouped.setdefault(
            r["akey"], (str(r["aname"]), int(r["app_units"]), [])
        )
        entry[2].append(_row(int(r["rn"]), {**r, "aname": r["inv_aname"]}, total))
    core = tuple(
        CoreInventors(name, units, tuple(inv)) for name, units, inv in grouped.values()
    )
    return InventorAnalysis(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        inventors_total=inventors_total,
        inventors=tuple(ranked_rows[:top]),
        teams=teams,
        core=core,
    )


def _row(rank: int, r: dict[str, Any], total: int) -> InventorRow:
    units = int(r["units"])
    first, last = r["first_year"], r["last_year"]
    span = (
        (int(last) - int(first) + 1)
        if isinstance(first, int) and isinstance(last, int)
        else None
    )
    return InventorRow(
        rank=rank,
        key=str(r["ikey"]),
        name=str(r["name"]),
        applicant=str(r["aname"]),
        units=units,
        share=ratio(units, total),
        first_year=first if isinstance(first, int) else None,
        last_year=last if isinstance(last, int) else None,
        productivity=ratio(units, span) if span else None,
        coinventors=int(r["co"]),
    )


def _teams(
    pool: list[InventorRow], edges: list[tuple[str, str, int]]
) -> tuple[Team, ...]:
    if not pool or not edges:
        return ()
    order = sorted(r.key for r in pool)
    index = {k: i for i, k in enumerate(order)}
    info = {r.key: r for r in pool}
    graph = ig.Graph(n=len(order), edges=[(index[a], index[b]) for a, b, _ in edges])
    graph.es["weight"] = [w for _, _, w in edges]
    partition = leidenalg.find_partition(
        graph, leidenalg.ModularityVertexPartition, weights="weight", seed=SEED
    )
    groups: dict[int, list[str]] = {}
    for key, community in zip(order, partition.membership, strict=True):
        groups.setdefault(community, []).append(key)
    teams = [members for members in groups.values() if len(members) > 1]
    teams.sort(key=lambda m: (-sum(info[k].units for k in m), min(m)))
    out = []
    for i, members in enumerate(teams, 1):
        members.sort(key=lambda k: (-info[k].units, k))
        applicants: dict[str, int] = {}
        for k in members:
            applicants[info[k].applicant] = applicants.get(info[k].applicant, 0) + 1
        out.append(
            Team(
                id=i,
                size=len(members),
                units=sum(info[k].units for k in members),
                applicant=max(applicants, key=lambda a: (applicants[a], a)),
                members=tuple(info[k].name for k in members[:10]),
            )
        )
    return tuple(out)


ANALYSIS = AnalysisInfo(
    "inventors", inventor_analysis, "发明人与研发团队", "Inventors and teams", order=50
)
"""Registers :func:`inventor_analysis` as ``inventors``."""
