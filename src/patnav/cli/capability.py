"""Capability commands: ``patnav capability [show NAME]`` (the enterprise innovation
capability index) and ``patnav highvalue`` (每万人口高价值发明专利拥有量)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table
from patnav.errors import InputError
from patnav.i18n import Catalogue, Pair
from patnav.models.capability import (
    CapabilityModel,
    CapabilityRanking,
    EnterpriseCapability,
)
from patnav.models.high_value import (
    HighValueIndicator,
    high_value_patents,
    read_number_list,
    read_population,
)

_TEXT: dict[str, Pair] = {
    "total": (
        "共 {total} 家{subject}，显示 {shown} 家；{notes}",
        "{total} {subject}, {shown} shown; {notes}",
    ),
    "missing": ("缺失：{items}", "missing: {items}"),
    "none": ("无", "none"),
    "written": ("已写入 {path}", "written to {path}"),
    "head": (
        "{name}（{region}，行业 {industry}，{basis}）\n"
        "创新能力指数 {index}（同地区同行业 {peers} 家中第 {rank} 名），指标覆盖 {coverage}",
        "{name} ({region}, industry {industry}, {basis})\n"
        "capability index {index} (rank {rank} of {peers} peers), coverage {coverage}",
    ),
    "head_unranked": (
        "{name}（{region}，行业 {industry}，{basis}）\n"
        "创新能力指数 {index}（行业未知，没有可比的同组，不排名），指标覆盖 {coverage}",
        "{name} ({region}, industry {industry}, {basis})\n"
        "capability index {index} (industry unknown: no peers, not ranked), "
        "coverage {coverage}",
    ),
    "hv_total": (
        "在效国内发明专利 {in_force} 件，其中高价值 {hv} 件{bound}",
        "{in_force} domestic invention patents in force, {hv} high-value{bound}",
    ),
    "lower_bound": (
        "（有不可评估的标准，为下限）",
        " (a lower bound: criteria not evaluable)",
    ),
    "criterion": ("  {label}：{status}{detail}", "  {label}: {status}{detail}"),
}
TEXT = Catalogue("patnav.cli.capability.TEXT", _TEXT)
"""The messages of the capability commands."""

HEADS = Catalogue(
    "patnav.cli.capability.HEADS",
    {
        "rank": ("序号", "#"),
        "name": ("企业", "enterprise"),
        "region": ("地区", "region"),
        "industry": ("行业", "industry"),
        "index": ("指数", "index"),
        "peer_rank": ("同组排名", "peer rank"),
        "coverage": ("覆盖", "coverage"),
        "missing": ("缺失指标", "missing"),
        "indicator": ("指标", "indicator"),
        "value": ("数值", "value"),
        "pct": ("同组百分位", "percentile"),
        "weight": ("权重", "weight"),
        "peers": ("有值同组数", "peers known"),
        "reason": ("缺失原因", "why missing"),
        "in_force": ("在效发明", "in force"),
        "high_value": ("高价值", "high-value"),
        "population": ("人口（万人）", "population (10k)"),
        "per_10k": ("每万人口", "per 10k people"),
    },
)


def _h(keys: str, lang: str) -> list[str]:
    return [HEADS.text(k, lang) for k in keys.split()]


def _write(out: Path, data: dict[str, Any], frame: Any, lang: str) -> None:
    """``out`` as JSON (.json) or CSV (anything else, UTF-8 with BOM for Excel)."""
    try:
        if out.suffix.lower() == ".json":
            out.write_text(
                json.dumps(data, ensure_ascii=False, indent=2, default=str),
                encoding="utf-8",
            )
        else:
            frame.to_csv(out, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"Cannot write {out}: {exc.strerror}.") from exc
    click.echo(TEXT.text("written", lang, path=out))


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _value(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    if key in (
        "invention_share",
        "grant_rate",
        "team_stability",
        "rd_intensity",
        "rd_staff_share",
    ):
        return f"{value:.1%}"
    if key == "growth":
        return f"{value:+.0%}"
    if key == "citations":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def _region(e: EnterpriseCapability) -> str:
    return "".join(p for p in (e.province, e.city) if p and p != e.province) or (
        e.province or "地区未知"
    )


def render_ranking(r: CapabilityRanking, lang: str) -> str:
    """A ranking as text."""
    none = TEXT.text("none", lang)
    rows = [
        (
            n,
            e.name,
            e.province or "-",
            e.industry or "-",
            _fmt(e.index),
            "-" if e.rank is None else f"{e.rank}/{e.peers}",
            _pct(e.coverage),
            ",".join(
                next(i.label for i in e.indicators if i.key == k) for k in e.missing
            )
            or none,
        )
        for n, e in enumerate(r.rows, start=1)
    ]
    text = table(
        _h("rank name region industry index peer_rank coverage missing", lang), rows
    )
    notes = "；".join(r.notes)
    return (
        text
        + "\n"
        + TEXT.text(
            "total",
            lang,
            total=r.total,
            subject="企业" if r.subject == "enterprise" else "申请人主体",
            shown=len(r.rows),
            notes=notes,
        )
    )


def render_capability(e: EnterpriseCapability, lang: str) -> str:
    """One enterprise's index explained, as text."""
    head = TEXT.text(
        "head" if e.rank is not None else "head_unranked",
        lang,
        name=e.name,
        region=_region(e),
        industry=e.industry or "-",
        basis={"industry_code": "企业库行业代码", "ipc_section": "主IPC部"}.get(
            e.industry_basis or "", "行业未知"
        ),
        index=_fmt(e.index),
        peers=e.peers,
        rank=e.rank if e.rank is not None else "-",
        coverage=_pct(e.coverage),
    )
    rows = [
        (
            i.label,
            _value(i.key, i.value),
            _fmt(i.percentile),
            f"{i.weight:g}",
            i.peers_known,
            i.reason or "",
        )
        for i in e.indicators
    ]
    return (
        head + "\n" + table(_h("indicator value pct weight peers reason", lang), rows)
    )


@cli.group("capability", invoke_without_command=True)
@click.option("--region", default=None, help="Only this province (or its start: 安徽).")
@click.option(
    "--industry",
    default=None,
    help="Only this peer industry: a GB/T 4754 section or division (C, C39), or the "
    "main IPC section for applicants without a register (G).",
)
@click.option("--top", default=20, show_default=True, help="Enterprises to show.")
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A weights file (YAML) replacing the shipped capability_weights.yaml.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the ranking to FILE (.csv, or .json).",
)
@lang_option
@click.pass_context
def capability_group(
    ctx: click.Context,
    region: str | None,
    industry: str | None,
    top: int,
    weights: Path | None,
    as_json: bool,
    out: Path | None,
) -> None:
    """Enterprise innovation capability (企业创新能力指数): enterprises ranked by a composite
    index of percentiles among peers of the same province and industry, with what was
    missing.

    Register enterprises when the store holds a register, else company applicants.

    \b
    Example:
      patnav capability --region 安徽 --top 10
      patnav capability show 科大讯飞股份有限公司
    """
    if ctx.invoked_subcommand is not None:
        ctx.ensure_object(Context)
        ctx.meta["capability_weights"] = weights
        return
    obj: Context = ctx.obj
    with obj.existing_store(read_only=True) as store:
        model = CapabilityModel(weights=weights).fit(store)
    ranking = model.rank(region=region, industry=industry, top=top)
    if out is not None:
        _write(out, ranking.to_dict(), ranking.to_frame(), obj.lang)
    if as_json:
        echo_json(ranking.to_dict())
        return
    click.echo(render_ranking(ranking, obj.lang))


@capability_group.command("show")
@click.argument("who")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_context
def capability_show(ctx: click.Context, who: str, as_json: bool) -> None:
    """Explain one enterprise's capability index: each indicator's value, percentile among
    peers, weight, and why a missing one is missing. WHO is a name, a unique part of one,
    or a 统一社会信用代码.

    \b
    Example:
      patnav capability show 91340100711771143J --json
    """
    obj: Context = ctx.obj
    with obj.existing_store(read_only=True) as store:
        model = CapabilityModel(weights=ctx.meta.get("capability_weights")).fit(store)
    explained = model.explain(who)
    if as_json:
        echo_json(
            {
                **explained.to_dict(),
                "weights": model.weights_.to_dict(),
                "cutoff": model.cutoff_,
                "recent": model.recent_,
                "previous": model.previous_,
            }
        )
        return
    click.echo(render_capability(explained, obj.lang))


def render_high_value(hv: HighValueIndicator, lang: str) -> str:
    """The indicator per region as text, criteria first."""
    lines = [
        TEXT.text(
            "hv_total",
            lang,
            in_force=hv.in_force,
            hv=hv.high_value,
            bound=TEXT.text("lower_bound", lang) if hv.not_evaluable else "",
        )
    ]
    for c in hv.criteria:
        if lang == "zh":
            status = "可评估" if c.evaluable else "不可评估"
            detail = f" {c.met} 件" if c.evaluable else f"（{c.reason}）"
        else:
            status = "evaluable" if c.evaluable else "not evaluable"
            detail = f" {c.met}" if c.evaluable else f" ({c.reason})"
        lines.append(
            TEXT.text("criterion", lang, label=c.label, status=status, detail=detail)
        )
    rows = [
        (
            r.region,
            r.in_force,
            r.high_value,
            _fmt(r.population_wan),
            "-" if r.per_10k is None else f"{r.per_10k:.3f}",
        )
        for r in hv.regions
    ]
    lines.append(table(_h("region in_force high_value population per_10k", lang), rows))
    lines.extend(hv.notes)
    return "\n".join(lines)


@cli.command("highvalue")
@click.option(
    "--population",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV region,population (in 万人); required for the per-10,000 ratio, "
    "without it counts only.",
)
@click.option(
    "--awards",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Patent numbers with a national science award or China Patent Award "
    "(one a line, or a CSV's first column).",
)
@click.option(
    "--pledges",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Patent numbers pledged for at least 10 million CNY (the data give no amounts).",
)
@click.option(
    "--level",
    type=click.Choice(["province", "city"]),
    default="province",
    show_default=True,
    help="Count per province or per city.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the table to FILE (.csv, or .json).",
)
@lang_option
@click.pass_obj
def highvalue_command(
    obj: Context,
    population: Path | None,
    awards: Path | None,
    pledges: Path | None,
    level: str,
    as_json: bool,
    out: Path | None,
) -> None:
    """每万人口高价值发明专利拥有量: domestic invention patents in force meeting any of
    CNIPA's criteria, per region; criteria without data are reported as 不可评估.

    \b
    Example:
      patnav highvalue --population 人口.csv --awards 中国专利奖.csv --level city
    """
    pop = read_population(population) if population is not None else None
    award_list = read_number_list(awards, "award list") if awards is not None else None
    pledge_list = (
        read_number_list(pledges, "pledge list") if pledges is not None else None
    )
    with obj.existing_store(read_only=True) as store:
        hv = high_value_patents(
            store, level=level, population=pop, awards=award_list, pledges=pledge_list
        )
    if out is not None:
        _write(out, hv.to_dict(), hv.to_frame(), obj.lang)
    if as_json:
        echo_json(hv.to_dict())
        return
    click.echo(render_high_value(hv, obj.lang))
