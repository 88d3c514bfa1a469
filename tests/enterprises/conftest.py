"""Fixtures: the made-up enterprise lists (see fixtures/README.md: every enterprise in them
is fictitious) and a store of the real Tai'an corpus to link them to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from patnav.storage.store import PatentStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
XIAOJUREN = FIXTURES / "专精特新小巨人企业名单_虚构.xlsx"
GAOQI = FIXTURES / "高新技术企业认定名单_虚构.csv"
REGISTER = FIXTURES / "企业库_虚构.xlsx"
GROUPS = FIXTURES / "企业集团_虚构.csv"
TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"


@pytest.fixture(scope="session")
def taian_store_path(tmp_path_factory, data_dir):
    """A store holding the real Tai'an corpus (7,384 applications), built once."""
    from patnav.ingest.pipeline import import_paths

    path = tmp_path_factory.mktemp("enterprises") / "taian.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(s, [data_dir / TAIAN], raise_unexpected=True)
        assert report.ok, report.to_dict()
    return path


@pytest.fixture
def taian(taian_store_path, tmp_path):
    """A writable copy of the Tai'an store."""
    path = tmp_path / "taian.duckdb"
    shutil.copy(taian_store_path, path)
    with PatentStore.open(path) as s:
        yield s


@pytest.fixture
def taian_raw(data_dir):
    """The Tai'an spreadsheet as pandas reads it (the independent count)."""
    import pandas as pd

    return pd.read_excel(data_dir / TAIAN, dtype=str)
