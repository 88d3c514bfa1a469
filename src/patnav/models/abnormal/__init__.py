"""Abnormal patent filings (非正常专利申请): near-duplicate content found by MinHash and
LSH (:mod:`~patnav.models.abnormal.near_duplicates`), and the rules that turn it, the
parties and the volumes into flags with evidence (:mod:`~patnav.models.abnormal.rules`);
the thresholds are data (``thresholds.yaml``). See ``docs/abnormal.md``."""

from patnav.models.abnormal.near_duplicates import NearDuplicates, near_duplicates
from patnav.models.abnormal.rules import (
    AGENCY_KINDS,
    KINDS,
    AbnormalResult,
    Application,
    Flag,
    Thresholds,
    agency_flagged,
    detect,
    load_applications,
)

__all__ = [
    "AGENCY_KINDS",
    "KINDS",
    "AbnormalResult",
    "Application",
    "Flag",
    "NearDuplicates",
    "Thresholds",
    "agency_flagged",
    "detect",
    "load_applications",
    "near_duplicates",
]
