"""Candidates in the reports: local players are organisations of the region, 招商 and
partner tables cover every node and say how they were chosen, the micro page never
proposes a firm of the home region."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from patnav.reports import build_report


def _table(report, key):
    return next((t for t in report.tables() if t.key == key), None)


def _notes(report):
    return [b.text for b in report.walk() if b.__class__.__name__ == "Paragraph"]


def test_chinese_innovators_are_chinese_organisations(drones_report):
    report, _ = drones_report
    players = _table(report, "chain.players.table")
    assert players is not None and players.rows
    for row in players.rows:
        assert row[2].rstrip("*") == "中国", row
        assert row[1] not in ("KASSAB F A", "ALMUHAIRBI E", "ALSHDAIFAT W", "ZHENG L")


def test_every_node_gets_candidates_with_their_purpose_and_rules(drones_report):
    report, _ = drones_report
    fill = _table(report, "path.attract.table")
    partner = _table(report, "path.partner.table")
    assert fill is not None and partner is not None
    assert {r[1] for r in fill.rows} <= {"弱链", "缺链"}
    assert {r[1] for r in partner.rows} <= {"强链", "一般"} and partner.rows
    assert fill.columns[-1] == "末次申请年" and partner.columns[-1] == "末次申请年"
    notes = " ".join(_notes(report))
    assert re.search(
        r"仅列 \d{4} 年以来（近 5 个完整申请年度 \d{4}–\d{4} 及其后）", notes
    )
    assert "不依据公开局或名称推断" in notes
    names = {r[2] for r in (*fill.rows, *partner.rows)}
    assert not {n for n in names if n.startswith("THOMSON CSF")}
    partners = [f for f in report.findings if f.rule == "chain.partner"]
    assert partners and all(
        "年以来仍在该环节申请的区外机构" in f.text for f in partners
    )


def test_micro_proposes_no_firm_of_the_home_region(taian_store, taian_spec, data_dir):
    materials = next(n for n in taian_spec.nodes if n.name == "新材料")
    spec = dataclasses.replace(taian_spec, type="micro", nodes=(materials,))
    report = build_report(taian_store, spec, charts=False)
    table = _table(report, "micro.table")
    assert table is not None
    proposed = [r for r in table.rows if r[0] != "本地龙头"]
    assert proposed, "the page answers 应引进谁 with nobody to attract"
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    column = "申请人"
    home = {
        name.strip()
        for cell in frame[column].dropna()
        for name in re.split("[;；]", cell)
    }
    for row in proposed:
        assert row[1] not in home, row
        assert "泰安" not in row[2], row


def test_chinese_hot_spots_name_their_terms_in_chinese(drones_report):
    report, _ = drones_report
    emerging = [f for f in report.findings if f.rule == "hotspots.emerging"]
    assert emerging
    for finding in emerging:
        # English may stand only beside its Chinese form, in brackets
        bare = re.sub(r"（[^（）]*）", "", finding.text)
        assert not re.search(r"[A-Za-z]{3,}", bare), finding.text
    charts = [f for f in report.figures() if f.key.startswith("hotspots.")]
    for figure in charts:
        if figure.chart.kind == "barh":
            for label in figure.chart.categories:
                assert re.match(r"[\u4e00-\u9fff]", label), (figure.key, label)
    for finding in report.findings:
        if finding.rule == "hotspots.white_space":
            assert "优先" not in finding.text and "入B" not in finding.text
