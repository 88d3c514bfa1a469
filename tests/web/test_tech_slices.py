"""The technology and legal-status slices on the dashboard: their charts are their
presenters' chart specifications (the subclass bars, the subclass × year heat map, the
status donut), drawn by ``draw`` — each checked against the raw files."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from patnav.analyses import run_analysis
from patnav.analyses.legal import STATUS_ZH
from patnav.presenters import PRESENTERS, chart_specs
from patnav.presenters import legal as legal_presenter
from patnav.storage.store import PatentStore
from patnav.web import charts
from patnav.web.i18n import translate, value_label
from tests import patentics
from tests.analyses.conftest import file_scope
from tests.web.realdata import export_rows


def _plain(result: Any) -> dict[str, Any]:
    """A result as the dashboard caches it (its dict through JSON)."""
    return json.loads(json.dumps(result.to_dict(), default=str))


@pytest.fixture(scope="module")
def cnipa_technology(loaded_store_path) -> dict[str, Any]:
    with PatentStore.open(loaded_store_path, read_only=True) as store:
        return _plain(
            run_analysis(
                "technology",
                store,
                file_scope("%cnipa_export_199.xlsx", "CNIPA export"),
                count_by="document",
            )
        )


def test_the_dashboard_draws_technology_and_legal_from_their_presenters():
    """No chart of theirs is built in the web layer any more: the dashboard draws their
    presenters' specifications, after the other slices' as before."""
    for name, keys in (
        ("technology", ("technology", "tech_year")),
        ("legal", ("legal", "operations")),
    ):
        presenter = PRESENTERS[name]
        assert presenter.dashboard and presenter.charts is not None
        assert presenter.keys == keys
        assert name not in charts.BUILDERS
    assert not hasattr(charts, "technology_charts")
    assert not hasattr(charts, "legal_charts")


def test_the_subclass_bars_count_the_exports_main_classes(cnipa_technology, data_dir):
    expected = Counter(str(r["主分类号"])[:4] for r in export_rows(data_dir))
    spec, _ = chart_specs("technology", cnipa_technology, "zh")
    chart = charts.draw(spec, "zh")
    assert chart.id == "technology" and chart.option is not None
    assert chart.title == "主要技术领域（IPC 小类）（单位：篇文献）"
    labels = chart.option["yAxis"]["data"]
    values = [d["value"] for d in chart.option["series"][0]["data"]]
    assert len(values) == min(15, len(expected))
    for label, value in zip(labels, values, strict=True):
        assert value == expected[label.split()[0]], label
    # drawn bottom-up: the largest on top, the 15 largest counts of the file
    assert values[::-1] == sorted(expected.values(), reverse=True)[: len(values)]
    tips = [d["name"] for d in chart.option["series"][0]["data"]]
    assert all(": " in t and "%" in t for t in tips)


def test_the_heat_map_cells_are_the_exports_counts_per_year(cnipa_technology, data_dir):
    """Every cell drawn is the number of the file's rows of that main subclass filed in
    that year, with its full label on hover; no cell of the shown rows is left out."""
    rows = export_rows(data_dir)
    expected = Counter(
        (str(r["主分类号"])[:4], str(r["申请日"])[:4]) for r in rows if r["申请日"]
    )
    _, spec = chart_specs("technology", cnipa_technology, "zh")
    assert spec.key == "tech_year" and spec.chart.kind == "heatmap"
    chart = charts.draw(spec, "zh")
    option = chart.option
    assert option is not None and chart.title == "技术领域年度分布（单位：篇文献）"
    years = option["xAxis"]["data"]
    labels = option["yAxis"]["data"]
    got = {}
    for cell in option["series"][0]["data"]:
        j, i, value = cell["value"]
        code = labels[i].split()[0]
        got[(code, years[j])] = value
        assert cell["name"].startswith(code) and cell["name"].endswith(
            f"· {years[j]}：{value:,} 篇"
        )
    shown = {code.split()[0] for code in labels}
    assert got == {
        (code, year): n
        for (code, year), n in expected.items()
        if code in shown and year in years
    }
    assert option["visualMap"]["max"] == max(got.values())
    assert chart.height == max(320, 30 * len(labels) + 130)


def test_the_status_donut_counts_the_files_statuses(tmp_path_factory, data_dir):
    """The Patentics export, the one real file with a status field: the donut's slices
    are its statuses (as of the enrichment day), the known ones named in the subtitle."""
    frame = patentics.read(data_dir)
    path = patentics.store_path(tmp_path_factory, data_dir)
    with PatentStore.open(path, read_only=True) as store:
        data = _plain(run_analysis("legal", store, count_by="document"))
    spec = chart_specs("legal", data, "zh")[0]
    chart = charts.draw(spec, "zh")
    assert chart.id == "legal" and chart.option is not None
    slices = {d["name"]: d["value"] for d in chart.option["series"][0]["data"]}
    expected = patentics.shares(frame)
    assert slices == {STATUS_ZH[s]: n for s, (n, _, _) in expected.items()}
    known = sum(n for s, (n, _, _) in expected.items() if s in patentics.KNOWN_RANK)
    assert chart.subtitle == (
        f"法律状态已知 {known:,} / {len(frame):,}；一篇以其最有效的状态计；"
        "“期限届满（推算）”为估计，不计入已知状态"
    )
    english = charts.draw(chart_specs("legal", data, "en")[0], "en")
    assert english.option is not None
    assert {d["name"] for d in english.option["series"][0]["data"]} == {
        translate(f"ls.{s}", "en") for s in expected
    }


def test_without_a_known_status_the_donut_says_why(loaded_store):
    """The CNIPA export gives no status and no legal event: nothing is drawn, and the
    reason is the page's own words."""
    data = _plain(
        run_analysis(
            "legal",
            loaded_store,
            file_scope("%cnipa_export_199.xlsx", "CNIPA export"),
            count_by="document",
        )
    )
    assert data["statuses"] and not data["known"]
    (spec,) = chart_specs("legal", data, "zh")  # no operations: no second chart
    chart = charts.draw(spec, "zh")
    assert chart.option is None and chart.empty == translate("dash.no_status", "zh")
    english = charts.draw(chart_specs("legal", data, "en")[0], "en")
    assert english.empty == translate("dash.no_status", "en")


def test_the_legal_presenters_names_are_the_pages():
    """The presenter cannot import the web layer: its status and operation names must
    stay those of the page's vocabulary."""
    for status in STATUS_ZH:
        assert legal_presenter.STATUS_EN[status] == translate(f"ls.{status}", "en")
    for kind in legal_presenter.OPERATIONS:
        for lang in ("zh", "en"):
            assert legal_presenter.operation_name(kind, lang) == value_label(
                "event", kind, lang
            )
    for missing in (None, "unknown", ""):
        assert legal_presenter.operation_name(missing, "zh") == value_label(
            "event", missing, "zh"
        )
