"""企业创新能力 as a report slice: the leading enterprises of a province by capability index,
one enterprise explained, and the region's high-value invention patents.

The index itself is :class:`patnav.models.capability.CapabilityModel`: computed over the
whole store, because an enterprise's peers are every enterprise of its province and
industry in the store, not only those of a patent set. The scope narrows nothing here; the
result says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from patnav.analyses.base import Engine, Scope
from patnav.analyses.registry import AnalysisInfo
from patnav.errors import InputError, InvalidParameterError
from patnav.storage.store import PatentStore

if TYPE_CHECKING:
    # the models import patnav.analyses.base, whose package imports this module: the
    # models are imported where used
    from patnav.models.capability import EnterpriseCapability
    from patnav.models.high_value import HighValueIndicator


@dataclass(frozen=True, slots=True)
class CapabilitySlice:
    """The capability of a region's enterprises (``leaders``, best first), of one
    enterprise (``focus``), and the region's high-value invention patents."""

    subject: str
    province: str | None
    city: str | None
    enterprise: str | None
    total: int
    cutoff: date | None
    leaders: tuple[EnterpriseCapability, ...]
    focus: tuple[EnterpriseCapability, ...] = field(default=())
    """The enterprise asked for, explained (empty: none asked, or none found)."""
    high_value: tuple[HighValueIndicator, ...] = field(default=())
    """The province's high-value invention patents (empty: no province asked)."""
    notes: tuple[str, ...] = field(default=())

    @property
    def subject_zh(self) -> str:
        from patnav.models.capability import SUBJECT_LABELS

        return SUBJECT_LABELS.get(self.subject, self.subject)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "subject_label": self.subject_zh,
            "province": self.province,
            "city": self.city,
            "enterprise": self.enterprise,
            "total": self.total,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "leaders": [e.to_dict() for e in self.leaders],
            "focus": self.focus[0].to_dict() if self.focus else None,
            "high_value": self.high_value[0].to_dict() if self.high_value else None,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(
            [
                {
                    "name": e.name,
                    "province": e.province,
                    "industry": e.industry,
                    "index": e.index,
                    "peer_rank": e.rank,
                    "peers": e.peers,
                    "coverage": e.coverage,
                    "missing": "、".join(
                        i.label for i in e.indicators if i.value is None
                    ),
                }
                for e in self.leaders
            ],
            columns=[
                "name",
                "province",
                "industry",
                "index",
                "peer_rank",
                "peers",
                "coverage",
                "missing",
            ],
        )


def capability_slice(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    province: str | None = None,
    city: str | None = None,
    enterprise: str | None = None,
    top: int = 10,
    population: Mapping[str, float] | None = None,
) -> CapabilitySlice:
    """Enterprise innovation capability: the leaders of ``province`` (every province when
    None; within it ``city``), ``enterprise`` explained, and the region's high-value
    invention patents (per 10,000 people with ``population``, region → 万人).

    Raises:
        InvalidParameterError: the source is not a DuckDB store (the model reads the store
            itself), or ``top`` is below 1.
    """
    from patnav.models.capability import CapabilityModel
    from patnav.models.high_value import (
        HighValueIndicator,
        RegionCount,
        high_value_patents,
        population_of,
    )

    store = (
        source if isinstance(source, PatentStore) else getattr(source, "store", None)
    )
    if not isinstance(store, PatentStore):
        raise InvalidParameterError(
            "The capability analysis runs on a DuckDB store only (not on Spark)."
        )
    model = CapabilityModel().fit(store)
    ranking = model.rank(region=province, city=city, top=top)
    notes = list(ranking.notes)
    if scope is not None and scope != Scope.everything():
        notes.append(
            "企业创新能力按全库计算（同行企业为库中全部企业），不限于所选专利集"
        )
    focus: tuple[EnterpriseCapability, ...] = ()
    if enterprise:
        try:
            focus = (model.explain(enterprise.replace("%", "")),)
        except (InputError, LookupError):
            notes.append(
                f"库中没有可评价的企业“{enterprise}”（需为公司类申请人或企业库企业）"
            )
    high_value: tuple[HighValueIndicator, ...] = ()
    if province:
        found = high_value_patents(
            store, level="city" if city else "province", population=population
        )
        where = city or province
        regions = tuple(
            r
            for r in found.regions
            if r.region.startswith(where) and (r.province or "").startswith(province)
        )
        if not regions:  # none in force there: zero, still divided by its population
            pop = population_of(where, population)
            regions = (
                RegionCount(
                    region=where,
                    province=province,
                    in_force=0,
                    met={c.key: (0 if c.evaluable else None) for c in found.criteria},
                    high_value=0,
                    population_wan=pop,
                    per_10k=0.0 if pop else None,
                ),
            )
        high_value = (
            HighValueIndicator(
                level=found.level,
                criteria=found.criteria,
                regions=regions,
                in_force=sum(r.in_force for r in regions),
                high_value=sum(r.high_value for r in regions),
                has_population=found.has_population,
                excluded=found.excluded,
                notes=found.notes,
            ),
        )
    return CapabilitySlice(
        subject=ranking.subject,
        province=province,
        city=city,
        enterprise=enterprise,
        total=ranking.total,
        cutoff=ranking.cutoff,
        leaders=ranking.rows,
        focus=focus,
        high_value=high_value,
        notes=tuple(notes),
    )


ANALYSIS = AnalysisInfo(
    "capability",
    capability_slice,
    "企业创新能力",
    "Innovation capability",
    order=95,
)
"""Registers :func:`capability_slice` as ``capability``."""
