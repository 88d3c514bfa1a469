"""``patnav analyze``: Chinese tables with labelled columns, English on request, --region."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.analyses import ANALYSES
from patnav.cli import cli
from tests.test_i18n import english_ui_words

CNIPA = "formats/cn-excel/cnipa_export_199.xlsx"
SNAKE = re.compile(r"^[a-z]+(?:_[a-z]+)+$|^[a-z]{3,}$")
"""A field name as the code spells it (``party_type``, ``units``): never a printed label."""


@pytest.fixture
def cnipa_store(tmp_path, data_dir):
    """A store holding the CNIPA export (199 utility models, 12 from Hubei)."""
    store = tmp_path / "cnipa.duckdb"
    result = CliRunner().invoke(
        cli, ["--store", str(store), "import", str(data_dir / CNIPA)]
    )
    assert result.exit_code == 0, result.output
    return store


def _hubei(data_dir, ipc: str | None = None) -> pd.Series:
    """Applications per applicant of the export's Hubei rows, read from the file itself."""
    df = pd.read_excel(data_dir / CNIPA)
    rows = df[df["地址"].str.contains("湖北省", na=False)]
    if ipc:
        rows = rows[rows["分类号"].str.contains(ipc, na=False)]
    names = rows["申请（专利权）人"].str.split(";").explode().str.strip()
    return names.value_counts()


def _analyze(store, *args: str):
    result = CliRunner().invoke(cli, ["--store", str(store), "analyze", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_applicants_of_a_region_are_those_of_its_documents(cnipa_store, data_dir):
    expected = _hubei(data_dir)
    data = json.loads(
        _analyze(
            cnipa_store,
            "applicants",
            "--region",
            "湖北省",
            "--count-by",
            "application",
            "--json",
        )
    )
    assert data["total"] == 12 == expected.sum()
    assert {a["name"]: a["units"] for a in data["applicants"]} == expected.to_dict()
    # with a set, the set's documents filed from the region
    narrowed = _hubei(data_dir, "E01D")
    data = json.loads(
        _analyze(
            cnipa_store,
            "applicants",
            "--set",
            "IPC=E01D",
            "--region",
            "湖北省",
            "--count-by",
            "application",
            "--json",
        )
    )
    assert data["total"] == narrowed.sum() == 7
    assert {a["name"]: a["units"] for a in data["applicants"]} == narrowed.to_dict()
    assert data["scope"] == "IPC=E01D ∩ 申请人位于湖北省"


def test_the_applicant_table_is_chinese_and_its_figures_are_the_sources(
    cnipa_store, data_dir
):
    expected = _hubei(data_dir)
    text = _analyze(
        cnipa_store, "applicants", "--region", "湖北省", "--count-by", "application"
    )
    lines = text.splitlines()
    assert lines[0] == "申请人排名与集中度"
    assert "  分析范围：申请人位于湖北省" in lines
    assert "  计数单位：专利申请" in lines and "  总量：12 件" in lines
    head = next(i for i, line in enumerate(lines) if line.startswith("排名"))
    assert lines[head].split()[:5] == ["排名", "申请人", "类型", "申请量（件）", "占比"]
    body = [line.split() for line in lines[head + 2 :] if line.strip()]
    assert {row[1]: int(row[3]) for row in body} == expected.to_dict()
    assert {row[2] for row in body} == {"-"}  # no party types before 'patnav enrich'
    english = _analyze(
        cnipa_store,
        "applicants",
        "--region",
        "湖北省",
        "--count-by",
        "application",
        "--lang",
        "en",
    )
    assert english.splitlines()[0] == "Applicants"
    assert "  total: 12 applications" in english.splitlines()
    assert "applicant" in english and "申请量" not in english


def _run_every_analysis(store_path, lang: str) -> dict[str, str]:
    args = {
        "chain": ["--spec", "specs/drones-industry.yaml"],
        "competitors": ["--competitor", "THALES%", "--competitor", "PARROT%"],
        "geography": ["--set", "TIAB=(无人机 OR drone)", "--region", "山东省"],
    }
    out = {}
    for name in ANALYSES:
        extra = args.get(name, ["--set", "TIAB=(无人机 OR drone)"])
        out[name] = _analyze(store_path, name, *extra, "--rows", "5", "--lang", lang)
    return out


def _labels_of(text: str) -> list[str]:
    """The printed figure labels (``  label：value``) and the table's column headers."""
    lines = text.splitlines()
    labels = [
        re.split(r"[：:]", line.strip(), maxsplit=1)[0]
        for line in lines[1:]
        if line.startswith("  ") and re.search(r"[：:]", line)
    ]
    for i, line in enumerate(lines[1:-1], start=1):
        if set(lines[i + 1].replace(" ", "")) == {"-"}:  # the rule under a header
            labels += line.split("  ")
    return [label.strip() for label in labels if label.strip()]


def test_every_analysis_prints_labelled_figures_and_columns(loaded_store_path):
    printed = _run_every_analysis(loaded_store_path, "zh")
    for name, text in printed.items():
        assert text.splitlines()[0] == ANALYSES[name].title_zh
        labels = _labels_of(text)
        assert labels, name
        raw = [label for label in labels if SNAKE.match(label)]
        assert not raw, f"{name} prints field names instead of labels: {raw}"
        assert not [
            label
            for label in labels
            if re.search(r"[A-Za-z]{3,}", label)
            and not re.search(r"RTA|HHI|IPC", label)
        ], (
            name,
            labels,
        )
        assert not english_ui_words(text), name  # nor anywhere in the output
    english = _run_every_analysis(loaded_store_path, "en")
    for name, text in english.items():
        assert text.splitlines()[0] == ANALYSES[name].title_en
        raw = [
            label for label in _labels_of(text) if SNAKE.match(label) and "_" in label
        ]
        assert not raw, f"{name} prints field names instead of labels: {raw}"


def test_chain_nodes_are_indented_and_positions_are_chinese(loaded_store_path):
    text = _analyze(loaded_store_path, "chain", "--spec", "specs/drones-industry.yaml")
    data = json.loads(
        _analyze(
            loaded_store_path, "chain", "--spec", "specs/drones-industry.yaml", "--json"
        )
    )
    positions = {"strong": "强链", "average": "一般", "weak": "弱链", "gap": "缺链"}
    lines = text.splitlines()
    for node in data["nodes"]:
        row = next(
            line
            for line in lines
            if line.startswith("  " * node["depth"] + node["node"] + " ")
        )
        assert row.split()[-1] == positions[node["position"]]


def test_mistakes_are_explained_in_chinese_or_english(cnipa_store):
    def fail(*args: str) -> str:
        result = CliRunner().invoke(
            cli, ["--store", str(cnipa_store), "analyze", *args]
        )
        assert result.exit_code == 1 and "Traceback" not in result.output
        return result.output

    assert fail("nope").startswith("错误：没有名为“nope”的分析。可用的分析：trend, ")
    assert fail("nope", "--lang", "en").startswith("Error: Unknown analysis 'nope'.")
    assert "“applicants”可设的参数为 count_by, top" in fail(
        "applicants", "--param", "depth=2"
    )
    assert fail("trend", "--region", "state=湖北").startswith(
        "错误：--region state=湖北：请写成"
    )
    assert "加 --spec" in fail("chain")
