"""``patnav agencies``: agency quality (代理机构质量) — volumes, fields and the outcomes of
the invention applications of each patent agency (or agent)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from patnav.analyses.agencies import ROLES_ZH, TYPES_ZH, AgencyQuality, agency_quality
from patnav.analyses.base import Scope
from patnav.cli import Context, cli
from patnav.cli.render import table
from patnav.cli.report import report_formats, report_out_options
from patnav.storage.store import PatentStore


def _abnormal(store: PatentStore, query: str | None) -> tuple[set[str], frozenset[str]]:
    """The applications the abnormal-filing detector flags (batch, split or recombined
    content) among the documents (of ``query``), and those it could not compare."""
    from patnav.models.abnormal import agency_flagged
    from patnav.search.api import matching_ids

    return agency_flagged(store, matching_ids(store, query) if query else None)


@cli.command("agencies")
@click.option(
    "--query",
    default=None,
    help="Narrow to the documents of an expert query (检索式) or a saved set, "
    "e.g. 'AGC=32243' or 'IPC=G06F'.",
)
@click.option(
    "--top",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Agencies (agents) listed.",
)
@click.option(
    "--min-units",
    "min_units",
    type=click.IntRange(1, None),
    default=5,
    show_default=True,
    help="Fewest applications an agency needs to be ranked (the others are counted).",
)
@click.option("--agent", is_flag=True, help="Rank agents (代理人) instead of agencies.")
@click.option(
    "--abnormal/--no-abnormal",
    default=True,
    show_default=True,
    help="Run the abnormal-filing detector over the documents and count each agency's "
    "flagged applications (--no-abnormal: that column stays unknown).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@report_out_options("代理机构质量报告")
@click.pass_obj
def agencies_command(
    obj: Context,
    query: str | None,
    top: int,
    min_units: int,
    agent: bool,
    abnormal: bool,
    as_json: bool,
    out: Path | None,
    formats: str,
) -> None:
    """Agency quality (代理机构质量) of the store or of a query's documents.

    Per agency (or agent, --agent): applications by year, type and IPC field, the
    grant, rejection and withdrawal rates over the DECIDED invention applications
    (pending and unknown statuses counted apart, never as not granted), claims per
    application and the share of unknown status.

    \b
    Example:
      patnav agencies --top 10
      patnav agencies --query 'IPC=G06F' --agent --json
      patnav agencies --out reports/ --format docx,pdf
    """
    fmts = report_formats(formats) if out is not None else []
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        scope = Scope.of_query(query, store=store) if query else None
        flagged, unchecked = (
            _abnormal(store, query) if abnormal else (None, frozenset[str]())
        )
        result = agency_quality(
            store,
            scope,
            top=top,
            role="agent" if agent else "agency",
            min_units=min_units,
            abnormal=flagged,
            abnormal_unchecked=unchecked,
        )
    paths: list[str] = []
    if out is not None:
        from patnav.reports import render_report
        from patnav.reports.agencies import agencies_report

        report = agencies_report(result)
        paths = [str(render_report(report, f, out)) for f in fmts]
    if as_json:
        data = result.to_dict()
        if paths:
            data["files"] = paths
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(agencies_text(result))
    for p in paths:
        click.echo(f"已写出报告：{p}")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def agencies_text(result: AgencyQuality) -> str:
    """The Chinese text of an agency-quality result."""
    who = ROLES_ZH.get(result.role, result.role)
    o = result.overall
    lines = [
        f"{who}质量：{result.scope}；{result.total:,} {result.unit_zh}，"
        f"载有{who} {result.with_party:,} 件，未载 {result.without_party:,} 件；"
        f"{who} {result.parties:,} 个，申请量不足 {result.min_units} 件未排名 "
        f"{result.below_minimum:,} 个",
        f"发明申请 {o.inventions:,} 件：授权 {o.granted:,}，驳回 {o.rejected:,}，"
        f"撤回 {o.withdrawn:,}，审中 {o.pending:,}，失效但结局未载明 {o.unclear:,}，"
        f"状态未知 {o.unknown:,}",
        result.denominator,
    ]
    if not result.rows:
        lines.append(f"没有申请量达到 {result.min_units} 件的{who}。")
        return "\n".join(lines)
    lines.append(
        table(
            [
                "排名",
                who,
                "申请量",
                "类型",
                "已审结发明",
                "授权率",
                "驳回率",
                "撤回率",
                "审中",
                "状态未知",
                "权利要求均值",
                "非正常申请",
            ],
            [
                [
                    r.rank,
                    r.name if r.agency is None else f"{r.name}（{r.agency}）",
                    r.units,
                    "、".join(f"{TYPES_ZH.get(t, t)}{n}" for t, n in r.by_type),
                    r.outcomes.decided,
                    _pct(r.outcomes.grant_rate),
                    _pct(r.outcomes.rejection_rate),
                    _pct(r.outcomes.withdrawal_rate),
                    r.outcomes.pending,
                    r.status_unknown,
                    "-" if r.claims_mean is None else f"{r.claims_mean:.1f}",
                    "未知" if r.abnormal is None else r.abnormal,
                ]
                for r in result.rows
            ],
            max_width=30,
        )
    )
    lines.append("“-”：无已审结发明申请或无权利要求数；" + "；".join(result.notes))
    return "\n".join(lines)
