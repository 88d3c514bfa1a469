"""Cross-lingual search on real data: a Chinese query finds English-only documents (the
Lens drone export), an English query finds Chinese documents (CCF), counted against
pandas over the source files for the translations the search reports."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from patnav.search import search
from patnav.search.crosslingual import (
    cross_lingual_query,
    dictionary_for,
    english_forms,
    expand_tree,
)
from patnav.search.index import SearchIndex
from patnav.search.query import parse
from patnav.search.results import search_results

LENS = "formats/lens-csv/lens_drones_5884.csv"
CCF = "corpora/cn-ccf-bdci-4097/train.json"


@pytest.fixture(scope="module")
def dictionary(data_dir):
    return dictionary_for(data_dir)


def _store(tmp_path_factory, data_dir, name, source):
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(s, [data_dir / source], raise_unexpected=True)
        assert report.ok, report.to_dict()
    return path


@pytest.fixture(scope="module")
def lens_store(tmp_path_factory, data_dir):
    from patnav.storage.store import PatentStore

    path = _store(tmp_path_factory, data_dir, "lens", LENS)
    with PatentStore.open(path, read_only=True) as s:
        yield s


def _translations(result) -> dict[str, list[str]]:
    notes = [n for n in result.notes if getattr(n, "key", "") == "cross_lingual"]
    assert len(notes) == 1, result.notes
    return notes[0].values["translated"]


def _word_pattern(terms) -> re.Pattern[str]:
    """Whole words or phrases (words separated by spaces or punctuation), any case: the
    search's matching rule for Latin text, written independently."""
    alternatives = [
        r"[\W_]+".join(re.escape(w) for w in re.split(r"[\s\-]+", t) if w)
        for t in terms
    ]
    return re.compile(
        r"(?<![A-Za-z0-9])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9])",
        re.IGNORECASE,
    )


def test_a_chinese_term_finds_english_only_drone_patents(lens_store, data_dir):
    plain = search(lens_store, "TIAB=无人机", data_dir=data_dir, update_index=False)
    assert plain.total == 0  # the export has no Chinese text
    crossed = search(
        lens_store,
        "TIAB=无人机",
        data_dir=data_dir,
        cross_lingual=True,
        update_index=False,
    )
    translated = _translations(crossed)
    terms = translated["无人机"]
    assert {"drone", "uav", "unmanned aerial vehicle"} <= set(terms)
    forms = [f for t in terms for f in english_forms(t)]
    frame = pd.read_csv(data_dir / LENS, dtype=str)
    expected = int(frame["Title"].fillna("").str.contains(_word_pattern(forms)).sum())
    assert expected > 500
    assert crossed.total == expected
    assert "drones" in crossed.query and "無人機" not in crossed.query


def test_the_result_list_and_the_cli_take_the_option(lens_store, data_dir):
    listed = search_results(
        lens_store,
        "TI=无人机 AND TI=电池",
        group="document",
        cross_lingual=True,
        data_dir=data_dir,
        update_index=False,
        facets=(),
    )
    translated = _translations(listed)
    assert "电池" in translated and "battery" in translated["电池"]
    frame = pd.read_csv(data_dir / LENS, dtype=str)
    titles = frame["Title"].fillna("")
    drone = titles.str.contains(
        _word_pattern([f for t in translated["无人机"] for f in english_forms(t)])
    )
    battery = titles.str.contains(
        _word_pattern([f for t in translated["电池"] for f in english_forms(t)])
    )
    assert listed.total == int((drone & battery).sum()) > 3


def test_an_english_term_finds_chinese_patents(tmp_path_factory, data_dir):
    from patnav.storage.store import PatentStore

    path = _store(tmp_path_factory, data_dir, "ccf", CCF)
    with PatentStore.open(path, read_only=True) as store:
        plain = search(store, "TIAB=battery", data_dir=data_dir, update_index=False)
        crossed = search(
            store,
            "TIAB=battery",
            data_dir=data_dir,
            cross_lingual=True,
            update_index=False,
        )
    assert plain.total == 0
    zh = _translations(crossed)["battery"]
    assert "电池" in zh
    frame = pd.read_json(data_dir / CCF, lines=True)
    text = frame["title"].fillna("") + "\n" + frame["abstract"].fillna("")
    expected = int(text.map(lambda s: any(z in s for z in zh)).sum())
    assert expected > 10 and crossed.total == expected


def test_ranked_text_search_ranks_english_titles_for_a_chinese_query(
    lens_store, data_dir, tmp_path
):
    with SearchIndex(lens_store, data_dir=data_dir, folder=tmp_path / "idx") as index:
        index.refresh()
        plain = search(lens_store, "无人机", mode="text", index=index)
        crossed = search(
            lens_store,
            "无人机",
            mode="text",
            index=index,
            cross_lingual=True,
            data_dir=data_dir,
        )
    assert plain.total == 0
    forms = [f for t in _translations(crossed)["无人机"] for f in english_forms(t)]
    pattern = _word_pattern(forms)
    assert len(crossed.hits) == 20
    assert all(pattern.search(h.title or "") for h in crossed.hits)


def test_expansion_keeps_other_fields_and_says_what_it_could_not_translate(
    dictionary,
):
    _, crossed = expand_tree(
        parse('TIAB=螺旋桨 AND AD>=2015 AND PA=大疆 AND TI="无人机" AND 犇骉'),
        dictionary,
    )
    text = crossed.query
    assert "propeller" in text and "propellers" in text
    assert "PA=大疆" in text.replace(" ", "") and "2015" in text
    # a quoted phrase stays as typed; a term without a translation is said
    assert "drone" not in text
    assert crossed.untranslated == ("犇骉",)
    assert crossed.note().values["translated"]["螺旋桨"][0] == "propeller"
    # semantic search needs no translation; text search adds the translations
    assert cross_lingual_query("螺旋桨", "semantic", dictionary).query == "螺旋桨"
    assert "propellers" in cross_lingual_query("螺旋桨", "text", dictionary).query
    english = cross_lingual_query("battery", "text", dictionary).query
    assert "电池" in english and "电池s" not in english


def test_english_forms():
    assert english_forms("unmanned aerial vehicle") == [
        "unmanned aerial vehicle",
        "unmanned aerial vehicles",
    ]
    assert english_forms("battery") == ["battery", "batteries"]
    assert english_forms("propellers") == ["propeller", "propellers"]
    assert english_forms("box") == ["box", "boxes"]


def test_the_cli_option_searches_and_saves_the_translated_query(
    tmp_path_factory, data_dir, monkeypatch
):
    import shutil

    from click.testing import CliRunner

    from patnav.cli import cli

    source = _store(tmp_path_factory, data_dir, "cli", LENS)
    store = source.parent / "copy.duckdb"
    shutil.copy(source, store)
    monkeypatch.setenv("PATNAV_DATA_DIR", str(data_dir))

    def invoke(*args):
        result = CliRunner().invoke(cli, ["--store", str(store), *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    plain = invoke("search", "TI=螺旋桨", "--json", "--group", "document")
    crossed = invoke(
        "search", "TI=螺旋桨", "--cross-lingual", "--json", "--group", "document",
        "--save", "螺旋桨",
    )  # fmt: skip
    assert plain["total"] == 0
    frame = pd.read_csv(data_dir / LENS, dtype=str)
    forms = [f for t in ("propeller",) for f in english_forms(t)]
    expected = int(frame["Title"].fillna("").str.contains(_word_pattern(forms)).sum())
    assert crossed["total"] == expected > 10
    assert "propellers" in crossed["query"]
    assert crossed["saved"]["count"] == expected
    from patnav.search.saved import find_set
    from patnav.storage.store import PatentStore

    with PatentStore.open(store, read_only=True) as s:
        saved = find_set(s, "螺旋桨")
    assert saved is not None and "propellers" in saved.query


def test_zscore_fusions_computed_by_hand():
    import numpy as np

    from patnav.search.hybrid import zscore_fusion, zscore_rank_fusion

    bm25 = [("a", 9.0), ("b", 3.0), ("c", 0.0)]
    cosine = [("b", 0.9), ("c", 0.8), ("d", 0.7)]
    fused = dict(zscore_rank_fusion([bm25, cosine]))

    def z(values):
        v = np.array(values)
        return (v - v.mean()) / v.std()

    zb, zc = z([9.0, 3.0, 0.0]), z([0.9, 0.8, 0.7])
    # a document a list did not return counts as that list's lowest
    assert fused["a"] == pytest.approx((zb[0] + zc.min()) / 2)
    assert fused["b"] == pytest.approx((zb[1] + zc[0]) / 2)
    assert fused["d"] == pytest.approx((zb.min() + zc[2]) / 2)
    assert zscore_rank_fusion([bm25, cosine])[0][0] == "b"
    full = zscore_fusion([[9.0, 3.0, 0.0], [0.1, 0.9, 0.8]])
    assert full == pytest.approx((z([9.0, 3.0, 0.0]) + z([0.1, 0.9, 0.8])) / 2)


def test_without_the_data_directory_it_says_where_the_dictionary_comes_from(lens_store):
    from patnav.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="data_dir"):
        search(lens_store, "TIAB=无人机", cross_lingual=True, update_index=False)
