"""Searches reading ``parties`` and ``classifications`` rows by the full-text index's row
index (:mod:`patnav.search.rowindex`) give exactly what the scans by doc_id gave — the
path before it, ``fulltext.ROW_INDEX = False`` — on real documents (the CNIPA and CNKI
exports and the CNIPA XML files): the same totals, hits, rows and facets, with and
without facet filters, with the index narrowing every text term as at a million
documents."""

from __future__ import annotations

import shutil

import pytest

from patnav.search import fulltext, rowindex
from tests.web.conftest import narrowing_handle

QUERIES = (
    "TI=桥梁",
    "IPC=E01D AND TI=桥*",
    "TIAB=沥青* AND PROV=江苏",
    "TIABC=混凝土 AND PA=*公司",
    "TI=(护栏 OR 道岔) AND AD=[2010 TO 2020]",
    "(TI=道路 OR TI=公路) AND NOT IPC=E01C",
    "TIAB=压路机 AND (IPC=E01C* OR PROV=江苏) AND NOT TI=振动",
    "TIABC=桥梁 AND CITY=徐州",
)
"""Chinese terms, field queries, AND/OR/NOT, truncation, date ranges, IPC symbols and
applicant addresses (province, city)."""


@pytest.fixture(scope="module")
def handle(tmp_path_factory, data_dir, small_store_path):
    """The web's handle on a copy of the small real store and its index (row index
    built with it), the index narrowing text terms whatever the corpus size."""
    yield from narrowing_handle(
        tmp_path_factory.mktemp("rowindex"), data_dir, small_store_path
    )


def _answer(handle, query: str, *, row_index: bool, **options) -> tuple:
    """A query's search and result list (timings left out) on one path, caches cleared."""
    saved = fulltext.ROW_INDEX
    fulltext.ROW_INDEX = row_index
    try:
        handle.results.clear()
        handle.lists.clear()
        found = handle.search(query, limit=100).to_dict()
        listed = handle.result_list(query, limit=100, **options).to_dict()
    finally:
        fulltext.ROW_INDEX = saved
    found.pop("elapsed_ms")
    listed.pop("elapsed_ms")
    return found, listed


@pytest.fixture
def sources(monkeypatch) -> dict[str, int]:
    """How many times each table's rows were read by the row index."""
    used = {"parties": 0, "classifications": 0}
    for table, name in (
        ("parties", "parties_source"),
        ("classifications", "classes_source"),
    ):
        original = getattr(rowindex, name)

        def counted(*args, _table=table, _original=original, **kwargs):
            source = _original(*args, **kwargs)
            used[_table] += source is not None
            return source

        monkeypatch.setattr(rowindex, name, counted)
    return used


def test_the_row_index_gives_what_the_scans_gave(handle, sources):
    totals = {}
    for query in QUERIES:
        before = dict(sources)
        scanned = _answer(handle, query, row_index=False)
        assert sources == before  # the old path reads no row by the row index
        indexed = _answer(handle, query, row_index=True)
        assert indexed == scanned, query
        totals[query] = indexed[0]["total"]
    # the row index ran for the conditions on parties and classifications and for the
    # IPC facet, and the queries found something to compare
    assert sources["parties"] >= 4, sources
    assert sources["classifications"] >= len(QUERIES), sources
    assert sum(1 for t in totals.values() if t) >= len(QUERIES) - 2, totals


def test_facet_filters_are_the_same_on_both_paths(handle, sources):
    _, listed = _answer(handle, "TI=桥梁 OR TIAB=混凝土", row_index=True)
    ipc = [c["value"] for c in listed["facets"]["ipc"]["counts"]][:2]
    applicant = [c["value"] for c in listed["facets"]["applicant"]["counts"]][:1]
    assert ipc and applicant
    for filters in (
        {"ipc": (ipc[0],)},
        {"ipc": (*ipc, None)},
        {"ipc": (None,)},
        {"ipc": (ipc[0],), "applicant": (applicant[0], None)},
    ):
        scanned = _answer(
            handle, "TI=桥梁 OR TIAB=混凝土", row_index=False, filters=filters
        )
        indexed = _answer(
            handle, "TI=桥梁 OR TIAB=混凝土", row_index=True, filters=filters
        )
        assert indexed == scanned, filters
        # a filter on one IPC subclass keeps exactly the rows its facet counted
        if filters == {"ipc": (ipc[0],)}:
            counted = listed["facets"]["ipc"]["counts"][0]["count"]
            assert indexed[1]["total"] == counted
    assert sources["classifications"] >= 4


def test_an_index_built_before_the_row_index_keeps_its_hints(
    tmp_path, data_dir, small_store_path
):
    """An index without classification rowids (built before the row index) still
    reads hits by its locations hints, scans classifications, gives what the scans
    give, and gains the rowids at its next update."""
    from patnav.search import SearchIndex
    from patnav.search.results import search_results
    from patnav.storage.store import PatentStore

    path = tmp_path / "store.duckdb"
    shutil.copyfile(small_store_path, path)
    shutil.copytree(f"{small_store_path}.search", f"{path}.search")
    with PatentStore.open(path, read_only=True) as store:
        with SearchIndex(store, data_dir=data_dir) as index:
            opened = index.fulltext
            opened._writable()
            opened._exec("DELETE FROM meta WHERE key = 'class_rows'")
            opened._exec("DROP TABLE class_rows")
        with SearchIndex(store, data_dir=data_dir) as index:
            opened = index.fulltext
            assert opened.read_only
            assert opened.located(store)
            assert not opened.class_located(store)
            ids = [str(r[0]) for r in store.rows("SELECT doc_id FROM patents")]
            hints = opened.row_hints(store, ids)
            assert hints is not None
            assert hints[1] is None
            assert hints[0].num_rows >= len(ids)
            answers = []
            for row_index in (False, True):
                fulltext.ROW_INDEX = row_index
                try:
                    listed = search_results(
                        store, "TIABC=桥梁 AND PROV=江苏 OR IPC=E01D", index=index
                    ).to_dict()
                finally:
                    fulltext.ROW_INDEX = True
                listed.pop("elapsed_ms")
                answers.append(listed)
            assert answers[0] == answers[1]
            assert answers[1]["total"] > 0
            index.refresh()
            assert opened.located(store) and opened.class_located(store)
            hints = opened.row_hints(store, ids)
            assert hints is not None and hints[1] is not None
            expected = store.scalar("SELECT count(*) FROM classifications")
            assert hints[1].num_rows == expected
