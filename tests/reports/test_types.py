"""The other report types: region, enterprise, R&D, talent, micro; FTO refused."""

from __future__ import annotations

import dataclasses

import docx
import pytest

from patnav.analyses.spec import parse_spec
from patnav.errors import ReportTypeError
from patnav.reports import build_report, render_report


def _spec(base, **changes):
    return dataclasses.replace(base, **changes)


def _top(report):
    return [s.heading for s in report.sections]


def test_region_report_starts_with_the_region_itself(taian_store, taian_spec):
    spec = _spec(taian_spec, type="region", nodes=taian_spec.nodes[:2])
    report = build_report(taian_store, spec, charts=False)
    assert _top(report) == [
        "主要结论与建议",
        "数据与方法",
        "区域专利现状",
        "产业链定位",
        "区域定位",
        "发展路径与建议",
        "附录：结论规则与依据",
    ]
    assert report.subtitle == "区域规划类专利导航报告"
    leader = next(f for f in report.findings if f.rule == "applicants.leader")
    assert leader.numbers["leader"] == "山东农业大学"


def test_enterprise_report_benchmarks_the_named_entities(
    drones_store, drones_spec, data_dir
):
    spec = _spec(
        drones_spec,
        type="enterprise",
        entities=("PARROT", "THALES SA", "VERIZON PATENT & LICENSING INC"),
        nodes=drones_spec.nodes[:3],
    )
    report = build_report(drones_store, spec, charts=False, data_dir=data_dir)
    assert _top(report) == [
        "主要结论与建议",
        "数据与方法",
        "企业专利组合画像",
        "竞争对手对标",
        "技术热点与空白点",
        "企业创新能力",
        "发展路径与建议",
        "附录：结论规则与依据",
    ]
    table = next(t for t in report.tables() if t.key == "competitors.table")
    assert [row[0] for row in table.rows] == list(spec.entities)
    parrot = next(f for f in report.findings if f.rule == "competitors.position")
    assert parrot.subject == "PARROT" and f"{parrot.numbers['units']} 族" in parrot.text
    assert int(table.rows[0][1]) == parrot.numbers["units"]


def test_rnd_report_has_hot_spots_branches_and_core_patents(
    drones_store, drones_spec, data_dir
):
    spec = _spec(drones_spec, type="rnd", region=None)
    report = build_report(drones_store, spec, charts=False, data_dir=data_dir)
    # the path section holds white spaces, recommendations and risks; with none (the
    # drone data carry no legal status, so no lapse risk may be claimed) it is left out
    path = [
        f
        for f in report.findings
        if f.kind in ("risk", "recommendation") or f.rule == "hotspots.white_space"
    ]
    assert _top(report) == [
        "主要结论与建议",
        "数据与方法",
        "技术主题专利态势",
        "各技术分支专利态势",
        "技术热点与空白点",
        "核心专利",
        *(["发展路径与建议"] if path else []),
        "附录：结论规则与依据",
    ]
    branches = next(t for t in report.tables() if t.key == "nodes.table")
    assert [r[0].strip("　") for r in branches.rows] == [n.name for n in spec.walk()]
    core = next(t for t in report.tables() if t.key == "citations.table")
    assert core.rows[0][0] == "US5906336A" and core.rows[0][4] == "168"


def test_talent_report_lists_inventors_and_recruits_for_weak_nodes(
    drones_store, drones_spec
):
    spec = _spec(drones_spec, type="talent", lang="en")
    report = build_report(drones_store, spec, lang="en", charts=False)
    assert _top(report) == [
        "Key findings and recommendations",
        "Data and method",
        "Talent pool and candidates",
        "Talent per branch",
        "Development path and recommendations",
        "Appendix: conclusion rules and their basis",
    ]
    recruit = [f for f in report.findings if f.rule == "chain.talent"]
    assert recruit and all(f.kind == "recommendation" for f in recruit)
    assert not any(t.key == "path.attract.table" for t in report.tables())


def test_micro_navigation_is_one_page(taian_store, taian_spec, tmp_path):
    spec = _spec(taian_spec, type="micro")
    report = build_report(taian_store, spec)
    assert len(report.sections) == 1
    assert (
        report.sections[0].heading == "泰安市在“输变电装备”环节处于什么位置？应引进谁？"
    )
    assert (
        1
        <= len(
            [b for b in report.sections[0].blocks if b.__class__.__name__ == "Finding"]
        )
        <= 5
    )
    assert len(report.tables()) == 1 and len(report.figures()) == 1
    path = render_report(report, "pdf", tmp_path)
    from pypdf import PdfReader

    assert len(PdfReader(str(path)).pages) == 1
    figure = report.figures()[0]
    assert "检索式：IPCM=(H01H OR H02B OR H01F OR H02J OR H02G)" in figure.note


def test_micro_without_region_asks_who_leads(drones_store, drones_spec):
    spec = _spec(drones_spec, type="micro", region=None, description=None)
    report = build_report(drones_store, spec, charts=False)
    assert report.sections[0].heading == "谁在引领“飞行平台”？"
    assert report.tables()[0].key == "micro.table"


def test_fto_reports_are_refused_clearly(drones_store):
    spec = parse_spec(
        "title: FTO\ntype: fto\nscope:\n  - {node: x, query: 'TI=drone'}\n",
        source="fto.yaml",
    )
    with pytest.raises(ReportTypeError, match=r"FTO .*patnav fto --product"):
        build_report(drones_store, spec)


def test_english_report_translates_headings_headers_and_findings(drones_report_en):
    report, files = drones_report_en
    document = docx.Document(str(files["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "1  Key findings and recommendations",
        "2  Data and method",
        "3  Patent landscape of the industry",
        "4  Industry-chain positioning",
        "5  The region's position",
        "6  Development path and recommendations",
        "7  Appendix: conclusion rules and their basis",
    ]
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    node_names = {n.name for n in report_nodes(report)}
    for table in report.tables():
        assert not any(cjk.search(c) for c in table.columns), table.columns
        assert not cjk.search(table.caption) or any(
            n in table.caption for n in node_names
        )
    for finding in report.findings:
        stripped = finding.text
        for name in node_names:
            stripped = stripped.replace(name, "")
        assert not cjk.search(stripped.split("(")[0]), finding.text


def report_nodes(report):
    from patnav.analyses.spec import load_spec

    return load_spec(report.source).walk()
