"""Enterprise commands: ``patnav enterprises import | list | show | links | groups``."""

from __future__ import annotations

from pathlib import Path

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table, width
from patnav.enterprises.groups import (
    Group,
    decide_group,
    import_groups,
    list_groups,
    suggest_groups,
)
from patnav.enterprises.links import Link, decide_link, link_enterprises, list_links
from patnav.enterprises.register import AMOUNT_UNITS
from patnav.enterprises.sizes import SIZES
from patnav.enterprises.store import (
    Enterprise,
    RegisterImport,
    find_enterprise,
    import_register,
    list_enterprises,
)
from patnav.enterprises.vocabulary import QUALIFICATIONS
from patnav.i18n import Catalogue, Pair, say
from patnav.storage.store import PatentStore

_TEXT: dict[str, Pair] = {
    "imported": (
        "{file}：读取 {rows} 行，新增 {new} 家，更新 {updated} 家，未变 {unchanged} 家，"
        "新增资质 {quals} 条，隔离 {rejected} 行",
        "{file}: {rows} rows read, {new} new, {updated} updated, {unchanged} unchanged, "
        "{quals} qualifications added, {rejected} rows quarantined",
    ),
    "rejected": ("  隔离：{position}：{reason}", "  quarantined: {position}: {reason}"),
    "sizes": ("  企业规模：{sizes}", "  sizes: {sizes}"),
    "linked": (
        "关联：{linked}/{total} 家企业已关联申请人；待审核 {review} 条",
        "links: {linked} of {total} enterprises linked to applicants; {review} to review",
    ),
    "total": ("共 {n} 家企业", "{n} enterprises"),
    "no_links": ("没有待审核的关联。", "No links to review."),
    "no_groups": ("没有企业集团。", "No corporate groups."),
    "link_decided": ("关联 {id} 已{status}。", "Link {id} {status}."),
    "groups_imported": (
        "{file}：{groups} 个集团，{members} 家成员企业；跳过 {rejected} 行",
        "{file}: {groups} groups, {members} members; {rejected} rows skipped",
    ),
    "skipped": ("  跳过：{position}：{reason}", "  skipped: {position}: {reason}"),
    "suggested": (
        "按名称建议 {groups} 个集团、{members} 家成员企业（待审核）；"
        "已有决定的 {skipped} 条未重复建议",
        "{groups} groups with {members} members suggested from names (to review); "
        "{skipped} already decided not suggested again",
    ),
}
TEXT = Catalogue("patnav.cli.enterprises.TEXT", _TEXT)
"""The messages of the enterprise commands."""

HEADS = Catalogue(
    "patnav.cli.enterprises.HEADS",
    {
        "name": ("企业名称", "name"),
        "uscc": ("统一社会信用代码", "USCC"),
        "region": ("地区", "region"),
        "size": ("规模", "size"),
        "quals": ("资质", "qualifications"),
        "links": ("关联申请人", "linked applicants"),
        "link_id": ("关联编号", "link"),
        "enterprise": ("企业", "enterprise"),
        "applicant": ("申请人", "applicant"),
        "method": ("方式", "method"),
        "confidence": ("置信度", "confidence"),
        "status": ("状态", "status"),
        "note": ("说明", "note"),
        "documents": ("文献数", "documents"),
        "relation": ("关系", "relation"),
        "reason": ("理由", "reason"),
        "former_names": ("曾用名", "former names"),
        "founded": ("成立", "founded"),
        "employees": ("从业人员", "employees"),
        "revenue": ("营业收入", "revenue"),
        "assets": ("资产总额", "assets"),
        "rd_spending": ("研发投入", "R&D spending"),
        "rd_staff": ("研发人员", "R&D staff"),
        "industry": ("行业", "industry"),
        "listing": ("上市情况", "listing"),
    },
)
"""Table headers and the labels of an enterprise's facts."""


def _h(keys: str, lang: str) -> list[str]:
    return [HEADS.text(k, lang) for k in keys.split()]


@cli.group("enterprises")
def enterprises_group() -> None:
    """The enterprise register (企业库): import lists, review links to applicants and
    corporate groups.

    \b
    Example:
      patnav enterprises import 专精特新小巨人企业名单.xlsx
    """


def render_import(report: RegisterImport, lang: str) -> str:
    """One import's outcome as text."""
    lines = [
        TEXT.text(
            "imported",
            lang,
            file=report.file,
            rows=report.rows + len(report.rejected),
            new=report.new,
            updated=report.updated,
            unchanged=report.unchanged,
            quals=report.qualifications,
            rejected=len(report.rejected),
        )
    ]
    if report.sizes:
        sizes = say(lang, "，", ", ").join(
            f"{say(lang, SIZES[k], k)} {n}" for k, n in report.sizes.items()
        )
        lines.append(TEXT.text("sizes", lang, sizes=sizes))
    lines += [
        TEXT.text("rejected", lang, position=r.position, reason=r.reason)
        for r in report.rejected
    ]
    return "\n".join(lines)


@enterprises_group.command("import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--qualification",
    type=click.Choice(list(QUALIFICATIONS)),
    default=None,
    help="The qualification every row of the list holds, when its title and file name "
    "do not say.",
)
@click.option("--year", type=int, default=None, help="That qualification's year.")
@click.option(
    "--unit",
    type=click.Choice(list(AMOUNT_UNITS)),
    default=None,
    help="Unit of amounts whose header and cell state none (元, 万元, 亿元).",
)
@click.option(
    "--no-link",
    is_flag=True,
    help="Do not link the enterprises to applicants afterwards.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@lang_option
@click.pass_obj
def enterprises_import(
    obj: Context,
    files: tuple[Path, ...],
    qualification: str | None,
    year: int | None,
    unit: str | None,
    no_link: bool,
    as_json: bool,
) -> None:
    """Import enterprise lists (.xlsx, .csv): bad rows are quarantined with their reason.

    Then links every enterprise to applicants of the patent data (see 'links').

    \b
    Example:
      patnav enterprises import 高新技术企业认定名单.csv --year 2019
    """
    with PatentStore.open(obj.settings.store) as store:
        reports = [
            import_register(
                store, f, qualification=qualification, year=year, amount_unit=unit
            )
            for f in files
        ]
        linked = None if no_link else link_enterprises(store)
    if as_json:
        echo_json(
            {
                "imports": [r.to_dict() for r in reports],
                "links": linked.to_dict() if linked else None,
            }
        )
        return
    for r in reports:
        click.echo(render_import(r, obj.lang))
    if linked is not None:
        click.echo(
            TEXT.text(
                "linked",
                obj.lang,
                linked=linked.linked_enterprises,
                total=linked.enterprises,
                review=linked.by_status.get("review", 0),
            )
        )


def _quals(e: Enterprise, lang: str) -> str:
    return "、".join(
        say(lang, q.label, q.qualification) + (f"({q.year})" if q.year else "")
        for q in e.qualifications
    )


def _region(e: Enterprise) -> str:
    return "".join(p for p in (e.province, e.city, e.district) if p) or "-"


@enterprises_group.command("list")
@click.option("--name", default=None, help="Part of the name (or a former name).")
@click.option(
    "--qualification",
    type=click.Choice(list(QUALIFICATIONS)),
    default=None,
    help="Only enterprises holding this qualification.",
)
@click.option(
    "--size", type=click.Choice(list(SIZES)), default=None, help="Only this size."
)
@click.option("--limit", default=50, show_default=True, help="Rows to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_obj
def enterprises_list(
    obj: Context,
    name: str | None,
    qualification: str | None,
    size: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List the register's enterprises with their size, qualifications and links.

    \b
    Example:
      patnav enterprises list --qualification little_giant
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        result = list_enterprises(
            store, name=name, qualification=qualification, size=size, limit=limit
        )
    if as_json:
        echo_json(result.to_dict())
        return
    lang = obj.lang
    click.echo(
        table(
            _h("name uscc region size quals links", lang),
            [
                (
                    e.name,
                    e.uscc or "-",
                    _region(e),
                    say(lang, e.size_label, e.size),
                    _quals(e, lang) or "-",
                    e.links,
                )
                for e in result.enterprises
            ],
        )
    )
    click.echo(TEXT.text("total", lang, n=result.total))


def render_enterprise(e: Enterprise, lang: str) -> str:
    """One enterprise as text."""

    def amount(v: float | None) -> str:
        return "-" if v is None else f"{v:,.0f}" + say(lang, " 万元", " (10k CNY)")

    size = say(lang, e.size_label, e.size)
    if e.size == "unknown" and e.size_reason:
        size += say(lang, f"（{e.size_reason}）", f" ({e.size_reason})")
    values = [
        ("uscc", e.uscc or "-"),
        ("former_names", "、".join(e.former_names) or "-"),
        ("region", _region(e)),
        ("founded", e.founded or "-"),
        ("employees", "-" if e.employees is None else f"{e.employees:,}"),
        ("revenue", amount(e.revenue_wan)),
        ("assets", amount(e.assets_wan)),
        ("rd_spending", amount(e.rd_spending_wan)),
        ("rd_staff", "-" if e.rd_staff is None else f"{e.rd_staff:,}"),
        ("industry", e.industry_code or e.industry_raw or "-"),
        ("size", size),
        ("listing", say(lang, e.listing_label, e.listing) or "-"),
        ("quals", _quals(e, lang) or "-"),
        ("links", str(e.links)),
    ]
    rows = [(HEADS.text(key, lang), value) for key, value in values]
    label_width = max(width(k) for k, _v in rows)
    lines = [f"{e.enterprise_id}  {e.name}"]
    lines += [f"  {k}{' ' * (label_width - width(k))}  {v}" for k, v in rows]
    return "\n".join(lines)


@enterprises_group.command("show")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_obj
def enterprises_show(obj: Context, key: str, as_json: bool) -> None:
    """One enterprise by its id, 统一社会信用代码 or name, with its linked applicants.

    \b
    Example:
      patnav enterprises show 914403001922038216
    """
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        e = find_enterprise(store, key)
        links = list_links(store, status=None, enterprise=e.enterprise_id)
    if as_json:
        echo_json({**e.to_dict(), "applicants": [x.to_dict() for x in links]})
        return
    click.echo(render_enterprise(e, obj.lang))
    if links:
        click.echo("")
        click.echo(_links_table(links, obj.lang))


def _links_table(links: list[Link], lang: str) -> str:
    return table(
        _h(
            "link_id enterprise applicant method confidence status documents note", lang
        ),
        [
            (
                x.link_id,
                x.enterprise_name,
                x.applicant_name,
                say(lang, x.method_label, x.method),
                f"{x.confidence:.2f}",
                say(lang, x.status_label, x.status),
                x.documents,
                x.note or "",
            )
            for x in links
        ],
    )


@enterprises_group.command("links")
@click.option(
    "--all", "all_", is_flag=True, help="Every link, not only those to review."
)
@click.option(
    "--accept", "accept", multiple=True, help="Accept a link (by id; repeat)."
)
@click.option(
    "--reject", "reject", multiple=True, help="Reject a link (by id; repeat)."
)
@click.option(
    "--relink", is_flag=True, help="Link the register to applicants again first."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_obj
def enterprises_links(
    obj: Context,
    all_: bool,
    accept: tuple[str, ...],
    reject: tuple[str, ...],
    relink: bool,
    as_json: bool,
) -> None:
    """The review list of uncertain links between enterprises and applicants; accept or
    reject them (decisions survive relinking).

    \b
    Example:
      patnav enterprises links --accept L1a2b3c4d5e
    """
    writing = bool(accept or reject or relink)
    opener = (
        obj.existing_store()
        if writing
        else PatentStore.open(obj.settings.store, read_only=True)
    )
    with opener as store:
        if relink:
            link_enterprises(store)
        for link_id in accept:
            decide_link(store, link_id, accept=True)
        for link_id in reject:
            decide_link(store, link_id, accept=False)
        links = list_links(store, status=None if all_ else "review")
    if as_json:
        echo_json([x.to_dict() for x in links])
        return
    if not links:
        click.echo(TEXT.text("no_links", obj.lang))
        return
    click.echo(_links_table(links, obj.lang))


@enterprises_group.group("groups", invoke_without_command=True)
@click.option(
    "--all", "all_", is_flag=True, help="Every member, also suggested and rejected."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lang_option
@click.pass_context
def groups_group(ctx: click.Context, all_: bool, as_json: bool) -> None:
    """Corporate groups (企业集团): list them; import, suggest, accept or reject members.

    Without a subcommand, lists the accepted groups (--all: with suggestions).

    \b
    Example:
      patnav enterprises groups suggest
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        groups = list_groups(store, status=None if all_ else "accepted")
    _show_groups(groups, obj.lang, as_json)


def _show_groups(groups: list[Group], lang: str, as_json: bool) -> None:
    if as_json:
        echo_json([g.to_dict() for g in groups])
        return
    if not groups:
        click.echo(TEXT.text("no_groups", lang))
        return
    blocks = []
    for g in groups:
        head = f"{g.group_id}  {g.name}"
        if g.parent_name is None:
            head += say(lang, "（母公司未知）", "  (parent unknown)")
        blocks.append(
            head
            + "\n"
            + table(
                _h("name relation status documents reason", lang),
                [
                    (
                        m.name,
                        say(lang, m.relation_label, m.relation),
                        say(lang, m.status_label, m.status),
                        m.documents,
                        m.reason or "",
                    )
                    for m in g.members
                ],
            )
        )
    click.echo("\n\n".join(blocks))


@groups_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@lang_option
@click.pass_obj
def groups_import(obj: Context, file: Path) -> None:
    """Import a group table (母公司, 成员企业, 关系 子公司/分公司): members are accepted.

    \b
    Example:
      patnav enterprises groups import 企业集团.csv
    """
    with obj.existing_store() as store:
        result = import_groups(store, file)
    click.echo(
        TEXT.text(
            "groups_imported",
            obj.lang,
            file=result.file,
            groups=result.groups,
            members=result.members,
            rejected=len(result.rejected),
        )
    )
    for position, reason in result.rejected:
        click.echo(TEXT.text("skipped", obj.lang, position=position, reason=reason))


@groups_group.command("suggest")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@lang_option
@click.pass_obj
def groups_suggest(obj: Context, as_json: bool) -> None:
    """Suggest groups from names (…分公司, …（武汉）有限公司, names differing only by place).

    \b
    Example:
      patnav enterprises groups suggest
    """
    with obj.existing_store() as store:
        result = suggest_groups(store)
        groups = list_groups(store, status="suggested")
    if as_json:
        echo_json({**result.to_dict(), "groups": [g.to_dict() for g in groups]})
        return
    click.echo(
        TEXT.text(
            "suggested",
            obj.lang,
            groups=result.groups,
            members=result.members,
            skipped=result.skipped_decided,
        )
    )


def _decide(obj: Context, group_id: str, member: str | None, accept: bool) -> None:
    with obj.existing_store() as store:
        group = decide_group(store, group_id, accept=accept, member=member)
    _show_groups([group], obj.lang, False)


@groups_group.command("accept")
@click.argument("group_id")
@click.option("--member", default=None, help="Only this member (by name).")
@lang_option
@click.pass_obj
def groups_accept(obj: Context, group_id: str, member: str | None) -> None:
    """Accept a group's suggested members (or one of them).

    \b
    Example:
      patnav enterprises groups accept G1a2b3c4d5e
    """
    _decide(obj, group_id, member, True)


@groups_group.command("reject")
@click.argument("group_id")
@click.option("--member", default=None, help="Only this member (by name).")
@lang_option
@click.pass_obj
def groups_reject(obj: Context, group_id: str, member: str | None) -> None:
    """Reject a group's suggested members (or one of them); they are not suggested again.

    \b
    Example:
      patnav enterprises groups reject G1a2b3c4d5e --member 泰安市华硕能源科技有限公司
    """
    _decide(obj, group_id, member, False)
