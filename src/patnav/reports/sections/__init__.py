"""Section builders: one analysis result in, one report section (text, tables, figures) out.

The outlines of the report types assemble these. A builder reads only its result and the
findings the conclusion rules made from it; it never queries the store. The technology,
legal status, hot-spot and chain sections are their presenters' (:mod:`patnav.presenters`),
which the outlines reach by ``present``.
"""

from __future__ import annotations

from patnav.reports.sections.appendix import appendix_section
from patnav.reports.sections.benchmark import competitors_section, nodes_section
from patnav.reports.sections.chain import attract_table
from patnav.reports.sections.common import pick, year_span
from patnav.reports.sections.landscape import (
    applicants_section,
    geography_section,
    home_figure,
    inventors_section,
    trend_section,
)
from patnav.reports.sections.technology import citations_section

__all__ = [
    "appendix_section",
    "applicants_section",
    "attract_table",
    "citations_section",
    "competitors_section",
    "geography_section",
    "home_figure",
    "inventors_section",
    "nodes_section",
    "pick",
    "trend_section",
    "year_span",
]
