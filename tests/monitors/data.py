"""Stores for the monitor tests, built from the real exports in
``formats/cn-db-exports`` (read with pandas, written as CSV parts, imported one after
the other — the 'new data arrives' case):

* Patentics 虚拟现实 (2022-05-07) then 增强现实 (2022-05-30): the 172 documents in both
  exports, plus others of each; 67 of the shared documents changed status between
  the two exports (公开 → 有效, 公开 → 其他);
* PatSnap 中之信: its first 600 rows split in two parts of 300 (multi-valued
  法律状态事件: 未缴年费, 质押, 权利转移 …, undated).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from tests.patsnap import FILE as PATSNAP

VR = "formats/cn-db-exports/patentics_CN_TI-虚拟现实_20220507.csv"
AR = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"

STATUS = {
    "公开": "pending",
    "实质审查": "pending",
    "有效": "active",
    "失效": "lapsed",
    "撤回": "withdrawn",
    "驳回": "rejected",
    "无效": "invalidated",
}
"""The Patentics status words of these two files, by hand (其他 and anything else:
unknown)."""


def patentics_parts(data_dir: Path, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Part 1: the 虚拟现实 rows of documents in both exports and 800 others; part 2:
    the 增强现实 rows of the shared documents and 500 others. Written to
    ``folder/vr.csv`` and ``folder/ar.csv``."""
    vr = pd.read_csv(data_dir / VR, dtype=str, index_col=False)
    ar = pd.read_csv(data_dir / AR, dtype=str, index_col=False)
    shared = set(vr["公开号"]) & set(ar["公开号"])
    one = pd.concat(
        [vr[vr["公开号"].isin(shared)], vr[~vr["公开号"].isin(shared)].head(800)]
    )
    two = pd.concat(
        [ar[ar["公开号"].isin(shared)], ar[~ar["公开号"].isin(shared)].head(500)]
    )
    one.to_csv(folder / "vr.csv", index=False)
    two.to_csv(folder / "ar.csv", index=False)
    return one, two


def patsnap_parts(data_dir: Path, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The PatSnap export's rows 1–300 and 301–600, written to ``folder/ps1.csv`` and
    ``folder/ps2.csv``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / PATSNAP, dtype=str).head(600)
    one, two = frame.iloc[:300], frame.iloc[300:]
    one.to_csv(folder / "ps1.csv", index=False)
    two.to_csv(folder / "ps2.csv", index=False)
    return one, two
