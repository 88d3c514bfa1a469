"""The locations hints of the full-text index: hits read by rowid must be exactly the hits
read by doc_id, stale hints must fall back, and the hash-restricted ranking must equal the
doc_id-restricted one."""

from __future__ import annotations

import json
import shutil

import pytest

from patnav.search import search
from patnav.search.fulltext import FullTextIndex, Location, store_state
from patnav.search.hits import describe
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore


def _some_ids(store: PatentStore, n: int = 40) -> list[str]:
    # documents with several applicants first: their parties spans matter most
    return [
        r[0]
        for r in store.rows(
            "SELECT doc_id FROM parties WHERE role IN ('applicant', 'assignee') "
            "GROUP BY doc_id ORDER BY count(*) DESC, doc_id LIMIT ?",
            [n],
        )
    ]


def _locations(index: SearchIndex, store: PatentStore, ids: list[str]):
    rows = store.rows(
        "SELECT doc_id, rowid FROM patents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids],
    )
    by_row = index.fulltext.locations_of(store, [r for _, r in rows])
    return {doc_id: by_row[row] for doc_id, row in rows if row in by_row}


def test_the_index_locates_every_document_after_an_update(mixed):
    store, index = mixed
    assert index.fulltext.is_current(store) and index.fulltext.located(store)
    ids = _some_ids(store)
    found = _locations(index, store, ids)
    assert set(found) == set(ids)
    # the spans hold exactly the documents' parties rows
    for doc_id, loc in found.items():
        rows = store.rows(
            "SELECT min(rowid), max(rowid) FROM parties WHERE doc_id = ?", [doc_id]
        )[0]
        assert loc.parties == rows


def test_hits_read_by_rowid_equal_hits_read_by_doc_id(mixed):
    store, index = mixed
    ids = _some_ids(store)
    ranked = [(d, {"score": float(i)}) for i, d in enumerate(ids)]
    plain = describe(store, ranked)
    located = describe(store, ranked, locations=_locations(index, store, ids))
    assert [h.to_dict() for h in located] == [h.to_dict() for h in plain]
    # the hits carry the store's own applicants, in order of seq
    first = plain[0]
    names = [
        r[0]
        for r in store.rows(
            "SELECT name FROM parties WHERE doc_id = ? AND role IN "
            "('applicant', 'assignee') ORDER BY seq",
            [first.doc_id],
        )
    ]
    assert list(first.applicants) == names and len(names) > 1


def test_stale_hints_fall_back_to_the_doc_id(mixed):
    store, index = mixed
    ids = _some_ids(store, 6)
    ranked = [(d, {}) for d in ids]
    right = _locations(index, store, ids)
    wrong = {
        # rows of another document, parties spans of another document, no parties
        ids[0]: right[ids[1]],
        ids[1]: Location(right[ids[1]].prow, right[ids[2]].parties),
        ids[2]: Location(right[ids[2]].prow, None),
        ids[3]: Location(10**9, None),
    }
    plain = describe(store, ranked)
    got = describe(store, ranked, locations=wrong)
    # a patents row that is not the document's: read by doc_id instead
    assert got[0] == plain[0] and got[3] == plain[3]
    assert [h.title for h in got] == [h.title for h in plain]
    # a parties span is trusted only while the layout it was made for holds (see
    # below); even so its rows are checked against the doc_id: no foreign applicant
    assert got[1].applicants == () and plain[1].applicants
    assert got[2].applicants == ()
    assert [h.to_dict() for h in got[4:]] == [h.to_dict() for h in plain[4:]]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("光纤 连接器", "office = 'CN'"),
        ("pizza oven", "true"),
        ("装置", "app_date >= DATE '2012-01-01'"),
        ("pizza", "doc_id LIKE '%1%'"),
    ],
)
def test_ranking_within_by_hashes_equals_ranking_within_by_doc_ids(mixed, text, where):
    store, index = mixed
    within = [r[0] for r in store.rows(f"SELECT doc_id FROM patents WHERE {where}")]
    exact = index.fulltext.rank(text, limit=50, within=within)
    hashed = index.fulltext.rank_located(text, limit=50, within=within, store=store)
    assert exact and [(d, s) for d, s, _ in hashed] == exact
    assert all(loc is not None for _, _, loc in hashed)


def test_a_hash_shared_with_an_outsider_is_decided_by_doc_id(mixed, monkeypatch):
    store, index = mixed
    within = [r[0] for r in store.rows("SELECT doc_id FROM patents LIMIT 300")]
    exact = index.fulltext.rank("装置", limit=20, within=within)
    calls = []
    real = FullTextIndex._scored

    def outsiders_too(self, ids, n_docs, avgdl, limit, restricted, located):
        rows = real(self, ids, n_docs, avgdl, limit, restricted, located)
        calls.append(located)
        if located:  # pretend the hash matched a document outside ``within``
            rows = [(*r[:-1], False) for r in rows[:1]] + rows[1:]
        return rows

    monkeypatch.setattr(FullTextIndex, "_scored", outsiders_too)
    got = index.fulltext.rank("装置", limit=20, within=within, store=store)
    assert got == exact and calls == [True, False]


def test_boolean_search_gives_the_same_hits_with_and_without_hints(mixed, monkeypatch):
    store, index = mixed
    queries = ["光纤 OR pizza", "TI=装置", "IPC=A21B", "TYPE=发明 NOT 光纤"]
    with_hints = [
        search(store, q, limit=60, index=index, update_index=False) for q in queries
    ]
    monkeypatch.setattr(FullTextIndex, "located", lambda self, store: False)
    without = [
        search(store, q, limit=60, index=index, update_index=False) for q in queries
    ]
    for a, b in zip(with_hints, without, strict=True):
        assert a.total == b.total and a.total > 0
        assert [h.to_dict() for h in a.hits] == [h.to_dict() for h in b.hits]


def test_a_changed_layout_makes_the_hints_stale_until_the_next_update(
    mixed_store_path, tmp_path, plain_segmenter
):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(mixed_store_path, copy)
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, segmenter=plain_segmenter) as index,
    ):
        index.refresh()
        assert index.fulltext.located(store)
        watermark = FullTextIndex.watermark(store)
        # an applicant added: the documents and their texts are as before
        doc_id = store.scalar("SELECT doc_id FROM parties LIMIT 1")
        store.execute(
            "INSERT INTO parties (doc_id, role, seq, name) "
            "VALUES (?, 'applicant', 99, '新申请人')",
            [doc_id],
        )
        assert FullTextIndex.watermark(store) == watermark
        assert index.fulltext.is_current(store)
        assert not index.fulltext.located(store)
        result = search(store, "TYPE=发明", limit=5, index=index, update_index=False)
        assert result.total > 0
        report = index.refresh()
        assert (report.added, report.changed, report.removed) == (0, 0, 0)
        assert index.fulltext.located(store)
        # its parties rows now lie far apart: it has no hint and is read by doc_id
        where = _locations(index, store, [doc_id])
        assert doc_id not in where
        (hit,) = describe(store, [(doc_id, {})], locations=where)
        assert "新申请人" in hit.applicants


def test_the_watermark_summarises_the_store_as_before(mixed):
    store, _ = mixed
    row = store.rows("SELECT count(*), max(updated_at), max(imported_at) FROM patents")[
        0
    ]
    texts = store.scalar("SELECT count(*) FROM texts")
    claims = store.scalar("SELECT count(*) FROM claims")
    created = store.scalar("SELECT value FROM meta WHERE key = 'created_at'")
    expected = json.dumps([str(x) for x in (*row, texts, claims, created)])
    assert FullTextIndex.watermark(store) == expected
    # a read-only store cannot change while open: its state is read once
    assert store_state(store) is store_state(store)
