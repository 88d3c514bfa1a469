"""The import pipeline: paths in, store filled, report out.

For every file (folder members and archive members included) the pipeline picks a reader
(``--format`` or detection), and writes the file's records in **one transaction**: a
crash or an error in the middle leaves the store as it was before that file, and the
next file goes on. Records a reader rejects go to ``quarantine`` with file, position and
reason, keyed by the file's content hash: importing the same file again replaces its
entries. The rest of the file still imports; a file whose every record was quarantined
gets the status ``quarantined`` (and the import is not ``ok``). Folders holding a Parquet
snapshot are read back as snapshots.

**Failures.** One file never stops an import: a file no reader recognises, a reader that
fails on it, a damaged archive member — each fails alone, with a short reason (input is
quoted through :func:`patnav.errors.excerpt`), and the next file goes on. When DuckDB
stops the store (out of memory at a checkpoint, a failed disk write), the store reopens
itself at its last committed state (:class:`patnav.storage.store.PatentStore`): the file
that was being written is logged as failed and the import goes on. Only a store that
cannot be reopened (a cursor of the web platform) ends the import: the report then says
why in ``ImportReport.error``.

**File sets.** A few formats spread one record over several files: PatentsView's tables
are joined on ``patent_id``. Their reader offers ``read_set(sources, options)`` besides
``read``; the pipeline collects the files such a reader recognises, groups them by the
folder (or archive folder) they sit in, and imports each group as one unit, one
transaction, after the other files. Members of archives are copied to a temporary file
first, because a set is read only once all its files are known.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from patnav.config import Settings
from patnav.errors import (
    InvalidParameterError,
    ParseError,
    PatnavError,
    StoreDownError,
    StoreError,
    StoreFailedError,
    clip,
    excerpt,
)
from patnav.ingest import READERS
from patnav.ingest.archives import Limits, Problem, expand_paths
from patnav.ingest.base import (
    DAMAGED_STREAM_ERRORS,
    Item,
    Notice,
    Read,
    Reader,
    ReadOptions,
    Rejected,
    Source,
)
from patnav.ingest.report import FileReport, ImportReport, QuarantineEntry
from patnav.ingest.tabular.columns import ColumnMapping
from patnav.storage.parquet import import_snapshot, is_snapshot
from patnav.storage.store import MEMORY, PatentStore
from patnav.storage.writer import DocumentWriter, replace_quarantine, utc_now

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
    """The first registered reader that recognises ``source``.

    Sniffing reads untrusted bytes: a reader whose ``sniff`` fails on them in any way (a
    text file with a bare carriage return trips the CSV sniffer, random bytes trip an
    XML one) does not recognise the file, and the next reader is asked.
    """
    for reader in READERS.values():
        try:
            if reader.sniff(source):
                return reader
        except Exception:  # any failure on untrusted bytes means "not this format"
            continue
    return None


Hasher = Callable[[], str | None]


def _hasher(source: Source, members: Sequence[Source] | None, limit: int) -> Hasher:
    """A function computing the content hash that keys a file's quarantine entries:
    the file's SHA-256, or for a set of files, the hash of their hashes in name order.
    None when the content cannot be read (it is then keyed by its name)."""

    def compute() -> str | None:
        try:
            if members is None:
                return source.content_hash(limit)
            digest = hashlib.sha256()
            for member in sorted(members, key=lambda m: m.name):
                digest.update(member.content_hash(limit).encode())
            return digest.hexdigest()
        except Exception:  # unreadable content: keyed by its name instead
            return None

    return compute


def _next_import_id(store: PatentStore) -> int:
    return int(store.scalar("SELECT coalesce(max(import_id), 0) + 1 FROM imports"))


def _record_failure(
    store: PatentStore,
    report: FileReport,
    started: float,
    reason: str,
    *,
    content_hash: Hasher | None = None,
) -> None:
    """Log a file that could not be imported: an imports row and a quarantine entry
    (replacing the failure entry an earlier import of the same file left).

    ``content_hash`` is None for inputs that must not be read again (an archive member
    refused as a bomb). When the store cannot take the log, the report still says why
    the file failed, and why it is not logged.

    Raises:
        StoreDownError: the store failed and could not be reopened.
    """
    reason = clip(reason)
    report.status = "failed"
    report.message = reason
    report.quarantined = 1
    report.quarantine = [QuarantineEntry(report.file, "whole file", reason)]
    key = content_hash() if content_hash is not None else None
    try:
        import_id = _next_import_id(store)
        now = utc_now()
        with store.transaction():
            store.execute(
                "INSERT INTO imports VALUES (?, ?, ?, 'failed', ?, ?, 0, 0, 0, 0, 1, ?)",
                [import_id, report.file, report.format, now, now, reason],
            )
            store.execute(
                "INSERT INTO quarantine VALUES "
                "(?, ?, 'whole file', NULL, ?, NULL, ?, ?)",
                [import_id, report.file, reason, now, key],
            )
            replace_quarantine(
                store,
                import_id=import_id,
                file=report.file,
                file_hash=key,
                position="whole file",
            )
        report.import_id = import_id
    except StoreFailedError as exc:
        if not exc.recovered:
            raise StoreDownError(exc) from exc
        report.warnings.append(f"the failure could not be logged in the store: {exc}")
    except StoreError as exc:
        report.warnings.append(f"the failure could not be logged in the store: {exc}")
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


# Over 120 lines on purpose: one file's transaction from begin to commit or rollback,
# with every way it can end (quarantine, strict refusal, a failed store, a bug) handled
# in one try block, where the order of rollback, logging and reopening can be seen.
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
        StoreDownError: the store failed and could not be reopened.
    """
    started = time.perf_counter()
    report = FileReport(file=source.name, format=reader.FORMAT, status="ok")
    content_hash = _hasher(source, members, options.max_file_bytes)
    recoveries = store.recoveries
    try:
        import_id = _next_import_id(store)
        report.import_id = import_id
        with store.transaction(), _OldObjectsAside():
            writer = DocumentWriter(
                store,
                import_id=import_id,
                file=source.name,
                fmt=reader.FORMAT,
                batch_size=batch_size,
                batch_bytes=batch_bytes,
                content_hash=content_hash,
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
                            QuarantineEntry(
                                source.name, item.position, clip(item.reason)
                            )
                        )
                elif isinstance(item, Notice):
                    (
                        report.warnings if item.level == "warning" else report.notices
                    ).append(clip(item.message))
            counts = writer.finish()
            if counts.quarantined and counts.quarantined == counts.read:
                report.status = "quarantined"
                report.message = (
                    f"every record of the file ({counts.read:,}) was quarantined, none "
                    f"imported: see 'patnav quarantine --import-id {import_id}' for why, "
                    "fix the file or give a column mapping (--mapping), and import it "
                    "again"
                )
            message = (
                "; ".join(
                    ([report.message] if report.message else []) + report.warnings
                )
                or None
            )
            store.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    source.name,
                    reader.FORMAT,
                    report.status,
                    begun,
                    utc_now(),
                    counts.read,
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                    counts.quarantined,
                    clip(message) if message else None,
                ],
            )
    except StoreFailedError as exc:
        if not exc.recovered:
            raise StoreDownError(exc) from exc
        _failed(report)
        _record_failure(store, report, started, str(exc))
        return report
    except PatnavError as exc:
        _failed(report)
        _record_failure(store, report, started, str(exc), content_hash=content_hash)
        return report
    except DAMAGED_STREAM_ERRORS as exc:
        _failed(report)
        _record_failure(
            store,
            report,
            started,
            f"the file is damaged or cut off ({type(exc).__name__}: "
            f"{excerpt(str(exc), 200)}); nothing of it was imported. Download or "
            "export it again.",
        )
        return report
    except OSError as exc:
        _failed(report)
        _record_failure(
            store,
            report,
            started,
            f"cannot be read: {excerpt(exc.strerror or str(exc), 200)}; nothing of it "
            "was imported.",
        )
        return report
    except Exception as exc:
        _failed(report)
        _record_failure(
            store,
            report,
            started,
            f"internal error while reading ({type(exc).__name__}: "
            f"{excerpt(str(exc), 300)}); the file was rolled back. Please report it "
            "with the file; --debug shows the traceback.",
            content_hash=content_hash,
        )
        if raise_unexpected:
            raise
        return report
    for name in ("read", "new", "updated", "unchanged", "quarantined"):
        setattr(report, name, getattr(counts, name))
    if store.recoveries != recoveries:
        report.warnings.append(
            "DuckDB's checkpoint after this file's commit failed (out of memory?) and "
            "the store was reopened; the file is committed. Raise "
            "PATNAV_IMPORT_MEMORY_LIMIT if it happens again."
        )
    report.seconds = time.perf_counter() - started
    return report


def _failed(report: FileReport) -> None:
    """Forget what a file that is rolled back had read."""
    report.quarantine.clear()
    report.read = 0
    report.message = None


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
    limits = Limits.from_settings(settings)
    run = _Run(
        store=store,
        report=ImportReport(),
        reader=READERS[fmt] if fmt else None,
        limits=limits,
        settings=settings,
        options=read_options(
            settings, mapping=mapping, office=office, encoding=encoding
        ),
        strict=strict,
        progress=progress,
        raise_unexpected=raise_unexpected,
    )
    try:
        with (
            _import_lock(store),
            store.memory_limit(settings.import_memory_limit),
            ExitStack() as stack,
        ):
            run.spool = stack
            for path in paths:
                if path.is_dir() and is_snapshot(path):
                    run.report.files.append(_import_snapshot(run, path))
                else:
                    _import_files(run, path)
            _import_sets(run)
            _refresh_relations(run)
    except (StoreDownError, StoreFailedError) as down:
        run.report.error = clip(str(down))
    return run.report


def _refresh_relations(run: _Run) -> None:
    """Fold what was imported into the store's unit relations. Should that fail (out
    of memory at a large rebuild), the import stands and the relations stay stale:
    analyses then prepare their scopes from the documents and say so."""
    from patnav.analyses.relations import refresh

    if run.store.read_only or not run.report.files:
        return
    try:
        run.report.relations = refresh(run.store)
    except StoreError as exc:
        log.warning("the store's unit relations were not updated: %s", exc)


log = logging.getLogger(__name__)

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _import_lock(store: PatentStore) -> threading.Lock:
    """The lock that makes imports into one store file, from threads of this process,
    take turns: each numbers its files from the store's last import id, and two at once
    would take the same numbers. (Another process cannot open the file meanwhile.)"""
    key = store.location if store.location != MEMORY else f"{MEMORY}:{id(store)}"
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def read_options(
    settings: Settings,
    *,
    mapping: ColumnMapping | None = None,
    office: str | None = None,
    encoding: str | None = None,
) -> ReadOptions:
    """The read options (hints and parse limits) the settings ask for."""
    return ReadOptions(
        mapping=mapping,
        office=office,
        encoding=encoding,
        max_cell_bytes=settings.max_cell_bytes,
        max_file_bytes=settings.max_file_bytes,
        max_line_bytes=settings.max_line_bytes,
        max_columns=settings.max_columns,
        max_json_depth=settings.max_json_depth,
        max_workbook_bytes=settings.max_workbook_bytes,
        max_ratio=settings.max_archive_ratio,
    )


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


def _import_snapshot(run: _Run, path: Path) -> FileReport:
    started = time.perf_counter()
    try:
        snap = import_snapshot(run.store, path)
    except StoreFailedError as exc:
        if not exc.recovered:
            raise StoreDownError(exc) from exc
        failed = FileReport(file=str(path), format="snapshot", status="failed")
        _record_failure(run.store, failed, started, str(exc))
        return failed
    except Exception as exc:  # a damaged snapshot fails alone
        if run.raise_unexpected and not isinstance(exc, PatnavError):
            raise
        failed = FileReport(file=str(path), format="snapshot", status="failed")
        reason = (
            str(exc)
            if isinstance(exc, PatnavError)
            else f"cannot be read as a snapshot ({type(exc).__name__}: "
            f"{excerpt(str(exc), 300)})"
        )
        _record_failure(run.store, failed, started, reason)
        return failed
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
    items = expand_paths([path], run.limits)
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as exc:  # the walk itself failed: what is left of it fails
            if run.raise_unexpected and not isinstance(exc, PatnavError):
                raise
            failed = FileReport(file=str(path), format=None, status="failed")
            _record_failure(
                run.store,
                failed,
                time.perf_counter(),
                f"cannot be read further ({type(exc).__name__}: "
                f"{excerpt(str(exc), 300)}); what came before it was imported",
            )
            run.report.files.append(failed)
            return
        _import_item(run, path, item)


def _import_item(run: _Run, path: Path, item: Source | Problem) -> None:
    """Import one file of a walk: it succeeds or fails alone."""
    if isinstance(item, Problem):
        failed = FileReport(file=item.name, format=None, status="failed")
        _record_failure(run.store, failed, time.perf_counter(), item.reason)
        run.report.files.append(failed)
        return
    reader = run.reader or detect_reader(item)
    if reader is None and (damaged := _unreadable(item)) is not None:
        failed = FileReport(file=item.name, format=None, status="failed")
        _record_failure(run.store, failed, time.perf_counter(), damaged)
        run.report.files.append(failed)
        return
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
                content_hash=_hasher(item, None, run.options.max_file_bytes),
            )
        run.report.files.append(unsupported)
        return
    if set_reader(reader) is not None:
        _collect(run, reader, item)
        return
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
        except Exception as exc:  # a damaged member: zlib, CRC, size or I/O errors
            failed = FileReport(file=item.name, format=reader.FORMAT, status="failed")
            _record_failure(
                run.store,
                failed,
                time.perf_counter(),
                f"cannot be read: {excerpt(str(exc) or type(exc).__name__, 300)}",
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


def _unreadable(source: Source) -> str | None:
    """Why no reader could look at ``source``, when its content cannot be read."""
    try:
        source.head()
    except DAMAGED_STREAM_ERRORS as exc:
        return (
            f"the file is damaged or cut off ({type(exc).__name__}: "
            f"{excerpt(str(exc), 200)}); nothing of it was imported. Download or "
            "export it again."
        )
    except Exception as exc:
        return f"cannot be read: {excerpt(str(exc) or type(exc).__name__, 200)}"
    return None


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
