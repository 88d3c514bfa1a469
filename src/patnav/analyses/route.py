"""Technology development route (技术发展路线): the key patents of each technology branch and
period, on a timeline.

For each branch (a top-level node of the navigation spec, or the whole scope) and each
period (``period_years`` filing years, the last ``periods`` of them), the key patents are:

* ``cited`` — the most cited units of the branch filed in the period. A unit's citations
  are the larger of what the source reports (``cited_by_count``, the whole world's
  literature) and the units of the scope that cite it in the store;
* ``main_path`` — where units of the branch cite each other, the units of the main path
  of that citation network: every citation is weighted by its search path count (SPC, the
  number of source-to-sink paths through it; Hummon and Doreian 1989, Batagelj 2003) and
  the key-route main path follows the heaviest citation forward and backward;
* ``emerging`` — where the branch has no citation data at all, the first filing in the
  period of each emerging term (the terms the hot-spot analysis finds growing fastest).

Each key patent says which of these made it one, so the route never presents a guess as
a measured citation. A citation network is made a DAG by keeping only citations from a
later-filed unit to an earlier one (ties by unit key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    incomplete_from,
)
from patnav.analyses.prepared import Base, based
from patnav.analyses.registry import AnalysisInfo
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore

if TYPE_CHECKING:
    from patnav.analyses.spec import NavigationSpec

BASES = ("cited", "main_path", "emerging")
BASES_ZH = {
    "cited": "高被引",
    "main_path": "引证主路径",
    "emerging": "新兴技术词首次申请",
}
METHODS_ZH = {
    "citations": "引证（被引次数与引证主路径）",
    "cited": "被引次数（无范围内引证关系）",
    "emerging": "新兴技术词的首次申请（无引证数据）",
    "none": "无可用数据",
}


@dataclass(frozen=True, slots=True)
class RoutePatent:
    """A key patent of a branch in a period, and why it is one (``basis``)."""

    branch: str
    period: str
    unit: str
    doc_id: str
    title: str | None
    applicant: str | None
    filing_year: int | None
    first_date: date | None
    basis: str  # cited | main_path | emerging
    basis_zh: str
    cited: int
    cited_by_source: int
    cited_in_set: int
    spc: int | None  # paths through the unit, on the main path
    term: str | None  # the emerging term first filed, for basis emerging


@dataclass(frozen=True, slots=True)
class RouteBranch:
    """A branch of the route: its units, its in-set citations and the method used."""

    name: str
    units: int
    links: int  # in-set citations between its units (as a DAG)
    with_citations: int  # its units cited at least once (source or in-set)
    method: str  # citations | cited | emerging | none
    method_zh: str
    main_path: tuple[str, ...]  # doc_ids, oldest first


@dataclass(frozen=True, slots=True)
class DevelopmentRoute(ResultMixin):
    """Key patents per technology branch and period: most cited, the citation main path,
    or the first filings of emerging terms."""

    scope: str
    count_by: str
    unit_zh: str
    total: int
    periods: tuple[tuple[int, int], ...]
    branches: tuple[RouteBranch, ...]
    patents: tuple[RoutePatent, ...]
    incomplete_from: int | None
    before: int  # units filed before the first period (not on the route)
    method: str
    method_zh: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(p, f) for f in p.__slots__} for p in self.patents]
        )


METHOD = (
    "the most cited units of each branch and period (larger of source-reported citations "
    "and citing units of the scope); where units of the branch cite each other, the "
    "key-route main path by search path count (SPC) over the in-set citation DAG; where "
    "a branch has no citation data, the first filing in the period of each emerging term"
)
METHOD_ZH = (
    "各技术分支、各时间段被引次数最多的专利（数据来源报告的被引次数与范围内施引专利数取较大者）；"
    "分支内存在相互引证时，以引证有向无环图上的搜索路径数（SPC）求关键路径主路径；"
    "分支无任何引证数据时，取各新兴技术词在该时间段内的首次申请"
)


def period_label(window: tuple[int, int]) -> str:
    """``2016–2020`` (one year: ``2020``)."""
    start, end = window
    return str(start) if start == end else f"{start}–{end}"


def route_periods(
    years: Iterable[int], *, period_years: int, periods: int
) -> tuple[tuple[int, int], ...]:
    """The last ``periods`` windows of ``period_years`` filing years, ending with the last
    year filed in, oldest first; the first window starts no earlier than the first year."""
    present = sorted(set(years))
    if not present:
        return ()
    first, last = present[0], present[-1]
    out = []
    end = last
    for _ in range(periods):
        start = max(first, end - period_years + 1)
        out.append((start, end))
        if start <= first:
            break
        end = start - 1
    return tuple(reversed(out))


def search_path_counts(
    nodes: Sequence[str], edges: Iterable[tuple[str, str]]
) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """The search path count (SPC) of every edge and node of a DAG.

    ``nodes`` must be in topological order (every edge goes from an earlier node to a later
    one). An edge's SPC is the number of source-to-sink paths through it, N⁻(u) × N⁺(v);
    a node's is N⁻(v) × N⁺(v) (sources are nodes without incoming edges, sinks without
    outgoing ones).
    """
    order = {n: i for i, n in enumerate(nodes)}
    out: dict[str, list[str]] = {n: [] for n in nodes}
    into: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in edges:
        if order[u] >= order[v]:
            raise InvalidParameterError(
                f"search_path_counts needs nodes in topological order; {u} → {v} "
                "goes backwards."
            )
        out[u].append(v)
        into[v].append(u)
    minus: dict[str, int] = {}
    for n in nodes:
        minus[n] = sum(minus[u] for u in into[n]) if into[n] else 1
    plus: dict[str, int] = {}
    for n in reversed(nodes):
        plus[n] = sum(plus[w] for w in out[n]) if out[n] else 1
    edge_spc = {(u, v): minus[u] * plus[v] for u in nodes for v in out[u]}
    node_spc = {n: minus[n] * plus[n] for n in nodes}
    return edge_spc, node_spc


def main_path(
    nodes: Sequence[str], edge_spc: Mapping[tuple[str, str], int]
) -> list[str]:
    """The key-route main path: the heaviest edge, extended forward and backward along
    the heaviest edge at each step (ties: the earlier node in ``nodes``)."""
    if not edge_spc:
        return []
    order = {n: i for i, n in enumerate(nodes)}
    out: dict[str, list[str]] = {}
    into: dict[str, list[str]] = {}
    for u, v in edge_spc:
        out.setdefault(u, []).append(v)
        into.setdefault(v, []).append(u)
    u, v = min(edge_spc, key=lambda e: (-edge_spc[e], order[e[0]], order[e[1]]))
    path = [u, v]
    while out.get(path[-1]):
        tail = path[-1]
        path.append(min(out[tail], key=lambda w: (-edge_spc[(tail, w)], order[w])))
    while into.get(path[0]):
        head = path[0]
        path.insert(0, min(into[head], key=lambda w: (-edge_spc[(w, head)], order[w])))
    return path


def development_route(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    spec: NavigationSpec | None = None,
    period_years: int = 5,
    periods: int = 4,
    per_period: int = 3,
    terms: tuple[str, ...] | str | None = None,
    data_dir: Path | None = None,
) -> DevelopmentRoute:
    """Key patents per technology branch and period (技术发展路线): most cited, citation
    main path, or first filings of emerging terms.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        spec: a navigation spec whose top-level nodes are the branches (default: the
            scope is one branch).
        period_years: filing years per period.
        periods: most periods, the last ones.
        per_period: most cited units (and emerging terms) listed per branch and period.
        terms: the emerging terms to trace where a branch has no citation data (a tuple,
            or comma-separated; empty: none); default (None): the hot-spot analysis's
            emerging terms of the scope, computed only when a branch needs them.
        data_dir: the data directory whose word lists the hot-spot analysis reads when it
            must find the emerging terms itself.

    Raises:
        InvalidParameterError: a count below 1.
    """
    for name, value in (
        ("period_years", period_years),
        ("periods", periods),
        ("per_period", per_period),
    ):
        if not isinstance(value, int) or value < 1:
            raise InvalidParameterError(
                f"The '{name}' parameter of development_route must be an int ≥ 1. "
                f"Got {value!r} instead."
            )
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    store = source if isinstance(source, PatentStore) else None
    given = terms.split(",") if isinstance(terms, str) else terms
    wanted = None if given is None else tuple(t.strip() for t in given if t.strip())
    with based(engine, scope, count_by) as base:
        units = base.rows(
            f"""
            SELECT u.unit, u.doc_id, u.first_date, u.filing_year, u.cited AS by_source,
                   u.lead_name, p.title
            FROM {base.units} u JOIN patents p ON p.doc_id = u.doc_id
            """
        )
        links = base.rows(
            f"""
            SELECT DISTINCT a.unit AS citing, b.unit AS cited
            FROM citations c JOIN {base.docs} a ON a.doc_id = c.doc_id
            JOIN {base.docs} b ON b.doc_id = c.cited_pub_number
            WHERE a.unit <> b.unit
            """
        )
        members = _branches(base, spec, store, scope.label)
        cutoff = base.cutoff()
        windows = route_periods(
            (int(r["filing_year"]) for r in units if r["filing_year"] is not None),
            period_years=period_years,
            periods=periods,
        )
        route = _Route(
            base=base,
            facts={str(r["unit"]): r for r in units},
            links=[(str(r["cited"]), str(r["citing"])) for r in links],
            windows=windows,
            per_period=per_period,
            terms=lambda: _emerging_terms(engine, scope, count_by, data_dir),
            emerging=wanted,
        )
        branches: list[RouteBranch] = []
        patents: list[RoutePatent] = []
        for name, unit_set in members:
            branch, found = route.branch(name, unit_set)
            branches.append(branch)
            patents.extend(found)
        total = len(route.facts)
    first_year = windows[0][0] if windows else None
    before = sum(
        1
        for r in units
        if first_year is not None
        and r["filing_year"] is not None
        and int(r["filing_year"]) < first_year
    )
    return DevelopmentRoute(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        periods=windows,
        branches=tuple(branches),
        patents=tuple(patents),
        incomplete_from=incomplete_from(cutoff),
        before=before,
        method=METHOD,
        method_zh=METHOD_ZH,
    )


class _Route:
    """What every branch of one route reads: the units' facts, the in-scope citations
    (cited, citing), the periods, and the emerging terms, found once when the first branch
    without citation data needs them."""

    def __init__(
        self,
        *,
        base: Base,
        facts: dict[str, Mapping[str, Any]],
        links: list[tuple[str, str]],
        windows: Sequence[tuple[int, int]],
        per_period: int,
        terms: Callable[[], tuple[str, ...]],
        emerging: tuple[str, ...] | None,
    ) -> None:
        self.base = base
        self.facts = facts
        self.links = links
        self.windows = windows
        self.per_period = per_period
        self._terms = terms
        self._emerging = emerging
        self._hits: dict[str, list[tuple[date, str]]] | None = None
        self.citing: dict[str, set[str]] = {}
        for cited, citing in links:
            self.citing.setdefault(cited, set()).add(citing)

    def emerging(self) -> tuple[str, ...]:
        if self._emerging is None:
            self._emerging = self._terms()
        return self._emerging

    def hits(self) -> dict[str, list[tuple[date, str]]]:
        if self._hits is None:
            self._hits = _term_hits(self.base, self.emerging())
        return self._hits

    def branch(
        self, name: str, unit_set: set[str]
    ) -> tuple[RouteBranch, list[RoutePatent]]:
        """One branch: its method, main path, and key patents per period."""
        facts = self.facts
        own = [facts[u] for u in sorted(unit_set) if u in facts]
        key = {
            str(r["unit"]): (r["first_date"] or date.max, str(r["unit"])) for r in own
        }
        # knowledge flows from the cited unit to the later one citing it; a citation
        # of a later-filed unit (possible between families) is left out of the DAG
        dag = sorted(
            {
                (cited, citing)
                for cited, citing in self.links
                if citing in key and cited in key and key[cited] < key[citing]
            }
        )
        cited = {
            u: (
                int(facts[u]["by_source"] or 0),
                len(self.citing.get(u, set()) & unit_set),
            )
            for u in key
        }
        with_citations = sum(1 for s, i in cited.values() if s or i)
        path: list[str] = []
        node_spc: dict[str, int] = {}
        if dag:
            nodes = sorted({n for e in dag for n in e}, key=lambda n: key[n])
            edge_spc, node_spc = search_path_counts(nodes, dag)
            path = main_path(nodes, edge_spc)
        method = (
            "citations"
            if dag
            else "cited"
            if with_citations
            else "emerging"
            if own
            else "none"
        )
        rows_of = _RowMaker(name, facts, cited, node_spc)
        patents: list[RoutePatent] = []
        for window in self.windows:
            label = period_label(window)
            inside = [
                u
                for u in key
                if facts[u]["filing_year"] is not None
                and window[0] <= int(facts[u]["filing_year"]) <= window[1]
            ]
            if method in ("citations", "cited"):
                top = sorted(
                    (u for u in inside if max(cited[u]) > 0),
                    key=lambda u: (-max(cited[u]), -cited[u][1], key[u]),
                )[: self.per_period]
                patents.extend(rows_of.make(u, label, "cited") for u in top)
                patents.extend(
                    rows_of.make(u, label, "main_path")
                    for u in path
                    if u in inside and u not in top
                )
            elif method == "emerging" and self.emerging():
                firsts = _first_filings(
                    self.hits(), set(inside), self.emerging(), self.per_period, window
                )
                patents.extend(
                    rows_of.make(u, label, "emerging", term=term) for term, u in firsts
                )
        branch = RouteBranch(
            name=name,
            units=len(own),
            links=len(dag),
            with_citations=with_citations,
            method=method,
            method_zh=METHODS_ZH[method],
            main_path=tuple(str(facts[u]["doc_id"]) for u in path),
        )
        return branch, patents


class _RowMaker:
    """Makes the RoutePatent rows of one branch."""

    def __init__(
        self,
        branch: str,
        facts: Mapping[str, Mapping[str, Any]],
        cited: Mapping[str, tuple[int, int]],
        node_spc: Mapping[str, int],
    ) -> None:
        self.branch = branch
        self.facts = facts
        self.cited = cited
        self.node_spc = node_spc

    def make(
        self, unit: str, period: str, basis: str, *, term: str | None = None
    ) -> RoutePatent:
        r = self.facts[unit]
        by_source, in_set = self.cited[unit]
        return RoutePatent(
            branch=self.branch,
            period=period,
            unit=unit,
            doc_id=str(r["doc_id"]),
            title=r["title"],
            applicant=r["lead_name"],
            filing_year=int(r["filing_year"]) if r["filing_year"] is not None else None,
            first_date=r["first_date"],
            basis=basis,
            basis_zh=BASES_ZH[basis],
            cited=max(by_source, in_set),
            cited_by_source=by_source,
            cited_in_set=in_set,
            spc=self.node_spc.get(unit),
            term=term,
        )


def _branches(
    base: Base, spec: NavigationSpec | None, store: PatentStore | None, label: str
) -> list[tuple[str, set[str]]]:
    """Each branch's units: the spec's top-level nodes, or the scope as one branch."""
    from patnav.analyses.spec import node_query

    everything = {str(r["unit"]) for r in base.rows(f"SELECT unit FROM {base.units}")}
    if spec is None or not spec.nodes:
        return [(label, everything)]
    out = []
    for node in spec.nodes:
        query = node_query(node)
        if query is None:
            out.append((node.name, everything))
            continue
        where, params = Scope.of_query(query, store=store).clause("d.doc_id")
        found = base.rows(
            f"SELECT DISTINCT d.unit FROM {base.docs} d WHERE {where}", params
        )
        out.append((node.name, {str(r["unit"]) for r in found}))
    return out


def _emerging_terms(
    engine: Engine, scope: Scope, count_by: CountBy, data_dir: Path | None
) -> tuple[str, ...]:
    from patnav.analyses.hotspots import hot_spots

    found = hot_spots(
        engine, scope, count_by=count_by, sample=4000, top=10, data_dir=data_dir
    )
    return tuple(t.term for t in found.emerging)


def _term_hits(base: Base, terms: Sequence[str]) -> dict[str, list[tuple[date, str]]]:
    """Per term, the units whose title or abstract names it (case-insensitive), each with
    its earliest such document's date, in date order: one scan of the scope for every
    term."""
    # each document's text lowered once, then every term looked for in it
    rows = base.rows(
        f"""
        WITH t AS (SELECT term, lower(term) AS needle FROM (SELECT unnest($terms) AS term)),
        x AS (
            SELECT d.unit, d.first_date,
                   lower(coalesce(p.title, '') || ' ' || coalesce(p.abstract, '')) AS text
            FROM {base.docs} d JOIN patents p ON p.doc_id = d.doc_id
            WHERE d.first_date IS NOT NULL
        )
        SELECT t.term, x.unit, min(x.first_date) AS first_date
        FROM x, t WHERE contains(x.text, t.needle)
        GROUP BY t.term, x.unit
        """,
        {"terms": list(dict.fromkeys(terms))},
    )
    out: dict[str, list[tuple[date, str]]] = {}
    for r in rows:
        out.setdefault(str(r["term"]), []).append((r["first_date"], str(r["unit"])))
    for found in out.values():
        found.sort()
    return out


def _first_filings(
    hits: Mapping[str, list[tuple[date, str]]],
    units: set[str],
    terms: Sequence[str],
    per_period: int,
    window: tuple[int, int],
) -> list[tuple[str, str]]:
    """(term, unit) of the first filing among ``units`` in ``window`` whose title or
    abstract names each term, for the first ``per_period`` terms (in the order given) that
    any of them names."""
    out: list[tuple[str, str]] = []
    for term in terms:
        if len(out) >= per_period:
            break
        first = next(
            (
                unit
                for when, unit in hits.get(term, ())
                if unit in units and window[0] <= when.year <= window[1]
            ),
            None,
        )
        if first is not None:
            out.append((term, first))
    return out


ANALYSIS = AnalysisInfo(
    "development_route",
    development_route,
    "技术发展路线",
    "Technology development route",
    order=95,
)
"""Registers :func:`development_route` as ``development_route``."""
