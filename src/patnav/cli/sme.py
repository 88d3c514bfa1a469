"""SME cultivation library commands: ``patnav sme check`` (the ten admission criteria of
the 专利产业化促进中小企业成长计划 per enterprise of a province's register); the library's
workflow (``apply``, ``review``, ``admit``, ``cultivate``, ``graduate``, ``remove``,
``declare``, ``status``, ``list``); the dynamic-adjustment rules (``rules``); the lists
for banks and 政策匹配 (``banks``, ``policies``) and the workbook (``export``)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
import pandas as pd

from patnav.cli import Context, cli, echo_json
from patnav.cli.render import table
from patnav.errors import InputError, InvalidParameterError
from patnav.models.sme import (
    SmeCheck,
    check_sme,
    read_declarations,
    read_dense_industries,
)
from patnav.models.sme.abnormal import abnormal_flags
from patnav.models.sme.check import VERDICT_ZH
from patnav.models.sme.library import (
    ACTION_ZH,
    STATE_ZH,
    TRANSITIONS,
    CheckSnapshot,
    LibraryEvent,
    library_status,
    list_library,
    record,
    resolve_enterprise,
)
from patnav.models.sme.lists import (
    MATCH_ZH,
    bank_list,
    library_frames,
    match_policies,
    read_policies,
)
from patnav.models.sme.rules import (
    RULE_RESULT_ZH,
    RULE_ZH,
    LibraryRules,
    RuleThresholds,
    library_rules,
)
from patnav.storage.store import PatentStore

_MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"--as-of 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


def render_check(result: SmeCheck) -> str:
    """The check as text: one line per enterprise (✓ 符合, ✗ 不符合, ? 待核实)."""
    rows = [
        (
            r.name,
            " ".join(f"{c.criterion}{_MARK[c.result]}" for c in r.criteria),
            VERDICT_ZH[r.verdict],
            "、".join(str(c.criterion) for c in r.missing) or "-",
        )
        for r in result.rows
    ]
    counts = result.counts()
    lines = [
        table(["企业", "十项条件（✓符合 ✗不符合 ?待核实）", "结论", "待补充"], rows),
        f"{result.province}，核查日 {result.as_of}：共 {len(result.rows)} 家，"
        f"符合 {counts['eligible']} 家，不符合 {counts['not_eligible']} 家，"
        f"信息不全 {counts['incomplete']} 家",
    ]
    lines += [f"注：{n}" for n in result.notes]
    return "\n".join(lines)


def _write(out: Path, result: SmeCheck) -> None:
    suffix = out.suffix.lower()
    try:
        if suffix == ".xlsx":
            import pandas as pd

            with pd.ExcelWriter(out) as writer:
                result.to_frame().to_excel(writer, sheet_name="入库核查", index=False)
                result.to_criteria_frame().to_excel(
                    writer, sheet_name="逐项依据", index=False
                )
        elif suffix == ".csv":
            result.to_criteria_frame().to_csv(out, index=False, encoding="utf-8-sig")
        else:
            raise InvalidParameterError(
                f"--out 应为 .xlsx 或 .csv 文件，实为 {out.name}。"
            )
    except OSError as exc:
        raise InputError(f"Cannot write {out}: {exc.strerror}.") from exc


@cli.group("sme")
def sme_group() -> None:
    """The SME cultivation library (专利产业化促进中小企业成长计划 培育库): the ten-criteria
    check, the workflow (apply → review → admit → cultivate → graduate / remove), the
    dynamic-adjustment rules, the lists for banks and 政策匹配. See docs/sme.md.

    \b
    Example:
      patnav sme check --province 湖北省 --declarations 申报.xlsx --json
      patnav sme apply 宜昌市统领家私有限公司 --province 湖北省
      patnav sme rules --province 湖北省 --json
    """


@sme_group.command("check")
@click.option(
    "--province", required=True, help="The library's province (湖北省): whose register."
)
@click.option(
    "--declarations",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The enterprises' declarations (.csv, .xlsx, .yaml; columns in docs/sme.md).",
)
@click.option(
    "--dense-industries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The 专利密集型产业 list (GB/T 4754 codes); without it criterion 3 is unknown.",
)
@click.option(
    "--as-of", default=None, help="Check statuses and last year's figures on this day."
)
@click.option(
    "--abnormal/--no-abnormal",
    "detect_abnormal",
    default=True,
    show_default=True,
    help="Run the abnormal-filing detector over the enterprises' documents for "
    "criterion 10 (--no-abnormal: that part stays unknown).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the check to .xlsx (summary and evidence sheets) or .csv (evidence).",
)
@click.pass_obj
def sme_check(
    obj: Context,
    province: str,
    declarations: Path | None,
    dense_industries: Path | None,
    as_of: str | None,
    detect_abnormal: bool,
    as_json: bool,
    out: Path | None,
) -> None:
    """Check every register enterprise of a province against the ten admission criteria
    of the SME cultivation library: each pass / fail / unknown with its evidence
    (register, patent data, declarations), unknown ones with what to ask for, and the
    verdict (eligible / not_eligible / incomplete).

    \b
    Example:
      patnav sme check --province 湖北省 --declarations 申报.xlsx --json
      patnav sme check --province 湖北省 --as-of 2024-06-30 --out 入库核查.xlsx
    """
    day = _day(as_of)
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = _run_check(
            store, province, declarations, dense_industries, detect_abnormal, day
        )
    if out is not None:
        _write(out, result)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(render_check(result))
    if out is not None:
        click.echo(f"已写入 {out}")


# -- the library's workflow (申报 → 审核 → 入库 → 培育 → 出库 / 退库) ---------------------


def _user(by: str | None) -> str:
    return by or os.environ.get("PATNAV_USER") or getpass.getuser()


def _effective(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"--date 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


def _province_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--province", required=True, help="The library's province (湖北省)."
    )(f)


def _check_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.option(
                "--declarations",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=None,
                help="The enterprise's declarations (as for sme check).",
            ),
            click.option(
                "--dense-industries",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=None,
                help="The 专利密集型产业 list (as for sme check).",
            ),
            click.option(
                "--abnormal/--no-abnormal",
                "detect_abnormal",
                default=True,
                show_default=True,
                help="Run the abnormal-filing detector for criterion 10.",
            ),
        )
    ):
        f = option(f)
    return f


def _run_check(
    store: PatentStore,
    province: str,
    declarations: Path | None,
    dense_industries: Path | None,
    detect_abnormal: bool,
    day: date | None,
) -> SmeCheck:
    """The ten-criteria check of the province's enterprises with the given files, the
    abnormal-filing detector run over the store when asked."""
    decls = read_declarations(declarations) if declarations else ()
    dense = read_dense_industries(dense_industries) if dense_industries else None
    flags, unchecked = abnormal_flags(store) if detect_abnormal else (None, set())
    return check_sme(
        store,
        province,
        declarations=decls,
        dense_industries=dense,
        abnormal=flags,
        abnormal_unchecked=unchecked,
        as_of=day,
    )


def _enterprise_check(
    store: PatentStore,
    province: str,
    enterprise: str,
    declarations: Path | None,
    dense_industries: Path | None,
    detect_abnormal: bool,
    day: date | None,
) -> CheckSnapshot:
    eid, name = resolve_enterprise(store, enterprise)
    result = _run_check(
        store, province, declarations, dense_industries, detect_abnormal, day
    )
    found = CheckSnapshot.of(result, eid)
    if found is not None:
        return found
    raise InvalidParameterError(
        f"{name} 的注册地不在{province}：申报文件（--declarations）中列入该企业即可核查"
        "（第 1 项将不符合）。"
    )


def _show_event(obj: Context, event: LibraryEvent, as_json: bool) -> None:
    if as_json:
        echo_json(event.to_dict())
        return
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        name = resolve_enterprise(store, event.enterprise_id)[1]
    moved = (
        f"{STATE_ZH[event.from_state] if event.from_state else '未申报'} → "
        f"{STATE_ZH[event.to_state or '']}"
        if event.action in TRANSITIONS
        else STATE_ZH[event.to_state or ""]
    )
    click.echo(
        f"已登记 #{event.event_id}：{name} {ACTION_ZH[event.action]}（{moved}），"
        f"生效日期 {event.effective_date}，经办 {event.actor}"
        + (f"，理由：{event.reason}" if event.reason else "")
    )
    if event.check is not None:
        missing = "、".join(str(m["criterion"]) for m in event.check["missing"]) or "无"
        click.echo(
            f"十项条件核查：{event.check['verdict_label']}；"
            f"不符合 {'、'.join(map(str, event.check['failed'])) or '无'}；"
            f"待补充 {missing}（已随记录保存）"
        )


@sme_group.command("apply")
@click.argument("enterprise")
@_province_option
@click.option(
    "--by", default=None, help="Who files it (default $PATNAV_USER or login)."
)
@click.option("--date", "when", default=None, help="Effective date (default today).")
@click.option("--reason", default=None, help="A note kept with the application.")
@_check_options
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@click.pass_obj
def sme_apply(
    obj: Context,
    enterprise: str,
    province: str,
    by: str | None,
    when: str | None,
    reason: str | None,
    declarations: Path | None,
    dense_industries: Path | None,
    detect_abnormal: bool,
    as_json: bool,
) -> None:
    """申报: an enterprise of the register applies to the province's library; its
    ten-criteria check (on the effective date) is kept with the application.

    \b
    Example:
      patnav sme apply 宜昌市统领家私有限公司 --province 湖北省 --declarations 申报.xlsx
    """
    day = _effective(when)
    with PatentStore.open(obj.settings.store) as store:
        check = _enterprise_check(
            store, province, enterprise, declarations, dense_industries,
            detect_abnormal, day,
        )  # fmt: skip
        event = record(
            store, province, enterprise, "apply", actor=_user(by), reason=reason,
            effective=day, check=check,
        )  # fmt: skip
    _show_event(obj, event, as_json)


@sme_group.command("review")
@click.argument("enterprise")
@_province_option
@click.option("--pass", "passed", flag_value=True, default=None, help="审核通过.")
@click.option(
    "--reject", "passed", flag_value=False, help="审核不通过 (needs --reason)."
)
@click.option("--reviewer", required=True, help="The reviewer's name (审核人).")
@click.option("--date", "when", default=None, help="Effective date (default today).")
@click.option("--reason", default=None, help="Why (required to reject).")
@_check_options
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@click.pass_obj
def sme_review(
    obj: Context,
    enterprise: str,
    province: str,
    passed: bool | None,
    reviewer: str,
    when: str | None,
    reason: str | None,
    declarations: Path | None,
    dense_industries: Path | None,
    detect_abnormal: bool,
    as_json: bool,
) -> None:
    """审核: pass or reject an application; the check is run again and kept with the
    decision. Passing an enterprise the check finds not eligible needs --reason.

    \b
    Example:
      patnav sme review 宜昌市统领家私有限公司 --province 湖北省 --pass --reviewer 张三
      patnav sme review 神达公司 --province 湖北省 --reject --reviewer 张三 --reason 过期
    """
    if passed is None:
        raise InvalidParameterError(
            "请给出审核结论：--pass（通过）或 --reject（不通过）。"
        )
    day = _effective(when)
    with PatentStore.open(obj.settings.store) as store:
        check = _enterprise_check(
            store, province, enterprise, declarations, dense_industries,
            detect_abnormal, day,
        )  # fmt: skip
        event = record(
            store, province, enterprise, "review_pass" if passed else "review_reject",
            actor=reviewer, reason=reason, effective=day, check=check,
        )  # fmt: skip
    _show_event(obj, event, as_json)


def _transition_command(action: str, title: str, example: str) -> None:
    @sme_group.command(action, help=f"{title}\n\n\b\nExample:\n  {example}")
    @click.argument("enterprise")
    @_province_option
    @click.option("--by", default=None, help="Who records it (default $PATNAV_USER).")
    @click.option(
        "--date", "when", default=None, help="Effective date (default today)."
    )
    @click.option(
        "--reason",
        default=None,
        help="Why" + (" (required)." if action == "remove" else "."),
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
    @click.pass_obj
    def command(
        obj: Context,
        enterprise: str,
        province: str,
        by: str | None,
        when: str | None,
        reason: str | None,
        as_json: bool,
    ) -> None:
        with PatentStore.open(obj.settings.store) as store:
            event = record(
                store, province, enterprise, action, actor=_user(by), reason=reason,
                effective=_effective(when),
            )  # fmt: skip
        _show_event(obj, event, as_json)


_transition_command(
    "admit",
    "入库: admit an enterprise whose application passed review.",
    "patnav sme admit 宜昌市统领家私有限公司 --province 湖北省 --date 2024-07-01",
)
_transition_command(
    "cultivate",
    "培育: an admitted enterprise enters cultivation.",
    "patnav sme cultivate 宜昌市统领家私有限公司 --province 湖北省",
)
_transition_command(
    "graduate",
    "出库: an enterprise in the library graduates (counts for the replenishment quota).",
    "patnav sme graduate 宜昌市统领家私有限公司 --province 湖北省 --reason 已上市",
)
_transition_command(
    "remove",
    "退库: an enterprise leaves the library (a rule's proposal, or another reason).",
    "patnav sme remove 宜昌勤业空调有限公司 --province 湖北省 --reason 两年无实质性进展",
)


@sme_group.command("declare")
@click.argument("enterprise")
@_province_option
@click.option("--progress", "kind", flag_value="progress", default=None,
              help="Record substantive progress the enterprise declared.")  # fmt: skip
@click.option("--incident", "kind", flag_value="incident",
              help="Record a major accident, violation or serious dishonesty.")  # fmt: skip
@click.option("--reason", required=True, help="What it is (and its evidence).")
@click.option("--by", default=None, help="Who records it (default $PATNAV_USER).")
@click.option("--date", "when", default=None, help="Effective date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@click.pass_obj
def sme_declare(
    obj: Context,
    enterprise: str,
    province: str,
    kind: str | None,
    reason: str,
    by: str | None,
    when: str | None,
    as_json: bool,
) -> None:
    """Record, for an enterprise in the library, declared progress (rule a) or a
    criterion-10 incident (rule b); no state changes.

    \b
    Example:
      patnav sme declare 宜昌市统领家私有限公司 --province 湖北省 --progress --reason 新产品量产
    """
    if kind is None:
        raise InvalidParameterError(
            "请给出 --progress（进展）或 --incident（事故等）。"
        )
    with PatentStore.open(obj.settings.store) as store:
        event = record(
            store, province, enterprise, kind, actor=_user(by), reason=reason,
            effective=_effective(when),
        )  # fmt: skip
    _show_event(obj, event, as_json)


@sme_group.command("status")
@click.argument("enterprise")
@_province_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_obj
def sme_status(obj: Context, enterprise: str, province: str, as_json: bool) -> None:
    """An enterprise's state in the library and every transition, with dates,
    reviewers and reasons.

    \b
    Example:
      patnav sme status 宜昌市统领家私有限公司 --province 湖北省
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        status = library_status(store, province, enterprise)
    if as_json:
        echo_json(status.to_dict())
        return
    data = status.to_dict()
    click.echo(
        f"{status.name}（{status.enterprise_id}）在{status.province}培育库：{data['state_label']}"
    )
    rows = [
        (
            e.effective_date.isoformat(),
            e.action_label,
            e.actor,
            e.reason or "-",
            e.check["verdict_label"] if e.check else "-",
            e.recorded_at.isoformat(timespec="seconds"),
        )
        for e in status.events
    ]
    if rows:
        click.echo(
            table(
                ["生效日期", "事项", "经办/审核", "理由", "核查结论", "登记时间"], rows
            )
        )
    click.echo(f"下一步：{data['next']}")


def _write_frames(out: Path, frames: dict[str, pd.DataFrame]) -> None:
    suffix = out.suffix.lower()
    try:
        if suffix == ".xlsx":
            with pd.ExcelWriter(out) as writer:
                for sheet, frame in frames.items():
                    frame.to_excel(writer, sheet_name=sheet, index=False)
        elif suffix == ".csv":
            next(iter(frames.values())).to_csv(out, index=False, encoding="utf-8-sig")
        else:
            raise InvalidParameterError(
                f"--out 应为 .xlsx 或 .csv 文件，实为 {out.name}。"
            )
    except OSError as exc:
        raise InputError(f"Cannot write {out}: {exc.strerror}.") from exc


_OUT = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write it to .xlsx or .csv.",
)


@sme_group.command("list")
@_province_option
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(list(STATE_ZH)),
    help="Only enterprises in this state (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
@_OUT
@click.pass_obj
def sme_list(
    obj: Context,
    province: str,
    states: tuple[str, ...],
    as_json: bool,
    out: Path | None,
) -> None:
    """The province's library: every enterprise that applied, by state.

    \b
    Example:
      patnav sme list --province 湖北省 --state admitted --state cultivating
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        library = list_library(store, province, states=states or None)
    if out is not None:
        _write_frames(out, {"培育库": library.to_frame()})
    if as_json:
        echo_json(library.to_dict())
        return
    rows = [
        (
            e.name,
            e.state_label,
            str(e.applied_on or "-"),
            str(e.admitted_on or "-"),
            str(e.left_on or "-"),
        )
        for e in library.entries
    ]
    click.echo(table(["企业", "状态", "申报", "入库", "出库/退库"], rows))
    counts = "，".join(
        f"{STATE_ZH[s]} {n} 家" for s, n in library.counts().items() if n
    )
    click.echo(f"{library.province}培育库：{counts or '无记录'}")


def _rules(
    store: PatentStore,
    province: str,
    as_of: str | None,
    thresholds: Path | None,
    initial_until: str | None,
    detect_abnormal: bool,
) -> LibraryRules:
    flags, unchecked = abnormal_flags(store) if detect_abnormal else (None, set())
    return library_rules(
        store,
        province,
        as_of=_day(as_of),
        thresholds=RuleThresholds.load(thresholds),
        abnormal=flags,
        abnormal_unchecked=unchecked,
        initial_until=_day(initial_until),
    )


_RULE_OPTIONS = (
    click.option("--as-of", default=None, help="Judge on this day (default today)."),
    click.option(
        "--thresholds",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="A YAML over the shipped models/sme/library_rules.yaml.",
    ),
    click.option(
        "--initial-until",
        default=None,
        help="Last day of the initial intake (default: the first admission's day).",
    ),
    click.option(
        "--abnormal/--no-abnormal",
        "detect_abnormal",
        default=True,
        show_default=True,
        help="Run the abnormal-filing detector for rule (b).",
    ),
)


def _rule_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_RULE_OPTIONS):
        f = option(f)
    return f


@sme_group.command("rules")
@_province_option
@_rule_options
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@_OUT
@click.pass_obj
def sme_rules(
    obj: Context,
    province: str,
    as_of: str | None,
    thresholds: Path | None,
    initial_until: str | None,
    detect_abnormal: bool,
    as_json: bool,
    out: Path | None,
) -> None:
    """The dynamic-adjustment rules as checks: (a) two years in the library without
    substantive progress, (b) a criterion-10 event — each proposes 退库 —, and (c) the
    replenishment quota (twice the graduates). Rules propose; apply with sme remove.

    \b
    Example:
      patnav sme rules --province 湖北省 --as-of 2024-06-30 --json
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = _rules(
            store, province, as_of, thresholds, initial_until, detect_abnormal
        )
    if out is not None:
        _write_frames(out, {"动态调整": result.to_frame()})
    if as_json:
        echo_json(result.to_dict())
        return
    rows = [
        (c.name, RULE_ZH[c.rule], RULE_RESULT_ZH[c.result], c.reason)
        for c in result.checks
    ]
    if rows:
        click.echo(table(["企业", "规则", "结果", "说明"], rows))
    click.echo(
        f"{result.province}培育库，判断日 {result.as_of}："
        f"建议退库 {len({c.enterprise_id for c in result.proposals})} 家"
    )
    click.echo(f"补充入库：{result.replenishment.text()}")
    for n in result.notes:
        click.echo(f"注：{n}")


@sme_group.command("banks")
@_province_option
@click.option(
    "--value-use",
    default="pledge",
    show_default=True,
    help="Which value scores to show (patnav value score --use).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@_OUT
@click.pass_obj
def sme_banks(
    obj: Context, province: str, value_use: str, as_json: bool, out: Path | None
) -> None:
    """The list for banks: enterprises in the library with their patents in force,
    pledges registered and value scores (unknown where the store has none).

    \b
    Example:
      patnav sme banks --province 湖北省 --out 银行推荐名单.xlsx
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = bank_list(store, province, value_use=value_use)
    if out is not None:
        _write_frames(out, {"银行推荐名单": result.to_frame()})
    if as_json:
        echo_json(result.to_dict())
        return
    rows = [
        (
            e.name,
            STATE_ZH[e.state],
            f"发明 {e.in_force['invention']} / 实用新型 {e.in_force['utility_model']}"
            f" / 外观 {e.in_force['design']}",
            "未知" if e.pledges is None else str(e.pledges),
            "未评估" if e.value_mean is None else f"{e.value_mean}",
        )
        for e in result.entries
    ]
    click.echo(table(["企业", "状态", "有效专利", "质押登记", "价值评分均值"], rows))
    for n in result.notes:
        click.echo(f"注：{n}")


@sme_group.command("policies")
@_province_option
@click.option(
    "--policies",
    "policies_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The policy items (YAML; format in docs/sme.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@_OUT
@click.pass_obj
def sme_policies(
    obj: Context,
    province: str,
    policies_file: Path,
    as_json: bool,
    out: Path | None,
) -> None:
    """政策匹配: every enterprise in the library against every policy item — matched,
    not matched, or unknown with the missing input. The ten criteria are those of each
    enterprise's last application or review.

    \b
    Example:
      patnav sme policies --province 湖北省 --policies 政策条目.yaml --out 政策匹配.xlsx
    """
    policies = read_policies(policies_file)
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = match_policies(store, province, policies)
    if out is not None:
        _write_frames(out, {"政策匹配": result.to_frame()})
    if as_json:
        echo_json(result.to_dict())
        return
    rows = [
        (
            m.name,
            m.policy,
            MATCH_ZH[m.result],
            "；".join(m.failed + m.missing) or "-",
        )
        for m in result.matches
    ]
    click.echo(table(["企业", "政策", "结果", "不符合/待补充"], rows))
    for n in result.notes:
        click.echo(f"注：{n}")


@sme_group.command("export")
@_province_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook (.xlsx): library, transitions, rules, bank list, policies.",
)
@click.option(
    "--policies",
    "policies_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Add the 政策匹配 sheet for these policy items.",
)
@_rule_options
@click.pass_obj
def sme_export(
    obj: Context,
    province: str,
    out: Path,
    policies_file: Path | None,
    as_of: str | None,
    thresholds: Path | None,
    initial_until: str | None,
    detect_abnormal: bool,
) -> None:
    """Export the library to one workbook: 培育库, 流转记录, 动态调整, 银行推荐名单 and,
    with --policies, 政策匹配.

    \b
    Example:
      patnav sme export --province 湖北省 --out 培育库.xlsx --policies 政策条目.yaml
    """
    if out.suffix.lower() != ".xlsx":
        raise InvalidParameterError(f"--out 应为 .xlsx 文件，实为 {out.name}。")
    policies = read_policies(policies_file) if policies_file else None
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        frames = library_frames(
            store,
            province,
            rules=_rules(
                store, province, as_of, thresholds, initial_until, detect_abnormal
            ),
            policies=policies,
        )
    _write_frames(out, frames)
    click.echo(f"已写入 {out}（{'、'.join(frames)}）")
