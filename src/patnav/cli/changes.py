"""``patnav changes``: what changed in a navigation spec's data since a cut-off (new
entrants, rank shifts, hot terms, chain positions), and its 专利导航动态更新报告."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from patnav.cli import Context, cli
from patnav.cli.report import report_formats
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore


def since_moment(text: str) -> datetime:
    """``--since``: a day (its midnight, UTC) or an ISO date and time (UTC unless it says
    its offset), as the naive UTC the store keeps.

    Raises:
        InvalidParameterError: not a date or a date and time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidParameterError(
            f"--since 应为日期 YYYY-MM-DD 或日期时间 YYYY-MM-DDTHH:MM:SS（UTC），实为 "
            f"{text!r}。--since must be a date or an ISO date and time (UTC)."
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@cli.command()
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--since",
    required=True,
    help="The cut-off: documents first imported before it are the old state "
    "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, UTC).",
)
@click.option(
    "--top", type=int, default=20, show_default=True, help="Top N of the entrants."
)
@click.option(
    "--threshold",
    type=float,
    default=0.02,
    show_default=True,
    help="A chain node is listed when its home share moved by at least this much.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the 专利导航动态更新报告 to this folder.",
)
@click.option(
    "--format",
    "formats",
    default="docx",
    show_default=True,
    help="Report formats with --out: docx, html, pdf (comma-separated).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The store file (overrides the global --store).",
)
@click.pass_obj
def changes(
    obj: Context,
    spec: Path,
    since: str,
    top: int,
    threshold: float,
    as_json: bool,
    out: Path | None,
    formats: str,
    store_path: Path | None,
) -> None:
    """What changed in a navigation spec's data since a cut-off (专利导航动态更新).

    The old state is the spec's documents first imported before --since, the new state
    every document of the spec now; the same analyses run on both (applicant ranking,
    regions, hot spots, chain positioning). Prints the totals (documents old/new, added),
    the new entrants, the rank shifts, the hot terms that entered or left and the chain
    nodes whose position changed; an analysis not run on a side is said, not zero.

    \b
    Example:
      patnav changes specs/taian-industry.yaml --since 2026-01-01
      patnav changes specs/taian-industry.yaml --since 2026-01-01T08:00:00 --json
      patnav changes specs/taian-industry.yaml --since 2026-01-01 --out reports/
    """
    from patnav.analyses.changes import compare_states, state_of
    from patnav.analyses.spec import load_spec

    cutoff = since_moment(since)
    fmts = report_formats(formats)
    nav = load_spec(spec)
    data_dir = obj.settings.data_dir
    with PatentStore.open(store_path or obj.settings.store, read_only=True) as store:
        old = state_of(store, nav, before=cutoff, data_dir=data_dir)
        new = state_of(store, nav, data_dir=data_dir)
    result = compare_states(
        old,
        new,
        title=nav.title,
        count_by=nav.count_by,
        top=top,
        share_threshold=threshold,
    )
    paths: list[Path] = []
    if out is not None:
        from patnav.reports import render_report
        from patnav.reports.changes import build_changes_report

        report = build_changes_report(result)
        paths = [render_report(report, f, out) for f in fmts]
    if as_json:
        click.echo(result.to_json())
        return
    click.echo(f"{result.title}：{result.old_scope} → {result.new_scope}")
    click.echo(
        f"文献 {result.old_documents:,} → {result.new_documents:,}"
        f"（新增 {result.added_documents:,}）；{result.unit_zh} "
        f"{result.old_units:,} → {result.new_units:,}（新增 {result.added_units:,}）"
    )
    if result.new_entrants is not None:
        names = "、".join(e.name for e in result.new_entrants) or "无"
        click.echo(f"进入前 {result.top} 名的申请人：{names}")
    if result.first_filers is not None:
        click.echo(f"首次出现的申请人：{len(result.first_filers):,} 位")
    if result.applicant_shifts is not None:
        click.echo(f"申请人排名变化：{len(result.applicant_shifts)} 位")
    if result.region_shifts is not None:
        click.echo(f"地域排名变化：{len(result.region_shifts)} 项")
    if result.terms_entered is not None and result.terms_left is not None:
        click.echo(
            f"热点词：新进入 {len(result.terms_entered)} 个，退出 {len(result.terms_left)} 个"
        )
    if result.chain_changes is not None:
        click.echo(f"产业链定位变化的节点：{len(result.chain_changes)} 个")
    for text in result.missing:
        click.echo(text)
    for path in paths:
        click.echo(str(path))
