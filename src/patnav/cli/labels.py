"""Every word the command line prints for people, in Chinese (the default) and English:
the CLI's catalogues of :mod:`patnav.i18n`, the one bilingual mechanism of patnav.

Commands look strings up by key — ``t("stats.office", lang)`` — and ``--lang en`` (or
``PATNAV_CLI_LANG=en``) picks the English column. Machine output (``--json``) keeps its
English keys: those are interfaces. Result fields and table columns of the analyses have
their labels in :data:`FIELDS`; a test checks that every column an analysis prints has one.
"""

from __future__ import annotations

from typing import Any

from patnav.i18n import COMMON, LANGS, UNIT_MEASURE, UNIT_NOUN, Catalogue, Pair, pick

__all__ = [
    "FIELDS",
    "LANGS",
    "SUMMARY",
    "TEXT",
    "UNITS_HEADER",
    "UNIT_MEASURE",
    "UNIT_NOUN",
    "label",
    "pick",
    "t",
]

_TEXT: dict[str, Pair] = {
    # -- shared ---------------------------------------------------------------------------
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "total": ("合计", "total"),
    "seconds": ("耗时（秒）", "s"),
    "documents": ("文献数（篇）", "documents"),
    "n_documents": ("{n} 篇", "{n} documents"),
    "more_rows": (
        "… 另有 {n} 行未显示（用 --rows 显示更多，或用 --json 输出全部）",
        "… {n} more rows (--rows, or --json for all)",
    ),
    "error": ("错误：{message}", "Error: {message}"),
    "internal_error": (
        "内部错误：{kind}: {message}。加 --debug 重新运行可看到调用栈，并请报告此问题。",
        "internal error: {kind}: {message}. Rerun with --debug for the traceback, and "
        "please report it.",
    ),
    # -- init, stats, export ----------------------------------------------------------------
    "init.done": (
        "数据库 {location}：结构版本 {version}",
        "store {location}: schema version {version}",
    ),
    "stats.documents": (
        "共 {documents} 篇文献（{with_pub} 篇有公开号，{with_app} 篇有申请号）；计数单位：篇",
        "{documents} documents ({with_pub} with a publication number, {with_app} with an "
        "application number); counting unit: document",
    ),
    "stats.filed": ("申请日期范围：{first} 至 {last}", "filed {first} … {last}"),
    "stats.office": ("受理局", "office"),
    "stats.type": ("专利类型", "patent type"),
    "stats.year": ("申请年", "filing year"),
    "stats.incomplete": (
        "* 数据不完整：申请一般在申请日后约 18 个月才公开",
        "* incomplete: applications publish about 18 months after filing",
    ),
    "stats.applicants": ("主要申请人", "top applicants"),
    "stats.applicants_entity": (
        "主要申请人（按归并后的实体）",
        "top applicants (by entity)",
    ),
    "stats.province": ("省份（第一申请人）", "province (first applicant)"),
    "stats.city": ("城市（第一申请人）", "city (first applicant)"),
    "stats.by_name": (
        "其中 {n} 篇按申请人名称推断所在地，而非依据地址",
        "{n} of these placed by the applicant's name, not an address",
    ),
    "stats.source": ("来源格式", "source format"),
    "stats.imports": (
        "共导入文件 {imports} 次；被隔离的记录 {quarantined} 条（见 patnav quarantine）",
        "{imports} file imports; {quarantined} quarantined records (see 'patnav "
        "quarantine')",
    ),
    # -- fees due -------------------------------------------------------------------------
    "fees.title.CN": ("中国专利年费", "CN annual fee"),
    "fees.title.US": ("美国专利维持费", "US maintenance fee"),
    "fees.title.EP": ("欧洲专利局续展费（审查中）", "EPO renewal fee (while pending)"),
    "fees.item": ("项目", "item"),
    "fees.value": ("值", "value"),
    "fees.none": ("—", "-"),
    "fees.sources": ("依据：", "sources:"),
    "fees.ep_note": (
        "续展费金额未收录；授权后的年费向各生效国缴纳，不在计算范围内。",
        "amounts are not encoded; after grant, renewal fees go to national offices "
        "(not computed).",
    ),
    "fees.type": ("专利类型", "patent type"),
    "fees.type.invention": ("发明", "invention"),
    "fees.type.utility_model": ("实用新型", "utility model"),
    "fees.type.design": ("外观设计", "design"),
    "fees.app_date": ("申请日", "filing date"),
    "fees.grant_date": ("授权日", "grant date"),
    "fees.paid_through_year": ("已缴至第几年度", "paid through year"),
    "fees.as_of": ("查询日", "as of"),
    "fees.status": ("状态", "status"),
    "fees.status.in_force": ("有效", "in force"),
    "fees.status.in_grace": ("宽限期内（未缴）", "in grace (unpaid)"),
    "fees.status.lapsed": ("未缴年费终止", "lapsed (fee unpaid)"),
    "fees.status.expired": ("期限届满", "expired"),
    "fees.next_year": ("下一缴费年度", "next year"),
    "fees.next_due": ("应缴日", "due"),
    "fees.fee_cny": ("应缴年费（元）", "fee (CNY)"),
    "fees.fee_full_cny": ("全额年费（元）", "full fee (CNY)"),
    "fees.reduction_percent": ("减缴比例（%）", "reduction (%)"),
    "fees.grace_end": ("宽限期届满", "grace ends"),
    "fees.paid_on": ("缴费日", "paid on"),
    "fees.late_fee_cny": ("滞纳金（元）", "late fee (CNY)"),
    "fees.termination_date": ("终止日", "terminated as of"),
    "fees.expiry": ("保护期限届满日", "term ends"),
    "fees.years_maintained_at_as_of": ("维持年数（整年）", "years maintained"),
    "fees.paid_stages": ("已缴阶段", "paid stages"),
    "fees.next_stage": ("下一阶段（年）", "next stage (years)"),
    "fees.window_opens": ("开始缴费日", "window opens"),
    "fees.due": ("应缴日（免附加费）", "due (no surcharge)"),
    "fees.surcharge_grace_end": ("附加费宽限期届满", "surcharge grace ends"),
    "fees.expiry_if_unpaid": ("未缴则失效日", "expires if unpaid"),
    "fees.fee_usd": ("维持费（美元，未减免）", "fee (USD, undiscounted)"),
    "fees.surcharge_usd": ("宽限期附加费（美元）", "surcharge (USD)"),
    "fees.payable_to": ("缴纳对象", "payable to"),
    "fees.payable_to.EPO": ("欧洲专利局", "EPO"),
    "fees.payable_to.national": ("各生效国专利局", "national offices"),
    "fees.fee_eur": ("金额（欧元）", "amount (EUR)"),
    "ptype.invention": ("发明", "invention"),
    "ptype.utility_model": ("实用新型", "utility model"),
    "ptype.design": ("外观设计", "design"),
    "ptype.plant": ("植物专利", "plant"),
    "export.table": ("表", "table"),
    "export.rows": ("行数", "rows"),
    "export.done": ("快照已写入 {folder}", "snapshot written to {folder}"),
    "backup.done": (
        "备份已写入 {out}（{bytes} 字节，库结构版本 {version}）；检索索引在恢复后用 "
        "patnav index 重建",
        "backup written to {out} ({bytes} bytes, schema version {version}); the search "
        "indexes are rebuilt with 'patnav index'",
    ),
    "restore.done": (
        "已从 {backup} 恢复数据库 {store}",
        "store {store} restored from {backup}",
    ),
    "note": ("注：{note}", "note: {note}"),
    # -- import, quarantine -----------------------------------------------------------------
    "import.file": ("文件", "file"),
    "import.format": ("格式", "format"),
    "import.status": ("状态", "status"),
    "import.read": ("读取", "read"),
    "import.new": ("新增", "new"),
    "import.updated": ("更新", "updated"),
    "import.unchanged": ("未变", "unchanged"),
    "import.quarantined": ("隔离", "quarantined"),
    "fstatus.ok": ("成功", "ok"),
    "fstatus.failed": ("失败", "failed"),
    "fstatus.skipped": ("跳过", "skipped"),
    "fstatus.quarantined": ("全部隔离", "quarantined"),
    "import.failed_files": ("{n} 个失败", "{n} failed"),
    "import.all_quarantined_files": ("{n} 个全部隔离", "{n} quarantined"),
    "import.stopped": ("错误：导入中止：{error}", "Error: the import stopped: {error}"),
    "import.warning": ("警告", "warning"),
    "import.quarantine_head": ("被隔离的记录（{n} 条）：", "quarantined ({n}):"),
    "import.quarantine_more": (
        "… 另有 {n} 条：patnav quarantine 列出全部",
        "… and {n} more: 'patnav quarantine' lists them all",
    ),
    "quarantine.import": ("导入批次", "import"),
    "quarantine.position": ("位置", "position"),
    "quarantine.reason": ("原因", "reason"),
    "quarantine.none": ("没有被隔离的记录", "no quarantined records"),
    # -- search, index, sets -----------------------------------------------------------------
    "search.matched": (
        "命中 {total} 篇（{mode}，{ms} 毫秒）：{query}",
        "{total} documents match ({mode}, {ms} ms): {query}",
    ),
    "search.ranked": (
        "排序 {total} 篇（{mode}，{ms} 毫秒）：{query}",
        "{total} documents ranked ({mode}, {ms} ms): {query}",
    ),
    "search.rank": ("序号", "#"),
    "search.number": ("公开号/申请号", "number"),
    "search.filed": ("申请日", "filed"),
    "search.applicant": ("申请人", "applicant"),
    "search.title": ("标题", "title"),
    "search.score": ("相关度", "score"),
    "search.showing": (
        "… 显示前 {shown} 篇，共 {total} 篇；用 --limit 显示更多",
        "… showing {shown} of {total}; --limit shows more",
    ),
    "search.note": ("注：{note}", "note: {note}"),
    "search.one_mode": (
        "只能选一种检索方式：--mode、--semantic、--text 或 --hybrid。",
        "Choose one mode: --mode, --semantic, --text or --hybrid.",
    ),
    "search.no_query": (
        "请给出检索式（QUERY），或用 --like 文献号 查找相似专利。",
        "Give a QUERY, or --like DOC for documents like a patent.",
    ),
    "search.save_like": (
        "--save 保存的是检索式，不能保存 --like 的结果。",
        "--save keeps a query; it cannot save --like results.",
    ),
    "search.saved": (
        "已保存为专利集“{name}”（{n} 篇）",
        "saved as patent set '{name}' ({n} documents)",
    ),
    "mode.boolean": ("检索式", "boolean"),
    "mode.text": ("全文", "text"),
    "mode.semantic": ("语义", "semantic"),
    "mode.hybrid": ("混合", "hybrid"),
    "index.update": (
        "全文索引更新：新增 {added}，修改 {changed}，删除 {removed}，用时 {seconds} 秒",
        "full text: {added} added, {changed} changed, {removed} removed in {seconds} s",
    ),
    "index.embedded": (
        "向量：本次计算 {embedded} 篇（每秒 {rate} 篇），尚余 {remaining} 篇",
        "vectors: {embedded} embedded ({rate} docs/s), {remaining} still to embed",
    ),
    "index.fulltext": (
        "全文索引：{documents} 篇文献，{postings} 条倒排记录，{state}",
        "full-text index: {documents} documents, {postings} postings, {state}",
    ),
    "index.current": ("与数据库一致", "current"),
    "index.behind": (
        "落后于数据库（请运行 patnav index）",
        "behind the store (run patnav index)",
    ),
    "index.vectors": (
        "向量（{model}）：{documents} / {total} 篇文献",
        "vectors ({model}): {documents} of {total} documents",
    ),
    "sets.name": ("名称", "name"),
    "sets.mode": ("方式", "mode"),
    "sets.documents": ("文献数（篇）", "documents"),
    "sets.last_run": ("最近运行", "last run"),
    "sets.query": ("检索式", "query"),
    "sets.none": (
        "还没有专利集：用 patnav search 检索式 --save 名称 保存一个",
        "no patent sets yet: save one with patnav search QUERY --save NAME",
    ),
    "sets.head": ("专利集“{name}”（{mode}）", "set '{name}' ({mode})"),
    "sets.query_line": ("检索式：{query}", "query: {query}"),
    "sets.description": ("说明：{text}", "description: {text}"),
    "sets.last_run_line": (
        "最近运行 {at}：{n} 篇",
        "last run {at}: {n} documents",
    ),
    "sets.members_note": ("上次运行时的成员", "members of the last run"),
    "sets.run": ("专利集“{name}”：{n} 篇", "set '{name}': {n} documents"),
    "sets.since": (
        "与上次运行相比：新增 {new} 篇，移出 {removed} 篇（上次 {previous} 篇）",
        "since the last run: {new} new, {removed} dropped out (was {previous})",
    ),
    "sets.new": ("新增", "new"),
    "sets.dropped": ("移出", "dropped"),
    "sets.exported": ("已将 {n} 篇写入 {path}", "{n} documents written to {path}"),
    "sets.deleted": ("已删除专利集“{name}”", "deleted patent set '{name}'"),
    # -- enrich, entities --------------------------------------------------------------------
    "enrich.step": ("步骤", "step"),
    "enrich.name": ("代码", "name"),
    "enrich.changed": ("变更行数", "changed"),
    "enrich.summary": ("摘要", "summary"),
    "enrich.total": (
        "共变更 {n} 行，用时 {seconds} 秒",
        "{n} rows changed in {seconds} s",
    ),
    "enrich.nothing": (
        "（无需处理：数据库已经加工过）",
        " (nothing to do: the store was already enriched)",
    ),
    "enrich.skipped": ("已跳过：{reason}", "skipped: {reason}"),
    "entities.id": ("实体", "entity"),
    "entities.documents": ("文献数", "documents"),
    "entities.name": ("名称", "name"),
    "entities.type": ("类型", "type"),
    "entities.place": ("所在地", "place"),
    "entities.names": ("名称写法数", "names"),
    "entities.reviewed": ("已复核", "reviewed"),
    "entities.name_zh": ("中文名", "Chinese name"),
    "entities.name_en": ("英文名", "English name"),
    "entities.alias_key": ("别名键", "alias key"),
    "entities.spelling": ("写法", "spelling"),
    "entities.source": ("来源", "source"),
    "entities.score": ("相似度", "score"),
    "entities.edit": ("修正 {id}：{action} {name}", "edit {id}: {action} {name}"),
    "entities.exported": (
        "已将 {n} 个别名写入 {file}",
        "{n} aliases written to {file}",
    ),
    "entities.imported": (
        "移动 {moved} 个名称，新建 {new} 个实体，重命名 {renamed} 个",
        "{moved} names moved, {new} new entities, {renamed} renamed",
    ),
    "alias.auto": ("自动", "auto"),
    "alias.manual": ("人工", "manual"),
    "action.merge": ("合并", "merge"),
    "action.split": ("拆分", "split"),
    "action.rename": ("重命名", "rename"),
    "party.company": ("企业", "company"),
    "party.university": ("高校", "university"),
    "party.institute": ("科研院所", "research institute"),
    "party.hospital": ("医院", "hospital"),
    "party.individual": ("个人", "individual"),
    "party.government": ("机关团体", "public body"),
    "party.other": ("其他", "other"),
    "party.unknown": ("未识别", "unidentified"),
    # -- analyze -----------------------------------------------------------------------------
    "analyze.parameters": ("参数", "parameters"),
    "analyze.region_scope": ("申请人位于{region}", "applicants in {region}"),
    "analyze.not_a_number": (
        "--param {name}={text}：应为数字（{annotation}）。",
        "--param {name}={text}: expected a number ({annotation}).",
    ),
    "analyze.bad_region": (
        "--region {text}：请写成 湖北省、province=湖北省、city=泰安市 或 country=US。",
        "--region {text}: use 湖北省, province=…, city=… or country=….",
    ),
    "analyze.unknown": (
        "没有名为“{name}”的分析。可用的分析：{known}（见 patnav analyze --list）。",
        "Unknown analysis '{name}'. Known: {known} (patnav analyze --list).",
    ),
    "analyze.bad_param": (
        "--param {item}：“{name}”可设的参数为 {accepted}。",
        "--param {item}: '{name}' takes {accepted}.",
    ),
    "analyze.no_params": ("（无）", "no parameters"),
    "analyze.needs_spec": (
        "“{name}”需要导航方案：加 --spec 方案文件.yaml。",
        "'{name}' needs --spec FILE.",
    ),
    "serve.running": (
        "patnav 网页平台：{url}（数据目录 {root}；事件循环 {loop}，HTTP 解析器 {http}）",
        "patnav web platform on {url} (data root {root}; event loop {loop}, HTTP parser "
        "{http})",
    ),
    # -- tenants and users ------------------------------------------------------------------
    "tenant.added": ("单位 {id}：{label}（{level}）", "tenant {id}: {label} ({level})"),
    "tenant.none": (
        "还没有单位：patnav tenant add 山东省 --level province",
        "no tenant yet: patnav tenant add 山东省 --level province",
    ),
    "tenant.id": ("编号", "id"),
    "tenant.tenant": ("单位", "tenant"),
    "tenant.level": ("层级", "level"),
    "tenant.region": ("地区", "region"),
    "tenant.users": ("用户数", "users"),
    "tenant.stores": ("数据库数", "stores"),
    "tenant.store_added": (
        "数据库 {id}：{name} → {owner}（{path}）",
        "store {id}: {name} → {owner} ({path})",
    ),
    "user.added": (
        "已创建用户 {username}（{role}），所属单位：{tenant}",
        "user {username} ({role}) of {tenant} created",
    ),
    "user.none": (
        "还没有用户：patnav user add admin --tenant 山东省 --role admin",
        "no user yet: patnav user add admin --tenant 山东省 --role admin",
    ),
    "user.user": ("用户名", "user"),
    "user.name": ("姓名", "name"),
    "user.tenant": ("单位", "tenant"),
    "user.role": ("角色", "role"),
    "user.active": ("启用", "active"),
    "user.last_login": ("最近登录（UTC）", "last sign-in (UTC)"),
    "user.password": ("密码", "Password"),
    "user.passwd": ("用户 {username} 的密码已修改", "password of {username} changed"),
    "level.province": ("省级", "province"),
    "level.city": ("市级", "city"),
    "level.park": ("园区/基地", "park or base"),
    "level.org": ("单位", "organisation"),
    "role.admin": ("管理员", "administrator"),
    "role.analyst": ("分析师", "analyst"),
    "role.department": ("政府部门", "government department"),
    "role.enterprise": ("企业用户", "enterprise"),
    "role.bank": ("金融机构", "bank"),
}
TEXT = Catalogue("patnav.cli.labels.TEXT", _TEXT, COMMON)
"""Every message and heading the commands print (with the shared :data:`COMMON`)."""


_FIELDS: dict[str, Pair] = {
    # figures of a result
    "scope": ("分析范围", "scope"),
    # the development route
    "development_route.before": (
        "首个时间段之前申请（未列入路线）",
        "filed before the first period (not on the route)",
    ),
    "development_route.branch": ("技术分支", "branch"),
    "development_route.period": ("时间段", "period"),
    "development_route.first_date": ("最早日期", "earliest date"),
    "development_route.basis": ("入选依据", "basis"),
    "development_route.cited": ("被引次数", "times cited"),
    "development_route.cited_in_set": ("范围内被引", "cited within the scope"),
    "development_route.spc": ("经过该专利的引证路径数", "search path count (SPC)"),
    # chain candidate rules
    "active_window": (
        "候选对象活跃区间（申请年）",
        "candidates' active window (filing years)",
    ),
    "individuals": ("候选含个人", "individuals among candidates"),
    "by_priority": (
        "无地址时按首次申请国定位",
        "placed by first-filing country without address",
    ),
    "max_weapons_share": (
        "武器类（F41/F42）占比上限",
        "max share in weapons classes (F41/F42)",
    ),
    # hot-spot rules
    "china": ("中国来源单元", "units of Chinese origin"),
    "term_ended": (
        "按期限推算已届满（估计，非已知状态）",
        "term ended by estimate (not a known status)",
    ),
    "coverage": ("法律状态覆盖率", "legal status coverage"),
    "share_of_all": ("占全部比重", "share of all"),
    "unlocated_provinces": (
        "未定位到省份的中国单元",
        "Chinese units without a province",
    ),
    "unlocated_cities": ("未定位到城市的中国单元", "Chinese units without a city"),
    "max_share": (
        "常见词阈值（单元占比上限）",
        "common-term threshold (max share of units)",
    ),
    "untranslated": ("无中文对照的英文词数", "English terms without a Chinese form"),
    "effects_from_source": (
        "功效取自来源数据的单元数",
        "units with the source's own effects",
    ),
    "count_by": ("计数单位", "counting unit"),
    "group_by": ("排名主体", "ranked by"),
    "cutoff": ("数据截止日", "data cut-off"),
    "cutoff_source": ("截止日所依来源文件", "cut-off set by the file"),
    "incomplete_from": ("数据不完整的起始申请年", "incomplete from"),
    "total": ("总量", "total"),
    "total_units": ("总量", "total units"),
    "analysed_units": ("已分析", "analysed units"),
    "cagr": ("年均复合增长率", "CAGR"),
    "cagr_window": ("增长率计算区间", "CAGR window"),
    "lifecycle": ("技术生命周期", "lifecycle"),
    "phase": ("阶段", "phase"),
    "window": ("判定区间", "window"),
    "filings_growth": ("申请量增长", "filings growth"),
    "applicants_growth": ("申请人数增长", "applicants growth"),
    "evidence": ("依据", "evidence"),
    "recent_window": ("近三年区间", "recent window"),
    "previous_window": ("前三年区间", "previous window"),
    "concentration": ("集中度", "concentration"),
    "cr4": ("CR4", "CR4"),
    "cr8": ("CR8", "CR8"),
    "hhi": ("HHI", "HHI"),
    "concentration.level": ("市场结构", "market structure"),
    "collaborative_units": ("合作申请量", "collaborative units"),
    "components": ("连通分量", "components"),
    "density": ("网络密度", "density"),
    "modularity": ("模块度", "modularity"),
    "inventors_total": ("发明人总数", "inventors"),
    "basis": ("计数口径", "basis"),
    "classified": ("有分类号", "classified"),
    "known": ("法律状态已知", "with known status"),
    "with_citations": ("有引证数据", "with citations"),
    "citations_made": ("引用次数", "citations made"),
    "score_rule": ("核心度规则", "score rule"),
    "method": ("方法", "method"),
    "title": ("标题", "title"),
    "chain.title": ("导航方案", "spec"),
    "region": ("区域", "region"),
    "chain.region": ("导航区域", "home region"),
    "home_total": ("本地", "home"),
    "national_total": ("全国", "national"),
    "world_total": ("全球", "world"),
    "home": ("本地", "home"),
    "geography.home": ("本地区对比", "home region"),
    "national": ("全国", "national"),
    "world": ("全球", "world"),
    "share_of_national": ("占全国比重", "share of national"),
    "share_of_world": ("占全球比重", "share of world"),
    "national_share_of_world": ("全国占全球比重", "national share of world"),
    # table columns
    "year": ("申请年", "filing year"),
    "filings": ("申请量", "filings"),
    "publications": ("首次公开", "first publications"),
    "grants": ("授权/公告", "grants"),
    "applicants": ("申请人数", "applicants"),
    "incomplete": ("数据完整性", "completeness"),
    "growth": ("增长率", "growth"),
    "dimension": ("维度", "dimension"),
    "label": ("名称", "name"),
    "share": ("占比", "share"),
    "rank": ("排名", "rank"),
    "name": ("名称", "name"),
    "applicants.name": ("申请人", "applicant"),
    "network.name": ("申请人", "applicant"),
    "inventors.name": ("发明人", "inventor"),
    "competitors.name": ("对标对象", "competitor"),
    "party_type": ("类型", "type"),
    "recent": ("近三年", "recent"),
    "previous": ("前三年", "previous"),
    "inventions": ("发明", "inventions"),
    "granted_inventions": ("发明授权", "granted inventions"),
    "grant_ratio": ("发明授权率", "grant ratio"),
    "in_force": ("有效", "in force"),
    "in_force_share": ("有效率", "in force share"),
    "first_year": ("首次申请年", "first year"),
    "last_year": ("最近申请年", "last year"),
    "partners": ("合作伙伴数", "partners"),
    "shared_units": ("合作申请量", "shared units"),
    "community": ("合作群", "community"),
    "applicant": ("申请人", "applicant"),
    "productivity": ("年均产出", "per year"),
    "coinventors": ("合作发明人", "co-inventors"),
    "level": ("层级", "level"),
    "code": ("分类号", "code"),
    "title_zh": ("含义", "title"),
    "title_en": ("含义", "title"),
    "status": ("法律状态", "legal status"),
    "legal.label": ("法律状态", "legal status"),
    "legal.term_ended": ("期限届满（推算）", "term ended (estimated)"),
    "legal.coverage": ("法律状态已知占比", "status known, share of all"),
    "legal.share_of_all": ("占全部比例", "share of all"),
    "doc_id": ("文献号", "document"),
    "filing_year": ("申请年", "filing year"),
    "cited_by_source": ("被引次数（来源）", "cited (source)"),
    "cited_in_store": ("库内被引", "cited in store"),
    "cited_in_scope": ("范围内被引", "cited in scope"),
    "documents": ("文献数", "documents"),
    "score": ("核心度得分", "core score"),
    "term": ("技术词", "term"),
    "lang": ("语言", "language"),
    "node": ("技术环节", "node"),
    "rta": ("显示性技术优势 RTA", "RTA"),
    "home_growth": ("本地增长率", "home growth"),
    "position": ("定位", "position"),
    "citations_per_unit": ("篇均被引", "citations per unit"),
    "capability.subject": ("评价对象", "subject"),
    "capability.province": ("省份", "province"),
    "capability.city": ("城市", "city"),
    "capability.enterprise": ("所查企业", "enterprise asked"),
    "capability.total": ("参评企业数", "enterprises scored"),
    "capability.name": ("企业", "enterprise"),
    "capability.industry": ("行业", "industry"),
    "capability.index": ("创新能力指数", "capability index"),
    "capability.peer_rank": ("同组排名", "rank among peers"),
    "capability.peers": ("同组企业数", "peers"),
    "capability.coverage": ("指标覆盖", "indicator coverage"),
    "capability.missing": ("缺失指标", "missing indicators"),
    "value.use": ("评估用途", "use"),
    "value.use_label": ("用途名称", "use (label)"),
    "value.scored": ("已评分", "scored"),
    "value.mean_score": ("平均分", "mean score"),
    "value.median_score": ("中位分", "median score"),
    "value.mean_coverage": ("平均数据覆盖率", "mean coverage"),
    "value.model": ("评分模型", "model"),
    "value.grade": ("价值等级", "grade"),
    "value.score": ("价值分", "score"),
    "value.coverage": ("数据覆盖率", "coverage"),
    "value.label_zh": ("指标", "indicator"),
    "value.name": ("指标代码", "indicator code"),
}
FIELDS = Catalogue("patnav.cli.labels.FIELDS", _FIELDS)
"""Labels of analysis result fields and table columns; ``analysis.field`` (or
``parent.field`` for a figure inside another) overrides ``field``."""

UNITS_HEADER = Catalogue(
    "patnav.cli.labels.UNITS_HEADER",
    {
        "family": ("专利族数（族）", "families"),
        "application": ("申请量（件）", "applications"),
        "document": ("文献量（篇）", "documents"),
    },
)
"""The header of a count column, with its counting unit."""

_SUMMARY: dict[str, Pair] = {
    "ipc_zh_damaged": ("IPC 中文释义受损", "IPC titles damaged"),
    "names": ("规范化名称", "names"),
    "keys": ("名称键", "keys"),
    "typed_by_name": ("按名称判定类型", "typed by name"),
    "typed_as_inventor": ("按发明人判定为个人", "typed as inventor"),
    "marked_source": ("来源已给出所在地", "placed by the source"),
    "codes_for_source_rows": ("补行政区划代码", "codes for source rows"),
    "distinct_inputs": ("不同地址与名称", "distinct inputs"),
    "entities": ("实体", "entities"),
    "fuzzy_attached": ("模糊匹配并入", "fuzzy attached"),
    "edits_replayed": ("重放人工修正", "edits replayed"),
    "aliases_changed": ("别名变更", "aliases changed"),
    "entities_changed": ("实体变更", "entities changed"),
    "parties_changed": ("当事人变更", "parties changed"),
    "sei": ("战略性新兴产业", "strategic emerging industries"),
    "documents": ("文献", "documents"),
    "families": ("同族", "families"),
    "multi_document_families": ("多文献同族", "multi-document families"),
    "largest_family": ("最大同族文献数", "largest family"),
    "source_families": ("来源给出的同族", "families from the source"),
    "today": ("计算日期", "as of"),
    "expiry_estimated": ("估算届满日", "expiry estimated"),
    "expiry_confirmed_or_source": ("来源给出届满日", "expiry from the source"),
    "expiry_unknown": ("届满日未知", "expiry unknown"),
    "maintenance_rows": ("维持状态记录", "maintenance rows"),
    "in_grace": ("年费宽限期内（估算）", "in grace (estimated)"),
}
SUMMARY = Catalogue("patnav.cli.labels.SUMMARY", _SUMMARY)
"""Labels of the figures an enrichment step reports (``StepReport.summary``); the printed
summary shows the labelled ones, ``--json`` all of them."""


def t(key: str, lang: str, **values: Any) -> str:
    """The string ``key`` in ``lang`` with ``{name}`` fields filled from ``values``.

    Raises:
        MissingTextError: (a KeyError) no such key (a bug: every string a command prints
            is in :data:`TEXT`).
    """
    return TEXT.text(key, lang, **values)


def label(prefix: str, value: str | None, lang: str) -> str:
    """The label of a coded value (``mode.boolean``, ``role.admin``), else the value."""
    if value is None:
        return t("unknown", lang)
    return TEXT.label(prefix, value, lang)
