"""Pre-valuation commands: ``prevalue`` (checks, value range, pledge ratio and the
专利资产预评估报告 of a pledge portfolio) and ``prevalue whitelist``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from patnav.cli import Context, cli
from patnav.cli.render import table
from patnav.cli.report import report_formats, report_out_options
from patnav.errors import InvalidParameterError
from patnav.models.prevalue import LoanTerms, PreValuation, ValuationInputs, prevalue
from patnav.models.prevalue.checks import STATUS_ZH, TYPE_ZH
from patnav.models.prevalue.portfolio import (
    Borrower,
    Portfolio,
    from_enterprise,
    from_numbers,
    from_set,
    from_sheet,
    split_numbers,
)
from patnav.models.prevalue.valuation import load_defaults
from patnav.storage.store import PatentStore

_SHOWN = ("in_force", "remaining_term", "annuity", "owner", "pledge", "preservation")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"{option} 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


def _portfolio(
    store: PatentStore,
    numbers: str | None,
    set_name: str | None,
    sheet: Path | None,
    enterprise: str | None,
) -> tuple[Portfolio, Borrower | None]:
    given = [x for x in (numbers, set_name, sheet, enterprise) if x]
    if len(given) != 1:
        raise InvalidParameterError(
            "请给出且只给出一种评估对象：--numbers、--set、--sheet 或 --enterprise。"
        )
    if numbers:
        return from_numbers(store, split_numbers(numbers)), None
    if set_name:
        return from_set(store, set_name), None
    if sheet:
        return from_sheet(store, sheet), None
    assert enterprise is not None
    return from_enterprise(store, enterprise)


def render_prevalue(result: PreValuation) -> str:
    """A pre-valuation as text: the checks per patent, then the value and the ratio."""
    checks = result.checks
    val = result.valuation
    ratios = {r.doc_id: r for r in val.ratios}
    rows = []
    for p in checks.patents:
        if not p.found:
            rows.append((p.given, "库中无此专利", *("-" for _ in _SHOWN), "-", "-"))
            continue
        r = ratios[p.doc_id or ""]
        rows.append(
            (
                p.pub_number or p.given,
                TYPE_ZH.get(p.patent_type or "", "未知"),
                *(STATUS_ZH[p.check(k).status] for k in _SHOWN),
                p.grade_label,
                f"{r.low:.0%}–{r.high:.0%}",
            )
        )
    heads = ("公开号", "类型", "有效性", "剩余期限", "年费", "权利人", "质押", "保全")
    out = [
        f"专利资产预评估（非资产评估报告）：{checks.portfolio.label}",
        f"贷款：{checks.loan.start} 起 {checks.loan.term_months} 个月（至 {checks.loan.end}）"
        + (f"，借款人 {checks.borrower.name}" if checks.borrower else "，未给出借款人"),
        f"评估基准日（数据截止日）：{checks.data_cutoff or '未知'}。{checks.cutoff_note}",
        table((*heads, "价值等级", "质押率"), rows),
        "",
        f"价值区间：{_wan(val.value_low_wan)}–{_wan(val.value_high_wan)} 万元"
        f"（{val.value_basis}）",
        f"收益法：{val.income.note}",
        f"成本法：{val.cost.note}",
        f"市场法：{val.market.note}",
        f"建议质押率：{val.ratio_low:.0%}–{val.ratio_high:.0%}（{val.ratio_note}）",
    ]
    out += list(val.notes)
    out.append("逐项理由与依据：--json，或 --out DIR 生成报告。")
    return "\n".join(out)


def _wan(value: float | None) -> str:
    return "未计算" if value is None else f"{value:,.2f}"


@cli.group("prevalue", invoke_without_command=True)
@click.option(
    "--numbers",
    default=None,
    help="Patent numbers, comma separated (公开号 or 申请号).",
)
@click.option("--set", "set_name", default=None, help="A saved patent set.")
@click.option(
    "--sheet",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An .xlsx or .csv list with a number column (公开号, 申请号, 专利号 …).",
)
@click.option(
    "--enterprise",
    default=None,
    help="An enterprise by name or 统一社会信用代码: its patents, and it as the borrower.",
)
@click.option(
    "--borrower", default=None, help="The borrower's name or 统一社会信用代码."
)
@click.option(
    "--loan-start", default=None, help="Loan start YYYY-MM-DD (default: today)."
)
@click.option(
    "--term-months", type=int, default=12, show_default=True, help="Loan term."
)
@click.option("--amount", type=float, default=None, help="Loan amount, 万元.")
@click.option(
    "--revenue", type=float, default=None, help="Yearly revenue attributable, 万元."
)
@click.option(
    "--royalty-low", type=float, default=None, help="Royalty rate, low (0.01)."
)
@click.option("--royalty-high", type=float, default=None, help="Royalty rate, high.")
@click.option(
    "--discount-low", type=float, default=None, help="Discount rate, low (0.08)."
)
@click.option("--discount-high", type=float, default=None, help="Discount rate, high.")
@click.option("--life", type=float, default=None, help="Economic life in years.")
@click.option("--rd-cost", type=float, default=None, help="Stated R&D cost, 万元.")
@click.option(
    "--filing-cost", type=float, default=None, help="Stated filing cost, 万元."
)
@click.option(
    "--defaults",
    "defaults_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file replacing the default assumptions (see defaults.yaml).",
)
@click.option("--as-of", default=None, help="Count remaining terms from this day.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@report_out_options("专利资产预评估报告")
@click.pass_context
def prevalue_group(
    ctx: click.Context,
    numbers: str | None,
    set_name: str | None,
    sheet: Path | None,
    enterprise: str | None,
    borrower: str | None,
    loan_start: str | None,
    term_months: int,
    amount: float | None,
    revenue: float | None,
    royalty_low: float | None,
    royalty_high: float | None,
    discount_low: float | None,
    discount_high: float | None,
    life: float | None,
    rd_cost: float | None,
    filing_cost: float | None,
    defaults_file: Path | None,
    as_of: str | None,
    as_json: bool,
    out: Path | None,
    formats: str,
) -> None:
    """Pre-valuation (专利资产预评估) of a pledge portfolio for banks.

    Checks every patent (in force, remaining term against the loan, annuities, owner
    against the borrower, co-owners, pledges, licences, preservation, invalidation,
    litigation, type: pass / fail / unknown with evidence), values the portfolio as a
    range (income, cost, market approach; sensitivity) and suggests a pledge ratio. Not
    an appraisal opinion. See docs/prevalue.md.

    \b
    Example:
      patnav prevalue --numbers CN211259786U,CN111720612A --borrower 宜昌勤业空调有限公司 --json
      patnav prevalue --enterprise 宜昌勤业空调有限公司 --revenue 500 --out reports/
      patnav prevalue whitelist --region 湖北省 --out whitelist.csv
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    fmts = report_formats(formats)
    loan = LoanTerms(
        _day(loan_start, "--loan-start") or date.today(), term_months, borrower, amount
    ).validate()
    inputs = ValuationInputs(
        revenue,
        royalty_low,
        royalty_high,
        discount_low,
        discount_high,
        life,
        rd_cost,
        filing_cost,
    ).validate()
    defaults = load_defaults(defaults_file) if defaults_file else None
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        portfolio, owner = _portfolio(store, numbers, set_name, sheet, enterprise)
        if owner is not None and borrower is None:
            loan = LoanTerms(loan.start, loan.term_months, owner.name, loan.amount_wan)
        result = prevalue(
            store,
            portfolio,
            loan,
            inputs,
            borrower=owner if borrower is None else None,
            defaults=defaults,
            as_of=_day(as_of, "--as-of"),
        )
    paths: list[str] = []
    if out is not None:
        from patnav.reports import render_report
        from patnav.reports.prevalue import build_prevalue_report

        report = build_prevalue_report(result)
        paths = [str(render_report(report, f, out)) for f in fmts]
    if as_json:
        data = result.to_dict()
        if paths:
            data["files"] = paths
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(render_prevalue(result))
    for p in paths:
        click.echo(f"已写出报告：{p}")


@prevalue_group.command("whitelist")
@click.option(
    "--region", default=None, help="Province, city or district (湖北, 武汉市)."
)
@click.option(
    "--term-months", type=int, default=12, show_default=True, help="Loan term checked."
)
@click.option(
    "--min-inventions",
    type=int,
    default=1,
    show_default=True,
    help="Passing in-force invention patents a candidate needs.",
)
@click.option("--limit", type=int, default=None, help="Keep the first N candidates.")
@click.option("--as-of", default=None, help="Count remaining terms from this day.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the list to FILE.csv or FILE.xlsx (Chinese column names).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def whitelist_command(
    obj: Context,
    region: str | None,
    term_months: int,
    min_inventions: int,
    limit: int | None,
    as_of: str | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """质押融资授信白名单 candidates: enterprises whose patents pass the checks, ranked.

    Candidates come from the enterprise register and its links, else from the
    companies owning the patents (said so). Ranked by passing in-force invention
    patents, value grades A/B, passing patents and remaining term; each with its
    reasons and what was unknown.

    \b
    Example:
      patnav prevalue whitelist --region 湖北 --limit 50 --out whitelist.xlsx
    """
    from patnav.models.prevalue.whitelist import build_whitelist

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidParameterError(f"--out 应为 .csv 或 .xlsx 文件，实为 {out.name}。")
    if not 1 <= term_months <= 600:
        raise InvalidParameterError(
            f"贷款期限（月）应在 1–600 之间，实为 {term_months}。"
        )
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = build_whitelist(
            store,
            region=region,
            loan_months=term_months,
            min_inventions=min_inventions,
            limit=limit,
            as_of=_day(as_of, "--as-of"),
        )
    if out is not None:
        frame = result.to_frame()
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            frame.to_csv(out, index=False, encoding="utf-8-sig")
        else:
            frame.to_excel(out, index=False)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"质押融资授信白名单候选（{region or '全部地区'}）：{len(result.entries)} 家"
    )
    click.echo(result.note)
    rows = [
        (e.rank, e.name, e.region, e.inventions, e.passing, e.patents, e.graded_ab)
        for e in result.entries
    ]
    click.echo(table(("排名", "企业", "地区", "有效发明", "通过", "专利", "A/B"), rows))
    if out is not None:
        click.echo(f"已写出：{out}")
