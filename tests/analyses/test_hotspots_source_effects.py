"""The technology–effect matrix reads a database's own technical effects (incoPat 技术功效)
where the store holds them, and the abstract's phrases elsewhere: effect counts checked
against the raw incoPat cells read with pandas (the keyword grouping is the analysis's
documented rule, applied to the raw texts)."""

from __future__ import annotations

import re
import warnings
from collections import Counter

import pandas as pd

from patnav.analyses.hotspots import effect_categories, effects_of, hot_spots
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore

FILE = "formats/cn-db-exports/incopat_iflytek_3816.xlsx"


def _parts(value: object) -> list[str]:
    if pd.isna(value):
        return []
    return [p.strip() for p in re.split(r"[;；]", str(value)) if p.strip()]


def test_the_matrix_reads_the_sources_effects(tmp_path, data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / FILE, dtype=str)
    expected: Counter[str] = Counter()
    from_source = 0
    for phrase, level2, abstract in zip(
        frame["技术功效短语"], frame["技术功效2级"], frame["摘要 (中文)"], strict=True
    ):
        given = list(dict.fromkeys([*_parts(phrase), *_parts(level2)]))
        from_source += bool(given)
        text = "" if pd.isna(abstract) else str(abstract)
        expected.update(effect_categories(given or effects_of(text)))
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        assert import_paths(store, [data_dir / FILE], raise_unexpected=True).ok
        result = hot_spots(
            store, count_by="document", sample=len(frame), data_dir=data_dir
        )
    assert result.analysed_units == len(frame)
    assert result.effects_from_source == from_source > 2500
    assert {e.key: e.units for e in result.effects} == {
        k: n for k, n in expected.items() if n
    }
    assert "技术功效" in result.method
