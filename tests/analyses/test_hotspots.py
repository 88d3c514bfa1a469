"""Hot spots, effects and white spaces on the Tai'an corpus, and their rules."""

from __future__ import annotations

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
def taian_hotspots(loaded_store_path):
    from patnav.analyses.base import Scope
    from patnav.storage.store import PatentStore

    with PatentStore.open(loaded_store_path, read_only=True) as store:
        scope = Scope.of_sql(
            "SELECT doc_id FROM provenance WHERE file LIKE '%taian_patents.xlsx'",
            label="泰安",
        )
        yield hot_spots(store, scope, count_by="application", top=30)


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
