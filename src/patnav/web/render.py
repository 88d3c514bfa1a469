"""Rendering pages: the Jinja2 environment, its filters, and the common page context.

Numbers are shown with thousands separators (``12,345``), shares as percentages, times in
Beijing time (the platform's users are in China; the footer says so), file sizes in KB/MB.
Every page receives ``t`` (the label table in the page's language), ``lang``, ``user``,
``tenant``, ``csrf`` and ``nav`` (the current section).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from patnav.web.deps import Ctx
from patnav.web.i18n import LANG_COOKIE, LANGS, value_label
from patnav.web.security import cookie_header

TEMPLATES = Path(__file__).resolve().parent / "templates"
BEIJING = timezone(timedelta(hours=8), "UTC+8")


def num(value: Any) -> str:
    """``12345`` → ``12,345``; None → ``—``."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def pct(value: Any, digits: int = 1) -> str:
    """``0.1234`` → ``12.3%``; None → ``—``."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def when(value: Any) -> str:
    """A stored (naive UTC) time in Beijing time, ``2026-11-21 15:38``; a date as is."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def filesize(value: Any) -> str:
    """Bytes as B, KB, MB or GB."""
    if value is None:
        return "—"
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters.update(num=num, pct=pct, when=when, filesize=filesize)
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


templates = _templates()


def page(
    ctx: Ctx,
    template: str,
    /,
    *,
    nav: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the common context."""
    values = {
        "t": ctx.t,
        "label": lambda prefix, value: value_label(prefix, value, ctx.lang),
        "lang": ctx.lang,
        "user": ctx.principal,
        "tenant": ctx.principal.tenant if ctx.principal else None,
        "csrf": ctx.csrf,
        "nav": nav,
        "notices": ctx.notices,
        "path": ctx.request.url.path,
        "query": str(ctx.request.url.query),
        "switch_url": _switch_url(ctx),
        **context,
    }
    response = templates.TemplateResponse(
        ctx.request, template, values, status_code=status_code
    )
    remember_lang(ctx, response)
    return response


def _switch_url(ctx: Ctx) -> str:
    other = "en" if ctx.lang == "zh" else "zh"
    url = ctx.request.url.include_query_params(lang=other)
    return f"{url.path}?{url.query}"


def remember_lang(ctx: Ctx, response: Any) -> None:
    """Keep a ``?lang=`` choice in a cookie."""
    chosen = ctx.request.query_params.get("lang")
    if chosen in LANGS and chosen != ctx.request.cookies.get(LANG_COOKIE):
        secure = bool(getattr(ctx.request.state, "cookie_secure", False))
        response.headers.append(
            "set-cookie",
            cookie_header(
                LANG_COOKIE,
                chosen,
                secure=secure,
                max_age=365 * 24 * 3600,
                http_only=False,
            ),
        )
