"""The inbox (消息): the signed-in user's alerts — list, detail with links to the patent,
mark read or unread, acknowledge (``routers/inbox.py``).

A user sees only their own inbox (:mod:`patnav.notify.channels.inbox` looks every item up
with the user's id: another user's item is not found). The pages' texts are
:data:`TEXT`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from patnav.errors import LoginRequiredError
from patnav.i18n import Catalogue
from patnav.notify.channels import inbox
from patnav.notify.channels.inbox import InboxEntry
from patnav.notify.templates import rule_label
from patnav.platform.models import DataStore, InboxItem, NotifyAlert
from patnav.web.deps import Ctx
from patnav.web.features.stores import list_stores

TEXT = Catalogue(
    "patnav.web.features.inbox.TEXT",
    {
        "inbox.title": ("消息", "Inbox"),
        "inbox.help": (
            "监控预警送达本账户的消息：点开查看详情与依据，标记已读，或确认已处理。",
            "Monitor alerts delivered to you: open one for its details and evidence, "
            "mark it read, or acknowledge it once handled.",
        ),
        "inbox.all": ("全部", "All"),
        "inbox.unread_only": ("只看未读", "Unread only"),
        "inbox.unread_count": ("未读 {count} 条", "{count} unread"),
        "inbox.empty": ("暂无消息。", "No alerts yet."),
        "inbox.time": ("预警时间", "Alerted"),
        "inbox.delivered": ("送达时间", "Delivered"),
        "inbox.monitor": ("监控", "Monitor"),
        "inbox.rule": ("规则", "Rule"),
        "inbox.patent": ("专利", "Patent"),
        "inbox.message": ("内容", "Message"),
        "inbox.state": ("状态", "State"),
        "inbox.unread": ("未读", "Unread"),
        "inbox.read": ("已读", "Read"),
        "inbox.acknowledged": ("已确认", "Acknowledged"),
        "inbox.mark_read": ("标记已读", "Mark read"),
        "inbox.mark_unread": ("标记未读", "Mark unread"),
        "inbox.acknowledge": ("确认", "Acknowledge"),
        "inbox.read_all": ("全部标记已读", "Mark all read"),
        "inbox.evidence": ("依据", "Evidence"),
        "inbox.no_evidence": ("无依据记录", "No evidence recorded"),
        "inbox.no_patent": ("不针对单件专利", "No single patent"),
        "inbox.open_patent": ("在“{store}”中查看专利", "Open the patent in {store}"),
        "inbox.back": ("返回消息列表", "Back to the inbox"),
        "inbox.newer": ("上一页", "Newer"),
        "inbox.older": ("下一页", "Older"),
    },
)
"""The inbox pages' texts."""

PAGE_SIZE = 50


def text(lang: str) -> Callable[..., str]:
    """The inbox texts in ``lang``, for the templates (``nt('inbox.title')``)."""

    def look_up(key: str, **values: object) -> str:
        return TEXT.text(key, lang, **values)

    return look_up


def rule_name(lang: str) -> Callable[[str], str]:
    """The rules' names in ``lang``, for the templates."""
    return lambda rule: rule_label(rule, lang)


def _user_id(ctx: Ctx) -> int:
    if ctx.principal is None:
        raise LoginRequiredError("Sign in first.")
    return ctx.principal.id


@dataclass(frozen=True, slots=True)
class InboxView:
    """One page of the user's inbox."""

    entries: list[InboxEntry]
    unread: int
    unread_only: bool
    offset: int
    has_more: bool


def inbox_page(ctx: Ctx, *, unread_only: bool = False, offset: int = 0) -> InboxView:
    """A page of the signed-in user's alerts, newest first."""
    user_id = _user_id(ctx)
    offset = max(0, offset)
    entries = inbox.entries(
        ctx.db,
        user_id,
        unread_only=unread_only,
        limit=PAGE_SIZE + 1,
        offset=offset,
    )
    return InboxView(
        entries[:PAGE_SIZE],
        inbox.unread_count(ctx.db, user_id),
        unread_only,
        offset,
        len(entries) > PAGE_SIZE,
    )


@dataclass(frozen=True, slots=True)
class AlertDetail:
    """One alert of the user's inbox and the stores of its tenant the user sees (where
    the patent may be opened)."""

    entry: InboxEntry
    stores: list[DataStore]


def alert_detail(ctx: Ctx, item_id: int) -> AlertDetail:
    """One of the user's alerts, marked read as it is opened.

    Raises:
        NotFoundError: no such item in the user's inbox.
    """
    user_id = _user_id(ctx)
    entry = inbox.mark_read(ctx.db, user_id, item_id)
    ctx.db.commit()
    item = ctx.db.get(InboxItem, item_id)
    alert = ctx.db.get(NotifyAlert, item.alert_pk) if item else None
    stores: list[DataStore] = []
    if alert is not None and entry.alert.pub_number:
        # the store the monitors ran on, when the alert says; else the tenant's stores
        origin = alert.source.removeprefix("store:")
        stores = [
            s
            for s in list_stores(ctx)
            if s.tenant_id == alert.tenant_id
            and (not alert.source.startswith("store:") or str(s.id) == origin)
        ]
    return AlertDetail(entry, stores)


def mark_read(ctx: Ctx, item_id: int, *, read: bool = True) -> InboxEntry:
    """Mark one of the user's alerts read (or unread)."""
    entry = inbox.mark_read(ctx.db, _user_id(ctx), item_id, read=read)
    ctx.db.commit()
    return entry


def acknowledge(ctx: Ctx, item_id: int) -> InboxEntry:
    """Acknowledge one of the user's alerts."""
    entry = inbox.acknowledge(ctx.db, _user_id(ctx), item_id)
    ctx.db.commit()
    return entry


def mark_all_read(ctx: Ctx) -> int:
    """Mark every unread alert of the user read; return how many were."""
    count = inbox.mark_all_read(ctx.db, _user_id(ctx))
    ctx.db.commit()
    return count
