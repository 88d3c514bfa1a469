"""USPTO Open Data Portal, offline: a mock transport serves the recorded real answer for
the address the connector builds; the address and the key header are checked against
the ODP's own swagger; the store must then hold what the recorded file says (read here
with json, not with patnav's reader)."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest
import yaml

from patnav.connectors.fetch import fetch, set_numbers
from patnav.connectors.uspto_odp import application_number
from patnav.errors import (
    ExternalServiceError,
    InvalidParameterError,
    MissingCredentialsError,
)
from patnav.search.sets import save_set
from tests.connectors.conftest import KEY


@pytest.fixture
def swagger(api):
    return yaml.safe_load((api / "uspto-odp" / "swagger.yaml").read_text("utf-8"))


@pytest.fixture
def application(api) -> bytes:
    return (api / "uspto-odp" / "application.json").read_bytes()


def _serve(application: bytes, number: str):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/api/v1/patent/applications/{number}":
            return httpx.Response(200, content=application)
        return httpx.Response(
            404,
            json={
                "code": 404,
                "error": "Not Found",
                "errorDetails": "No matching records found",
            },
        )

    return handler


def test_the_request_is_the_swagger_operation_with_the_api_key_header(
    store, settings, recorder, swagger, application
):
    entry = json.loads(application)["patentBag"][0]
    number = entry["applicationNumberText"]
    fetch(
        store,
        settings,
        "uspto",
        numbers=[number],
        transport=recorder.transport(_serve(application, number)),
    )
    (request,) = recorder.requests
    template = next(
        p
        for p, op in swagger["paths"].items()
        if op.get("get", {}).get("operationId") == "get_patent_application_data"
    )
    pattern = re.escape(template).replace(re.escape("{applicationNumberText}"), "[^/]+")
    assert re.fullmatch(pattern, request.url.path)
    assert request.url.path.endswith(number)
    scheme = swagger["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme["in"] == "header"
    assert request.headers[scheme["name"]] == KEY
    assert request.method == "GET"
    assert request.url.host == "api.uspto.gov"


def test_the_store_holds_what_the_recorded_answer_says(
    store, settings, recorder, application
):
    entry = json.loads(application)["patentBag"][0]
    number = entry["applicationNumberText"]
    report = fetch(
        store,
        settings,
        "uspto",
        numbers=[f"US {number[:2]}/{number[2:5]},{number[5:]}"],  # 16/330,077 form
        transport=recorder.transport(_serve(application, number)),
    )
    assert report.ok and report.numbers == (number,)
    (doc,) = store.rows("SELECT doc_id, title, app_date, legal_status_raw FROM patents")
    assert doc[1] == " ".join(entry["inventionTitle"].split())
    assert doc[2].isoformat() == entry["filingDate"]
    assert doc[3] == " ".join(entry["applicationStatusDescriptionText"].split())
    events = store.scalar("SELECT count(*) FROM events WHERE doc_id = ?", [doc[0]])
    assert events == len(entry["transactionContentBag"]) + len(entry["assignmentBag"])
    stored = store.rows(
        "SELECT strftime(date, '%Y-%m-%d'), code FROM events "
        "WHERE doc_id = ? AND code <> 'assignment' ORDER BY 1, 2",
        [doc[0]],
    )
    assert stored == sorted(
        (t["recordedDate"], t["caseActionCode"]) for t in entry["transactionContentBag"]
    )
    # the answer is kept unchanged in the fetch folder, and the import names that file
    kept = report.folder / f"{number}.application.json"
    assert kept.read_bytes() == application
    assert store.scalar("SELECT file FROM imports") == str(kept)


def test_a_second_fetch_of_the_same_numbers_changes_nothing(
    store, settings, recorder, application
):
    number = json.loads(application)["patentBag"][0]["applicationNumberText"]
    transport = recorder.transport(_serve(application, number))
    first = fetch(store, settings, "uspto", numbers=[number], transport=transport)
    before = store.rows("SELECT * FROM events ORDER BY doc_id, seq")
    second = fetch(store, settings, "uspto", numbers=[number], transport=transport)
    assert first.imported.totals["new"] == 1
    totals = second.imported.totals
    assert (totals["new"], totals["updated"], totals["unchanged"]) == (0, 0, 1)
    assert store.rows("SELECT * FROM events ORDER BY doc_id, seq") == before
    assert second.folder != first.folder  # each fetch keeps its own answers


def test_an_unknown_application_is_reported_missing(
    store, settings, recorder, application
):
    report = fetch(
        store,
        settings,
        "uspto",
        numbers=["99999999"],
        transport=recorder.transport(_serve(application, "16330077")),
    )
    assert [m.number for m in report.missing] == ["99999999"]
    assert "no application" in report.missing[0].reason
    assert report.fetched == () and store.count("patents") == 0


def test_no_api_key_names_the_setting_and_its_variable(store, settings, recorder):
    bare = settings.model_copy(update={"uspto_odp_api_key": None})
    with pytest.raises(MissingCredentialsError) as err:
        fetch(
            store,
            bare,
            "uspto",
            numbers=["16330077"],
            transport=recorder.transport(lambda r: httpx.Response(200)),
        )
    assert "PATNAV_USPTO_ODP_API_KEY" in str(err.value)
    assert err.value.setting == "uspto_odp_api_key"
    assert recorder.requests == []  # nothing was sent


def test_a_refused_key_is_an_error_that_never_shows_it(
    store, settings, recorder, caplog
):
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403,
            json={"code": 403, "error": f"Forbidden {request.headers['X-API-KEY']}"},
        )

    with pytest.raises(ExternalServiceError) as err:
        fetch(
            store,
            settings,
            "uspto",
            numbers=["16330077"],
            transport=recorder.transport(handler),
        )
    assert "PATNAV_USPTO_ODP_API_KEY" in str(err.value)
    assert KEY not in str(err.value) and KEY not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16330077", "16330077"),
        ("16/330,077", "16330077"),
        ("US16330077", "16330077"),
        ("PCT/US07/19317", "PCT/US07/19317"),
    ],
)
def test_application_numbers_in_their_written_forms(text, expected):
    assert application_number(text) == expected


def test_a_patent_number_is_refused_saying_what_the_odp_takes():
    with pytest.raises(InvalidParameterError, match="application number"):
        application_number("US10123456B2")


def test_a_set_gives_the_application_numbers_of_its_us_documents(
    store, settings, recorder, application
):
    number = json.loads(application)["patentBag"][0]["applicationNumberText"]
    fetch(
        store,
        settings,
        "uspto",
        numbers=[number],
        transport=recorder.transport(_serve(application, number)),
    )
    save_set(store, "odp", "PN=US*")
    assert set_numbers(store, "uspto", "odp") == [f"US{number}"]


def test_a_monitor_fetches_its_portfolio_numbers_the_store_does_not_hold(
    store, settings, recorder, application
):
    """``patnav fetch --monitor``: a loan's portfolio monitor names an application the
    store does not hold yet; the fetch asks for it, and the store then holds it."""
    from patnav.connectors.fetch import monitor_numbers
    from patnav.monitors import add_monitor

    number = json.loads(application)["patentBag"][0]["applicationNumberText"]
    add_monitor(
        store,
        "贷后组合",
        target_kind="numbers",
        numbers=[f"US{number}"],
        rules=["event"],
    )
    assert monitor_numbers(store, "uspto", "贷后组合") == [f"US{number}"]
    report = fetch(
        store,
        settings,
        "uspto",
        monitor="贷后组合",
        transport=recorder.transport(_serve(application, number)),
    )
    assert report.ok
    assert [r.url.path for r in recorder.requests] == [
        f"/api/v1/patent/applications/{number}"
    ]
    held = store.scalar(
        "SELECT count(*) FROM patents WHERE app_number = ?", [f"US{number}"]
    )
    assert held >= 1
    # held now: the monitor's target gives it from the store, once
    assert monitor_numbers(store, "uspto", "贷后组合") == [f"US{number}"]
