"""The breakdown tree as the editor holds it: the shipped specs round-trip through rows,
edits keep the tree whole, problems are placed at their node, versions diff by node."""

from __future__ import annotations

from pathlib import Path

import pytest

from patnav.analyses.spec import load_spec, node_query, parse_spec
from patnav.analyses.spec_tree import (
    TreeRow,
    apply_edit,
    diff_trees,
    node_problems,
    paths_of,
    rows_from_json,
    rows_of,
    with_scope,
)
from patnav.errors import InputError

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize("name", ["drones-industry.yaml", "taian-industry.yaml"])
def test_a_shipped_spec_round_trips_through_the_rows(name):
    path = SPECS / name
    text = path.read_text("utf-8")
    spec = load_spec(path)
    rows = rows_of(spec)
    again = parse_spec(with_scope(text, rows))
    assert [n.path for n in again.walk()] == [n.path for n in spec.walk()]
    assert [node_query(n) for n in again.walk()] == [node_query(n) for n in spec.walk()]
    assert [n.note for n in again.walk()] == [n.note for n in spec.walk()]
    assert again.raw | {"scope": None} == spec.raw | {"scope": None}
    # every line outside the scope block (comments included) is kept
    outside = [line for line in text.splitlines() if line.startswith("#")]
    rewritten = with_scope(text, rows)
    assert all(line in rewritten.splitlines() for line in outside)


TREE = [
    TreeRow(0, "A", keywords="甲"),
    TreeRow(1, "A1", ipc="H01M"),
    TreeRow(2, "A1a", keywords="乙"),
    TreeRow(1, "A2", keywords="丙"),
    TreeRow(0, "B", keywords="丁"),
]


def names(rows):
    return [("  " * r.depth) + r.name for r in rows]


def test_edits_move_whole_subtrees_and_keep_the_tree_well_formed():
    rows, at = apply_edit(TREE, "add_child", 0)
    assert names(rows)[:5] == ["A", "  A1", "    A1a", "  A2", "  新分支"] and at == 4
    rows, at = apply_edit(rows, "add_sibling", 4)
    assert rows[5].name == "新分支2" and rows[5].depth == 1
    rows, _ = apply_edit(TREE, "down", 1)  # A1 with its child below A2
    assert names(rows) == ["A", "  A2", "  A1", "    A1a", "B"]
    rows, _ = apply_edit(rows, "up", 2)
    assert names(rows) == names(TREE)
    rows, _ = apply_edit(TREE, "up", 0)  # nothing above: unchanged
    assert rows == TREE
    rows, _ = apply_edit(TREE, "indent", 3)  # A2 under A1
    assert names(rows) == ["A", "  A1", "    A1a", "    A2", "B"]
    rows, at = apply_edit(TREE, "outdent", 1)  # A1 after A, A2 stays A's child
    assert names(rows) == ["A", "  A2", "A1", "  A1a", "B"] and at == 2
    rows, _ = apply_edit(TREE, "delete", 0)
    assert names(rows) == ["B"]
    with pytest.raises(InputError):
        apply_edit(TREE, "explode", 0)
    with pytest.raises(InputError):
        apply_edit(TREE, "delete", 9)


def test_posted_rows_cannot_skip_a_level():
    rows = rows_from_json(
        [
            {"depth": 3, "name": "a"},
            {"depth": 5, "name": "b"},
            {"depth": 1, "name": "c"},
        ]
    )
    assert [r.depth for r in rows] == [0, 1, 1]
    with pytest.raises(InputError):
        rows_from_json({"depth": 0})


def test_a_posted_origin_is_a_short_list_of_names_or_none():
    """A node's origin path as posted: anything but a list of 1 to MAX_DEPTH non-empty
    names of at most 200 characters is no origin (its records then stay where they
    are)."""
    from patnav.analyses.spec_tree import MAX_DEPTH

    bad = [
        "道路",
        {"a": 1},
        [],
        [""],
        [1, 2],
        ["x" * 201],
        ["a"] * (MAX_DEPTH + 1),
        None,
    ]
    rows = rows_from_json([{"depth": 0, "name": "n", "origin": o} for o in bad])
    assert [r.origin for r in rows] == [()] * len(bad)
    kept = rows_from_json([{"depth": 0, "name": "n", "origin": ["道路", "桥梁"]}])
    assert kept[0].origin == ("道路", "桥梁")


def test_problems_are_placed_at_their_node():
    rows = [
        TreeRow(0, "A", keywords="甲"),
        TreeRow(1, "", keywords="乙"),
        TreeRow(1, "X", ipc="H01M; X99"),
        TreeRow(1, "X", query="TIAB=(光纤"),
        TreeRow(0, "X", keywords="丁"),  # same name, other parent: fine
    ]
    found = {(p.index, p.field): p for p in node_problems(rows)}
    assert set(found) == {(1, "name"), (2, "ipc"), (3, "name"), (3, "query")}
    assert found[2, "ipc"].path == ("A", "X") and "X99" in found[2, "ipc"].message_zh
    assert "第 2 个节点" in found[1, "name"].message_zh
    assert "同级已有" in found[3, "name"].message_zh
    assert "检索式有误" in found[3, "query"].message_zh
    assert found[3, "query"].message.startswith("Query:")
    assert paths_of(rows)[3] == ("A", "X")


def test_versions_diff_node_by_node():
    base = "title: t\ntype: rnd\ncount_by: document\n"
    before = parse_spec(with_scope(base, TREE))
    changed = [
        TreeRow(0, "A", keywords="甲; 戊"),
        TreeRow(1, "A1", ipc="H01M"),
        TreeRow(2, "A1a", keywords="乙"),
        TreeRow(0, "C", keywords="丁"),
    ]
    after = parse_spec(with_scope(base, changed))
    diff = {(c.label, c.kind): c for c in diff_trees(before, after)}
    assert set(diff) == {
        ("A", "changed"),
        ("C", "added"),
        ("A / A2", "removed"),
        ("B", "removed"),
    }
    fields = {f for f, _, _ in diff["A", "changed"].fields}
    assert fields == {"keywords", "query"}
