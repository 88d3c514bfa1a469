"""The development route in reports: a section of the industry and R&D reports, its key
patents those the analysis finds for the spec's branches, its figure the presenter's
chart specification, its finding from its own rule."""

from __future__ import annotations

import dataclasses

from patnav.analyses import run_analysis
from patnav.analyses.hotspots import hot_spots
from patnav.presenters import PRESENTERS, report_presenters
from patnav.reports import build_report
from patnav.reports.conclusions import RULES, rule_of
from patnav.reports.model import Figure, Finding, Paragraph, Table


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
    texts = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    for branch in route.branches:
        if branch.method == "citations":
            assert any(" → ".join(branch.main_path) in t for t in texts), branch.name
    found = [f for f in report.findings if f.rule == "route.main_path"]
    assert found and all(f.numbers["links"] >= 5 for f in found)
    assert {f.subject for f in found} <= {b.name for b in route.branches}
    assert set(f.text for f in found) <= {
        b.text for b in section.blocks if isinstance(b, Finding)
    }
    assert "route.main_path" in {r.name for r in RULES}
    assert rule_of("route.main_path") is not None


def test_the_rnd_report_traces_first_filings_where_there_are_no_citations(
    taian_store, taian_spec
):
    """Tai'an's documents carry no citations: the R&D report lists, per period, the first
    filing of each emerging term its hot-spot analysis found — each one names its term,
    which the patent's title or abstract contains."""
    spec = dataclasses.replace(taian_spec, type="rnd", nodes=taian_spec.nodes[:2])
    report = build_report(taian_store, spec, charts=False)
    core = next(s for s in report.sections if s.key == "citations")
    section = _section(report)
    assert section in core.blocks and section.level == 2
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.rows and all(
        r[6].startswith("新兴技术词首次申请「") for r in table.rows
    )
    emerging = hot_spots(
        taian_store, spec.base_scope(taian_store), count_by=spec.count_by, sample=10000
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
