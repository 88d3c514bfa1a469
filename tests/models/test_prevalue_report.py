"""The 专利资产预评估报告: its GB/T 42748 structure, the pre-valuation disclaimer, the data
cut-off and one row per patent, in the DOCX and the PDF."""

from __future__ import annotations

import docx
import pytest
from pypdf import PdfReader

from patnav.models.prevalue import DISCLAIMER, LoanTerms, ValuationInputs, prevalue
from patnav.models.prevalue.portfolio import from_numbers
from patnav.reports import render_report
from patnav.reports.prevalue import build_prevalue_report
from patnav.storage.store import PatentStore
from tests.models.prevalue_data import EXPORT_DAY

HEADINGS = (
    "委托方与评估对象",
    "评估目的",
    "价值类型",
    "评估基准日",
    "评估假设",
    "评估方法及其选择理由",
    "法律、技术、经济分析",
    "核查结果及依据",
    "价值区间与敏感性分析",
    "质押率建议",
    "特别事项说明",
)


def _day(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}"


@pytest.fixture(scope="module")
def built(prevalue_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("prevalue_report")
    patsnap, rows, path = prevalue_store
    pledged = patsnap.loc[
        patsnap["法律状态事件"].fillna("").str.contains("质押"), "公开公告号"
    ].head(2)
    granted = rows["公开号"].head(3)
    numbers = [*pledged, *granted, "CN999999999A"]
    with PatentStore.open(path, read_only=True) as store:
        result = prevalue(
            store,
            from_numbers(store, numbers),
            LoanTerms(EXPORT_DAY, 24, "某某科技有限公司", 300),
            ValuationInputs(revenue_wan=600),
            as_of=EXPORT_DAY,
        )
    report = build_prevalue_report(result)
    # the cut-off: the latest date the Patentics rows show (the PatSnap rows have none)
    shown = rows[rows["公开号"].isin(granted)]
    cutoff = max(
        _day(v) for c in ("申请日", "公开日", "授权公告日") for v in shown[c].dropna()
    )
    files = {f: render_report(report, f, folder / "out") for f in ("docx", "pdf")}
    return result, report, numbers, cutoff, files


def test_the_report_follows_gbt_42748_and_states_what_it_is(built):
    result, report, _numbers, cutoff, _ = built
    headings = [s.heading for s in report.headings() if s.level <= 2]
    assert [h for h in headings if h in HEADINGS] == list(HEADINGS)
    assert len(report.sections) == 8  # the short parts share chapters
    assert result.checks.data_cutoff.isoformat() == cutoff
    assert ("评估基准日", f"{cutoff}（数据截止日）") in report.meta


def test_the_docx_has_the_disclaimer_cutoff_and_a_row_per_patent(built):
    _, _, numbers, cutoff, files = built
    document = docx.Document(str(files["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert DISCLAIMER in text
    assert "非资产评估报告" in text
    assert cutoff in text
    for heading in HEADINGS:
        assert any(
            heading in p.text
            for p in document.paragraphs
            if p.style.name.startswith("Heading")
        )
    for number in numbers:
        assert number in cells, number
    # the checks table of each patent found, with its evidence
    assert sum("核查明细" in p.text for p in document.paragraphs) == len(numbers) - 1
    assert "库中无此专利" in cells
    assert "存在未解除的质押（日期未载），须先解除质押方可再次出质。" in cells
    assert "提成率 \\ 折现率" in cells
    # evidence is cited in Chinese: field names and coded values are translated
    evidence = " ".join(cells)
    assert "法律状态：有效" in evidence
    for code in ("legal_status", "status_detail", "in_force", "=active"):
        assert code not in evidence


def test_the_pdf_says_it_is_a_pre_valuation_with_its_cutoff(built):
    _, _, numbers, cutoff, files = built
    reader = PdfReader(str(files["pdf"]))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "专利资产预评估报告" in text
    assert "非资产评估报告" in text
    assert cutoff in text
    assert numbers[0] in text


def test_the_technical_analysis_shows_the_raw_claims_and_citations(
    built, prevalue_store
):
    _, report, numbers, _, _ = built
    _, rows, _ = prevalue_store
    table = next(t for t in report.tables() if t.key == "analysis")
    by_number = {r[0]: r[2] for r in table.rows}
    shown = rows[rows["公开号"].isin(numbers)]
    assert len(shown) == 3
    for _, row in shown.iterrows():
        technical = by_number[row["公开号"]]
        assert f"权利要求 {int(row['权利要求数'])} 项" in technical
        assert f"被引用 {int(row['引用本文专利数'])} 次" in technical
