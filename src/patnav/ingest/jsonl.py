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

from patnav.ingest.base import (
    Item,
    LimitedReader,
    Notice,
    ReadOptions,
    Rejected,
    Source,
    text_stream,
)
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.tabular import RawRow, key_prefix_for, read_table

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

    def objects() -> Iterator[tuple[int, dict[str, object]] | Rejected]:
        for number, line in enumerate(text, 1):
            if not line.strip():
                continue
            if len(line) > options.max_cell_bytes:
                yield Rejected(
                    f"line {number}",
                    f"line of {len(line):,} characters, over the limit of "
                    f"{options.max_cell_bytes:,} (PATNAV_MAX_CELL_BYTES)",
                    line[:65536],
                    number,
                )
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield Rejected(f"line {number}", f"not valid JSON: {exc}", line, number)
                continue
            if not isinstance(obj, dict):
                yield Rejected(
                    f"line {number}",
                    f"a JSON {type(obj).__name__}, not an object",
                    line,
                    number,
                )
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
                keys.update(dict.fromkeys(item[1]))
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
