"""Administration: the tenants beneath the administrator, their users (create, change role,
disable, reset password), and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.errors import InvalidParameterError
from patnav.platform import access, accounts, audit
from patnav.platform.models import LEVELS, ROLES
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(
    prefix="/admin", dependencies=[Depends(verify_csrf)], include_in_schema=False
)

MESSAGES = {
    "user": "admin.created_user",
    "tenant": "admin.created_tenant",
    "updated": "admin.updated_user",
    "revoked": "admin.revoked_token",
}


@router.get("", response_class=HTMLResponse)
def admin_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], msg: str | None = None
) -> Response:
    access.require_admin(ctx.viewer)
    if msg in MESSAGES:
        ctx.notices.append(ctx.t(MESSAGES[msg]))
    tenants = access.visible_tenants(ctx.db, ctx.viewer)
    return page(
        ctx,
        "admin.html",
        nav="admin",
        tenants=tenants,
        names={t.id: t.name for t in tenants},
        users=access.managed_users(ctx.db, ctx.viewer),
        levels=LEVELS,
        roles=ROLES,
        depth={t.id: t.path.count("/") - 2 for t in tenants},
        tokens=[
            (token, owner)
            for token, owner in access.managed_tokens(ctx.db, ctx.viewer)
            if accounts.is_live(token)
        ],
    )


@router.post("/tokens/{token_id}/revoke")
def revoke_token(ctx: Annotated[Ctx, Depends(page_ctx)], token_id: int) -> Response:
    """Revoke the API token of a user the administrator manages."""
    token = access.managed_token(ctx.db, ctx.viewer, token_id)
    accounts.revoke(ctx.db, token)
    audit.record(
        ctx.db,
        "token.revoke",
        viewer=ctx.viewer,
        object_type="token",
        object_id=token.id,
        ip=ctx.ip,
        detail={"owner_id": token.user_id, "by_admin": True},
    )
    ctx.db.commit()
    return RedirectResponse("/admin?msg=revoked", status_code=303)


@router.post("/tenants")
def create_tenant(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    name: Annotated[str, Form(max_length=200)],
    parent_id: Annotated[int, Form()],
    level: Annotated[str, Form()],
    region: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    access.require_admin(ctx.viewer)
    parent = access.tenant(ctx.db, ctx.viewer, parent_id)
    tenant = accounts.create_tenant(
        ctx.db, name, level, parent=parent, region=region or None
    )
    audit.record(
        ctx.db,
        "tenant.create",
        viewer=ctx.viewer,
        object_type="tenant",
        object_id=tenant.id,
        ip=ctx.ip,
        detail={"name": tenant.name, "level": level, "parent": parent.name},
    )
    ctx.db.commit()
    return RedirectResponse("/admin?msg=tenant", status_code=303)


@router.post("/users")
def create_user(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form()],
    tenant_id: Annotated[int, Form()],
    display_name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    access.require_admin(ctx.viewer)
    tenant = access.tenant(ctx.db, ctx.viewer, tenant_id)
    user = accounts.create_user(
        ctx.db,
        username,
        password,
        role=role,
        tenant=tenant,
        display_name=display_name or None,
    )
    audit.record(
        ctx.db,
        "user.create",
        viewer=ctx.viewer,
        object_type="user",
        object_id=user.id,
        ip=ctx.ip,
        detail={"username": user.username, "role": role, "tenant": tenant.name},
    )
    ctx.db.commit()
    return RedirectResponse("/admin?msg=user", status_code=303)


@router.post("/users/{user_id}")
def update_user(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    user_id: int,
    role: Annotated[str | None, Form()] = None,
    active: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form(max_length=1000)] = None,
) -> Response:
    user = access.managed_user(ctx.db, ctx.viewer, user_id)
    changes: dict[str, object] = {}
    if role:
        if role not in ROLES:
            raise InvalidParameterError(
                f"Unknown role '{role}': use one of {', '.join(ROLES)}."
            )
        user.role = changes["role"] = role
    if active in ("0", "1"):
        if user.id == ctx.viewer.user_id and active == "0":
            raise InvalidParameterError("You cannot disable your own account.")
        user.is_active = changes["active"] = active == "1"
    if password:
        accounts.set_password(ctx.db, user, password)
        changes["password"] = "reset"
    audit.record(
        ctx.db,
        "user.update",
        viewer=ctx.viewer,
        object_type="user",
        object_id=user.id,
        ip=ctx.ip,
        detail=changes,
    )
    ctx.db.commit()
    return RedirectResponse("/admin?msg=updated", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], action: str | None = None, offset: int = 0
) -> Response:
    access.require_admin(ctx.viewer)
    events = audit.events(
        ctx.db, ctx.viewer, action=action or None, limit=200, offset=max(0, offset)
    )
    return page(
        ctx,
        "audit.html",
        nav="admin",
        events=events,
        action=action or "",
        actions=audit.ACTIONS,
        offset=offset,
    )
