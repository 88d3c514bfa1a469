"""The patent page's legal status and expiry, on the enriched small store: status with its
basis, an expiry only for granted rights and labelled as an estimate when it is one."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest

from tests.web.conftest import seed
from tests.web.realdata import export_rows

TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def enriched_small(tmp_path_factory, small_store_path, data_dir):
    """The small web store (CNIPA export, CNKI export, CNIPA XML) after ``enrich legal``."""
    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("legal") / "small.duckdb"
    shutil.copyfile(small_store_path, path)
    shutil.copytree(f"{small_store_path}.search", f"{path}.search")
    with PatentStore.open(path) as store:
        enrich(store, Settings(data_dir=data_dir), ["legal"], today=TODAY)
        applications = [
            r[0]
            for r in store.rows(
                "SELECT pub_number FROM patents WHERE kind = 'A' AND grant_date IS NULL "
                "ORDER BY app_date LIMIT 3"
            )
        ]
    return path, applications


@pytest.fixture
def legal_client(tmp_path, data_dir, enriched_small):
    from fastapi.testclient import TestClient

    from patnav.web import create_app
    from tests.web.conftest import login, make_settings

    path, applications = enriched_small
    site = seed(create_app(make_settings(tmp_path / "root", data_dir)), path)
    with TestClient(site.app) as client:
        login(client, "ta_analyst")
        yield client, f"/stores/{site.stores['泰安库']}/patents", applications


def _dd(page: str, ident: str) -> str:
    match = re.search(rf'<dd id="{ident}">(.*?)</dd>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def test_unexamined_application_shows_no_expiry(legal_client):
    client, base, applications = legal_client
    assert applications
    for number in applications:
        page = client.get(f"{base}/{number}").text
        assert "届满日" not in page and 'id="expiry"' not in page
        assert _dd(page, "legal-status").startswith(
            "未知（数据中没有该专利的法律状态字段或法律事件）"
        )


def test_granted_utility_model_shows_an_estimated_expiry_and_no_status(
    legal_client, data_dir
):
    """A CNIPA-export utility model filed 2012-05-31: its term ended 2022-05-31 by
    estimate; the page says so and claims no status."""
    client, base, _ = legal_client
    row = export_rows(data_dir)[0]
    filed = date.fromisoformat(str(row["申请日"]).replace(".", "-"))
    page = client.get(f"{base}/{row['公开（公告）号']}").text
    assert "<dt>届满日（推算）</dt>" in page
    try:  # the term ends the day before the anniversary (29 February's: 28 February)
        anniversary = filed.replace(year=filed.year + 10)
    except ValueError:
        anniversary = date(filed.year + 10, 2, 28)
    expiry = (anniversary - timedelta(days=1)).isoformat()
    assert _dd(page, "expiry") == (
        f"{expiry}（按法定期限自申请日推算，仅对已授权专利推算；"
        "未考虑期限补偿、延长或提前终止）"
    )
    assert _dd(page, "legal-status") == (
        "未知（数据中没有现行法律状态；按法定期限推算期限已届满（估计））"
    )
    assert 'id="status-badge"' not in page  # no status badge for an estimate
