"""``patnav value score | show | export`` on a real store."""

from __future__ import annotations

import csv
import json
import shutil

from click.testing import CliRunner

from patnav.cli import cli
from patnav.models.value import INDICATORS
from patnav.storage.store import PatentStore

KEYS = {
    "pub_number",
    "use",
    "score",
    "grade",
    "cut_points",
    "dimensions",
    "indicators",
    "missing",
    "coverage",
    "cohort",
    "model",
}


def test_value_score_fills_the_table_and_prints_grades(mixed_path, tmp_path):
    path = tmp_path / "s.duckdb"
    shutil.copy(mixed_path, path)
    result = CliRunner().invoke(
        cli,
        ["--store", str(path), "value", "score", "--use", "pledge"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "质押融资" in result.output and "平均覆盖率" in result.output
    with PatentStore.open(path, read_only=True) as store:
        uses = store.query("SELECT DISTINCT use FROM value_scores").column(0)
        assert uses.to_pylist() == ["pledge"]
        assert store.count("value_scores") == store.count("patents")
        counts = store.query(
            "SELECT grade, count(*) AS n FROM value_scores GROUP BY grade"
        ).to_pylist()
    for row in counts:
        if row["grade"]:
            assert f"{row['n']:,}" in result.output


def test_value_show_explains_in_chinese_and_json(scored_path):
    with PatentStore.open(scored_path, read_only=True) as store:
        pub = store.scalar(
            "SELECT pub_number FROM patents WHERE source = 'csv' ORDER BY pub_number "
            "LIMIT 1"
        )
    runner = CliRunner()
    text = runner.invoke(
        cli,
        ["--store", str(scored_path), "value", "show", pub, "--use", "pledge"],
        catch_exceptions=False,
    )
    assert text.exit_code == 0, text.output
    assert "质押融资" in text.output and "等级分界" in text.output
    assert "权利要求数" in text.output and "缺少数据的指标" in text.output
    out = runner.invoke(
        cli,
        ["--store", str(scored_path), "value", "show", pub, "--json"],
        catch_exceptions=False,
    )
    data = json.loads(out.output)
    assert set(data) == KEYS
    assert data["pub_number"] == pub and data["use"] == "management"
    assert set(data["dimensions"]) == {"legal", "technical", "economic"}
    assert [i["name"] for i in data["indicators"]] == [i.name for i in INDICATORS]
    assert set(data["indicators"][0]) == {
        "name",
        "label_zh",
        "dimension",
        "value",
        "percentile",
        "weight",
        "direction",
        "missing",
    }
    missing = {i["name"] for i in data["indicators"] if i["missing"] and i["weight"]}
    assert missing == set(data["missing"])
    unknown = runner.invoke(cli, ["--store", str(scored_path), "value", "show", "CN1X"])
    assert unknown.exit_code == 1 and "库中没有专利" in unknown.output


def test_value_export_writes_excel_csv(scored_path, tmp_path):
    out = tmp_path / "价值.csv"
    result = CliRunner().invoke(
        cli,
        ["--store", str(scored_path), "value", "export", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "pub_number",
        "score",
        "grade",
        "legal",
        "technical",
        "economic",
    ]
    with PatentStore.open(scored_path, read_only=True) as store:
        expected = dict(
            (r["pub_number"], r["score"])
            for r in store.query(
                "SELECT p.pub_number, v.score FROM value_scores v JOIN patents p "
                "USING (doc_id) WHERE v.use = 'management'"
            ).to_pylist()
        )
    assert len(rows) == len(expected)
    for row in rows[:50]:
        assert float(row["score"]) == round(expected[row["pub_number"]], 2)


def test_value_export_without_scores_says_what_to_run(mixed_path):
    result = CliRunner().invoke(
        cli, ["--store", str(mixed_path), "value", "export", "--out", "/dev/null"]
    )
    assert result.exit_code == 1
    assert "patnav value score" in result.output


def test_value_score_refuses_a_bad_weights_file(mixed_path, tmp_path):
    bad = tmp_path / "w.yaml"
    bad.write_text(
        "model: x\ngrades: {A: 1, B: 2, C: 3, D: 4}\nuses: {}\n", encoding="utf-8"
    )
    path = tmp_path / "s.duckdb"
    shutil.copy(mixed_path, path)
    result = CliRunner().invoke(
        cli, ["--store", str(path), "value", "score", "--weights", str(bad)]
    )
    assert result.exit_code == 1
    assert "w.yaml" in result.output and "严格递减" in result.output
