"""Monitors (动态监测): targets watched by alert rules on a schedule, idempotent alerts,
run history, acknowledgement and muting. See ``docs/monitors.md``.

The package is core: no CLI, no web. ``model`` stores monitors and alerts, ``rules``
holds one function per rule, ``runner`` runs them, ``schedule`` decides which monitors
are due.
"""

from __future__ import annotations

from patnav.monitors.model import (
    RULES,
    Alert,
    Monitor,
    ack_alert,
    add_monitor,
    get_monitor,
    list_alerts,
    list_monitors,
    mute_alert,
    mute_pair,
    remove_monitor,
)
from patnav.monitors.runner import MonitorRun, RunRecord, run_history, run_monitors
from patnav.monitors.schedule import due_monitors, is_due

__all__ = [
    "RULES",
    "Alert",
    "Monitor",
    "MonitorRun",
    "RunRecord",
    "ack_alert",
    "add_monitor",
    "due_monitors",
    "get_monitor",
    "is_due",
    "list_alerts",
    "list_monitors",
    "mute_alert",
    "mute_pair",
    "remove_monitor",
    "run_history",
    "run_monitors",
]
