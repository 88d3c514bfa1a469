"""The 专利侵权风险排查（FTO）报告 on real claims (issue 16): every chapter, a candidate row
per screened candidate, a claim chart per charted claim, unknown statuses said 未知 and
never listed as free, the disclaimer; the DOCX and the PDF; ``patnav fto --out``.

The store is the one ``tests/models/test_fto.py`` builds from the real CNIPA, EPO and USPTO
XML samples (its fixture is imported, not rebuilt differently); the product is one of the
hand-written descriptions of ``tests/data/fto_products/products.jsonl``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from patnav.analyses.fto_scope import Evidence
from patnav.models.fto import DISCLAIMER, RISK_ZH, VERDICT_ZH, product_from_text, screen
from patnav.reports import render_report
from patnav.reports.check import check_report
from patnav.reports.fto import SHOWN_LOW, TITLE, build_fto_report, fto_report
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore
from tests.models.test_fto import AS_OF, _products, xml_store_path  # noqa: F401

HEADINGS = (
    "排查对象与范围",
    "检索策略",
    "候选专利一览",
    "权利要求对比",
    "各国法律状态与期限",
    "可自由实施（已失效）清单",
    "需关注（审中）清单",
    "局限与声明",
)
CHART_COLUMNS = ("序号", "技术特征", "对应产品特征", "相似度", "结论")
TOP = 8
COUNTRIES = ("CN", "US", "DE")


@pytest.fixture(scope="module")
def built(xml_store_path, data_dir, tmp_path_factory):  # noqa: F811
    """A screening of product p14 (written from EP3383757B1) in CN, US and DE with the
    semantic part, its report, the stored legal status of its candidates, and the DOCX
    and PDF."""
    folder = tmp_path_factory.mktemp("fto_report")
    p = _products()["p14"]
    with PatentStore.open(xml_store_path, read_only=True) as store:
        with SearchIndex(store, data_dir=data_dir) as index:
            result = screen(
                store,
                product_from_text(p["text"]),
                COUNTRIES,
                AS_OF,
                top=TOP,
                index=index,
            )
        report = fto_report(store, result, top=TOP)
        legal = dict(
            store.rows(
                "SELECT doc_id, legal_status FROM patents WHERE list_contains(?, doc_id)",
                [[c.candidate.doc_id for c in result.candidates]],
            )
        )
    files = {
        f: render_report(report, f, folder / "out") for f in ("docx", "pdf", "html")
    }
    return p, result, report, legal, files


def _tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def test_the_report_passes_the_report_check(built):
    _, _, report, _, _ = built
    assert check_report(report) == []


def test_the_docx_has_every_chapter_and_the_disclaimer(built):
    _, result, _, _, files = built
    document = docx.Document(str(files["docx"]))
    headings = [
        x.text for x in document.paragraphs if x.style.name.startswith("Heading")
    ]
    for h in HEADINGS:
        assert any(h in x for x in headings), h
    text = "\n".join(x.text for x in document.paragraphs)
    cells = {c for t in _tables(document) for row in t for c in row}
    assert DISCLAIMER in text
    assert "不构成法律意见" in text
    assert AS_OF.isoformat() in text
    # the product's features as read, numbered, and the search strategy actually used
    assert len(result.product.features) > 1
    for f in result.product.features:
        assert f.text in cells
    assert result.retrieval.method == "hybrid"
    assert result.method == "lexical+semantic"
    assert "全文检索（BM25）与多语种语义检索融合排序" in cells
    assert "分词共有词比对与多语种语义相似度结合" in cells
    assert f"前 {TOP} 件（实得 {len(result.candidates)} 件）" in cells
    assert "、".join(COUNTRIES) in text


def _candidate_table(document) -> list[list[str]]:
    return next(
        t for t in _tables(document) if t[0][:3] == ["公开号", "名称", "权利人"]
    )


def test_the_candidate_table_is_the_screening(built):
    _, result, _, _, files = built
    document = docx.Document(str(files["docx"]))
    table = _candidate_table(document)
    header, rows = table[0], table[1:]
    assert header[3:] == [*(f"{k} 状态" for k in COUNTRIES), "风险", "全部技术特征"]
    assert len(rows) == len(result.candidates) == TOP
    out = result.to_dict()["candidates"]
    assert [r[0] for r in rows] == [c["pub_number"] for c in out]
    risk = header.index("风险")
    assert [r[risk] for r in rows] == [RISK_ZH[c["risk"]] for c in out]
    for row, c in zip(rows, out, strict=True):
        for i, k in enumerate(COUNTRIES, 3):
            assert row[i] == STATUS_ZH_EXPECTED[c["country_status"][k]["category"]]
        assert row[-1] == (VERDICT_ZH[c["verdict"]] if c["claim"] is not None else "-")


STATUS_ZH_EXPECTED = {
    "in_force": "有效",
    "pending": "审中（需关注）",
    "free": "已失效（可自由实施）",
    "unknown": "未知",
    "not_in_country": "未进入该国",
}


def test_each_chart_table_is_the_screenings_elements(built):
    _, result, _, _, files = built
    document = docx.Document(str(files["docx"]))
    charts = [t for t in _tables(document) if tuple(t[0]) == CHART_COLUMNS]
    candidates = result.to_dict()["candidates"]
    charted = [
        c for i, c in enumerate(candidates) if c["risk"] != "low" or i < SHOWN_LOW
    ]
    claims = [ch for c in charted for ch in c["claims"]]
    assert len(charted) >= SHOWN_LOW
    assert len(charts) == len(claims) > 0
    for table, claim in zip(charts, claims, strict=True):
        rows = table[1:]
        assert [r[0] for r in rows] == [str(e["index"]) for e in claim["elements"]]
        assert [r[1] for r in rows] == [e["text"] for e in claim["elements"]]
        assert [r[4] for r in rows] == [e["verdict_label"] for e in claim["elements"]]
        for r, e in zip(rows, claim["elements"], strict=True):
            assert r[3] == (
                "-" if e["similarity"] is None else f"{e['similarity']:.2f}"
            )
            assert (e["matched_feature"] or "-") in r[2]
    # the all-elements conclusion, and the unmet elements as design-around room
    text = "\n".join(x.text for x in document.paragraphs)
    for ch in claims:
        assert f"权利要求{ch['claim']}：" in text
    unmet = [ch for ch in claims if ch["not_met"]]
    assert unmet
    for ch in unmet:
        assert f"规避设计空间（权利要求{ch['claim']}" in text
        by_index = {e["index"]: e["text"] for e in ch["elements"]}
        for i in ch["not_met"]:
            assert f"（{i}）“{by_index[i]}”" in text


def test_an_unknown_status_is_unknown_and_never_free(built):
    _, result, report, legal, files = built
    # the XML samples carry no legal status: every status the screening knows comes
    # from events (a US grant); where none decides, it is unknown
    unknown = [
        (c.candidate.pub_number, r.country)
        for c in result.candidates
        for r in c.status.countries
        if r.category == "unknown"
    ]
    assert unknown
    for number, _ in unknown:
        assert legal[number] is None
    document = docx.Document(str(files["docx"]))
    tables = _tables(document)
    table = _candidate_table(document)
    for number, country in unknown:
        row = next(r for r in table if r[0] == number)
        assert row[3 + COUNTRIES.index(country)] == "未知"
    status = next(t for t in tables if t[0][:3] == ["公开号", "国家/地区", "状态"])
    assert len(status) - 1 == len(result.candidates) * len(COUNTRIES)
    for number, country in unknown:
        row = next(r for r in status if r[0] == number and r[1] == country)
        assert row[2] == "未知"
    # the free-to-use list: only candidates free in every target country
    free = next(s for s in report.sections if s.key == "lists").blocks[0]
    listed = {r[0] for b in free.blocks if hasattr(b, "rows") for r in b.rows}
    assert listed == {c.candidate.pub_number for c in result.of("free")}
    assert not listed & {n for n, _ in unknown}
    text = "\n".join(x.text for x in document.paragraphs)
    unknown_docs = [c.candidate.pub_number for c in result.of("unknown")]
    assert unknown_docs
    assert (
        f"法律状态未知的候选专利 {len(unknown_docs)} 件（"
        + "、".join(unknown_docs)
        + "）未列入可自由实施清单"
    ) in text


def test_the_pdf_renders_the_title_and_the_disclaimer(built):
    _, result, _, _, files = built
    reader = PdfReader(str(files["pdf"]))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert TITLE in text
    assert DISCLAIMER in text
    assert result.candidates[0].candidate.pub_number in text


def test_the_html_has_the_title_the_disclaimer_and_unknown_statuses(built):
    _, result, _, _, files = built
    page = files["html"].read_text("utf-8")
    assert TITLE in page and DISCLAIMER in page
    for c in result.candidates:
        assert c.candidate.pub_number in page
    assert "未知" in page


def test_the_cli_writes_the_report(xml_store_path, data_dir, monkeypatch, tmp_path):  # noqa: F811
    from patnav.cli import cli

    monkeypatch.setenv("PATNAV_DATA_DIR", str(data_dir))
    p = _products()["p14"]
    args = [
        "--store",
        str(xml_store_path),
        "fto",
        "--product",
        p["text"],
        "--country",
        "US",
        "--as-of",
        "2025-06-30",
        "--top",
        "3",
        "--lexical",
    ]
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    files = list(out.glob("*.docx"))
    assert len(files) == 1
    assert f"已写出报告：{files[0]}" in result.output
    document = docx.Document(str(files[0]))
    assert TITLE in "\n".join(x.text for x in document.paragraphs)
    as_json = CliRunner().invoke(
        cli, [*args, "--json", "--out", str(tmp_path / "both"), "--format", "docx,pdf"]
    )
    assert as_json.exit_code == 0, as_json.output
    written = json.loads(as_json.output)["files"]
    assert [Path(f).suffix for f in written] == [".docx", ".pdf"]
    assert all(Path(f).is_file() for f in written)
    bad = CliRunner().invoke(cli, [*args, "--out", str(out), "--format", "odt"])
    assert bad.exit_code != 0
    assert "报告格式" in bad.output


def test_the_data_sources_are_what_the_raw_files_hold(built, data_dir):
    _, _, _, _, files = built
    formats = data_dir / "formats"
    weekly = sorted((formats / "uspto-xml" / "patentsview-weekly").glob("ipg*.xml"))
    cn = [p for p in (formats / "cnipa-xml").iterdir() if p.suffix.lower() == ".xml"]
    ep = sorted((formats / "epo-xml").glob("*.xml"))
    expected = {
        "US": sum(p.read_bytes().count(b"<us-patent-grant ") for p in weekly),
        "EP": len(ep),  # one document per file
        "CN": len(cn),
    }
    document = docx.Document(str(files["docx"]))
    table = next(
        t for t in _tables(document) if t[0] == ["受理局", "文献数", "最晚公开日"]
    )
    assert {r[0]: int(r[1]) for r in table[1:]} == expected
    # the latest publication dates: EP from date-publ, US grants from the weekly files'
    # issue dates (ipgYYMMDD); the cut-off is the latest of all
    rows = {r[0]: r[2] for r in table[1:]}
    ep_latest = max(
        re.search(rb'date-publ="(\d{8})"', p.read_bytes()).group(1).decode() for p in ep
    )
    us_latest = max("20" + p.name[3:9] for p in weekly)
    assert rows["EP"] == _iso(ep_latest)
    assert rows["US"] == _iso(us_latest)
    cutoff = max(rows.values())
    assert cutoff == max(_iso(ep_latest), _iso(us_latest))
    text = "\n".join(x.text for x in document.paragraphs)
    assert f"数据截止日：{cutoff}（库中文献的最晚公开日）" in text
    assert (
        f"“cnipa-xml” {len(cn)} 个、“epo-xml” {len(ep)} 个、“uspto-xml” {len(weekly)} 个"
        in text
    )


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def test_the_free_and_watch_lists_follow_the_status(built):
    """The XML samples hold no lapse or pending application in the target countries: two
    real candidates are placed there by hand (the report's lists, not the screening, are
    under test) — the lapsed one with its lapse event, the pending one undated."""
    _, result, _, _, _ = built
    first, second, *rest = result.candidates

    def placed(c, category, evidence):
        rows = tuple(
            replace(r, category=category, evidence=evidence(r))
            for r in c.status.countries
        )
        return replace(c, status=replace(c.status, status=category, countries=rows))

    lapsed = placed(
        first,
        "free",
        lambda r: Evidence(first.candidate.pub_number, None, "lapse", date(2020, 3, 1)),
    )
    pending = placed(
        second,
        "pending",
        lambda r: Evidence(second.candidate.pub_number, "legal_status", None, None),
    )
    changed = replace(result, candidates=(lapsed, pending, *rest))
    report = build_fto_report(changed, made_on=AS_OF)
    assert check_report(report) == []
    lists = next(s for s in report.sections if s.key == "lists")
    free, watch = (
        b for b in lists.blocks if getattr(b, "key", "") in ("free", "pending")
    )
    free_rows = [r for b in free.blocks if hasattr(b, "rows") for r in b.rows]
    watch_rows = [r for b in watch.blocks if hasattr(b, "rows") for r in b.rows]
    assert [r[0] for r in free_rows] == [first.candidate.pub_number]
    assert "事件：失效（2020-03-01）" in free_rows[0][3]
    assert [r[0] for r in watch_rows] == [second.candidate.pub_number]
    assert "法律状态字段（未载）" in watch_rows[0][3]
    # without the store's facts owners and the cut-off are said unknown, not guessed
    table = next(t for t in report.tables() if t.key == "candidates")
    assert {r[2] for r in table.rows} == {"未载"}
    assert ("数据截止日", "未知") in report.meta


# -- an analyst's corrections (issue 16: editable verdicts) ------------------------------

_RANK = {"met": 3, "possibly_met": 2, "unclear": 1, "not_met": 0}


def _claim_by_hand(verdicts: list[str]) -> str:
    """The all-elements rule, written out again from docs/fto.md."""
    if not verdicts:
        return "unclear"
    if "not_met" in verdicts:
        return "not_met"
    if all(v == "met" for v in verdicts):
        return "met"
    return "unclear" if "unclear" in verdicts else "possibly_met"


def _risk_by_hand(claims: list[tuple[str, float, int]], status: str) -> str:
    """Risk from the best claim (verdict, then mean similarity) and the status."""
    if not claims:
        risk = "unknown"
    else:
        best = max(claims, key=lambda c: (_RANK[c[0]], c[1], -c[2]))[0]
        risk = {
            "met": "high",
            "possibly_met": "medium",
            "not_met": "low",
            "unclear": "unknown",
        }[best]
    if status in ("free", "not_in_country"):
        return "low"
    if status == "pending" and risk == "high":
        return "medium"
    return risk


def _fix(c, claim, element, old, new, comment=None, by="ta_analyst"):
    from datetime import datetime

    from patnav.models.fto.corrections import VerdictCorrection

    return VerdictCorrection(
        c.candidate.pub_number or c.candidate.doc_id,
        claim,
        element,
        old,
        new,
        comment,
        by,
        datetime(2026, 12, 7, 9, 30),
    )


def test_with_no_corrections_the_charts_are_the_machines(built):
    from patnav.models.fto.charts import with_verdicts
    from patnav.models.fto.corrections import apply_corrections

    _, result, _, _, _ = built
    for c in result.candidates:
        assert with_verdicts(c.chart, {}) == c.chart
    assert apply_corrections(result, ()) is result


def _target(result):
    """A candidate not free anywhere whose best independent claim has two or more
    elements and the machine did not find fully met."""
    return next(
        c
        for c in result.candidates
        if c.status.status in ("in_force", "unknown", "pending")
        and c.chart.best is not None
        and len(c.chart.best.elements) >= 2
        and c.chart.best.verdict != "met"
    )


def test_corrected_verdicts_decide_the_claims_and_risk_by_the_same_rule(built):
    from patnav.models.fto.charts import with_verdicts
    from patnav.models.fto.corrections import apply_corrections

    _, result, _, _, _ = built
    c = _target(result)
    before = result.to_dict()
    # every element of every independent claim corrected to met
    fixes = [
        _fix(c, ch.num, e.index, e.verdict, "met")
        for ch in c.chart.claims
        for e in ch.elements
    ]
    corrected = apply_corrections(result, fixes)
    assert result.to_dict() == before  # the machine's screening is not changed
    new = next(
        x for x in corrected.candidates if x.candidate.doc_id == c.candidate.doc_id
    )
    for ch in new.chart.claims:
        assert (
            ch.verdict
            == _claim_by_hand([e.verdict for e in ch.elements])
            == ("met" if ch.elements else "unclear")
        )
        assert ch.not_met == ()
    hand = _risk_by_hand(
        [(ch.verdict, ch.mean_similarity, ch.num or 0) for ch in new.chart.claims],
        c.status.status,
    )
    assert new.risk == hand
    assert hand in ("high", "medium")
    assert new.risk != c.risk or c.risk == hand
    assert any("经分析师修正" in r for r in new.reasons)
    # the similarities and matched features stay the machine's
    for old_ch, new_ch in zip(c.chart.claims, new.chart.claims, strict=True):
        assert [e.similarity for e in old_ch.elements] == [
            e.similarity for e in new_ch.elements
        ]
    # a later correction of one element of each claim to not met wins
    later = [
        _fix(c, ch.num, ch.elements[-1].index, "met", "not_met", "产品无此部件")
        for ch in c.chart.claims
        if ch.elements
    ]
    again = apply_corrections(result, [*fixes, *later])
    new = next(x for x in again.candidates if x.candidate.doc_id == c.candidate.doc_id)
    for ch in new.chart.claims:
        if ch.elements:
            assert ch.verdict == "not_met"
            assert ch.not_met == (ch.elements[-1].index,)
    assert new.risk == _risk_by_hand(
        [(ch.verdict, ch.mean_similarity, ch.num or 0) for ch in new.chart.claims],
        c.status.status,
    )
    # dependent claims: their independent claims all not met, they are not met with them
    for f in new.chart.fallbacks:
        assert f.verdict == "not_met"
        assert f.inherited_from is not None
    # the same chart through the helper directly
    direct = with_verdicts(
        c.chart, {(x.claim, x.element): x.verdict for x in [*fixes, *later]}
    )
    assert direct == new.chart
    with pytest.raises(ValueError, match="verdict"):
        with_verdicts(c.chart, {(c.chart.claims[0].num, 0): "yes"})


def test_a_bad_verdict_or_an_unknown_element_is_refused_in_both_languages(built):
    from patnav.errors import InvalidParameterError
    from patnav.models.fto.corrections import check_verdict, find_element

    _, result, _, _, _ = built
    c = _target(result)
    claim = c.chart.best
    with pytest.raises(InvalidParameterError, match="结论应为") as bad:
        check_verdict("infringed")
    assert "verdict must be one of" in str(bad.value)
    with pytest.raises(InvalidParameterError, match="没有序号为 99 的技术特征") as no:
        find_element(result, c.candidate.pub_number, claim.num, 99)
    assert "has no element 99" in str(no.value)
    with pytest.raises(InvalidParameterError, match="候选专利中没有"):
        find_element(result, "CN999999999A", claim.num, 0)
    with pytest.raises(InvalidParameterError, match="对比表"):
        find_element(result, c.candidate.pub_number, 9999, 0)
    found = find_element(
        result, c.candidate.pub_number.lower(), claim.num, claim.elements[0].index
    )
    assert found[2] == claim.elements[0]


def test_the_report_shows_corrections_and_the_corrected_risk(built, tmp_path):
    from patnav.models.fto.corrections import apply_corrections

    _, result, _, _, _ = built
    c = _target(result)
    claim = c.chart.best
    first = claim.elements[0]
    new_verdict = "not_met" if first.verdict != "not_met" else "met"
    fixes = [
        _fix(c, claim.num, first.index, first.verdict, new_verdict, "样机无此结构")
    ]
    corrected = apply_corrections(result, fixes)
    report = build_fto_report(result, None, top=TOP, corrections=fixes)
    assert check_report(report) == []
    path = render_report(report, "docx", tmp_path / "out")
    document = docx.Document(str(path))
    tables = _tables(document)
    # the chart table of the corrected claim: the corrected verdict, marked, with the
    # machine's and the comment; the other rows as before
    key = c.candidate.pub_number
    chart = next(
        t
        for t in tables
        if tuple(t[0]) == CHART_COLUMNS
        and [r[1] for r in t[1:]] == [e.text for e in claim.elements]
    )
    row = next(r for r in chart[1:] if r[0] == str(first.index))
    assert row[4] == (
        f"{VERDICT_ZH[new_verdict]}（分析师修正；机器结论：{VERDICT_ZH[first.verdict]}"
        "；说明：样机无此结构）"
    )
    for r, e in zip(chart[1:], claim.elements, strict=True):
        if e.index != first.index:
            assert r[4] == VERDICT_ZH[e.verdict]
    # the candidate table uses the corrected risk and conclusion
    table = _candidate_table(document)
    risk = table[0].index("风险")
    by_number = {r[0]: r for r in table[1:]}
    for x in corrected.candidates:
        assert by_number[x.candidate.pub_number][risk] == RISK_ZH[x.risk]
    new = next(x for x in corrected.candidates if x.candidate.pub_number == key)
    assert by_number[key][-1] == VERDICT_ZH[new.chart.best.verdict]
    # the list of corrections: who, when, before, after
    text = "\n".join(x.text for x in document.paragraphs)
    assert "分析师修正记录" in text
    log = next(t for t in tables if t[0][:2] == ["时间（UTC）", "修正人"])
    assert log[1] == [
        "2026-12-07 09:30",
        "ta_analyst",
        key,
        str(claim.num),
        str(first.index),
        VERDICT_ZH[first.verdict],
        VERDICT_ZH[first.verdict],
        VERDICT_ZH[new_verdict],
        "样机无此结构",
    ]
    # without corrections: no mark, no list
    plain = build_fto_report(result, None, top=TOP)
    assert "分析师修正" not in render_report(
        plain, "html", tmp_path / "plain"
    ).read_text("utf-8")


def test_corrections_reach_the_dependent_claims_by_the_same_chain(built, tmp_path):
    from patnav.models.fto.corrections import apply_corrections

    _, result, _, _, _ = built
    # a candidate whose independent claims are all not met: its dependent claims are
    # not met with them, uncharted
    c = next(
        x
        for x in result.candidates
        if x.chart.claims
        and all(ch.verdict == "not_met" for ch in x.chart.claims)
        and x.chart.fallbacks
        and all(f.elements for f in x.chart.claims)
    )
    assert all(f.inherited_from is not None for f in c.chart.fallbacks)
    fixes = [
        _fix(c, ch.num, e.index, e.verdict, "met")
        for ch in c.chart.claims
        for e in ch.elements
    ]
    new = next(
        x
        for x in apply_corrections(result, fixes).candidates
        if x.candidate.doc_id == c.candidate.doc_id
    )
    assert all(ch.verdict == "met" for ch in new.chart.claims)
    # their own features were never compared: unclear (the chain with met roots), never
    # met, and no longer inherited
    for f in new.chart.fallbacks:
        assert f.elements == ()
        assert f.inherited_from is None
        assert f.verdict == _claim_by_hand(["unclear", "met"]) == "unclear"
    assert new.risk == _risk_by_hand(
        [(ch.verdict, ch.mean_similarity, ch.num or 0) for ch in new.chart.claims],
        c.status.status,
    )
    # the report says why they are unclear, not that they have no text
    html_text = render_report(
        build_fto_report(result, None, top=TOP, corrections=fixes),
        "html",
        tmp_path / "out",
    ).read_text("utf-8")
    for f in new.chart.fallbacks:
        assert f"权利要求{f.num}" in html_text
    assert html_text.count("所引独立权利要求经分析师修正后不再不满足") == len(
        new.chart.fallbacks
    )


def test_a_corrected_dependent_claim_element_is_chained_with_its_claim(
    built,
    xml_store_path,  # noqa: F811
    data_dir,
):
    from patnav.models.fto import Matcher, chart_documents
    from patnav.models.fto.charts import with_verdicts

    _, result, _, _, _ = built
    # a product written as the first candidate's own independent claim: that claim is
    # met, so its dependent claims are charted (their own elements against the product)
    c = next(x for x in result.candidates if x.chart.claims and x.chart.fallbacks)
    claim = c.chart.claims[0]
    with (
        PatentStore.open(xml_store_path, read_only=True) as store,
        SearchIndex(store, data_dir=data_dir) as index,
    ):
        charts = chart_documents(
            store,
            [c.candidate.doc_id],
            product_from_text(claim.text),
            Matcher(index.analyzer),
        )
    chart = charts[c.candidate.doc_id]
    charted = [f for f in chart.fallbacks if f.elements]
    assert charted, "no dependent claim charted"
    f = charted[0]
    e = f.elements[0]
    flipped = "not_met" if e.verdict != "not_met" else "met"
    out = with_verdicts(chart, {(f.num, e.index): flipped})
    g = next(x for x in out.fallbacks if x.num == f.num)
    roots = [ch.verdict for ch in chart.claims if ch.num in _roots(chart, f.num)]
    own = _claim_by_hand(
        [flipped if x.index == e.index else x.verdict for x in f.elements]
    )
    assert g.verdict == _claim_by_hand([own, *(v for v in roots if v != "not_met")])
    assert g.not_met == tuple(
        x.index
        for x in f.elements
        if (flipped if x.index == e.index else x.verdict) == "not_met"
    )
    assert out.claims == chart.claims  # the independent claims are untouched


def _roots(chart, num: int) -> set[int]:
    """The independent claims a dependent claim refers to, through its chain."""
    parents = {c.num: c.parents for c in (*chart.claims, *chart.fallbacks)}
    out, todo, seen = set(), [num], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        ps = [p for p in parents.get(n, ()) if p != n]
        if not ps:
            out.add(n)
        todo.extend(ps)
    return out
