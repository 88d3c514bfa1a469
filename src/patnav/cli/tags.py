"""Tagging commands: ``patnav tags scheme | schemes | import | add | remove | list |
review | agreement | suggest | queue | accept`` — a thin shell over :mod:`patnav.tags`."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table
from patnav.i18n import say
from patnav.tags import (
    SOURCES,
    accept_suggestions,
    add_tags,
    agreement,
    import_tags,
    list_schemes,
    list_tags,
    nodes_of_spec,
    remove_tags,
    review_queue,
    review_tags,
    save_scheme,
    suggest_tags,
)
from patnav.tags.tagging import SOURCES_ZH


def _analyst(given: str | None) -> str:
    return given or os.environ.get("PATNAV_USER") or getpass.getuser()


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


SCHEME = click.option(
    "--scheme", "scheme", required=True, help="The tag scheme (标引体系)."
)
ANALYST = click.option(
    "--analyst",
    default=None,
    help="Who tags (default $PATNAV_USER, else the login name).",
)
QUERY = click.option(
    "--query",
    default=None,
    help="An expert query (检索式) or a saved set's name: its documents.",
)
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@cli.group("tags")
def tags_group() -> None:
    """Tagging (标引): tag schemes, tags by analysts with review and agreement, and
    assisted tagging — suggestions with calibrated scores, a review queue ordered by
    active learning, and an explicit threshold that turns suggestions into tags.
    Tags are searchable as TAG=节点 or TAG=方案:节点.

    \b
    Example:
      patnav tags scheme 泰安标引 --spec specs/taian-industry.yaml
      patnav tags import 标引.csv --scheme 泰安标引
      patnav search 'TAG=泰安标引:开关设备'
    """


@tags_group.command("scheme")
@click.argument("name")
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A navigation spec whose technology tree gives the nodes.",
)
@click.option(
    "--node", "nodes", multiple=True, help="A node (repeat; with or without --spec)."
)
@click.option("--project", default=None, help="The project it belongs to.")
@click.option("--description", default=None, help="What the scheme is for.")
@JSON
@lang_option
@click.pass_obj
def scheme_command(
    obj: Context,
    name: str,
    spec_path: Path | None,
    nodes: tuple[str, ...],
    project: str | None,
    description: str | None,
    as_json: bool,
) -> None:
    """Create a tag scheme, or change its nodes: from a spec's technology tree and/or
    nodes given one by one.

    \b
    Example:
      patnav tags scheme 泰安标引 --spec specs/taian-industry.yaml
      patnav tags scheme 功效 --node 降低成本 --node 提高效率 --project 泰安导航
    """
    all_nodes: list[str] = []
    if spec_path is not None:
        title, spec_nodes = nodes_of_spec(spec_path)
        all_nodes.extend(spec_nodes)
        project = project or title
    all_nodes.extend(nodes)
    with obj.existing_store() as store:
        scheme = save_scheme(
            store, name, all_nodes, project=project, description=description
        )
    if as_json:
        echo_json(scheme.to_dict())
        return
    lang = obj.lang
    click.echo(
        say(
            lang,
            f"标引体系 {scheme.name}：{len(scheme.nodes)} 个节点（{'、'.join(scheme.nodes)}）",
            f"Tag scheme {scheme.name}: {len(scheme.nodes)} nodes "
            f"({', '.join(scheme.nodes)})",
        )
    )


@tags_group.command("schemes")
@JSON
@lang_option
@click.pass_obj
def schemes_command(obj: Context, as_json: bool) -> None:
    """List the tag schemes with their nodes and tag counts.

    \b
    Example:
      patnav tags schemes
    """
    with obj.existing_store() as store:
        schemes = list_schemes(store)
        counts = dict(store.rows("SELECT scheme, count(*) FROM tags GROUP BY scheme"))
    if as_json:
        echo_json(
            [{**s.to_dict(), "tags": int(counts.get(s.name, 0))} for s in schemes]
        )
        return
    lang = obj.lang
    if not schemes:
        click.echo(
            say(
                lang,
                "没有标引体系。用 patnav tags scheme 建立。",
                "No tag schemes. Create one with patnav tags scheme.",
            )
        )
        return
    heads = say(
        lang,
        ["名称", "项目", "节点数", "标引数", "节点"],
        ["name", "project", "nodes", "tags", "node list"],
    )
    rows = [
        [
            s.name,
            s.project or "-",
            len(s.nodes),
            int(counts.get(s.name, 0)),
            "、".join(s.nodes),
        ]
        for s in schemes
    ]
    click.echo(table(heads, rows))


@tags_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@SCHEME
@ANALYST
@JSON
@lang_option
@click.pass_obj
def import_command(
    obj: Context, file: Path, scheme: str, analyst: str | None, as_json: bool
) -> None:
    """Import tags from a CSV or XLSX file with the columns pub_number and tag
    (optional: analyst, effect). Rows whose number is not in the store or whose tag is
    not a node of the scheme are quarantined with the reason; the rest are imported.

    \b
    Example:
      patnav tags import 标引.csv --scheme 泰安标引 --analyst 张三
    """
    with obj.existing_store() as store:
        result = import_tags(store, file, scheme, analyst=_analyst(analyst))
    if as_json:
        echo_json(result.to_dict())
        return
    lang = obj.lang
    click.echo(
        say(
            lang,
            f"导入 {result.file}（第 {result.import_id} 次导入）：{result.rows} 行，"
            f"新增标引 {result.added} 条，已有 {result.unchanged} 条，"
            f"隔离 {len(result.quarantined)} 行",
            f"Imported {result.file} (import {result.import_id}): {result.rows} rows, "
            f"{result.added} tags added, {result.unchanged} already there, "
            f"{len(result.quarantined)} rows quarantined",
        )
    )
    for q in result.quarantined[:50]:
        click.echo(
            say(
                lang,
                f"  第 {q.row_number} 行：{q.reason}",
                f"  row {q.row_number}: {q.reason}",
            )
        )
    if len(result.quarantined) > 50:
        click.echo(
            say(
                lang,
                f"  … 其余见 patnav quarantine --import-id {result.import_id}",
                f"  … the rest: patnav quarantine --import-id {result.import_id}",
            )
        )


def _change_line(lang: str, added: int, unchanged: int, removed: int) -> str:
    return say(
        lang,
        f"新增标引 {added} 条，已有 {unchanged} 条，移除 {removed} 条",
        f"{added} tags added, {unchanged} already there, {removed} removed",
    )


@tags_group.command("add")
@click.argument("numbers", nargs=-1)
@SCHEME
@click.option("--node", required=True, help="The node to tag the documents into.")
@QUERY
@ANALYST
@click.option("--effect", default=None, help="A technical effect (技术功效) label.")
@JSON
@lang_option
@click.pass_obj
def add_command(
    obj: Context,
    numbers: tuple[str, ...],
    scheme: str,
    node: str,
    query: str | None,
    analyst: str | None,
    effect: str | None,
    as_json: bool,
) -> None:
    """Tag documents into a node by hand: publication numbers one by one, or every
    document a query finds (bulk from a search).

    \b
    Example:
      patnav tags add CN106844774A --scheme 泰安标引 --node 开关设备
      patnav tags add --scheme 泰安标引 --node 开关设备 --query 'TIAB=断路器'
    """
    with obj.existing_store() as store:
        change = add_tags(
            store,
            scheme,
            node,
            analyst=_analyst(analyst),
            numbers=numbers,
            query=query,
            effect=effect,
        )
    if as_json:
        echo_json(change.to_dict())
        return
    click.echo(_change_line(obj.lang, change.added, change.unchanged, 0))


@tags_group.command("remove")
@click.argument("numbers", nargs=-1)
@SCHEME
@click.option("--node", default=None, help="Only this node's tags (default: all).")
@QUERY
@click.option("--analyst", default=None, help="Only this analyst's tags.")
@JSON
@lang_option
@click.pass_obj
def remove_command(
    obj: Context,
    numbers: tuple[str, ...],
    scheme: str,
    node: str | None,
    query: str | None,
    analyst: str | None,
    as_json: bool,
) -> None:
    """Remove tags (and their reviews) from documents: numbers one by one, or every
    document a query finds.

    \b
    Example:
      patnav tags remove CN106844774A --scheme 泰安标引 --node 开关设备
    """
    with obj.existing_store() as store:
        change = remove_tags(
            store, scheme, node=node, numbers=numbers, query=query, analyst=analyst
        )
    if as_json:
        echo_json(change.to_dict())
        return
    click.echo(_change_line(obj.lang, 0, 0, change.removed))


@tags_group.command("list")
@SCHEME
@click.option("--node", default=None, help="Only this node.")
@click.option("--analyst", default=None, help="Only this analyst's tags.")
@click.option(
    "--source", type=click.Choice(SOURCES), default=None, help="Only this source."
)
@click.option("--limit", type=int, default=100, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every matching tag to this CSV file.",
)
@JSON
@lang_option
@click.pass_obj
def list_command(
    obj: Context,
    scheme: str,
    node: str | None,
    analyst: str | None,
    source: str | None,
    limit: int,
    out: Path | None,
    as_json: bool,
) -> None:
    """List the tags of a scheme, newest first, with who tagged, the source (an
    accepted suggestion with its threshold and score) and the reviews.

    \b
    Example:
      patnav tags list --scheme 泰安标引 --node 开关设备
    """
    with obj.existing_store() as store:
        listed = list_tags(
            store,
            scheme,
            node=node,
            analyst=analyst,
            source=source,
            limit=None if out else limit,
        )
    if out is not None:
        listed.to_frame().to_csv(out, index=False, encoding="utf-8-sig")
    if as_json:
        echo_json(listed.to_dict())
        return
    lang = obj.lang
    if not listed.rows:
        click.echo(say(lang, "没有符合条件的标引。", "No tags match."))
        return
    heads = say(
        lang,
        ["公开号", "节点", "标引人", "来源", "阈值", "得分", "功效", "确认", "异议"],
        [
            "publication",
            "node",
            "analyst",
            "source",
            "threshold",
            "score",
            "effect",
            "confirmed",
            "disputed",
        ],
    )
    rows = [
        [
            r["pub_number"] or r["doc_id"],
            r["node"],
            r["analyst"],
            say(lang, SOURCES_ZH.get(r["source"], r["source"]), r["source"]),
            _score(r["threshold"]),
            _score(r["score"]),
            r["effect"] or "-",
            "、".join(r["confirmed_by"] or []) or "-",
            "、".join(r["disputed_by"] or []) or "-",
        ]
        for r in listed.rows[:limit]
    ]
    click.echo(table(heads, rows))
    if out is not None:
        click.echo(say(lang, f"已写出 {out}", f"Written: {out}"))


@tags_group.command("review")
@click.argument("numbers", nargs=-1, required=True)
@SCHEME
@click.option("--node", required=True, help="The node whose tags are reviewed.")
@click.option(
    "--verdict",
    type=click.Choice(("confirm", "dispute")),
    required=True,
    help="confirm (确认) or dispute (有异议).",
)
@click.option("--analyst", default=None, help="Only this analyst's tags.")
@click.option("--reviewer", default=None, help="Who reviews (default $PATNAV_USER).")
@click.option("--note", default=None, help="Why.")
@lang_option
@click.pass_obj
def review_command(
    obj: Context,
    numbers: tuple[str, ...],
    scheme: str,
    node: str,
    verdict: str,
    analyst: str | None,
    reviewer: str | None,
    note: str | None,
) -> None:
    """A second analyst confirms or disputes tags.

    \b
    Example:
      patnav tags review CN106844774A --scheme 泰安标引 --node 开关设备 --verdict confirm
    """
    with obj.existing_store() as store:
        n = review_tags(
            store,
            scheme,
            numbers=numbers,
            node=node,
            reviewer=_analyst(reviewer),
            verdict=verdict,
            analyst=analyst,
            note=note,
        )
    click.echo(say(obj.lang, f"已审核标引 {n} 条", f"{n} tags reviewed"))


@tags_group.command("agreement")
@SCHEME
@click.option(
    "--analyst", "analysts", multiple=True, help="Compare these (repeat; default: all)."
)
@JSON
@lang_option
@click.pass_obj
def agreement_command(
    obj: Context, scheme: str, analysts: tuple[str, ...], as_json: bool
) -> None:
    """Agreement between analysts: Cohen's kappa (two) or Fleiss' kappa (three or
    more) per node and overall, over the documents every one of them tagged; reviews
    confirmed and disputed per node.

    \b
    Example:
      patnav tags agreement --scheme 泰安标引
    """
    with obj.existing_store() as store:
        result = agreement(store, scheme, analysts=analysts or None)
    if as_json:
        echo_json(result.to_dict())
        return
    lang = obj.lang
    method = say(
        lang,
        "Kappa 系数（Cohen）" if result.method == "cohen" else "Kappa 系数（Fleiss）",
        "Cohen's kappa" if result.method == "cohen" else "Fleiss' kappa",
    )
    click.echo(
        say(
            lang,
            f"{'、'.join(result.analysts)} 共同标引 {result.documents} 篇；{method}"
            f"（总体）{_score(result.overall)}",
            f"{', '.join(result.analysts)} all tagged {result.documents} documents; "
            f"{method} (overall) {_score(result.overall)}",
        )
    )
    heads = say(
        lang,
        ["节点", "Kappa", *result.analysts, "均标引", "确认", "异议"],
        ["node", "kappa", *result.analysts, "all tagged", "confirmed", "disputed"],
    )
    rows = [
        [
            n.node,
            _score(n.kappa),
            *[n.tagged.get(a, 0) for a in result.analysts],
            n.both,
            n.confirmed,
            n.disputed,
        ]
        for n in result.nodes
    ]
    click.echo(table(heads, rows))


@tags_group.command("suggest")
@SCHEME
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The CSV file of suggestions: pub_number, tag, score.",
)
@QUERY
@click.option(
    "--top", type=int, default=1, show_default=True, help="Best nodes per document."
)
@click.option(
    "--min-score",
    type=float,
    default=0.0,
    show_default=True,
    help="Only suggestions scoring at least this.",
)
@JSON
@lang_option
@click.pass_obj
def suggest_command(
    obj: Context,
    scheme: str,
    out: Path,
    query: str | None,
    top: int,
    min_score: float,
    as_json: bool,
) -> None:
    """Suggest tags for the documents with no tag of the scheme (within --query),
    learnt from the scheme's tags, with calibrated scores; nothing is stored as a tag.

    \b
    Example:
      patnav tags suggest --scheme 泰安标引 --out 建议.csv --query 'AD>=2020'
    """
    with obj.existing_store() as store:
        result = suggest_tags(store, scheme, query=query, top=top, min_score=min_score)
    frame = result.to_frame()[["pub_number", "tag", "score", "doc_id", "title"]]
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    if as_json:
        summary = result.to_dict()
        summary.pop("suggestions")
        echo_json({**summary, "out": str(out), "rows": len(frame)})
        return
    lang = obj.lang
    click.echo(
        say(
            lang,
            f"由 {result.examples} 篇已标引文献学习，为 {result.candidates} 篇未标引文献"
            f"给出建议 {len(frame)} 条，已写出 {out}（未写入标引）",
            f"Learnt from {result.examples} tagged documents; {len(frame)} suggestions "
            f"for {result.candidates} untagged documents written to {out} (not stored "
            "as tags)",
        )
    )
    if result.nodes_without_examples:
        click.echo(
            say(
                lang,
                f"  没有样例、不会被建议的节点：{'、'.join(result.nodes_without_examples)}",
                "  nodes with no examples (never suggested): "
                f"{', '.join(result.nodes_without_examples)}",
            )
        )


@tags_group.command("queue")
@SCHEME
@QUERY
@click.option("--limit", type=int, default=20, show_default=True)
@JSON
@lang_option
@click.pass_obj
def queue_command(
    obj: Context, scheme: str, query: str | None, limit: int, as_json: bool
) -> None:
    """The review queue: untagged documents in the order whose review teaches the
    model most (margin sampling: the closest best two nodes first).

    \b
    Example:
      patnav tags queue --scheme 泰安标引 --limit 20
    """
    with obj.existing_store() as store:
        result = review_queue(store, scheme, query=query, limit=limit)
    if as_json:
        echo_json(result.to_dict())
        return
    lang = obj.lang
    if not result.items:
        click.echo(say(lang, "没有未标引的文献。", "No untagged documents."))
        return
    heads = say(
        lang,
        ["公开号", "名称", "建议节点", "得分", "次选节点", "得分", "差距"],
        ["publication", "title", "node", "score", "second", "score", "margin"],
    )
    rows = [
        [
            i.pub_number or i.doc_id,
            i.title or "-",
            i.node,
            _score(i.score),
            i.second or "-",
            _score(i.second_score),
            _score(i.margin),
        ]
        for i in result.items
    ]
    click.echo(table(heads, rows, max_width=30))


@tags_group.command("accept")
@SCHEME
@click.option(
    "--min-score",
    type=float,
    required=True,
    help="The explicit threshold: suggestions scoring at least this become tags.",
)
@QUERY
@ANALYST
@JSON
@lang_option
@click.pass_obj
def accept_command(
    obj: Context,
    scheme: str,
    min_score: float,
    query: str | None,
    analyst: str | None,
    as_json: bool,
) -> None:
    """Turn the suggestions scoring at least --min-score into tags (source
    accepted-suggestion, with the threshold and each score recorded).

    \b
    Example:
      patnav tags accept --scheme 泰安标引 --min-score 0.9
    """
    with obj.existing_store() as store:
        change, result = accept_suggestions(
            store, scheme, min_score=min_score, analyst=_analyst(analyst), query=query
        )
    if as_json:
        echo_json(
            {
                **change.to_dict(),
                "threshold": min_score,
                "examples": result.examples,
                "candidates": result.candidates,
            }
        )
        return
    click.echo(
        say(
            obj.lang,
            f"由 {result.examples} 篇已标引文献学习；阈值 {min_score}：{result.candidates} "
            f"篇未标引文献中采纳建议 {change.added} 条为标引（来源“采纳建议”）",
            f"Learnt from {result.examples} tagged documents; threshold {min_score}: "
            f"{change.added} suggestions for {result.candidates} untagged documents "
            "accepted as tags (source accepted-suggestion)",
        )
    )
