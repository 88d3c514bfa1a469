"""Technology composition with every IPC symbol (basis 'all') against the Lens export."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from patnav.analyses.technology import LEVELS, technology_composition
from patnav.schema.codes import normalize_ipc


def _main_group(code: str) -> str:
    return code.split("/")[0] + "/00" if "/" in code else code


CUTS = {
    "section": lambda c: c[:1],
    "class": lambda c: c[:3],
    "subclass": lambda c: c[:4],
    "main_group": _main_group,
    "group": lambda c: c,
}


def test_every_level_counts_each_document_once_per_distinct_symbol(
    loaded_store, lens, data_dir
):
    frame = pd.read_csv(
        data_dir / "formats/lens-csv/lens_drones_5884.csv",
        dtype=str,
        encoding="mac_roman",
    )
    symbols = [
        {c for c in (normalize_ipc(s.strip()) for s in cell.split(";;")) if c}
        if isinstance(cell, str)
        else set()
        for cell in frame["IPCR Classifications"]
    ]
    tech = technology_composition(
        loaded_store, lens, count_by="document", basis="all", top=8
    )
    assert tech.classified == sum(1 for s in symbols if s)
    assert set(tech.levels) == set(LEVELS)
    for level, cut in CUTS.items():
        counts = Counter(code for s in symbols for code in {cut(c) for c in s})
        expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        assert [(c.code, c.units) for c in tech.levels[level]] == expected, level
    # matrix rows: every (subclass, year) cell counts a document once
    years = pd.to_datetime(frame["Application Date"]).dt.year.astype("Int64")
    for code, row in zip(tech.by_year.rows, tech.by_year.values, strict=True):
        column = dict(zip(tech.by_year.columns, row, strict=True))
        expected_row = Counter(
            str(y)
            for s, y in zip(symbols, years, strict=True)
            if not pd.isna(y) and code in {c[:4] for c in s}
        )
        assert column == {k: expected_row.get(k, 0) for k in tech.by_year.columns}
