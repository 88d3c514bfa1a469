"""``patnav match``: supply–demand matching (专利技术供需对接) — enterprises' technical
needs against the patents on offer (university and institute patents in force never
transferred or licensed, and owners' listings), explained, in both directions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table
from patnav.errors import InputError, InvalidParameterError, StoreError
from patnav.i18n import Catalogue
from patnav.models.matching import (
    Matching,
    Need,
    Supply,
    match,
    read_listings,
    read_needs,
    supply,
    write_match_list,
)
from patnav.storage.store import PatentStore

TEXT = Catalogue(
    "patnav.cli.match.TEXT",
    {
        "supply": (
            "截至 {as_of} 的供给：存量专利盘活 {idle} 件，挂牌 {listed} 件；"
            "状态未知（不计入有效）{unknown} 件；挂牌号码不在库中 {missing} 件",
            "supply at {as_of}: {idle} idle university/institute patents, {listed} "
            "listed; {unknown} of unknown status (not counted as in force); {missing} "
            "listed numbers not in the store",
        ),
        "method": (
            "匹配方式：{method}；匹配范围 {pool} 件",
            "method: {method}; {pool} patents matched against",
        ),
        "need": ("需求 {id}：{text}", "need {id}: {text}"),
        "none": ("（无匹配专利）", "(no matching patent)"),
        "written": ("已写入 {path}", "written to {path}"),
    },
)
HEADS = Catalogue(
    "patnav.cli.match.HEADS",
    {
        "rank": ("排名", "rank"),
        "pub": ("公开号", "publication"),
        "title": ("专利名称", "title"),
        "owner": ("专利权人", "owner"),
        "terms": ("共同词语", "shared terms"),
        "ipc": ("共同IPC", "shared IPC"),
        "record": ("持有/转让/许可", "held/transfers/licences"),
    },
)
METHOD_ZH = {"hybrid": "全文与语义混合排序", "fulltext": "全文排序"}


def _unknown(value: int | None) -> str:
    return "未知" if value is None else str(value)


def render(matching: Matching, goods: Supply, lang: str) -> str:
    """The supply's counts, then each need's matches as a table."""
    counts = goods.counts()
    listed = sum(n for k, n in counts.items() if k in ("开放许可", "转让", "许可"))
    lines = [
        TEXT.text(
            "supply",
            lang,
            as_of=goods.as_of.isoformat(),
            idle=counts.get("idle", 0),
            listed=listed,
            unknown=counts["unknown_status"],
            missing=counts["listings_not_in_store"],
        ),
        TEXT.text(
            "method",
            lang,
            method=METHOD_ZH[matching.method] if lang != "en" else matching.method,
            pool=matching.pool,
        ),
        *matching.notes,
    ]
    heads = [
        HEADS.text(k, lang)
        for k in ("rank", "pub", "title", "owner", "terms", "ipc", "record")
    ]
    for n in matching.needs:
        lines.append("")
        lines.append(TEXT.text("need", lang, id=n.need.need_id, text=n.need.text[:60]))
        if not n.matches:
            lines.append(TEXT.text("none", lang))
            continue
        rows = [
            (
                m.rank,
                m.pub_number or "",
                (m.title or "")[:24],
                "；".join(m.owners)[:20],
                "、".join(m.matched_terms[:6]),
                "、".join(m.shared_ipc[:3]),
                f"{_unknown(m.owner_patents)}/{_unknown(m.owner_transfers)}/"
                f"{_unknown(m.owner_licences)}",
            )
            for m in n.matches
        ]
        lines.append(table(heads, rows))
    return "\n".join(lines)


def _day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"--as-of 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


@cli.command("match")
@click.option(
    "--needs",
    "needs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Enterprises' technical needs: CSV, XLSX or JSONL with 需求 (text) and optional "
    "编号, 企业, IPC, 行业, 地区 (see docs/matching.md).",
)
@click.option(
    "--need",
    "need_text",
    default=None,
    help="One need as text, instead of --needs.",
)
@click.option(
    "--supply-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Owners' listings: CSV or XLSX with 公开号, 许可类型 (开放许可/转让/许可) and "
    "optional 费用/条件.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="The day status and events are judged at, YYYY-MM-DD (default: today).",
)
@click.option(
    "--include-unknown",
    is_flag=True,
    help="Also match university/institute patents whose legal status is unknown "
    "(marked 未知, never as in force).",
)
@click.option(
    "--top",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Patents listed per need (and needs per patent).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the matches to FILE.xlsx (one sheet, one row per match, with the "
    "explanation columns) for a 对接活动.",
)
@lang_option
@click.pass_obj
def match_command(
    obj: Context,
    needs_file: Path | None,
    need_text: str | None,
    supply_file: Path | None,
    as_of: str | None,
    include_unknown: bool,
    top: int,
    as_json: bool,
    out: Path | None,
) -> None:
    """Supply–demand matching (专利技术供需对接): each need's best patents among those
    on offer — university and institute patents in force never transferred or licensed
    (存量专利盘活), plus the listings of --supply-file — by full-text and semantic
    ranking, narrowed by the need's IPC and region; each match explained (shared terms,
    shared IPC classes, the owner's patents, transfers and licences); and each patent's
    needs.

    \b
    Example:
      patnav match --needs 需求.xlsx --supply-file 开放许可.xlsx --out 对接清单.xlsx
      patnav match --need '秸秆发酵制备饲料，降低成本' --top 5 --json
    """
    if (needs_file is None) == (need_text is None):
        raise InputError("Give the needs: --needs FILE or --need TEXT (one of them).")
    if out is not None and out.suffix.lower() != ".xlsx":
        raise InputError(f"Cannot write {out}: --out takes a .xlsx file name.")
    needs = (
        read_needs(needs_file)
        if needs_file is not None
        else (Need("1", str(need_text).strip()),)
    )
    listings = read_listings(supply_file) if supply_file is not None else ()
    path = obj.settings.store
    if str(path) != ":memory:" and not Path(path).exists():
        raise StoreError(
            f"No store at {path}. Create one first ('patnav import FILES'), or point "
            "--store / PATNAV_STORE at an existing store."
        )
    with PatentStore.open(path, read_only=True) as store:
        goods = supply(store, _day(as_of), listings)
        result = match(
            store,
            needs,
            goods.doc_ids(include_unknown=include_unknown),
            top=top,
            supply_items=goods.by_doc(),
            data_dir=obj.settings.data_dir,
        )
    if out is not None:
        try:
            write_match_list(result, out)
        except OSError as exc:
            raise InputError(f"Cannot write {out}: {exc.strerror}.") from exc
        if not as_json:
            click.echo(TEXT.text("written", obj.lang, path=out))
    if as_json:
        payload = {"supply": goods.to_dict()["counts"], **result.to_dict()}
        payload["as_of"] = goods.as_of.isoformat()
        echo_json(payload)
        return
    click.echo(render(result, goods, obj.lang))
