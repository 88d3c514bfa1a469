"""The report types and their outlines (GB/T 39551): one module per type.

``OUTLINES[type]`` says which analyses a report type runs and which sections it writes.
A new type is one module with ``analyse(builder)`` and ``sections(builder, findings)``, and
one line here.
"""

from __future__ import annotations

from patnav.reports.outlines import enterprise, industry, micro, region, rnd, talent
from patnav.reports.outlines.common import Outline

OUTLINES: dict[str, Outline] = {
    "region": region.OUTLINE,
    "industry": industry.OUTLINE,
    "enterprise": enterprise.OUTLINE,
    "rnd": rnd.OUTLINE,
    "talent": talent.OUTLINE,
    "micro": micro.OUTLINE,
}

__all__ = ["OUTLINES", "Outline"]
