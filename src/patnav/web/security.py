"""Cookies, CSRF tokens, security headers and the request size limit.

- **Session cookie** ``patnav_session``: the session token signed with itsdangerous
  (timestamped, checked against the session lifetime), ``HttpOnly``, ``SameSite=Lax``,
  ``Secure`` when served over https (or as configured). The token's SHA-256 keys the
  session row, so signing out or a password change ends it on the server.
- **CSRF**: every state-changing request made with cookies (forms, HTMX, ``fetch``) must
  carry the token of its session — an HMAC of the session token (or, before sign-in, of a
  random pre-session cookie) — in the form field ``csrf_token`` or the ``X-CSRF-Token``
  header. Requests authenticated with an API token carry no cookies and need none.
- **Headers** on every response: a Content-Security-Policy without inline scripts,
  ``X-Frame-Options: DENY``, ``nosniff``, a strict referrer policy; HSTS over https.
- **Size limit**: an upload (``…/stores/{id}/imports``) larger than the upload limit, and
  any other request body larger than :data:`MAX_REQUEST_BYTES` (a form, a spec, a JSON
  body: read whole before it is checked), is refused with 413 — before reading when
  ``Content-Length`` says so, else as soon as it grows past it (also when the application
  caught the cut and answered otherwise).
- **No caching**: every response but the static assets carries ``Cache-Control:
  no-store``, so a shared browser or proxy never keeps a signed-in page, an API answer or
  an export.
- **Proxies**: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are applied only to requests
  whose peer is one of ``PATNAV_TRUSTED_PROXIES`` (:class:`ProxyRule`); from anyone else
  — another local process included — they are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Iterable
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, TimestampSigner
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from patnav.errors import BodyTooLargeError

SESSION_COOKIE = "patnav_session"
ANON_COOKIE = "patnav_anon"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MULTIPART_SLACK = 1024 * 1024
"""Room for a multipart envelope around a file of exactly the upload limit."""
MAX_REQUEST_BYTES = 4 * 1024 * 1024
"""The largest body of a request that is not an upload (forms, specs of at most 200,000
characters, JSON): such bodies are read into memory whole before being validated."""
UPLOAD_PATH = re.compile(r"/(api/v1/)?stores/\d+/imports")
"""Requests whose body is an uploaded file (the upload limit applies)."""

CACHEABLE = ("/static/", "/favicon.ico")
"""Paths whose responses browsers and proxies may keep; every other one is
``Cache-Control: no-store``."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class Signer:
    """Signs and checks session cookies and derives CSRF tokens from one secret."""

    def __init__(self, secret: str, *, max_age_s: float) -> None:
        self._secret = secret.encode()
        self._signer = TimestampSigner(secret, salt="patnav-session")
        self.max_age_s = max(1, int(max_age_s))

    def sign(self, token: str) -> str:
        """The cookie value for a session token."""
        return self._signer.sign(token).decode()

    def unsign(self, value: str | None) -> str | None:
        """The session token in a cookie value, or None when forged or too old."""
        if not value:
            return None
        try:
            token: bytes = self._signer.unsign(value, max_age=self.max_age_s)
            return token.decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def csrf_token(self, bound_to: str) -> str:
        """The CSRF token bound to a session (or pre-session) token."""
        digest = hmac.new(self._secret, b"csrf|" + bound_to.encode(), hashlib.sha256)
        return digest.hexdigest()

    def csrf_ok(self, bound_to: str | None, given: str | None) -> bool:
        """Whether ``given`` is the CSRF token of ``bound_to`` (constant time)."""
        if not bound_to or not given:
            return False
        return hmac.compare_digest(self.csrf_token(bound_to), given)


def request_cookies(scope: Scope) -> dict[str, str]:
    """The cookies of an ASGI request."""
    raw = b"; ".join(v for k, v in scope.get("headers", ()) if k == b"cookie")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # a malformed cookie header is treated as none
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class ProxyRule:
    """Which peers are reverse proxies of ours, and who the client behind them is.

    Entries are addresses (``127.0.0.1``), networks (``10.0.0.0/8``) or, for a peer that
    has no address (a test client, a Unix socket), its literal name.
    """

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.names: set[str] = set()
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.names.add(entry)

    def __bool__(self) -> bool:
        return bool(self.networks or self.names)

    def trusts(self, host: str | None) -> bool:
        """Whether ``host`` (a peer's address) is one of the configured proxies."""
        if not host:
            return False
        if host in self.names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The client's address: the peer, unless the peer is a proxy of ours — then
        the rightmost ``X-Forwarded-For`` hop that is not (each proxy appends the
        address it received the request from)."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        client = peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                return client  # a garbled hop: believe nothing to its left
            client = hop
            if not self.trusts(hop):
                return hop
        return client


class SecurityMiddleware:
    """Security headers, the pre-session cookie, and the request size limit (ASGI)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        secure: bool | None,
        limit_text: str,
        proxies: ProxyRule | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body + MULTIPART_SLACK
        self.max_other = min(self.max_body, MAX_REQUEST_BYTES)
        self.secure = secure
        self.limit_text = limit_text
        self.proxies = proxies or ProxyRule()

    def _apply_proxy(self, scope: Scope) -> None:
        client = scope.get("client")
        peer = client[0] if client else None
        if not peer or not self.proxies.trusts(peer):
            return
        headers = dict(scope.get("headers", ()))
        forwarded = headers.get(b"x-forwarded-for")
        if forwarded:
            host = self.proxies.client(peer, forwarded.decode("latin-1"))
            scope["client"] = (host, 0)
        proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1")
        proto = proto.split(",")[-1].strip().lower()  # the hop nearest us
        if proto in ("http", "https"):
            scope["scheme"] = proto

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._apply_proxy(scope)
        is_upload = bool(UPLOAD_PATH.fullmatch(str(scope.get("path", ""))))
        max_body = self.max_body if is_upload else self.max_other
        declared = _content_length(scope)
        if declared is not None and declared > max_body:
            await self._too_large(scope, send, is_upload)
            return
        cookies = request_cookies(scope)
        state = scope.setdefault("state", {})
        new_anon = None
        # A pre-session token binds the sign-in form's CSRF token. It is issued to every
        # visitor without a session cookie, and on the sign-in page to one whose session
        # cookie may have expired (else their sign-in form would carry no token).
        wants_anon = SESSION_COOKIE not in cookies or scope.get("path") == "/login"
        if ANON_COOKIE not in cookies and wants_anon:
            new_anon = secrets.token_urlsafe(24)
            state["anon"] = new_anon
        else:
            state["anon"] = cookies.get(ANON_COOKIE)
        https = scope.get("scheme") == "https"
        secure = self.secure if self.secure is not None else https
        state["cookie_secure"] = secure
        started = False
        received = 0
        overflowed = replaced = False
        # static assets are the same for everyone; everything else may be personal
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE)

        async def limited_receive() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    overflowed = True
                    raise BodyTooLargeError()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return  # the app's answer to a body cut at the limit: 413 was sent
            if overflowed and message["type"] == "http.response.start":
                # The body was cut at the limit but the app caught the error (FastAPI
                # turns any failure while reading a form into 400): the answer is 413.
                started = replaced = True
                await self._too_large(scope, send, is_upload)
                return
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.extend(HEADERS)
                if not cacheable and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                if new_anon is not None:
                    headers.append(
                        (
                            b"set-cookie",
                            cookie_header(
                                ANON_COOKIE, new_anon, secure=secure, max_age=None
                            ).encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLargeError:
            if not started:
                await self._too_large(scope, send, is_upload)

    async def _too_large(
        self, scope: Scope, send: Send, is_upload: bool = True
    ) -> None:
        from patnav.web.i18n import LANG_COOKIE, translate

        lang = request_cookies(scope).get(LANG_COOKIE, "zh")
        if is_upload:
            message = translate("error.too_large", lang, limit=self.limit_text)
        else:
            message = translate(
                "error.body_too_large",
                lang,
                limit=f"{self.max_other / 1024 / 1024:.0f} MB",
            )
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"ok": False, "error": message}, ensure_ascii=False)
            content_type = b"application/json"
        else:
            body = message
            content_type = b"text/plain; charset=utf-8"
        data = body.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                    (b"cache-control", b"no-store"),
                    *HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def cookie_header(
    name: str, value: str, *, secure: bool, max_age: int | None, http_only: bool = True
) -> str:
    """A ``Set-Cookie`` value with the platform's attributes."""
    parts = [f"{name}={value}", "Path=/", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def client_ip(scope_or_request: Any) -> str:
    """The client's address (:class:`SecurityMiddleware` applied X-Forwarded-For when
    the request came through a trusted proxy)."""
    client = getattr(scope_or_request, "client", None)
    return client.host if client is not None and client.host else "unknown"
