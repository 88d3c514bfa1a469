"""A small store of real CNIPA records (formats/cn-excel/cnipa_export_199.xlsx), copied
fresh for every test that writes tags."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

EXPORT = "formats/cn-excel/cnipa_export_199.xlsx"
NUMBER = "公开（公告）号"
TITLE = "名称"


@pytest.fixture(scope="session")
def export(data_dir) -> pd.DataFrame:
    """The export's rows, read with pandas (independently of patnav's reader)."""
    return pd.read_excel(data_dir / EXPORT, dtype=str)


@pytest.fixture(scope="session")
def export_store_path(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("tags") / "export.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(s, [data_dir / EXPORT], raise_unexpected=True)
        assert report.ok, report.to_dict()
    return path


@pytest.fixture
def tag_store(export_store_path, tmp_path):
    """A writable copy of the export's store."""
    from patnav.storage.store import PatentStore

    path = tmp_path / "tags.duckdb"
    shutil.copy(export_store_path, path)
    with PatentStore.open(path) as s:
        yield s
