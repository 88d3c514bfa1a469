"""Stores for the pre-valuation tests, built from the real exports in
``formats/cn-db-exports`` (read with pandas, imported, enriched on a fixed day):

* ``checks_store``: the first 600 rows of the PatSnap 中之信 export (multi-valued
  法律状态事件: 质押, 未缴年费, 权利转移 …; 当前申请专利权人) and Patentics 虚拟现实 rows in force
  and granted since 2018 (filing and grant dates, no legal events), enriched as of the
  Patentics export's day (2022-05-07);
* ``term_store``: Patentics utility models 有效 in the export but filed in 2015–2016,
  enriched as of 2026-12-01: their estimated term has ended without a record, so the
  store leaves their status unknown.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pandas as pd

from patnav.config import Settings
from patnav.enrich.run import enrich
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore
from tests.patsnap import head_store

PATENTICS = "formats/cn-db-exports/patentics_CN_TI-虚拟现实_20220507.csv"
EXPORT_DAY = date(2022, 5, 7)
LATER_DAY = date(2026, 12, 1)
STEPS = ["names", "party_types", "entities", "legal", "maintenance"]


def patentics(data_dir: Path) -> pd.DataFrame:
    """The Patentics 虚拟现实 export as text columns."""
    return pd.read_csv(data_dir / PATENTICS, dtype=str, index_col=False)


def granted_recent(frame: pd.DataFrame) -> pd.DataFrame:
    """Patentics rows 有效, granted, filed since 2018 (every annual fee falls under the
    2017 fee table): 20 utility models, 20 inventions."""
    granted = frame[
        (frame["法律状态"] == "有效")
        & frame["授权公告日"].notna()
        & (frame["申请日"] >= "20180101")
    ]
    utility = granted["公开号"].str.endswith("U")
    return pd.concat([granted[utility].head(20), granted[~utility].head(20)])


def term_ended(frame: pd.DataFrame) -> pd.DataFrame:
    """Patentics utility models 有效 in the export, filed 2015–2016."""
    return frame[
        (frame["法律状态"] == "有效")
        & frame["公开号"].str.endswith("U")
        & (frame["申请日"] >= "20150101")
        & (frame["申请日"] < "20161101")
    ].head(5)


def _enrich(path: Path, data_dir: Path, day: date) -> None:
    with PatentStore.open(path) as store:
        enrich(store, Settings(data_dir=data_dir), STEPS, today=day)


def checks_store(
    data_dir: Path, folder: Path
) -> tuple[pd.DataFrame, pd.DataFrame, Path]:
    """The PatSnap head, the Patentics rows, and the store holding both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        patsnap, path = head_store(data_dir, folder, 600)
    rows = granted_recent(patentics(data_dir))
    csv = folder / "patentics_granted.csv"
    rows.to_csv(csv, index=False)
    with PatentStore.open(path) as store:
        assert import_paths(store, [csv], raise_unexpected=True).ok
    _enrich(path, data_dir, EXPORT_DAY)
    return patsnap, rows, path


def term_store(data_dir: Path, folder: Path) -> tuple[pd.DataFrame, Path]:
    """The Patentics utility models whose estimated term has ended, and their store."""
    rows = term_ended(patentics(data_dir))
    csv = folder / "patentics_old.csv"
    rows.to_csv(csv, index=False)
    path = folder / "old.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [csv], raise_unexpected=True).ok
    _enrich(path, data_dir, LATER_DAY)
    return rows, path
