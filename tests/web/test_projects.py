"""Navigation projects (专利导航项目, issue 19): the whole loop on the small real store —
a department's demand, accepted into a plan, analysts and a spec skeleton from the 微导航
preset, a real micro report as draft, review, delivery, publication and a usage record —
with the requester's inbox, the trail and the audit log; roles, tenants and illegal steps.

The spec the preset writes is checked against pandas over the raw CNIPA and CNKI exports:
its node searches the demand's keywords in title or abstract, so the store's documents it
finds are the rows whose 名称 or 摘要 holds one of them."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from patnav.platform.models import (
    AuditEvent,
    InboxItem,
    NotifyAlert,
    Publication,
    ReportJob,
)
from tests.web.conftest import TestClient, api_token, bearer, wait_for

KEYWORDS = ("轨枕", "道岔", "钢轨")
DEMAND = {
    "title": "泰安市轨道交通部件微导航",
    "industry": "轨道交通部件",
    "question": "轨道交通部件领域谁在领先？",
    "keywords": "、".join(KEYWORDS),
    "preset": "micro",
    "deadline": "2027-03-31",
}


def _api(site, username: str) -> TestClient:
    client = TestClient(site.app)
    client.headers.update(bearer(api_token(site, username)))
    return client


def _step(client, project_id: int, **body):
    return client.post(f"/api/v1/projects/{project_id}/transition", json=body)


def _expected_documents(data_dir) -> set[str]:
    """Application numbers of the raw rows whose title or abstract holds a keyword."""
    found: set[str] = set()
    export = pd.read_excel(data_dir / "formats/cn-excel/cnipa_export_199.xlsx")
    text = export["名称"].fillna("") + " " + export["摘要"].fillna("")
    found |= set(export.loc[text.str.contains("|".join(KEYWORDS)), "申请号"])
    cnki = pd.read_excel(data_dir / "formats/cn-excel/cnki_export_33.xlsx")
    text = cnki["title"].fillna("") + " " + cnki["ChDiv_summary"].fillna("")
    found |= {f"cnki-{i}" for i in cnki.index[text.str.contains("|".join(KEYWORDS))]}
    for name in ("cn_old1", "cn_old2", "cn_old3", "cn_new1", "cn_new2"):
        raw = (data_dir / f"formats/cnipa-xml/{name}.xml").read_text("utf-8")
        assert not any(k in raw for k in KEYWORDS), name  # none of them counts
    return found


@pytest.fixture
def submitted(site, client_for):
    """ta_dept (泰安市, department) submits the demand through the form."""
    dept = client_for("ta_dept")
    response = dept.post(
        "/projects",
        data={**DEMAND, "csrf_token": dept.csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/projects/(\d+)", response.headers["location"])
    assert match
    return dept, int(match.group(1))


def test_the_whole_loop_on_a_real_report(site, submitted, data_dir):
    dept, pid = submitted
    office = _api(site, "ta_analyst")
    requester = _api(site, "ta_dept")

    got = requester.get(f"/api/v1/projects/{pid}").json()
    assert got["state"] == "submitted" and got["preset_name"] == "微导航"
    assert got["keywords"] == list(KEYWORDS)
    assert got["deadline"] == "2027-03-31"
    assert got["actions"] == []  # the requester waits

    accepted = _step(office, pid, action="accept", plan_year=2027, plan_batch="第一批")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["plan"] == {"year": 2027, "batch": "第一批"}

    assigned = _step(office, pid, action="assign", analysts=["ta_analyst", "ta_admin"])
    assert assigned.status_code == 200, assigned.text
    project = assigned.json()
    assert project["state"] == "in_progress"
    assert project["analysts"] == ["ta_analyst", "ta_admin"]
    spec = office.get(f"/api/v1/specs/{project['spec_id']}").json()
    assert spec["type"] == "micro"  # the preset's report type
    assert "轨枕" in spec["yaml"] and spec["title"] == DEMAND["title"]

    # the skeleton's node finds exactly the raw rows that name a keyword
    search = office.get(
        f"/api/v1/stores/{site.stores['泰安库']}/search",
        params={"q": "TIAB=(轨枕 OR 道岔 OR 钢轨)", "group": "document", "size": 1},
    ).json()
    expected = _expected_documents(data_dir)
    assert len(expected) > 5
    assert search["total"] == len(expected)

    job = office.post(
        "/api/v1/reports",
        json={
            "spec_id": spec["id"],
            "store_id": site.stores["泰安库"],
            "fmt": "html",
            "lang": "zh",
        },
    ).json()
    done = wait_for(
        lambda: office.get(f"/api/v1/reports/{job['id']}").json(),
        lambda j: j["status"] in ("done", "failed"),
        timeout_s=240,
    )
    assert done["status"] == "done", done
    report_html = office.get(f"/api/v1/reports/{job['id']}/download").text
    assert DEMAND["question"] in report_html  # the demand's question is the report's

    assert _step(office, pid, action="draft", report_id=job["id"]).status_code == 200
    reviewed = _step(office, pid, action="review", reviewer="ta_admin", comment="通过")
    assert reviewed.json()["reviewer"] == "ta_admin"
    delivered = _step(office, pid, action="deliver")
    assert delivered.json()["state"] == "delivered", delivered.text
    assert delivered.json()["report_id"] == job["id"]

    published = _step(office, pid, action="publish")
    assert published.status_code == 200, published.text
    publication_id = published.json()["publication_id"]
    # the requester sees the publication and downloads the delivered report
    seen = requester.get(f"/api/v1/publications/{publication_id}")
    assert seen.status_code == 200 and seen.json()["report_id"] == job["id"]
    download = requester.get(f"/api/v1/publications/{publication_id}/download")
    assert download.text == report_html

    usage = _step(
        requester,
        pid,
        action="usage",
        used_by="泰安市商务局",
        use="investment",
        outcome="据此走访三家轨道部件企业",
        used_on="2027-05-10",
    )
    assert usage.status_code == 200, usage.text
    final = usage.json()
    assert final["state"] == "published"
    assert [e["action"] for e in final["events"]] == [
        "submit",
        "accept",
        "assign",
        "draft",
        "review",
        "deliver",
        "publish",
        "usage",
    ]
    assert [e["to_state"] for e in final["events"]][-2:] == ["published", "published"]
    assert final["events"][4]["comment"] == "通过"
    assert final["usages"] == [
        {
            "used_by": "泰安市商务局",
            "use": "investment",
            "use_label": "招商引资",
            "outcome": "据此走访三家轨道部件企业",
            "used_on": "2027-05-10",
            "recorded_by": "ta_dept",
            "recorded_at": final["usages"][0]["recorded_at"],
        }
    ]

    with site.app.state.platform.session() as db:
        # every step audited, by whom
        audited = db.execute(
            select(AuditEvent.action, AuditEvent.username)
            .where(AuditEvent.object_type == "project")
            .order_by(AuditEvent.id)
        ).all()
        assert [a for a, _ in audited] == ["project.submit"] + [
            "project.transition"
        ] * 7
        assert audited[0][1] == "ta_dept" and audited[-1][1] == "ta_dept"
        # the requester was told of acceptance, delivery and publication in the inbox
        told = db.scalars(
            select(NotifyAlert.message)
            .join(InboxItem, InboxItem.alert_pk == NotifyAlert.id)
            .where(
                InboxItem.user_id == site.users["ta_dept"],
                NotifyAlert.source == f"project:{pid}",
            )
            .order_by(NotifyAlert.id)
        ).all()
        assert len(told) == 3
        assert "列入 2027 年度计划" in told[0] and "已交付" in told[1]
        assert db.get(Publication, publication_id).report_id == job["id"]
        assert db.scalar(select(func.count()).select_from(ReportJob)) == 1

    page = dept.get(f"/projects/{pid}")
    assert page.status_code == 200
    assert page.text.count('<tr data-action="') == 8  # the trail
    assert "泰安市商务局" in page.text
    listing = dept.get("/projects", params={"state": "published"})
    assert f'data-id="{pid}"' in listing.text
    assert f'data-id="{pid}"' not in dept.get("/projects?state=submitted").text
    for client in (office, requester):
        client.close()


def test_roles_tenants_and_illegal_steps(site, submitted):
    _, pid = submitted
    office = _api(site, "ta_analyst")
    requester = _api(site, "ta_dept")
    other_city = _api(site, "jn_analyst")
    enterprise = _api(site, "ent_user")
    province = _api(site, "prov_analyst")

    # another city's office and an enterprise beneath 泰安市 do not see the demand
    for outsider in (other_city, enterprise):
        assert outsider.get(f"/api/v1/projects/{pid}").status_code == 404
        assert _step(outsider, pid, action="accept", plan_year=2027).status_code == 404
        listed = outsider.get("/api/v1/projects").json()["projects"]
        assert pid not in [p["id"] for p in listed]
    # the province's analysts see it (泰安市 is beneath them)
    assert province.get(f"/api/v1/projects/{pid}").status_code == 200

    # the requester may not accept: 403, in both languages
    refused = _step(requester, pid, action="accept", plan_year=2027)
    assert refused.status_code == 403
    assert "承接单位" in refused.json()["error"] and "office" in refused.json()["error"]

    # a step the state does not allow: 400 naming what is allowed
    early = _step(office, pid, action="deliver", report_id=1)
    assert early.status_code == 400
    message = early.json()["error"]
    assert "不能“交付”" in message and "纳入计划、不予受理" in message
    assert "'deliver' is not allowed now (allowed: accept, decline)" in message
    assert _step(office, pid, action="fly").status_code == 400
    # required inputs of a step
    assert _step(office, pid, action="accept").status_code == 400  # no plan year
    assert _step(office, pid, action="decline").status_code == 400  # no reason

    declined = _step(office, pid, action="decline", reason="不在本年度计划范围内")
    assert declined.status_code == 200
    assert declined.json()["state"] == "declined"
    again = _step(office, pid, action="accept", plan_year=2027)
    assert again.status_code == 400 and "未受理" in again.json()["error"]
    # usage is for delivered results only
    assert (
        _step(requester, pid, action="usage", used_by="x", use="rnd").status_code == 400
    )
    for client in (office, requester, other_city, enterprise, province):
        client.close()


def test_demands_need_their_preset_inputs_and_go_up_not_sideways(
    site, tmp_path, monkeypatch
):
    requester = _api(site, "ent_user")  # 泰山玻纤 (org beneath 泰安市)
    fto = {
        "title": "玻纤制品出口美国侵权风险",
        "industry": "玻璃纤维",
        "question": "出口美国有无侵权风险？",
        "preset": "fto",
    }
    missing = requester.post("/api/v1/projects", json=fto)
    assert missing.status_code == 400
    assert (
        "产品描述" in missing.json()["error"]
        and "target countries" in (missing.json()["error"])
    )
    sideways = requester.post(
        "/api/v1/projects",
        json={
            **fto,
            "inputs": {
                "product": "玻纤网格布",
                "features": "耐碱涂层",
                "countries": "US",
            },
            "office_tenant_id": site.tenants["济南市"],
        },
    )
    assert sideways.status_code == 400
    made = requester.post(
        "/api/v1/projects",
        json={
            **fto,
            "inputs": {
                "product": "玻纤网格布",
                "features": "耐碱涂层",
                "countries": "US",
            },
            "office_tenant_id": site.tenants["泰安市"],
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert (
        body["inputs"]["countries"] == "US"
        and body["office_tenant_id"] == (site.tenants["泰安市"])
    )
    # the office above sees and accepts it; the enterprise sees its own demand
    office = _api(site, "ta_analyst")
    assert _step(office, body["id"], action="accept", plan_year=2027).status_code == 200
    assert requester.get(f"/api/v1/projects/{body['id']}").json()["state"] == "accepted"
    # a department of the office's tenant sees its own demands only, not this one
    department = _api(site, "ta_dept")
    assert department.get(f"/api/v1/projects/{body['id']}").status_code == 404
    department.close()
    presets = requester.get("/api/v1/projects/presets").json()["presets"]
    assert [p["id"] for p in presets] == ["micro", "quick", "strategic", "fto"]
    requester.close()

    # offboarding the enterprise exports its demand with its trail, then removes it
    from click.testing import CliRunner

    from patnav.cli import cli

    monkeypatch.setenv("PATNAV_DATA_ROOT", str(site.root))
    export = tmp_path / "export"
    result = CliRunner().invoke(
        cli, ["tenant", "offboard", "泰山玻纤", "--export", str(export), "--yes"]
    )
    assert result.exit_code == 0, result.output
    exported = json.loads((export / "platform" / "projects.json").read_text("utf-8"))
    assert [p["id"] for p in exported] == [body["id"]]
    trail = json.loads((export / "platform" / "project_events.json").read_text("utf-8"))
    assert [e["action"] for e in trail] == ["submit", "accept"]
    assert office.get(f"/api/v1/projects/{body['id']}").status_code == 404
    office.close()


def test_the_office_works_through_the_page_forms(site, client_for, submitted):
    dept, pid = submitted
    assert 'class="card form project-step"' not in dept.get(f"/projects/{pid}").text
    office = client_for("ta_analyst")
    page = office.get(f"/projects/{pid}").text
    assert re.findall(r'project-step" data-action="(\w+)"', page) == [
        "accept",
        "decline",
    ]
    english = office.get(f"/projects/{pid}", params={"lang": "en"}).text
    assert ">Accept</button>" in english and "Micro-navigation" in english
    listed = office.get("/projects", params={"lang": "en"}).text
    assert "Infringement (FTO) navigation" in listed and "3–10 days" in listed
    office.get("/projects", params={"lang": "zh"})  # back to Chinese (a cookie)
    accepted = office.post(
        f"/projects/{pid}/step",
        data={
            "csrf_token": office.csrf,
            "action": "accept",
            "plan_year": "2027",
            "comment": "列入年度计划",
        },
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assigned = office.post(
        f"/projects/{pid}/step",
        data={
            "csrf_token": office.csrf,
            "action": "assign",
            "analysts": ["ta_analyst", "ta_admin"],
        },
    )
    assert assigned.status_code == 200
    assert "研究中" in assigned.text and "ta_analyst、ta_admin" in assigned.text
    # a step the state does not allow, through the form: the error page says why
    late = office.post(
        f"/projects/{pid}/step",
        data={"csrf_token": office.csrf, "action": "accept", "plan_year": "2027"},
    )
    assert late.status_code == 400 and "研究中" in late.text
    listing = office.get("/projects", params={"state": "in_progress", "year": "2027"})
    assert f'data-id="{pid}"' in listing.text
    counts = dict(
        re.findall(
            r'data-state="(\w+)"[^>]*>[^<]*<span class="count">(\d+)', listing.text
        )
    )
    assert (
        counts
        == {
            **{s: "0" for s in counts},
            "in_progress": "1",
        }
        and len(counts) == 8
    )
    assert f'data-id="{pid}"' not in office.get("/projects?year=2026").text


def test_the_platform_uses_the_presets_file_of_its_settings(
    tmp_path, data_dir, small_store_path
):
    from patnav.web import create_app
    from tests.web.conftest import make_settings, seed

    path = tmp_path / "presets.yaml"
    path.write_text(
        "micro:\n  name: 一页导航\n  report_type: micro\n  analyses: [trend]\n"
        "  inputs: {required: [industry, question]}\n  duration_days: [1, 3]\n",
        encoding="utf-8",
    )
    app = create_app(make_settings(tmp_path / "root", data_dir, project_presets=path))
    site = seed(app, small_store_path)
    client = _api(site, "ta_dept")
    presets = client.get("/api/v1/projects/presets").json()["presets"]
    assert presets[0]["name"] == "一页导航" and presets[0]["duration_days"] == [1, 3]
    # no keywords needed any more by this office's 微导航
    made = client.post(
        "/api/v1/projects",
        json={k: v for k, v in DEMAND.items() if k not in ("keywords", "deadline")},
    )
    assert made.status_code == 201, made.text
    assert made.json()["preset_name"] == "一页导航" and made.json()["deadline"] is None
    client.close()


def test_an_fto_project_delivers_a_screening(site, client_for):
    """侵权分析导航: the office delivers an FTO screening (files, not a report job)."""
    requester = _api(site, "ta_dept")
    office = _api(site, "ta_analyst")
    made = requester.post(
        "/api/v1/projects",
        json={
            "title": "轨枕出口侵权风险",
            "industry": "铁路轨道",
            "question": "新型混凝土轨枕在中国有无侵权风险？",
            "preset": "fto",
            "inputs": {
                "product": "预应力混凝土轨枕",
                "features": "轨枕本体；预埋套管；承轨槽",
                "countries": "CN",
            },
        },
    ).json()
    pid = made["id"]
    for body in (
        {"action": "accept", "plan_year": 2027},
        {"action": "assign", "analysts": ["ta_analyst"]},
        {"action": "draft"},
        {"action": "review"},
    ):
        assert _step(office, pid, **body).status_code == 200, body
    spec = office.get(f"/api/v1/specs/{_step_state(office, pid)['spec_id']}").json()
    assert spec["type"] == "fto"

    browser = client_for("ta_analyst")
    started = browser.post(
        "/api/v1/fto",
        json={
            "store_id": site.stores["泰安库"],
            "product": "一种混凝土轨枕，包括轨枕本体；所述轨枕本体内设有预埋套管；"
            "所述轨枕本体顶面设有承轨槽。",
            "countries": ["CN"],
            "as_of": "2020-01-01",
            "top": 5,
            "lexical": True,
        },
        headers={"X-CSRF-Token": browser.csrf},
    )
    assert started.status_code == 202, started.text
    fid = started.json()["id"]
    # a screening the office does not see (or none at all) is not found
    assert _step(office, pid, action="deliver", fto_id="0" * 32).status_code == 404
    done = wait_for(
        lambda: office.get(f"/api/v1/fto/{fid}").json(),
        lambda d: d["status"] in ("done", "failed"),
        timeout_s=300,
    )
    assert done["status"] == "done", done
    delivered = _step(office, pid, action="deliver", fto_id=fid)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["state"] == "delivered"
    assert delivered.json()["fto_id"] == fid and delivered.json()["report_id"] is None
    # another city's office does not see the screening: not found
    assert _step(_api(site, "jn_analyst"), pid, action="usage").status_code == 404
    page = client_for("ta_dept").get(f"/projects/{pid}")
    assert f"/fto/{fid}" in page.text
    for client in (requester, office):
        client.close()


def _step_state(client, project_id: int) -> dict:
    return client.get(f"/api/v1/projects/{project_id}").json()
