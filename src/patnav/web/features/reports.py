"""Reports: a spec run on a store and written as DOCX, HTML or PDF in the background, and
the finished file (``routers/reports.py``, the API's ``/reports``).

The job's life (its row, audit entry, worker and outcome) is the job runner's
(:mod:`patnav.web.jobs`); this module says only where a report runs (the app's one report
worker: reports read, and they are heavy) and what it does.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from patnav.analyses.spec import NavigationSpec, parse_spec
from patnav.errors import InputError, InvalidParameterError, NotFoundError
from patnav.platform import access, audit, files
from patnav.platform.db import Platform
from patnav.platform.models import REPORT_FORMATS, DataStore, ReportJob, Spec
from patnav.storage.store import PatentStore
from patnav.web import jobs
from patnav.web.deps import Ctx
from patnav.web.features.common import open_handle
from patnav.web.features.specs import get_spec
from patnav.web.features.stores import get_store
from patnav.web.services import StoreHub

CHANGES_TITLE = "专利导航动态更新报告"
"""What a changes report job is called (after its spec's title)."""


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
    ctx: Ctx,
    spec_id: int,
    store_id: int,
    fmt: str,
    lang: str,
    *,
    changes_since: datetime | None = None,
    admitted: bool = False,
) -> ReportJob:
    """Queue a report: the spec run on the store, written as docx, html or pdf; with
    ``changes_since`` (naive UTC), the 专利导航动态更新报告 of what changed in the spec's
    data since then instead (Chinese). ``admitted``: the caller has checked the user's
    pending jobs already (:func:`patnav.web.jobs.admit` for several jobs at once)."""
    spec = get_spec(ctx, spec_id)
    store = get_store(ctx, store_id)
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    if fmt not in REPORT_FORMATS:
        raise InvalidParameterError(
            f"Report format must be one of {', '.join(REPORT_FORMATS)}, not '{fmt}'."
        )
    if lang not in ("zh", "en"):
        raise InvalidParameterError(f"Report language must be zh or en, not '{lang}'.")
    if not admitted:
        jobs.admit(ctx, REPORT)
    job = ReportJob(
        tenant_id=store.tenant_id,
        store_id=store.id,
        spec_id=spec.id,
        title=spec.title if changes_since is None else f"{spec.title}：{CHANGES_TITLE}",
        fmt=fmt,
        lang=lang if changes_since is None else "zh",
        created_by=ctx.viewer.user_id,
        changes_since=changes_since,
    )
    detail = {"spec": spec.title, "store": store.name, "format": fmt, "lang": job.lang}
    if changes_since is not None:
        detail["changes_since"] = changes_since.isoformat()
    return jobs.create(ctx, REPORT, job, detail=detail)


def _worker(
    platform: Platform, hub: StoreHub, db: Session, job: ReportJob
) -> jobs.Submit:
    """Reports run one at a time on the app's report worker."""
    return hub.submit_report


def _prepare(
    platform: Platform, hub: StoreHub, db: Session, job: ReportJob
) -> jobs.Work:
    """What a report needs, read from its row: the spec's text (as it is now), the open
    store, the format and the language."""
    spec_row = db.get(Spec, job.spec_id)
    store_row = db.get(DataStore, job.store_id)
    if spec_row is None or store_row is None:
        raise NotFoundError("the spec or the store was deleted")
    text, fmt, lang, tenant_id = spec_row.yaml_text, job.fmt, job.lang, job.tenant_id
    since = job.changes_since
    handle = open_handle(store_row, hub, platform.root)
    source = f"spec {job.id}"
    data_dir = platform.settings.data_dir

    def work(progress: jobs.Progress) -> jobs.Outcome:
        from patnav.reports import write_report

        path, relative = files.new_file(platform.root, tenant_id, "reports", f".{fmt}")
        try:
            spec = parse_spec(text, source=source)
            with handle.reader() as cursor:
                written = Path(
                    write_report(
                        cursor,
                        spec,
                        fmt=fmt,
                        lang=lang,
                        out=path,
                        data_dir=data_dir,
                    )
                    if since is None
                    else write_changes_report(
                        cursor, spec, since, fmt=fmt, out=path, data_dir=data_dir
                    )
                )
            if written != path:
                shutil.move(str(written), path)
            size = path.stat().st_size
        except BaseException:  # no half-written file is left behind
            path.unlink(missing_ok=True)
            raise
        return jobs.Outcome(values={"filename": relative, "size": size})

    return work


def write_changes_report(
    store: PatentStore,
    spec: NavigationSpec,
    since: datetime,
    *,
    fmt: str,
    out: Path,
    data_dir: Path | None,
) -> Path:
    """The 专利导航动态更新报告 of what changed in ``spec``'s data since ``since`` (the
    documents first imported before it are the old state, every document now the new),
    written as ``fmt`` to ``out``; the same analyses as ``patnav changes``."""
    from patnav.analyses.changes import compare_states, state_of
    from patnav.reports import render_report
    from patnav.reports.changes import build_changes_report

    old = state_of(store, spec, before=since, data_dir=data_dir)
    new = state_of(store, spec, data_dir=data_dir)
    changes = compare_states(old, new, title=spec.title, count_by=spec.count_by)
    return render_report(build_changes_report(changes), fmt, out)


REPORT: jobs.Kind[ReportJob] = jobs.Kind(
    "report", ReportJob, worker=_worker, prepare=_prepare
)
"""The report job kind (the job runner's :class:`~patnav.web.jobs.Kind`)."""


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


def tenant_report_download(
    ctx: Ctx,
    path: Path,
    *,
    object_type: str,
    object_id: str,
    title: str,
    day: str,
    fmt: str,
) -> tuple[Path, str, str]:
    """A report file of a tenant's history as a download: audited, named
    ``<title>_<day>.<fmt>``, with its content type."""
    audit.record(
        ctx.db,
        "download",
        viewer=ctx.viewer,
        object_type=object_type,
        object_id=object_id,
        ip=ctx.ip,
    )
    ctx.db.commit()
    return path, f"{title}_{day}.{fmt}", CONTENT_TYPES[f".{fmt}"]
