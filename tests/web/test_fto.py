"""FTO screening in the web (issue 16): the page with the claim charts side by side and
editable verdicts, the corrections (kept beside the machine's screening, deciding the
claims and the risk again by the same rule), the report with them, the REST API, tenant
isolation and roles — on the store the FTO tests build from the real CNIPA, EPO and USPTO
XML samples, with a product of the labelled set, compared by shared terms (``lexical``,
as ``patnav fto --lexical``) to keep the tests fast."""

from __future__ import annotations

import html
import io
import json
import shutil
from pathlib import Path

import docx
import pytest

from patnav.models.fto import DISCLAIMER, VERDICT_ZH, product_from_text, screen
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore
from tests.models.test_fto import AS_OF, _products, xml_store_path  # noqa: F401
from tests.web.conftest import csrf_of, wait_for

COUNTRIES = ("CN", "US", "DE")
TOP = 6
PRODUCT = "p14"  # written from EP3383757B1, in English

_RANK = {"met": 3, "possibly_met": 2, "unclear": 1, "not_met": 0}


def _claim_by_hand(verdicts: list[str]) -> str:
    """The all-elements rule, written out again from docs/fto.md."""
    if not verdicts:
        return "unclear"
    if "not_met" in verdicts:
        return "not_met"
    if all(v == "met" for v in verdicts):
        return "met"
    return "unclear" if "unclear" in verdicts else "possibly_met"


def _risk_by_hand(claims: list[dict], status: str) -> str:
    """The risk rule of docs/fto.md over charted claims (verdict, mean similarity)."""
    if not claims:
        risk = "unknown"
    else:
        best = max(
            claims,
            key=lambda c: (
                _RANK[c["verdict"]],
                sum(e["similarity"] or 0.0 for e in c["elements"])
                / max(1, len(c["elements"])),
                -(c["claim"] or 0),
            ),
        )
        risk = {
            "met": "high",
            "possibly_met": "medium",
            "not_met": "low",
            "unclear": "unknown",
        }[best["verdict"]]
    if status in ("free", "not_in_country"):
        return "low"
    if status == "pending" and risk == "high":
        return "medium"
    return risk


@pytest.fixture(scope="module")
def expected(xml_store_path, data_dir):  # noqa: F811
    """The screening the web must show, run directly on the store (lexical)."""
    text = _products()[PRODUCT]["text"]
    with (
        PatentStore.open(xml_store_path, read_only=True) as store,
        SearchIndex(store, data_dir=data_dir) as index,
    ):
        result = screen(
            store,
            product_from_text(text),
            COUNTRIES,
            AS_OF,
            top=TOP,
            index=index,
            semantic=False,
            data_dir=data_dir,
        )
    return text, result.to_dict()


@pytest.fixture
def fto_store(site, xml_store_path):  # noqa: F811
    """The XML samples' store as a store of 泰安市."""
    from patnav.platform import files
    from patnav.platform.models import DataStore

    platform = site.app.state.platform
    with platform.session() as db:
        tenant_id = site.tenants["泰安市"]
        path, relative = files.new_file(platform.root, tenant_id, "stores", ".duckdb")
        shutil.copyfile(xml_store_path, path)
        side = Path(f"{xml_store_path}.search")
        if side.exists():
            shutil.copytree(side, f"{path}.search")
        store = DataStore(tenant_id=tenant_id, name="FTO 样例库", filename=relative)
        db.add(store)
        db.flush()
        return store.id


def _start(client, store_id: int, text: str, **extra) -> str:
    token = csrf_of(client.get("/").text)
    response = client.post(
        "/api/v1/fto",
        json={
            "store_id": store_id,
            "product": text,
            "countries": list(COUNTRIES),
            "as_of": AS_OF.isoformat(),
            "top": TOP,
            "lexical": True,
            **extra,
        },
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 202, response.text
    data = response.json()
    assert data["status"] == "queued"
    return data["id"]


def _done(client, fid: str) -> dict:
    return wait_for(
        lambda: client.get(f"/api/v1/fto/{fid}").json(),
        lambda d: d["status"] in ("done", "failed"),
        timeout_s=300,
    )


def _same_screening(got: dict, want: dict) -> None:
    """The web's result is the screening run directly (its keys and values)."""
    drop = {"seconds", "corrections"}
    extra = {"machine_verdict", "machine_verdict_label", "corrected", "comment"}

    def clean(x):
        if isinstance(x, dict):
            return {
                k: clean(v)
                for k, v in x.items()
                if k not in drop and k not in extra and k not in ("machine_risk",)
            }
        if isinstance(x, list):
            return [clean(v) for v in x]
        return x

    assert clean(got) == clean(want)


def test_the_page_screens_a_product_and_shows_the_charts_side_by_side(
    site, fto_store, expected, client_for
):
    text, want = expected
    client = client_for("ta_analyst")
    home = client.get("/")
    assert 'href="/fto"' in home.text
    form = client.get("/fto")
    assert form.status_code == 200
    assert 'id="fto-form"' in form.text
    response = client.post(
        "/fto",
        data={
            "csrf_token": csrf_of(form.text),
            "store_id": fto_store,
            "product": text,
            "countries": "CN, US，DE",
            "as_of": AS_OF.isoformat(),
            "top": str(TOP),
            "lexical": "true",
        },
    )
    assert response.status_code == 200, response.text
    fid = str(response.url).rstrip("/").rsplit("/", 1)[-1]
    # the screening runs in the background: the page polls its status
    wait_for(
        lambda: client.get(f"/fto/{fid}/status").text,
        lambda page: 'data-status="done"' in page or 'data-status="failed"' in page,
        timeout_s=300,
    )
    data = client.get(f"/api/v1/fto/{fid}").json()
    assert data["status"] == "done", data["error"]
    _same_screening(data["result"], want)
    page = client.get(f"/fto/{fid}").text
    assert DISCLAIMER in page
    assert want["candidates"]
    for c in want["candidates"]:
        assert f'id="cand-{c["pub_number"]}"' in page
        for ch in c["claims"]:
            assert f'id="chart-{c["pub_number"]}-{ch["claim"]}"' in page
            for e in ch["elements"]:
                assert html.escape(e["text"], quote=False) in page
                if e["matched_feature"]:
                    assert html.escape(e["matched_feature"], quote=False) in page
    for f in want["product"]["features"]:
        assert html.escape(f["text"], quote=False) in page
    # every element has its correction form; the history lists the screening
    n_elements = sum(
        len(ch["elements"])
        for c in want["candidates"]
        for ch in (*c["claims"], *c["fallbacks"])
    )
    assert page.count('class="inline fto-correct"') == n_elements
    assert fid in client.get("/fto").text


def _target(result: dict) -> tuple[dict, dict]:
    """A candidate not free anywhere and its best claim (two or more elements)."""
    for c in result["candidates"]:
        best = next((ch for ch in c["claims"] if ch["claim"] == c["claim"]), None)
        if (
            c["status"] in ("in_force", "unknown", "pending")
            and best is not None
            and len(best["elements"]) >= 2
        ):
            return c, best
    raise AssertionError("no candidate to correct")


def test_a_correction_is_kept_beside_the_machines_verdict_and_reaches_the_report(
    site, fto_store, expected, client_for
):
    text, want = expected
    client = client_for("ta_analyst")
    fid = _start(client, fto_store, text)
    assert _done(client, fid)["status"] == "done"
    cand, claim = _target(want)
    first = claim["elements"][0]
    new = "not_met" if first["verdict"] != "not_met" else "met"
    page = client.get(f"/fto/{fid}").text
    response = client.post(
        f"/fto/{fid}/corrections",
        data={
            "csrf_token": csrf_of(page),
            "pub_number": cand["pub_number"],
            "claim": str(claim["claim"]),
            "element": str(first["index"]),
            "verdict": new,
            "comment": "样机无此结构",
        },
    )
    assert response.status_code == 200, response.text
    data = client.get(f"/api/v1/fto/{fid}").json()
    got = next(c for c in data["result"]["candidates"] if c["doc_id"] == cand["doc_id"])
    got_claim = next(ch for ch in got["claims"] if ch["claim"] == claim["claim"])
    element = next(e for e in got_claim["elements"] if e["index"] == first["index"])
    assert element["verdict"] == new
    assert element["machine_verdict"] == first["verdict"]
    assert element["corrected"] is True and element["comment"] == "样机无此结构"
    for e, m in zip(got_claim["elements"], claim["elements"], strict=True):
        assert e["machine_verdict"] == m["verdict"]
        assert e["similarity"] == m["similarity"]
    # the claim and the risk, decided again by the rule applied here by hand
    verdicts = [
        new if e["index"] == first["index"] else e["verdict"] for e in claim["elements"]
    ]
    assert got_claim["verdict"] == _claim_by_hand(verdicts)
    assert got_claim["all_elements_met"] == (got_claim["verdict"] == "met")
    assert got["risk"] == _risk_by_hand(got["claims"], cand["status"])
    assert got["machine_risk"] == cand["risk"]
    assert got["all_elements_met"] == (got["verdict"] == "met")
    # the audit trail: who, when, the verdict before and after, the comment
    [fix] = data["result"]["corrections"]
    assert fix["by"] == "ta_analyst"
    assert (fix["old_verdict"], fix["verdict"]) == (first["verdict"], new)
    assert fix["pub_number"] == cand["pub_number"] and fix["at"]
    # the machine's result file is never changed
    folder = site.root / "tenants" / str(site.tenants["泰安市"]) / "reports"
    kept = json.loads((folder / f"{fid}.fto.json").read_text("utf-8"))
    _same_screening(kept["result"], want)
    # the page shows both verdicts and the mark
    page = client.get(f"/fto/{fid}").text
    assert "分析师修正" in page and "样机无此结构" in page
    assert 'id="fto-corrections"' in page
    # the report: the corrected verdict marked, with the machine's and the comment
    report = client.get(f"/fto/{fid}/download/docx")
    assert report.status_code == 200
    document = docx.Document(io.BytesIO(report.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert (
        f"{VERDICT_ZH[new]}（分析师修正；机器结论：{VERDICT_ZH[first['verdict']]}"
        "；说明：样机无此结构）"
    ) in cells
    text_ = "\n".join(p.text for p in document.paragraphs)
    assert "分析师修正记录" in text_
    assert "ta_analyst" in cells
    # the machine's report is kept as it was
    machine = docx.Document(str(folder / f"{fid}.docx"))
    assert "分析师修正记录" not in "\n".join(p.text for p in machine.paragraphs)
    assert (folder / f"{fid}.r1.docx").is_file()
    # a second correction of the same element wins; the first stays in the trail
    token = csrf_of(page)
    again = client.post(
        f"/api/v1/fto/{fid}/corrections",
        json={
            "pub_number": cand["pub_number"],
            "claim": claim["claim"],
            "element": first["index"],
            "verdict": first["verdict"],
        },
        headers={"X-CSRF-Token": token},
    )
    assert again.status_code == 201, again.text
    out = again.json()
    assert [(x["old_verdict"], x["verdict"]) for x in out["result"]["corrections"]] == [
        (first["verdict"], new),
        (new, first["verdict"]),
    ]
    back = next(c for c in out["result"]["candidates"] if c["doc_id"] == cand["doc_id"])
    back_claim = next(ch for ch in back["claims"] if ch["claim"] == claim["claim"])
    assert back_claim["verdict"] == claim["verdict"]
    assert back["risk"] == cand["risk"]


def test_the_api_round_trip_and_clear_refusals(site, fto_store, expected, client_for):
    text, want = expected
    client = client_for("ta_analyst")
    fid = _start(client, fto_store, text, formats=["docx", "pdf"])
    data = _done(client, fid)
    assert data["status"] == "done", data["error"]
    result = data["result"]
    _same_screening(result, want)
    for c in result["candidates"]:
        for key in ("pub_number", "claim", "elements", "all_elements_met", "risk"):
            assert key in c
    assert fid in [r["id"] for r in client.get("/api/v1/fto").json()]
    token = csrf_of(client.get("/").text)
    headers = {"X-CSRF-Token": token}
    cand, claim = _target(want)
    url = f"/api/v1/fto/{fid}/corrections"
    bad = client.post(
        url,
        json={
            "pub_number": cand["pub_number"],
            "claim": claim["claim"],
            "element": 0,
            "verdict": "infringed",
        },
        headers=headers,
    )
    assert bad.status_code == 400
    message = bad.json()["error"]
    assert "结论应为" in message and "verdict must be one of" in message
    unknown = client.post(
        url,
        json={
            "pub_number": cand["pub_number"],
            "claim": claim["claim"],
            "element": 99,
            "verdict": "met",
        },
        headers=headers,
    )
    assert unknown.status_code == 400
    assert "没有序号为 99 的技术特征" in unknown.json()["error"]
    assert "has no element 99" in unknown.json()["error"]
    nobody = client.post(
        url,
        json={"pub_number": "CN1", "claim": 1, "element": 0, "verdict": "met"},
        headers=headers,
    )
    assert nobody.status_code == 400 and "候选专利中没有" in nobody.json()["error"]
    assert client.get(f"/api/v1/fto/{fid}").json()["result"]["corrections"] == []
    for fmt in ("docx", "pdf"):
        got = client.get(data["downloads"][fmt])
        assert got.status_code == 200 and len(got.content) > 1000
    refused = client.post(
        "/api/v1/fto",
        json={"store_id": fto_store, "product": text, "countries": ["china"]},
        headers=headers,
    )
    assert refused.status_code == 400 and "两位字母代码" in refused.json()["error"]
    empty = client.post(
        "/api/v1/fto",
        json={"store_id": fto_store, "countries": ["CN"]},
        headers=headers,
    )
    assert empty.status_code == 400 and "产品说明" in empty.json()["error"]


def test_other_tenants_get_not_found_and_read_only_roles_cannot_screen(
    site, fto_store, expected, client_for
):
    text, want = expected
    client = client_for("ta_analyst")
    fid = _start(client, fto_store, text)
    assert _done(client, fid)["status"] == "done"
    cand, claim = _target(want)
    outsider = client_for("jn_analyst")
    assert outsider.get(f"/fto/{fid}").status_code == 404
    assert outsider.get(f"/api/v1/fto/{fid}").status_code == 404
    assert outsider.get(f"/fto/{fid}/download/docx").status_code == 404
    assert fid not in outsider.get("/fto").text
    assert fid not in [r["id"] for r in outsider.get("/api/v1/fto").json()]
    body = {
        "pub_number": cand["pub_number"],
        "claim": claim["claim"],
        "element": claim["elements"][0]["index"],
        "verdict": "met",
    }
    stolen = outsider.post(
        f"/api/v1/fto/{fid}/corrections",
        json=body,
        headers={"X-CSRF-Token": csrf_of(outsider.get("/").text)},
    )
    assert stolen.status_code == 404
    assert (
        outsider.post(
            "/api/v1/fto",
            json={"store_id": fto_store, "product": text, "countries": ["CN"]},
            headers={"X-CSRF-Token": csrf_of(outsider.get("/").text)},
        ).status_code
        == 404
    )
    # 山东省's admin sees the tenants beneath it
    assert client_for("prov_admin").get(f"/api/v1/fto/{fid}").status_code == 200
    # the department reads but neither screens nor corrects
    dept = client_for("ta_dept")
    assert dept.get(f"/fto/{fid}").status_code == 200
    assert 'class="inline fto-correct"' not in dept.get(f"/fto/{fid}").text
    token = csrf_of(dept.get("/").text)
    assert (
        dept.post(
            f"/api/v1/fto/{fid}/corrections", json=body, headers={"X-CSRF-Token": token}
        ).status_code
        == 403
    )
    assert (
        dept.post(
            "/api/v1/fto",
            json={"store_id": fto_store, "product": text, "countries": ["CN"]},
            headers={"X-CSRF-Token": token},
        ).status_code
        == 403
    )
    # CSRF is required
    assert client.post(f"/api/v1/fto/{fid}/corrections", json=body).status_code == 403
    assert client.get("/fto/not-an-id").status_code == 404
    assert client.get("/api/v1/fto/" + "0" * 32).status_code == 404


def test_openapi_lists_the_fto_operations(site, client_for):
    spec = client_for().get("/api/openapi.json").json()
    paths = spec["paths"]
    assert set(paths["/api/v1/fto"]) == {"get", "post"}
    assert set(paths["/api/v1/fto/{fid}"]) == {"get"}
    assert set(paths["/api/v1/fto/{fid}/corrections"]) == {"post"}
    assert set(paths["/api/v1/fto/{fid}/download/{fmt}"]) == {"get"}
    assert not [p for p in paths if p.startswith("/fto")]  # the pages are not the API


def test_an_uploaded_feature_list_is_the_product_and_text_is_never_a_server_path(
    site, fto_store, client_for, tmp_path
):
    client = client_for("ta_analyst")
    page = client.get("/fto")
    features = [
        "A hand-held power tool with a housing",
        "an electric motor inside the housing",
        "a battery pack attached to the handle",
    ]
    response = client.post(
        "/fto",
        data={
            "csrf_token": csrf_of(page.text),
            "store_id": fto_store,
            "countries": "US",
            "lexical": "true",
            "top": "3",
        },
        files={
            "product_file": (
                "产品特征.json",
                io.BytesIO(json.dumps(features).encode("utf-8")),
                "application/json",
            )
        },
    )
    assert response.status_code == 200, response.text
    fid = str(response.url).rstrip("/").rsplit("/", 1)[-1]
    data = _done(client, fid)
    assert data["status"] == "done", data["error"]
    assert data["inputs"]["product_name"] == "产品特征.json"
    assert [f["text"] for f in data["result"]["product"]["features"]] == features
    assert data["label"] == "产品特征.json"
    uploads = site.root / "tenants" / str(site.tenants["泰安市"]) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # not kept
    # a file type it cannot read is refused before anything runs
    refused = client.post(
        "/fto",
        data={
            "csrf_token": csrf_of(page.text),
            "store_id": fto_store,
            "countries": "CN",
        },
        files={"product_file": ("a.exe", io.BytesIO(b"MZ"), "application/x-msdos")},
    )
    assert refused.status_code == 400
    assert ".txt、.md、.docx、.yaml 或 .json" in refused.text
    # text naming a file of the server is read as text, never opened
    secret = tmp_path / "机密.txt"
    secret.write_text("一种电动工具，包括壳体和电机。", "utf-8")
    fid = _start(client, fto_store, str(secret))
    data = _done(client, fid)
    assert data["inputs"]["features"] == [str(secret)]
    assert data["inputs"]["product_name"] is None


def test_a_screening_a_restart_interrupted_is_failed_with_why(
    site, fto_store, expected, client_for
):
    text, _ = expected
    client = client_for("ta_analyst")
    fid = _start(client, fto_store, text)
    assert _done(client, fid)["status"] == "done"
    # as the server left it had it stopped mid-screening: no worker has it any more
    path = site.root / "tenants" / str(site.tenants["泰安市"]) / "reports"
    path = path / f"{fid}.fto.json"
    data = json.loads(path.read_text("utf-8"))
    data["status"] = "running"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    got = client.get(f"/api/v1/fto/{fid}").json()
    assert got["status"] == "failed"
    assert "中断" in got["error"] and got["result"] is None
    assert 'data-status="failed"' in client.get(f"/fto/{fid}/status").text


def test_too_many_pending_screenings_are_refused_with_429(
    site, fto_store, client_for, monkeypatch
):
    from patnav.web.features import fto as feature

    client = client_for("ta_analyst")
    limit = site.app.state.platform.settings.max_pending_jobs
    folder = site.root / "tenants" / str(site.tenants["泰安市"]) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    live = set()
    for i in range(limit):
        fid = f"{i:032x}"
        live.add(fid)
        (folder / f"{fid}.fto.json").write_text(
            json.dumps(
                {
                    "id": fid,
                    "tenant_id": site.tenants["泰安市"],
                    "store_id": fto_store,
                    "store_name": "FTO 样例库",
                    "created_by": site.users["ta_analyst"],
                    "created_at": "2026-12-07T09:00:00",
                    "status": "queued",
                    "inputs": {"features": ["x"], "countries": ["CN"]},
                }
            ),
            "utf-8",
        )
    monkeypatch.setattr(feature, "_LIVE", live)
    response = client.post(
        "/api/v1/fto",
        json={"store_id": fto_store, "product": "一种电动工具", "countries": ["CN"]},
        headers={"X-CSRF-Token": csrf_of(client.get("/").text)},
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert f"您已有 {limit} 个侵权排查在排队或进行中" in response.json()["error"]
    # another user of the tenant sees them, queued
    other = client_for("ta_admin")
    listed = other.get("/api/v1/fto").json()
    assert {r["id"] for r in listed} == live
    assert {r["status"] for r in listed} == {"queued"}


def test_a_narrowing_query_that_does_not_parse_is_refused_at_once(
    site, fto_store, client_for
):
    client = client_for("ta_analyst")
    page = client.get("/fto")
    response = client.post(
        "/fto",
        data={
            "csrf_token": csrf_of(page.text),
            "store_id": fto_store,
            "product": "A hand-held power tool with a housing",
            "countries": "US",
            "query": "TI=(drill",
        },
    )
    assert response.status_code == 400
    assert "括号" in response.text  # the query's own Chinese message, with its column
    assert not list_ids(site)
    api = client.post(
        "/api/v1/fto",
        json={
            "store_id": fto_store,
            "product": "A hand-held power tool",
            "countries": ["US"],
            "ipc": ["G06F 3/00;"],
        },
        headers={"X-CSRF-Token": csrf_of(page.text)},
    )
    assert api.status_code == 400 and "IPC" in api.json()["error"]
    assert not list_ids(site)


def list_ids(site) -> list[str]:
    folder = site.root / "tenants" / str(site.tenants["泰安市"]) / "reports"
    return [p.name for p in folder.glob("*.fto.json")] if folder.is_dir() else []
