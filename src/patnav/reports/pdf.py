"""Render a report as PDF: the print HTML through WeasyPrint, with the CJK font embedded,
page numbers, running heads and a table of contents with page numbers.

The CSS names ``Noto Sans CJK SC`` (found by fontconfig); WeasyPrint embeds the subset of
glyphs the report uses.
"""

from __future__ import annotations

import logging
from pathlib import Path

from patnav.reports.html import html_text
from patnav.reports.model import Report


def write_pdf(report: Report, path: Path) -> Path:
    """Write the report as a PDF file."""
    import weasyprint

    # WeasyPrint logs every CSS property it ignores at WARNING; they are not the user's
    # concern (the stylesheet serves browsers too)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html_text(report, for_print=True)).render()
    document.write_pdf(path)
    return path
