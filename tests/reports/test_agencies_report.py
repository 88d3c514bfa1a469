"""The 代理机构质量报告 and ``patnav agencies`` on the real PatSnap and CNIPA stores: the
report's tables are the result's figures (themselves checked against the exports in
``tests/analyses/test_agencies.py``), it passes the report check, the DOCX, HTML and PDF
carry it, and the command's JSON and ``--query`` say the same."""

from __future__ import annotations

import json

import docx
import pytest
from click.testing import CliRunner

from patnav.analyses.agencies import DENOMINATOR_ZH, agency_quality
from patnav.cli import cli
from patnav.reports import render_report
from patnav.reports.agencies import TITLE, agencies_report
from patnav.reports.check import check_report
from patnav.reports.model import Table
from patnav.storage.store import PatentStore
from tests.analyses.test_agencies import _agency, cnipa, patsnap  # noqa: F401


def _table(report, key: str) -> Table:
    for block in report.walk():
        if isinstance(block, Table) and block.key == key:
            return block
    raise LookupError(key)


@pytest.mark.parametrize("role", ["agency", "agent"])
def test_the_report_holds_the_results_figures(patsnap, role, tmp_path):  # noqa: F811
    _, path = patsnap
    with PatentStore.open(path, read_only=True) as store:
        result = agency_quality(store, role=role, top=8)
    report = agencies_report(result)
    assert check_report(report) == []
    ranking = _table(report, "ranking")
    names = [r[1] for r in ranking.rows]
    assert names == [r.name for r in result.rows]
    rate = ranking.columns.index("授权率")
    assert [r[rate] for r in ranking.rows] == [
        f"{r.outcomes.grant_rate:.1%}" for r in result.rows
    ]
    assert {f.key for f in report.figures()} == {"agencies.units", "agencies.rates"}
    assert all(f.png is not None for f in report.figures())
    files = {f: render_report(report, f, tmp_path) for f in ("docx", "html")}
    text = "\n".join(p.text for p in docx.Document(str(files["docx"])).paragraphs)
    assert TITLE in text and DENOMINATOR_ZH in text
    assert result.rows[0].name in files["html"].read_text(encoding="utf-8")


def test_a_store_without_status_reports_no_rate(cnipa, tmp_path):  # noqa: F811
    _, path = cnipa
    with PatentStore.open(path, read_only=True) as store:
        result = agency_quality(store, min_units=3)
    report = agencies_report(result)
    assert check_report(report) == []
    ranking = _table(report, "ranking")
    rate = ranking.columns.index("授权率")
    unknown = ranking.columns.index("状态未知")
    units = ranking.columns.index("申请量")
    assert {r[rate] for r in ranking.rows} == {"-"}
    # every application's status is unknown: all counted apart, none in a rate
    assert [r[unknown] for r in ranking.rows] == [r[units] for r in ranking.rows]
    assert "agencies.rates" not in {f.key for f in report.figures()}
    pdf = render_report(report, "pdf", tmp_path)
    assert pdf.stat().st_size > 0


def test_the_command_prints_json_narrows_by_query_and_writes_reports(
    cnipa,  # noqa: F811
    tmp_path,
):
    frame, path = cnipa
    runner = CliRunner()
    base = ["--store", str(path), "agencies"]
    got = runner.invoke(cli, [*base, "--json", "--min-units", "1", "--top", "200"])
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)
    counts = frame["专利代理机构"].map(_agency).dropna().value_counts()
    assert {r["name"]: r["units"] for r in data["rows"]} == counts.to_dict()
    assert data["without_party"] == data["total"] - sum(counts)
    narrowed = runner.invoke(
        cli, [*base, "--query", "AGC=33230", "--json", "--min-units", "1"]
    )
    assert narrowed.exit_code == 0, narrowed.output
    rows = json.loads(narrowed.output)["rows"]
    assert [(r["name"], r["units"]) for r in rows] == [
        ("杭州赛科专利代理事务所", int(counts["杭州赛科专利代理事务所"]))
    ]
    out = tmp_path / "out"
    written = runner.invoke(cli, [*base, "--out", str(out), "--format", "docx,html"])
    assert written.exit_code == 0, written.output
    assert "授权率" in written.output and "状态未知" in written.output
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html"]
