"""Pre-valuation (专利资产预评估) of a pledge portfolio for banks.

``prevalue(store, portfolio, loan, inputs)`` checks every patent (:mod:`.checks`), values
the portfolio as a range (:mod:`.valuation`) and returns both; the report
(:mod:`patnav.reports.prevalue`), the CLI and the web only render it. A pre-valuation is
not an appraisal opinion (非资产评估报告)::

    portfolio ──► run_checks ──► PortfolioChecks ──► value_portfolio ──► Valuation
    (numbers, set,   (pass / fail / unknown        (income, cost, market,
     sheet, enterprise) with evidence)              sensitivity, pledge ratio)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from patnav.models.prevalue.checks import LoanTerms, PortfolioChecks, run_checks
from patnav.models.prevalue.portfolio import Borrower, Portfolio, borrower_of
from patnav.models.prevalue.valuation import (
    Defaults,
    Valuation,
    ValuationInputs,
    value_portfolio,
)
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class PreValuation:
    """A pre-valuation: the checks and the valuation of one portfolio."""

    checks: PortfolioChecks
    valuation: Valuation

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "prevalue",
            "disclaimer": DISCLAIMER,
            **self.checks.to_dict(),
            "valuation": self.valuation.to_dict(),
        }


DISCLAIMER = (
    "本报告为依据专利数据的预评估结果，供质押融资授信初筛参考，不是资产评估报告，"
    "不构成资产评估意见；正式授信应以具备资质的评估机构出具的评估报告为准。"
)


def prevalue(
    store: PatentStore,
    portfolio: Portfolio,
    loan: LoanTerms,
    inputs: ValuationInputs | None = None,
    *,
    borrower: Borrower | None = None,
    defaults: Defaults | None = None,
    as_of: date | None = None,
) -> PreValuation:
    """Check and value ``portfolio`` as security for ``loan``.

    Args:
        store: the open store.
        portfolio: the patents (:mod:`.portfolio`).
        loan: the loan's start, term, borrower and amount.
        inputs: the valuation inputs (revenue, rates, life, stated costs).
        borrower: the borrower as identified; default: from ``loan.borrower``.
        defaults: the assumptions (default: ``defaults.yaml``).
        as_of: the day remaining terms are counted from (default: today).
    """
    if borrower is None and loan.borrower:
        borrower = borrower_of(store, loan.borrower)
    checks = run_checks(store, portfolio, loan, borrower=borrower, as_of=as_of)
    return PreValuation(
        checks, value_portfolio(store, checks, inputs, defaults=defaults)
    )


__all__ = [
    "DISCLAIMER",
    "LoanTerms",
    "PreValuation",
    "ValuationInputs",
    "prevalue",
]
