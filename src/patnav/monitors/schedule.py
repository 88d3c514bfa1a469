"""When a monitor is due: its schedule and its last run, at a given time (pure).

A schedule is ``daily`` (once per calendar day, from 00:00), ``weekly`` (once per week,
from Monday 00:00), ``manual`` (never on its own: only ``patnav monitor run``) or a
five-field cron expression ``minute hour day-of-month month day-of-week`` with ``*``,
numbers, lists ``1,15``, ranges ``1-5`` and steps ``*/6`` or ``8-18/2`` (day of week 0 or
7 is Sunday; when both day fields are restricted, either matching day counts, as in
cron). Times are the store's (UTC, without a zone).

A monitor is due when a scheduled moment has come since its last run — or it has never
run. :func:`due_monitors` is what a scheduler (``patnav serve``, cron) asks every minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from patnav.errors import InvalidParameterError

NAMED = ("daily", "weekly", "manual")

_FIELDS = (
    ("分钟", 0, 59),
    ("小时", 0, 23),
    ("日", 1, 31),
    ("月", 1, 12),
    ("星期", 0, 7),
)
_LOOKBACK_DAYS = 366 * 8
"""How far back the previous moment of a cron schedule is looked for (29 February on a
Monday comes round within 28 years, but no real monitor waits that long)."""


@dataclass(frozen=True, slots=True)
class Cron:
    """A parsed cron expression: the allowed values of each field."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool
    any_weekday: bool

    def day_matches(self, day: datetime) -> bool:
        if day.month not in self.months:
            return False
        dom = day.day in self.days
        dow = (day.isoweekday() % 7) in self.weekdays
        if self.any_day and self.any_weekday:
            return True
        if self.any_day:
            return dow
        if self.any_weekday:
            return dom
        return dom or dow


def _bad(text: str, why: str) -> InvalidParameterError:
    return InvalidParameterError(
        f"监控周期 {text!r} 无效：{why}。可写 daily、weekly、manual，或 5 段 cron 表达式"
        "（分 时 日 月 星期），如 '0 8 * * 1'（每周一 08:00）。"
    )


def _field(text: str, part: str, label: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for item in part.split(","):
        base, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if base == "*":
                start, end = low, high
            elif "-" in base:
                a, b = base.split("-", 1)
                start, end = int(a), int(b)
            else:
                start = int(base)
                end = high if step_text else start
        except ValueError:
            raise _bad(text, f"{label}字段 {item!r} 不是数字、范围或步长") from None
        if step < 1 or start < low or end > high or start > end:
            raise _bad(text, f"{label}字段 {item!r} 超出 {low}–{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse_cron(text: str) -> Cron:
    """A five-field cron expression.

    Raises:
        InvalidParameterError: it is not one.
    """
    parts = text.split()
    if len(parts) != 5:
        raise _bad(text, f"应有 5 段，实有 {len(parts)} 段")
    fields = [
        _field(text, part, label, low, high)
        for part, (label, low, high) in zip(parts, _FIELDS, strict=True)
    ]
    weekdays = frozenset(d % 7 for d in fields[4])
    return Cron(
        fields[0],
        fields[1],
        fields[2],
        fields[3],
        weekdays,
        any_day=parts[2] == "*",
        any_weekday=parts[4] == "*",
    )


def check_schedule(text: str) -> str:
    """``text`` if it is a schedule, else an InvalidParameterError saying why."""
    if text not in NAMED:
        parse_cron(text)
    return text


def previous_moment(schedule: str, at: datetime) -> datetime | None:
    """The latest scheduled moment at or before ``at`` (to the minute); None for a
    manual schedule or a cron expression with no moment in the last eight years."""
    at = at.replace(second=0, microsecond=0)
    if schedule == "manual":
        return None
    midnight = at.replace(hour=0, minute=0)
    if schedule == "daily":
        return midnight
    if schedule == "weekly":
        return midnight - timedelta(days=at.weekday())
    cron = parse_cron(schedule)
    hours = sorted(cron.hours, reverse=True)
    minutes = sorted(cron.minutes, reverse=True)
    for back in range(_LOOKBACK_DAYS):
        day = midnight - timedelta(days=back)
        if not cron.day_matches(day):
            continue
        for hour in hours:
            for minute in minutes:
                moment = day.replace(hour=hour, minute=minute)
                if moment <= at:
                    return moment
    return None


def is_due(schedule: str, last_run: datetime | None, at: datetime) -> bool:
    """Whether a monitor with ``schedule`` that last ran at ``last_run`` is due at
    ``at``: never run (and not manual), or a scheduled moment came after its last run."""
    moment = previous_moment(schedule, at)
    if schedule == "manual":
        return False
    if last_run is None:
        return True
    return moment is not None and last_run < moment


def due_monitors(
    monitors: Iterable[tuple[str, str, datetime | None]], at: datetime
) -> list[str]:
    """The names, in the order given, of the monitors (name, schedule, last run) due at
    ``at``."""
    return [name for name, schedule, last in monitors if is_due(schedule, last, at)]
