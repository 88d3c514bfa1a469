"""The SME cultivation library's workflow (培育库): 申报 → 审核 → 入库 → 培育 → 出库 / 退库
(and 审核不通过), kept in the store (``sme_library``, ``sme_events``, schema 11).

Each transition is validated against the current state (:data:`TRANSITIONS`), takes
effect on a date the user gives (default today) — recorded apart from the time it was
recorded — and names who made it and why. 申报 and 审核 keep the ten-criteria check of the
enterprise as it stood (its JSON), so a decision can be reproduced. Declarations of
progress (``progress``) and of criterion-10 incidents (``incident``) are events too: they
change no state and feed the dynamic-adjustment rules (:mod:`.rules`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import pandas as pd

from patnav.errors import InvalidParameterError, NotFoundError
from patnav.models.sme.criteria import short_province
from patnav.models.sme.results import EnterpriseEligibility, SmeCheck
from patnav.storage.store import PatentStore

State = Literal[
    "applied", "rejected", "approved", "admitted", "cultivating", "graduated", "removed"
]
Action = Literal[
    "apply",
    "review_pass",
    "review_reject",
    "admit",
    "cultivate",
    "graduate",
    "remove",
    "progress",
    "incident",
]

STATE_ZH: dict[str, str] = {
    "applied": "已申报",
    "rejected": "审核不通过",
    "approved": "审核通过",
    "admitted": "已入库",
    "cultivating": "培育中",
    "graduated": "已出库",
    "removed": "已退库",
}
ACTION_ZH: dict[str, str] = {
    "apply": "申报",
    "review_pass": "审核通过",
    "review_reject": "审核不通过",
    "admit": "入库",
    "cultivate": "培育",
    "graduate": "出库",
    "remove": "退库",
    "progress": "实质性进展（申报）",
    "incident": "重大事故、违法违规或严重失信（登记）",
}

IN_LIBRARY: tuple[str, ...] = ("admitted", "cultivating")
"""The states of an enterprise in the library (在库)."""

TRANSITIONS: dict[str, tuple[tuple[str | None, ...], str]] = {
    "apply": ((None, "rejected", "removed", "graduated"), "applied"),
    "review_pass": (("applied",), "approved"),
    "review_reject": (("applied",), "rejected"),
    "admit": (("approved",), "admitted"),
    "cultivate": (("admitted",), "cultivating"),
    "graduate": (IN_LIBRARY, "graduated"),
    "remove": (IN_LIBRARY, "removed"),
}
"""Each transition: the states it may start from (None: never applied) and its target."""

DECLARATIONS: tuple[str, ...] = ("progress", "incident")

_DATE_COLUMN = {
    "apply": "applied_on",
    "review_pass": "reviewed_on",
    "review_reject": "reviewed_on",
    "admit": "admitted_on",
    "cultivate": "cultivating_on",
    "graduate": "left_on",
    "remove": "left_on",
}

_NEXT_STEP = {
    None: "先申报：patnav sme apply",
    "applied": "先审核：patnav sme review --pass 或 --reject",
    "rejected": "可重新申报：patnav sme apply",
    "approved": "可入库：patnav sme admit",
    "admitted": "可转入培育（patnav sme cultivate）、出库（graduate）或退库（remove）",
    "cultivating": "可出库（patnav sme graduate）或退库（remove）",
    "graduated": "已出库；再入库须重新申报：patnav sme apply",
    "removed": "已退库；再入库须重新申报：patnav sme apply",
}


def now() -> datetime:
    """The current time, UTC, without a zone (as the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True, slots=True)
class CheckSnapshot:
    """One enterprise's ten-criteria check with what it was run on (the province, the
    day, the declarations and concordance files, whether the abnormal-filing detector
    ran): what 申报 and 审核 keep, so the decision can be reproduced."""

    enterprise: EnterpriseEligibility
    province: str
    as_of: date
    dense_industries: str | None
    declarations: tuple[str, ...]
    abnormal_checked: bool

    @classmethod
    def of(cls, check: SmeCheck, enterprise_id: str) -> CheckSnapshot | None:
        """The enterprise's row of ``check``, or None when it is not in it."""
        for row in check.rows:
            if row.enterprise_id == enterprise_id:
                return cls(
                    row,
                    check.province,
                    check.as_of,
                    check.dense_industries,
                    check.declarations,
                    check.abnormal_checked,
                )
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "as_of": self.as_of.isoformat(),
            "dense_industries": self.dense_industries,
            "declarations": list(self.declarations),
            "abnormal_checked": self.abnormal_checked,
            **self.enterprise.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """An enterprise's place in a province's library."""

    province: str
    enterprise_id: str
    name: str
    state: str
    applied_on: date | None = None
    reviewed_on: date | None = None
    admitted_on: date | None = None
    cultivating_on: date | None = None
    left_on: date | None = None
    updated_at: datetime | None = None

    @property
    def state_label(self) -> str:
        return STATE_ZH[self.state]

    @property
    def in_library(self) -> bool:
        return self.state in IN_LIBRARY

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "state": self.state,
            "state_label": self.state_label,
            "applied_on": _iso(self.applied_on),
            "reviewed_on": _iso(self.reviewed_on),
            "admitted_on": _iso(self.admitted_on),
            "cultivating_on": _iso(self.cultivating_on),
            "left_on": _iso(self.left_on),
            "updated_at": _iso(self.updated_at),
        }


@dataclass(frozen=True, slots=True)
class LibraryEvent:
    """One recorded transition or declaration."""

    event_id: int
    province: str
    enterprise_id: str
    action: str
    from_state: str | None
    to_state: str | None
    effective_date: date
    actor: str
    reason: str | None
    check: dict[str, Any] | None
    recorded_at: datetime

    @property
    def action_label(self) -> str:
        return ACTION_ZH[self.action]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "province": self.province,
            "enterprise_id": self.enterprise_id,
            "action": self.action,
            "action_label": self.action_label,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "effective_date": self.effective_date.isoformat(),
            "actor": self.actor,
            "reason": self.reason,
            "check": self.check,
            "recorded_at": _iso(self.recorded_at),
        }


@dataclass(frozen=True, slots=True)
class LibraryStatus:
    """An enterprise's state in a library and its history, oldest first."""

    entry: LibraryEntry | None
    enterprise_id: str
    name: str
    province: str
    events: tuple[LibraryEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "state": self.entry.state if self.entry else None,
            "state_label": self.entry.state_label if self.entry else "未申报",
            "entry": self.entry.to_dict() if self.entry else None,
            "next": _NEXT_STEP[self.entry.state if self.entry else None],
            "events": [e.to_dict() for e in self.events],
        }


@dataclass(frozen=True, slots=True)
class LibraryList:
    """A province's library, by state and name."""

    province: str
    entries: tuple[LibraryEntry, ...]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATE_ZH, 0)
        for e in self.entries:
            out[e.state] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "counts": self.counts(),
            "entries": [e.to_dict() for e in self.entries],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "企业名称": e.name,
                    "企业编号": e.enterprise_id,
                    "状态": e.state_label,
                    "申报日期": e.applied_on,
                    "审核日期": e.reviewed_on,
                    "入库日期": e.admitted_on,
                    "培育日期": e.cultivating_on,
                    "出库/退库日期": e.left_on,
                }
                for e in self.entries
            ],
            columns=[
                "企业名称",
                "企业编号",
                "状态",
                "申报日期",
                "审核日期",
                "入库日期",
                "培育日期",
                "出库/退库日期",
            ],
        )


def events_frame(events: Sequence[LibraryEvent], names: dict[str, str]) -> pd.DataFrame:
    """The events as a table (流转记录), names from ``names`` by enterprise_id."""
    columns = [
        "企业名称", "事项", "原状态", "新状态", "生效日期", "经办/审核", "理由",
        "核查结论", "登记时间",
    ]  # fmt: skip
    return pd.DataFrame(
        [
            {
                "企业名称": names.get(e.enterprise_id, e.enterprise_id),
                "事项": e.action_label,
                "原状态": STATE_ZH[e.from_state] if e.from_state else "未申报",
                "新状态": STATE_ZH[e.to_state] if e.to_state else "",
                "生效日期": e.effective_date,
                "经办/审核": e.actor,
                "理由": e.reason or "",
                "核查结论": e.check.get("verdict_label", "") if e.check else "",
                "登记时间": e.recorded_at,
            }
            for e in events
        ],
        columns=columns,
    )


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def library_province(province: str) -> str:
    """The library's key: the province's short form (湖北省 and 湖北 are one library).

    Raises:
        InvalidParameterError: no province.
    """
    short = short_province(province)
    if not short:
        raise InvalidParameterError(
            f"请给出培育库所在省份（--province 湖北省），实为 {province!r}。"
        )
    return short


def resolve_enterprise(store: PatentStore, ref: str) -> tuple[str, str]:
    """(enterprise_id, name) of the register enterprise ``ref`` names: its id, its
    统一社会信用代码, its name or a former name.

    Raises:
        NotFoundError: no enterprise, or a name several enterprises bear.
    """
    key = ref.strip()
    rows = store.rows(
        "SELECT enterprise_id, name FROM enterprises WHERE enterprise_id = ? "
        "OR uscc = ? OR name = ? OR list_contains(former_names, ?) ORDER BY name",
        [key, key.upper(), key, key],
    )
    exact = [r for r in rows if r[0] == key or r[1] == key]
    rows = exact or rows
    if not rows:
        raise NotFoundError(
            f"企业库中没有 {ref!r}：请给出企业编号、统一社会信用代码或完整名称"
            "（patnav enterprises list --name 关键词 可查名称；先 patnav enterprises import）。"
        )
    if len({r[0] for r in rows}) > 1:
        raise NotFoundError(
            f"企业库中有 {len(rows)} 家企业名为 {ref!r}：请改用统一社会信用代码或企业编号"
            f"（{'、'.join(str(r[0]) for r in rows)}）。"
        )
    return str(rows[0][0]), str(rows[0][1])


_ENTRY_COLUMNS = (
    "province, enterprise_id, name, state, applied_on, reviewed_on, admitted_on, "
    "cultivating_on, left_on, updated_at"
)
_EVENT_COLUMNS = (
    "event_id, province, enterprise_id, action, from_state, to_state, effective_date, "
    "actor, reason, check_snapshot, recorded_at"
)


def _entry(row: Sequence[Any]) -> LibraryEntry:
    return LibraryEntry(*row)


def _event(row: Sequence[Any]) -> LibraryEvent:
    (eid, prov, ent, action, frm, to, day, actor, reason, snap, recorded) = row
    return LibraryEvent(
        event_id=int(eid),
        province=str(prov),
        enterprise_id=str(ent),
        action=str(action),
        from_state=frm,
        to_state=to,
        effective_date=day,
        actor=str(actor),
        reason=reason,
        check=json.loads(snap) if snap else None,
        recorded_at=recorded,
    )


def find_entry(
    store: PatentStore, province: str, enterprise_id: str
) -> LibraryEntry | None:
    """The enterprise's place in the province's library, or None (never applied)."""
    rows = store.rows(
        f"SELECT {_ENTRY_COLUMNS} FROM sme_library WHERE province = ? "
        "AND enterprise_id = ?",
        [library_province(province), enterprise_id],
    )
    return _entry(rows[0]) if rows else None


def library_events(
    store: PatentStore,
    province: str,
    *,
    enterprise_id: str | None = None,
    actions: Sequence[str] | None = None,
    until: date | None = None,
) -> tuple[LibraryEvent, ...]:
    """The library's events, by effective date then record order: of one enterprise,
    of some actions, effective on or before ``until``."""
    where = ["province = ?"]
    params: list[Any] = [library_province(province)]
    if enterprise_id is not None:
        where.append("enterprise_id = ?")
        params.append(enterprise_id)
    if actions is not None:
        if not actions:
            return ()
        where.append(f"action IN ({', '.join('?' for _ in actions)})")
        params.extend(actions)
    if until is not None:
        where.append("effective_date <= ?")
        params.append(until)
    return tuple(
        _event(r)
        for r in store.rows(
            f"SELECT {_EVENT_COLUMNS} FROM sme_events WHERE {' AND '.join(where)} "
            "ORDER BY effective_date, event_id",
            params,
        )
    )


def list_library(
    store: PatentStore, province: str, *, states: Sequence[str] | None = None
) -> LibraryList:
    """The province's library: every enterprise that applied, by state, or of
    ``states`` only.

    Raises:
        InvalidParameterError: an unknown state.
    """
    where = ["province = ?"]
    params: list[Any] = [library_province(province)]
    if states:
        for s in states:
            if s not in STATE_ZH:
                raise InvalidParameterError(
                    f"未知状态 {s!r}；可选：{'、'.join(STATE_ZH)}。"
                )
        where.append(f"state IN ({', '.join('?' for _ in states)})")
        params.extend(states)
    order = "CASE state " + " ".join(
        f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATE_ZH)
    )
    rows = store.rows(
        f"SELECT {_ENTRY_COLUMNS} FROM sme_library WHERE {' AND '.join(where)} "
        f"ORDER BY {order} END, name",
        params,
    )
    return LibraryList(library_province(province), tuple(_entry(r) for r in rows))


def library_status(store: PatentStore, province: str, enterprise: str) -> LibraryStatus:
    """An enterprise's state in the library and its events.

    Raises:
        NotFoundError: the enterprise is not in the register.
    """
    eid, name = resolve_enterprise(store, enterprise)
    prov = library_province(province)
    return LibraryStatus(
        entry=find_entry(store, prov, eid),
        enterprise_id=eid,
        name=name,
        province=prov,
        events=library_events(store, prov, enterprise_id=eid),
    )


def _actor(actor: str, action: str) -> str:
    who = (actor or "").strip()
    if not who:
        option = "--reviewer" if action.startswith("review") else "--by"
        raise InvalidParameterError(
            f"{ACTION_ZH[action]}须写明操作人（{option} 姓名），以备查。"
        )
    return who


def record(
    store: PatentStore,
    province: str,
    enterprise: str,
    action: str,
    *,
    actor: str,
    reason: str | None = None,
    effective: date | None = None,
    check: CheckSnapshot | EnterpriseEligibility | None = None,
) -> LibraryEvent:
    """Record a transition (or a declaration) of an enterprise of the register in the
    province's library, effective on ``effective`` (default today).

    Args:
        store: a writable store (schema 11 or later).
        province: the library's province.
        enterprise: the enterprise's id, 统一社会信用代码 or name.
        action: a key of :data:`TRANSITIONS`, or ``progress`` / ``incident``.
        actor: who applies, reviews or records it (the reviewer for 审核).
        reason: why; required to reject, to remove, for a declaration, and to pass a
            review whose check is ``not_eligible``.
        effective: the day it takes effect; not before the enterprise's last event.
        check: the enterprise's ten-criteria check (required for ``apply`` and the
            reviews; stored as JSON), best with what it was run on
            (:meth:`CheckSnapshot.of`).

    Raises:
        InvalidParameterError: a transition the current state does not allow, a date
            before the last event or after today, a missing actor, reason or check.
        NotFoundError: the enterprise is not in the register.
    """
    if action not in TRANSITIONS and action not in DECLARATIONS:
        raise InvalidParameterError(
            f"未知操作 {action!r}；可选：{'、'.join([*TRANSITIONS, *DECLARATIONS])}。"
        )
    prov = library_province(province)
    eid, name = resolve_enterprise(store, enterprise)
    who = _actor(actor, action)
    day = effective or date.today()
    if day > date.today():
        raise InvalidParameterError(
            f"生效日期 {day} 晚于今天：请在事项发生后再登记（--date 默认今天）。"
        )
    why = (reason or "").strip() or None
    entry = find_entry(store, prov, eid)
    state = entry.state if entry else None
    if action in TRANSITIONS:
        allowed, target = TRANSITIONS[action]
        if state not in allowed:
            now_zh = STATE_ZH[state] if state else "未申报"
            raise InvalidParameterError(
                f"{name} 在{prov}培育库中当前为「{now_zh}」，不能{ACTION_ZH[action]}"
                f"（{ACTION_ZH[action]}须在"
                f"{'、'.join(STATE_ZH[s] if s else '未申报' for s in allowed)}之后）。"
                f"{_NEXT_STEP[state]}。"
            )
    else:
        if state not in IN_LIBRARY:
            now_zh = STATE_ZH[state] if state else "未申报"
            raise InvalidParameterError(
                f"{name} 在{prov}培育库中当前为「{now_zh}」，不在库："
                f"只能为在库企业登记{ACTION_ZH[action]}。"
            )
        target = str(state)
    if action in ("review_reject", "remove", *DECLARATIONS) and not why:
        raise InvalidParameterError(f"{ACTION_ZH[action]}须写明理由（--reason）。")
    if action in ("apply", "review_pass", "review_reject"):
        if check is None:
            raise InvalidParameterError(
                f"{ACTION_ZH[action]}须附十项条件核查结果（check_sme 的该企业一行）。"
            )
        row = check.enterprise if isinstance(check, CheckSnapshot) else check
        if row.enterprise_id != eid:
            raise InvalidParameterError(f"核查结果是 {row.name} 的，不是 {name} 的。")
        if action == "review_pass" and row.verdict == "not_eligible" and not why:
            failed = "、".join(
                str(c.criterion) for c in row.criteria if c.result == "fail"
            )
            raise InvalidParameterError(
                f"{name} 核查不符合第 {failed} 项条件：审核通过须写明理由（--reason）。"
            )
    last = store.scalar(
        "SELECT max(effective_date) FROM sme_events WHERE province = ? "
        "AND enterprise_id = ?",
        [prov, eid],
    )
    if last is not None and day < last:
        raise InvalidParameterError(
            f"生效日期 {day} 早于 {name} 上一事项的日期 {last}：事项须按时间先后登记。"
        )
    recorded = now()
    snapshot = (
        json.dumps(check.to_dict(), ensure_ascii=False, default=str) if check else None
    )
    with store.transaction():
        event_id = int(
            store.scalar("SELECT coalesce(max(event_id), 0) + 1 FROM sme_events")
        )
        store.execute(
            f"INSERT INTO sme_events ({_EVENT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event_id,
                prov,
                eid,
                action,
                state,
                target,
                day,
                who,
                why,
                snapshot,
                recorded,
            ],
        )
        if action in TRANSITIONS:
            column = _DATE_COLUMN[action]
            if entry is None:
                store.execute(
                    f"INSERT INTO sme_library ({_ENTRY_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, ?)",
                    [prov, eid, name, target, recorded],
                )
            elif action == "apply":
                # a new application starts a new passage through the library
                store.execute(
                    "UPDATE sme_library SET reviewed_on = NULL, admitted_on = NULL, "
                    "cultivating_on = NULL, left_on = NULL, name = ? "
                    "WHERE province = ? AND enterprise_id = ?",
                    [name, prov, eid],
                )
            store.execute(
                f"UPDATE sme_library SET state = ?, {column} = ?, updated_at = ? "
                "WHERE province = ? AND enterprise_id = ?",
                [target, day, recorded, prov, eid],
            )
    return LibraryEvent(
        event_id=event_id,
        province=prov,
        enterprise_id=eid,
        action=action,
        from_state=state,
        to_state=target,
        effective_date=day,
        actor=who,
        reason=why,
        check=json.loads(snapshot) if snapshot else None,
        recorded_at=recorded,
    )
