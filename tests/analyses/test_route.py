"""The technology development route on real data: the most cited patents of each period
against the Lens export read with pandas, the first filings of terms against the Tai'an
file, and the main path against search path counts found by enumerating every path."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest

from patnav.analyses import ANALYSES, run_analysis
from patnav.analyses.route import (
    DevelopmentRoute,
    main_path,
    route_periods,
    search_path_counts,
)
from patnav.errors import InvalidParameterError

LENS = "formats/lens-csv/lens_drones_5884.csv"
TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"


def _windows(years: list[int], size: int, count: int) -> list[tuple[int, int]]:
    """The periods as the brief defines them: the last ``count`` windows of ``size``
    years ending with the last year filed in, none starting before the first year."""
    first, last = min(years), max(years)
    out = []
    end = last
    while len(out) < count and end >= first:
        out.append((max(first, end - size + 1), end))
        end -= size
    return out[::-1]


def _label(window: tuple[int, int]) -> str:
    return f"{window[0]}–{window[1]}" if window[0] != window[1] else str(window[0])


def test_the_most_cited_of_each_period_are_those_of_the_lens_export(
    loaded_store, lens, data_dir
):
    raw = pd.read_csv(data_dir / LENS, dtype=str).drop_duplicates("Publication Number")
    raw["year"] = pd.to_datetime(raw["Application Date"], errors="coerce").dt.year
    raw["cited"] = pd.to_numeric(raw["Cited Count"], errors="coerce").fillna(0)
    every = len(raw)
    raw = raw[raw["year"].notna()]  # a few rows give no filing date: on no period
    windows = _windows([int(y) for y in raw["year"]], 5, 4)

    route = run_analysis(
        "development_route", loaded_store, lens, count_by="document", per_period=3
    )
    assert isinstance(route, DevelopmentRoute)
    assert [tuple(w) for w in route.periods] == windows
    assert route.total == every
    assert route.before == int((raw["year"] < windows[0][0]).sum())
    (branch,) = route.branches
    # Lens reports how often each patent is cited but lists no cited patents: no
    # citations between the set's documents, so no main path
    assert branch.method == "cited" and branch.links == 0 and not branch.main_path
    dated = int((raw["cited"] > 0).sum())
    assert dated <= branch.with_citations <= dated + every - len(raw)
    for window in windows:
        inside = raw[(raw["year"] >= window[0]) & (raw["year"] <= window[1])]
        expected = sorted(inside.loc[inside["cited"] > 0, "cited"], reverse=True)[:3]
        chosen = [p for p in route.patents if p.period == _label(window)]
        assert [p.cited for p in chosen] == [int(c) for c in expected], window
        for p in chosen:
            assert p.basis == "cited" and p.basis_zh == "高被引"
            # the patent is one the export lists with that count, in that period
            rows = inside[(inside["cited"] == p.cited)]
            assert p.title in {str(t).strip() for t in rows["Title"]}, p
            assert window[0] <= (p.filing_year or 0) <= window[1]


def test_first_filings_of_terms_are_those_of_the_taian_file(
    loaded_store, taian, data_dir
):
    """Tai'an's file has no citations: each period lists the first filing of each term
    (in the order given), as pandas finds it in the names and abstracts."""
    raw = pd.read_excel(data_dir / TAIAN, dtype=str)
    raw["date"] = pd.to_datetime(raw["申请日"], errors="coerce")
    raw = raw[raw["date"].notna()].copy()
    raw["year"] = raw["date"].dt.year
    raw["text"] = raw["专利名称"].fillna("") + " " + raw["摘要"].fillna("")
    terms = ("太阳能", "节能", "传感器")
    route = run_analysis(
        "development_route",
        loaded_store,
        taian,
        count_by="application",
        terms=",".join(terms),
        per_period=2,
    )
    (branch,) = route.branches
    assert branch.method == "emerging" and branch.with_citations == 0
    windows = _windows([int(y) for y in raw["year"]], 5, 4)
    assert [tuple(w) for w in route.periods] == windows
    for window in windows:
        inside = raw[(raw["year"] >= window[0]) & (raw["year"] <= window[1])]
        expected = []
        for term in terms:
            hits = inside[inside["text"].str.contains(term, regex=False)]
            if len(hits) and len(expected) < 2:
                first = hits.sort_values(["date", "申请号"]).iloc[0]
                expected.append(
                    (term, str(first["专利名称"]).strip(), first["date"].date())
                )
        chosen = [p for p in route.patents if p.period == _label(window)]
        assert [(p.term, p.title, p.first_date) for p in chosen] == expected, window
        assert all(p.basis == "emerging" and p.cited == 0 for p in chosen)


def _paths(nodes: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Every path from a source to a sink, enumerated."""
    out: dict[str, list[str]] = {n: [] for n in nodes}
    into: Counter[str] = Counter()
    for u, v in edges:
        out[u].append(v)
        into[v] += 1
    found: list[list[str]] = []

    def walk(path: list[str]) -> None:
        if not out[path[-1]]:
            found.append(path)
            return
        for nxt in out[path[-1]]:
            walk([*path, nxt])

    for n in nodes:
        if into[n] == 0 and out[n]:
            walk([n])
    return found


def test_search_path_counts_count_the_paths_through_each_citation():
    # A→B→D→E, A→C→D→E and A→B→E: three source-to-sink paths
    nodes = ["A", "B", "C", "D", "E"]
    edges = [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D"), ("D", "E"), ("B", "E")]
    edge_spc, node_spc = search_path_counts(nodes, edges)
    paths = _paths(nodes, edges)
    assert len(paths) == 3
    for u, v in edges:
        through = sum(
            1 for p in paths if any(p[i : i + 2] == [u, v] for i in range(len(p) - 1))
        )
        assert edge_spc[(u, v)] == through, (u, v)
    for n in nodes:
        assert node_spc[n] == sum(1 for p in paths if n in p), n
    # the heaviest citation (A→B, 2 paths; D→E ties and comes later), then the heaviest
    # onwards: B→D and B→E both carry one path, D is the earlier node
    assert main_path(nodes, edge_spc) == ["A", "B", "D", "E"]
    with pytest.raises(InvalidParameterError):
        search_path_counts(["B", "A"], [("A", "B")])


def test_the_main_path_follows_the_heaviest_citations_of_the_drone_store(drones_full):
    """Lens and Derwent drones, by document: the citations between the store's documents,
    read with SQL, made a DAG by filing date; every path enumerated."""
    route = run_analysis("development_route", drones_full, None, count_by="document")
    (branch,) = route.branches
    assert branch.method == "citations" and branch.links > 0
    dates = {
        r["doc_id"]: (r["app_date"] or date.max, r["doc_id"])
        for r in drones_full.query("SELECT doc_id, app_date FROM patents").to_pylist()
    }
    links = drones_full.query(
        "SELECT DISTINCT c.doc_id AS citing, c.cited_pub_number AS cited FROM citations c "
        "JOIN patents a ON a.doc_id = c.doc_id JOIN patents b ON b.doc_id = c.cited_pub_number "
        "WHERE c.doc_id <> c.cited_pub_number"
    ).to_pylist()
    edges = sorted(
        {
            (r["cited"], r["citing"])
            for r in links
            if dates[r["cited"]] < dates[r["citing"]]
        }
    )
    assert len(edges) == branch.links
    nodes = sorted({n for e in edges for n in e}, key=lambda n: dates[n])
    paths = _paths(nodes, edges)
    through: Counter[tuple[str, str]] = Counter()
    for p in paths:
        for i in range(len(p) - 1):
            through[(p[i], p[i + 1])] += 1
    # the main path runs through the citation most paths run through; from there each
    # step forward takes the heaviest citation on, each step back the heaviest into it,
    # from a source to a sink
    path = list(branch.main_path)
    steps = [(path[i], path[i + 1]) for i in range(len(path) - 1)]
    heaviest = max(through.values())
    k = next(i for i, e in enumerate(steps) if through[e] == heaviest)
    for u, v in steps[k + 1 :]:
        assert through[(u, v)] == max(through[e] for e in edges if e[0] == u)
    for u, v in steps[:k]:
        assert through[(u, v)] == max(through[e] for e in edges if e[1] == v)
    assert not [e for e in edges if e[1] == path[0]]
    assert not [e for e in edges if e[0] == path[-1]]
    on_path = {p.doc_id: p for p in route.patents if p.basis == "main_path"}
    for doc, patent in on_path.items():
        assert patent.spc == sum(1 for p in paths if doc in p), doc


def test_parameters_are_checked_and_registered():
    assert ANALYSES["development_route"].title_zh == "技术发展路线"
    assert {p.name for p in ANALYSES["development_route"].parameters()} >= {
        "period_years",
        "periods",
        "per_period",
        "terms",
    }
    assert route_periods([2001, 2010], period_years=5, periods=4) == (
        (2001, 2005),
        (2006, 2010),
    )
    with pytest.raises(InvalidParameterError):
        run_analysis("development_route", None, None, periods=0)  # type: ignore[arg-type]
