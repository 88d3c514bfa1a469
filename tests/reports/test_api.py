"""write_report and render_report: formats, file names, output paths, errors."""

from __future__ import annotations

import dataclasses
import re

import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.errors import InvalidParameterError
from patnav.reports import (
    REPORT_FORMATS,
    REPORT_TYPES,
    build_report,
    render_report,
    write_report,
)
from patnav.reports.html import html_text
from patnav.reports.model import Report


def test_public_names():
    assert REPORT_FORMATS == ("docx", "html", "pdf")
    assert set(REPORT_TYPES) == {
        "region",
        "industry",
        "enterprise",
        "rnd",
        "talent",
        "micro",
    }


def test_file_names_come_from_the_title_with_safe_characters(taian_report, tmp_path):
    report: Report = dataclasses.replace(
        taian_report[0], title="泰安/输变电:装备 <2024>?"
    )
    path = render_report(report, "html", tmp_path / "out")
    assert path == tmp_path / "out" / "泰安_输变电_装备_2024.html"
    assert path.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_out_may_be_a_file_of_the_format(taian_report, tmp_path):
    path = render_report(taian_report[0], "html", tmp_path / "a" / "mine.html")
    assert path == tmp_path / "a" / "mine.html" and path.exists()
    with pytest.raises(InvalidParameterError, match=r"does not end in \.docx"):
        render_report(taian_report[0], "docx", tmp_path / "mine.pdf")
    with pytest.raises(InvalidParameterError, match="docx, html, pdf"):
        render_report(taian_report[0], "odt", tmp_path)


def test_write_report_takes_a_spec_path_and_the_spec_language(drones_store, tmp_path):
    spec_text = (
        "title: 无人机反制微导航\ntype: micro\nlang: en\ncount_by: family\n"
        "scope:\n  - "
        "{node: 反无人机, query: 'TIAB=(counter-drone OR anti-drone) OR IPC=F41H11/02'}\n"
    )
    spec = tmp_path / "micro.yaml"
    spec.write_text(spec_text, "utf-8")
    path = write_report(drones_store, spec, fmt="html", out=tmp_path)
    assert path.name == "无人机反制微导航.html"
    text = path.read_text("utf-8")
    assert "Who leads 反无人机?" in text and 'lang="en"' in text


def test_an_unknown_language_is_refused(drones_store, drones_spec):
    with pytest.raises(InvalidParameterError, match="'zh' or 'en'"):
        build_report(drones_store, drones_spec, lang="fr")


def test_html_is_self_contained(taian_report):
    text = taian_report[1]["html"].read_text("utf-8")
    assert not re.search(r"""(src|href)=["']https?:""", text)
    assert "<link" not in text and "<script" not in text
    figures = len(taian_report[0].figures())
    assert text.count('src="data:image/png;base64,') == figures
    assert '"Noto Sans CJK SC"' in text  # the CSS is inline and unescaped
    print_text = html_text(taian_report[0], for_print=True)
    assert "target-counter(attr(href), page)" in print_text


def test_cli_writes_the_formats_and_prints_paths_and_timings(
    drones_store_path, tmp_path
):
    spec = tmp_path / "micro.yaml"
    spec.write_text(
        "title: 无人机物流配送微导航\ntype: micro\nregion: {country: CN}\ncompare: [global]\n"
        "scope:\n  - {node: 物流配送, query: 'TIAB=(delivery OR parcel OR 物流)'}\n",
        "utf-8",
    )
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            str(drones_store_path),
            "report",
            str(spec),
            "--format",
            "docx,html",
            "--out",
            str(tmp_path / "out"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # what was written: title and type, the scope with its query and units, the files
    assert lines[0] == "报告：无人机物流配送微导航（微导航）"
    assert lines[1] == "  分析环节：“物流配送”环节检索式命中的专利"
    assert lines[2] == "  分析环节检索式：TIAB=(delivery OR parcel OR 物流)"
    assert re.fullmatch(r"  分析环节数量：[\d,]+ 族", lines[3])
    assert lines[4] == "  文件："
    assert lines[5].endswith("无人机物流配送微导航.docx")
    assert lines[6].endswith("无人机物流配送微导航.html")
    assert (tmp_path / "out" / "无人机物流配送微导航.docx").exists()
    assert re.search(r"analyses\s+\d+\.\d\d s", result.output)
    assert re.search(r"charts\s+\d+\.\d\d s", result.output)
    assert re.search(r"render\.docx\s+\d+\.\d\d s", result.output)


MICRO_SPEC = (
    "title: 反无人机微导航\ntype: micro\ncount_by: family\nscope:\n"
    "  - {node: 反无人机, query: 'TIAB=(counter-drone OR anti-drone) OR IPC=F41H11/02'}\n"
)


def test_cli_shows_stage_progress_on_a_terminal_and_none_with_json(
    drones_store_path, tmp_path, monkeypatch
):
    import json

    from patnav.cli import report as report_command

    spec = tmp_path / "micro.yaml"
    spec.write_text(MICRO_SPEC, "utf-8")
    args = [
        "--store",
        str(drones_store_path),
        "report",
        str(spec),
        "--out",
        str(tmp_path),
    ]
    monkeypatch.setattr(report_command, "_interactive", lambda: True)
    shown = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    stages = [line.split("（")[0] for line in shown.stderr.splitlines()]
    # every stage, in order, as it starts: analyses (each one), conclusions, sections,
    # charts, then each file
    assert stages[0] == "… 分析"
    assert "… 分析 · 申请趋势与技术生命周期" in stages
    assert "… 分析 · 统计分析范围" in stages
    assert stages[-4:] == ["… 结论规则", "… 章节", "… 绘制图表", "… 写出 DOCX"]
    assert all(re.search(r"（\d+\.\d s）$", line) for line in shown.stderr.splitlines())
    quiet = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    summary = json.loads(quiet.stdout)
    assert (summary["title"], summary["type"], summary["count_by"]) == (
        "反无人机微导航",
        "micro",
        "family",
    )
    (scope,) = summary["scopes"]
    assert scope["key"] == "node" and scope["units"] > 0
    assert scope["query"] == "TIAB=(counter-drone OR anti-drone) OR IPC=F41H11/02"
    assert summary["files"] == [str(tmp_path / "反无人机微导航.docx")]
    assert summary["timings"]["analyses"] > 0


def test_cli_refuses_an_unknown_format_and_fto(drones_store_path, tmp_path):
    spec = tmp_path / "fto.yaml"
    spec.write_text(
        "title: x\ntype: fto\nscope:\n  - {node: a, query: 'TI=drone'}\n", "utf-8"
    )
    runner = CliRunner()
    bad = runner.invoke(
        cli, ["--store", str(drones_store_path), "report", str(spec), "--format", "odt"]
    )
    assert bad.exit_code == 1 and "expected one of docx, html, pdf" in bad.output
    fto = runner.invoke(cli, ["--store", str(drones_store_path), "report", str(spec)])
    assert fto.exit_code == 1 and "FTO" in fto.output and "Traceback" not in fto.output


def test_every_conclusion_rule_is_documented():
    from pathlib import Path

    from patnav.reports.conclusions import RULES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text(
        "utf-8"
    )
    names = {r.name for r in RULES} | {
        "applicants.individuals",
        "legal.in_force",
        "competitors.rising",
    }
    for name in names:
        assert f"`{name}`" in docs, name
