"""The navigation depth presets (issue 19): the shipped YAML, a user's file over it, the
spec skeleton a preset writes for a demand, and ``patnav project presets``."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from patnav.analyses import ANALYSES
from patnav.analyses.spec import parse_spec
from patnav.errors import InvalidParameterError
from patnav.projects.presets import (
    EXTRA_ANALYSES,
    INPUTS,
    load_presets,
    spec_skeleton,
    split_words,
)


def test_the_four_depths_ship_with_type_analyses_inputs_and_duration():
    presets = load_presets()
    assert [(p.id, p.name) for p in presets.values()] == [
        ("micro", "微导航"),
        ("quick", "快速导航"),
        ("strategic", "战略导航"),
        ("fto", "侵权分析导航"),
    ]
    assert {p.id: p.report_type for p in presets.values()} == {
        "micro": "micro",
        "quick": "rnd",
        "strategic": "industry",
        "fto": "fto",
    }
    for preset in presets.values():
        assert set(preset.analyses) <= set(ANALYSES) | set(EXTRA_ANALYSES)
        assert set(preset.inputs) <= set(INPUTS)
        assert preset.required and not set(preset.required) & set(preset.optional)
        low, high = preset.duration_days
        assert 0 < low <= high
    assert {"product", "features", "countries"} <= set(presets["fto"].required)
    assert "breakdown" in presets["strategic"].required
    # deeper means longer
    days = [presets[k].duration_days[1] for k in ("micro", "quick", "strategic")]
    assert days == sorted(days)


def test_a_users_file_replaces_the_presets_it_names(tmp_path):
    shipped = load_presets()
    path = tmp_path / "ours.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "quick": {
                    "name": "快速导航",
                    "report_type": "industry",
                    "analyses": ["trend", "applicants"],
                    "inputs": {"required": ["industry", "question"]},
                    "duration_days": [7, 14],
                }
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    ours = load_presets(path)
    assert ours["quick"].report_type == "industry"
    assert ours["quick"].analyses == ("trend", "applicants")
    assert ours["quick"].optional == ()
    assert ours["quick"].duration_days == (7, 14)
    assert ours["quick"].name_en == "快速导航"  # no English name given: the Chinese one
    for key in ("micro", "strategic", "fto"):
        assert ours[key] == shipped[key]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("deep: {}", "deep"),
        ("micro: [1, 2]", "micro"),
        ("micro: {name: 微导航, report_type: micro, analyses: [trend]}", "inputs"),
        (
            "micro: {name: m, report_type: patent, analyses: [trend], "
            "inputs: {required: [industry]}, duration_days: [1, 2]}",
            "report_type",
        ),
        (
            "micro: {name: m, report_type: micro, analyses: [trend, astrology], "
            "inputs: {required: [industry]}, duration_days: [1, 2]}",
            "astrology",
        ),
        (
            "micro: {name: m, report_type: micro, analyses: [trend], "
            "inputs: {required: [mood]}, duration_days: [1, 2]}",
            "mood",
        ),
        (
            "micro: {name: m, report_type: micro, analyses: [trend], "
            "inputs: {required: [industry]}, duration_days: [9, 2]}",
            "duration_days",
        ),
    ],
)
def test_a_bad_file_says_what_is_wrong(tmp_path, text, says):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidParameterError) as raised:
        load_presets(path)
    assert says in str(raised.value)


def test_each_presets_skeleton_is_a_valid_spec_of_its_report_type():
    for preset in load_presets().values():
        text = spec_skeleton(
            preset,
            title="泰安市玻纤产业导航",
            industry="玻璃纤维",
            question="本地玻纤企业处在产业链什么位置？",
            keywords=split_words("玻璃纤维、玻纤，glass fiber"),
            province="山东省",
            city="泰安市",
            children=split_words("玻纤纱、玻纤织物"),
        )
        spec = parse_spec(text)
        assert spec.type == preset.report_type
        assert spec.description == "本地玻纤企业处在产业链什么位置？"
        assert spec.region is not None and spec.region.city == "泰安市"
        (node,) = spec.nodes
        assert node.name == "玻璃纤维"
        assert node.keywords == ("玻璃纤维", "玻纤", "glass fiber")
        assert [c.name for c in node.children] == ["玻纤纱", "玻纤织物"]
        assert node.query == 'TIAB=(玻璃纤维 OR 玻纤 OR "glass fiber")'


def test_the_cli_lists_the_presets(tmp_path):
    from patnav.cli import cli

    runner = CliRunner()
    shown = runner.invoke(cli, ["project", "presets", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data == {"presets": [p.to_dict() for p in load_presets().values()]}
    table = runner.invoke(cli, ["project", "presets"])
    assert table.exit_code == 0 and "侵权分析导航" in table.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("deep: {}", encoding="utf-8")
    refused = runner.invoke(cli, ["project", "presets", "--presets", str(bad)])
    assert refused.exit_code != 0 and "deep" in refused.output
