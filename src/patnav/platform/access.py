"""Who may see and change what: every access rule of the platform, in one place.

Every page and API route that reads or changes a tenant-owned object (store, patent set,
spec, import job, report, publication, user, tenant) goes through this module. An object a
user may not see is reported as *not found* — never "forbidden" — so guessing ids reveals
nothing; an object they may see but not change gives :class:`AccessDeniedError`.

=========== ================================ ================ ============ =================
role        sees                             creates, changes publishes    manages
=========== ================================ ================ ============ =================
admin       own tenant and all beneath       same             any scope    users, tenants
analyst     own tenant and all beneath       same             any scope    —
department  own tenant and all beneath       nothing          —            —
enterprise  own tenant only                  own tenant       own tenant   —
bank        own tenant only                  own tenant       own tenant   —
=========== ================================ ================ ============ =================

Publications add their visibility: ``tenant`` (those who see the tenant), ``subtree`` (also
every user of a tenant beneath it), ``public`` (every signed-in user).

Navigation projects are seen by the users of the tenant that asked, and by the admins and
analysts who see the tenant asked (the office) or the tenant that asked; the office's
admins and analysts take their steps (:mod:`patnav.platform.projects` says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from patnav.errors import AccessDeniedError, NotFoundError
from patnav.platform.models import (
    ApiToken,
    DataStore,
    ImportJob,
    NavProject,
    PatentSetLink,
    Publication,
    ReportJob,
    Spec,
    Tenant,
    User,
)

SUBTREE_ROLES = frozenset({"admin", "analyst", "department"})
"""Roles that see the tenants beneath their own."""
WRITE_ROLES = frozenset({"admin", "analyst", "enterprise", "bank"})
"""Roles that may create and change objects."""
WIDE_PUBLISH_ROLES = frozenset({"admin", "analyst"})
"""Roles that may publish beyond their tenant (tenant-and-below, platform-wide)."""

OWNED = (DataStore, PatentSetLink, Spec, ImportJob, ReportJob, Publication)
Owned = TypeVar(
    "Owned", DataStore, PatentSetLink, Spec, ImportJob, ReportJob, Publication
)


MAX_ID = 2**63 - 1
"""The largest id a row can have (a signed 64-bit integer in SQLite and PostgreSQL)."""


def is_valid_id(object_id: int) -> bool:
    """Whether ``object_id`` can be a row's id at all: a larger number sent in a URL or
    a form (``/api/v1/sets/99999999999999999999999``) is simply not found, instead of
    overflowing the database driver."""
    return 0 < object_id <= MAX_ID


@dataclass(frozen=True, slots=True)
class Viewer:
    """The acting user, as access rules need them (detached from any session)."""

    user_id: int
    username: str
    role: str
    tenant_id: int
    tenant_path: str  # "/1/4/9/": the tenant's ancestors and itself

    @classmethod
    def of(cls, user: User, tenant: Tenant) -> Viewer:
        """The viewer for a user and their tenant."""
        return cls(user.id, user.username, user.role, tenant.id, tenant.path)

    @property
    def sees_subtree(self) -> bool:
        return self.role in SUBTREE_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def ancestor_ids(self) -> list[int]:
        """The viewer's tenant and every tenant above it."""
        return [int(part) for part in self.tenant_path.strip("/").split("/") if part]


# -- tenants -------------------------------------------------------------------------


def tenant_condition(viewer: Viewer, column: Any) -> ColumnElement[bool]:
    """A SQL condition: ``column`` (a tenant id) is a tenant the viewer sees."""
    if viewer.sees_subtree:
        beneath = select(Tenant.id).where(Tenant.path.startswith(viewer.tenant_path))
        return column.in_(beneath)  # type: ignore[no-any-return]
    return column == viewer.tenant_id  # type: ignore[no-any-return]


def visible_tenants(session: Session, viewer: Viewer) -> list[Tenant]:
    """The tenants the viewer sees, in tree order."""
    return list(
        session.scalars(
            select(Tenant)
            .where(tenant_condition(viewer, Tenant.id))
            .order_by(Tenant.path)
        )
    )


def writable_tenants(session: Session, viewer: Viewer) -> list[Tenant]:
    """The tenants the viewer may create objects in (empty for read-only roles)."""
    return visible_tenants(session, viewer) if viewer.can_write else []


def can_see_tenant(session: Session, viewer: Viewer, tenant_id: int) -> bool:
    """Whether the viewer sees the tenant."""
    if not is_valid_id(tenant_id):
        return False
    found = session.scalar(
        select(Tenant.id).where(
            and_(Tenant.id == tenant_id, tenant_condition(viewer, Tenant.id))
        )
    )
    return found is not None


def tenant(session: Session, viewer: Viewer, tenant_id: int) -> Tenant:
    """A tenant the viewer sees.

    Raises:
        NotFoundError: no such tenant, or not one the viewer sees.
    """
    found = session.get(Tenant, tenant_id) if is_valid_id(tenant_id) else None
    if found is None or not can_see_tenant(session, viewer, tenant_id):
        raise NotFoundError(f"No tenant {tenant_id} that you can see.")
    return found


def require_write(session: Session, viewer: Viewer, tenant_id: int) -> Tenant:
    """The tenant, when the viewer may create and change objects in it.

    Raises:
        NotFoundError: the viewer does not see the tenant.
        AccessDeniedError: the viewer's role is read-only.
    """
    found = tenant(session, viewer, tenant_id)
    if not viewer.can_write:
        raise AccessDeniedError(
            f"Your role ({viewer.role}) may read but not change anything. Ask an "
            "administrator for an analyst account to import, search and save."
        )
    return found


# -- owned objects -------------------------------------------------------------------


def owned_condition(viewer: Viewer, model: type[Owned]) -> ColumnElement[bool]:
    """A SQL condition: a row of ``model`` is one the viewer may see."""
    own = tenant_condition(viewer, model.tenant_id)
    if model is not Publication:
        return own
    ancestors = viewer.ancestor_ids
    return or_(
        own,
        Publication.visibility == "public",
        and_(
            Publication.visibility == "subtree",
            Publication.tenant_id.in_(ancestors) if ancestors else false(),
        ),
    )


def scoped(statement: Select[Any], viewer: Viewer, model: type[Owned]) -> Select[Any]:
    """``statement`` restricted to rows of ``model`` the viewer may see."""
    return statement.where(owned_condition(viewer, model))


def visible(
    session: Session, viewer: Viewer, model: type[Owned], object_id: int
) -> Owned:
    """An object the viewer may see.

    Raises:
        NotFoundError: no such object, or not one the viewer may see.
    """
    found = (
        session.scalar(
            select(model).where(
                and_(model.id == object_id, owned_condition(viewer, model))
            )
        )
        if is_valid_id(object_id)
        else None
    )
    if found is None:
        raise NotFoundError(f"No {_label(model)} {object_id} that you can see.")
    return found


def writable(
    session: Session, viewer: Viewer, model: type[Owned], object_id: int
) -> Owned:
    """An object the viewer may change.

    Raises:
        NotFoundError: the viewer may not see it.
        AccessDeniedError: the viewer sees it but may not change it (read-only role, or a
            publication of another tenant).
    """
    found = visible(session, viewer, model, object_id)
    if not viewer.can_write:
        raise AccessDeniedError(
            f"Your role ({viewer.role}) may read but not change anything. Ask an "
            "administrator for an analyst account."
        )
    if not can_see_tenant(session, viewer, found.tenant_id):
        # a publication seen through its visibility, owned by a tenant the viewer does
        # not manage
        raise AccessDeniedError(
            f"This {_label(model)} belongs to another organisation: you may read it, "
            "not change it."
        )
    return found


def check_visibility(viewer: Viewer, visibility: str) -> None:
    """Whether the viewer may publish with this visibility.

    Raises:
        AccessDeniedError: enterprise and bank users publish within their own tenant only.
    """
    if visibility != "tenant" and viewer.role not in WIDE_PUBLISH_ROLES:
        raise AccessDeniedError(
            "Your role publishes within your own organisation only: choose the "
            "visibility 'tenant'."
        )


# -- users ---------------------------------------------------------------------------


def require_admin(viewer: Viewer) -> None:
    """Raises AccessDeniedError unless the viewer is an administrator."""
    if not viewer.is_admin:
        raise AccessDeniedError(
            "Only administrators manage users and tenants. Ask your administrator."
        )


def managed_users(session: Session, viewer: Viewer) -> list[User]:
    """The users an administrator manages: those of their tenant and beneath."""
    require_admin(viewer)
    return list(
        session.scalars(
            select(User)
            .where(tenant_condition(viewer, User.tenant_id))
            .order_by(User.tenant_id, User.username)
        )
    )


def managed_user(session: Session, viewer: Viewer, user_id: int) -> User:
    """A user the administrator manages.

    Raises:
        AccessDeniedError: the viewer is not an administrator.
        NotFoundError: no such user in the administrator's subtree.
    """
    require_admin(viewer)
    found = session.get(User, user_id) if is_valid_id(user_id) else None
    if found is None or not can_see_tenant(session, viewer, found.tenant_id):
        raise NotFoundError(f"No user {user_id} that you manage.")
    return found


def managed_tokens(session: Session, viewer: Viewer) -> list[tuple[ApiToken, User]]:
    """The API tokens of the users an administrator manages (newest first), with their
    users."""
    require_admin(viewer)
    rows = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(tenant_condition(viewer, User.tenant_id))
        .order_by(ApiToken.id.desc())
    )
    return [(token, user) for token, user in rows]


def managed_token(session: Session, viewer: Viewer, token_id: int) -> ApiToken:
    """An API token of a user the administrator manages.

    Raises:
        AccessDeniedError: the viewer is not an administrator.
        NotFoundError: no such token of a user in the administrator's subtree.
    """
    require_admin(viewer)
    found = session.get(ApiToken, token_id) if is_valid_id(token_id) else None
    owner = session.get(User, found.user_id) if found is not None else None
    if owner is None or not can_see_tenant(session, viewer, owner.tenant_id):
        raise NotFoundError(f"No API token {token_id} of a user you manage.")
    assert found is not None
    return found


def _label(model: type[Any]) -> str:
    return {
        DataStore: "store",
        PatentSetLink: "patent set",
        Spec: "spec",
        ImportJob: "import",
        ReportJob: "report",
        Publication: "publication",
    }.get(model, model.__name__.lower())


# -- navigation projects (patnav.platform.projects) ----------------------------------

OFFICE_ROLES = frozenset({"admin", "analyst"})
"""Roles that work on the navigation projects addressed to a tenant they see (the
office)."""


def project_condition(viewer: Viewer) -> ColumnElement[bool]:
    """A SQL condition: a navigation project the viewer sees — asked by their own tenant,
    or, for an office role, addressed to or asked by a tenant they see."""
    own = NavProject.requester_tenant_id == viewer.tenant_id
    if viewer.role in OFFICE_ROLES:
        return or_(
            own,
            tenant_condition(viewer, NavProject.tenant_id),
            tenant_condition(viewer, NavProject.requester_tenant_id),
        )
    return own


def works_for_office(session: Session, viewer: Viewer, office_tenant_id: int) -> bool:
    """Whether the viewer works on the projects addressed to ``office_tenant_id`` (an
    admin or analyst who sees that tenant)."""
    return viewer.role in OFFICE_ROLES and can_see_tenant(
        session, viewer, office_tenant_id
    )
