"""Applicants (申请人分析): who files, how much, how fast, how successfully.

An applicant is its resolved entity where enrichment has run (``parties.entity_id``), else its
cleaned name. Every applicant of a unit counts the unit once (co-applicants both count it), so
shares of the ranking may add up to more than 100 %; the concentration ratios CR4/CR8 use the
same counts, and the HHI normalises applicant counts to shares of their sum.

Per applicant: units, share of all units, growth of the last three complete years against the
three before, grant ratio (granted invention units / invention units whose grant state the
data tells — a kind code, a grant date or a legal status; utility models and designs are
granted on publication, so they are left out of the ratio), share still in force
(of the units whose legal status is known), first and last filing years. Plus new entrants
(first filing within the last three complete years) and the applicant-type mix.

With ``group_by="group"`` the applicants of an accepted corporate group (企业集团, see
:mod:`patnav.enterprises.groups`) are ranked as one: a unit filed by two members counts once
for the group. Applicants in no group stay themselves. The type mix (a fact of each unit's
lead applicant) is the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
from patnav.storage.store import PatentStore

PARTY_TYPES_ZH = {
    "company": "企业",
    "university": "高校",
    "institute": "科研院所",
    "hospital": "医院",
    "individual": "个人",
    "government": "机关团体",
    "other": "其他",
    "unknown": "未识别",
}


@dataclass(frozen=True, slots=True)
class ApplicantRow:
    """One applicant's figures."""

    rank: int
    key: str
    name: str
    party_type: str | None
    units: int
    share: float | None
    recent: int
    previous: int
    growth: float | None
    inventions: int
    inventions_known: int  # invention units whose grant state the data tells
    granted_inventions: int | None  # None when the data tell no invention's grant state
    grant_ratio: float | None  # granted / known; None when the data cannot tell
    with_status: int
    in_force: int | None  # None when no unit has a known status: unknown, never 0
    in_force_share: float | None
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True, slots=True)
class TypeShare:
    """Units of one applicant type."""

    party_type: str
    label: str
    units: int
    share: float | None


@dataclass(frozen=True, slots=True)
class Concentration:
    """How concentrated filing is among applicants."""

    applicants: int
    cr4: float | None
    cr8: float | None
    hhi: float | None  # 0–10,000
    level: str  # the market-structure reading of the HHI
    level_zh: str


@dataclass(frozen=True, slots=True)
class ApplicantRanking(ResultMixin):
    """The applicant ranking with concentration, new entrants and type mix."""

    scope: str
    count_by: str
    unit_zh: str
    total: int
    recent_window: tuple[int, int] | None
    previous_window: tuple[int, int] | None
    applicants: tuple[ApplicantRow, ...]
    concentration: Concentration
    new_entrants: tuple[ApplicantRow, ...]
    type_mix: tuple[TypeShare, ...]
    group_by: str = "entity"  # entity | group (corporate groups ranked as one)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(r, f) for f in r.__slots__} for r in self.applicants]
        )


def applicant_ranking(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 20,
    role: str = "applicant",
    group_by: str = "entity",
) -> ApplicantRanking:
    """Rank applicants (or another party role, e.g. ``current_owner``) by units.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        top: how many applicants to list (concentration uses all).
        role: the party role to rank.
        group_by: ``entity`` (each applicant) or ``group`` (members of an accepted
            corporate group ranked as their group).
    """
    if group_by not in GROUP_BY:
        raise InvalidParameterError(
            f"The 'group_by' parameter must be one of {', '.join(GROUP_BY)}. "
            f"Got {group_by!r} instead."
        )
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        recent, previous = base.windows()
        params = {
            "r0": recent[0] if recent else -1,
            "r1": recent[1] if recent else -1,
            "p0": previous[0] if previous else -1,
            "p1": previous[1] if previous else -1,
        }
        source_table = base.apps if role == "applicant" else _role_table(base, role)
        if group_by == "group":
            source_table = _grouped(base, source_table, role)
        # every applicant counts towards the concentration; only the top rows and the new
        # entrants become Python objects (a million units have hundreds of thousands)
        table = base.engine.fetch(
            f"""
            SELECT akey, min(name) AS name, min(party_type) AS party_type, count(*) AS units,
                   sum(CASE WHEN filing_year BETWEEN $r0 AND $r1 THEN 1 ELSE 0 END) AS recent,
                   sum(CASE WHEN filing_year BETWEEN $p0 AND $p1 THEN 1 ELSE 0 END)
                       AS previous,
                   sum(invention) AS inventions, sum(known) AS inventions_known,
                   sum(granted) AS granted, sum(has_status) AS with_status,
                   sum(in_force) AS in_force,
                   min(filing_year) AS first_year, max(filing_year) AS last_year
            FROM {source_table}
            GROUP BY akey
            ORDER BY units DESC, akey
            """,
            params,
        )
        total = base.count_units()
        if role == "applicant":  # the lead applicant's type is a fact of the unit
            type_sql = (
                f"SELECT lead_type AS t, count(*) AS n FROM {base.units} "
                "WHERE lead_akey IS NOT NULL GROUP BY 1 ORDER BY n DESC, t"
            )
        else:
            type_sql = f"""
                WITH firsts AS (SELECT unit, min(first_key) AS k FROM {source_table}
                                GROUP BY unit)
                SELECT coalesce(a.party_type, 'unknown') AS t, count(*) AS n
                FROM {source_table} a JOIN firsts f ON f.unit = a.unit AND f.k = a.first_key
                GROUP BY 1 ORDER BY n DESC, t
            """
        type_rows = base.rows(type_sql)
    counts = [int(n) for n in table.column("units").to_pylist()]
    concentration = _concentration(counts, total)
    ranked = list(range(table.num_rows))[:top]
    rows = _rows(table, ranked, total)
    entrants = _entrants(table, recent, top, total)
    mix: dict[str, int] = {}
    for r in type_rows:
        mix[str(r["t"])] = int(r["n"])
    typed_total = sum(mix.values())
    return ApplicantRanking(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        recent_window=recent,
        previous_window=previous,
        applicants=tuple(rows),
        concentration=concentration,
        new_entrants=entrants,
        type_mix=tuple(
            TypeShare(t, PARTY_TYPES_ZH.get(t, t), n, ratio(n, typed_total))
            for t, n in mix.items()
        ),
        group_by=group_by,
    )


ROLES = ("applicant", "assignee", "current_owner", "agency")
GROUP_BY = ("entity", "group")


def _grouped(base: Base, source_table: str, role: str) -> str:
    """``source_table`` with the members of each accepted corporate group as one
    applicant (``group:`` key, the group's name): one row per unit and group."""
    part = f"grouped_{role}"
    table = base.name(part)
    if table not in base._made:
        # the few grouped keys, once per prepared scope (every role joins them)
        keys = base.group_keys()
        # applicants in no group pass through; only members are merged (a hash
        # aggregate over every row would cost more than the ranking itself)
        base._make(
            part,
            f"""
            SELECT a.unit, a.akey, a.name, a.party_type, a.first_key, a.filing_year,
                   a.invention, a.known, a.granted, a.has_status, a.in_force
            FROM {source_table} a
            WHERE a.akey IS NULL OR a.akey NOT IN (SELECT akey FROM {keys})
            UNION ALL
            SELECT a.unit, gk.group_key AS akey, min(gk.group_name) AS name,
                   'company' AS party_type, min(a.first_key) AS first_key,
                   min(a.filing_year) AS filing_year, min(a.invention) AS invention,
                   min(a.known) AS known, min(a.granted) AS granted,
                   min(a.has_status) AS has_status, min(a.in_force) AS in_force
            FROM {source_table} a JOIN {keys} gk ON gk.akey = a.akey
            GROUP BY a.unit, gk.group_key
            """,
        )
    return table


def _role_table(base: Base, role: str) -> str:
    """Like ``base.apps``, for another party role (current owners, assignees, agencies)."""
    if role not in ROLES:
        raise InvalidParameterError(
            f"The 'role' parameter must be one of {', '.join(ROLES)}. Got {role!r} instead."
        )
    table = base.name(f"role_{role}")
    if table not in base._made:
        base._make(
            f"role_{role}",
            f"""
            SELECT d.unit, coalesce(pa.entity_id, 'name:' || pa.name) AS akey,
                   min(coalesce(e.name, pa.name)) AS name,
                   min(coalesce(e.party_type, pa.party_type)) AS party_type,
                   min(d.doc_id || '|' || lpad(CAST(pa.seq AS VARCHAR), 4, '0')) AS first_key,
                   min(u.filing_year) AS filing_year, min(u.invention) AS invention,
                   min(u.known) AS known, min(u.granted) AS granted,
                   min(u.has_status) AS has_status, min(u.in_force) AS in_force
            FROM {base.docs} d
            JOIN parties pa ON pa.doc_id = d.doc_id AND pa.role = $role
            LEFT JOIN entities e ON e.entity_id = pa.entity_id
            JOIN {base.units} u ON u.unit = d.unit
            GROUP BY d.unit, coalesce(pa.entity_id, 'name:' || pa.name)
            """,
            {"role": role},
        )
    return table


def _entrants(
    table: pa.Table, recent: tuple[int, int] | None, top: int, total: int
) -> tuple[ApplicantRow, ...]:
    """The ranking's new entrants: first filing within the recent window, none after it
    (three years' grace for late publications); their ranks are those of the ranking."""
    if recent is None:
        return ()
    first = table.column("first_year")
    last = pc.fill_null(table.column("last_year"), 0)
    keep = pc.fill_null(
        pc.and_(pc.greater_equal(first, recent[0]), pc.less_equal(last, recent[1] + 3)),
        False,
    )
    return tuple(_rows(table, pc.indices_nonzero(keep).to_pylist()[:top], total))


def _rows(table: pa.Table, positions: list[int], total: int) -> list[ApplicantRow]:
    """The ranking's rows at ``positions`` (0-based; rank = position + 1)."""
    picked = table.take(pa.array(positions, type=pa.int64())).to_pylist()
    return [_row(i + 1, r, total) for i, r in zip(positions, picked, strict=True)]


def _row(rank: int, r: dict[str, Any], total: int) -> ApplicantRow:
    units = int(r["units"])
    recent = int(r["recent"])
    previous = int(r["previous"])
    inventions = int(r["inventions"])
    known = int(r["inventions_known"])
    granted = int(r["granted"])
    with_status = int(r["with_status"])
    in_force = int(r["in_force"])
    first_year = r["first_year"]
    last_year = r["last_year"]
    return ApplicantRow(
        rank=rank,
        key=str(r["akey"]),
        name=str(r["name"]),
        party_type=r["party_type"] if isinstance(r["party_type"], str) else None,
        units=units,
        share=ratio(units, total),
        recent=recent,
        previous=previous,
        growth=ratio(recent - previous, previous),
        inventions=inventions,
        inventions_known=known,
        granted_inventions=granted if known else None,
        grant_ratio=ratio(granted, known),
        with_status=with_status,
        in_force=in_force if with_status else None,
        in_force_share=ratio(in_force, with_status),
        first_year=int(first_year) if isinstance(first_year, int) else None,
        last_year=int(last_year) if isinstance(last_year, int) else None,
    )


HHI_LEVELS = (
    (1500, "unconcentrated", "分散竞争"),
    (2500, "moderately concentrated", "适度集中"),
    (10001, "highly concentrated", "高度集中"),
)
"""US merger-guideline thresholds of the HHI (below 1,500; 1,500–2,500; above 2,500)."""


def _concentration(counts: list[int], total: int) -> Concentration:
    if not counts:
        return Concentration(0, None, None, None, "none", "无数据")
    ordered = sorted(counts, reverse=True)
    cr4 = ratio(sum(ordered[:4]), total)
    cr8 = ratio(sum(ordered[:8]), total)
    whole = sum(counts)
    hhi = sum((100 * c / whole) ** 2 for c in counts) if whole else None
    level, level_zh = next(
        (
            (name, zh)
            for limit, name, zh in HHI_LEVELS
            if hhi is not None and hhi < limit
        ),
        ("none", "无数据"),
    )
    return Concentration(len(counts), cr4, cr8, hhi, level, level_zh)


ANALYSIS = AnalysisInfo(
    "applicants", applicant_ranking, "申请人排名与集中度", "Applicants", order=30
)
"""Registers :func:`applicant_ranking` as ``applicants``."""
