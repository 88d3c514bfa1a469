"""Every result order is total: the same query on the same data gives the same rows, run
after run, whatever order the rows lie in on disk and however many are asked for.

The store: the mixed real corpus (Chinese exports, the Lens export, the sample) with
ties made the way the resampled benchmark corpus makes them — the documents with 光纤 in
their title copied 30 times under doc_ids that sort before the original's (texts
identical, so BM25 scores tie exactly), added to the index after it was built, the
copy first by doc_id last (so index keys run against doc_ids). A second store holds the same
rows, every table's rows inserted in reverse order, its index built afresh.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest

from patnav.search.fulltext import K1, B, term_id

COPIES = 30
"""Copies of each 光纤 document: more than a page's margin of tied documents (2 N + 20
for N = 1), so a cut at N falls inside a tie."""
QUERY = "光纤 连接器"


def _copy_documents(path: Path, where: str, copies: range) -> int:
    """Copy the documents matching ``where`` (on patents) once per number in
    ``copies``, in every table keyed by doc_id, under doc_ids sorting before the
    original's (``0~NN~`` + its doc_id)."""
    con = duckdb.connect(str(path))
    try:
        ids = [
            r[0]
            for r in con.execute(f"SELECT doc_id FROM patents WHERE {where}").fetchall()
        ]
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = 'main' AND column_name = 'doc_id' "
                "AND table_name IN (SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE')"
            ).fetchall()
        ]
        con.execute(
            "CREATE TEMP TABLE picked AS SELECT unnest(?::VARCHAR[]) AS id", [ids]
        )
        for copy in copies:
            prefix = f"0~{copy:02d}~"
            for table in tables:
                con.execute(
                    f"INSERT INTO {table} SELECT * REPLACE (? || doc_id AS doc_id) "
                    f"FROM {table} WHERE doc_id IN (SELECT id FROM picked)",
                    [prefix],
                )
        return len(ids)
    finally:
        con.close()


def _reverse_rows(path: Path) -> None:
    """Every table's rows deleted and inserted again in reverse order."""
    con = duckdb.connect(str(path))
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        for table in tables:
            con.execute(
                f"CREATE TEMP TABLE flipped AS SELECT * FROM {table} ORDER BY rowid DESC"
            )
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM flipped")
            con.execute("DROP TABLE flipped")
        con.execute("CHECKPOINT")
    finally:
        con.close()


@pytest.fixture(scope="module")
def tied(tmp_path_factory, mixed_store_path, mixed_index_folder, plain_segmenter):
    """(forward store path, reversed store path, documents copied), both indexed."""
    root = tmp_path_factory.mktemp("tied")
    forward = root / "forward.duckdb"
    shutil.copyfile(mixed_store_path, forward)
    shutil.copytree(mixed_index_folder, f"{forward}.search")
    # copies 01…29 indexed first, then copy 00: the doc_id first among the ties has
    # the last index key, so a cut by key would leave it out
    where = "title LIKE '%光纤%' AND doc_id NOT LIKE '0~%'"
    copied = _copy_documents(forward, where, range(1, COPIES))
    _refresh(forward, plain_segmenter)
    _copy_documents(forward, where, range(1))
    reverse = root / "reverse.duckdb"
    shutil.copyfile(forward, reverse)
    _reverse_rows(reverse)
    for path in (forward, reverse):  # forward: copy 00 added to the built index
        _refresh(path, plain_segmenter)
    return forward, reverse, copied


def _refresh(path: Path, segmenter) -> None:
    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    with (
        PatentStore.open(path) as store,
        SearchIndex(store, segmenter=segmenter) as index,
    ):
        index.refresh()


def _open(path: Path, segmenter):
    from contextlib import ExitStack

    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    stack = ExitStack()
    store = stack.enter_context(PatentStore.open(path, read_only=True))
    index = stack.enter_context(SearchIndex(store, segmenter=segmenter))
    return stack, store, index


def _key(item: tuple[str, float]) -> tuple[float, str]:
    return (-round(item[1], 9), item[0])


def test_the_ties_exist_and_their_keys_run_against_their_doc_ids(tied, plain_segmenter):
    forward, _, copied = tied
    stack, _store, index = _open(forward, plain_segmenter)
    with stack:
        assert copied >= 3
        ranked = index.fulltext.rank(QUERY, limit=100_000)
        scores = [s for _, s in ranked]
        # the best score is shared by at least the copies and their original
        assert scores.count(scores[0]) >= COPIES + 1
        keys = dict(
            index.fulltext._conn.execute("SELECT doc_id, doc_key FROM docs").fetchall()
        )
        top = [d for d, s in ranked if s == scores[0]]
        assert sorted(top) != sorted(top, key=keys.__getitem__)


def test_any_first_n_ranked_are_a_prefix_of_one_total_order(tied, plain_segmenter):
    forward, _, _ = tied
    stack, store, index = _open(forward, plain_segmenter)
    with stack:
        everything = index.fulltext.rank(QUERY, limit=100_000)
        assert everything == sorted(everything, key=_key)  # score, then doc_id
        for limit in (1, 2, 5, 17, 31, 40, 75):
            assert index.fulltext.rank(QUERY, limit=limit) == everything[:limit]
        within = [d for d, _ in everything[::2]]  # a Boolean result's restriction
        restricted = [x for x in everything if x[0] in set(within)]
        for limit in (1, 3, 16, 33):
            got = index.fulltext.rank(QUERY, limit=limit, within=within, store=store)
            assert got == restricted[:limit]


def test_scores_are_an_exact_sum_in_any_order_of_terms(tied, plain_segmenter):
    """Each score is the sum of its terms' BM25 weights recomputed here from the index's
    postings with pandas, in units of 2^-40 — a sum that is the same in any order, so
    the same on every run (a float sum in the order threads meet the rows is not: at a
    million documents it changed the last bit of 无人机 AND 电池's best score from run to
    run); tied documents tie bit for bit."""
    forward, _, _ = tied
    stack, _store, index = _open(forward, plain_segmenter)
    with stack:
        terms = sorted({term_id(t) for t in index.analyzer.query_tokens(QUERY)})
        conn = index.fulltext._conn
        postings = conn.execute(
            "SELECT p.term_id, d.doc_id, p.tf, p.dl FROM postings p "
            "JOIN docs d USING (doc_key) WHERE p.term_id IN (SELECT unnest(?))",
            [terms],
        ).df()
        n, avgdl = conn.execute("SELECT count(*), avg(dl) FROM docs").fetchone()
        df = postings.groupby("term_id")["doc_id"].count().rename("df")
        rows = postings.join(df, on="term_id")
        weight = (
            (1 + (n - rows.df + 0.5) / (rows.df + 0.5)).map(math.log)
            * rows.tf
            * (K1 + 1)
            / (rows.tf + K1 * (1 - B + B * rows.dl / avgdl))
        )
        rows["units"] = (weight * 2**40).round().astype("int64")
        forward_sum = rows.sort_values("term_id").groupby("doc_id")["units"].sum()
        backward_sum = (
            rows.sort_values("term_id", ascending=False)
            .groupby("doc_id")["units"]
            .sum()
        )
        assert forward_sum.equals(backward_sum)
        expected = (forward_sum / 2**40).to_dict()
        got = dict(index.fulltext.rank(QUERY, limit=100_000))
        assert set(got) == set(expected)
        # a whole number of units: summed as integers, not as floats in some order
        assert all((got[d] * 2**40).is_integer() for d in got)
        # the units of each term as here, up to the last bit of DuckDB's arithmetic
        assert all(abs(got[d] - expected[d]) * 2**40 <= len(terms) for d in got)
        # and the copies of a document score exactly as it does
        originals = {d.split("~", 2)[2] for d in got if d.startswith("0~")}
        for original in originals:
            assert {got[f"0~{c:02d}~{original}"] for c in range(COPIES)} == {
                got[original]
            }


def _listing(path: Path, segmenter, query: str, **options):
    from patnav.search.results import search_results

    stack, store, index = _open(path, segmenter)
    with stack:
        found = search_results(store, query, index=index, **options).to_dict()
    found.pop("elapsed_ms")
    return found


@pytest.mark.parametrize("group", ["document", "family"])
@pytest.mark.parametrize("query", ["光纤 AND 连接器", "TI=光纤"])
def test_result_lists_are_the_same_whatever_the_rows_physical_order(
    tied, plain_segmenter, query, group
):
    forward, reverse, _ = tied
    options = {"group": group, "sort": "relevance", "lang": "zh", "limit": 60}
    first = _listing(forward, plain_segmenter, query, **options)
    # a family row holds a document and its copies (same application)
    assert first["documents"] > COPIES
    assert first == _listing(forward, plain_segmenter, query, **options)
    assert first == _listing(reverse, plain_segmenter, query, **options)
    # pages neither repeat nor skip a row: pages of 7 are the list's rows
    paged = []
    for offset in range(0, 42, 7):
        page = _listing(
            forward, plain_segmenter, query, **{**options, "offset": offset, "limit": 7}
        )
        paged.extend(r["doc_id"] for r in page["rows"])
    assert paged == [r["doc_id"] for r in first["rows"]][:42]


def test_the_best_k_vectors_are_a_prefix_of_one_order_whatever_k():
    """Semantic search's top k (``vectors._top``) with ties straddling the cut: the
    positions sorted here by (score descending, position), cut at k — not whichever of
    the tied ones a partial sort happened to keep."""
    import numpy as np

    from patnav.search.vectors import _top

    scores = np.round(np.random.default_rng(7).random(3000), 2).astype(np.float32)
    expected = sorted(range(len(scores)), key=lambda p: (-float(scores[p]), p))
    for k in (1, 2, 10, 33, 100, 250, 1000, 3000):
        found, got = _top(scores, k)
        assert found.tolist() == expected[:k]
        assert got.tolist() == [float(scores[p]) for p in expected[:k]]
