"""Legacy Excel workbooks (.xls, BIFF) — Patentscope and many Chinese databases export these.

xlrd reads the whole workbook into memory; BIFF caps a sheet at 65,536 rows, so memory
stays bounded. Date cells are converted with the workbook's own date system.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import xlrd

from patnav.errors import ParseError, UnsafeInputError, excerpt
from patnav.ingest.base import Item, Notice, ReadOptions, Source
from patnav.ingest.readers.xlsx import MAX_SHEETS
from patnav.ingest.tabular.table import RawRow, key_prefix_for, read_table

FORMAT = "xls"
LABEL = "Excel 97-2003 workbook (.xls)"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(source: Source) -> bool:
    """An OLE2 compound file (the container of .xls)."""
    return source.head(8) == OLE2_MAGIC


def _cell(cell: xlrd.sheet.Cell, datemode: int) -> object:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value: datetime = xlrd.xldate_as_datetime(cell.value, datemode)
            return value
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """Records of every sheet that has a header row naming patent fields."""
    if source.size is not None and source.size > options.max_workbook_bytes:
        raise UnsafeInputError(
            f"{source.name} is {source.size:,} bytes, over the limit of "
            f"{options.max_workbook_bytes:,} for a workbook, which is read into memory "
            "whole. Save it as CSV, or raise PATNAV_MAX_WORKBOOK_BYTES if it is genuine."
        )
    with source.as_path(options.max_workbook_bytes) as path:
        try:
            book = xlrd.open_workbook(str(path), on_demand=True)
        except (
            Exception
        ) as exc:  # xlrd raises XLRDError, struct.error, AssertionError …
            raise ParseError(
                source.name,
                "not a readable .xls workbook "
                f"({type(exc).__name__}: {excerpt(str(exc), 300)}); it may be "
                "truncated, or an HTML page saved as .xls.",
            ) from None
        try:
            names = book.sheet_names()
            if len(names) > MAX_SHEETS:
                raise UnsafeInputError(
                    f"{source.name} is a workbook of {len(names):,} sheets, over the "
                    f"limit of {MAX_SHEETS}; patent exports have a few. Split it, or "
                    "save the sheets as CSV files."
                )
            read_any = False
            failures: list[ParseError] = []
            for index, title in enumerate(names):
                sheet = book.sheet_by_index(index)

                def rows(
                    sheet: xlrd.sheet.Sheet = sheet, title: str = title
                ) -> Iterator[RawRow]:
                    for r in range(sheet.nrows):
                        if r % 1000 == 0:
                            options.report_progress(r, sheet.nrows)
                        cells = [_cell(c, book.datemode) for c in sheet.row(r)]
                        yield RawRow(cells, f"{title} row {r + 1}", r + 1)

                try:
                    yield from read_table(
                        rows(),
                        options,
                        table_name=f"{source.name} [{title}]",
                        key_prefix=key_prefix_for(source.name),
                    )
                    read_any = True
                except ParseError as exc:
                    if len(names) == 1:
                        raise
                    failures.append(exc)
                    yield Notice(f"sheet '{title}' skipped: {exc.reason}", "warning")
                finally:
                    book.unload_sheet(index)
            if not read_any and failures:
                raise failures[0]
        finally:
            book.release_resources()
