"""Tag schemes, tag import, TAG= search, manual and bulk tags, reviews."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.errors import InputError, NotFoundError, QuerySyntaxError
from patnav.search.compile import compile_query
from patnav.search.query import parse, to_text
from patnav.tags import (
    add_tags,
    get_scheme,
    import_tags,
    list_tags,
    remove_tags,
    review_tags,
    save_scheme,
)
from tests.tags.conftest import NUMBER, TITLE

NODES = ["桥梁", "装置", "方法"]


def _found(store, query: str) -> set[str]:
    compiled = compile_query(query)
    return {
        r[0]
        for r in store.rows(
            f"SELECT pub_number FROM patents WHERE doc_id IN ({compiled.sql})",
            compiled.params,
        )
    }


def _tag_file(export: pd.DataFrame, path) -> pd.DataFrame:
    """A tag file built from the export: titles with 桥梁 → 桥梁, with 装置 → 装置 (a
    document may take both), plus an unknown number and a node the scheme lacks."""
    rows = []
    for number, title in zip(export[NUMBER], export[TITLE], strict=True):
        for word in ("桥梁", "装置"):
            if word in title:
                rows.append({"pub_number": number, "tag": word, "analyst": "张三"})
    rows.append({"pub_number": "CN999999999A", "tag": "桥梁", "analyst": "张三"})
    rows.append({"pub_number": export[NUMBER].iloc[0], "tag": "不存在", "analyst": ""})
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return frame


def test_import_then_tag_search_returns_exactly_the_imported_documents(
    tag_store, export, tmp_path
):
    save_scheme(tag_store, "道路标引", NODES, project="测试")
    path = tmp_path / "标引.csv"
    frame = _tag_file(export, path)
    result = import_tags(tag_store, path, "道路标引", analyst="李四")

    known = set(export[NUMBER])
    good = frame[frame.pub_number.isin(known) & frame.tag.isin(NODES)]
    assert result.added == len(good) and result.unchanged == 0
    for node in ("桥梁", "装置"):
        expected = set(good.pub_number[good.tag == node])
        assert expected  # the export has titles with both words
        assert _found(tag_store, f"TAG=道路标引:{node}") == expected
        assert _found(tag_store, f"TAG={node}") == expected
        assert _found(tag_store, f"标引＝道路标引：{node}") == expected
    both = set(good.pub_number[good.tag == "桥梁"]) & set(
        good.pub_number[good.tag == "装置"]
    )
    assert _found(tag_store, "TAG=桥梁 AND TAG=装置") == both
    assert _found(tag_store, "NOT TAG=道路标引:桥梁") == known - set(
        good.pub_number[good.tag == "桥梁"]
    )
    assert _found(tag_store, "TAG=其他方案:桥梁") == set()

    # the two bad rows are quarantined with their reasons, the rest imported
    reasons = {q.row_number: q.reason for q in result.quarantined}
    assert len(reasons) == 2
    assert "CN999999999A" in reasons[len(frame)]  # header is row 1
    assert "不存在" in reasons[len(frame) + 1]
    stored = tag_store.rows(
        "SELECT row_number, reason FROM quarantine WHERE import_id = ?",
        [result.import_id],
    )
    assert dict(stored) == reasons
    # the analyst column wins; imports are recorded as such
    sources = tag_store.rows("SELECT DISTINCT analyst, source FROM tags")
    assert sources == [("张三", "import")]

    again = import_tags(tag_store, path, "道路标引", analyst="李四")
    assert again.added == 0 and again.unchanged == len(good)
    assert tag_store.scalar("SELECT count(*) FROM quarantine") == 2


def test_an_xlsx_tag_file_with_chinese_headers_imports(tag_store, export, tmp_path):
    save_scheme(tag_store, "s", NODES)
    numbers = list(export[NUMBER].iloc[:5])
    path = tmp_path / "标引.xlsx"
    pd.DataFrame(
        {"公开（公告）号": numbers, "标引": ["方法"] * 5, "技术功效": ["降低成本"] * 5}
    ).to_excel(path, index=False)
    result = import_tags(tag_store, path, "s", analyst="王五")
    assert result.added == 5 and not result.quarantined
    assert _found(tag_store, "TAG=s:方法") == set(numbers)
    assert {r["effect"] for r in list_tags(tag_store, "s").rows} == {"降低成本"}


def test_a_tag_file_without_the_columns_is_refused(tag_store, tmp_path):
    save_scheme(tag_store, "s", NODES)
    path = tmp_path / "x.csv"
    path.write_text("号码,类别\nCN1,a\n", encoding="utf-8")
    with pytest.raises(InputError, match="pub_number and tag"):
        import_tags(tag_store, path, "s", analyst="a")


def test_manual_and_bulk_tags_from_a_query_then_removed(tag_store, export):
    save_scheme(tag_store, "s", NODES)
    first = export[NUMBER].iloc[0]
    change = add_tags(tag_store, "s", "方法", analyst="a", numbers=[first])
    assert change.added == 1
    assert add_tags(tag_store, "s", "方法", analyst="a", numbers=[first]).unchanged == 1
    bulk = add_tags(tag_store, "s", "装置", analyst="a", query="TI=装置")
    expected = {
        n for n, t in zip(export[NUMBER], export[TITLE], strict=True) if "装置" in t
    }
    assert bulk.added == len(expected)
    assert _found(tag_store, "TAG=s:装置") == expected
    rows = list_tags(tag_store, "s", node="方法").rows
    assert [(r["pub_number"], r["source"]) for r in rows] == [(first, "manual")]

    removed = remove_tags(tag_store, "s", node="装置", query="TI=装置")
    assert removed.removed == len(expected)
    assert _found(tag_store, "TAG=s:装置") == set()
    with pytest.raises(InputError, match="CN999999999A"):
        add_tags(tag_store, "s", "方法", analyst="a", numbers=["CN999999999A"])
    with pytest.raises(InputError, match="没有节点"):
        add_tags(tag_store, "s", "方", analyst="a", numbers=[first])


def test_reviews_are_by_a_second_analyst_and_listed(tag_store, export):
    save_scheme(tag_store, "s", NODES)
    numbers = list(export[NUMBER].iloc[:2])
    add_tags(tag_store, "s", "方法", analyst="a", numbers=numbers)
    with pytest.raises(InputError, match="另一位"):
        review_tags(
            tag_store,
            "s",
            numbers=numbers,
            node="方法",
            reviewer="a",
            verdict="confirm",
        )
    review_tags(
        tag_store,
        "s",
        numbers=numbers[:1],
        node="方法",
        reviewer="b",
        verdict="confirm",
    )
    review_tags(
        tag_store,
        "s",
        numbers=numbers[1:],
        node="方法",
        reviewer="b",
        verdict="dispute",
    )
    by_number = {r["pub_number"]: r for r in list_tags(tag_store, "s").rows}
    assert by_number[numbers[0]]["confirmed_by"] == ["b"]
    assert by_number[numbers[1]]["disputed_by"] == ["b"]
    # a later verdict of the same reviewer replaces the earlier one
    review_tags(
        tag_store,
        "s",
        numbers=numbers[1:],
        node="方法",
        reviewer="b",
        verdict="confirm",
    )
    again = {r["pub_number"]: r for r in list_tags(tag_store, "s").rows}
    assert again[numbers[1]]["confirmed_by"] == ["b"]
    assert not again[numbers[1]]["disputed_by"]


def test_a_node_with_tags_cannot_be_dropped_and_unknown_schemes_say_so(
    tag_store, export
):
    save_scheme(tag_store, "s", NODES)
    add_tags(tag_store, "s", "方法", analyst="a", numbers=[export[NUMBER].iloc[0]])
    with pytest.raises(InputError, match="方法"):
        save_scheme(tag_store, "s", ["桥梁"])
    assert get_scheme(tag_store, "s").nodes == tuple(NODES)
    assert save_scheme(tag_store, "s", [*NODES, "其他"]).nodes[-1] == "其他"
    with pytest.raises(NotFoundError, match="s"):
        get_scheme(tag_store, "无此方案")
    with pytest.raises(InputError, match="冒号"):
        save_scheme(tag_store, "a:b", NODES)


def test_tag_terms_parse_print_and_refuse_an_empty_node():
    for text in (
        "TAG=光模块",
        "TAG=方案:光模块",
        'TAG="方案:光 模块"',
        "NOT 标引=光模块",
    ):
        tree = parse(text)
        assert parse(to_text(tree)) == tree
    assert parse("TAG＝方案：光模块") == parse('TAG="方案:光模块"')
    for bad in ("TAG=方案:", 'TAG=":x"'):
        with pytest.raises(QuerySyntaxError):
            parse(bad)


def test_a_spec_node_can_be_a_tag_query(tag_store, export, tmp_path):
    from patnav.analyses.spec import load_spec, node_query

    save_scheme(tag_store, "s", NODES)
    numbers = set(export[NUMBER].iloc[:7])
    add_tags(tag_store, "s", "方法", analyst="a", numbers=sorted(numbers))
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "title: 标引导航\ntype: industry\nregion: {province: 山东省}\nscope:\n"
        "  - {node: 方法类, query: 'TAG=s:方法'}\n",
        encoding="utf-8",
    )
    node = load_spec(spec).walk()[0]
    query = node_query(node)
    assert query is not None
    assert _found(tag_store, query) == numbers
