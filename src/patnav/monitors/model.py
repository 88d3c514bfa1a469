"""Monitors and alerts: what is stored, and the functions that add, list, remove,
acknowledge and mute them.

A monitor watches a **target** — a saved set's name or an expert query (``set``), an
applicant (``entity``), a corporate group (``group``) or a portfolio of publication
numbers (``numbers``) — with alert **rules** (:data:`RULES`) on a **schedule**
(:mod:`patnav.monitors.schedule`). The runner (:mod:`patnav.monitors.runner`) writes
alerts; users acknowledge or mute them, saying who they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from patnav.errors import InputError, InvalidParameterError, NotFoundError
from patnav.monitors.schedule import check_schedule
from patnav.schema.numbers import normalize_pub_number
from patnav.search.query import parse
from patnav.search.saved import find_set
from patnav.storage.store import PatentStore

CHANGE_RULES = ("new-documents", "new-applicants", "status-change", "event")
"""Rules that report what changed since the last run: their first run records the
state it sees (the baseline) and alerts on nothing."""

DATE_RULES = ("annuity-due", "grace", "expiry", "high-maintenance")
"""Rules that report a date coming up: they alert on the first run too, each due date
(or expiry, or grace) once."""

RULES = CHANGE_RULES + DATE_RULES

RULES_ZH = {
    "new-documents": "新增文献",
    "new-applicants": "新申请人",
    "status-change": "法律状态变化",
    "event": "法律事件",
    "annuity-due": "年费到期",
    "grace": "进入宽限期",
    "expiry": "即将届满",
    "high-maintenance": "高维持年限专利",
}

TARGET_KINDS = ("set", "entity", "group", "numbers")

TARGET_ZH = {
    "set": "检索式/专利集",
    "entity": "申请人",
    "group": "企业集团",
    "numbers": "专利组合",
}

EVENT_TYPES = (
    "lapse",
    "expiry",
    "restoration",
    "transfer",
    "licence",
    "pledge",
    "pledge_release",
    "preservation",
    "invalidation",
    "reexamination",
    "litigation",
)
"""The event types the ``event`` rule reports by default (grant, examination, fee
payments and the like are routine and left out unless named)."""

ALL_EVENT_TYPES = (
    *EVENT_TYPES,
    "grant",
    "annuity",
    "withdrawal",
    "rejection",
    "examination",
    "other",
)

DEFAULT_DAYS = 90
DEFAULT_MONTHS = 12
DEFAULT_YEARS = 10
MAX_NAME = 100


def now() -> datetime:
    """The current time, UTC, without a zone (as the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True, slots=True)
class Monitor:
    """A stored monitor."""

    name: str
    target_kind: str
    target: str
    numbers: tuple[str, ...]
    rules: tuple[str, ...]
    days: int = DEFAULT_DAYS
    months: int = DEFAULT_MONTHS
    years: int = DEFAULT_YEARS
    event_types: tuple[str, ...] | None = None
    schedule: str = "daily"
    created_at: datetime | None = None
    last_run_at: datetime | None = None
    baselined: tuple[str, ...] = ()
    saved_set: bool = False
    """the target names a saved set (it was one when the monitor was added)"""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "name": self.name,
            "target_kind": self.target_kind,
            "target": self.target,
            "saved_set": self.saved_set,
            "numbers": list(self.numbers),
            "rules": list(self.rules),
            "days": self.days,
            "months": self.months,
            "years": self.years,
            "event_types": list(self.event_types) if self.event_types else None,
            "schedule": self.schedule,
            "created_at": _iso(self.created_at),
            "last_run_at": _iso(self.last_run_at),
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: a change or a date a monitor's rule found, with its evidence.

    ``to_dict()`` is what notifications and ``monitor run --json`` consume: ``alert_id``,
    ``monitor``, ``rule``, ``pub_number``, ``message`` (Chinese), ``evidence`` (a dict),
    ``created_at`` and the acknowledgement and mute fields.
    """

    alert_id: int
    monitor: str
    rule: str
    doc_id: str | None
    pub_number: str | None
    key: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    run_id: int | None = None
    created_at: datetime | None = None
    acked_by: str | None = None
    acked_at: datetime | None = None
    muted_by: str | None = None
    muted_at: datetime | None = None

    @property
    def unread(self) -> bool:
        """Neither acknowledged nor muted."""
        return self.acked_at is None and self.muted_at is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the keys are a promise to notification consumers)."""
        return {
            "alert_id": self.alert_id,
            "monitor": self.monitor,
            "rule": self.rule,
            "pub_number": self.pub_number,
            "doc_id": self.doc_id,
            "message": self.message,
            "evidence": self.evidence,
            "created_at": _iso(self.created_at),
            "run_id": self.run_id,
            "acked_by": self.acked_by,
            "acked_at": _iso(self.acked_at),
            "muted_by": self.muted_by,
            "muted_at": _iso(self.muted_at),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _check_name(name: str) -> str:
    if (
        not name
        or len(name) > MAX_NAME
        or name != name.strip()
        or any(ord(c) < 32 for c in name)
    ):
        raise InvalidParameterError(
            f"监控名称应为 1–{MAX_NAME} 个字符，不含控制字符，首尾无空格，如 "
            f"'竞争对手-华为'。实为 {name!r}。"
        )
    return name


def _positive(value: int, option: str) -> int:
    if value < 1:
        raise InvalidParameterError(f"{option} 应为正整数，实为 {value}。")
    return value


def parse_numbers(items: Sequence[str]) -> tuple[str, ...]:
    """Publication numbers (separated by commas, semicolons, spaces or lines) in their
    canonical form, in order, without repeats.

    Raises:
        InvalidParameterError: a number is not a publication number.
    """
    out: list[str] = []
    for item in items:
        for raw in (
            item.replace(";", ",").replace("；", ",").replace("，", ",").split(",")
        ):
            for part in raw.split():
                try:
                    number = normalize_pub_number(part)
                except InputError:
                    number = None
                if number is None:
                    raise InvalidParameterError(
                        f"{part!r} 不是公开（公告）号；请写作 CN106844774A、US10000000B2 等。"
                    )
                if number not in out:
                    out.append(number)
    return tuple(out)


def add_monitor(
    store: PatentStore,
    name: str,
    *,
    target_kind: str,
    target: str = "",
    numbers: Sequence[str] = (),
    rules: Sequence[str],
    days: int = DEFAULT_DAYS,
    months: int = DEFAULT_MONTHS,
    years: int = DEFAULT_YEARS,
    event_types: Sequence[str] | None = None,
    schedule: str = "daily",
) -> Monitor:
    """Store a new monitor.

    Raises:
        InvalidParameterError: a name already used, an unknown rule, target kind or
            event type, a bad schedule, an empty target or no rule.
    """
    _check_name(name)
    if target_kind not in TARGET_KINDS:
        raise InvalidParameterError(
            f"监控对象类型应为 {'、'.join(TARGET_KINDS)} 之一，实为 {target_kind!r}。"
        )
    if target_kind == "numbers":
        if not numbers:
            raise InvalidParameterError("专利组合监控需要至少一个公开号（--numbers）。")
        target = target or f"{len(numbers)} 件"
    elif not target.strip():
        raise InvalidParameterError(
            "监控对象为空：请给出检索式、专利集名、申请人或集团名。"
        )
    chosen = tuple(dict.fromkeys(rules))
    if not chosen:
        raise InvalidParameterError(
            f"至少给出一条规则（--rule），可选：{'、'.join(RULES)}。"
        )
    for rule in chosen:
        if rule not in RULES:
            raise InvalidParameterError(
                f"未知规则 {rule!r}；可选：{'、'.join(RULES)}。"
            )
    types = tuple(dict.fromkeys(event_types)) if event_types else None
    for kind in types or ():
        if kind not in ALL_EVENT_TYPES:
            raise InvalidParameterError(
                f"未知事件类型 {kind!r}；可选：{'、'.join(ALL_EVENT_TYPES)}。"
            )
    _positive(days, "--days")
    _positive(months, "--months")
    _positive(years, "--years")
    check_schedule(schedule)
    saved_set = target_kind == "set" and find_set(store, target) is not None
    if target_kind == "set" and not saved_set:
        parse(target)  # a query that does not parse is refused now, not at every run
    if find_monitor(store, name) is not None:
        raise InvalidParameterError(
            f"已有名为 {name!r} 的监控；换一个名称，或先 patnav monitor remove {name}。"
        )
    monitor = Monitor(
        name=name,
        target_kind=target_kind,
        target=target,
        numbers=tuple(numbers),
        rules=chosen,
        days=days,
        months=months,
        years=years,
        event_types=types,
        schedule=schedule,
        created_at=now(),
        saved_set=saved_set,
    )
    options = {
        "days": days,
        "months": months,
        "years": years,
        "event_types": types,
        "saved_set": saved_set,
    }
    store.execute(
        "INSERT INTO monitors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, [])",
        [
            name,
            target_kind,
            target,
            list(numbers),
            list(chosen),
            json.dumps(options, ensure_ascii=False),
            schedule,
            monitor.created_at,
            monitor.created_at,
        ],
    )
    return monitor


_COLUMNS = (
    "name, target_kind, target, numbers, rules, options, schedule, created_at, "
    "last_run_at, baselined"
)


def _row_to_monitor(row: Sequence[Any]) -> Monitor:
    name, kind, target, numbers, rules, options, schedule, created, last, base = row
    opts = json.loads(options or "{}")
    types = opts.get("event_types")
    return Monitor(
        name=str(name),
        target_kind=str(kind),
        target=str(target or ""),
        numbers=tuple(numbers or ()),
        rules=tuple(rules or ()),
        days=int(opts.get("days", DEFAULT_DAYS)),
        months=int(opts.get("months", DEFAULT_MONTHS)),
        years=int(opts.get("years", DEFAULT_YEARS)),
        event_types=tuple(types) if types else None,
        schedule=str(schedule or "daily"),
        created_at=created,
        last_run_at=last,
        baselined=tuple(base or ()),
        saved_set=bool(opts.get("saved_set", False)),
    )


def list_monitors(store: PatentStore) -> list[Monitor]:
    """Every monitor, by name."""
    return [
        _row_to_monitor(r)
        for r in store.rows(f"SELECT {_COLUMNS} FROM monitors ORDER BY name")
    ]


def find_monitor(store: PatentStore, name: str) -> Monitor | None:
    """The monitor called ``name``, or None."""
    rows = store.rows(f"SELECT {_COLUMNS} FROM monitors WHERE name = ?", [name])
    return _row_to_monitor(rows[0]) if rows else None


def get_monitor(store: PatentStore, name: str) -> Monitor:
    """The monitor called ``name``.

    Raises:
        NotFoundError: there is none.
    """
    found = find_monitor(store, name)
    if found is None:
        known = "、".join(m.name for m in list_monitors(store)) or "（无）"
        raise NotFoundError(
            f"没有名为 {name!r} 的监控。已有：{known}。用 patnav monitor list 查看。"
        )
    return found


def remove_monitor(store: PatentStore, name: str) -> None:
    """Delete a monitor with its state, runs, alerts and muted pairs."""
    get_monitor(store, name)
    with store.transaction():
        for table in ("monitor_state", "monitor_runs", "alerts", "monitor_mutes"):
            store.execute(f"DELETE FROM {table} WHERE monitor = ?", [name])
        store.execute("DELETE FROM monitors WHERE name = ?", [name])


_ALERT_COLUMNS = (
    "alert_id, monitor, rule, doc_id, pub_number, key, message, evidence, run_id, "
    "created_at, acked_by, acked_at, muted_by, muted_at"
)


def _row_to_alert(row: Sequence[Any]) -> Alert:
    (aid, mon, rule, doc, pub, key, msg, ev, run, created, aby, aat, mby, mat) = row
    return Alert(
        alert_id=int(aid),
        monitor=str(mon),
        rule=str(rule),
        doc_id=doc,
        pub_number=pub,
        key=str(key),
        message=str(msg),
        evidence=json.loads(ev or "{}"),
        run_id=run,
        created_at=created,
        acked_by=aby,
        acked_at=aat,
        muted_by=mby,
        muted_at=mat,
    )


def list_alerts(
    store: PatentStore,
    *,
    monitor: str | None = None,
    unread: bool = False,
    run_ids: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Alert]:
    """Alerts, newest first: of one monitor, only unread ones (neither acknowledged nor
    muted), or those of some runs."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if monitor is not None:
        where.append("monitor = ?")
        params.append(monitor)
    if unread:
        where.append("acked_at IS NULL AND muted_at IS NULL")
    if run_ids is not None:
        if not run_ids:
            return []
        where.append(f"run_id IN ({', '.join('?' for _ in run_ids)})")
        params.extend(run_ids)
    sql = (
        f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE {' AND '.join(where)} "
        "ORDER BY alert_id DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row_to_alert(r) for r in store.rows(sql, params)]


def get_alert(store: PatentStore, alert_id: int) -> Alert:
    """The alert ``alert_id``.

    Raises:
        NotFoundError: there is none.
    """
    rows = store.rows(
        f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE alert_id = ?", [alert_id]
    )
    if not rows:
        raise NotFoundError(
            f"没有编号为 {alert_id} 的提醒；用 patnav monitor alerts 查看提醒编号。"
        )
    return _row_to_alert(rows[0])


def _check_user(user: str) -> str:
    if not user.strip():
        raise InvalidParameterError("请给出操作人（--by）。")
    return user.strip()


def ack_alert(store: PatentStore, alert_id: int, *, user: str) -> Alert:
    """Mark an alert acknowledged by ``user`` now (a second acknowledgement keeps the
    first)."""
    get_alert(store, alert_id)
    store.execute(
        "UPDATE alerts SET acked_by = ?, acked_at = ? "
        "WHERE alert_id = ? AND acked_at IS NULL",
        [_check_user(user), now(), alert_id],
    )
    return get_alert(store, alert_id)


def mute_alert(store: PatentStore, alert_id: int, *, user: str) -> Alert:
    """Mute one alert (it leaves the unread list)."""
    get_alert(store, alert_id)
    store.execute(
        "UPDATE alerts SET muted_by = ?, muted_at = ? "
        "WHERE alert_id = ? AND muted_at IS NULL",
        [_check_user(user), now(), alert_id],
    )
    return get_alert(store, alert_id)


def mute_pair(store: PatentStore, monitor: str, pub_number: str, *, user: str) -> int:
    """Mute a monitor × publication pair: its alerts so far are muted, and later ones
    are stored muted. Returns how many stored alerts it muted."""
    get_monitor(store, monitor)
    numbers = parse_numbers([pub_number])
    who, when = _check_user(user), now()
    with store.transaction():
        for number in numbers:
            store.execute(
                "DELETE FROM monitor_mutes WHERE monitor = ? AND pub_number = ?",
                [monitor, number],
            )
            store.execute(
                "INSERT INTO monitor_mutes VALUES (?, ?, ?, ?)",
                [monitor, number, who, when],
            )
        muted = int(
            store.scalar(
                "SELECT count(*) FROM alerts WHERE monitor = ? AND muted_at IS NULL "
                f"AND pub_number IN ({', '.join('?' for _ in numbers)})",
                [monitor, *numbers],
            )
        )
        store.execute(
            "UPDATE alerts SET muted_by = ?, muted_at = ? WHERE monitor = ? "
            f"AND muted_at IS NULL AND pub_number IN ({', '.join('?' for _ in numbers)})",
            [who, when, monitor, *numbers],
        )
    return muted
