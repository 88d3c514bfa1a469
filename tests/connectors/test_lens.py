"""Lens.org patent API, offline.

NO REAL LENS API ANSWER IS RECORDED in the data folder (only Lens CSV exports are). The
answer below was WRITTEN BY HAND for these tests, in the shape Lens documents for
``POST /patent/search`` (docs.api.lens.org, "Patent Response"): it is not a recording
and proves only that the connector and its reader follow that documented shape.
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import date

import httpx
import pytest

from patnav.connectors.fetch import fetch
from patnav.connectors.lens import BATCH, lens_number
from patnav.errors import (
    ExternalServiceError,
    InvalidParameterError,
    MissingCredentialsError,
)
from tests.connectors.conftest import LENS_TOKEN

# WRITTEN BY HAND (see the module docstring), not recorded from Lens.
HAND_WRITTEN_ITEM = {
    "lens_id": "000-111-222-333-444",
    "jurisdiction": "EP",
    "doc_number": "1000000",
    "kind": "A1",
    "date_published": "2000-05-17",
    "lang": "en",
    "biblio": {
        "publication_reference": {
            "jurisdiction": "EP",
            "doc_number": "1000000",
            "kind": "A1",
            "date": "2000-05-17",
        },
        "application_reference": {
            "jurisdiction": "EP",
            "doc_number": "99203729",
            "date": "1999-11-08",
        },
        "priority_claims": {
            "claims": [
                {"jurisdiction": "NL", "doc_number": "1010536", "date": "1998-11-12"}
            ],
            "earliest_claim": {"date": "1998-11-12"},
        },
        "invention_title": [
            {"text": "Vorrichtung zur Herstellung", "lang": "de"},
            {"text": "Apparatus for manufacturing green bricks", "lang": "en"},
        ],
        "parties": {
            "applicants": [
                {
                    "residence": "NL",
                    "extracted_name": {"value": "Example Applicant B.V."},
                }
            ],
            "inventors": [{"extracted_name": {"value": "Jansen, Piet"}}],
        },
        "classifications_ipcr": {"classifications": [{"symbol": "B28B7/00"}]},
        "classifications_cpc": {"classifications": [{"symbol": "B28B7/0002"}]},
        "cited_by": {"patent_count": 3},
    },
    "abstract": [{"text": "An apparatus for bricks.", "lang": "en"}],
    "legal_status": {"patent_status": "EXPIRED", "grant_date": "2003-02-12"},
}


def _answer(items: list[dict], total: int | None = None) -> bytes:
    return json.dumps(
        {
            "total": len(items) if total is None else total,
            "data": items,
            "results": len(items),
        }
    ).encode()


def _lens(items: list[dict], total: int | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_answer(items, total))

    return handler


def test_numbers_are_asked_in_one_search_with_the_bearer_token(
    store, settings, recorder
):
    report = fetch(
        store,
        settings,
        "lens",
        numbers=["EP1000000A1", "EP9999999"],
        transport=recorder.transport(_lens([HAND_WRITTEN_ITEM])),
    )
    (request,) = recorder.requests
    assert (request.method, str(request.url)) == (
        "POST",
        "https://api.lens.org/patent/search",
    )
    assert request.headers["Authorization"] == f"Bearer {LENS_TOKEN}"
    body = json.loads(request.content)
    should = body["query"]["bool"]["should"]
    assert should[0] == {
        "bool": {
            "must": [
                {"term": {"jurisdiction": "EP"}},
                {"term": {"doc_number": "1000000"}},
            ]
        }
    }
    assert len(should) == 2 and body["size"] >= 2
    assert [m.number for m in report.missing] == ["EP9999999"]


def test_the_hand_written_answer_fills_the_store(store, settings, recorder):
    report = fetch(
        store,
        settings,
        "lens",
        numbers=["EP1000000"],
        transport=recorder.transport(_lens([HAND_WRITTEN_ITEM])),
    )
    assert report.ok
    item = HAND_WRITTEN_ITEM
    row = store.rows(
        "SELECT pub_number, app_number, pub_date, title, legal_status_raw, "
        "cited_by_count, source_key, ipc_main FROM patents"
    )
    assert row == [
        (
            "EP1000000A1",
            "EP99203729",
            date(2000, 5, 17),
            item["biblio"]["invention_title"][1]["text"],  # the English title
            "EXPIRED",
            3,
            item["lens_id"],
            "B28B7/00",
        )
    ]
    names = store.rows("SELECT role, name FROM parties ORDER BY role")
    assert names == [
        ("applicant", "Example Applicant B.V."),
        ("inventor", "Jansen, Piet"),
    ]
    assert store.scalar("SELECT format FROM imports") == "lens-api"


def test_a_search_is_paged_up_to_the_limit(store, settings, recorder):
    items = []
    for n in range(5):
        item = copy.deepcopy(HAND_WRITTEN_ITEM)
        item["doc_number"] = str(1000000 + n)
        item["lens_id"] = f"000-111-222-333-{n:03d}"
        items.append(item)
    pages = {0: items[:2], 2: items[2:4], 4: items[4:]}

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["query"] == {"query_string": {"query": "title:brick"}}
        return httpx.Response(200, content=_answer(pages[body["from"]], total=5))

    limited = settings.model_copy(update={"fetch_max_results": 4})
    report = fetch(
        store,
        limited,
        "lens",
        query="title:brick",
        transport=recorder.transport(handler),
    )
    asked = [json.loads(r.content) for r in recorder.requests]
    assert [(b["from"], b["size"]) for b in asked] == [(0, 4), (2, 2)]
    assert store.count("patents") == 4
    assert len(report.fetched) == 2


def test_a_429_waits_as_lens_asks(store, settings, recorder, fake_time):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(
                429, headers={"x-rate-limit-retry-after-seconds": "12"}
            )
        return httpx.Response(200, content=_answer([HAND_WRITTEN_ITEM]))

    fetch(
        store,
        settings,
        "lens",
        numbers=["EP1000000"],
        transport=recorder.transport(handler),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    assert len(calls) == 2 and fake_time.slept == [12.0]


def test_many_numbers_are_asked_in_batches(store, settings, recorder):
    numbers = [f"EP{2000000 + n}" for n in range(BATCH + 3)]
    fetch(
        store,
        settings,
        "lens",
        numbers=numbers,
        transport=recorder.transport(_lens([])),
    )
    sizes = [
        len(json.loads(r.content)["query"]["bool"]["should"]) for r in recorder.requests
    ]
    assert sizes == [BATCH, 3]


def test_no_token_names_the_setting(store, settings, recorder):
    bare = settings.model_copy(update={"lens_token": None})
    with pytest.raises(MissingCredentialsError, match="PATNAV_LENS_TOKEN"):
        fetch(
            store,
            bare,
            "lens",
            numbers=["EP1000000"],
            transport=recorder.transport(_lens([])),
        )


def test_a_refused_token_never_shows(store, settings, recorder, caplog):
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, text=request.headers["Authorization"])

    with pytest.raises(ExternalServiceError) as err:
        fetch(
            store,
            settings,
            "lens",
            numbers=["EP1000000"],
            transport=recorder.transport(handler),
        )
    assert "PATNAV_LENS_TOKEN" in str(err.value)
    assert LENS_TOKEN not in str(err.value) and LENS_TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EP1000000A1", "EP1000000"),
        ("US 2006/0142694 A1", "US20060142694"),
        ("US20060142694A1", "US20060142694"),
    ],
)
def test_lens_numbers_keep_the_digits_lens_writes(text, expected):
    assert lens_number(text) == expected


def test_numbers_and_a_query_together_are_refused(store, settings, recorder):
    with pytest.raises(InvalidParameterError, match="not both"):
        fetch(
            store,
            settings,
            "lens",
            numbers=["EP1000000"],
            query="title:brick",
            transport=recorder.transport(_lens([])),
        )
    assert recorder.requests == []
