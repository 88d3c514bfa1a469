"""Navigation specs: the shipped examples load; mistakes are named with their place."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from patnav.analyses.spec import load_spec, node_query, parse_spec
from patnav.errors import SpecError

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


# -- scope: a spec covers what it defines, never the whole store -------------------------


def test_shipped_specs_define_their_scope():
    taian = load_spec(SPECS / "taian-industry.yaml").scope()
    # no base query: the union of every node's query, children included (电力检测 G01R
    # is a child of 输变电装备 whose own query does not cover it)
    assert taian.basis == "nodes" and "IPCM=G01R" in taian.queries
    assert len(taian.queries) == len(
        {n.query for n in load_spec(SPECS / "taian-industry.yaml").walk() if n.query}
    )
    # compared only with the nation: limited to documents originating in China
    assert taian.national == "CN"
    drones = load_spec(SPECS / "drones-industry.yaml").scope()
    assert drones.basis == "base_query" and drones.national is None
    assert drones.query.startswith('(TIAB=("unmanned aerial"')


@pytest.mark.parametrize("kind", ["industry", "rnd", "talent", "micro", "fto"])
def test_a_spec_without_scope_is_refused_in_chinese_and_english(kind):
    text = f"title: 无范围\ntype: {kind}\nregion: {{province: 湖北省}}\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="none.yaml")
    message = str(caught.value)
    assert message.startswith("none.yaml: 导航方案没有定义分析范围")
    assert "base_query" in message and "scope" in message
    assert "would cover the whole store" in message


def test_enterprise_and_region_specs_fall_back_to_their_entities_and_region():
    enterprise = parse_spec(
        "title: 大疆\ntype: enterprise\nentities: [SZ DJI TECHNOLOGY CO LTD, PARROT%]\n",
        source="e.yaml",
    ).scope()
    assert enterprise.basis == "entities"
    assert enterprise.query == '(PA="SZ DJI TECHNOLOGY CO LTD") OR (PA=PARROT*)'
    region = parse_spec(
        "title: 泰安\ntype: region\nregion: {province: 山东省, city: 泰安市}\n",
        source="r.yaml",
    ).scope()
    assert region.basis == "region"
    assert region.query == 'PROV="山东省" AND CITY="泰安市"'
    # entities scope an enterprise navigation only
    with pytest.raises(SpecError, match="没有定义分析范围"):
        parse_spec("title: x\ntype: industry\nentities: [A]\n", source="x.yaml")


def test_a_country_compared_only_with_itself_is_refused():
    text = BASE.replace("{province: 湖北省}", "{country: CN}") + "compare: [national]\n"
    with pytest.raises(SpecError, match=r"compare: \[global\]"):
        parse_spec(text, source="cn.yaml")
    assert parse_spec(text.replace("[national]", "[global]"), source="cn.yaml")


def test_base_scope_is_the_union_of_node_queries_within_the_period(store):
    spec = parse_spec(
        BASE
        + "  - node: 激光\n    query: IPC=H01S\n    children:\n"
        + "      - {node: 光纤激光, query: 'IPC=H01S3/067'}\n"
        + "period: {from: 2010, to: 2015}\n",
        source="u.yaml",
    )
    assert (
        spec.scope().query == "(TIAB=(光纤 OR 光模块)) OR (IPC=H01S) OR (IPC=H01S3/067)"
    )
    scope = spec.base_scope(store)
    # it compiles and runs (an empty store: nothing), and is never "everything"
    where, params = scope.clause("p.doc_id")
    assert where != "TRUE"
    assert store.query(f"SELECT count(*) AS n FROM patents p WHERE {where}", params)[
        "n"
    ].to_pylist() == [0]
    micro = dataclasses.replace(spec, nodes=spec.nodes[:1], scope_nodes=spec.nodes)
    assert micro.scope().queries == spec.scope().queries


def test_a_materialised_scope_holds_the_same_documents_and_leaves_nothing(
    loaded_store,
):
    """Computed once, part by part, the scope is the scope; its tables are dropped."""
    from patnav.analyses.base import materialized

    spec = load_spec(SPECS / "taian-industry.yaml")

    def docs(scope):
        where, params = scope.clause("p.doc_id")
        return set(
            loaded_store.query(f"SELECT doc_id FROM patents p WHERE {where}", params)
            .column("doc_id")
            .to_pylist()
        )

    expected = docs(spec.base_scope(loaded_store))
    assert (
        0
        < len(expected)
        < loaded_store.query("SELECT count(*) AS n FROM patents").column("n")[0].as_py()
    )
    with materialized(loaded_store, *spec.scope_parts(loaded_store)) as scope:
        assert docs(scope) == expected
        node = spec.walk()[1]
        assert docs(spec.node_scope(node, loaded_store, base=scope)) == docs(
            spec.node_scope(node, loaded_store)
        )
    temp = (
        loaded_store.query(
            "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '\\_scope%' "
            "ESCAPE '\\'"
        )
        .column("n")[0]
        .as_py()
    )
    assert temp == 0
