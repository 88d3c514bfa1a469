"""Excel workbooks (.xlsx) exported by patent databases.

Read in openpyxl's streaming mode: memory stays flat however many rows. Every sheet with
a recognisable header is read. Formulas are data: a cell holding ``=HYPERLINK(…)`` is
stored as that text and never evaluated. The workbook (a zip) is checked first: each
part and the whole may expand to at most ``max_workbook_bytes`` (openpyxl holds the
shared-strings table in memory), at a compression ratio no zip bomb passes, and a
workbook of more than :data:`MAX_SHEETS` sheets is refused. Cells over the cell limit
and rows wider than the column limit quarantine their row.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl

from patnav.errors import ParseError, UnsafeInputError, excerpt
from patnav.ingest.archives import Limits, check_zip
from patnav.ingest.base import Item, Notice, ReadOptions, Source
from patnav.ingest.tabular.table import RawRow, key_prefix_for, read_table

FORMAT = "xlsx"
LABEL = "Excel workbook (.xlsx)"
PROGRESS_EVERY = 500
MAX_SHEETS = 100
"""Patent exports have a sheet or three; each sheet costs a pass of its own."""


def workbook_limits(options: ReadOptions) -> Limits:
    """The zip limits a workbook is checked against."""
    return Limits(
        max_file_bytes=options.max_workbook_bytes,
        max_ratio=options.max_ratio,
        max_archive_bytes=options.max_workbook_bytes,
        file_setting="PATNAV_MAX_WORKBOOK_BYTES",
        archive_setting="PATNAV_MAX_WORKBOOK_BYTES",
    )


def check_workbook(path: Path, options: ReadOptions, name: str) -> None:
    """Refuse a workbook whose zip breaks the limits, or that is not a complete zip.

    Raises:
        UnsafeInputError: a part or the whole expands beyond the limits.
        ParseError: not a complete zip (a truncated download).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, workbook_limits(options), name)
            sheets = sum(
                n.startswith("xl/worksheets/") and n.endswith(".xml")
                for n in zf.namelist()
            )
    except zipfile.BadZipFile as exc:
        raise ParseError(
            name,
            f"not a complete .xlsx file ({exc}); it may be truncated. Export or download "
            "it again.",
        ) from None
    if sheets > MAX_SHEETS:
        raise UnsafeInputError(
            f"{name} is a workbook of {sheets:,} sheets, over the limit of {MAX_SHEETS}; "
            "patent exports have a few. Split it, or save the sheets as CSV files."
        )


def sniff(source: Source) -> bool:
    """A zip holding ``xl/workbook.xml``."""
    head = source.head(4)
    if not head.startswith(b"PK\x03\x04"):
        return False
    if source.suffix in {".xlsx", ".xlsm"}:
        return True
    try:
        with source.as_path(64 * 1024**2) as path, zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _rows(
    sheet: object, title: str, options: ReadOptions, total: int | None
) -> Iterator[RawRow]:
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):  # type: ignore[attr-defined]
        if number % PROGRESS_EVERY == 0:
            options.report_progress(number, total)
        yield RawRow(cells, f"{title} row {number}", number)


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """Records of every sheet that has a header row naming patent fields."""
    with source.as_path(options.max_file_bytes) as path:
        check_workbook(path, options, source.name)
        try:
            with warnings.catch_warnings():
                # incoPat writes workbooks without a default style: harmless
                warnings.filterwarnings(
                    "ignore", "Workbook contains no default style", UserWarning
                )
                workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise ParseError(
                source.name,
                "not a readable Excel workbook: "
                f"{type(exc).__name__}: {excerpt(str(exc), 300)}",
            ) from None
        try:
            sheets = workbook.worksheets
            failures = []
            read_any = False
            for sheet in sheets:
                total = sheet.max_row
                sheet.reset_dimensions()  # exports often record wrong dimensions
                try:
                    yield from read_table(
                        _rows(sheet, sheet.title, options, total),
                        options,
                        table_name=f"{source.name} [{sheet.title}]",
                        key_prefix=key_prefix_for(source.name),
                    )
                    read_any = True
                except ParseError as exc:
                    if len(sheets) == 1:
                        raise
                    failures.append(exc)
                    yield Notice(
                        f"sheet '{sheet.title}' skipped: {exc.reason}", "warning"
                    )
            if not read_any and failures:
                raise failures[0]
        finally:
            workbook.close()
