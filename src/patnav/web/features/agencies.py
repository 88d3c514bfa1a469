"""The agency dashboard (代理机构质量) for the web (``routers/agencies.py``, the API's
``/api/v1/agencies``): :func:`patnav.analyses.agencies.agency_quality` on a store the user
sees, its charts drawn as ECharts options, and the 代理机构质量报告 (DOCX) of
:mod:`patnav.reports.agencies` written into the tenant's reports folder.

The abnormal-filing detector (:func:`patnav.models.abnormal.detect`) compares every pair
of applications of the scope: seconds on a large store, so it runs only when asked
(``abnormal=True``); otherwise the column is unknown (未知), never 0. Results are kept per
store, data version and parameters (:data:`_KEEP` of them): the page and its charts' JSON
ask for the same result.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from patnav.analyses.agencies import ROLES, AgencyQuality, agency_quality
from patnav.analyses.base import Scope
from patnav.errors import InvalidParameterError, NotFoundError
from patnav.platform import audit
from patnav.presenters.agencies import agencies_charts
from patnav.presenters.base import ChartSpec
from patnav.reports.model import Chart as ChartData
from patnav.reports.model import Series
from patnav.storage.store import PatentStore
from patnav.web.charts import Chart, draw
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.features.reports import CONTENT_TYPES
from patnav.web.features.stores import get_store

MAX_TOP = 200
TITLE = "代理机构质量报告"
SECTION_ZH = {
    "A": "A 人类生活必需",
    "B": "B 作业；运输",
    "C": "C 化学；冶金",
    "D": "D 纺织；造纸",
    "E": "E 固定建筑物",
    "F": "F 机械工程；照明；加热；武器；爆破",
    "G": "G 物理",
    "H": "H 电学",
    "unknown": "主分类号未载明",
}

_KEEP = 16
_CACHE: OrderedDict[tuple[Any, ...], AgencyQuality] = OrderedDict()
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class AgencyAsk:
    """What the page or the API asks for."""

    query: str | None = None
    role: str = "agency"
    top: int = 20
    min_units: int = 5
    abnormal: bool = False

    def checked(self) -> AgencyAsk:
        """The same, with the query trimmed; InvalidParameterError (Chinese) when a value
        is out of range."""
        if self.role not in ROLES:
            raise InvalidParameterError(
                f"统计对象应为 agency（代理机构）或 agent（代理人），实为 {self.role!r}。"
            )
        if not 1 <= self.top <= MAX_TOP:
            raise InvalidParameterError(
                f"列出个数应在 1 到 {MAX_TOP} 之间，实为 {self.top}。"
            )
        if self.min_units < 1:
            raise InvalidParameterError(
                f"参与排名的最少申请量应不小于 1，实为 {self.min_units}。"
            )
        query = (self.query or "").strip() or None
        return AgencyAsk(query, self.role, self.top, self.min_units, self.abnormal)


def flagged(
    store: PatentStore, doc_ids: list[str] | None
) -> tuple[set[str], frozenset[str]]:
    """The applications the abnormal-filing detector flags among ``doc_ids`` (None: the
    whole store) as ``patnav agencies`` counts them, and those it could not compare."""
    from patnav.models.abnormal import agency_flagged

    return agency_flagged(store, doc_ids)


def compute(store: PatentStore, ask: AgencyAsk) -> AgencyQuality:
    """The agency-quality result of ``ask`` on an open store (or cursor)."""
    scope = Scope.of_query(ask.query, store=store) if ask.query else None
    marked: set[str] | None = None
    unchecked: frozenset[str] = frozenset()
    if ask.abnormal:
        from patnav.search.api import matching_ids

        ids = matching_ids(store, ask.query) if ask.query else None
        marked, unchecked = flagged(store, ids)
    return agency_quality(
        store,
        scope,
        top=ask.top,
        role=ask.role,
        min_units=ask.min_units,
        abnormal=marked,
        abnormal_unchecked=unchecked,
    )


def quality(ctx: Ctx, store_id: int, ask: AgencyAsk) -> AgencyQuality:
    """The agencies (or agents) of a store the user sees, ranked, with their outcomes.

    Raises:
        NotFoundError: not a store the user sees.
        InvalidParameterError: a value out of range (Chinese).
        QuerySyntaxError: the query does not parse.
    """
    ask = ask.checked()
    store = get_store(ctx, store_id)
    handle = handle_of(ctx, store)
    key = (store.id, handle.version(), ask)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    with handle.reader() as cursor:
        result = compute(cursor, ask)
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _KEEP:
            _CACHE.popitem(last=False)
    return result


# -- charts ------------------------------------------------------------------------------


def _one(result: AgencyQuality, key: str) -> Any:
    row = next((r for r in result.rows if r.key == key), None)
    if row is None:
        raise NotFoundError(
            f"排名中没有该代理机构（{key}）：请从当前排名中选择（no such agency in the "
            "ranking）。"
        )
    return row


def agency_specs(result: AgencyQuality, key: str) -> list[ChartSpec]:
    """One listed agency's trend (units per filing year) and fields (units and grant
    rate per IPC section of the main class)."""
    row = _one(result, key)
    unit = result.unit_zh
    return [
        ChartSpec(
            "agency.years",
            f"{row.name}：逐年申请量",
            unit,
            ChartData(
                "bar",
                tuple(str(y) for y, _ in row.by_year),
                (Series("申请量", tuple(float(n) for _, n in row.by_year)),),
                y_label=unit,
            ),
            subtitle="按最早申请日所在年份",
            empty="" if row.by_year else "申请日未载明：无逐年趋势",
        ),
        ChartSpec(
            "agency.fields",
            f"{row.name}：技术领域（IPC 部）",
            unit,
            ChartData(
                "barh",
                tuple(SECTION_ZH.get(f.field, f.field) for f in row.by_section),
                (Series("申请量", tuple(float(f.units) for f in row.by_section)),),
                y_label=unit,
            ),
            subtitle="按主分类号所在部",
            empty="" if row.by_section else "主分类号未载明：无技术领域分布",
        ),
    ]


def charts(
    result: AgencyQuality, lang: str, *, agency: str | None = None
) -> list[Chart]:
    """The dashboard's charts: the ranking, the rates over the decided invention
    applications, the trend of the largest; and, for ``agency`` (a row's key), its own
    trend and fields."""
    specs = agencies_charts(result.to_dict(), lang)
    if agency:
        specs += agency_specs(result, agency)
    return [draw(s, lang) for s in specs]


# -- the report --------------------------------------------------------------------------


def report(ctx: Ctx, store_id: int, ask: AgencyAsk) -> tuple[Path, str, str]:
    """The 代理机构质量报告 (DOCX) of what the page shows: a temporary file (removed by the
    caller once sent), its download name and content type (audited).

    Raises:
        NotFoundError: not a store the user sees.
    """
    from patnav.reports import render_report
    from patnav.reports.agencies import agencies_report

    result = quality(ctx, store_id, ask)
    store = get_store(ctx, store_id)
    folder = Path(tempfile.mkdtemp(prefix="patnav-agencies-"))
    try:
        written = Path(
            render_report(agencies_report(result), "docx", folder / "r.docx")
        )
        fd, name = tempfile.mkstemp(suffix=".docx", prefix="patnav-agencies-")
        os.close(fd)
        path = Path(name)
        os.replace(written, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    audit.record(
        ctx.db,
        "report",
        viewer=ctx.viewer,
        object_type="agencies",
        object_id=store.id,
        ip=ctx.ip,
        detail={
            "store": store.name,
            "query": ask.query,
            "role": ask.role,
            "abnormal": ask.abnormal,
        },
    )
    ctx.db.commit()
    return path, f"{TITLE}_{date.today().isoformat()}.docx", CONTENT_TYPES[".docx"]
