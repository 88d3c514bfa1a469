"""Scopes over the demo corpus: one per source file, so expectations come from that file."""

from __future__ import annotations

import pytest

from patnav.analyses.base import Scope


def file_scope(pattern: str, label: str) -> Scope:
    return Scope.of_sql(
        "SELECT doc_id FROM provenance WHERE file LIKE $pattern",
        {"pattern": pattern},
        label=label,
    )


@pytest.fixture
def taian():
    return file_scope("%taian_patents.xlsx", "泰安")


@pytest.fixture
def cnipa():
    return file_scope("%cnipa_export_199.xlsx", "CNIPA export")


@pytest.fixture
def lens():
    return file_scope("%lens_drones_5884.csv", "Lens drones")


@pytest.fixture(scope="session")
def drones_full_path(tmp_path_factory, data_dir):
    """The Lens and Derwent drone exports in one enriched store (built once per run)."""
    import os

    from tests.reports.conftest import _build_store, once

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    shared = root / "reports-shared"
    shared.mkdir(exist_ok=True)
    return once(
        shared,
        "drones-lens-derwent.duckdb",
        lambda p: _build_store(
            p,
            data_dir,
            [(["formats/lens-csv/lens_drones_5884.csv", "formats/derwent"], None)],
        ),
    )


@pytest.fixture
def drones_full(drones_full_path):
    """The Lens and Derwent drone store, read-only."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(drones_full_path, read_only=True) as s:
        yield s
