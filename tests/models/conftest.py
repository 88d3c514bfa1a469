"""The pre-valuation stores, built once per session (see ``prevalue_data``)."""

from __future__ import annotations

import pytest

from tests.models.prevalue_data import checks_store


@pytest.fixture(scope="session")
def prevalue_store(data_dir, tmp_path_factory):
    """(PatSnap head frame, Patentics rows, store path): read-only for the tests."""
    return checks_store(data_dir, tmp_path_factory.mktemp("prevalue"))
