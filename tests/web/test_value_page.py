"""The patent page's 专利价值 card: the stored scores per use, the missing indicators in
Chinese, the cohort, model and cut points — or, unscored, a sentence saying so."""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient

from patnav.models.value import USE_LABELS, score_store
from patnav.storage.store import PatentStore
from tests.test_i18n import english_ui_words
from tests.web.conftest import login, make_settings, seed
from tests.web.realdata import export_rows


def _page(app, store_id: int, pub: str) -> str:
    with TestClient(app) as client:
        login(client, "ta_analyst")
        response = client.get(f"/stores/{store_id}/patents/{pub}")
        assert response.status_code == 200
        return response.text


def test_a_scored_patent_shows_its_value(tmp_path, data_dir, small_store_path):
    from patnav.web import create_app

    scored = tmp_path / "scored.duckdb"
    shutil.copy(small_store_path, scored)
    index = small_store_path.with_name(small_store_path.name + ".search")
    shutil.copytree(index, scored.with_name(scored.name + ".search"))
    with PatentStore.open(scored) as store:
        score_store(store)
    site = seed(create_app(make_settings(tmp_path / "root", data_dir)), scored)
    pub = str(export_rows(data_dir)[0]["公开（公告）号"])
    with PatentStore.open(scored, read_only=True) as store:
        rows = {
            r["use"]: r
            for r in store.query(
                "SELECT use, score, grade, missing FROM value_scores WHERE doc_id = $d",
                {"d": pub},
            ).to_pylist()
        }
    assert set(rows) == set(USE_LABELS)
    page = _page(site.app, site.stores["泰安库"], pub)
    card = page[page.index('id="value"') : page.index('id="claims"')]
    for use, row in rows.items():
        assert USE_LABELS[use] in card
        assert f"{row['score']:.1f}" in card
    assert (
        "缺少数据的指标" in card and "被引次数" in card
    )  # the export has no citations
    assert "等级分界" in card and "不计为零" in card
    assert not english_ui_words(card)


def test_an_unscored_patent_says_so(site, client_for, data_dir):
    pub = str(export_rows(data_dir)[0]["公开（公告）号"])
    page = (
        client_for("ta_analyst")
        .get(f"/stores/{site.stores['泰安库']}/patents/{pub}")
        .text
    )
    card = page[page.index('id="value"') : page.index('id="claims"')]
    assert "尚未评分" in card and "不代表价值为零" in card
