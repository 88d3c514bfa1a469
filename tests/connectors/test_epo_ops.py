"""EPO OPS, offline: OAuth2 client credentials (token endpoint, cached token, renewed
once on 401), the published REST paths, and the recorded real answers imported: what
the store holds is checked against the recorded XML read here with lxml."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import parse_qs

import httpx
import pytest
from lxml import etree

from patnav.connectors.epo_ops import epodoc_number
from patnav.connectors.fetch import fetch
from patnav.errors import ExternalServiceError, MissingCredentialsError
from patnav.schema.numbers import normalize_pub_number
from tests.connectors.conftest import EPO_KEY, EPO_SECRET

OPS = "/3.2/rest-services"
NS = {"ops": "http://ops.epo.org", "ex": "http://www.epo.org/exchange"}
# OPS's fault answer for an unknown number, written here in the shape OPS documents
# (not a recorded file)
FAULT = (
    b'<?xml version="1.0" encoding="UTF-8"?><fault xmlns="http://ops.epo.org">'
    b"<code>SERVER.EntityNotFound</code><message>No results found</message></fault>"
)


class Ops:
    """A mock OPS: a token endpoint and the recorded answers by path."""

    def __init__(self, answers: dict[str, bytes], *, expires_in: str = "1199"):
        self.answers = answers
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.refuse: set[str] = set()
        """Tokens answered 401 (expired early)."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/3.2/auth/accesstoken":
            token = f"tok-{len(self.issued) + 1}-abcdef"
            self.issued.append(token)
            return httpx.Response(
                200,
                json={
                    "access_token": token,
                    "token_type": "BearerToken",
                    "expires_in": self.expires_in,
                    "client_id": EPO_KEY,
                    "status": "approved",
                },
            )
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.issued or token in self.refuse:
            return httpx.Response(
                401, text="<fault><code>CLIENT.InvalidAccessToken</code></fault>"
            )
        if request.url.path in self.answers:
            return httpx.Response(200, content=self.answers[request.url.path])
        return httpx.Response(404, content=FAULT)


@pytest.fixture
def biblios(api) -> dict[str, bytes]:
    folder = api / "epo-ops" / "published"
    return {
        f"{OPS}/published-data/publication/epodoc/AU2013290010/biblio": (
            folder / "biblio_example_3.xml"
        ).read_bytes(),
        f"{OPS}/published-data/publication/epodoc/US2006142694/biblio": (
            folder / "biblio_example.xml"
        ).read_bytes(),
    }


@pytest.fixture
def ep1000000(api) -> dict[str, bytes]:
    return {
        f"{OPS}/legal/publication/epodoc/EP1000000": (
            api / "epo-ops" / "legal" / "example_1.xml"
        ).read_bytes(),
        f"{OPS}/family/publication/epodoc/EP1000000": (
            api / "epo-ops" / "family" / "family_input.xml"
        ).read_bytes(),
    }


def test_the_token_is_asked_with_client_credentials_and_sent_as_bearer(
    store, settings, recorder, biblios
):
    ops = Ops(biblios)
    fetch(
        store,
        settings,
        "epo",
        numbers=["AU2013290010A1", "US 2006142694 A1"],
        what=["biblio"],
        transport=recorder.transport(ops),
    )
    token_request, *gets = recorder.requests
    assert token_request.method == "POST"
    assert token_request.url == "https://ops.epo.org/3.2/auth/accesstoken"
    basic = base64.b64encode(f"{EPO_KEY}:{EPO_SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {basic}"
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"]
    }
    # one token for both numbers: it is cached until it expires
    assert ops.issued == ["tok-1-abcdef"]
    assert [r.url.path for r in gets] == list(biblios)
    assert all(r.headers["Authorization"] == "Bearer tok-1-abcdef" for r in gets)


def test_biblio_answers_fill_the_store_as_the_recorded_xml_says(
    store, settings, recorder, biblios
):
    report = fetch(
        store,
        settings,
        "epo",
        numbers=["AU2013290010", "US2006142694"],
        what=["biblio"],
        transport=recorder.transport(Ops(biblios)),
    )
    assert report.ok and not report.missing
    for content in biblios.values():
        doc = etree.fromstring(content).find(".//ex:exchange-document", NS)
        pub = normalize_pub_number(
            doc.get("country") + doc.get("doc-number") + doc.get("kind")
        )
        title = doc.find(".//ex:invention-title[@lang='en']", NS)
        row = store.rows(
            "SELECT family_id, title FROM patents WHERE pub_number = ?", [pub]
        )
        assert row == [(doc.get("family-id"), " ".join(title.text.split()))]
    assert sorted(p.name for p in report.folder.iterdir()) == [
        "AU2013290010.biblio.xml",
        "US2006142694.biblio.xml",
    ]


def test_legal_and_family_answers_fill_events_and_the_family(
    store, settings, recorder, ep1000000
):
    report = fetch(
        store,
        settings,
        "epo",
        numbers=["EP1000000A1"],
        what=["legal", "family"],
        transport=recorder.transport(Ops(ep1000000)),
    )
    assert report.ok
    legal = etree.fromstring(ep1000000[f"{OPS}/legal/publication/epodoc/EP1000000"])
    assert (
        store.scalar("SELECT count(*) FROM events")
        == len(legal.findall(".//ops:legal", NS))
        > 0
    )
    for member in legal.iterfind(".//ops:family-member", NS):
        ref = member.find(
            "ex:publication-reference/ex:document-id[@document-id-type='docdb']", NS
        )
        pub = "".join(
            ref.findtext(f"ex:{t}", namespaces=NS)
            for t in ("country", "doc-number", "kind")
        )
        expected = len(member.findall("ops:legal", NS))
        stored = store.scalar("SELECT count(*) FROM events WHERE doc_id = ?", [pub])
        assert stored == expected, pub
    family = etree.fromstring(ep1000000[f"{OPS}/family/publication/epodoc/EP1000000"])
    members = {
        "".join(
            ref.findtext(f"ex:{t}", namespaces=NS)
            for t in ("country", "doc-number", "kind")
        ): m.get("family-id")
        for m in family.iterfind("ops:patent-family/ops:family-member", NS)
        for ref in m.iterfind(
            "ex:publication-reference/ex:document-id[@document-id-type='docdb']", NS
        )
    }
    assert len(members) == 6
    stored = dict(store.rows("SELECT pub_number, family_id FROM patents"))
    assert {k: stored.get(k) for k in members} == members


def test_a_401_renews_the_token_once(store, settings, recorder, biblios):
    ops = Ops(biblios)
    ops.refuse.add("tok-1-abcdef")  # the first token is refused as expired
    report = fetch(
        store,
        settings,
        "epo",
        numbers=["AU2013290010"],
        what=["biblio"],
        transport=recorder.transport(ops),
    )
    assert report.ok and len(report.fetched) == 1
    assert ops.issued == ["tok-1-abcdef", "tok-2-abcdef"]
    assert (
        recorder.paths("GET")
        == [f"{OPS}/published-data/publication/epodoc/AU2013290010/biblio"] * 2
    )


def test_a_second_401_ends_the_fetch(store, settings, recorder, biblios):
    ops = Ops(biblios)
    ops.refuse.update({"tok-1-abcdef", "tok-2-abcdef"})
    with pytest.raises(ExternalServiceError, match="HTTP 401"):
        fetch(
            store,
            settings,
            "epo",
            numbers=["AU2013290010"],
            what=["biblio"],
            transport=recorder.transport(ops),
        )
    assert len(ops.issued) == 2 and len(recorder.paths("GET")) == 2


def test_an_expired_token_is_renewed_before_the_request(
    store, settings, recorder, biblios, fake_time
):
    ops = Ops(biblios, expires_in="120")

    def slow(request: httpx.Request) -> httpx.Response:
        fake_time.now += 100  # every answer takes 100 s: the token (120 s) expires
        return ops(request)

    fetch(
        store,
        settings,
        "epo",
        numbers=["AU2013290010", "US2006142694"],
        what=["biblio"],
        transport=recorder.transport(slow),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    assert len(ops.issued) == 2
    assert [r.method for r in recorder.requests] == ["POST", "GET", "POST", "GET"]


def test_an_unknown_number_is_missing_and_the_others_import(
    store, settings, recorder, biblios
):
    report = fetch(
        store,
        settings,
        "epo",
        numbers=["EP9999999", "AU2013290010"],
        what=["biblio"],
        transport=recorder.transport(Ops(biblios)),
    )
    assert [(m.number, m.what) for m in report.missing] == [("EP9999999", "biblio")]
    assert store.count("patents") == 1


def test_credentials_and_tokens_never_reach_logs_or_errors(
    store, settings, recorder, caplog
):
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("accesstoken"):
            return httpx.Response(
                200, json={"access_token": "tok-SECRET-99", "expires_in": "1199"}
            )
        # a quota refusal that echoes what it was sent
        return httpx.Response(
            403,
            headers={"X-Rejection-Reason": "IndividualQuotaPerHour"},
            text=f"{request.headers['Authorization']} {EPO_KEY}",
        )

    with pytest.raises(ExternalServiceError) as err:
        fetch(
            store,
            settings,
            "epo",
            numbers=["EP1000000"],
            transport=recorder.transport(handler),
        )
    message = str(err.value)
    assert "IndividualQuotaPerHour" in message
    for secret in (EPO_KEY, EPO_SECRET, "tok-SECRET-99"):
        assert secret not in message and secret not in caplog.text


def test_missing_secret_names_its_setting(store, settings, recorder):
    bare = settings.model_copy(update={"epo_ops_secret": None})
    with pytest.raises(MissingCredentialsError, match="PATNAV_EPO_OPS_SECRET"):
        fetch(
            store,
            bare,
            "epo",
            numbers=["EP1000000"],
            transport=recorder.transport(Ops({})),
        )
    assert recorder.requests == []


def test_no_network_fails_fast(store, settings, recorder, fake_time):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 101] Network is unreachable")

    with pytest.raises(
        ExternalServiceError, match=r"Cannot reach EPO OPS at ops\.epo\.org"
    ):
        fetch(
            store,
            settings,
            "epo",
            numbers=["EP1000000"],
            transport=recorder.transport(handler),
            sleep=fake_time.sleep,
        )
    assert len(recorder.requests) == 1 and fake_time.slept == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EP1000000A1", "EP1000000"),
        ("ep 1000000 b1", "EP1000000"),
        ("WO2019123456A1", "WO2019123456"),
        ("US20060142694A1", "US2006142694"),
        ("US10123456B2", "US10123456"),
    ],
)
def test_epodoc_numbers(text, expected):
    assert epodoc_number(text) == expected


def test_the_token_answer_is_not_kept(store, settings, recorder, biblios):
    report = fetch(
        store,
        settings,
        "epo",
        numbers=["AU2013290010"],
        what=["biblio"],
        transport=recorder.transport(Ops(biblios)),
    )
    kept = b"".join(p.read_bytes() for p in report.folder.iterdir())
    assert b"access_token" not in kept and EPO_KEY.encode() not in kept
    assert json.dumps(report.to_dict()).find("tok-1") == -1


def test_a_second_fetch_of_legal_and_family_changes_nothing(
    store, settings, recorder, ep1000000
):
    transport = recorder.transport(Ops(ep1000000))
    ask = {
        "numbers": ["EP1000000"],
        "what": ["legal", "family"],
        "transport": transport,
    }
    fetch(store, settings, "epo", **ask)
    tables = ("patents", "events", "priorities", "parties")
    before = {
        t: store.rows(f"SELECT * EXCLUDE (doc_id) FROM {t} ORDER BY ALL")
        for t in tables[1:]
    }
    before["patents"] = store.rows(
        "SELECT pub_number, family_id, app_number FROM patents ORDER BY 1"
    )
    second = fetch(store, settings, "epo", **ask)
    totals = second.imported.totals
    assert (totals["new"], totals["updated"]) == (0, 0) and totals["unchanged"] > 0
    after = {
        t: store.rows(f"SELECT * EXCLUDE (doc_id) FROM {t} ORDER BY ALL")
        for t in tables[1:]
    }
    after["patents"] = store.rows(
        "SELECT pub_number, family_id, app_number FROM patents ORDER BY 1"
    )
    assert after == before


def test_a_quota_refusal_half_way_keeps_and_imports_what_arrived(
    store, settings, recorder, biblios
):
    ops = Ops(biblios)

    def handler(request: httpx.Request) -> httpx.Response:
        if "US2006142694" in request.url.path:
            return httpx.Response(
                403, headers={"X-Rejection-Reason": "IndividualQuotaPerHour"}
            )
        return ops(request)

    report = fetch(
        store,
        settings,
        "epo",
        numbers=["AU2013290010", "US2006142694"],
        what=["biblio"],
        transport=recorder.transport(handler),
    )
    assert not report.ok and "IndividualQuotaPerHour" in (report.stopped or "")
    assert [f.number for f in report.fetched] == ["AU2013290010"]
    assert store.rows("SELECT pub_number FROM patents") == [("AU2013290010A1",)]
    assert report.to_dict()["stopped"] == report.stopped
