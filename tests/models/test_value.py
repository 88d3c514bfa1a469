"""The value model on real exports: indicators and percentiles against pandas over the raw
Patentics file, missing inputs stay missing, scores are the weighted means they claim."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

from patnav.errors import NotFittedError
from patnav.models.value import (
    BY_NAME,
    DIMENSIONS,
    INDICATORS,
    ValueScorer,
    explain,
    load_weights,
    read_scores,
)
from patnav.storage.store import PatentStore
from tests import patentics
from tests.models.conftest import TOYOTA
from tests.patsnap import parts

MIN_COHORT = 30


def _raw_frame(data_dir) -> pd.DataFrame:
    """The Patentics file's documents with their cohort and three indicators, from the raw
    CSV only: cohort = main IPC subclass × filing year, falling back to the section × year,
    then to the year, when fewer than 30 documents share it."""
    raw = pd.read_csv(
        data_dir / patentics.FILE, encoding="utf-8-sig", dtype=str, index_col=False
    )
    ipc = raw["国际分类"].str.split("|").str[0].str.replace(" ", "").str.upper()
    frame = pd.DataFrame(
        {
            "pub": raw["公开号"],
            "sub": ipc.str[:4],
            "sec": ipc.str[:1],
            "year": raw["申请日"].str[:4],
            # every application has a claim: 0 is no figure, and stays missing
            "claims_count": pd.to_numeric(raw["权利要求数"]).where(lambda c: c > 0),
            "forward_citations": pd.to_numeric(raw["引用本文专利数"]),
            "family_size": pd.to_numeric(raw["同族专利数"]),
            # v2 indicators, from the raw columns alone
            "kind": raw["公开号"].str[-1],
            "inventors": raw["发明人"]
            .str.split("|")
            .map(lambda names: len({n.strip() for n in names if n.strip()}))
            .astype(float),
            "ipc_codes": raw["国际分类"]
            .str.split("|")
            .map(lambda codes: len({c.replace(" ", "").upper() for c in codes}))
            .astype(float),
            "first_owner": raw["申请人"].str.split("|").str[0].str.strip(),
        }
    )
    n_sub = frame.groupby(["sub", "year"], dropna=False)["pub"].transform("size")
    n_sec = frame.groupby(["sec", "year"], dropna=False)["pub"].transform("size")
    field = frame["sub"].where(n_sub >= MIN_COHORT, frame["sec"])
    field = field.where((n_sub >= MIN_COHORT) | (n_sec >= MIN_COHORT), "*")
    frame["cohort"] = field + "×" + frame["year"]
    return frame


def _midrank_percentile(frame: pd.DataFrame, column: str) -> pd.Series:
    """100 × (documents below + ½ × documents tied) / documents known, per cohort."""
    known = frame[frame[column].notna()]
    below = known.groupby("cohort")[column].rank(method="min") - 1
    tied = known.groupby(["cohort", column])[column].transform("size")
    n = known.groupby("cohort")[column].transform("size")
    return 100 * (below + 0.5 * tied) / n


@pytest.fixture(scope="module")
def fitted(patentics_path):
    with PatentStore.open(patentics_path, read_only=True) as store:
        scorer = ValueScorer(as_of=patentics.TODAY, min_cohort=MIN_COHORT).fit(store)
        yield store, scorer
        scorer.close()


def test_cohort_percentiles_match_pandas_over_the_raw_file(fitted, data_dir):
    store, scorer = fitted
    frame = _raw_frame(data_dir)
    ids = {
        r["pub_number"]: r["doc_id"]
        for r in store.query("SELECT pub_number, doc_id FROM patents").to_pylist()
    }
    assert len(ids) == frame["pub"].nunique()
    rows = {r["doc_id"]: r for r in scorer.percentiles(list(ids.values()))}
    checked = 0
    for name in ("claims_count", "forward_citations", "family_size"):
        expected = _midrank_percentile(frame, name)
        for idx, pct in expected.items():
            row = rows[ids[frame.at[idx, "pub"]]]
            assert row["cohort"] == frame.at[idx, "cohort"]
            assert row[f"v_{name}"] == frame.at[idx, name]
            assert row[f"p_{name}"] == pytest.approx(pct, abs=1e-9), (name, idx)
            checked += 1
        for pub in frame.loc[frame[name].isna(), "pub"]:
            assert rows[ids[pub]][f"v_{name}"] is None  # unknown, not 0
            assert rows[ids[pub]][f"p_{name}"] is None
    names = ["claims_count", "forward_citations", "family_size"]
    assert checked == frame[names].notna().to_numpy().sum() > 13000


def test_the_score_is_the_weighted_mean_of_the_known_percentiles(patentics_path):
    weights = load_weights()
    with PatentStore.open(patentics_path, read_only=True) as store:
        pubs = [
            r["pub_number"]
            for r in store.query(
                "SELECT pub_number FROM patents ORDER BY pub_number LIMIT 3"
            ).to_pylist()
        ]
        for pub in pubs:
            for use in ("pledge", "management"):
                result = explain(store, pub, use=use, as_of=patentics.TODAY)
                known = [i for i in result.indicators if i.weight > 0 and not i.missing]
                total = sum(i.weight for i in known)
                expected = sum(i.weight * i.percentile for i in known) / total
                assert result.score == pytest.approx(expected)
                assert result.grade == weights.grade(expected)
                all_weight = sum(weights.uses[use].values())
                assert result.coverage == pytest.approx(total / all_weight)
                for dim in DIMENSIONS:
                    inds = [i for i in known if i.dimension == dim]
                    if not inds:
                        assert result.dimensions[dim] is None
                        continue
                    mean = sum(i.weight * i.percentile for i in inds) / sum(
                        i.weight for i in inds
                    )
                    assert result.dimensions[dim] == pytest.approx(mean)


def test_missing_inputs_stay_missing_never_zero(scored_path, data_dir):
    """incoPat's export carries no citation counts and no events: its documents get no
    citation or event indicators (NULL, listed as missing, coverage < 1)."""
    with warnings.catch_warnings():  # openpyxl: the export has no default style
        warnings.simplefilter("ignore")
        toyota = pd.read_excel(data_dir / TOYOTA, dtype=str, nrows=5)
    assert not any("引用" in str(c) for c in toyota.columns)  # the file has none
    with PatentStore.open(scored_path, read_only=True) as store:
        rows = store.query(
            "SELECT v.missing, v.coverage, v.score FROM value_scores v "
            "JOIN patents p USING (doc_id) WHERE v.use = 'management' "
            "AND p.source = 'xlsx'"
        ).to_pylist()
        assert len(rows) > 4000
        for row in rows:
            assert "forward_citations" in row["missing"]
            assert "transfers" in row["missing"]
            assert row["coverage"] < 1
        result = explain(
            store,
            store.scalar(
                "SELECT pub_number FROM patents WHERE source = 'xlsx' LIMIT 1"
            ),
            as_of=patentics.TODAY,
        )
    fwd = next(i for i in result.indicators if i.name == "forward_citations")
    assert fwd.value is None and fwd.percentile is None and fwd.missing


def test_stored_scores_cover_every_document_and_use(scored_path):
    with PatentStore.open(scored_path, read_only=True) as store:
        docs = store.count("patents")
        per_use = dict(
            (r["use"], r["n"])
            for r in store.query(
                "SELECT use, count(*) AS n FROM value_scores GROUP BY use"
            ).to_pylist()
        )
        assert per_use == {u: docs for u in load_weights().uses}
        bad = store.scalar(
            "SELECT count(*) FROM value_scores WHERE (score IS NULL) <> (grade IS NULL)"
            " OR score < 0 OR score > 100 OR coverage < 0 OR coverage > 1"
        )
        assert bad == 0
        table = read_scores(store, use="pledge")
        assert table.num_rows == docs
        scores = [s for s in table.column("score").to_pylist() if s is not None]
        assert scores == sorted(scores, reverse=True)


def test_the_event_free_variant_uses_no_outcome(fitted):
    _store, _ = fitted
    weights = load_weights().without_events()
    for use, ws in weights.uses.items():
        assert ws, use
        for name in ws:
            assert not BY_NAME[name].event_based, (use, name)
    event_based = {i.name for i in INDICATORS if i.event_based}
    assert {"legal_status", "remaining_term", "years_maintained", "pledges"} <= (
        event_based
    )


def test_scoring_before_fitting_is_refused():
    with pytest.raises(NotFittedError, match="fit"):
        ValueScorer().score()


def test_percentiles_are_within_0_and_100(fitted):
    store, scorer = fitted
    ids = store.query("SELECT doc_id FROM patents LIMIT 500").column(0).to_pylist()
    for row in scorer.percentiles(ids):
        for ind in INDICATORS:
            p = row[f"p_{ind.name}"]
            assert p is None or (0 <= p <= 100 and not math.isnan(p))


def test_v2_indicators_match_pandas_over_the_raw_file(fitted, data_dir):
    """Patent type, inventors, IPC codes and the owner's portfolio (documents of the same
    first applicant in the store), and the cohort percentiles of the counted ones, against
    the raw Patentics columns."""
    store, scorer = fitted
    frame = _raw_frame(data_dir)
    ids = {
        r["pub_number"]: r["doc_id"]
        for r in store.query("SELECT pub_number, doc_id FROM patents").to_pylist()
    }
    rows = {r["doc_id"]: r for r in scorer.percentiles(list(ids.values()))}
    # an examined invention (A application, B/C grant) against a utility model (U, Y)
    level = frame["kind"].map(
        {"A": 100.0, "B": 100.0, "C": 100.0, "U": 40.0, "Y": 40.0}
    )
    assert level.notna().all()
    portfolio = frame["first_owner"].map(frame["first_owner"].value_counts())
    same = 0
    for idx, pub in frame["pub"].items():
        row = rows[ids[pub]]
        assert row["v_patent_type"] == row["p_patent_type"] == level[idx], pub
        assert row["v_inventors"] == frame.at[idx, "inventors"], pub
        assert row["v_ipc_codes"] == frame.at[idx, "ipc_codes"], pub
        # the owner is the resolved entity: name variants merged add documents
        assert row["v_owner_portfolio"] >= portfolio[idx], pub
        same += row["v_owner_portfolio"] == portfolio[idx]
    for name in ("inventors", "ipc_codes"):
        expected = _midrank_percentile(frame, name)
        for idx, pct in expected.items():
            assert rows[ids[frame.at[idx, "pub"]]][f"p_{name}"] == pytest.approx(
                pct, abs=1e-9
            ), (name, idx)
    # most first owners have one spelling: their portfolio is exactly the same-name count
    assert same >= 0.9 * len(frame) > 3600


def test_one_pass_scores_are_the_weighted_means_of_every_use(fitted):
    """Every use scored in one statement: per document and use, the score, coverage and
    missing list recomputed with pandas from the percentile table and the weights file."""
    store, scorer = fitted
    weights = scorer.weights_
    pct = store.query("SELECT * FROM value_pct").to_pandas().set_index("doc_id")
    scores = scorer.score().to_pandas()
    assert len(scores) == len(pct) * len(weights.uses)
    for use, ws in weights.uses.items():
        got = scores[scores["use"] == use].set_index("doc_id").loc[pct.index]
        p = pct[[f"p_{n}" for n in ws]].set_axis(list(ws), axis=1)
        w = pd.Series(ws)
        known = p.notna().mul(w, axis=1).sum(axis=1)
        total = p.fillna(0).mul(w, axis=1).sum(axis=1)
        expected = (total / known).where(known > 0)
        assert got["score"].to_numpy() == pytest.approx(
            expected.to_numpy(), nan_ok=True
        )
        assert got["coverage"].to_numpy() == pytest.approx((known / w.sum()).to_numpy())
        for doc_id, missing in got["missing"].items():
            want = [n for n in INDICATORS_ORDER if n in ws and pd.isna(p.at[doc_id, n])]
            assert list(missing) == want, (use, doc_id)


INDICATORS_ORDER = [i.name for i in INDICATORS]


def test_owners_are_the_current_owners_where_the_source_states_them(prevalue_store):
    """PatSnap states only the current owner (当前申请专利权人): its documents get their
    co-ownership level and the owner's portfolio from it, not missing (v1 read applicants
    only, so every PatSnap document lacked its owner indicators)."""
    frame, patentics_rows, path = prevalue_store
    owners = frame["当前申请专利权人"].map(parts)
    firsts = pd.concat(
        [owners.str[0], patentics_rows["申请人"].str.split("|").str[0].str.strip()]
    )
    counts = firsts.value_counts()
    with PatentStore.open(path, read_only=True) as store:
        ids = {
            r["pub_number"]: r["doc_id"]
            for r in store.query("SELECT pub_number, doc_id FROM patents").to_pylist()
        }
        scorer = ValueScorer(as_of=patentics.TODAY).fit(store)
        try:
            rows = {r["doc_id"]: r for r in scorer.percentiles(list(ids.values()))}
        finally:
            scorer.close()
    checked = 0
    for pub, names in zip(frame["公开公告号"], owners, strict=True):
        row = rows[ids[pub]]
        level = {1: 100, 2: 50}.get(len(names), 0)
        assert row["v_co_ownership"] == level, pub
        assert row["v_owner_portfolio"] == counts[names[0]], pub
        checked += 1
    assert checked == len(frame) >= 600
