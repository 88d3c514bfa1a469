"""The REST API, ``/api/v1``: the pages' operations as JSON, with token authentication.

Authenticate with ``Authorization: Bearer <token>`` (a token from the account page); a
signed-in browser session works too, and then state-changing calls need the
``X-CSRF-Token`` header. Errors are ``{"ok": false, "error": "..."}`` with the HTTP status
saying what kind (400 input, 401 authentication, 403 role, 404 not found or not yours, 413
too large, 429 throttled). OpenAPI: ``/api/openapi.json``, browsable at ``/api/docs``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from patnav.analyses import ANALYSES
from patnav.errors import NotFoundError
from patnav.platform import access, accounts, audit
from patnav.platform.models import (
    ApiToken,
    DataStore,
    ImportJob,
    ReportJob,
    Spec,
    User,
)
from patnav.presenters import PRESENTERS, dashboard_analyses
from patnav.search import MODES
from patnav.search.api import MAX_LIMIT
from patnav.search.hits import Note
from patnav.web import features
from patnav.web.deps import Ctx, api_ctx, require_scope, verify_csrf
from patnav.web.routers.imports import read_mapping
from patnav.web.routers.search import facet_filters, list_options

router = APIRouter(prefix="/api/v1", dependencies=[Depends(verify_csrf)])
Context = Annotated[Ctx, Depends(api_ctx)]


# -- response models -----------------------------------------------------------------


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: str
    tenant_id: int
    tenant: str


class TenantOut(BaseModel):
    id: int
    name: str
    level: str
    parent_id: int | None
    region: str | None


class StoreOut(BaseModel):
    id: int
    tenant_id: int
    name: str
    description: str | None
    documents: int | None  # None: the store has failed (status "failed")
    status: str = "ok"  # "ok" or "failed" (out of service)
    created_at: datetime


class StoreIn(BaseModel):
    tenant_id: int
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None


class ImportOut(BaseModel):
    id: int
    store_id: int
    tenant_id: int
    file: str
    size: int
    status: str
    done: int
    total: int | None
    error: str | None
    report: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None


class SearchOut(BaseModel):
    query: str
    mode: str
    group: str = Field(description="family: one row per family; document: every one")
    sort: str
    descending: bool
    total: int = Field(description="rows in the whole list (families or documents)")
    documents: int = Field(description="documents matching (those the rows hold)")
    page: int
    pages: int
    size: int
    elapsed_ms: float
    notes: list[str]
    messages: list[dict[str, Any]] = Field(
        description="the notes with their key, values, English and Chinese text"
    )
    filters: dict[str, list[str | None]]
    coverage: dict[str, Any] | None = Field(
        default=None,
        description="semantic and hybrid modes: the vectors' coverage of the scope — "
        "model, with_vector, in_scope, without_vector and the first doc_ids without "
        "a vector (missing); documents without one are absent from semantic rankings "
        "and ranked by full text alone in hybrid ones",
    )
    facets: dict[str, dict[str, Any]] = Field(
        description="per facet: counts per value over the whole hit set (rows having a "
        "document with the value), unknown (null value) and values not listed"
    )
    hits: list[dict[str, Any]] = Field(
        description="the page's rows; number_kind says whether number is a "
        "publication or an application number"
    )


class SetIn(BaseModel):
    store_id: int
    name: str = Field(min_length=1, max_length=100)
    query: str = Field(min_length=1, max_length=100_000)
    mode: str = "boolean"
    description: str | None = None
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)


class SetOut(BaseModel):
    id: int
    store_id: int
    tenant_id: int
    name: str
    query: str
    mode: str
    description: str | None
    count: int | None
    last_run_at: str | None


class RerunOut(BaseModel):
    name: str
    count: int
    previous_count: int | None
    new: list[str]
    removed: list[str]


class SpecIn(BaseModel):
    yaml: str = Field(min_length=1, max_length=200_000)
    name: str | None = None
    tenant_id: int | None = None


class ProblemOut(BaseModel):
    message: str
    line: int | None
    column: int | None
    message_zh: str | None = None  # the Chinese text, where the core gives one


class ValidationOut(BaseModel):
    valid: bool
    title: str | None = None
    type: str | None = None
    nodes: int | None = None
    problems: list[ProblemOut]


class SpecOut(BaseModel):
    id: int
    tenant_id: int
    name: str
    title: str
    type: str
    version: int
    yaml: str
    updated_at: datetime


class ReportIn(BaseModel):
    spec_id: int
    store_id: int
    fmt: str = Field(default="docx", pattern="^(docx|html|pdf)$")
    lang: str = Field(default="zh", pattern="^(zh|en)$")


class ReportOut(BaseModel):
    id: int
    tenant_id: int
    store_id: int
    spec_id: int
    title: str
    fmt: str
    lang: str
    status: str
    error: str | None
    size: int | None
    created_at: datetime
    finished_at: datetime | None
    download: str | None
    changes_since: datetime | None = None
    """Set on a 专利导航动态更新报告: the moment (UTC) its changes are counted from."""


class UpdateOut(BaseModel):
    publication_id: int
    report: ReportOut
    """The publication's spec re-run on its store now: publish it with ``previous_id``
    = the publication as the series' next version."""
    changes: ReportOut
    """The 专利导航动态更新报告 of the documents imported since the publication."""


class PublicationIn(BaseModel):
    report_id: int
    title: str = Field(min_length=1, max_length=300)
    summary: str | None = None
    tags: list[str] = Field(default_factory=list)
    type: str | None = None
    region: str | None = None
    visibility: str = Field(default="tenant", pattern="^(tenant|subtree|public)$")
    previous_id: int | None = Field(
        default=None, description="Publish as a new version of this publication."
    )


class PublicationOut(BaseModel):
    id: int
    title: str
    summary: str | None
    tags: list[str]
    type: str
    region: str | None
    visibility: str
    tenant: str | None
    report_id: int | None
    size: int
    downloads: int
    created_at: str
    download: str
    series_id: int
    version: int


def _store(ctx: Ctx, store: DataStore, *, listed: bool = False) -> StoreOut:
    documents = features.stores.document_count(ctx, store)
    if documents is None and not listed:
        features.common.handle_of(
            ctx, store
        )  # raises StoreUnavailableError: 503, and why
    return StoreOut(
        id=store.id,
        tenant_id=store.tenant_id,
        name=store.name,
        description=store.description,
        documents=documents,
        status="failed" if documents is None else "ok",
        created_at=store.created_at,
    )


def _import(job: ImportJob) -> ImportOut:
    return ImportOut(
        id=job.id,
        store_id=job.store_id,
        tenant_id=job.tenant_id,
        file=job.original_name,
        size=job.size,
        status=job.status,
        done=job.done,
        total=job.total,
        error=job.error,
        report=features.imports.import_report(job),
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _spec(spec: Spec) -> SpecOut:
    return SpecOut(
        id=spec.id,
        tenant_id=spec.tenant_id,
        name=spec.name,
        title=spec.title,
        type=spec.type,
        version=spec.version,
        yaml=spec.yaml_text,
        updated_at=spec.updated_at,
    )


def _report(job: ReportJob) -> ReportOut:
    return ReportOut(
        id=job.id,
        tenant_id=job.tenant_id,
        store_id=job.store_id,
        spec_id=job.spec_id,
        title=job.title,
        fmt=job.fmt,
        lang=job.lang,
        status=job.status,
        error=job.error,
        size=job.size,
        created_at=job.created_at,
        finished_at=job.finished_at,
        download=f"/api/v1/reports/{job.id}/download" if job.status == "done" else None,
        changes_since=job.changes_since,
    )


# -- who and where -------------------------------------------------------------------


@router.get(
    "/me", tags=["account"], response_model=MeOut, summary="The authenticated user"
)
def me(ctx: Context) -> MeOut:
    assert ctx.user is not None and ctx.tenant is not None
    return MeOut(
        id=ctx.user.id,
        username=ctx.user.username,
        display_name=ctx.user.display_name,
        role=ctx.user.role,
        tenant_id=ctx.tenant.id,
        tenant=ctx.tenant.name,
    )


@router.get(
    "/tenants",
    tags=["account"],
    response_model=list[TenantOut],
    summary="Tenants you see",
)
def tenants(ctx: Context) -> list[TenantOut]:
    return [
        TenantOut(
            id=t.id, name=t.name, level=t.level, parent_id=t.parent_id, region=t.region
        )
        for t in access.visible_tenants(ctx.db, ctx.viewer)
    ]


# -- stores and imports ----------------------------------------------------------------


@router.get(
    "/stores", tags=["stores"], response_model=list[StoreOut], summary="Stores you see"
)
def stores(ctx: Context) -> list[StoreOut]:
    return [_store(ctx, s, listed=True) for s in features.stores.list_stores(ctx)]


@router.post(
    "/stores",
    tags=["stores"],
    response_model=StoreOut,
    status_code=201,
    summary="Create a store",
)
def create_store(ctx: Context, body: StoreIn) -> StoreOut:
    return _store(
        ctx,
        features.stores.create_store(ctx, body.tenant_id, body.name, body.description),
    )


@router.get(
    "/stores/{store_id}", tags=["stores"], response_model=StoreOut, summary="One store"
)
def store(ctx: Context, store_id: int) -> StoreOut:
    return _store(ctx, features.stores.get_store(ctx, store_id))


@router.post(
    "/stores/{store_id}/imports",
    tags=["imports"],
    response_model=ImportOut,
    status_code=202,
    summary="Upload a file and import it (runs in the background)",
)
def upload(
    ctx: Context,
    store_id: int,
    file: Annotated[
        UploadFile, File(description="The data file (xlsx, csv, xml, zip …)")
    ],
    mapping: Annotated[
        UploadFile | None, File(description="A column-mapping file (YAML), optional")
    ] = None,
    enrich: Annotated[bool, Form(description="Run the enrichment steps after")] = False,
) -> ImportOut:
    store = features.stores.get_store(ctx, store_id)
    job = features.imports.start_import(
        ctx,
        store,
        file.filename,
        file.file,
        mapping=read_mapping(mapping),
        enrich=enrich,
    )
    return _import(job)


@router.get(
    "/imports/{job_id}",
    tags=["imports"],
    response_model=ImportOut,
    summary="An import job and its report",
)
def import_job(ctx: Context, job_id: int) -> ImportOut:
    return _import(features.imports.get_import(ctx, job_id))


# -- search and documents --------------------------------------------------------------


def list_query(
    facets: Annotated[dict[str, list[str]], Depends(facet_filters)],
    mode: Annotated[str, Query(pattern="^(boolean|text|semantic|hybrid)$")] = "boolean",
    group: Annotated[str, Query(pattern="^(family|document)$")] = "family",
    sort: Annotated[
        str, Query(pattern="^(relevance|app_date|pub_date|applicant|citations)$")
    ] = "relevance",
    order: Annotated[str, Query(pattern="^(|asc|desc)$")] = "",
    cross_lingual: bool = False,
) -> features.search.ListOptions:
    """The result-list options the search and its export share, validated;
    ``cross_lingual=true`` ORs the translations of the query's text terms into it."""
    return list_options(mode, group, sort, order, facets, cross_lingual)


ListQuery = Annotated[features.search.ListOptions, Depends(list_query)]


@router.get(
    "/stores/{store_id}/search",
    tags=["search"],
    response_model=SearchOut,
    summary="Search a store: a result list grouped by family, sorted, with facets",
)
def search(
    ctx: Context,
    store_id: int,
    q: Annotated[str, Query(min_length=1, max_length=100_000)],
    options: ListQuery,
    page: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = features.search.PAGE_SIZE,
) -> SearchOut:
    """Facet filters: `applicant`, `year`, `type`, `province`, `ipc`, `status`, each
    repeatable (alternatives); an empty value keeps the documents without a value."""
    store = features.stores.get_store(ctx, store_id)
    found = features.search.run_results(ctx, store, q, options, page=page, size=size)
    result = found.result
    return SearchOut(
        query=result.query,
        mode=result.mode,
        group=result.group,
        sort=result.sort,
        descending=result.descending,
        total=result.total,
        documents=result.documents,
        page=found.page,
        pages=found.pages,
        size=found.size,
        elapsed_ms=round(result.elapsed_ms, 1),
        notes=[str(n) for n in result.notes],
        messages=[n.to_dict() for n in result.notes if isinstance(n, Note)],
        filters={name: list(values) for name, values in result.filters},
        coverage=result.coverage,
        facets={f.name: f.to_dict() for f in result.facets},
        hits=[h.to_dict() for h in found.rows],
    )


@router.get(
    "/stores/{store_id}/search/export",
    tags=["search"],
    summary="A search's whole result list as CSV (UTF-8 with BOM) or XLSX",
)
def export_search(
    ctx: Context,
    store_id: int,
    q: Annotated[str, Query(min_length=1, max_length=100_000)],
    options: ListQuery,
    fmt: Annotated[str, Query(alias="format", pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    """The same rows, order, titles and filters as the search; cells are never
    formulas."""
    store = features.stores.get_store(ctx, store_id)
    path, name = features.search.export_search(ctx, store, q, options, fmt)
    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(
        path,
        media_type=media,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get(
    "/stores/{store_id}/patents/{doc_id:path}",
    tags=["search"],
    summary="One patent, every section",
)
def patent(ctx: Context, store_id: int, doc_id: str) -> dict[str, Any]:
    store = features.stores.get_store(ctx, store_id)
    return features.patents.document(ctx, store, doc_id).to_dict()


# -- patent sets and dashboards ----------------------------------------------------------


@router.get(
    "/sets",
    tags=["patent sets"],
    response_model=list[SetOut],
    summary="Patent sets you see",
)
def sets(ctx: Context, store_id: int | None = None) -> list[SetOut]:
    store = features.stores.get_store(ctx, store_id) if store_id is not None else None
    return [
        SetOut(**features.sets.set_dict(s)) for s in features.sets.list_sets(ctx, store)
    ]


@router.post(
    "/sets",
    tags=["patent sets"],
    response_model=SetOut,
    status_code=201,
    summary="Save a patent set",
)
def create_set(ctx: Context, body: SetIn) -> SetOut:
    if body.mode not in MODES:
        from patnav.errors import InvalidParameterError

        raise InvalidParameterError(
            f"Unknown mode '{body.mode}': use one of {', '.join(MODES)}."
        )
    store = features.stores.get_store(ctx, body.store_id)
    link = features.sets.create_set(
        ctx,
        store,
        body.name,
        body.query,
        mode=body.mode,
        description=body.description,
        limit=body.limit,
    )
    return SetOut(**features.sets.set_dict(link))


@router.get(
    "/sets/{set_id}",
    tags=["patent sets"],
    response_model=SetOut,
    summary="One patent set",
)
def get_set(ctx: Context, set_id: int) -> SetOut:
    return SetOut(**features.sets.set_dict(features.sets.get_set(ctx, set_id)))


@router.post(
    "/sets/{set_id}/rerun",
    tags=["patent sets"],
    response_model=RerunOut,
    summary="Re-run a set on the data as it is now",
)
def rerun(ctx: Context, set_id: int) -> RerunOut:
    report = features.sets.rerun(ctx, set_id)
    return RerunOut(
        name=report.name,
        count=report.count,
        previous_count=report.previous_count,
        new=list(report.new),
        removed=list(report.removed),
    )


@router.delete(
    "/sets/{set_id}", tags=["patent sets"], status_code=204, summary="Delete a set"
)
def delete_set(ctx: Context, set_id: int) -> Response:
    features.sets.delete_set(ctx, set_id)
    return Response(status_code=204)


@router.get(
    "/sets/{set_id}/export",
    tags=["patent sets"],
    summary="The set's documents as CSV (UTF-8 with BOM)",
)
def export(ctx: Context, set_id: int) -> Response:
    path, name = features.sets.export_csv(ctx, set_id)
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get(
    "/sets/{set_id}/dashboard",
    tags=["dashboards"],
    summary="The set's landscape as ECharts options",
    response_class=Response,
)
async def dashboard(
    ctx: Context,
    set_id: int,
    count_by: Annotated[
        str, Query(pattern="^(family|application|document)$")
    ] = "family",
) -> Response:
    # served on the event loop when computed already; computed in a worker thread
    found = features.dashboard.cached_dashboard_of(ctx, set_id, count_by)
    if found is None:
        found = await run_in_threadpool(
            features.dashboard.dashboard_of, ctx, set_id, count_by
        )
    link, _, board = found
    return Response(
        features.dashboard.dashboard_bytes(link, board, count_by, ctx.lang),
        media_type="application/json",
    )


@router.get(
    "/analyses",
    tags=["dashboards"],
    summary="The registered analyses: names, titles, parameters, where they show",
)
def analyses(ctx: Context) -> list[dict[str, Any]]:
    on_dashboard = set(dashboard_analyses())
    return [
        {
            "name": info.name,
            "title_zh": info.title_zh,
            "title_en": info.title_en,
            "description": info.description,
            "needs": info.needs,
            "parameters": [
                {"name": p.name, "type": p.annotation, "default": _default(p.default)}
                for p in info.parameters()
            ],
            "dashboard": info.name in on_dashboard,
            "reports": list(PRESENTERS[info.name].reports)
            if info.name in PRESENTERS
            else [],
        }
        for info in ANALYSES.values()
    ]


def _default(value: Any) -> Any:
    """A parameter's default as JSON (a tuple as a list, anything else as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [_default(v) for v in value]
    return str(value)


@router.get(
    "/sets/{set_id}/analyses/{name}",
    tags=["dashboards"],
    summary="One landscape analysis's result",
)
def analysis(
    ctx: Context,
    set_id: int,
    name: str,
    count_by: Annotated[
        str, Query(pattern="^(family|application|document)$")
    ] = "family",
) -> dict[str, Any]:
    shown = dashboard_analyses()
    if name not in shown:
        from patnav.errors import InvalidParameterError

        raise InvalidParameterError(
            f"Unknown landscape analysis '{name}': use one of {', '.join(shown)}."
        )
    _, board = features.dashboard.dashboard(ctx, set_id, count_by)
    info = ANALYSES[name]
    return {
        "name": name,
        "title_zh": info.title_zh,
        "title_en": info.title_en,
        "result": board.results[name],
    }


# -- specs ---------------------------------------------------------------------------


@router.get(
    "/specs",
    tags=["specs"],
    response_model=list[SpecOut],
    summary="Navigation specs you see",
)
def specs(ctx: Context) -> list[SpecOut]:
    return [_spec(s) for s in features.specs.list_specs(ctx)]


@router.post(
    "/specs/validate",
    tags=["specs"],
    response_model=ValidationOut,
    summary="Validate a spec",
)
def validate(ctx: Context, body: SpecIn) -> ValidationOut:
    parsed, problems = features.specs.validate_spec(body.yaml)
    return ValidationOut(
        valid=parsed is not None,
        title=parsed.title if parsed else None,
        type=parsed.type if parsed else None,
        nodes=len(parsed.walk()) if parsed else None,
        problems=[ProblemOut(**p.to_dict()) for p in problems],
    )


def _saved(ctx: Ctx, spec: Spec | None, problems: list[Any]) -> SpecOut:
    if spec is None:
        from patnav.errors import SpecError

        raise SpecError(
            "The spec is not valid: "
            + "; ".join(
                (f"line {p.line}: " if p.line else "") + p.message for p in problems
            )
        )
    return _spec(spec)


@router.post(
    "/specs",
    tags=["specs"],
    response_model=SpecOut,
    status_code=201,
    summary="Save a new spec",
)
def create_spec(ctx: Context, body: SpecIn) -> SpecOut:
    spec, problems = features.specs.save_spec(
        ctx, body.yaml, tenant_id=body.tenant_id, name=body.name
    )
    return _saved(ctx, spec, problems)


@router.get(
    "/specs/{spec_id}", tags=["specs"], response_model=SpecOut, summary="One spec"
)
def get_spec(ctx: Context, spec_id: int) -> SpecOut:
    return _spec(features.specs.get_spec(ctx, spec_id))


@router.put(
    "/specs/{spec_id}",
    tags=["specs"],
    response_model=SpecOut,
    summary="Save a new version of a spec",
)
def update_spec(ctx: Context, spec_id: int, body: SpecIn) -> SpecOut:
    spec, problems = features.specs.save_spec(
        ctx, body.yaml, spec_id=spec_id, name=body.name
    )
    return _saved(ctx, spec, problems)


# -- reports -------------------------------------------------------------------------


@router.get(
    "/reports",
    tags=["reports"],
    response_model=list[ReportOut],
    summary="Report jobs you see",
)
def reports(ctx: Context) -> list[ReportOut]:
    return [_report(r) for r in features.reports.list_reports(ctx)]


@router.post(
    "/reports",
    tags=["reports"],
    response_model=ReportOut,
    status_code=202,
    summary="Generate a report (background)",
)
def create_report(ctx: Context, body: ReportIn) -> ReportOut:
    return _report(
        features.reports.start_report(
            ctx, body.spec_id, body.store_id, body.fmt, body.lang
        )
    )


@router.get(
    "/reports/{report_id}",
    tags=["reports"],
    response_model=ReportOut,
    summary="One report job",
)
def report(ctx: Context, report_id: int) -> ReportOut:
    return _report(features.reports.get_report(ctx, report_id))


@router.get(
    "/reports/{report_id}/download",
    tags=["reports"],
    summary="A finished report's file",
)
def download_report(ctx: Context, report_id: int) -> Response:
    path, name, media_type = features.reports.report_file(ctx, report_id)
    return FileResponse(path, media_type=media_type, filename=name)


# -- catalogue -----------------------------------------------------------------------


@router.get(
    "/publications",
    tags=["catalogue"],
    response_model=list[PublicationOut],
    summary="Search the results catalogue",
)
def publications(
    ctx: Context,
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=40)] = "",
    type: Annotated[str, Query(max_length=20)] = "",
) -> list[PublicationOut]:
    return [
        PublicationOut(**features.catalogue.publication_dict(ctx, p))
        for p in features.catalogue.search_publications(
            ctx, q, tag=tag or None, type=type or None
        )
    ]


@router.post(
    "/publications",
    tags=["catalogue"],
    response_model=PublicationOut,
    status_code=201,
    summary="Publish a finished report",
)
def publish(ctx: Context, body: PublicationIn) -> PublicationOut:
    publication = features.catalogue.publish(
        ctx,
        features.catalogue.PublicationForm(
            report_id=body.report_id,
            title=body.title,
            summary=body.summary,
            tags=features.catalogue.split_tags(",".join(body.tags)),
            type=body.type,
            region=body.region,
            visibility=body.visibility,
            previous_id=body.previous_id,
        ),
    )
    return PublicationOut(**features.catalogue.publication_dict(ctx, publication))


@router.get(
    "/publications/{publication_id}",
    tags=["catalogue"],
    response_model=PublicationOut,
    summary="One publication",
)
def publication(ctx: Context, publication_id: int) -> PublicationOut:
    return PublicationOut(
        **features.catalogue.publication_dict(
            ctx, features.catalogue.get_publication(ctx, publication_id)
        )
    )


@router.post(
    "/publications/{publication_id}/update",
    tags=["catalogue"],
    response_model=UpdateOut,
    status_code=202,
    summary="Update a publication: re-run its spec now, with a changes report",
)
def update_publication(ctx: Context, publication_id: int) -> UpdateOut:
    update = features.catalogue.update_publication(ctx, publication_id)
    return UpdateOut(
        publication_id=update.publication.id,
        report=_report(update.report),
        changes=_report(update.changes),
    )


@router.get(
    "/publications/{publication_id}/download",
    tags=["catalogue"],
    summary="A publication's file",
)
def download_publication(ctx: Context, publication_id: int) -> Response:
    path, name, media_type = features.catalogue.publication_file(ctx, publication_id)
    return FileResponse(path, media_type=media_type, filename=name)


# -- API tokens ----------------------------------------------------------------------


class TokenOut(BaseModel):
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    live: bool


def _token(token: ApiToken, owner: User) -> TokenOut:
    return TokenOut(
        id=token.id,
        user_id=token.user_id,
        username=owner.username,
        name=token.name,
        prefix=token.prefix,
        scopes=sorted(token.scope_set),
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        live=accounts.is_live(token),
    )


@router.get(
    "/tokens",
    tags=["account"],
    response_model=list[TokenOut],
    summary="Your API tokens",
)
def tokens(ctx: Context) -> list[TokenOut]:
    assert ctx.user is not None
    owned = ctx.db.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == ctx.user.id)
        .order_by(ApiToken.id.desc())
    )
    return [_token(t, ctx.user) for t in owned]


@router.get(
    "/admin/tokens",
    tags=["administration"],
    response_model=list[TokenOut],
    summary="API tokens of the users you manage (administrators)",
)
def managed_tokens(ctx: Context) -> list[TokenOut]:
    require_scope(ctx, "admin")
    return [_token(t, u) for t, u in access.managed_tokens(ctx.db, ctx.viewer)]


@router.delete(
    "/tokens/{token_id}",
    tags=["account"],
    status_code=204,
    summary="Revoke a token: yours, or (administrators) one of a user you manage",
)
def revoke_token(ctx: Context, token_id: int) -> Response:
    assert ctx.user is not None
    try:
        token = accounts.revoke_token(ctx.db, ctx.user, token_id)
        by_admin = False
    except NotFoundError:
        if not ctx.viewer.is_admin:
            raise
        managed = access.managed_token(ctx.db, ctx.viewer, token_id)
        require_scope(ctx, "admin")
        token = accounts.revoke(ctx.db, managed)
        by_admin = True
    audit.record(
        ctx.db,
        "token.revoke",
        viewer=ctx.viewer,
        object_type="token",
        object_id=token.id,
        ip=ctx.ip,
        detail={"owner_id": token.user_id, "by_admin": by_admin},
    )
    ctx.db.commit()
    return Response(status_code=204)


# -- audit ---------------------------------------------------------------------------


@router.get(
    "/audit",
    tags=["administration"],
    summary="The audit log of your subtree (administrators)",
)
def audit_log(
    ctx: Context,
    action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    access.require_admin(ctx.viewer)
    require_scope(ctx, "admin")
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "user_id": e.user_id,
            "username": e.username,
            "tenant_id": e.tenant_id,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "ip": e.ip,
            "success": e.success,
            "detail": e.detail,
        }
        for e in audit.events(
            ctx.db, ctx.viewer, action=action, limit=limit, offset=offset
        )
    ]
