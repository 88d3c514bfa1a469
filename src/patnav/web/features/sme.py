"""The SME cultivation library's pages (专利产业化促进中小企业成长计划 培育库): the office's
page — each store's library by state, the transitions as forms (the signed-in user is the
one who records or reviews), the dynamic-adjustment rules and the workbook — and a
per-enterprise view of one enterprise's application and status (``routers/sme.py``).

The library lives in its store (:mod:`patnav.models.sme.library`, the same as ``patnav sme
…``), so the stores a user sees are the libraries they see. Recording a transition needs
write access to the store's tenant and an office role (:data:`OFFICE_ROLES`); it runs on
the store's own worker thread, as imports do, and is audited.

**The enterprise's own page** (``/sme/mine``). The platform ties a user to a tenant, and
an enterprise's tenant (``org``) does not see the office's stores; naming a tenant after an
enterprise would be a guess. So the office ties an enterprise user to one enterprise of
the register, for one province's library (:class:`~patnav.platform.models.EnterpriseLink`,
made on the per-enterprise view by an admin or analyst who writes the store's tenant and
sees the user's). Through that link — and only through it — the user sees the
enterprise's own application, status and history, the criteria of its last check with
what to supply, and may apply (申报) when its state allows; nothing else of the store.

The ten-criteria check kept with 申报 and 审核 here runs without declarations and without
the abnormal-filing detector (criterion 10 stays unknown in it); run ``patnav sme apply
--declarations …`` for a full one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import select

from patnav.errors import (
    AccessDeniedError,
    InvalidParameterError,
    NotFoundError,
    PatnavError,
)
from patnav.models.sme import check_sme
from patnav.models.sme.criteria import short_province
from patnav.models.sme.library import (
    DECLARATIONS,
    TRANSITIONS,
    CheckSnapshot,
    LibraryEvent,
    LibraryList,
    LibraryStatus,
    library_status,
    list_library,
    record,
    resolve_enterprise,
)
from patnav.models.sme.lists import library_frames
from patnav.models.sme.rules import LibraryRules, library_rules
from patnav.platform import access, audit
from patnav.platform.models import DataStore, EnterpriseLink, User
from patnav.schema.vocabulary import province_name
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.features.monitors import _on_worker
from patnav.web.features.stores import get_store, list_stores

OFFICE_ROLES = frozenset({"admin", "analyst"})
"""Roles that record transitions in a tenant they write (the office); others read."""

ACTIONS: tuple[str, ...] = (*TRANSITIONS, *DECLARATIONS)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoreLibrary:
    """One store's library as the page shows it."""

    store: DataStore
    writable: bool
    has_register: bool
    province: str | None
    provinces: tuple[str, ...]
    library: LibraryList | None
    rules: LibraryRules | None
    error: str | None = None


def writable(ctx: Ctx, store: DataStore) -> bool:
    """Whether the user records library matters in ``store`` (an office role writing
    its tenant)."""
    return ctx.viewer.role in OFFICE_ROLES and any(
        t.id == store.tenant_id for t in access.writable_tenants(ctx.db, ctx.viewer)
    )


def _default_province(ctx: Ctx, provinces: tuple[str, ...]) -> str | None:
    if provinces:
        return provinces[0]
    tenant = ctx.tenant
    region = tenant.region if tenant is not None else None
    full = province_name(region) if region else None  # 山东省泰安市 → 山东省
    return short_province(full) if full else None


def _read(
    ctx: Ctx, store: DataStore, province: str | None, as_of: date | None
) -> StoreLibrary:
    can_write = writable(ctx, store)
    try:
        with handle_of(ctx, store).reader() as cursor:
            has_register = bool(cursor.scalar("SELECT count(*) FROM enterprises"))
            provinces = tuple(
                str(r[0])
                for r in cursor.rows(
                    "SELECT DISTINCT province FROM sme_library ORDER BY province"
                )
            )
            chosen = short_province(province) if province else None
            chosen = chosen or _default_province(ctx, provinces)
            library = list_library(cursor, chosen) if chosen else None
            rules = (
                library_rules(cursor, chosen, as_of=as_of)
                if chosen and library and library.entries
                else None
            )
    except PatnavError as exc:
        return StoreLibrary(
            store, can_write, False, None, (), None, None, str(exc)[:300]
        )
    return StoreLibrary(
        store, can_write, has_register, chosen, provinces, library, rules
    )


def sme_page(
    ctx: Ctx, *, province: str | None = None, as_of: date | None = None
) -> list[StoreLibrary]:
    """Every store the user sees with its library in ``province`` (default: the first
    library the store holds, else the user's tenant's province) and the rules on
    ``as_of`` (default today)."""
    return [_read(ctx, store, province, as_of) for store in list_stores(ctx)]


def enterprise_view(
    ctx: Ctx, store_id: int, province: str, enterprise: str
) -> tuple[DataStore, LibraryStatus]:
    """One enterprise's application and status in a store the user sees."""
    store = get_store(ctx, store_id)
    _need(province=province, enterprise=enterprise)
    with handle_of(ctx, store).reader() as cursor:
        return store, library_status(cursor, province, enterprise)


def _need(**given: str) -> None:
    """Refuse a request missing a parameter (after the store is found: an unknown
    store is not found, whatever else is missing)."""
    missing = [name for name, value in given.items() if not value.strip()]
    if missing:
        raise InvalidParameterError(
            f"请给出 {'、'.join(missing)}（missing: {', '.join(missing)}）。"
        )


def _require(ctx: Ctx, store: DataStore) -> None:
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    if ctx.viewer.role not in OFFICE_ROLES:
        raise AccessDeniedError(
            "只有管理部门（管理员、分析人员）可以登记培育库事项"
            "（Only the admin and analyst roles record library transitions）。"
        )


def _actor(ctx: Ctx) -> str:
    p = ctx.principal
    if p is None:  # page_ctx always signs in
        raise AccessDeniedError("请先登录。")
    return p.display_name or p.username


def _on_store(ctx: Ctx, store: DataStore, work: Callable[[Any], T]) -> T:
    return _on_worker(ctx.hub, handle_of(ctx, store), work)


def transition(
    ctx: Ctx,
    store_id: int,
    *,
    province: str,
    enterprise: str,
    action: str,
    effective: date | None,
    reason: str | None,
) -> LibraryEvent:
    """Record a transition (or a declaration) with the signed-in user as the one who
    records or reviews it.

    Raises:
        NotFoundError: the store is not one the user sees, or the enterprise is not in
            its register.
        AccessDeniedError: the user may not record transitions there.
        InvalidParameterError: a transition the state does not allow, a bad date, a
            missing reason.
    """
    store = get_store(ctx, store_id)
    _require(ctx, store)
    if action not in ACTIONS:
        raise InvalidParameterError(f"未知操作 {action!r}。")
    who = _actor(ctx)

    def work(cursor: Any) -> LibraryEvent:
        check = None
        if action in ("apply", "review_pass", "review_reject"):
            eid, name = resolve_enterprise(cursor, enterprise)
            check = CheckSnapshot.of(check_sme(cursor, province, as_of=effective), eid)
            if check is None:
                raise InvalidParameterError(
                    f"{name} 的注册地不在{province}：请用 patnav sme apply "
                    "--declarations 申报。"
                )
        return record(
            cursor, province, enterprise, action, actor=who, reason=reason,
            effective=effective, check=check,
        )  # fmt: skip

    event = _on_store(ctx, store, work)
    audit.record(
        ctx.db,
        "sme.transition",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={
            "store": store.name,
            "action": action,
            "province": event.province,
            "enterprise_id": event.enterprise_id,
            "event_id": event.event_id,
            "effective_date": event.effective_date.isoformat(),
        },
    )
    ctx.db.commit()
    return event


def export(
    ctx: Ctx, store_id: int, province: str, as_of: date | None = None
) -> tuple[str, bytes]:
    """The library's workbook (培育库, 流转记录, 动态调整, 补充入库, 银行推荐名单): its file
    name and bytes; the download is audited."""
    store = get_store(ctx, store_id)
    _need(province=province)
    with handle_of(ctx, store).reader() as cursor:
        frames = library_frames(
            cursor, province, rules=library_rules(cursor, province, as_of=as_of)
        )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
    audit.record(
        ctx.db,
        "export",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"store": store.name, "what": "sme_library", "province": province},
    )
    ctx.db.commit()
    return f"培育库-{short_province(province)}.xlsx", buffer.getvalue()


# -- the enterprise's own page ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnApplication:
    """An enterprise user's view of one library: its enterprise's status and history."""

    link: EnterpriseLink
    store_name: str
    status: LibraryStatus | None
    can_apply: bool
    error: str | None = None

    @property
    def last_check(self) -> dict[str, Any] | None:
        """The ten-criteria check kept with the latest 申报 or 审核, if any."""
        if self.status is None:
            return None
        for event in reversed(self.status.events):
            if event.check is not None:
                return event.check
        return None


def links_of(ctx: Ctx, store_id: int, province: str, enterprise_id: str) -> list[str]:
    """The user names tied to an enterprise of a store's library (the office's view)."""
    store = get_store(ctx, store_id)
    return list(
        ctx.db.scalars(
            select(User.username)
            .join(EnterpriseLink, EnterpriseLink.user_id == User.id)
            .where(
                EnterpriseLink.store_id == store.id,
                EnterpriseLink.province == short_province(province),
                EnterpriseLink.enterprise_id == enterprise_id,
            )
            .order_by(User.username)
        )
    )


def link_user(
    ctx: Ctx, store_id: int, province: str, enterprise: str, username: str
) -> EnterpriseLink:
    """Tie an enterprise user (role ``enterprise``, in a tenant the office sees) to an
    enterprise of the store's register for the province's library; a second link of the
    same user, store and province replaces the first.

    Raises:
        NotFoundError: the store or the user is not one the office sees, or the
            enterprise is not in the register.
        AccessDeniedError: the signed-in user may not record library matters there.
        InvalidParameterError: the user's role is not ``enterprise``.
    """
    store = get_store(ctx, store_id)
    _require(ctx, store)
    user = ctx.db.scalar(select(User).where(User.username == username.strip()))
    if user is None or not access.can_see_tenant(ctx.db, ctx.viewer, user.tenant_id):
        raise NotFoundError(f"没有用户 {username!r}（No such user）。")
    if user.role != "enterprise":
        raise InvalidParameterError(
            f"{user.username} 的角色是 {user.role}：只有企业用户（enterprise）可绑定企业。"
        )
    with handle_of(ctx, store).reader() as cursor:
        eid, name = resolve_enterprise(cursor, enterprise)
    prov = short_province(province)
    link = ctx.db.scalar(
        select(EnterpriseLink).where(
            EnterpriseLink.user_id == user.id,
            EnterpriseLink.store_id == store.id,
            EnterpriseLink.province == prov,
        )
    )
    if link is None:
        link = EnterpriseLink(user_id=user.id, store_id=store.id, province=prov)
        ctx.db.add(link)
    link.enterprise_id = eid
    link.created_by = _actor(ctx)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "sme.link",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"store": store.name, "province": prov, "enterprise_id": eid,
                "enterprise": name, "user": user.username},
    )  # fmt: skip
    ctx.db.commit()
    return link


def _own_links(ctx: Ctx) -> list[tuple[EnterpriseLink, DataStore]]:
    if ctx.viewer.role != "enterprise":
        return []
    return [
        (link, store)
        for link, store in ctx.db.execute(
            select(EnterpriseLink, DataStore)
            .join(DataStore, DataStore.id == EnterpriseLink.store_id)
            .where(EnterpriseLink.user_id == ctx.viewer.user_id)
            .order_by(EnterpriseLink.id)
        )
    ]


def own_applications(ctx: Ctx) -> list[OwnApplication]:
    """The signed-in enterprise user's libraries: its enterprise's status in each."""
    out = []
    for link, store in _own_links(ctx):
        try:
            with handle_of(ctx, store).reader() as cursor:
                status = library_status(cursor, link.province, link.enterprise_id)
        except PatnavError as exc:
            out.append(OwnApplication(link, store.name, None, False, str(exc)[:300]))
            continue
        state = status.entry.state if status.entry else None
        out.append(
            OwnApplication(link, store.name, status, state in TRANSITIONS["apply"][0])
        )
    return out


def apply_own(ctx: Ctx, link_id: int, reason: str | None = None) -> LibraryEvent:
    """The enterprise user applies (申报) for its own enterprise, today, with the
    ten-criteria check kept; audited like the office's transitions.

    Raises:
        NotFoundError: no such link of the signed-in user.
        InvalidParameterError: the enterprise's state does not allow applying, or it is
            not registered in the library's province.
    """
    found = [(k, s) for k, s in _own_links(ctx) if k.id == link_id]
    if not found:
        raise NotFoundError("没有这个培育库申报入口（No such application）。")
    ((link, store),) = found
    who = _actor(ctx)

    def work(cursor: Any) -> LibraryEvent:
        check = CheckSnapshot.of(check_sme(cursor, link.province), link.enterprise_id)
        if check is None:
            raise InvalidParameterError(
                f"企业注册地不在{link.province}，不能申报该省培育库；请联系管理部门。"
            )
        return record(
            cursor, link.province, link.enterprise_id, "apply", actor=who,
            reason=reason or "企业在线申报", check=check,
        )  # fmt: skip

    event = _on_store(ctx, store, work)
    audit.record(
        ctx.db,
        "sme.transition",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"store": store.name, "action": "apply", "province": event.province,
                "enterprise_id": event.enterprise_id, "event_id": event.event_id,
                "effective_date": event.effective_date.isoformat(), "by": "enterprise"},
    )  # fmt: skip
    ctx.db.commit()
    return event
