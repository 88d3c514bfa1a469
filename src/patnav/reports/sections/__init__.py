"""Section builders: one analysis result in, one report section (text, tables, figures) out.

The outlines of the report types assemble these, beside the sections of the slices'
presenters (``patnav.presenters``: trend, geography, applicants, inventors, competitors).
A builder reads only its result and the findings the conclusion rules made from it; it
never queries the store.
"""

from __future__ import annotations

from patnav.reports.sections.appendix import appendix_section
from patnav.reports.sections.benchmark import nodes_section
from patnav.reports.sections.chain import (
    attract_table,
    chain_section,
    path_section,
    position_section,
)
from patnav.reports.sections.common import pick, year_span
from patnav.reports.sections.landscape import home_figure
from patnav.reports.sections.technology import (
    citations_section,
    hotspots_section,
    legal_section,
    technology_section,
)

__all__ = [
    "appendix_section",
    "attract_table",
    "chain_section",
    "citations_section",
    "home_figure",
    "hotspots_section",
    "legal_section",
    "nodes_section",
    "path_section",
    "pick",
    "position_section",
    "technology_section",
    "year_span",
]
