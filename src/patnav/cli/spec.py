"""``patnav spec``: the navigation spec's technology breakdown (技术分解表) as the Excel
table analysts exchange, its live counts per node, and the quality of each node's search
strategy (查准率 from a judged sample, 查全率 on a verified-relevant set)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from patnav.cli import Context, cli, lang_option
from patnav.cli.render import table
from patnav.errors import InvalidParameterError
from patnav.i18n import say
from patnav.storage.store import PatentStore

_STORE = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The store file (overrides the global --store).",
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@cli.group("spec")
def spec_group() -> None:
    """Navigation specs (导航方案): the technology breakdown table (技术分解表) in and out
    of Excel, live counts per node, and search-strategy quality (查全率/查准率).

    \b
    Example:
      patnav spec from-breakdown 分解表.xlsx --out specs/光电子.yaml --province 湖北省
      patnav spec counts specs/drones-industry.yaml
      patnav spec sample specs/drones-industry.yaml --node 农业植保 --out 样本.xlsx
      patnav spec judge specs/drones-industry.yaml --node 农业植保 --judgements 样本.xlsx
    """


@spec_group.command("from-breakdown")
@click.argument(
    "table_file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The spec (YAML) to write.",
)
@click.option("--title", default=None, help="The spec's title (default: the table's).")
@click.option(
    "--type",
    "nav_type",
    type=click.Choice(
        ["region", "industry", "enterprise", "rnd", "talent", "fto", "micro"]
    ),
    default=None,
    help="The navigation type (default: the table's, else industry).",
)
@click.option("--country", default=None, help="Home country (ISO code, e.g. CN).")
@click.option("--province", default=None, help="Home province, e.g. 湖北省.")
@click.option("--city", default=None, help="Home city, e.g. 泰安市.")
@click.option("--force", is_flag=True, help="Overwrite --out when it exists.")
@lang_option
@click.pass_obj
def from_breakdown(
    obj: Context,
    table_file: Path,
    out: Path,
    title: str | None,
    nav_type: str | None,
    country: str | None,
    province: str | None,
    city: str | None,
    force: bool,
) -> None:
    """Make a navigation spec from a breakdown table (技术分解表, .xlsx).

    Levels in columns (一级分支, 二级分支 …; a blank or merged parent cell is the parent
    above), 中文关键词, 英文关键词, IPC, CPC, 检索式 (optional: built from the keywords
    and classes when empty), 备注. A 方案信息 sheet (键 | 值) may give the title, type,
    region and the other keys. The spec is validated before it is written; a bad row is
    reported with its sheet, row and column.

    \b
    Example:
      patnav spec from-breakdown 分解表.xlsx --out specs/光电子.yaml --province 湖北省
    """
    from patnav.analyses.breakdown import spec_from_breakdown

    if out.exists() and not force:
        raise InvalidParameterError(
            f"{out} 已存在；加 --force 覆盖。{out} exists: add --force to overwrite it."
        )
    overrides: dict[str, Any] = {"title": title, "type": nav_type}
    if country or province or city:
        overrides["region"] = {
            k: v
            for k, v in (("country", country), ("province", province), ("city", city))
            if v
        }
    nav, text = spec_from_breakdown(table_file, overrides=overrides, source=str(out))
    out.write_text(text, "utf-8")
    nodes = nav.walk()
    click.echo(
        say(
            obj.lang,
            f"已写入 {out}：{len(nodes)} 个技术环节（{len(nav.nodes)} 个一级分支），"
            "已通过校验。",
            f"Wrote {out}: {len(nodes)} nodes ({len(nav.nodes)} top-level), validated.",
        )
    )


@spec_group.command("to-breakdown")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The breakdown table (.xlsx) to write.",
)
@lang_option
@click.pass_obj
def to_breakdown(obj: Context, spec: Path, out: Path) -> None:
    """Write a spec's technology tree as a breakdown table (技术分解表, .xlsx).

    One row per node, parents merged over their children, keywords and classes in their
    columns, 检索式 where the query is not the one the keywords make; the spec's other
    keys in the 方案信息 sheet, so `spec from-breakdown` gives the same spec back.

    \b
    Example:
      patnav spec to-breakdown specs/drones-industry.yaml --out 无人机分解表.xlsx
    """
    from patnav.analyses.breakdown import write_breakdown
    from patnav.analyses.spec import load_spec

    nav = load_spec(spec)
    write_breakdown(nav, out)
    click.echo(
        say(
            obj.lang,
            f"已写入 {out}：{len(nav.walk())} 个技术环节。",
            f"Wrote {out}: {len(nav.walk())} nodes.",
        )
    )


@spec_group.command("counts")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_STORE
@lang_option
@click.pass_obj
def counts(obj: Context, spec: Path, as_json: bool, store_path: Path | None) -> None:
    """Live counts per node of a spec: its units within the spec's scope and how many of
    them its sibling nodes also hold (重叠).

    \b
    Example:
      patnav spec counts specs/drones-industry.yaml
      patnav spec counts specs/drones-industry.yaml --json
    """
    from patnav.analyses.node_counts import breakdown_counts
    from patnav.analyses.spec import load_spec
    from patnav.reports.labels import unit_noun

    nav = load_spec(spec)
    with PatentStore.open(store_path or obj.settings.store, read_only=True) as store:
        result = breakdown_counts(store, nav)
    if as_json:
        click.echo(result.to_json())
        return
    unit = unit_noun(nav.count_by, obj.lang)
    rows = [
        [
            "　" * n.depth + n.path[-1] + ("" if n.has_own_query else "*"),
            f"{n.units:,}",
            f"{n.documents:,}",
            "-" if n.overlap_units is None else f"{n.overlap_units:,}",
            _pct(n.overlap_share),
        ]
        for n in result.nodes
    ]
    click.echo(
        table(
            [
                say(obj.lang, "技术环节", "Node"),
                f"{unit}",
                say(obj.lang, "文献数", "Documents"),
                say(obj.lang, "与同级重叠", "Overlap with siblings"),
                say(obj.lang, "重叠占比", "Overlap share"),
            ],
            rows,
            align="lrrrr",
        )
    )
    click.echo(
        say(
            obj.lang,
            f"分析范围共 {result.scope_units:,} {unit}；* 表示无自身检索式（下级环节之并）。",
            f"The scope holds {result.scope_units:,} {unit}; * a node without its own "
            "query (the union of its children).",
        )
    )


@spec_group.command("sample")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--node", required=True, help="The node: its name, or path 一级/二级.")
@click.option(
    "--size", type=int, default=50, show_default=True, help="Documents to draw."
)
@click.option("--seed", type=int, default=None, help="Random seed (recorded).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The sample to judge (.xlsx).",
)
@_STORE
@lang_option
@click.pass_obj
def sample(
    obj: Context,
    spec: Path,
    node: str,
    size: int,
    seed: int | None,
    out: Path,
    store_path: Path | None,
) -> None:
    """Draw a random sample of a node's hits for analysts to mark 相关 / 不相关.

    A simple random sample of documents (without replacement; the seed is recorded in
    the file's 抽样信息 sheet with the node, query, hit count and store fingerprint).
    Fill the 判断 column, then run `patnav spec judge … --judgements FILE`.

    \b
    Example:
      patnav spec sample specs/drones-industry.yaml --node 农业植保 --seed 7 --out 样本.xlsx
    """
    from patnav.analyses.spec import load_spec
    from patnav.analyses.strategy_quality import draw_sample, find_node, write_sample

    nav = load_spec(spec)
    target = find_node(nav, node)
    with PatentStore.open(store_path or obj.settings.store, read_only=True) as store:
        drawn = draw_sample(store, nav, target, size, seed=seed)
    write_sample(drawn, out)
    click.echo(
        say(
            obj.lang,
            f"已从“{target.label}”的 {drawn.hits:,} 篇命中文献中随机抽取 {drawn.size} 篇"
            f"（随机种子 {drawn.seed}），写入 {out}。请在“判断”列填写 相关/不相关。",
            f"Drew {drawn.size} of the {drawn.hits:,} hits of {target.label!r} (seed "
            f"{drawn.seed}) into {out}. Mark the 判断 column 相关 or 不相关.",
        )
    )


@spec_group.command("judge")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--node", required=True, help="The node: its name, or path 一级/二级.")
@click.option(
    "--judgements",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The judged sample (from `spec sample`): gives precision.",
)
@click.option(
    "--relevant",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Verified-relevant numbers (txt/csv/xlsx; a judged sample's 相关 rows): "
    "gives recall.",
)
@click.option(
    "--judge",
    "judge_name",
    default=None,
    help="Who judged (default: $USER), recorded with the figures.",
)
@click.option(
    "--confidence",
    type=click.FloatRange(0.5, 0.999),
    default=0.95,
    show_default=True,
    help="Confidence level of the intervals.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@_STORE
@lang_option
@click.pass_obj
def judge(
    obj: Context,
    spec: Path,
    node: str,
    judgements: Path | None,
    relevant: Path | None,
    judge_name: str | None,
    confidence: float,
    as_json: bool,
    store_path: Path | None,
) -> None:
    """Precision (查准率) and recall (查全率) of a node's query, stored with the spec.

    Precision = relevant / judged rows of the sample; recall = known-relevant documents
    the node finds / those the store holds. Both with a Wilson score interval. The
    records (query, date, sample, judge, store fingerprint) go to the spec's `quality:`
    block (only that block is rewritten: the rest of the file and its comments stay),
    which the report's method section prints.

    \b
    Example:
      patnav spec judge specs/drones-industry.yaml --node 农业植保 --judgements 样本.xlsx
      patnav spec judge specs/drones-industry.yaml --node 农业植保 --relevant 已知.txt
    """
    from patnav.analyses.spec import load_spec
    from patnav.analyses.strategy_quality import (
        find_node,
        measure_recall,
        precision_record,
        read_judgements,
        read_relevant,
        recall_record,
        save_quality,
        store_fingerprint,
    )

    if judgements is None and relevant is None:
        raise InvalidParameterError(
            "请给出 --judgements（查准率）或 --relevant（查全率）。Give --judgements "
            "(precision) or --relevant (recall)."
        )
    nav = load_spec(spec)
    target = find_node(nav, node)
    who = judge_name or os.environ.get("USER") or None
    records: dict[str, Any] = {}
    missed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    with PatentStore.open(store_path or obj.settings.store, read_only=True) as store:
        fingerprint = store_fingerprint(store)
        if judgements is not None:
            judged = read_judgements(judgements)
            if judged.node and judged.node != target.path:
                raise InvalidParameterError(
                    f"{judgements} 是环节“{' / '.join(judged.node)}”的样本，不是"
                    f"“{target.label}”的。The sample is of another node."
                )
            records["precision"] = precision_record(
                judged,
                target,
                judged.precision(confidence),
                judge=who,
                store=fingerprint,
            )
            if judged.info.get("检索式") not in (
                None,
                "",
                records["precision"]["query"],
            ):
                raise InvalidParameterError(
                    f"{judgements} 抽自旧检索式“{judged.info.get('检索式')}”，该环节的检索式"
                    "已修改；请重新抽样。The sample was drawn for another query: draw a "
                    "new one."
                )
        if relevant is not None:
            known = read_relevant(relevant)
            result = measure_recall(store, nav, target, known, confidence)
            records["recall"] = recall_record(
                result,
                target,
                relevant_file=str(relevant),
                judge=who,
                store=fingerprint,
            )
            missed, missing = result.missed, result.missing
    path = save_quality(
        spec, target, precision=records.get("precision"), recall=records.get("recall")
    )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "node": list(target.path),
                    **records,
                    "missed": list(missed),
                    "missing": list(missing),
                    "file": str(path),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    p = records.get("precision")
    if p:
        click.echo(
            say(
                obj.lang,
                f"查准率 {_pct(p['value'])}（{p['relevant']}/{p['judged']} 篇判为相关，"
                f"{p['confidence']:.0%} 置信区间 {_pct(p['low'])}–{_pct(p['high'])}，"
                + (
                    f"威尔逊区间，按命中 {p['hits']:,} 篇作有限总体校正）"
                    if p.get("method") == "wilson-fpc" and p.get("hits")
                    else "威尔逊区间）"
                ),
                f"Precision {_pct(p['value'])} ({p['relevant']} of {p['judged']} judged "
                f"relevant; {p['confidence']:.0%} Wilson interval {_pct(p['low'])}–"
                f"{_pct(p['high'])})",
            )
        )
    r = records.get("recall")
    if r:
        if r.get("value") is None:
            click.echo(
                say(
                    obj.lang,
                    f"查全率：未评估——已知相关的 {r['known']} 篇均不在库中。",
                    f"Recall: not measured — none of the {r['known']} known documents "
                    "is in the store.",
                )
            )
        else:
            click.echo(
                say(
                    obj.lang,
                    f"查全率 {_pct(r['value'])}（库中已知相关 {r['in_store']} 篇，检出 "
                    f"{r['found']} 篇，{r['confidence']:.0%} 置信区间 {_pct(r['low'])}–"
                    f"{_pct(r['high'])}，威尔逊区间）",
                    f"Recall {_pct(r['value'])} ({r['found']} of the {r['in_store']} "
                    f"known documents in the store found; {r['confidence']:.0%} Wilson "
                    f"interval {_pct(r['low'])}–{_pct(r['high'])})",
                )
            )
        if missing:
            click.echo(
                say(
                    obj.lang,
                    f"库中没有的已知文献（未计入）{len(missing)} 篇：",
                    f"Known documents not in the store (not counted), {len(missing)}: ",
                )
                + "、".join(missing[:20])
                + (" …" if len(missing) > 20 else "")
            )
        if missed:
            click.echo(
                say(obj.lang, f"漏检 {len(missed)} 篇：", f"Missed, {len(missed)}: ")
                + "、".join(missed[:20])
                + (" …" if len(missed) > 20 else "")
            )
    click.echo(say(obj.lang, f"已记录于 {path}", f"Recorded in {path}"))


@spec_group.command("quality")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@lang_option
@click.pass_obj
def quality(obj: Context, spec: Path, as_json: bool) -> None:
    """The stored precision and recall of every node of a spec (未评估 where not
    measured; 需重新评估 where the query changed since).

    \b
    Example:
      patnav spec quality specs/drones-industry.yaml
    """
    from patnav.analyses.spec import load_spec
    from patnav.analyses.strategy_quality import load_quality

    result = load_quality(load_spec(spec))
    if as_json:
        click.echo(result.to_json())
        return
    rows = []
    for n in result.nodes:
        cells = ["　" * (len(n.path) - 1) + n.path[-1]]
        for kind in ("precision", "recall"):
            record = n.precision if kind == "precision" else n.recall
            status = n.status(kind)
            if status == "missing" or record is None or record.get("value") is None:
                cells += [say(obj.lang, "未评估", "not measured"), "", ""]
            elif status == "stale":
                cells += [say(obj.lang, "需重新评估", "stale (query changed)"), "", ""]
            else:
                n_text = record.get("judged", record.get("in_store"))
                day = record.get("judged_on") or record.get("measured_on") or ""
                cells += [
                    f"{_pct(record['value'])}（{_pct(record['low'])}–"
                    f"{_pct(record['high'])}）",
                    str(n_text),
                    str(day),
                ]
        rows.append(cells)
    click.echo(
        table(
            [
                say(obj.lang, "技术环节", "Node"),
                say(obj.lang, "查准率（置信区间）", "Precision (interval)"),
                say(obj.lang, "样本", "n"),
                say(obj.lang, "日期", "Date"),
                say(obj.lang, "查全率（置信区间）", "Recall (interval)"),
                say(obj.lang, "已知", "Known"),
                say(obj.lang, "日期", "Date"),
            ],
            rows,
            align="llrllrl",
        )
    )
