"""``create_app(settings)``: the patnav web platform as a FastAPI application.

Server-rendered pages (Jinja2 + HTMX, Chinese by default) and the REST API under
``/api/v1`` (OpenAPI at ``/api/docs``) share the same features (:mod:`patnav.web.features`),
access rules and audit log.
Front-end assets (ECharts, htmx, Swagger UI) are served from ``/static/vendor``, installed
from npm at set-up (``make setup``) — never from a CDN.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from patnav.config import Settings
from patnav.errors import (
    AccessDeniedError,
    CsrfError,
    InputError,
    LoginRequiredError,
    LoginThrottledError,
    NotFoundError,
    PatnavError,
    QuerySyntaxError,
    StoreError,
    StoreUnavailableError,
    TooManyPendingError,
    UnauthorizedError,
    UnsafeInputError,
)
from patnav.i18n import say
from patnav.platform import audit
from patnav.platform.db import Platform
from patnav.platform.models import DataStore
from patnav.platform.retention import prune
from patnav.web import jobs
from patnav.web.deps import identify
from patnav.web.features import imports as import_jobs
from patnav.web.features import monitors as monitor_rounds
from patnav.web.features import reports as report_jobs
from patnav.web.i18n import LANG_COOKIE, pick_lang, translate
from patnav.web.limits import Limits, LimitsMiddleware
from patnav.web.principals import PrincipalCache
from patnav.web.render import filesize, templates
from patnav.web.routers import (
    admin,
    agencies,
    api,
    auth,
    barrier,
    capability,
    catalogue,
    dashboard,
    fto,
    imports,
    inbox,
    matching,
    monitors,
    patents,
    prevalue,
    projects,
    public,
    reports,
    search,
    sets,
    sme,
    spec_tree,
    specs,
    stores,
    tags,
)
from patnav.web.security import ProxyRule, SecurityMiddleware, Signer, client_ip
from patnav.web.services import StoreFailure, StoreHub

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("patnav.web")

ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotFoundError, 404),
    (AccessDeniedError, 403),
    (CsrfError, 403),
    (UnauthorizedError, 401),
    (LoginThrottledError, 429),
    (TooManyPendingError, 429),
    (UnsafeInputError, 413),
    (InputError, 400),
    (StoreError, 503),
)


def status_of(exc: Exception) -> int:
    """The HTTP status a patnav error maps to."""
    for kind, status in ERROR_STATUS:
        if isinstance(exc, kind):
            if status == 413 and "larger than" not in str(exc):
                return 400  # an unsafe archive, not an oversized request
            return status
    return 500


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application: platform opened and migrated, routes, security, assets."""
    settings = settings or Settings()
    platform = Platform.open(settings)
    hub = StoreHub(settings)
    hub.on_failure = lambda failure: _record_store_failure(platform, failure)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resumed = jobs.resume(platform, hub, (import_jobs.IMPORT, report_jobs.REPORT))
        if resumed:
            log.info("resumed %d interrupted job(s)", resumed)
        tasks = []
        if settings.prune_every_hours > 0:
            tasks.append(
                asyncio.create_task(_prune_every(platform, settings.prune_every_hours))
            )
        if settings.monitor_every_s > 0:
            tasks.append(
                asyncio.create_task(
                    _monitor_every(platform, hub, settings.monitor_every_s)
                )
            )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await limits.drain()
            hub.close()
            platform.close()

    app = FastAPI(
        title="patnav 专利导航 API",
        version="1",
        description=(
            "The REST API of the patnav patent-navigation platform. Authenticate with "
            "`Authorization: Bearer <token>` (create a token on your account page). Every "
            "call obeys the same tenant and role rules as the web pages."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.platform = platform
    app.state.hub = hub
    app.state.signer = Signer(platform.secret, max_age_s=settings.session_hours * 3600)
    app.state.principals = principals = PrincipalCache()
    principals.watch(platform.sessions)
    app.state.limits = limits = Limits(settings)
    # inside the security middleware: the client address is the one a trusted proxy
    # reported, and refusals get the security headers
    app.add_middleware(LimitsMiddleware, limits=limits, identify=identify)
    app.add_middleware(
        SecurityMiddleware,
        max_body=settings.upload_max_bytes,
        secure=settings.cookie_secure,
        limit_text=filesize(settings.upload_max_bytes),
        proxies=ProxyRule(settings.trusted_proxies),
    )
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (
        auth,
        stores,
        imports,
        search,
        patents,
        sets,
        dashboard,
        spec_tree,
        specs,
        reports,
        prevalue,
        fto,
        catalogue,
        admin,
        capability,
        barrier,
        agencies,
        matching,
        inbox,
        monitors,
        sme,
        tags,
        projects,
        public,
    ):
        app.include_router(module.router)
    app.include_router(api.router)
    app.include_router(prevalue.api_router)
    app.include_router(fto.api_router)
    app.include_router(agencies.api_router)
    app.include_router(matching.api_router)
    app.include_router(projects.api_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        """200 ``{"ok": true}``; 503 with the ids of the stores that have failed (a
        trivial query checks every open store), so a monitor sees a store go down.

        The check runs on the event loop's own executor, not the request thread pool:
        a server busy with searches still answers its health check promptly."""
        failed = await asyncio.get_running_loop().run_in_executor(None, hub.check_open)
        if not failed:
            return JSONResponse({"ok": True})
        return JSONResponse(
            {
                "ok": False,
                "failed_stores": [f.store_id for f in failed],
                "error": "one or more stores have failed; see the audit log",
            },
            status_code=503,
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(
            (STATIC / "apidocs.html").read_text("utf-8"),
            headers={"cache-control": "no-store"},
        )

    _handlers(app)
    return app


async def _monitor_every(platform: Platform, hub: StoreHub, seconds: float) -> None:
    """Run the due monitors of every store and deliver their alerts every ``seconds``
    (the first round after at most a minute)."""
    await asyncio.sleep(min(seconds, 60.0))
    while True:
        try:
            done = await run_in_threadpool(monitor_rounds.monitor_round, platform, hub)
            if done.stores or done.skipped:
                log.info("monitors: %s", done.to_dict())
        except Exception:  # logged; the next round tries again
            log.exception("monitor round failed")
        await asyncio.sleep(seconds)


async def _prune_every(platform: Platform, hours: float) -> None:
    """Apply the retention settings every ``hours`` (the first time after at most five
    minutes, so a restart loop does not prune in a loop)."""
    interval = hours * 3600
    await asyncio.sleep(min(interval, 300.0))
    while True:
        try:
            report = await run_in_threadpool(prune, platform)
            log.info("retention: %s", report.to_dict())
        except Exception:  # logged; the next run tries again
            log.exception("retention run failed")
        await asyncio.sleep(interval)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _lang(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as JSON (API) or as a page saying what to do."""
    if _is_api(request):
        return JSONResponse(
            {"ok": False, "error": message}, status_code=status, headers=headers
        )
    lang = _lang(request)
    response = templates.TemplateResponse(
        request,
        "error.html",
        {
            "t": lambda key, **v: translate(key, lang, **v),
            "lang": lang,
            "user": None,
            "tenant": None,
            "csrf": "",
            "nav": "",
            "notices": [],
            "path": request.url.path,
            "query": "",
            "status": status,
            "message": message,
        },
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response


def _friendly(request: Request, exc: Exception, status: int) -> str:
    lang = _lang(request)
    if status == 404:
        return translate("error.not_found", lang)
    if status == 403 and isinstance(exc, CsrfError):
        return translate("error.csrf", lang)
    if status == 403:
        forbidden = translate("error.forbidden", lang)
        return say(lang, forbidden, f"{forbidden} {exc}")
    if status == 429 and isinstance(exc, LoginThrottledError):
        return translate(
            "error.throttled_account" if exc.scope == "account" else "error.throttled",
            lang,
            minutes=max(1, (exc.retry_after_s + 59) // 60),
        )
    if status == 429 and isinstance(exc, TooManyPendingError):
        return translate(f"error.pending_{exc.kind}", lang, limit=exc.limit)
    if status == 413:
        return str(exc)
    if status == 503 and isinstance(exc, StoreUnavailableError):
        return translate("error.store_failed", lang)
    if status == 503:
        return translate("error.store", lang) + str(exc)
    if status == 400 and isinstance(exc, QuerySyntaxError):
        return translate("error.input", lang) + exc.message_in(lang)
    if status == 400:
        return translate("error.input", lang) + str(exc)
    return str(exc)


def _record_store_failure(platform: Platform, failure: StoreFailure) -> None:
    """Record in the audit log that a store failed (once per failure)."""
    with platform.session() as db:
        row = db.get(DataStore, failure.store_id)
        audit.record(
            db,
            "store.failed",
            username="system",
            tenant_id=row.tenant_id if row is not None else None,
            object_type="store",
            object_id=failure.store_id,
            success=False,
            detail={
                "name": row.name if row is not None else None,
                "reason": failure.reason,
            },
        )


DENIED: tuple[type[Exception], ...] = (NotFoundError, AccessDeniedError, CsrfError)
"""Refusals the audit log records: not found or not yours (404), a role's 403, CSRF."""


async def _record_denied(request: Request, exc: Exception, status: int) -> None:
    """Record a refused request with whoever sent it (the CSRF check runs before the
    route learns who that is: then the credentials are looked up here)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        try:
            principal, _ = await identify(request.scope)
        except Exception:  # an unreadable credential: recorded as anonymous
            principal = None
    reason = (
        "csrf"
        if isinstance(exc, CsrfError)
        else ("not_found" if status == 404 else "forbidden")
    )
    platform: Platform = request.app.state.platform

    def record() -> None:
        with platform.session() as db:
            audit.record(
                db,
                "denied",
                viewer=principal.viewer if principal is not None else None,
                object_type=reason,
                object_id=request.url.path,
                ip=client_ip(request),
                success=False,
                detail={
                    "method": request.method,
                    "path": request.url.path,
                    "status": status,
                    "via": "token" if request.headers.get("authorization") else "web",
                    "message": str(exc)[:300],
                },
            )

    try:
        await run_in_threadpool(record)
    except Exception:  # the refusal stands even if the log cannot be written
        log.exception("could not record a refused request in the audit log")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def login_required(request: Request, exc: LoginRequiredError) -> Response:
        target = request.url.path + (
            f"?{request.url.query}" if request.url.query else ""
        )
        if request.headers.get("hx-request"):
            return Response(
                status_code=401, headers={"HX-Redirect": f"/login?next={quote(target)}"}
            )
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(PatnavError)
    async def patnav_error(request: Request, exc: PatnavError) -> Response:
        status = status_of(exc)
        if isinstance(exc, DENIED):
            await _record_denied(request, exc, status)
        headers = None
        if isinstance(exc, LoginThrottledError | TooManyPendingError):
            headers = {"Retry-After": str(exc.retry_after_s)}
        if isinstance(exc, UnauthorizedError):
            headers = {"WWW-Authenticate": "Bearer"}
        if status == 500:
            log.exception("unexpected patnav error", exc_info=exc)
        message = str(exc) if _is_api(request) else _friendly(request, exc, status)
        return error_response(request, status, message, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = translate("error.not_found", _lang(request))
        else:
            message = str(exc.detail)
        return error_response(
            request, exc.status_code, message, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
            for e in exc.errors()
        )
        return error_response(
            request, 422, translate("error.input", _lang(request)) + problems
        )

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path, exc_info=exc)
        return error_response(request, 500, translate("error.internal", _lang(request)))
