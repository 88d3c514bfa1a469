"""Shared fixtures: the real-data directory, fresh stores, and the loaded sample corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = Path(
    os.environ.get("PATNAV_DATA_DIR", REPO.parent / "shared" / "data")
).resolve()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real-data directory (``PATNAV_DATA_DIR``, default ``../shared/data``)."""
    if not (DATA_DIR / "SOURCES.md").exists():
        pytest.fail(
            f"Real data not found at {DATA_DIR}. Set PATNAV_DATA_DIR to the shared data folder."
        )
    return DATA_DIR


@pytest.fixture
def store():
    """A fresh in-memory store."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(None) as s:
        yield s


DEMO_INPUTS = (
    "corpora/cn-taian-7384",
    "formats/cn-excel",
    "corpora/cn-ccf-bdci-4097",
    "formats/lens-csv/lens_drones_5884.csv",
)


@pytest.fixture(scope="session")
def loaded_store_path(tmp_path_factory, data_dir):
    """A store file holding the demo corpus: Tai'an, the Chinese exports, CCF, Lens drones."""
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("loaded") / "loaded.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(
            s, [data_dir / p for p in DEMO_INPUTS], raise_unexpected=True
        )
        assert report.ok, report.to_dict()
    return path


@pytest.fixture
def loaded_store(loaded_store_path):
    """The demo corpus, read-only."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(loaded_store_path, read_only=True) as s:
        yield s
