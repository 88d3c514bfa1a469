"""Enterprise sizes per 工信部联企业〔2011〕300号, checked at every industry's thresholds.

The expected figures below are typed again from the notice's article 4 (not read from the
package's data file), so a transcription error in either shows up here.
"""

from __future__ import annotations

import pytest

from patnav.enterprises.sizes import (
    classify_size,
    industry_code,
    sector_of,
    size_table,
)

# industry code → (large: every figure at least, medium, small); e = 从业人员, r = 营业收入
# (万元), a = 资产总额 (万元)
ARTICLE_4 = {
    "A01": ({"r": 20000}, {"r": 500}, {"r": 50}),
    "C35": ({"e": 1000, "r": 40000}, {"e": 300, "r": 2000}, {"e": 20, "r": 300}),
    "B06": ({"e": 1000, "r": 40000}, {"e": 300, "r": 2000}, {"e": 20, "r": 300}),
    "D44": ({"e": 1000, "r": 40000}, {"e": 300, "r": 2000}, {"e": 20, "r": 300}),
    "E48": ({"r": 80000, "a": 80000}, {"r": 6000, "a": 5000}, {"r": 300, "a": 300}),
    "F51": ({"e": 200, "r": 40000}, {"e": 20, "r": 5000}, {"e": 5, "r": 1000}),
    "F52": ({"e": 300, "r": 20000}, {"e": 50, "r": 500}, {"e": 10, "r": 100}),
    "G54": ({"e": 1000, "r": 30000}, {"e": 300, "r": 3000}, {"e": 20, "r": 200}),
    "G59": ({"e": 200, "r": 30000}, {"e": 100, "r": 1000}, {"e": 20, "r": 100}),
    "G60": ({"e": 1000, "r": 30000}, {"e": 300, "r": 2000}, {"e": 20, "r": 100}),
    "H61": ({"e": 300, "r": 10000}, {"e": 100, "r": 2000}, {"e": 10, "r": 100}),
    "H62": ({"e": 300, "r": 10000}, {"e": 100, "r": 2000}, {"e": 10, "r": 100}),
    "I63": ({"e": 2000, "r": 100000}, {"e": 100, "r": 1000}, {"e": 10, "r": 100}),
    "I65": ({"e": 300, "r": 10000}, {"e": 100, "r": 1000}, {"e": 10, "r": 50}),
    "K7010": ({"r": 200000, "a": 10000}, {"r": 1000, "a": 5000}, {"r": 100, "a": 2000}),
    "K7020": ({"e": 1000, "r": 5000}, {"e": 300, "r": 1000}, {"e": 100, "r": 500}),
    "L72": ({"e": 300, "a": 120000}, {"e": 100, "a": 8000}, {"e": 10, "a": 100}),
    "M73": ({"e": 300}, {"e": 100}, {"e": 10}),
}
NAMES = {"e": "employees", "r": "revenue_wan", "a": "assets_wan"}


def _size(code: str, figures: dict[str, float]) -> str:
    args = {v: figures.get(k) for k, v in NAMES.items()}
    # figures the industry does not use are given too: they must not matter
    for k, v in NAMES.items():
        if args[v] is None:
            args[v] = 1e9 if k != "e" else 10**6
    return classify_size(industry_code=code, **args).size  # type: ignore[arg-type]


@pytest.mark.parametrize("code", sorted(ARTICLE_4))
def test_every_industry_of_article_4_at_its_thresholds(code):
    tiers = ARTICLE_4[code]
    for tier, figures in zip(("large", "medium", "small"), tiers, strict=True):
        assert _size(code, figures) == tier, (code, tier, figures)
        for k in figures:  # one figure just below the threshold: the next tier down
            below = dict(figures, **{k: figures[k] - 0.5})
            assert _size(code, below) != tier, (code, tier, below)
    smallest = {k: v - 0.5 for k, v in tiers[2].items()}
    assert _size(code, smallest) == "micro"


def test_the_industrial_example_of_the_brief():
    # fewer than 1,000 staff or revenue under 40,000 万元 is an SME
    assert _size("C", {"e": 999, "r": 10**6}) == "medium"
    assert _size("C", {"e": 5000, "r": 39999}) == "medium"
    assert _size("C", {"e": 1000, "r": 40000}) == "large"
    assert _size("C", {"e": 300, "r": 1999}) == "small"
    assert _size("C", {"e": 19, "r": 10**5}) == "micro"


def test_missing_inputs_make_the_size_unknown_and_are_named():
    result = classify_size(
        industry_code="C38", employees=500, revenue_wan=None, assets_wan=None
    )
    assert result.size == "unknown"
    assert result.missing == ("revenue",)
    # 500 staff rule out large (1,000); medium needs revenue too
    assert result.reason == "缺少营业收入，无法判断是否达到中型企业标准"
    result = classify_size(
        industry_code="C38", employees=1500, revenue_wan=None, assets_wan=None
    )
    assert result.reason == "缺少营业收入，无法判断是否达到大型企业标准"
    result = classify_size(
        industry_code=None, employees=500, revenue_wan=9000, assets_wan=None
    )
    assert (result.size, result.missing) == ("unknown", ("industry",))


def test_known_figures_can_settle_the_size_without_the_missing_ones():
    # 8 staff: micro whatever the revenue (从业人员20人以下 … 为微型企业)
    result = classify_size(
        industry_code="C38", employees=8, revenue_wan=None, assets_wan=None
    )
    assert result.size == "micro"


def test_finance_is_not_sized_by_this_table():
    result = classify_size(
        industry_code="J66", employees=50, revenue_wan=100, assets_wan=100
    )
    assert result.size == "unknown"
    assert "银发〔2015〕309号" in (result.reason or "")


def test_industry_codes_and_names():
    assert industry_code("C3562 电子专用材料制造") == "C3562"
    assert industry_code("3562") == "C3562"
    assert industry_code("7010") == "K7010"
    assert industry_code("Ｉ65") == "I65"
    assert industry_code("制造业") is None
    assert industry_code("C制造业") == "C"
    assert sector_of(None, "制造业")[0].key == "industry"  # type: ignore[union-attr]
    assert sector_of(None, "批发和零售业")[0] is None  # two industries: cannot tell


def test_the_table_states_its_source():
    table = size_table()
    assert "工信部联企业〔2011〕300号" in table.source
    assert len(table.sectors) == 16
