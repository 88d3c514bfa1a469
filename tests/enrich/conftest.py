"""Fixtures: the demo corpus enriched once, and writable copies of it."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from patnav.config import Settings
from patnav.enrich import enrich
from patnav.storage.store import PatentStore

TODAY = date(2026, 1, 1)


@pytest.fixture(scope="session")
def settings(data_dir):
    """Settings pointing at the real data."""
    return Settings(data_dir=data_dir)


@pytest.fixture(scope="session")
def enriched_run(loaded_store_path, tmp_path_factory, settings):
    """The demo corpus, enriched once: (store path, first report, second report)."""
    path = tmp_path_factory.mktemp("enriched") / "enriched.duckdb"
    shutil.copy(loaded_store_path, path)
    with PatentStore.open(path) as store:
        first = enrich(store, settings, today=TODAY)
        second = enrich(store, settings, today=TODAY)
    return path, first, second


@pytest.fixture
def enriched(enriched_run):
    """The enriched demo corpus, read-only."""
    with PatentStore.open(enriched_run[0], read_only=True) as store:
        yield store


@pytest.fixture
def enriched_copy(enriched_run, tmp_path):
    """A writable copy of the enriched demo corpus."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(enriched_run[0], path)
    with PatentStore.open(path) as store:
        yield store
