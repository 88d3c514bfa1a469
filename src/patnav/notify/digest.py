"""Digests: a user's alerts of one period grouped by monitor and rule, for one mail.

Pure functions: :func:`build_digest` groups alerts, :func:`is_due` says whether a
subscription's period has passed. Sending a digest (collecting the queued deliveries,
mailing, marking them sent) is :func:`patnav.notify.dispatch.send_digests`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from patnav.errors import InvalidParameterError
from patnav.notify.alert import Alert

RULES: tuple[str, ...] = (
    "new-documents",
    "new-applicants",
    "status-change",
    "event",
    "annuity-due",
    "grace",
    "expiry",
    "high-maintenance",
)
"""The monitors' rules in the order a digest lists them; a rule not named here comes
after these, by name."""

PERIODS: dict[str, timedelta] = {
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
}
"""How long a digest period lasts."""


@dataclass(frozen=True, slots=True)
class RuleGroup:
    """The alerts of one rule of one monitor, oldest first."""

    rule: str
    alerts: tuple[Alert, ...]


@dataclass(frozen=True, slots=True)
class MonitorGroup:
    """One monitor's alerts, by rule."""

    monitor: str
    rules: tuple[RuleGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(r.alerts) for r in self.rules)


@dataclass(frozen=True, slots=True)
class Digest:
    """A period's alerts for one recipient, grouped by monitor (by name) and rule.

    ``start`` is the end of the previous digest (unset: none was sent before), ``end``
    the time this one was made; both naive UTC.
    """

    period: str
    start: datetime | None
    end: datetime
    groups: tuple[MonitorGroup, ...]

    @property
    def count(self) -> int:
        """How many alerts the digest holds."""
        return sum(g.count for g in self.groups)

    def to_dict(self) -> dict[str, Any]:
        """The digest as plain data (alerts in the monitors' dict shape)."""
        return {
            "period": self.period,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat(),
            "count": self.count,
            "groups": [
                {
                    "monitor": g.monitor,
                    "rules": [
                        {"rule": r.rule, "alerts": [a.to_dict() for a in r.alerts]}
                        for r in g.rules
                    ],
                }
                for g in self.groups
            ],
        }


def _rule_order(rule: str) -> tuple[int, str]:
    return (RULES.index(rule) if rule in RULES else len(RULES), rule)


def build_digest(
    alerts: Iterable[Alert], *, period: str, start: datetime | None, end: datetime
) -> Digest:
    """Group ``alerts`` by monitor, then rule (in :data:`RULES` order); each alert once
    (by ``alert_id``), oldest first.

    Raises:
        InvalidParameterError: ``period`` is not one of :data:`PERIODS`.
    """
    if period not in PERIODS:
        raise InvalidParameterError(
            f"A digest period is one of {', '.join(PERIODS)}; got {period!r}."
        )
    unique = {a.alert_id: a for a in alerts}
    by_monitor: dict[str, dict[str, list[Alert]]] = {}
    for alert in unique.values():
        by_monitor.setdefault(alert.monitor, {}).setdefault(alert.rule, []).append(
            alert
        )
    groups = tuple(
        MonitorGroup(
            monitor,
            tuple(
                RuleGroup(
                    rule,
                    tuple(
                        sorted(
                            rules[rule],
                            key=lambda a: (a.created_at, a.pub_number or ""),
                        )
                    ),
                )
                for rule in sorted(rules, key=_rule_order)
            ),
        )
        for monitor, rules in sorted(by_monitor.items())
    )
    return Digest(period, start, end, groups)


def is_due(period: str, last_sent_at: datetime | None, now: datetime) -> bool:
    """Whether a digest of ``period`` is due at ``now``: none was sent yet, or the last
    one is a full period old."""
    if period not in PERIODS:
        return False
    return last_sent_at is None or now - last_sent_at >= PERIODS[period]
