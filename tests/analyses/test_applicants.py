"""Applicant ranking, concentration and network against independent counts."""

from __future__ import annotations

import itertools
from collections import Counter

import pandas as pd
import pytest

from patnav.analyses.applicants import applicant_ranking
from patnav.analyses.network import coapplicant_network


def test_taian_ranking_and_concentration_match_pandas(loaded_store, taian, data_dir):
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    counts = frame["申请人"].value_counts()
    ranking = applicant_ranking(loaded_store, taian, count_by="application", top=10)
    assert [(a.name, a.units) for a in ranking.applicants[:5]] == list(
        zip(counts.index[:5], counts.values[:5].tolist(), strict=True)
    )
    assert ranking.applicants[0].share == pytest.approx(counts.iloc[0] / len(frame))
    c = ranking.concentration
    assert c.applicants == len(counts)
    assert c.cr4 == pytest.approx(counts.iloc[:4].sum() / len(frame))
    assert c.cr8 == pytest.approx(counts.iloc[:8].sum() / len(frame))
    assert c.hhi == pytest.approx(((counts / counts.sum() * 100) ** 2).sum())
    assert c.level == "unconcentrated"
    # the corpus has no kind codes or statuses: grant ratios are unknown, not zero
    assert all(
        a.grant_ratio is None and a.inventions_known == 0 for a in ranking.applicants
    )


def test_growth_windows_count_filings_by_year(loaded_store, taian, data_dir):
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    ranking = applicant_ranking(loaded_store, taian, count_by="application", top=3)
    r0, r1 = ranking.recent_window
    p0, p1 = ranking.previous_window
    top = ranking.applicants[0]
    years = frame.loc[frame["申请人"] == top.name, "申请日"].str[:4].astype(int)
    assert top.recent == int(years.between(r0, r1).sum())
    assert top.previous == int(years.between(p0, p1).sum())


def test_unknown_status_and_grants_are_unknown_never_zero(
    loaded_store, taian, data_dir
):
    """The Tai'an corpus gives no legal status and no grant state for its inventions (a
    publication table without kind codes): the ranking says "unknown", not "0 in force"."""
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    assert not {"法律状态", "当前法律状态", "授权日"} & set(frame.columns)
    ranking = applicant_ranking(loaded_store, taian, count_by="application", top=5)
    for row in ranking.applicants:
        assert row.with_status == 0 and row.in_force is None
        assert row.in_force_share is None
        if row.inventions_known == 0:
            assert row.granted_inventions is None and row.grant_ratio is None
    data = ranking.to_dict()["applicants"][0]
    assert data["in_force"] is None


def test_lens_grant_ratio_from_kind_codes(loaded_store, lens, data_dir):
    frame = pd.read_csv(data_dir / "formats/lens-csv/lens_drones_5884.csv", dtype=str)
    thales = frame[
        frame["Applicants"].fillna("").str.split(";;").map(lambda a: "THALES SA" in a)
    ]
    ranking = applicant_ranking(loaded_store, lens, count_by="document", top=50)
    row = next(a for a in ranking.applicants if a.name == "THALES SA")
    assert row.units == len(thales)
    granted = thales["Kind"].str[0].isin(["B", "C"]).sum()
    inventions = len(thales)  # Lens rows of THALES SA are all inventions (A/B kinds)
    assert (row.granted_inventions, row.inventions_known) == (granted, inventions)


def test_coapplicant_network_edges_match_the_export(loaded_store, cnipa, data_dir):
    frame = pd.read_excel(
        data_dir / "formats/cn-excel/cnipa_export_199.xlsx", dtype=str
    )
    edges: Counter[tuple[str, str]] = Counter()
    for cell in frame["申请（专利权）人"]:
        names = sorted(set(cell.split(";")))
        edges.update(itertools.combinations(names, 2))
    network = coapplicant_network(loaded_store, cnipa, count_by="application")
    got = {
        (e.source.removeprefix("name:"), e.target.removeprefix("name:")): e.weight
        for e in network.edges
    }
    assert got == dict(edges)
    assert network.collaborative_units == sum(
        1 for cell in frame["申请（专利权）人"] if len(set(cell.split(";"))) > 1
    )
    # communities partition the nodes and are reproducible
    again = coapplicant_network(loaded_store, cnipa, count_by="application")
    assert [n.community for n in again.nodes] == [n.community for n in network.nodes]
    assert sum(c.size for c in network.communities) == len(network.nodes)
