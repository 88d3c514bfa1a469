"""The job runner (issue 13): every background job — an import, a report — is queued,
run, followed and ended in one place, the same way, and a job that cannot run ends
failed with the reason instead of waiting forever."""

from __future__ import annotations

from datetime import datetime

from patnav.errors import StoreUnavailableError


def _insert(site, row):
    with site.app.state.platform.session() as db:
        db.add(row)
        db.flush()
        return row.id


def _get(site, model, job_id):
    with site.app.state.platform.session() as db:
        row = db.get(model, job_id)
        db.expunge(row)
        return row


def _import_row(site, **values):
    from patnav.platform.models import ImportJob

    values.setdefault("original_name", "专利.xlsx")
    return ImportJob(
        tenant_id=site.tenants["泰安市"],
        store_id=site.stores["泰安库"],
        filename="tenants/none/uploads/none.xlsx",
        **values,
    )


def _report_row(site, **values):
    from patnav.platform.models import ReportJob, Spec

    spec_id = _insert(
        site,
        Spec(
            tenant_id=site.tenants["济南市"],
            name="济南导航",
            title="济南导航",
            type="industry",
            yaml_text="title: 济南导航\n",
        ),
    )
    return ReportJob(
        tenant_id=site.tenants["济南市"],
        store_id=site.stores["济南库"],
        spec_id=spec_id,
        title="济南导航",
        fmt="html",
        lang="zh",
        **values,
    )


def test_a_report_on_a_failed_store_ends_failed_with_the_reason(site):
    """It stayed 'queued' for ever before: the store was opened after the job was
    marked running, the failure rolled that back and only the log said why."""
    from patnav.platform import files
    from patnav.platform.models import DataStore, ReportJob
    from patnav.web import jobs
    from patnav.web.features.reports import REPORT

    platform, hub = site.app.state.platform, site.app.state.hub
    with platform.session() as db:
        path = files.resolve(
            platform.root, db.get(DataStore, site.stores["济南库"]).filename
        )
    with path.open("r+b") as handle:  # the file's header overwritten
        handle.write(b"\x00garbage" * 512)
    job_id = _insert(site, _report_row(site))
    jobs.run(platform, hub, REPORT, job_id)
    job = _get(site, ReportJob, job_id)
    assert job.status == "failed"
    assert f"Store {site.stores['济南库']} has failed" in job.error
    assert isinstance(job.finished_at, datetime)
    assert job.filename is None and job.size is None


def test_one_lifecycle_for_every_kind(site):
    """Running, progress, the kind's result columns, the columns reset at the end,
    a failure's message with its type, a worker that cannot take the job."""
    from patnav.platform.models import ImportJob
    from patnav.web import jobs

    platform, hub = site.app.state.platform, site.app.state.hub
    seen: list[tuple[str, int | None]] = []

    def now(work):
        work()

    def prepare(_platform, _hub, _db, row):
        seen.append(("prepared", row.id))
        job_id = row.id

        def work(progress):
            # the row says running while the work runs, and shows the progress
            progress.note(done=7, total=9, current="第 7 行")
            running = _get(site, ImportJob, job_id)
            seen.append((running.status, running.done))
            assert running.started_at is not None and running.finished_at is None
            if running.original_name == "坏.xlsx":
                raise ValueError("第 8 行无法读取")
            return jobs.Outcome("done", values={"report_json": '{"ok": true}'})

        return work

    kind = jobs.Kind(
        "import",
        ImportJob,
        worker=lambda *_: now,
        prepare=prepare,
        finished={"current": None},
    )
    row_id = _insert(site, _import_row(site))
    jobs.queue(platform, hub, kind, row_id)
    done = _get(site, ImportJob, row_id)
    assert (done.status, done.error, done.done, done.total, done.current) == (
        "done",
        None,
        7,
        9,
        None,
    )
    assert done.report_json == '{"ok": true}'
    assert done.started_at <= done.finished_at
    assert seen == [("prepared", row_id), ("running", 7)]

    row_id = _insert(site, _import_row(site, original_name="坏.xlsx"))
    jobs.queue(platform, hub, kind, row_id)
    failed = _get(site, ImportJob, row_id)
    assert (failed.status, failed.error, failed.current) == (
        "failed",
        "ValueError: 第 8 行无法读取",
        None,
    )
    assert failed.finished_at is not None

    def refusing(*_):
        raise StoreUnavailableError(site.stores["泰安库"], "磁盘损坏")

    refused_kind = jobs.Kind("import", ImportJob, worker=refusing, prepare=prepare)
    row_id = _insert(site, _import_row(site))
    seen.clear()
    jobs.queue(platform, hub, refused_kind, row_id)
    refused = _get(site, ImportJob, row_id)
    assert refused.status == "failed" and "磁盘损坏" in refused.error
    assert refused.started_at is None and refused.finished_at is not None
    assert seen == []  # never prepared, never run


def test_resume_queues_again_the_pending_jobs_of_every_kind(site):
    from patnav.platform.models import ImportJob, ReportJob
    from patnav.web import jobs

    platform, hub = site.app.state.platform, site.app.state.hub
    pending = {
        _insert(site, _import_row(site, status="queued")),
        _insert(site, _import_row(site, status="running")),
    }
    _insert(site, _import_row(site, status="done"))
    _insert(site, _import_row(site, status="failed"))
    report = _insert(site, _report_row(site, status="running"))
    queued: list[tuple[str, int]] = []

    def kind(name, model):
        def worker(_platform, _hub, _db, row):
            queued.append((name, row.id))
            return lambda work: None  # not run here

        return jobs.Kind(name, model, worker=worker, prepare=lambda *_: None)

    count = jobs.resume(
        platform, hub, (kind("import", ImportJob), kind("report", ReportJob))
    )
    assert count == 3
    assert sorted(queued) == sorted(
        [("import", i) for i in pending] + [("report", report)]
    )
