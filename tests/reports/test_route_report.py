"""The development route in reports: a section of the industry and R&D reports, its key
patents those the analysis finds for the spec's branches, its figure the presenter's
chart specification, its finding from its own rule."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from patnav.analyses import run_analysis
from patnav.analyses.hotspots import hot_spots
from patnav.analyses.route import DevelopmentRoute
from patnav.presenters import PRESENTERS, report_presenters
from patnav.reports import build_report
from patnav.reports.conclusions import RULES, rule_of
from patnav.reports.context import Results
from patnav.reports.model import Figure, Paragraph, Table
from patnav.storage.store import PatentStore
from tests.reports.conftest import _build_store, once


def _section(report):
    return next(s for s in report.headings() if s.key == "development_route")


def test_the_industry_report_traces_each_branch_of_the_spec(
    drones_report, drones_store, drones_spec
):
    report = drones_report[0]
    section = _section(report)
    landscape = next(s for s in report.sections if s.key == "landscape")
    assert section in landscape.blocks and section.heading == "技术发展路线"
    route = run_analysis(
        "development_route",
        drones_store,
        drones_spec.base_scope(drones_store),
        count_by=drones_spec.count_by,
        spec=drones_spec,
        terms=(),
    )
    assert [b.name for b in route.branches] == [n.name for n in drones_spec.nodes]
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.key == "development_route.table"
    assert [(r[0], r[1], r[2]) for r in table.rows] == [
        (p.branch, p.period, p.doc_id) for p in route.patents[: len(table.rows)]
    ]
    figure = next(b for b in section.blocks if isinstance(b, Figure))
    assert figure.title == "技术发展路线" and figure.unit == "申请年"
    assert figure.chart.kind == "timeline"
    assert list(figure.chart.rows) == [
        b.name for b in route.branches if any(p.branch == b.name for p in route.patents)
    ]
    assert "数据来源" in figure.note and "高被引" in figure.note
    # the Lens export lists no cited patents: every branch is chosen by times cited
    # (the source's counts), no main path, so no main-path finding
    assert {b.method for b in route.branches} == {"cited"}
    assert not [f for f in report.findings if f.rule == "route.main_path"]
    texts = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert sum("按被引次数选取" in t for t in texts) == len(route.branches)
    assert "route.main_path" in {r.name for r in RULES}
    assert rule_of("route.main_path") is not None


@pytest.fixture(scope="module")
def drones_full_path(shared: Path, data_dir: Path) -> Path:
    """The Lens and Derwent drone exports (Derwent lists the patents each one cites)."""
    return once(
        shared,
        "drones-lens-derwent.duckdb",
        lambda p: _build_store(
            p,
            data_dir,
            [(["formats/lens-csv/lens_drones_5884.csv", "formats/derwent"], None)],
        ),
    )


def test_the_main_path_rule_names_the_branches_whose_patents_cite_each_other(
    drones_full_path, drones_spec
):
    """With Derwent's citations the branches have main paths: the rule states the three
    with the most citations between their units, path and counts as the route has them."""
    with PatentStore.open(drones_full_path, read_only=True) as store:
        route = run_analysis(
            "development_route",
            store,
            drones_spec.base_scope(store),
            count_by=drones_spec.count_by,
            spec=drones_spec,
            terms=(),
        )
    results = Results(spec=drones_spec, lang="zh", scope_label=drones_spec.title)
    results.put("development_route", route)
    assert results.of("development_route", DevelopmentRoute) is route
    found = rule_of("route.main_path").func(results)
    ranked = sorted(route.branches, key=lambda b: (-b.links, b.name))[:3]
    expected = [b for b in ranked if b.links >= 5 and len(b.main_path) >= 3]
    assert expected, [(b.name, b.links, len(b.main_path)) for b in route.branches]
    assert [f.subject for f in found] == [b.name for b in expected]
    for finding, branch in zip(found, expected, strict=True):
        assert finding.numbers == {"links": branch.links, "path": len(branch.main_path)}
        assert f"{branch.links:,} 条相互引证" in finding.text
        assert (
            branch.main_path[0] in finding.text and branch.main_path[-1] in finding.text
        )
        assert finding.basis == branch.links and finding.min_basis == 5


def test_the_rnd_report_traces_first_filings_where_there_are_no_citations(
    taian_store, taian_spec, data_dir
):
    """Tai'an's documents carry no citations: the R&D report lists, per period, the first
    filing of each emerging term its hot-spot analysis found — each one names its term,
    which the patent's title or abstract contains."""
    spec = dataclasses.replace(taian_spec, type="rnd", nodes=taian_spec.nodes[:2])
    report = build_report(taian_store, spec, charts=False, data_dir=data_dir)
    core = next(s for s in report.sections if s.key == "citations")
    section = _section(report)
    assert section in core.blocks and section.level == 2
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.rows and all(
        r[6].startswith("新兴技术词首次申请「") for r in table.rows
    )
    emerging = hot_spots(
        taian_store,
        spec.base_scope(taian_store),
        count_by=spec.count_by,
        sample=10000,
        data_dir=data_dir,
    ).emerging
    terms = {t.term for t in emerging}
    for row in table.rows:
        term = row[6].split("「", 1)[1].rstrip("」")
        assert term in terms
        text = (
            taian_store.query(
                "SELECT coalesce(title, '') || ' ' || coalesce(abstract, '') AS t "
                "FROM patents WHERE doc_id = $d OR app_number = $d",
                {"d": row[2]},
            )
            .column("t")[0]
            .as_py()
        )
        assert term.lower() in text.lower(), (term, row)


def test_the_slice_is_registered_once_and_discovered():
    presenter = PRESENTERS["development_route"]
    assert presenter in report_presenters("industry")
    assert presenter in report_presenters("rnd")
    assert presenter not in report_presenters("region")
    assert presenter.dashboard
