"""Navigation reports (专利导航报告): Word, HTML and PDF, Chinese first.

``build_report(store, spec)`` runs the analyses a report type needs, applies the conclusion
rules and returns a renderer-neutral :class:`~patnav.reports.model.Report`;
``write_report(store, spec, fmt=…)`` writes it as DOCX, HTML or PDF::

    from patnav import open_store
    from patnav.reports import write_report

    with open_store("navigation.duckdb", read_only=True) as store:
        path = write_report(store, "specs/taian-industry.yaml", fmt="docx", out="reports/")
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from patnav.analyses.spec import NavigationSpec
from patnav.errors import InvalidParameterError, ReportTypeError
from patnav.reports.build import REPORT_TYPES, as_spec, build_report
from patnav.reports.model import Report
from patnav.storage.store import PatentStore

RENDERERS: dict[str, tuple[str, str]] = {
    "docx": ("patnav.reports.docx", "write_docx"),
    "html": ("patnav.reports.html", "write_html"),
    "pdf": ("patnav.reports.pdf", "write_pdf"),
}
"""Every report format: the module and the ``write_*(report, path) -> path`` function
that writes it (imported when first used: the PDF engine is heavy). A new format is one
module and one entry here."""

REPORT_FORMATS: tuple[str, ...] = tuple(RENDERERS)
"""The formats ``write_report`` writes."""


def _renderer(fmt: str) -> Callable[[Report, Path], Path]:
    entry = RENDERERS.get(fmt)
    if entry is None:
        raise InvalidParameterError(
            f"The report format must be one of {', '.join(REPORT_FORMATS)}. "
            f"Got {fmt!r} instead."
        )
    module, name = entry
    write: Callable[[Report, Path], Path] = getattr(
        importlib.import_module(module), name
    )
    return write


_UNSAFE = re.compile(r"[^0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff._-]+")


def file_name(title: str, fmt: str) -> str:
    """A safe file name from a report title: CJK, letters, digits, ``._-`` only."""
    stem = _UNSAFE.sub("_", title).strip("._") or "report"
    return f"{stem[:80]}.{fmt}"


def output_path(out: Path | str | None, title: str, fmt: str) -> Path:
    """Where a report goes: ``out`` as a file (its suffix must be ``.fmt``) or a folder
    (created; the file is named from the title). Default: the current folder.

    Raises:
        InvalidParameterError: ``out`` names a file of another format.
    """
    if out is None:
        return Path.cwd() / file_name(title, fmt)
    target = Path(out)
    if target.suffix.lower() in {f".{f}" for f in REPORT_FORMATS}:
        if target.suffix.lower() != f".{fmt}":
            raise InvalidParameterError(
                f"The output file {target} does not end in .{fmt}; give a .{fmt} file name "
                "or a folder."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        return target
    target.mkdir(parents=True, exist_ok=True)
    return target / file_name(title, fmt)


def render_report(report: Report, fmt: str, out: Path | str | None = None) -> Path:
    """Write a built report in ``fmt``; the time taken is added to ``report.timings``.

    Raises:
        InvalidParameterError: unknown format, or a file name of another format.
    """
    import time

    write = _renderer(fmt)
    path = output_path(out, report.title, fmt)
    started = time.perf_counter()
    write(report, path)
    report.timings[f"render.{fmt}"] = time.perf_counter() - started
    return path


def write_report(
    store: PatentStore,
    spec: NavigationSpec | Path | str,
    *,
    fmt: str = "docx",
    lang: str | None = None,
    out: Path | str | None = None,
    data_dir: Path | None = None,
) -> Path:
    """Build the report a navigation spec asks for and write it; returns the file's path.

    Args:
        store: the open store.
        spec: a validated spec, or the path of its YAML file.
        fmt: ``docx``, ``html`` or ``pdf``.
        lang: ``zh`` or ``en``; default the spec's ``lang``.
        out: a folder (the file is named from the spec's title) or a file path; default
            the current folder.
        data_dir: the real-data directory (``Settings.data_dir``), as for
            :func:`build_report`.

    Raises:
        ReportTypeError: the spec is an FTO navigation.
        InvalidParameterError: unknown format or language.
    """
    _renderer(fmt)  # fail before the analyses run
    nav = as_spec(spec)
    report = build_report(store, nav, lang=lang or nav.lang, data_dir=data_dir)
    return render_report(report, fmt, out)


__all__ = [
    "RENDERERS",
    "REPORT_FORMATS",
    "REPORT_TYPES",
    "Report",
    "ReportTypeError",
    "build_report",
    "render_report",
    "write_report",
]
