"""The full-text side index: tokens, BM25 scores recomputed by hand, incremental updates,
and the Boolean narrowing that must agree with plain SQL."""

from __future__ import annotations

import math
import shutil
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patnav.search import compile_query, parse
from patnav.search.engine import evaluate
from patnav.search.fulltext import K1, TITLE_WEIGHT, B, FullTextIndex
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore
from patnav.text.segmentation import Analyzer, Segmenter, english_tokens
from patnav.text.vocabularies import dictionary_files


def test_english_tokens_are_lowercased_stemmed_and_stop_words_dropped():
    assert english_tokens("The Optical Fibers of a drone") == [
        "optic",
        "fiber",
        "drone",
    ]


def test_chinese_segmentation_uses_the_technical_vocabularies(data_dir):
    files = dictionary_files(data_dir)
    assert len(files) == 31  # 5 THUOCL lists and 26 domain word lists
    domain = Segmenter(files)
    plain = Segmenter(())
    # 带式输送机 (belt conveyor) is in the mining vocabulary, not in jieba's dictionary
    assert "带式输送机" in domain.cut("一种带式输送机的托辊")
    assert "带式输送机" not in plain.cut("一种带式输送机的托辊")
    assert domain.words > plain.words + 400_000


def test_the_segmenter_loads_from_its_cache_the_second_time(tmp_path):
    first = Segmenter((), cache_dir=tmp_path)
    first.cut("光纤")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert any(f.endswith(".words") for f in files) and any(
        f.endswith(".npy") for f in files
    )
    second = Segmenter((), cache_dir=tmp_path)
    assert second.cut("光纤连接器") == first.cut("光纤连接器")
    assert second.load_seconds is not None


def _bm25_by_hand(store, analyzer, query):
    """BM25 over title (twice), abstract and claims, recomputed from the store's texts."""
    from patnav.search.fulltext import documents_text  # noqa: F401  (same texts as indexed)

    rows = store.query(
        """
        SELECT p.doc_id, p.title, p.abstract, p.claims,
            (SELECT string_agg(text, chr(10)) FROM texts t
                WHERE t.doc_id = p.doc_id AND t.section = 'title') AS tx
        FROM patents p
        """
    ).to_pylist()
    docs = {}
    for r in rows:
        title = "\n".join(x for x in (r["title"], r["tx"]) if x)
        counts = Counter()
        for token in analyzer.tokens(title):
            counts[token] += TITLE_WEIGHT
        for token in analyzer.tokens(r["abstract"]) + analyzer.tokens(r["claims"]):
            counts[token] += 1
        docs[r["doc_id"]] = counts
    n = len(docs)
    avgdl = sum(sum(c.values()) for c in docs.values()) / n
    terms = analyzer.query_tokens(query)
    df = {t: sum(1 for c in docs.values() if t in c) for t in terms}
    scores = {}
    for doc_id, c in docs.items():
        dl = sum(c.values())
        s = 0.0
        for t in terms:
            tf = c.get(t, 0)
            if tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                s += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
        if s:
            scores[doc_id] = s
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


@pytest.mark.parametrize(
    "query", ["光纤 连接器", "pizza oven", "比萨 烤箱 pizza", "无人机 电池"]
)
def test_bm25_scores_match_a_recomputation_by_hand(mixed, query):
    store, index = mixed
    expected = _bm25_by_hand(store, index.analyzer, query)
    got = index.fulltext.rank(query, limit=10)
    assert len(got) == min(10, len(expected))
    for (_, a), (_, b) in zip(got, expected, strict=False):
        assert a == pytest.approx(b, rel=1e-9)
    # the same documents, up to the order of equal scores
    by_hand = dict(expected)
    for doc_id, score in got:
        assert by_hand[doc_id] == pytest.approx(score, rel=1e-9)


def test_ranking_within_a_set_only_returns_its_members(mixed):
    store, index = mixed
    members = [
        r[0]
        for r in store.rows("SELECT doc_id FROM patents WHERE office = 'CN' LIMIT 50")
    ]
    ranked = index.fulltext.rank("一种 装置", limit=100, within=members)
    assert ranked and {d for d, _ in ranked} <= set(members)


def test_updates_are_incremental_and_a_second_update_does_nothing(
    data_dir, tmp_path, plain_segmenter
):
    from patnav.ingest.pipeline import import_paths

    path = tmp_path / "s.duckdb"
    with PatentStore.open(path) as store:
        import_paths(
            store,
            [data_dir / "formats/cn-excel/cnipa_export_199.xlsx"],
            raise_unexpected=True,
        )
        with SearchIndex(store, segmenter=plain_segmenter) as index:
            first = index.refresh()
            assert (first.added, first.changed, first.removed) == (199, 0, 0)
            assert index.fulltext.is_current(store)
            again = index.refresh()
            assert (again.added, again.changed, again.removed) == (0, 0, 0)
            import_paths(
                store,
                [data_dir / "formats/lens-csv/lens_pizza_1000.csv"],
                raise_unexpected=True,
            )
            assert not index.fulltext.is_current(store)
            more = index.refresh()
            assert (more.added, more.changed, more.removed) == (1000, 0, 0)
            # change one title: exactly that document is re-analysed
            store.execute(
                "UPDATE patents SET title = '一种光纤熔接机', updated_at = now() "
                "WHERE doc_id = 'CN202644312U'"
            )
            changed = index.refresh()
            assert (changed.added, changed.changed, changed.removed) == (0, 1, 0)
            assert [d for d, _ in index.fulltext.rank("熔接机", limit=5)] == [
                "CN202644312U"
            ]
            store.execute("DELETE FROM patents WHERE doc_id = 'CN202644312U'")
            gone = index.refresh()
            assert gone.removed == 1
            assert index.fulltext.rank("熔接机", limit=5) == []
            assert index.fulltext.documents == store.count("patents")


def test_a_changed_analyzer_rebuilds_the_index(sample_store, tmp_path, plain_segmenter):
    folder = tmp_path / "idx"
    with SearchIndex(sample_store, folder=folder, segmenter=plain_segmenter) as index:
        index.refresh()
    other = Segmenter((), cache_dir=tmp_path / "seg2")
    other.dictionaries = (tmp_path / "extra.txt",)
    (tmp_path / "extra.txt").write_text("光纤连接器 10\n", "utf-8")
    with SearchIndex(sample_store, folder=folder, segmenter=other) as index:
        assert not index.fulltext.is_current(sample_store)
        report = index.refresh()
        assert report.rebuilt and report.added == 9
        assert "光纤连接器" in index.analyzer.tokens("一种光纤连接器")


# -- Boolean narrowing ------------------------------------------------------------------

QUERIES = [
    "光纤",
    "TI=光纤",
    "pizza",
    "TI=pizz*",
    "TI=*za",
    "TI=p?zza",
    '"pizza oven"',
    '"光纤 连接器"',
    "TIAB=(光纤 OR pizza) AND AD=[2010 TO 2015]",
    "光*纤",
    "NOT 光纤 AND TI=装置",
    "TI=装置 OR IPC=A21B",
    "CL=卡扣",
    "AB=混凝土 NOT TI=轨枕",
    "TIABC=(结构 AND 连接) OR TI=(pizza AND box)",
    "TI=锁",
    '"LED灯"',
    "TI=fiber OR TI=drone",
    "5G",
]


@pytest.mark.parametrize("query", QUERIES)
def test_narrowing_through_the_index_gives_exactly_the_sql_result(mixed, query):
    store, index = mixed
    compiled = compile_query(query)
    plain = {r[0] for r in store.rows(compiled.sql, compiled.params)}
    narrowed = evaluate(store, parse(query), index.fulltext)
    assert set(narrowed.doc_ids) == plain
    assert len(narrowed.doc_ids) == len(set(narrowed.doc_ids))


def test_candidates_are_a_superset_and_narrow_real_terms(mixed):
    store, index = mixed
    found = index.fulltext.candidates("TIABC", "混凝土")
    compiled = compile_query("混凝土")
    exact = {r[0] for r in store.rows(compiled.sql, compiled.params)}
    assert found is not None and not found.exact and exact <= set(found.doc_ids)
    assert len(found.doc_ids) < index.fulltext.documents / 2
    assert index.fulltext.candidates("TIABC", "*") is None


@pytest.mark.parametrize(
    ("field", "term"),
    [("TIABC", "光纤"), ("TI", "锁"), ("TI", "pizza"), ("AB", "oven"), ("CL", "卡扣")],
)
def test_one_gram_terms_are_decided_by_the_index_alone(mixed, field, term):
    store, index = mixed
    found = index.fulltext.candidates(field, term)
    compiled = compile_query(f"{field}={term}")
    assert found is not None and found.exact
    assert set(found.doc_ids) == {
        r[0] for r in store.rows(compiled.sql, compiled.params)
    }
    assert evaluate(store, parse(f"{field}={term}"), index.fulltext).plan == "index"


WORDS = [
    "光纤",
    "装置",
    "结构",
    "pizza",
    "oven",
    "box",
    "连接",
    "混凝土",
    "pizz*",
    "*za",
    "锁",
    "卡扣",
    "led",
    "5G",
]


@st.composite
def random_queries(draw):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        field = draw(
            st.sampled_from(
                [
                    "",
                    "TI=",
                    "AB=",
                    "CL=",
                    "TIAB=",
                    "IPC=A21B",
                    "AD=[2010 TO 2013]",
                    "PROV=江苏",
                ]
            )
        )
        if field.startswith(("IPC", "AD", "PROV")):
            parts.append(field)
        else:
            parts.append(field + draw(st.sampled_from(WORDS)))
        parts.append(draw(st.sampled_from(["AND", "OR", "NOT", "AND NOT", ""])))
    return " ".join(parts[:-1])


@given(random_queries())
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_random_queries_agree_between_narrowing_and_sql(mixed, query):
    store, index = mixed
    compiled = compile_query(query)
    plain = {r[0] for r in store.rows(compiled.sql, compiled.params)}
    assert set(evaluate(store, parse(query), index.fulltext).doc_ids) == plain


def test_the_index_folder_is_a_cache_next_to_the_store(
    mixed_store_path, tmp_path, plain_segmenter
):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(mixed_store_path, copy)
    with (
        PatentStore.open(copy, read_only=True) as store,
        SearchIndex(store, segmenter=plain_segmenter) as index,
    ):
        assert index.folder == tmp_path / "copy.duckdb.search"
        assert isinstance(index.fulltext, FullTextIndex)
    assert (tmp_path / "copy.duckdb.search" / "fulltext.duckdb").exists()


def test_analyzer_signature_names_the_dictionaries(data_dir):
    analyzer = Analyzer(Segmenter(dictionary_files(data_dir)))
    described = analyzer.describe()
    assert "THUOCL_IT.txt" in described["dictionaries"]
    assert len(analyzer.signature()) == 16


def test_worker_processes_build_the_same_index(
    data_dir, tmp_path, plain_segmenter, monkeypatch
):
    from patnav.ingest.pipeline import import_paths
    from patnav.search import fulltext

    path = tmp_path / "w.duckdb"
    with PatentStore.open(path) as store:
        import_paths(
            store,
            [data_dir / "formats/cn-excel/cnipa_export_199.xlsx"],
            raise_unexpected=True,
        )
        one = FullTextIndex(None, Analyzer(plain_segmenter))
        one.update(store)
        monkeypatch.setattr(fulltext, "PARALLEL_MIN_DOCUMENTS", 0)
        two = FullTextIndex(None, Analyzer(plain_segmenter))
        two.update(store, workers=2)

        def postings(index):
            return sorted(
                index._conn.execute(
                    "SELECT d.doc_id, p.term_id, p.tf, p.dl FROM postings p "
                    "JOIN docs d USING (doc_key)"
                ).fetchall()
            )

        assert postings(one) == postings(two) and len(postings(one)) > 10_000
        assert one.rank("混凝土 轨枕", limit=5) == two.rank("混凝土 轨枕", limit=5)
