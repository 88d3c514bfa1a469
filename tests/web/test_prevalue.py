"""Pre-valuation pages and API for the bank role: upload → checks → report, history, the
bank's home page, tenant scoping, roles and CSRF — on the first rows of the real PatSnap
中之信 export, in a bank's own store."""

from __future__ import annotations

import io
import shutil

import docx
import pytest

from patnav.models.prevalue import DISCLAIMER
from tests.patsnap import head_store, parts
from tests.web.conftest import csrf_of, password_hash


@pytest.fixture(scope="module")
def patsnap(data_dir, tmp_path_factory):
    return head_store(data_dir, tmp_path_factory.mktemp("prevalue_web"), 200)


@pytest.fixture
def bank(site, patsnap):
    """A bank (org under 泰安市) with a user and its own store of the PatSnap rows."""
    from patnav.platform import accounts, files
    from patnav.platform.models import DataStore, Tenant, User

    platform = site.app.state.platform
    _, path = patsnap
    with platform.session() as db:
        parent = db.get(Tenant, site.tenants["泰安市"])
        tenant = accounts.create_tenant(db, "泰安农商银行", "org", parent=parent)
        db.add(
            User(
                username="bank_user",
                password_hash=password_hash(),
                role="bank",
                tenant_id=tenant.id,
            )
        )
        target, relative = files.new_file(platform.root, tenant.id, "stores", ".duckdb")
        shutil.copyfile(path, target)
        store = DataStore(tenant_id=tenant.id, name="质押库", filename=relative)
        db.add(store)
        db.flush()
        return tenant.id, store.id


def _pledged(frame):
    return frame.loc[
        frame["法律状态事件"].map(parts).map(lambda e: "质押" in e), "公开公告号"
    ]


def test_a_bank_uploads_a_sheet_and_gets_checks_and_a_report(
    site, bank, patsnap, client_for
):
    frame, _ = patsnap
    _, store_id = bank
    client = client_for("bank_user")
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/prevalue"' in home.text  # nav link and the home card
    assert 'id="home-prevalue"' in home.text
    form = client.get("/prevalue")
    assert form.status_code == 200
    pledged = _pledged(frame).tolist()[:2]
    numbers = [*pledged, frame["公开公告号"].iloc[0], "CN999999999A"]
    sheet = "公开号\n" + "\n".join(numbers) + "\n"
    response = client.post(
        "/prevalue",
        data={
            "csrf_token": csrf_of(form.text),
            "store_id": store_id,
            "borrower": parts(frame["当前申请专利权人"].iloc[0])[0],
            "term_months": "24",
            "revenue": "300",
        },
        files={
            "sheet": ("质押清单.csv", io.BytesIO(sheet.encode("utf-8")), "text/csv")
        },
    )
    assert response.status_code == 200, response.text
    assert "/prevalue/" in str(response.url)
    page = response.text
    assert DISCLAIMER in page
    assert "清单 质押清单.csv" in page
    for number in numbers:
        assert number in page
    assert "库中无此专利" in page
    assert "存在未解除的质押" in page
    pid = str(response.url).rstrip("/").rsplit("/", 1)[-1]
    download = client.get(f"/prevalue/{pid}/download/docx")
    assert download.status_code == 200
    document = docx.Document(io.BytesIO(download.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert DISCLAIMER in text
    # history, on the page and the bank's home
    assert pid in client.get("/prevalue").text
    assert pid in client.get("/").text


def test_the_api_prevalues_and_returns_the_same_result(site, bank, patsnap, client_for):
    frame, _ = patsnap
    _, store_id = bank
    client = client_for("bank_user")
    token = csrf_of(client.get("/").text)
    pledged = _pledged(frame).tolist()[:3]
    response = client.post(
        "/api/v1/prevalue",
        json={
            "store_id": store_id,
            "numbers": pledged,
            "loan": {"term_months": 12, "amount_wan": 100},
            "valuation": {
                "revenue_wan": 200,
                "royalty_low": 0.02,
                "royalty_high": 0.03,
            },
        },
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, response.text
    data = response.json()
    result = data["result"]
    assert result["disclaimer"] == DISCLAIMER
    assert [p["given"] for p in result["patents"]] == pledged
    for p in result["patents"]:
        assert next(c for c in p["checks"] if c["key"] == "pledge")["status"] == "fail"
    assert result["valuation"]["income"]["royalty"] == [0.02, 0.03]
    again = client.get(f"/api/v1/prevalue/{data['id']}")
    assert again.status_code == 200
    assert again.json()["result"] == result
    assert data["id"] in [r["id"] for r in client.get("/api/v1/prevalue").json()]
    report = client.get(data["downloads"]["docx"])
    assert report.status_code == 200
    assert DISCLAIMER in "\n".join(
        p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs
    )
    assert client.get(f"/api/v1/prevalue/{data['id']}/download/pdf").status_code == 404


def test_other_tenants_do_not_see_a_banks_prevaluation(site, bank, patsnap, client_for):
    frame, _ = patsnap
    _, store_id = bank
    client = client_for("bank_user")
    token = csrf_of(client.get("/").text)
    created = client.post(
        "/api/v1/prevalue",
        json={"store_id": store_id, "numbers": [frame["公开公告号"].iloc[0]]},
        headers={"X-CSRF-Token": token},
    ).json()
    pid = created["id"]
    outsider = client_for("jn_analyst")
    assert outsider.get(f"/prevalue/{pid}").status_code == 404
    assert outsider.get(f"/api/v1/prevalue/{pid}").status_code == 404
    assert outsider.get(f"/prevalue/{pid}/download/docx").status_code == 404
    assert pid not in outsider.get("/prevalue").text
    # 泰安市's analyst sees the tenants beneath it, the bank among them
    assert client_for("ta_analyst").get(f"/api/v1/prevalue/{pid}").status_code == 200
    # another bank user's store is not this one's: an enterprise user cannot use it
    ent = client_for("ent_user")
    refused = ent.post(
        "/api/v1/prevalue",
        json={"store_id": store_id, "numbers": ["CN1"]},
        headers={"X-CSRF-Token": csrf_of(ent.get("/").text)},
    )
    assert refused.status_code == 404
    assert client_for("bank_user").get("/prevalue/not-an-id").status_code == 404


def test_read_only_roles_cannot_prevalue_and_csrf_is_required(
    site, bank, patsnap, client_for
):
    frame, _ = patsnap
    dept = client_for("ta_dept")
    store_id = site.stores["泰安库"]
    refused = dept.post(
        "/api/v1/prevalue",
        json={"store_id": store_id, "numbers": ["CN1"]},
        headers={"X-CSRF-Token": csrf_of(dept.get("/").text)},
    )
    assert refused.status_code == 403
    client = client_for("bank_user")
    no_token = client.post(
        "/api/v1/prevalue",
        json={"store_id": bank[1], "numbers": [frame["公开公告号"].iloc[0]]},
    )
    assert no_token.status_code == 403
    bad = client.post(
        "/api/v1/prevalue",
        json={"store_id": bank[1]},
        headers={"X-CSRF-Token": csrf_of(client.get("/").text)},
    )
    assert bad.status_code == 400
    assert bad.json()["ok"] is False
