"""Bounded YAML: alias bombs, recursive aliases, tags, depth, size and duplicate keys are
refused before anything walks the text; ordinary YAML reads as PyYAML's safe loader
reads it."""

from __future__ import annotations

import pytest
import yaml

from patnav.errors import UnsafeYamlError, YamlError
from patnav.yamlsafe import YamlLimits, compose_yaml, line_of, load_yaml, load_yaml_file


def alias_bomb(depth: int, *, fanout: int = 10) -> str:
    """The issue's attack: ``depth`` levels, each a list of ``fanout`` aliases of the one
    above — ``fanout ** depth`` values in a few hundred bytes."""
    lines = ["title: t", "type: micro"]
    lines.append("x0: &x0 [" + ",".join(['"q"'] * fanout) + "]")
    for level in range(1, depth):
        lines.append(
            f"x{level}: &x{level} [" + ",".join([f"*x{level - 1}"] * fanout) + "]"
        )
    return "\n".join(lines) + "\n"


def test_the_alias_bomb_of_the_issue_is_refused_at_the_first_alias_past_the_budget():
    text = alias_bomb(8)
    assert len(text.encode()) < 600  # the issue's 570-byte spec
    with pytest.raises(UnsafeYamlError) as caught:
        load_yaml(text, source="bomb.yaml")
    error = caught.value
    # 16 aliases are allowed: the 17th is the 7th alias on line 5 (x2's list)
    assert (error.line, error.column) == (5, 34)
    assert "aliases" in str(error) and "bomb.yaml, line 5" in str(error)
    assert "别名" in error.problem_zh


def test_few_aliases_and_merge_keys_read_as_pyyaml_reads_them():
    text = (
        "base: &base {country: CN, province: 山东省}\n"
        "taian:\n  <<: *base\n  city: 泰安市\n"
        "nodes: &n [a, b]\nagain: *n\n"
        "when: 2020-01-01\nflag: yes\nn: 0x1f\nplain: !!str 5\n"
    )
    assert load_yaml(text) == yaml.safe_load(text)


def test_aliases_cannot_multiply_within_the_budget():
    # 16 aliases of a 5,000-value list: within the alias budget, not the expansion's
    text = "big: &b [" + ",".join("1" * 5000) + "]\n"
    text += "copies: [" + ",".join(["*b"] * 16) + "]\n"
    with pytest.raises(UnsafeYamlError, match="values once its aliases are expanded"):
        load_yaml(text)
    assert load_yaml(text, limits=YamlLimits(max_nodes=100_000))["copies"][15][0] == 1


def test_a_value_cannot_contain_itself():
    with pytest.raises(UnsafeYamlError, match="contains it"):
        load_yaml("a: &a [1, *a]\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system [echo pwned]\n",
        "a: !!python/name:os.system\n",
        "a: !custom x\n",
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_tags_other_than_the_plain_core_ones_are_refused(text):
    with pytest.raises(YamlError, match="tag") as caught:
        load_yaml(text, source="t.yaml")
    assert caught.value.line == 1 and not isinstance(caught.value, UnsafeYamlError)


def test_deep_nesting_is_refused_before_recursion():
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(UnsafeYamlError, match="nested more than 40"):
        load_yaml(deep)
    assert load_yaml("[" * 40 + "]" * 40) is not None


def test_a_text_over_the_size_limit_is_refused_unread(tmp_path):
    text = "a: " + "x" * 2000 + "\n"
    with pytest.raises(UnsafeYamlError, match="larger than the limit of 1,024"):
        load_yaml(text, limits=YamlLimits(max_bytes=1024))
    path = tmp_path / "big.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(UnsafeYamlError, match="refused unread"):
        load_yaml_file(path, limits=YamlLimits(max_bytes=1024))
    assert load_yaml_file(path) == {"a": "x" * 2000}


def test_a_key_given_twice_is_refused_with_both_lines():
    with pytest.raises(YamlError, match="'title' appears twice") as caught:
        load_yaml("title: a\ntype: micro\ntitle: b\n", source="s.yaml")
    assert caught.value.line == 3 and "line 1" in str(caught.value)


def test_syntax_errors_carry_their_line_and_column():
    with pytest.raises(YamlError, match="not valid YAML") as caught:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.line is not None and caught.value.column is not None
    with pytest.raises(YamlError):
        load_yaml("a: 1\n---\nb: 2\n")  # one document only


def test_lines_of_paths_through_the_node_tree():
    root = compose_yaml("title: x\nscope:\n  - node: a\n    query: TI=a\n")
    assert line_of(root, ("scope", 0, "query")) == 4
    assert line_of(root, ("scope", 5)) == 2  # as deep as the path exists
    assert line_of(compose_yaml(""), ("a",)) is None
