"""The results catalogue (成果发布): publishing a finished report, searching and
downloading publications (``routers/catalogue.py``, the API's ``/publications``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from patnav.errors import InputError, InvalidParameterError
from patnav.platform import access, audit, files
from patnav.platform.models import VISIBILITIES, Publication, ReportJob, Tenant
from patnav.web.deps import Ctx
from patnav.web.features.reports import CONTENT_TYPES
from patnav.web.features.specs import spec_if_visible


@dataclass(frozen=True, slots=True)
class PublicationForm:
    """What a user fills in to publish a report."""

    report_id: int
    title: str
    summary: str | None = None
    tags: list[str] = field(default_factory=list)
    type: str | None = None
    region: str | None = None
    visibility: str = "tenant"


def split_tags(text: str | None) -> list[str]:
    """Tags from a comma-separated text (full-width commas and 、 too)."""
    if not text:
        return []
    for sep in ("，", "、", ";", "；"):
        text = text.replace(sep, ",")
    seen: list[str] = []
    for tag in (t.strip() for t in text.split(",")):
        if tag and tag not in seen:
            seen.append(tag[:40])
    return seen[:20]


def publish(ctx: Ctx, form: PublicationForm) -> Publication:
    """Publish a finished report to the results catalogue."""
    job = access.writable(ctx.db, ctx.viewer, ReportJob, form.report_id)
    if job.status != "done" or not job.filename:
        raise InputError(
            "Only a finished report can be published: wait until it is done."
        )
    if form.visibility not in VISIBILITIES:
        raise InvalidParameterError(
            f"Visibility must be one of {', '.join(VISIBILITIES)}, not '{form.visibility}'."
        )
    access.check_visibility(ctx.viewer, form.visibility)
    title = form.title.strip()
    if not title:
        raise InvalidParameterError("A publication needs a title.")
    source = files.resolve(ctx.platform.root, job.filename)
    suffix = f".{job.fmt}"
    target, relative = files.new_file(
        ctx.platform.root, job.tenant_id, "publications", suffix
    )
    shutil.copyfile(source, target)
    spec = spec_if_visible(ctx, job.spec_id)
    publication = Publication(
        tenant_id=job.tenant_id,
        report_id=job.id,
        title=title[:300],
        summary=(form.summary or "").strip() or None,
        tags=",".join(form.tags),
        type=form.type or (spec.type if spec else "industry"),
        region=(form.region or "").strip() or None,
        visibility=form.visibility,
        filename=relative,
        download_name=f"{title[:120]}{suffix}",
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        size=target.stat().st_size,
        created_by=ctx.viewer.user_id,
    )
    ctx.db.add(publication)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "publish",
        viewer=ctx.viewer,
        object_type="publication",
        object_id=publication.id,
        ip=ctx.ip,
        detail={"title": title, "visibility": form.visibility, "report": job.id},
    )
    ctx.db.commit()
    return publication


def search_publications(
    ctx: Ctx, text: str | None = None, *, tag: str | None = None, limit: int = 100
) -> list[Publication]:
    """Publications the user may read, newest first, matching the words of ``text`` in
    the title, summary or tags (every word must match), and ``tag`` exactly."""
    statement = access.scoped(select(Publication), ctx.viewer, Publication)
    for word in (text or "").split():
        pattern = f"%{_escape_like(word)}%"
        statement = statement.where(
            or_(
                Publication.title.ilike(pattern, escape="\\"),
                Publication.tags.ilike(pattern, escape="\\"),
                Publication.summary.ilike(pattern, escape="\\"),
                Publication.region.ilike(pattern, escape="\\"),
            )
        )
    if tag:
        statement = statement.where(
            func.instr("," + Publication.tags + ",", f",{tag},") > 0
        )
    return list(ctx.db.scalars(statement.order_by(Publication.id.desc()).limit(limit)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_publication(ctx: Ctx, publication_id: int) -> Publication:
    """A publication the user may read."""
    return access.visible(ctx.db, ctx.viewer, Publication, publication_id)


def publication_file(ctx: Ctx, publication_id: int) -> tuple[Path, str, str]:
    """A publication's file for download (counted and audited)."""
    publication = get_publication(ctx, publication_id)
    path = files.resolve(ctx.platform.root, publication.filename)
    publication.downloads += 1
    audit.record(
        ctx.db,
        "download",
        viewer=ctx.viewer,
        object_type="publication",
        object_id=publication.id,
        ip=ctx.ip,
    )
    ctx.db.commit()
    return path, publication.download_name, publication.content_type


def publication_dict(ctx: Ctx, publication: Publication) -> dict[str, Any]:
    """A publication as JSON."""
    tenant = ctx.db.get(Tenant, publication.tenant_id)
    return {
        "id": publication.id,
        "title": publication.title,
        "summary": publication.summary,
        "tags": split_tags(publication.tags),
        "type": publication.type,
        "region": publication.region,
        "visibility": publication.visibility,
        "tenant": tenant.name if tenant else None,
        "report_id": publication.report_id,
        "size": publication.size,
        "downloads": publication.downloads,
        "created_at": publication.created_at.isoformat(),
        "download": f"/api/v1/publications/{publication.id}/download",
    }
