"""The import pipeline: paths in, store filled, report out.

For every file (folder members and archive members included) the pipeline picks a reader
(``--format`` or detection), and writes the file's records in **one transaction**: a
crash or an error in the middle leaves the store as it was before that file, and the
next file goes on. Records a reader rejects go to ``quarantine`` with file, position and
reason; the rest of the file still imports. Folders holding a Parquet snapshot are read
back as snapshots.

**File sets.** A few formats spread one record over several files: PatentsView's tables
are joined on ``patent_id``. Their reader offers ``read_set(sources, options)`` besides
``read``; the pipeline collects the files such a reader recognises, groups them by the
folder (or archive folder) they sit in, and imports each group as one unit, one
transaction, after the other files. Members of archives are copied to a temporary file
first, because a set is read only once all its files are known.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from patnav.config import Settings
from patnav.errors import InvalidParameterError, ParseError, PatnavError
from patnav.ingest import READERS
from patnav.ingest.archives import Limits, Problem, expand_paths
from patnav.ingest.base import (
    Item,
    Notice,
    Read,
    Reader,
    ReadOptions,
    Rejected,
    Source,
)
from patnav.ingest.columns import ColumnMapping
from patnav.ingest.report import FileReport, ImportReport, QuarantineEntry
from patnav.storage.parquet import import_snapshot, is_snapshot
from patnav.storage.store import PatentStore
from patnav.storage.writer import DocumentWriter, utc_now

REPORT_QUARANTINE_LIMIT = 10_000
"""Quarantined records listed in a file's report; all of them are in the store regardless
(``patnav quarantine``), so a file of a million bad rows cannot exhaust memory."""

ProgressCallback = Callable[[str, int, int | None], None]
"""Called with (file name, units done, units in all or None)."""


class SetReader(Reader, Protocol):
    """A reader whose records span several files read together (PatentsView tables)."""

    def read_set(
        self, sources: Sequence[Source], options: ReadOptions
    ) -> Iterator[Item]: ...


def set_reader(reader: Reader) -> SetReader | None:
    """``reader`` as a set reader when it offers ``read_set``, else None."""
    return reader if callable(getattr(reader, "read_set", None)) else None  # type: ignore[return-value]


def set_folder(name: str) -> str:
    """The folder a source sits in, the unit its set is grouped by.

    ``/data/pv/g_patent.tsv`` → ``/data/pv``; ``pv.zip!pv/g_patent.tsv`` → ``pv.zip!pv``;
    ``pv.zip!g_patent.tsv`` → ``pv.zip``.
    """
    container, _, member = name.rpartition("!")
    if container:
        return f"{container}!{member.rsplit('/', 1)[0]}" if "/" in member else container
    return str(Path(name).parent)


def detect_reader(source: Source) -> Reader | None:
    """The first registered reader that recognises ``source``."""
    for reader in READERS.values():
        try:
            if reader.sniff(source):
                return reader
        except (OSError, ValueError, PatnavError):
            continue
    return None


def _next_import_id(store: PatentStore) -> int:
    return int(store.scalar("SELECT coalesce(max(import_id), 0) + 1 FROM imports"))


def _record_failure(
    store: PatentStore, report: FileReport, started: float, reason: str
) -> None:
    """Log a file that could not be imported: an imports row and a quarantine entry."""
    report.status = "failed"
    report.message = reason
    import_id = _next_import_id(store)
    report.import_id = import_id
    now = utc_now()
    with store.transaction():
        store.execute(
            "INSERT INTO imports VALUES (?, ?, ?, 'failed', ?, ?, 0, 0, 0, 0, 1, ?)",
            [import_id, report.file, report.format, now, now, reason],
        )
        store.execute(
            "INSERT INTO quarantine VALUES (?, ?, 'whole file', NULL, ?, NULL, ?)",
            [import_id, report.file, reason, now],
        )
    report.quarantined = 1
    report.quarantine = [QuarantineEntry(report.file, "whole file", reason)]
    report.seconds = time.perf_counter() - started


class _OldObjectsAside:
    """Keep the objects the process held before a file out of the garbage collector's
    sight while the file is imported.

    Python's cyclic collector walks every object it tracks on each full collection. An
    import triggers several (its batch grows, survives young collections, is written and
    let go); they found nothing to free, yet walked every module, library and cache
    loaded before, each time: about a sixth of a Derwent import. Frozen (``gc.freeze``),
    those objects are skipped; the collector still runs as usual on everything the
    import creates, so what a reader leaves in reference cycles (spreadsheet libraries
    do) is freed as before and memory stays as flat. At the end the file's leftovers
    are collected and the old objects handed back (``gc.unfreeze``).
    """

    def __init__(self) -> None:
        self._active = False

    def __enter__(self) -> None:
        self._active = gc.isenabled()  # a caller who disabled it manages it
        if self._active:
            gc.freeze()

    def __exit__(self, *exc: object) -> None:
        if self._active:
            # a concurrent import may have handed them back already: slower, not wrong
            gc.collect()
            gc.unfreeze()


def import_source(
    store: PatentStore,
    source: Source,
    reader: Reader,
    *,
    options: ReadOptions,
    batch_size: int,
    batch_bytes: int = 64 * 1024 * 1024,
    strict: bool = False,
    raise_unexpected: bool = False,
    members: Sequence[Source] | None = None,
) -> FileReport:
    """Import one source with one reader, in one transaction.

    With ``members``, the reader's ``read_set`` reads them as one set, and ``source``
    only names it (its folder).

    Raises:
        Exception: with ``raise_unexpected``, an unexpected error (a bug) propagates
            after the file was rolled back and its failure logged; otherwise it is
            reported.
    """
    started = time.perf_counter()
    report = FileReport(file=source.name, format=reader.FORMAT, status="ok")
    import_id = _next_import_id(store)
    report.import_id = import_id
    try:
        with store.transaction(), _OldObjectsAside():
            writer = DocumentWriter(
                store,
                import_id=import_id,
                file=source.name,
                fmt=reader.FORMAT,
                batch_size=batch_size,
                batch_bytes=batch_bytes,
            )
            begun = utc_now()
            items = (
                reader.read(source, options)
                if members is None
                else _read_set(reader, members, options)
            )
            for item in items:
                if isinstance(item, Read):
                    writer.add(item.record, item.position)
                elif isinstance(item, Rejected):
                    if strict:
                        raise ParseError(
                            source.name, item.reason, position=item.position
                        )
                    writer.quarantine(
                        position=item.position,
                        row_number=item.row_number,
                        reason=item.reason,
                        raw=item.raw,
                    )
                    if len(report.quarantine) < REPORT_QUARANTINE_LIMIT:
                        report.quarantine.append(
                            QuarantineEntry(source.name, item.position, item.reason)
                        )
                elif isinstance(item, Notice):
                    (
                        report.warnings if item.level == "warning" else report.notices
                    ).append(item.message)
            counts = writer.finish()
            message = "; ".join(report.warnings) or None
            store.execute(
                "INSERT INTO imports VALUES (?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    source.name,
                    reader.FORMAT,
                    begun,
                    utc_now(),
                    counts.read,
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                    counts.quarantined,
                    message,
                ],
            )
    except PatnavError as exc:
        report.quarantine.clear()
        report.read = 0
        _record_failure(store, report, started, str(exc))
        return report
    except Exception as exc:
        report.quarantine.clear()
        _record_failure(
            store,
            report,
            started,
            f"internal error while reading ({type(exc).__name__}: {exc}); the file was "
            "rolled back. Please report it with the file; --debug shows the traceback.",
        )
        if raise_unexpected:
            raise
        return report
    for name in ("read", "new", "updated", "unchanged", "quarantined"):
        setattr(report, name, getattr(counts, name))
    report.seconds = time.perf_counter() - started
    return report


def import_paths(
    store: PatentStore,
    paths: Sequence[Path],
    *,
    settings: Settings | None = None,
    fmt: str | None = None,
    mapping: ColumnMapping | None = None,
    office: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    raise_unexpected: bool = False,
) -> ImportReport:
    """Import every file under ``paths`` into ``store`` and report what happened.

    Args:
        store: the open store to fill.
        paths: files, folders (walked recursively), archives, or snapshot folders.
        settings: limits and batch size; defaults apply when None.
        fmt: a reader name to use instead of detection (see ``READERS``).
        mapping: a user column mapping for tabular formats.
        office: the office to assume for numbers written without a country prefix.
        encoding: the text encoding to try first (verified; detection overrides a wrong
        one). strict: quarantine nothing: the first bad record fails its whole file.
        progress: called as work advances, for progress bars. raise_unexpected: let an
        unexpected error (a bug) propagate, after its file was
            rolled back and logged, instead of reporting it and going on (``--debug``).

    Raises:
        InvalidParameterError: ``fmt`` names no reader.
    """
    settings = settings or Settings()
    if fmt is not None and fmt not in READERS:
        raise InvalidParameterError(
            f"Unknown format '{fmt}'. Known formats: {', '.join(READERS)}; or leave out "
            "--format to detect it."
        )
    limits = Limits(
        max_file_bytes=settings.max_file_bytes,
        max_ratio=settings.max_archive_ratio,
        max_members=settings.max_archive_members,
        max_depth=settings.max_archive_depth,
    )
    run = _Run(
        store=store,
        report=ImportReport(),
        reader=READERS[fmt] if fmt else None,
        limits=limits,
        settings=settings,
        options=ReadOptions(
            mapping=mapping,
            office=office,
            encoding=encoding,
            max_cell_bytes=settings.max_cell_bytes,
            max_file_bytes=settings.max_file_bytes,
        ),
        strict=strict,
        progress=progress,
        raise_unexpected=raise_unexpected,
    )
    with store.memory_limit(settings.import_memory_limit), ExitStack() as stack:
        run.spool = stack
        for path in paths:
            if path.is_dir() and is_snapshot(path):
                run.report.files.append(_import_snapshot(store, path))
            else:
                _import_files(run, path)
        _import_sets(run)
    return run.report


def _read_set(
    reader: Reader, members: Sequence[Source], options: ReadOptions
) -> Iterator[Item]:
    grouped = set_reader(reader)
    if grouped is None:
        raise InvalidParameterError(
            f"format {reader.FORMAT} reads one file at a time, not a set of files"
        )
    return grouped.read_set(members, options)


@dataclass(slots=True)
class _Run:
    """What every file of one import shares."""

    store: PatentStore
    report: ImportReport
    reader: Reader | None
    limits: Limits
    settings: Settings
    options: ReadOptions
    strict: bool
    progress: ProgressCallback | None
    raise_unexpected: bool
    sets: dict[tuple[str, str], list[Source]] = field(default_factory=dict)
    """Files of set readers, by (format, folder), imported after the other files."""
    spool: ExitStack | None = None
    """Keeps temporary copies of archive members alive until their set is imported."""


def _import_snapshot(store: PatentStore, path: Path) -> FileReport:
    started = time.perf_counter()
    snap = import_snapshot(store, path)
    return FileReport(
        file=str(path),
        format="snapshot",
        status="ok",
        import_id=snap.import_id,
        read=snap.documents,
        new=snap.new,
        updated=snap.updated,
        seconds=time.perf_counter() - started,
        notices=[f"rows per table: {snap.rows}"],
    )


def _import_files(run: _Run, path: Path) -> None:
    for item in expand_paths([path], run.limits):
        if isinstance(item, Problem):
            failed = FileReport(file=item.name, format=None, status="failed")
            _record_failure(run.store, failed, time.perf_counter(), item.reason)
            run.report.files.append(failed)
            continue
        reader = run.reader or detect_reader(item)
        if reader is None:
            # a file the user named must be read; a folder's or archive's others may not
            named = item.name == str(path)
            unsupported = _unsupported(item, named)
            if named:
                _record_failure(
                    run.store,
                    unsupported,
                    time.perf_counter(),
                    unsupported.message or "",
                )
            run.report.files.append(unsupported)
            continue
        if set_reader(reader) is not None:
            _collect(run, reader, item)
            continue
        options = replace(run.options, progress=_progress_for(item.name, run.progress))
        run.report.files.append(
            import_source(
                run.store,
                item,
                reader,
                options=options,
                batch_size=run.settings.batch_size,
                batch_bytes=run.settings.batch_mb * 1024 * 1024,
                strict=run.strict,
                raise_unexpected=run.raise_unexpected,
            )
        )


def _collect(run: _Run, reader: Reader, item: Source) -> None:
    """Hold a file of a set reader until the set is complete; archive members are copied
    out now, while their archive is open."""
    if item.path is None and run.spool is not None:
        try:
            local = run.spool.enter_context(item.as_path(run.limits.max_file_bytes))
        except (PatnavError, OSError) as exc:
            failed = FileReport(file=item.name, format=reader.FORMAT, status="failed")
            _record_failure(
                run.store, failed, time.perf_counter(), f"cannot be read: {exc}"
            )
            run.report.files.append(failed)
            return
        item = Source(
            name=item.name,
            opener=lambda: local.open("rb"),
            path=local,
            size=local.stat().st_size,
        )
    run.sets.setdefault((reader.FORMAT, set_folder(item.name)), []).append(item)


def _import_sets(run: _Run) -> None:
    """Import each collected set of files as one unit."""
    for (fmt, folder), members in run.sets.items():
        reader = READERS[fmt]
        name = members[0].name if len(members) == 1 else folder
        unit = Source(name=name, opener=members[0].opener)
        options = replace(run.options, progress=_progress_for(name, run.progress))
        run.report.files.append(
            import_source(
                run.store,
                unit,
                reader,
                options=options,
                batch_size=run.settings.batch_size,
                batch_bytes=run.settings.batch_mb * 1024 * 1024,
                strict=run.strict,
                raise_unexpected=run.raise_unexpected,
                members=members,
            )
        )
    run.sets.clear()


def _progress_for(
    name: str, progress: ProgressCallback | None
) -> Callable[[int, int | None], None] | None:
    if progress is None:
        return None

    def report(done: int, total: int | None) -> None:
        progress(name, done, total)

    return report


def _unsupported(source: Source, named: bool) -> FileReport:
    message = (
        f"no reader recognises {source.name}: it is not one of {', '.join(READERS)} with "
        "a recognisable header. Name the format with --format, or give a column mapping "
        "with --mapping."
    )
    return FileReport(
        file=source.name,
        format=None,
        status="failed" if named else "skipped",
        message=message,
    )
