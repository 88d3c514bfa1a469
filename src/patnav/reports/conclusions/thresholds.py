"""The thresholds of the conclusion rules (listed in the report's method section)."""

from __future__ import annotations

RISING_GROWTH = 0.5
"""An applicant is rising when its last three complete years grew at least this much on the
three before (or it had none before) …"""
RISING_MIN_RECENT = 5
"""… with at least this many recent units."""
DECLINING_GROWTH = -0.5
"""An applicant is fading when its recent units fell at least this much …"""
DECLINING_MIN_PREVIOUS = 10
"""… from at least this many in the previous window."""
LEADER_LEAD = 2.0
"""The leader leads clearly when it has at least this many times the runner-up's units."""
ACADEMIC_HIGH = 0.4
"""Universities and institutes lead at least this share of units: research-driven field."""
INDIVIDUAL_HIGH = 0.3
"""Individuals lead at least this share of units: fragmented innovators."""
LAPSE_HIGH = 0.5
"""At least this share of units with a known status has lapsed, expired or been withdrawn."""
IN_FORCE_HIGH = 0.6
"""At least this share of units with a known status is in force."""
UNKNOWN_STATUS_HIGH = 0.3
"""At least this share of units has no legal status in the data."""
STATUS_COVERAGE_MIN = 0.5
"""A conclusion from legal status needs at least this share of units with a status known
from evidence (a source's status field, legal events; never a term-rule estimate) …"""
STATUS_KNOWN_MIN = 30
"""… and at least this many such units. Below either, the report says the coverage is too
low and concludes nothing from status."""
DROP_RATIO = 0.25
"""The last complete year has less than this fraction of the peak year's filings …"""
DROP_RECENT_PEAK = 4
"""… and the peak lies within this many complete years of it: a drop that steep usually
means the data stops early."""
THIN_COMPARATOR = 0.5
"""The home region has at least this share of its comparator: the comparator is too thin
for the RTA to discriminate."""
DEPENDENCE_SHARE = 0.4
"""One local applicant holds at least this share of a node's home units …"""
DEPENDENCE_MIN_HOME = 20
"""… of at least this many units."""
MOMENTUM_GAP = 0.2
"""Home growth differs from the comparator's by at least this many growth points …"""
MOMENTUM_MIN_PREVIOUS = 10
"""… on at least this many home units in the previous window."""
FEW_INVENTORS = 0.5
"""Fewer distinct inventors than this per unit: the data mostly lack inventors."""
LIFECYCLE_MIN_YEARS = 6
"""Complete years the lifecycle phase compares (three against three)."""
EMERGING_MIN_RECENT = 3
"""An emerging term is mentioned in at least this many recent units (the hot-spot
analysis's ``min_units``)."""
SHOWN = 3
"""Candidates, white spaces and applicants named per finding."""
ENDED = ("lapsed", "expired", "withdrawn", "rejected", "invalidated")


def status_conclusive(known: int, total: int) -> bool:
    """Whether ``known`` of ``total`` units with a known legal status are enough to
    conclude from (:data:`STATUS_COVERAGE_MIN`, :data:`STATUS_KNOWN_MIN`)."""
    return (
        total > 0 and known >= STATUS_KNOWN_MIN and known / total >= STATUS_COVERAGE_MIN
    )
