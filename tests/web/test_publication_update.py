"""Updating a published navigation result (专利导航动态更新, issue 17): the publication's
spec re-run on its store as it is now and the 专利导航动态更新报告 of the documents imported
since it was published, both on the report worker; the new report published as version 2
of the same series. The added documents are counted with pandas from the raw export."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from patnav.ingest.pipeline import import_paths
from patnav.platform import files
from patnav.platform.models import DataStore, Publication
from tests.monitors.data import VR
from tests.web.conftest import TestClient, api_token, bearer, wait_for

SPEC = """\
title: 虚拟现实产业专利导航
type: industry
region: {city: 泰安市}
scope:
  - node: 虚拟现实
    query: TI=虚拟现实
"""


def _api(site, username: str) -> TestClient:
    client = TestClient(site.app)
    client.headers.update(bearer(api_token(site, username)))
    return client


def _import(site, rows: pd.DataFrame, path) -> None:
    """Import ``rows`` (written as CSV) into 泰安库 through the hub's handle."""
    rows.to_csv(path, index=False)
    hub = site.app.state.hub
    with site.app.state.platform.session() as db:
        row = db.get(DataStore, site.stores["泰安库"])
        store_path = files.resolve(site.root, row.filename)
    handle = hub.handle(site.stores["泰安库"], store_path)
    with handle.reader() as cursor:
        assert import_paths(cursor, [path]).ok
    handle.changed()


def _done(client, report_id: int) -> dict:
    job = wait_for(
        lambda: client.get(f"/api/v1/reports/{report_id}").json(),
        lambda j: j["status"] in ("done", "failed"),
        timeout_s=240,
    )
    assert job["status"] == "done", job
    return job


def _vr_rows(data_dir) -> pd.DataFrame:
    return pd.read_csv(data_dir / VR, dtype=str, index_col=False)


def _in_scope(rows: pd.DataFrame) -> set[str]:
    return set(rows.loc[rows["标题"].str.contains("虚拟现实", na=False), "公开号"])


@pytest.fixture
def first(site, data_dir, tmp_path):
    """泰安市 imports the first 40 rows of the Patentics 虚拟现实 export, writes the
    spec's HTML report and publishes it publicly (version 1)."""
    rows = _vr_rows(data_dir)
    _import(site, rows.head(40), tmp_path / "vr-1.csv")
    ta = _api(site, "ta_analyst")
    spec = ta.post("/api/v1/specs", json={"yaml": SPEC, "name": "vr"}).json()
    job = ta.post(
        "/api/v1/reports",
        json={
            "spec_id": spec["id"],
            "store_id": site.stores["泰安库"],
            "fmt": "html",
            "lang": "zh",
        },
    ).json()
    _done(ta, job["id"])
    published = ta.post(
        "/api/v1/publications",
        json={
            "report_id": job["id"],
            "title": "泰安市虚拟现实产业专利导航",
            "visibility": "public",
        },
    )
    assert published.status_code == 201, published.text
    yield {"client": ta, "spec": spec, "job": job, "v1": published.json(), "rows": rows}
    ta.close()


def test_an_update_reports_the_new_documents_and_publishes_version_2(
    site, client_for, first, tmp_path
):
    ta, rows, v1 = first["client"], first["rows"], first["v1"]
    second = rows.iloc[40:100]
    _import(site, second, tmp_path / "vr-2.csv")
    expected = _in_scope(second) - _in_scope(rows.head(40))
    assert expected  # the second file brings documents in the spec's scope

    response = ta.post(f"/api/v1/publications/{v1['id']}/update")
    assert response.status_code == 202, response.text
    update = response.json()
    report, changes = update["report"], update["changes"]
    assert (report["spec_id"], report["store_id"]) == (
        first["spec"]["id"],
        site.stores["泰安库"],
    )
    assert (report["fmt"], report["lang"], report["changes_since"]) == (
        "html",
        "zh",
        None,
    )
    assert changes["changes_since"] == v1["created_at"]
    assert "专利导航动态更新报告" in changes["title"]
    _done(ta, report["id"])
    _done(ta, changes["id"])

    html = ta.get(f"/api/v1/reports/{changes['id']}/download").text
    added = re.search(r"新增文献 ([\d,]+) 篇", html)
    assert added, html[:2000]
    assert int(added.group(1).replace(",", "")) == len(expected)
    spec_report = ta.get(f"/api/v1/reports/{report['id']}/download").text
    assert "虚拟现实产业专利导航" in spec_report and "动态更新" not in spec_report

    v2 = ta.post(
        "/api/v1/publications",
        json={
            "report_id": report["id"],
            "title": "泰安市虚拟现实产业专利导航（更新）",
            "visibility": "public",
            "previous_id": v1["id"],
        },
    ).json()
    assert (v2["series_id"], v2["version"]) == (v1["id"], 2)
    alongside = ta.post(
        "/api/v1/publications",
        json={
            "report_id": changes["id"],
            "title": "泰安市虚拟现实产业专利导航动态更新报告",
            "visibility": "public",
        },
    ).json()
    assert alongside["version"] == 1

    public = client_for().get(f"/public/{v2['id']}").text
    assert f'href="/public/{v1["id"]}"' in public and "历史版本" in public


def test_the_page_offers_the_update_to_its_own_tenant_only(site, client_for, first):
    v1 = first["v1"]["id"]
    analyst = client_for("ta_analyst")
    page = analyst.get(f"/catalogue/{v1}").text
    assert 'id="publication-update"' in page and "生成更新版本" in page
    done = analyst.post(
        f"/catalogue/{v1}/update",
        data={"csrf_token": analyst.csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/reports")
    listing = analyst.get(done.headers["location"]).text
    assert "专利导航动态更新报告" in listing and "已开始生成更新版本" in listing
    ta = first["client"]
    queued = [
        j for j in ta.get("/api/v1/reports").json() if j["id"] > first["job"]["id"]
    ]
    assert sorted(j["changes_since"] is None for j in queued) == [False, True]
    for job in queued:  # both written on the report worker
        _done(ta, job["id"])
    for other in ("jn_analyst", "prov_admin"):
        assert (
            'id="publication-update"'
            not in client_for(other).get(f"/catalogue/{v1}").text
        )


def test_another_tenant_cannot_update(site, first):
    v1 = first["v1"]["id"]
    for username in ("jn_analyst", "prov_admin"):
        with _api(site, username) as other:
            refused = other.post(f"/api/v1/publications/{v1}/update")
            assert refused.status_code == 403, (username, refused.text)
            assert "其他单位" in refused.json()["error"]
    with _api(site, "ta_analyst") as ta:
        assert ta.post("/api/v1/publications/999999/update").status_code == 404


def test_a_publication_whose_report_job_is_gone_says_so(site, first):
    """Off-boarding the tenant that ran a report leaves other tenants' publications of
    it without their report (``report_id`` None): nothing to re-run, said plainly."""
    with site.app.state.platform.session() as db:
        db.get(Publication, first["v1"]["id"]).report_id = None
        db.commit()
    refused = first["client"].post(f"/api/v1/publications/{first['v1']['id']}/update")
    assert refused.status_code == 404
    assert "报告任务已删除" in refused.json()["error"]


def test_a_reading_role_cannot_update(site, first):
    """ta_dept (泰安市's department role) reads the catalogue but writes nothing."""
    with _api(site, "ta_dept") as dept:
        refused = dept.post(f"/api/v1/publications/{first['v1']['id']}/update")
        assert refused.status_code == 403, refused.text


def test_an_update_needs_room_for_both_jobs(tmp_path, data_dir, small_store_path):
    """With ``max_pending_jobs`` 2 and one report queued, an update (two jobs) is refused
    whole (429): no re-run is left without its changes report."""
    from patnav.platform.models import ReportJob
    from patnav.platform.models import Spec as SpecRow
    from patnav.web import create_app
    from tests.web.conftest import make_settings, seed

    site = seed(
        create_app(make_settings(tmp_path / "root", data_dir, max_pending_jobs=2)),
        small_store_path,
    )
    tenant, store, user = (
        site.tenants["泰安市"],
        site.stores["泰安库"],
        site.users["ta_analyst"],
    )
    with site.app.state.platform.session() as db:
        spec = SpecRow(
            tenant_id=tenant, name="s", title="导航", type="industry", yaml_text=SPEC
        )
        db.add(spec)
        db.flush()
        path, relative = files.new_file(site.root, tenant, "reports", ".html")
        path.write_text("<html>第一版</html>", "utf-8")
        done = ReportJob(
            tenant_id=tenant,
            store_id=store,
            spec_id=spec.id,
            title="导航",
            fmt="html",
            lang="zh",
            status="done",
            filename=relative,
            size=path.stat().st_size,
            created_by=user,
        )
        queued = ReportJob(
            tenant_id=tenant,
            store_id=store,
            spec_id=spec.id,
            title="导航",
            fmt="html",
            lang="zh",
            status="queued",
            created_by=user,
        )
        db.add_all([done, queued])
        db.commit()
        done_id = done.id
    ta = _api(site, "ta_analyst")  # not started: the queued job stays queued
    v1 = ta.post(
        "/api/v1/publications", json={"report_id": done_id, "title": "泰安导航"}
    ).json()
    refused = ta.post(f"/api/v1/publications/{v1['id']}/update")
    assert refused.status_code == 429, refused.text
    with site.app.state.platform.session() as db:
        assert db.query(ReportJob).count() == 2
    ta.close()
