"""Value commands: ``value score`` fills ``value_scores``, ``value show`` explains one
patent, ``value export`` writes the scores as CSV for Excel."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click

from patnav.cli import Context, cli, lang_option
from patnav.cli.render import table
from patnav.errors import StoreError
from patnav.models.value import (
    DEFAULT_USE,
    DIMENSION_LABELS,
    USE_LABELS,
    USES,
    ValueExplanation,
    explain,
    has_scores,
    read_scores,
    score_store,
)
from patnav.models.value.indicators import DIRECTION_LABELS
from patnav.storage.store import PatentStore

_WEIGHTS_HELP = (
    "A weights file (YAML, the structure of the shipped weights.yaml) replacing the "
    "default weights and grade cut points."
)


@cli.group("value")
def value_group() -> None:
    """Patent value on the GB/T 42748 indicator tree (法律/技术/经济), per use.

    \b
    Example:
      patnav value score
      patnav value show CN114399933A --use pledge
    """


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@value_group.command("score")
@click.option(
    "--use",
    "uses",
    multiple=True,
    type=click.Choice(USES),
    help="A use to score (repeatable; default: every use of the weights).",
)
@click.option(
    "--weights", type=click.Path(dir_okay=False, path_type=Path), help=_WEIGHTS_HELP
)
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@lang_option
@click.pass_obj
def score_command(
    obj: Context, uses: tuple[str, ...], weights: Path | None, as_json: bool
) -> None:
    """Score every patent of the store and replace the value_scores table.

    Prints the documents per grade and use, the mean coverage (the share of the weight
    whose inputs were known) and the time taken.

    \b
    Example:
      patnav value score --use pledge --use management
    """
    with PatentStore.open(obj.settings.store) as store:
        run = score_store(store, uses=uses or None, weights=weights)
    if as_json:
        click.echo(json.dumps(run.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"已评分 {run.documents:,} 件文献（{run.cohorts} 个对比组），模型 {run.model}，"
        f"用时 {run.seconds:.1f} 秒。"
    )
    rows = []
    for use in run.uses:
        grades = run.grades[use]
        cov = run.coverage[use]
        rows.append(
            [
                f"{USE_LABELS[use]}（{use}）",
                *(f"{grades.get(g, 0):,}" for g in "ABCDE"),
                f"{grades.get('', 0):,}",
                "-" if cov is None else f"{cov:.0%}",
            ]
        )
    headers = ["用途", "A", "B", "C", "D", "E", "未评分", "平均覆盖率"]
    click.echo(table(headers, rows))


@value_group.command("show")
@click.argument("number")
@click.option(
    "--use",
    type=click.Choice(USES),
    default=DEFAULT_USE,
    show_default=True,
    help="The use whose weights apply.",
)
@click.option(
    "--weights", type=click.Path(dir_okay=False, path_type=Path), help=_WEIGHTS_HELP
)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@lang_option
@click.pass_obj
def show_command(
    obj: Context, number: str, use: str, weights: Path | None, as_json: bool
) -> None:
    """Explain one patent's value score: every indicator's value, cohort percentile and
    weight, the dimension scores, what was missing, the grade and its cut points.

    \b
    Example:
      patnav value show CN114399933A --use pledge --json
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = explain(store, number, use=use, weights=weights)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(explanation_text(result))


def explanation_text(result: ValueExplanation) -> str:
    """The Chinese text of one explained score."""
    score = (
        "未评分（无任何指标数据）" if result.score is None else f"{result.score:.1f}"
    )
    cuts = "，".join(f"{g} ≥ {c:g}" for g, c in result.cut_points.items())
    lines = [
        f"{result.pub_number} 专利价值（{result.use_label}用途）：{score}"
        + (f"，等级 {result.grade}" if result.grade else ""),
        f"等级分界：{cuts}，其下为 E",
        "维度得分："
        + "，".join(
            f"{DIMENSION_LABELS[d]} {_num(v)}" for d, v in result.dimensions.items()
        ),
        f"数据覆盖率：{result.coverage:.0%}（已知指标权重占比）；对比组：{result.cohort}",
        "",
    ]
    rows = [
        [
            i.label_zh,
            DIMENSION_LABELS[i.dimension],
            "缺失" if i.value is None else f"{i.value:g}",
            _num(i.percentile),
            f"{i.weight:g}",
            DIRECTION_LABELS[i.direction],
        ]
        for i in result.indicators
        if i.weight > 0
    ]
    lines.append(table(["指标", "维度", "取值", "百分位", "权重", "方向"], rows))
    if result.missing:
        labels = {i.name: i.label_zh for i in result.indicators}
        lines.append("")
        lines.append("缺少数据的指标：" + "、".join(labels[m] for m in result.missing))
    lines.append(f"模型：{result.model}")
    return "\n".join(lines)


@value_group.command("export")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The CSV file to write (UTF-8 with BOM, for Excel).",
)
@click.option(
    "--use",
    type=click.Choice(USES),
    default=DEFAULT_USE,
    show_default=True,
    help="The use whose scores to write.",
)
@lang_option
@click.pass_obj
def export_command(obj: Context, out: Path, use: str) -> None:
    """Write the stored scores: pub_number, score, grade, legal, technical, economic.

    A patent without a score has empty cells (unknown, not 0). Run 'patnav value score'
    first.

    \b
    Example:
      patnav value export --out 价值评分.csv --use pledge
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        if not has_scores(store, use):
            raise StoreError(
                f"库中还没有“{USE_LABELS[use]}”用途的价值评分：先运行 "
                f"patnav value score --use {use}。"
            )
        rows = read_scores(store, use=use).to_pylist()
    columns = ["pub_number", "score", "grade", "legal", "technical", "economic"]
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [
                    ""
                    if row[c] is None
                    else (
                        round(row[c], 2) if c not in ("pub_number", "grade") else row[c]
                    )
                    for c in columns
                ]
            )
    click.echo(f"已写出 {len(rows):,} 件专利的价值评分到 {out}。")
