"""The 专利壁垒预警报告 and ``patnav barrier`` on the incoPat Toyota store: the report's
tables are the view's figures (themselves checked against the export in
``tests/analyses/test_barrier.py``), unknown statuses are listed apart, the report passes
the report check, and the DOCX, PDF, HTML and the command's JSON carry them."""

from __future__ import annotations

import json

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from patnav.analyses.barrier import country_barrier
from patnav.reports import render_report
from patnav.reports.barrier import DISCLAIMER, TITLE, barrier_report
from patnav.reports.check import check_report
from patnav.reports.model import Figure, Section, Table
from patnav.storage.store import PatentStore
from tests.analyses.test_barrier import (  # noqa: F401  (fixtures)
    AS_OF,
    IPC,
    toyota,
    toyota_path,
)


@pytest.fixture(scope="module")
def built(toyota, tmp_path_factory):  # noqa: F811
    _, store = toyota
    view = country_barrier(store, ["CN", "US"], AS_OF, ipc=[IPC], top=5)
    report = barrier_report(store, view)
    out = tmp_path_factory.mktemp("barrier-report")
    files = {f: render_report(report, f, out) for f in ("docx", "pdf", "html")}
    return view, report, files


def _table(section: Section, key: str) -> Table:
    for block in section.blocks:
        if isinstance(block, Table) and block.key == key:
            return block
        if isinstance(block, Section):
            try:
                return _table(block, key)
            except LookupError:
                continue
    raise LookupError(key)


def test_the_report_holds_the_views_figures_per_country(built):
    view, report, _ = built
    assert check_report(report) == []
    keys = [s.key for s in report.sections]
    assert keys == ["scope", "country.CN", "country.US", "limits"]
    cn = view.country("CN")
    section = report.sections[1]
    owners = _table(section, "CN.owners")
    assert [r[0] for r in owners.rows] == [o.owner for o in cn.owners]
    assert [int(r[1]) for r in owners.rows] == [o.in_force for o in cn.owners]
    assert [int(r[2]) for r in owners.rows] == [o.pending for o in cn.owners]
    expiry = _table(section, "CN.expiry")
    assert sum(int(r[3]) for r in expiry.rows) == cn.in_force - cn.expiry_unknown
    # every figure names its scope: the area, the country, the date, the unknown count
    scope = f"判断日 {AS_OF.isoformat()}"
    for block in report.walk():
        if isinstance(block, Figure) and block.key.startswith("barrier."):
            assert scope in block.note and "状态未知" in block.note
            assert block.png is not None
    assert {f.key for f in report.figures()} == {
        "barrier.owners",
        "barrier.expiry",
        "barrier.families",
    }
    # unknown statuses: their own table, never in the pending list
    unknown = _table(section, "CN.unknown")
    assert {r[0] for r in unknown.rows} == {r.pub_number for r in cn.of("unknown")}
    pending = _table(section, "CN.pending")
    assert not {r[0] for r in pending.rows} & {r[0] for r in unknown.rows}
    assert len(pending.rows) == min(cn.pending, 200)
    overview = _table(report.sections[0], "overview")
    assert overview.rows[0][3:6] == (str(cn.in_force), str(cn.pending), str(cn.unknown))


def test_docx_pdf_and_html_carry_the_title_countries_and_disclaimer(built):
    view, report, files = built
    document = docx.Document(str(files["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert TITLE in text and DISCLAIMER in text
    assert "中国（CN）专利壁垒" in text and "美国（US）专利壁垒" in text
    assert len(document.inline_shapes) == len(report.figures()) == 3
    pdf = "".join(p.extract_text() for p in PdfReader(str(files["pdf"])).pages)
    assert TITLE in pdf.replace("\n", "")
    page = files["html"].read_text("utf-8")
    for r in view.country("CN").of("unknown"):
        assert r.pub_number in page


def test_the_command_prints_json_text_and_writes_the_report(toyota_path, tmp_path):  # noqa: F811
    from patnav.cli import cli

    _, path = toyota_path
    args = [
        "--store",
        str(path),
        "barrier",
        "--ipc",
        IPC,
        "--country",
        "CN",
        "--as-of",
        AS_OF.isoformat(),
        "--top",
        "3",
    ]
    as_json = CliRunner().invoke(cli, [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    with PatentStore.open(path, read_only=True) as store:
        core = country_barrier(store, ["CN"], AS_OF, ipc=[IPC], top=3).to_dict()
    assert data == core
    country = data["countries"][0]
    for key in ("in_force", "pending", "unknown", "owners", "expiry", "strongest"):
        assert key in country
    text = CliRunner().invoke(cli, args)
    assert text.exit_code == 0, text.output
    cn = data["countries"][0]
    assert f"有效 {cn['in_force']} 件" in text.output
    assert f"状态未知 {cn['unknown']} 件（不视为失效）" in text.output
    assert cn["owners"][0]["owner"] in text.output
    out = tmp_path / "reports"
    written = CliRunner().invoke(
        cli, [*args, "--out", str(out), "--format", "docx,html"]
    )
    assert written.exit_code == 0, written.output
    files = sorted(out.iterdir())
    assert [f.suffix for f in files] == [".docx", ".html"]
    assert all(f"已写出报告：{f}" in written.output for f in files)
    bad = CliRunner().invoke(cli, [*args, "--out", str(out), "--format", "odt"])
    assert bad.exit_code != 0 and "报告格式" in bad.output
    none = CliRunner().invoke(cli, ["--store", str(path), "barrier", "--country", "CN"])
    assert none.exit_code == 1 and "限定技术领域" in none.output


def test_the_chart_specifications_are_the_views_figures(built):
    from patnav.presenters.barrier import barrier_charts

    view, report, _ = built
    cn = view.country("CN")
    data = view.to_dict()["countries"][0]
    specs = {s.key: s for s in barrier_charts(data, "zh")}
    owners = specs["barrier.owners"].chart
    assert owners.categories == tuple(o.owner for o in cn.owners)
    assert owners.series[0].values == tuple(float(o.in_force) for o in cn.owners)
    assert owners.series[1].values == tuple(float(o.pending) for o in cn.owners)
    expiry = specs["barrier.expiry"].chart
    assert expiry.kind == "stacked"
    assert sum(sum(s.values) for s in expiry.series) == cn.in_force
    families = specs["barrier.families"].chart
    assert sum(families.series[0].values) == cn.families
    # the report draws the same specifications
    drawn = {f.key: f.chart for f in report.figures() if f.title.startswith("中国")}
    assert drawn == {k: s.chart for k, s in specs.items()}
    # the US has no right there: no chart, said in words instead
    assert barrier_charts(view.to_dict()["countries"][1], "zh") == []
    english = barrier_charts(data, "en")
    assert english[0].title.startswith("Barrier owners")
