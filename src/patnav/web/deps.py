"""What every route receives: the request context (``Ctx``) and the checks around it.

``Ctx`` carries the platform, the store hub, the settings, a database session for the
request, the signed-in user (as an access :class:`~patnav.platform.access.Viewer`), the
language and the client address. Routes get it through FastAPI dependencies:

- :func:`page_ctx` — pages: an anonymous visitor is sent to the sign-in page;
- :func:`api_ctx` — the REST API: a bearer token or the session cookie, else 401;
- :func:`verify_csrf` — every state-changing request made with cookies must carry the
  session's CSRF token (form field or header); bearer-token requests carry no cookies.

Tests replace :func:`get_platform` / :func:`get_hub` through ``app.dependency_overrides``
when they need to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from patnav.config import Settings
from patnav.errors import PatnavError
from patnav.platform import accounts
from patnav.platform.access import Viewer
from patnav.platform.db import Platform
from patnav.platform.models import Tenant, User
from patnav.web.i18n import LANG_COOKIE, pick_lang, translator
from patnav.web.security import (
    ANON_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Signer,
    client_ip,
)
from patnav.web.services import StoreHub

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(PatnavError):
    """A page needs a signed-in user; the handler redirects to the sign-in page."""


class Unauthorized(PatnavError):
    """An API call without a valid token or session (401)."""


class CsrfFailed(PatnavError):
    """A state-changing request without the session's CSRF token (403)."""


@dataclass
class Ctx:
    """The context of one request."""

    request: Request
    platform: Platform
    hub: StoreHub
    signer: Signer
    db: Session
    lang: str
    ip: str
    user: User | None = None
    tenant: Tenant | None = None
    session_token: str | None = None
    via_token: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.platform.settings

    @property
    def viewer(self) -> Viewer:
        """The signed-in user (routes behind page_ctx/api_ctx always have one)."""
        if self.user is None or self.tenant is None:
            raise LoginRequired("Sign in first.")
        return Viewer.of(self.user, self.tenant)

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


def base_ctx(
    request: Request,
    platform: Annotated[Platform, Depends(get_platform)],
    hub: Annotated[StoreHub, Depends(get_hub)],
) -> Iterator[Ctx]:
    """The request's context with whoever is signed in (or nobody)."""
    signer: Signer = request.app.state.signer
    lang = pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    with platform.sessions() as db:
        ctx = Ctx(
            request=request,
            platform=platform,
            hub=hub,
            signer=signer,
            db=db,
            lang=lang,
            ip=client_ip(request),
        )
        bearer = _bearer(request)
        if bearer is not None:
            ctx.via_token = True
            ctx.user = accounts.token_user(db, bearer)
            db.commit()  # last_used_at
        else:
            token = signer.unsign(request.cookies.get(SESSION_COOKIE))
            if token is not None:
                user = accounts.session_user(db, token)
                if user is not None:
                    ctx.user, ctx.session_token = user, token
        if ctx.user is not None:
            ctx.tenant = db.get(Tenant, ctx.user.tenant_id)
        yield ctx


def page_ctx(ctx: Annotated[Ctx, Depends(base_ctx)]) -> Ctx:
    """A page's context; anonymous visitors are redirected to sign in."""
    if ctx.user is None:
        raise LoginRequired("Sign in first.")
    return ctx


def api_ctx(ctx: Annotated[Ctx, Depends(base_ctx)]) -> Ctx:
    """An API call's context; without a valid token or session: 401."""
    if ctx.user is None:
        raise Unauthorized(
            "Authenticate with 'Authorization: Bearer <token>' (create a token on your "
            "account page), or sign in."
        )
    return ctx


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
        raise CsrfFailed(
            "The security token of this form is missing or stale: reload the page and "
            "try again."
        )
