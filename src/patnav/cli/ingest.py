"""Import commands: import, quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import click

from patnav.cli import Context, cli, labels, lang_option
from patnav.cli.labels import t
from patnav.cli.render import Progress, table
from patnav.errors import PatnavError, clip, excerpt
from patnav.i18n import say
from patnav.ingest import READERS
from patnav.ingest.pipeline import import_paths
from patnav.ingest.report import ImportReport
from patnav.ingest.tabular.columns import FIELDS, load_mapping
from patnav.storage.store import PatentStore

SHOWN_QUARANTINE = 200


def render_report(
    report: ImportReport, *, verbose: bool = False, lang: str = "zh"
) -> str:
    """An import report as text: a line per file, notices, and every quarantined record."""
    rows = [
        (
            f.file,
            f.format or "-",
            labels.label("fstatus", f.status, lang),
            f"{f.read:,}",
            f"{f.new:,}",
            f"{f.updated:,}",
            f"{f.unchanged:,}",
            f"{f.quarantined:,}",
            f"{f.seconds:.1f}",
        )
        for f in report.files
    ]
    totals = report.totals
    problems = [
        t(key, lang, n=totals[field])
        for field, key in (
            ("failed", "import.failed_files"),
            ("all_quarantined", "import.all_quarantined_files"),
        )
        if totals[field]
    ]
    rows.append(
        (
            t("total", lang),
            "",
            say(lang, "，", ", ").join(problems),
            f"{totals['read']:,}",
            f"{totals['new']:,}",
            f"{totals['updated']:,}",
            f"{totals['unchanged']:,}",
            f"{totals['quarantined']:,}",
            "",
        )
    )
    heads = ("file", "format", "status", "read", "new", "updated", "unchanged")
    out = [
        table(
            [
                *(t(f"import.{h}", lang) for h in heads),
                t("import.quarantined", lang),
                t("seconds", lang),
            ],
            rows,
            align="lllrrrrrr",
            max_width=60,
        )
    ]
    colon = say(lang, "：", ": ")
    for f in report.files:
        lines = []
        if f.message and f.status != "ok":
            lines.append(
                f"  {labels.label('fstatus', f.status, lang)}{colon}{f.message}"
            )
        lines += [f"  {t('import.warning', lang)}{colon}{w}" for w in f.warnings]
        if verbose:
            lines += [f"  {n}" for n in f.notices]
        if lines:
            out.append(f"\n{f.file}:")
            out.extend(lines)
    quarantined = [q for f in report.files for q in f.quarantine]
    total = report.totals["quarantined"]
    if quarantined:
        out.append("\n" + t("import.quarantine_head", lang, n=f"{total:,}"))
        for q in quarantined[:SHOWN_QUARANTINE]:
            out.append(f"  {q.file}, {q.position}: {q.reason}")
        if total > SHOWN_QUARANTINE:
            out.append(
                "  "
                + t("import.quarantine_more", lang, n=f"{total - SHOWN_QUARANTINE:,}")
            )
    return "\n".join(out)


_FIELD_HELP = ", ".join(sorted(FIELDS))


@cli.command(
    name="import",
    epilog=f"Fields a mapping file can assign columns to: {_FIELD_HELP}.",
)
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(READERS)),
    default=None,
    help="Read every file as this format instead of detecting it.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A YAML column mapping for exports whose headers are not recognised.",
)
@click.option(
    "--office", default=None, help="Office of numbers written without prefix (CN)."
)
@click.option("--encoding", default=None, help="Text encoding to try first (verified).")
@click.option(
    "--strict", is_flag=True, help="Fail a whole file at its first bad record."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the import report as JSON."
)
@click.option("-v", "--verbose", is_flag=True, help="Also print each file's notices.")
@lang_option
@click.pass_obj
def import_(
    obj: Context,
    paths: tuple[Path, ...],
    fmt: str | None,
    mapping: Path | None,
    office: str | None,
    encoding: str | None,
    strict: bool,
    as_json: bool,
    verbose: bool,
) -> None:
    """Import patent files, folders, zip/gzip archives or a Parquet snapshot into the store.

    The format of each file is detected from its content: CNIPA, USPTO (XML, SGML, APS
    text), EPO and DOCDB XML; Derwent .ciw; Thomson Innovation; PatentsView tables; xlsx,
    xls, csv in any encoding, JSON lines; legal events and status from EPO OPS (INPADOC),
    the USPTO Open Data Portal and USPTO assignment XML. The columns of exports are
    recognised by the header names Chinese and international databases use. Every file is
    one transaction; bad records are quarantined with their row and reason and the rest
    imports. Importing the same file again changes nothing (its quarantined records replace
    those of the earlier import).

    The exit status is 1 when a file failed, or when every record of a file was
    quarantined; with --json the report (or the error) is printed as JSON whatever
    happens.

    \b
    Example:
      patnav import ../shared/data/formats/cn-excel/cnipa_export_199.xlsx
      patnav import ../shared/data/formats/cnipa-xml ../shared/data/formats/derwent
      patnav import exports/ --mapping my-columns.yaml --json
    """
    progress = Progress(enabled=None if not as_json else False)
    try:
        column_mapping = load_mapping(mapping) if mapping else None
        with PatentStore.open(obj.settings.store) as store:
            report = import_paths(
                store,
                list(paths),
                settings=obj.settings,
                fmt=fmt,
                mapping=column_mapping,
                office=office,
                encoding=encoding,
                strict=strict,
                progress=progress,
                raise_unexpected=obj.debug,
            )
    except Exception as exc:
        progress.done()
        if not as_json or obj.debug:
            raise
        # a script reading --json gets JSON on every path, errors included
        error = (
            str(exc)
            if isinstance(exc, PatnavError)
            else f"internal error: {type(exc).__name__}: {excerpt(str(exc), 300)}. "
            "Rerun with --debug for the traceback, and please report it."
        )
        failed = ImportReport(error=clip(error))
        click.echo(json.dumps(failed.to_dict(), ensure_ascii=False, indent=2))
        raise SystemExit(1) from None
    progress.done()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_report(report, verbose=verbose, lang=obj.lang))
        if report.error:
            click.echo(t("import.stopped", obj.lang, error=report.error), err=True)
    if not report.ok:
        raise SystemExit(1)


@cli.command()
@click.option("--import-id", type=int, default=None, help="Only this import run.")
@click.option(
    "--limit", type=int, default=1000, show_default=True, help="Most rows shown."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print as JSON, with raw content."
)
@lang_option
@click.pass_obj
def quarantine(obj: Context, import_id: int | None, limit: int, as_json: bool) -> None:
    """List quarantined records: file, position, reason (and raw content with --json).

    \b
    Example:
      patnav quarantine --import-id 3
    """
    sql = (
        "SELECT import_id, file, position, reason, raw FROM quarantine "
        + ("WHERE import_id = ? " if import_id is not None else "")
        + "ORDER BY import_id, row_number NULLS FIRST LIMIT ?"
    )
    params = [import_id, limit] if import_id is not None else [limit]
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        rows = store.rows(sql, params)
    if as_json:
        keys = ("import_id", "file", "position", "reason", "raw")
        click.echo(
            json.dumps(
                [dict(zip(keys, r, strict=True)) for r in rows],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    lang = obj.lang
    if not rows:
        click.echo(t("quarantine.none", lang))
        return
    click.echo(
        table(
            [
                t("quarantine.import", lang),
                t("import.file", lang),
                t("quarantine.position", lang),
                t("quarantine.reason", lang),
            ],
            [r[:4] for r in rows],
            align="rlll",
            max_width=90,
        )
    )
