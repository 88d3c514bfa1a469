"""``patnav abnormal``: abnormal patent filings (非正常专利申请) — batches of near-identical
content, split filings, volumes beyond capacity, content recombined from others'
documents, agency concentration — each flag with its evidence and the rule behind it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from patnav.cli import Context, cli, lang_option
from patnav.cli.render import table
from patnav.errors import InputError, StoreError
from patnav.i18n import Catalogue
from patnav.models.abnormal.rules import (
    KINDS,
    AbnormalResult,
    Thresholds,
    applicant_documents,
    detect,
)
from patnav.search.api import matching_ids
from patnav.storage.store import PatentStore

TEXT = Catalogue(
    "patnav.cli.abnormal.TEXT",
    {
        "summary": (
            "文献 {documents} 件，申请 {applications} 件；比对内容 {compared} 件，"
            "文本不足未比对 {too_short} 件；近似对 {pairs} 对，其中一案双申不计 {dual} 对"
            "（申请日未知 {dual_unknown} 对）、分案不计 {divisional} 对、"
            "可能要求本国优先权不计 {priority} 对、同一发明多国或同族申请不计 {family} 对；"
            "申请日未知（不计入年申请量）{year_unknown} 件",
            "{documents} documents, {applications} applications; {compared} compared, "
            "{too_short} without enough text not compared; {pairs} near-duplicate "
            "pairs, of which {dual} dual filings ({dual_unknown} with the day unknown) "
            "{divisional} divisionals, {priority} possible domestic-priority pairs and "
            "{family} filings of one invention at several offices or in one family not "
            "counted; {year_unknown} without a filing "
            "date (not in yearly volumes)",
        ),
        "recombined": (
            "拼凑核查：判断 {judged} 件（依权利要求 {claims} 件、依摘要 {abstract} 件）；"
            "未判断：常用语以外的文本不足 {too_short} 件、无摘要和权利要求 {no_text} 件、"
            "申请日未知 {date_unknown} 件、外观设计 {designs} 件",
            "recombination check: {judged} judged ({claims} on their claims, {abstract} "
            "on their abstract); not judged: {too_short} with too little uncommon text, "
            "{no_text} without abstract or claims, {date_unknown} without a filing "
            "date, {designs} designs",
        ),
        "counts": ("标记：{counts}", "flags: {counts}"),
        "none": ("未发现标记", "no flags"),
        "written": ("已写入 {path}", "written to {path}"),
        "empty": ("没有符合条件的文献", "no matching documents"),
    },
)
HEADS = Catalogue(
    "patnav.cli.abnormal.HEADS",
    {
        "kind": ("类型", "kind"),
        "subject": ("对象", "subject"),
        "message": ("说明", "message"),
        "threshold": ("阈值", "threshold"),
    },
)
KINDS_EN = {
    "batch": "batch",
    "split": "split",
    "volume": "volume",
    "agency": "agency",
    "recombined": "recombined",
}


def render(result: AbnormalResult, lang: str) -> str:
    """The flags as a table under a summary."""
    d = result.to_dict()
    lines = [
        TEXT.text(
            "summary",
            lang,
            documents=d["documents"],
            applications=d["applications"],
            compared=d["compared"],
            too_short=d["not_compared_too_short"],
            pairs=d["near_duplicate_pairs"],
            dual=d["exempt_dual_filing"],
            dual_unknown=d["exempt_dual_filing_day_unknown"],
            divisional=d["exempt_divisional"],
            priority=d["exempt_domestic_priority"],
            family=d["exempt_same_invention"],
            year_unknown=d["year_unknown"],
        )
    ]
    check = d["recombined_check"]
    if check is not None:
        lines.append(
            TEXT.text(
                "recombined",
                lang,
                judged=check["judged"],
                claims=check["judged_on_claims"],
                abstract=check["judged_on_abstract"],
                too_short=check["not_judged_too_short"],
                no_text=check["not_judged_no_text"],
                date_unknown=check["not_judged_date_unknown"],
                designs=check["not_judged_design"],
            )
        )
    names = KINDS if lang != "en" else KINDS_EN
    lines.append(
        TEXT.text(
            "counts",
            lang,
            counts="，".join(f"{names[k]} {n}" for k, n in result.counts().items()),
        )
    )
    if not result.flags:
        lines.append(TEXT.text("none", lang))
        return "\n".join(lines)
    rows = [
        (names[f.kind], f.subject[:30], f.message, f.threshold) for f in result.flags
    ]
    heads = [HEADS.text(k, lang) for k in ("kind", "subject", "message", "threshold")]
    lines.append(table(heads, rows))
    return "\n".join(lines)


def _write(out: Path, result: AbnormalResult, lang: str) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"Cannot write {out}: --out takes a .csv or .xlsx file name.")
    frame = result.to_frame()
    try:
        if suffix == ".xlsx":
            frame.to_excel(out, index=False)
        else:
            frame.to_csv(out, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"Cannot write {out}: {exc.strerror}.") from exc
    click.echo(TEXT.text("written", lang, path=out))


@cli.command("abnormal")
@click.option(
    "--query",
    default=None,
    help="Only documents matching this expert query (检索式), e.g. 'AD>=2015'.",
)
@click.option(
    "--applicant",
    default=None,
    help="Only documents of an applicant whose name contains this (related applicants "
    "outside the selection are not seen).",
)
@click.option(
    "--thresholds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file of thresholds over the shipped thresholds.yaml.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the flags as JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write one row per flag to FILE (.csv or .xlsx).",
)
@lang_option
@click.pass_obj
def abnormal_command(
    obj: Context,
    query: str | None,
    applicant: str | None,
    thresholds: Path | None,
    as_json: bool,
    out: Path | None,
) -> None:
    """Abnormal patent filings (非正常专利申请): batches of identical or near-identical
    content (MinHash over title, abstract and claims), split filings across related
    applicants, volumes beyond an inventor's or applicant's capacity, applications
    recombined from passages of two or more earlier documents of other applicants
    (拼凑, judged against the whole store even with --query or --applicant), and
    agencies with a high share of them. Same-day invention + utility-model pairs of the same
    applicants (一案双申) are lawful and not flagged.

    \b
    Example:
      patnav abnormal --applicant 泰安 --out 非正常申请.xlsx
      patnav abnormal --query 'AD>=2015' --json
    """
    t = Thresholds.load(thresholds)
    path = obj.settings.store
    if str(path) != ":memory:" and not Path(path).exists():
        raise StoreError(
            f"No store at {path}. Create one first ('patnav import FILES'), or point "
            "--store / PATNAV_STORE at an existing store."
        )
    with PatentStore.open(path, read_only=True) as store:
        ids: list[str] | None = None
        if query:
            ids = matching_ids(
                store, query, update_index=False, data_dir=obj.settings.data_dir
            )
        if applicant:
            own = applicant_documents(store, applicant)
            ids = own if ids is None else sorted(set(ids) & set(own))
        result = detect(store, ids, t)
    if out is not None:
        _write(out, result, obj.lang)
    if as_json:
        click.echo(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)
        )
        return
    click.echo(render(result, obj.lang))
