"""Who is signed in, without a database round trip on every request.

Every request with a session cookie or an API token needs its user, role and tenant. Looking
them up costs three SQLAlchemy queries (session or token, user, tenant) — a third of a cached
dashboard's server time under load — so the answer is kept for a few seconds in
:class:`PrincipalCache`, keyed by the SHA-256 of the session or token secret (never the
secret itself), as a detached :class:`Principal`.

It stays correct:

- **changes made by this server** — sign-out, a password change (which revokes the user's
  sessions), a role change, disabling an account, revoking a token, renaming a tenant — empty
  the cache when their transaction commits (a SQLAlchemy ``after_commit`` hook on the
  platform's sessions, so no route can forget to); a lookup that read the database before
  such a commit does not store its (stale) answer afterwards (a generation counter);
- **changes made elsewhere** (``patnav user passwd`` in a shell, another server on the same
  PostgreSQL database) are seen after at most ``ttl_s`` seconds (default 10);
- an entry never outlives the session or token it stands for (``expires_at``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from patnav.platform.access import Viewer
from patnav.platform.models import ApiToken, Tenant, User, WebSession, utcnow

DEFAULT_TTL_S = 10.0
MAX_ENTRIES = 10_000

_WATCHED: dict[type[Any], tuple[str, ...]] = {
    User: ("username", "display_name", "role", "tenant_id", "is_active"),
    WebSession: ("revoked", "expires_at", "user_id"),
    ApiToken: ("revoked_at", "expires_at", "user_id", "scopes"),
    Tenant: ("name", "path", "parent_id"),
}
"""The columns whose change makes a cached principal stale (``last_used_at`` and
``last_login_at`` change often and do not)."""


@dataclass(frozen=True, slots=True)
class TenantRef:
    """The signed-in user's tenant, as pages show it."""

    id: int
    name: str
    path: str
    level: str


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user with their tenant, detached from any database session.

    Templates read it like a user row (``user.username``, ``user.role``).
    """

    id: int
    username: str
    display_name: str | None
    role: str
    tenant: TenantRef
    scopes: frozenset[str] | None = None
    """An API token's scopes; None for a browser session (everything the role may)."""

    @classmethod
    def of(
        cls, user: User, tenant: Tenant, scopes: frozenset[str] | None = None
    ) -> Principal:
        """The principal of a user row and its tenant row (and a token's scopes)."""
        return cls(
            user.id,
            user.username,
            user.display_name,
            user.role,
            TenantRef(tenant.id, tenant.name, tenant.path, tenant.level),
            scopes,
        )

    def allows(self, scope: str) -> bool:
        """Whether the credential used may do what ``scope`` covers."""
        return self.scopes is None or scope in self.scopes

    @property
    def viewer(self) -> Viewer:
        """The principal as access rules need it."""
        return Viewer(
            self.id, self.username, self.role, self.tenant.id, self.tenant.path
        )


def secret_key(kind: str, secret: str) -> str:
    """The cache key of a session (``kind`` "session") or API token ("token") secret."""
    return f"{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    until: float  # time.monotonic()


class PrincipalCache:
    """Principals by session or token, for ``ttl_s`` seconds at most; thread-safe.

    Use :meth:`generation` before reading the database and pass it to :meth:`put`: an
    answer read before an invalidating commit is then dropped instead of stored.
    """

    def __init__(self, ttl_s: float = DEFAULT_TTL_S, max_entries: int = MAX_ENTRIES):
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self.hits = 0
        self.misses = 0

    def generation(self) -> int:
        """The current generation (changes on every invalidation)."""
        return self._generation

    def get(self, key: str) -> Principal | None:
        """The cached principal of ``key``, or None (unknown or expired)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.until > time.monotonic():
                self.hits += 1
                return entry.principal
            if entry is not None:
                del self._entries[key]
            self.misses += 1
            return None

    def put(
        self,
        key: str,
        principal: Principal,
        generation: int,
        expires_at: datetime | None = None,
    ) -> None:
        """Remember ``principal`` for ``key`` — unless the cache was invalidated since
        ``generation`` was read; never beyond ``expires_at`` (naive UTC)."""
        ttl = self.ttl_s
        if expires_at is not None:
            ttl = min(ttl, (expires_at - utcnow()).total_seconds())
        if ttl <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return
            self._entries[key] = _Entry(principal, time.monotonic() + ttl)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every principal (after a change to users, sessions, tokens, tenants)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Clear the cache whenever a session of ``sessions`` commits a change that can
        make a principal stale."""

        def after_flush(session: Session, _context: Any) -> None:
            deleted = any(type(obj) in _WATCHED for obj in session.deleted)
            if deleted or any(_changed(obj) for obj in session.dirty):
                session.info["patnav_principals_stale"] = True

        def after_commit(session: Session) -> None:
            if session.info.pop("patnav_principals_stale", False):
                self.clear()

        def after_rollback(session: Session) -> None:
            session.info.pop("patnav_principals_stale", None)

        event.listen(sessions, "after_flush", after_flush)
        event.listen(sessions, "after_commit", after_commit)
        event.listen(sessions, "after_soft_rollback", lambda s, _t: after_rollback(s))


def _changed(obj: object) -> bool:
    columns = _WATCHED.get(type(obj))
    if columns is None:
        return False
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)
