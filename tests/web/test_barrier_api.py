"""The barrier API on the small real store: the core's view as JSON, the user's own
stores only, errors as the rest of the API, and the CNIPA export's figures."""

from __future__ import annotations

from datetime import date

from patnav.analyses.barrier import country_barrier
from patnav.storage.store import PatentStore
from tests.web.conftest import api_token, bearer
from tests.web.realdata import export_rows


def _in_e01d(row: dict[str, object]) -> bool:
    return any(
        c.strip().startswith("E01D") for c in str(row.get("分类号") or "").split(";")
    )


def test_barrier_api_is_the_core_view_and_unknown_stays_unknown(
    site, client_for, small_store_path, data_dir
):
    client = client_for()
    client.headers.update(bearer(api_token(site, "ta_analyst")))
    params = {
        "store_id": site.stores["泰安库"],
        "ipc": "E01D",
        "country": ["CN", "US"],
        "as_of": "2024-01-01",
        "top": 5,
    }
    response = client.get("/api/v1/barrier", params=params)
    assert response.status_code == 200, response.text
    data = response.json()
    with PatentStore.open(small_store_path, read_only=True) as store:
        core = country_barrier(
            store, ["CN", "US"], date(2024, 1, 1), ipc=["E01D"], top=5
        )
    assert data == core.to_dict()
    cn = data["countries"][0]
    rows = [r for r in export_rows(data_dir) if _in_e01d(r)]
    # the CNIPA export has no legal status: each application is unknown, none free
    assert cn["unknown"] == len({r["申请号"] for r in rows}) > 20
    assert cn["in_force"] == cn["free"] == cn["pending"] == 0
    assert data["expert_query"] == "IPC=(E01D)" and data["as_of"] == "2024-01-01"
    assert data["countries"][1]["not_in_country"] == data["documents"]


def test_barrier_api_needs_a_user_a_store_they_see_and_a_valid_query(site, client_for):
    anonymous = client_for()
    store_id = site.stores["泰安库"]
    params = {"store_id": store_id, "ipc": "E01D", "country": "CN"}
    assert anonymous.get("/api/v1/barrier", params=params).status_code == 401
    jinan = client_for()
    jinan.headers.update(bearer(api_token(site, "jn_analyst")))
    other = jinan.get("/api/v1/barrier", params=params)
    assert other.status_code == 404 and other.json()["ok"] is False
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    bad = ta.get(
        "/api/v1/barrier",
        params={"store_id": store_id, "query": "TI=(", "country": "CN"},
    )
    assert bad.status_code == 400 and bad.json()["ok"] is False
    no_area = ta.get("/api/v1/barrier", params={"store_id": store_id, "country": "CN"})
    assert no_area.status_code == 400 and "限定技术领域" in no_area.json()["error"]
    bad_country = ta.get(
        "/api/v1/barrier",
        params={"store_id": store_id, "ipc": "E01D", "country": "China"},
    )
    assert bad_country.status_code == 400
