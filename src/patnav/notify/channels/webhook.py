"""Signed webhooks: an alert POSTed as JSON to a URL a user configured.

The body is the JSON object ``{"type": "patnav.alert", "alert": {...}}`` (the alert in
the monitors' dict shape), UTF-8. The header ::

    X-Patnav-Signature: t=1765094400,v1=5f0c…(64 hex digits)

carries the Unix time the request was signed at (``t``) and the HMAC-SHA256, keyed with
the subscription's secret, of ``"<t>." + raw body`` (``v1``, lower-case hex). A receiver
recomputes it over the raw bytes it received — before parsing the JSON — compares in
constant time, and refuses a timestamp more than five minutes away from its clock
(replays): :func:`verify_signature` does exactly that.

A 5xx answer, a timeout or a failed connection is tried again after 1, 2, 4 … seconds
(``PATNAV_WEBHOOK_ATTEMPTS`` attempts in all); a 4xx answer is not (the receiver refused
the request, it will refuse it again), nor a redirect (followed never: the URL is the one
the user configured). A URL whose host is a loopback, private or link-local address is
refused unless ``PATNAV_WEBHOOK_PRIVATE_ADDRESSES`` allows a receiver on the internal
network. Webhooks and e-mails are the only network calls patnav makes
besides the connectors that fetch data, and they go only to addresses users configured.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from patnav.config import Settings
from patnav.errors import DeliveryError, InvalidParameterError, excerpt
from patnav.notify.alert import Alert

SIGNATURE_HEADER = "X-Patnav-Signature"
TOLERANCE_S = 300
"""How far a signature's timestamp may be from the receiver's clock."""
USER_AGENT = "patnav-webhook/1"


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host, stripped.

    Raises:
        InvalidParameterError: another scheme, no host, or a line break in it.
    """
    value = url.strip()
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError:
        parts = urlsplit("")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c in value for c in "\r\n\t ")
    ):
        raise InvalidParameterError(
            f"{excerpt(url)} is no webhook URL: give an http:// or https:// address "
            "such as https://example.cn/patnav/alerts."
        )
    return value


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_public(url: str) -> None:
    """Refuse a URL whose host is (or resolves to) a loopback, private, link-local or
    otherwise non-public address, unless ``PATNAV_WEBHOOK_PRIVATE_ADDRESSES`` allows
    them: a subscription must not make patnav probe its own network (the cloud
    metadata service at 169.254.169.254, an admin port on 127.0.0.1).

    Raises:
        DeliveryError: the host is not public (not retryable), or it cannot be
            resolved (retryable).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise DeliveryError(
            "webhook",
            f"{redact_url(url)}: the host cannot be resolved ({excerpt(str(exc), 80)})",
            retryable=True,
        ) from None
    private = sorted(
        {str(info[4][0]) for info in found if not _is_public(str(info[4][0]))}
    )
    if private:
        raise DeliveryError(
            "webhook",
            f"{redact_url(url)} is a loopback, private or link-local address "
            f"({', '.join(private[:3])}); webhooks go to public addresses unless "
            "PATNAV_WEBHOOK_PRIVATE_ADDRESSES=true allows a receiver on the internal "
            "network",
        )


def redact_url(url: str) -> str:
    """``url`` cut to its scheme, host and port, for messages and logs: many receivers
    put a token in the path or query (``/hooks/T0/B0/xyz``), which is a secret too."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    rest = "/…" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def payload(alert: Alert) -> bytes:
    """The request body for one alert: compact JSON, UTF-8, keys sorted."""
    body = {"type": "patnav.alert", "alert": alert.to_dict()}
    return json.dumps(
        body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for ``body`` signed at ``timestamp`` (Unix s)."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    tolerance_s: float = TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """Whether ``header`` is a valid signature of the raw ``body`` with ``secret``,
    made within ``tolerance_s`` seconds of ``now`` (default: the current time).

    Any ``v1`` entry of the header may match (a sender rotating secrets may send two).
    """
    if not header or not secret:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, c.lower()) for c in candidates)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as what it is (a 3xx): the request goes only to the URL
    the user configured."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """A delivered webhook: the receiver's status code and how many attempts it took."""

    status: int
    attempts: int


class WebhookSender:
    """POSTs signed bodies, trying again with back-off on 5xx answers and timeouts.

    ``sleep`` and ``clock`` are replaceable so tests need not wait.
    """

    def __init__(
        self,
        *,
        timeout_s: float = 10.0,
        attempts: int = 4,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        allow_private: bool = False,
    ) -> None:
        self.allow_private = allow_private
        self.timeout_s = timeout_s
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.clock = clock
        self._opener = urllib.request.build_opener(_NoRedirect)

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookSender:
        """A sender with the settings' timeout and attempts."""
        return cls(
            timeout_s=settings.webhook_timeout_s,
            attempts=settings.webhook_attempts,
            allow_private=settings.webhook_private_addresses,
        )

    def _post_once(self, url: str, secret: str, body: bytes, delivery: str) -> int:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-Patnav-Event": "alert",
                "X-Patnav-Delivery": delivery,
                # signed afresh on each attempt: a retry is not refused as stale
                SIGNATURE_HEADER: sign(secret, body, int(self.clock())),
            },
        )
        with self._opener.open(request, timeout=self.timeout_s) as response:
            response.read(65536)
            return int(response.status)

    def post(
        self, url: str, secret: str, body: bytes, *, delivery: str = ""
    ) -> WebhookResult:
        """POST ``body`` to ``url`` signed with ``secret``; ``delivery`` is sent as
        ``X-Patnav-Delivery`` (the alert's id: a receiver may drop duplicates by it).

        Raises:
            DeliveryError: a 4xx or 3xx answer (at once), or the last attempt's 5xx,
                timeout or connection failure.
        """
        where = redact_url(url)
        if not self.allow_private:
            check_public(url)
        reason = ""
        for attempt in range(1, self.attempts + 1):
            try:
                status = self._post_once(url, secret, body, delivery)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code < 500:
                    raise DeliveryError(
                        "webhook",
                        f"{where} answered {exc.code} {excerpt(exc.reason, 60)} "
                        f"(attempt {attempt}; not tried again: fix the receiver or the "
                        "URL)",
                    ) from None
                reason = f"{where} answered {exc.code} {excerpt(exc.reason, 60)}"
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                cause = getattr(exc, "reason", exc)
                reason = f"{where} could not be reached: {excerpt(str(cause), 120)}"
            else:
                return WebhookResult(status, attempt)
            if attempt < self.attempts:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
        raise DeliveryError(
            "webhook",
            f"{reason} (after {self.attempts} attempts)",
            retryable=True,
        )
