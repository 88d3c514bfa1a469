"""Citations and the co-applicant network on a store whose documents cite each other.

The Lens and Derwent drone exports (enriched: the store's unit relations are current, so
the whole store reads them) hold about 1,500 citations from one document of the store to
another. The citation analysis ranks only the units that can be first and starts from
those in-store citations; the network pairs only the co-applicants it keeps. Both are
checked against a straightforward pandas computation over the store's own document
tables (patents, citations, parties, provenance — not the unit relations or any SQL of
the analyses), for the whole store and for the Lens file's documents (a scope that cuts
families: their facts then come from their in-scope documents only).
"""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.analyses import relations
from patnav.analyses.base import Scope
from patnav.analyses.citations import citation_analysis
from patnav.analyses.network import coapplicant_network

LENS = Scope.of_sql(
    "SELECT doc_id FROM provenance WHERE file LIKE $pattern",
    {"pattern": "%lens_drones_5884.csv"},
    label="Lens drones",
)


@pytest.fixture(scope="module")
def frames(drones_full_path):
    """The store's document tables as DataFrames, each document with its family."""
    import duckdb

    con = duckdb.connect(str(drones_full_path), read_only=True)
    try:

        def df(sql: str) -> pd.DataFrame:
            return con.execute(sql).df()

        patents = df(
            "SELECT doc_id, family_id, app_number, cited_by_count FROM patents"
        )
        out = {
            "patents": patents,
            # every citation (to a patent or not) counts as one made
            "citations": df("SELECT doc_id, cited_pub_number FROM citations"),
            "applicants": df(
                "SELECT p.doc_id, coalesce(p.entity_id, 'name:' || p.name) AS akey "
                "FROM parties p WHERE p.role = 'applicant'"
            ),
            "lens": set(
                df(
                    "SELECT doc_id FROM provenance "
                    "WHERE file LIKE '%lens_drones_5884.csv'"
                )["doc_id"]
            ),
        }
    finally:
        con.close()
    patents["unit"] = (
        patents["family_id"].fillna(patents["app_number"]).fillna(patents["doc_id"])
    )
    return out


def _scope_docs(frames, which: str) -> pd.DataFrame:
    patents = frames["patents"]
    if which == "store":
        return patents
    return patents[patents["doc_id"].isin(frames["lens"])]


def _expected_citations(frames, which: str, top: int) -> dict[str, object]:
    docs = _scope_docs(frames, which)
    unit_of = frames["patents"].set_index("doc_id")["unit"]
    in_scope = set(docs["doc_id"])
    units = (
        docs.assign(cited=docs["cited_by_count"].fillna(0).astype(int))
        .groupby("unit")
        .agg(by_source=("cited", "max"), documents=("doc_id", "size"))
    )
    cites = frames["citations"]
    cited = cites[cites["cited_pub_number"].isin(in_scope)].copy()
    cited["cited_unit"] = cited["cited_pub_number"].map(unit_of)
    cited = cited[cited["doc_id"].isin(unit_of.index)]
    cited["citing_unit"] = cited["doc_id"].map(unit_of)
    cited["in_scope"] = cited["doc_id"].isin(in_scope)
    cited = cited[cited["citing_unit"] != cited["cited_unit"]]
    units["in_store"] = cited.groupby("cited_unit")["citing_unit"].nunique()
    units["in_scope"] = (
        cited[cited["in_scope"]].groupby("cited_unit")["citing_unit"].nunique()
    )
    units = units.fillna({"in_store": 0, "in_scope": 0}).astype(
        {"in_store": int, "in_scope": int}
    )
    units["cited"] = units[["by_source", "in_store"]].max(axis=1)
    units["score"] = (
        2 * units["in_scope"]
        + (units["in_store"] - units["in_scope"])
        + 0.5 * units["by_source"]
        + 0.5 * (units["documents"] - 1)
    )
    units = units.reset_index()

    def listed(frame: pd.DataFrame) -> list[tuple[object, ...]]:
        return [
            (r.unit, r.by_source, r.in_store, r.in_scope, r.documents)
            for r in frame.itertuples()
        ]

    most = units[units["cited"] > 0].sort_values(
        ["cited", "in_store", "unit"], ascending=[False, False, True]
    )
    core = units[units["score"] > 0].sort_values(
        ["score", "unit"], ascending=[False, True]
    )
    made = cites[cites["doc_id"].isin(in_scope)]
    links = cites[
        cites["doc_id"].isin(in_scope) & cites["cited_pub_number"].isin(in_scope)
    ]
    pairs = set(
        zip(
            links["doc_id"].map(unit_of),
            links["cited_pub_number"].map(unit_of),
            strict=True,
        )
    )
    pairs = {(a, b) for a, b in pairs if a != b}
    return {
        "most_cited": listed(most.head(top)),
        "core": listed(core.head(top)),
        "links": sorted(pairs),
        "citations_made": len(made),
        "with_citations": made["doc_id"].map(unit_of).nunique(),
        "in_store_cited": int((units["in_store"] > 0).sum()),
    }


def test_the_store_holds_citations_between_its_documents(drones_full, frames):
    assert relations.status(drones_full).current
    expected = _expected_citations(frames, "store", 5)
    assert expected["in_store_cited"] > 100
    assert len(expected["links"]) > 100


@pytest.mark.parametrize("which", ["store", "lens"])
@pytest.mark.parametrize("top", [5, 20])
def test_citations_match_pandas_over_the_documents(drones_full, frames, which, top):
    scope = None if which == "store" else LENS
    result = citation_analysis(drones_full, scope, count_by="family", top=top)
    expected = _expected_citations(frames, which, top)

    def listed(units) -> list[tuple[object, ...]]:
        return [
            (
                u.unit,
                u.cited_by_source,
                u.cited_in_store,
                u.cited_in_scope,
                u.documents,
            )
            for u in units
        ]

    assert listed(result.most_cited) == expected["most_cited"]
    assert listed(result.core) == expected["core"]
    assert [(link.citing, link.cited) for link in result.links] == expected["links"]
    assert result.citations_made == expected["citations_made"]
    assert result.with_citations == expected["with_citations"]
    # units cited from the store take part in the ranking
    assert any(u.cited_in_store for u in result.most_cited + result.core)


@pytest.mark.parametrize("which", ["store", "lens"])
def test_the_network_keeps_the_busiest_co_applicants(drones_full, frames, which):
    scope = None if which == "store" else LENS
    max_nodes, min_weight = 30, 2
    result = coapplicant_network(
        drones_full,
        scope,
        count_by="family",
        max_nodes=max_nodes,
        min_weight=min_weight,
    )
    docs = _scope_docs(frames, which)
    apps = (
        frames["applicants"]
        .merge(docs[["doc_id", "unit"]], on="doc_id")[["unit", "akey"]]
        .drop_duplicates()
    )
    per_unit = apps.groupby("unit")["akey"].transform("size")
    joint = apps[per_unit > 1]
    units = apps[apps["akey"].isin(set(joint["akey"]))].groupby("akey").size()
    keep = sorted(units.index, key=lambda k: (-units[k], k))[:max_nodes]
    kept = joint[joint["akey"].isin(keep)]
    pairs = kept.merge(kept, on="unit")
    pairs = pairs[pairs["akey_x"] < pairs["akey_y"]]
    weights = pairs.groupby(["akey_x", "akey_y"]).size()
    edges = sorted((a, b, int(w)) for (a, b), w in weights.items() if w >= min_weight)
    assert len(keep) == max_nodes and edges
    assert sorted((n.key, n.units) for n in result.nodes) == sorted(
        (k, int(units[k])) for k in keep
    )
    assert sorted((e.source, e.target, e.weight) for e in result.edges) == edges
    assert result.collaborative_units == joint["unit"].nunique()
