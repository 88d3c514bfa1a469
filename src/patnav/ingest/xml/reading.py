"""The read loop every patent-office XML reader runs.

Each XML reader (``cnipa_xml``, ``uspto_xml``, ``epo_xml``, ``epo_docdb``) provides a
``build`` function from one parsed document to one record; its ``read`` is
:func:`read_xml` with that function. The file is cut into pieces with
:mod:`patnav.ingest.xml.safe` (at each ``<?xml …?>`` declaration, or by a reader's own
``split``), and :func:`read_pieces` runs the same loop for all of them: a piece that
cannot be parsed, declares entities, is over the size limit or builds no record becomes a
``Rejected`` item with its position, reason and first 64 KiB; the rest of the file goes
on; notices summarise the file (versions seen, unknown entities).
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from patnav.errors import (
    BadDocumentError,
    IgnoredDocumentError,
    SkippedDocumentError,
    UnsafeDocumentError,
    excerpt,
)
from patnav.ingest.base import (
    Item,
    LimitedReader,
    Notice,
    Read,
    ReadOptions,
    Rejected,
    Source,
)
from patnav.ingest.xml import safe
from patnav.ingest.xml.safe import (
    Element,
    Piece,
    Prepared,
    parse_document,
    split_documents,
)
from patnav.schema.records import PatentRecord

PROGRESS_EVERY = 50
"""Documents between progress reports."""
EXAMPLES = 5
"""Positions shown for a warning; the rest are counted (memory stays flat)."""


@dataclass(slots=True)
class FileNotes:
    """What a reader noticed about a whole file, summarised once at the end."""

    variants: Counter[str] = field(default_factory=Counter)
    unknown_entities: Counter[str] = field(default_factory=Counter)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)
    warning_counts: Counter[str] = field(default_factory=Counter)

    def warn(self, key: str, example: str) -> None:
        """Count one occurrence of a warning ``key``; the first examples are kept."""
        examples = self.warnings.setdefault(key, [])
        if len(examples) < EXAMPLES:
            examples.append(example)
        self.warning_counts[key] += 1

    def notices(self, label: str) -> Iterator[Notice]:
        """The summary notices: variants read, warnings, unknown entity names."""
        if self.variants:
            parts = ", ".join(f"{v} × {n:,}" for v, n in self.variants.most_common())
            yield Notice(f"read as {label}: {parts}")
        for what, n in self.ignored.items():
            yield Notice(f"skipped {n:,} {what}")
        for key, examples in self.warnings.items():
            count = self.warning_counts[key]
            shown = "; ".join(examples) + (" …" if count > len(examples) else "")
            yield Notice(f"{key} ({count:,}: {shown})", "warning")
        if self.unknown_entities:
            names = ", ".join(
                f"&{n}; × {c:,}" for n, c in self.unknown_entities.most_common(10)
            )
            yield Notice(
                f"character entities patnav does not know were kept as literal text: "
                f"{names}",
                "warning",
            )


Build = Callable[[Element, Prepared, Piece, FileNotes], PatentRecord]
"""A reader's function from one parsed document to one record."""


def open_limited(source: Source, options: ReadOptions) -> LimitedReader:
    """The source's bytes, refusing more than ``max_file_bytes``."""
    return LimitedReader(source.open(), options.max_file_bytes, source.name)


def read_json_list(
    source: Source, options: ReadOptions, key: str, *, what: str, again: str
) -> list[Any] | Rejected:
    """The list under ``key`` of the JSON object the source holds (at most
    ``max_file_bytes``), or the ``Rejected`` item saying why there is none.

    Args:
        what: what the file should be, for the message (``a USPTO Open Data Portal
            application response``).
        again: what to do about a cut-off file (``download it again``).
    """
    stream = open_limited(source, options)
    try:
        data = stream.readall()
    finally:
        stream.close()
    raw = data[:65536].decode("utf-8", errors="replace")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        return Rejected(
            "the file",
            f"not valid JSON ({excerpt(str(exc), 200)}): the file is cut off or "
            f"damaged; {again}",
            raw,
        )
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return Rejected("the file", f"no {key} list: not {what}", raw)
    return items


T = TypeVar("T")

STREAM_ERRORS = (EOFError, OSError, zlib.error, zipfile.BadZipFile)
"""What a cut-off or corrupt compressed stream raises while it is read."""


def guard_stream(
    items: Iterable[T], stream: LimitedReader | None
) -> Iterator[T | Rejected]:
    """``items``, until the stream under them breaks: a truncated or corrupt gzip or
    zip member then ends the file with one ``Rejected`` item (what was read before it
    stays read) instead of an exception."""
    it = iter(items)
    while True:
        try:
            item = next(it)
        except StopIteration:
            return
        except STREAM_ERRORS as exc:
            where = f"byte {stream.bytes_read:,}" if stream is not None else "here"
            yield Rejected(
                f"the rest of the file (from {where})",
                "the file cannot be read further "
                f"({type(exc).__name__}: {excerpt(str(exc), 300)}): a "
                "compressed file that is cut off or corrupt; download it again",
            )
            return
        yield item


def read_pieces(
    source: Source,
    options: ReadOptions,
    pieces: Iterable[Piece | Rejected],
    build: Build,
    *,
    label: str,
    stream: LimitedReader | None = None,
    notes: FileNotes | None = None,
) -> Iterator[Item]:
    """Parse each piece and build its record; reject what cannot be read.

    ``stream`` (the stream the pieces come from) is used for progress in bytes.
    """
    notes = notes or FileNotes()
    count = 0
    for piece in guard_stream(pieces, stream):
        if isinstance(piece, Rejected):
            yield piece
            continue
        count += 1
        if count % PROGRESS_EVERY == 0 and stream is not None:
            options.report_progress(stream.bytes_read, source.size)
        if piece.oversized:
            yield Rejected(
                piece.position,
                f"the document is {piece.size:,} bytes, over the limit of "
                f"{safe.MAX_DOCUMENT_BYTES:,} for one XML document; it was skipped "
                "unread",
                None,
                piece.number,
            )
            continue
        try:
            root, prepared = parse_document(piece.data)
            notes.unknown_entities.update(prepared.unknown_entities)
            if prepared.repaired:
                notes.warn(
                    "documents that are not well-formed XML were repaired or read in "
                    "recovery mode: check their text",
                    f"{piece.position}: {prepared.repaired}",
                )
            record = build(root, prepared, piece, notes)
        except UnsafeDocumentError as exc:
            yield Rejected(piece.position, f"refused: {exc}", piece.raw, piece.number)
            continue
        except BadDocumentError as exc:
            yield Rejected(piece.position, str(exc), piece.raw, piece.number)
            continue
        except IgnoredDocumentError as exc:
            notes.ignored[str(exc)] += 1
            continue
        except SkippedDocumentError as exc:
            yield Rejected(piece.position, str(exc), piece.raw, piece.number)
            continue
        if record.doc_id is None:
            yield Rejected(
                piece.position,
                "the document has no publication or application number",
                piece.raw,
                piece.number,
            )
            continue
        yield Read(record, piece.position)
    if stream is not None:
        options.report_progress(stream.bytes_read, source.size)
    yield from notes.notices(label)


Split = Callable[[LimitedReader], Iterable[Piece | Rejected]]
"""How a reader cuts its byte stream into documents (and refuses what it must)."""


def read_xml(
    source: Source,
    options: ReadOptions,
    build: Build,
    *,
    label: str,
    split: Split = split_documents,
) -> Iterator[Item]:
    """A reader's ``read``: the source's bytes (at most ``max_file_bytes``) cut by
    ``split`` (at each XML declaration unless told otherwise), every piece parsed and
    built by ``build``; ``label`` names the format in the file's notices."""
    stream = open_limited(source, options)
    try:
        yield from read_pieces(
            source, options, split(stream), build, label=label, stream=stream
        )
    finally:
        stream.close()
