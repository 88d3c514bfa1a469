"""The real PatSnap export (``formats/cn-db-exports/patsnap_zhongzhixin_2020_2022.xlsx``:
13,086 CN patents with multi-valued 法律状态事件, 简单法律状态, 当前申请专利权人), its first
rows read with pandas and imported into a store — for tests that check what the store,
the search and the statistics say about events and owners against the raw file."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from patnav.storage.store import PatentStore

FILE = "formats/cn-db-exports/patsnap_zhongzhixin_2020_2022.xlsx"


def parts(value: object) -> list[str]:
    """A multi-valued PatSnap cell: parts split on '|'; '-' and empty are missing."""
    if pd.isna(value) or str(value).strip() in {"", "-"}:
        return []
    return [p.strip() for p in str(value).split("|") if p.strip()]


def head_store(data_dir: Path, folder: Path, rows: int) -> tuple[pd.DataFrame, Path]:
    """The first ``rows`` rows as a frame, and a store they were imported into (as CSV,
    the file's own columns)."""
    from patnav.ingest.pipeline import import_paths

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / FILE, dtype=str).head(rows)
    path = folder / "patsnap_head.csv"
    frame.to_csv(path, index=False)
    with PatentStore.open(folder / "s.duckdb") as store:
        assert import_paths(store, [path], raise_unexpected=True).ok
    return frame, folder / "s.duckdb"
