"""The public results catalogue (成果发布，公开): the publications a tenant marked
``public``, readable WITHOUT signing in — a searchable list, each publication's page with
its versions, downloads, and an Atom feed (RFC 4287).

These are the only anonymous pages besides sign-in. They show what a publication shows
and nothing of its tenant's inside: the publishing organisation's name, never the user
who published it, the report, store or spec it came from, or its download count.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, HTMLResponse, Response

from patnav.analyses.spec import REPORT_TYPES
from patnav.platform.models import Publication, Tenant
from patnav.web import features
from patnav.web.deps import Ctx, base_ctx
from patnav.web.render import page

router = APIRouter(prefix="/public", include_in_schema=False)

ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _tenant_names(ctx: Ctx, publications: list[Publication]) -> dict[int, str]:
    owners = {p.tenant_id for p in publications}
    if not owners:
        return {}
    return {t.id: t.name for t in ctx.db.query(Tenant).filter(Tenant.id.in_(owners))}


@router.get("", response_class=HTMLResponse)
def public_catalogue(
    ctx: Annotated[Ctx, Depends(base_ctx)],
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=40)] = "",
    type: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    publications = features.public.search_public(
        ctx.db, q, tag=tag or None, type=type or None
    )
    return page(
        ctx,
        "public_catalogue.html",
        nav="public",
        publications=publications,
        q=q,
        tag=tag,
        type=type,
        types=REPORT_TYPES,
        tenants=_tenant_names(ctx, publications),
        split_tags=features.catalogue.split_tags,
    )


@router.get("/feed.atom")
def feed(ctx: Annotated[Ctx, Depends(base_ctx)]) -> Response:
    """The Atom feed of every public publication, newest first."""
    publications = features.public.public_feed(ctx.db)
    base = str(ctx.request.base_url).rstrip("/")
    body = features.public.atom_feed(
        publications,
        base=base,
        title=ctx.t("public.title"),
        tenants=_tenant_names(ctx, publications),
        lang=ctx.lang,
    )
    return Response(body, media_type=ATOM_TYPE)


@router.get("/{publication_id}", response_class=HTMLResponse)
def public_publication(
    ctx: Annotated[Ctx, Depends(base_ctx)], publication_id: int
) -> Response:
    publication = features.public.get_public(ctx.db, publication_id)
    versions = features.catalogue.versions(ctx.db, publication, None)
    tenant = ctx.db.get(Tenant, publication.tenant_id)
    return page(
        ctx,
        "public_publication.html",
        nav="public",
        pub=publication,
        tags=features.catalogue.split_tags(publication.tags),
        owner=tenant.name if tenant else "",
        latest=versions[0] if versions else publication,
        versions=versions,
    )


@router.get("/{publication_id}/download")
def public_download(
    ctx: Annotated[Ctx, Depends(base_ctx)], publication_id: int
) -> Response:
    path, name, media_type = features.public.public_file(
        ctx.db, publication_id, root=ctx.platform.root, ip=ctx.ip
    )
    return FileResponse(path, media_type=media_type, filename=name)
