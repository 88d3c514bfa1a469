"""The development route on the dashboard and in the API: discovered from the registry,
drawn from the presenter's chart specification."""

from __future__ import annotations

import re

import pytest

from patnav.analyses import run_analysis
from patnav.presenters.development_route import route_charts
from patnav.web import charts
from tests.analyses.conftest import file_scope
from tests.web.conftest import api_token, bearer

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def ta(site, client_for):
    client = client_for()
    client.headers.update(bearer(api_token(site, "ta_analyst")))
    return client


def test_the_api_lists_every_registered_analysis_with_where_it_shows(ta):
    listed = ta.get("/api/v1/analyses")
    assert listed.status_code == 200, listed.text
    by_name = {a["name"]: a for a in listed.json()}
    route = by_name["development_route"]
    assert route["title_zh"] == "技术发展路线" and route["dashboard"] is True
    assert route["reports"] == ["industry", "rnd"]
    assert {"period_years", "periods", "per_period", "terms"} <= {
        p["name"] for p in route["parameters"]
    }
    assert (
        by_name["chain"]["needs"] == "spec" and by_name["chain"]["dashboard"] is False
    )
    assert by_name["trend"]["dashboard"] is True


def test_a_set_without_citations_says_why_its_route_is_empty(site, ta):
    """The small store's Chinese exports carry no citations, and a dashboard traces no
    emerging terms (that needs the hot-spot analysis): the chart says so in Chinese."""
    link = ta.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "装置", "query": "TI=装置"},
    ).json()
    board = ta.get(f"/api/v1/sets/{link['id']}/dashboard").json()
    route = {c["id"]: c for c in board["charts"]}["development_route"]
    assert route["option"] is None and CJK.search(route["empty"])
    assert route["title"].startswith("技术发展路线")
    result = ta.get(f"/api/v1/sets/{link['id']}/analyses/development_route").json()
    assert result["title_zh"] == "技术发展路线"
    (branch,) = result["result"]["branches"]
    assert branch["method"] == "emerging" and branch["with_citations"] == 0
    assert result["result"]["patents"] == []


def test_the_dashboard_draws_the_same_chart_specification_as_the_report(loaded_store):
    """The Lens drones: each key patent one point on its branch's lane at its filing
    year, labelled with its number, its basis in the tooltip."""
    route = run_analysis(
        "development_route",
        loaded_store,
        file_scope("%lens_drones_5884.csv", "Lens drones"),
        count_by="document",
    )
    (spec,) = route_charts(route.to_dict(), "zh")
    chart = charts.draw(spec, "zh")
    assert chart.id == "development_route" and chart.option is not None
    assert chart.title == "技术发展路线（单位：申请年）"
    points = chart.option["series"][0]["data"]
    years = chart.option["xAxis"]["data"]
    assert [years[p["value"][0]] for p in points] == [
        str(p.filing_year) for p in route.patents
    ]
    first = min(p.filing_year for p in route.patents)
    last = max(p.filing_year for p in route.patents)
    assert years == [str(y) for y in range(first, last + 1)]
    assert [p["label"]["formatter"] for p in points] == [
        p.doc_id for p in route.patents
    ]
    assert all("高被引" in p["name"] for p in points)
    assert list(spec.chart.categories) == [p["label"]["formatter"] for p in points]
    assert chart.option["yAxis"]["data"] == ["Lens drones"]


@pytest.mark.parametrize(
    "module", ["patnav.web.charts", "patnav.presenters", "patnav.reports.conclusions"]
)
def test_the_slice_registries_import_in_any_order(module):
    """The presenters import the reports package, whose outlines use the presenters:
    importing either first works (a fresh interpreter, nothing imported before)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
