"""Searches of one store run at once (each on cursors of its own) and give exactly what
one search at a time on the shared index gave: the same totals, hits, scores, rows and
facets — on real documents (the CNIPA and CNKI exports and the CNIPA XML files), with
the full-text index narrowing every text term as it does at a million documents."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest

from tests.web.conftest import SMALL_INPUTS, narrowing_handle

QUERIES = (
    "TI=桥梁",
    "混凝土 AND 结构",
    "TI=(护栏 OR 道岔)",
    "TIAB=压路机 NOT TI=振动",
    "IPC=E01D AND TI=桥*",
    "TIAB=沥青*",
    "TI=预应力* OR AB=钢筋",
    "PA=徐工集团 AND AD>=2010",
    "TI=一种 AND AD=[2012 TO 2016]",
    "(TI=道路 OR TI=公路) AND NOT IPC=E01C",
    "AB=钢筋 AND TIABC=混凝土",
)
"""Chinese terms, field queries, Boolean operators, truncation and date ranges."""


@pytest.fixture(scope="module")
def handle(tmp_path_factory, data_dir, small_store_path):
    """The web's handle on a copy of the small real store (and its index), with the
    index narrowing text terms whatever the corpus size."""
    yield from narrowing_handle(
        tmp_path_factory.mktemp("concurrent"), data_dir, small_store_path
    )


def _answers(handle, *, concurrent: bool, workers: int) -> dict[str, tuple]:
    """Every query's search result and result list (timings left out), with ``workers``
    threads at once, caches cleared first."""
    handle.concurrent_searches = concurrent
    handle.results.clear()
    handle.lists.clear()

    def one(query: str) -> tuple:
        found = handle.search(query, limit=50).to_dict()
        listed = handle.result_list(query, limit=100).to_dict()
        found.pop("elapsed_ms")
        listed.pop("elapsed_ms")
        return found, listed

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(QUERIES, pool.map(one, QUERIES), strict=True))


def test_searches_at_once_give_what_one_at_a_time_gave(handle, monkeypatch):
    from patnav.search.index import SearchIndex

    one_at_a_time = _answers(handle, concurrent=False, workers=1)
    views: list[int] = []
    reader = SearchIndex.reader

    def counted(self, store):
        views.append(threading.get_ident())
        return reader(self, store)

    monkeypatch.setattr(SearchIndex, "reader", counted)
    at_once = _answers(handle, concurrent=True, workers=8)
    # the concurrent path ran: a view per search and per result list, from several
    # threads
    assert len(views) == 2 * len(QUERIES)
    assert len(set(views)) > 1
    assert at_once == one_at_a_time
    # and the searches found something to compare: most queries have hits
    totals = {q: found["total"] for q, (found, _) in at_once.items()}
    assert sum(1 for t in totals.values() if t) >= len(QUERIES) - 2, totals


def test_a_concurrent_search_counts_what_the_raw_files_hold(handle, data_dir):
    """TI=桥梁 counts the records whose title holds 桥梁 in the raw files."""
    expected = 0
    for name, column in (
        ("formats/cn-excel/cnipa_export_199.xlsx", "名称"),
        ("formats/cn-excel/cnki_export_33.xlsx", "title"),
    ):
        book = openpyxl.load_workbook(data_dir / name, read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        book.close()
        at = list(rows[0]).index(column)
        expected += sum(1 for r in rows[1:] if r[at] and "桥梁" in str(r[at]))
    xml_titles = [
        str(_xml_title(data_dir / name))
        for name in SMALL_INPUTS
        if name.endswith(".xml")
    ]
    expected += sum(1 for t in xml_titles if "桥梁" in t)
    assert expected > 0
    handle.concurrent_searches = True
    handle.results.clear()
    assert handle.search("TI=桥梁", limit=10).total == expected


def _xml_title(path) -> str | None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    return root.findtext("cn-bibliographic-data/invention-title")


def test_a_new_version_reads_the_store_state_again_and_models_search_alone(handle):
    """After a change of version the store's state is read again (the index is still
    current here: nothing really changed) and searches run at once; semantic searches
    (vectors, a model) hold the gate alone."""
    handle.concurrent_searches = True
    before = handle.search("TI=桥梁", limit=5).total
    handle.changed()  # a new version of the data: the store's state is read again
    assert handle._state is not None and handle._state[0] != handle.version()
    with handle._concurrent("boolean") as view:
        assert view is not None  # nothing really changed: the index is still current
    assert handle._state[0] == handle.version()
    assert handle.search("TI=桥梁", limit=5).total == before
    with handle._concurrent("semantic") as view:
        assert view is None  # models and vectors: one at a time


def test_a_reader_view_never_writes_the_index(handle):
    from patnav.errors import StoreError

    index = handle._search_index()
    cursor = handle.store.cursor()
    view = index.reader(cursor)
    try:
        with pytest.raises(StoreError, match="reader view"):
            view.refresh()
        with pytest.raises(StoreError, match="reader view"):
            view.fulltext.update(cursor)
    finally:
        view.close()
        cursor.close()
    # the shared index is untouched and still serves searches at once
    with handle._concurrent("boolean") as again:
        assert again is not None


def test_the_gate_lets_searches_share_it_and_a_writer_hold_it_alone():
    from patnav.web.services import SearchGate

    gate = SearchGate()
    events: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def reader(name: str) -> None:
        with gate.shared():
            events.append(f"{name} in")
            inside.set()
            release.wait(5)
            events.append(f"{name} out")

    def writer() -> None:
        with gate.exclusive():
            events.append("writer")

    first = threading.Thread(target=reader, args=("a",))
    first.start()
    assert inside.wait(5)
    with gate.shared():  # a second search shares the gate with the first
        events.append("b in")
    waiting = threading.Thread(target=writer)
    waiting.start()
    deadline = 50
    while not gate._waiting and deadline:  # the writer is queued
        threading.Event().wait(0.01)
        deadline -= 1
    late = threading.Thread(target=reader, args=("c",))
    late.start()  # a search arriving now waits behind the writer
    threading.Event().wait(0.1)
    assert "writer" not in events and "c in" not in events
    release.set()
    for thread in (first, waiting, late):
        thread.join(5)
    assert events.index("a out") < events.index("writer") < events.index("c in")


def test_the_first_searches_of_a_new_handle_at_once(
    tmp_path, data_dir, small_store_path, handle
):
    """Searches arriving together at a handle just opened (its index's facts not read
    yet) all answer, with what one search at a time gave: the currency of the index is
    asked on each search's own cursor, never on the shared connection (which refused
    a second thread: "connection is busy")."""
    handle.concurrent_searches = False
    handle.lists.clear()
    alone = {q: handle.result_list(q, limit=100).to_dict() for q in QUERIES[:8]}
    for i in range(3):  # a new handle each time: the race is at its first searches
        root = tmp_path / f"fresh{i}"
        root.mkdir()
        opened = narrowing_handle(root, data_dir, small_store_path)
        fresh = next(opened)
        try:
            start = threading.Barrier(8)

            def one(query: str, fresh=fresh, start=start) -> dict:
                start.wait()
                return fresh.result_list(query, limit=100).to_dict()

            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = dict(
                    zip(QUERIES[:8], pool.map(one, QUERIES[:8]), strict=True)
                )
        finally:
            opened.close()  # closes the handle
        for query, answer in answers.items():
            answer.pop("elapsed_ms")
            expected = dict(alone[query])
            expected.pop("elapsed_ms", None)
            assert answer == expected, query
