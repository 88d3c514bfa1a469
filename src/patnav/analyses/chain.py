"""Industry-chain positioning (产业链定位) — the heart of region and industry navigation.

For every node of a spec's technology tree: the home region's units, its share of the
national and the global units of the node, its relative technology advantage (RTA, the
Balassa index: the node's weight in the region against its weight in the comparator), the
growth of its filings, its key local players — and a classification as strong (强), average
(一般), weak (弱) or gap (缺) by explicit rules. For **every** node, candidates with the
numbers behind their rank: organisations outside the region — for weak and missing nodes
to fill the chain (补链招商), for strong and average ones as partners to strengthen or
extend it (强链/延链合作) — and inventors outside it (人才引进).

Position rules (thresholds are parameters; the result restates them):

* **gap** — the region has at most ``gap_max`` units in the node while the comparator has at
  least ``min_market``;
* **strong** — RTA ≥ ``strong_rta`` and at least ``min_units`` units;
* **weak** — RTA < ``weak_rta`` (and not a gap);
* **average** — otherwise. The comparator is the nation when the home region lies within a
  country, the world otherwise.

Candidate rules (local players, 招商/合作 candidates and talents alike):

* **Who.** A *holder* is a resolved entity (else a name): :data:`HOLDER_KEY`. With
  ``group_by="group"`` the members of an accepted corporate group are one holder under the
  group's name (:func:`holder_apps`), placed where most of its members' documents say;
  every count is of distinct units, so a unit two members of one group share counts once.
* **Organisations only.** Party types company, university, institute, hospital and other
  (:data:`ORGANISATIONS`); government bodies are local players but never 招商 candidates
  (a government cannot be attracted); individuals only with ``individuals=True``; a holder
  of unknown type is not listed.
* **Active.** At least one unit of the node filed in the last ``active_years`` complete
  filing years before the data cut-off, or later (``active_window``; filings after it are
  incomplete but still show activity). Without a cut-off nobody is listed.
* **Located by evidence.** A holder's place is the majority place of its own applicant,
  assignee and owner records in the whole store — an address, a postcode or a place the
  source gave, *never* one inferred from the look of a name — else (``by_priority``) the
  country of its first filings: the country holding at least two thirds of its
  applications' first national priorities (the office it files at first, not the office
  that published a document). An inventor is placed by their own address, else by their
  applicant's place. A holder whose place cannot tell inside from outside is not listed;
  the node counts them (``unlocated``).
* **Excluded.** Holders named in ``exclude_applicants`` (case-insensitive, ``*`` a
  wildcard) and defence suppliers — holders with at least ``max_weapons_share`` of their
  units in the spec's scope classed in weapons and ammunition (IPC F41, F42) — are not
  proposed as candidates, nor their inventors as talents; the node counts them
  (``excluded``).
* **Rank.** Units in the node, then recent units, then granted inventions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from patnav.analyses.applicants import GROUP_BY
from patnav.analyses.base import (
    COUNT_UNITS,
    NON_COUNTRY_OFFICES,
    CountBy,
    Engine,
    Region,
    ResultMixin,
    Scope,
    Window,
    as_engine,
    check_count_by,
    materialized,
    ratio,
)
from patnav.analyses.prepared import Base, based
from patnav.analyses.registry import AnalysisInfo
from patnav.analyses.spec import NavigationSpec, SpecNode
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore

POSITION_ZH = {"strong": "强链", "average": "一般", "weak": "弱链", "gap": "缺链"}

PURPOSE = {"gap": "fill", "weak": "fill", "average": "extend", "strong": "strengthen"}
"""What a node's candidates are for: fill a weak or missing link (补链), extend an
average one (延链), strengthen a strong one (强链)."""
PURPOSE_ZH = {"fill": "补链招商", "extend": "延链合作", "strengthen": "强链合作"}

ORGANISATIONS = ("company", "university", "institute", "hospital", "other")
"""Party types that may be 招商 candidates; local players may also be government bodies."""

HOLDER_KEY = "akey"
"""The column of the prepared ``apps`` relation that names one holder: the resolved entity,
else the applicant's name; a corporate group's key in :func:`holder_apps` when grouping."""

WEAPONS_CLASSES = ("F41", "F42")
"""IPC classes of weapons (F41) and ammunition and blasting (F42)."""

LOCATED_ROLES = ("applicant", "assignee", "current_owner")
PRIORITY_MAJORITY = 2 / 3
"""Share of an applicant's applications with a national first priority that one country
must hold to be the applicant's country of first filing."""

_COUNTER = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Player:
    """A holder in a node: units, growth, grant ratio, last filing, where it is and how
    that is known (``location_basis``: address, code, source or priority)."""

    name: str
    location: str
    units: int
    recent: int
    previous: int
    growth: float | None
    inventions_known: int
    granted: int
    grant_ratio: float | None
    key: str = ""
    party_type: str = ""
    location_basis: str = ""
    last_year: int | None = None


@dataclass(frozen=True, slots=True)
class Talent:
    """An inventor in a node: units, the applicant they invent for, where they are."""

    name: str
    applicant: str
    location: str
    units: int
    first_year: int | None
    last_year: int | None
    location_basis: str = ""


@dataclass(frozen=True, slots=True)
class NodePosition:
    """One technology node and where the home region stands in it."""

    node: str
    path: tuple[str, ...]
    depth: int
    home: int
    national: int
    world: int
    share_of_national: float | None
    share_of_world: float | None
    rta: float | None
    rta_basis: str  # national | world
    home_recent: int
    home_previous: int
    home_growth: float | None
    comparator_growth: float | None
    position: str
    position_zh: str
    reason: str
    local_players: tuple[Player, ...]
    candidates: tuple[Player, ...]
    talents: tuple[Talent, ...]
    purpose: str = ""  # fill | extend | strengthen
    purpose_zh: str = ""
    unlocated: int = 0  # active organisations whose place cannot be told
    excluded: int = 0  # active organisations outside excluded by a rule


@dataclass(frozen=True, slots=True)
class ChainPositioning(ResultMixin):
    """The home region's position along the technology tree, with candidates per node."""

    title: str
    region: str
    count_by: str
    unit_zh: str
    home_total: int
    national_total: int
    world_total: int
    recent_window: tuple[int, int] | None
    previous_window: tuple[int, int] | None
    rules: dict[str, float]
    nodes: tuple[NodePosition, ...]
    active_window: tuple[int, int] | None = None
    individuals: bool = False
    by_priority: bool = True
    max_weapons_share: float | None = None
    excluded_applicants: tuple[str, ...] = ()
    group_by: str = "entity"  # entity | group (corporate groups as one holder)

    def to_frame(self) -> pd.DataFrame:
        keep = (
            "node",
            "depth",
            "home",
            "national",
            "world",
            "share_of_national",
            "share_of_world",
            "rta",
            "home_growth",
            "position",
        )
        return pd.DataFrame([{k: getattr(n, k) for k in keep} for n in self.nodes])

    def candidates_frame(self) -> pd.DataFrame:
        """Every node's candidates, one row each, in rank order."""
        return pd.DataFrame(
            [
                {"node": n.node, "position": n.position, "purpose": n.purpose}
                | {f: getattr(p, f) for f in Player.__slots__}
                for n in self.nodes
                for p in n.candidates
            ]
        )


def chain_positioning(
    source: PatentStore | Engine,
    spec: NavigationSpec,
    *,
    region: Region | None = None,
    count_by: CountBy | None = None,
    top: int = 10,
    strong_rta: float = 1.2,
    weak_rta: float = 0.8,
    gap_max: int = 0,
    min_units: int = 5,
    min_market: int = 5,
    active_years: int = 5,
    individuals: bool = False,
    by_priority: bool = True,
    max_weapons_share: float | None = 0.5,
    exclude_applicants: Sequence[str] | None = None,
    store: PatentStore | None = None,
    group_by: str = "entity",
    within: Scope | None = None,
) -> ChainPositioning:
    """Position the home region on every node of the spec's technology tree.

    Args:
        source: the store, or an engine.
        spec: the navigation spec: its nodes, base query, period, region, unit.
        region: the home region (default: the spec's).
        count_by: counting unit (default: the spec's).
        top: candidates, talents and local players listed per node.
        strong_rta, weak_rta, gap_max, min_units, min_market: the classification rules.
        active_years: complete filing years before the cut-off in which a player or
            candidate must have filed in the node (see the module docstring).
        individuals: list individuals among players and candidates too.
        by_priority: place a holder with no address by its country of first filing.
        max_weapons_share: holders with this share of their units in IPC F41/F42 are
            not proposed (None: no such rule).
        exclude_applicants: names never proposed (default: the spec's
            ``exclude_applicants``, if it has them); ``*`` is a wildcard.
        store: resolves saved patent-set names in the spec's queries.
        group_by: ``entity`` (each applicant a holder) or ``group`` (the members of an
            accepted corporate group one holder, under the group's name; see
            :mod:`patnav.enterprises.groups`).
        within: a further narrowing of the spec's scope (the documents imported before a
            cut-off, :func:`patnav.analyses.changes.imported_before`); None: none.
    """
    engine = as_engine(source)
    home_region = _checked(region or spec.region, active_years, group_by)
    if exclude_applicants is None:
        exclude_applicants = spec.exclude_applicants
    excluded_names = tuple(str(n).strip() for n in exclude_applicants if str(n).strip())
    unit = check_count_by(count_by or spec.count_by)
    comparator = "national" if home_region.province or home_region.city else "world"
    rules = {
        "strong_rta": strong_rta,
        "weak_rta": weak_rta,
        "gap_max": gap_max,
        "min_units": min_units,
        "min_market": min_market,
    }
    # the spec's scope is computed once (its node queries joined into one query, then the
    # national limit and the period applied step by step); every node narrows within it
    parts = [*spec.scope_parts(store), *([within] if within is not None else [])]
    with materialized(engine, *parts) as scope:
        holders = f"_chain{next(_COUNTER)}_holders"
        # the spec's relations stay prepared while the nodes read the holders made from them
        # (an engine may materialise lazily, as Spark's cached views do)
        with based(engine, scope, unit) as whole:
            # one window for every node: the spec's data
            recent, previous = whole.windows()
            totals = _figures(whole, home_region, recent, previous)
            _make_holders(
                engine,
                whole,
                holders,
                home_region,
                by_priority=by_priority,
                excluded=excluded_names,
                group_by=group_by,
            )
            active = (recent[1] - active_years + 1, recent[1]) if recent else None
            pick = _Pick(
                region=home_region,
                holders=holders,
                recent=recent,
                previous=previous,
                active=active,
                top=top,
                individuals=individuals,
                max_weapons_share=max_weapons_share,
                group_by=group_by,
            )
            nodes = []
            try:
                for node in spec.walk():
                    with based(
                        engine, spec.node_scope(node, store, base=scope), unit
                    ) as base:
                        nodes.append(
                            _position(base, node, totals, comparator, rules, pick)
                        )
            finally:
                engine.drop(holders)
    return ChainPositioning(
        title=spec.title,
        region=home_region.label,
        count_by=unit,
        unit_zh=COUNT_UNITS[unit][0],
        home_total=totals["home"],
        national_total=totals["national"],
        world_total=totals["world"],
        recent_window=recent,
        previous_window=previous,
        rules=rules,
        nodes=tuple(nodes),
        active_window=active,
        individuals=individuals,
        by_priority=by_priority,
        max_weapons_share=max_weapons_share,
        excluded_applicants=excluded_names,
        group_by=group_by,
    )


def _position(
    base: Base,
    node: SpecNode,
    totals: dict[str, int],
    comparator: str,
    rules: dict[str, float],
    pick: _Pick,
) -> NodePosition:
    """One node: its figures against the spec's totals, its position, its players,
    candidates and talents."""
    f = _figures(base, pick.region, pick.recent, pick.previous)
    base_home = totals["home"]
    base_cmp = totals[comparator]
    rta = None
    if base_home and base_cmp and f[comparator]:
        rta = (f["home"] / base_home) / (f[comparator] / base_cmp)
    position, reason = _classify(f["home"], f[comparator], rta, comparator, rules)
    national_only = comparator == "national"
    local = pick.players(base, side="in")
    candidates = pick.players(base, side="out", national_only=national_only)
    counts = pick.skipped(base, national_only=national_only)
    talents = pick.talents(base, national_only=national_only)
    purpose = PURPOSE[position]
    return NodePosition(
        node=node.name,
        path=node.path,
        depth=node.depth,
        home=f["home"],
        national=f["national"],
        world=f["world"],
        share_of_national=ratio(f["home"], f["national"]),
        share_of_world=ratio(f["home"], f["world"]),
        rta=rta,
        rta_basis=comparator,
        home_recent=f["home_recent"],
        home_previous=f["home_previous"],
        home_growth=ratio(
            f["home_recent"] - f["home_previous"],
            f["home_previous"],
        ),
        comparator_growth=ratio(
            f[f"{comparator}_recent"] - f[f"{comparator}_previous"],
            f[f"{comparator}_previous"],
        ),
        position=position,
        position_zh=POSITION_ZH[position],
        reason=reason,
        local_players=tuple(local),
        candidates=tuple(candidates),
        talents=tuple(talents),
        purpose=purpose,
        purpose_zh=PURPOSE_ZH[purpose],
        unlocated=counts["unlocated"],
        excluded=counts["excluded"],
    )


def _classify(
    home: int, comparator: int, rta: float | None, basis: str, rules: dict[str, float]
) -> tuple[str, str]:
    where = "全国" if basis == "national" else "全球"
    if home <= rules["gap_max"] and comparator >= rules["min_market"]:
        return "gap", (
            f"本地 {home} 件，{where} {comparator} 件 (≥ {rules['min_market']:g})：本地缺失"
        )
    if rta is None:
        return "average", f"本地 {home} 件，{where} {comparator} 件：数据不足以比较"
    if rta >= rules["strong_rta"] and home >= rules["min_units"]:
        return "strong", f"RTA {rta:.2f} ≥ {rules['strong_rta']:g}，本地 {home} 件"
    if rta < rules["weak_rta"]:
        return "weak", f"RTA {rta:.2f} < {rules['weak_rta']:g}（本地占比低于{where}）"
    return (
        "average",
        f"RTA {rta:.2f} 介于 {rules['weak_rta']:g} 与 {rules['strong_rta']:g}",
    )


def _figures(
    base: Base,
    region: Region,
    recent: tuple[int, int] | None,
    previous: tuple[int, int] | None,
) -> dict[str, int]:
    condition, region_params = region.condition("u")
    row = base.one(
        f"""
        SELECT count(*) FILTER (WHERE {condition}) AS home,
               count(*) FILTER (WHERE u.country = $region_country) AS national,
               count(*) AS world,
               count(*) FILTER (WHERE ({condition}) AND u.filing_year BETWEEN $r0 AND $r1)
                   AS home_recent,
               count(*) FILTER (WHERE ({condition}) AND u.filing_year BETWEEN $p0 AND $p1)
                   AS home_previous,
               count(*) FILTER (WHERE u.country = $region_country
                                  AND u.filing_year BETWEEN $r0 AND $r1) AS national_recent,
               count(*) FILTER (WHERE u.country = $region_country
                                  AND u.filing_year BETWEEN $p0 AND $p1) AS national_previous,
               count(*) FILTER (WHERE u.filing_year BETWEEN $r0 AND $r1) AS world_recent,
               count(*) FILTER (WHERE u.filing_year BETWEEN $p0 AND $p1) AS world_previous
        FROM {base.units} u
        """,
        {**region_params, **_window_params(recent, previous)},
    )
    return {k: int(v or 0) for k, v in row.items()}


def _window_params(
    recent: tuple[int, int] | None, previous: tuple[int, int] | None
) -> dict[str, int]:
    return {
        "r0": recent[0] if recent else -1,
        "r1": recent[1] if recent else -1,
        "p0": previous[0] if previous else -1,
        "p1": previous[1] if previous else -1,
    }


def _location(country: Any, province: Any, city: Any) -> str:
    """A place label: 湖北省武汉市, 湖北省, 美国 — or 未知."""
    from patnav.schema.countries import country_name

    if province and city and city != province:
        return f"{province}{city}"
    if province or city:
        return str(province or city)
    return country_name(country) if country else "未知"


# -- where holders are -----------------------------------------------------------------


def side_sql(
    region: Region, country: str, province: str, city: str
) -> tuple[str, dict[str, Any]]:
    """SQL telling whether a place lies inside the region (``'in'``), outside it
    (``'out'``), or cannot be told (NULL: a Chinese holder known only by its country, for a
    provincial region)."""
    from patnav.schema.vocabulary import province_name

    params: dict[str, Any] = {"side_country": region.country}
    inside = [f"{country} = $side_country"]
    outside = [f"{country} <> $side_country"]
    if region.province:
        params["side_province"] = province_name(region.province) or region.province
        inside.append(f"{province} = $side_province")
        outside.append(f"{province} <> $side_province")
    if region.city:
        stem = (
            region.city[:-1]
            if region.city.endswith(("市", "州", "盟"))
            else region.city
        )
        params["side_city"] = region.city if region.city != stem else f"{region.city}市"
        params["side_city_like"] = f"{stem}%"
        matches = f"({city} = $side_city OR {city} LIKE $side_city_like)"
        inside.append(matches)
        outside.append(f"NOT {matches}")
    sql = (
        f"CASE WHEN {' AND '.join(inside)} THEN 'in' "
        f"WHEN {' OR '.join(outside)} THEN 'out' END"
    )
    return sql, params


def _make_holders(
    engine: Engine,
    base: Base,
    table: str,
    region: Region,
    *,
    by_priority: bool,
    excluded: Sequence[str],
    group_by: str = "entity",
) -> None:
    """One row per holder of the base scope: name, type, place and how it is known,
    which side of the region it is on, its share of weapons units, whether it is listed
    as excluded. A corporate group's place is the one most of its members' documents
    give."""
    apps = holder_apps(base, group_by)
    party_key = "coalesce(pa.entity_id, 'name:' || pa.name)"
    if group_by == "group":
        party_key = f"coalesce(gk.group_key, {party_key})"
    roles = ", ".join(f"'{r}'" for r in LOCATED_ROLES)
    offices = ", ".join(f"'{o}'" for o in NON_COUNTRY_OFFICES)
    weapons = " OR ".join(f"starts_with(c.code, '{w}')" for w in WEAPONS_CLASSES)
    side, side_params = side_sql(region, "pl.country", "pl.province", "pl.city")
    params: dict[str, Any] = {**side_params, "majority": PRIORITY_MAJORITY}
    listed = []
    for i, name in enumerate(excluded):
        params[f"exclude_{i}"] = _like_pattern(name)
        listed.append(f"upper(k.name) LIKE $exclude_{i} ESCAPE '\\'")
    listed_sql = " OR ".join(listed) if listed else "FALSE"
    priority_cte = (
        f"""
        first_prio AS (
            SELECT p.doc_id, coalesce(p.app_number, p.doc_id) AS app,
                   arg_min(pr.country, coalesce(CAST(pr.date AS VARCHAR), '9999')
                           || lpad(CAST(pr.seq AS VARCHAR), 4, '0')) AS country
            FROM priorities pr JOIN patents p ON p.doc_id = pr.doc_id
            WHERE pr.country IS NOT NULL AND pr.country NOT IN ({offices})
              AND p.doc_id IN (SELECT doc_id FROM mentions)
            GROUP BY p.doc_id, coalesce(p.app_number, p.doc_id)
        ),
        prio_votes AS (
            SELECT m.akey, fp.country, count(DISTINCT fp.app) AS n
            FROM mentions m JOIN first_prio fp ON fp.doc_id = m.doc_id
            GROUP BY m.akey, fp.country
        ),
        prio AS (
            SELECT akey, arg_max(country, n) AS country, max(n) AS top, sum(n) AS total
            FROM prio_votes GROUP BY akey
        ),"""
        if by_priority
        else "prio AS (SELECT NULL AS akey, NULL AS country, 0 AS top, 1 AS total),"
    )
    engine.materialize(
        table,
        f"""
        WITH keys AS (
            SELECT {HOLDER_KEY} AS akey, min(name) AS name,
                   min(coalesce(party_type, 'unknown')) AS party_type
            FROM {apps} GROUP BY {HOLDER_KEY}
        ),
        mentions AS (
            SELECT DISTINCT {party_key} AS akey, pa.doc_id,
                   pa.country, pa.province, pa.city,
                   coalesce(pa.location_source, 'source') AS basis
            FROM parties pa
            {_group_join(base, group_by, "coalesce(pa.entity_id, 'name:' || pa.name)")}
            WHERE pa.role IN ({roles})
              AND {party_key} IN (SELECT akey FROM keys)
        ),
        votes AS (
            SELECT akey, country, province, city, min(basis) AS basis,
                   count(DISTINCT doc_id) AS n
            FROM mentions
            WHERE basis <> 'name' AND (country IS NOT NULL OR province IS NOT NULL)
            GROUP BY akey, country, province, city
        ),
        placed AS (
            SELECT akey, country, province, city, basis FROM (
                SELECT *, row_number() OVER (
                    PARTITION BY akey
                    ORDER BY n DESC, CASE WHEN city IS NULL THEN 1 ELSE 0 END,
                             CASE WHEN province IS NULL THEN 1 ELSE 0 END,
                             country, province, city) AS rn
                FROM votes) v
            WHERE rn = 1
        ),
        {priority_cte}
        weapons AS (
            SELECT a.{HOLDER_KEY} AS akey,
                   count(DISTINCT a.unit) AS units,
                   count(DISTINCT CASE WHEN w.unit IS NOT NULL THEN a.unit END) AS armed
            FROM {apps} a
            LEFT JOIN (SELECT DISTINCT d.unit FROM {base.docs} d
                       JOIN classifications c ON c.doc_id = d.doc_id AND c.scheme = 'IPC'
                       WHERE {weapons}) w ON w.unit = a.unit
            GROUP BY a.{HOLDER_KEY}
        ),
        located AS (
            SELECT k.akey, k.name, k.party_type,
                   coalesce(pl.country,
                            CASE WHEN pl.province IS NOT NULL THEN 'CN' END,
                            CASE WHEN pr.top >= $majority * pr.total THEN pr.country END)
                       AS country,
                   pl.province, pl.city,
                   CASE WHEN pl.akey IS NOT NULL THEN pl.basis
                        WHEN pr.top >= $majority * pr.total THEN 'priority' END AS basis,
                   ({listed_sql}) AS listed,
                   CAST(w.armed AS DOUBLE) / w.units AS weapons_share
            FROM keys k
            LEFT JOIN placed pl ON pl.akey = k.akey
            LEFT JOIN prio pr ON pr.akey = k.akey
            LEFT JOIN weapons w ON w.akey = k.akey
        )
        SELECT akey, name, party_type, country, province, city, basis, listed,
               weapons_share, {side.replace("pl.", "")} AS side
        FROM located
        """,
        params,
    )


_APPS_COLUMNS = (
    "a.unit, {key} AS akey, {name} AS name, {type} AS party_type, a.country, a.province, "
    "a.city, a.first_key, a.filing_year, a.invention, a.known, a.granted, a.has_status, "
    "a.in_force, a.cited, a.ipc_main, a.office, a.unit_country, a.unit_province, "
    "a.unit_city, a.unit_applicants"
)


def _group_join(base: Base, group_by: str, key: str) -> str:
    """``LEFT JOIN`` of the group keys on ``key`` (nothing when not grouping)."""
    if group_by != "group":
        return ""
    return f"LEFT JOIN {base.group_keys()} gk ON gk.akey = {key}"


def holder_apps(base: Base, group_by: str) -> str:
    """The unit × holder relation candidates are counted from: ``base.apps``, or — with
    ``group_by="group"`` — the same with every member of an accepted corporate group under
    its group's key and name (a unit two members share counts once: every count is of
    distinct units)."""
    if group_by != "group":
        return base.apps
    table = base.name("holder_apps")
    if table not in base._made:
        columns = _APPS_COLUMNS.format(
            key="coalesce(gk.group_key, a.akey)",
            name="coalesce(gk.group_name, a.name)",
            type="CASE WHEN gk.group_key IS NULL THEN a.party_type ELSE 'company' END",
        )
        base._make(
            "holder_apps",
            f"SELECT {columns} FROM {base.apps} a "
            f"LEFT JOIN {base.group_keys()} gk ON gk.akey = a.akey",
        )
    return table


def _checked(region: Region | None, active_years: int, group_by: str) -> Region:
    """The home region, once the parameters are checked.

    Raises:
        InvalidParameterError: no region, ``active_years`` below 1, an unknown
            ``group_by``.
    """
    if region is None:
        raise InvalidParameterError(
            "chain positioning needs a home region: give region=, or a spec with 'region:'."
        )
    if group_by not in GROUP_BY:
        raise InvalidParameterError(
            f"The 'group_by' parameter of chain_positioning must be one of "
            f"{', '.join(GROUP_BY)}. Got {group_by!r} instead."
        )
    if active_years < 1:
        raise InvalidParameterError(
            "The 'active_years' parameter of chain_positioning must be an int ≥ 1. "
            f"Got {active_years!r} instead."
        )
    return region


def _like_pattern(name: str) -> str:
    escaped = name.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


@dataclass(frozen=True, slots=True)
class _Pick:
    """The candidate rules of one chain run, applied to each node's prepared relations."""

    region: Region
    holders: str
    recent: Window | None
    previous: Window | None
    active: Window | None
    top: int
    individuals: bool
    max_weapons_share: float | None
    group_by: str = "entity"

    def _types(self, *, local: bool) -> str:
        types = ORGANISATIONS + (("government",) if local else ())
        types += ("individual",) if self.individuals else ()
        return ", ".join(f"'{t}'" for t in types)

    def _blocked(self) -> str:
        parts = ["h.listed"]
        if self.max_weapons_share is not None:
            parts.append(
                f"coalesce(h.weapons_share, 0) >= {float(self.max_weapons_share)!r}"
            )
        return "(" + " OR ".join(parts) + ")"

    def _params(self) -> dict[str, Any]:
        return {
            **_window_params(self.recent, self.previous),
            "active_from": self.active[0] if self.active else 10**6,
            "region_country": self.region.country,
        }

    def players(
        self, base: Base, *, side: str, national_only: bool = False
    ) -> list[Player]:
        """Active holders inside (``side='in'``) or outside the region, strongest first."""
        where = [
            f"h.side = '{side}'",
            f"h.party_type IN ({self._types(local=side == 'in')})",
        ]
        if side == "out":
            where.append(f"NOT {self._blocked()}")
            if national_only:
                where.append("h.country = $region_country")
        rows = base.rows(
            f"""
            SELECT a.{HOLDER_KEY} AS akey, min(h.name) AS name,
                   min(h.party_type) AS party_type, min(h.country) AS country,
                   min(h.province) AS province, min(h.city) AS city,
                   min(h.basis) AS basis,
                   count(DISTINCT a.unit) AS units,
                   count(DISTINCT CASE WHEN a.filing_year BETWEEN $r0 AND $r1
                                       THEN a.unit END) AS recent,
                   count(DISTINCT CASE WHEN a.filing_year BETWEEN $p0 AND $p1
                                       THEN a.unit END) AS previous,
                   count(DISTINCT CASE WHEN a.known = 1 THEN a.unit END) AS known,
                   count(DISTINCT CASE WHEN a.granted = 1 THEN a.unit END) AS granted,
                   max(a.filing_year) AS last_year
            FROM {holder_apps(base, self.group_by)} a
            JOIN {self.holders} h ON h.akey = a.{HOLDER_KEY}
            WHERE {" AND ".join(where)}
            GROUP BY a.{HOLDER_KEY}
            HAVING max(a.filing_year) >= $active_from
            ORDER BY units DESC, recent DESC, granted DESC, akey LIMIT {int(self.top)}
            """,
            self._params(),
            limit=int(self.top),
        )
        return [
            Player(
                name=str(r["name"]),
                location=_location(r["country"], r["province"], r["city"]),
                units=int(r["units"]),
                recent=int(r["recent"]),
                previous=int(r["previous"]),
                growth=ratio(int(r["recent"]) - int(r["previous"]), int(r["previous"])),
                inventions_known=int(r["known"] or 0),
                granted=int(r["granted"] or 0),
                grant_ratio=ratio(int(r["granted"] or 0), int(r["known"] or 0)),
                key=str(r["akey"]),
                party_type=str(r["party_type"]),
                location_basis=str(r["basis"] or ""),
                last_year=r["last_year"],
            )
            for r in rows
        ]

    def skipped(self, base: Base, *, national_only: bool) -> dict[str, int]:
        """Active organisations of the node not listed as candidates: those whose place
        cannot be told (``unlocated``) and those a rule excludes (``excluded``)."""
        outside = "h.side = 'out'" + (
            " AND h.country = $region_country" if national_only else ""
        )
        row = base.one(
            f"""
            SELECT count(*) FILTER (WHERE side IS NULL) AS unlocated,
                   count(*) FILTER (WHERE outside AND blocked) AS excluded
            FROM (
                SELECT a.{HOLDER_KEY}, min(h.side) AS side,
                       bool_or({outside}) AS outside, bool_or({self._blocked()}) AS blocked
                FROM {holder_apps(base, self.group_by)} a
                JOIN {self.holders} h ON h.akey = a.{HOLDER_KEY}
                WHERE h.party_type IN ({self._types(local=False)})
                GROUP BY a.{HOLDER_KEY}
                HAVING max(a.filing_year) >= $active_from
            ) s
            """,
            self._params(),
        )
        return {k: int(v or 0) for k, v in row.items()}

    def talents(self, base: Base, *, national_only: bool = False) -> list[Talent]:
        """Active inventors placed outside the region (by their own address, else their
        applicant's place) — within its country when ``national_only`` —, most units
        first; none of an excluded applicant."""
        side, side_params = side_sql(self.region, "t.country", "t.province", "t.city")
        lead = (
            "coalesce(gk.group_key, u.lead_akey)"
            if self.group_by == "group"
            else "u.lead_akey"
        )
        rows = base.rows(
            f"""
            WITH inv AS (
                SELECT DISTINCT d.unit, pi.name, {lead} AS akey, u.filing_year,
                       CASE WHEN coalesce(pi.location_source, 'source') <> 'name'
                                 AND (pi.country IS NOT NULL OR pi.province IS NOT NULL)
                            THEN 1 ELSE 0 END AS own,
                       pi.country, pi.province, pi.city
                FROM {base.docs} d
                JOIN parties pi ON pi.doc_id = d.doc_id AND pi.role = 'inventor'
                JOIN {base.units} u ON u.unit = d.unit
                {_group_join(base, self.group_by, "u.lead_akey")}
            ),
            per AS (
                SELECT name, akey, count(DISTINCT unit) AS units,
                       min(filing_year) AS first_year, max(filing_year) AS last_year
                FROM inv GROUP BY name, akey
            ),
            own AS (
                SELECT name, akey, country, province, city FROM (
                    SELECT name, akey, country, province, city, row_number() OVER (
                        PARTITION BY name, akey
                        ORDER BY filing_year DESC NULLS LAST, country, province, city
                    ) AS rn
                    FROM inv WHERE own = 1) o
                WHERE rn = 1
            ),
            t AS (
                SELECT p.name, p.akey, p.units, p.first_year, p.last_year,
                       coalesce(h.name, '') AS applicant,
                       CASE WHEN o.name IS NOT NULL THEN o.country ELSE h.country END
                           AS country,
                       CASE WHEN o.name IS NOT NULL THEN o.province ELSE h.province END
                           AS province,
                       CASE WHEN o.name IS NOT NULL THEN o.city ELSE h.city END AS city,
                       CASE WHEN o.name IS NOT NULL THEN 'inventor' ELSE h.basis END
                           AS basis,
                       coalesce({self._blocked()}, FALSE) AS blocked
                FROM per p
                LEFT JOIN own o ON o.name = p.name AND o.akey = p.akey
                LEFT JOIN {self.holders} h ON h.akey = p.akey
            )
            SELECT t.* FROM t
            WHERE {side} = 'out' AND NOT t.blocked AND t.last_year >= $active_from
              {"AND t.country = $region_country" if national_only else ""}
            ORDER BY units DESC, last_year DESC NULLS LAST, name, applicant
            LIMIT {int(self.top)}
            """,
            {**self._params(), **side_params},
            limit=int(self.top),
        )
        return [
            Talent(
                name=str(r["name"]),
                applicant=str(r["applicant"]),
                location=_location(r["country"], r["province"], r["city"]),
                units=int(r["units"]),
                first_year=r["first_year"],
                last_year=r["last_year"],
                location_basis=str(r["basis"] or ""),
            )
            for r in rows
        ]


ANALYSIS = AnalysisInfo(
    "chain",
    chain_positioning,
    "产业链定位与补链强链",
    "Industry-chain positioning",
    needs="spec",
    order=100,
)
"""Registers :func:`chain_positioning` as ``chain``."""
