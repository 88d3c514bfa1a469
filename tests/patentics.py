"""A real file with a legal-status field, read with pandas, and a store made from it.

The Patentics export of Chinese augmented-reality patents (``formats/cn-db-exports/
patentics_CN_TI-增强现实_20220530.csv``: 4,483 CN documents filed 2005–2022, one row per
application, status 有效 / 无效 / 驳回 / 撤回 / 公开 / 其他) is the one real file here whose
status field the generic CSV reader takes today. The frame below is computed from the raw
file only — no patnav code — so tests can check what the store, the analyses, the search
and the reports say about status against it.

What each status word means is the vocabulary's spec, written out here: 有效 in force, 无效
no longer in force (Patentics's counterpart of 有效), 驳回 rejected, 撤回 withdrawn, 公开
published and pending, 其他 not a status. A right is granted when the file gives its grant
date (授权公告日), when it is a utility model (U/Y, published only once granted), or when
its status is 有效. A granted right whose statutory term (20 years from filing for an
invention, 10 for a utility model) ended before ``today``, and that has no other evidence
than an undated 有效 (or nothing), is "term ended (estimated)" — not a known status.
"""

from __future__ import annotations

import fcntl
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

FILE = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"
TODAY = date(2026, 1, 1)
STATUS = {
    "有效": "active",
    "无效": "lapsed",
    "驳回": "rejected",
    "撤回": "withdrawn",
    "公开": "pending",
}
KNOWN_RANK = ("active", "pending", "lapsed", "rejected", "withdrawn")


def read(data_dir: Path, today: date = TODAY) -> pd.DataFrame:
    """One row per document: number, title, filing year, type, raw and evidence status,
    and ``unit_status`` — the status a report must show for it on ``today``."""
    raw = pd.read_csv(data_dir / FILE, encoding="utf-8-sig", dtype=str, index_col=False)
    frame = pd.DataFrame(
        {
            "pub": raw["公开号"],
            "app": raw["申请号"],
            "title": raw["标题"],
            "applicant": raw["申请人"],
            "raw_status": raw["法律状态"],
        }
    )
    filed = pd.to_datetime(raw["申请日"], format="%Y%m%d")
    frame["filed"] = filed.dt.date
    frame["year"] = filed.dt.year
    frame["kind"] = raw["公开号"].str.extract(r"([A-Z])\d?$", expand=False)
    frame["ptype"] = frame["kind"].map(
        {"A": "invention", "B": "invention", "U": "utility_model", "Y": "utility_model"}
    )
    frame["status"] = frame["raw_status"].map(STATUS)  # 其他 → NaN: no status
    granted = (
        raw["授权公告日"].notna()
        | frame["kind"].isin(["U", "Y"])
        | (frame["status"] == "active")
    )
    years = frame["ptype"].map({"invention": 20, "utility_model": 10})
    expiry = [
        (f + pd.DateOffset(years=int(y)) - pd.Timedelta(days=1)).date()  # day before
        for f, y in zip(filed, years, strict=True)
    ]
    frame["expiry"] = [e if g else None for e, g in zip(expiry, granted, strict=True)]
    ended = granted & pd.Series([e < today for e in expiry], index=frame.index)
    alive = frame["status"].isna() | frame["status"].isin(["active", "pending"])
    frame["unit_status"] = (
        frame["status"].where(~(ended & alive), "term_ended").fillna("unknown")
    )
    return frame


def shares(frame: pd.DataFrame) -> dict[str, tuple[int, float, float | None]]:
    """Per status: units, share of all, share of the known (None when not known)."""
    counts = frame["unit_status"].value_counts()
    total = int(counts.sum())
    known = int(counts.drop(["term_ended", "unknown"], errors="ignore").sum())
    out: dict[str, tuple[int, float, float | None]] = {}
    for status, n in counts.items():
        share_known = None if status in ("term_ended", "unknown") else n / known
        out[str(status)] = (int(n), n / total, share_known)
    return out


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    return root


def store_path(
    tmp_path_factory: pytest.TempPathFactory,
    data_dir: Path,
    extra: tuple[str, ...] = (),
    name: str = "patentics",
) -> Path:
    """A store holding the file (and ``extra`` inputs), enriched on ``TODAY``: built once
    per test run, shared by the xdist workers."""
    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    root = _shared_root(tmp_path_factory)
    target = root / f"{name}.duckdb"
    with (root / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if not target.exists():
                partial = root / f"{name}.partial.duckdb"
                with PatentStore.open(partial) as store:
                    report = import_paths(
                        store,
                        [data_dir / FILE, *(data_dir / p for p in extra)],
                        raise_unexpected=True,
                    )
                    assert report.ok, report.to_dict()
                    enrich(store, Settings(data_dir=data_dir), today=TODAY)
                partial.rename(target)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return target
