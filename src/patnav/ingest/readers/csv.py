"""Delimited text exports: CSV, TSV, semicolon- or pipe-separated, in any encoding.

The encoding is detected over the whole file (UTF-8 with or without BOM, GBK/GB18030,
UTF-16, Windows-1252, Latin-1) and the delimiter from the first lines. Lines end in LF,
CRLF or — for files that passed through old Mac Excel (Lens, Patentscope exports here) —
CR alone. The file is streamed: memory stays flat. A field larger than the cell limit
quarantines its row; the rest of the file goes on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from patnav.errors import LineTooLongError, excerpt
from patnav.ingest.base import (
    BoundedLines,
    Item,
    LimitedReader,
    Notice,
    ReadOptions,
    Rejected,
    Source,
    text_stream,
)
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.tabular.columns import find_profile, recognise
from patnav.ingest.tabular.table import RawRow, key_prefix_for, read_table

FORMAT = "csv"
LABEL = "delimited text (CSV, TSV)"
SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".xls"}
DELIMITERS = ",\t;|"
PROGRESS_EVERY = 2000


def _decode_head(head: bytes) -> str | None:
    for encoding in ("utf-8-sig", "utf-16", "gb18030", "cp1252", "latin-1"):
        if encoding == "utf-16" and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if (
                exc.start > len(head) - 4
            ):  # cut inside a character at the end of the head
                return head[: exc.start].decode(encoding, errors="ignore")
    return None


def _delimiter(text: str) -> str:
    lines = [line for line in text.replace("\r", "\n").split("\n")[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = lines[0]
        return max(DELIMITERS, key=first.count)


def sniff(source: Source) -> bool:
    """Text whose first lines hold a header naming patent fields (any .csv/.tsv is taken)."""
    head = source.head()
    if not head or head.startswith(
        (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"%PDF")
    ):
        return False
    if source.suffix in {".csv", ".tsv"}:
        return True
    text = _decode_head(head)
    if text is None or text.lstrip().startswith(("{", "[", "<")):
        return False
    try:
        rows = list(
            csv.reader(
                io.StringIO(text.replace("\x00", ""), newline=""),
                delimiter=_delimiter(text),
            )
        )
    except csv.Error:  # a bare carriage return, an oversized field: not a table
        return False
    for row in rows[:30]:
        fields = {recognise(cell) for cell in row} - {None}
        if len(fields) >= 2 or find_profile(row) is not None:
            return True
    return False


class _Resumable:
    """An iterator over a generator function's lines that survives the generator
    raising: ``LineTooLongError`` propagates to the csv reader's caller, and the next call
    starts a fresh generator on the same (advanced) stream."""

    def __init__(self, make: Callable[[], Iterator[str]]) -> None:
        self._make = make
        self._it = make()

    def __iter__(self) -> _Resumable:
        return self

    def __next__(self) -> str:
        try:
            return next(self._it)
        except LineTooLongError:
            self._it = self._make()
            raise


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """Rows of the file as records."""
    detected = detect_encoding(source.open, declared=options.encoding)
    yield Notice(f"encoding {detected.encoding}: {detected.evidence}")
    if detected.warning:
        yield Notice(f"encoding: {detected.warning}", "warning")
    with source.open() as head_stream:
        head = head_stream.read(detected.skip + 65536)[detected.skip :]
    delimiter = _delimiter(head.decode(detected.encoding, errors="replace"))
    if delimiter != ",":
        yield Notice(f"delimiter {delimiter!r}")
    csv.field_size_limit(max(options.max_cell_bytes, 131072))

    raw = LimitedReader(source.open(), options.max_file_bytes, source.name)
    raw.read(detected.skip)
    size = source.size
    text = text_stream(raw, detected.encoding, newline="")
    lines = BoundedLines(text, options.max_line_bytes)

    def clean() -> Iterator[str]:
        for line in lines:
            yield line.replace("\x00", "") if "\x00" in line else line

    def rows() -> Iterator[RawRow | Rejected]:
        # the csv module pulls lines through clean(); a line over the limit surfaces
        # here as LineTooLongError, and the reader goes on with the next line
        reader = csv.reader(_Resumable(clean), delimiter=delimiter)
        previous_line = 0
        count = 0
        while True:
            start = previous_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except LineTooLongError as exc:
                previous_line = lines.number
                yield Rejected(f"line {exc.number}", str(exc), None, exc.number)
                continue
            except csv.Error as exc:
                previous_line = lines.number
                yield Rejected(
                    f"line {start}",
                    f"cannot be parsed as {FORMAT}: {excerpt(str(exc), 200)} (limit "
                    "PATNAV_MAX_CELL_BYTES)",
                    None,
                    start,
                )
                continue
            previous_line = lines.number
            count += 1
            if count % PROGRESS_EVERY == 0:
                options.report_progress(raw.bytes_read, size)
            yield RawRow(cells, f"line {start}", start)

    try:
        yield from read_table(
            rows(),
            options,
            table_name=source.name,
            key_prefix=key_prefix_for(source.name),
        )
    finally:
        text.close()
