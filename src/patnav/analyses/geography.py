"""Geography (区域分布): where the technology comes from and where it is protected.

Origin (技术来源国/地区) by country, and for Chinese origins by province and city — a unit's
origin is its first applicant's location (see ``origin_ctes``). Target markets (技术目标市场)
by publishing office. The home region against the nation and the world: its units, its share
of national and of global units, year by year.
"""

from __future__ import annotations

from collections.abc import Callable
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
    ratio,
)
from patnav.analyses.prepared import Base, based
from patnav.analyses.registry import AnalysisInfo
from patnav.schema.countries import country_name
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class Share:
    """A place, its units and its share of the whole."""

    key: str
    label: str
    units: int
    share: float | None


@dataclass(frozen=True, slots=True)
class RegionYear:
    """Home, national and global units filed in one year."""

    year: int
    home: int
    national: int
    world: int


@dataclass(frozen=True, slots=True)
class HomeComparison:
    """The home region against its nation and the world."""

    region: str
    home: int
    national: int
    world: int
    share_of_national: float | None
    share_of_world: float | None
    national_share_of_world: float | None
    by_year: tuple[RegionYear, ...]


@dataclass(frozen=True, slots=True)
class Geography(ResultMixin):
    """Origins by country, province and city; markets by office; the home region."""

    scope: str
    count_by: str
    unit_zh: str
    total: int
    origins: tuple[Share, ...]
    markets: tuple[Share, ...]
    provinces: tuple[Share, ...]
    cities: tuple[Share, ...]
    home: HomeComparison | None
    china: int = 0
    """Units of Chinese origin: the whole the provinces and cities are part of."""
    unlocated_provinces: int = 0
    """Units of Chinese origin whose province is not known (no address, no match)."""
    unlocated_cities: int = 0
    """Units of Chinese origin whose city is not known."""

    def to_frame(self) -> pd.DataFrame:
        frames = []
        for dimension in ("origins", "markets", "provinces", "cities"):
            for s in getattr(self, dimension):
                frames.append(
                    {
                        "dimension": dimension,
                        "key": s.key,
                        "label": s.label,
                        "units": s.units,
                        "share": s.share,
                    }
                )
        return pd.DataFrame(frames)


def geography(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    region: Region | None = None,
    top: int = 20,
    lang: str = "zh",
) -> Geography:
    """Origins, markets, Chinese provinces and cities, and the home region's position.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        region: the home region to compare with the nation and the world.
        top: how many provinces and cities to list.
        lang: language of place labels (zh or en).
    """
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        total = base.count_units()

        def shares(
            sql: str, label: Callable[[dict[str, Any]], str], limit: int | None = None
        ) -> tuple[Share, ...]:
            return tuple(
                Share(r["k"] or "unknown", label(r), int(r["n"]), ratio(r["n"], total))
                for r in base.rows(sql, limit=limit)
            )

        origins = shares(
            f"SELECT country AS k, count(*) AS n FROM {base.units} GROUP BY country "
            "ORDER BY n DESC, k NULLS LAST",
            lambda r: country_name(r["k"], lang),
        )
        markets = shares(
            f"SELECT office AS k, count(*) AS n FROM {base.offices} GROUP BY office "
            "ORDER BY n DESC, k NULLS LAST",
            lambda r: country_name(None if r["k"] == "unknown" else r["k"], lang),
        )
        provinces = shares(
            f"SELECT province AS k, count(*) AS n FROM {base.units} "
            "WHERE country = 'CN' AND province IS NOT NULL GROUP BY province "
            f"ORDER BY n DESC, k LIMIT {int(top)}",
            lambda r: r["k"],
            int(top),
        )
        cities = shares(
            f"SELECT city AS k, min(province) AS p, count(*) AS n FROM {base.units} "
            "WHERE country = 'CN' AND city IS NOT NULL GROUP BY city "
            f"ORDER BY n DESC, k LIMIT {int(top)}",
            lambda r: f"{r['p']}{r['k']}" if r["p"] and r["p"] != r["k"] else r["k"],
            int(top),
        )
        located = base.one(
            "SELECT count(*) FILTER (WHERE country = 'CN') AS china, "
            "count(*) FILTER (WHERE country = 'CN' AND province IS NULL) AS no_province, "
            "count(*) FILTER (WHERE country = 'CN' AND city IS NULL) AS no_city "
            f"FROM {base.units}"
        )
        home = _home(base, region) if region else None
    return Geography(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        origins=origins,
        markets=markets,
        provinces=provinces,
        cities=cities,
        home=home,
        china=int(located["china"] or 0),
        unlocated_provinces=int(located["no_province"] or 0),
        unlocated_cities=int(located["no_city"] or 0),
    )


def home_comparison(
    source: PatentStore | Engine,
    scope: Scope,
    *,
    count_by: CountBy,
    region: Region,
) -> HomeComparison:
    """The home region's units against the national and global units of the scope."""
    with based(source, scope, count_by) as base:
        return _home(base, region)


def _home(base: Base, region: Region) -> HomeComparison:
    condition, region_params = region.condition("u")
    rows = base.rows(
        f"""
        SELECT u.filing_year AS year,
               count(*) FILTER (WHERE {condition}) AS home,
               count(*) FILTER (WHERE u.country = $region_country) AS national,
               count(*) AS world
        FROM {base.units} u
        GROUP BY u.filing_year ORDER BY year NULLS LAST
        """,
        region_params,
    )
    home = sum(int(r["home"]) for r in rows)
    national = sum(int(r["national"]) for r in rows)
    world = sum(int(r["world"]) for r in rows)
    return HomeComparison(
        region=region.label,
        home=home,
        national=national,
        world=world,
        share_of_national=ratio(home, national),
        share_of_world=ratio(home, world),
        national_share_of_world=ratio(national, world),
        by_year=tuple(
            RegionYear(
                int(r["year"]), int(r["home"]), int(r["national"]), int(r["world"])
            )
            for r in rows
            if r["year"] is not None
        ),
    )


ANALYSIS = AnalysisInfo("geography", geography, "区域分布", "Geography", order=20)
"""Registers :func:`geography` as ``geography``."""
