"""The SME cultivation library's pages (培育库): an analyst records 申报 → 审核 → 入库 from
the web with the signed-in user as the one who records and reviews, sees the rules and
downloads the workbook; a department reads; another city's analyst cannot reach the store.
The store behind 泰安库 is the PatSnap 中之信 head with the MADE-UP register of
``tests.models.sme_data`` (real owners, invented figures)."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest
from sqlalchemy import select

from patnav.models.sme.library import library_status
from patnav.platform.models import AuditEvent
from tests.models.prevalue_data import checks_store
from tests.models.sme_data import build_sme_store
from tests.web.conftest import csrf_of
from tests.web.test_monitoring import _path

TL = "宜昌市统领家私有限公司"
SD = "宜昌神达科技有限公司"


@pytest.fixture(scope="module")
def sme_store_path(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sme_web")
    _frame, _rows, path = checks_store(data_dir, folder)
    return build_sme_store(path, folder)


@pytest.fixture
def sme_site(site, sme_store_path):
    """The site with 泰安库's file replaced by the SME store (before anything opens it)."""
    shutil.copyfile(sme_store_path, _path(site, "泰安库"))
    return site


def _post(client, store_id, **form):
    token = csrf_of(client.get("/sme?province=湖北省").text)
    return client.post(
        f"/sme/{store_id}/transition",
        data={"csrf_token": token, "province": "湖北省", **form},
        follow_redirects=False,
    )


def _audit(site, action):
    with site.app.state.platform.session() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_analyst_records_a_passage_and_downloads_the_workbook(sme_site, client_for):
    ta = sme_site.stores["泰安库"]
    client = client_for("ta_analyst")
    page = client.get("/sme?province=湖北省")
    assert page.status_code == 200
    assert "泰安库" in page.text and "登记申报" in page.text
    for action, day in (("apply", "2019-01-02"), ("review_pass", "2019-01-10"),
                        ("admit", "2019-02-01")):  # fmt: skip
        done = _post(client, ta, enterprise=TL, action=action, effective=day)
        assert done.status_code == 303, done.text
    view = client.get(done.headers["location"])
    assert view.status_code == 200
    assert TL in view.text and "已入库" in view.text and "ta_analyst" in view.text
    assert "2019-01-10" in view.text and "信息不全" in view.text  # the check kept
    hub = sme_site.app.state.hub
    with hub.handle(ta, _path(sme_site, "泰安库")).reader() as cursor:
        status = library_status(cursor, "湖北省", TL)
    assert [e.action for e in status.events] == ["apply", "review_pass", "admit"]
    assert {e.actor for e in status.events} == {"ta_analyst"}
    assert status.events[1].check is not None
    assert status.events[1].check["abnormal_checked"] is False
    logged = _audit(sme_site, "sme.transition")
    assert [json.loads(a.detail)["action"] for a in logged] == [
        "apply", "review_pass", "admit",
    ]  # fmt: skip
    # the library, the rules and the quota on the office's page
    page = client.get("/sme?province=湖北省&as_of=2021-12-31")
    assert 'data-state="admitted"' in page.text
    assert "入库满两年无实质性进展" in page.text and "补充入库" in page.text
    # a transition out of order: refused with what to do
    refused = _post(client, ta, enterprise=SD, action="admit", effective="2019-02-01")
    assert refused.status_code == 400 and "先申报" in refused.text
    # the workbook
    got = client.get(f"/sme/{ta}/export?province=湖北省&as_of=2021-12-31")
    assert got.status_code == 200
    sheets = pd.read_excel(io.BytesIO(got.content), sheet_name=None, dtype=str)
    assert list(sheets) == [
        "培育库",
        "流转记录",
        "动态调整",
        "补充入库",
        "银行推荐名单",
    ]
    assert sheets["培育库"]["企业名称"].tolist() == [TL]
    assert sheets["流转记录"]["经办/审核"].tolist() == ["ta_analyst"] * 3
    assert any(
        json.loads(a.detail).get("what") == "sme_library"
        for a in _audit(sme_site, "export")
    )


def test_roles_and_tenants(sme_site, client_for):
    ta = sme_site.stores["泰安库"]
    analyst = client_for("ta_analyst")
    assert _post(analyst, ta, enterprise=TL, action="apply").status_code == 303
    dept = client_for("ta_dept")
    page = dept.get("/sme?province=湖北省")
    assert page.status_code == 200 and TL in page.text
    assert "登记申报" not in page.text and 'name="action"' not in page.text
    refused = _post(dept, ta, enterprise=TL, action="review_reject", reason="x")
    assert refused.status_code == 403
    other = client_for("jn_analyst")
    theirs = other.get("/sme").text
    assert "泰安库" not in theirs
    assert "济南库" in theirs and "该数据库尚无企业库" in theirs  # no register there
    assert _post(other, ta, enterprise=TL, action="review_reject").status_code == 404
    assert (
        other.get(f"/sme/{ta}/enterprise?province=湖北省&enterprise={TL}").status_code
        == 404
    )
    assert other.get(f"/sme/{ta}/export?province=湖北省").status_code == 404
    # the enterprise's view for the office
    view = dept.get(f"/sme/{ta}/enterprise?province=湖北省&enterprise={TL}")
    assert view.status_code == 200 and "已申报" in view.text
    # a missing CSRF token is refused
    bare = analyst.post(
        f"/sme/{ta}/transition",
        data={"province": "湖北省", "enterprise": TL, "action": "review_reject"},
    )
    assert bare.status_code == 403
    hub = sme_site.app.state.hub
    with hub.handle(ta, _path(sme_site, "泰安库")).reader() as cursor:
        assert cursor.count("sme_events") == 1


def _link(client, store_id, username, enterprise=TL):
    token = csrf_of(client.get("/sme?province=湖北省").text)
    return client.post(
        f"/sme/{store_id}/link",
        data={"csrf_token": token, "province": "湖北省", "enterprise": enterprise,
              "username": username},
        follow_redirects=False,
    )  # fmt: skip


def test_the_enterprise_sees_and_applies_for_its_own_enterprise_only(
    sme_site, client_for
):
    ta = sme_site.stores["泰安库"]
    ent = client_for("ent_user")
    # not tied yet: the page says whom to ask; the office's pages stay closed
    mine = ent.get("/sme/mine")
    assert mine.status_code == 200 and "尚未与培育库中的企业绑定" in mine.text
    assert "我的培育库申报" in mine.text  # its menu entry
    assert (
        ent.get(f"/sme/{ta}/enterprise?province=湖北省&enterprise={TL}").status_code
        == 404
    )
    # the office ties the account; only an enterprise user, only by an office role
    analyst = client_for("ta_analyst")
    assert _link(analyst, ta, "ta_dept").status_code == 400
    assert _link(client_for("ta_dept"), ta, "ent_user").status_code == 403
    assert _link(analyst, ta, "nobody").status_code == 404
    done = _link(analyst, ta, "ent_user")
    assert done.status_code == 303
    office_view = analyst.get(done.headers["location"]).text
    assert "ent_user" in office_view
    # the enterprise sees its own status, never applied, and applies
    mine = ent.get("/sme/mine")
    assert TL in mine.text and "未申报" in mine.text and SD not in mine.text
    link_id = int(mine.text.split("/sme/mine/")[1].split("/apply")[0])
    token = csrf_of(mine.text)
    applied = ent.post(
        f"/sme/mine/{link_id}/apply",
        data={"csrf_token": token, "reason": "申请入库"},
        follow_redirects=False,
    )
    assert applied.status_code == 303
    after = ent.get("/sme/mine").text
    assert "已申报" in after and "申请入库" in after
    assert "十项入库条件" in after
    assert f"/sme/mine/{link_id}/apply" not in after  # applied: no second application
    # recorded in the store as the enterprise user, and audited
    hub = sme_site.app.state.hub
    with hub.handle(ta, _path(sme_site, "泰安库")).reader() as cursor:
        status = library_status(cursor, "湖北省", TL)
    assert [(e.action, e.actor) for e in status.events] == [("apply", "ent_user")]
    kept = status.events[0].check
    assert kept is not None
    # the page shows the kept check's ten results, in order, and what to supply
    shown = [part.split('"')[0] for part in after.split('data-result="')[1:]]
    assert shown == [c["result"] for c in kept["criteria"]] and len(shown) == 10
    for c in kept["criteria"]:
        if c["ask"]:
            assert c["ask"] in after
    assert [json.loads(a.detail)["user"] for a in _audit(sme_site, "sme.link")] == [
        "ent_user"
    ]
    # another user's link, or applying again, is refused
    assert (
        ent.post(
            f"/sme/mine/{link_id + 1}/apply", data={"csrf_token": token}
        ).status_code
        == 404
    )
    again = ent.post(f"/sme/mine/{link_id}/apply", data={"csrf_token": token})
    assert again.status_code == 400
    assert analyst.post(
        f"/sme/mine/{link_id}/apply", data={"csrf_token": csrf_of(
            analyst.get("/sme").text)}
    ).status_code == 404  # fmt: skip
