"""The patnav web platform: ``create_app(settings)`` builds the FastAPI application.

Pages and the REST API (:mod:`patnav.web.routers`) are thin shells over
:mod:`patnav.web.features`, one module per feature (stores, imports, search, patents, sets,
dashboard, specs, reports, catalogue), which check access (:mod:`patnav.platform.access`)
and call the core; background jobs go through the one job runner, :mod:`patnav.web.jobs`.
See ``docs/web.md`` and ``docs/architecture.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from patnav.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application (imported lazily: the CLI starts without FastAPI loaded)."""
    from patnav.web.app import create_app as build

    return build(settings)


__all__: list[Any] = ["create_app"]
