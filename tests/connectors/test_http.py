"""The shared HTTP client: retries with back-off honouring Retry-After, a rate limit,
fail-fast without network, and messages that never hold a credential. No real waiting:
the client's sleep and clock are fakes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from patnav.connectors.http import HttpClient, RetryPolicy, retry_after_s
from patnav.errors import ExternalServiceError
from tests.connectors.conftest import KEY

URL = "https://api.example.org/v1/thing"


def _client(recorder, fake_time, handler, **policy) -> HttpClient:
    return HttpClient(
        "Example",
        RetryPolicy(**{"interval_s": 0.0, **policy}),
        transport=recorder.transport(handler),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )


def _answers(*responses: httpx.Response):
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        return queue.pop(0)

    return handler


def test_a_429_is_retried_after_the_seconds_retry_after_asks(recorder, fake_time):
    handler = _answers(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, text="ok"),
    )
    with _client(recorder, fake_time, handler, backoff_s=1.0) as client:
        response = client.request("GET", URL)
    assert response.status_code == 200
    assert len(recorder.requests) == 2 == client.requests
    assert fake_time.slept == [7.0]  # Retry-After beats the 1 s back-off


def test_a_retry_after_date_is_honoured():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_s(later, now) == 90
    assert retry_after_s("soon", now) is None
    assert retry_after_s(None) is None


def test_503s_are_retried_with_exponential_back_off(recorder, fake_time):
    handler = _answers(
        httpx.Response(503),
        httpx.Response(503),
        httpx.Response(502),
        httpx.Response(200),
    )
    with _client(recorder, fake_time, handler, backoff_s=0.5, retries=4) as client:
        assert client.request("GET", URL).status_code == 200
    assert len(recorder.requests) == 4
    assert fake_time.slept == [0.5, 1.0, 2.0]


def test_retries_run_out_with_a_clear_error(recorder, fake_time):
    handler = _answers(*[httpx.Response(503) for _ in range(3)])
    with (
        _client(recorder, fake_time, handler, retries=2) as client,
        pytest.raises(ExternalServiceError) as err,
    ):
        client.request("GET", URL)
    assert len(recorder.requests) == 3
    assert "HTTP 503 after 3 attempts" in str(err.value)
    assert err.value.service == "Example"


def test_a_wait_longer_than_allowed_ends_the_fetch_without_sleeping(
    recorder, fake_time
):
    handler = _answers(httpx.Response(429, headers={"Retry-After": "3600"}))
    with (
        _client(recorder, fake_time, handler, max_wait_s=120) as client,
        pytest.raises(ExternalServiceError, match="asks to wait 3600 s"),
    ):
        client.request("GET", URL)
    assert fake_time.slept == []
    assert len(recorder.requests) == 1


def test_a_timeout_is_retried(recorder, fake_time):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200)

    with _client(recorder, fake_time, handler, backoff_s=2.0) as client:
        assert client.request("GET", URL).status_code == 200
    assert len(calls) == 2
    assert fake_time.slept == [2.0]


def test_no_network_fails_at_once_with_a_clear_message(recorder, fake_time):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    with (
        _client(recorder, fake_time, handler, retries=5) as client,
        pytest.raises(ExternalServiceError) as err,
    ):
        client.request("GET", URL)
    assert len(recorder.requests) == 1  # no retry: there is no network to wait for
    assert fake_time.slept == []
    message = str(err.value)
    assert "Cannot reach Example at api.example.org/v1/thing" in message
    assert "network" in message


def test_requests_keep_the_minimum_interval(recorder, fake_time):
    handler = _answers(*[httpx.Response(200) for _ in range(3)])
    with _client(recorder, fake_time, handler, interval_s=1.5) as client:
        client.request("GET", URL)
        fake_time.now += 0.5  # the caller spent half a second
        client.request("GET", URL)
        client.request("GET", URL)
    assert fake_time.slept == [1.0, 1.5]


def test_credentials_are_scrubbed_from_errors_and_never_logged(
    recorder, fake_time, caplog
):
    # a service that echoes the key it was sent in its error page
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text=f"bad key {request.headers['X-API-KEY']}")

    caplog.set_level(logging.DEBUG)
    client = _client(recorder, fake_time, handler, retries=1)
    client.add_secrets([KEY])
    with client, pytest.raises(ExternalServiceError) as err:
        client.request("GET", URL, headers={"X-API-KEY": KEY})
    assert recorder.requests[0].headers["X-API-KEY"] == KEY  # it was sent…
    assert KEY not in str(err.value)  # …and is nowhere else
    assert KEY not in caplog.text
    assert client.scrub(f"echo {KEY}!") == "echo ***!"


def test_a_connection_broken_mid_answer_is_retried(recorder, fake_time):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(200)

    with _client(recorder, fake_time, handler, backoff_s=1.0) as client:
        assert client.request("GET", URL).status_code == 200
    assert len(calls) == 2 and fake_time.slept == [1.0]


def test_a_connect_timeout_fails_at_once(recorder, fake_time):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with (
        _client(recorder, fake_time, handler, retries=4) as client,
        pytest.raises(ExternalServiceError, match="Cannot reach Example"),
    ):
        client.request("GET", URL)
    assert len(recorder.requests) == 1 and fake_time.slept == []
