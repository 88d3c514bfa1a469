"""What every route receives: the request context (``Ctx``) and the checks around it.

``Ctx`` carries the platform, the store hub, the settings, a database session for the
request, the signed-in user (a :class:`~patnav.web.principals.Principal`, cached for a few
seconds, and as an access :class:`~patnav.platform.access.Viewer`), the language and the
client address. Routes get it through FastAPI dependencies:

- :func:`page_ctx` — pages: an anonymous visitor is sent to the sign-in page;
- :func:`api_ctx` — the REST API: a bearer token or the session cookie, else 401;
- :func:`verify_csrf` — every state-changing request made with cookies must carry the
  session's CSRF token (form field or header); bearer-token requests carry no cookies.

The context dependencies are ``async``: they run on the event loop without a worker-thread
hop (a cached principal needs no database). Tests replace :func:`get_platform` /
:func:`get_hub` through ``app.dependency_overrides``
when they need to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from patnav.config import Settings
from patnav.errors import (
    AccessDeniedError,
    CsrfError,
    LoginRequiredError,
    UnauthorizedError,
)
from patnav.platform import accounts
from patnav.platform.access import Viewer
from patnav.platform.db import Platform
from patnav.platform.models import Tenant, User
from patnav.web.i18n import LANG_COOKIE, pick_lang, translator
from patnav.web.principals import Principal, PrincipalCache, secret_key
from patnav.web.security import (
    ANON_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Signer,
    client_ip,
    request_cookies,
)
from patnav.web.services import StoreHub

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Ctx:
    """The context of one request.

    ``principal`` is who is signed in (from :class:`~patnav.web.principals.PrincipalCache`,
    no database row); ``user`` and ``tenant`` load their rows from the request's session
    on first use, for the routes that change them.
    """

    request: Request
    platform: Platform
    hub: StoreHub
    signer: Signer
    db: Session
    lang: str
    ip: str
    principal: Principal | None = None
    session_token: str | None = None
    via_token: bool = False
    notices: list[str] = field(default_factory=list)
    _user: User | None = field(default=None, repr=False)
    _tenant: Tenant | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        return self.platform.settings

    @property
    def user(self) -> User | None:
        """The signed-in user's row (loaded on first use), or None."""
        if self._user is None and self.principal is not None:
            self._user = self.db.get(User, self.principal.id)
        return self._user

    @user.setter
    def user(self, user: User) -> None:
        tenant = self.db.get(Tenant, user.tenant_id)
        if tenant is None:
            raise LoginRequiredError("Sign in first.")
        self._user, self._tenant = user, tenant
        self.principal = Principal.of(user, tenant)

    @property
    def tenant(self) -> Tenant | None:
        """The signed-in user's tenant row (loaded on first use), or None."""
        if self._tenant is None and self.principal is not None:
            self._tenant = self.db.get(Tenant, self.principal.tenant.id)
        return self._tenant

    @property
    def viewer(self) -> Viewer:
        """The signed-in user (routes behind page_ctx/api_ctx always have one)."""
        if self.principal is None:
            raise LoginRequiredError("Sign in first.")
        return self.principal.viewer

    @property
    def t(self) -> Callable[..., str]:
        return translator(self.lang)

    @property
    def csrf(self) -> str:
        """The CSRF token forms and HTMX requests of this page must send back."""
        bound = self.session_token or self.request.state.anon or ""
        return self.signer.csrf_token(bound) if bound else ""


def get_platform(request: Request) -> Platform:
    """The app's platform (overridable in tests)."""
    platform: Platform = request.app.state.platform
    return platform


def get_hub(request: Request) -> StoreHub:
    """The app's store hub (overridable in tests)."""
    hub: StoreHub = request.app.state.hub
    return hub


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def get_principals(request: Request) -> PrincipalCache:
    """The app's cache of signed-in principals."""
    principals: PrincipalCache = request.app.state.principals
    return principals


def _lookup(
    platform: Platform, principals: PrincipalCache, key: str, secret: str, bearer: bool
) -> Principal | None:
    """Who a session or API token secret belongs to, from the database (and cached)."""
    generation = principals.generation()
    with platform.sessions() as db:
        expires_at = None
        scopes: frozenset[str] | None = None
        if bearer:
            token = accounts.find_token(db, secret)
            user = db.get(User, token.user_id) if token is not None else None
            if token is not None:
                expires_at, scopes = token.expires_at, token.scope_set
            db.commit()  # last_used_at
        else:
            user = accounts.session_user(db, secret)
            if user is not None:
                expires_at = accounts.session_expiry(db, secret)
        tenant = db.get(Tenant, user.tenant_id) if user is not None else None
        if user is None or tenant is None:
            return None
        principal = Principal.of(user, tenant, scopes)
    principals.put(key, principal, generation, expires_at)
    return principal


async def identify(scope: Scope) -> tuple[Principal | None, str | None]:
    """Who sent a request, before any route runs (for the limits middleware): the
    principal of its API token or session cookie (None when there is none or it is not
    valid), and for a token its cache key (what its rate limit is kept under)."""
    app = scope["app"]
    platform: Platform = app.state.platform
    principals: PrincipalCache = app.state.principals
    header = b""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            header = value
    text = header.decode("latin-1")
    if text[:7].lower() == "bearer ":
        secret = text[7:].strip()
        key = secret_key("token", secret)
        principal = principals.get(key)
        if principal is None:
            principal = await run_in_threadpool(
                _lookup, platform, principals, key, secret, True
            )
        return principal, key
    signer: Signer = app.state.signer
    token = signer.unsign(request_cookies(scope).get(SESSION_COOKIE))
    if token is None:
        return None, None
    key = secret_key("session", token)
    principal = principals.get(key)
    if principal is None:
        principal = await run_in_threadpool(
            _lookup, platform, principals, key, token, False
        )
    return principal, None


async def base_ctx(
    request: Request,
    platform: Annotated[Platform, Depends(get_platform)],
    hub: Annotated[StoreHub, Depends(get_hub)],
    principals: Annotated[PrincipalCache, Depends(get_principals)],
) -> AsyncIterator[Ctx]:
    """The request's context with whoever is signed in (or nobody).

    Runs on the event loop: who is signed in usually comes from the principal cache; only
    a miss reads the database, in a worker thread. The request's database session
    connects on first use, in the route.
    """
    signer: Signer = request.app.state.signer
    lang = pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    principal: Principal | None = None
    session_token: str | None = None
    bearer = _bearer(request)
    if bearer is not None:
        key = secret_key("token", bearer)
        principal = principals.get(key)
        if principal is None:
            principal = await run_in_threadpool(
                _lookup, platform, principals, key, bearer, True
            )
    else:
        token = signer.unsign(request.cookies.get(SESSION_COOKIE))
        if token is not None:
            key = secret_key("session", token)
            principal = principals.get(key)
            if principal is None:
                principal = await run_in_threadpool(
                    _lookup, platform, principals, key, token, False
                )
            if principal is not None:
                session_token = token
    request.state.principal = principal  # for the audit of a refused request
    db = platform.sessions()
    try:
        yield Ctx(
            request=request,
            platform=platform,
            hub=hub,
            signer=signer,
            db=db,
            lang=lang,
            ip=client_ip(request),
            principal=principal,
            session_token=session_token,
            via_token=bearer is not None,
        )
    finally:
        db.close()  # at most a rollback of a read on a pooled connection


async def page_ctx(ctx: Annotated[Ctx, Depends(base_ctx)]) -> Ctx:
    """A page's context; anonymous visitors are redirected to sign in."""
    if ctx.principal is None:
        raise LoginRequiredError("Sign in first.")
    return ctx


READ_ONLY_POSTS = frozenset(
    {
        "/api/v1/specs/validate",
        "/api/v1/match",  # with "save": the write scope too (routers/matching.py)
        "/api/v1/match/patents",
        "/api/v1/match/xlsx",
        "/api/v1/agencies/report",
    }
)
"""API calls made with POST that change nothing (a token with the read scope may)."""


async def api_ctx(ctx: Annotated[Ctx, Depends(base_ctx)]) -> Ctx:
    """An API call's context; without a valid token or session: 401; with a token whose
    scopes do not cover the call (``read`` for GET, ``write`` for changes): 403."""
    if ctx.principal is None:
        raise UnauthorizedError(
            "Authenticate with 'Authorization: Bearer <token>' (create a token on your "
            "account page), or sign in."
        )
    request = ctx.request
    reads = request.method in SAFE_METHODS or request.url.path in READ_ONLY_POSTS
    require_scope(ctx, "read" if reads else "write")
    return ctx


def require_scope(ctx: Ctx, scope: str) -> None:
    """Raises AccessDeniedError unless the request's credential has ``scope`` (a browser
    session has every scope its role allows)."""
    if ctx.principal is not None and not ctx.principal.allows(scope):
        raise AccessDeniedError(
            f"This API token lacks the '{scope}' scope (it has "
            f"{', '.join(sorted(ctx.principal.scopes or ())) or 'none'}). Create a "
            f"token with the '{scope}' scope on your account page."
        )


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing cookie request without its session's CSRF token."""
    if request.method in SAFE_METHODS or _bearer(request) is not None:
        return
    signer: Signer = request.app.state.signer
    bound = signer.unsign(request.cookies.get(SESSION_COOKIE)) or request.cookies.get(
        ANON_COOKIE
    )
    given = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value: Any = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not signer.csrf_ok(bound, given):
        raise CsrfError(
            "The security token of this form is missing or stale: reload the page and "
            "try again."
        )
