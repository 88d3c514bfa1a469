"""Industry-chain positioning (产业链定位) — the heart of region and industry navigation.

For every node of a spec's technology tree: the home region's units, its share of the
national and the global units of the node, its relative technology advantage (RTA, the
Balassa index: the node's weight in the region against its weight in the comparator), the
growth of its filings, its key local players — and a classification as strong (强), average
(一般), weak (弱) or gap (缺) by explicit rules. For weak and gap nodes, 补链强链 candidates: the
strongest applicants outside the region (招商对象) and the most productive inventors outside it
(人才引进), each with the numbers behind the ranking.

Rules (thresholds are parameters; the result restates them):

* **gap** — the region has at most ``gap_max`` units in the node while the comparator has at
  least ``min_market``;
* **strong** — RTA ≥ ``strong_rta`` and at least ``min_units`` units;
* **weak** — RTA < ``weak_rta`` (and not a gap);
* **average** — otherwise. The comparator is the nation when the home region lies within a
  country, the world otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    Region,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    materialized,
    ratio,
)
from patnav.analyses.prepared import Base, based
from patnav.analyses.spec import NavigationSpec
from patnav.storage.store import PatentStore

POSITION_ZH = {"strong": "强链", "average": "一般", "weak": "弱链", "gap": "缺链"}


@dataclass(frozen=True, slots=True)
class Player:
    """An applicant in a node: units, growth, grant ratio, location."""

    name: str
    location: str
    units: int
    recent: int
    previous: int
    growth: float | None
    inventions_known: int
    granted: int
    grant_ratio: float | None


@dataclass(frozen=True, slots=True)
class Talent:
    """An inventor in a node: units and the applicant they invent for."""

    name: str
    applicant: str
    location: str
    units: int
    first_year: int | None
    last_year: int | None


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


@dataclass(frozen=True, slots=True)
class ChainPositioning(ResultMixin):
    """The home region's position along the technology tree, with 补链强链 candidates."""

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
    store: PatentStore | None = None,
) -> ChainPositioning:
    """Position the home region on every node of the spec's technology tree.

    Args:
        source: the store, or an engine.
        spec: the navigation spec: its nodes, base query, period, region, unit.
        region: the home region (default: the spec's).
        count_by: counting unit (default: the spec's).
        top: candidates, talents and local players listed per node.
        strong_rta, weak_rta, gap_max, min_units, min_market: the classification rules.
        store: resolves saved patent-set names in the spec's queries.
    """
    engine = as_engine(source)
    home_region = region or spec.region
    if home_region is None:
        from patnav.errors import InvalidParameterError

        raise InvalidParameterError(
            "chain positioning needs a home region: give region=, or a spec with 'region:'."
        )
    unit = check_count_by(count_by or spec.count_by)
    comparator = "national" if home_region.province or home_region.city else "world"
    with materialized(engine, *spec.scope_parts(store)) as scope:
        return _positioning(
            engine,
            spec,
            scope,
            home_region,
            unit,
            comparator,
            top=top,
            rules={
                "strong_rta": strong_rta,
                "weak_rta": weak_rta,
                "gap_max": gap_max,
                "min_units": min_units,
                "min_market": min_market,
            },
            store=store,
        )


def _positioning(
    engine: Engine,
    spec: NavigationSpec,
    scope: Scope,
    home_region: Region,
    unit: CountBy,
    comparator: str,
    *,
    top: int,
    rules: dict[str, float],
    store: PatentStore | None,
) -> ChainPositioning:
    """The positioning over the spec's scope, computed once (see ``chain_positioning``)."""
    with based(engine, scope, unit) as base:
        recent, previous = base.windows()  # one window for every node: the spec's data
        totals = _figures(base, home_region, recent, previous)
    nodes = []
    for node in spec.walk():
        with based(engine, spec.node_scope(node, store, base=scope), unit) as base:
            f = _figures(base, home_region, recent, previous)
            base_home = totals["home"]
            base_cmp = totals[comparator]
            rta = None
            if base_home and base_cmp and f[comparator]:
                rta = (f["home"] / base_home) / (f[comparator] / base_cmp)
            position, reason = _classify(
                f["home"], f[comparator], rta, comparator, rules
            )
            weak = position in ("weak", "gap")
            local = _players(base, home_region, recent, previous, inside=True, top=top)
            candidates = (
                _players(
                    base,
                    home_region,
                    recent,
                    previous,
                    inside=False,
                    top=top,
                    national_only=comparator == "national",
                )
                if weak
                else []
            )
            talents = _talents(base, home_region, top=top) if weak else []
        nodes.append(
            NodePosition(
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
                    f["home_recent"] - f["home_previous"], f["home_previous"]
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
            )
        )
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


def _players(
    base: Base,
    region: Region,
    recent: tuple[int, int] | None,
    previous: tuple[int, int] | None,
    *,
    inside: bool,
    top: int,
    national_only: bool = False,
) -> list[Player]:
    """Applicants of units originating inside (or outside) the region, strongest first."""
    condition, region_params = region.condition("a", prefix="unit_")
    where = f"({condition})" if inside else f"NOT ({condition})"
    if not inside and national_only:
        where += " AND a.unit_country = $region_country"
    rows = base.rows(
        f"""
        SELECT a.akey, min(a.name) AS name, min(a.country) AS country,
               min(a.province) AS province, min(a.city) AS city, count(*) AS units,
               sum(CASE WHEN a.filing_year BETWEEN $r0 AND $r1 THEN 1 ELSE 0 END) AS recent,
               sum(CASE WHEN a.filing_year BETWEEN $p0 AND $p1 THEN 1 ELSE 0 END) AS previous,
               sum(a.known) AS known, sum(a.granted) AS granted
        FROM {base.apps} a WHERE {where}
        GROUP BY a.akey
        ORDER BY units DESC, recent DESC, granted DESC, a.akey LIMIT {int(top)}
        """,
        {**region_params, **_window_params(recent, previous), "top": int(top)},
        limit=int(top),
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
        )
        for r in rows
    ]


def _talents(base: Base, region: Region, *, top: int) -> list[Talent]:
    """Inventors of units originating outside the region, most units first."""
    condition, region_params = region.condition("i")
    rows = base.rows(
        f"""
        SELECT i.name, i.aname AS applicant, min(i.country) AS country,
               min(i.province) AS province, min(i.city) AS city,
               count(DISTINCT i.unit) AS units, min(i.filing_year) AS first_year,
               max(i.filing_year) AS last_year
        FROM {base.inventors()} i WHERE NOT ({condition})
        GROUP BY i.name, i.aname
        ORDER BY units DESC, last_year DESC NULLS LAST, i.name, applicant LIMIT {int(top)}
        """,
        {**region_params, "top": int(top)},
        limit=int(top),
    )
    return [
        Talent(
            name=str(r["name"]),
            applicant=str(r["applicant"]),
            location=_location(r["country"], r["province"], r["city"]),
            units=int(r["units"]),
            first_year=r["first_year"],
            last_year=r["last_year"],
        )
        for r in rows
    ]
