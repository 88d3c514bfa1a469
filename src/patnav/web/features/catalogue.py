"""The results catalogue (成果发布): publishing a finished report, searching and
downloading publications (``routers/catalogue.py``, the API's ``/publications``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from patnav.errors import (
    AccessDeniedError,
    InputError,
    InvalidParameterError,
    NotFoundError,
)
from patnav.platform import access, audit, files
from patnav.platform.access import Viewer
from patnav.platform.models import (
    VISIBILITIES,
    DataStore,
    Publication,
    ReportJob,
    Spec,
    Tenant,
)
from patnav.web import jobs
from patnav.web.deps import Ctx
from patnav.web.features.reports import CONTENT_TYPES, REPORT, start_report
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
    previous_id: int | None = None
    """Publish as a new version of this publication (of the same tenant)."""


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
    series_id, version = _next_version(ctx, job.tenant_id, form.previous_id)
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
        series_id=series_id,
        version=version,
    )
    ctx.db.add(publication)
    ctx.db.flush()
    if publication.series_id is None:
        publication.series_id = publication.id
    audit.record(
        ctx.db,
        "publish",
        viewer=ctx.viewer,
        object_type="publication",
        object_id=publication.id,
        ip=ctx.ip,
        detail={
            "title": title,
            "visibility": form.visibility,
            "report": job.id,
            "series": publication.series_id,
            "version": version,
        },
    )
    ctx.db.commit()
    return publication


@dataclass(frozen=True, slots=True)
class Update:
    """The two report jobs of a publication's update: its spec re-run on its store as it
    is now (``report``, to publish as the series' next version) and the
    专利导航动态更新报告 of what changed since the publication (``changes``)."""

    publication: Publication
    report: ReportJob
    changes: ReportJob


def update_publication(ctx: Ctx, publication_id: int) -> Update:
    """Update a publication (生成更新版本): queue its report's spec on its store as it is
    now (same format and language) and the 专利导航动态更新报告 of the documents imported
    since the publication's date (``created_at``), both on the report worker.

    Raises:
        NotFoundError: no such publication the user sees, or its report job, spec or
            store is gone (nothing to re-run).
        AccessDeniedError: a read-only role, or a publication of another organisation.
        TooManyPendingError: no room for both jobs among the user's pending reports.
    """
    publication = access.visible(ctx.db, ctx.viewer, Publication, publication_id)
    if publication.tenant_id != ctx.viewer.tenant_id:
        raise AccessDeniedError(
            f"成果 {publication_id} 属于其他单位：只有发布单位可以生成更新版本。"
            "Only the organisation that published it may update this publication."
        )
    access.writable(ctx.db, ctx.viewer, Publication, publication_id)  # a writing role
    job = (
        ctx.db.get(ReportJob, publication.report_id)
        if publication.report_id is not None
        else None
    )
    if job is None:
        raise NotFoundError(
            f"成果 {publication_id} 的报告任务已删除，无法重新生成：请用新的报告发布新版本。"
            "The publication's report job is gone: publish a new report as its next "
            "version instead."
        )
    if ctx.db.get(Spec, job.spec_id) is None:
        raise NotFoundError(
            f"成果 {publication_id} 所用的导航配置已删除，无法重新生成。"
            "The publication's spec is gone: nothing to re-run."
        )
    if ctx.db.get(DataStore, job.store_id) is None:
        raise NotFoundError(
            f"成果 {publication_id} 所用的专利库已删除，无法重新生成。"
            "The publication's store is gone: nothing to re-run."
        )
    jobs.admit(ctx, REPORT, wanted=2)  # both jobs or neither
    report = start_report(
        ctx, job.spec_id, job.store_id, job.fmt, job.lang, admitted=True
    )
    changes = start_report(
        ctx,
        job.spec_id,
        job.store_id,
        job.fmt,
        job.lang,
        changes_since=publication.created_at,
        admitted=True,
    )
    audit.record(
        ctx.db,
        "publication.update",
        viewer=ctx.viewer,
        object_type="publication",
        object_id=publication.id,
        ip=ctx.ip,
        detail={"report": report.id, "changes": changes.id},
    )
    ctx.db.commit()
    return Update(publication, report, changes)


def _next_version(
    ctx: Ctx, tenant_id: int, previous_id: int | None
) -> tuple[int | None, int]:
    """The series and version number of a new publication: a series of its own, or the
    next version of ``previous_id``'s series (which must belong to the same tenant)."""
    if previous_id is None:
        return None, 1
    previous = access.writable(ctx.db, ctx.viewer, Publication, previous_id)
    if previous.tenant_id != tenant_id:
        raise AccessDeniedError(
            f"Publication {previous_id} belongs to another organisation: a new version "
            "must be published by the organisation that published the first one."
        )
    series = previous.series
    latest = ctx.db.scalar(
        select(func.max(Publication.version)).where(
            or_(Publication.series_id == series, Publication.id == series)
        )
    )
    return series, int(latest or previous.version) + 1


def versions(
    db: Session, publication: Publication, viewer: Viewer | None
) -> list[Publication]:
    """Every version of a publication's series, newest first: those ``viewer`` may read,
    or only the public ones when there is no viewer (an anonymous visitor)."""
    series = publication.series
    statement = select(Publication).where(
        or_(Publication.series_id == series, Publication.id == series)
    )
    if viewer is None:
        statement = statement.where(Publication.visibility == "public")
    else:
        statement = access.scoped(statement, viewer, Publication)
    return list(
        db.scalars(
            statement.order_by(Publication.version.desc(), Publication.id.desc())
        )
    )


def own_publications(ctx: Ctx, limit: int = 200) -> list[Publication]:
    """The publications of the user's own tenant, newest first (what a new version may
    follow)."""
    return list(
        ctx.db.scalars(
            select(Publication)
            .where(Publication.tenant_id == ctx.viewer.tenant_id)
            .order_by(Publication.id.desc())
            .limit(limit)
        )
    )


def search_publications(
    ctx: Ctx,
    text: str | None = None,
    *,
    tag: str | None = None,
    type: str | None = None,
    limit: int = 100,
) -> list[Publication]:
    """Publications the user may read, newest first, matching the words of ``text`` in
    the title, summary, tags or region (every word must match), ``tag`` exactly and the
    report type ``type``."""
    statement = access.scoped(select(Publication), ctx.viewer, Publication)
    statement = matching(statement, text, tag=tag, type=type)
    return list(ctx.db.scalars(statement.order_by(Publication.id.desc()).limit(limit)))


def matching(
    statement: Select[Any],
    text: str | None,
    *,
    tag: str | None = None,
    type: str | None = None,
) -> Select[Any]:
    """``statement`` restricted to publications matching the search (the signed-in and
    the public catalogue search alike)."""
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
    if type:
        statement = statement.where(Publication.type == type)
    return statement


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
        "series_id": publication.series,
        "version": publication.version,
    }
