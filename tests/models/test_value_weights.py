"""Weights files: the shipped one is valid and documented; a wrong one is refused with a
message that says where and what to write."""

from __future__ import annotations

import copy

import pytest

from patnav.errors import WeightsError, YamlError
from patnav.models.value import INDICATORS, USES, load_weights, parse_weights
from patnav.models.value.weights import DEFAULT_WEIGHTS
from patnav.yamlsafe import load_yaml_file


def _shipped() -> dict:
    data = load_yaml_file(DEFAULT_WEIGHTS)
    assert isinstance(data, dict)
    return data


def test_the_shipped_weights_cover_every_use_and_indicator():
    weights = load_weights()
    assert set(weights.uses) == set(USES)
    for use in USES:
        assert set(weights.uses[use]) == {i.name for i in INDICATORS}, use
    cuts = [weights.cut_points[g] for g in "ABCD"]
    assert cuts == sorted(cuts, reverse=True)
    assert weights.grade(None) is None
    assert weights.grade(cuts[0]) == "A"
    assert weights.grade(cuts[3] - 0.01) == "E"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["uses"].update({"mortgage": d["uses"]["pledge"]}), "未知用途"),
        (
            lambda d: d["uses"]["pledge"]["weights"].update({"beauty": 3}),
            "uses.pledge.weights.beauty：未知指标",
        ),
        (
            lambda d: d["uses"]["licence"]["weights"].update({"licences": -1}),
            "权重应为非负数",
        ),
        (
            lambda d: d["uses"]["licence"]["weights"].update({"licences": "高"}),
            "权重应为非负数",
        ),
        (lambda d: d["grades"].update({"B": 80}), "严格递减"),
        (lambda d: d["grades"].pop("D"), "grades"),
        (lambda d: d["grades"].update({"A": 120}), "0–100"),
        (lambda d: d.pop("model"), "model"),
        (lambda d: d.update({"extra": 1}), "未知的键"),
        (
            lambda d: d["uses"]["equity"].update(
                {"weights": dict.fromkeys(d["uses"]["equity"]["weights"], 0)}
            ),
            "至少一个指标",
        ),
    ],
)
def test_a_wrong_weights_file_is_refused_with_where_and_what(change, message):
    data = copy.deepcopy(_shipped())
    change(data)
    with pytest.raises(WeightsError, match=message) as info:
        parse_weights(data, source="my.yaml")
    assert "my.yaml" in str(info.value)


def test_a_user_file_replaces_the_weights(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(
        "model: bank-v2\ngrades: {A: 80, B: 60, C: 40, D: 20}\n"
        "uses:\n  pledge:\n    weights: {legal_status: 2, claims_count: 1}\n",
        encoding="utf-8",
    )
    weights = load_weights(path)
    assert weights.model == "bank-v2"
    assert weights.uses == {"pledge": {"legal_status": 2.0, "claims_count": 1.0}}
    assert weights.labels == {"pledge": "质押融资"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [unclosed\n", encoding="utf-8")
    with pytest.raises(YamlError):
        load_weights(bad)


def test_the_docs_table_states_the_shipped_weights():
    """docs/value.md's indicator table: every indicator, its direction and its weight per
    use as the shipped file has them."""
    from pathlib import Path

    weights = load_weights()
    text = (Path(__file__).resolve().parents[2] / "docs" / "value.md").read_text(
        "utf-8"
    )
    rows = {
        line.split("|")[1].strip().strip("`"): [
            c.strip() for c in line.split("|")[1:-1]
        ]
        for line in text.splitlines()
        if line.startswith("| `")
    }
    for indicator in INDICATORS:
        cells = rows[indicator.name]
        assert cells[1] == indicator.label_zh
        assert cells[4].startswith(indicator.direction)
        stated = [float(c) for c in cells[5 : 5 + len(USES)]]
        assert stated == [weights.weight(u, indicator.name) for u in USES]
        assert (cells[-1] == "yes") == indicator.event_based
