"""``patnav embed``: document vectors three ways — on this machine, on a Spark cluster,
or computed elsewhere and imported (``embed export`` / ``embed import``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import Progress
from patnav.cli.search import EMBEDDERS, _embedder
from patnav.i18n import say
from patnav.search.semantic import DEFAULT_BATCH, embed_store, embedding_coverage
from patnav.search.vector_files import export_pending, import_vectors


@cli.group("embed", invoke_without_command=True)
@click.option(
    "--spark",
    is_flag=True,
    help="Embed on Spark: the pending texts go to Parquet, each Spark task runs the "
    "model, the vectors come back as Parquet and are imported.",
)
@click.option(
    "--master",
    default="local[2]",
    show_default=True,
    help="With --spark: the Spark master URL.",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --spark: a folder every executor can read and write (default: a "
    "temporary folder, fine for local mode).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1024),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Texts per model call.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=None,
    help="OpenMP threads of the model (default: one per core; with --spark: 1 per task).",
)
@click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Embed at most this many."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default="e5", hidden=True)
@lang_option
@click.pass_context
def embed_command(
    ctx: click.Context,
    spark: bool,
    master: str,
    work_dir: Path | None,
    batch_size: int,
    threads: int | None,
    limit: int | None,
    as_json: bool,
    embedder: str,
) -> None:
    """Compute the vectors semantic search needs, for documents that have none yet or
    whose text changed (incremental, interruptible).

    \b
    Example:
      patnav embed --limit 2000
      patnav embed --spark --master spark://host:7077 --work-dir /shared/embed
      patnav embed export todo.parquet      # texts to embed elsewhere
      patnav embed import vectors.parquet   # vectors computed elsewhere
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    report: dict[str, Any]
    with obj.existing_store() as store:
        if spark:
            report = _on_spark(
                store, embedder, master, work_dir, batch_size, threads or 1, limit
            )
        else:
            model = _embedder(embedder)
            if threads is not None and hasattr(model, "threads"):
                model.threads = threads
            progress = Progress()
            done = embed_store(
                store, model, progress=progress, batch_size=batch_size, limit=limit
            )
            progress.done()
            report = {"engine": "local", "embedding": done.to_dict()}
        model_name = _embedder(embedder).name
        have, total = embedding_coverage(store, model_name)
        report["vectors"] = {"model": model_name, "documents": have, "of": total}
    if as_json:
        echo_json(report)
        return
    lang = obj.lang
    if "embedding" in report:
        em = report["embedding"]
        click.echo(
            say(
                lang,
                f"向量：本次计算 {em['embedded']:,} 篇（每秒 {em['docs_per_second']} 篇），"
                f"尚余 {em['remaining']:,} 篇",
                f"vectors: {em['embedded']:,} embedded ({em['docs_per_second']} docs/s), "
                f"{em['remaining']:,} still to embed",
            )
        )
    if "spark" in report:
        sp, im = report["spark"], report["imported"]
        click.echo(
            say(
                lang,
                f"Spark：{sp['texts']:,} 篇，{sp['partitions']} 个分区，"
                f"{sp['seconds']} 秒；导入 {im['imported']:,} 个向量，"
                f"隔离 {im['quarantined']:,} 行",
                f"Spark: {sp['texts']:,} texts in {sp['partitions']} partitions, "
                f"{sp['seconds']} s; {im['imported']:,} vectors imported, "
                f"{im['quarantined']:,} rows quarantined",
            )
        )
    vec = report["vectors"]
    click.echo(_coverage_line(vec, lang))


def _coverage_line(vec: dict[str, Any], lang: str) -> str:
    return say(
        lang,
        f"已有向量：{vec['documents']:,} / {vec['of']:,} 篇（{vec['model']}）",
        f"documents with a vector: {vec['documents']:,} of {vec['of']:,} ({vec['model']})",
    )


def _on_spark(
    store: Any,
    embedder: str,
    master: str,
    work_dir: Path | None,
    batch_size: int,
    threads: int,
    limit: int | None,
) -> dict[str, Any]:
    """Export the pending texts, embed them on Spark, import the vectors."""
    from patnav.search.embed_spark import embed_on_spark

    model = _embedder(embedder)
    with tempfile.TemporaryDirectory(prefix="patnav-embed-") as scratch:
        folder = work_dir or Path(scratch)
        texts = folder / "texts.parquet"
        vectors = folder / "vectors.parquet"
        count = export_pending(store, model, texts, limit=limit)
        report: dict[str, Any] = {"engine": "spark", "master": master, "pending": count}
        if count == 0:
            report["spark"] = {"texts": 0, "partitions": 0, "seconds": 0.0}
            report["imported"] = {"imported": 0, "quarantined": 0}
            return report
        ran = embed_on_spark(
            texts, vectors, master=master, batch_size=batch_size, threads=threads
        )
        imported = import_vectors(
            store,
            vectors,
            model=model.name,
            dim=model.dim,
            quarantine=folder / "rejected.parquet",
        )
        report["spark"] = ran.to_dict()
        report["imported"] = imported.to_dict()
    return report


@embed_command.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Export at most this many.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default="e5", hidden=True)
@lang_option
@click.pass_obj
def export_command(
    obj: Context, path: Path, limit: int | None, as_json: bool, embedder: str
) -> None:
    """Write the texts still to embed (doc_id, text, text_hash, model) to a Parquet
    file, to compute their vectors elsewhere and bring them back with 'embed import'.

    \b
    Example:
      patnav embed export todo.parquet
    """
    model = _embedder(embedder)
    with obj.existing_store(read_only=True) as store:
        count = export_pending(store, model, path, limit=limit)
    report = {"file": str(path), "texts": count, "model": model.name, "dim": model.dim}
    if as_json:
        echo_json(report)
        return
    click.echo(
        say(
            obj.lang,
            f"待计算向量的文本：{count:,} 篇 → {path}（模型 {model.name}，{model.dim} 维）",
            f"texts to embed: {count:,} → {path} (model {model.name}, {model.dim} dimensions)",
        )
    )


@embed_command.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--quarantine",
    type=click.Path(path_type=Path),
    default=None,
    help="Where refused rows go (default: FILE.rejected.parquet beside the file).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default="e5", hidden=True)
@lang_option
@click.pass_obj
def import_command(
    obj: Context, path: Path, quarantine: Path | None, as_json: bool, embedder: str
) -> None:
    """Import vectors computed elsewhere from a Parquet file (or a folder of them):
    columns doc_id, model, dim, vector and optionally text_hash. The model and the
    dimension must be the store's; refused rows are quarantined with their reasons.

    \b
    Example:
      patnav embed import vectors.parquet
    """
    model = _embedder(embedder)
    with obj.existing_store() as store:
        done = import_vectors(
            store, path, model=model.name, dim=model.dim, quarantine=quarantine
        )
        have, total = embedding_coverage(store, model.name)
    report = done.to_dict()
    report["vectors"] = {"model": model.name, "documents": have, "of": total}
    if as_json:
        echo_json(report)
        return
    lang = obj.lang
    click.echo(
        say(
            lang,
            f"导入向量：{done.rows:,} 行，新增或更新 {done.imported:,}，未变 "
            f"{done.unchanged:,}，隔离 {done.quarantined:,}",
            f"vectors: {done.rows:,} rows, {done.imported:,} imported, "
            f"{done.unchanged:,} unchanged, {done.quarantined:,} quarantined",
        )
    )
    if done.unverified:
        click.echo(
            say(
                lang,
                f"  {done.unverified:,} 行无 text_hash：视为当前文本的向量",
                f"  {done.unverified:,} rows without text_hash: taken as vectors of the "
                "current text",
            )
        )
    for reason, n in sorted(done.reasons.items()):
        click.echo(f"  {reason}: {n:,}")
    if done.quarantine_file:
        click.echo(
            say(
                lang,
                f"  被拒的行及原因 → {done.quarantine_file}",
                f"  refused rows and reasons → {done.quarantine_file}",
            )
        )
    click.echo(_coverage_line(report["vectors"], lang))
