"""Offline fixtures of the connector tests: the recorded real answers, a mock transport
that serves them for the addresses a connector builds (and records every request),
fake time, and settings with made-up credentials in a temporary fetch folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from patnav.config import Settings

# made-up credentials: distinctive, so a leak into a log or a message is found
KEY = "odp-KEY-7f3c9a1b2e"
EPO_KEY = "ops-CONSUMER-5d8e2f"
EPO_SECRET = "ops-SECRET-91ab44c0"
LENS_TOKEN = "lens-TOKEN-0c7e6d5a"
CREDENTIALS = (KEY, EPO_KEY, EPO_SECRET, LENS_TOKEN)

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Recorder:
    """A mock transport's log: every request it was sent, in order."""

    requests: list[httpx.Request] = field(default_factory=list)

    def transport(self, handler: Handler) -> httpx.MockTransport:
        def record(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            return handler(request)

        return httpx.MockTransport(record)

    def paths(self, method: str | None = None) -> list[str]:
        return [
            r.url.path for r in self.requests if method is None or r.method == method
        ]


@dataclass
class FakeTime:
    """A clock that moves only when the code sleeps (or a test moves it)."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def api(data_dir) -> Path:
    """The recorded real answers of the office APIs."""
    return data_dir / "formats" / "api-responses"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings with made-up credentials, no rate-limit wait, a temporary fetch folder;
    the service addresses are the defaults (the mock transport answers them)."""
    return Settings(
        fetch_dir=tmp_path / "fetches",
        fetch_interval_s=0,
        uspto_odp_api_key=SecretStr(KEY),
        epo_ops_key=SecretStr(EPO_KEY),
        epo_ops_secret=SecretStr(EPO_SECRET),
        lens_token=SecretStr(LENS_TOKEN),
    )
