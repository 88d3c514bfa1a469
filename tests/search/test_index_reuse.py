"""A store copied with its side index keeps using the index (issue 11, item 8).

The first search after opening a copied store used to rebuild the full-text index from
scratch when the process found the technical word lists elsewhere (new file times) or not
at all (no data folder configured): the analyzer's identity hung on file identity. These
tests copy a real store and its index, open the copy in those situations and check that
nothing is rebuilt or re-analysed (on the update report, the search notes and the log,
never on time) and that the ranking is the one the index was built with — and that a
store that really changed is still updated, incrementally.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from patnav.search import SearchIndex, search
from patnav.search.fulltext import SEGMENTER_FOLDER
from patnav.storage.store import PatentStore
from patnav.text import segmentation as analysis_module
from patnav.text.segmentation import Segmenter
from patnav.text.vocabularies import dictionary_files

# free text ranked by BM25 (the tokens decide it), and an expert query
QUERIES = (
    ("钢筋混凝土轨枕", "text"),
    ("沥青热再生设备", "text"),
    ("气动旋转道岔", "text"),
    ("TIAB=(装置 AND 固定)", "boolean"),
)


@pytest.fixture(scope="module")
def built(tmp_path_factory, data_dir) -> tuple[Path, dict[tuple[str, str], list[str]]]:
    """A real store (the CNIPA export) with its index built with the technical word
    lists, and the ranking of each query on it."""
    from patnav.ingest.pipeline import import_paths

    path = tmp_path_factory.mktemp("original") / "store.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(
            store,
            [data_dir / "formats/cn-excel/cnipa_export_199.xlsx"],
            raise_unexpected=True,
        )
        assert report.ok
        with SearchIndex(store, data_dir=data_dir) as index:
            first = index.refresh()
            assert first.added == 199
            assert index.analyzer.segmenter.dictionaries  # built with the word lists
            rankings = {q: _ranking(store, index, q) for q in QUERIES}
    assert all(len(r) > 1 for r in rankings.values()), rankings
    return path, rankings


def _ranking(
    store: PatentStore, index: SearchIndex, query: tuple[str, str]
) -> list[str]:
    text, mode = query
    found = search(store, text, mode=mode, index=index, limit=30, update_index=False)  # type: ignore[arg-type]
    return [h.doc_id for h in found.hits]


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "copied.duckdb"
    shutil.copyfile(source, target)
    shutil.copytree(f"{source}.search", f"{target}.search")
    return target


def _assert_reused(
    store: PatentStore,
    index: SearchIndex,
    rankings: dict[tuple[str, str], list[str]],
) -> None:
    assert index.fulltext.is_current(store)
    for (text, mode), expected in rankings.items():
        result = search(store, text, mode=mode, index=index, limit=30)  # type: ignore[arg-type]
        assert result.notes == (), result.notes  # no "index updated" note
        assert [h.doc_id for h in result.hits] == expected
    again = index.refresh()
    assert (again.added, again.changed, again.removed, again.rebuilt) == (
        0,
        0,
        0,
        False,
    )


def test_a_copied_store_and_index_are_searched_without_a_rebuild(
    built, data_dir, tmp_path, caplog
):
    source, rankings = built
    copy = _copy(source, tmp_path / "elsewhere")
    caplog.set_level(logging.INFO, logger="patnav.search")
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, data_dir=data_dir) as index,
    ):
        assert index.folder == Path(f"{copy}.search")
        _assert_reused(store, index, rankings)
    assert "rebuilt" not in caplog.text


def test_word_lists_unpacked_again_elsewhere_are_the_same_analyzer(
    built, data_dir, tmp_path
):
    # the same word lists with other paths and file times (copyfile keeps no times)
    source, rankings = built
    other = tmp_path / "data" / "reference" / "dictionaries"
    shutil.copytree(
        data_dir / "reference" / "dictionaries", other, copy_function=shutil.copyfile
    )
    assert [p.name for p in dictionary_files(tmp_path / "data")] == [
        p.name for p in dictionary_files(data_dir)
    ]
    copy = _copy(source, tmp_path / "elsewhere")
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, data_dir=tmp_path / "data") as index,
    ):
        _assert_reused(store, index, rankings)


def test_a_process_without_the_word_lists_searches_with_the_kept_dictionary(
    built, tmp_path, monkeypatch
):
    # another machine: no data folder, and no segmenter cache of its own
    source, rankings = built
    copy = _copy(source, tmp_path / "machine2")
    assert (Path(f"{copy}.search") / SEGMENTER_FOLDER / "analyzer.json").exists()
    empty_cache = tmp_path / "cache"
    monkeypatch.setattr(analysis_module, "default_cache_dir", lambda: empty_cache)
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, data_dir=tmp_path / "no-data") as index,
    ):
        segmenter = index.analyzer.segmenter
        assert not segmenter.dictionaries and segmenter.has_vocabularies
        assert segmenter.cache_dir == Path(f"{copy}.search") / SEGMENTER_FOLDER
        _assert_reused(store, index, rankings)


def test_a_really_changed_store_is_updated_incrementally(built, data_dir, tmp_path):
    source, _ = built
    copy = _copy(source, tmp_path / "changed")
    with PatentStore.open(copy) as store:
        doc_id = store.rows("SELECT min(doc_id) FROM patents")[0][0]
        store.execute(
            "UPDATE patents SET title = '一种光纤熔接机', updated_at = now() "
            "WHERE doc_id = ?",
            [doc_id],
        )
        with SearchIndex(store, data_dir=tmp_path / "no-data") as index:
            assert not index.fulltext.is_current(store)
            result = search(store, "熔接机", index=index)
            assert [h.doc_id for h in result.hits] == [doc_id]
            assert any("1 changed" in str(n) for n in result.notes)
            report = index.refresh()
            assert not report.rebuilt and report.added == 0


def test_other_word_lists_still_rebuild_the_index(built, data_dir, tmp_path):
    # a deliberate change of the analyzer is not a copy: the index is rebuilt
    source, _ = built
    copy = _copy(source, tmp_path / "other-lists")
    lists = tmp_path / "data" / "reference" / "dictionaries"
    lists.mkdir(parents=True)
    (lists / "extra.txt").write_text("钢筋混凝土轨枕 10\n", "utf-8")
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, data_dir=tmp_path / "data") as index,
    ):
        assert not index.fulltext.is_current(store)
        report = index.refresh()
        assert report.rebuilt and report.added == 199


def test_the_segmenter_key_follows_the_contents_not_the_file(tmp_path):
    first = tmp_path / "a" / "words.txt"
    first.parent.mkdir()
    first.write_text("光纤连接器 10\n", "utf-8")
    second = tmp_path / "b" / "other-name.txt"
    second.parent.mkdir()
    shutil.copyfile(first, second)
    assert Segmenter((first,)).key == Segmenter((second,)).key
    second.write_text("光纤连接器 11\n", "utf-8")
    assert Segmenter((first,)).key != Segmenter((second,)).key


def test_an_index_recorded_by_an_earlier_patnav_is_adopted_not_rebuilt(
    built, data_dir, tmp_path
):
    # indexes built before the analyzer was keyed by contents carry the old signature
    # (file names, sizes and times): on the machine that built them they stay valid
    import duckdb

    source, rankings = built
    copy = _copy(source, tmp_path / "old")
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, data_dir=data_dir) as index,
    ):
        legacy = index.analyzer.legacy_signature()
        current = index.analyzer.signature()
    assert legacy and legacy != current
    with duckdb.connect(str(Path(f"{copy}.search") / "fulltext.duckdb")) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'analyzer'", [legacy])
    with (
        PatentStore.open(copy) as store,
        SearchIndex(store, data_dir=data_dir) as index,
    ):
        _assert_reused(store, index, rankings)
        assert index.fulltext._meta("analyzer") == current  # recorded anew, once
