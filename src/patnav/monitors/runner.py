"""Run monitors: resolve each target, apply its rules, store new alerts once.

Idempotent: every alert has a key (the document, the applicant, the event's
fingerprint, the status transition, the due or expiry date) and a (monitor, rule, key)
is stored once, however often the monitor runs; change rules also keep the state they
last saw (``monitor_state``) and report only what differs from it. Each monitor runs in
its own transaction: its alerts, state and run record commit together; a monitor that
fails (a saved set deleted, a store error) records the failure in ``monitor_runs``
and the others still run.

A monitor's target: ``set`` — a saved set's name, else an expert query (a name wins
over a query of the same text, as everywhere a set is accepted; decided when the
monitor is added: a monitor of a saved set that was deleted fails, it never falls back
to reading the name as a query); ``entity`` — an
applicant name (``PA="…"``); ``group`` — every document an applicant of an accepted
member of the corporate group holds; ``numbers`` — the documents of those publication
numbers (numbers not in the store are counted ``missing``). The full-text index is used
when it is current and never built or updated by a run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from patnav.analyses.spec import entity_query
from patnav.enterprises.groups import group_keys_sql
from patnav.errors import NotFoundError, PatnavError
from patnav.monitors.model import (
    CHANGE_RULES,
    Alert,
    Monitor,
    get_monitor,
    list_alerts,
    list_monitors,
    now,
)
from patnav.monitors.rules import (
    RULE_FUNCTIONS,
    TARGET_COLUMNS,
    RuleContext,
    RuleResult,
)
from patnav.monitors.schedule import is_due
from patnav.schema import tables as t
from patnav.search.api import matching_ids
from patnav.search.index import SearchIndex
from patnav.search.saved import find_set
from patnav.search.sets import set_members
from patnav.storage.store import PatentStore

_ORG_ROLES = ("applicant", "assignee", "current_owner")


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One monitor's run: when, on how many documents, the alerts and unknowns per
    rule, and the error of a failed run."""

    run_id: int
    monitor: str
    started_at: datetime
    finished_at: datetime
    status: str
    documents: int
    alerts: int
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "run_id": self.run_id,
            "monitor": self.monitor,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": self.finished_at.isoformat(timespec="seconds"),
            "status": self.status,
            "documents": self.documents,
            "alerts": self.alerts,
            "counts": self.counts,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class MonitorRun:
    """What ``run_monitors`` did: one record per monitor run and the new alerts."""

    runs: tuple[RunRecord, ...]
    alerts: tuple[Alert, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"alerts": [...], "runs": [...]}`` (``patnav monitor run --json``)."""
        return {
            "alerts": [a.to_dict() for a in self.alerts],
            "runs": [r.to_dict() for r in self.runs],
        }


def target_documents(
    store: PatentStore,
    monitor: Monitor,
    *,
    index: SearchIndex | None = None,
) -> tuple[list[str], int]:
    """The doc_ids a monitor watches now, and how many of its portfolio's numbers the
    store does not hold (0 for other targets)."""
    kind, target = monitor.target_kind, monitor.target
    if kind == "set":
        if monitor.saved_set:
            if find_set(store, target) is None:
                raise NotFoundError(
                    f"监控 {monitor.name} 的专利集 {target!r} 已不存在：重新保存该专利集"
                    "（patnav sets save），或删除此监控后按检索式重建。"
                )
            return set_members(store, target, index=index), 0
        return matching_ids(store, target, index=index, update_index=False), 0
    if kind == "entity":
        query = entity_query(target)
        return matching_ids(store, query, index=index, update_index=False), 0
    if kind == "group":
        roles = ", ".join(f"'{r}'" for r in _ORG_ROLES)
        rows = store.rows(
            f"WITH g AS ({group_keys_sql()}) "
            "SELECT DISTINCT p.doc_id FROM parties p "
            "JOIN g ON g.akey = coalesce(p.entity_id, 'name:' || p.name) "
            f"WHERE p.role IN ({roles}) AND (g.group_name = ? OR g.group_key = ?) "
            "ORDER BY p.doc_id",
            [target, f"group:{target}"],
        )
        return [str(r[0]) for r in rows], 0
    numbers = list(monitor.numbers)
    if not numbers:
        return [], 0
    marks = ", ".join("?" for _ in numbers)
    rows = store.rows(
        "SELECT doc_id, pub_number, grant_pub_number FROM patents "
        f"WHERE pub_number IN ({marks}) OR grant_pub_number IN ({marks}) "
        "ORDER BY doc_id",
        [*numbers, *numbers],
    )
    held = {str(r[1]) for r in rows} | {str(r[2]) for r in rows if r[2]}
    return [str(r[0]) for r in rows], sum(1 for n in numbers if n not in held)


def _previous_state(store: PatentStore, monitor: str, rule: str) -> dict[str, str]:
    return {
        str(k): str(v or "")
        for k, v in store.rows(
            "SELECT key, value FROM monitor_state WHERE monitor = ? AND rule = ?",
            [monitor, rule],
        )
    }


def _known_keys(store: PatentStore, monitor: str, rule: str) -> set[str]:
    return {
        str(r[0])
        for r in store.rows(
            "SELECT key FROM alerts WHERE monitor = ? AND rule = ?", [monitor, rule]
        )
    }


def _save_state(
    store: PatentStore, monitor: str, rule: str, state: dict[str, str], at: datetime
) -> None:
    store.execute(
        "DELETE FROM monitor_state WHERE monitor = ? AND rule = ?", [monitor, rule]
    )
    if not state:
        return
    rows = pa.table(
        {
            "monitor": pa.array([monitor] * len(state), pa.string()),
            "rule": pa.array([rule] * len(state), pa.string()),
            "key": pa.array(list(state), pa.string()),
            "value": pa.array(list(state.values()), pa.string()),
            "seen_at": pa.array([at] * len(state), pa.timestamp("us")),
        }
    )
    store.insert_arrow("monitor_state", rows)


def _next_id(store: PatentStore, table: str, column: str) -> int:
    return int(store.scalar(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}"))


def _run_one(
    store: PatentStore,
    monitor: Monitor,
    *,
    today: date,
    index: SearchIndex | None,
) -> RunRecord:
    started = now()
    docs, missing = target_documents(store, monitor, index=index)
    target = pa.table({"doc_id": pa.array(sorted(set(docs)), pa.string())})
    counts: dict[str, dict[str, Any]] = {}
    created = 0
    columns = ", ".join(f"p.{c}" for c in TARGET_COLUMNS)
    with store.staged("monitor_ids", target) as ids, store.transaction():
        name = "monitor_target"
        store.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} "
            f"FROM patents p JOIN {ids} USING (doc_id)"
        )
        run_id = _next_id(store, "monitor_runs", "run_id")
        next_alert = _next_id(store, "alerts", "alert_id")
        muted = {
            str(r[0]): (str(r[1]), r[2])
            for r in store.rows(
                "SELECT pub_number, muted_by, muted_at FROM monitor_mutes "
                "WHERE monitor = ?",
                [monitor.name],
            )
        }
        ctx = RuleContext(store, monitor, today, name)
        baselined = set(monitor.baselined)
        rows: list[dict[str, Any]] = []
        for rule in monitor.rules:
            change = rule in CHANGE_RULES
            previous = (
                _previous_state(store, monitor.name, rule)
                if change and rule in baselined
                else None
            )
            result: RuleResult = RULE_FUNCTIONS[rule](ctx, previous)
            known = _known_keys(store, monitor.name, rule)
            new = 0
            for found in result.found:
                if found.key in known:
                    continue
                known.add(found.key)
                mute = muted.get(found.pub_number or "")
                rows.append(
                    {
                        "alert_id": next_alert,
                        "monitor": monitor.name,
                        "rule": rule,
                        "doc_id": found.doc_id,
                        "pub_number": found.pub_number,
                        "key": found.key,
                        "message": found.message,
                        "evidence": json.dumps(
                            found.evidence, ensure_ascii=False, default=str
                        ),
                        "run_id": run_id,
                        "created_at": started,
                        "acked_by": None,
                        "acked_at": None,
                        "muted_by": mute[0] if mute else None,
                        "muted_at": mute[1] if mute else None,
                    }
                )
                next_alert += 1
                new += 1
            if change and result.state is not None:
                _save_state(store, monitor.name, rule, result.state, started)
            counts[rule] = {"alerts": new, "unknown": result.unknown}
            if change and previous is None:
                counts[rule]["baseline"] = True
                baselined.add(rule)
        if rows:
            store.insert_arrow(
                "alerts", pa.Table.from_pylist(rows, schema=t.ALERTS.arrow_schema())
            )
        if missing:
            counts["target"] = {"missing_numbers": missing}
        created = sum(c.get("alerts", 0) for c in counts.values())
        finished = now()
        store.execute(
            "INSERT INTO monitor_runs VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, NULL)",
            [
                run_id,
                monitor.name,
                started,
                finished,
                len(target),
                created,
                json.dumps(counts, ensure_ascii=False),
            ],
        )
        store.execute(
            "UPDATE monitors SET last_run_at = ?, baselined = ? WHERE name = ?",
            [started, sorted(baselined), monitor.name],
        )
        store.execute(f"DROP TABLE IF EXISTS {name}")
    return RunRecord(
        run_id, monitor.name, started, finished, "ok", len(target), created, counts
    )


def _failed(
    store: PatentStore, monitor: Monitor, started: datetime, exc: Exception
) -> RunRecord:
    run_id = _next_id(store, "monitor_runs", "run_id")
    finished = now()
    error = str(exc) or type(exc).__name__
    store.execute(
        "INSERT INTO monitor_runs VALUES (?, ?, ?, ?, 'failed', NULL, 0, '{}', ?)",
        [run_id, monitor.name, started, finished, error],
    )
    return RunRecord(run_id, monitor.name, started, finished, "failed", 0, 0, {}, error)


def run_monitors(
    store: PatentStore,
    names: Sequence[str] | None = None,
    *,
    today: date | None = None,
    due_at: datetime | None = None,
    index: SearchIndex | None = None,
) -> MonitorRun:
    """Run the monitors called ``names`` (every monitor when None; with ``due_at``,
    only those whose schedule makes them due then) and return their runs and new
    alerts. ``today`` is the day date rules are judged on (default: today, UTC).

    Raises:
        NotFoundError: a name is no monitor's.
    """
    day = today or now().date()
    chosen = [get_monitor(store, n) for n in names] if names else list_monitors(store)
    if due_at is not None:
        chosen = [m for m in chosen if is_due(m.schedule, m.last_run_at, due_at)]
    runs: list[RunRecord] = []
    for monitor in chosen:
        started = now()
        try:
            runs.append(_run_one(store, monitor, today=day, index=index))
        except PatnavError as exc:
            runs.append(_failed(store, monitor, started, exc))
    ids = [r.run_id for r in runs if r.status == "ok" and r.alerts]
    alerts = sorted(list_alerts(store, run_ids=ids), key=lambda a: a.alert_id)
    return MonitorRun(tuple(runs), tuple(alerts))


def run_history(
    store: PatentStore, *, monitor: str | None = None, limit: int = 50
) -> list[RunRecord]:
    """The latest runs, newest first."""
    where, params = ("WHERE monitor = ?", [monitor]) if monitor else ("", [])
    rows = store.rows(
        "SELECT run_id, monitor, started_at, finished_at, status, documents, alerts, "
        f"counts, error FROM monitor_runs {where} ORDER BY run_id DESC LIMIT {int(limit)}",
        params,
    )
    return [
        RunRecord(
            int(r[0]),
            str(r[1]),
            r[2],
            r[3],
            str(r[4]),
            int(r[5] or 0),
            int(r[6] or 0),
            json.loads(r[7] or "{}"),
            r[8],
        )
        for r in rows
    ]
