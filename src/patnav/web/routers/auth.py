"""Sign-in and sign-out, the home page, and the user's own account (password, API tokens)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from patnav.errors import InvalidParameterError, LoginFailedError, LoginThrottledError
from patnav.platform import accounts, audit
from patnav.platform.models import ApiToken, User, utcnow
from patnav.web import features
from patnav.web.deps import Ctx, base_ctx, page_ctx, verify_csrf
from patnav.web.render import page
from patnav.web.security import ANON_COOKIE, SESSION_COOKIE, cookie_header

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A redirect target inside this site (never another host)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(
    ctx: Annotated[Ctx, Depends(base_ctx)], next: str = "/", msg: str | None = None
) -> Response:
    if ctx.principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    notice = ctx.t("login.signed_out") if msg == "signed_out" else None
    return page(ctx, "login.html", next=safe_next(next), error=None, notice=notice)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: Annotated[Ctx, Depends(base_ctx)],
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    known = ctx.db.scalar(select(User).where(User.username == username.strip()))
    try:
        user = accounts.authenticate(
            ctx.db, ctx.settings, username, password, ip=ctx.ip
        )
    except (LoginFailedError, LoginThrottledError) as exc:
        audit.record(
            ctx.db,
            "login",
            username=username.strip()[:100],
            tenant_id=known.tenant_id if known else None,
            ip=ctx.ip,
            success=False,
            detail={
                "reason": "throttled"
                if isinstance(exc, LoginThrottledError)
                else "wrong"
            },
        )
        ctx.db.commit()
        if isinstance(exc, LoginThrottledError):
            raise
        return page(
            ctx,
            "login.html",
            status_code=401,
            next=safe_next(next),
            error=ctx.t("login.failed"),
            notice=None,
            username=username,
        )
    token = accounts.start_session(
        ctx.db,
        ctx.settings,
        user,
        ip=ctx.ip,
        user_agent=request.headers.get("user-agent"),
    )
    ctx.user = user
    audit.record(
        ctx.db,
        "login",
        username=user.username,
        tenant_id=user.tenant_id,
        ip=ctx.ip,
        detail={"user_id": user.id},
    )
    ctx.db.commit()
    response = RedirectResponse(safe_next(next), status_code=303)
    secure = bool(request.state.cookie_secure)
    response.headers.append(
        "set-cookie",
        cookie_header(
            SESSION_COOKIE,
            ctx.signer.sign(token),
            secure=secure,
            max_age=int(ctx.settings.session_hours * 3600),
        ),
    )
    response.headers.append(
        "set-cookie", cookie_header(ANON_COOKIE, "", secure=secure, max_age=0)
    )
    return response


@router.post("/logout")
def logout(request: Request, ctx: Annotated[Ctx, Depends(base_ctx)]) -> Response:
    if ctx.session_token is not None:
        accounts.end_session(ctx.db, ctx.session_token)
        audit.record(ctx.db, "logout", viewer=ctx.viewer, ip=ctx.ip)
        ctx.db.commit()
    response = RedirectResponse("/login?msg=signed_out", status_code=303)
    secure = bool(request.state.cookie_secure)
    response.headers.append(
        "set-cookie", cookie_header(SESSION_COOKIE, "", secure=secure, max_age=0)
    )
    return response


@router.get("/", response_class=HTMLResponse)
def home(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    stores = features.stores.list_stores(ctx)
    counts = {s.id: features.stores.document_count(ctx, s) for s in stores}
    return page(
        ctx,
        "home.html",
        nav="home",
        stores=stores,
        counts=counts,
        failed=features.stores.failed_stores(ctx),
        tenants=features.common.tenant_names(ctx),
        imports=features.imports.list_imports(ctx, limit=5),
        reports=features.reports.list_reports(ctx)[:5],
        publications=features.catalogue.search_publications(ctx, limit=5),
        sets=features.sets.list_sets(ctx)[:8],
        # a bank's work is pre-valuation: its home shows the latest ones
        prevalues=features.prevalue.list_prevalues(ctx, limit=5)
        if ctx.viewer.role == "bank"
        else None,
    )


TOKEN_DAYS = (7, 30, 90, 180, 365)
"""Lifetimes offered on the account page (those within the configured maximum)."""


def _own_tokens(ctx: Ctx) -> list[ApiToken]:
    return list(
        ctx.db.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == ctx.viewer.user_id)
            .order_by(ApiToken.id.desc())
        )
    )


def _account(ctx: Ctx, *, status_code: int = 200, **values: Any) -> Response:
    settings = ctx.settings
    days = sorted(
        {d for d in TOKEN_DAYS if d <= settings.api_token_max_days}
        | {int(min(settings.api_token_days, settings.api_token_max_days))}
    )
    context: dict[str, Any] = {
        "tokens": _own_tokens(ctx),
        "created": None,
        "error": None,
        "token_days": days,
        "default_days": int(min(settings.api_token_days, settings.api_token_max_days)),
        "now": utcnow(),
    }
    context.update(values)
    return page(ctx, "account.html", nav="account", status_code=status_code, **context)


@router.get("/account", response_class=HTMLResponse)
def account(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    return _account(ctx)


@router.post("/account/tokens", response_class=HTMLResponse)
def new_token(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    name: Annotated[str, Form(max_length=100)] = "token",
    days: Annotated[float | None, Form(gt=0)] = None,
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    assert ctx.user is not None
    settings = ctx.settings
    days = settings.api_token_days if days is None else days
    if days > settings.api_token_max_days:
        raise InvalidParameterError(
            f"A token lasts at most {settings.api_token_max_days:g} days "
            "(PATNAV_API_TOKEN_MAX_DAYS)."
        )
    made = accounts.create_token(
        ctx.db, ctx.user, name, days=days, scopes=scopes or accounts.DEFAULT_SCOPES
    )
    audit.record(
        ctx.db,
        "token.create",
        viewer=ctx.viewer,
        object_type="token",
        object_id=made.token.id,
        ip=ctx.ip,
        detail={
            "scopes": made.token.scopes,
            "expires_at": made.token.expires_at,
        },
    )
    ctx.db.commit()
    return _account(ctx, created=made.secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke(ctx: Annotated[Ctx, Depends(page_ctx)], token_id: int) -> Response:
    assert ctx.user is not None
    accounts.revoke_token(ctx.db, ctx.user, token_id)
    audit.record(
        ctx.db,
        "token.revoke",
        viewer=ctx.viewer,
        object_type="token",
        object_id=token_id,
        ip=ctx.ip,
    )
    ctx.db.commit()
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    ctx: Annotated[Ctx, Depends(page_ctx)],
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
) -> Response:
    assert ctx.user is not None
    if not accounts.verify_password(ctx.user.password_hash, current):
        return _account(ctx, error=ctx.t("account.wrong_password"), status_code=400)
    accounts.set_password(ctx.db, ctx.user, new)  # ends sessions, revokes tokens
    audit.record(
        ctx.db,
        "user.update",
        viewer=ctx.viewer,
        object_type="user",
        object_id=ctx.user.id,
        ip=ctx.ip,
        detail={"password": "changed"},
    )
    ctx.db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.headers.append(
        "set-cookie",
        cookie_header(
            SESSION_COOKIE, "", secure=bool(request.state.cookie_secure), max_age=0
        ),
    )
    return response
