"""Enrichment commands: ``enrich`` and the ``entities`` review group."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from patnav.cli import Context, cli, labels, lang_option
from patnav.cli.labels import t
from patnav.cli.render import table
from patnav.enrich import STEPS, EnrichReport, enrich
from patnav.enrich.base import StepReport
from patnav.enrich.entities import (
    EntityDetail,
    entity_detail,
    export_aliases,
    import_aliases,
    list_entities,
    merge_entities,
    rename_entity,
    split_entity,
)
from patnav.errors import StoreError
from patnav.i18n import say
from patnav.storage.store import PatentStore


def _open(obj: Context) -> PatentStore:
    """The existing store, writable; enriching a store that is not there is a mistake."""
    path = obj.settings.store
    if str(path) != ":memory:" and not Path(path).exists():
        raise StoreError(
            f"No store at {path}. Import data first ('patnav import FILES'), or point "
            "--store / PATNAV_STORE at an existing store."
        )
    return PatentStore.open(path)


def _highlights(summary: dict[str, Any], lang: str) -> str:
    """The labelled figures of a step's summary, at most four."""
    parts = []
    for key, value in summary.items():
        if key not in labels.SUMMARY or isinstance(value, bool):
            continue
        name = labels.SUMMARY.text(key, lang)
        if isinstance(value, dict) and isinstance(value.get("documents"), int):
            parts.append(t("n_documents", lang, n=f"{value['documents']:,}"))
            parts[-1] = f"{name} {parts[-1]}"
        elif isinstance(value, int):
            parts.append(f"{name} {value:,}")
        elif isinstance(value, float | str):
            parts.append(f"{name} {value}")
    return say(lang, "；", "; ").join(parts[:4])


def render_enrich(report: EnrichReport, *, lang: str = "zh") -> str:
    """An enrichment report as text: a line per step, then a few examples of each."""

    def summary(s: StepReport) -> str:
        if s.skipped:
            return t("enrich.skipped", lang, reason=s.skipped)
        return _highlights(s.summary, lang)

    rows: list[tuple[str, ...]]
    if lang == "en":
        heads = ["step", "changed", "s", "summary"]
        rows = [
            (s.step, f"{s.changed:,}", f"{s.seconds:.1f}", summary(s))
            for s in report.steps
        ]
        align = "lrrl"
    else:
        heads = [t(f"enrich.{c}", lang) for c in ("step", "name", "changed")]
        heads += [t("seconds", lang), t("enrich.summary", lang)]
        rows = [
            (
                STEPS[s.step].label,
                s.step,
                f"{s.changed:,}",
                f"{s.seconds:.1f}",
                summary(s),
            )
            for s in report.steps
        ]
        align = "llrrl"
    out = [
        table(heads, rows, align=align, max_width=72),
        "",
        t(
            "enrich.total",
            lang,
            n=f"{report.changed:,}",
            seconds=f"{report.seconds:.1f}",
        )
        + ("" if report.changed else t("enrich.nothing", lang)),
    ]
    for s in report.steps:
        if s.examples:
            head = say(lang, f"{STEPS[s.step].label}（{s.step}）", s.step)
            out.append(say(lang, f"\n{head}：", f"\n{head}:"))
            out.extend(f"  {e}" for e in s.examples)
    return "\n".join(out)


@cli.command("enrich")
@click.option(
    "--step",
    "steps",
    multiple=True,
    type=click.Choice(list(STEPS)),
    help="Run only this step (repeatable); default: every step, in order.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@lang_option
@click.pass_obj
def enrich_command(obj: Context, steps: tuple[str, ...], as_json: bool) -> None:
    """Enrich the store: class titles, name keys, party types, locations, entities,
    strategic emerging industries, families, legal status and expiry. Idempotent: a
    second run changes nothing.

    \b
    Example:
      patnav enrich
      patnav enrich --step entities --step locations --json
    """

    def progress(name: str) -> None:
        if sys.stderr.isatty() and not as_json:
            click.echo(f"… {name}", err=True)

    with _open(obj) as store:
        report = enrich(store, obj.settings, steps or None, progress=progress)
    if as_json:
        click.echo(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
        )
    else:
        click.echo(render_enrich(report, lang=obj.lang))


@cli.group("entities")
def entities_group() -> None:
    """Review resolved applicants: list, show, merge, split, rename, export and import
    the alias table. Corrections are kept and replayed by every later 'patnav enrich'.

    \b
    Example:
      patnav entities list --search 华为
      patnav entities merge E1a2b3c4d5e E6f7a8b9c0d --name 华为技术有限公司
    """


@entities_group.command("list")
@click.option("--search", default=None, help="Part of a name, in any spelling.")
@click.option("--type", "party_type", default=None, help="company, university, …")
@click.option("--top", default=20, show_default=True, help="How many entities.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_obj
def entities_list(
    obj: Context, search: str | None, party_type: str | None, top: int, as_json: bool
) -> None:
    """Entities with the most documents first.

    \b
    Example:
      patnav entities list --search "huawei" --top 5
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        found = list_entities(store, search=search, party_type=party_type, limit=top)
    if as_json:
        click.echo(
            json.dumps([e.to_dict() for e in found], ensure_ascii=False, indent=2)
        )
        return
    lang = obj.lang
    heads = ("id", "name", "type", "place", "documents", "names", "reviewed")
    click.echo(
        table(
            [t(f"entities.{h}", lang) for h in heads],
            [
                (
                    e.entity_id,
                    e.name,
                    labels.label("party", e.party_type, lang) if e.party_type else "",
                    e.place or "",
                    f"{e.documents:,}",
                    e.aliases,
                    "✓" if e.is_reviewed else "",
                )
                for e in found
            ],
            align="llllrrl",
        )
    )


def render_detail(d: EntityDetail, *, lang: str = "zh") -> str:
    """One entity and its names as text."""
    s = d.summary
    gap = "   "
    kind = labels.label("party", s.party_type, lang) if s.party_type else "-"
    facts = [
        f"{t('entities.type', lang)} {kind}",
        f"{t('entities.place', lang)} {s.place or '-'}",
        f"{t('entities.documents', lang)} {s.documents:,}",
    ]
    if s.is_reviewed:
        facts.append(t("entities.reviewed", lang))
    lines = [
        f"{s.entity_id}  {s.name}",
        f"  {t('entities.name_zh', lang)} {d.name_zh or '-'}{gap}"
        f"{t('entities.name_en', lang)} {d.name_en or '-'}",
        "  " + gap.join(facts),
        "",
        table(
            [
                t(f"entities.{h}", lang)
                for h in ("alias_key", "spelling", "source", "score", "documents")
            ],
            [
                (k, e or "", labels.label("alias", src, lang), f"{sc:.0f}", f"{n:,}")
                for k, e, src, sc, n in d.aliases
            ],
            align="lllrr",
        ),
    ]
    if d.edits:
        lines.append("")
        lines += [
            "  "
            + t(
                "entities.edit",
                lang,
                id=e.edit_id,
                action=labels.label("action", e.action, lang),
                name=e.name or "",
            ).rstrip()
            for e in d.edits
        ]
    return "\n".join(lines)


@entities_group.command("show")
@click.argument("entity_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_obj
def entities_show(obj: Context, entity_id: str, as_json: bool) -> None:
    """One entity: its names, the keys they share, and the corrections made to it.

    \b
    Example:
      patnav entities show E1a2b3c4d5e
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        detail = entity_detail(store, entity_id)
    if as_json:
        click.echo(json.dumps(detail.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_detail(detail, lang=obj.lang))


@entities_group.command("merge")
@click.argument("entity_ids", nargs=-1, required=True)
@click.option("--name", default=None, help="The merged entity's name.")
@click.option("--note", default=None, help="Why (kept in the edit log).")
@lang_option
@click.pass_obj
def entities_merge(
    obj: Context, entity_ids: tuple[str, ...], name: str | None, note: str | None
) -> None:
    """Merge entities into one; later runs keep them merged.

    \b
    Example:
      patnav entities merge E1a2b3c4d5e E6f7a8b9c0d --name 华为技术有限公司
    """
    with _open(obj) as store:
        merged = merge_entities(store, entity_ids, name=name, note=note)
        click.echo(render_detail(entity_detail(store, merged), lang=obj.lang))


@entities_group.command("split")
@click.argument("entity_id")
@click.argument("names", nargs=-1, required=True)
@click.option("--name", default=None, help="The new entity's name.")
@click.option("--note", default=None, help="Why (kept in the edit log).")
@lang_option
@click.pass_obj
def entities_split(
    obj: Context,
    entity_id: str,
    names: tuple[str, ...],
    name: str | None,
    note: str | None,
) -> None:
    """Move names (spellings or alias keys) out of an entity into a new one.

    \b
    Example:
      patnav entities split E1a2b3c4d5e "SIEMENS CORP" --name "Siemens Corporation (US)"
    """
    with _open(obj) as store:
        new = split_entity(store, entity_id, names, name=name, note=note)
        click.echo(render_detail(entity_detail(store, new), lang=obj.lang))


@entities_group.command("rename")
@click.argument("entity_id")
@click.argument("name")
@click.option("--note", default=None, help="Why (kept in the edit log).")
@lang_option
@click.pass_obj
def entities_rename(obj: Context, entity_id: str, name: str, note: str | None) -> None:
    """Set the name analyses show for an entity.

    \b
    Example:
      patnav entities rename E1a2b3c4d5e 武汉华星光电技术有限公司
    """
    with _open(obj) as store:
        renamed = rename_entity(store, entity_id, name, note=note)
        click.echo(render_detail(entity_detail(store, renamed), lang=obj.lang))


@entities_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.pass_obj
def entities_export(obj: Context, file: Path) -> None:
    """Write the alias table as CSV to review in a spreadsheet.

    Change an alias's entity_id to move it (a new id such as NEW1 makes a new entity),
    or an entity_name to rename; then 'patnav entities import' the file.

    \b
    Example:
      patnav entities export aliases.csv
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        n = export_aliases(store, file)
    click.echo(t("entities.exported", obj.lang, n=f"{n:,}", file=file))


@entities_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
@click.pass_obj
def entities_import(obj: Context, file: Path) -> None:
    """Apply a reviewed alias file: moves, new entities and renames become corrections.

    \b
    Example:
      patnav entities import aliases.csv
    """
    with _open(obj) as store:
        result = import_aliases(store, file)
    click.echo(
        t(
            "entities.imported",
            obj.lang,
            moved=f"{result.moved:,}",
            new=f"{result.new_entities:,}",
            renamed=f"{result.renamed:,}",
        )
    )
