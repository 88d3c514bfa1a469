"""Hot spots, effects and white spaces on the Tai'an corpus, and their rules."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from patnav.analyses.hotspots import (
    EffectMatrix,
    _matrix,
    effect_category,
    effects_of,
    hot_spots,
)


@pytest.fixture(scope="module")
def taian_hotspots(loaded_store_path, data_dir):
    from patnav.analyses.base import Scope
    from patnav.storage.store import PatentStore

    with PatentStore.open(loaded_store_path, read_only=True) as store:
        scope = Scope.of_sql(
            "SELECT doc_id FROM provenance WHERE file LIKE '%taian_patents.xlsx'",
            label="泰安",
        )
        yield hot_spots(store, scope, count_by="application", top=30, data_dir=data_dir)


def test_terms_are_counted_per_unit_and_technical(taian_hotspots, data_dir):
    result = taian_hotspots
    assert result.analysed_units == result.total_units == 7384
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    text = frame["专利名称"].fillna("") + " " + frame["摘要"].fillna("")
    for term in result.terms[:10]:
        # a segmented term occurs in at most as many units as its substring does
        assert 0 < term.units <= text.str.contains(term.term, regex=False).sum()
        assert term.lang == "zh"
    words = {t.term for t in result.terms}
    assert not words & {"组成", "特点", "可以", "因此", "所述", "本实用新型"}
    assert words & {"中药", "输送机", "变压器", "传感器", "医疗器械"}


def test_emerging_terms_grow_in_share(taian_hotspots):
    result = taian_hotspots
    assert result.recent_window and result.previous_window
    for term in result.emerging[:10]:
        assert term.recent >= 3
        assert term.recent > term.previous


def test_effects_and_the_matrix(taian_hotspots):
    result = taian_hotspots
    effects = {e.key: e for e in result.effects}
    assert effects["efficiency"].units > 100
    assert "提高工作效率" in effects["efficiency"].examples or "提高生产效率" in (
        effects["efficiency"].examples
    )
    m = result.matrix
    assert len(m.values) == len(m.rows) and all(
        len(r) == len(m.columns) for r in m.values
    )
    for w in result.white_spaces:
        assert w.observed <= 0.35 * w.expected and w.expected >= 3


@pytest.mark.parametrize(
    ("text", "phrase", "category"),
    [
        (
            "本实用新型结构简单，降低了生产成本，提高了工作效率。",
            "降低生产成本",
            "cost",
        ),
        (
            "本实用新型结构简单，降低了生产成本，提高了工作效率。",
            "提高工作效率",
            "efficiency",
        ),
        ("能够减轻护理人员的劳动强度。", "减轻护理人员", "usability"),
        (
            "The sensor improves accuracy and reduces power consumption.",
            "improves accuracy",
            "precision",
        ),
        (
            "The sensor improves accuracy and reduces power consumption.",
            "reduces power consumption",
            "energy",
        ),
    ],
)
def test_effect_phrases(text, phrase, category):
    phrases = effects_of(text)
    assert phrase in phrases
    assert effect_category(phrase) == category


def test_white_spaces_are_cells_emptier_than_their_margins():
    means = ["A"] * 40 + ["B"] * 40
    effects = [{"cost"}] * 20 + [{"safety"}] * 20 + [{"cost"}] * 38 + [{"safety"}] * 2
    matrix, white = _matrix(means, effects, {"A": "甲", "B": "乙"}, 5)
    assert isinstance(matrix, EffectMatrix)
    assert matrix.values == ((20, 20), (38, 2))
    assert [(w.means, w.effect, w.observed) for w in white] == [("B", "safety", 2)]
    assert white[0].expected == pytest.approx(40 * 22 / 80)


SPECS = Path(__file__).resolve().parents[2] / "specs"
DRAFTING = (
    "novelty",
    "advantage",
    "drawing",
    "shows",
    "description drawing",
    "drawing shows",
    "service",
    "non-transitory",
    "box",
    "laptop",
    "laptop computer",
    "digital assistant",
    "detailed description",
    "independent claim",
)


@pytest.fixture(scope="module")
def drones_hotspots(drones_full_path, data_dir):
    from patnav.analyses.spec import load_spec
    from patnav.storage.store import PatentStore

    spec = load_spec(SPECS / "drones-industry.yaml")
    with PatentStore.open(drones_full_path, read_only=True) as store:
        return hot_spots(
            store, spec.base_scope(store), count_by="family", data_dir=data_dir
        )


def _forms(result):
    terms = (*result.terms, *result.emerging)
    words = {t.term for t in terms} | {t.en for t in terms if t.en}
    words |= {w for topic in result.topics for w in topic.terms}
    return words


def test_patent_drafting_words_are_not_hot_spots(drones_hotspots):
    from patnav.analyses.hotspots import BOILERPLATE_EN

    words = _forms(drones_hotspots)
    assert not words & set(DRAFTING)
    for t in (*drones_hotspots.terms, *drones_hotspots.emerging):
        assert not set((t.en or "").split()) & BOILERPLATE_EN, t
    assert drones_hotspots.terms and drones_hotspots.emerging


def test_words_in_most_records_of_a_source_are_left_out(drones_hotspots, data_dir):
    # word document frequencies over the raw Derwent records (titles and abstracts)
    records = []
    for path in sorted((data_dir / "formats/derwent").glob("*.ciw")):
        text = path.read_text("utf-8", errors="replace")
        for record in text.split("\nER")[:-1]:
            body = []
            field = ""
            for line in record.splitlines():
                if line[:2].strip():
                    field = line[:2]
                if field in ("TI", "AB"):
                    body.append(line[3:])
            records.append(set(re.findall(r"[a-z][a-z\-]{2,}", " ".join(body).lower())))
    frequency = Counter(w for words in records for w in words)
    common = {w for w, n in frequency.items() if n / len(records) > 0.8}
    assert {"novelty", "drawing", "advantage"} <= common
    shown = _forms(drones_hotspots)
    assert not common & shown
    assert set(drones_hotspots.common) and drones_hotspots.max_share == 0.5
    for t in drones_hotspots.terms:
        assert t.share is None or t.share <= 0.5


def test_english_terms_are_named_in_chinese_where_a_glossary_can(drones_hotspots):
    result = drones_hotspots
    translated = [t for t in result.terms if t.en and t.zh]
    assert len(translated) >= 10
    for t in translated:
        assert t.term == t.zh and re.search(r"[\u4e00-\u9fff]", t.zh)
        assert t.label("zh") == f"{t.zh}（{t.en}）"
        assert t.label("en") == t.en
    for t in (*result.terms, *result.emerging):
        label = t.label("zh")
        assert label is None or re.match(r"[\u4e00-\u9fff]", label), t
    assert result.untranslated == sum(
        1
        for t in {t.term: t for t in (*result.terms, *result.emerging)}.values()
        if t.zh is None
    )


def test_white_spaces_read_without_class_notes(drones_hotspots):
    labels = [*drones_hotspots.matrix.row_labels]
    labels += [w.means_label for w in drones_hotspots.white_spaces]
    assert labels
    for label in labels:
        assert "优先" not in label and not re.search(
            r"[（(][^）)]*[A-H]\d{2}[A-Z]", label
        )


@pytest.mark.parametrize(
    ("pattern", "label"),
    [("%taian_patents.xlsx", "泰安"), ("%expand_train_1.json", "CCF")],
)
def test_chinese_corpora_keep_drafting_words_out(
    loaded_store_path, data_dir, pattern, label
):
    from patnav.analyses.base import Scope
    from patnav.analyses.hotspots import BOILERPLATE_ZH
    from patnav.storage.store import PatentStore

    with PatentStore.open(loaded_store_path, read_only=True) as store:
        scope = Scope.of_sql(
            "SELECT doc_id FROM provenance WHERE file LIKE $p",
            {"p": pattern},
            label=label,
        )
        result = hot_spots(
            store, scope, count_by="application", top=40, data_dir=data_dir
        )
    words = _forms(result)
    assert words and not words & BOILERPLATE_ZH
    assert not words & {
        "所述",
        "其特征在于",
        "装置",
        "方法",
        "附图",
        "示意图",
        "本发明",
    }
    for t in result.terms:
        assert t.share is not None and t.share <= 0.5


def test_hot_spots_take_the_word_lists_from_the_caller(store):
    """The analysis never reads settings itself: without ``data_dir`` (or the word lists)
    it says what it needs instead of segmenting with jieba's dictionary alone."""
    from patnav.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="data_dir"):
        hot_spots(store)
