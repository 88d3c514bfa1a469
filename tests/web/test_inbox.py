"""The inbox pages: a user sees the alerts delivered to them (in Chinese), opens one (it
is read then) with a link to the patent in the tenant's store, marks alerts read or
unread and acknowledges them; another user's alert is not found; forms need CSRF."""

from __future__ import annotations

import re

import pytest

from patnav.notify import Channels, dispatch
from patnav.notify.channels.webhook import WebhookSender


@pytest.fixture
def alerted(site, data_dir):
    """Three alerts on real records of the CNIPA export, dispatched to 泰安市."""
    import pandas as pd

    frame = pd.read_excel(data_dir / "formats/cn-excel/cnipa_export_199.xlsx", nrows=3)
    alerts = [
        {
            "alert_id": f"web-{i}",
            "monitor": "轨枕竞争对手",
            "rule": rule,
            "pub_number": str(row["公开（公告）号"]).strip(),
            "message": f"{row['申请（专利权）人']}：{row['名称']}",
            "evidence": {"公开日": str(row["公开（公告）日"])},
            "created_at": f"2026-12-0{i + 1}T02:00:00+00:00",
        }
        for i, ((_, row), rule) in enumerate(
            zip(
                frame.iterrows(),
                ["new-documents", "status-change", "expiry"],
                strict=True,
            )
        )
    ]
    platform = site.app.state.platform
    with platform.sessions() as db:
        report = dispatch(
            db,
            alerts,
            tenant_id=site.tenants["泰安市"],
            channels=Channels(None, WebhookSender(attempts=1)),
        )
    assert report.inbox == 3 * 3  # ta_admin, ta_analyst, ta_dept
    return alerts


def _item_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-item="(\d+)"', html)]


def test_the_inbox_lists_the_users_alerts_in_chinese(client_for, alerted):
    client = client_for("ta_analyst")
    page = client.get("/inbox")
    assert page.status_code == 200
    html = page.text
    assert "未读 3 条" in html
    for alert in alerted:
        assert alert["pub_number"] in html
        assert alert["message"] in html
    for label in ("新增文献", "法律状态变化", "即将届满"):
        assert label in html
    # newest first
    positions = [html.index(a["pub_number"]) for a in reversed(alerted)]
    assert positions == sorted(positions)

    other = client_for("jn_analyst").get("/inbox")
    assert other.status_code == 200 and "暂无消息" in other.text
    assert not any(a["pub_number"] in other.text for a in alerted)


def test_an_alert_opens_read_with_its_evidence_and_a_link_to_the_patent(
    site, client_for, alerted
):
    client = client_for("ta_analyst")
    ids = _item_ids(client.get("/inbox").text)
    newest = ids[0]
    detail = client.get(f"/inbox/{newest}")
    assert detail.status_code == 200
    alert = alerted[-1]
    assert alert["message"] in detail.text
    assert "公开日" in detail.text and alert["evidence"]["公开日"] in detail.text
    link = f"/stores/{site.stores['泰安库']}/patents/{alert['pub_number']}"
    assert link in detail.text
    assert f"/stores/{site.stores['济南库']}/" not in detail.text  # not the tenant's
    patent = client.get(link)
    assert patent.status_code == 200 and alert["pub_number"] in patent.text
    assert "未读 2 条" in client.get("/inbox").text

    # the same alert of another user, and another tenant's user: not found
    assert client_for("ta_dept").get(f"/inbox/{newest}").status_code == 404
    assert client_for("jn_analyst").get(f"/inbox/{newest}").status_code == 404


def test_read_unread_acknowledge_and_read_all(client_for, alerted):
    client = client_for("ta_analyst")
    first, second, _ = _item_ids(client.get("/inbox").text)
    token = {"csrf_token": client.csrf}
    done = client.post(f"/inbox/{first}/read", data={**token, "read": "true"})
    assert done.status_code == 200 and "未读 2 条" in done.text
    client.post(f"/inbox/{first}/read", data={**token, "read": "false"})
    assert "未读 3 条" in client.get("/inbox").text
    acked = client.post(f"/inbox/{second}/ack", data={**token, "back": "detail"})
    assert acked.status_code == 200 and "已确认" in acked.text
    assert "未读 2 条" in client.get("/inbox").text
    assert "未读 0 条" in client.post("/inbox/read-all", data=token).text
    # the others' inboxes are untouched
    assert "未读 3 条" in client_for("ta_dept").get("/inbox").text
    # a form without the CSRF token changes nothing
    assert (
        client.post(f"/inbox/{first}/read", data={"read": "false"}).status_code == 403
    )
    assert client_for("ta_dept").post(
        f"/inbox/{first}/ack", data={"csrf_token": "x"}
    ).status_code in (403, 404)


def test_the_inbox_needs_a_sign_in(client_for):
    anonymous = client_for(None, follow_redirects=False)
    response = anonymous.get("/inbox")
    assert response.status_code in (302, 303, 307)
    assert "/login" in response.headers["location"]


def test_english_inbox(client_for, alerted):
    html = client_for("ta_analyst").get("/inbox?lang=en").text
    assert "3 unread" in html and "New documents" in html


def test_every_inbox_text_the_pages_use_is_in_its_catalogue():
    from pathlib import Path

    from patnav.web.features.inbox import TEXT

    templates = Path(__file__).resolve().parents[2] / "src/patnav/web/templates"
    used = set()
    for path in templates.glob("inbox*.html"):
        used |= set(
            re.findall(
                r"""\bnt\(\s*['"]([a-z_]+\.[a-z_0-9]+)['"]""", path.read_text("utf-8")
            )
        )
    assert len(used) > 15
    assert not sorted(k for k in used if k not in TEXT)


def test_an_alert_from_a_store_links_there_and_one_on_no_patent_links_nowhere(
    site, client_for
):
    store = site.stores["泰安库"]
    platform = site.app.state.platform
    with platform.sessions() as db:
        dispatch(
            db,
            [
                {
                    "alert_id": 1,
                    "monitor": "轨枕竞争对手",
                    "rule": "new-applicants",
                    "pub_number": None,
                    "message": "新申请人进入：海安县建莲商品混凝土有限公司",
                    "evidence": {},
                    "created_at": "2026-12-07T08:00:00",
                },
                {
                    "alert_id": 2,
                    "monitor": "轨枕竞争对手",
                    "rule": "expiry",
                    "pub_number": "CN202644312U",
                    "message": "即将届满",
                    "evidence": {},
                    "created_at": "2026-12-06T08:00:00",
                },
            ],
            tenant_id=site.tenants["泰安市"],
            channels=Channels(None, WebhookSender(attempts=1)),
            source=f"store:{store}",
        )
    client = client_for("ta_analyst")
    listing = client.get("/inbox").text
    assert "不针对单件专利" in listing
    applicant, patent = _item_ids(listing)
    page = client.get(f"/inbox/{applicant}").text
    assert "/patents/" not in page and "不针对单件专利" in page
    page = client.get(f"/inbox/{patent}").text
    assert f"/stores/{store}/patents/CN202644312U" in page
