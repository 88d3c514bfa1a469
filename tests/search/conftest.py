"""Fixtures of the search tests: a small hand-written sample, and a mixed real corpus with
its side index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "search_sample.csv"


def _import(path: Path, inputs: list[Path]) -> None:
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    with PatentStore.open(path) as s:
        report = import_paths(s, inputs, raise_unexpected=True)
        assert report.ok, report.to_dict()


@pytest.fixture(scope="session")
def sample_store_path(tmp_path_factory) -> Path:
    """A store holding tests/data/search_sample.csv (9 hand-written records)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    _import(path, [SAMPLE])
    return path


@pytest.fixture
def sample_store(sample_store_path):
    """The sample, read-only."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(sample_store_path, read_only=True) as s:
        yield s


@pytest.fixture
def writable_sample(sample_store_path, tmp_path):
    """A writable copy of the sample store."""
    from patnav.storage.store import PatentStore

    path = tmp_path / "sample.duckdb"
    shutil.copy(sample_store_path, path)
    with PatentStore.open(path) as s:
        yield s


@pytest.fixture(scope="session")
def plain_segmenter(tmp_path_factory):
    """jieba with its own dictionary only: fast to load, enough for behaviour tests."""
    from patnav.text.segmentation import Segmenter

    return Segmenter((), cache_dir=tmp_path_factory.mktemp("segmenter"))


@pytest.fixture(scope="session")
def mixed_store_path(tmp_path_factory, data_dir) -> Path:
    """Real Chinese exports (cn-excel: 232 documents with abstracts and main claims), the
    Lens pizza export (1,000 English titles) and the sample."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.duckdb"
    _import(
        path,
        [
            data_dir / "formats/cn-excel",
            data_dir / "formats/lens-csv/lens_pizza_1000.csv",
            SAMPLE,
        ],
    )
    return path


@pytest.fixture(scope="session")
def mixed_index_folder(mixed_store_path, plain_segmenter) -> Path:
    """The mixed store's side index, built once."""
    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    with (
        PatentStore.open(mixed_store_path, read_only=True) as s,
        SearchIndex(s, segmenter=plain_segmenter) as index,
    ):
        report = index.refresh()
        assert report.documents > 1200
    return Path(str(mixed_store_path) + ".search")


@pytest.fixture
def mixed(mixed_store_path, mixed_index_folder, plain_segmenter):
    """(store, index) of the mixed corpus, read-only store."""
    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    with (
        PatentStore.open(mixed_store_path, read_only=True) as s,
        SearchIndex(s, folder=mixed_index_folder, segmenter=plain_segmenter) as index,
    ):
        yield s, index
