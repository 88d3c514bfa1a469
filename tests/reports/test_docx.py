"""The Tai'an industry report as Word: outline, figures, tables, and numbers checked against
the source files and the analyses."""

from __future__ import annotations

import re

import docx
import pytest

from patnav.analyses.chain import chain_positioning

OUTLINE_ZH = [
    "1  主要结论与建议",
    "2  数据与方法",
    "3  产业专利态势",
    "4  产业链定位",
    "5  区域定位",
    "6  发展路径与建议",
    "7  附录：结论规则与依据",
]


@pytest.fixture(scope="module")
def document(taian_report):
    return docx.Document(str(taian_report[1]["docx"]))


@pytest.fixture(scope="module")
def text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _headings(document, level):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_outline_follows_the_gbt_39551_parts(document, taian_report):
    assert _headings(document, 1) == OUTLINE_ZH
    level2 = _headings(document, 2)
    for expected in (
        "3.1  申请趋势与技术生命周期",
        "3.2  区域分布",
        "3.3  创新主体与竞争格局",
        "3.4  技术构成",
        "3.5  法律状态与运营",
        "4.1  各环节定位总览",
        "6.1  补链：招商引资对象",
    ):
        assert expected in level2
    report = taian_report[0]
    assert [f"{s.number}  {s.heading}" for s in report.sections] == OUTLINE_ZH


def test_every_figure_and_table_is_in_the_document(document, taian_report):
    report = taian_report[0]
    figures, tables = report.figures(), report.tables()
    assert len(figures) >= 25  # an industry report is chart-heavy
    assert len(document.inline_shapes) == len(figures)
    assert len(document.tables) == len(tables) + 1  # plus the cover's facts
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert [c for c in captions if c.startswith("图 ")] == [
        f"图 {f.number}  {f.title}" for f in figures
    ]
    assert [c for c in captions if c.startswith("表 ")] == [
        f"表 {t.number}  {t.caption}" for t in tables
    ]


def test_every_figure_has_title_unit_and_data_note(taian_report):
    report = taian_report[0]
    cutoff = report.meta[[k for k, _ in report.meta].index("数据截止日")][1]
    for figure in report.figures():
        assert figure.title and figure.unit and figure.png
        assert "数据来源：taian_patents.xlsx" in figure.note
        assert f"截止日：{cutoff}" in figure.note
        assert "计数单位：专利申请（件）" in figure.note
    # the scope's data end in 2015 with a cut-off in 2015: the yearly figure shades the
    # incomplete years it draws and its note names them
    (yearly,) = [f for f in report.figures() if f.key == "trend"]
    named = re.search(r"(\d{4}) 年及以后为不完整年份", yearly.note)
    assert named and yearly.chart.shaded == tuple(
        c for c in yearly.chart.categories if int(c) >= int(named.group(1))
    )


def test_every_table_is_sorted_and_labelled(taian_report):
    for table in taian_report[0].tables():
        assert table.caption
        assert all(
            re.search(r"[\u4e00-\u9fff]", c) or c == "RTA" for c in table.columns
        )
        if (
            table.rows
            and len(table.rows) > 1
            and not table.key.startswith("data.scope")
        ):
            assert table.sort_note.startswith("排序："), table.key


def test_data_section_states_sources_cutoff_queries_unit_incomplete_years(
    text, taian_spec, taian_report
):
    report = taian_report[0]
    data = next(s for s in report.sections if s.key == "data")
    assert data.heading == "数据与方法"
    for file in ("cn-taian-7384/taian_patents.xlsx", "cn-excel/cnipa_export_199.xlsx"):
        assert file in text
    # the cut-off is the scope's own (its latest publication or filing date), not the
    # store's: the Tai'an corpus lists filings up to 2015-11-23
    assert "数据截止日 | 2015-11-23（范围内最晚公开日" in text
    assert "计数单位 | 专利申请：同一申请的公开与授权文本计为一件" in text
    assert "不完整年份 | 2014 年及以后" in text
    assert "对比基准 | 全国" in text
    assert "分析期间 | 1985–2015（申请日）" in text
    for node in taian_spec.walk():
        assert node.query and node.query in text, node.name
    assert "chain.attract" in text and "RTA ≥ strong_rta 且本地 ≥ min_units" in text


def test_scope_total_and_top_applicants_match_the_source_files(
    data_dir, text, taian_spec, taian_report
):
    """Recomputed from the files the store was built from (tests/correctness's pandas
    loaders): the applications some node's IPC query matches, of Chinese origin (the spec
    compares only with the nation), filed 1985–2015 — not the whole store (the CCF corpus
    and the CNKI export have no IPC and are not part of it)."""
    from tests.correctness import raw
    from tests.correctness.figures import Corpus, name_key

    corpus = Corpus(
        raw.merge([raw.taian(data_dir), raw.cn_excel(data_dir), raw.ccf(data_dir)]),
        "application",
    )
    keys = set().union(*(corpus.select(n.query) for n in taian_spec.walk() if n.query))
    keys &= corpus.from_country("CN") & corpus.in_period(1985, 2015)
    total = len(corpus.units_of(keys))
    assert total < len(
        corpus.units_of(corpus.docs)
    )  # a part of the store, not all of it
    assert f"分析范围数量 | {total:,} 件" in text
    assert "分析范围 | 技术分解表 18 个检索式（各环节）命中专利之并" in text
    assert taian_report[0].scopes[0].units == total

    counts = corpus.applicants(keys)  # by name key: legal forms (有限公司 …) dropped
    (top, top_n), (second, second_n) = counts.most_common(2)
    table = next(t for t in taian_report[0].tables() if t.key == "applicants.table")
    assert name_key(table.rows[0][1]) == top
    assert table.rows[0][2:4] == ("高校", f"{top_n:,}")
    assert f"{table.rows[0][1]}以 {top_n:,} 件" in text  # the applicants.leader finding
    assert name_key(table.rows[1][1]) == second and table.rows[1][3] == f"{second_n:,}"


def test_chain_numbers_equal_the_chain_analysis(taian_store, taian_spec, taian_report):
    chain = chain_positioning(taian_store, taian_spec, store=taian_store)
    table = next(t for t in taian_report[0].tables() if t.key == "chain.table")
    assert len(table.rows) == len(chain.nodes) == len(taian_spec.walk())
    for row, node in zip(table.rows, chain.nodes, strict=True):
        assert row[0].strip("　") == node.node
        assert row[1] == f"{node.home:,}" and row[2] == f"{node.national:,}"
        assert row[3] == f"{node.share_of_national * 100:.1f}%"
        assert row[4] == f"{node.rta:.2f}"
