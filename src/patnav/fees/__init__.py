"""The fee-and-term engine: annual and maintenance fees, grace, termination and term.

Pure functions over dates and schedules (``schedules/*.yaml``, each with its legal
source and effective dates); no store, no web, no CLI. ``cn`` computes CN annual fees,
late fees, reductions, termination and term; ``us`` the US maintenance-fee stages;
``ep`` the EPO renewal years; ``maintenance`` a patent's maintenance state from what
the data say. See ``docs/fees.md``.
"""

from __future__ import annotations

from patnav.fees.cn import CnFeesDue, fees_due, term_end
from patnav.fees.ep import EpRenewalDue, renewal_due
from patnav.fees.us import UsFeesDue, maintenance_due, parse_stages

__all__ = [
    "CnFeesDue",
    "EpRenewalDue",
    "UsFeesDue",
    "fees_due",
    "maintenance_due",
    "parse_stages",
    "renewal_due",
    "term_end",
]
