"""Imports: an upload saved within the limits and imported into a store in the
background, with progress and a report (``routers/imports.py``, the API's
``/stores/{id}/imports`` and ``/imports/{id}``).

The job's life (its row, audit entry, worker, progress and outcome) is the job runner's
(:mod:`patnav.web.jobs`); this module says only where an import runs (its store's worker:
writes to a store are serialised) and what it does.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from patnav.enrich.run import enrich as run_enrichment
from patnav.errors import InputError, NotFoundError, PatnavError, UnsafeInputError
from patnav.ingest.archives import Limits, check_zip, is_office_zip
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.platform import access, files
from patnav.platform.db import Platform
from patnav.platform.models import DataStore, ImportJob
from patnav.web import jobs
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of, open_handle
from patnav.web.services import StoreHandle, StoreHub
from patnav.yamlsafe import load_yaml


def save_upload(
    ctx: Ctx, tenant_id: int, original: str | None, source: BinaryIO
) -> tuple[Path, str, int]:
    """Copy an upload to a generated name under the tenant's folder, within the size
    limit; zip archives are checked against the archive limits before anything else.

    Raises:
        InputError: an unsupported file type.
        UnsafeInputError: the file passes the size limit, or is a zip bomb.
    """
    suffix = files.upload_suffix(original)
    limit = ctx.settings.upload_max_bytes
    path, relative = files.new_file(ctx.platform.root, tenant_id, "uploads", suffix)
    size = 0
    try:
        with files.create_private(path) as out:
            while chunk := source.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise UnsafeInputError(
                        f"The upload is larger than the limit of {limit:,} bytes "
                        "(PATNAV_UPLOAD_MAX_BYTES): split or compress it."
                    )
                out.write(chunk)
        if size == 0:
            raise InputError(
                "The uploaded file is empty: choose the exported file again."
            )
        if suffix == ".zip":
            _check_archive(ctx, path, files.display_name(original))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, relative, size


def _check_archive(ctx: Ctx, path: Path, name: str) -> None:
    settings = ctx.settings
    limits = Limits(
        max_file_bytes=settings.max_file_bytes,
        max_ratio=settings.max_archive_ratio,
        max_members=settings.max_archive_members,
        max_depth=settings.max_archive_depth,
    )
    try:
        with zipfile.ZipFile(path) as archive:
            if not is_office_zip(archive.namelist()):
                check_zip(archive, limits, name)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{name} is not a readable zip archive: {exc}.") from exc


def start_import(
    ctx: Ctx,
    store: DataStore,
    original: str | None,
    source: BinaryIO,
    *,
    mapping: str | None = None,
    enrich: bool = False,
) -> ImportJob:
    """Save an upload and queue its import into the store (one worker per store).

    ``mapping`` is the text of a column-mapping file (checked now); ``enrich`` runs the
    enrichment steps after the import, so analyses see entities, locations and industries.
    """
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    jobs.admit(ctx, IMPORT)
    handle_of(ctx, store)  # a failed store is refused before the upload is saved
    shown = files.display_name(original)
    try:
        if mapping is not None and mapping.strip():
            # within the YAML limits first: the mapping reader itself reads it unbounded
            load_yaml(mapping, source="mapping.yaml")
            load_mapping("mapping.yaml", text=mapping)
        else:
            mapping = None
        _, relative, size = save_upload(ctx, store.tenant_id, original, source)
    except PatnavError as exc:
        jobs.refuse(
            ctx,
            IMPORT,
            exc,
            object_type="store",
            object_id=store.id,
            detail={"file": shown},
        )
        raise
    job = ImportJob(
        tenant_id=store.tenant_id,
        store_id=store.id,
        filename=relative,
        original_name=shown,
        size=size,
        mapping=mapping,
        enrich=enrich,
        created_by=ctx.viewer.user_id,
    )
    return jobs.create(
        ctx,
        IMPORT,
        job,
        detail={"file": shown, "bytes": size, "store": store.name, "enrich": enrich},
    )


def _handle(
    platform: Platform, hub: StoreHub, db: Session, job: ImportJob
) -> StoreHandle:
    store = db.get(DataStore, job.store_id)
    if store is None:
        raise NotFoundError("the store was deleted")
    return open_handle(store, hub, platform.root)


def _worker(
    platform: Platform, hub: StoreHub, db: Session, job: ImportJob
) -> jobs.Submit:
    """An import runs on its store's worker (StoreUnavailableError: the store failed)."""
    handle = _handle(platform, hub, db, job)
    return lambda work: hub.submit_import(handle, work)


def _prepare(
    platform: Platform, hub: StoreHub, db: Session, job: ImportJob
) -> jobs.Work:
    """What an import needs, read from its row: the saved file, its name as uploaded, the
    column mapping, whether to enrich."""
    handle = _handle(platform, hub, db, job)
    path = files.resolve(platform.root, job.filename)
    original, mapping_text, wants_enrich = job.original_name, job.mapping, job.enrich

    def work(progress: jobs.Progress) -> jobs.Outcome:
        return run_import(
            platform, handle, progress, path, original, mapping_text, wants_enrich
        )

    return work


def run_import(
    platform: Platform,
    handle: StoreHandle,
    progress: jobs.Progress,
    path: Path,
    original: str,
    mapping_text: str | None,
    wants_enrich: bool,
) -> jobs.Outcome:
    """Import one job's file (in the store's worker thread), enrich the store when asked,
    bring the search index up to date, and record the report."""

    def reading(name: str, done: int, total: int | None) -> None:
        shown = original if str(path) in name else name.replace(str(path), original)
        progress.tick(done=done, total=total, current=shown[:300])

    mapping = load_mapping("mapping.yaml", text=mapping_text) if mapping_text else None
    with handle.reader() as cursor:
        report = import_paths(
            cursor,
            [path],
            settings=platform.settings,
            mapping=mapping,
            progress=reading,
        )
        data = _rename(report.to_dict(), str(path), original)
        progress.note(
            done=data["totals"]["read"],
            current="enrich" if wants_enrich else "index",
        )
        if wants_enrich and data["totals"]["new"] + data["totals"]["updated"] > 0:
            data["enrich"] = run_enrichment(cursor, platform.settings).to_dict()
    handle.changed()
    progress.note(
        report_json=json.dumps(data, ensure_ascii=False, default=str),
        current="index",
    )
    handle.refresh_index()
    failed = [f for f in data["files"] if f["status"] == "failed"]
    # a zip with one unreadable member still imported the rest: done, with the
    # failures listed; failed only when nothing could be read
    status = "failed" if failed and len(failed) == len(data["files"]) else "done"
    error = "; ".join(f["message"] or f["file"] for f in failed)[:2000] or None
    return jobs.Outcome(status, error)


IMPORT: jobs.Kind[ImportJob] = jobs.Kind(
    "import", ImportJob, worker=_worker, prepare=_prepare, finished={"current": None}
)
"""The import job kind (the job runner's :class:`~patnav.web.jobs.Kind`)."""


def _rename(value: Any, stored: str, shown: str) -> Any:
    """Replace the stored (generated) file name by the uploaded one in a report."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and stored in item:
                value[key] = item.replace(stored, shown)
            else:
                _rename(item, stored, shown)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str) and stored in item:
                value[i] = item.replace(stored, shown)
            else:
                _rename(item, stored, shown)
    return value


def get_import(ctx: Ctx, job_id: int) -> ImportJob:
    """An import job the user sees."""
    return access.visible(ctx.db, ctx.viewer, ImportJob, job_id)


def list_imports(
    ctx: Ctx, store: DataStore | None = None, limit: int = 20
) -> list[ImportJob]:
    """The newest import jobs the user sees (of one store, or all)."""
    statement = access.scoped(select(ImportJob), ctx.viewer, ImportJob)
    if store is not None:
        statement = statement.where(ImportJob.store_id == store.id)
    return list(ctx.db.scalars(statement.order_by(ImportJob.id.desc()).limit(limit)))


def import_report(job: ImportJob) -> dict[str, Any] | None:
    """The job's import report as a dict, when it has one."""
    return json.loads(job.report_json) if job.report_json else None
