"""Render a report as one self-contained HTML file: CSS inline, charts as data URIs, no CDN.

The same template serves the PDF renderer (``for_print=True`` adds page breaks, running
heads and page numbers in the table of contents).
"""

from __future__ import annotations

import base64
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from patnav.reports import labels as L
from patnav.reports.layout import short_columns
from patnav.reports.model import Figure, Finding, Paragraph, Report, Section, Table

_WORDS = ("toc", "table", "figure", "note")
_KINDS = (
    "strength",
    "weakness",
    "opportunity",
    "risk",
    "trend",
    "structure",
    "recommendation",
    "data",
)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    folder = resources.files("patnav.reports") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (folder / name).read_text("utf-8")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def _css() -> str:
    return (resources.files("patnav.reports") / "templates" / "report.css").read_text(
        "utf-8"
    )


def _kind(block: object) -> str:
    if isinstance(block, Section):
        return "section"
    if isinstance(block, Paragraph):
        return "paragraph"
    if isinstance(block, Finding):
        return "finding"
    if isinstance(block, Table):
        return "table"
    if isinstance(block, Figure):
        return "figure"
    raise TypeError(f"unknown block {type(block).__name__}")


def _nowrap(table: Table) -> set[int]:
    return short_columns(table.columns, table.rows)


def _png(figure: Figure) -> str:
    return base64.b64encode(figure.png or b"").decode("ascii")


def html_text(report: Report, *, for_print: bool = False) -> str:
    """The report as HTML text."""
    words = {w: L.t(w, report.lang) for w in _WORDS}
    words.update({f"kind.{k}": L.t(f"kind.{k}", report.lang) for k in _KINDS})
    toc = [s for s in report.headings() if s.level <= 2]
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        css=_css(),
        words=words,
        toc=toc,
        for_print=for_print,
        kind_of=_kind,
        png=_png,
        nowrap=_nowrap,
    )


def write_html(report: Report, path: Path) -> Path:
    """Write the report as one self-contained HTML file."""
    path.write_text(html_text(report), "utf-8")
    return path
