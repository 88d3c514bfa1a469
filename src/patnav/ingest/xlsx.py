"""Excel workbooks (.xlsx) exported by patent databases.

Read in openpyxl's streaming mode: memory stays flat however many rows. Every sheet with
a recognisable header is read. Formulas are data: a cell holding ``=HYPERLINK(…)`` is
stored as that text and never evaluated. The archive is checked against the zip-bomb
limits first.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

import openpyxl

from patnav.errors import ParseError
from patnav.ingest.archives import Limits, check_zip
from patnav.ingest.base import Item, Notice, ReadOptions, Source
from patnav.ingest.tabular import RawRow, key_prefix_for, read_table

FORMAT = "xlsx"
LABEL = "Excel workbook (.xlsx)"
PROGRESS_EVERY = 500


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
    limits = Limits(max_file_bytes=options.max_file_bytes)
    with source.as_path(options.max_file_bytes) as path:
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(zf, limits, source.name)
        except zipfile.BadZipFile as exc:
            raise ParseError(
                source.name,
                f"not a complete .xlsx file ({exc}); it may be truncated. Export or download "
                "it again.",
            ) from None
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise ParseError(
                source.name,
                f"not a readable Excel workbook: {type(exc).__name__}: {exc}",
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
