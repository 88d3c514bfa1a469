"""Navigation specs, reports and the results catalogue: what the pages and the REST API
share for publishing work.

Like :mod:`patnav.web.actions`, every function checks access through
:mod:`patnav.platform.access`, calls the core (``patnav.analyses.spec``,
``patnav.reports``) and records what the audit log needs. Reports run in the hub's report
worker thread with their own database session.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from patnav.analyses.spec import NavigationSpec, parse_spec
from patnav.errors import InputError, InvalidParameterError, NotFoundError
from patnav.platform import access, audit, files
from patnav.platform.db import Platform
from patnav.platform.models import (
    REPORT_FORMATS,
    VISIBILITIES,
    DataStore,
    Publication,
    ReportJob,
    Spec,
    Tenant,
    utcnow,
)
from patnav.web.actions import get_store, open_handle
from patnav.web.deps import Ctx
from patnav.web.limits import check_pending
from patnav.web.services import StoreHub
from patnav.web.specs import SpecProblem, check_spec

log = logging.getLogger("patnav.web")


def spec_if_visible(ctx: Ctx, spec_id: int) -> Spec | None:
    """A spec the user may see, or None: a report made on a city's store from the
    province's spec belongs to the city, whose users do not see the province's specs."""
    try:
        return get_spec(ctx, spec_id)
    except NotFoundError:
        return None


# -- specs ----------------------------------------------------------------------------


def list_specs(ctx: Ctx) -> list[Spec]:
    """The specs the user sees."""
    statement = access.scoped(select(Spec), ctx.viewer, Spec)
    return list(ctx.db.scalars(statement.order_by(Spec.updated_at.desc())))


def get_spec(ctx: Ctx, spec_id: int) -> Spec:
    """A spec the user sees."""
    return access.visible(ctx.db, ctx.viewer, Spec, spec_id)


def validate_spec(text: str) -> tuple[NavigationSpec | None, list[SpecProblem]]:
    """A spec's problems with their lines (empty when valid), and the spec when valid."""
    return check_spec(text)


def save_spec(
    ctx: Ctx,
    text: str,
    *,
    spec_id: int | None = None,
    tenant_id: int | None = None,
    name: str | None = None,
) -> tuple[Spec | None, list[SpecProblem]]:
    """Validate and save a spec (new, or a new version of ``spec_id``). Nothing is saved
    when it has problems."""
    if spec_id is not None:
        row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    else:
        access.require_write(ctx.db, ctx.viewer, tenant_id or ctx.viewer.tenant_id)
        row = None
    parsed, problems = check_spec(text)
    if parsed is None:
        return None, problems
    if row is None:
        row = Spec(
            tenant_id=tenant_id or ctx.viewer.tenant_id,
            name=(name or parsed.title).strip()[:200],
            title=parsed.title[:300],
            type=parsed.type,
            yaml_text=text,
            created_by=ctx.viewer.user_id,
            updated_by=ctx.viewer.user_id,
        )
        ctx.db.add(row)
    else:
        row.yaml_text, row.title, row.type = text, parsed.title[:300], parsed.type
        row.version += 1
        row.updated_by, row.updated_at = ctx.viewer.user_id, utcnow()
        if name:
            row.name = name.strip()[:200]
    ctx.db.flush()
    audit.record(
        ctx.db,
        "spec.save",
        viewer=ctx.viewer,
        object_type="spec",
        object_id=row.id,
        ip=ctx.ip,
        detail={"title": parsed.title, "version": row.version},
    )
    ctx.db.commit()
    return row, []


EXAMPLE_SPEC = """\
title: 泰安市主导产业专利导航
type: industry            # region | industry | enterprise | rnd | talent | fto | micro
region: {province: 山东省, city: 泰安市}
compare: [national, global]
period: {from: 2005, to: 2015, by: application_date}
count_by: application     # family | application | document
scope:
  - node: 输变电装备
    query: TIAB=(变压器 OR 输电 OR 电缆) OR IPC=(H01F OR H02G)
    children:
      - {node: 变压器, query: "TIAB=变压器 OR IPC=H01F"}
      - {node: 电线电缆, query: "TIAB=(电缆 OR 导线) OR IPC=H01B"}
  - node: 矿山机械
    query: TIAB=(煤矿 OR 矿山 OR 采煤 OR 掘进) OR IPC=(E21C OR E21D)
  - node: 新材料
    query: TIAB=(玻璃纤维 OR 复合材料 OR 碳纤维) OR IPC=(C03C OR C08J5)
"""


# -- reports --------------------------------------------------------------------------


def list_reports(ctx: Ctx, *, done_only: bool = False) -> list[ReportJob]:
    """The report jobs the user sees."""
    statement = access.scoped(select(ReportJob), ctx.viewer, ReportJob)
    if done_only:
        statement = statement.where(ReportJob.status == "done")
    return list(ctx.db.scalars(statement.order_by(ReportJob.id.desc()).limit(200)))


def get_report(ctx: Ctx, report_id: int) -> ReportJob:
    """A report job the user sees."""
    return access.visible(ctx.db, ctx.viewer, ReportJob, report_id)


def start_report(
    ctx: Ctx, spec_id: int, store_id: int, fmt: str, lang: str
) -> ReportJob:
    """Queue a report: the spec run on the store, written as docx, html or pdf."""
    spec = get_spec(ctx, spec_id)
    store = get_store(ctx, store_id)
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    if fmt not in REPORT_FORMATS:
        raise InvalidParameterError(
            f"Report format must be one of {', '.join(REPORT_FORMATS)}, not '{fmt}'."
        )
    if lang not in ("zh", "en"):
        raise InvalidParameterError(f"Report language must be zh or en, not '{lang}'.")
    check_pending(ctx.db, ctx.settings, ctx.viewer.user_id, "report")
    job = ReportJob(
        tenant_id=store.tenant_id,
        store_id=store.id,
        spec_id=spec.id,
        title=spec.title,
        fmt=fmt,
        lang=lang,
        created_by=ctx.viewer.user_id,
    )
    ctx.db.add(job)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "report",
        viewer=ctx.viewer,
        object_type="report",
        object_id=job.id,
        ip=ctx.ip,
        detail={"spec": spec.title, "store": store.name, "format": fmt, "lang": lang},
    )
    ctx.db.commit()
    queue_report(ctx.platform, ctx.hub, job.id)
    return job


def queue_report(platform: Platform, hub: StoreHub, job_id: int) -> None:
    """Queue a report job on the report worker."""
    hub.submit_report(lambda: run_report(platform, hub, job_id))


def run_report(platform: Platform, hub: StoreHub, job_id: int) -> None:
    """Generate one report (in the report worker thread) and record its file."""
    with platform.session() as db:
        job = db.get(ReportJob, job_id)
        if job is None:
            return
        spec_row = db.get(Spec, job.spec_id)
        store_row = db.get(DataStore, job.store_id)
        if spec_row is None or store_row is None:
            job.status, job.error = "failed", "the spec or the store was deleted"
            return
        job.status, job.started_at, job.error = "running", utcnow(), None
        text, fmt, lang, tenant_id = (
            spec_row.yaml_text,
            job.fmt,
            job.lang,
            job.tenant_id,
        )
        handle = open_handle(store_row, hub, platform.root)
    path, relative = files.new_file(platform.root, tenant_id, "reports", f".{fmt}")
    recorded: str | None = relative
    try:
        from patnav.reports import write_report

        spec = parse_spec(text, source=f"spec {job_id}")
        with handle.reader() as cursor:
            written = Path(
                write_report(
                    cursor,
                    spec,
                    fmt=fmt,
                    lang=lang,
                    out=path,
                    data_dir=platform.settings.data_dir,
                )
            )
        if written != path:
            shutil.move(str(written), path)
        status, error, size = "done", None, path.stat().st_size
    except Exception as exc:  # recorded on the job: the user sees why
        log.exception("report job %s failed", job_id)
        path.unlink(missing_ok=True)
        status, error, size = "failed", f"{type(exc).__name__}: {exc}"[:2000], None
        recorded = None
    with platform.session() as db:
        row = db.get(ReportJob, job_id)
        if row is not None:
            row.status, row.error, row.finished_at = status, error, utcnow()
            row.filename, row.size = recorded, size


CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}


def report_file(ctx: Ctx, report_id: int) -> tuple[Path, str, str]:
    """A finished report's file, download name and content type (audited)."""
    job = get_report(ctx, report_id)
    if job.status != "done" or not job.filename:
        raise InputError(
            "The report is not finished yet: wait until its status is 已完成 (done)."
        )
    path = files.resolve(ctx.platform.root, job.filename)
    audit.record(
        ctx.db,
        "download",
        viewer=ctx.viewer,
        object_type="report",
        object_id=job.id,
        ip=ctx.ip,
    )
    ctx.db.commit()
    return (
        path,
        f"{job.title}.{job.fmt}",
        CONTENT_TYPES.get(f".{job.fmt}", "application/octet-stream"),
    )


# -- catalogue ------------------------------------------------------------------------


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


# -- startup --------------------------------------------------------------------------


def resume_reports(platform: Platform, hub: StoreHub) -> int:
    """Queue again the reports a restart interrupted. Returns how many were queued."""
    with platform.session() as db:
        jobs = list(
            db.scalars(
                select(ReportJob.id).where(ReportJob.status.in_(("queued", "running")))
            )
        )
    for job_id in jobs:
        queue_report(platform, hub, job_id)
    return len(jobs)
