"""The engine against real exports: what the databases say about term and lapse agrees
with the engine's dates. Expectations are computed here with pandas over the raw files
(calendar offsets, not patnav's date code)."""

from __future__ import annotations

import warnings
from datetime import date

import pandas as pd
import pytest

from patnav.fees import cn
from patnav.fees.maintenance import Evidence, maintenance_state

INCOPAT = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"
PATENTICS = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"
PATENTICS_DAY = date(2022, 5, 30)  # the export's date, in its file name
TYPES = {
    "发明授权": "invention",
    "发明申请": "invention",
    "实用新型": "utility_model",
    "外观设计": "design",
}
TERM = {"invention": 20, "utility_model": 10}


def _term_end(filed: pd.Timestamp, ptype: str) -> date:
    years = TERM.get(ptype) or (15 if filed >= pd.Timestamp("2021-06-01") else 10)
    return (filed + pd.DateOffset(years=years) - pd.Timedelta(days=1)).date()


def _whole_years(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return max(n for n in range(0, 30) if start + pd.DateOffset(years=n) <= end)


@pytest.fixture(scope="module")
def incopat(data_dir):
    with warnings.catch_warnings():  # openpyxl: the export's workbook has no styles
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_excel(data_dir / INCOPAT)
    frame = frame[frame["公开（公告）号"].str.startswith("CN")].copy()
    frame["ptype"] = frame["专利类型"].map(TYPES)
    # the export is no older than its newest publication
    return frame, frame["公开（公告）日"].max()


def test_incopat_expired_patents_ended_their_term_before_the_export(incopat):
    frame, cutoff = incopat
    rows = frame[frame["当前法律状态"] == "期限届满"]
    assert len(rows) == 35
    for filed, ptype, pub in zip(
        rows["申请日"], rows["ptype"], rows["公开（公告）号"], strict=True
    ):
        expected = _term_end(filed, ptype)
        assert cn.term_end(ptype, filed.date()) == expected, pub
        assert expected < cutoff.date(), pub


def test_incopat_granted_patents_in_force_have_terms_running_past_the_export(incopat):
    frame, cutoff = incopat
    rows = frame[frame["当前法律状态"] == "授权"]
    assert len(rows) == 2037
    ends = [
        cn.term_end(p, f.date())
        for f, p in zip(rows["申请日"], rows["ptype"], strict=True)
    ]
    assert ends == [
        _term_end(f, p) for f, p in zip(rows["申请日"], rows["ptype"], strict=True)
    ]
    assert min(ends) >= cutoff.date()


def test_incopat_unpaid_fee_lapses_terminate_on_a_due_date_after_the_grant_year(
    incopat,
):
    """未缴年费 on a grant publication: paid at least through the year of grant (paid at
    registration), the first fee the owner could fail is the next year's, due on the
    anniversary; its grace ended before the export, so the engine must find the patent
    lapsed as of that due date at the latest."""
    frame, cutoff = incopat
    rows = frame[
        (frame["当前法律状态"] == "未缴年费")
        & frame["专利类型"].isin(["发明授权", "实用新型"])
    ]
    assert len(rows) == 192
    for filed, granted, ptype, pub in zip(
        rows["申请日"],
        rows["公开（公告）日"],
        rows["ptype"],
        rows["公开（公告）号"],
        strict=True,
    ):
        grant_year = _whole_years(filed, granted) + 1
        due = filed + pd.DateOffset(years=grant_year)
        assert due + pd.DateOffset(months=6) < cutoff, pub
        result = cn.fees_due(
            ptype,
            filed.date(),
            grant_year,
            grant_date=granted.date(),
            as_of=cutoff.date(),
        )
        assert result.status == "lapsed", pub
        assert result.termination_date == due.date(), pub
        assert result.years_maintained_at_as_of == grant_year, pub


@pytest.fixture(scope="module")
def patentics(data_dir):
    raw = pd.read_csv(
        data_dir / PATENTICS, encoding="utf-8-sig", dtype=str, index_col=False
    )
    raw = raw[raw["法律状态"] == "有效"].copy()
    raw["kind"] = raw["公开号"].str.extract(r"([A-Z])\d?$", expand=False)
    raw["ptype"] = raw["kind"].map(
        {"A": "invention", "B": "invention", "U": "utility_model", "Y": "utility_model"}
    )
    raw["filed"] = pd.to_datetime(raw["申请日"], format="%Y%m%d")
    raw["granted"] = pd.to_datetime(raw["授权公告日"], format="%Y%m%d")
    return raw


def test_patentics_patents_in_force_on_the_export_day_show_their_fees_paid(patentics):
    """In force on the export day D: every fee whose grace ended before D was paid; the
    next fee is the following year's, due on its anniversary, and the patent is in force
    or in grace on D — never unknown, lapsed or expired."""
    day = pd.Timestamp(PATENTICS_DAY)
    assert len(patentics) == 1600
    for filed, granted, ptype, pub in zip(
        patentics["filed"],
        patentics["granted"],
        patentics["ptype"],
        patentics["公开号"],
        strict=True,
    ):
        assert _term_end(filed, ptype) >= PATENTICS_DAY, pub
        current = _whole_years(filed, day) + 1
        current_due = filed + pd.DateOffset(years=current - 1)
        paid = current if day > current_due + pd.DateOffset(months=6) else current - 1
        paid = max(paid, _whole_years(filed, granted) + 1)
        last = paid >= TERM[ptype]  # every year of the term paid: nothing is due
        next_due = None if last else filed + pd.DateOffset(years=paid)
        state = maintenance_state(
            Evidence(
                "CN",
                ptype,
                filed.date(),
                granted.date(),
                "active",
                PATENTICS_DAY,
                "source",
            ),
            as_of=PATENTICS_DAY,
        )
        assert state is not None, pub
        assert state.paid_through_year == paid, pub
        assert state.next_due == (next_due.date() if next_due is not None else None), (
            pub
        )
        due_passed = next_due is not None and day > next_due
        assert state.state == ("in_grace" if due_passed else "in_force"), pub
        assert state.years_maintained == _whole_years(filed, day), pub
