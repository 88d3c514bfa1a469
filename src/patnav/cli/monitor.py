"""Monitor commands: ``patnav monitor add | list | run | alerts | runs | ack | mute |
remove`` — a thin shell over :mod:`patnav.monitors`."""

from __future__ import annotations

import getpass
import os
from datetime import date
from pathlib import Path

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table
from patnav.errors import InvalidParameterError
from patnav.i18n import Catalogue
from patnav.monitors import (
    RULES,
    Alert,
    MonitorRun,
    ack_alert,
    add_monitor,
    list_alerts,
    list_monitors,
    mute_alert,
    mute_pair,
    remove_monitor,
    run_history,
    run_monitors,
)
from patnav.monitors.model import (
    ALL_EVENT_TYPES,
    DEFAULT_DAYS,
    DEFAULT_MONTHS,
    DEFAULT_YEARS,
    RULES_ZH,
    TARGET_ZH,
    now,
    parse_numbers,
)
from patnav.monitors.runner import RunRecord

MAX_NUMBERS_FILE = 2 * 1024 * 1024

TEXT = Catalogue(
    "patnav.cli.monitor.TEXT",
    {
        "added": (
            "已添加监控 {name}：{kind} {target}；规则 {rules}；周期 {schedule}",
            "Monitor {name} added: {kind} {target}; rules {rules}; {schedule}",
        ),
        "none": (
            "没有监控。用 patnav monitor add 添加。",
            "No monitors. Add one with patnav monitor add.",
        ),
        "no_alerts": ("没有提醒。", "No alerts."),
        "no_runs": ("没有运行记录。", "No runs."),
        "removed": (
            "已删除监控 {name} 及其提醒与运行记录。",
            "Monitor {name} removed with its alerts and runs.",
        ),
        "acked": ("提醒 {id} 已由 {who} 确认。", "Alert {id} acknowledged by {who}."),
        "muted": ("提醒 {id} 已由 {who} 屏蔽。", "Alert {id} muted by {who}."),
        "pair_muted": (
            "监控 {monitor} 对 {pub} 的提醒已屏蔽（已有 {n} 条）；以后的提醒记为已屏蔽。",
            "Alerts of {monitor} on {pub} muted ({n} so far); later ones are stored muted.",
        ),
        "ran": (
            "运行 {runs} 个监控，新提醒 {alerts} 条。",
            "{runs} monitors run, {alerts} new alerts.",
        ),
        "failed": ("  失败：{monitor}：{error}", "  failed: {monitor}: {error}"),
        "unknown": (
            "  {monitor}：{rule} 日期未知 {n} 件（不提醒）",
            "  {monitor}: {rule}: {n} with no known date (no alert)",
        ),
        "first": (
            "  {monitor}：{rule} 首次运行，已记录基线",
            "  {monitor}: {rule}: first run, baseline recorded",
        ),
    },
)
"""The messages of the monitor commands."""

HEADS = Catalogue(
    "patnav.cli.monitor.HEADS",
    {
        "name": ("名称", "name"),
        "target": ("监控对象", "target"),
        "rules": ("规则", "rules"),
        "schedule": ("周期", "schedule"),
        "last_run": ("上次运行", "last run"),
        "id": ("编号", "id"),
        "monitor": ("监控", "monitor"),
        "rule": ("规则", "rule"),
        "pub": ("公开号", "publication"),
        "message": ("提醒", "message"),
        "created": ("时间", "created"),
        "state": ("状态", "state"),
        "run": ("运行", "run"),
        "started": ("开始", "started"),
        "documents": ("文献数", "documents"),
        "alerts": ("新提醒", "new alerts"),
        "status": ("结果", "status"),
    },
)


def _user(by: str | None) -> str:
    if by:
        return by
    return os.environ.get("PATNAV_USER") or getpass.getuser()


def _heads(keys: str, lang: str) -> list[str]:
    return [HEADS.text(k, lang) for k in keys.split()]


def _rule_name(rule: str, lang: str) -> str:
    return RULES_ZH.get(rule, rule) if lang == "zh" else rule


@cli.group("monitor")
def monitor_group() -> None:
    """Monitors (动态监测): watch a query, a saved set, an applicant, a corporate group
    or a portfolio for new documents, applicants, legal-status changes, events, fees
    due, grace, expiry and high-maintenance patents; run from cron or a timer.

    \b
    Example:
      patnav monitor add 光通信新增 --set 'TIAB=(光纤 OR 光模块)' --rule new-documents
      patnav monitor add 质押组合 --numbers CN106844774A,CN108882854A --rule event
      patnav monitor run --json
      patnav monitor alerts --unread
    """


def _node_target(path: Path, node_name: str, given: str | None) -> str:
    """The expert query of a spec node: its query (or its children's), within the
    spec's base query."""
    from patnav.analyses.spec import load_spec, node_query

    if given:
        raise InvalidParameterError("--spec/--node 与 --set 只能给出其一。")
    spec = load_spec(path)
    node = next((n for n in spec.walk() if n.name == node_name), None)
    if node is None:
        names = "、".join(n.name for n in spec.walk())
        raise InvalidParameterError(
            f"规范 {path} 中没有节点 {node_name!r}；可选节点：{names}。"
        )
    query = node_query(node)
    if not query:
        raise InvalidParameterError(f"节点 {node_name!r} 及其子节点都没有检索式。")
    return f"({spec.base_query}) AND ({query})" if spec.base_query else query


@monitor_group.command("add")
@click.argument("name")
@click.option(
    "--set",
    "set_query",
    default=None,
    help="A saved set's name or an expert query (检索式); a saved set's name wins "
    "over a query of the same text.",
)
@click.option("--entity", default=None, help="An applicant (申请人) name to watch.")
@click.option("--group", default=None, help="A corporate group (企业集团) to watch.")
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A navigation spec whose node (--node) to watch: the node's query, within the "
    "spec's base query.",
)
@click.option(
    "--node", "node_name", default=None, help="The spec node to watch (--spec)."
)
@click.option(
    "--numbers",
    default=None,
    help="A portfolio: publication numbers separated by commas (CN106844774A,…).",
)
@click.option(
    "--numbers-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A portfolio: a text file of publication numbers, one per line.",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    required=True,
    type=click.Choice(RULES),
    help="An alert rule (repeat for several).",
)
@click.option(
    "--days",
    type=int,
    default=DEFAULT_DAYS,
    show_default=True,
    help="annuity-due, high-maintenance: fees due within this many days.",
)
@click.option(
    "--months",
    type=int,
    default=DEFAULT_MONTHS,
    show_default=True,
    help="expiry: terms ending within this many months.",
)
@click.option(
    "--years",
    type=int,
    default=DEFAULT_YEARS,
    show_default=True,
    help="high-maintenance: maintained at least this many years.",
)
@click.option(
    "--event-type",
    "event_types",
    multiple=True,
    type=click.Choice(ALL_EVENT_TYPES),
    help="event: only these event types (repeat; default: lapse, expiry, restoration, "
    "transfer, licence, pledge, pledge_release, preservation, invalidation, "
    "reexamination, litigation).",
)
@click.option(
    "--schedule",
    default="daily",
    show_default=True,
    help="daily, weekly, manual, or a 5-field cron expression ('0 8 * * 1').",
)
@click.option("--json", "as_json", is_flag=True, help="Print the monitor as JSON.")
@lang_option
@click.pass_obj
def add_command(
    obj: Context,
    name: str,
    set_query: str | None,
    entity: str | None,
    group: str | None,
    spec_path: Path | None,
    node_name: str | None,
    numbers: str | None,
    numbers_file: Path | None,
    rules: tuple[str, ...],
    days: int,
    months: int,
    years: int,
    event_types: tuple[str, ...],
    schedule: str,
    as_json: bool,
) -> None:
    """Add a monitor NAME watching one target with one or more rules.

    \b
    Example:
      patnav monitor add 增强现实 --set 'TI=增强现实' --rule new-documents --rule new-applicants
      patnav monitor add 华为动态 --entity 华为技术有限公司 --rule new-documents --schedule weekly
      patnav monitor add 贷后 --numbers-file 质押清单.txt --rule event --rule grace
      patnav monitor add 飞控 --spec specs/drones-industry.yaml --node 飞控与导航 \
        --rule new-documents
    """
    if (spec_path is None) != (node_name is None):
        raise InvalidParameterError(
            "--spec 与 --node 须一同给出（监控规范中的一个节点）。"
        )
    if spec_path is not None and node_name is not None:
        set_query = _node_target(spec_path, node_name, set_query)
    given = [
        (kind, value)
        for kind, value in (
            ("set", set_query),
            ("entity", entity),
            ("group", group),
            ("numbers", numbers or (str(numbers_file) if numbers_file else None)),
        )
        if value
    ]
    if numbers and numbers_file:
        given.append(("numbers", "file"))
    if len(given) != 1:
        raise InvalidParameterError(
            "请给出且只给出一个监控对象：--set、--entity、--group、--numbers 或 "
            "--numbers-file。"
        )
    kind, target = given[0]
    listed: tuple[str, ...] = ()
    if kind == "numbers":
        if numbers_file is not None:
            if numbers_file.stat().st_size > MAX_NUMBERS_FILE:
                raise InvalidParameterError(
                    f"{numbers_file} 超过 {MAX_NUMBERS_FILE // 1024 // 1024} MB；"
                    "请拆分公开号清单。"
                )
            text = numbers_file.read_text(encoding="utf-8-sig")
            listed = parse_numbers(text.splitlines())
            target = numbers_file.name
        else:
            listed = parse_numbers([target])
            target = ""
    with obj.existing_store() as store:
        monitor = add_monitor(
            store,
            name,
            target_kind=kind,
            target=target,
            numbers=listed,
            rules=rules,
            days=days,
            months=months,
            years=years,
            event_types=event_types or None,
            schedule=schedule,
        )
    if as_json:
        echo_json(monitor.to_dict())
        return
    lang = obj.lang
    click.echo(
        TEXT.text(
            "added",
            lang,
            name=monitor.name,
            kind=TARGET_ZH[monitor.target_kind]
            if lang == "zh"
            else monitor.target_kind,
            target=monitor.target,
            rules="、".join(_rule_name(r, lang) for r in monitor.rules),
            schedule=monitor.schedule,
        )
    )


@monitor_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the monitors as JSON.")
@lang_option
@click.pass_obj
def list_command(obj: Context, as_json: bool) -> None:
    """List the monitors.

    \b
    Example:
      patnav monitor list --json
    """
    with obj.existing_store() as store:
        monitors = list_monitors(store)
    if as_json:
        echo_json([m.to_dict() for m in monitors])
        return
    lang = obj.lang
    if not monitors:
        click.echo(TEXT.text("none", lang))
        return
    rows = [
        (
            m.name,
            f"{TARGET_ZH[m.target_kind] if lang == 'zh' else m.target_kind}：{m.target}",
            "、".join(_rule_name(r, lang) for r in m.rules),
            m.schedule,
            m.last_run_at.isoformat(sep=" ", timespec="minutes")
            if m.last_run_at
            else "-",
        )
        for m in monitors
    ]
    click.echo(table(_heads("name target rules schedule last_run", lang), rows))


def _render_run(result: MonitorRun, lang: str) -> str:
    out = [TEXT.text("ran", lang, runs=len(result.runs), alerts=len(result.alerts))]
    for run in result.runs:
        if run.status != "ok":
            out.append(TEXT.text("failed", lang, monitor=run.monitor, error=run.error))
            continue
        for rule, count in run.counts.items():
            if rule not in RULES:
                continue
            name = _rule_name(rule, lang)
            if count.get("baseline"):
                out.append(TEXT.text("first", lang, monitor=run.monitor, rule=name))
            if count.get("unknown") and rule not in ("status-change",):
                out.append(
                    TEXT.text(
                        "unknown",
                        lang,
                        monitor=run.monitor,
                        rule=name,
                        n=count["unknown"],
                    )
                )
    if result.alerts:
        out.append(_alerts_table(list(result.alerts), lang))
    return "\n".join(out)


def _alerts_table(alerts: list[Alert], lang: str) -> str:
    rows = [
        (
            a.alert_id,
            a.monitor,
            _rule_name(a.rule, lang),
            a.message,
            ("已确认" if lang == "zh" else "acked")
            if a.acked_at
            else ("已屏蔽" if lang == "zh" else "muted")
            if a.muted_at
            else ("未读" if lang == "zh" else "unread"),
        )
        for a in alerts
    ]
    return table(
        _heads("id monitor rule message state", lang), rows, align="rllll", max_width=80
    )


@monitor_group.command("run")
@click.argument("names", nargs=-1)
@click.option(
    "--due",
    is_flag=True,
    help="Only the monitors whose schedule makes them due now (for cron every few "
    "minutes).",
)
@click.option(
    "--today",
    default=None,
    help="The day date rules are judged on, YYYY-MM-DD (default: today).",
)
@click.option("--json", "as_json", is_flag=True, help="Print alerts and runs as JSON.")
@lang_option
@click.pass_obj
def run_command(
    obj: Context, names: tuple[str, ...], due: bool, today: str | None, as_json: bool
) -> None:
    """Run monitors (all, or those named) and print the new alerts; idempotent — a change
    alerts once however often it runs.

    --json prints {"alerts": [{alert_id, monitor, rule, pub_number, message, evidence,
    created_at, …}], "runs": [{run_id, monitor, started_at, finished_at, status,
    documents, alerts, counts, error}]}.

    \b
    Example:
      patnav monitor run
      patnav monitor run 增强现实 --json
      patnav monitor run --due
    """
    day: date | None = None
    if today is not None:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise InvalidParameterError(
                f"--today 应为日期 YYYY-MM-DD，实为 {today!r}。"
            ) from None
    with obj.existing_store() as store:
        result = run_monitors(
            store, list(names) or None, today=day, due_at=now() if due else None
        )
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(_render_run(result, obj.lang))


@monitor_group.command("alerts")
@click.option("--monitor", "monitor_name", default=None, help="Only this monitor's.")
@click.option(
    "--unread", is_flag=True, help="Only alerts neither acknowledged nor muted."
)
@click.option(
    "--limit", type=int, default=100, show_default=True, help="At most this many."
)
@click.option("--json", "as_json", is_flag=True, help="Print the alerts as JSON.")
@lang_option
@click.pass_obj
def alerts_command(
    obj: Context, monitor_name: str | None, unread: bool, limit: int, as_json: bool
) -> None:
    """List alerts, newest first, with their evidence in --json.

    \b
    Example:
      patnav monitor alerts --unread
      patnav monitor alerts --monitor 增强现实 --json
    """
    with obj.existing_store() as store:
        alerts = list_alerts(store, monitor=monitor_name, unread=unread, limit=limit)
    if as_json:
        echo_json({"alerts": [a.to_dict() for a in alerts]})
    elif not alerts:
        click.echo(TEXT.text("no_alerts", obj.lang))
    else:
        click.echo(_alerts_table(alerts, obj.lang))


@monitor_group.command("runs")
@click.argument("name", required=False)
@click.option(
    "--limit", type=int, default=20, show_default=True, help="At most this many."
)
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
@lang_option
@click.pass_obj
def runs_command(obj: Context, name: str | None, limit: int, as_json: bool) -> None:
    """Run history, newest first: when, documents, new alerts, counts per rule, errors.

    \b
    Example:
      patnav monitor runs 增强现实
    """
    with obj.existing_store() as store:
        runs = run_history(store, monitor=name, limit=limit)
    if as_json:
        echo_json({"runs": [r.to_dict() for r in runs]})
        return
    if not runs:
        click.echo(TEXT.text("no_runs", obj.lang))
        return
    click.echo(
        table(
            _heads("run monitor started documents alerts status", obj.lang),
            [_run_row(r, obj.lang) for r in runs],
        )
    )


def _status(run: RunRecord, lang: str) -> str:
    if run.status == "ok":
        return "成功" if lang == "zh" else "ok"
    return ("失败：" if lang == "zh" else "failed: ") + str(run.error)


def _run_row(run: RunRecord, lang: str) -> tuple[object, ...]:
    return (
        run.run_id,
        run.monitor,
        run.started_at.isoformat(sep=" ", timespec="seconds"),
        f"{run.documents:,}",
        f"{run.alerts:,}",
        _status(run, lang),
    )


@monitor_group.command("ack")
@click.argument("alert_id", type=int)
@click.option(
    "--by", default=None, help="Who acknowledges (default: $PATNAV_USER or the login)."
)
@lang_option
@click.pass_obj
def ack_command(obj: Context, alert_id: int, by: str | None) -> None:
    """Acknowledge an alert (it leaves the unread list).

    \b
    Example:
      patnav monitor ack 12 --by 张三
    """
    with obj.existing_store() as store:
        alert = ack_alert(store, alert_id, user=_user(by))
    click.echo(TEXT.text("acked", obj.lang, id=alert.alert_id, who=alert.acked_by))


@monitor_group.command("mute")
@click.argument("alert_id", type=int, required=False)
@click.option(
    "--monitor", "monitor_name", default=None, help="With --pub: the monitor."
)
@click.option(
    "--pub", default=None, help="With --monitor: the publication number to mute."
)
@click.option(
    "--by", default=None, help="Who mutes (default: $PATNAV_USER or the login)."
)
@lang_option
@click.pass_obj
def mute_command(
    obj: Context,
    alert_id: int | None,
    monitor_name: str | None,
    pub: str | None,
    by: str | None,
) -> None:
    """Mute an alert by ID, or a monitor × publication pair (--monitor NAME --pub
    NUMBER): its alerts so far and later ones.

    \b
    Example:
      patnav monitor mute 12
      patnav monitor mute --monitor 贷后 --pub CN106844774A
    """
    who = _user(by)
    lang = obj.lang
    if (alert_id is None) == (monitor_name is None or pub is None):
        raise InvalidParameterError(
            "请给出提醒编号，或同时给出 --monitor 与 --pub（二者择一）。"
        )
    with obj.existing_store() as store:
        if alert_id is not None:
            alert = mute_alert(store, alert_id, user=who)
            click.echo(TEXT.text("muted", lang, id=alert.alert_id, who=alert.muted_by))
            return
        assert monitor_name is not None and pub is not None
        n = mute_pair(store, monitor_name, pub, user=who)
    click.echo(TEXT.text("pair_muted", lang, monitor=monitor_name, pub=pub, n=n))


@monitor_group.command("remove")
@click.argument("name")
@lang_option
@click.pass_obj
def remove_command(obj: Context, name: str) -> None:
    """Remove a monitor with its state, alerts and run history.

    \b
    Example:
      patnav monitor remove 增强现实
    """
    with obj.existing_store() as store:
        remove_monitor(store, name)
    click.echo(TEXT.text("removed", obj.lang, name=name))
