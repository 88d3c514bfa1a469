"""Pre-valuation checks on real patents, against an independent pandas reading of the
PatSnap 中之信 and Patentics 虚拟现实 exports."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest

from patnav.errors import InputError, InvalidParameterError
from patnav.models.prevalue import LoanTerms
from patnav.models.prevalue.checks import run_checks
from patnav.models.prevalue.portfolio import (
    borrower_of,
    from_enterprise,
    from_numbers,
    from_sheet,
    split_numbers,
)
from patnav.storage.store import PatentStore
from tests.models.prevalue_data import EXPORT_DAY, LATER_DAY, term_store
from tests.patsnap import parts

LOAN = LoanTerms(EXPORT_DAY, 12)


@pytest.fixture
def data(prevalue_store):
    return prevalue_store


@pytest.fixture(scope="module")
def old(data_dir, tmp_path_factory):
    return term_store(data_dir, tmp_path_factory.mktemp("prevalue_old"))


def _events(frame: pd.DataFrame) -> pd.Series:
    return frame["法律状态事件"].map(parts)


def _run(path, numbers, loan=LOAN, borrower=None, as_of=EXPORT_DAY):
    with PatentStore.open(path, read_only=True) as store:
        who = borrower_of(store, borrower) if borrower else None
        return run_checks(
            store, from_numbers(store, numbers), loan, borrower=who, as_of=as_of
        )


def test_a_pledge_event_in_the_raw_file_fails_existing_pledge(data):
    patsnap, _, path = data
    events = _events(patsnap)
    pledged = patsnap.loc[events.map(lambda e: "质押" in e), "公开公告号"].tolist()
    free = patsnap.loc[
        events.map(lambda e: bool(e) and "质押" not in e and "质押解除" not in e),
        "公开公告号",
    ].tolist()[:50]
    assert len(pledged) >= 10
    result = _run(path, pledged + free)
    status = {p.given: p.check("pledge").status for p in result.patents}
    assert all(status[n] == "fail" for n in pledged)
    assert all(status[n] == "pass" for n in free)
    one = next(p for p in result.patents if p.given == pledged[0])
    assert one.blocked
    assert any("质押" in e.field for e in one.check("pledge").evidence)


def test_an_unpaid_annuity_in_the_raw_file_fails_in_force_and_annuity(data):
    patsnap, _, path = data
    unpaid = patsnap.loc[_events(patsnap).map(lambda e: "未缴年费" in e), "公开公告号"]
    assert len(unpaid) >= 10
    result = _run(path, unpaid.tolist())
    for p in result.patents:
        assert p.check("in_force").status == "fail", p.given
        assert p.check("annuity").status == "fail", p.given
        assert "未缴年费" in p.check("in_force").reason + p.check("annuity").reason


def test_pending_applications_fail_in_force(data):
    patsnap, _, path = data
    pending = patsnap.loc[patsnap["简单法律状态"] == "审中", "公开公告号"].head(20)
    result = _run(path, pending.tolist())
    assert all(p.check("in_force").status == "fail" for p in result.patents)
    assert all("尚未授权" in p.check("in_force").reason for p in result.patents)


def test_the_owner_is_the_current_owner_of_the_raw_file_after_a_transfer(data):
    patsnap, _, path = data
    moved = patsnap[_events(patsnap).map(lambda e: "权利转移" in e)]
    moved = moved[moved["当前申请专利权人数量"] == "1"]
    assert len(moved) >= 3
    for _, row in moved.head(5).iterrows():
        owner = parts(row["当前申请专利权人"])[0]
        ok = _run(path, [row["公开公告号"]], borrower=owner).patents[0]
        assert ok.check("owner").status == "pass"
        assert ok.check("co_owners").status == "pass"
        other = _run(path, [row["公开公告号"]], borrower="某某不相干科技有限公司")
        assert other.patents[0].check("owner").status == "fail"
        assert owner in other.patents[0].check("owner").reason


def test_co_owned_patents_fail_the_co_owner_check(data):
    patsnap, _, path = data
    shared = patsnap[patsnap["当前申请专利权人数量"].fillna("1").astype(int) > 1]
    single = patsnap[patsnap["当前申请专利权人数量"] == "1"].head(10)
    assert len(shared) >= 3
    result = _run(path, shared["公开公告号"].tolist() + single["公开公告号"].tolist())
    status = {p.given: p.check("co_owners").status for p in result.patents}
    assert all(status[n] == "fail" for n in shared["公开公告号"])
    assert all(status[n] == "pass" for n in single["公开公告号"])


def test_no_borrower_leaves_the_owner_unknown(data):
    patsnap, _, path = data
    p = _run(path, [patsnap["公开公告号"].iloc[0]]).patents[0]
    assert p.check("owner").status == "unknown"


def test_patent_type_follows_the_raw_type(data):
    patsnap, _, path = data
    types = {"发明": "pass", "发明专利": "pass", "实用新型": "fail", "外观设计": "fail"}
    sample = patsnap.groupby("专利类型").head(3)
    result = _run(path, sample["公开公告号"].tolist())
    got = {p.given: p.check("patent_type").status for p in result.patents}
    for _, row in sample.iterrows():
        assert got[row["公开公告号"]] == types[row["专利类型"]]


def test_numbers_not_in_the_store_are_reported_not_dropped(data):
    patsnap, _, path = data
    number = patsnap["公开公告号"].iloc[3]
    spaced = f"{number[:2]} {number[2:-1]}"  # office, serial without the kind code
    result = _run(path, [number, "CN999999999A", spaced])
    assert [p.given for p in result.patents] == [number, "CN999999999A", spaced]
    assert result.patents[1].found is False
    assert result.patents[1].checks == ()
    assert result.portfolio.not_found == ("CN999999999A",)
    assert result.patents[2].doc_id == number
    assert result.to_dict()["patents"][1]["found"] is False


def test_sources_without_legal_events_leave_event_checks_unknown(data):
    _, rows, path = data
    result = _run(path, rows["公开号"].head(5).tolist())
    for p in result.patents:
        for key in ("pledge", "licence", "preservation", "litigation"):
            assert p.check(key).status == "unknown", (p.given, key)


def test_in_force_granted_patents_pass_annuity_with_the_next_due_date(data):
    _, rows, path = data
    result = _run(path, rows["公开号"].tolist())
    passed = [p for p in result.patents if p.check("annuity").status == "pass"]
    assert len(passed) >= len(rows) // 2
    for p in passed:
        fields = {e.field: e.value for e in p.check("annuity").evidence}
        assert fields["next_due"] is not None
        assert fields["paid_through_year"] is not None
        assert "下一年费应缴日" in p.check("annuity").reason


def test_remaining_term_is_the_estimated_term_against_the_loan(old):
    rows, path = old
    assert len(rows) >= 3
    for _, row in rows.iterrows():
        filed = date.fromisoformat(
            f"{row['申请日'][:4]}-{row['申请日'][4:6]}-{row['申请日'][6:]}"
        )
        end = filed.replace(year=filed.year + 10) - timedelta(days=1)
        short = LoanTerms(end - timedelta(days=400), 12)
        long_ = LoanTerms(end - timedelta(days=100), 12)
        a = _run(path, [row["公开号"]], loan=short, as_of=LATER_DAY).patents[0]
        b = _run(path, [row["公开号"]], loan=long_, as_of=LATER_DAY).patents[0]
        assert a.expiry_date == end
        assert a.check("remaining_term").status == "pass"
        assert b.check("remaining_term").status == "fail"
        assert "估算" in b.check("remaining_term").reason


def test_a_patent_with_no_status_stays_unknown(old):
    rows, path = old
    result = _run(path, rows["公开号"].tolist(), as_of=LATER_DAY)
    for p in result.patents:
        assert p.legal_status is None
        check = p.check("in_force")
        assert check.status == "unknown"
        assert "未知" in check.reason
        assert p.grade is None and p.grade_label == "未评分"


def test_a_sheet_with_a_number_column_is_read(data, tmp_path):
    patsnap, _, path = data
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "公开（公告）号", "备注"])
    numbers = [*patsnap["公开公告号"].head(4).tolist(), "CN000000000U"]
    for i, n in enumerate(numbers, 1):
        sheet.append([i, n, "=1+1"])
    book.save(tmp_path / "list.xlsx")
    with PatentStore.open(path, read_only=True) as store:
        portfolio = from_sheet(store, tmp_path / "list.xlsx")
    assert [i.given for i in portfolio.items] == numbers
    assert portfolio.doc_ids == tuple(numbers[:4])
    assert portfolio.not_found == ("CN000000000U",)


def test_bad_sheets_are_refused_with_what_and_a_gbk_csv_is_read(data, tmp_path):
    """A list without a number column, a broken workbook: a clear message naming the
    file and what to do; a CSV saved by Excel in GBK is read like UTF-8."""
    patsnap, _, path = data
    number = patsnap["公开公告号"].iloc[0]
    (tmp_path / "无号.csv").write_text("名称,金额\n甲,1\n", encoding="utf-8")
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04garbage")
    (tmp_path / "gbk.csv").write_bytes(f"公开号,备注\n{number},防火阀\n".encode("gbk"))
    with PatentStore.open(path, read_only=True) as store:
        with pytest.raises(InputError, match=r"无号\.csv.*没有专利号列.*公开号"):
            from_sheet(store, tmp_path / "无号.csv")
        with pytest.raises(InputError, match=r"坏\.xlsx.*不是可读的 Excel 工作簿"):
            from_sheet(store, tmp_path / "坏.xlsx")
        portfolio = from_sheet(store, tmp_path / "gbk.csv")
    assert [i.given for i in portfolio.items] == [number]
    assert portfolio.doc_ids == (number,)


def test_an_enterprise_portfolio_is_its_current_owner_rows(data):
    patsnap, _, path = data
    owners = patsnap["当前申请专利权人"].map(
        lambda v: parts(v)[0] if parts(v) else None
    )
    name = owners.value_counts().index[0]
    expected = set(
        patsnap.loc[
            patsnap["当前申请专利权人"].map(parts).map(lambda p: name in p),
            "公开公告号",
        ]
    )
    with PatentStore.open(path, read_only=True) as store:
        portfolio, borrower = from_enterprise(store, name)
    assert set(portfolio.doc_ids) == expected
    assert borrower.name == name
    assert "企业库中无此企业" in borrower.how


def test_loan_terms_are_validated():
    with pytest.raises(InvalidParameterError):
        LoanTerms(EXPORT_DAY, 0).validate()
    assert LoanTerms(date(2024, 1, 31), 1).end == date(2024, 2, 29)


def test_split_numbers_keeps_a_spaced_number_whole():
    assert split_numbers("CN 211305308 U，CN1 CN2;X1") == [
        "CN 211305308 U",
        "CN1",
        "CN2",
        "X1",
    ]
