"""The command line through click's test runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.schema.tables import SCHEMA_VERSION


@pytest.fixture
def run(tmp_path):
    store = tmp_path / "cli.duckdb"

    def invoke(*args, ok=True):
        result = CliRunner().invoke(cli, ["--store", str(store), *map(str, args)])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    invoke.store = store
    return invoke


def test_init_creates_a_store(run):
    result = run("init")
    assert f"结构版本 {SCHEMA_VERSION}" in result.output
    assert run.store.exists()


def test_import_json_report_then_stats(run, data_dir):
    result = run("import", "--json", data_dir / "formats/cn-excel")
    report = json.loads(result.output)
    assert report["totals"]["new"] == 232
    assert {f["format"] for f in report["files"]} == {"xlsx"}
    stats = json.loads(run("stats", "--json").output)
    assert stats["documents"] == 232
    # independent count: the CNIPA export is 199 utility models; CNKI's kinds are in its links
    import openpyxl

    wb = openpyxl.load_workbook(
        data_dir / "formats/cn-excel/cnki_export_33.xlsx", read_only=True
    )
    kinds = [row[7][-1] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert {c["label"]: c["count"] for c in stats["by_type"]} == {
        "utility_model": 199 + kinds.count("U"),
        "invention": kinds.count("A") + kinds.count("B"),
    }
    text = run("stats").output
    assert "实用新型" in text and "主要申请人" in text
    assert "utility_model" not in text
    english = run("stats", "--lang", "en").output
    assert "utility model" in english and "top applicants" in english


def test_import_text_report_lists_quarantined_rows(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("公开号,名称\nCN202644312U,好\nXYZ,坏\n", "utf-8")
    result = run("import", bad)
    assert "被隔离的记录（1 条）：" in result.output
    assert "line 3" in result.output
    listed = run("quarantine").output
    assert "line 3" in listed and "XYZ" in listed


def test_export_and_import_a_snapshot(run, data_dir, tmp_path):
    run("import", data_dir / "formats/cn-excel/cnki_export_33.xlsx")
    snap = tmp_path / "snap"
    assert "快照已写入" in run("export", "--parquet", snap).output
    assert (snap / "patents.parquet").exists() and (snap / "manifest.json").exists()
    other = tmp_path / "other.duckdb"
    result = CliRunner().invoke(
        cli, ["--store", str(other), "import", "--json", str(snap)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["files"][0]["format"] == "snapshot"
    stats = CliRunner().invoke(cli, ["--store", str(other), "stats", "--json"])
    assert json.loads(stats.output)["documents"] == 33


def test_errors_are_one_line_and_debug_shows_the_traceback(run, tmp_path):
    bad_mapping = tmp_path / "m.yaml"
    bad_mapping.write_text("columns:\n  名称: titel\n", "utf-8")
    data = tmp_path / "d.csv"
    data.write_text("名称\nx\n", "utf-8")
    result = run("import", "--mapping", bad_mapping, data, ok=False)
    assert result.exit_code == 1
    assert result.output.startswith("错误：column '名称'")
    assert "Did you mean title" in result.output
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(
        cli,
        [
            "--store",
            str(run.store),
            "--debug",
            "import",
            "--mapping",
            str(bad_mapping),
            str(data),
        ],
    )
    assert debug.exception is not None  # the exception propagates for the traceback


def test_a_failed_file_gives_exit_status_1(run, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04broken")
    result = run("import", broken, ok=False)
    assert result.exit_code == 1
    assert "失败" in result.output


def test_stats_on_a_missing_store_says_what_to_do(tmp_path):
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "none.duckdb"), "stats"]
    )
    assert result.exit_code == 1
    assert "patnav init" in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "patnav " in result.output.split("Example:")[1]


def test_every_command_is_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text("utf-8")
    for command in cli.commands:
        assert f"patnav {command}" in docs, command


ENGLISH_STATS = (
    "documents",
    "office",
    "patent type",
    "filing year",
    "top applicants",
    "source format",
    "file imports",
    "utility model",
)


def _row(text: str, label: str) -> list[str]:
    """The cells of the table row that starts with ``label``."""
    return next(
        line.split() for line in text.splitlines() if line.split()[:1] == [label]
    )


def test_stats_and_import_speak_chinese_unless_asked_for_english(run, data_dir):
    imported = run("import", data_dir / "formats/cn-excel").output
    head = imported.splitlines()[0].split()
    assert head == [
        "文件",
        "格式",
        "状态",
        "读取",
        "新增",
        "更新",
        "未变",
        "隔离",
        "耗时（秒）",
    ]
    assert _row(imported, "合计")[1:3] == ["232", "232"]
    text = run("stats").output
    assert not [w for w in ENGLISH_STATS if w in text]
    # the patent types, counted from the sources: 199 CNIPA utility models, CNKI's by kind
    import openpyxl

    wb = openpyxl.load_workbook(
        data_dir / "formats/cn-excel/cnki_export_33.xlsx", read_only=True
    )
    kinds = [row[7][-1] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert _row(text, "实用新型")[1] == str(199 + kinds.count("U"))
    assert _row(text, "发明")[1] == str(kinds.count("A") + kinds.count("B"))
    assert _row(text, "中国（CN）")[1] == "232"
    english = run("stats", "--lang", "en").output
    assert all(w in english for w in ENGLISH_STATS)
    assert run("--lang", "en", "stats").output == english
    by_env = CliRunner(env={"PATNAV_CLI_LANG": "en"}).invoke(
        cli, ["--store", str(run.store), "stats"]
    )
    assert by_env.output == english
    # --json is the same in both languages: its keys are an interface
    assert (
        run("stats", "--json").output == run("stats", "--json", "--lang", "en").output
    )


def test_import_json_is_printed_on_every_error_path(run, tmp_path):
    # a mapping error, before any file is read
    bad_mapping = tmp_path / "m.yaml"
    bad_mapping.write_text("columns:\n  名称: titel\n", "utf-8")
    data = tmp_path / "d.csv"
    data.write_text("公开号,名称\n坏号码,x\n", "utf-8")
    result = run("import", "--json", "--mapping", bad_mapping, data, ok=False)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["files"] == []
    assert "Did you mean title" in report["error"]
    # a file whose every record is quarantined: exit 1, and still the whole report
    result = run("import", "--json", data, ok=False)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["error"] is None
    (f,) = report["files"]
    assert (f["status"], f["read"], f["quarantined"]) == ("quarantined", 1, 1)
    text = run("import", data, ok=False)
    assert text.exit_code == 1 and "1 个全部隔离" in text.output


def test_doctor_says_whether_the_store_can_be_used(run, tmp_path):
    missing = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "no.duckdb"), "doctor"]
    )
    assert missing.exit_code == 1 and missing.output.startswith("不存在（missing）")
    run("init")
    ok = run("doctor", "--deep", "--json")
    health = json.loads(ok.output)
    assert (health["status"], health["ok"], health["label"]) == ("ok", True, "正常")
    assert health["schema_version"] == SCHEMA_VERSION


def test_analyze_reads_and_checks_a_spec_whatever_the_analysis(run, data_dir, tmp_path):
    """A spec given to an analysis that needs none used to be ignored (exit 0 on an alias
    bomb or a misspelt key): now it is checked, and its counting unit and base query
    apply."""
    from tests.test_yamlsafe import alias_bomb
    from tests.web.realdata import CNIPA_EXPORT, export_rows

    run("import", data_dir / CNIPA_EXPORT)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(8), "utf-8")
    refused = run("analyze", "trend", "--spec", bomb, ok=False)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "line 5: more than 16 aliases" in refused.output
    typo = tmp_path / "typo.yaml"
    typo.write_text("titel: 铁路轨道\ntype: micro\n", "utf-8")
    refused = run("analyze", "trend", "--spec", typo, ok=False)
    assert refused.exit_code == 1
    assert "line 1: unknown key 'titel': did you mean 'title'?" in refused.output
    spec = tmp_path / "rail.yaml"
    spec.write_text(
        "title: 铁路轨道\ntype: micro\ncount_by: application\nbase_query: IPC=E01B\n",
        "utf-8",
    )
    trend = json.loads(run("analyze", "trend", "--spec", spec, "--json").output)
    # independently: the export's rows with an IPC code of subclass E01B (one row is one
    # application)
    expected = sum(
        any(code.strip().startswith("E01B") for code in str(row["分类号"]).split(";"))
        for row in export_rows(data_dir)
    )
    assert trend["count_by"] == "application"
    assert sum(y["filings"] for y in trend["years"]) == expected > 0
