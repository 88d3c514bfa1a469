"""What a report covers, in words: the statements of the cover and the method section.

The rule that decides a spec's documents is :meth:`patnav.analyses.spec.NavigationSpec.scope`;
this module only says it — the definition (基础检索式 / 各环节检索式之并 / 分析对象 / 区域), the
home-country limit of a national comparison, the period — and counts its units, so every
report names the scope its numbers come from.
"""

from __future__ import annotations

from patnav.analyses.base import Scope, count_units
from patnav.analyses.spec import NavigationSpec, SpecScope, region_query
from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.context import Builder
from patnav.reports.model import ScopeStatement

_BY_ZH = {
    "application_date": "申请日",
    "priority_date": "优先权日",
    "publication_date": "公开日",
}


def definition(spec: NavigationSpec, scope: SpecScope, lang: str) -> str:
    """The spec's scope in a sentence: what defines it, the national limit, the period."""
    if scope.basis == "base_query":
        text = say(lang, "基础检索式命中的专利", "documents matching the base query")
    elif scope.basis == "nodes":
        n = len(scope.queries)
        text = say(
            lang,
            f"技术分解表 {n} 个检索式（各环节）命中专利之并",
            f"the union of the {n} queries of the technology tree's nodes",
        )
    elif scope.basis == "entities":
        names = say(lang, "、", "; ").join(spec.entities)
        text = say(lang, f"分析对象（{names}）的专利", f"the patents of {names}")
    else:
        region = region_label(spec, lang)
        text = say(
            lang,
            f"申请人位于{region}的专利",
            f"the patents of applicants in {region}",
        )
    return text + limits(spec, scope.national, lang)


def limits(spec: NavigationSpec, national: str | None, lang: str) -> str:
    """The national limit and the period, as a clause to append (or nothing)."""
    parts = []
    if national is not None:
        country = L.place(national, lang)
        parts.append(
            say(
                lang,
                f"限技术来源国为{country}的专利（对比基准仅为全国）",
                f"limited to documents originating in {country} (the only comparator "
                "is national)",
            )
        )
    period = spec.period
    if period.start or period.end:
        span = f"{period.start or '…'}–{period.end or '…'}"
        parts.append(
            say(
                lang,
                f"{span} 年（按{_BY_ZH[period.by]}）",
                f"{span} (by {period.by.replace('_', ' ')})",
            )
        )
    if not parts:
        return ""
    return say(lang, "；", "; ") + say(lang, "；", "; ").join(parts)


def region_label(spec: NavigationSpec, lang: str) -> str:
    """The home region's name: city, province, or the country's name."""
    region = spec.region
    if region is None:
        return ""
    if region.city or region.province:
        return region.label
    return L.place(region.country, lang)


def state(
    b: Builder, key: str, label: str, scope: Scope, text: str, query: str
) -> ScopeStatement:
    """Count ``scope``'s units and record the statement on the report's results."""
    with b.timed("analysis.scope"):
        units = count_units(b.engine, scope, b.count_by)
    statement = ScopeStatement(key, label, text, query, units)
    b.results.scopes.append(statement)
    return statement


def state_spec(b: Builder, scope: Scope, *, key: str = "scope") -> ScopeStatement:
    """State the spec's own scope (分析范围, or 产业链范围 beside a region's documents)."""
    definition_ = b.spec.scope()
    label = b.t("meta.scope") if key == "scope" else b.t(f"meta.scope.{key}")
    return state(
        b,
        key,
        label,
        scope,
        definition(b.spec, definition_, b.lang),
        definition_.query,
    )


def state_region(b: Builder, scope: Scope) -> ScopeStatement:
    """State a region report's own documents: its applicants' patents (within the base
    query when there is one), within the period."""
    spec = b.spec
    region = spec.region
    assert region is not None
    words = b.say(
        f"申请人位于{region_label(spec, b.lang)}的专利",
        f"the patents of applicants in {region_label(spec, b.lang)}",
    )
    query = region_query(region)
    if spec.base_query:
        words += b.say("（基础检索式之内）", " (within the base query)")
        query = f"({spec.base_query}) AND {query}"
    return state(
        b,
        "region",
        b.t("meta.scope.region"),
        scope,
        words + limits(spec, None, b.lang),
        query,
    )


def scope_facts(b: Builder, *, full_query: bool = False) -> list[tuple[str, str]]:
    """The scope rows of the cover (and of the method section's table): for every stated
    scope its definition, its query and its units. On the cover a union of node queries
    is referred to the technology-breakdown table (``full_query`` writes it out)."""
    rows: list[tuple[str, str]] = []
    for st in b.results.scopes:
        query = st.query
        if not full_query and st.key in ("scope", "chain") and _is_union(b):
            query = b.say(
                "各技术环节检索式之并（见“数据与方法”中的技术分解表）",
                "the union of the nodes' queries (see the technology breakdown under "
                "'Data and method')",
            )
        rows.append((st.label, st.definition))
        query_label = f"{st.label}{b.t('meta.query')}"
        units_label = f"{st.label}{b.t('meta.units')}"
        rows.append((say(b.lang, query_label, f"{st.label}: query"), query))
        rows.append((say(b.lang, units_label, f"{st.label}: units"), b.qty(st.units)))
    return rows


def _is_union(b: Builder) -> bool:
    return b.spec.scope().basis == "nodes"
