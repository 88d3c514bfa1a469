"""The agency dashboard (``/agencies``, ``/api/v1/agencies``) on real stores: the small
store of the web tests (the CNIPA export: agencies, no legal status) and the first rows of
the PatSnap export (one agency, its agents, statuses and events) registered to 泰安市.

The page's ranking and rates are checked against :func:`agency_quality` on the same store
and against pandas over the raw export; access, CSRF and the report as the other pages."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lxml_html

from patnav.analyses.agencies import agency_quality
from patnav.storage.store import PatentStore
from patnav.web.render import pct
from tests.patsnap import head_store, parts
from tests.test_i18n import english_ui_words
from tests.web.conftest import api_token, bearer
from tests.web.realdata import export_rows

PATSNAP_ROWS = 1500


def _agency(value: object) -> str | None:
    """A CNIPA 专利代理机构 cell without its trailing agency code (the test's own reading)."""
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    return re.sub(r"\s*\d+\s*$", "", str(value)).strip()


def _rows(page: str) -> list[dict[str, str]]:
    """The ranking table of the page: each row's key, name, units and cells by column."""
    tree = lxml_html.fromstring(page)
    out = []
    for tr in tree.xpath('//table[@id="agc-ranking"]/tbody/tr'):
        cells = {
            td.get("data-rate"): td.text_content().strip()
            for td in tr.xpath("td[@data-rate]")
        }
        (abnormal,) = tr.xpath("td[@data-abnormal]/@data-abnormal")
        (unknown,) = tr.xpath("td[@data-status-unknown]/@data-status-unknown")
        out.append(
            {
                "key": tr.get("data-key"),
                "units": tr.get("data-units"),
                "name": tr.xpath('td[@class="agc-name"]')[0].text_content().strip(),
                "abnormal": abnormal,
                "status_unknown": unknown,
                **cells,
            }
        )
    return out


@pytest.fixture(scope="module")
def patsnap_head(data_dir, tmp_path_factory):
    return head_store(data_dir, tmp_path_factory.mktemp("agc_web"), PATSNAP_ROWS)


def _add_store(site, path: Path, tenant: str, name: str) -> int:
    """Register a copy of a store file to a tenant of the site."""
    from patnav.platform import files
    from patnav.platform.models import DataStore

    platform = site.app.state.platform
    with platform.session() as db:
        target, relative = files.new_file(
            platform.root, site.tenants[tenant], "stores", ".duckdb"
        )
        shutil.copyfile(path, target)
        row = DataStore(tenant_id=site.tenants[tenant], name=name, filename=relative)
        db.add(row)
        db.commit()
        return row.id


def test_page_is_the_cores_ranking_and_the_raw_exports_counts(
    site, client_for, small_store_path, data_dir
):
    client = client_for("ta_analyst")
    store_id = site.stores["泰安库"]
    page = client.get(
        "/agencies", params={"store_id": store_id, "top": 50, "min_units": 3}
    )
    assert page.status_code == 200, page.text[:500]
    rows = _rows(page.text)
    with PatentStore.open(small_store_path, read_only=True) as store:
        core = agency_quality(store, top=50, min_units=3)
    assert [r["key"] for r in rows] == [r.key for r in core.rows]
    assert [int(r["units"]) for r in rows] == [r.units for r in core.rows]
    for got, want in zip(rows, core.rows, strict=True):
        assert got["grant"] == pct(want.outcomes.grant_rate)
        assert int(got["status_unknown"]) == want.status_unknown
        assert got["abnormal"] == "unknown"  # the detector was not asked for
    # independently: the CNIPA export's agencies, by application, from the raw file
    export = pd.DataFrame(export_rows(data_dir))
    export["agency"] = export["专利代理机构"].map(_agency)
    counts = export.dropna(subset=["agency"]).groupby("agency")["申请号"].nunique()
    top_name = counts.sort_values(ascending=False).index[0]
    by_name = {r["name"]: int(r["units"]) for r in rows}
    assert by_name[top_name] == counts[top_name] >= 5
    # the export has no legal status: no rate is made, the status is unknown
    assert {r["grant"] for r in rows} == {"—"}
    assert "状态未知" in page.text and "未授权" in page.text  # the denominator is said
    # the navigation links the page
    assert 'href="/agencies"' in client.get("/").text


def test_agents_rates_are_the_cores_and_the_raw_exports(site, client_for, patsnap_head):
    frame, path = patsnap_head
    store_id = _add_store(site, path, "泰安市", "PatSnap 样本")
    client = client_for("ta_analyst")
    page = client.get(
        "/agencies",
        params={"store_id": store_id, "role": "agent", "top": 5, "min_units": 5},
    )
    assert page.status_code == 200, page.text[:500]
    rows = _rows(page.text)
    with PatentStore.open(path, read_only=True) as store:
        core = agency_quality(store, role="agent", top=5, min_units=5)
    assert [r["key"] for r in rows] == [r.key for r in core.rows] and len(rows) == 5
    for got, want in zip(rows, core.rows, strict=True):
        o = want.outcomes
        assert (got["grant"], got["reject"], got["withdraw"]) == (
            pct(o.grant_rate),
            pct(o.rejection_rate),
            pct(o.withdrawal_rate),
        )
    # independently, the first agent's grant rate over its decided inventions
    agent = rows[0]["name"]
    mine = frame[frame["代理人"].map(lambda v: agent in parts(v))]
    inv = mine[mine["专利类型"] == "发明专利"]

    def outcome(row: pd.Series) -> str:
        events = set(parts(row["法律状态事件"]))
        if "授权" in events or row["简单法律状态"] == "有效":
            return "granted"
        if str(row["公开公告号"]).endswith("B"):
            return "granted"
        if "驳回" in events:
            return "rejected"
        if events & {"撤回", "视为撤回", "放弃"}:
            return "withdrawn"
        return "other"

    outcomes = inv.apply(outcome, axis=1).value_counts()
    decided = sum(int(outcomes.get(k, 0)) for k in ("granted", "rejected", "withdrawn"))
    assert decided > 0
    assert int(rows[0]["units"]) == len(mine)
    assert rows[0]["grant"] == pct(int(outcomes.get("granted", 0)) / decided)
    # the API gives the core's result, the same keys as patnav agencies --json
    api = client.get(
        "/api/v1/agencies",
        params={"store_id": store_id, "role": "agent", "top": 5, "min_units": 5},
    )
    assert api.status_code == 200 and api.json() == core.to_dict()
    # one agent's trend and fields: the export gives no dates, so no trend is drawn
    key = rows[0]["key"]
    one = client.get(
        "/agencies",
        params={"store_id": store_id, "role": "agent", "top": 5, "agency": key},
    )
    assert 'id="agc-one"' in one.text
    charts = client.get(
        "/api/v1/agencies/charts",
        params={"store_id": store_id, "role": "agent", "top": 5, "agency": key},
    ).json()["charts"]
    by_id = {c["id"]: c for c in charts}
    assert by_id["agency.years"]["option"] is None
    assert "未载明" in by_id["agency.years"]["empty"]
    fields = by_id["agency.fields"]["option"]["series"][0]["data"]
    assert sum(fields) == core.rows[0].units


def test_one_agencys_trend_and_fields(site, client_for, small_store_path):
    client = client_for("ta_analyst")
    store_id = site.stores["泰安库"]
    with PatentStore.open(small_store_path, read_only=True) as store:
        core = agency_quality(store, top=5, min_units=3)
    row = core.rows[0]
    params = {"store_id": store_id, "top": 5, "min_units": 3, "agency": row.key}
    page = client.get("/agencies", params=params)
    assert 'id="agc-one"' in page.text and 'data-chart="agency.years"' in page.text
    assert 'data-source="/api/v1/agencies/charts?' in page.text
    visible = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page.text)
    assert not english_ui_words(re.sub(r"<[^>]+>", " ", visible))  # Chinese only
    charts = client.get("/api/v1/agencies/charts", params=params).json()["charts"]
    ids = [c["id"] for c in charts]
    assert ids[0] == "agencies.units"  # no rate chart: the export decides nothing
    years = next(c for c in charts if c["id"] == "agency.years")
    assert years["option"]["series"][0]["data"] == [n for _, n in row.by_year]
    assert years["option"]["xAxis"]["data"] == [str(y) for y, _ in row.by_year]
    unknown = client.get("/api/v1/agencies/charts", params={**params, "agency": "x"})
    assert unknown.status_code == 404


def test_query_box_abnormal_on_request_and_syntax_errors(
    site, client_for, small_store_path
):
    client = client_for("ta_analyst")
    store_id = site.stores["泰安库"]
    narrowed = _rows(
        client.get(
            "/agencies",
            params={"store_id": store_id, "query": "AGC=42104", "min_units": 1},
        ).text
    )
    assert [r["name"] for r in narrowed] == ["武汉开元知识产权代理有限公司"]
    asked = client.get(
        "/agencies",
        params={"store_id": store_id, "min_units": 3, "abnormal": "true"},
    )
    flagged = _rows(asked.text)
    # asked for: a count (the export has abstracts and claims to compare), never unknown
    assert flagged and all(r["abnormal"].isdigit() for r in flagged)
    bad = client.get("/agencies", params={"store_id": store_id, "query": "TI=("})
    assert bad.status_code == 200 and 'id="agc-error"' in bad.text
    assert "检索式" in bad.text


def test_access_csrf_and_the_report(site, client_for):
    store_id = site.stores["泰安库"]
    jinan = client_for("jn_analyst")
    assert jinan.get("/agencies", params={"store_id": store_id}).status_code == 404
    token = api_token(site, "jn_analyst")
    other = client_for()
    other.headers.update(bearer(token))
    assert (
        other.get("/api/v1/agencies", params={"store_id": store_id}).status_code == 404
    )
    assert (
        client_for().get("/api/v1/agencies", params={"store_id": 1}).status_code == 401
    )
    ta = client_for("ta_dept")  # a read-only role may read the dashboard and its report
    form = {"store_id": str(store_id), "min_units": "3"}
    refused = ta.post("/agencies/report", data=form)
    assert refused.status_code == 403
    done = ta.post("/agencies/report", data={**form, "csrf_token": ta.csrf})
    assert done.status_code == 200, done.text[:500]
    assert done.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "filename*=utf-8''" in done.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(done.content)) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "代理机构质量报告" in body and "已审结" in body
    # the API is listed; the page speaks English on request
    paths = set(client_for().get("/api/openapi.json").json()["paths"])
    assert {"/api/v1/agencies", "/api/v1/agencies/charts", "/api/v1/match"} <= paths
    english = ta.get("/agencies", params={"store_id": store_id, "lang": "en"})
    assert english.status_code == 200 and "Agency quality" in english.text
    assert "Supply–demand matching" in ta.get("/match", params={"lang": "en"}).text
    # another tenant cannot make a report of this store
    denied = jinan.post("/agencies/report", data={**form, "csrf_token": jinan.csrf})
    assert denied.status_code == 404
