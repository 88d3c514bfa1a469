"""Store commands: init, stats, export, backup, restore, doctor."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from patnav.analyses.legal import STATUS_ZH
from patnav.analyses.overview import (
    BASIS_ZH,
    Count,
    StoreOverview,
    store_overview,
)
from patnav.cli import Context, cli, labels, lang_option
from patnav.cli.labels import t
from patnav.cli.render import table
from patnav.i18n import EVENT_TYPES, say
from patnav.schema.countries import country_name
from patnav.storage.backup import backup_store, restore_store
from patnav.storage.health import check_store
from patnav.storage.parquet import export_snapshot
from patnav.storage.store import PatentStore


@cli.command()
@lang_option
@click.pass_obj
def init(obj: Context) -> None:
    """Create an empty store (or migrate an existing one to the current schema).

    \b
    Example:
      patnav --store navigation.duckdb init
    """
    with PatentStore.open(obj.settings.store) as store:
        click.echo(
            t(
                "init.done",
                obj.lang,
                location=store.location,
                version=store.schema_version,
            )
        )


SHOWN_YEARS = 25
UNKNOWN_LABEL = "(unknown)"  # how the overview names a missing value


def _value(label: str, lang: str, prefix: str | None = None) -> str:
    if label == UNKNOWN_LABEL:
        return t("unknown", lang)
    return labels.label(prefix, label, lang) if prefix else label


def _office(code: str, lang: str) -> str:
    if code == UNKNOWN_LABEL:
        return t("unknown", lang)
    name = country_name(code, lang)
    return code if name == code else say(lang, f"{name}（{code}）", f"{name} ({code})")


def render_overview(o: StoreOverview, *, lang: str = "zh") -> str:
    """The first-look statistics as text, in Chinese (default) or English."""
    docs = t("documents", lang)

    def counts(head: str, items: tuple[Count, ...], name: Callable[[str], str]) -> str:
        return table([head, docs], [(name(c.label), f"{c.count:,}") for c in items])

    parts = [
        t(
            "stats.documents",
            lang,
            documents=f"{o.documents:,}",
            with_pub=f"{o.with_pub_number:,}",
            with_app=f"{o.with_app_number:,}",
        ),
    ]
    if o.first_filing:
        parts.append(t("stats.filed", lang, first=o.first_filing, last=o.last_filing))
    parts.append("")
    parts.append(
        counts(t("stats.office", lang), o.by_office, lambda v: _office(v, lang))
    )
    parts.append("")
    parts.append(
        counts(t("stats.type", lang), o.by_type, lambda v: _value(v, lang, "ptype"))
    )
    parts.append("")
    years = list(o.by_year)
    year_rows = []
    if len(years) > SHOWN_YEARS:  # fold the long tail of early years into one row
        early, years = years[: -SHOWN_YEARS + 1], years[-SHOWN_YEARS + 1 :]
        year_rows.append(
            (f"{early[0].label}–{early[-1].label}", f"{sum(c.count for c in early):,}")
        )
    year_rows += [
        (c.label + (" *" if c.label in o.incomplete_years else ""), f"{c.count:,}")
        for c in years
    ]
    parts.append(table([t("stats.year", lang), docs], year_rows, align="lr"))
    if o.incomplete_years:
        parts.append(t("stats.incomplete", lang))
    parts.append("")
    heading = t(
        "stats.applicants_entity"
        if o.applicants_by == "entity"
        else "stats.applicants",
        lang,
    )
    parts.append(counts(heading, o.top_applicants, lambda v: _value(v, lang)))
    if o.by_province:
        parts.append("")
        parts.append(
            counts(t("stats.province", lang), o.by_province, lambda v: _value(v, lang))
        )
        parts.append("")
        parts.append(
            counts(t("stats.city", lang), o.by_city, lambda v: _value(v, lang))
        )
        if o.located_by_name:
            parts.append(t("stats.by_name", lang, n=f"{o.located_by_name:,}"))
    parts.append("")
    parts.append(
        counts(t("stats.source", lang), o.by_source, lambda v: _value(v, lang))
    )
    if o.legal_by_source:
        parts.append("")
        parts.append(_legal_by_source(o, lang))
    parts.append("")
    parts.append(
        t(
            "stats.imports",
            lang,
            imports=f"{o.imports:,}",
            quarantined=f"{o.quarantined:,}",
        )
    )
    return "\n".join(parts)


def _legal_by_source(o: StoreOverview, lang: str) -> str:
    """Per imported file: documents by legal status (and what it rests on), and the
    legal events they hold by type."""
    sep = say(lang, "、", ", ")

    def named(names: dict[str, str]) -> Callable[[str], str]:
        return lambda code: say(lang, names.get(code, code), code)

    def counted(items: tuple[Count, ...], name: Callable[[str], str]) -> str:
        return sep.join(f"{name(c.label)} {c.count:,}" for c in items) or "-"

    status_rows = [
        (
            Path(src.file).name,
            f"{src.documents:,}",
            counted(src.statuses, named(STATUS_ZH)),
            counted(src.basis, named(BASIS_ZH)),
        )
        for src in o.legal_by_source
    ]
    event_rows = [
        (Path(src.file).name, EVENT_TYPES.label("event", c.label, lang), f"{c.count:,}")
        for src in o.legal_by_source
        for c in src.events
    ]
    undated = sum(s.event_total - s.dated_events for s in o.legal_by_source)
    parts = [
        say(
            lang,
            "法律状态（按来源文件；未知：数据未给出，不计为失效）",
            "Legal status by source file (unknown: not in the data, never a lapse)",
        ),
        table(
            [
                say(lang, "来源文件", "source file"),
                say(lang, "文献", "documents"),
                say(lang, "法律状态", "legal status"),
                say(lang, "状态依据", "status rests on"),
            ],
            status_rows,
            align="lrll",
            max_width=72,
        ),
    ]
    if event_rows:
        parts += [
            "",
            say(
                lang,
                f"法律事件（按来源文件；其中 {undated:,} 条来源未给出日期，未补造日期）",
                f"Legal events by source file ({undated:,} undated by their source, "
                "left undated)",
            ),
            table(
                [
                    say(lang, "来源文件", "source file"),
                    say(lang, "事件类型", "event type"),
                    say(lang, "条数", "events"),
                ],
                event_rows,
                align="llr",
            ),
        ]
    return "\n".join(parts)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--top", default=10, show_default=True, help="How many top applicants.")
@lang_option
@click.pass_obj
def stats(obj: Context, as_json: bool, top: int) -> None:
    """A first look at the store: counts by office, patent type and filing year, top
    applicants (by entity after 'patnav enrich'), provinces and cities, sources.

    \b
    Example:
      patnav stats --top 20
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        overview = store_overview(store, top=top, legal=True)
    if as_json:
        click.echo(json.dumps(overview.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_overview(overview, lang=obj.lang))


@cli.command()
@click.option(
    "--parquet",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write one Parquet file per table into (created if missing).",
)
@lang_option
@click.pass_obj
def export(obj: Context, folder: Path) -> None:
    """Write every table of the store as Parquet, with a manifest; read it back with
    'patnav import FOLDER'.

    \b
    Example:
      patnav export --parquet snapshot/
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        counts = export_snapshot(store, folder)
    click.echo(
        table(
            [t("export.table", obj.lang), t("export.rows", obj.lang)],
            [(k, f"{v:,}") for k, v in counts.items()],
            align="lr",
        )
    )
    click.echo(t("export.done", obj.lang, folder=folder))


@cli.command()
@lang_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The backup file to write (replaced if it exists).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was saved as JSON.")
@click.pass_obj
def backup(obj: Context, out: Path, as_json: bool) -> None:
    """Back up the store into one file: every table as Parquet, with a manifest.

    The store is read in one transaction, so the backup is one consistent state even
    while other processes read it (it is opened read-only). The search indexes are not
    included: 'patnav index' rebuilds them after a restore.

    \b
    Example:
      patnav --store navigation.duckdb backup --out navigation-2025-06-01.patnav-backup
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        report = backup_store(store, out)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        table(
            [t("export.table", obj.lang), t("export.rows", obj.lang)],
            [(k, f"{v:,}") for k, v in report.tables.items()],
            align="lr",
        )
    )
    click.echo(
        t(
            "backup.done",
            obj.lang,
            out=out,
            bytes=f"{report.bytes:,}",
            version=report.schema_version,
        )
    )


@cli.command()
@lang_option
@click.argument(
    "backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--store",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The new store to create (default: the global --store or $PATNAV_STORE).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print what was restored as JSON."
)
@click.pass_obj
def restore(
    obj: Context, backup_file: Path, target: Path | None, as_json: bool
) -> None:
    """Restore a backup into a new store (--store): it never overwrites one.

    Every file of the backup is checked against its manifest, every table is loaded in
    one transaction and its row count compared; the store appears under its name only
    when all of that succeeded.

    \b
    Example:
      patnav restore navigation-2025-06-01.patnav-backup --store restored.duckdb
    """
    report = restore_store(backup_file, target or obj.settings.store)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        table(
            [t("export.table", obj.lang), t("export.rows", obj.lang)],
            [(k, f"{v:,}") for k, v in report.tables.items()],
            align="lr",
        )
    )
    click.echo(t("restore.done", obj.lang, store=report.store, backup=backup_file))
    for note in report.notes:
        click.echo(t("note", obj.lang, note=note))


@cli.command()
@lang_option
@click.option(
    "--deep",
    is_flag=True,
    help="Also read every column of every table (finds damaged data blocks; slower).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the check as JSON.")
@click.pass_obj
def doctor(obj: Context, deep: bool, as_json: bool) -> None:
    """Check that the store can be used, without changing it: exit status 0 when it
    can, 1 when it is missing, damaged or stopped, 2 when another process holds it.

    \b
    Example:
      patnav --store navigation.duckdb doctor --deep
    """
    health = check_store(obj.settings.store, deep=deep)
    if as_json:
        click.echo(json.dumps(health.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(
            say(
                obj.lang,
                f"{health.label}（{health.status}）：{health.message}",
                f"{health.status} ({health.label}): {health.message}",
            )
        )
        if health.tables:
            click.echo(
                table(
                    [t("export.table", obj.lang), t("export.rows", obj.lang)],
                    [(k, f"{v:,}") for k, v in health.tables.items()],
                    align="lr",
                )
            )
    if health.ok is None:
        raise SystemExit(2)
    if not health.ok:
        raise SystemExit(1)
