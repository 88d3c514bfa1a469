"""The one HTTP client of patnav: timeouts, retries with back-off, a rate limit, and
messages that never hold a credential.

Every connector sends its requests through :class:`HttpClient`:

* **timeouts**: ``fetch_timeout_s`` to connect and for each read;
* **retries**: a 429, a 500/502/503/504 or a timeout is tried again up to
  ``fetch_retries`` times, after ``fetch_backoff_s`` × 2\\ :sup:`n` seconds, or after
  what the service's ``Retry-After`` header asks (seconds or an HTTP date) when that is
  longer; a wait over ``fetch_max_wait_s`` ends the fetch with a message saying when to
  try again instead of sleeping for an hour;
* **rate limit**: at least ``fetch_interval_s`` between two requests to the service;
* **no network**: a connection that cannot be made (no route, DNS failure, refused,
  no answer to the connection within the timeout) fails at once, without retries, with
  a message naming the service and its host; a connection broken mid-answer is retried;
* **credentials** travel in headers only (never in a URL), are never logged, and every
  message is scrubbed of them (:meth:`HttpClient.scrub`) before it is raised: a server
  that echoes a key in its error page cannot leak it.

The clock and the sleep are parameters, so tests wait for nothing. ``httpx`` is imported
here and in no other module of patnav outside :mod:`patnav.connectors`: nothing else
in patnav reaches the network (a test checks the sources).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from patnav.config import Settings
from patnav.errors import ExternalServiceError, excerpt

log = logging.getLogger("patnav.connectors")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers that mean "not now": the request is tried again after a wait."""

USER_AGENT = "patnav (patent navigation; https://github.com/patnav)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry, from the settings."""

    timeout_s: float = 30.0
    retries: int = 4
    backoff_s: float = 1.0
    max_wait_s: float = 120.0
    interval_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy the ``fetch_*`` settings describe."""
        return cls(
            timeout_s=settings.fetch_timeout_s,
            retries=settings.fetch_retries,
            backoff_s=settings.fetch_backoff_s,
            max_wait_s=settings.fetch_max_wait_s,
            interval_s=settings.fetch_interval_s,
        )


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (``120`` or an HTTP date), or None
    when there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class HttpClient:
    """Requests to one service, with the policy of the module docstring.

    Args:
        service: the service's name in messages (``EPO OPS``).
        policy: timeouts, retries, back-off and rate limit.
        transport: an ``httpx`` transport; tests give an ``httpx.MockTransport``.
        sleep, clock: ``time.sleep`` and ``time.monotonic`` unless a test fakes them.
        secrets: credential values scrubbed from every message.
    """

    service: str
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    secrets: list[str] = field(default_factory=list)
    retry_headers: tuple[str, ...] = ("Retry-After",)
    """Headers that say how long to wait before retrying (the first one sent counts)."""
    requests: int = 0
    """Requests sent so far (retries included)."""
    _last: float | None = field(default=None, init=False, repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        timeout = httpx.Timeout(self.policy.timeout_s)
        self._client = httpx.Client(
            transport=self.transport,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connections."""
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_secrets(self, values: Iterable[str]) -> None:
        """Scrub these values too from every message (a token received at run time)."""
        self.secrets.extend(v for v in values if v)

    def scrub(self, text: str) -> str:
        """``text`` with every credential replaced by ``***``."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def fail(self, message: str) -> ExternalServiceError:
        """An :class:`ExternalServiceError` whose message is scrubbed."""
        return ExternalServiceError(self.service, self.scrub(message))

    def _throttle(self) -> None:
        if self._last is not None and self.policy.interval_s > 0:
            wait = self._last + self.policy.interval_s - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request, retrying as the policy says; the final answer is returned
        whatever its status (the connector decides what a 404 or a 401 means).

        Raises:
            ExternalServiceError: no connection could be made, the retries ran out, or
                the service asked for a wait over ``fetch_max_wait_s``.
        """
        assert self._client is not None
        where = _where(url)
        attempt = 0
        while True:
            self._throttle()
            self.requests += 1
            try:
                response = self._client.request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    data=data,
                    json=json,
                    auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # no network, no route, DNS failure, refused: waiting will not help
                raise self.fail(
                    f"Cannot reach {self.service} at {where}: "
                    f"{excerpt(str(exc) or type(exc).__name__, 200)}. Check the network "
                    "connection (and a proxy, HTTPS_PROXY); patnav fetch needs one."
                ) from None
            except httpx.TimeoutException as exc:
                reason = f"no answer within {self.policy.timeout_s:g} s ({type(exc).__name__})"
                response = None
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                # connected, then cut off mid-answer: tried again like a 503
                reason = f"connection broken ({type(exc).__name__})"
                response = None
            except httpx.HTTPError as exc:
                raise self.fail(
                    f"{self.service} request to {where} failed: "
                    f"{type(exc).__name__}: {excerpt(str(exc), 200)}"
                ) from None
            if response is not None:
                log.info(
                    "%s %s %s -> %s", self.service, method, where, response.status_code
                )
                if response.status_code not in RETRY_STATUSES:
                    return response
                reason = f"HTTP {response.status_code}"
            if attempt >= self.policy.retries:
                raise self.fail(
                    f"{self.service} at {where} still answers {reason} after "
                    f"{attempt + 1} attempts: the service is busy or down. Try again "
                    "later (fetch_retries sets how often patnav retries)."
                )
            wait = self.policy.backoff_s * 2**attempt
            asked = None
            if response is not None:
                for header in self.retry_headers:
                    asked = retry_after_s(response.headers.get(header))
                    if asked is not None:
                        break
            if asked is not None:
                wait = max(wait, asked)
            if wait > self.policy.max_wait_s:
                raise self.fail(
                    f"{self.service} asks to wait {wait:.0f} s before the next request "
                    f"({reason}), longer than fetch_max_wait_s "
                    f"({self.policy.max_wait_s:g} s): its quota is used up for now. "
                    "Try again later."
                )
            log.info(
                "%s %s: %s, retry %d of %d in %.1f s",
                self.service,
                where,
                reason,
                attempt + 1,
                self.policy.retries,
                wait,
            )
            self.sleep(wait)
            attempt += 1


def _where(url: str) -> str:
    """The host and path of a URL, without its query (which could hold a value a user
    considers private), for messages and logs."""
    parsed = httpx.URL(url)
    return f"{parsed.host}{parsed.path}"


def error_detail(response: httpx.Response) -> str:
    """A short quote of an error answer's body, for a message (scrubbed by the caller)."""
    try:
        text = response.text
    except (UnicodeDecodeError, httpx.HTTPError):
        return ""
    return excerpt(" ".join(text.split()), 200) if text.strip() else ""
