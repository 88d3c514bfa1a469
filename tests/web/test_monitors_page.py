"""The monitors page (动态监测): add, run and remove a monitor of a store from the web, the
new alerts reaching the tenant's inboxes; roles and tenants; the expected documents read
from the raw export with pandas."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from patnav.ingest.pipeline import import_paths
from patnav.monitors import list_monitors
from patnav.notify.channels import inbox
from patnav.platform.models import AuditEvent
from tests.monitors.data import VR
from tests.web.conftest import csrf_of
from tests.web.test_monitoring import _path


def _add(client, store_id, **form):
    token = csrf_of(client.get("/monitors").text)
    data = {"csrf_token": token, "target_kind": "set", "schedule": "daily", **form}
    return client.post(f"/monitors/{store_id}", data=data, follow_redirects=False)


def test_an_analyst_adds_runs_and_removes_a_monitor(
    site, client_for, data_dir, tmp_path
):
    ta = site.stores["泰安库"]
    client = client_for("ta_analyst")
    page = client.get("/monitors")
    assert page.status_code == 200 and "泰安库" in page.text and "新建监控" in page.text
    response = _add(
        client, ta, name="虚拟现实", target="TI=虚拟现实", rules=["new-documents"]
    )
    assert response.status_code == 303
    hub = site.app.state.hub
    handle = hub.handle(ta, _path(site, "泰安库"))
    with handle.reader() as cursor:
        (monitor,) = list_monitors(cursor)
    assert monitor.target == "TI=虚拟现实" and monitor.rules == ("new-documents",)
    assert "虚拟现实" in client.get("/monitors").text

    token = csrf_of(client.get("/monitors").text)
    first = client.post(
        f"/monitors/{ta}/run", data={"csrf_token": token, "name": "虚拟现实"}
    )
    assert first.status_code == 200 and "新提醒 0 条" in first.text  # the baseline

    rows = pd.read_csv(data_dir / VR, dtype=str, index_col=False).head(40)
    rows.to_csv(tmp_path / "vr.csv", index=False)
    with handle.reader() as cursor:
        assert import_paths(cursor, [tmp_path / "vr.csv"]).ok
    handle.changed()
    expected = set(rows.loc[rows["标题"].str.contains("虚拟现实", na=False), "公开号"])
    second = client.post(
        f"/monitors/{ta}/run", data={"csrf_token": token, "name": "虚拟现实"}
    )
    assert f"新提醒 {len(expected)} 条" in second.text
    with site.app.state.platform.session() as db:
        got = inbox.entries(db, site.users["ta_admin"], limit=1000)
    assert {e.alert.pub_number for e in got} == expected

    removed = client.post(
        f"/monitors/{ta}/remove",
        data={"csrf_token": token, "name": "虚拟现实"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    with handle.reader() as cursor:
        assert list_monitors(cursor) == []
    # each change is in the audit log, committed (not lost when the request ends)
    with site.app.state.platform.session() as db:
        logged = list(
            db.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("monitor.%"))
                .order_by(AuditEvent.id)
            )
        )
    assert logged == ["monitor.save", "monitor.run", "monitor.run", "monitor.delete"]


def test_roles_and_tenants(site, client_for):
    ta = site.stores["泰安库"]
    dept = client_for("ta_dept")
    page = dept.get("/monitors")
    assert "泰安库" in page.text and "新建监控" not in page.text
    assert (
        _add(dept, ta, name="x", target="TI=玻璃", rules=["new-documents"]).status_code
        == 403
    )
    other = client_for("jn_analyst")
    assert "泰安库" not in other.get("/monitors").text
    assert (
        _add(other, ta, name="x", target="TI=玻璃", rules=["new-documents"]).status_code
        == 404
    )
    analyst = client_for("ta_analyst")
    bad = _add(analyst, ta, name="x", target="TI=玻璃", rules=["no-such-rule"])
    assert bad.status_code == 400 and "no-such-rule" in bad.text
    none = _add(analyst, ta, name="x", target="TI=玻璃")
    assert none.status_code == 400
