"""Turn the paths a user names into sources: files, folders, zip and gzip archives.

Archives are opened member by member without unpacking to disk, under limits that hold
whatever the size of each member:

- the archive as a whole: how many members it has, how many bytes it expands to in all
  (nested archives included), and its compression ratio as a whole — 3,000 members of
  just under 1 MiB each are as much a bomb as one member of 3 GB;
- each member: its expanded size and its compression ratio (members over 1 MiB);
- nesting: how deep archives inside archives are opened.

An archive that breaks a whole-archive limit is refused before any member is read; a
member that breaks a member limit becomes a ``Problem`` the import reports and
quarantines, and the other members still import. Office documents (xlsx, docx) are zips
too, but they are files, not archives.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from patnav.errors import UnsafeInputError, excerpt
from patnav.ingest.base import LimitedReader, Source, file_source

if TYPE_CHECKING:
    from patnav.config import Settings

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
RATIO_FLOOR = 1024 * 1024
"""Members smaller than this are never called bombs, whatever their ratio."""
ARCHIVE_RATIO_FLOOR = 64 * 1024 * 1024
"""Archives expanding to less than this are never called bombs as a whole."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for archives and files (``Limits.from_settings`` builds them from
    the settings of the same names)."""

    max_file_bytes: int = 64 * 1024**3
    max_ratio: int = 200
    max_members: int = 100_000
    max_depth: int = 2
    max_archive_bytes: int = 16 * 1024**3
    file_setting: str = "PATNAV_MAX_FILE_BYTES"
    """The setting a message names for ``max_file_bytes``."""
    archive_setting: str = "PATNAV_MAX_ARCHIVE_BYTES"
    """The setting a message names for ``max_archive_bytes``."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limits the settings ask for."""
        return cls(
            max_file_bytes=settings.max_file_bytes,
            max_ratio=settings.max_archive_ratio,
            max_members=settings.max_archive_members,
            max_depth=settings.max_archive_depth,
            max_archive_bytes=settings.max_archive_bytes,
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that cannot be opened at all, and why."""

    name: str
    reason: str


@dataclass(slots=True)
class _Budget:
    """The bytes one top-level path may still expand to, across all its archives."""

    remaining: int
    spent: int = field(default=0)

    def spend(self, size: int, where: str, limits: Limits) -> None:
        if size > self.remaining:
            raise UnsafeInputError(
                f"{where} expands to {self.spent + size:,} bytes in all (nested archives "
                f"included), over the limit of {limits.max_archive_bytes:,}; refused "
                "before reading any of it. Unpack it and import the parts, or raise "
                f"{limits.archive_setting} if it is genuine."
            )
        self.remaining -= size
        self.spent += size


def is_office_zip(names: list[str]) -> bool:
    """Whether a zip's member names are those of an OOXML document (xlsx, docx, pptx)."""
    return "[Content_Types].xml" in names


def check_zip_member(info: zipfile.ZipInfo, limits: Limits, container: str) -> None:
    """Raise UnsafeInputError if a zip member breaks the size or ratio limits."""
    where = f"{container}!{excerpt(info.filename, 120)}"
    if info.file_size > limits.max_file_bytes:
        raise UnsafeInputError(
            f"{where} declares {info.file_size:,} bytes expanded, over the limit of "
            f"{limits.max_file_bytes:,}. Raise {limits.file_setting} if it is genuine."
        )
    if info.file_size > RATIO_FLOOR and info.compress_size > 0:
        ratio = info.file_size / info.compress_size
        if ratio > limits.max_ratio:
            raise UnsafeInputError(
                f"{where} expands {ratio:,.0f}-fold ({info.compress_size:,} → "
                f"{info.file_size:,} bytes), over the limit of {limits.max_ratio}: a zip "
                "bomb? Raise PATNAV_MAX_ARCHIVE_RATIO if it is genuine."
            )


def check_archive_totals(
    infos: list[zipfile.ZipInfo],
    limits: Limits,
    container: str,
    *,
    counted: list[zipfile.ZipInfo] | None = None,
) -> None:
    """Raise UnsafeInputError if a zip as a whole breaks the limits: member count, bytes
    expanded in all, compression ratio in all (whatever each member's size).

    ``counted`` are the members whose sizes count (default all): members refused on
    their own are not read, so they do not count.
    """
    if len(infos) > limits.max_members:
        raise UnsafeInputError(
            f"{container} has {len(infos):,} members, over the limit of "
            f"{limits.max_members:,}. Raise PATNAV_MAX_ARCHIVE_MEMBERS if it is genuine."
        )
    counted = infos if counted is None else counted
    expanded = sum(i.file_size for i in counted)
    compressed = sum(i.compress_size for i in counted)
    if expanded > limits.max_archive_bytes:
        raise UnsafeInputError(
            f"{container} expands to {expanded:,} bytes in all, over the limit of "
            f"{limits.max_archive_bytes:,}. Unpack it and import the parts, or raise "
            f"{limits.archive_setting} if it is genuine."
        )
    if expanded > ARCHIVE_RATIO_FLOOR and expanded > limits.max_ratio * max(
        compressed, 1
    ):
        raise UnsafeInputError(
            f"{container} expands {expanded / max(compressed, 1):,.0f}-fold in all "
            f"({compressed:,} → {expanded:,} bytes in {len(counted):,} members), over "
            f"the limit of {limits.max_ratio}: a zip bomb? Raise "
            "PATNAV_MAX_ARCHIVE_RATIO if it is genuine."
        )


def check_zip(zf: zipfile.ZipFile, limits: Limits, container: str) -> None:
    """Check an open zip as a whole and every member of it against the limits."""
    infos = zf.infolist()
    for info in infos:
        check_zip_member(info, limits, container)
    check_archive_totals(infos, limits, container)
    total = sum(i.file_size for i in infos)
    if total > limits.max_file_bytes:
        raise UnsafeInputError(
            f"{container} expands to {total:,} bytes in all, over the limit of "
            f"{limits.max_file_bytes:,}. Raise {limits.file_setting} if it is genuine."
        )


def _skip_member(name: str) -> bool:
    parts = name.split("/")
    return (
        name.endswith("/")
        or "__MACOSX" in parts
        or parts[-1].startswith("._")
        or parts[-1].startswith(".")
        or parts[-1] in {"Thumbs.db", "desktop.ini"}
    )


def _kind(head: bytes) -> str | None:
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    return None


class _RatioGuard(LimitedReader):
    """A gzip stream that also refuses an absurd expansion ratio."""

    def __init__(
        self,
        raw: IO[bytes],
        compressed: LimitedReader,
        limits: Limits,
        name: str,
        cap: int,
    ) -> None:
        # GzipFile leaves the file it reads from open: close it with the stream
        super().__init__(raw, cap, name, on_close=compressed.close)
        self._compressed = compressed
        self._max_ratio = limits.max_ratio

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if self.bytes_read > 64 * RATIO_FLOOR:
            consumed = max(self._compressed.bytes_read, 1)
            if self.bytes_read / consumed > self._max_ratio:
                raise UnsafeInputError(
                    f"{self._name} expands more than {self._max_ratio}-fold: a "
                    "decompression bomb? Raise PATNAV_MAX_ARCHIVE_RATIO if it is genuine."
                )
        return data


def _gzip_source(outer: Source, limits: Limits, budget: _Budget) -> Source:
    inner_name = outer.name.rsplit("!", 1)[-1]
    stem = Path(inner_name).name
    stem = stem[:-3] if stem.lower().endswith(".gz") else stem + ".out"
    # a gzip stream does not say how big it expands: each reading of it may use what
    # is left of the archive budget, and no more
    cap = min(limits.max_file_bytes, budget.remaining)

    def opener() -> IO[bytes]:
        compressed = LimitedReader(outer.open(), limits.max_file_bytes, outer.name)
        expanded = cast(IO[bytes], gzip.GzipFile(fileobj=compressed, mode="rb"))
        return cast(
            IO[bytes], _RatioGuard(expanded, compressed, limits, outer.name, cap)
        )

    return Source(name=f"{outer.name}!{stem}", opener=opener)


def _zip_sources(
    outer: Source, limits: Limits, depth: int, budget: _Budget
) -> Iterator[Source | Problem]:
    # zipfile needs a seekable file: a member of another archive is copied out first,
    # and its members can then be opened only while the iteration is at them.
    with ExitStack() as stack:
        try:
            # its own bytes were counted by the archive holding it
            path = stack.enter_context(outer.as_path(limits.max_file_bytes))
        except Exception as exc:  # a damaged member: zlib, CRC, size or I/O errors
            yield Problem(outer.name, f"cannot be read: {_reason(exc)}")
            return
        yield from _zip_members(outer, path, limits, depth, budget)


def _zip_members(
    outer: Source, path: Path, limits: Limits, depth: int, budget: _Budget
) -> Iterator[Source | Problem]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        yield Problem(
            outer.name,
            f"not a readable zip archive ({_reason(exc)}); the file may be truncated. "
            "Download it again.",
        )
        return
    if is_office_zip([i.filename for i in infos]):
        yield outer
        return
    members = [i for i in infos if not _skip_member(i.filename)]
    refused: dict[int, str] = {}  # by position: a zip may repeat a name
    for index, info in enumerate(members):
        try:
            check_zip_member(info, limits, outer.name)
        except UnsafeInputError as exc:
            refused[index] = str(exc)
    # the members that pass on their own must also pass together: many small members
    # can make a bomb none of them is alone
    passing = [i for n, i in enumerate(members) if n not in refused]
    try:
        check_archive_totals(members, limits, outer.name, counted=passing)
        budget.spend(sum(i.file_size for i in passing), outer.name, limits)
    except UnsafeInputError as exc:
        yield Problem(outer.name, str(exc))
        return
    for index, info in enumerate(members):
        name = f"{outer.name}!{info.filename}"
        if index in refused:
            yield Problem(name, refused[index])
            continue

        def opener(info: zipfile.ZipInfo = info, name: str = name) -> IO[bytes]:
            # one handle per stream: sources stay independent
            zf = zipfile.ZipFile(path)
            return LimitedReader(  # type: ignore[return-value]
                zf.open(info),
                min(limits.max_file_bytes, info.file_size),
                name,
                on_close=zf.close,
            )

        yield from _expand_source(
            Source(name=name, opener=opener, size=info.file_size),
            limits,
            depth + 1,
            budget,
        )


def _reason(exc: BaseException) -> str:
    """An exception as a short reason: its message, never a long quote of input."""
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else excerpt(text, 200)


def _expand_source(
    source: Source, limits: Limits, depth: int, budget: _Budget
) -> Iterator[Source | Problem]:
    try:
        head = source.head(8)
    except Exception as exc:  # a damaged member: zlib, CRC, size or I/O errors
        yield Problem(source.name, f"cannot be read: {_reason(exc)}")
        return
    kind = _kind(head)
    if kind is None:
        yield source
        return
    if depth > limits.max_depth:
        yield Problem(
            source.name,
            f"archive nested {depth} deep, over the limit of {limits.max_depth}; unpack it "
            "first or raise PATNAV_MAX_ARCHIVE_DEPTH.",
        )
        return
    if kind == "gzip":
        yield from _expand_source(
            _gzip_source(source, limits, budget), limits, depth + 1, budget
        )
    else:
        yield from _zip_sources(source, limits, depth, budget)


def expand_paths(paths: list[Path], limits: Limits) -> Iterator[Source | Problem]:
    """Every readable source under ``paths``: files, folder contents, archive members.

    Folders are walked recursively in name order; hidden files and macOS resource forks
    are skipped. Archives are opened lazily, one member at a time; each file a user or
    a folder names has its own budget of ``max_archive_bytes``.
    """
    for path in paths:
        if not path.exists():
            yield Problem(str(path), "no such file or folder")
            continue
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(
                    part.startswith(".") or part == "__MACOSX" for part in rel.parts
                ):
                    yield from _expand_one(child, limits)
            continue
        yield from _expand_one(path, limits)


def _expand_one(path: Path, limits: Limits) -> Iterator[Source | Problem]:
    try:
        source = file_source(path)
    except OSError as exc:
        yield Problem(str(path), f"cannot be read: {_reason(exc)}")
        return
    yield from _expand_source(source, limits, 0, _Budget(limits.max_archive_bytes))
