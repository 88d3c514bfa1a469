"""JSON lines: one JSON object per line (contest corpora, API dumps, scraper output).

Keys play the part of column headers: the keys of the first 1,000 objects form the
header, so the same recognition and mapping apply as for spreadsheets. A key first seen
later is kept in that record's extras. Lists become multi-valued cells; nested objects
are kept as JSON text. A line that is not a JSON object is quarantined with its line
number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

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
from patnav.ingest.tabular.table import RawRow, key_prefix_for, read_table

FORMAT = "jsonl"
LABEL = "JSON lines"
HEADER_SAMPLE = 1000


def sniff(source: Source) -> bool:
    """The first non-blank line is a JSON object."""
    head = source.head()
    text = head.decode("utf-8-sig", errors="ignore").lstrip()
    if not text.startswith("{"):
        return False
    first = text.split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _too_deep(options: ReadOptions) -> str:
    return (
        f"nested deeper than {options.max_json_depth} levels of lists and objects "
        "(PATNAV_MAX_JSON_DEPTH); patent records are flat"
    )


def _depth(value: object, limit: int) -> int:
    """How deep lists and objects nest in ``value``; stops counting past ``limit``."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ";;".join(str(_cell(v)) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per line."""
    detected = detect_encoding(source.open, declared=options.encoding)
    if detected.encoding not in ("utf-8", "utf-8-sig"):
        yield Notice(f"encoding {detected.encoding}: {detected.evidence}")
    raw = LimitedReader(source.open(), options.max_file_bytes, source.name)
    raw.read(detected.skip)
    text = text_stream(raw, detected.encoding)
    # a record is one line: a line over the cell limit is quarantined like a cell
    lines = (
        BoundedLines(text, options.max_cell_bytes, "PATNAV_MAX_CELL_BYTES")
        if options.max_cell_bytes <= options.max_line_bytes
        else BoundedLines(text, options.max_line_bytes)
    )

    def objects() -> Iterator[tuple[int, dict[str, object]] | Rejected]:
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except LineTooLongError as exc:
                yield Rejected(f"line {exc.number}", str(exc), None, exc.number)
                continue
            number = lines.number
            if not line.strip():
                continue
            problem: str | None = None
            try:
                obj = json.loads(line)
            except RecursionError:  # deeper than Python's own limit
                problem = _too_deep(options)
            except ValueError as exc:
                problem = f"not valid JSON: {excerpt(str(exc), 200)}"
            if problem is None:
                if not isinstance(obj, dict):
                    problem = f"a JSON {type(obj).__name__}, not an object"
                elif len(obj) > options.max_columns:
                    problem = (
                        f"an object of {len(obj):,} keys, over the limit of "
                        f"{options.max_columns:,} (PATNAV_MAX_COLUMNS)"
                    )
                elif _depth(obj, options.max_json_depth) > options.max_json_depth:
                    problem = _too_deep(options)
            if problem is not None:
                yield Rejected(f"line {number}", problem, line[:65536], number)
                continue
            if number % 2000 == 0:
                options.report_progress(raw.bytes_read, source.size)
            yield number, obj

    def rows() -> Iterator[RawRow | Rejected]:
        stream = objects()
        buffered: list[tuple[int, dict[str, object]] | Rejected] = []
        keys: dict[str, None] = {}
        for item in stream:
            buffered.append(item)
            if not isinstance(item, Rejected):
                for key in item[1]:
                    if len(keys) >= options.max_columns:
                        break  # later keys are kept in each record's extras
                    keys.setdefault(key)
                if len(buffered) >= HEADER_SAMPLE:
                    break
        header = list(keys)
        yield RawRow(header, "header (keys of the first objects)", 0)

        def row(item: tuple[int, dict[str, object]]) -> RawRow:
            number, obj = item
            late = {
                k: str(_cell(v))
                for k, v in obj.items()
                if k not in keys and v is not None
            }
            cells = [_cell(obj.get(k)) for k in header]
            return RawRow(cells, f"line {number}", number, late or None)

        for item in buffered:
            yield item if isinstance(item, Rejected) else row(item)
        for item in stream:
            yield item if isinstance(item, Rejected) else row(item)

    try:
        yield from read_table(
            rows(),
            options,
            table_name=source.name,
            key_prefix=key_prefix_for(source.name),
        )
    finally:
        text.close()
