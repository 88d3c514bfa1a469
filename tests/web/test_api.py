"""The REST API through the test client, on real data: results checked against the files."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.web.conftest import api_token, bearer, wait_for
from tests.web.realdata import cnipa_xml, export_rows, filed_in

STORE_DOCUMENTS = 199 + 33 + 5  # CNIPA export rows, CNKI export rows, CNIPA XML files


@pytest.fixture
def ta(site, client_for):
    """A client with the API token of ta_analyst (泰安市)."""
    client = client_for()
    client.headers.update(bearer(api_token(site, "ta_analyst")))
    return client


def test_api_refuses_calls_without_a_valid_token(client_for):
    client = client_for()
    response = client.get("/api/v1/stores")
    assert response.status_code == 401
    assert response.json()["ok"] is False
    assert response.headers["www-authenticate"] == "Bearer"
    forged = client.get("/api/v1/stores", headers=bearer("pn_" + "x" * 43))
    assert forged.status_code == 401


def test_me_and_the_stores_a_city_analyst_sees(site, ta):
    me = ta.get("/api/v1/me").json()
    assert (me["username"], me["role"], me["tenant"]) == (
        "ta_analyst",
        "analyst",
        "泰安市",
    )
    stores = ta.get("/api/v1/stores").json()
    assert [(s["name"], s["documents"]) for s in stores] == [
        ("泰安库", STORE_DOCUMENTS)
    ]
    tenants = {t["name"] for t in ta.get("/api/v1/tenants").json()}
    assert tenants == {"泰安市", "泰安高新区", "泰山玻纤"}


def test_a_province_analyst_sees_every_city(site, client_for):
    client = client_for()
    client.headers.update(bearer(api_token(site, "prov_analyst")))
    names = sorted(s["name"] for s in client.get("/api/v1/stores").json())
    assert names == ["泰安库", "济南库"]


def test_search_counts_what_the_export_holds(site, ta, data_dir):
    rows = [
        r
        for r in export_rows(data_dir)
        if filed_in(r, "2012") and "装置" in str(r["名称"])
    ]
    assert rows, "the export should hold devices filed in 2012"
    store = site.stores["泰安库"]
    result = ta.get(
        f"/api/v1/stores/{store}/search",
        params={"q": "TI=装置 AND AD=2012", "size": 100},
    ).json()
    assert result["total"] == len(rows)
    assert {h["pub_number"] for h in result["hits"]} == {
        r["公开（公告）号"] for r in rows
    }
    page2 = ta.get(
        f"/api/v1/stores/{store}/search",
        params={"q": "TI=装置 AND AD=2012", "size": 5, "page": 2},
    ).json()
    assert [h["rank"] for h in page2["hits"]] == [6, 7, 8, 9, 10][
        : max(0, len(rows) - 5)
    ]
    assert page2["pages"] == -(-len(rows) // 5)


def test_search_syntax_error_names_the_column(site, ta):
    response = ta.get(
        f"/api/v1/stores/{site.stores['泰安库']}/search",
        params={"q": "TI=装置 AND TX=轨枕"},
    )
    assert response.status_code == 400
    assert "column 11" in response.json()["error"]


def test_patent_detail_has_every_section_from_the_xml(site, ta, data_dir):
    expected = cnipa_xml(data_dir)
    doc = ta.get(
        f"/api/v1/stores/{site.stores['泰安库']}/patents/{expected['pub_number']}"
    ).json()
    assert doc["patent"]["title"] == expected["title"]
    assert [p["name"] for p in doc["parties"]["applicant"]] == expected["applicants"]
    assert [p["name"] for p in doc["parties"]["inventor"]] == expected["inventors"]
    assert len(doc["claims"]) == expected["claims"]
    assert {"citations", "events", "family", "priorities", "classifications"} <= set(
        doc
    )


def test_unknown_patent_is_a_clear_400(site, ta):
    response = ta.get(f"/api/v1/stores/{site.stores['泰安库']}/patents/CN000000000A")
    assert response.status_code == 400
    assert "No document" in response.json()["error"]


def test_patent_set_count_rerun_export_and_dashboard(site, ta, data_dir):
    applicant = "海安县建莲商品混凝土有限公司"
    rows = [r for r in export_rows(data_dir) if r["申请（专利权）人"] == applicant]
    created = ta.post(
        "/api/v1/sets",
        json={
            "store_id": site.stores["泰安库"],
            "name": "建莲",
            "query": f"PA={applicant}",
        },
    )
    assert created.status_code == 201, created.text
    link = created.json()
    assert link["count"] == len(rows)
    rerun = ta.post(f"/api/v1/sets/{link['id']}/rerun").json()
    assert (rerun["count"], rerun["new"], rerun["removed"]) == (len(rows), [], [])
    exported = ta.get(f"/api/v1/sets/{link['id']}/export")
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sorted(r["pub_number"] for r in table) == sorted(
        str(r["公开（公告）号"]) for r in rows
    )
    board = ta.get(
        f"/api/v1/sets/{link['id']}/dashboard", params={"count_by": "document"}
    ).json()
    assert board["summary"]["total"] == len(rows)
    charts = {c["id"]: c for c in board["charts"]}
    assert {"trend", "applicants", "technology", "legal"} <= set(charts)
    assert "篇文献" in charts["trend"]["title"]
    bars = charts["applicants"]["option"]["series"][0]["data"]
    assert bars[-1]["value"] == len(rows)  # largest on top: the last bar
    english = ta.get(
        f"/api/v1/sets/{link['id']}/dashboard",
        params={"count_by": "document", "lang": "en"},
    ).json()
    assert {c["id"]: c for c in english["charts"]}["trend"]["title"].startswith(
        "Filing trend"
    )
    ranking = ta.get(
        f"/api/v1/sets/{link['id']}/analyses/applicants",
        params={"count_by": "document"},
    ).json()
    top = ranking["result"]["applicants"][0]
    assert (top["name"], top["units"]) == (applicant, len(rows))


def test_the_dashboard_is_computed_once_per_data_version(site, ta):
    link = ta.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "轨枕", "query": "TI=轨枕"},
    ).json()
    first = ta.get(f"/api/v1/sets/{link['id']}/dashboard").json()
    second = ta.get(f"/api/v1/sets/{link['id']}/dashboard").json()
    assert (
        first["seconds"] == second["seconds"]
    )  # the cached computation, not a new one


SPEC_WITH_ERRORS = """\
title: 轨道交通导航
type: industry
region: {province: 江苏省}
scope:
  - node: 轨枕
    query: TI=轨枕 AND TX=混凝土
  - node: 扣件
    query: TI=扣件
"""


def test_spec_validation_puts_each_problem_on_its_line(site, ta):
    result = ta.post("/api/v1/specs/validate", json={"yaml": SPEC_WITH_ERRORS}).json()
    assert result["valid"] is False
    (problem,) = result["problems"]
    assert problem["line"] == 6
    # the query starts at column 12 of line 6; TX is its 11th character
    assert problem["column"] == 12 + 11 - 1
    bad_type = ta.post(
        "/api/v1/specs/validate",
        json={"yaml": SPEC_WITH_ERRORS.replace("industry", "city")},
    ).json()
    assert any(p["line"] == 2 and "type" in p["message"] for p in bad_type["problems"])
    good = ta.post(
        "/api/v1/specs/validate",
        json={"yaml": SPEC_WITH_ERRORS.replace(" AND TX=混凝土", "")},
    ).json()
    assert (good["valid"], good["nodes"], good["problems"]) == (True, 2, [])


def test_spec_validation_refuses_a_spec_without_scope(site, ta):
    """The editor applies the reports' scope rule: a spec that would cover the whole store
    is refused with what to write, in Chinese and English."""
    unscoped = "title: 泰安市产业导航\ntype: industry\nregion: {city: 泰安市}\n"
    result = ta.post("/api/v1/specs/validate", json={"yaml": unscoped}).json()
    assert result["valid"] is False
    (problem,) = result["problems"]
    assert "导航方案没有定义分析范围" in problem["message"]
    assert "would cover the whole store" in problem["message"]
    scoped = unscoped + "base_query: IPC=H01H\n"
    assert ta.post("/api/v1/specs/validate", json={"yaml": scoped}).json()["valid"]


def test_spec_save_refuses_errors_and_versions_changes(site, ta):
    refused = ta.post("/api/v1/specs", json={"yaml": SPEC_WITH_ERRORS})
    assert refused.status_code == 400
    assert "line 6" in refused.json()["error"]
    fixed = SPEC_WITH_ERRORS.replace(" AND TX=混凝土", "")
    created = ta.post("/api/v1/specs", json={"yaml": fixed, "name": "轨道"}).json()
    assert (created["version"], created["title"], created["type"]) == (
        1,
        "轨道交通导航",
        "industry",
    )
    updated = ta.put(
        f"/api/v1/specs/{created['id']}", json={"yaml": fixed.replace("扣件", "钢轨")}
    ).json()
    assert updated["version"] == 2 and "钢轨" in updated["yaml"]


def test_upload_import_reports_quarantined_rows_with_their_reason(site, ta, data_dir):
    path = data_dir / "formats/uspto-xml/malformed/US08613112-notSupportedDTD.XML"
    declared = re.search(
        r'<!DOCTYPE[^>]*"([^"]+\.dtd)"', path.read_text("utf-8")
    ).group(1)
    with path.open("rb") as handle:
        job = ta.post(
            f"/api/v1/stores/{site.stores['泰安库']}/imports",
            files={"file": (path.name, handle)},
        )
    assert job.status_code == 202, job.text
    done = wait_for(
        lambda: ta.get(f"/api/v1/imports/{job.json()['id']}").json(),
        lambda j: j["status"] in ("done", "failed"),
    )
    assert done["status"] == "done", done
    (entry,) = done["report"]["files"]
    assert entry["file"] == path.name  # the name uploaded, not the generated one
    assert (entry["read"], entry["quarantined"]) == (1, 1)
    assert declared in entry["quarantine"][0]["reason"]


def test_upload_import_of_a_real_export(site, ta, data_dir, tmp_path):
    created = ta.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "CNKI"}
    ).json()
    path = data_dir / "formats/cn-excel/cnki_export_33.xlsx"
    with path.open("rb") as handle:
        job = ta.post(
            f"/api/v1/stores/{created['id']}/imports",
            files={"file": ("cnki.xlsx", handle)},
            data={"enrich": "true"},
        ).json()
    done = wait_for(
        lambda: ta.get(f"/api/v1/imports/{job['id']}").json(),
        lambda j: j["status"] in ("done", "failed"),
    )
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    rows = [r for r in book.active.iter_rows(values_only=True, min_row=2) if any(r)]
    book.close()
    assert done["status"] == "done", done
    assert done["report"]["totals"]["new"] == len(rows)
    assert [s["step"] for s in done["report"]["enrich"]["steps"]][:2] == [
        "class_titles",
        "names",
    ]
    store = ta.get(f"/api/v1/stores/{created['id']}").json()
    assert store["documents"] == len(rows)
    hits = ta.get(
        f"/api/v1/stores/{created['id']}/search", params={"q": f"TI={rows[0][0]}"}
    ).json()
    assert rows[0][0] in {h["title"] for h in hits["hits"]}


def test_semantic_search_after_embedding_the_store(site, ta, client_for, data_dir):
    """The store page's embedding action, then semantic and hybrid search (the app's
    embedder swapped for the deterministic test embedder: the real model embeds tens of
    documents a second)."""
    from patnav.platform import files
    from patnav.platform.models import DataStore
    from patnav.search import HashingEmbedder

    store = site.stores["泰安库"]
    with site.app.state.platform.session() as db:
        row = db.get(DataStore, store)
        handle = site.app.state.hub.handle(
            store, files.resolve(site.root, row.filename)
        )
    handle._embedder = HashingEmbedder()
    params = {"q": "轨枕", "mode": "semantic"}
    missing = ta.get(f"/api/v1/stores/{store}/search", params=params)
    assert missing.status_code == 400
    assert "patnav index --semantic" in missing.json()["error"]
    page = client_for("ta_analyst")
    assert "已计算 0 / 237 篇" in page.get(f"/stores/{store}").text
    page.post(f"/stores/{store}/embed", data={"csrf_token": page.csrf})
    wait_for(
        lambda: page.get(f"/stores/{store}").text,
        lambda text: f"已计算 {STORE_DOCUMENTS} / {STORE_DOCUMENTS} 篇" in text,
    )
    row = export_rows(data_dir)[0]
    text = f"{row['名称']}\n{row['摘要']}"[:512]  # what is embedded: title and abstract
    found = ta.get(
        f"/api/v1/stores/{store}/search", params={"q": text, "mode": "semantic"}
    ).json()
    assert found["mode"] == "semantic"
    assert found["coverage"]["with_vector"] == found["coverage"]["in_scope"]
    assert found["coverage"]["in_scope"] == STORE_DOCUMENTS
    assert found["coverage"]["missing"] == []
    assert found["hits"][0]["pub_number"] == row["公开（公告）号"]
    assert found["hits"][0]["similarity"] > 0.99
    hybrid = ta.get(
        f"/api/v1/stores/{store}/search", params={"q": text, "mode": "hybrid"}
    ).json()
    assert hybrid["hits"][0]["pub_number"] == row["公开（公告）号"]


def test_interrupted_jobs_run_again_when_the_app_starts(
    tmp_path, data_dir, small_store_path
):
    from patnav.platform import files
    from patnav.platform.models import ImportJob
    from patnav.web import create_app
    from tests.web.conftest import TestClient, make_settings, seed

    app = create_app(make_settings(tmp_path / "root", data_dir))
    site = seed(app, small_store_path)
    source = data_dir / "formats/cnipa-xml/cn_old2.xml"
    with app.state.platform.session() as db:
        path, relative = files.new_file(
            site.root, site.tenants["泰安市"], "uploads", ".xml"
        )
        path.write_bytes(source.read_bytes())
        job = ImportJob(
            tenant_id=site.tenants["泰安市"],
            store_id=site.stores["泰安库"],
            filename=relative,
            original_name=source.name,
            size=path.stat().st_size,
            status="running",  # as a crash left it
        )
        db.add(job)
        db.flush()
        job_id = job.id
    with TestClient(app) as client:  # startup queues it again
        client.headers.update(bearer(api_token(site, "ta_analyst")))
        done = wait_for(
            lambda: client.get(f"/api/v1/imports/{job_id}").json(),
            lambda j: j["status"] in ("done", "failed"),
        )
    assert done["status"] == "done"
    assert done["report"]["totals"]["read"] == 1
    assert done["report"]["totals"]["unchanged"] == 1  # the store had it: idempotent
