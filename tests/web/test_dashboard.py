"""The dashboard's charts on real data: provinces and cities with the units that cannot be
placed, the technology-by-year heat map, the most-cited chart in order, the network's
names, and every label in Chinese — each checked against the raw files."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pandas as pd
import pytest
from lxml import etree

from patnav.analyses import landscape
from patnav.analyses.base import Scope
from patnav.schema.records import CitationCategory, EventType, LegalStatus, PatentType
from patnav.web import charts
from patnav.web.i18n import value_label
from tests.web.conftest import api_token, bearer
from tests.web.realdata import export_rows, filed_in

LENS = "formats/lens-csv/lens_drones_5884.csv"
XML_ZHEJIANG = "formats/cnipa-xml/cn_new2.xml"
CJK = re.compile(r"[\u4e00-\u9fff]")
KEY = re.compile(r"^[a-z_]+\.[a-z_]+$")


@pytest.fixture
def ta(site, client_for):
    client = client_for()
    client.headers.update(bearer(api_token(site, "ta_analyst")))
    return client


def _board(ta, site, query: str, count_by: str = "document") -> dict[str, Any]:
    link = ta.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": query[:20], "query": query},
    )
    assert link.status_code == 201, link.text
    board = ta.get(
        f"/api/v1/sets/{link.json()['id']}/dashboard", params={"count_by": count_by}
    )
    assert board.status_code == 200, board.text
    return {c["id"]: c for c in board.json()["charts"]}


def _bars(chart: dict[str, Any]) -> dict[str, int]:
    option = chart["option"]
    values = [
        d["value"] if isinstance(d, dict) else d for d in option["series"][0]["data"]
    ]
    return dict(zip(option["yAxis"]["data"], values, strict=True))


def _xml_place(data_dir) -> tuple[str, str, str]:
    """Publication number, province and city of the applicant of cn_new2.xml."""
    root = etree.parse(str(data_dir / XML_ZHEJIANG)).getroot()
    ns = {"base": "http://www.sipo.gov.cn/XMLSchema/base"}
    texts = {
        tag: "".join(root.xpath(f"string(.//base:{tag})", namespaces=ns)).strip()
        for tag in ("Province", "City")
    }
    number = "".join(
        root.xpath(
            "string(.//*[local-name()='PublicationReference']"
            "//*[local-name()='DocNumber'])"
        )
    ).strip()
    return number, texts["Province"], texts["City"]


def test_province_and_city_charts_count_every_chinese_unit(site, ta, data_dir):
    """The set: the devices of the CNIPA export filed in 2012 and the cross-chain patent
    of cn_new2.xml. The store is not enriched, so only the XML record, whose source gives
    the province and city as fields, is placed; the export's free-text addresses are
    not — the charts say so with a 未定位 bar, not '浙江省 1' alone."""
    rows = [
        r
        for r in export_rows(data_dir)
        if filed_in(r, "2012") and "装置" in str(r["名称"])
    ]
    number, province, city = _xml_place(data_dir)
    assert number and province == "浙江省" and city == "杭州市"
    china = len(rows) + 1  # the export's applicants are Chinese, so is the XML's
    board = _board(ta, site, "TI=跨链 OR (TI=装置 AND AD=2012)")
    provinces = board["provinces"]
    assert _bars(provinces) == {"未定位": len(rows), province: 1}
    assert sum(_bars(provinces).values()) == china
    assert next(iter(_bars(provinces))) == "未定位"  # drawn last, below the places
    share = f"{len(rows) / china * 100:.1f}%"
    assert provinces["subtitle"] == (
        f"中国来源 {china} 篇，其中 {len(rows)} 篇（{share}）未能定位到省份"
        "（无申请人地址或地址未能识别）"
    )
    cities = board["cities"]
    assert _bars(cities) == {"未定位": len(rows), f"{province}{city}": 1}
    tips = [d["name"] for d in cities["option"]["series"][0]["data"]]
    assert f"{province}{city}: 1（占中国来源 {1 / china * 100:.1f}%）" in tips


def test_heat_map_counts_match_the_export_and_keep_rows_short(site, ta, data_dir):
    rows = [
        r
        for r in export_rows(data_dir)
        if filed_in(r, "2012") and "装置" in str(r["名称"])
    ]
    expected = Counter(str(r["主分类号"])[:4] for r in rows)
    heat = _board(ta, site, "TI=装置 AND AD=2012")["tech_year"]
    option = heat["option"]
    years = option["xAxis"]["data"]
    labels = option["yAxis"]["data"]
    assert years == ["2012"]
    got = {}
    for cell in option["series"][0]["data"]:
        j, i, value = cell["value"]
        got[labels[i].split()[0]] = value
        assert cell["name"] == f"{labels[i]} · {years[j]}：{value:,} 篇"
    top = dict(expected.most_common(len(got)))
    assert got == {k: v for k, v in top.items() if k in got}
    assert set(got) <= set(expected) and len(got) >= min(8, len(expected))
    assert option["tooltip"]["formatter"] == "{b}"
    assert option["yAxis"]["axisLabel"]["overflow"] == "truncate"


def _strings(value: Any, found: list[str]) -> list[str]:
    """Every string a chart shows: names, axis data, labels, subtitles."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in (
                "name",
                "data",
                "formatter",
                "title",
                "subtitle",
                "empty",
            ) or isinstance(item, dict | list):
                _strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)
    elif isinstance(value, str):
        found.append(value)
    return found


def test_a_chinese_dashboard_shows_no_key_and_no_raw_value(site, ta):
    board = _board(ta, site, "TI=装置", count_by="family")
    raw = {v.value for v in (*PatentType, *LegalStatus, *EventType)} | {"unknown"}
    for chart in board.values():
        for text in _strings(chart, []):
            assert not KEY.match(text) and text not in raw, (chart["id"], text)
    legend = [s["name"] for s in board["trend_type"]["option"]["series"]]
    assert legend and all(CJK.search(name) for name in legend)


def test_every_value_a_page_shows_has_a_chinese_label():
    """Patent types, legal statuses, events and citation categories come from the data:
    each has its label, and a value the table lacks or a missing one never shows as a key."""
    for prefix, values in (
        ("ptype", PatentType),
        ("ls", LegalStatus),
        ("event", EventType),
        ("cite", CitationCategory),
    ):
        for value in (*[v.value for v in values], "unknown", "(unknown)", None):
            label = value_label(prefix, value, "zh")
            assert CJK.search(label) and not KEY.match(label), (prefix, value, label)
            assert value_label(prefix, value, "en") != f"{prefix}.{value}"
    assert value_label("ptype", "(unknown)", "zh") == "未知"
    assert value_label("ptype", "unknown", "zh") == "类型未知"


def test_the_store_page_names_missing_types_in_chinese(site, client_for):
    """One record's patent type removed from the store file: the page lists it as 未知,
    never as (unknown)."""
    from patnav.platform.models import DataStore
    from patnav.storage.store import PatentStore

    with site.app.state.platform.session() as db:
        filename = db.get(DataStore, site.stores["泰安库"]).filename
    with PatentStore.open(site.root / filename) as store:
        store.execute(
            "UPDATE patents SET patent_type = NULL WHERE doc_id = "
            "(SELECT min(doc_id) FROM patents WHERE patent_type = 'invention')"
        )
    page = client_for("ta_analyst").get(f"/stores/{site.stores['泰安库']}").text
    assert "(unknown)" not in page and "ptype." not in page
    assert re.search(r"<li>未知 <span class=\"num\">1</span></li>", page), page


# -- charts over the Lens export (pure functions over the analyses' dicts) --------------


@pytest.fixture(scope="module")
def lens_results(loaded_store_path):
    """The landscape of the demo corpus as the API sees it: of its files only the Lens
    drone export reports citations and has records of unknown type."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(loaded_store_path, read_only=True) as store:
        results = landscape(
            store,
            Scope.everything(),
            count_by="document",
            names=("trend", "network", "citations"),
        )
        return {
            name: json.loads(json.dumps(r.to_dict(), default=str))
            for name, r in results.items()
        }


def test_the_most_cited_chart_is_sorted_by_times_cited(lens_results, data_dir):
    lens = pd.read_csv(data_dir / LENS, dtype=str)
    cited = pd.to_numeric(lens["Cited Count"], errors="coerce").fillna(0).astype(int)
    expected = sorted(cited[cited > 0], reverse=True)[: charts.TOP]
    chart = charts.citations_chart(lens_results["citations"], "zh")
    values = [d["value"] for d in chart.option["series"][0]["data"]]
    assert values == sorted(values)  # drawn bottom-up: the most cited on top
    assert values[::-1] == expected
    assert chart.subtitle and "降序" in chart.subtitle


def test_the_network_names_its_largest_applicants(lens_results):
    data = lens_results["network"]
    chart = charts.network_chart(data, "zh")
    nodes = chart.option["series"][0]["data"]
    assert len(nodes) > 40  # too many to label all
    named = [n for n in nodes if n.get("label", {}).get("show")]
    largest = sorted(data["nodes"], key=lambda n: (-n["units"], n["name"]))
    assert [n["id"] for n in named] == [
        n["key"] for n in data["nodes"] if n in largest[: charts.NETWORK_LABELLED]
    ]
    assert len(named) == charts.NETWORK_LABELLED
    assert all(len(n["label"]["formatter"]) <= 16 for n in named)
    assert "个主要申请人标注名称" in (chart.subtitle or "")


def test_the_type_legend_names_unknown_types_in_chinese(lens_results, data_dir):
    lens = pd.read_csv(data_dir / LENS, dtype=str)
    assert (lens["Type"] == "unknown").sum() > 0  # Lens's own 'unknown' type
    chart = charts.trend_type_chart(lens_results["trend"], "zh")
    legend = [s["name"] for s in chart.option["series"]]
    assert "类型未知" in legend
    assert all(CJK.search(name) for name in legend), legend
