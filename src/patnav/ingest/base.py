"""What every reader shares: the input it reads, the items it yields, its options.

A reader is a module with three names::

    FORMAT = "xlsx"                       # registry key, shown to users
    def sniff(source: Source) -> bool     # cheap: look at the head, the name
    def read(source: Source, options: ReadOptions) -> Iterator[Item]

``read`` yields ``Read`` (a record and where it was), ``Rejected`` (a record that cannot be
read: where and why, plus its raw content) and ``Notice`` (something the user should
know about the file as a whole: the header row chosen, columns ignored, the encoding
detected). Readers only parse: they never touch the store.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from patnav.errors import LineTooLongError, UnsafeInputError
from patnav.schema.records import PatentRecord

if TYPE_CHECKING:
    from patnav.ingest.tabular.columns import ColumnMapping

HEAD_BYTES = 64 * 1024
DAMAGED_STREAM_ERRORS = (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile)
"""What a cut-off or corrupt compressed stream raises while it is read."""


class LimitedReader(io.RawIOBase):
    """A binary stream that refuses to yield more than ``limit`` bytes (decompression bombs).

    It is a raw stream: wrap it in ``io.BufferedReader`` before ``io.TextIOWrapper``.
    """

    def __init__(
        self,
        raw: IO[bytes],
        limit: int,
        name: str,
        *,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._limit = limit
        self._name = name
        self._count = 0
        self._on_close = on_close

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._limit - self._count + 1
        data = self._raw.read(min(size, self._limit - self._count + 1))
        self._count += len(data)
        if self._count > self._limit:
            raise UnsafeInputError(
                f"{self._name} expands to more than {self._limit:,} bytes; refusing to read "
                "further (decompression bomb?). Raise PATNAV_MAX_FILE_BYTES if it is genuine."
            )
        return data

    def readall(self) -> bytes:
        chunks = []
        while chunk := self.read(1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)

    @property
    def bytes_read(self) -> int:
        return self._count

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            if self._on_close is not None:
                self._on_close()
                self._on_close = None
        super().close()


class BoundedLines:
    """The lines of a text stream, none held longer than ``limit`` characters.

    A longer line raises :class:`LineTooLongError` (its rest is read past in pieces, never
    held whole) and the next call goes on with the line after it. ``number`` is the
    number of the line last returned or refused, from 1.
    """

    def __init__(
        self, text: IO[str], limit: int, setting: str = "PATNAV_MAX_LINE_BYTES"
    ) -> None:
        self._text = text
        self._limit = limit
        self._setting = setting
        self.number = 0

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(self._limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self._limit and not line.endswith(("\n", "\r")):
            length = len(line)
            while True:
                rest = self._text.readline(1 << 20)
                length += len(rest)
                if not rest or rest.endswith(("\n", "\r")):
                    break
            raise LineTooLongError(self.number, length, self._limit, self._setting)
        return line


def text_stream(
    raw: LimitedReader, encoding: str, *, newline: str | None = None
) -> IO[str]:
    """A text stream over a limited binary stream."""
    return io.TextIOWrapper(
        io.BufferedReader(raw, 1 << 20), encoding=encoding, newline=newline
    )


@dataclass(frozen=True, slots=True)
class Source:
    """One input to read: a file on disk, or a member of an archive.

    ``name`` is what users see (``exports.zip!pizza/a.xls``); ``path`` is set when the bytes
    are a real file; ``opener`` opens a fresh binary stream each time it is called.
    """

    name: str
    opener: Callable[[], IO[bytes]]
    path: Path | None = None
    size: int | None = None

    @property
    def suffix(self) -> str:
        """The lower-case extension of the name, with its dot (``.xlsx``)."""
        return Path(self.name.rsplit("!", 1)[-1]).suffix.lower()

    def open(self) -> IO[bytes]:
        """A fresh binary stream over the content."""
        return self.opener()

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` bytes."""
        with self.open() as f:
            return f.read(n)

    def content_hash(self, limit: int) -> str:
        """The SHA-256 of the content (hex), read through a stream of at most ``limit``
        bytes.

        Raises:
            UnsafeInputError: the content is longer than ``limit``.
        """
        digest = hashlib.sha256()
        with self.open() as raw:
            stream = LimitedReader(raw, limit, self.name)
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    @contextmanager
    def as_path(self, limit: int) -> Iterator[Path]:
        """A real file holding the content: ``path`` itself, or a temporary copy."""
        if self.path is not None:
            yield self.path
            return
        with tempfile.TemporaryDirectory(prefix="patnav-") as tmp:
            target = Path(tmp) / ("member" + self.suffix)
            with self.open() as src, target.open("wb") as dst:
                shutil.copyfileobj(
                    LimitedReader(src, limit, self.name), dst, 1024 * 1024
                )
            yield target


def file_source(path: Path) -> Source:
    """A source for a file on disk."""
    return Source(
        name=str(path),
        opener=lambda: path.open("rb"),
        path=path,
        size=path.stat().st_size,
    )


@dataclass(frozen=True, slots=True)
class Read:
    """A record read at ``position`` (``Sheet1 row 17``, ``line 230``, ``document 5``)."""

    record: PatentRecord
    position: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be read: where, why, and its raw content."""

    position: str
    reason: str
    raw: str | None = None
    row_number: int | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the user about the file as a whole."""

    message: str
    level: str = "info"  # info | warning


Item = Read | Rejected | Notice


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read: a user's column mapping, hints, and safety limits."""

    mapping: ColumnMapping | None = None
    office: str | None = None
    encoding: str | None = None
    max_cell_bytes: int = 4 * 1024 * 1024
    max_file_bytes: int = 64 * 1024**3
    max_line_bytes: int = 16 * 1024 * 1024
    """Longest CSV or JSON-lines line read; a longer one is quarantined unread."""
    max_columns: int = 2000
    """Most columns of a table; values beyond them quarantine their row."""
    max_json_depth: int = 64
    """Deepest nesting of a JSON-lines record."""
    max_workbook_bytes: int = 1024**3
    """Most bytes a workbook (xlsx, xls) may expand to."""
    max_ratio: int = 200
    """Largest compression ratio of a workbook's zip members (and of the whole)."""
    progress: Callable[[int, int | None], None] | None = field(
        default=None, compare=False
    )
    """Called now and then with (units done, units in all or None): rows or bytes."""

    def report_progress(self, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(done, total)


class Reader(Protocol):
    """The three names a reader module provides."""

    FORMAT: str
    LABEL: str

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]: ...
