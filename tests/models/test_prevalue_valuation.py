"""Pre-valuation arithmetic checked by hand: the income approach and its sensitivity, the
annual fees of the cost approach, the pledge ratio and its reasons, the value grade read
from ``value_scores`` (rows inserted here: the value model fills that table)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from patnav.errors import InvalidParameterError
from patnav.models.prevalue import LoanTerms, ValuationInputs, prevalue
from patnav.models.prevalue.portfolio import borrower_of, from_numbers
from patnav.models.prevalue.valuation import (
    income_value,
    load_defaults,
    present_value_factor,
)
from patnav.storage.store import PatentStore
from tests.models.prevalue_data import EXPORT_DAY

# 国家知识产权局《专利收费标准》 from 2017-04-01: annual fee (CNY) per patent year
FEES = {
    "invention": [900] * 3
    + [1200] * 3
    + [2000] * 3
    + [4000] * 3
    + [6000] * 3
    + [8000] * 5,
    "utility_model": [600] * 3 + [900] * 2 + [1200] * 3 + [2000] * 2,
}


@pytest.fixture
def data(prevalue_store):
    return prevalue_store


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def test_income_value_by_hand():
    # 1000 万元 × 3 % for 3 years at 10 %
    assert income_value(1000, 0.03, 0.10, 3) == pytest.approx(
        30 / 1.1 + 30 / 1.1**2 + 30 / 1.1**3
    )
    assert income_value(1000, 0.03, 0.10, 3) == pytest.approx(74.6056, abs=1e-4)
    # half a last year counts half, discounted as the third year
    assert present_value_factor(0.10, 2.5) == pytest.approx(
        1 / 1.1 + 1 / 1.21 + 0.5 / 1.331
    )
    assert present_value_factor(0.10, 0) == 0


def _granted_inventions(rows):
    return rows[rows["公开号"].str.endswith(("A", "B"))]


def test_income_range_and_sensitivity_by_hand(data):
    _, rows, path = data
    inv = _granted_inventions(rows).head(3)
    assert len(inv) == 3
    loan = LoanTerms(EXPORT_DAY, 12)
    inputs = ValuationInputs(
        revenue_wan=800,
        royalty_low=0.02,
        royalty_high=0.04,
        discount_low=0.10,
        discount_high=0.12,
        economic_life_years=30,
    )
    with PatentStore.open(path, read_only=True) as store:
        result = prevalue(
            store, from_numbers(store, inv["公开号"]), loan, inputs, as_of=EXPORT_DAY
        )
    income = result.valuation.income
    # life 30 years is capped by the longest remaining term: 20 years from filing
    ends = [
        _day(d).replace(year=_day(d).year + 20) - timedelta(days=1)
        for d in inv["申请日"]
    ]
    years = max((e - EXPORT_DAY).days / 365.25 for e in ends)
    assert income.years == pytest.approx(years, abs=0.01)

    def by_hand(r, d):
        whole = int(years)
        f = years - whole
        return (
            800
            * r
            * (
                sum((1 + d) ** -t for t in range(1, whole + 1))
                + f * (1 + d) ** -(whole + 1)
            )
        )

    assert income.low_wan == pytest.approx(by_hand(0.02, 0.12), abs=1e-2)
    assert income.high_wan == pytest.approx(by_hand(0.04, 0.10), abs=1e-2)
    assert income.royalty_steps == (0.02, 0.03, 0.04)
    assert income.discount_steps == (0.10, 0.11, 0.12)
    assert income.sensitivity[1][1] == pytest.approx(by_hand(0.03, 0.11), abs=1e-2)
    assert result.valuation.value_low_wan == income.low_wan
    assert result.valuation.value_basis == "收益法"
    # the default life of an invention (8 years) is shorter than its remaining term
    with PatentStore.open(path, read_only=True) as store:
        short = prevalue(
            store,
            from_numbers(store, inv["公开号"]),
            loan,
            ValuationInputs(revenue_wan=800),
            as_of=EXPORT_DAY,
        )
    assert (
        short.valuation.income.years == load_defaults().economic_life_years["invention"]
    )


def test_no_revenue_means_no_income_value_not_zero(data):
    _, rows, path = data
    with PatentStore.open(path, read_only=True) as store:
        result = prevalue(
            store,
            from_numbers(store, rows["公开号"].head(2)),
            LoanTerms(EXPORT_DAY, 12),
            as_of=EXPORT_DAY,
        )
    income = result.valuation.income
    assert income.computed is False
    assert income.low_wan is None and income.high_wan is None
    assert "未提供" in income.note
    assert income.sensitivity == ()


def test_cost_approach_is_the_fees_of_the_years_maintained_by_hand(data):
    _, rows, path = data
    inv = rows.head(8)
    with PatentStore.open(path, read_only=True) as store:
        paid = {
            r["doc_id"]: r["paid_through_year"]
            for r in store.query(
                "SELECT doc_id, paid_through_year FROM maintenance WHERE list_contains(?, doc_id)",
                [inv["公开号"].tolist()],
            ).to_pylist()
        }
        result = prevalue(
            store,
            from_numbers(store, inv["公开号"]),
            LoanTerms(EXPORT_DAY, 12),
            ValuationInputs(rd_cost_wan=120, filing_cost_wan=1.5),
            as_of=EXPORT_DAY,
        )
    cost = result.valuation.cost
    total = 0
    counted = 0
    for _, row in inv.iterrows():
        n = row["公开号"]
        kind = "utility_model" if n.endswith("U") else "invention"
        filed, granted = _day(row["申请日"]), _day(row["授权公告日"])
        # the patent year of grant: whole years from filing to grant, plus one
        first = (
            granted.year
            - filed.year
            - ((granted.month, granted.day) < (filed.month, filed.day))
            + 1
        )
        through = paid.get(n)
        mine = next(c for c in cost.patents if c.doc_id == n)
        if through is None:
            assert mine.fees_cny is None
            continue
        expected = sum(FEES[kind][y - 1] for y in range(first, through + 1))
        assert mine.fees_cny == expected, n
        assert mine.years == tuple(range(first, through + 1))
        total += expected
        counted += 1
    assert counted >= 4
    assert cost.fees_wan == pytest.approx(total / 10_000)
    assert cost.high_wan == pytest.approx(total / 10_000 + 121.5)
    assert cost.low_wan < cost.high_wan
    assert result.valuation.value_basis.startswith("成本法")


def test_market_approach_says_there_are_no_comparable_transactions(data):
    _, rows, path = data
    with PatentStore.open(path, read_only=True) as store:
        result = prevalue(
            store,
            from_numbers(store, rows["公开号"].head(1)),
            LoanTerms(EXPORT_DAY, 12),
            as_of=EXPORT_DAY,
        )
    assert result.valuation.market.transactions == ()
    assert "数据中无可比交易" in result.valuation.market.note


def test_pledge_ratio_moves_with_grade_and_unknown_checks(data, tmp_path):
    _, rows, path = data
    inv = _granted_inventions(rows).head(2)
    copy = tmp_path / "scored.duckdb"
    copy.write_bytes(path.read_bytes())
    graded, unscored = inv["公开号"].tolist()
    with PatentStore.open(copy) as store:
        # the value model (i15-value) fills value_scores; here one row stands in for it
        store.rows(
            "INSERT INTO value_scores (doc_id, use, score, grade, legal, technical, economic) "
            "VALUES (?, 'pledge', 86.5, 'A', 90, 80, 85), (?, 'transfer', 40, 'D', 1, 1, 1)",
            [graded, unscored],
        )
        applicants = {
            r["doc_id"]: r["name"]
            for r in store.query(
                "SELECT doc_id, name FROM parties WHERE role = 'applicant' AND seq = 1 "
                "AND list_contains(?, doc_id)",
                [[graded, unscored]],
            ).to_pylist()
        }
        d = load_defaults()
        out = {}
        for doc in (graded, unscored):
            result = prevalue(
                store,
                from_numbers(store, [doc]),
                LoanTerms(EXPORT_DAY, 12),
                borrower=borrower_of(store, applicants[doc]),
                as_of=EXPORT_DAY,
            )
            out[doc] = result
    base_low, base_high = d.pledge_ratio["invention"]
    for doc, grade_shift in ((graded, d.grade_adjustment["A"]), (unscored, 0.0)):
        patent = out[doc].checks.patents[0]
        ratio = out[doc].valuation.ratios[0]
        assert not patent.blocked
        unknown_blocking = sum(1 for c in patent.unknown if c.blocking)
        assert (
            unknown_blocking >= 2
        )  # no legal events in this source: pledge, preservation
        shift = grade_shift + d.unknown_adjustment * unknown_blocking
        assert ratio.low == pytest.approx(max(0, base_low + shift))
        assert ratio.high == pytest.approx(max(0, base_high + shift))
    assert out[graded].checks.patents[0].grade == "A"
    assert any("价值等级 A" in r for r in out[graded].valuation.ratios[0].reasons)
    # a transfer-use score is not a pledge score
    assert out[unscored].checks.patents[0].grade_label == "未评分"
    assert any("未评分" in r for r in out[unscored].valuation.ratios[0].reasons)


def test_a_blocking_failure_makes_the_ratio_zero(data):
    patsnap, _, path = data
    pledged = patsnap.loc[
        patsnap["法律状态事件"].fillna("").str.contains("质押"), "公开公告号"
    ]
    with PatentStore.open(path, read_only=True) as store:
        result = prevalue(
            store,
            from_numbers(store, pledged.head(3)),
            LoanTerms(EXPORT_DAY, 12),
            ValuationInputs(revenue_wan=100),
            as_of=EXPORT_DAY,
        )
    for ratio in result.valuation.ratios:
        assert (ratio.low, ratio.high) == (0.0, 0.0)
        assert ratio.reasons[0] == "不宜质押。"
        assert any("既有质押" in r for r in ratio.reasons)
    assert result.valuation.ratio_high == 0.0
    assert result.valuation.credit_high_wan == 0.0


def test_inputs_are_validated():
    with pytest.raises(InvalidParameterError):
        ValuationInputs(royalty_low=0.05, royalty_high=0.01).validate()
    with pytest.raises(InvalidParameterError):
        ValuationInputs(revenue_wan=-1).validate()
    with pytest.raises(InvalidParameterError):
        ValuationInputs(discount_low=3).validate()


def test_every_default_states_its_source():
    d = load_defaults()
    for key in ("royalty_rate", "discount_rate", "economic_life_years", "pledge_ratio"):
        assert d.sources[key]
    assert " " not in d.sources["pledge_ratio"].replace("  ", "")[:5]
