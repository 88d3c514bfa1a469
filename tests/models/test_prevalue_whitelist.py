"""White-list candidates against an independent pandas reading of the PatSnap export:
companies owning in-force invention patents with no pledge, preservation or fee lapse."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.models.prevalue.whitelist import COLUMNS_ZH, build_whitelist
from patnav.storage.store import PatentStore
from tests.models.prevalue_data import EXPORT_DAY
from tests.patsnap import parts

BLOCKING_EVENTS = ("质押", "保全", "未缴年费")


def _passing_inventions(frame: pd.DataFrame, region: str | None = None) -> pd.Series:
    """Per owner name: PatSnap invention patents 有效 with no blocking event."""
    rows = frame[
        frame["专利类型"].isin(["发明", "发明专利"])
        & (frame["简单法律状态"] == "有效")
        & frame["法律状态事件"]
        .map(parts)
        .map(lambda e: not set(e) & set(BLOCKING_EVENTS))
    ]
    if region:
        rows = rows[rows["当前申请专利权人州省"].fillna("").str.contains(region)]
    owners = rows["当前申请专利权人"].map(parts).explode()
    return owners[owners.str.contains("公司", na=False)].value_counts()


@pytest.fixture(scope="module")
def listed(prevalue_store):
    patsnap, rows, path = prevalue_store
    with PatentStore.open(path, read_only=True) as store:
        everything = build_whitelist(store, as_of=EXPORT_DAY)
        hubei = build_whitelist(store, region="湖北", as_of=EXPORT_DAY)
    return patsnap, rows, everything, hubei


def _patentics_inventions(rows: pd.DataFrame) -> pd.Series:
    """Per applicant company: the Patentics rows' inventions (all 有效, granted since 2018,
    no legal events in that source)."""
    inv = rows[~rows["公开号"].str.endswith("U")]
    owners = (
        inv["申请人"].map(lambda v: [p.strip() for p in str(v).split("|")]).explode()
    )
    return owners[owners.str.contains("公司", na=False)].value_counts()


def test_candidates_and_their_passing_inventions_match_the_raw_files(listed):
    patsnap, rows, everything, _ = listed
    expected = _passing_inventions(patsnap).add(
        _patentics_inventions(rows), fill_value=0
    )
    assert everything.basis == "applicants"
    assert "库中无企业库" in everything.note
    by_name = {e.name: e for e in everything.entries}
    checked = 0
    for name, count in expected.items():
        if name in by_name:
            assert by_name[name].inventions == count, name
            checked += 1
    assert checked >= 3
    # every PatSnap owner with a passing invention is a candidate
    assert set(expected.index) <= set(by_name)


def test_candidates_are_ranked_with_reasons_and_unknowns(listed):
    _, _, everything, _ = listed
    ranks = [e.inventions for e in everything.entries]
    assert ranks == sorted(ranks, reverse=True)
    assert [e.rank for e in everything.entries] == list(range(1, len(ranks) + 1))
    first = everything.entries[0]
    assert f"{first.inventions} 件有效发明专利通过核查" in first.reasons
    assert "未评分" in first.reasons  # no value scores in this store
    assert first.unknown != ""
    frame = everything.to_frame()
    assert list(frame.columns) == list(COLUMNS_ZH.values())


def test_a_region_keeps_its_own_companies(listed):
    patsnap, _, everything, hubei = listed
    assert hubei.entries
    assert all("湖北" in e.region for e in hubei.entries)
    expected = _passing_inventions(patsnap, "湖北")
    assert {e.name for e in hubei.entries} >= set(expected.index)
    assert len(hubei.entries) < len(everything.entries)


def _code(org: str) -> str:
    from patnav.enterprises.uscc import check_character

    first = "91420500" + org  # made-up codes (correct check character), as the fixtures
    return first + check_character(first)


def test_with_a_register_candidates_are_its_linked_enterprises(
    prevalue_store, tmp_path
):
    """A made-up register naming two real owners of the rows (codes invented)."""
    from patnav.enterprises.links import link_enterprises
    from patnav.enterprises.store import import_register
    from patnav.models.prevalue.portfolio import borrower_of, from_enterprise

    patsnap, rows, path = prevalue_store
    expected = _passing_inventions(patsnap).add(
        _patentics_inventions(rows), fill_value=0
    )
    names = list(expected.index[:2])
    register = tmp_path / "企业库_虚构.csv"
    register.write_text(
        "企业名称,统一社会信用代码\n"
        + "".join(f"{n},{_code(f'FXC00000{i}')}\n" for i, n in enumerate(names, 1)),
        "utf-8",
    )
    copy = tmp_path / "register.duckdb"
    copy.write_bytes(path.read_bytes())
    with PatentStore.open(copy) as store:
        assert import_register(store, register).new == len(names)
        link_enterprises(store)
        listed = build_whitelist(store, as_of=EXPORT_DAY)
        borrower = borrower_of(store, _code("FXC000001"))
        portfolio, _ = from_enterprise(store, _code("FXC000001"))
    assert listed.basis == "register"
    assert [e.name for e in listed.entries] == sorted(
        names, key=lambda n: (-expected[n], n)
    )[: len(listed.entries)]
    assert {e.name for e in listed.entries} == set(names)
    for e in listed.entries:
        assert e.inventions == expected[e.name]
        assert e.uscc is not None
    assert borrower.name == names[0]
    assert borrower.enterprise_id is not None
    assert "企业库企业" in borrower.how
    assert portfolio.doc_ids
