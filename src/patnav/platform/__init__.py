"""The web platform's application state: tenants, users, stores, jobs, catalogue, audit log.

Everything the browser UI and the REST API keep besides patent data lives here, in one
relational database reached through SQLAlchemy: SQLite under the data root by default,
PostgreSQL in server deployments (``PATNAV_PLATFORM_DB``). Alembic migrations ship in
``patnav/platform/migrations`` and are applied when the platform opens.

```
Platform.open(settings)        engine, sessions, migrations, the secret key
models                         the tables (Tenant, User, DataStore, Spec, ReportJob …)
access                         who may see and change what: the only place rules live
accounts                       tenants, users, passwords, API tokens, sign-in sessions
audit                          the audit log
files                          where files live under the data root; safe names
```

Patent data stays in the tenants' DuckDB stores (:mod:`patnav.storage`); the platform only
records which store file belongs to which tenant.
"""

from __future__ import annotations

from patnav.platform.db import Platform

__all__ = ["Platform"]
