"""The report check, and the Chinese deliverable without the machinery: no rule ids under
findings (they are listed in the appendix), label columns that do not wrap, figure notes
that say what the figure draws, sentences instead of placeholders."""

from __future__ import annotations

import re
from collections import Counter

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Pt

from patnav.analyses.base import Scope, as_engine
from patnav.analyses.trend import filing_trend
from patnav.cli import cli
from patnav.reports.check import Problem, check_report, format_problems
from patnav.reports.conclusions import rule_of
from patnav.reports.context import Builder
from patnav.reports.model import (
    Chart,
    Figure,
    Finding,
    Paragraph,
    Report,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.landscape import trend_summary

CJK = re.compile(r"[\u4e00-\u9fff]")


def _report(*blocks, lang="zh", findings=()):
    section = Section("区域分布" if lang == "zh" else "Geography", 1, number="1")
    section.blocks.extend(blocks)
    return Report(
        title="测试报告",
        subtitle="产业规划类专利导航报告",
        type="industry",
        lang=lang,
        meta=[("计数单位", "专利族")],
        sections=[section],
        findings=list(findings),
    )


def _kinds(report):
    return [p.kind for p in check_report(report)]


# -- the check itself: what it fails, what it lets through -------------------------------


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        # the leaks the issue names, as they were printed
        (Paragraph("对比基准过薄。 规则: data.thin_comparator"), "rule_id"),
        (Paragraph("分析范围共 16,220 件，申请年份 –—；数据截止日 -"), "placeholder"),
        (
            Paragraph("45 族在数据中没有法律状态，有效率与失效率只按其余 0 族计算。"),
            "placeholder",
        ),
        (Paragraph("申请人 None 以 3 件居首"), "placeholder"),
        (Paragraph("分析范围共 {total} 件"), "placeholder"),
        (Paragraph("核心度得分：score = 2 × citations from the scope"), "english"),
        (Table("法律状态", ("法律状态", "件数"), (("unknown", "3"),)), "english"),
        (Table("类型", ("类型", "件数"), (("(unknown)", "3"),)), "english"),
        (Table("类型", ("类型", "件数"), (("ptype.unknown", "3"),)), "rule_id"),
        (Table("申请人", ("申请人", "件数"), (("甲公司", ""),)), "empty_cell"),
        (Table("申请人", ("申请人", "有效率"), (("甲公司", "-"),)), "empty_cell"),
        (
            Figure(
                "趋势", "件", "注", Chart("bar", ("2015",), (Series("申请", (0.0,)),))
            ),
            "empty_chart",
        ),
        (
            Figure(
                "趋势",
                "件",
                "2016 年及以后为不完整年份（公开滞后约 18 个月，图中阴影）",
                Chart("line", ("2014", "2015"), (Series("申请", (3.0, 4.0)),)),
            ),
            "note",
        ),
        (
            Table(
                "前 10 位申请人",
                ("申请人", "件数"),
                (("甲公司", "3"), ("乙公司", "2")),
            ),
            "note",
        ),
    ],
)
def test_the_check_fails_each_kind_of_leak(block, kind):
    problems = check_report(_report(block))
    assert kind in [p.kind for p in problems], problems
    assert all(p.where.startswith("1 区域分布") for p in problems if p.kind == kind)


def test_names_codes_units_and_quoted_data_are_not_english_words():
    clean = _report(
        Paragraph(
            "THALES SA 以 75 族居首；技术集中于 B64C（飞机）与 H01L31/04，US5906336A 被引 "
            "168 次；RTA=1.49，HHI 为 13，CR4 为 6.0%（Leiden 算法）；新兴技术词“service”。"
        ),
        Table(
            "主要申请人",
            ("申请人", "类型", "有效率"),
            (
                ("VERIZON PATENT & LICENSING INC", "企业", "-"),
                ("ZHENG L", "个人", "12.0%"),
            ),
            dash_note="“-”表示数据中无此项或不适用",
        ),
        Finding(
            "applicants.leader",
            "structure",
            "Parrot Drones SAS 以 12 族居首，第二位为 delta robotics co（3 族）。",
            {"leader": "Parrot Drones SAS", "second": "delta robotics co"},
        ),
    )
    assert check_report(clean) == []


def test_a_conclusion_below_its_threshold_fails_and_says_so():
    thin = Finding(
        "applicants.rising", "trend", "快速崛起的申请人：甲公司。", basis=3, min_basis=5
    )
    silent = Finding("chain.strong", "strength", "强链“A”。", min_basis=5)
    problems = check_report(_report(thin, silent))
    assert [p.kind for p in problems] == ["basis", "basis"]
    assert "3" in problems[0].what and "5" in problems[0].what
    assert "未注明依据数量" in problems[1].what


def test_a_rule_id_a_renderer_prints_beside_a_finding_fails(monkeypatch):
    """The check reads the rendered findings too: the template that printed
    〔规则: data.drop〕 under every finding fails it."""
    import patnav.reports.html as html

    finding = Finding("data.drop", "data", "申请量在 2012 年达到峰值后骤降。")
    report = _report(finding, findings=[finding])
    assert check_report(report) == []
    monkeypatch.setattr(
        html,
        "html_text",
        lambda report, **_: (
            '<div class="finding kind-data"><span class="tag">数据说明'
            "</span> 申请量在 2012 年达到峰值后骤降。 "
            '<span class="rule">规则: data.drop</span></div>'
        ),
    )
    problems = check_report(report)
    assert [p.kind for p in problems] == ["rule_id"]
    assert "data.drop" in problems[0].what


def test_rule_ids_belong_in_the_rule_tables_only():
    rules = Table(
        "结论规则与阈值",
        ("规则", "含义"),
        (("data.thin_comparator", "对比基准过薄"),),
        key="appendix.rules.table",
    )
    assert check_report(_report(rules)) == []
    assert _kinds(_report(Paragraph("见规则 chain.attract。"))) == ["rule_id"]


def test_a_shaded_chart_must_say_what_the_shading_means():
    chart = Chart(
        "line", ("2014", "2015"), (Series("申请", (3.0, 4.0)),), shaded=("2015",)
    )
    said = Figure("趋势", "件", "2015 年及以后为不完整年份（图中灰色阴影）", chart)
    unsaid = Figure("趋势", "件", "数据来源：x.csv", chart)
    assert check_report(_report(said)) == []
    assert _kinds(_report(unsaid)) == ["note"]


def test_per_group_limits_are_not_read_as_the_table_length():
    table = Table(
        "各环节招商对象",
        ("环节", "申请人"),
        tuple((f"环节{i}", f"公司{i}") for i in range(12)),
        sort_note="排序：环节内按数量降序，每环节前 5 位",
    )
    assert check_report(_report(table)) == []


def test_problems_are_listed_with_where_and_what():
    text = format_problems(
        [Problem("placeholder", "3 产业专利态势 › 3.1 申请趋势", "以“–—”代替数值")]
    )
    assert text == "- 占位符｜3 产业专利态势 › 3.1 申请趋势：以“–—”代替数值"


# -- the reports the suite builds pass it ------------------------------------------------


def test_the_shipped_specs_reports_pass_the_check(
    taian_report, drones_report, drones_report_en
):
    for report, _ in (taian_report, drones_report, drones_report_en):
        assert check_report(report) == [], format_problems(
            check_report(report), report.lang
        )


# -- the deliverable ------------------------------------------------------------------------


def test_findings_read_without_rule_ids_which_the_appendix_lists(taian_report):
    report, files = taian_report
    document = docx.Document(str(files["docx"]))
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets and len(bullets) == sum(
        1 for b in report.walk() if isinstance(b, Finding)
    )
    ids = {f.rule for f in report.findings}
    for text in bullets:
        assert "规则" not in text and not any(i in text for i in ids), text
    html = files["html"].read_text("utf-8")
    assert 'class="rule"' not in html
    appendix = next(t for t in report.tables() if t.key == "appendix.rules.table")
    listed = {row[1]: row for row in appendix.rows}
    assert set(listed) == ids
    counts = Counter(f.rule for f in report.findings)
    for rule_id, row in listed.items():
        rule = rule_of(rule_id)
        assert rule is not None
        assert row[0] == rule.meaning("zh") and row[2] == rule.thresholds("zh")
        assert row[3] == str(counts[rule_id])
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1].endswith("附录：结论规则与依据")


def test_label_columns_of_the_word_tables_are_as_wide_as_their_labels(taian_report):
    """类型 and 定位 hold labels of up to four Chinese characters: at the tables' 8.5 pt
    a character is 8.5 pt wide, plus Word's 0.19 cm cell margins on each side."""
    report, files = taian_report
    document = docx.Document(str(files["docx"]))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    tables = [c for c in captions if c.startswith("表 ")]
    checked = 0
    for model, grid in zip(report.tables(), document.tables[1:], strict=True):
        assert f"表 {model.number}  {model.caption}" in tables
        layout = grid._tbl.tblPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblLayout"
        )
        assert (
            layout is not None
            and layout.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type"
            )
            == "fixed"
        )
        widths = [c.width.cm for c in grid.rows[0].cells]
        assert sum(widths) <= 16.7, (model.key, widths)
        for j, header in enumerate(model.columns):
            if header not in ("类型", "定位"):
                continue
            longest = max(len(r[j]) for r in model.rows)
            assert longest <= 4
            need = longest * Pt(8.5).cm + 2 * 0.19
            assert widths[j] >= need, (model.key, header, widths[j], need)
            checked += 1
    assert checked >= 3  # the applicants, entrants and chain tables at least


def _cutoff(report) -> int:
    """The year of the report's cut-off (数据截止日 on its cover)."""
    return int(report.meta[[k for k, _ in report.meta].index("数据截止日")][1][:4])


def test_figure_notes_speak_only_of_what_the_figure_draws(taian_report, drones_report):
    """A yearly figure shades exactly the incomplete years it draws, and its note names
    them from the first one (the year before the cut-off's, publication lagging about 18
    months) — or, drawing none, names none. Tai'an's scope ends in 2015 with a cut-off in
    2015; the drone data run into their incomplete years, shaded in the line chart and
    hatched in the bars."""
    for report in (taian_report[0], drones_report[0]):
        figures = {f.key: f for f in report.figures()}
        cutoff = _cutoff(report)
        for key in (
            "trend",
            "trend_type",
            "trend.lifecycle",
            "chain.nodes.years",
        ):
            figure = figures.get(key)
            if figure is None:
                continue
            named = re.search(r"(\d{4}) 年及以后为不完整年份", figure.note)
            drawn = [c for c in figure.chart.categories if c.isdigit()]
            if named is None:
                assert not figure.chart.shaded, (key, figure.note)
                assert "阴影" not in figure.note and "不完整" not in figure.note
                continue
            first = int(named.group(1))
            assert cutoff - 2 <= first <= cutoff, (key, first, cutoff)
            assert any(int(c) >= first for c in drawn), (key, figure.note)
            if key == "trend":
                assert figure.chart.shaded == tuple(c for c in drawn if int(c) >= first)
                assert "图中斜线" in figure.note
    drones = {f.key: f for f in drones_report[0].figures()}
    assert drones["trend"].chart.shaded == ("2015", "2016")
    assert "图中斜线" in drones["trend_type"].note
    assert "图中灰色点" in drones["trend.lifecycle"].note


def test_the_trend_says_in_words_what_the_data_lack(taian_store, taian_spec):
    b = Builder(taian_store, taian_spec, "zh", as_engine(taian_store))
    nothing = filing_trend(
        taian_store, Scope.of_query("TI=不存在的技术词甲乙丙", store=taian_store)
    )
    assert nothing.total == 0
    assert trend_summary(b, nothing) == "分析范围内没有专利文献，无法分析申请趋势。"
    tr = filing_trend(taian_store, Scope.everything(), count_by="application")
    text = trend_summary(b, tr)
    first = min(y.year for y in tr.years if y.filings)
    last = max(y.year for y in tr.years if y.filings)
    assert f"申请年份 {first}–{last}" in text and "-–" not in text and "–-" not in text
    assert f"数据截止日 {tr.cutoff.isoformat()}" in text


def test_counts_in_running_text_carry_their_unit(taian_report, drones_report):
    taian = [b.text for b in taian_report[0].walk() if isinstance(b, Paragraph)]
    drones = [b.text for b in drones_report[0].walk() if isinstance(b, Paragraph)]
    # the network paragraph is written where co-applicants form groups (the drone scope)
    networks = [t for t in taian + drones if t.startswith("合作网络：")]
    assert networks
    for network in networks:
        assert re.match(r"合作网络：[\d,]+ (件|族|篇)为共同申请", network), network
    hot = next(t for t in taian if t.startswith("对标题与摘要进行分词"))
    assert re.search(
        r"(从 [\d,]+ 件中均匀抽取 [\d,]+ 件分析|分析全部 [\d,]+ 件)。", hot
    )
    score = next(t for t in drones if t.startswith("核心度得分"))
    assert score.startswith("核心度得分 = 2 × 范围内被引次数")
    assert not re.search(r"[a-z]{2,}", score), score


def test_report_check_option_passes_a_clean_report_and_lists_problems(
    drones_store_path, tmp_path, monkeypatch
):
    spec = tmp_path / "micro.yaml"
    spec.write_text(
        "title: 无人机物流配送微导航\ntype: micro\nregion: {country: CN}\ncompare: [global]\n"
        "scope:\n  - {node: 物流配送, query: 'TIAB=(delivery OR parcel OR 物流)'}\n",
        "utf-8",
    )
    args = ["--store", str(drones_store_path), "report", str(spec), "--format", "html"]
    args += ["--out", str(tmp_path / "out"), "--check"]
    clean = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    assert "report check: no problems" in clean.output

    import patnav.reports.check as check

    found = [Problem("note", "1 问题 › 图 1《趋势》", "注释提到阴影，图中没有阴影")]
    monkeypatch.setattr(check, "check_report", lambda report: found)
    failed = CliRunner().invoke(cli, args)
    assert failed.exit_code == 1
    assert "1 problem(s)" in failed.output
    assert (
        "注释与图表不符｜1 问题 › 图 1《趋势》：注释提到阴影，图中没有阴影"
        in failed.output
    )
    assert (tmp_path / "out" / "无人机物流配送微导航.html").exists()


def test_chinese_units_that_cannot_be_placed_are_said_not_dropped(
    drones_report, data_dir
):
    """The Lens export has no address column, so no Chinese family of the drone report
    can be placed in a province: the report says how many it cannot place instead of
    leaving the chart out without a word."""
    import pandas as pd

    lens = pd.read_csv(data_dir / "formats/lens-csv/lens_drones_5884.csv", nrows=5)
    assert not [c for c in lens.columns if "ddress" in c or "地址" in c]
    report = drones_report[0]
    notes = [
        b.text
        for b in report.walk()
        if isinstance(b, Paragraph) and "未能定位到省份" in b.text
    ]
    assert len(notes) == 1
    match = re.match(
        r"中国来源 ([\d,]+) 族，其中 ([\d,]+) 族（100.0%）未能定位到省份", notes[0]
    )
    assert match and match.group(1) == match.group(2), notes[0]
    assert not [f for f in report.figures() if f.key == "geography.provinces"]
