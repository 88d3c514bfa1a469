"""The capability API on the small real store: the same results as the core, the user's
own stores only, and the CNIPA export's figures."""

from __future__ import annotations

import shutil

import pytest

from patnav.models.capability import CapabilityModel
from patnav.models.high_value import high_value_patents
from patnav.storage.store import PatentStore
from tests.web.conftest import api_token, bearer
from tests.web.realdata import export_rows


@pytest.fixture(scope="module")
def enriched_small(small_store_path, data_dir, tmp_path_factory):
    """The small store enriched once (party types, places): company applicants are told
    apart by the enrichment."""
    from datetime import date

    from patnav.config import Settings
    from patnav.enrich import enrich

    path = tmp_path_factory.mktemp("capability") / "small.duckdb"
    shutil.copyfile(small_store_path, path)
    with PatentStore.open(path) as store:
        enrich(store, Settings(data_dir=data_dir), today=date(2026, 1, 1))
    return path


@pytest.fixture
def enriched(site, enriched_small):
    """The path of 泰安库, replaced by the enriched store before the hub opens it."""
    from patnav.platform import files
    from patnav.platform.models import DataStore

    with site.app.state.platform.session() as db:
        row = db.get(DataStore, site.stores["泰安库"])
        path = files.resolve(site.root, row.filename)
    shutil.copyfile(enriched_small, path)
    return path


@pytest.fixture
def ta(site, client_for, enriched):
    """A client with the API token of ta_analyst (泰安市)."""
    client = client_for()
    client.headers.update(bearer(api_token(site, "ta_analyst")))
    return client


def test_capability_ranking_and_explanation_are_the_cores(site, ta, data_dir, enriched):
    with PatentStore.open(enriched, read_only=True) as store:  # before the hub opens it
        expected = CapabilityModel().fit(store).rank(top=5)
    store_id = site.stores["泰安库"]
    response = ta.get("/api/v1/capability", params={"store_id": store_id, "top": 5})
    assert response.status_code == 200, response.text
    data = response.json()
    assert [e["name"] for e in data["enterprises"]] == [e.name for e in expected.rows]
    assert data["total"] == expected.total and data["subject"] == "applicant"
    first = data["enterprises"][0]
    # the export's own count of the first enterprise's applications
    rows = [
        r for r in export_rows(data_dir) if first["name"] in str(r["申请（专利权）人"])
    ]
    assert first["applications"] >= len({r["申请号"] for r in rows}) > 0
    rd = next(i for i in first["indicators"] if i["key"] == "rd_intensity")
    assert rd["value"] is None and rd["missing"] is True
    one = ta.get(
        f"/api/v1/capability/{first['name']}", params={"store_id": store_id}
    ).json()
    assert one["index"] == first["index"] and one["key"] == first["key"]
    missing = ta.get(
        "/api/v1/capability/不存在的公司甲乙丙", params={"store_id": store_id}
    )
    assert missing.status_code == 404 and missing.json()["ok"] is False


def test_highvalue_counts_with_criteria_not_evaluable(site, ta, enriched):
    store_id = site.stores["泰安库"]
    data = ta.get(
        "/api/v1/highvalue", params={"store_id": store_id, "level": "city"}
    ).json()
    ta.app.state.hub.close()  # let the test read the store file itself
    with PatentStore.open(enriched, read_only=True) as store:
        expected = high_value_patents(store, level="city")
    assert data["in_force"] == expected.in_force
    assert data["high_value"] == expected.high_value
    assert {"pledge", "award"} <= set(data["not_evaluable"])
    assert all(r["per_10k"] is None for r in data["regions"])
    bad = ta.get("/api/v1/highvalue", params={"store_id": store_id, "level": "county"})
    assert bad.status_code in (400, 422)


def test_capability_needs_a_token_and_a_store_the_user_sees(site, ta, client_for):
    other = site.stores["济南库"]
    assert ta.get("/api/v1/capability", params={"store_id": other}).status_code == 404
    assert ta.get("/api/v1/highvalue", params={"store_id": other}).status_code == 404
    anonymous = client_for()
    response = anonymous.get(
        "/api/v1/capability", params={"store_id": site.stores["泰安库"]}
    )
    assert response.status_code == 401
