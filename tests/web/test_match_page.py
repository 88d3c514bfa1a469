"""Supply–demand matching in the web (``/match``, ``/api/v1/match``) on the small real
store of the web tests: the CNIPA export (utility models of 2013, several of them by
universities and institutes) and the CNKI export, neither with a legal status — so every
university patent's status is unknown and must be shown apart, never as in force.

A need written from a real patent of the export finds that patent; the 对接清单's columns;
needs and listings kept per tenant (the office sees its enterprises' needs, another tenant
nothing, the department role reads only); CSRF on every form."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from lxml import html as lxml_html

from patnav.models.matching import FRAME_COLUMNS, Need, match, supply
from patnav.storage.store import PatentStore
from tests.test_i18n import english_ui_words
from tests.web.conftest import api_token, bearer
from tests.web.realdata import export_rows

AS_OF = "2024-06-30"
# written from CN202644341U 矿山斜坡道防冻滑装置 (昆明理工大学) of the CNIPA export, in an
# enterprise's words
NEED = "矿山斜坡道冬季结冰打滑，需要一种用供热管加热的防冻滑装置，结构简单、节约能源"


def _patent(data_dir: Path) -> dict[str, object]:
    """The patent the need was written from, read from the raw export."""
    (row,) = [r for r in export_rows(data_dir) if r["公开（公告）号"] == "CN202644341U"]
    assert "大学" in str(row["申请（专利权）人"])
    return row


def _tables(page: str) -> dict[str, list[dict[str, str]]]:
    """The match tables of a result page by group (known / unknown): each row's number
    and status."""
    tree = lxml_html.fromstring(page)
    out: dict[str, list[dict[str, str]]] = {"known": [], "unknown": []}
    for table in tree.xpath('//table[contains(@class, "match-table")]'):
        for tr in table.xpath("tbody/tr"):
            out[table.get("data-group")].append(
                {
                    "pub": tr.get("data-pub"),
                    "status": tr.get("data-status"),
                    "text": tr.text_content(),
                }
            )
    return out


def _visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"<[^>]+>", " ", page)


def _demand(client, store_id: int, **extra):
    data = {
        "csrf_token": client.csrf,
        "store_id": str(store_id),
        "text": NEED,
        "as_of": AS_OF,
        **extra,
    }
    return client.post("/match", data=data)


def test_a_need_written_from_a_real_patent_finds_it_shown_apart(
    site, client_for, data_dir, small_store_path
):
    row = _patent(data_dir)
    client = client_for("ta_analyst")
    store_id = site.stores["泰安库"]
    found = _demand(client, store_id, include_unknown="true")
    assert found.status_code == 200, found.text[:800]
    tables = _tables(found.text)
    unknown = [r["pub"] for r in tables["unknown"]]
    assert unknown[0] == row["公开（公告）号"]  # the patent comes first
    # its status is unknown (the export gives none): apart, never as in force
    assert {r["status"] for r in tables["unknown"]} == {"unknown"}
    assert tables["known"] == []
    first = tables["unknown"][0]["text"]
    assert str(row["申请（专利权）人"]) in first and "未知" in first
    assert "防冻" in first  # a matched term, shown
    assert "法律状态未知的专利" in found.text
    assert not english_ui_words(_visible_text(found.text))  # Chinese labels only
    # without asking for unknown status, nothing is offered as in force
    plain = _demand(client, store_id)
    assert plain.status_code == 200
    assert _tables(plain.text) == {"known": [], "unknown": []}
    with PatentStore.open(small_store_path, read_only=True) as store:
        goods = supply(store, date.fromisoformat(AS_OF))
    assert goods.items == () and len(goods.unknown) > 0
    assert f"状态未知（不计入有效）{len(goods.unknown)} 件" in plain.text
    assert 'href="/match"' in plain.text  # the navigation links the page


def test_the_api_is_the_cores_matching(site, client_for, small_store_path, data_dir):
    client = client_for()
    client.headers.update(bearer(api_token(site, "ta_analyst")))
    body = {
        "store_id": site.stores["泰安库"],
        "needs": [{"text": NEED, "id": "N1", "enterprise": "泰山玻纤"}],
        "include_unknown": True,
        "top": 5,
        "as_of": AS_OF,
    }
    got = client.post("/api/v1/match", json=body)
    assert got.status_code == 200, got.text
    data = got.json()
    with PatentStore.open(small_store_path, read_only=True) as store:
        goods = supply(store, date.fromisoformat(AS_OF))
        core = match(
            store,
            [Need("N1", NEED, enterprise="泰山玻纤")],
            goods.doc_ids(include_unknown=True),
            top=5,
            supply_items=goods.by_doc(),
            data_dir=data_dir,
        )
    want = core.to_dict()
    assert data["method"] == want["method"]
    assert [m["doc_id"] for m in data["needs"][0]["matches"]] == [
        m["doc_id"] for m in want["needs"][0]["matches"]
    ]
    assert data["needs"][0]["matches"][0]["pub_number"] == "CN202644341U"
    assert data["supply"] == goods.to_dict()["counts"] and data["as_of"] == AS_OF
    assert data["saved"] == []


def test_the_match_list_xlsx(site, client_for):
    client = client_for("ta_analyst")
    page = _demand(client, site.stores["泰安库"], include_unknown="true", top="3")
    tree = lxml_html.fromstring(page.text)
    (form,) = tree.xpath('//form[@id="match-xlsx"]')
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert (
        client.post("/match/xlsx", data={**fields, "csrf_token": ""}).status_code == 403
    )
    got = client.post("/match/xlsx", data=fields)
    assert got.status_code == 200, got.text[:500]
    assert got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = openpyxl.load_workbook(io.BytesIO(got.content), read_only=True)
    assert book.sheetnames == ["对接清单"]
    rows = list(book["对接清单"].iter_rows(values_only=True))
    assert tuple(rows[0]) == FRAME_COLUMNS
    assert len(rows) == 1 + 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["公开号"] == "CN202644341U" and first["技术需求"] == NEED
    assert first["法律状态"] == "未知" and first["排名"] == 1


def test_needs_and_listings_are_kept_per_tenant(site, client_for, data_dir):
    store_id = site.stores["泰安库"]
    enterprise = client_for("ent_user")  # 泰山玻纤, an enterprise under 泰安市
    form = {"text": NEED, "need_id": "TS-1", "enterprise": "泰山玻纤", "region": ""}
    assert enterprise.post("/match/needs", data=form).status_code == 403  # no CSRF
    saved = enterprise.post(
        "/match/needs", data={**form, "csrf_token": enterprise.csrf}
    )
    assert saved.status_code == 200 and "需求已保存" in saved.text
    # a read-only role reads but cannot keep or remove needs
    dept = client_for("ta_dept")
    assert NEED in dept.get("/match").text
    refused = dept.post("/match/needs", data={**form, "csrf_token": dept.csrf})
    assert refused.status_code == 403
    refused_run = _demand(dept, store_id, save="true")
    assert refused_run.status_code == 403
    # the office above sees the enterprise's need; another city does not
    office = client_for("ta_analyst")
    (kept,) = office.get("/api/v1/match/needs").json()
    assert kept["need"]["text"] == NEED and kept["need"]["id"] == "TS-1"
    jinan = client_for("jn_analyst")
    assert NEED not in jinan.get("/match").text
    assert jinan.get("/api/v1/match/needs").json() == []
    gone = jinan.post(
        f"/match/needs/{kept['id']}/delete", data={"csrf_token": jinan.csrf}
    )
    assert gone.status_code == 404
    assert _demand(jinan, store_id).status_code == 404  # a store it does not see
    # the office lists the patent for an open licence; the supply side finds the need
    row = _patent(data_dir)
    listed = office.post(
        "/match/listings",
        data={
            "csrf_token": office.csrf,
            "pub_number": "CN 202644341 U",
            "licence_type": "开放许可",
            "terms": "年费 1 万元",
        },
    )
    assert listed.status_code == 200 and "挂牌专利已保存" in listed.text
    found = office.get(
        "/match/patents",
        params={"store_id": store_id, "owners": str(row["申请（专利权）人"])},
    )
    assert found.status_code == 200, found.text[:800]
    tree = lxml_html.fromstring(found.text)
    (tr,) = tree.xpath('//table[@id="match-patents"]/tbody/tr')
    assert tr.get("data-pub") == "CN202644341U"
    assert "开放许可" in tr.text_content() and "TS-1" in tr.text_content()
    assert not english_ui_words(_visible_text(found.text))
    # listed, its status stays the store's: unknown, never in force
    assert tr.get("data-status") == "unknown" and "未知" in tr.text_content()
    # and on the demand side the listed patent is offered, still apart as unknown
    tables = _tables(_demand(office, store_id).text)
    assert [r["pub"] for r in tables["unknown"]] == ["CN202644341U"]
    assert "开放许可" in tables["unknown"][0]["text"]
    assert "年费 1 万元" in tables["unknown"][0]["text"]
    # the enterprise removes its need
    removed = enterprise.post(
        f"/match/needs/{kept['id']}/delete", data={"csrf_token": enterprise.csrf}
    )
    assert removed.status_code == 200
    assert office.get("/api/v1/match/needs").json() == []


def test_uploaded_needs_file_and_bad_inputs(site, client_for, tmp_path):
    client = client_for("ta_analyst")
    store_id = site.stores["泰安库"]
    csv = f"编号,需求,企业,地区\nF1,{NEED},某矿业公司,\nF2,桥墩钢管混凝土叠合加固,某路桥公司,\n"
    got = client.post(
        "/match",
        data={
            "csrf_token": client.csrf,
            "store_id": str(store_id),
            "include_unknown": "true",
            "save": "true",
            "as_of": AS_OF,
        },
        files={"needs_file": ("需求.csv", csv.encode("utf-8"), "text/csv")},
    )
    assert got.status_code == 200, got.text[:800]
    tree = lxml_html.fromstring(got.text)
    shown = [s.get("data-need") for s in tree.xpath("//section[@data-need]")]
    assert shown == ["F1", "F2"]
    kept = client.get("/api/v1/match/needs").json()
    assert {k["need"]["id"] for k in kept} == {"F1", "F2"}
    # a region narrows to owners with a province or city there: the store (not
    # enriched) keeps none for the export's applicants, so none is in any region — the
    # page says no patent was searched rather than guess one
    there = _demand(client, store_id, region="云南", include_unknown="true")
    assert there.status_code == 200
    assert _tables(there.text) == {"known": [], "unknown": []}
    assert "参与匹配 0 件" in there.text and "没有匹配的专利" in there.text
    bad_file = client.post(
        "/match",
        data={"csrf_token": client.csrf, "store_id": str(store_id)},
        files={"needs_file": ("需求.txt", b"x", "text/plain")},
    )
    assert bad_file.status_code == 400 and ".csv" in bad_file.text
    bad_listing = client.post(
        "/match/listings",
        data={"csrf_token": client.csrf, "pub_number": "CN1", "licence_type": "赠送"},
    )
    assert bad_listing.status_code == 400


@pytest.mark.parametrize("path", ["/match", "/match/listings", "/match/needs"])
def test_forms_need_the_csrf_token(site, client_for, path):
    client = client_for("ta_analyst")
    data = {"store_id": str(site.stores["泰安库"]), "text": NEED}
    assert client.post(path, data=data).status_code == 403


def test_the_api_keeps_needs_and_listings_and_matches_both_ways(site, client_for):
    from patnav.platform import accounts
    from patnav.platform.models import User

    def client(username: str, scopes: tuple[str, ...] | None = None):
        c = client_for()
        if scopes is None:
            c.headers.update(bearer(api_token(site, username)))
        else:
            with site.app.state.platform.session() as db:
                user = db.get(User, site.users[username])
                secret = accounts.create_token(db, user, "t", scopes=scopes).secret
            c.headers.update(bearer(secret))
        return c

    store_id = site.stores["泰安库"]
    analyst = client("ta_analyst")
    need = {"text": NEED, "id": "API-1", "enterprise": "泰山玻纤"}
    kept = analyst.post("/api/v1/match/needs", json=[need])
    assert kept.status_code == 201, kept.text
    (record,) = kept.json()
    assert record["need"]["id"] == "API-1" and record["need"]["text"] == NEED
    listing = {"pub_number": "CN202644341U", "licence_type": "转让", "terms": "面议"}
    assert analyst.post("/api/v1/match/listings", json=[listing]).status_code == 201
    bad = analyst.post(
        "/api/v1/match/listings", json=[{**listing, "licence_type": "出租"}]
    )
    assert bad.status_code == 400 and bad.json()["ok"] is False
    # supply side: the listed patent and the kept need
    found = analyst.post(
        "/api/v1/match/patents",
        json={"store_id": store_id, "numbers": ["CN202644341U"]},
    )
    assert found.status_code == 200, found.text
    data = found.json()
    assert data["direction"] == "supply"
    (patent,) = data["patents"]
    assert patent["pub_number"] == "CN202644341U"
    assert [n["need_id"] for n in patent["needs"]] == ["API-1"]
    assert data["supply"]["转让"] == 1  # the listing joined the supply
    # a read-only role (and a read-scope token) matches, but keeps nothing
    dept = client("ta_dept")
    body = {"store_id": store_id, "need_ids": [record["id"]]}
    assert dept.post("/api/v1/match", json=body).status_code == 200
    saving = {"store_id": store_id, "needs": [need], "save": True}
    assert dept.post("/api/v1/match", json=saving).status_code == 403
    assert dept.post("/api/v1/match/needs", json=[need]).status_code == 403
    reader = client("ta_analyst", scopes=("read",))
    assert reader.post("/api/v1/match", json=body).status_code == 200
    assert reader.post("/api/v1/match", json=saving).status_code == 403
    assert reader.delete(f"/api/v1/match/needs/{record['id']}").status_code == 403
    # another tenant neither sees nor removes them
    jinan = client("jn_analyst")
    assert jinan.get("/api/v1/match/listings").json() == []
    assert jinan.delete(f"/api/v1/match/needs/{record['id']}").status_code == 404
    assert analyst.delete(f"/api/v1/match/needs/{record['id']}").status_code == 200
    assert analyst.get("/api/v1/match/needs").json() == []
