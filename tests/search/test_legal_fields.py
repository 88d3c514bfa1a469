"""The legal search fields (issue 14): EV= (event), OW= (current owner), EXD= (expiry
date), DUE= (next annuity due), YM= (years maintained).

Events and owners are checked against the raw PatSnap export (pandas over the file), the
expiry dates against the Patentics export's statutory terms computed in
:mod:`tests.patentics`; DUE= and YM= against the maintenance table the fee engine filled
(the engine itself is checked against the raw files in tests/fees).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from patnav.errors import QuerySyntaxError
from patnav.search import compile_query
from patnav.storage.store import PatentStore
from tests import patentics
from tests.patsnap import head_store, parts

ROWS = 3000


def _ids(store: PatentStore, query: str) -> set[str]:
    compiled = compile_query(query)
    return {r[0] for r in store.rows(compiled.sql, compiled.params)}


@pytest.fixture(scope="module")
def patsnap(tmp_path_factory, data_dir):
    """The first rows of the PatSnap export, as a frame and imported into a store."""
    return head_store(data_dir, tmp_path_factory.mktemp("patsnap"), ROWS)


def _with_event(frame: pd.DataFrame, test) -> set[str]:
    return {
        pub
        for pub, cell in zip(frame["公开公告号"], frame["法律状态事件"], strict=True)
        if any(test(p) for p in parts(cell))
    }


@pytest.mark.parametrize(
    ("query", "test"),
    [
        ("EV=质押", lambda p: "质押" in p and "解除" not in p),
        ("EV=pledge", lambda p: "质押" in p and "解除" not in p),
        ("法律事件=权利转移", lambda p: p in ("权利转移", "转让")),
        ("EV=许可", lambda p: "许可" in p),
        ("EV=未缴年费", lambda p: "年费" in p or "终止" in p or "届满" in p),
        ("EV=保全", lambda p: "保全" in p),
        ("EV=复审", lambda p: "复审" in p),
    ],
)
def test_event_field_returns_the_raw_files_documents(patsnap, query, test):
    frame, path = patsnap
    expected = _with_event(frame, test)
    with PatentStore.open(path, read_only=True) as store:
        got = _ids(store, query)
    assert got == expected
    assert expected, f"the first {ROWS} rows hold no document for {query}"


def test_events_combine_with_status(patsnap):
    frame, path = patsnap
    transferred = _with_event(frame, lambda p: p == "权利转移")
    active = set(frame.loc[frame["简单法律状态"] == "有效", "公开公告号"])
    with PatentStore.open(path, read_only=True) as store:
        got = _ids(store, "EV=权利转移 AND LS=有效")
        without = _ids(store, "LS=有效 NOT EV=权利转移")
    assert got == transferred & active and got
    assert without == active - transferred


def test_current_owner_from_the_owner_column(patsnap):
    frame, path = patsnap
    owners = frame["当前申请专利权人"].fillna("")
    with PatentStore.open(path, read_only=True) as store:
        for name in ("武汉", "重庆颢晨机械有限公司"):
            expected = set(frame.loc[owners.str.contains(name), "公开公告号"])
            assert _ids(store, f"OW={name}") == expected and expected
        both = _ids(store, "OW=武汉* AND EV=质押")
    pledged = _with_event(frame, lambda p: "质押" in p and "解除" not in p)
    wuhan = set(frame.loc[owners.str.startswith("武汉"), "公开公告号"])
    assert both == pledged & wuhan


@pytest.fixture(scope="module")
def patentics_store(tmp_path_factory, data_dir):
    return patentics.store_path(tmp_path_factory, data_dir)


@pytest.fixture(scope="module")
def patentics_frame(data_dir):
    return patentics.read(data_dir)


def test_without_an_owner_record_the_applicant_stands_in(
    patentics_store, patentics_frame
):
    frame = patentics_frame
    applicants = frame["applicant"].fillna("")
    with PatentStore.open(patentics_store, read_only=True) as store:
        assert (
            store.scalar("SELECT count(*) FROM parties WHERE role = 'current_owner'")
            == 0
        )
        for name in ("华为", "京东方"):
            expected = set(frame.loc[applicants.str.contains(name), "pub"])
            assert _ids(store, f"OW={name}") == expected and expected


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [
        ("EXD=[2030 TO 2035]", date(2030, 1, 1), date(2035, 12, 31)),
        ("届满日<2027-06-01", None, date(2027, 5, 31)),
        ("EXD>=2040", date(2040, 1, 1), None),
    ],
)
def test_expiry_field_matches_the_statutory_terms(
    patentics_store, patentics_frame, query, low, high
):
    frame = patentics_frame
    expected = {
        pub
        for pub, expiry in zip(frame["pub"], frame["expiry"], strict=True)
        if expiry is not None
        and (low is None or expiry >= low)
        and (high is None or expiry <= high)
    }
    with PatentStore.open(patentics_store, read_only=True) as store:
        got = _ids(store, query)
    assert got == expected and expected


@pytest.mark.parametrize(
    ("query", "condition", "params"),
    [
        ("YM>=10", "years_maintained >= ?", [10]),
        ("维持年限=[3 TO 5]", "years_maintained BETWEEN ? AND ?", [3, 5]),
        ("YM=7", "years_maintained = ?", [7]),
        ("YM<3", "years_maintained < ?", [3]),
        (
            "DUE=[2022-01 TO 2022-06]",
            "next_due BETWEEN ? AND ?",
            [date(2022, 1, 1), date(2022, 6, 30)],
        ),
    ],
)
def test_maintenance_fields_select_the_maintenance_rows(
    patentics_store, query, condition, params
):
    with PatentStore.open(patentics_store, read_only=True) as store:
        expected = {
            r[0]
            for r in store.rows(
                f"SELECT DISTINCT doc_id FROM maintenance WHERE {condition}", params
            )
        }
        got = _ids(store, query)
        # a document without a maintenance row (unknown) never matches, nor its negation
        unknown = {
            r[0]
            for r in store.rows(
                "SELECT doc_id FROM patents WHERE doc_id NOT IN "
                "(SELECT doc_id FROM maintenance WHERE years_maintained IS NOT NULL)"
            )
        }
    assert got == expected and expected
    assert not got & unknown


@pytest.mark.parametrize(
    ("query", "column", "words"),
    [
        ("YM=abc", 4, "整数"),
        ("YM=[9 TO 3]", 4, "起点晚于终点"),
        ("TI=[2015 TO 2016]", 4, "YM"),
    ],
)
def test_bad_values_are_said_in_chinese(query, column, words):
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(query)
    assert info.value.column == column
    assert words in info.value.message_zh
