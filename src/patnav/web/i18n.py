"""Every string the web pages show, in Chinese (the default) and English: the web's
catalogue of :mod:`patnav.i18n`, the one bilingual mechanism of patnav.

Templates and routers look strings up by key: ``t("nav.search")``. The language is chosen by
``?lang=en`` / ``?lang=zh`` (remembered in a cookie), else the cookie, else Chinese. A key
missing from the table shows as the key itself, and a test checks that every key the
templates use is here.
"""

from __future__ import annotations

from collections.abc import Callable

from patnav.i18n import DEFAULT_LANG, EVENT_TYPES, LANGS, Catalogue, Pair

__all__ = [
    "DEFAULT_LANG",
    "LABELS",
    "LANGS",
    "LANG_COOKIE",
    "UNKNOWN_VALUES",
    "pick_lang",
    "translate",
    "translator",
    "value_label",
]

LANG_COOKIE = "patnav_lang"

_LABELS: dict[str, Pair] = {
    # -- frame ---------------------------------------------------------------------
    "app.name": ("专利导航平台", "patnav — Patent Navigation"),
    "app.tagline": (
        "专利导航（GB/T 39551）：数据导入、检索、分析、报告与成果发布",
        "Patent navigation (GB/T 39551): import, search, analyse, report and publish",
    ),
    "app.footer": (
        "patnav 开源专利导航平台 · 时间为北京时间（UTC+8）",
        "patnav open-source patent navigation · times are Beijing time (UTC+8)",
    ),
    "lang.switch": ("English", "中文"),
    "nav.home": ("首页", "Home"),
    "nav.stores": ("数据库", "Stores"),
    "nav.search": ("检索", "Search"),
    "nav.sets": ("专利集", "Patent sets"),
    "nav.specs": ("导航方案", "Specs"),
    "nav.reports": ("报告", "Reports"),
    "nav.catalogue": ("成果发布", "Catalogue"),
    "nav.admin": ("管理", "Admin"),
    "nav.account": ("账户", "Account"),
    "nav.api": ("API 文档", "API docs"),
    "nav.logout": ("退出", "Sign out"),
    "nav.signed_in_as": ("当前用户", "Signed in as"),
    # -- roles and levels --------------------------------------------------------------
    "role.admin": ("管理员", "Administrator"),
    "role.analyst": ("分析师", "Analyst"),
    "role.department": ("政府部门", "Government department"),
    "role.enterprise": ("企业用户", "Enterprise"),
    "role.bank": ("金融机构", "Bank"),
    "level.province": ("省级", "Province"),
    "level.city": ("市级", "City"),
    "level.park": ("园区/基地", "Park or base"),
    "level.org": ("单位", "Organisation"),
    "visibility.tenant": ("仅本单位", "This organisation"),
    "visibility.subtree": ("本单位及下级", "This organisation and below"),
    "visibility.public": (
        "全平台公开（无需登录）",
        "Everyone, without signing in",
    ),
    "status.queued": ("排队中", "Queued"),
    "status.running": ("进行中", "Running"),
    "status.done": ("已完成", "Done"),
    "status.failed": ("失败", "Failed"),
    "status.ok": ("成功", "OK"),
    "status.skipped": ("已跳过", "Skipped"),
    # -- common ------------------------------------------------------------------------
    "common.save": ("保存", "Save"),
    "common.create": ("新建", "Create"),
    "common.cancel": ("取消", "Cancel"),
    "common.delete": ("删除", "Delete"),
    "common.download": ("下载", "Download"),
    "common.open": ("打开", "Open"),
    "common.name": ("名称", "Name"),
    "common.description": ("说明", "Description"),
    "common.tenant": ("所属单位", "Organisation"),
    "common.created": ("创建时间", "Created"),
    "common.updated": ("更新时间", "Updated"),
    "common.by": ("创建人", "By"),
    "common.status": ("状态", "Status"),
    "common.actions": ("操作", "Actions"),
    "common.count": ("数量", "Count"),
    "common.none": ("暂无", "None yet"),
    "common.previous": ("上一页", "Previous"),
    "common.next": ("下一页", "Next"),
    "common.page": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "common.back": ("返回", "Back"),
    "common.unknown": ("未知", "Unknown"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.format": ("格式", "Format"),
    "common.language": ("语言", "Language"),
    "common.size": ("大小", "Size"),
    "common.store": ("数据库", "Store"),
    "common.documents": ("篇文献", "documents"),
    "common.seconds": ("秒", "s"),
    "common.all": ("全部", "All"),
    "common.search": ("搜索", "Search"),
    "common.optional": ("（可选）", "(optional)"),
    # -- errors ------------------------------------------------------------------------
    "error.title": ("无法完成操作", "This could not be done"),
    "error.not_found": (
        "找不到该对象，或您无权查看。请检查链接，或返回列表重新选择。",
        "Not found, or not yours to see. Check the link, or pick it again from the list.",
    ),
    "error.forbidden": (
        "您的角色无权执行此操作。如需权限，请联系管理员。",
        "Your role may not do this. Ask an administrator if you need to.",
    ),
    "error.csrf": (
        "页面已过期（安全校验失败）。请刷新页面后重试。",
        "The page has expired (security check failed). Reload the page and try again.",
    ),
    "error.too_large": (
        "文件超过上传大小上限（{limit}）。请拆分文件或压缩后再上传。",
        "The file is larger than the upload limit ({limit}). Split or compress it and "
        "upload again.",
    ),
    "error.body_too_large": (
        "请求内容超过 {limit} 的上限。请缩短内容后再提交；上传数据文件请使用导入功能。",
        "The request is larger than the limit of {limit}. Shorten it; upload data files "
        "through the import form.",
    ),
    "error.throttled": (
        "登录失败次数过多，已暂时锁定 {minutes} 分钟。请稍后再试，或联系管理员重置密码。",
        "Too many failed sign-ins: locked for {minutes} minute(s). Try again later, or "
        "ask an administrator to reset your password.",
    ),
    "error.throttled_account": (
        "该账户登录失败次数过多，已锁定 {minutes} 分钟（无论从哪个地址登录）。请稍后再试，"
        "或联系管理员重置密码。",
        "Too many failed sign-ins for this account: its sign-in is locked for "
        "{minutes} minute(s), from any address. Try again later, or ask an "
        "administrator to reset your password.",
    ),
    "error.rate_limited": (
        "请求过于频繁，请 {seconds} 秒后再试。",
        "Too many requests: try again in {seconds} s.",
    ),
    "error.busy_user": (
        "您已有查询、看板或校验正在处理中，请等它完成后再试（约 {seconds} 秒后）。",
        "You have searches, dashboards or checks running already: wait until they "
        "finish and try again (in about {seconds} s).",
    ),
    "error.busy": (
        "服务器正忙，请 {seconds} 秒后再试。",
        "The server is busy: try again in {seconds} s.",
    ),
    "error.deadline": (
        "请求处理超过 {seconds} 秒，已停止等待。结果计算完成后会保存在缓存中，请稍后重试；"
        "若仍超时，请缩小检索范围或联系管理员。",
        "The request took longer than {seconds} s and was not waited for. Its result "
        "is kept in the cache once computed: try again in a while; if it still times "
        "out, narrow the query or ask an administrator.",
    ),
    "error.pending_import": (
        "您已有 {limit} 个导入任务在排队或进行中，请等其中一个完成后再上传。",
        "You have {limit} imports queued or running: wait until one finishes before "
        "uploading another.",
    ),
    "error.pending_fto": (
        "您已有 {limit} 个侵权排查在排队或进行中，请等其中一个完成后再提交。",
        "You have {limit} FTO screenings queued or running: wait until one finishes "
        "before starting another.",
    ),
    "error.pending_report": (
        "您已有 {limit} 个报告任务在排队或进行中，请等其中一个完成后再生成。",
        "You have {limit} reports queued or running: wait until one finishes before "
        "generating another.",
    ),
    "error.store_failed": (
        "该数据库发生故障，已暂停使用。其他数据库和页面不受影响；管理员可在审计日志中看到"
        "故障记录，从备份恢复数据库文件后即可重新使用。",
        "This store has failed and is out of service. Other stores and pages work as "
        "before; administrators find the failure in the audit log, and the store "
        "opens again once its file is restored from a backup.",
    ),
    "stores.failed": ("故障", "Failed"),
    "stores.failed_help": (
        "该数据库发生故障，暂时无法使用",
        "This store has failed and cannot be used right now",
    ),
    "error.input": ("输入有误：", "Please correct the input: "),
    "error.store": (
        "数据库暂时无法使用：",
        "The store cannot be used right now: ",
    ),
    "error.internal": (
        "服务器内部错误。请稍后重试；若仍失败，请把时间和操作告诉管理员。",
        "Internal error. Try again later; if it persists, tell an administrator the time "
        "and what you did.",
    ),
    "error.back_home": ("返回首页", "Back to the home page"),
    # -- sign-in -----------------------------------------------------------------------
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": (
        "用户名或密码错误。请检查后重试（密码区分大小写）。",
        "Wrong user name or password. Check both and try again (passwords are "
        "case-sensitive).",
    ),
    "login.hint": (
        "首次使用？请管理员用命令 patnav user add 为您开通账户。",
        "First time? An administrator creates your account with 'patnav user add'.",
    ),
    "login.signed_out": ("您已安全退出。", "You have signed out."),
    # -- home --------------------------------------------------------------------------
    "home.title": ("工作台", "Dashboard"),
    "home.welcome": ("欢迎，{name}", "Welcome, {name}"),
    "home.stores": ("我的数据库", "Stores"),
    "home.recent_imports": ("最近导入", "Recent imports"),
    "home.recent_reports": ("最近报告", "Recent reports"),
    "home.recent_publications": ("最新发布成果", "Latest publications"),
    "home.no_stores": (
        "还没有数据库。请先在“数据库”页面新建一个，然后上传专利数据文件导入。",
        "No store yet. Create one on the Stores page, then upload patent data to import.",
    ),
    "home.no_stores_readonly": (
        "您所在单位还没有可查看的数据库。数据由分析师导入后即可在此查看。",
        "Your organisation has no store to view yet. Analysts import data; it appears "
        "here.",
    ),
    "home.quick": ("快捷操作", "Quick actions"),
    "home.no_publications": (
        "还没有可查看的发布成果。报告生成后可在“成果发布”中发布。",
        "No publication to read yet. Publish a finished report in the catalogue.",
    ),
    # -- stores and imports --------------------------------------------------------------
    "stores.title": ("数据库", "Stores"),
    "stores.new": ("新建数据库", "New store"),
    "stores.documents": ("文献数", "Documents"),
    "stores.empty": (
        "还没有数据库。新建一个后即可上传专利数据。",
        "No store yet. Create one, then upload patent data.",
    ),
    "stores.created": ("数据库已创建。", "Store created."),
    "stores.overview": ("数据概览", "Overview"),
    "stores.by_type": ("按专利类型", "By patent type"),
    "stores.by_office": ("按受理局", "By office"),
    "stores.top_applicants": ("主要申请人", "Top applicants"),
    "stores.filing_span": ("申请日范围", "Filing dates"),
    "stores.quarantined": ("隔离记录", "Quarantined records"),
    "stores.no_documents": (
        "该数据库还没有文献。请在下方上传数据文件导入。",
        "This store has no documents yet. Upload a data file below to import.",
    ),
    "stores.semantic": ("语义索引", "Semantic index"),
    "stores.semantic_help": (
        "语义检索需要先计算文献向量（每秒约 10–30 篇，只算一次）。",
        "Semantic search needs document vectors first (10–30 documents a second, "
        "computed once).",
    ),
    "stores.semantic_run": ("计算向量（最多 {n} 篇）", "Embed up to {n} documents"),
    "stores.semantic_coverage": (
        "已计算 {have} / {total} 篇",
        "{have} of {total} documents embedded",
    ),
    "import.title": ("上传并导入", "Upload and import"),
    "import.file": ("数据文件", "Data file"),
    "import.help": (
        "支持 CNIPA/CNKI/incoPat/PatSnap 导出的 xlsx、xls、csv，Lens、Patentscope 导出，"
        "CNIPA/USPTO/EPO XML，Derwent、JSON lines，以及它们的 zip/gzip 压缩包。上限 {limit}。",
        "xlsx, xls and csv exports of CNIPA, CNKI, incoPat or PatSnap, Lens and "
        "Patentscope exports, CNIPA/USPTO/EPO XML, Derwent, JSON lines, and zip or gzip "
        "archives of them. Limit {limit}.",
    ),
    "import.submit": ("上传并导入", "Upload and import"),
    "import.mapping": ("字段映射文件（YAML）", "Column mapping (YAML)"),
    "import.mapping_help": (
        "导出文件的列名无法自动识别时，用映射文件指定“列名 → 字段”，或给所有记录补充默认值"
        "（如地址）。格式见文档 docs/import.md。",
        "When the export's headers are not recognised, a mapping file assigns them to "
        "fields, or gives every record a default (an address). See docs/import.md.",
    ),
    "import.enrich": ("导入后进行数据增强", "Enrich after importing"),
    "import.enrich_help": (
        "归并申请人、识别申请人类型与地区、匹配战略性新兴产业分类、推定法律状态；区域和产业分析需要这一步。",
        "Merges applicants, finds their type and region, maps strategic emerging "
        "industries and estimates legal status; region and industry analyses need it.",
    ),
    "import.enriching": ("正在进行数据增强…", "Enriching the data…"),
    "import.enrich_report": ("数据增强", "Enrichment"),
    "import.enrich_step": ("步骤", "Step"),
    "import.enrich_changed": ("更新行数", "Rows changed"),
    "enrich.class_titles": ("分类号中英文名称", "Classification titles"),
    "enrich.names": ("名称归一化", "Name keys"),
    "enrich.party_types": ("申请人类型识别", "Applicant types"),
    "enrich.locations": ("地址与地区定位", "Locations"),
    "enrich.entities": ("申请人归并", "Applicant entities"),
    "enrich.industries": ("战略性新兴产业分类", "Strategic emerging industries"),
    "enrich.families": ("同族归并", "Families"),
    "enrich.legal": ("法律状态与届满推定", "Legal status and expiry"),
    "enrich.maintenance": ("年费与维持状态", "Fees and maintenance"),
    "import.job": ("导入任务 #{id}", "Import #{id}"),
    "import.progress": ("导入进度", "Progress"),
    "import.current": ("当前文件", "Current file"),
    "import.percent": ("已完成 {pct}%", "{pct}% done"),
    "import.reading": ("正在读取文件…", "Reading the file…"),
    "import.indexing": ("正在更新检索索引…", "Updating the search index…"),
    "import.report": ("导入报告", "Import report"),
    "import.totals": ("合计", "Totals"),
    "import.file_col": ("文件", "File"),
    "import.format_col": ("格式", "Format"),
    "import.read": ("读取", "Read"),
    "import.new": ("新增", "New"),
    "import.updated": ("更新", "Updated"),
    "import.unchanged": ("未变", "Unchanged"),
    "import.quarantined": ("隔离", "Quarantined"),
    "import.quarantine_list": (
        "隔离记录（无法读取的记录及原因）",
        "Quarantined records and why",
    ),
    "import.position": ("位置", "Position"),
    "import.reason": ("原因", "Reason"),
    "import.no_quarantine": (
        "没有记录被隔离：所有记录均已导入。",
        "No record was quarantined: everything was imported.",
    ),
    "import.failed": ("导入失败：", "The import failed: "),
    "import.message": ("说明", "Notes"),
    "import.original_name": ("上传文件", "Uploaded file"),
    "import.list_empty": ("还没有导入记录。", "No imports yet."),
    "import.after": ("下一步：", "Next: "),
    # -- search ------------------------------------------------------------------------
    "search.title": ("专利检索", "Patent search"),
    "search.query": ("检索式", "Query"),
    "search.placeholder": (
        "例：TIAB=(无人机 OR drone) AND AD=[2015 TO 2020]",
        'e.g. TIAB=(drone OR "unmanned aerial vehicle") AND AD=[2015 TO 2020]',
    ),
    "search.mode": ("检索方式", "Mode"),
    "search.cross_lingual": (
        "跨语言检索（中英互译）",
        "Cross-lingual (Chinese ↔ English)",
    ),
    "search.cross_lingual_help": (
        "同时检索检索词的英文（或中文）译法，译法来自 IPC 中英文分类名称与术语表",
        "Also search the terms' translations, from the bilingual IPC titles and the glossary",
    ),
    "mode.boolean": ("专家检索（检索式）", "Expert query"),
    "mode.text": ("全文（BM25）", "Full text (BM25)"),
    "mode.semantic": ("语义检索", "Semantic"),
    "mode.hybrid": ("混合检索", "Hybrid"),
    "search.submit": ("检索", "Search"),
    "search.help_title": ("检索式语法", "Query syntax"),
    "search.no_vectors": (
        "该数据库还没有语义向量。请在数据库页面点击“计算向量”，完成后再用语义或混合检索；"
        "专家检索和全文检索现在就可用。",
        "This store has no document vectors yet. Click “Embed” on the store's page, then "
        "search by meaning; expert and full-text search work now.",
    ),
    "search.no_index": (
        "检索索引正在更新（通常在导入之后）。请稍候片刻再试；专家检索仍可使用。",
        "The search index is being updated (usually after an import). Try again in a "
        "moment; expert queries still work.",
    ),
    "search.syntax_help": (
        "字段：TI 标题、AB 摘要、CL 权利要求、TIAB、TIABC、PA 申请人、IN 发明人、IPC、AD 申请日、"
        "PD 公开日、PROV 省份、CITY 城市、LS 法律状态、TYPE 专利类型；AND/OR/NOT（与/或/非），"
        '括号，"短语"，通配符 * ?，范围 AD=[2015 TO 2020]。',
        "Fields: TI title, AB abstract, CL claims, TIAB, TIABC, PA applicant, IN inventor, "
        "IPC, AD filing date, PD publication date, PROV province, CITY city, LS legal "
        'status, TYPE patent type; AND/OR/NOT, brackets, "phrases", wildcards * ?, '
        "ranges AD=[2015 TO 2020].",
    ),
    "search.total_boolean": (
        "命中 {total} 篇（{ms} 毫秒）",
        "{total} documents match ({ms} ms)",
    ),
    "search.total_ranked": (
        "按相关度排序的前 {total} 篇（{ms} 毫秒）",
        "Top {total} documents by relevance ({ms} ms)",
    ),
    "search.no_hits": (
        "没有命中文献。可尝试放宽条件：减少 AND 条件、使用同义词（OR）、或通配符 *。",
        "Nothing matches. Loosen the query: fewer AND terms, synonyms with OR, or "
        "wildcards *.",
    ),
    "search.syntax_error": (
        "检索式有误（第 {column} 列）：",
        "Query error at column {column}: ",
    ),
    "search.col_number": ("公开（公告）号", "Publication"),
    "search.col_date": ("申请日", "Filed"),
    "search.col_applicant": ("申请人", "Applicant"),
    "search.col_title": ("标题", "Title"),
    "search.col_score": ("得分", "Score"),
    "search.col_ipc": ("主分类号", "Main IPC"),
    "search.save_as": ("保存为专利集", "Save as a patent set"),
    "search.set_name": ("专利集名称", "Set name"),
    "search.saved": ("已保存为专利集。", "Saved as a patent set."),
    "search.pick_store": (
        "请选择要检索的数据库。",
        "Choose the store to search.",
    ),
    "search.notes": ("提示", "Notes"),
    "search.empty": (
        "检索式为空：请输入检索式或检索词。",
        "The query is empty: type an expert query or words to search for.",
    ),
    "search.facets": ("分面统计", "Facets"),
    "search.facets_family": (
        "按同族计数：同族中有一篇命中文献具有该值即计入；点击可筛选。",
        "Families counted: a family counts under a value when one of its matching "
        "documents has it; click to narrow.",
    ),
    "search.facets_document": (
        "按文献计数；点击可筛选。",
        "Documents counted; click to narrow.",
    ),
    "search.clear_filters": ("清除全部筛选", "Clear every filter"),
    "search.facet.applicant": ("申请人", "Applicant"),
    "search.facet.year": ("申请年", "Filing year"),
    "search.facet.type": ("专利类型", "Patent type"),
    "search.facet.province": ("省份（第一申请人）", "Province (first applicant)"),
    "search.facet.ipc": ("IPC 小类", "IPC subclass"),
    "search.facet.status": ("法律状态", "Legal status"),
    "search.facet_more": ("另有 {n} 个值未列出。", "{n} more values not listed."),
    "search.facet_rest": ("展开其余 {n} 个", "{n} more"),
    "search.unknown": ("未知", "Unknown"),
    "search.abroad": ("境外", "Outside China"),
    "search.total_family_boolean": (
        "命中 {documents} 篇文献，合并为 {total} 个同族（{ms} 毫秒）",
        "{documents} documents match, in {total} families ({ms} ms)",
    ),
    "search.total_family_ranked": (
        "按相关度排序的前 {documents} 篇文献，合并为 {total} 个同族（{ms} 毫秒）",
        "Top {documents} documents by relevance, in {total} families ({ms} ms)",
    ),
    "search.group": ("显示方式", "Show"),
    "search.group.family": ("按同族合并", "One row per family"),
    "search.group.document": ("逐篇列出", "Every document"),
    "search.sort": ("排序", "Sort by"),
    "search.sort.relevance": ("相关度", "Relevance"),
    "search.sort.app_date": ("申请日", "Filing date"),
    "search.sort.pub_date": ("公开日", "Publication date"),
    "search.sort.applicant": ("申请人", "Applicant"),
    "search.sort.citations": ("被引次数", "Times cited"),
    "search.order_desc": ("降序，点击改为升序", "descending; click for ascending"),
    "search.order_asc": ("升序，点击改为降序", "ascending; click for descending"),
    "search.export": ("导出结果列表", "Export the list"),
    "search.export_xlsx": ("Excel 表格", "Excel"),
    "search.export_csv": ("CSV 文件", "CSV"),
    "search.col_family": ("同族", "Family"),
    "search.col_pub_date": ("公开日", "Published"),
    "search.col_citations": ("被引次数", "Times cited"),
    "search.members": ("{n} 篇", "{n} documents"),
    "search.app_number": ("申请号", "Application no."),
    "search.app_number_note": (
        "库中没有这篇文献的公开（公告）号，这里显示的是它的申请号",
        "The store has no publication number for this document: this is its "
        "application number",
    ),
    "search.limit_note": (
        "排序检索最多显示前 {n} 篇。",
        "Ranked searches show at most the top {n}.",
    ),
    # -- patent --------------------------------------------------------------------------
    "patent.title": ("专利详情", "Patent"),
    "patent.biblio": ("著录项目", "Bibliographic data"),
    "patent.pub_number": ("公开（公告）号", "Publication number"),
    "patent.app_number": ("申请号", "Application number"),
    "patent.app_date": ("申请日", "Filing date"),
    "patent.pub_date": ("公开（公告）日", "Publication date"),
    "patent.grant_date": ("授权日", "Grant date"),
    "patent.priority_date": ("优先权日", "Priority date"),
    "patent.type": ("专利类型", "Patent type"),
    "patent.office": ("受理局", "Office"),
    "patent.kind": ("文献类型", "Kind"),
    "patent.status": ("法律状态", "Legal status"),
    "patent.expiry": ("届满日", "Expiry"),
    "patent.expiry_estimated": ("届满日（推算）", "Expiry (estimated)"),
    "patent.expiry_estimate_note": (
        "按法定期限自申请日推算，仅对已授权专利推算；未考虑期限补偿、延长或提前终止",
        "estimated from the statutory term, for granted rights only; adjustments, "
        "extensions and earlier lapses are not known",
    ),
    "patent.status_basis": ("（{basis}，{when}）", " ({basis}, {when})"),
    "patent.paren": ("（{text}）", " ({text})"),
    "patent.status_events": ("依据法律事件", "from legal events"),
    "patent.status_source": (
        "依据来源数据的法律状态字段",
        "from the source's status field",
    ),
    "patent.status_as_of": ("截至 {date}", "as of {date}"),
    "patent.status_undated": ("来源未注明状态日期", "the source does not date it"),
    "patent.status_raw": ("；来源原文：{raw}", "; as the source wrote it: {raw}"),
    "patent.status_none": (
        "数据中没有该专利的法律状态字段或法律事件",
        "the data give no status field or legal events for this patent",
    ),
    "patent.status_term": (
        "数据中没有现行法律状态；按法定期限推算期限已届满（估计）",
        "no current status in the data; its statutory term has ended by estimate",
    ),
    "patent.ipc_main": ("主分类号", "Main IPC"),
    "patent.classifications": ("分类号", "Classifications"),
    "patent.applicants": ("申请（专利权）人", "Applicants"),
    "patent.inventors": ("发明（设计）人", "Inventors"),
    "patent.agents": ("代理机构/代理人", "Agency and agents"),
    "patent.address": ("地址", "Address"),
    "patent.abstract": ("摘要", "Abstract"),
    "patent.claims": ("权利要求", "Claims"),
    "patent.independent": ("独立权利要求", "independent"),
    "patent.citations": ("引证文献", "Citations"),
    "patent.cited_by": ("被引证", "Cited by"),
    "patent.cited_by_count": ("被引次数（来源数据）", "Times cited (source)"),
    "patent.events": ("法律事件", "Legal events"),
    "patent.family": ("同族专利", "Family"),
    "patent.priorities": ("优先权", "Priorities"),
    "patent.family_id": ("同族号", "Family id"),
    "patent.no_claims": ("来源数据未提供权利要求。", "The source gives no claims."),
    "patent.no_citations": (
        "来源数据未提供引证信息。",
        "The source gives no citations.",
    ),
    "patent.no_events": (
        "来源数据未提供法律事件。",
        "The source gives no legal events.",
    ),
    "patent.no_family": (
        "库中没有该专利的同族文献。",
        "No other member of this family is in the store.",
    ),
    "patent.value": ("专利价值", "Patent value"),
    "patent.value_use": ("用途", "Use"),
    "patent.value_score": ("价值分", "Score"),
    "patent.value_grade": ("等级", "Grade"),
    "patent.value_legal": ("法律", "Legal"),
    "patent.value_technical": ("技术", "Technical"),
    "patent.value_economic": ("经济", "Economic"),
    "patent.value_coverage": ("覆盖率", "Coverage"),
    "patent.value_missing": ("缺少数据的指标", "Indicators without data"),
    "patent.value_basis": (
        "按 GB/T 42748 指标体系（法律、技术、经济）在对比组 {cohort} 内计算，模型 {model}；"
        "分数只用已知指标，缺失的指标不计为零。",
        "On the GB/T 42748 indicator tree (legal, technical, economic), within the "
        "cohort {cohort}, model {model}; only known indicators count, a missing one is "
        "never zero.",
    ),
    "patent.value_cuts": ("等级分界", "Grade cut points"),
    "patent.value_none": (
        "尚未评分：该库还没有计算这件专利的价值评分。未评分不代表价值为零。",
        "Not scored: the store holds no value score for this patent. Unscored does not "
        "mean worthless.",
    ),
    "patent.category": ("类别", "Category"),
    "patent.date": ("日期", "Date"),
    "patent.event_type": ("事件", "Event"),
    "patent.similar": ("相似专利", "Similar patents"),
    "patent.source": ("数据来源", "Source"),
    "ptype.invention": ("发明", "Invention"),
    "ptype.utility_model": ("实用新型", "Utility model"),
    "ptype.design": ("外观设计", "Design"),
    "ptype.plant": ("植物专利", "Plant"),
    "ptype.unknown": ("类型未知", "Type unknown"),
    "cite.examiner": ("审查员引用", "Examiner"),
    "cite.applicant": ("申请人引用", "Applicant"),
    "cite.third_party": ("第三方引用", "Third party"),
    "cite.unknown": ("未知", "Unknown"),
    "ls.active": ("有效", "Active"),
    "ls.pending": ("审中", "Pending"),
    "ls.lapsed": ("失效", "Lapsed"),
    "ls.expired": ("期限届满", "Expired"),
    "ls.withdrawn": ("撤回", "Withdrawn"),
    "ls.rejected": ("驳回", "Rejected"),
    "ls.invalidated": ("无效", "Invalidated"),
    "ls.unknown": ("未知", "Unknown"),
    "ls.term_ended": ("期限届满（推算）", "Term ended (estimated)"),
    # status detail (patents.status_detail), labels as schema.vocabulary.STATUS_DETAIL_ZH
    "sd.in_force": ("有效", "In force"),
    "sd.pending": ("审中", "Pending"),
    "sd.pct_international": ("PCT国际阶段", "PCT international phase"),
    "sd.pct_national_phase": ("PCT已进入国家阶段", "PCT national phase entered"),
    "sd.pct_not_entered": ("PCT未进入国家阶段", "PCT national phase not entered"),
    "sd.lapsed_non_payment": ("未缴年费终止", "Lapsed (fees unpaid)"),
    "sd.lapsed": ("权利终止", "Lapsed"),
    "sd.expired": ("期限届满", "Expired"),
    "sd.withdrawn": ("撤回", "Withdrawn"),
    "sd.deemed_withdrawn": ("视为撤回", "Deemed withdrawn"),
    "sd.rejected": ("驳回", "Rejected"),
    "sd.invalidated": ("全部无效", "Invalidated"),
    "sd.abandoned": ("放弃", "Abandoned"),
    "sd.unknown": ("未知", "Unknown"),
    # -- sets and dashboard ------------------------------------------------------------
    "sets.title": ("专利集", "Patent sets"),
    "sets.help": (
        "专利集是保存的检索策略：数据更新后重新运行即可得到最新结果。",
        "A patent set is a saved search strategy: re-run it when new data arrives.",
    ),
    "sets.empty": (
        "还没有专利集。在“检索”页面检索后，可将结果保存为专利集。",
        "No patent set yet. Search, then save the query as a set.",
    ),
    "sets.query": ("检索式", "Query"),
    "sets.count": ("文献数", "Documents"),
    "sets.last_run": ("上次运行", "Last run"),
    "sets.rerun": ("重新运行", "Re-run"),
    "sets.export": ("导出 CSV", "Export CSV"),
    "sets.dashboard": ("分析看板", "Dashboard"),
    "sets.rerun_done": (
        "已重新运行：共 {count} 篇，新增 {new} 篇，移出 {removed} 篇。",
        "Re-run: {count} documents, {new} new, {removed} dropped out.",
    ),
    "sets.deleted": ("专利集已删除。", "Patent set deleted."),
    "dash.title": ("分析看板：{name}", "Dashboard: {name}"),
    "dash.unit": ("计数单位：{unit}", "Counting unit: {unit}"),
    "dash.total": ("{total} 个{unit}", "{total} {unit}"),
    "dash.computed": ("分析耗时 {s} 秒（已缓存）", "Computed in {s} s (cached)"),
    "dash.lifecycle": ("技术生命周期", "Lifecycle"),
    "dash.concentration": ("市场集中度", "Concentration"),
    "dash.cagr": ("年均复合增长率", "CAGR"),
    "dash.incomplete": (
        "{year} 年及以后的申请因公开滞后（约 18 个月）尚不完整。",
        "Filings from {year} on are incomplete: applications publish ~18 months after "
        "filing.",
    ),
    "dash.empty": (
        "该专利集没有文献，无法分析。请检查检索式，或导入更多数据后重新运行。",
        "This set holds no documents to analyse. Check its query, or import more data "
        "and re-run it.",
    ),
    "dash.loading": ("正在加载图表…", "Loading the charts…"),
    "dash.no_data": (
        "该项分析没有可显示的数据。",
        "No data to show for this analysis.",
    ),
    "dash.no_status": (
        "来源数据没有法律状态（既无法律状态字段，也无法律事件），不作推定。"
        "请导入含法律状态或法律事件的数据。",
        "The source data gives no legal status (no status field, no legal events), and "
        "none is guessed. Import data that has legal status or legal events.",
    ),
    "dash.no_core": (
        "没有引证数据，无法评出核心专利。导入含引证信息的数据（如 CNIPA/USPTO XML、Lens）后可见。",
        "No citation data to rank core patents. Import data with citations (CNIPA or "
        "USPTO XML, Lens) to see them.",
    ),
    "dash.top_applicants": ("申请人排名", "Applicant ranking"),
    "dash.core_patents": ("核心专利", "Core patents"),
    "dash.col_rank": ("排名", "Rank"),
    "dash.col_units": ("数量", "Units"),
    "dash.col_share": ("占比", "Share"),
    "dash.col_growth": ("近三年增长", "Recent growth"),
    "dash.col_score": ("得分", "Score"),
    "chart.trend": ("申请趋势", "Filing trend"),
    "chart.trend_type": ("按专利类型的申请趋势", "Filings by patent type"),
    "chart.origins": ("技术来源国家/地区", "Origin countries and regions"),
    "chart.provinces": ("国内省份分布", "Chinese provinces"),
    "chart.cities": ("国内城市分布", "Chinese cities"),
    "chart.markets": ("目标市场（受理局）", "Markets (offices)"),
    "chart.applicants": ("主要申请人", "Top applicants"),
    "chart.network": ("申请人合作网络", "Co-applicant network"),
    "chart.inventors": ("主要发明人", "Top inventors"),
    "chart.technology": ("技术构成（IPC 小类）", "Technology (IPC subclasses)"),
    "chart.tech_year": ("技术分支年度分布", "Technologies by year"),
    "chart.legal": ("法律状态", "Legal status"),
    "chart.operations": (
        "专利运营（转让、许可、质押等）",
        "Operations (transfers, licences, pledges …)",
    ),
    "chart.citations": ("被引用最多的专利", "Most cited patents"),
    "chart.filings": ("申请量", "Filings"),
    "chart.publications": ("首次公开", "First publications"),
    "chart.grants": ("授权", "Grants"),
    "chart.incomplete": ("数据不完整", "Incomplete"),
    "chart.unit_suffix": ("单位：{unit}", "unit: {unit}"),
    "chart.times": ("次", "times"),
    "chart.unlocated": ("未定位", "Not located"),
    "chart.unlocated_provinces": (
        "中国来源 {china} {unit}，其中 {unlocated} {unit}（{share}）未能定位到省份",
        "{china} {unit} of Chinese origin; {unlocated} {unit} ({share}) not located to a "
        "province",
    ),
    "chart.unlocated_cities": (
        "中国来源 {china} {unit}，其中 {unlocated} {unit}（{share}）未能定位到城市",
        "{china} {unit} of Chinese origin; {unlocated} {unit} ({share}) not located to a "
        "city",
    ),
    "chart.share_of_china": ("占中国来源", "of Chinese origin"),
    "chart.network_labels": (
        "{labelled} 个主要申请人标注名称（按数量），悬停查看其余",
        "the {labelled} largest applicants are labelled; hover for the others",
    ),
    "chart.citations_sort": (
        "按被引次数降序（来源数据与库内引用取较大者）",
        "by times cited, descending (the larger of the source's and the store's count)",
    ),
    # -- specs -------------------------------------------------------------------------
    "specs.title": ("导航方案", "Navigation specs"),
    "specs.help": (
        "导航方案（YAML）定义一个专利导航项目：技术分解、各节点检索式、区域、对比对象、时间范围、计数单位。",
        "A navigation spec (YAML) defines a navigation project: the technology breakdown, "
        "a query per node, the region, comparators, period and counting unit.",
    ),
    "specs.new": ("新建方案", "New spec"),
    "specs.edit": ("编辑方案", "Edit spec"),
    "specs.yaml": ("方案内容（YAML）", "Spec (YAML)"),
    "specs.validate": ("校验", "Validate"),
    "specs.valid": (
        "方案有效：{title}（{type}，{nodes} 个技术节点）",
        "Valid: {title} ({type}, {nodes} technology nodes)",
    ),
    "specs.invalid": (
        "方案有误，请修改后再保存：",
        "The spec has problems; fix them before saving:",
    ),
    "specs.line": ("第 {line} 行", "line {line}"),
    "specs.saved": ("方案已保存。", "Spec saved."),
    "specs.empty": (
        "还没有导航方案。新建一个，或从示例开始。",
        "No spec yet. Create one, or start from the example.",
    ),
    "specs.type": ("类型", "Type"),
    "specs.version": ("版本", "Version"),
    "specs.readonly": ("您的角色只能查看方案。", "Your role may view specs only."),
    # -- search-strategy quality (查全率/查准率) ------------------------------------------
    "quality.title": ("检索策略质量", "Search-strategy quality"),
    "quality.help": (
        "各技术环节检索式的查准率与查全率。查准率：从该环节的命中文献中随机抽样，逐篇判断相关"
        "与否；结果与区间写入方案的 quality 部分（保存为新版本），并列入报告的“数据与方法”。",
        "Precision and recall of every node's query. Precision: judge a random sample of "
        "the node's hits; the result and its interval go to the spec's quality block (a "
        "new version) and into the report's data and method section.",
    ),
    "quality.node": ("技术环节", "Node"),
    "quality.precision": ("查准率（置信区间）", "Precision (interval)"),
    "quality.recall": ("查全率（置信区间）", "Recall (interval)"),
    "quality.judged_n": ("相关/判断", "Relevant / judged"),
    "quality.known_n": ("检出/已知", "Found / known"),
    "quality.when": ("判断日期（判断人）", "Judged on (by)"),
    "quality.interval": ("区间", "interval"),
    "quality.missing": ("未评估", "not measured"),
    "quality.stale": ("需重新评估（检索式已修改）", "stale (the query changed)"),
    "quality.sample": ("抽样判断查准率", "Judge a sample for precision"),
    "quality.store": ("数据库", "Store"),
    "quality.size": ("样本量", "Sample size"),
    "quality.seed": ("随机种子", "Random seed"),
    "quality.draw": ("抽取样本", "Draw the sample"),
    "quality.no_store": (
        "还没有可用的数据库：先导入数据，再抽样判断。",
        "No store yet: import data first, then judge a sample.",
    ),
    "quality.judge_title": ("判断样本", "Judge the sample"),
    "quality.drawn": (
        "从 {hits} 篇命中文献中随机抽取 {size} 篇（随机种子 {seed}）。逐篇选择相关或不相关，"
        "未判断的不计入。",
        "Of {hits} hits, {size} drawn at random (seed {seed}). Mark each relevant or not; "
        "rows left unjudged do not count.",
    ),
    "quality.number": ("文献号", "Number"),
    "quality.doc": ("标题、申请人与摘要", "Title, applicants and abstract"),
    "quality.verdict": ("判断", "Verdict"),
    "quality.unjudged": ("未判断", "not judged"),
    "quality.relevant": ("相关", "relevant"),
    "quality.not_relevant": ("不相关", "not relevant"),
    "quality.save": ("保存判断并计算查准率", "Save and compute precision"),
    "quality.judged": (
        "已记录查准率，方案已保存为新版本。",
        "Precision recorded; the spec was saved as a new version.",
    ),
    "quality.link": ("检索策略质量（查全率/查准率）", "Search-strategy quality"),
    "quality.recall_title": (
        "已知相关文献测查全率",
        "Recall on a verified-relevant set",
    ),
    "quality.recall_help": (
        "上传已核实相关的文献清单（每行一个公开号或申请号；或含“公开号/申请号”列的 CSV；"
        "或已判断样本中标为相关的行），查全率 = 该环节检出篇数 / 库中已知相关篇数。",
        "Upload the verified-relevant documents (one publication or application number a "
        "line; a CSV with a 公开号/申请号 column; or a judged sample's 相关 rows): recall = "
        "found by the node / known in the store.",
    ),
    "quality.relevant_file": ("已知相关文献清单", "Verified-relevant list"),
    "quality.measure": ("计算查全率", "Measure recall"),
    "quality.recall_recorded": (
        "已记录查全率，方案已保存为新版本。",
        "Recall recorded; the spec was saved as a new version.",
    ),
    "quality.count": ("统计各环节数量", "Count every node"),
    "quality.units": ("命中数量", "Units"),
    "quality.overlap": ("与同级重叠占比", "Overlap with siblings"),
    "quality.scope_units": (
        "分析范围共 {units} 个计数单位；重叠占比为该环节中同时属于同级其他环节的比例。",
        "The scope holds {units} units; the overlap is the share of a node's units that "
        "a sibling node also holds.",
    ),
    "breakdown.export": (
        "导出技术分解表（Excel）",
        "Export the breakdown table (Excel)",
    ),
    "breakdown.import": (
        "从技术分解表（Excel）新建",
        "New from a breakdown table (Excel)",
    ),
    "breakdown.help": (
        "表头写“一级分支”“二级分支”……及“中文关键词”“英文关键词”“IPC”“CPC”“检索式”“备注”；"
        "上级分支可合并单元格或留空沿用上一行。未写检索式的分支按关键词与分类号组配。",
        "Header: level columns (一级分支, 二级分支 …) and 中文关键词, 英文关键词, IPC, CPC, "
        "检索式, 备注; a parent may be merged or left blank under the row naming it. A "
        "branch without a query searches its keywords and classes.",
    ),
    "breakdown.file": ("技术分解表文件（.xlsx）", "Breakdown table (.xlsx)"),
    "breakdown.title": ("方案标题", "Title"),
    "breakdown.province": ("本地省份", "Home province"),
    "breakdown.city": ("本地城市", "Home city"),
    "breakdown.upload": ("上传并校验", "Upload and validate"),
    "rtype.region": ("区域规划类", "Region planning"),
    "rtype.industry": ("产业规划类", "Industry planning"),
    "rtype.enterprise": ("企业经营类", "Enterprise operations"),
    "rtype.rnd": ("研发活动类", "R&D"),
    "rtype.talent": ("人才管理类", "Talent"),
    "rtype.fto": ("侵权风险（FTO）", "Freedom to operate"),
    "rtype.micro": ("微导航", "Micro-navigation"),
    # -- reports -----------------------------------------------------------------------
    "reports.title": ("报告", "Reports"),
    "reports.new": ("生成报告", "Generate a report"),
    "reports.spec": ("导航方案", "Spec"),
    "reports.store": ("数据库", "Store"),
    "reports.submit": ("开始生成", "Generate"),
    "reports.empty": (
        "还没有报告。选择导航方案和数据库即可一键生成。",
        "No report yet. Pick a spec and a store to generate one.",
    ),
    "reports.need_spec": (
        "生成报告前，请先新建一个导航方案。",
        "Create a navigation spec first.",
    ),
    "reports.job": ("报告 #{id}", "Report #{id}"),
    "reports.working": ("正在生成报告，请稍候…", "Generating the report…"),
    "reports.publish": ("发布到成果库", "Publish to the catalogue"),
    "reports.took": ("耗时", "Took"),
    # -- pre-valuation (banks) ---------------------------------------------------------
    "prevalue.title": ("专利资产预评估", "Patent asset pre-valuation"),
    "prevalue.intro": (
        "输入质押专利号或上传专利清单，填写贷款条件：逐件核查有效性、剩余期限、年费、权属与"
        "权利负担，估算价值区间与建议质押率，生成预评估报告。预评估不是资产评估报告。",
        "Enter the pledged patents or upload their list with the loan terms: each patent "
        "is checked (in force, remaining term, annuities, owner, encumbrances), the "
        "portfolio valued as a range with a suggested pledge ratio, and a report written. "
        "A pre-valuation is not an appraisal.",
    ),
    "prevalue.new": ("新建预评估", "New pre-valuation"),
    "prevalue.numbers": (
        "专利号（逗号或换行分隔）",
        "Patent numbers (comma or line separated)",
    ),
    "prevalue.sheet": (
        "或上传专利清单（xlsx 或 csv，含公开号或申请号列）",
        "or upload a list (xlsx or csv with a publication or application number column)",
    ),
    "prevalue.enterprise": (
        "或按企业（名称或统一社会信用代码）",
        "or an enterprise (name or unified social credit code)",
    ),
    "prevalue.borrower": ("借款人", "Borrower"),
    "prevalue.loan_start": ("贷款起始日", "Loan start"),
    "prevalue.term_months": ("贷款期限（月）", "Loan term (months)"),
    "prevalue.amount": ("贷款金额（万元）", "Loan amount (10k CNY)"),
    "prevalue.revenue": (
        "归属于专利的年收入（万元，选填）",
        "Yearly revenue attributable to the patents (10k CNY, optional)",
    ),
    "prevalue.pdf": ("同时生成 PDF 报告", "Also write a PDF report"),
    "prevalue.submit": ("开始预评估", "Pre-value"),
    "prevalue.history": ("预评估记录", "Pre-valuations"),
    "prevalue.empty": ("还没有预评估记录。", "No pre-valuation yet."),
    "prevalue.portfolio": ("评估对象", "Portfolio"),
    "prevalue.patents": ("专利数", "Patents"),
    "prevalue.value": ("价值区间（万元）", "Value range (10k CNY)"),
    "prevalue.ratio": ("建议质押率", "Suggested pledge ratio"),
    "prevalue.cutoff": ("数据截止日", "Data cut-off"),
    "prevalue.checks": ("核查结果", "Checks"),
    "prevalue.not_found": ("库中无此专利", "Not in the store"),
    "prevalue.download": ("下载报告", "Download the report"),
    "prevalue.grade": ("价值等级", "Value grade"),
    "prevalue.reasons": ("理由与依据", "Reasons and evidence"),
    "prevalue.blocked": ("不宜质押", "Not fit for a pledge"),
    "prevalue.methods": ("估值方法", "Valuation approaches"),
    "prevalue.detail": ("逐件核查明细", "Checks of each patent"),
    "prevalue.number": ("专利号", "Patent"),
    "nav.prevalue": ("预评估", "Pre-valuation"),
    # -- the SME cultivation library (培育库) ----------------------------------------
    "nav.sme": ("中小企业培育库", "SME library"),
    "sme.title": ("中小企业培育库", "SME cultivation library"),
    "sme.intro": (
        "专利产业化促进中小企业成长计划培育库：申报、审核、入库、培育、出库与退库的登记，"
        "动态调整规则的核查结果（规则只提出建议，由管理部门办理），以及导出工作簿。",
        "The SME cultivation library: applications, reviews, admissions, cultivation, "
        "graduation and removal; the dynamic-adjustment rules (they propose, the office "
        "decides); the workbook.",
    ),
    "sme.store": ("数据库", "Store"),
    "sme.unavailable": ("无法读取：{error}", "Cannot be read: {error}"),
    "sme.no_register": (
        "该数据库尚无企业库：先用 patnav enterprises import 导入。",
        "This store holds no enterprise register: import one with patnav enterprises "
        "import.",
    ),
    "sme.province": ("省份", "Province"),
    "sme.as_of": ("判断日", "As of"),
    "sme.show": ("查看", "Show"),
    "sme.libraries": ("已有培育库", "Libraries"),
    "sme.library": ("{province}培育库", "Library of {province}"),
    "sme.empty": ("尚无记录", "Nothing recorded yet"),
    "sme.enterprise": ("企业", "Enterprise"),
    "sme.state": ("状态", "State"),
    "sme.applied_on": ("申报日期", "Applied"),
    "sme.admitted_on": ("入库日期", "Admitted"),
    "sme.left_on": ("出库/退库日期", "Left"),
    "sme.effective": ("生效日期（默认今天）", "Effective date (default today)"),
    "sme.reason": ("理由", "Reason"),
    "sme.record": ("登记", "Record"),
    "sme.rules": ("动态调整（判断日 {day}）", "Dynamic adjustment (as of {day})"),
    "sme.rule": ("规则", "Rule"),
    "sme.result": ("结果", "Result"),
    "sme.reason_col": ("说明", "Explanation"),
    "sme.quota": ("补充入库", "Replenishment"),
    "sme.export": ("导出工作簿（xlsx）", "Export the workbook (xlsx)"),
    "sme.find": ("查看企业", "Enterprise"),
    "sme.view": ("查看", "View"),
    "sme.apply": ("登记申报", "Record an application"),
    "sme.enterprise_ref": (
        "企业名称、统一社会信用代码或企业编号",
        "Enterprise name, USCC or id",
    ),
    "sme.apply_note": (
        "申报时按企业库与专利数据核查十项条件并随记录保存（不含企业申报材料与非正常申请"
        "检测；完整核查请用 patnav sme apply --declarations）。",
        "The ten criteria are checked from the register and the patent data and kept "
        "with the record (without declarations or the abnormal-filing detector; use "
        "patnav sme apply --declarations for a full check).",
    ),
    "sme.back": ("返回培育库", "Back to the library"),
    "sme.status_line": (
        "{store} · {province}培育库：{state}",
        "{store} · library of {province}: {state}",
    ),
    "sme.next": ("下一步", "Next"),
    "sme.action": ("事项", "Action"),
    "sme.from_to": ("状态变化", "State"),
    "sme.actor": ("经办/审核", "By"),
    "sme.check": ("十项条件核查", "Ten-criteria check"),
    "sme.missing": ("待补充", "Missing"),
    "sme.recorded_at": ("登记时间", "Recorded"),
    "sme.never": ("未申报", "Not applied"),
    "sme.no_events": ("该企业尚未申报。", "This enterprise has not applied."),
    "sme.accounts": ("企业账号", "Enterprise accounts"),
    "sme.accounts_none": ("尚未绑定企业账号。", "No enterprise account is tied yet."),
    "sme.link": ("绑定企业账号", "Tie an enterprise account"),
    "sme.link_user": ("用户名（企业角色）", "User name (enterprise role)"),
    "sme.link_note": (
        "绑定后，该企业用户可在「我的培育库申报」查看本企业的申报状态与核查结果，并在线申报；"
        "看不到数据库的其他内容。",
        "The user then sees this enterprise's own application, status and check on "
        "'My library application', and may apply online; nothing else of the store.",
    ),
    "nav.sme_mine": ("我的培育库申报", "My library application"),
    "sme.mine_title": ("我的培育库申报", "My library application"),
    "sme.mine_none": (
        "您的账号尚未与培育库中的企业绑定：请联系管理部门（知识产权局）办理。",
        "Your account is not tied to an enterprise of a library: ask the office.",
    ),
    "sme.mine_library": (
        "{province}培育库（{store}）",
        "Library of {province} ({store})",
    ),
    "sme.mine_apply": ("在线申报", "Apply"),
    "sme.mine_applied": ("已提交申报，等待审核。", "Applied; awaiting review."),
    "sme.criteria": (
        "十项入库条件（最近一次核查，{day}）",
        "The ten criteria (last check, {day})",
    ),
    "sme.criterion": ("条件", "Criterion"),
    "sme.ask": ("需补充的材料", "To supply"),
    # -- monitors (动态监测) and the inbox ----------------------------------------------
    "nav.monitors": ("动态监测", "Monitors"),
    "nav.tags": ("标引", "Tagging"),
    "tags.title": ("标引", "Tagging"),
    "tags.intro": (
        "按标引体系复核待标引文献：队列把模型最拿不准的文献排在前面（边际采样），每标引一篇，"
        "下次建议随之更新。点击节点即以您的名义记为人工标引；建议本身不会写成标引。",
        "Review untagged documents of a tag scheme: the queue puts first the documents the "
        "model is least sure about (margin sampling); each tag improves the next "
        "suggestions. A click stores a manual tag in your name; a suggestion is never "
        "stored by itself.",
    ),
    "tags.store": ("数据库", "Store"),
    "tags.unavailable": ("数据库暂不可用：{error}", "Store unavailable: {error}"),
    "tags.no_schemes": (
        "尚无标引体系。在标引页新建，或用 patnav tags scheme 建立。",
        "No tag scheme yet. Create one on the tagging page or with patnav tags scheme.",
    ),
    "tags.schemes": ("标引体系", "Tag schemes"),
    "tags.queue": ("{scheme}：待复核队列", "{scheme}: review queue"),
    "tags.queue_help": (
        "未标引文献 {n} 篇，按边际（最佳与次佳节点得分之差）从小到大排列。",
        "{n} untagged documents, smallest margin (best minus second score) first.",
    ),
    "tags.queue_empty": ("没有未标引的文献。", "No untagged documents."),
    "tags.pub": ("公开号", "Publication"),
    "tags.doc_title": ("名称", "Title"),
    "tags.best": ("建议节点", "Suggested node"),
    "tags.second": ("次选节点", "Runner-up"),
    "tags.margin": ("差距", "Margin"),
    "tags.tag_into": ("标引为", "Tag into"),
    "tags.tag": ("标引", "Tag"),
    "nav.inbox": ("消息", "Inbox"),
    "monitors.title": ("动态监测", "Monitors"),
    "monitors.intro": (
        "监控检索式、专利集、申请人、企业集团或专利组合，按周期运行规则（新增文献、新申请人、"
        "法律状态变化、法律事件、年费到期、宽限期、即将届满、高维持年限专利）；新提醒送达本单位"
        "用户的消息、邮件与回调地址。每项变化只提醒一次。",
        "Monitors watch a query, a set, an applicant, a group or a portfolio with rules "
        "run on a schedule; new alerts reach the tenant's inboxes, e-mail and webhooks. "
        "Each change alerts once.",
    ),
    "monitors.store": ("数据库", "Store"),
    "monitors.none": ("尚无监控。", "No monitor yet."),
    "monitors.name": ("名称", "Name"),
    "monitors.target": ("监控对象", "Target"),
    "monitors.target_kind": ("对象类型", "Target kind"),
    "monitors.kind.set": ("检索式或专利集", "Query or saved set"),
    "monitors.kind.entity": ("申请人", "Applicant"),
    "monitors.kind.group": ("企业集团", "Corporate group"),
    "monitors.kind.numbers": ("专利组合（公开号，逗号分隔）", "Portfolio (numbers)"),
    "monitors.rules": ("规则", "Rules"),
    "monitors.schedule": ("周期", "Schedule"),
    "monitors.schedule_help": (
        "daily、weekly、manual 或 cron 表达式（分 时 日 月 周，UTC）",
        "daily, weekly, manual or a cron expression (UTC)",
    ),
    "monitors.days": ("年费提前天数", "Days ahead (annuities)"),
    "monitors.months": ("届满提前月数", "Months ahead (expiry)"),
    "monitors.years": ("高维持年限（年）", "High maintenance (years)"),
    "monitors.last_run": ("上次运行", "Last run"),
    "monitors.never": ("未运行", "Never"),
    "monitors.add": ("新建监控", "Add a monitor"),
    "monitors.run": ("立即运行", "Run now"),
    "monitors.remove": ("删除", "Remove"),
    "monitors.runs": ("运行记录", "Runs"),
    "monitors.started": ("开始", "Started"),
    "monitors.documents": ("文献数", "Documents"),
    "monitors.new_alerts": ("新提醒", "New alerts"),
    "monitors.status": ("结果", "Result"),
    "monitors.alerts": ("最新提醒", "Latest alerts"),
    "monitors.ran": (
        "已运行监控 {name}：新提醒 {alerts} 条（已送达消息）",
        "Ran {name}: {alerts} new alert(s), delivered",
    ),
    "monitors.unavailable": ("数据库暂不可用：{error}", "Store unavailable: {error}"),
    # -- FTO screening (infringement navigation) -------------------------------------
    "nav.fto": ("侵权排查", "FTO"),
    "fto.title": ("专利侵权风险排查（FTO）", "FTO screening"),
    "fto.intro": (
        "描述拟出口的产品，给出目标国家/地区与判断日：逐件检索可能被侵犯的专利，按目标国判断"
        "有效、审中或已失效，把独立权利要求的每项技术特征与产品特征逐项对比（全面覆盖原则），"
        "给出风险等级；分析人员可逐项修正结论，修正记入报告。初步筛查，不构成法律意见。",
        "Describe the product to export and name its target countries and a date: the "
        "patents it may infringe are found, placed in force, pending or lapsed there, "
        "and each element of their independent claims compared with the product (all-"
        "elements rule), with a risk level; an analyst may correct each verdict, and the "
        "corrections go into the report. A screening, not a legal opinion.",
    ),
    "fto.new": ("新建排查", "New screening"),
    "fto.product": (
        "产品说明（文字，中文或英文；也可每行一个技术特征）",
        "Product description (Chinese or English text, or one feature a line)",
    ),
    "fto.product_file": (
        "或上传产品说明文件（.txt、.md、.docx、.yaml、.json）",
        "or upload a description (.txt, .md, .docx, .yaml, .json)",
    ),
    "fto.countries": (
        "目标国家/地区（两位代码，逗号分隔，如 CN, US, DE）",
        "Target countries (two-letter codes, comma separated: CN, US, DE)",
    ),
    "fto.as_of": ("判断日（默认今天）", "As of (default today)"),
    "fto.top": ("候选专利数", "Candidates"),
    "fto.applicants": (
        "优先查看的申请人/竞争对手（选填，每行一个）",
        "Applicants or competitors to look at (optional, one a line)",
    ),
    "fto.ipc": (
        "限定 IPC 分类号（选填，每行一个）",
        "IPC classes (optional, one a line)",
    ),
    "fto.query": ("限定检索式（选填）", "Narrowing query (optional)"),
    "fto.lexical": (
        "仅按共有词比对（更快，不用语义模型；跨语言特征无法判断）",
        "Compare by shared terms only (faster, no embedder; other-language elements "
        "stay unclear)",
    ),
    "fto.pdf": ("同时生成 PDF 报告", "Also write a PDF report"),
    "fto.submit": ("开始排查", "Screen"),
    "fto.history": ("排查记录", "Screenings"),
    "fto.empty": ("还没有排查记录。", "No screening yet."),
    "fto.product_label": ("排查对象", "Product"),
    "fto.countries_short": ("目标国", "Countries"),
    "fto.as_of_short": ("判断日", "As of"),
    "fto.candidates": ("候选专利数", "Candidates"),
    "fto.risk": ("风险", "Risk"),
    "fto.working": (
        "正在排查：检索候选专利并逐项比对权利要求，通常需 5–40 秒，请稍候…",
        "Screening: finding candidates and charting their claims, usually 5–40 s…",
    ),
    "fto.show": ("查看排查结果", "Show the result"),
    "fto.download": ("下载报告", "Download the report"),
    "fto.features": ("产品技术特征", "Product features"),
    "fto.feature_n": ("特征{n}", "Feature {n}"),
    "fto.method": ("比对方式", "Comparison"),
    "fto.method_semantic": (
        "分词共有词比对与多语种语义相似度结合",
        "shared terms and multilingual semantic similarity",
    ),
    "fto.method_lexical": (
        "仅按分词后的共有词比对（未使用语义模型）",
        "shared terms only (no embedder)",
    ),
    "fto.prefilter": ("限定检索式", "Narrowing query"),
    "fto.candidate_table": ("候选专利一览", "Candidates"),
    "fto.no_candidates": ("未检索到候选专利。", "No candidate found."),
    "fto.pub_number": ("公开号", "Publication"),
    "fto.title_col": ("名称", "Title"),
    "fto.verdict": ("全部技术特征", "All elements"),
    "fto.charts": ("权利要求对比", "Claim charts"),
    "fto.chart_help": (
        "左为权利要求的技术特征，右为最接近的产品特征；相似度 ≥ {met} 为满足，≥ {possible} "
        "为可能满足。机器结论保留不变，分析人员的修正为当前结论，全面覆盖结论与风险按修正后"
        "的结论重新判定。",
        "Left: the claim's elements; right: the closest product feature. Similarity ≥ "
        "{met} is met, ≥ {possible} possibly met. The machine's verdict is kept; an "
        "analyst's correction is the current verdict, and the claim's conclusion and the "
        "risk are decided again from it.",
    ),
    "fto.reasons": ("理由", "Reasons"),
    "fto.no_claims": (
        "库中无可比对的权利要求文本，未作对比。",
        "No claim text in the store to compare.",
    ),
    "fto.claim": ("权利要求{num}", "Claim {num}"),
    "fto.claim_col": ("权利要求", "Claim"),
    "fto.index": ("序号", "No."),
    "fto.element": ("权利要求技术特征", "Claim element"),
    "fto.feature": ("对应产品特征", "Matched product feature"),
    "fto.similarity": ("相似度", "Similarity"),
    "fto.machine": ("机器结论", "Machine verdict"),
    "fto.current": ("当前结论", "Current verdict"),
    "fto.edit": ("修正结论", "Correct"),
    "fto.comment": ("说明（选填）", "Comment (optional)"),
    "fto.save": ("保存", "Save"),
    "fto.corrected": ("分析师修正", "Corrected by an analyst"),
    "fto.conclusion": ("全面覆盖结论", "All-elements conclusion"),
    "fto.design_around": (
        "规避设计空间（不满足的技术特征序号）",
        "Design-around room (elements not met)",
    ),
    "fto.fallbacks": ("从属权利要求（退守位置）", "Dependent claims (fall-backs)"),
    "fto.inherited": (
        "所引独立权利要求{num}不满足，按同一原则不满足，未逐项对比。",
        "Its independent claim {num} is not met, so neither is it; not charted.",
    ),
    "fto.not_charted": (
        "未逐项对比其附加技术特征（无附加技术特征文本，或所引独立权利要求经修正后不再不满足），"
        "结论无法判断。",
        "Its own elements were not compared (no text of them, or its claim was corrected "
        "from not met): unclear.",
    ),
    "fto.lists": ("可自由实施与需关注清单", "Free to use and to watch"),
    "fto.free": ("可自由实施（已失效）", "Free to use (lapsed)"),
    "fto.watch": ("需关注（审中）", "To watch (pending)"),
    "fto.unknown_status": (
        "法律状态未知（不视为已失效）",
        "Status unknown (never taken as free)",
    ),
    "fto.not_in_country": ("未进入目标国", "Not published in the target countries"),
    "fto.none": ("无", "None"),
    "fto.corrections": ("分析师修正记录", "Analyst corrections"),
    "fto.by": ("修正人", "By"),
    "fto.old": ("修正前", "Before"),
    "fto.new_verdict": ("修正后", "After"),
    "fto.limits": ("局限与声明", "Limits"),
    "fto.note_lexical": (
        "本次仅按共有词比对，未使用语义模型：与产品说明语言不同的权利要求无法比对，其技术"
        "特征记为无法判断。",
        "Compared by shared terms only: elements in another language than the product "
        "are unclear.",
    ),
    "fto.note_fulltext": (
        "候选检索仅用全文检索（库中无语义向量或未启用）：用词不同或语言不同的专利可能未被"
        "检出。",
        "Candidates were found by full-text search only: patents in other words or "
        "another language may be missed.",
    ),
    # -- catalogue ---------------------------------------------------------------------
    "cat.title": ("成果发布", "Results catalogue"),
    "cat.help": (
        "专利导航成果（报告）发布后，按权限供本单位、下级单位或全平台用户查阅下载。",
        "Published navigation results (reports), readable by your organisation, those "
        "beneath it, or everyone, as you choose.",
    ),
    "cat.publish": ("发布成果", "Publish"),
    "cat.search": ("按标题或标签搜索", "Search titles and tags"),
    "cat.empty": ("没有找到成果。", "No publication found."),
    "cat.summary": ("摘要", "Summary"),
    "cat.tags": ("标签", "Tags"),
    "cat.tags_help": (
        "用逗号分隔，如：光电子, 产业规划",
        "Comma-separated, e.g. optics, industry",
    ),
    "cat.type": ("成果类型", "Type"),
    "cat.region": ("区域", "Region"),
    "cat.visibility": ("公开范围", "Visibility"),
    "cat.report": ("报告", "Report"),
    "cat.published": ("成果已发布。", "Published."),
    "cat.downloads": ("下载次数", "Downloads"),
    "cat.publisher": ("发布单位", "Publisher"),
    "cat.no_reports": (
        "没有可发布的已完成报告。请先生成报告。",
        "No finished report to publish. Generate one first.",
    ),
    "cat.version": ("版本", "Version"),
    "cat.version_n": ("第 {n} 版", "version {n}"),
    "cat.versions": ("历史版本", "Earlier versions"),
    "cat.new_version": ("发布新版本", "Publish a new version"),
    "cat.previous": ("作为新版本发布", "New version of"),
    "cat.previous_none": ("否（新成果）", "No (a new publication)"),
    "cat.public_link": ("公开页面", "Public page"),
    "cat.update": ("生成更新版本", "Generate an updated version"),
    "cat.update_help": (
        "用当前专利库重新运行本成果的导航配置，并生成自发布以来的专利导航动态更新报告；"
        "两份报告完成后，可将新报告发布为本成果的新版本，动态更新报告另行发布。",
        "Re-runs this publication's spec on the store as it is now and writes the "
        "report of what changed since it was published; when both are done, publish "
        "the new report as this publication's next version and the changes report "
        "alongside it.",
    ),
    "cat.updating": (
        "已开始生成更新版本：新报告与专利导航动态更新报告正在后台生成，完成后可发布为新版本。",
        "The update has started: the new report and the changes report are being "
        "written; when done, publish them as the next version.",
    ),
    # -- the public catalogue (no sign-in) ---------------------------------------------
    "public.title": ("成果发布（公开）", "Public results catalogue"),
    "public.help": (
        "各单位公开发布的专利导航成果，无需登录即可检索、查阅和下载。",
        "Patent navigation results published openly by their organisations: search, "
        "read and download them without signing in.",
    ),
    "public.search": (
        "按标题、摘要、标签或区域搜索",
        "Search titles, summaries, tags and regions",
    ),
    "public.all_types": ("全部类型", "All types"),
    "public.feed": ("订阅（Atom）", "Subscribe (Atom)"),
    "public.newer": (
        "本页为旧版本，最新版本为{version}：",
        "This is an earlier version; the latest is {version}:",
    ),
    "public.sign_in": ("登录", "Sign in"),
    # -- admin -------------------------------------------------------------------------
    "admin.title": ("管理", "Administration"),
    "admin.tenants": ("单位（租户）", "Organisations (tenants)"),
    "admin.users": ("用户", "Users"),
    "admin.new_tenant": ("新建下级单位", "New organisation"),
    "admin.parent": ("上级单位", "Parent"),
    "admin.level": ("层级", "Level"),
    "admin.region": ("所在区域", "Region"),
    "admin.new_user": ("新建用户", "New user"),
    "admin.role": ("角色", "Role"),
    "admin.display_name": ("姓名", "Full name"),
    "admin.active": ("启用", "Active"),
    "admin.last_login": ("最近登录", "Last sign-in"),
    "admin.audit": ("审计日志", "Audit log"),
    "admin.audit_at": ("时间", "When"),
    "admin.audit_user": ("用户", "User"),
    "admin.audit_action": ("操作", "Action"),
    "admin.audit_object": ("对象", "Object"),
    "admin.audit_ip": ("IP 地址", "Address"),
    "admin.audit_result": ("结果", "Result"),
    "admin.created_user": ("用户已创建。", "User created."),
    "admin.created_tenant": ("单位已创建。", "Organisation created."),
    "admin.updated_user": ("用户已更新。", "User updated."),
    "admin.reset_password": ("重置密码", "Reset password"),
    "admin.tokens": ("有效的 API 令牌", "Live API tokens"),
    "admin.tokens_help": (
        "您管理的用户的有效令牌。撤销后立即失效；重置某用户的密码会撤销其全部令牌。",
        "Tokens of the users you manage. A revoked token stops working at once; "
        "resetting a user's password revokes all of theirs.",
    ),
    "admin.no_tokens": ("没有有效的令牌。", "No live tokens."),
    "admin.revoked_token": ("令牌已撤销。", "Token revoked."),
    "admin.disable": ("停用", "Disable"),
    "admin.enable": ("启用", "Enable"),
    "admin.roles_matrix": ("角色权限", "Roles"),
    # -- supply–demand matching (专利技术供需对接) ---------------------------------------
    "nav.match": ("供需对接", "Matching"),
    "match.title": ("专利技术供需对接", "Supply–demand matching"),
    "match.intro": (
        "企业录入技术需求（文字，可加 IPC、行业、地区），在所选数据库中查找可转让或许可的专利："
        "高校院所有效且从未转让、许可的存量专利，以及权利人挂牌（开放许可、转让、许可）的专利；"
        "每条匹配给出共同词语、共同 IPC 与权利人的持有、转让、许可记录。高校院所也可按权利人或"
        "专利查找匹配的需求。法律状态未知的专利单列，不作为有效专利。",
        "Enterprises enter technical needs (text, with optional IPC, industry, region) "
        "and find the patents on offer in a store: university and institute patents in "
        "force never transferred or licensed, and the patents their owners list (open "
        "licence, transfer, licence); each match says the shared terms, the shared IPC "
        "and the owner's record. Owners find the needs their patents match. Patents of "
        "unknown status are shown apart, never as in force.",
    ),
    "match.result_demand": ("需求匹配结果", "Patents for the needs"),
    "match.result_supply": ("专利匹配的需求", "Needs for the patents"),
    "match.supply": (
        "截至 {as_of} 的供给：存量专利盘活 {idle} 件，挂牌 {listed} 件；状态未知（不计入有效）"
        "{unknown} 件；挂牌号码不在库中 {missing} 件。",
        "Supply at {as_of}: {idle} idle university/institute patents, {listed} listed; "
        "{unknown} of unknown status (not counted as in force); {missing} listed numbers "
        "not in the store.",
    ),
    "match.method": ("匹配方式", "Method"),
    "match.pool": ("匹配范围 {pool} 件", "{pool} patents matched against"),
    "match.with_unknown": (
        "含状态未知的专利（单列）",
        "patents of unknown status included (apart)",
    ),
    "match.without_unknown": (
        "不含状态未知的专利",
        "patents of unknown status left out",
    ),
    "match.not_in_store": ("挂牌号码不在库中", "Listed numbers not in the store"),
    "match.download": ("下载对接清单（xlsx）", "Download the match list (xlsx)"),
    "match.need_n": ("需求 {id}", "Need {id}"),
    "match.industry": ("行业", "Industry"),
    "match.region": ("地区", "Region"),
    "match.searched": ("参与匹配 {n} 件", "{n} patents searched"),
    "match.none": ("没有匹配的专利。", "No matching patent."),
    "match.unknown_apart": (
        "法律状态未知的专利（不作为有效专利，请先核实状态）",
        "Patents of unknown legal status (not in force as far as known: check first)",
    ),
    "match.col.rank": ("排名", "Rank"),
    "match.col.pub": ("公开号", "Publication"),
    "match.col.title": ("专利名称", "Title"),
    "match.col.owner": ("专利权人", "Owner"),
    "match.col.kind": ("供给类型", "Offer"),
    "match.col.status": ("法律状态", "Legal status"),
    "match.col.terms": ("费用/条件", "Fee / terms"),
    "match.col.score": ("匹配得分", "Score"),
    "match.col.matched": ("共同词语", "Shared terms"),
    "match.col.ipc": ("共同IPC", "Shared IPC"),
    "match.col.record": ("权利人记录", "Owner's record"),
    "match.col.needs": ("匹配的需求", "Needs matched"),
    "match.record": (
        "持有 {held}，转让 {transfers}，许可 {licences}",
        "holds {held}, transfers {transfers}, licences {licences}",
    ),
    "match.no_patents": (
        "所选专利没有匹配到已保存的需求。",
        "No kept need matches the patents chosen.",
    ),
    "match.demand": ("按需求找专利（需求方）", "Patents for a need (demand side)"),
    "match.demand_help": (
        "填写需求、上传需求文件（CSV、XLSX 或 JSONL：需求、编号、企业、IPC、行业、地区），或勾选"
        "已保存的需求。",
        "Type a need, upload a needs file (CSV, XLSX or JSONL: 需求, 编号, 企业, IPC, 行业, "
        "地区) or tick kept needs.",
    ),
    "match.text": ("技术需求", "Technical need"),
    "match.need_id": ("编号", "Id"),
    "match.enterprise": ("企业", "Enterprise"),
    "match.needs_file": ("或上传需求文件", "Or upload a needs file"),
    "match.kept_pick": ("已保存的需求", "Kept needs"),
    "match.as_of": ("判断日（默认今天）", "Status judged on (default today)"),
    "match.top": ("每条列出", "Listed per need"),
    "match.include_unknown": (
        "同时匹配法律状态未知的高校院所专利（单列，不作为有效专利）",
        "Also match university/institute patents of unknown status (apart, never as "
        "in force)",
    ),
    "match.save_too": ("同时保存这些需求", "Keep these needs too"),
    "match.run": ("匹配", "Match"),
    "match.save_only": ("只保存需求", "Keep the needs only"),
    "match.supply_side": ("按专利找需求（供给方）", "Needs for patents (supply side)"),
    "match.supply_help": (
        "填写权利人（如河海大学，每行一个）或公开号，查找已保存需求中与其在供专利匹配者；都不填则"
        "为全部在供专利。未在供的专利可先在下方挂牌。",
        "Name owners (one a line) or publication numbers to find the kept needs their "
        "patents on offer match; neither: every patent on offer. List a patent below to "
        "put it on offer.",
    ),
    "match.owners": ("权利人（每行一个）", "Owners (one a line)"),
    "match.numbers": ("公开号（每行一个）", "Publication numbers (one a line)"),
    "match.find_needs": ("查找需求", "Find needs"),
    "match.kept_needs": ("已保存的技术需求", "Kept technical needs"),
    "match.no_needs": ("尚无保存的需求。", "No need kept yet."),
    "match.by": ("录入", "Entered"),
    "match.remove": ("删除", "Remove"),
    "match.kept_listings": ("挂牌专利", "Listed patents"),
    "match.listings_help": (
        "权利人挂牌的开放许可、转让或许可专利（或上传 CSV/XLSX：公开号、许可类型、费用/条件），"
        "参与本单位可见的所有匹配；挂牌专利保持库中的法律状态。",
        "Patents their owners offer by open licence, transfer or licence (or upload a "
        "CSV/XLSX: 公开号, 许可类型, 费用/条件); they join every matching your tenants "
        "see and keep the store's legal status.",
    ),
    "match.no_listings": ("尚无挂牌专利。", "No listed patent yet."),
    "match.licence_type": ("许可类型", "Offer type"),
    "match.listings_file": ("或上传挂牌文件", "Or upload a listings file"),
    "match.add_listing": ("挂牌", "List"),
    "match.saved_needs": ("需求已保存。", "Needs kept."),
    "match.saved_listings": ("挂牌专利已保存。", "Listings kept."),
    # -- agency dashboard (代理机构质量) --------------------------------------------------
    "nav.agencies": ("代理机构", "Agencies"),
    "agc.title": ("代理机构质量", "Agency quality"),
    "agc.intro": (
        "按代理机构（或代理人）统计申请量、专利类型与技术领域，以及发明申请的审查结局：授权率、"
        "驳回率、撤回率的分母为已审结（授权、驳回或撤回）的发明申请，审中与状态未知者单列，不视为"
        "未授权。可用检索式限定范围（如 AGC=32243、IPC=G06F）。",
        "Applications of each patent agency (or agent) by type and field, and how their "
        "invention applications ended: grant, rejection and withdrawal rates are of the "
        "decided invention applications; pending and unknown ones are listed apart, never "
        "as not granted. Narrow the scope with an expert query (AGC=32243, IPC=G06F).",
    ),
    "agc.role": ("统计对象", "Rank"),
    "agc.role.agency": ("代理机构", "Agency"),
    "agc.role.agent": ("代理人", "Agent"),
    "agc.top": ("列出个数", "Listed"),
    "agc.min_units": ("参与排名的最少申请量", "Fewest applications to be ranked"),
    "agc.query": ("检索式（可选）", "Expert query (optional)"),
    "agc.abnormal": (
        "统计非正常申请（运行非正常专利申请检测）",
        "Count abnormal filings (run the abnormal-filing detector)",
    ),
    "agc.abnormal_slow": (
        "非正常申请检测需两两比对申请，大库可能耗时数十秒，仅在勾选时运行；未运行时该列为“未知”。",
        "The detector compares applications pairwise and may take tens of seconds on a "
        "large store: it runs only when ticked; otherwise the column is unknown.",
    ),
    "agc.show": ("统计", "Show"),
    "agc.syntax_error": (
        "检索式第 {column} 列有误：",
        "Query error at column {column}: ",
    ),
    "agc.scope": (
        "分析范围：{scope}；共 {total}{unit}，载有{who}的 {with_party} 件，未载的 {without} 件；"
        "共 {parties} 个，申请量不足 {min} 件未排名 {below} 个。",
        "Scope: {scope}; {total} {unit}; {who} given: {with_party}, not given: "
        "{without}; {parties} in all, with fewer than {min} applications (not ranked): "
        "{below}.",
    ),
    "agc.overall": (
        "发明申请 {inventions} 件，已审结 {decided} 件（授权 {granted}、驳回 {rejected}、撤回 "
        "{withdrawn}），审中 {pending} 件，失效但结局未载明 {unclear} 件，状态未知 {unknown} 件。",
        "{inventions} invention applications, {decided} decided (granted {granted}, "
        "rejected {rejected}, withdrawn {withdrawn}); {pending} pending, {unclear} lapsed "
        "with no outcome stated, {unknown} of unknown status.",
    ),
    "agc.overall_rates": (
        "授权率 {grant}，驳回率 {reject}，撤回率 {withdraw}。",
        "Grant rate {grant}, rejection rate {reject}, withdrawal rate {withdraw}.",
    ),
    "agc.report": ("生成代理机构质量报告（DOCX）", "Agency quality report (DOCX)"),
    "agc.ranking": ("{who}排名", "{who} ranking"),
    "agc.no_rows": (
        "没有{who}的申请量达到 {min} 件。",
        "No {who} has {min} or more applications.",
    ),
    "agc.col.rank": ("排名", "Rank"),
    "agc.col.agency": ("所属代理机构", "Agency"),
    "agc.col.units": ("申请量", "Applications"),
    "agc.col.share": ("占比", "Share"),
    "agc.col.inventions": ("发明申请", "Inventions"),
    "agc.col.decided": ("已审结", "Decided"),
    "agc.col.grant": ("授权率", "Grant rate"),
    "agc.col.reject": ("驳回率", "Rejection rate"),
    "agc.col.withdraw": ("撤回率", "Withdrawal rate"),
    "agc.col.pending": ("审中", "Pending"),
    "agc.col.unclear": ("失效（结局未载明）", "Lapsed, outcome not stated"),
    "agc.col.unknown": ("状态未知", "Status unknown"),
    "agc.col.claims": ("权利要求数（均值/中位数）", "Claims (mean / median)"),
    "agc.col.abnormal": ("非正常申请", "Abnormal filings"),
    "agc.col.field": ("技术领域（IPC 部）", "Field (IPC section)"),
    "agc.detail": ("趋势与领域", "Trend and fields"),
    "agc.legend": (
        "比率的分母为已审结发明申请；“—”：无已审结发明申请或无权利要求数。审中、失效但结局未载明"
        "与状态未知的发明申请单列，不计入分母。",
        "Rates are of the decided invention applications; “—”: none decided, or no claim "
        "count. Pending, lapsed-without-outcome and unknown ones are apart.",
    ),
    "agc.one_years": ("申请年份 {first}–{last}", "Filed {first}–{last}"),
    "agc.one_types": ("类型", "Types"),
    "agc.one_subclasses": ("主要 IPC 小类", "Main IPC subclasses"),
    # -- account -----------------------------------------------------------------------
    "account.title": ("我的账户", "My account"),
    "account.tokens": ("API 令牌", "API tokens"),
    "account.tokens_help": (
        "REST API 使用令牌认证：Authorization: Bearer <令牌>。令牌只显示一次，请妥善保存。",
        "The REST API authenticates with a token: Authorization: Bearer <token>. It is "
        "shown once; keep it safe.",
    ),
    "account.new_token": ("新建令牌", "New token"),
    "account.token_created": (
        "新令牌（只显示这一次）：",
        "Your new token (shown this once only):",
    ),
    "account.days": ("有效期", "Valid for"),
    "account.days_n": ("{days} 天", "{days} days"),
    "account.scopes": ("权限范围", "Scopes"),
    "account.expires": ("到期时间", "Expires"),
    "account.expired": ("已过期", "Expired"),
    "account.password_revokes": (
        "修改密码会让您的所有登录会话和 API 令牌失效。",
        "Changing the password ends your sessions and revokes your API tokens.",
    ),
    "scope.read": ("只读", "Read"),
    "scope.write": ("读写", "Write"),
    "scope.admin": ("管理", "Administer"),
    "account.revoke": ("撤销", "Revoke"),
    "account.revoked": ("已撤销", "Revoked"),
    "account.last_used": ("最近使用", "Last used"),
    "account.password": ("修改密码", "Change password"),
    "account.current_password": ("当前密码", "Current password"),
    "account.new_password": (
        "新密码（至少 8 位，含字母和数字）",
        "New password (8+ characters, letters and digits)",
    ),
    "account.password_changed": (
        "密码已修改，请重新登录。",
        "Password changed: sign in again.",
    ),
    "account.wrong_password": ("当前密码不正确。", "The current password is wrong."),
    # -- navigation projects (issue 19: /projects) -------------------------------------
    "nav.projects": ("导航项目", "Projects"),
    "proj.title": ("专利导航项目", "Navigation projects"),
    "proj.intro": (
        "需求共提、项目共研、成果共享、效果跟踪：需求方提交导航需求，承接单位纳入计划、"
        "分派人员与方案、评审交付并发布成果，需求方记录成果的应用效果。",
        "Demands submitted, researched together, results shared and their use tracked: "
        "a requester submits a demand; the office plans it, assigns analysts and a spec, "
        "reviews, delivers and publishes; the requester records how it was used.",
    ),
    "proj.state": ("状态", "State"),
    "proj.all": ("全部", "All"),
    "proj.preset": ("导航深度", "Depth"),
    "proj.plan_year": ("计划年度", "Plan year"),
    "proj.plan_batch": ("计划批次", "Plan batch"),
    "proj.text": ("关键词", "Text"),
    "proj.filter": ("筛选", "Filter"),
    "proj.name": ("项目名称", "Title"),
    "proj.requester": ("需求方", "Requester"),
    "proj.office": ("承接单位", "Office"),
    "proj.plan": ("计划", "Plan"),
    "proj.deadline": ("期望完成日期", "Deadline"),
    "proj.none": ("未填", "Not given"),
    "proj.empty": ("暂无您可见的导航项目。", "No projects you can see yet."),
    "proj.new": ("提交导航需求", "Submit a demand"),
    "proj.industry": ("产业或技术领域", "Industry or technology"),
    "proj.question": ("导航问题", "Question"),
    "proj.keywords": ("技术关键词", "Keywords"),
    "proj.keywords_hint": ("以逗号或顿号分隔", "separated by commas"),
    "proj.province": ("省份", "Province"),
    "proj.city": ("城市", "City"),
    "proj.region": ("地区", "Region"),
    "proj.submit": ("提交需求", "Submit"),
    "proj.presets": ("导航深度预设", "Depth presets"),
    "proj.report_type": ("报告类型", "Report type"),
    "proj.analyses": ("分析", "Analyses"),
    "proj.inputs": ("所需输入", "Inputs"),
    "proj.optional": ("可选", "Optional"),
    "proj.inputs_note": (
        "各导航深度所需的输入见下方预设表；必需输入未填时需求不会提交。",
        "The presets below say which inputs each depth needs; a demand without them is "
        "refused.",
    ),
    "proj.duration": ("通常工期", "Typical duration"),
    "proj.days": ("{low}–{high} 天", "{low}–{high} days"),
    "proj.back": ("← 全部导航项目", "← All projects"),
    "proj.reason": ("不予受理的理由", "Reason declined"),
    "proj.analysts": ("分析人员", "Analysts"),
    "proj.spec": ("导航方案", "Spec"),
    "proj.spec_from_preset": (
        "按导航深度预设生成方案骨架",
        "A skeleton from the preset",
    ),
    "proj.reviewer": ("评审人", "Reviewer"),
    "proj.report": ("报告", "Report"),
    "proj.publication": ("成果发布", "Publication"),
    "proj.fto": ("侵权风险排查", "FTO screening"),
    "proj.actions": ("可办理的步骤", "Steps you can take"),
    "proj.visibility": ("发布范围", "Visibility"),
    "proj.vis.subtree": ("本单位及下级单位", "This tenant and beneath"),
    "proj.vis.tenant": ("本单位", "This tenant"),
    "proj.vis.public": ("全平台", "Everyone"),
    "proj.used_by": ("应用单位或人员", "Used by"),
    "proj.use": ("应用方式", "Use"),
    "proj.outcome": ("应用效果", "Outcome"),
    "proj.used_on": ("应用日期", "Date"),
    "proj.comment": ("说明", "Comment"),
    "proj.trail": ("办理记录", "Trail"),
    "proj.when": ("时间", "When"),
    "proj.who": ("办理人", "By"),
    "proj.step": ("步骤", "Step"),
    "proj.from_to": ("状态变化", "State change"),
    "proj.usages": ("应用效果跟踪", "Usage tracked"),
    "proj.no_usages": ("尚无应用效果记录。", "No usage recorded yet."),
    "proj.state.submitted": ("已提交", "Submitted"),
    "proj.state.accepted": ("已纳入计划", "Accepted"),
    "proj.state.declined": ("未受理", "Declined"),
    "proj.state.in_progress": ("研究中", "In progress"),
    "proj.state.draft": ("初稿", "Draft"),
    "proj.state.in_review": ("评审中", "In review"),
    "proj.state.delivered": ("已交付", "Delivered"),
    "proj.state.published": ("已发布", "Published"),
    "proj.action.submit": ("提交需求", "Submit"),
    "proj.action.accept": ("纳入计划", "Accept"),
    "proj.action.decline": ("不予受理", "Decline"),
    "proj.action.assign": ("分派分析人员与方案", "Assign"),
    "proj.action.draft": ("提交初稿", "Record a draft"),
    "proj.action.review": ("送审", "Send to review"),
    "proj.action.deliver": ("交付", "Deliver"),
    "proj.action.publish": ("发布", "Publish"),
    "proj.action.usage": ("记录应用效果", "Record usage"),
    "proj.use.investment": ("招商引资", "Investment promotion"),
    "proj.use.rnd": ("研发立项", "R&D project"),
    "proj.use.policy": ("政策制定", "Policy making"),
    "proj.use.pledge": ("质押融资", "Pledge financing"),
    "proj.use.talent": ("人才引进", "Talent recruitment"),
    "proj.use.layout": ("专利布局", "Patent portfolio planning"),
    "proj.use.risk": ("风险防控", "Risk control"),
    "proj.use.other": ("其他", "Other"),
    # -- tagging in the web: schemes, bulk from a search, review, agreement (issue 19)
    "tags.nodes_n": ("{n} 个节点", "{n} nodes"),
    "tags.review_link": (
        "审核与一致性（分歧、待审核标引、Kappa）",
        "Review and agreement (disagreements, tags to review, kappa)",
    ),
    "tags.bulk": ("按检索批量标引", "Bulk tagging from a search"),
    "tags.node": ("节点", "Node"),
    "tags.query": ("检索式", "Query"),
    "tags.or_set": ("或专利集", "or saved set"),
    "tags.preview": ("预览", "Preview"),
    "tags.bulk_help": (
        "先预览命中篇数与已带此标引的篇数，确认后才以您的名义写入；写入后可撤销。",
        "Preview the hits and how many already carry the tag; nothing is written until "
        "you confirm, in your name; the bulk action can be undone.",
    ),
    "tags.threshold": ("按阈值采纳建议", "Accept suggestions above a threshold"),
    "tags.min_score": ("阈值 p ≥", "Threshold p ≥"),
    "tags.threshold_help": (
        "建议只有在您点击或给出明确阈值并确认后才会写成标引；预览会说明阈值和将写入的条数。",
        "A suggestion becomes a tag only when a person clicks it, or accepts an explicit "
        "threshold: the preview states the threshold and how many tags it writes.",
    ),
    "tags.new_scheme": ("新建标引体系", "New tag scheme"),
    "tags.kind_breakdown": (
        "技术分解体系（节点取自导航方案的技术分解树）",
        "Breakdown scheme (nodes from a navigation spec's tree)",
    ),
    "tags.kind_effects": (
        "技术功效体系（逐行输入功效）",
        "Effects scheme (technical effects, one per line)",
    ),
    "tags.scheme_name": ("体系名称", "Scheme name"),
    "tags.spec": ("导航方案", "Navigation spec"),
    "tags.effects": ("技术功效（每行一项）", "Technical effects (one per line)"),
    "tags.create": ("建立", "Create"),
    "tags.bulk_preview_title": (
        "{scheme}：批量标引为 {node}",
        "{scheme}: bulk tag into {node}",
    ),
    "tags.hits": ("命中文献", "Documents found"),
    "tags.tagged_by_you": ("您已标引为此节点", "Already tagged into it by you"),
    "tags.tagged_by_anyone": (
        "任何人已标引为此节点",
        "Already tagged into it by anyone",
    ),
    "tags.to_add": ("将新增标引", "Tags to add"),
    "tags.bulk_confirm": (
        "确认：以我的名义将 {n} 篇标引为 {node}",
        "Confirm: tag {n} documents into {node} in my name",
    ),
    "tags.bulk_nothing": (
        "没有要新增的标引：命中文献都已由您标引为此节点（或没有命中）。",
        "Nothing to add: you already tagged every hit into this node (or none was found).",
    ),
    "tags.bulk_done": (
        "已新增标引 {added} 条（节点 {node}），{unchanged} 条原已存在、未改动。",
        "{added} tags added into {node}; {unchanged} were already there (unchanged).",
    ),
    "tags.undo": (
        "撤销此次批量标引（移除刚新增的 {n} 条）",
        "Undo: remove the {n} tags just added",
    ),
    "tags.undone": (
        "已撤销：移除节点 {node} 中此次新增的标引 {n} 条，原有标引未动。",
        "Undone: from {node}, removed the {n} tags this action added; earlier tags stay.",
    ),
    "tags.back": ("返回标引页", "Back to tagging"),
    "tags.accept_basis": (
        "由 {examples} 篇已标引文献学习，为 {candidates} 篇未标引文献打分。",
        "Learnt from {examples} tagged documents; {candidates} untagged documents scored.",
    ),
    "tags.accept_preview": (
        "阈值 p ≥ {x}：将写入标引 {n} 条（来源“采纳建议”，记录阈值与得分）。尚未写入。",
        "Threshold p ≥ {x}: {n} tags would be written (source accepted-suggestion, with "
        "the threshold and each score). Nothing written yet.",
    ),
    "tags.accept_confirm": (
        "确认：采纳 p ≥ {x} 的 {n} 条建议为标引",
        "Confirm: with p ≥ {x}, accept the {n} suggestions as tags",
    ),
    "tags.accept_done": (
        "阈值 p ≥ {x}：已写入标引 {n} 条，{unchanged} 条原已存在。",
        "Threshold p ≥ {x}: {n} tags written, {unchanged} already there.",
    ),
    "tags.no_examples": (
        "没有样例、不会被建议的节点",
        "Nodes without examples (never suggested)",
    ),
    "tags.score": ("得分", "Score"),
    "tags.first_50": ("仅列出前 50 条，共 {n} 条。", "First 50 of {n} shown."),
    "tags.on_patent": ("标引", "Tags"),
    "tags.analyst": ("标引人", "Analyst"),
    "tags.when": ("时间", "When"),
    "tags.source": ("来源", "Source"),
    "tags.reviews": ("审核", "Reviews"),
    "tags.confirmed_by": ("{who} 确认", "confirmed by {who}"),
    "tags.disputed_by": ("{who} 有异议", "disputed by {who}"),
    "tags.remove": ("移除我的标引", "Remove my tag"),
    "tags.none_here": ("本文献在此体系中尚无标引。", "No tag in this scheme yet."),
    "tags.add_as": ("以 {who} 的名义标引", "Tag as {who}"),
    "tagsource.manual": ("人工", "Manual"),
    "tagsource.import": ("导入", "Imported"),
    "tagsource.accepted-suggestion": ("采纳建议", "Accepted suggestion"),
    "tags.review_title": ("{scheme}：审核与一致性", "{scheme}: review and agreement"),
    "tags.agreement": ("标引一致性", "Agreement between analysts"),
    "tags.agreement_summary": (
        "{analysts} 共同标引 {n} 篇；Kappa 系数（{method}，总体）{overall}",
        "{analysts} all tagged {n} documents; {method}'s kappa (overall) {overall}",
    ),
    "tags.basis_categorical": (
        "（每篇一个节点：按所选节点计算）",
        " (one node per document: over the node chosen)",
    ),
    "tags.basis_pooled": (
        "（按文献 × 节点的是否判断合并计算）",
        " (over all document × node decisions pooled)",
    ),
    "tags.all_tagged": ("均标引", "All tagged"),
    "tags.confirmed": ("确认", "Confirmed"),
    "tags.disputed": ("异议", "Disputed"),
    "tags.pairs": ("两两 Kappa（Cohen）", "Pairwise kappa (Cohen)"),
    "tags.verdict_confirm": ("确认", "Confirm"),
    "tags.verdict_dispute": ("有异议", "Dispute"),
    "tags.disagreements": (
        "标引人意见不一的文献（{n} 篇）",
        "Documents analysts tagged differently ({n})",
    ),
    "tags.no_disagreements": ("没有意见不一的文献。", "No disagreements."),
    "tags.pending": ("待审核的标引（{n} 条）", "Tags awaiting review ({n})"),
    "tags.no_pending": ("没有待审核的标引。", "No tag awaits review."),
    "tags.tag_results": ("批量标引这些结果", "Tag these results"),
    # -- technology-breakdown tree editor and spec versions (issue 19, i19-tree) --
    "tree.title": ("技术分解树", "Technology breakdown tree"),
    "tree.link": ("技术分解树编辑", "Edit the breakdown tree"),
    "tree.help": (
        "逐级编辑技术分支（一级/二级/三级…）：关键词、分类号、检索式与备注；选择数据库后，"
        "每次修改都会重新计数各节点并校验。检索式留空时由关键词和分类号生成；保存后写入"
        "方案的 YAML，成为新版本。",
        "Edit the branches level by level (一级/二级/三级…): keywords, classes, query "
        "and note; with a store chosen, every edit re-counts and re-checks each node. "
        "An empty query is made from the keywords and classes; saving writes the tree "
        "into the spec's YAML as a new version.",
    ),
    "tree.yaml_link": ("编辑 YAML", "Edit the YAML"),
    "tree.name": ("名称", "Name"),
    "tree.keywords": ("中文关键词", "Chinese keywords"),
    "tree.keywords_en": ("英文关键词", "English keywords"),
    "tree.ipc": ("IPC 分类号", "IPC classes"),
    "tree.cpc": ("CPC 分类号", "CPC classes"),
    "tree.query": ("检索式（留空则自动生成）", "Query (empty: made from the words)"),
    "tree.note": ("备注", "Note"),
    "tree.union": ("（合并下级节点）", "(the union of its children)"),
    "tree.store": ("计数数据库", "Count in store"),
    "tree.no_store": ("不计数", "Do not count"),
    "tree.count_help": (
        "该节点在方案范围内的计数（括号内为与同级节点的重叠占比）",
        "The node's count within the spec's scope (in brackets: the share its "
        "siblings also hold)",
    ),
    "tree.overlap": ("同级重叠", "overlap"),
    "tree.scope_units": (
        "{store}：方案范围内共 {units} 件{unit}。",
        "{store}: {units} ({unit}) within the spec's scope.",
    ),
    "tree.no_counts": (
        "修正问题后显示计数。",
        "Counts show once the problems are fixed.",
    ),
    "tree.valid": (
        "技术分解树有效，共 {nodes} 个节点。",
        "The tree is valid: {nodes} nodes.",
    ),
    "tree.invalid": (
        "技术分解树有 {n} 个问题，已标注在对应节点下：",
        "The tree has {n} problems, each shown at its node:",
    ),
    "tree.empty": ("尚无技术分支。", "No branches yet."),
    "tree.confirm_delete": (
        "删除该节点及其全部下级节点？",
        "Delete this node and every node beneath it?",
    ),
    "tree.op_add_child": ("添加下级节点", "Add a child"),
    "tree.op_add_sibling": ("添加同级节点", "Add a sibling"),
    "tree.op_add_root": ("添加一级节点", "Add a top-level branch"),
    "tree.op_up": ("上移", "Move up"),
    "tree.op_down": ("下移", "Move down"),
    "tree.op_indent": ("降为上一同级节点的下级", "Make it a child of the node above"),
    "tree.op_outdent": ("升为上级节点的同级", "Make it a sibling of its parent"),
    "tree.op_delete": ("删除", "Delete"),
    "tree.import": ("从技术分解表读入", "Read from a breakdown table"),
    "tree.import_help": (
        "读入后替换下方的树，检查无误再保存；不保存则方案不变。",
        "The table's tree replaces the one below; check it, then save (or leave it: "
        "the spec is unchanged).",
    ),
    "tree.imported": (
        "已从 {file} 读入 {nodes} 个节点，尚未保存：检查后点击保存。",
        "Read from {file}: {nodes} nodes, not saved yet: check them, then save.",
    ),
    "versions.link": ("历史版本", "Versions"),
    "versions.title": ("方案历史版本", "Spec versions"),
    "versions.help": (
        "每次保存都会留存一个版本；可查看、比较任意两个版本，或将旧版本恢复为新版本。",
        "Every save keeps a version: view one, compare two, or restore an old one as a "
        "new version.",
    ),
    "versions.number": ("第 {version} 版", "Version {version}"),
    "versions.current": ("（当前）", "(current)"),
    "versions.spec_title": ("标题", "Title"),
    "versions.nodes": ("节点数", "Nodes"),
    "versions.saved_by": ("保存人", "Saved by"),
    "versions.saved_at": ("保存时间", "Saved at"),
    "versions.saved_line": ("保存于 {at}", "Saved at {at}"),
    "versions.restore": ("恢复为新版本", "Restore as a new version"),
    "versions.restored_from": (
        "（由第 {version} 版恢复）",
        "(restored from {version})",
    ),
    "versions.restored_notice": (
        "已恢复，当前为第 {version} 版。",
        "Restored: this is now version {version}.",
    ),
    "versions.from": ("旧版本", "From"),
    "versions.to": ("新版本", "To"),
    "versions.compare": ("比较", "Compare"),
    "versions.diff_title": ("版本比较", "Compare versions"),
    "versions.diff_heading": (
        "第 {a} 版 → 第 {b} 版的变化",
        "Changes from version {a} to {b}",
    ),
    "versions.same": ("两个版本相同。", "The two versions are the same."),
    "versions.keys_changed": ("方案其他设置有变化", "Other settings changed"),
    "versions.change": ("变化", "Change"),
    "versions.field": ("字段", "Field"),
    "versions.before": ("修改前", "Before"),
    "versions.after": ("修改后", "After"),
    "versions.kind_added": ("新增", "Added"),
    "versions.kind_removed": ("删除", "Removed"),
    "versions.kind_changed": ("修改", "Changed"),
}
LABELS = Catalogue("patnav.web.i18n.LABELS", _LABELS, EVENT_TYPES)
"""Every label of the pages, the API's messages and the dashboard's charts."""


def translate(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The label ``key`` in ``lang`` with ``{name}`` placeholders filled."""
    return LABELS.text(key, lang, **values) if key in LABELS else key


UNKNOWN_VALUES = frozenset({"", "unknown", "(unknown)", "none", "null"})
"""How data and analyses spell a missing value."""


def value_label(prefix: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """A value of a vocabulary (``ptype``, ``ls``, ``event``, ``cite`` …) in ``lang``.

    Never the key itself: a value the table lacks is shown as it is (it is data, not a
    key), and a missing value — None, ``unknown``, ``(unknown)`` — as 未知 / Unknown.
    """
    if value is None or str(value).strip().lower() in UNKNOWN_VALUES:
        default = LABELS.text("common.unknown", lang)
    else:
        default = str(value)
    return LABELS.label(prefix, value, lang, default)


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` bound to one language, for templates."""

    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    return t


def pick_lang(query_lang: str | None, cookie_lang: str | None) -> str:
    """The language of a request: ``?lang=``, else the cookie, else Chinese."""
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGS:
            return candidate
    return DEFAULT_LANG
