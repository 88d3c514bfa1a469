"""What a user can do, shared by the pages and the REST API.

Each function takes the request context, checks access through
:mod:`patnav.platform.access`, calls the core (``patnav.ingest``, ``patnav.search``,
``patnav.analyses``, ``patnav.reports``), records what the audit log needs, and returns
plain objects the caller renders as HTML or JSON. Background work (imports, reports)
starts here and runs in the hub's worker threads with their own database sessions.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from patnav.analyses.overview import StoreOverview, store_overview
from patnav.enrich.run import enrich as run_enrichment
from patnav.errors import (
    InputError,
    InvalidParameterError,
    PatnavError,
    StoreUnavailableError,
    UnsafeInputError,
)
from patnav.ingest.archives import Limits, check_zip, is_office_zip
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.platform import access, audit, files
from patnav.platform.db import Platform
from patnav.platform.models import (
    DataStore,
    ImportJob,
    PatentSetLink,
    User,
    utcnow,
)
from patnav.search import SearchResult, export_set, rerun_set, save_set
from patnav.search import delete_set as delete_store_set
from patnav.search.api import MAX_LIMIT
from patnav.search.results import (
    ResultList,
    check_options,
    export_results,
)
from patnav.search.semantic import embed_store, embedding_coverage
from patnav.storage.documents import Document, read_document
from patnav.web import charts
from patnav.web.deps import Ctx
from patnav.web.limits import check_pending
from patnav.web.services import Dashboard, StoreHandle, StoreHub
from patnav.yamlsafe import load_yaml

log = logging.getLogger("patnav.web")

PAGE_SIZE = 20
PREFETCH_ROWS = 100
"""Rows of a result list computed at once: paging through them costs no second search."""
PROGRESS_EVERY_S = 0.5
EMBED_BATCH = 2000


def open_handle(store: DataStore, hub: StoreHub, root: Path) -> StoreHandle:
    """The open store behind a store row, for background workers (no request)."""
    return hub.handle(store.id, files.resolve(root, store.filename))


def handle_of(ctx: Ctx, store: DataStore) -> StoreHandle:
    """The open store behind a platform store row.

    Store work can take long (or wait for another search of the store), so the request's
    database connection goes back to the pool first; the session takes one again when it
    next needs it.
    """
    ctx.db.commit()
    return open_handle(store, ctx.hub, ctx.platform.root)


# -- tenants and stores -------------------------------------------------------------------


def tenant_names(ctx: Ctx) -> dict[int, str]:
    """Names of the tenants the user sees, by id."""
    return {t.id: t.name for t in access.visible_tenants(ctx.db, ctx.viewer)}


def list_stores(ctx: Ctx) -> list[DataStore]:
    """The stores the user sees."""
    statement = access.scoped(select(DataStore), ctx.viewer, DataStore)
    return list(ctx.db.scalars(statement.order_by(DataStore.tenant_id, DataStore.name)))


def get_store(ctx: Ctx, store_id: int) -> DataStore:
    """A store the user sees (NotFoundError otherwise)."""
    return access.visible(ctx.db, ctx.viewer, DataStore, store_id)


def document_count(ctx: Ctx, store: DataStore) -> int | None:
    """How many documents a store holds; None when the store has failed (lists show
    it as out of service instead of failing as a whole)."""
    try:
        with handle_of(ctx, store).reader() as cursor:
            return cursor.count("patents")
    except StoreUnavailableError:
        return None


def failed_stores(ctx: Ctx) -> set[int]:
    """Ids of the stores that have failed (out of service)."""
    return set(ctx.hub.failures)


def create_store(
    ctx: Ctx, tenant_id: int, name: str, description: str | None = None
) -> DataStore:
    """Create an empty store for a tenant, under the data root."""
    tenant = access.require_write(ctx.db, ctx.viewer, tenant_id)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidParameterError(
            "A store name is 1–200 characters, such as 泰安专利库."
        )
    clash = ctx.db.scalar(
        select(DataStore.id).where(
            DataStore.tenant_id == tenant.id, DataStore.name == name
        )
    )
    if clash is not None:
        raise InvalidParameterError(f"{tenant.name} has a store named {name} already.")
    path, relative = files.new_file(ctx.platform.root, tenant.id, "stores", ".duckdb")
    from patnav.storage.store import PatentStore

    PatentStore.open(path).close()
    path.chmod(0o600)  # whatever the umask: a tenant's patent data
    store = DataStore(
        tenant_id=tenant.id,
        name=name,
        description=description or None,
        filename=relative,
        created_by=ctx.viewer.user_id,
    )
    ctx.db.add(store)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "store.create",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"name": name, "tenant": tenant.name},
    )
    ctx.db.commit()
    return store


def overview(ctx: Ctx, store: DataStore) -> StoreOverview:
    """The store's first look: counts by office, type, year, applicants."""
    with handle_of(ctx, store).reader() as cursor:
        return store_overview(cursor, top=10)


def semantic_coverage(ctx: Ctx, store: DataStore) -> tuple[int, int]:
    """(documents with a vector of the default model, documents)."""
    handle = handle_of(ctx, store)
    with handle.reader() as cursor:
        return embedding_coverage(cursor, handle.embedder.name)


def start_embedding(ctx: Ctx, store: DataStore, limit: int = EMBED_BATCH) -> None:
    """Embed up to ``limit`` more documents of the store, in its worker thread."""
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    handle = handle_of(ctx, store)

    def work() -> None:
        with handle.reader() as cursor:
            embed_store(cursor, handle.embedder, limit=limit)
        handle.changed()

    ctx.hub.submit_import(handle, work)


# -- imports --------------------------------------------------------------------------


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
    check_pending(ctx.db, ctx.settings, ctx.viewer.user_id, "import")
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
        audit.record(
            ctx.db,
            "import",
            viewer=ctx.viewer,
            object_type="store",
            object_id=store.id,
            ip=ctx.ip,
            success=False,
            detail={"file": shown, "error": str(exc)},
        )
        ctx.db.commit()
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
    ctx.db.add(job)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "import",
        viewer=ctx.viewer,
        object_type="import",
        object_id=job.id,
        ip=ctx.ip,
        detail={"file": shown, "bytes": size, "store": store.name, "enrich": enrich},
    )
    ctx.db.commit()
    queue_import(ctx.platform, ctx.hub, job.id)
    return job


def queue_import(platform: Platform, hub: StoreHub, job_id: int) -> None:
    """Queue an import job on its store's worker."""
    with platform.session() as db:
        job = db.get(ImportJob, job_id)
        if job is None:
            return
        store = db.get(DataStore, job.store_id)
        if store is None:
            return
        try:
            handle = open_handle(store, hub, platform.root)
        except StoreUnavailableError as exc:
            # the job fails alone, with the reason; the server and other stores go on
            job.status, job.error, job.finished_at = "failed", str(exc)[:2000], utcnow()
            return
    hub.submit_import(handle, lambda: run_import(platform, handle, job_id))


def run_import(platform: Platform, handle: StoreHandle, job_id: int) -> None:
    """Import one job's file (in the store's worker thread), enrich the store when asked,
    bring the search index up to date, and record the report."""
    with platform.session() as db:
        job = db.get(ImportJob, job_id)
        if job is None:
            return
        job.status, job.started_at, job.error = "running", utcnow(), None
        path = files.resolve(platform.root, job.filename)
        original, mapping_text, wants_enrich = (
            job.original_name,
            job.mapping,
            job.enrich,
        )
    last = 0.0

    def note(**values: Any) -> None:
        with platform.session() as progress_db:
            row = progress_db.get(ImportJob, job_id)
            if row is not None:
                for key, value in values.items():
                    setattr(row, key, value)

    def progress(name: str, done: int, total: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            shown = original if str(path) in name else name.replace(str(path), original)
            note(done=done, total=total, current=shown[:300])

    try:
        mapping = (
            load_mapping("mapping.yaml", text=mapping_text) if mapping_text else None
        )
        with handle.reader() as cursor:
            report = import_paths(
                cursor,
                [path],
                settings=platform.settings,
                mapping=mapping,
                progress=progress,
            )
            data = _rename(report.to_dict(), str(path), original)
            note(
                done=data["totals"]["read"],
                current="enrich" if wants_enrich else "index",
            )
            if wants_enrich and data["totals"]["new"] + data["totals"]["updated"] > 0:
                data["enrich"] = run_enrichment(cursor, platform.settings).to_dict()
        handle.changed()
        note(
            report_json=json.dumps(data, ensure_ascii=False, default=str),
            current="index",
        )
        handle.refresh_index()
        failed = [f for f in data["files"] if f["status"] == "failed"]
        # a zip with one unreadable member still imported the rest: done, with the
        # failures listed; failed only when nothing could be read
        status = "failed" if failed and len(failed) == len(data["files"]) else "done"
        error = "; ".join(f["message"] or f["file"] for f in failed)[:2000] or None
    except Exception as exc:  # recorded on the job: the user sees why
        log.exception("import job %s failed", job_id)
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
    note(status=status, error=error, finished_at=utcnow(), current=None)


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


# -- search, documents and sets ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One page of a result list (families or documents), with the list's facets."""

    result: ResultList
    page: int
    pages: int
    size: int

    @property
    def rows(self) -> list[Any]:
        start = (self.page - 1) * self.size
        return list(self.result.rows[start : start + self.size])


@dataclass(frozen=True, slots=True)
class ListOptions:
    """How a result list is asked for: grouping, sort, direction, facet filters."""

    mode: str = "boolean"
    group: str = "family"
    sort: str = "relevance"
    descending: bool | None = None
    filters: dict[str, tuple[str | None, ...]] = field(default_factory=dict)

    def check(self, lang: str) -> None:
        """Refuse an unknown mode, grouping, sort or facet (InvalidParameterError)."""
        check_options(
            mode=self.mode,
            group=self.group,
            sort=self.sort,
            filters=self.filters,
            facets=(),
            lang=lang,
        )


def run_results(
    ctx: Ctx,
    store: DataStore,
    query: str,
    options: ListOptions,
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> ResultPage:
    """Search a store and return the requested page of its result list (grouped by
    family unless asked otherwise) with the list's facets, in the user's language."""
    options.check(ctx.lang)
    size = max(1, min(size, 100))
    page = max(1, page)
    # the first pages come from one computation of the list (and its facets)
    limit = min(max(page * size, PREFETCH_ROWS), MAX_LIMIT)
    result = handle_of(ctx, store).result_list(
        query,
        limit=limit,
        mode=options.mode,
        group=options.group,
        sort=options.sort,
        descending=options.descending,
        filters=options.filters,
        lang=ctx.lang,
    )
    shown = min(result.total, MAX_LIMIT)
    pages = max(1, -(-shown // size))
    return ResultPage(result, min(page, pages), pages, size)


def export_search(
    ctx: Ctx, store: DataStore, query: str, options: ListOptions, fmt: str
) -> tuple[Path, str]:
    """The whole result list as a CSV or XLSX file (a temporary path, removed by the
    caller) and a download name; recorded in the audit log."""
    options.check(ctx.lang)
    if fmt not in ("csv", "xlsx"):
        raise InvalidParameterError(f"Export format must be csv or xlsx, not '{fmt}'.")
    handle = handle_of(ctx, store)
    fd, name = tempfile.mkstemp(suffix=f".{fmt}", prefix="patnav-results-")
    os.close(fd)
    path = Path(name)
    try:
        with handle.indexed() as index:
            rows = export_results(
                index.store,
                query,
                path,
                fmt=fmt,
                mode=options.mode,  # type: ignore[arg-type]
                group=options.group,  # type: ignore[arg-type]
                sort=options.sort,
                descending=options.descending,
                filters=options.filters,
                lang=ctx.lang,
                index=index,
                embedder=handle.embedder
                if options.mode in ("semantic", "hybrid")
                else None,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    audit.record(
        ctx.db,
        "export",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"query": query, "rows": rows, "group": options.group},
    )
    ctx.db.commit()
    label = "检索结果" if ctx.lang == "zh" else "search-results"
    return path, f"{store.name}-{label}.{fmt}"


def document(ctx: Ctx, store: DataStore, key: str) -> Document:
    """One patent of a store, with everything the detail page shows."""
    with handle_of(ctx, store).reader() as cursor:
        return read_document(cursor, key)


def similar(
    ctx: Ctx, store: DataStore, doc_id: str, limit: int = 10
) -> SearchResult | None:
    """Patents like this one by full text, or None: the patent's own family is left
    out, and each other family appears once."""
    handle = handle_of(ctx, store)
    try:
        return handle.more_like_this(doc_id, mode="text", limit=limit, lang=ctx.lang)
    except InputError:
        return None


def list_sets(ctx: Ctx, store: DataStore | None = None) -> list[PatentSetLink]:
    """The patent sets the user sees."""
    statement = access.scoped(select(PatentSetLink), ctx.viewer, PatentSetLink)
    if store is not None:
        statement = statement.where(PatentSetLink.store_id == store.id)
    return list(ctx.db.scalars(statement.order_by(PatentSetLink.id.desc())))


def get_set(ctx: Ctx, set_id: int) -> PatentSetLink:
    """A patent set the user sees."""
    return access.visible(ctx.db, ctx.viewer, PatentSetLink, set_id)


def create_set(
    ctx: Ctx,
    store: DataStore,
    name: str,
    query: str,
    *,
    mode: str = "boolean",
    description: str | None = None,
    limit: int | None = None,
) -> PatentSetLink:
    """Save a search strategy as a patent set of the store (and run it once)."""
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    name = name.strip()
    if (
        ctx.db.scalar(
            select(PatentSetLink.id).where(
                PatentSetLink.store_id == store.id, PatentSetLink.name == name
            )
        )
        is not None
    ):
        raise InvalidParameterError(
            f"The store has a patent set named {name} already: choose another name."
        )
    if mode != "boolean" and not limit:
        limit = 100
    handle = handle_of(ctx, store)
    with handle.indexed() as index:
        run = save_set(
            index.store,
            name,
            query,
            description=description,
            mode=mode,
            limit=limit if mode != "boolean" else None,
            index=index,
            embedder=handle.embedder if mode in ("semantic", "hybrid") else None,
            replace=True,
        )
    link = PatentSetLink(
        tenant_id=store.tenant_id,
        store_id=store.id,
        name=name,
        query=query.strip(),
        mode=mode,
        description=description or None,
        last_count=run.count,
        last_run_at=run.ran_at,
        created_by=ctx.viewer.user_id,
    )
    ctx.db.add(link)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "set.save",
        viewer=ctx.viewer,
        object_type="set",
        object_id=link.id,
        ip=ctx.ip,
        detail={"name": name, "query": query, "count": run.count},
    )
    ctx.db.commit()
    return link


def set_store(ctx: Ctx, link: PatentSetLink) -> DataStore:
    """The store a set lives in (of the set's tenant, so visible with the set)."""
    return access.visible(ctx.db, ctx.viewer, DataStore, link.store_id)


def rerun(ctx: Ctx, set_id: int) -> Any:
    """Run a set again; returns the core's run report (new and dropped documents)."""
    link = access.writable(ctx.db, ctx.viewer, PatentSetLink, set_id)
    handle = handle_of(ctx, set_store(ctx, link))
    with handle.indexed() as index:
        report = rerun_set(
            index.store,
            link.name,
            index=index,
            embedder=handle.embedder if link.mode in ("semantic", "hybrid") else None,
        )
    link.last_count, link.last_run_at = report.count, report.ran_at
    ctx.db.commit()
    return report


def export_csv(ctx: Ctx, set_id: int) -> tuple[Path, str]:
    """The set's members as a CSV file (a temporary path, removed by the caller) and a
    download name."""
    link = get_set(ctx, set_id)
    handle = handle_of(ctx, set_store(ctx, link))
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="patnav-export-")
    os.close(fd)
    path = Path(name)
    with handle.indexed() as index:
        count = export_set(index.store, link.name, path, fmt="csv", index=index)
    audit.record(
        ctx.db,
        "export",
        viewer=ctx.viewer,
        object_type="set",
        object_id=link.id,
        ip=ctx.ip,
        detail={"name": link.name, "rows": count},
    )
    ctx.db.commit()
    return path, f"{link.name}.csv"


def delete_set(ctx: Ctx, set_id: int) -> None:
    """Delete a set from its store and the platform."""
    link = access.writable(ctx.db, ctx.viewer, PatentSetLink, set_id)
    handle = handle_of(ctx, set_store(ctx, link))
    # a set already gone from the store is fine: it is being deleted
    with handle.indexed() as index, contextlib.suppress(InputError):
        delete_store_set(index.store, link.name)
    audit.record(
        ctx.db,
        "set.delete",
        viewer=ctx.viewer,
        object_type="set",
        object_id=link.id,
        ip=ctx.ip,
        detail={"name": link.name},
    )
    ctx.db.delete(link)
    ctx.db.commit()


def dashboard(
    ctx: Ctx, set_id: int, count_by: str = "family"
) -> tuple[PatentSetLink, Dashboard]:
    """The set's landscape analyses (cached per data version)."""
    link, _, board = dashboard_of(ctx, set_id, count_by)
    return link, board


def dashboard_of(
    ctx: Ctx, set_id: int, count_by: str = "family"
) -> tuple[PatentSetLink, DataStore, Dashboard]:
    """The set, its store and its landscape analyses (cached per data version)."""
    link = get_set(ctx, set_id)
    store = set_store(ctx, link)
    handle = handle_of(ctx, store)
    board = ctx.hub.dashboard(
        handle, _set_key(link), link.name, label=link.name, count_by=count_by
    )
    return link, store, board


def cached_dashboard_of(
    ctx: Ctx, set_id: int, count_by: str = "family"
) -> tuple[PatentSetLink, DataStore, Dashboard] | None:
    """Like :func:`dashboard_of` when the landscape is computed already for this data
    version and the store is open — quick enough for the event loop; else None (call
    :func:`dashboard_of` in a worker thread). Access is checked either way."""
    link = get_set(ctx, set_id)
    store = set_store(ctx, link)
    handle = ctx.hub.opened(store.id)
    if handle is None:
        return None
    board = ctx.hub.cached_dashboard(handle, _set_key(link), count_by)
    return None if board is None else (link, store, board)


def _set_key(link: PatentSetLink) -> tuple[Any, ...]:
    return ("set", link.id, link.name, link.query, link.mode, str(link.last_run_at))


def dashboard_json(ctx: Ctx, set_id: int, count_by: str = "family") -> bytes:
    """The dashboard as JSON bytes: the set, its summary, and every chart's ECharts
    option (built once per language and data version, then served from the cache)."""
    link, board = dashboard(ctx, set_id, count_by)
    return dashboard_bytes(link, board, count_by, ctx.lang)


def dashboard_bytes(
    link: PatentSetLink, board: Dashboard, count_by: str, lang: str
) -> bytes:
    """The JSON of :func:`dashboard_json` for a computed landscape (cached per
    language)."""
    cached = board.rendered.get(lang)
    if cached is None:
        payload = {
            "set": set_dict(link),
            "count_by": count_by,
            "seconds": round(board.seconds, 3),
            "summary": dashboard_summary(board.results),
            "charts": [c.to_dict() for c in dashboard_charts(board, lang)],
        }
        cached = board.rendered[lang] = json.dumps(
            payload, ensure_ascii=False, separators=(",", ":"), default=str
        ).encode()
    return cached


def dashboard_charts(board: Dashboard, lang: str) -> list[charts.Chart]:
    """The dashboard's charts in ``lang``, built once per data version."""
    built = board.built.get(lang)
    if built is None:
        built = board.built[lang] = charts.dashboard_charts(board.results, lang)
    return built


def dashboard_summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The key figures shown above the charts."""
    trend = results.get("trend", {})
    applicants = results.get("applicants", {})
    return {
        "total": trend.get("total", 0),
        "unit_zh": trend.get("unit_zh"),
        "count_by": trend.get("count_by"),
        "cutoff": trend.get("cutoff"),
        "incomplete_from": trend.get("incomplete_from"),
        "lifecycle": trend.get("lifecycle"),
        "cagr": trend.get("cagr"),
        "concentration": applicants.get("concentration"),
    }


def set_dict(link: PatentSetLink) -> dict[str, Any]:
    """A set as JSON."""
    return {
        "id": link.id,
        "store_id": link.store_id,
        "tenant_id": link.tenant_id,
        "name": link.name,
        "query": link.query,
        "mode": link.mode,
        "description": link.description,
        "count": link.last_count,
        "last_run_at": link.last_run_at.isoformat() if link.last_run_at else None,
    }


# -- startup --------------------------------------------------------------------------


def resume_imports(platform: Platform, hub: StoreHub) -> int:
    """Queue again the imports a restart interrupted (imports are idempotent, so a
    half-done import simply runs again). Returns how many were queued."""
    with platform.session() as db:
        jobs = list(
            db.scalars(
                select(ImportJob.id).where(ImportJob.status.in_(("queued", "running")))
            )
        )
    for job_id in jobs:
        queue_import(platform, hub, job_id)
    return len(jobs)


def user_names(ctx: Ctx, ids: list[int | None]) -> dict[int, str]:
    """Display names of users by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        u.id: u.display_name or u.username
        for u in ctx.db.scalars(select(User).where(User.id.in_(wanted)))
    }
