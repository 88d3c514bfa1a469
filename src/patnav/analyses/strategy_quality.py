"""Search-strategy quality (查全率/查准率) of a breakdown node's query.

**Precision (查准率)** is estimated from a simple random sample of the node's hits —
documents, drawn without replacement with a recorded seed — that analysts mark 相关
(relevant) or 不相关 (not relevant): precision = relevant / judged. **Recall (查全率)** is
measured on a verified-relevant set (the known patents of a key applicant, a tagged
sample): recall = known documents the node finds / known documents in the store (a known
patent the store does not hold cannot be found, so it is listed but not counted).

Both carry a **Wilson score interval** (95 % by default): for k successes in n trials,
p̂ = k/n and z the normal quantile,

    centre = (p̂ + z²/2n) / (1 + z²/n),   half = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).

Wilson is used rather than the normal (Wald) interval because analysts' samples are small
(20–100) and precision is often near 1, where Wald collapses to zero width. A precision
sample is drawn without replacement from the node's N hits, so the finite-population
correction applies: the n judged documents count as n·(N−1)/(N−n) trials (a sample of
every hit gives the exact value). Without it the interval over-covers when n is a large
share of N (50 of 137 hits: 98 %; 100 of 137: 100 %). ``python -m bench strategy``
measures the coverage by simulation on the CCF corpus's hand labels. Recall is measured on
the whole known set, which stands for all relevant documents: no correction.

The figures are stored **in the spec**, in a ``quality:`` block (one record per node path)
that only :func:`with_quality` writes: it rewrites that block alone, so the analyst's
text and comments stay as they are, and a spec held as text (the web platform's) carries
its figures into every report made from it. Each record keeps the query it measured, the
date, the sample, the judge and the store's fingerprint; a record whose query is no longer
the node's is shown as 需重新评估 (stale), never as the current figure.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from patnav.analyses.base import ResultMixin, materialized
from patnav.analyses.spec import NavigationSpec, SpecNode, node_query
from patnav.errors import InputError, SpecError
from patnav.storage.store import PatentStore

CONFIDENCE = 0.95
SAMPLE_SHEET = "抽样"
SAMPLE_INFO_SHEET = "抽样信息"
RELEVANT = frozenset({"相关", "是", "y", "yes", "1", "true", "relevant", "√", "✓"})
NOT_RELEVANT = frozenset(
    {"不相关", "否", "n", "no", "0", "false", "not relevant", "irrelevant", "×", "✗"}
)
SAMPLE_COLUMNS = (
    "序号",
    "文献号",
    "标题",
    "申请人",
    "主分类号",
    "摘要",
    "判断（相关/不相关）",
    "备注",
    "文献标识",
)


# -- the interval ------------------------------------------------------------------------


def wilson_interval(
    successes: int,
    trials: int,
    confidence: float = CONFIDENCE,
    *,
    population: int | None = None,
) -> tuple[float, float]:
    """The Wilson score interval of a proportion (see the module docstring).

    With ``population`` (the number of hits the sample was drawn from, without
    replacement) the finite-population correction applies: the sample counts as
    ``n·(N−1)/(N−n)`` binomial trials, and a sample of every hit gives the exact value.

    Raises:
        InputError: ``trials`` is not positive, ``successes`` is outside 0…trials, or the
            population is smaller than the sample.
    """
    if trials <= 0 or not 0 <= successes <= trials:
        raise InputError(
            f"A proportion needs 0 ≤ successes ≤ trials and trials > 0; got "
            f"{successes} of {trials}."
        )
    p = successes / trials
    n = float(trials)
    if population is not None:
        if population < trials:
            raise InputError(
                f"The sample ({trials}) cannot be larger than the hits it was drawn "
                f"from ({population})."
            )
        if population == trials:
            return p, p
        n = trials * (population - 1) / (population - trials)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A proportion measured on ``trials`` cases, with its interval."""

    successes: int
    trials: int
    value: float
    low: float
    high: float
    confidence: float = CONFIDENCE
    method: str = "wilson"

    @classmethod
    def of(
        cls,
        successes: int,
        trials: int,
        confidence: float = CONFIDENCE,
        *,
        population: int | None = None,
    ) -> Estimate:
        """The estimate and Wilson interval of ``successes`` out of ``trials`` (with the
        finite-population correction when ``population`` is given)."""
        low, high = wilson_interval(
            successes, trials, confidence, population=population
        )
        method = "wilson" if population is None else "wilson-fpc"
        return cls(successes, trials, successes / trials, low, high, confidence, method)

    def to_dict(self) -> dict[str, Any]:
        return {
            "successes": self.successes,
            "trials": self.trials,
            "value": round(self.value, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
            "confidence": self.confidence,
            "method": self.method,
        }


# -- the store and the node --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreFingerprint:
    """What the store held when a figure was measured: its documents and a hash of their
    ids and last changes (a re-import that changes nothing keeps it)."""

    documents: int
    digest: str

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "digest": self.digest}


def store_fingerprint(store: PatentStore) -> StoreFingerprint:
    """The store's fingerprint (see :class:`StoreFingerprint`)."""
    row = store.query(
        "SELECT count(*) AS n, coalesce(bit_xor(hash(doc_id, updated_at)), 0) AS h "
        "FROM patents"
    ).to_pylist()[0]
    digest = hashlib.sha256(f"{row['n']}:{row['h']}".encode()).hexdigest()[:16]
    return StoreFingerprint(int(row["n"]), digest)


def find_node(spec: NavigationSpec, name: str) -> SpecNode:
    """The node named ``name``: its path (``行业应用 / 农业植保`` or ``行业应用/农业植保``) or,
    when no other node has it, its name alone.

    Raises:
        SpecError: no node, or several, have that name; the message lists the nodes.
    """
    wanted = tuple(p.strip() for p in name.replace("／", "/").split("/") if p.strip())
    nodes = spec.walk()
    exact = [n for n in nodes if n.path == wanted]
    if exact:
        return exact[0]
    named = [n for n in nodes if len(wanted) == 1 and n.name == wanted[0]]
    if len(named) == 1:
        return named[0]
    labels = "、".join(n.label for n in nodes)
    if named:
        raise SpecError(
            f"导航方案中有多个名为“{name}”的环节，请写出完整路径（如 "
            f"“{named[0].label}”）。Several nodes are named {name!r}: give the path. "
            f"环节 nodes: {labels}"
        )
    raise SpecError(
        f"导航方案中没有环节“{name}”。No node {name!r} in the spec. 可用环节 nodes: {labels}"
    )


def node_hits(store: PatentStore, spec: NavigationSpec, node: SpecNode) -> list[str]:
    """The ``doc_id`` of every document the node finds within the spec's scope, sorted."""
    with materialized(store, *spec.scope_parts(store)) as base:
        scope = spec.node_scope(node, store, base=base)
        where, params = scope.clause("p.doc_id")
        table = store.query(
            f"SELECT p.doc_id FROM patents p WHERE {where} ORDER BY p.doc_id",
            params or None,
        )
    return [str(x) for x in table.column("doc_id").to_pylist()]


# -- sampling ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SampleDoc:
    """One sampled document, as the analyst sees it."""

    doc_id: str
    number: str
    title: str
    applicants: str
    ipc_main: str
    abstract: str


@dataclass(frozen=True, slots=True)
class Sample(ResultMixin):
    """A random sample of a node's hits to judge."""

    node: tuple[str, ...]
    query: str
    hits: int
    size: int
    seed: int
    drawn_on: date
    store: StoreFingerprint
    docs: tuple[SampleDoc, ...]

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([_doc(d) for d in self.docs])


def _doc(d: SampleDoc) -> dict[str, str]:
    return {
        "doc_id": d.doc_id,
        "number": d.number,
        "title": d.title,
        "applicants": d.applicants,
        "ipc_main": d.ipc_main,
        "abstract": d.abstract,
    }


def sample_ids(hits: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` of ``hits`` (all when fewer) drawn at random without replacement; the same
    seed and hits give the same sample."""
    return random.Random(seed).sample(list(hits), min(size, len(hits)))


def draw_sample(
    store: PatentStore,
    spec: NavigationSpec,
    node: SpecNode,
    size: int = 50,
    *,
    seed: int | None = None,
    today: date | None = None,
) -> Sample:
    """A simple random sample (without replacement) of ``size`` of the node's hits; all of
    them when it has fewer. ``seed`` makes it repeatable (a random one is drawn and
    recorded when absent).

    Raises:
        InputError: ``size`` is not positive, or the node has no hits to sample.
    """
    if size <= 0:
        raise InputError(f"The sample size must be a positive number; got {size}.")
    query = node_query(node)
    if query is None:
        raise SpecError(
            f"环节“{node.label}”没有检索式，无法抽样。The node has no query."
        )
    hits = node_hits(store, spec, node)
    if not hits:
        raise InputError(
            f"环节“{node.label}”在当前库中没有命中文献，无法抽样。The node finds no document."
        )
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
    chosen = sample_ids(hits, size, seed)
    docs = _describe(store, chosen)
    return Sample(
        node=node.path,
        query=query,
        hits=len(hits),
        size=len(chosen),
        seed=seed,
        drawn_on=today or date.today(),
        store=store_fingerprint(store),
        docs=tuple(docs[d] for d in chosen),
    )


def _describe(store: PatentStore, doc_ids: Sequence[str]) -> dict[str, SampleDoc]:
    with store.staged("_sample_ids", _ids_table(doc_ids)) as staged:
        table = store.query(
            f"""
            SELECT p.doc_id, coalesce(p.pub_number, p.app_number, p.doc_id) AS number,
                   coalesce(p.title, '') AS title, coalesce(p.ipc_main, '') AS ipc_main,
                   coalesce(p.abstract, '') AS abstract,
                   coalesce(a.names, '') AS applicants
            FROM patents p JOIN {staged} s ON s.doc_id = p.doc_id
            LEFT JOIN (
                SELECT x.doc_id,
                       string_agg(coalesce(x.name, x.raw_name), '；' ORDER BY x.seq) AS names
                FROM parties x JOIN {staged} t ON t.doc_id = x.doc_id
                WHERE x.role = 'applicant' GROUP BY x.doc_id
            ) a ON a.doc_id = p.doc_id
            """
        )
    return {
        r["doc_id"]: SampleDoc(
            r["doc_id"],
            r["number"],
            r["title"],
            r["applicants"],
            r["ipc_main"],
            r["abstract"],
        )
        for r in table.to_pylist()
    }


def _ids_table(doc_ids: Sequence[str]) -> Any:
    import pyarrow as pa

    return pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})


def write_sample(sample: Sample, path: Path | str) -> Path:
    """Write a sample for judging (``.xlsx``): one row per document with an empty 判断
    column, and a 抽样信息 sheet saying which node, query, seed and store it came from."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SAMPLE_SHEET
    sheet.append(list(SAMPLE_COLUMNS))
    for c in range(1, len(SAMPLE_COLUMNS) + 1):
        sheet.cell(1, c).font = Font(bold=True)
    for i, d in enumerate(sample.docs, start=1):
        sheet.append(
            [
                i,
                d.number,
                d.title,
                d.applicants,
                d.ipc_main,
                d.abstract,
                None,
                None,
                d.doc_id,
            ]
        )
        sheet.cell(i + 1, 6).alignment = Alignment(wrap_text=True, vertical="top")
    check = DataValidation(type="list", formula1='"相关,不相关"', allow_blank=True)
    sheet.add_data_validation(check)
    check.add(f"G2:G{len(sample.docs) + 1}")
    for column, width in zip(
        "ABCDEFGHI", (6, 18, 40, 24, 12, 60, 14, 20, 30), strict=True
    ):
        sheet.column_dimensions[column].width = width
    info = book.create_sheet(SAMPLE_INFO_SHEET)
    for key, value in _sample_info(sample).items():
        info.append([key, value])
    out = Path(path)
    book.save(out)
    return out


def _sample_info(sample: Sample) -> dict[str, Any]:
    return {
        "环节": " / ".join(sample.node),
        "检索式": sample.query,
        "命中文献数": sample.hits,
        "样本量": sample.size,
        "随机种子": sample.seed,
        "抽样日期": sample.drawn_on.isoformat(),
        "库文献数": sample.store.documents,
        "库指纹": sample.store.digest,
        "说明": "请在“判断”列逐条填写 相关 或 不相关；留空的不计入。",
    }


# -- judgements --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgements:
    """A judged sample read back: its info and every document's verdict (None: blank)."""

    path: str
    info: Mapping[str, str]
    verdicts: tuple[tuple[str, str, bool | None], ...]
    """(doc_id, number, relevant) per row."""

    @property
    def node(self) -> tuple[str, ...]:
        return tuple(
            p.strip() for p in self.info.get("环节", "").split(" / ") if p.strip()
        )

    def precision(self, confidence: float = CONFIDENCE) -> Estimate:
        """Relevant / judged, with its Wilson interval, finite-population corrected by the
        node's hit count when the sample recorded it (the sample is drawn from those hits
        without replacement).

        Raises:
            InputError: no row is judged.
        """
        judged = [v for _, _, v in self.verdicts if v is not None]
        if not judged:
            raise InputError(
                f"{self.path}：“判断”列没有任何“相关/不相关”，无法计算查准率。"
                "Mark each row 相关 or 不相关."
            )
        hits = _int(self.info.get("命中文献数"))
        population = hits if hits is not None and hits >= len(judged) else None
        return Estimate.of(sum(judged), len(judged), confidence, population=population)


def parse_verdict(value: Any) -> bool | None:
    """相关 → True, 不相关 → False, blank → None.

    Raises:
        ValueError: any other text (the caller names the cell).
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if text in RELEVANT:
        return True
    if text in NOT_RELEVANT:
        return False
    raise ValueError(text)


def read_judgements(path: Path | str) -> Judgements:
    """Read a judged sample written by :func:`write_sample`.

    Raises:
        InputError: the file is not such a sample, or a verdict is neither 相关 nor 不相关
            (the message names the cell).
    """
    from openpyxl import load_workbook

    p = Path(path)
    try:
        book = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no xlsx
        raise InputError(f"无法读取判断文件 {p}：{exc} (not a readable .xlsx)") from exc
    if SAMPLE_SHEET not in book.sheetnames or SAMPLE_INFO_SHEET not in book.sheetnames:
        raise InputError(
            f"{p} 不是 patnav spec sample 生成的样本（缺少“{SAMPLE_SHEET}”或"
            f"“{SAMPLE_INFO_SHEET}”工作表）。Not a sample written by 'patnav spec sample'."
        )
    info = {
        str(r[0]): "" if r[1] is None else str(r[1])
        for r in book[SAMPLE_INFO_SHEET].iter_rows(values_only=True)
        if r and r[0] is not None
    }
    rows = list(book[SAMPLE_SHEET].iter_rows(values_only=True))
    header = [str(h or "").strip() for h in rows[0]] if rows else []
    try:
        verdict_col = next(i for i, h in enumerate(header) if h.startswith("判断"))
        id_col = header.index("文献标识")
        number_col = header.index("文献号")
    except (StopIteration, ValueError):
        raise InputError(
            f"{p}：工作表“{SAMPLE_SHEET}”的表头应含“文献号”“判断”“文献标识”列，"
            "请勿删改表头。The header was changed."
        ) from None
    out = []
    for r, row in enumerate(rows[1:], start=2):
        if not row or row[id_col] is None:
            continue
        try:
            verdict = parse_verdict(
                row[verdict_col] if verdict_col < len(row) else None
            )
        except ValueError as exc:
            from openpyxl.utils import get_column_letter

            raise InputError(
                f"{p}，工作表“{SAMPLE_SHEET}”第 {r} 行 {get_column_letter(verdict_col + 1)} "
                f"列：“{exc}”不是判断结果，请填写“相关”或“不相关”（或留空）。"
                "Write 相关 or 不相关."
            ) from None
        out.append((str(row[id_col]), str(row[number_col] or ""), verdict))
    book.close()
    return Judgements(str(p), info, tuple(out))


# -- recall ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recall(ResultMixin):
    """Recall of a node on a verified-relevant set."""

    known: int
    """Numbers in the set."""
    in_store: int
    """Of them, documents the store holds."""
    found: int
    """Of those, documents the node finds."""
    missing: tuple[str, ...]
    """Numbers the store does not hold (not counted)."""
    missed: tuple[str, ...]
    """Known documents the node does not find (what to read to improve the query)."""
    estimate: Estimate | None
    """found / in_store with its interval; None when the store holds none of them."""


def read_relevant(path: Path | str) -> list[str]:
    """The numbers of a verified-relevant set: a text or CSV file (the column 公开号,
    申请号, 文献号, pub_number or doc_id, else the first) or an ``.xlsx`` (a judged sample
    keeps only its 相关 rows).

    Raises:
        InputError: the file cannot be read or holds no number.
    """
    import pandas as pd

    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(p, sheet_name=0, dtype=str)
        elif p.suffix.lower() == ".csv":
            frame = pd.read_csv(p, dtype=str, header=0)
        else:  # one number a line (or several, separated by spaces, commas or ；)
            text = p.read_text("utf-8-sig")
            items = [x for x in re.split(r"[\s,;，；、]+", text) if x]
            frame = pd.DataFrame({"文献号": items}, dtype=str)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"无法读取已知相关文献清单 {p}：{exc}") from exc
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = pd.Index(columns)
    verdicts = [c for c in columns if c.startswith("判断")]
    if verdicts:
        keep = [parse_verdict_safe(v) is True for v in frame[verdicts[0]]]
        frame = frame[keep]
    for name in (
        "文献标识",
        "公开号",
        "公开（公告）号",
        "申请号",
        "文献号",
        "pub_number",
        "doc_id",
    ):
        if name in columns:
            values = frame[name]
            break
    else:
        values = frame.iloc[:, 0]
        if p.suffix.lower() not in (".xlsx", ".xlsm") and not _looks_like_header(
            columns[0]
        ):
            values = pd.concat([pd.Series([columns[0]]), values])
    out = []
    for v in values:
        text = str(v).strip() if v is not None else ""
        if text and text.lower() != "nan" and text not in out:
            out.append(text)
    if not out:
        raise InputError(f"{p} 中没有任何文献号。The file lists no publication number.")
    return out


def _looks_like_header(text: str) -> bool:
    return not any(ch.isdigit() for ch in text)


def parse_verdict_safe(value: Any) -> bool | None:
    """:func:`parse_verdict`, with an unknown text read as no verdict."""
    try:
        return parse_verdict(value)
    except ValueError:
        return None


def resolve_numbers(store: PatentStore, numbers: Iterable[str]) -> dict[str, str]:
    """The ``doc_id`` of each number the store holds: a doc_id, a publication or grant
    number, or an application number (in the store's canonical forms)."""
    from patnav.schema.numbers import normalize_app_number, normalize_pub_number

    rows: list[tuple[str, str]] = []
    for raw in numbers:
        keys = {raw, raw.upper().replace(" ", "")}
        for normalize in (normalize_pub_number, normalize_app_number):
            try:
                canonical = normalize(raw)
            except InputError:  # not a number of that kind
                canonical = None
            if canonical:
                keys.add(canonical)
        rows.extend((raw, k) for k in keys)
    import pyarrow as pa

    table = pa.table(
        {"raw": [r for r, _ in rows], "k": [k for _, k in rows]},
        schema=pa.schema([("raw", pa.string()), ("k", pa.string())]),
    )
    with store.staged("_known_numbers", table) as staged:
        found = store.query(
            f"""
            SELECT s.raw, min(p.doc_id) AS doc_id FROM {staged} s JOIN patents p
              ON p.doc_id = s.k OR p.pub_number = s.k OR p.grant_pub_number = s.k
                 OR p.app_number = s.k
            GROUP BY s.raw
            """
        ).to_pylist()
    return {r["raw"]: r["doc_id"] for r in found}


def measure_recall(
    store: PatentStore,
    spec: NavigationSpec,
    node: SpecNode,
    numbers: Sequence[str],
    confidence: float = CONFIDENCE,
) -> Recall:
    """Recall of the node on the known-relevant ``numbers`` (see the module docstring)."""
    resolved = resolve_numbers(store, numbers)
    hits = set(node_hits(store, spec, node))
    docs = {raw: d for raw, d in resolved.items()}
    in_store = sorted(set(docs.values()))
    found = [d for d in in_store if d in hits]
    missed_docs = set(in_store) - set(found)
    return Recall(
        known=len(numbers),
        in_store=len(in_store),
        found=len(found),
        missing=tuple(n for n in numbers if n not in resolved),
        missed=tuple(sorted(raw for raw, d in docs.items() if d in missed_docs)),
        estimate=Estimate.of(len(found), len(in_store), confidence)
        if in_store
        else None,
    )


# -- stored with the spec ----------------------------------------------------------------

QUALITY_MARK = (
    "# 检索策略质量（查准率/查全率）：由 patnav spec judge 或网页判断写入，请勿手改。"
)
_TOP_KEY = re.compile(r"^[^\s#-][^:]*:")


@dataclass(frozen=True, slots=True)
class NodeQuality:
    """A node's stored precision and recall records (each a plain mapping as saved), and
    whether each still measures the node's current query."""

    path: tuple[str, ...]
    precision: Mapping[str, Any] | None = None
    recall: Mapping[str, Any] | None = None
    current_query: str | None = None

    def status(self, kind: Literal["precision", "recall"]) -> str:
        """``measured``, ``stale`` (the query changed since) or ``missing``."""
        record = self.precision if kind == "precision" else self.recall
        if not record:
            return "missing"
        return "measured" if record.get("query") == self.current_query else "stale"


@dataclass(frozen=True, slots=True)
class SpecQuality(ResultMixin):
    """Every node's quality records, in tree order (nodes never measured included)."""

    nodes: tuple[NodeQuality, ...] = field(default_factory=tuple)

    def of(self, path: tuple[str, ...]) -> NodeQuality | None:
        return next((n for n in self.nodes if n.path == path), None)


def _records(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(e) for e in raw.get("quality") or [] if isinstance(e, Mapping)]


def load_quality(spec: NavigationSpec) -> SpecQuality:
    """The quality records of ``spec`` (its ``quality:`` block), one per node of its
    tree; a record for a node the tree no longer has is left out."""
    records = {tuple(e.get("node") or ()): e for e in _records(spec.raw)}
    out = []
    for node in spec.walk():
        entry = records.get(node.path, {})
        out.append(
            NodeQuality(
                node.path,
                entry.get("precision"),
                entry.get("recall"),
                node_query(node),
            )
        )
    return SpecQuality(tuple(out))


def with_quality(
    text: str,
    spec: NavigationSpec,
    node: SpecNode,
    *,
    precision: Mapping[str, Any] | None = None,
    recall: Mapping[str, Any] | None = None,
) -> str:
    """The spec's YAML ``text`` with a node's precision and/or recall recorded in its
    ``quality:`` block (the other nodes' and the other measure's records kept).

    Only the block is rewritten — the rest of the text, comments included, stays as the
    analyst wrote it; the block goes last when the spec has none yet.
    """
    records = _records(spec.raw)
    entry = next((e for e in records if tuple(e.get("node") or ()) == node.path), None)
    if entry is None:
        entry = {"node": list(node.path)}
        records.append(entry)
    if precision is not None:
        entry["precision"] = dict(precision)
    if recall is not None:
        entry["recall"] = dict(recall)
    return _with_records(text, records)


def with_moved_nodes(
    text: str,
    spec: NavigationSpec,
    moves: Mapping[tuple[str, ...], tuple[str, ...]],
) -> str:
    """The spec's YAML ``text`` with the quality records of nodes renamed or moved
    (``moves``: old path → new path) under their new paths, so they stay with their
    node. A record left at a path another node moved to is dropped (its node is gone);
    a text with no record to move is returned as it is."""
    records = _records(spec.raw)
    paths = [tuple(e.get("node") or ()) for e in records]
    if not any(p in moves for p in paths):
        return text
    targets = set(moves.values())
    out = []
    for entry, path in zip(records, paths, strict=True):
        if path in moves:
            out.append({**entry, "node": list(moves[path])})
        elif path not in targets:
            out.append(entry)
    return _with_records(text, out)


def _with_records(text: str, records: list[dict[str, Any]]) -> str:
    """``text`` with its ``quality:`` block written from ``records`` (only the block is
    rewritten; it goes last when the spec has none yet)."""
    import yaml

    block = yaml.safe_dump(
        {"quality": records}, allow_unicode=True, sort_keys=False, width=100
    )
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if re.match(r"^quality\s*:", line)), None
    )
    if start is None:
        kept, after = lines, []
    else:
        end = next(
            (j for j in range(start + 1, len(lines)) if _TOP_KEY.match(lines[j])),
            len(lines),
        )
        if start > 0 and lines[start - 1] == QUALITY_MARK:
            start -= 1
        kept, after = lines[:start], lines[end:]
    while kept and not kept[-1].strip():
        kept.pop()
    out = [*kept, "", QUALITY_MARK, *block.rstrip("\n").splitlines()]
    if after:
        out += ["", *after]
    return "\n".join(out) + "\n"


def save_quality(
    spec_path: Path | str,
    node: SpecNode,
    *,
    precision: Mapping[str, Any] | None = None,
    recall: Mapping[str, Any] | None = None,
) -> Path:
    """Record a node's precision and/or recall in the spec file's ``quality:`` block
    (:func:`with_quality`); the file is validated again before it is replaced.

    Raises:
        SpecError: the spec file is missing or not a valid spec.
    """
    from patnav.analyses.spec import load_spec, parse_spec

    path = Path(spec_path)
    spec = load_spec(path)
    text = with_quality(
        path.read_text("utf-8"), spec, node, precision=precision, recall=recall
    )
    parse_spec(text, source=str(path))  # what is written still validates
    path.write_text(text, "utf-8")
    return path


def precision_record(
    judgements: Judgements,
    node: SpecNode,
    estimate: Estimate,
    *,
    judge: str | None,
    store: StoreFingerprint,
    today: date | None = None,
) -> dict[str, Any]:
    """The stored record of a precision measurement."""
    info = judgements.info
    return {
        "query": node_query(node),
        **estimate.to_dict(),
        "relevant": estimate.successes,
        "judged": estimate.trials,
        "sample_size": len(judgements.verdicts),
        "hits": _int(info.get("命中文献数")),
        "seed": _int(info.get("随机种子")),
        "sampled_on": info.get("抽样日期") or None,
        "judged_on": (today or date.today()).isoformat(),
        "judge": judge,
        "sample_file": Path(judgements.path).name,
        "store": store.to_dict(),
    }


def recall_record(
    recall: Recall,
    node: SpecNode,
    *,
    relevant_file: str,
    judge: str | None,
    store: StoreFingerprint,
    today: date | None = None,
) -> dict[str, Any]:
    """The stored record of a recall measurement (no figures when unmeasurable)."""
    estimate = recall.estimate.to_dict() if recall.estimate else {}
    return {
        "query": node_query(node),
        **estimate,
        "known": recall.known,
        "in_store": recall.in_store,
        "found": recall.found,
        "measured_on": (today or date.today()).isoformat(),
        "judge": judge,
        "relevant_file": Path(relevant_file).name,
        "store": store.to_dict(),
    }


def _int(text: str | None) -> int | None:
    try:
        return int(str(text)) if text not in (None, "") else None
    except ValueError:
        return None
