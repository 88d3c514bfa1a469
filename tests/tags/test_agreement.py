"""Agreement between analysts: Cohen's kappa (two) and Fleiss' kappa (three or more)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from patnav.errors import InputError
from patnav.tags import add_tags, agreement, fleiss_kappa, review_tags, save_scheme
from tests.tags.conftest import NUMBER

ANALYST_1 = ["A", "A", "A", "B", "B", "C", "C", "A", "B", "C"]
ANALYST_2 = ["A", "A", "B", "B", "B", "C", "A", "A", "B", "C"]


def _tag(store, numbers, labels, analyst):
    for number, node in zip(numbers, labels, strict=True):
        add_tags(store, "s", node, analyst=analyst, numbers=[number])


def test_two_analysts_kappa_matches_a_hand_computed_example(tag_store, export):
    save_scheme(tag_store, "s", ["A", "B", "C"])
    numbers = list(export[NUMBER].iloc[:11])
    _tag(tag_store, numbers[:10], ANALYST_1, "甲")
    _tag(tag_store, numbers[:10], ANALYST_2, "乙")
    add_tags(
        tag_store, "s", "A", analyst="甲", numbers=[numbers[10]]
    )  # 乙 never saw it

    result = agreement(tag_store, "s")
    assert result.analysts == ("乙", "甲") and result.documents == 10
    assert result.method == "cohen" and result.overall_basis == "categorical"
    # by hand: observed 8/10; chance 0.4·0.4 + 0.3·0.4 + 0.3·0.2 = 0.34
    assert result.overall == pytest.approx((0.8 - 0.34) / (1 - 0.34))
    assert result.overall == pytest.approx(cohen_kappa_score(ANALYST_1, ANALYST_2))
    by_node = {n.node: n for n in result.nodes}
    # node A, yes/no: observed 8/10; chance 0.4·0.4 + 0.6·0.6 = 0.52
    assert by_node["A"].kappa == pytest.approx((0.8 - 0.52) / (1 - 0.52))
    for node in ("B", "C"):
        one = [x == node for x in ANALYST_1]
        two = [x == node for x in ANALYST_2]
        assert by_node[node].kappa == pytest.approx(cohen_kappa_score(one, two))
    assert by_node["A"].tagged == {"甲": 4, "乙": 4} and by_node["A"].both == 3


def test_reviews_are_counted_per_node(tag_store, export):
    save_scheme(tag_store, "s", ["A", "B", "C"])
    numbers = list(export[NUMBER].iloc[:10])
    _tag(tag_store, numbers, ANALYST_1, "甲")
    _tag(tag_store, numbers, ANALYST_2, "乙")
    review_tags(
        tag_store,
        "s",
        numbers=numbers[:2],
        node="A",
        analyst="甲",
        reviewer="乙",
        verdict="confirm",
    )
    review_tags(
        tag_store,
        "s",
        numbers=[numbers[6]],
        node="C",
        analyst="甲",
        reviewer="乙",
        verdict="dispute",
    )
    by_node = {n.node: n for n in agreement(tag_store, "s").nodes}
    assert (by_node["A"].confirmed, by_node["A"].disputed) == (2, 0)
    assert (by_node["C"].confirmed, by_node["C"].disputed) == (0, 1)


def test_fleiss_kappa_matches_the_published_example():
    # Fleiss (1971) as reproduced in the literature: 10 items, 14 raters, 5 categories
    table = np.array(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=1e-4)


def test_three_analysts_use_fleiss_kappa_and_pairs(tag_store, export):
    save_scheme(tag_store, "s", ["A", "B", "C"])
    numbers = list(export[NUMBER].iloc[:10])
    third = ["A", "B", "A", "B", "C", "C", "C", "A", "B", "B"]
    for labels, who in ((ANALYST_1, "甲"), (ANALYST_2, "乙"), (third, "丙")):
        _tag(tag_store, numbers, labels, who)
    result = agreement(tag_store, "s")
    assert result.method == "fleiss" and result.documents == 10
    counts = np.array(
        [
            [sum(r[i] == c for r in (ANALYST_1, ANALYST_2, third)) for c in "ABC"]
            for i in range(10)
        ]
    )
    assert result.overall == pytest.approx(fleiss_kappa(counts))
    pairs = {(a, b): k for a, b, k in result.pairs}
    assert pairs[("丙", "乙")] == pytest.approx(cohen_kappa_score(third, ANALYST_2))
    with pytest.raises(InputError, match="两位"):
        agreement(tag_store, "s", analysts=["甲"])
