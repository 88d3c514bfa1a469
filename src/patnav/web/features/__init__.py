"""What a user can do on the platform, one module per feature, shared by the pages and the
REST API.

Each module mirrors the router of the same name in :mod:`patnav.web.routers` (the API
router, ``api.py``, calls them all): ``stores``, ``imports``, ``search``, ``patents``,
``sets``, ``dashboard``, ``specs``, ``reports``, ``prevalue``, ``catalogue``, ``public``;
``common`` holds what every feature shares (the open store behind a store row, display
names). A feature function takes the request context (:class:`~patnav.web.deps.Ctx`),
checks access through :mod:`patnav.platform.access` (``public`` serves anonymous visitors
and takes the database session instead), calls the core, writes the audit log, and returns plain
objects the router renders as HTML or JSON. Background jobs (imports, reports) go through
the one job runner, :mod:`patnav.web.jobs`; the open stores, their workers and caches are
:mod:`patnav.web.services`.
"""

from __future__ import annotations

from patnav.web.features import (
    capability,
    catalogue,
    common,
    dashboard,
    imports,
    patents,
    prevalue,
    public,
    reports,
    search,
    sets,
    specs,
    stores,
)

__all__ = [
    "capability",
    "catalogue",
    "common",
    "dashboard",
    "imports",
    "patents",
    "prevalue",
    "public",
    "reports",
    "search",
    "sets",
    "specs",
    "stores",
]
