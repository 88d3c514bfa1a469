"""What one client may cost the server: API rate limits, and concurrency limits and
deadlines for expensive requests.

One process serves every tenant, so a single user — careless or hostile — must not be
able to hold it. :class:`LimitsMiddleware` (ASGI, inside the security middleware, so the
client address is already the one a trusted proxy reported) applies, in order:

- **rate limits on the REST API** and on the anonymous public catalogue (``/public``,
  per client address only), per API token and per client address
  (``PATNAV_API_RATE_TOKEN_PER_MINUTE``, ``PATNAV_API_RATE_ADDRESS_PER_MINUTE``): token
  buckets that refill at the rate and hold a sixth of a minute's worth, so short bursts
  pass and a flood answers **429** with ``Retry-After``;
- **concurrency limits on expensive requests** (:data:`EXPENSIVE`: searches, dashboards,
  spec checks, saving and re-running sets, exports, uploads, supply–demand
  matchings, the agency dashboard): a signed-in user may have
  ``PATNAV_USER_CONCURRENCY`` of them running at once (read-only roles
  ``PATNAV_READONLY_CONCURRENCY``), everyone together ``PATNAV_SERVER_CONCURRENCY``; one
  more answers **429** (that user) or **503** (the server), with ``Retry-After``;
- **deadlines**: an expensive request not answered within ``PATNAV_REQUEST_DEADLINE_S``
  (uploads excepted: their time is the client's transfer) is answered **504** with a
  message saying what to do. The work itself is not interrupted — a search or a landscape
  runs inside DuckDB and finishes in its thread; its result lands in the caches, so asking
  again later is quick — but it keeps its user's slot until it ends, so abandoned work
  cannot pile up either.

Queued background work (imports, reports) is bounded where it is queued:
``PATNAV_MAX_PENDING_JOBS`` per user (:func:`check_pending`).

Messages follow the request's language (Chinese by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from patnav.config import Settings
from patnav.errors import TooManyPendingError
from patnav.platform.access import WRITE_ROLES
from patnav.platform.models import ImportJob, ReportJob
from patnav.web.i18n import LANG_COOKIE, pick_lang, translate
from patnav.web.principals import Principal
from patnav.web.security import request_cookies

log = logging.getLogger("patnav.web")

EXPENSIVE: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern), kind)
    for method, pattern, kind in (
        ("GET", r"/(api/v1/)?stores/\d+/search", "search"),
        ("POST", r"/api/v1/sets", "search"),
        ("POST", r"/stores/\d+/sets", "search"),
        ("POST", r"/(api/v1/)?sets/\d+/rerun", "search"),
        ("GET", r"/sets/\d+", "dashboard"),
        ("GET", r"/api/v1/sets/\d+/(dashboard|analyses/[^/]+)", "dashboard"),
        ("POST", r"/(api/v1/)?specs(/validate|/\d+)?", "spec"),
        ("PUT", r"/api/v1/specs/\d+", "spec"),
        ("POST", r"/specs/\d+/tree/check", "search"),  # the tree editor's counts
        ("POST", r"/specs/\d+/tree", "spec"),
        ("GET", r"/api/v1/sets/\d+/export", "export"),
        ("GET", r"/sets/\d+/export\.csv", "export"),
        ("POST", r"/(api/v1/)?stores/\d+/imports", "upload"),
        ("GET", r"/agencies|/api/v1/agencies(/charts)?", "dashboard"),
        ("POST", r"/(api/v1/)?agencies/report", "export"),
        ("POST", r"/match(/xlsx)?|/api/v1/match(/patents|/xlsx)?", "search"),
        ("GET", r"/match/patents", "search"),
    )
)
"""(method, path, kind) of the requests that cost the server real work."""

NO_DEADLINE = frozenset({"upload"})
"""Kinds whose time is mostly the client's (a file arriving), so no deadline applies."""


def expensive_kind(method: str, path: str) -> str | None:
    """The kind of an expensive request (``search``, ``dashboard`` …), or None."""
    for wanted, pattern, kind in EXPENSIVE:
        if method == wanted and pattern.fullmatch(path):
            return kind
    return None


def check_pending(
    session: Session, settings: Settings, user_id: int, kind: str, *, wanted: int = 1
) -> None:
    """Refuse a new import or report job when the user has ``max_pending_jobs`` of that
    kind queued or running; ``wanted`` jobs started together (a publication's update:
    two) need room for all of them, or else no job pending.

    Raises:
        TooManyPendingError: the limit is reached.
    """
    model = ImportJob if kind == "import" else ReportJob
    pending = session.scalar(
        select(func.count())
        .select_from(model)
        .where(
            model.created_by == user_id,
            model.status.in_(("queued", "running")),
        )
    )
    pending = pending or 0
    limit = settings.max_pending_jobs
    if pending >= limit or (pending > 0 and pending + wanted > limit):
        raise TooManyPendingError(kind, settings.max_pending_jobs)


# -- rate limits ---------------------------------------------------------------------


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets by key: ``per_minute`` requests a minute, bursts of a sixth of it.
    Thread-safe; at most ``max_keys`` buckets (the least recently used go first — a
    bucket left alone refills anyway)."""

    def __init__(self, per_minute: int, *, max_keys: int = 50_000) -> None:
        self.rate_s = per_minute / 60.0
        self.capacity = max(10.0, per_minute / 6.0)
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float | None:
        """Spend one request of ``key``'s bucket; None when allowed, else the seconds
        until the next one would be."""
        if self.rate_s <= 0:
            return None
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
                while len(self._buckets) > self.max_keys:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(key)
                bucket.tokens = min(
                    self.capacity, bucket.tokens + (now - bucket.at) * self.rate_s
                )
                bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self.rate_s


# -- concurrency ---------------------------------------------------------------------


class WorkSlots:
    """Expensive requests running now, per user and in all. Thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.per_user = settings.user_concurrency
        self.per_readonly = settings.readonly_concurrency
        self.total = settings.server_concurrency
        self._running: dict[int, int] = {}
        self._all = 0
        self._lock = threading.Lock()

    def acquire(self, principal: Principal) -> str | None:
        """Take a slot for the principal; None when taken, else why not: ``"user"``
        (their own limit) or ``"server"`` (everyone's)."""
        readonly = principal.role not in WRITE_ROLES
        limit = self.per_readonly if readonly else self.per_user
        with self._lock:
            if self._running.get(principal.id, 0) >= limit:
                return "user"
            if self._all >= self.total:
                return "server"
            self._running[principal.id] = self._running.get(principal.id, 0) + 1
            self._all += 1
            return None

    def release(self, principal: Principal) -> None:
        """Give the principal's slot back."""
        with self._lock:
            left = self._running.get(principal.id, 0) - 1
            if left > 0:
                self._running[principal.id] = left
            else:
                self._running.pop(principal.id, None)
            self._all = max(0, self._all - 1)

    def running(self, user_id: int | None = None) -> int:
        """Expensive requests running now: of one user, or in all."""
        with self._lock:
            return self._all if user_id is None else self._running.get(user_id, 0)


# -- the middleware --------------------------------------------------------------------

Identify = Callable[[Scope], Any]
"""``async (scope) -> (Principal | None, token key | None)``: who sent a request."""


class Limits:
    """The app's limits and their state: rate buckets, work slots, requests answered
    504 whose work goes on (``app.state.limits``)."""

    def __init__(self, settings: Settings) -> None:
        self.by_token = RateLimiter(settings.api_rate_token_per_minute)
        self.by_address = RateLimiter(settings.api_rate_address_per_minute)
        self.slots = WorkSlots(settings)
        self.deadline_s = settings.request_deadline_s
        self.detached: set[asyncio.Task[None]] = set()

    async def drain(self, timeout_s: float = 30.0) -> None:
        """Wait (at most ``timeout_s``) for abandoned requests to finish (shutdown)."""
        if self.detached:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*self.detached, return_exceptions=True), timeout_s
                )


class LimitsMiddleware:
    """Rate limits for the API; concurrency limits and deadlines for expensive
    requests (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, limits: Limits, identify: Identify) -> None:
        self.app = app
        self.limits = limits
        self.identify = identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        method = str(scope.get("method", "GET"))
        kind = expensive_kind(method, path)
        is_api = path.startswith("/api/")
        is_public = path == "/public" or path.startswith("/public/")
        if not is_api and not is_public and kind is None:
            await self.app(scope, receive, send)
            return
        limits = self.limits
        if is_api or is_public:  # the address first: a flood costs no database lookup
            client = scope.get("client")
            address = client[0] if client else "unknown"
            wait = limits.by_address.take(f"address:{address}")
            if wait is not None:
                await self._refuse(scope, send, 429, "error.rate_limited", wait)
                return
        if is_public and kind is None:
            await self.app(scope, receive, send)
            return
        principal, token_key = await self.identify(scope)
        if is_api and token_key is not None:
            wait = limits.by_token.take(token_key)
            if wait is not None:
                await self._refuse(scope, send, 429, "error.rate_limited", wait)
                return
        if kind is None or principal is None:
            await self.app(scope, receive, send)
            return
        refused = limits.slots.acquire(principal)
        if refused is not None:
            status, key = (
                (429, "error.busy_user") if refused == "user" else (503, "error.busy")
            )
            await self._refuse(scope, send, status, key, 5.0)
            return
        await self._guarded(scope, receive, send, principal, kind)

    async def _guarded(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        principal: Principal,
        kind: str,
    ) -> None:
        """Run the request holding the principal's slot until its work ends; answer 504
        if it has not started answering by the deadline."""
        state = {"started": False, "abandoned": False}

        async def guarded_send(message: Message) -> None:
            if state["abandoned"]:
                return  # answered 504 already
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        async def run() -> None:
            try:
                await self.app(scope, receive, guarded_send)
            finally:
                limits.slots.release(principal)

        limits = self.limits
        task = asyncio.get_running_loop().create_task(run())
        deadline = None if kind in NO_DEADLINE else limits.deadline_s
        done, _ = await asyncio.wait({task}, timeout=deadline)
        if task in done or state["started"]:
            await task  # finished, or answering already: its outcome is the answer
            return
        state["abandoned"] = True
        limits.detached.add(task)
        task.add_done_callback(self._finished)
        log.warning(
            "%s %s passed its deadline of %g s (user %s): answered 504, the work "
            "goes on in the background",
            scope.get("method"),
            scope.get("path"),
            limits.deadline_s,
            principal.username,
        )
        await self._refuse(
            scope,
            send,
            504,
            "error.deadline",
            None,
            seconds=_seconds(limits.deadline_s),
        )

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.limits.detached.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "an abandoned request failed after its deadline",
                exc_info=task.exception(),
            )

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        status: int,
        key: str,
        retry_after_s: float | None,
        **values: object,
    ) -> None:
        lang = pick_lang(None, request_cookies(scope).get(LANG_COOKIE))
        for part in str(scope.get("query_string", b""), "latin-1").split("&"):
            if part.startswith("lang="):
                lang = pick_lang(part[5:], lang)
        if retry_after_s is not None:
            values.setdefault("seconds", _seconds(retry_after_s))
        message = translate(key, lang, **values)
        if str(scope.get("path", "")).startswith("/api/"):
            body = json.dumps({"ok": False, "error": message}, ensure_ascii=False)
            content_type = b"application/json"
        else:
            body = message
            content_type = b"text/plain; charset=utf-8"
        data = body.encode()
        headers = [  # the security middleware around adds its headers
            (b"content-type", content_type),
            (b"content-length", str(len(data)).encode()),
        ]
        if retry_after_s is not None:
            headers.append((b"retry-after", str(_seconds(retry_after_s)).encode()))
        await send(
            {"type": "http.response.start", "status": status, "headers": headers}
        )
        await send({"type": "http.response.body", "body": data})


def _seconds(value: float) -> int:
    return max(1, math.ceil(value))
