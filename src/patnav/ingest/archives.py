"""Turn the paths a user names into sources: files, folders, zip and gzip archives.

Archives are opened member by member without unpacking to disk, under limits: member
count, expanded size, compression ratio (zip bombs), nesting depth. A member that breaks
a limit becomes a ``Problem`` the import reports and quarantines; the other members
still import. Office documents (xlsx, docx) are zips too, but they are files, not
archives.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from patnav.errors import UnsafeInputError
from patnav.ingest.base import LimitedReader, Source, file_source

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
RATIO_FLOOR = 1024 * 1024
"""Members smaller than this are never called bombs, whatever their ratio."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for archives and files."""

    max_file_bytes: int = 64 * 1024**3
    max_ratio: int = 200
    max_members: int = 100_000
    max_depth: int = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that cannot be opened at all, and why."""

    name: str
    reason: str


def is_office_zip(names: list[str]) -> bool:
    """Whether a zip's member names are those of an OOXML document (xlsx, docx, pptx)."""
    return "[Content_Types].xml" in names


def check_zip_member(info: zipfile.ZipInfo, limits: Limits, container: str) -> None:
    """Raise UnsafeInputError if a zip member breaks the size or ratio limits."""
    where = f"{container}!{info.filename}"
    if info.file_size > limits.max_file_bytes:
        raise UnsafeInputError(
            f"{where} declares {info.file_size:,} bytes expanded, over the limit of "
            f"{limits.max_file_bytes:,}. Raise PATNAV_MAX_FILE_BYTES if it is genuine."
        )
    if info.file_size > RATIO_FLOOR and info.compress_size > 0:
        ratio = info.file_size / info.compress_size
        if ratio > limits.max_ratio:
            raise UnsafeInputError(
                f"{where} expands {ratio:,.0f}-fold ({info.compress_size:,} → "
                f"{info.file_size:,} bytes), over the limit of {limits.max_ratio}: a zip "
                "bomb? Raise PATNAV_MAX_ARCHIVE_RATIO if it is genuine."
            )


def check_zip(zf: zipfile.ZipFile, limits: Limits, container: str) -> None:
    """Check every member of an open zip against the limits."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise UnsafeInputError(
            f"{container} has {len(infos):,} members, over the limit of "
            f"{limits.max_members:,}. Raise PATNAV_MAX_ARCHIVE_MEMBERS if it is genuine."
        )
    total = 0
    for info in infos:
        check_zip_member(info, limits, container)
        total += info.file_size
    if total > limits.max_file_bytes:
        raise UnsafeInputError(
            f"{container} expands to {total:,} bytes in all, over the limit of "
            f"{limits.max_file_bytes:,}."
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
        self, raw: IO[bytes], compressed: LimitedReader, limits: Limits, name: str
    ) -> None:
        # GzipFile leaves the file it reads from open: close it with the stream
        super().__init__(raw, limits.max_file_bytes, name, on_close=compressed.close)
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


def _gzip_source(outer: Source, limits: Limits) -> Source:
    inner_name = outer.name.rsplit("!", 1)[-1]
    stem = Path(inner_name).name
    stem = stem[:-3] if stem.lower().endswith(".gz") else stem + ".out"

    def opener() -> IO[bytes]:
        compressed = LimitedReader(outer.open(), limits.max_file_bytes, outer.name)
        expanded = cast(IO[bytes], gzip.GzipFile(fileobj=compressed, mode="rb"))
        return cast(IO[bytes], _RatioGuard(expanded, compressed, limits, outer.name))

    return Source(name=f"{outer.name}!{stem}", opener=opener)


def _zip_sources(
    outer: Source, limits: Limits, depth: int
) -> Iterator[Source | Problem]:
    # zipfile needs a seekable file: a member of another archive is copied out first,
    # and
    # its members can then be opened only while the iteration is at them.
    with outer.as_path(limits.max_file_bytes) as path:
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            yield Problem(
                outer.name,
                f"not a readable zip archive ({exc}); the file may be truncated. Download "
                "it again.",
            )
            return
        if is_office_zip([i.filename for i in infos]):
            yield outer
            return
        if len(infos) > limits.max_members:
            yield Problem(
                outer.name,
                f"{len(infos):,} members, over the limit of {limits.max_members:,}. "
                "Raise PATNAV_MAX_ARCHIVE_MEMBERS if it is genuine.",
            )
            return
        for info in infos:
            if _skip_member(info.filename):
                continue
            name = f"{outer.name}!{info.filename}"
            try:
                check_zip_member(info, limits, outer.name)
            except UnsafeInputError as exc:
                yield Problem(name, str(exc))
                continue

            def opener(info: zipfile.ZipInfo = info, name: str = name) -> IO[bytes]:
                zf = zipfile.ZipFile(
                    path
                )  # one handle per stream: sources stay independent
                return LimitedReader(  # type: ignore[return-value]
                    zf.open(info),
                    min(limits.max_file_bytes, info.file_size),
                    name,
                    on_close=zf.close,
                )

            yield from _expand_source(
                Source(name=name, opener=opener, size=info.file_size), limits, depth + 1
            )


def _expand_source(
    source: Source, limits: Limits, depth: int
) -> Iterator[Source | Problem]:
    try:
        head = source.head(8)
    except (OSError, UnsafeInputError, zipfile.BadZipFile, EOFError) as exc:
        yield Problem(source.name, f"cannot be read: {exc}")
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
        yield from _expand_source(_gzip_source(source, limits), limits, depth + 1)
    else:
        yield from _zip_sources(source, limits, depth)


def expand_paths(paths: list[Path], limits: Limits) -> Iterator[Source | Problem]:
    """Every readable source under ``paths``: files, folder contents, archive members.

    Folders are walked recursively in name order; hidden files and macOS resource forks
    are skipped. Archives are opened lazily, one member at a time.
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
                    yield from _expand_source(file_source(child), limits, 0)
            continue
        yield from _expand_source(file_source(path), limits, 0)
