"""Stores of real Chinese database exports for the models' tests (value, pre-valuation)."""

from __future__ import annotations

import shutil

import pytest

from tests import patentics
from tests.models.prevalue_data import checks_store

TOYOTA = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"


@pytest.fixture(scope="session")
def patentics_path(tmp_path_factory, data_dir):
    """The Patentics augmented-reality export (4,483 CN documents), enriched."""
    return patentics.store_path(tmp_path_factory, data_dir)


@pytest.fixture(scope="session")
def mixed_path(tmp_path_factory, data_dir):
    """The Patentics export plus incoPat's Toyota export, which has no citation counts:
    its documents must score without citation indicators, never with zeros."""
    return patentics.store_path(
        tmp_path_factory, data_dir, extra=(TOYOTA,), name="patentics_toyota"
    )


@pytest.fixture(scope="session")
def scored_path(tmp_path_factory, mixed_path):
    """A copy of the mixed store with every use scored (``patnav value score``)."""
    from patnav.models.value import score_store
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("scored") / "scored.duckdb"
    shutil.copy(mixed_path, path)
    with PatentStore.open(path) as store:
        score_store(store, as_of=patentics.TODAY)
    return path


@pytest.fixture(scope="session")
def prevalue_store(data_dir, tmp_path_factory):
    """(PatSnap head frame, Patentics rows, store path): read-only for the tests."""
    return checks_store(data_dir, tmp_path_factory.mktemp("prevalue"))
