"""The results catalogue (成果发布): browse and search publications, publish a finished
report with its metadata, download by permission."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from patnav.analyses.spec import REPORT_TYPES
from patnav.platform import access
from patnav.platform.models import VISIBILITIES, Tenant
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(
    prefix="/catalogue", dependencies=[Depends(verify_csrf)], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
def catalogue_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    q: str = "",
    tag: str = "",
    type: str = "",
    msg: str | None = None,
) -> Response:
    if msg == "published":
        ctx.notices.append(ctx.t("cat.published"))
    publications = features.catalogue.search_publications(
        ctx, q, tag=tag or None, type=type or None
    )
    owners = {p.tenant_id for p in publications}
    tenants = (
        {t.id: t.name for t in ctx.db.query(Tenant).filter(Tenant.id.in_(owners))}
        if owners
        else {}
    )
    return page(
        ctx,
        "catalogue.html",
        nav="catalogue",
        publications=publications,
        q=q,
        tag=tag,
        type=type,
        types=REPORT_TYPES,
        tenants=tenants,
        split_tags=features.catalogue.split_tags,
        can_write=ctx.viewer.can_write,
    )


@router.get("/new", response_class=HTMLResponse)
def new_publication(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    report: int | None = None,
    previous: int | None = None,
) -> Response:
    reports = [r for r in features.reports.list_reports(ctx, done_only=True)]
    chosen = next(
        (r for r in reports if r.id == report), reports[0] if reports else None
    )
    spec = features.specs.spec_if_visible(ctx, chosen.spec_id) if chosen else None
    tenant = ctx.db.get(Tenant, chosen.tenant_id) if chosen else None
    return page(
        ctx,
        "publish.html",
        nav="catalogue",
        reports=reports,
        chosen=chosen,
        types=REPORT_TYPES,
        visibilities=VISIBILITIES,
        default_type=spec.type if spec else "industry",
        default_region=(tenant.region or tenant.name) if tenant else "",
        wide=ctx.viewer.role in access.WIDE_PUBLISH_ROLES,
        own=features.catalogue.own_publications(ctx),
        previous=previous,
    )


@router.post("")
def create(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    report_id: Annotated[int, Form()],
    title: Annotated[str, Form(max_length=300)],
    summary: Annotated[str, Form(max_length=5000)] = "",
    tags: Annotated[str, Form(max_length=500)] = "",
    type: Annotated[str, Form(max_length=20)] = "",
    region: Annotated[str, Form(max_length=200)] = "",
    visibility: Annotated[str, Form()] = "tenant",
    previous_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    previous = int(previous_id) if previous_id.strip().isdigit() else None
    publication = features.catalogue.publish(
        ctx,
        features.catalogue.PublicationForm(
            report_id=report_id,
            title=title,
            summary=summary,
            tags=features.catalogue.split_tags(tags),
            type=type or None,
            region=region or None,
            visibility=visibility,
            previous_id=previous,
        ),
    )
    return RedirectResponse(
        f"/catalogue/{publication.id}?msg=published", status_code=303
    )


@router.get("/{publication_id}", response_class=HTMLResponse)
def detail(
    ctx: Annotated[Ctx, Depends(page_ctx)], publication_id: int, msg: str | None = None
) -> Response:
    publication = features.catalogue.get_publication(ctx, publication_id)
    if msg == "published":
        ctx.notices.append(ctx.t("cat.published"))
    tenant = ctx.db.get(Tenant, publication.tenant_id)
    return page(
        ctx,
        "publication.html",
        nav="catalogue",
        pub=publication,
        tags=features.catalogue.split_tags(publication.tags),
        owner=tenant.name if tenant else "",
        publisher=features.common.user_names(ctx, [publication.created_by]).get(
            publication.created_by or 0, ""
        ),
        versions=features.catalogue.versions(ctx.db, publication, ctx.viewer),
        can_write=ctx.viewer.can_write
        and access.can_see_tenant(ctx.db, ctx.viewer, publication.tenant_id),
        can_update=ctx.viewer.can_write
        and publication.tenant_id == ctx.viewer.tenant_id,
    )


@router.post("/{publication_id}/update")
def update(ctx: Annotated[Ctx, Depends(page_ctx)], publication_id: int) -> Response:
    features.catalogue.update_publication(ctx, publication_id)
    return RedirectResponse("/reports?msg=updating", status_code=303)


@router.get("/{publication_id}/download")
def download(ctx: Annotated[Ctx, Depends(page_ctx)], publication_id: int) -> Response:
    path, name, media_type = features.catalogue.publication_file(ctx, publication_id)
    return FileResponse(path, media_type=media_type, filename=name)
