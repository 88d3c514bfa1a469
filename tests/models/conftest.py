"""Stores of real Chinese database exports for the models' tests (value, pre-valuation,
capability): the Patentics augmented-reality export (4,483 CN documents, see
``tests/patentics.py``) imported and enriched once, its raw rows read with pandas (the
independent figures), and a made-up enterprise register of real applicant names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from patnav.storage.store import PatentStore
from tests import patentics
from tests.models.prevalue_data import checks_store

TOYOTA = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"
AR = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"


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


@pytest.fixture(scope="session")
def ar_store_path(patentics_path) -> Path:
    """The AR export imported and enriched (entities, places, party types, industries):
    the same store as ``patentics_path`` (built once per run, shared by the workers)."""
    return patentics_path


@pytest.fixture
def ar_store(ar_store_path):
    """The enriched AR store, read-only."""
    with PatentStore.open(ar_store_path, read_only=True) as store:
        yield store


@pytest.fixture
def ar_copy(ar_store_path, tmp_path):
    """A writable copy of the enriched AR store."""
    path = tmp_path / "ar.duckdb"
    shutil.copy(ar_store_path, path)
    with PatentStore.open(path) as store:
        yield store


@pytest.fixture(scope="session")
def ar_raw(data_dir) -> pd.DataFrame:
    """The AR export as pandas reads it, one row per document, no patnav code."""
    return pd.read_csv(data_dir / AR, encoding="utf-8-sig", dtype=str, index_col=False)


def applicant_rows(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """The raw rows naming ``name`` among their applicants (申请人, '|'-separated)."""
    names = raw["申请人"].fillna("").str.split("|")
    mask = names.map(lambda parts: name in [p.strip() for p in parts])
    return raw[mask]


# The made-up register (every figure invented, names real applicants of the AR export):
# the register fixture of the capability tests. NOT real enterprise data.
MADE_UP_REGISTER = (
    "企业名称,统一社会信用代码,所在地区,行业代码,从业人员,"
    "营业收入（万元）,研发投入（万元）,研发人员,备注\n"
    """歌尔科技有限公司,,山东省潍坊市,C39,5000,800000,48000,1200,虚构数据（测试用）
成都理想境界科技有限公司,,四川省成都市,C39,300,20000,3000,,虚构数据（测试用）
京东方科技集团股份有限公司,,北京市,,,,,,虚构数据（测试用）
"""
)


@pytest.fixture
def register_store(ar_copy, tmp_path):
    """The AR store with the made-up register imported and linked to applicants."""
    from patnav.enterprises.links import link_enterprises
    from patnav.enterprises.store import import_register

    path = tmp_path / "企业库_虚构.csv"
    path.write_text(MADE_UP_REGISTER, encoding="utf-8")
    import_register(ar_copy, path)
    link_enterprises(ar_copy)
    return ar_copy
