"""``patnav barrier``: the patents that form a barrier in target countries (专利壁垒预警)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from patnav.analyses.barrier import STATUS_ZH, BarrierView, country_barrier
from patnav.cli import Context, cli
from patnav.cli.render import table
from patnav.cli.report import report_formats, report_out_options
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore


@cli.command("barrier")
@click.option(
    "--query",
    default=None,
    help="The product area as an expert query (检索式), e.g. 'TIAB=(激光雷达 OR lidar)'.",
)
@click.option(
    "--ipc", "ipc", multiple=True, help="An IPC class of the area (repeatable)."
)
@click.option(
    "--set", "patent_set", default=None, help="A saved patent set's name as the area."
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    required=True,
    help="A target country, ISO code (repeatable: --country US --country CN).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="The day rights are judged at, YYYY-MM-DD (default: today).",
)
@click.option(
    "--top",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Owners, families and strongest claims listed per country.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the view as JSON.")
@report_out_options("专利壁垒预警报告")
@click.pass_obj
def barrier_command(
    obj: Context,
    query: str | None,
    ipc: tuple[str, ...],
    patent_set: str | None,
    countries: tuple[str, ...],
    as_of: str | None,
    top: int,
    as_json: bool,
    out: Path | None,
    formats: str,
) -> None:
    """Country barrier view (专利壁垒预警) of a product area.

    For the documents of the area (--query, --ipc, --set) and each target country at the
    date: the rights in force there (own status or a family member's), by owner, by
    year of expiry (known or estimated), by family, and those with the broadest first
    independent claim; pending rights listed apart as potential barriers, unknown
    statuses counted apart (never as free). A screening, not a legal opinion.

    \b
    Example:
      patnav barrier --query 'TIAB=(激光雷达 OR lidar)' --country US --country CN
      patnav barrier --ipc B60W --country CN --as-of 2025-06-30 --json
      patnav barrier --set 无人机 --country US --out reports/ --format docx,pdf
    """
    day = _day(as_of) or date.today()
    fmts = report_formats(formats) if out is not None else []
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        view = country_barrier(
            store,
            countries,
            day,
            query=query,
            ipc=ipc,
            patent_set=patent_set,
            top=top,
        )
        report = None
        if out is not None:
            from patnav.reports.barrier import barrier_report

            report = barrier_report(store, view)
    paths: list[str] = []
    if report is not None and out is not None:
        from patnav.reports import render_report

        paths = [str(render_report(report, f, out)) for f in fmts]
    if as_json:
        data = view.to_dict()
        if paths:
            data["files"] = paths
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(barrier_text(view))
    for p in paths:
        click.echo(f"已写出报告：{p}")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"--as-of 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


def _expiry(value: date | None, estimated: bool) -> str:
    if value is None:
        return "未知"
    return value.isoformat() + ("（估）" if estimated else "")


def barrier_text(view: BarrierView) -> str:
    """The Chinese text of a barrier view: per country the counts, the owners, the
    expiry years, the families, the strongest claims and the pending rights."""
    lines = [
        f"专利壁垒预警：{view.scope_label}；判断日 {view.as_of.isoformat()}；"
        f"检索文献 {view.documents} 篇",
    ]
    for c in view.countries:
        lines += [
            "",
            f"【{c.country_label}（{c.country}）】未进入该国 {c.not_in_country} 篇；"
            f"有效 {c.in_force} 件（{c.families} 个专利族），"
            f"{STATUS_ZH['pending']} {c.pending} 件"
            + (
                f"（其中 PCT 国际申请尚可进入该国 {c.pct_pending} 件）"
                if c.pct_pending
                else ""
            )
            + f"，状态未知 {c.unknown} 件（不视为失效），"
            f"已失效 {c.free} 件",
        ]
        if c.owners:
            lines.append(
                table(
                    [
                        "权利人",
                        "有效",
                        "审中",
                        "未知",
                        "有效占比",
                        "最早届满",
                        "最晚届满",
                    ],
                    [
                        [
                            o.owner,
                            o.in_force,
                            o.pending,
                            o.unknown,
                            "-" if o.share is None else f"{o.share:.1%}",
                            _expiry(o.earliest_expiry, o.expiry_estimated),
                            _expiry(o.latest_expiry, o.expiry_estimated),
                        ]
                        for o in c.owners
                    ],
                    max_width=30,
                )
            )
        if c.expiry or c.expiry_unknown:
            years = "；".join(
                f"{e.year}年 {e.known + e.estimated}"
                + (f"（估算 {e.estimated}）" if e.estimated else "")
                for e in c.expiry
            )
            lines.append(f"届满年份：{years or '-'}；届满日未知 {c.expiry_unknown} 件")
        if c.family_countries:
            lines.append(
                "有效专利族覆盖国家数："
                + "；".join(f"{k} 国 {n} 族" for k, n in c.family_countries)
            )
        if c.strongest:
            lines.append(
                f"保护范围较宽的有效专利（按第一项独立权利要求技术特征数；库中有文本 "
                f"{c.claims_known} 件）："
            )
            lines.append(
                table(
                    ["公开号", "特征数", "字符数", "价值评分", "第一项独立权利要求"],
                    [
                        [
                            k.pub_number,
                            k.elements,
                            k.characters,
                            "-" if k.value_score is None else f"{k.value_score:.1f}",
                            k.text,
                        ]
                        for k in c.strongest
                    ],
                    max_width=40,
                )
            )
        elif c.in_force:
            lines.append("有效专利在库中无权利要求文本，未比较保护范围。")
        pending = [r.pub_number for r in c.of("pending")]
        if pending:
            lines.append(f"{STATUS_ZH['pending']}：{'、'.join(pending[:30])}")
        unknown = [r.pub_number for r in c.of("unknown")]
        if unknown:
            lines.append(f"状态未知：{'、'.join(unknown[:30])}")
    lines += ["", "初步预警，不构成法律意见。"]
    return "\n".join(lines)
