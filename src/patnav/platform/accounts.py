"""Tenants, users, passwords, API tokens and sign-in sessions.

- Passwords are hashed with Argon2id (``argon2-cffi``); a hash made with older parameters
  is upgraded at the next sign-in.
- Sign-in is throttled: after ``login_max_failures`` failures for one user name from one
  address (or four times as many from one address, whatever the names), sign-in from there
  is locked for ``login_lockout_minutes`` — even with the right password; after
  ``login_account_max_failures`` failures for one user name from any addresses, that
  account's sign-in is locked wherever it comes from (an attacker spreading guesses over
  many addresses), until the lock ends or an administrator resets the password.
- API tokens and session tokens are random (256 bits); only their SHA-256 is stored.
  Every API token expires (``api_token_days`` by default) and carries scopes (read,
  write, admin); a password change revokes the user's sessions and tokens, and an
  administrator may revoke the tokens of the users they manage.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from patnav.config import Settings
from patnav.errors import (
    InputError,
    InvalidParameterError,
    LoginFailedError,
    LoginThrottledError,
    NotFoundError,
)
from patnav.platform.models import (
    LEVELS,
    ROLES,
    TOKEN_SCOPES,
    ApiToken,
    LoginThrottle,
    Tenant,
    User,
    WebSession,
    utcnow,
)

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist costs the same time as a real
# check, so response times do not tell which user names exist.
_DUMMY_HASH = _HASHER.hash("patnav-no-such-user")
TOKEN_PREFIX = "pn_"
MIN_PASSWORD = 8


# -- passwords -----------------------------------------------------------------------


def check_password_strength(password: str) -> None:
    """Raises InvalidParameterError unless the password has at least 8 characters with
    letters and digits."""
    if (
        len(password) < MIN_PASSWORD
        or not any(c.isalpha() for c in password)
        or not any(c.isdigit() for c in password)
    ):
        raise InvalidParameterError(
            f"A password needs at least {MIN_PASSWORD} characters, with letters and "
            "digits."
        )


def hash_password(password: str) -> str:
    """The Argon2id hash of a password."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- tenants -------------------------------------------------------------------------


def create_tenant(
    session: Session,
    name: str,
    level: str,
    *,
    parent: Tenant | None = None,
    region: str | None = None,
) -> Tenant:
    """Add a tenant beneath ``parent`` (a root tenant when None).

    Raises:
        InvalidParameterError: unknown level, a level not beneath the parent's, an empty
            name, or a sibling of the same name.
    """
    name = name.strip()
    if not name or len(name) > 200 or "/" in name:
        raise InvalidParameterError(
            "A tenant name is 1–200 characters without '/', such as 山东省 or 泰安市."
        )
    if level not in LEVELS:
        raise InvalidParameterError(
            f"Unknown tenant level '{level}': use one of {', '.join(LEVELS)}."
        )
    if parent is not None and LEVELS.index(level) <= LEVELS.index(parent.level):
        deeper = ", ".join(LEVELS[LEVELS.index(parent.level) + 1 :]) or "none"
        raise InvalidParameterError(
            f"A tenant beneath {parent.name} ({parent.level}) must be of a lower level: "
            f"{deeper}."
        )
    parent_id = parent.id if parent is not None else None
    clash = session.scalar(
        select(Tenant.id).where(Tenant.name == name, Tenant.parent_id == parent_id)
        if parent_id is not None
        else select(Tenant.id).where(Tenant.name == name, Tenant.parent_id.is_(None))
    )
    if clash is not None:
        raise InvalidParameterError(f"A tenant named {name} exists there already.")
    tenant = Tenant(name=name, level=level, parent_id=parent_id, region=region)
    session.add(tenant)
    session.flush()
    tenant.path = f"{parent.path if parent else '/'}{tenant.id}/"
    session.flush()
    return tenant


def find_tenant(session: Session, ref: str) -> Tenant:
    """A tenant by id, name, or path of names (``山东省/泰安市``).

    Raises:
        InputError: no such tenant, or a name several tenants share.
    """
    ref = ref.strip()
    if ref.isdigit():
        found = session.get(Tenant, int(ref))
        if found is not None:
            return found
    parts = [p.strip() for p in ref.split("/") if p.strip()]
    if len(parts) > 1:
        parent: Tenant | None = None
        for part in parts:
            condition = (
                Tenant.parent_id == parent.id
                if parent is not None
                else Tenant.parent_id.is_(None)
            )
            parent = session.scalar(
                select(Tenant).where(Tenant.name == part, condition)
            )
            if parent is None:
                break
        if parent is not None:
            return parent
    matches = list(session.scalars(select(Tenant).where(Tenant.name == ref)))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        paths = ", ".join(tenant_label(session, t) for t in matches)
        raise InputError(
            f"Several tenants are named {ref}: {paths}. Give the path, such as 山东省/泰安市."
        )
    raise InputError(
        f"No tenant '{ref}'. Create it with 'patnav tenant add', or list them with "
        "'patnav tenant list'."
    )


def tenant_label(session: Session, tenant: Tenant) -> str:
    """The tenant's path of names: ``山东省/泰安市/高新区``."""
    ids = [int(p) for p in tenant.path.strip("/").split("/") if p]
    names = {
        t.id: t.name for t in session.scalars(select(Tenant).where(Tenant.id.in_(ids)))
    }
    return "/".join(names.get(i, "?") for i in ids)


# -- users ---------------------------------------------------------------------------


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: str,
    tenant: Tenant,
    display_name: str | None = None,
) -> User:
    """Add a user.

    Raises:
        InvalidParameterError: bad user name, role or password, or the name is taken.
    """
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InvalidParameterError(
            "A user name is 1–100 characters without spaces, such as zhang.wei."
        )
    if role not in ROLES:
        raise InvalidParameterError(
            f"Unknown role '{role}': use one of {', '.join(ROLES)}."
        )
    check_password_strength(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidParameterError(f"The user name {username} is taken.")
    user = User(
        username=username,
        display_name=display_name or None,
        password_hash=hash_password(password),
        role=role,
        tenant_id=tenant.id,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change a user's password, end their sign-in sessions, revoke their API tokens
    (whoever knew the old password may have made one) and lift a lock on the account."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    for web_session in session.scalars(
        select(WebSession).where(WebSession.user_id == user.id)
    ):
        web_session.revoked = True
    revoke_user_tokens(session, user)
    lock = session.get(LoginThrottle, _account_key(user.username))
    if lock is not None:
        session.delete(lock)
    session.flush()


def find_user(session: Session, username: str) -> User:
    """A user by name.

    Raises:
        InputError: no such user.
    """
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise InputError(f"No user named {username}.")
    return user


# -- sign-in -------------------------------------------------------------------------


def _account_key(username: str) -> str:
    return f"account:{username.strip().lower()}"


def _throttle_keys(
    settings: Settings, username: str, ip: str
) -> list[tuple[str, int, str]]:
    """(key, failures that lock it, what it locks) of one sign-in attempt."""
    per_address = settings.login_max_failures
    return [
        (f"user:{username.strip().lower()}|{ip}", per_address, "address"),
        (f"ip:{ip}", per_address * 4, "address"),
        (_account_key(username), settings.login_account_max_failures, "account"),
    ]


def _check_throttle(
    session: Session, settings: Settings, ip: str, username: str
) -> None:
    now = utcnow()
    for key, _, scope in _throttle_keys(settings, username, ip):
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            raise LoginThrottledError(
                int((row.locked_until - now).total_seconds()) + 1, scope
            )


def _record_failure(
    session: Session, settings: Settings, ip: str, username: str
) -> None:
    now = utcnow()
    window = timedelta(minutes=settings.login_lockout_minutes)
    for key, limit, _ in _throttle_keys(settings, username, ip):
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, first_failure_at=now)
            session.add(row)
        elif row.first_failure_at < now - window or (
            row.locked_until is not None and row.locked_until <= now
        ):
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + window
    session.flush()


def authenticate(
    session: Session, settings: Settings, username: str, password: str, *, ip: str
) -> User:
    """The user whose name and password these are.

    Raises:
        LoginThrottledError: too many failures from this address, or for this account from
            any; the password is not even checked.
        LoginFailedError: wrong name or password, or a disabled account (the failure counts).
    """
    _check_throttle(session, settings, ip, username)
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    if not ok or user is None:
        _record_failure(session, settings, ip, username)
        raise LoginFailedError(
            "Wrong user name or password. Check both (passwords are case-sensitive)."
        )
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    for key, _, _ in _throttle_keys(settings, username, ip)[::2]:  # user|ip, account
        row = session.get(LoginThrottle, key)
        if row is not None:
            session.delete(row)
    user.last_login_at = utcnow()
    session.flush()
    return user


def start_session(
    session: Session,
    settings: Settings,
    user: User,
    *,
    ip: str | None,
    user_agent: str | None,
) -> str:
    """Open a sign-in session; returns its token (to be signed into the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            id=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=settings.session_hours),
            ip=ip,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    session.flush()
    return token


def session_user(session: Session, token: str) -> User | None:
    """The active user of a live session token, or None."""
    row = session.get(WebSession, _digest(token))
    if row is None or row.revoked or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def session_expiry(session: Session, token: str) -> datetime | None:
    """When a session token's session expires (None: no such session)."""
    row = session.get(WebSession, _digest(token))
    return None if row is None else row.expires_at


def end_session(session: Session, token: str) -> None:
    """Revoke a session (sign-out)."""
    row = session.get(WebSession, _digest(token))
    if row is not None:
        row.revoked = True
        session.flush()


# -- API tokens ----------------------------------------------------------------------


DEFAULT_TOKEN_DAYS = 90.0
DEFAULT_SCOPES: tuple[str, ...] = ("read", "write")


@dataclass(frozen=True, slots=True)
class NewToken:
    """A freshly created API token: ``secret`` is shown once and never stored."""

    token: ApiToken
    secret: str


def check_scopes(user: User, scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes, validated and in canonical order.

    Raises:
        InvalidParameterError: an unknown scope, none at all, or ``admin`` for a user who
            is not an administrator.
    """
    wanted = {s.strip() for s in scopes if s.strip()}
    unknown = sorted(wanted - set(TOKEN_SCOPES))
    if unknown or not wanted:
        raise InvalidParameterError(
            f"Token scopes are some of {', '.join(TOKEN_SCOPES)}; got "
            f"{', '.join(unknown) or 'none'}."
        )
    if "admin" in wanted and user.role != "admin":
        raise InvalidParameterError(
            "Only administrators may give a token the admin scope."
        )
    return tuple(s for s in TOKEN_SCOPES if s in wanted)


def create_token(
    session: Session,
    user: User,
    name: str,
    *,
    days: float = DEFAULT_TOKEN_DAYS,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    expires_at: datetime | None = None,
) -> NewToken:
    """Create an API token for a user, expiring after ``days`` (or at ``expires_at``)
    and allowed ``scopes``.

    Raises:
        InvalidParameterError: a lifetime that is not positive, or bad scopes.
    """
    if expires_at is None:
        if not days > 0:
            raise InvalidParameterError(
                f"A token lasts a positive number of days; got {days}."
            )
        expires_at = utcnow() + timedelta(days=days)
    name = name.strip() or "token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=_digest(secret),
        prefix=secret[:10],
        expires_at=expires_at,
        scopes=",".join(check_scopes(user, scopes)),
    )
    session.add(token)
    session.flush()
    return NewToken(token, secret)


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether a token is neither revoked nor expired."""
    now = now or utcnow()
    return token.revoked_at is None and (
        token.expires_at is None or token.expires_at > now
    )


def find_token(session: Session, secret: str) -> ApiToken | None:
    """The live token of a secret, with an active user; None otherwise. Records its use
    (at most once a minute)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(secret))
    )
    now = utcnow()
    if token is None or not is_live(token, now):
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token


def token_user(session: Session, secret: str) -> User | None:
    """The active user of a live API token, or None (and records its use)."""
    token = find_token(session, secret)
    return None if token is None else session.get(User, token.user_id)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (see
    :func:`patnav.platform.access.managed_token` for an administrator revoking
    another's).

    Raises:
        NotFoundError: the user has no such token.
    """
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
    if token is None or token.user_id != user.id:
        raise NotFoundError(f"You have no API token {token_id}.")
    return revoke(session, token)


def revoke(session: Session, token: ApiToken) -> ApiToken:
    """Revoke a token (a revoked one stays as it was)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def revoke_user_tokens(session: Session, user: User) -> int:
    """Revoke every live token of a user; how many were."""
    now = utcnow()
    count = 0
    for token in session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    ):
        token.revoked_at = now
        count += 1
    session.flush()
    return count
