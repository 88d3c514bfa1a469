"""Name variants (issue 20): the key rules, the links between keys, the NBER benchmark counted
per variant, and the hand-labelled Chinese set from the real exports."""

from __future__ import annotations

import html
import zipfile
from collections import Counter
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from patnav.enrich.entities import resolve
from patnav.enrich.names import name_key
from patnav.enrich.variants import initials, variant_links, zh_trade_name
from tests.enrich.test_clustering import pairwise_and_bcubed
from tests.enrich.zh_variants import (
    COLUMNS,
    EXPORTS,
    evaluate,
    export_names,
    labelled_pairs,
)

# -- key rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Board of Regents Acting for and on Behalf of the University of Michigan",
         "university michigan"),
        ("Board of Reagents of the University of Michigan", "university michigan"),
        ("Arizona Board of Regents on Behalf of University of Arizona", "university arizona"),
        ("Curators of the University of Missouri", "university missouri"),
        ("Bd. of Trustees of Leland Stanford Junior University",
         "leland stanford junior university"),
        ("501 Regents of the University of California", "university california"),
        ("Yissum R&D Company of the Hebrew University",
         "yissum research development company hebrew university"),
        ("The United States of America as represented by the Secretary of the Department "
         "of Health and Human Services STA MD COD 06", "us health human service"),
        ("General Dynamics Corp. Electronics Div.",
         "general dynamic corporation electronic division"),
        ("General Elecric Company", "general electric"),
        ("North American Container Corp.", "north america container"),
        ("Technische Universitaet Berlin", "technical university berlin"),
        ("大陆商北京嘀嘀无限科技发展有限公司", "北京嘀嘀无限科技发展"),
        ("惠普发展公司,有限责任合伙企业", "惠普发展"),
    ],
)  # fmt: skip
def test_variant_key_rules(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    "name",
    [
        "724 Solutions Inc",  # a register number comes before more than a company form
        "3 M Company",
        "Generac Corporation",  # not a typo of general
        "Washington University",
    ],
)
def test_names_the_rules_leave_alone(name):
    assert name_key(name) == name_key(name, variant_rules=False)


def test_the_old_keys_stay_available_for_the_baseline():
    name = "Board of Reagents of the University of Michigan"
    assert name_key(name, variant_rules=False) == "reagent university michigan"
    assert name_key("大陆商北京嘀嘀无限科技发展有限公司", variant_rules=False) == (
        "大陆商北京嘀嘀无限科技发展"
    )


# -- links --------------------------------------------------------------------------------


def _links(
    names: list[str], extra_keys: tuple[str, ...] = ()
) -> set[tuple[str, str, str]]:
    keys = {name_key(n) for n in names} | set(extra_keys)
    return {(*sorted((a, b)), r) for a, b, r in variant_links(names, keys)}  # type: ignore[misc]


def test_an_acronym_links_to_its_one_expansion():
    got = _links(["NASA", "National Aeronautics and Space Administration"])
    assert ("nasa", "national aeronautic space administration", "acronym") in got
    assert initials("national aeronautic space administration") == "nasa"


def test_an_acronym_with_two_expansions_links_to_neither():
    names = ["IBM", "International Business Machines", "Integrated Building Materials"]
    assert ("ibm", "international business machine", "acronym") in _links(names[:2])
    got = _links(names)
    assert not [g for g in got if g[2] == "acronym"]


def test_a_bracketed_acronym_and_an_acronym_beside_the_name():
    got = _links(["The University of British Columbia (UBC)", "UBC"])
    assert ("ubc", "university british columbia", "bracket") in got
    got = _links(["IBM International Business Machines Corp",
                  "International Business Machines Corp"])  # fmt: skip
    assert any(r == "acronym_prefix" for *_, r in got)


def test_spacing_word_order_and_us_agencies():
    assert ("nex press solution", "nexpress solution", "spacing") in _links(
        ["Nex Press Solutions LLC", "NexPress Solutions LLC"]
    )
    assert ("oxford university", "university oxford", "university_order") in _links(
        ["Oxford University", "University of Oxford"]
    )
    assert not _links(["Washington University", "University of Washington"])
    assert not _links(["York University", "University of York"])  # Toronto, York (UK)
    assert (
        "environmental protection agency",
        "us environmental protection agency",
        "us_agency",
    ) in _links(
        [
            "The United States of America as represented by the Administrator of the "
            "Environmental Protection Agency",
            "Environmental Protection Agency",
        ]
    )


def test_a_chinese_short_name_links_to_its_one_full_name():
    assert zh_trade_name(name_key("深圳市大疆创新科技有限公司")) == "大疆"
    assert zh_trade_name(name_key("腾讯科技(深圳)有限公司")) == "腾讯"
    got = _links(["华为", "华为技术有限公司", "大疆", "深圳市大疆创新科技有限公司"])
    assert ("华为", "华为技术", "zh_short") in got
    assert ("大疆", "深圳大疆创新科技", "zh_short") in got
    assert ("腾讯科技", "腾讯科技深圳", "zh_short") in _links(
        ["腾讯科技", "腾讯科技(深圳)有限公司"]
    )
    # two firms qualify: the short name stands for neither
    assert not _links(["腾讯科技", "腾讯科技(深圳)有限公司", "腾讯科技(北京)有限公司"])
    # a full name that adds more than its place and 科技/技术/网络 is a firm of its own
    assert not _links(["华为", "华为终端有限公司"])
    assert not _links(["松下", "松下航空电子有限公司"])
    assert not _links(["中国地质大学", "中国地质大学(武汉)"])
    # a full name with its company form dropped is no short name
    assert not _links(["歌尔声学股份有限公司", "青岛歌尔声学科技有限公司"])


# -- NBER, per variant ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nber() -> pd.DataFrame:
    ref = resources.files("pv_evaluation.data.assignee").joinpath(
        "nber-subset-assignees-benchmark.csv"
    )
    with resources.as_file(ref) as path:
        data = pd.read_csv(path)
    return data.drop_duplicates("mention_id").set_index("mention_id")


def _resolved(nber: pd.DataFrame, new: bool) -> pd.Series:
    names = nber["organization"].unique()
    key = {o: name_key(o, variant_rules=new) for o in names}
    counts = nber["organization"].map(key).value_counts()
    links = [(a, b) for a, b, _ in variant_links(names, counts.index)] if new else []
    res = resolve(
        list(counts.index),
        list(counts.values),
        persons=[False] * len(counts),
        links=links,
    )
    label = dict(zip(counts.index, res.labels.tolist(), strict=True))
    return nber["organization"].map(key).map(label)


def test_nber_variants_merge_more_while_mention_precision_meets_the_goal(nber):
    old, new = _resolved(nber, False), _resolved(nber, True)
    truth = nber["unique_id"]
    per_mention = pairwise_and_bcubed(new, truth)
    assert per_mention["precision"] >= 0.99  # the goal: pairwise precision >= 0.99
    assert per_mention["recall"] >= 0.99
    # one row per distinct name (its commonest cluster), as the issue counts variants
    variants = nber.groupby("organization")["unique_id"].agg(lambda s: s.mode().iloc[0])
    first = ~nber["organization"].duplicated()
    by_name = {
        name: (o, n)
        for name, o, n in zip(
            nber["organization"][first], old[first], new[first], strict=True
        )
    }
    old_v = pd.Series({k: by_name[k][0] for k in variants.index})
    new_v = pd.Series({k: by_name[k][1] for k in variants.index})
    before = pairwise_and_bcubed(old_v, variants)
    after = pairwise_and_bcubed(new_v, variants)
    assert len(variants) == 12_364
    assert after["recall"] > before["recall"] + 0.02
    f1 = (
        2
        * after["b3_precision"]
        * after["b3_recall"]
        / (after["b3_precision"] + after["b3_recall"])
    )
    f1_before = (
        2
        * before["b3_precision"]
        * before["b3_recall"]
        / (before["b3_precision"] + before["b3_recall"])
    )
    assert f1 > f1_before


# -- the Chinese set ------------------------------------------------------------------------


def _export_text(path: Path) -> str:
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8")
    with zipfile.ZipFile(path) as z:
        parts = [
            z.read(n).decode("utf-8")
            for n in z.namelist()
            if n == "xl/sharedStrings.xml" or n.startswith("xl/worksheets/sheet")
        ]
    # shared and inline strings; a name is one text run of its cell
    return "\n".join(html.unescape(xml) for xml in parts)


def test_every_labelled_name_is_in_the_exports(data_dir):
    text = "\n".join(_export_text(data_dir / EXPORTS / f) for f in COLUMNS)
    pairs = labelled_pairs()
    missing = [n for n in {*pairs["name_a"], *pairs["name_b"]} if n not in text]
    assert missing == []
    assert set(pairs["same"]) == {0, 1} and len(pairs) >= 90


@pytest.fixture(scope="module")
def patentics_names(data_dir) -> Counter[str]:
    """The Patentics exports' names: a smaller universe than the bench's (fast CSVs)."""
    import tests.enrich.zh_variants as zv

    keep = {f: c for f, c in COLUMNS.items() if f.endswith(".csv")}
    original = zv.COLUMNS
    zv.COLUMNS = keep
    try:
        return export_names(data_dir)
    finally:
        zv.COLUMNS = original


def test_chinese_variants_join_and_different_firms_stay_apart(patentics_names):
    pairs = labelled_pairs()
    old = evaluate(patentics_names, pairs, variant_rules=False)
    new = evaluate(patentics_names, pairs)
    assert new["all"]["recall"] > old["all"]["recall"]
    assert new["all"]["precision"] >= max(old["all"]["precision"], 0.95)
    for kind in ("form", "bracket", "origin"):
        assert new[kind]["recall"] == 1.0, kind
    assert new["short"]["recall"] >= 0.5
    assert new["place"]["together"] == 0  # 腾讯科技(北京) is not 腾讯科技(深圳)
    assert new["group"]["together"] <= old["group"]["together"]
