"""``patnav fto``: screen a product against the claims in force in its target countries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from patnav.cli import Context, cli
from patnav.cli.render import table
from patnav.cli.report import report_formats, report_out_options
from patnav.errors import InvalidParameterError
from patnav.models.fto import (
    DISCLAIMER,
    RISK_ZH,
    VERDICT_ZH,
    FtoScreening,
    read_product,
    screen,
)
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore


@cli.command("fto")
@click.option(
    "--product",
    "product_arg",
    required=True,
    help="The product: a file (.txt .md .docx, or a .yaml/.json list of features) or "
    "the description itself, in Chinese or English.",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    required=True,
    help="A target country, ISO code (repeatable: --country CN --country US).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="The day rights are judged at, YYYY-MM-DD (default: today).",
)
@click.option(
    "--ipc", "ipc", multiple=True, help="Only documents in this IPC class (repeatable)."
)
@click.option(
    "--applicant",
    "applicants",
    multiple=True,
    help="Only documents of this applicant, e.g. a competitor (repeatable).",
)
@click.option(
    "--query",
    default=None,
    help="Only documents matching this expert query (检索式), e.g. 'AD>=2015'.",
)
@click.option(
    "--top",
    type=click.IntRange(1, 200),
    default=10,
    show_default=True,
    help="How many candidate patents to retrieve and chart.",
)
@click.option(
    "--lexical",
    is_flag=True,
    help="Compare by shared terms only: no semantic ranking or matching (faster; a "
    "product in another language than a claim is then 'unclear').",
)
@click.option("--json", "as_json", is_flag=True, help="Print the screening as JSON.")
@report_out_options("专利侵权风险排查（FTO）报告")
@click.pass_obj
def fto_command(
    obj: Context,
    product_arg: str,
    countries: tuple[str, ...],
    as_of: str | None,
    ipc: tuple[str, ...],
    applicants: tuple[str, ...],
    query: str | None,
    top: int,
    lexical: bool,
    as_json: bool,
    out: Path | None,
    formats: str,
) -> None:
    """FTO screening (侵权风险排查) of a product in its target countries.

    Finds the patents whose claims the product may fall under (full-text and semantic
    ranking over claims), places each in the target countries at the date (in force,
    pending = to watch, lapsed = free to use, unknown), charts every element of its
    independent claims against the product's features (all-elements rule) and gives a
    risk level with reasons. A screening, not a legal opinion.

    \b
    Example:
      patnav fto --product 产品说明.docx --country CN --country US --as-of 2025-06-30
      patnav fto --product "一种无人机，包括机架、四个旋翼和锂电池" --country CN --json
      patnav fto --product 产品说明.docx --country CN --out reports/ --format docx,pdf
    """
    day = _day(as_of)
    fmts = report_formats(formats)
    product = read_product(product_arg)
    with (
        PatentStore.open(obj.settings.store, read_only=True) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        result = screen(
            store,
            product,
            countries,
            day,
            top=top,
            ipc=ipc,
            applicants=applicants,
            query=query,
            index=index,
            semantic=not lexical,
            data_dir=obj.settings.data_dir,
        )
        report = None
        if out is not None:
            from patnav.reports.fto import fto_report

            report = fto_report(store, result, top=top)
    paths: list[str] = []
    if report is not None and out is not None:
        from patnav.reports import render_report

        paths = [str(render_report(report, f, out)) for f in fmts]
    if as_json:
        data = result.to_dict()
        if paths:
            data["files"] = paths
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(screening_text(result))
    for p in paths:
        click.echo(f"已写出报告：{p}")


SHOWN_LOW = 3
"""Charts printed for the first candidates even at low risk (their design-around room)."""


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"--as-of 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


_METHOD_ZH = {
    "hybrid": "全文检索与语义检索融合排序",
    "fulltext": "全文检索排序（无语义向量）",
    "lexical": "按分词后的共有词比对（无语义模型，跨语言特征无法判断）",
    "lexical+semantic": "分词共有词比对与多语种语义相似度结合",
}


def screening_text(result: FtoScreening) -> str:
    """The Chinese text of a screening: the candidate table, then the chart of every
    candidate not at low risk and of the first :data:`SHOWN_LOW` candidates."""
    lines = [
        f"侵权风险排查（FTO）：目标国 {'、'.join(result.countries)}，"
        f"判断日 {result.as_of.isoformat()}",
        f"产品特征 {len(result.product.features)} 项；候选检索："
        f"{_METHOD_ZH[result.retrieval.method]}；特征比对：{_METHOD_ZH[result.method]}",
    ]
    if result.retrieval.prefilter:
        lines.append(f"限定检索式：{result.retrieval.prefilter}")
    lines.append("")
    if not result.candidates:
        lines.append("未找到候选专利。")
    rows = []
    for c in result.candidates:
        best = c.chart.best
        rows.append(
            [
                c.candidate.pub_number or c.candidate.doc_id,
                c.candidate.title or "",
                c.status.label,
                "-" if best is None or best.num is None else best.num,
                "-" if best is None else VERDICT_ZH[best.verdict],
                RISK_ZH[c.risk],
            ]
        )
    if rows:
        lines.append(
            table(
                ["公开号", "名称", "状态", "权利要求", "全部技术特征", "风险"],
                rows,
                max_width=30,
            )
        )
    if result.term_unchecked:
        lines.append(
            f"注意：{len(result.term_unchecked)} 件有效候选专利库中无保护期限届满日（未运行 "
            "patnav enrich 或来源未载），“有效”仅依据授权，未按法定期限核对："
            + "、".join(result.term_unchecked)
        )
    for i, c in enumerate(result.candidates):
        best = c.chart.best
        if best is None or (c.risk == "low" and i >= SHOWN_LOW):
            continue
        lines += [
            "",
            f"{c.candidate.pub_number} 权利要求{best.num}（风险{RISK_ZH[c.risk]}）："
            + "；".join(c.reasons),
        ]
        lines.append(
            table(
                ["#", "技术特征", "对应产品特征", "相似度", "结论"],
                [
                    [
                        e.index,
                        e.text,
                        e.matched_feature or "-",
                        "-" if e.similarity is None else f"{e.similarity:.2f}",
                        VERDICT_ZH[e.verdict],
                    ]
                    for e in best.elements
                ],
                max_width=36,
            )
        )
    for status, title in (
        ("pending", "待关注（审中）"),
        ("free", "可自由使用（已失效）"),
    ):
        found = [
            c.candidate.pub_number or c.candidate.doc_id for c in result.of(status)
        ]
        if found:
            lines += ["", f"{title}：{'、'.join(found)}"]
    unknown = [
        c.candidate.pub_number or c.candidate.doc_id for c in result.of("unknown")
    ]
    if unknown:
        lines += ["", f"法律状态未知（未按失效处理）：{'、'.join(unknown)}"]
    lines += ["", DISCLAIMER]
    return "\n".join(lines)
