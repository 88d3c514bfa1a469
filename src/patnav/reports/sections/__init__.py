"""Section builders: one analysis result in, one report section (text, tables, figures) out.

The outlines of the report types assemble these, beside the sections of the slices'
presenters (:mod:`patnav.presenters`: trend, geography, applicants, inventors, competitors,
technology, legal status, hot spots, chain), which the outlines reach by ``present``. A
builder reads only its result and the findings the conclusion rules made from it; it never
queries the store.
"""

from __future__ import annotations

from patnav.reports.sections.appendix import appendix_section
from patnav.reports.sections.benchmark import nodes_section
from patnav.reports.sections.chain import attract_table
from patnav.reports.sections.common import pick, year_span
from patnav.reports.sections.landscape import home_figure
from patnav.reports.sections.technology import citations_section

__all__ = [
    "appendix_section",
    "attract_table",
    "citations_section",
    "home_figure",
    "nodes_section",
    "pick",
    "year_span",
]
