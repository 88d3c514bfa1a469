"""What changed between two states of a navigation spec's data (专利导航动态更新).

A navigation result is re-run on new data; this module says what moved. The two states are
the same store seen at two moments: the *old* state is the spec's documents first imported
before a cut-off (``documents.imported_at``, :func:`imported_before`), the *new* state is
every document of the spec now. :func:`state_of` runs the analyses a report reads on one
state (applicant ranking, regions, hot spots, chain positioning); :func:`compare_states`
compares two such states — pure, no store — into a frozen :class:`Changes`:

* totals: documents and units old/new and added;
* new entrants: applicants in the new top N not in the old top N, and applicants with
  units now that had none before (``had_none`` is None when the old list was cut and the
  applicant may sit below it: unknown, not "none");
* rank shifts: applicants and regions (origin countries, Chinese provinces) whose rank
  moved, with old/new rank and units;
* hot terms: terms in the new hot-term list not in the old, and those that left;
* chain positions: nodes whose home share moved by at least ``share_threshold`` or whose
  position (strong/weak/gap …) changed.

An analysis missing on one side (not run: no vocabularies, no region, no nodes) leaves its
part None and is named in ``missing``: unknown, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from patnav.analyses.applicants import ApplicantRanking, applicant_ranking
from patnav.analyses.base import (
    COUNT_UNITS,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    materialized,
)
from patnav.analyses.chain import ChainPositioning, chain_positioning
from patnav.analyses.geography import Geography, Share, geography
from patnav.analyses.hotspots import HotSpots, hot_spots
from patnav.analyses.spec import NavigationSpec
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore

RANK_DEPTH = 100_000
"""Applicants ranked per state: an applicant below this rank in the old state is not said
to have had no units (``had_none`` is None)."""


def imported_before(cutoff: datetime, *, label: str | None = None) -> Scope:
    """The documents first imported before ``cutoff`` (``documents.imported_at``, kept in
    UTC; a naive ``cutoff`` is read as UTC; a document with no import time is not counted
    as old)."""
    if cutoff.tzinfo is not None:
        cutoff = cutoff.astimezone(UTC).replace(tzinfo=None)
    return Scope.of_sql(
        "SELECT doc_id FROM patents WHERE imported_at < $changes_cutoff",
        {"changes_cutoff": cutoff},
        label=label or f"{cutoff:%Y-%m-%d %H:%M:%S}（UTC）前导入的文献",
    )


@dataclass(frozen=True, slots=True)
class State(ResultMixin):
    """The analyses of one state of a spec's data (None: the analysis was not run)."""

    label: str
    documents: int
    units: int
    applicants: ApplicantRanking | None
    geography: Geography | None
    hotspots: HotSpots | None
    chain: ChainPositioning | None
    cutoff: datetime | None = (
        None  # the old state's import cut-off; None: every document
    )


@dataclass(frozen=True, slots=True)
class Entrant:
    """An applicant in the new top N that was not in the old top N."""

    name: str
    key: str
    new_rank: int
    new_units: int
    old_rank: int | None  # None: not in the old list
    old_units: int | None  # None: not in the old list (0 only when known to be none)
    had_none: bool | None  # True: no units before; None: the old list was cut, unknown


@dataclass(frozen=True, slots=True)
class RankShift:
    """An applicant or region whose rank moved (``shift`` > 0: moved up)."""

    kind: str  # applicant | origin | province
    key: str
    name: str
    old_rank: int
    new_rank: int
    old_units: int
    new_units: int
    shift: int


@dataclass(frozen=True, slots=True)
class TermChange:
    """A hot term that entered or left the hot-term list."""

    term: str
    label: str
    change: str  # entered | left
    old_rank: int | None
    new_rank: int | None
    old_units: int | None
    new_units: int | None


@dataclass(frozen=True, slots=True)
class NodeChange:
    """A chain node whose home share or position changed."""

    node: str
    depth: int
    basis: str  # national | world: the share compared
    old_share: float | None
    new_share: float | None
    delta: float | None  # new - old, None when either is unknown
    old_home: int
    new_home: int
    old_position: str
    new_position: str
    old_position_zh: str
    new_position_zh: str


@dataclass(frozen=True, slots=True)
class Changes(ResultMixin):
    """What changed from the old to the new state of a spec's data."""

    title: str
    old_scope: str
    new_scope: str
    cutoff: datetime | None
    count_by: str
    unit_zh: str
    top: int
    share_threshold: float
    old_documents: int
    new_documents: int
    added_documents: int
    old_units: int
    new_units: int
    added_units: int
    new_entrants: tuple[Entrant, ...] | None
    first_filers: tuple[Entrant, ...] | None  # applicants with units now, none before
    applicant_shifts: tuple[RankShift, ...] | None
    region_shifts: tuple[RankShift, ...] | None
    terms_entered: tuple[TermChange, ...] | None
    terms_left: tuple[TermChange, ...] | None
    chain_changes: tuple[NodeChange, ...] | None
    missing: tuple[str, ...]  # the analyses missing on a side, said in Chinese


def state_of(
    source: PatentStore | Engine,
    spec: NavigationSpec,
    *,
    before: datetime | None = None,
    store: PatentStore | None = None,
    data_dir: Path | None = None,
    hot_terms: int = 30,
    sample: int = 20000,
) -> State:
    """Run the analyses a report reads on one state of the spec's data.

    Args:
        source: the store, or an engine.
        spec: the navigation spec.
        before: only the documents first imported before this moment (the old state);
            None: every document (the new state).
        store: resolves saved patent-set names in the spec's queries.
        data_dir: the real-data directory (vocabularies, IPC titles): without it the hot
            spots are not run (said in the changes as missing).
        hot_terms: hot terms listed per state.
        sample: most units the hot-spot analysis reads.
    """
    engine = as_engine(source)
    store = (
        store
        if store is not None
        else (source if isinstance(source, PatentStore) else None)
    )
    unit = check_count_by(spec.count_by)
    within = imported_before(before) if before is not None else None
    parts = [*spec.scope_parts(store), *([within] if within is not None else [])]
    label = within.label if within is not None else f"{spec.title}：全部文献"
    with materialized(engine, *parts) as scope:
        where, params = scope.clause("doc_id")
        table = engine.fetch(f"SELECT count(*) AS n FROM patents WHERE {where}", params)
        documents = int(table.column("n")[0].as_py() or 0)
        ranking = applicant_ranking(engine, scope, count_by=unit, top=RANK_DEPTH)
        geo = geography(engine, scope, count_by=unit, region=spec.region, top=50)
        hot = (
            hot_spots(
                engine,
                scope,
                count_by=unit,
                top=hot_terms,
                sample=sample,
                data_dir=data_dir,
            )
            if data_dir is not None
            else None
        )
    chain = (
        chain_positioning(engine, spec, store=store, within=within)
        if spec.nodes and spec.region is not None
        else None
    )
    return State(
        label=label,
        documents=documents,
        units=ranking.total,
        applicants=ranking,
        geography=geo,
        hotspots=hot,
        chain=chain,
        cutoff=before,
    )


def compare_states(
    old: State,
    new: State,
    *,
    title: str = "",
    count_by: str = "family",
    top: int = 20,
    share_threshold: float = 0.02,
) -> Changes:
    """What changed from ``old`` to ``new`` (pure).

    Args:
        old, new: the two states (:func:`state_of`).
        title: the spec's title.
        count_by: the counting unit of both states.
        top: the top N the entrants are read from.
        share_threshold: a chain node is listed when its home share moved by at least
            this much (0.02: two percentage points) or its position changed.

    Raises:
        InvalidParameterError: ``top`` is below 1 or ``share_threshold`` negative.
    """
    if top < 1:
        raise InvalidParameterError(f"top must be at least 1. Got {top} instead.")
    if share_threshold < 0:
        raise InvalidParameterError(
            f"share_threshold must be 0 or more. Got {share_threshold} instead."
        )
    missing: list[str] = []
    entrants: tuple[Entrant, ...] | None = None
    first: tuple[Entrant, ...] | None = None
    shifts: tuple[RankShift, ...] | None = None
    if old.applicants is not None and new.applicants is not None:
        entrants, first, shifts = _applicants(old.applicants, new.applicants, top)
    else:
        missing.append(_missing("申请人排名", old.applicants, new.applicants))
    regions: tuple[RankShift, ...] | None = None
    if old.geography is not None and new.geography is not None:
        regions = (
            *_shifts("origin", old.geography.origins, new.geography.origins),
            *_shifts("province", old.geography.provinces, new.geography.provinces),
        )
    else:
        missing.append(_missing("地域分布", old.geography, new.geography))
    entered: tuple[TermChange, ...] | None = None
    left: tuple[TermChange, ...] | None = None
    if old.hotspots is not None and new.hotspots is not None:
        entered, left = _terms(old.hotspots, new.hotspots)
    else:
        missing.append(_missing("技术热点", old.hotspots, new.hotspots))
    nodes: tuple[NodeChange, ...] | None = None
    if old.chain is not None and new.chain is not None:
        nodes = _chain(old.chain, new.chain, share_threshold)
    else:
        missing.append(_missing("产业链定位", old.chain, new.chain))
    return Changes(
        title=title,
        old_scope=old.label,
        new_scope=new.label,
        cutoff=old.cutoff,
        count_by=count_by,
        unit_zh=COUNT_UNITS[check_count_by(count_by)][0],
        top=top,
        share_threshold=share_threshold,
        old_documents=old.documents,
        new_documents=new.documents,
        added_documents=new.documents - old.documents,
        old_units=old.units,
        new_units=new.units,
        added_units=new.units - old.units,
        new_entrants=entrants,
        first_filers=first,
        applicant_shifts=shifts,
        region_shifts=regions,
        terms_entered=entered,
        terms_left=left,
        chain_changes=nodes,
        missing=tuple(missing),
    )


def _missing(name: str, old: Any, new: Any) -> str:
    sides = [s for s, v in (("旧数据", old), ("新数据", new)) if v is None]
    return f"{name}：{'和'.join(sides)}未运行（变化未知）"


def _applicants(
    old: ApplicantRanking, new: ApplicantRanking, top: int
) -> tuple[tuple[Entrant, ...], tuple[Entrant, ...], tuple[RankShift, ...]]:
    before = {a.key: a for a in old.applicants}
    old_cut = old.concentration.applicants > len(old.applicants)
    old_top = {a.key for a in old.applicants if a.rank <= top}
    entrants: list[Entrant] = []
    first: list[Entrant] = []
    for a in new.applicants:
        was = before.get(a.key)
        had_none: bool | None = None if was is None and old_cut else was is None
        entrant = Entrant(
            name=a.name,
            key=a.key,
            new_rank=a.rank,
            new_units=a.units,
            old_rank=was.rank if was else None,
            old_units=was.units if was else (0 if had_none else None),
            had_none=had_none,
        )
        if a.rank <= top and a.key not in old_top:
            entrants.append(entrant)
        if had_none:
            first.append(entrant)
    shifts = [
        RankShift(
            kind="applicant",
            key=a.key,
            name=a.name,
            old_rank=before[a.key].rank,
            new_rank=a.rank,
            old_units=before[a.key].units,
            new_units=a.units,
            shift=before[a.key].rank - a.rank,
        )
        for a in new.applicants
        if a.key in before
        and before[a.key].rank != a.rank
        and min(a.rank, before[a.key].rank) <= top
    ]
    return tuple(entrants), tuple(first), tuple(shifts)


def _shifts(
    kind: str, old: tuple[Share, ...], new: tuple[Share, ...]
) -> list[RankShift]:
    before = {s.key: (i, s) for i, s in enumerate(old, 1)}
    out = []
    for rank, s in enumerate(new, 1):
        if s.key in before and before[s.key][0] != rank:
            old_rank, was = before[s.key]
            out.append(
                RankShift(
                    kind=kind,
                    key=s.key,
                    name=s.label,
                    old_rank=old_rank,
                    new_rank=rank,
                    old_units=was.units,
                    new_units=s.units,
                    shift=old_rank - rank,
                )
            )
    return out


def _terms(
    old: HotSpots, new: HotSpots
) -> tuple[tuple[TermChange, ...], tuple[TermChange, ...]]:
    before = {t.term: (i, t) for i, t in enumerate(old.terms, 1)}
    now = {t.term: (i, t) for i, t in enumerate(new.terms, 1)}
    entered = tuple(
        TermChange(t.term, t.zh or t.term, "entered", None, i, None, t.units)
        for t, (i, _) in ((t, now[t.term]) for t in new.terms)
        if t.term not in before
    )
    left = tuple(
        TermChange(t.term, t.zh or t.term, "left", i, None, t.units, None)
        for t, (i, _) in ((t, before[t.term]) for t in old.terms)
        if t.term not in now
    )
    return entered, left


def _chain(
    old: ChainPositioning, new: ChainPositioning, threshold: float
) -> tuple[NodeChange, ...]:
    before = {n.node: n for n in old.nodes}
    out = []
    for n in new.nodes:
        was = before.get(n.node)
        if was is None:
            continue
        basis = n.rta_basis or "world"
        old_share = was.share_of_national if basis == "national" else was.share_of_world
        new_share = n.share_of_national if basis == "national" else n.share_of_world
        delta = (
            new_share - old_share
            if new_share is not None and old_share is not None
            else None
        )
        moved = delta is not None and abs(delta) >= threshold
        if (
            moved
            or was.position != n.position
            or (delta is None and old_share != new_share)
        ):
            out.append(
                NodeChange(
                    node=n.node,
                    depth=n.depth,
                    basis=basis,
                    old_share=old_share,
                    new_share=new_share,
                    delta=delta,
                    old_home=was.home,
                    new_home=n.home,
                    old_position=was.position,
                    new_position=n.position,
                    old_position_zh=was.position_zh,
                    new_position_zh=n.position_zh,
                )
            )
    return tuple(out)


__all__ = [
    "Changes",
    "Entrant",
    "NodeChange",
    "RankShift",
    "State",
    "TermChange",
    "compare_states",
    "imported_before",
    "state_of",
]
