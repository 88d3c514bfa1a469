"""Fee commands: ``fees due`` — the next annual or maintenance fee of one patent."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from patnav.cli import Context, cli, lang_option
from patnav.cli.labels import t
from patnav.cli.render import table
from patnav.errors import InvalidParameterError
from patnav.fees import (
    CnFeesDue,
    EpRenewalDue,
    UsFeesDue,
    fees_due,
    maintenance_due,
    parse_stages,
    renewal_due,
)

_TYPES = ("invention", "utility_model", "design")


@cli.group("fees")
def fees_group() -> None:
    """Annual and maintenance fees, grace and term by the fee-and-term engine.

    \b
    Example:
      patnav fees due --office CN --type invention --app-date 2015-03-10 --paid-through-year 5
    """


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"{option} 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


def _need(value: Any, option: str, office: str) -> Any:
    if value is None:
        raise InvalidParameterError(f"--office {office} 需要 {option}。")
    return value


@fees_group.command("due")
@click.option(
    "--office",
    type=click.Choice(["CN", "US", "EP"]),
    required=True,
    help="CN annual fees, US maintenance fees, or EP renewal fees to the EPO.",
)
@click.option(
    "--type",
    "patent_type",
    type=click.Choice(_TYPES),
    default=None,
    help="Patent type (CN: required; US: invention only).",
)
@click.option("--app-date", default=None, help="Filing date YYYY-MM-DD (CN, EP).")
@click.option(
    "--grant-date",
    default=None,
    help="Grant date YYYY-MM-DD (US: required; CN: checks the paid year, counts "
    "reductions; EP: where fees go).",
)
@click.option(
    "--paid-through-year",
    type=int,
    default=None,
    help="Last patent year whose fee is paid (CN, EP: required).",
)
@click.option(
    "--paid-stages",
    default=None,
    help="US stages already paid, e.g. 3.5,7.5 (default: none).",
)
@click.option(
    "--as-of", default=None, help="Day the status is for, YYYY-MM-DD (default: today)."
)
@click.option(
    "--paid-on",
    default=None,
    help="CN: price the late fee of paying the next fee on this day.",
)
@click.option(
    "--reduction",
    type=click.Choice(["85", "70"]),
    default=None,
    help="CN fee reduction (减缴) in percent, for an eligible patent.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@lang_option
@click.pass_obj
def due_command(
    obj: Context,
    office: str,
    patent_type: str | None,
    app_date: str | None,
    grant_date: str | None,
    paid_through_year: int | None,
    paid_stages: str | None,
    as_of: str | None,
    paid_on: str | None,
    reduction: str | None,
    as_json: bool,
) -> None:
    """Print the next fee of one patent: due date, amount, grace, status and term.

    CN: the fee of each patent year is due on the filing anniversary that starts it,
    with 6 months' grace (late fee 5 % per whole month beyond the first); unpaid, the
    patent terminates as of the due date. US: stages 3.5, 7.5 and 11.5 years after
    grant. EP: renewal years to the EPO while pending (no amounts). See docs/fees.md.

    \b
    Example:
      patnav fees due --office CN --type design --app-date 2016-02-29 --paid-through-year 4 --json
      patnav fees due --office US --grant-date 2019-01-01 --paid-stages 3.5 --json
    """
    office = office.upper()
    today = _day(as_of, "--as-of") or date.today()
    result: CnFeesDue | UsFeesDue | EpRenewalDue
    if office == "CN":
        result = fees_due(
            _need(patent_type, "--type", office),
            _need(_day(app_date, "--app-date"), "--app-date", office),
            _need(paid_through_year, "--paid-through-year", office),
            as_of=today,
            grant_date=_day(grant_date, "--grant-date"),
            paid_on=_day(paid_on, "--paid-on"),
            reduction=int(reduction) if reduction else None,
        )
    elif office == "US":
        if paid_on or reduction or paid_through_year is not None:
            raise InvalidParameterError(
                "--office US 不接受 --paid-on、--reduction、--paid-through-year；"
                "已缴阶段用 --paid-stages 给出，如 3.5,7.5。"
            )
        result = maintenance_due(
            _need(_day(grant_date, "--grant-date"), "--grant-date", office),
            parse_stages(paid_stages),
            as_of=today,
            patent_type=patent_type or "invention",
        )
    else:
        result = renewal_due(
            _need(_day(app_date, "--app-date"), "--app-date", office),
            _need(paid_through_year, "--paid-through-year", office),
            grant_date=_day(grant_date, "--grant-date"),
        )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_due(result, lang=obj.lang))


def _value(key: str, value: Any, lang: str) -> str:
    if value is None:
        return t("fees.none", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if key in ("status", "type", "payable_to"):
        return t(f"fees.{key}.{value}", lang)
    if key.endswith(("_cny", "_usd")):
        return f"{value:,}"
    if isinstance(value, list):
        return "；".join(map(str, value)) if value else t("fees.none", lang)
    return str(value)


_SHOWN = {
    "CN": (
        "type",
        "app_date",
        "grant_date",
        "paid_through_year",
        "as_of",
        "status",
        "next_year",
        "next_due",
        "fee_cny",
        "fee_full_cny",
        "reduction_percent",
        "grace_end",
        "paid_on",
        "late_fee_cny",
        "termination_date",
        "expiry",
        "years_maintained_at_as_of",
    ),
    "US": (
        "grant_date",
        "paid_stages",
        "as_of",
        "status",
        "next_stage",
        "window_opens",
        "due",
        "surcharge_grace_end",
        "expiry_if_unpaid",
        "termination_date",
        "fee_usd",
        "surcharge_usd",
    ),
    "EP": (
        "app_date",
        "grant_date",
        "paid_through_year",
        "next_year",
        "next_due",
        "grace_end",
        "payable_to",
        "fee_eur",
    ),
}


def render_due(
    result: CnFeesDue | UsFeesDue | EpRenewalDue, *, lang: str = "zh"
) -> str:
    """A fee result as a two-column table, then its legal sources."""
    data = result.to_dict()
    office = str(data["office"])
    rows = [
        (t(f"fees.{key}", lang), _value(key, data[key], lang))
        for key in _SHOWN[office]
        if key in data
    ]
    out = [
        t(f"fees.title.{office}", lang),
        table([t("fees.item", lang), t("fees.value", lang)], rows, align="ll"),
    ]
    if office == "EP":
        out.append(t("fees.ep_note", lang))
    out.append(t("fees.sources", lang))
    out.extend(f"  {s}" for s in data["sources"])
    return "\n".join(out)
