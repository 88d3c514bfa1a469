"""``patnav fetch``: pull documents from the USPTO, EPO OPS or Lens into the store."""

from __future__ import annotations

import json
from pathlib import Path

import click

from patnav.cli import Context, cli, lang_option
from patnav.cli.ingest import render_report
from patnav.connectors.fetch import (
    SERVICE_NAMES,
    SERVICES,
    FetchReport,
    fetch,
    parse_what,
    read_numbers,
)
from patnav.i18n import say
from patnav.storage.store import PatentStore


def render_fetch(report: FetchReport, lang: str) -> str:
    """A fetch as text: what was asked and kept, what is missing, then the import."""
    colon = say(lang, "：", ": ")
    lines = [
        say(lang, "服务", "Service")
        + colon
        + SERVICE_NAMES[report.service]
        + say(lang, "；请求 ", "; requests ")
        + f"{report.requests:,}"
        + say(lang, "；取得文件 ", "; files received ")
        + f"{len(report.fetched):,}"
        + say(lang, "；未取得 ", "; missing ")
        + f"{len(report.missing):,}",
    ]
    if report.fetched:
        lines.append(
            say(lang, "原始应答保存在", "Responses kept in")
            + colon
            + str(report.folder)
        )
    for m in report.missing:
        lines.append(
            f"  {say(lang, '未取得', 'missing')} {m.number} ({m.what}){colon}{m.reason}"
        )
    if report.stopped:
        lines.append(say(lang, "提前停止", "Stopped early") + colon + report.stopped)
    if report.imported.files:
        lines.append("")
        lines.append(render_report(report.imported, lang=lang))
    return "\n".join(lines)


@cli.command(name="fetch")
@click.argument("service", type=click.Choice(SERVICES))
@click.option(
    "--numbers",
    default=None,
    help="Numbers to fetch, comma-separated: application numbers for uspto "
    "(16330077), publication numbers for epo and lens (EP1000000A1).",
)
@click.option(
    "--file",
    "list_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A text file of numbers, one or more a line (# starts a comment).",
)
@click.option(
    "--set",
    "set_name",
    default=None,
    help="A saved patent set: fetch its documents (their application numbers for "
    "uspto, publication numbers for epo and lens).",
)
@click.option(
    "--monitor",
    "monitor",
    default=None,
    help="A monitor (patnav monitor add): fetch what it watches — its documents, and a "
    "portfolio's numbers the store does not hold yet.",
)
@click.option("--query", default=None, help="A Lens search (lens only).")
@click.option(
    "--what",
    default=None,
    help="Kinds of data, comma-separated. uspto: biblio, legal, transactions, "
    "assignments (one application response holds them all; default all); epo: biblio, "
    "legal, family (default biblio,legal); lens: biblio.",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The store file (overrides the global --store).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the fetch report as JSON.")
@lang_option
@click.pass_obj
def fetch_(
    obj: Context,
    service: str,
    numbers: str | None,
    list_file: Path | None,
    set_name: str | None,
    monitor: str | None,
    query: str | None,
    what: str | None,
    store_path: Path | None,
    as_json: bool,
) -> None:
    """Fetch documents from the USPTO Open Data Portal, EPO OPS or Lens into the store.

    The answers are kept unchanged in a new folder under fetch_dir (./fetches by
    default) and imported through the same pipeline as 'patnav import': one
    transaction per file, bad records quarantined, an import logged per file. Fetching
    the same numbers again changes nothing in the store. Credentials come from the
    settings or the environment (PATNAV_USPTO_ODP_API_KEY; PATNAV_EPO_OPS_KEY and
    PATNAV_EPO_OPS_SECRET; PATNAV_LENS_TOKEN) and are never printed or logged. Without
    network the command stops at once and says so. When the service stops answering
    half-way (its quota is used up), what arrived is kept and imported and the report
    says why the rest is missing. Exit status 1 when the fetch stopped early or a file
    failed to import.

    \b
    Example:
      patnav fetch uspto --numbers 16330077,15123456
      patnav fetch epo --numbers EP1000000A1 --what biblio,legal,family
      patnav fetch epo --set 光通信
      patnav fetch uspto --monitor 贷后组合
      patnav fetch lens --query "title:(drone AND delivery)" --json
    """
    settings = obj.settings
    if store_path is not None:
        settings = settings.model_copy(update={"store": store_path})
    kinds = parse_what(service, what)
    wanted: list[str] = []
    if numbers:
        wanted += [n for n in numbers.split(",") if n.strip()]
    if list_file is not None:
        wanted += read_numbers(list_file)
    with PatentStore.open(settings.store) as store:
        report = fetch(
            store,
            settings,
            service,
            numbers=wanted,
            set_name=set_name,
            monitor=monitor,
            query=query,
            what=kinds,
        )
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_fetch(report, obj.lang))
    if not report.ok:
        raise click.exceptions.Exit(1)
