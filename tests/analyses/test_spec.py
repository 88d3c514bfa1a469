"""Navigation specs: the shipped examples load; mistakes are named with their place."""

from __future__ import annotations

from pathlib import Path

import pytest

from patnav.analyses.spec import SpecError, load_spec, node_query, parse_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize("name", ["taian-industry.yaml", "drones-industry.yaml"])
def test_shipped_specs_are_valid(name):
    spec = load_spec(SPECS / name)
    assert spec.type == "industry" and spec.nodes
    assert all(node.name for node in spec.walk())
    # a node without a query stands for its children
    for node in spec.walk():
        assert node_query(node), node.label


def test_taian_spec_structure():
    spec = load_spec(SPECS / "taian-industry.yaml")
    assert spec.region is not None and spec.region.city == "泰安市"
    assert spec.count_by == "application" and spec.compare == ("national",)
    assert [n.name for n in spec.nodes][:2] == ["输变电装备", "医疗健康"]
    assert spec.walk()[1].path == ("输变电装备", "开关设备")
    assert (spec.period.start, spec.period.end, spec.period.by) == (
        1985,
        2015,
        "application_date",
    )


BASE = """
title: 测试导航
type: industry
region: {province: 湖北省}
scope:
  - node: 光通信
    query: TIAB=(光纤 OR 光模块)
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE.replace("type: industry", "type: industrial"), "type"),
        (BASE.replace("region: {province: 湖北省}\n", ""), "needs a home region"),
        (BASE + "count_by: patents\n", "count_by"),
        (BASE + "colour: red\n", "colour"),
        (BASE.replace("TIAB=(光纤 OR 光模块)", "TX=(光纤)"), "node '光通信'"),
        (BASE + "  - node: 光通信\n    query: TI=光\n", "distinct names"),
        ("title: x\ntype: enterprise\n", "entities"),
        ("- just a list", "YAML mapping"),
        ("title: [unclosed", "not valid YAML"),
        (BASE.replace("scope:", "period: {from: 1700}\nscope:"), "period.from"),
    ],
)
def test_invalid_specs_say_where_and_what(text, message):
    with pytest.raises(SpecError, match=message):
        parse_spec(text, source="test.yaml")


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError, match="Cannot read"):
        load_spec(tmp_path / "none.yaml")


def test_a_misspelt_key_is_refused_with_its_line_and_the_key_meant():
    text = BASE.replace("title:", "titel:").replace("    query:", "    qurey:")
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="typo.yaml")
    message = str(caught.value)
    # BASE starts with an empty line: the title is on line 2
    assert "line 2: unknown key 'titel': did you mean 'title'?" in message
    assert "line 7: unknown key 'qurey' in scope[0]: did you mean 'query'?" in message
    far = BASE + "colour: red\n"
    with pytest.raises(SpecError, match="line 8: unknown key 'colour': the keys here"):
        parse_spec(far, source="far.yaml")


def test_an_alias_bomb_spec_is_refused_before_validation():
    from tests.test_yamlsafe import alias_bomb

    with pytest.raises(SpecError, match=r"bomb.yaml, line 5: more than 16 aliases"):
        parse_spec(alias_bomb(8), source="bomb.yaml")
