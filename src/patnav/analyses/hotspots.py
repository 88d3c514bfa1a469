"""Hot spots and white spaces (技术热点与空白点): terms, topics, and the technology–effect matrix.

Text of each unit — the title and abstract of its representative document — is segmented:
Chinese with jieba and the technical vocabularies of ``reference/dictionaries`` (precise mode,
so 光纤连接器 stays one term), English by words and two-word phrases. Stop words and the
boilerplate of patent language (所述, 本发明, comprising …) are dropped.

* **Terms** — units mentioning each term; the recent window against the previous one.
* **Emerging terms** — terms whose share of units grew most (at least ``min_units`` recent).
* **Topics** — communities (Leiden, fixed seed) of the co-occurrence graph of the top terms.
* **Technology–effect matrix** (技术功效矩阵) — technical means (the units' main IPC groups,
  with Chinese titles) against effects: what the abstracts say the invention improves —
  phrases after 提高 / 降低 / 改善 / 实现 / 增加 / 减少 … or improve / reduce / increase … —
  grouped into effect categories (cost, efficiency, precision, safety …) by keyword.
* **White spaces** — cells of the matrix far emptier than their row and column suggest
  (observed against the count expected if means and effects were independent): where many
  units work on the means and many pursue the effect, but few do both.

Large scopes are sampled (a stated number of units, taken evenly over the unit keys), so the
analysis takes seconds, not hours; the result states how many units were read.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import igraph as ig
import leidenalg
import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    ratio,
)
from patnav.analyses.prepared import based
from patnav.storage.store import PatentStore

SEED = 42

BOILERPLATE_ZH = frozenset(
    """
    本发明 本实用新型 实用新型 发明 所述 一种 其特征 特征 在于 其中 包括 包含 设有 设置
    用于 通过 以及 进行 采用 使得 能够 从而 分别 相应 所示 如图 涉及 公开 提供 具有 至少
    一个 多个 若干 位于 连接 固定 安装 相连 之间 上端 下端 一端 另一端 两端 内部 外部 表面
    上述 该 本 技术领域 领域 方法 装置 系统 结构 组件 部件 单元 模块 主体 本体 方案 优点
    有益效果 效果 问题 目的 一体 实现 提高 降低 改善 增加 减少 提升 使用 利用 达到 方便
    简单 实施例
    """.split()  # noqa: SIM905  (a word list reads best as words)
)
GENERIC_ZH = frozenset(
    """
    组成 特点 技术 可以 因此 属于 使用方便 避免 有效 同时 新型 两个 联接 及其 两侧 底部
    顶部 控制 解决 形成 保证 现有 减轻 前端 相比 相对 方便 简便 操作 结构简单 合理 实用
    新颖 一端 内侧 外侧 左右 上下 前后 中部 中间 后端 端部 侧面 底面 顶面 一侧 另一侧 分别
    对应 相应 达到 具体 主要 一般 目前 现在 比较 较好 良好 较高 较低 明显 显著 大大 极大
    很好 更好 容易 可靠 稳定 安全 效果 作用 功能 性能 质量 成本 效率 生产 制造 加工 使用
    工作 运行 操作简便 下部 上部 装有 操作方便 技术方案 产品 成本低 连通 部位 组合 安全可靠
    端的 穿过 开口 内壁 外壁 接触 步骤 混合 固定连接 活动连接 机构 制备方法 适用 广泛 用途
    等等 原料 重量 比例 材料 部分 零件 机体 机架 装置 设备 器械 工具 外壳 壳体 支架 箱体
    底座 本体 主体 端口 端面
    """.split()  # noqa: SIM905  (a word list reads best as words)
)
"""Words the vocabularies contain but that say nothing about a technology."""
BOILERPLATE_EN = frozenset(
    """
    a an and are as at be by for from has have in into is it its of on or said such that
    the their then there these this to was were wherein which with whereby thereof
    comprising comprises comprise include includes including method methods system systems
    apparatus device devices invention present embodiment embodiments first second one two
    plurality least each further based least also may can configured provided thereby
    within between via using used use one more other having herein same disclosed
    """.split()  # noqa: SIM905  (a word list reads best as words)
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[a-z][a-z\-]{2,}")

EFFECT_VERBS_ZH = (
    "提高",
    "降低",
    "改善",
    "实现",
    "增加",
    "减少",
    "提升",
    "节约",
    "节省",
    "避免",
    "防止",
    "延长",
    "缩短",
    "简化",
    "增强",
    "减轻",
    "保证",
    "确保",
    "便于",
    "利于",
    "有利于",
    "消除",
    "克服",
    "解决",
    "优化",
    "加快",
)
_EFFECT_ZH = re.compile(
    "("
    + "|".join(EFFECT_VERBS_ZH)
    + r")(了)?([\u4e00-\u9fffA-Za-z]{1,10}?)(?=[，。、；,.;：:]|的|和|与|及|并|$)"
)
_EFFECT_EN = re.compile(
    r"\b(improv\w*|reduc\w*|increas\w*|enhanc\w*|prevent\w*|avoid\w*|lower\w*|decreas\w*|"
    r"simplif\w*|extend\w*|sav(?:e|es|ed|ing)|eliminat\w*|ensur\w*|facilitat\w*)\s+"
    r"(?:the\s+|a\s+|an\s+|its\s+)?([a-z][a-z\- ]{2,40}?)"
    r"(?=[,.;:]|\s+(?:and|of|by|in|while|with|to)\b|$)",
    re.IGNORECASE,
)

EFFECT_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "usability",
        "操作便捷",
        (
            "劳动强度",
            "操作",
            "使用方便",
            "便捷",
            "方便",
            "人工",
            "护理",
            "easy",
            "convenien",
            "usab",
            "manual",
            "labor",
            "labour",
        ),
    ),
    ("cost", "成本", ("成本", "费用", "造价", "cost", "price", "expense")),
    (
        "efficiency",
        "效率",
        (
            "效率",
            "速度",
            "产量",
            "产能",
            "efficien",
            "speed",
            "throughput",
            "productiv",
            "yield",
        ),
    ),
    (
        "precision",
        "精度与质量",
        (
            "精度",
            "准确",
            "质量",
            "品质",
            "精确",
            "accura",
            "precis",
            "quality",
            "resolution",
        ),
    ),
    (
        "safety",
        "安全",
        ("安全", "事故", "危险", "防护", "safety", "risk", "hazard", "collision"),
    ),
    (
        "reliability",
        "稳定性与可靠性",
        (
            "稳定",
            "可靠",
            "故障",
            "牢固",
            "reliab",
            "stabil",
            "robust",
            "failure",
            "durab",
        ),
    ),
    ("lifetime", "寿命", ("寿命", "使用期", "耐用", "lifetime", "life", "wear")),
    (
        "energy",
        "节能降耗",
        (
            "能耗",
            "节能",
            "耗能",
            "功耗",
            "电耗",
            "energy",
            "power consumption",
            "fuel",
            "consumption",
        ),
    ),
    (
        "environment",
        "环保",
        (
            "污染",
            "环保",
            "排放",
            "废",
            "噪声",
            "噪音",
            "pollut",
            "emission",
            "noise",
            "waste",
        ),
    ),
    (
        "size",
        "体积与重量",
        (
            "体积",
            "重量",
            "占地",
            "空间",
            "轻量",
            "轻便",
            "小型化",
            "size",
            "weight",
            "volume",
            "compact",
            "space",
        ),
    ),
    (
        "performance",
        "性能",
        (
            "性能",
            "效果",
            "强度",
            "功能",
            "performance",
            "strength",
            "capacity",
            "function",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Term:
    """A term and how many units use it, recently and before."""

    term: str
    lang: str
    units: int
    share: float | None
    recent: int
    previous: int
    growth: float | None


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of terms that occur together."""

    id: int
    terms: tuple[str, ...]
    units: int  # units mentioning at least two of its terms


@dataclass(frozen=True, slots=True)
class EffectShare:
    """An effect category and the units that claim it."""

    key: str
    label: str
    units: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WhiteSpace:
    """A sparse cell of the technology–effect matrix."""

    means: str
    means_label: str
    effect: str
    effect_label: str
    observed: int
    expected: float
    ratio: float | None  # observed / expected


@dataclass(frozen=True, slots=True)
class EffectMatrix:
    """Units by technical means (rows) and effect (columns)."""

    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class HotSpots(ResultMixin):
    """Terms, emerging terms, topics, effects, the technology–effect matrix, white spaces."""

    scope: str
    count_by: str
    unit_zh: str
    total_units: int
    analysed_units: int
    recent_window: tuple[int, int] | None
    previous_window: tuple[int, int] | None
    terms: tuple[Term, ...]
    emerging: tuple[Term, ...]
    topics: tuple[Topic, ...]
    effects: tuple[EffectShare, ...]
    matrix: EffectMatrix
    white_spaces: tuple[WhiteSpace, ...]
    method: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(t, f) for f in t.__slots__} for t in self.terms]
        )


def _dictionary_files(dictionaries: Sequence[Path] | None) -> tuple[Path, ...]:
    from patnav.search.analysis import dictionary_files

    if dictionaries is None:
        from patnav.config import Settings

        dictionaries = dictionary_files(Settings().data_dir)
    return tuple(dictionaries)


def _segmenter(dictionaries: tuple[Path, ...]) -> object:
    from patnav.search.analysis import Segmenter

    return Segmenter(dictionaries)


@lru_cache(maxsize=4)
def technical_vocabulary(dictionaries: tuple[Path, ...]) -> frozenset[str]:
    """The words of the technical vocabularies: a Chinese term is kept when it is one of
    them, so 光纤 or 带式输送机 count and 组成, 特点, 可以 do not."""
    words: set[str] = set()
    for path in dictionaries:
        for line in path.read_text("utf-8", errors="replace").splitlines():
            word = line.split("\t", 1)[0].split(" ", 1)[0].strip()
            if 2 <= len(word) <= 12 and _CJK.search(word):
                words.add(word)
    return frozenset(words - BOILERPLATE_ZH - GENERIC_ZH)


def terms_of(text: str, segmenter: object, vocabulary: frozenset[str]) -> set[str]:
    """The distinct technical terms of a title or abstract: Chinese words of the technical
    vocabularies; English words and two-word phrases; boilerplate removed."""
    out: set[str] = set()
    if _CJK.search(text):
        tokenizer = segmenter.tokenizer()  # type: ignore[attr-defined]
        for word in tokenizer.cut(text, HMM=False):
            if word in vocabulary:
                out.add(word)
        return out
    words = [w for w in _EN_WORD.findall(text.lower()) if w not in BOILERPLATE_EN]
    out.update(words)
    lowered = _EN_WORD.findall(text.lower())
    for a, b in itertools.pairwise(lowered):
        if a not in BOILERPLATE_EN and b not in BOILERPLATE_EN:
            out.add(f"{a} {b}")
    return out


def effects_of(text: str) -> list[str]:
    """Effect phrases an abstract states: 提高生产效率, reduce cost …"""
    phrases = [
        f"{m.group(1)}{m.group(3)}"
        for m in _EFFECT_ZH.finditer(text)
        if m.group(3) and len(m.group(3)) >= 2
    ]
    phrases += [
        f"{m.group(1).lower()} {m.group(2).strip().lower()}"
        for m in _EFFECT_EN.finditer(text)
    ]
    return phrases


def effect_category(phrase: str) -> str | None:
    """The effect category of one phrase: the first category whose keyword it contains
    (categories are ordered from the most specific: 降低劳动强度 is usability, not
    performance)."""
    lowered = phrase.lower()
    for key, _, keywords in EFFECT_CATEGORIES:
        if any(k in lowered for k in keywords):
            return key
    return None


def effect_categories(phrases: Iterable[str]) -> set[str]:
    """The effect categories a unit's phrases fall into."""
    return {c for c in (effect_category(p) for p in phrases) if c is not None}


def hot_spots(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 30,
    sample: int = 20000,
    min_units: int = 3,
    topics: int = 8,
    means: int = 12,
    dictionaries: Sequence[Path] | None = None,
) -> HotSpots:
    """Terms, emerging terms, topics, the technology–effect matrix and its white spaces.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        top: terms listed (and emerging terms).
        sample: most units read; larger scopes are sampled evenly (stated in the result).
        min_units: an emerging term needs at least this many recent units.
        topics: most topics formed from the top terms.
        means: rows (IPC main groups) of the technology–effect matrix.
        dictionaries: word lists for Chinese segmentation (default: the technical
            vocabularies under ``reference/dictionaries`` of the data directory).
    """
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        recent, previous = base.windows()
        total = base.count_units()
        step = max(1, -(-total // max(sample, 1)))
        rows = base.rows(
            f"""
            WITH numbered AS (
                SELECT u.unit, u.filing_year, u.ipc_main, u.doc_id,
                       row_number() OVER (ORDER BY u.unit) AS n
                FROM {base.units} u
            )
            SELECT n.unit, n.filing_year, n.ipc_main, p.title, p.abstract,
                   t.title_zh AS group_title
            FROM numbered n JOIN patents p ON p.doc_id = n.doc_id
            LEFT JOIN class_titles t ON t.scheme = 'IPC' AND t.code = CASE
                WHEN strpos(n.ipc_main, '/') > 0
                THEN substr(n.ipc_main, 1, strpos(n.ipc_main, '/')) || '00'
                ELSE n.ipc_main END
            WHERE (n.n - 1) % {int(step)} = 0
            ORDER BY n.unit
            """
        )
    files = _dictionary_files(dictionaries)
    segmenter = _segmenter(files)
    vocabulary = technical_vocabulary(files)
    unit_terms: list[set[str]] = []
    term_units: Counter[str] = Counter()
    term_recent: Counter[str] = Counter()
    term_previous: Counter[str] = Counter()
    lang_of: dict[str, str] = {}
    effect_examples: dict[str, Counter[str]] = {}
    unit_effects: list[set[str]] = []
    unit_means: list[str | None] = []
    means_title: dict[str, str] = {}
    n_recent = n_previous = 0
    for r in rows:
        text = " ".join(t for t in (r["title"], r["abstract"]) if t)
        found = terms_of(text, segmenter, vocabulary) if text else set()
        unit_terms.append(found)
        term_units.update(found)
        year = r["filing_year"]
        in_recent = (
            recent is not None and year is not None and recent[0] <= year <= recent[1]
        )
        in_previous = (
            previous is not None
            and year is not None
            and previous[0] <= year <= previous[1]
        )
        n_recent += in_recent
        n_previous += in_previous
        if in_recent:
            term_recent.update(found)
        if in_previous:
            term_previous.update(found)
        for term in found:
            lang_of.setdefault(term, "zh" if _CJK.search(term) else "en")
        phrases = effects_of(r["abstract"] or "")
        categories = effect_categories(phrases)
        unit_effects.append(categories)
        for phrase in phrases:
            key = effect_category(phrase)
            if key is not None:
                effect_examples.setdefault(key, Counter())[phrase] += 1
        group = _main_group(r["ipc_main"])
        unit_means.append(group)
        if group and r["group_title"]:
            means_title[group] = str(r["group_title"])

    analysed = len(rows)

    def make_term(t: str) -> Term:
        rec, prev = term_recent[t], term_previous[t]
        return Term(
            t,
            lang_of[t],
            term_units[t],
            ratio(term_units[t], analysed),
            rec,
            prev,
            ratio(rec - prev, prev),
        )

    ranked = sorted(term_units, key=lambda t: (-term_units[t], t))
    terms = tuple(make_term(t) for t in ranked[:top])

    def share_growth(t: str) -> float:
        before = term_previous[t] / n_previous if n_previous else 0.0
        after = term_recent[t] / n_recent if n_recent else 0.0
        return (after - before) / before if before else after * 100

    emerging = tuple(
        make_term(t)
        for t in sorted(
            (t for t in term_units if term_recent[t] >= min_units),
            key=lambda t: (-share_growth(t), -term_recent[t], t),
        )[:top]
    )
    topic_list = _topics(unit_terms, ranked[: max(top * 3, 60)], topics)
    effects = tuple(
        EffectShare(
            key,
            label,
            sum(1 for e in unit_effects if key in e),
            tuple(p for p, _ in effect_examples.get(key, Counter()).most_common(5)),
        )
        for key, label, _ in EFFECT_CATEGORIES
    )
    matrix, white = _matrix(unit_means, unit_effects, means_title, means)
    method = (
        (
            f"read {analysed:,} of {total:,} units (every {step}th by unit key)"
            if step > 1
            else f"read all {analysed:,} units"
        )
        + "; Chinese segmented by jieba with the technical vocabularies, English by words and "
    )
    method += "two-word phrases; effects from phrases after 提高/降低/改善/实现… and "
    method += "improve/reduce/increase…, grouped by keyword"
    return HotSpots(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total_units=total,
        analysed_units=analysed,
        recent_window=recent,
        previous_window=previous,
        terms=terms,
        emerging=emerging,
        topics=topic_list,
        effects=tuple(e for e in effects if e.units),
        matrix=matrix,
        white_spaces=white,
        method=method,
    )


def _main_group(code: str | None) -> str | None:
    if not code:
        return None
    head = code.split("/")[0]
    return f"{head}/00" if len(head) > 4 else head


def _topics(
    unit_terms: list[set[str]], vocabulary: list[str], limit: int
) -> tuple[Topic, ...]:
    """Communities of the co-occurrence graph of ``vocabulary``."""
    if len(vocabulary) < 2:
        return ()
    index = {t: i for i, t in enumerate(sorted(vocabulary))}
    pairs: Counter[tuple[int, int]] = Counter()
    for found in unit_terms:
        present = sorted(index[t] for t in found if t in index)
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                pairs[(a, b)] += 1
    edges = [(a, b, w) for (a, b), w in sorted(pairs.items()) if w >= 2]
    if not edges:
        return ()
    graph = ig.Graph(n=len(index), edges=[(a, b) for a, b, _ in edges])
    graph.es["weight"] = [w for _, _, w in edges]
    partition = leidenalg.find_partition(
        graph, leidenalg.ModularityVertexPartition, weights="weight", seed=SEED
    )
    names = sorted(vocabulary)
    frequency = Counter(t for found in unit_terms for t in found if t in index)
    groups = [
        sorted((names[v] for v in members), key=lambda t: (-frequency[t], t))
        for members in partition
        if len(members) >= 2
    ]
    groups.sort(key=lambda g: (-sum(frequency[t] for t in g), g[0]))
    out = []
    for i, group in enumerate(groups[:limit], 1):
        members = set(group)
        units = sum(1 for found in unit_terms if len(found & members) >= 2)
        out.append(Topic(i, tuple(group[:8]), units))
    return tuple(out)


WHITE_SPACE_MAX_RATIO = 0.35
WHITE_SPACE_MIN_EXPECTED = 3.0


def _matrix(
    unit_means: list[str | None],
    unit_effects: list[set[str]],
    titles: dict[str, str],
    rows_wanted: int,
) -> tuple[EffectMatrix, tuple[WhiteSpace, ...]]:
    with_effects = [
        (m, e) for m, e in zip(unit_means, unit_effects, strict=True) if m and e
    ]
    row_totals = Counter(m for m, _ in with_effects)
    rows = [m for m, _ in sorted(row_totals.items(), key=lambda kv: (-kv[1], kv[0]))][
        :rows_wanted
    ]
    labels = {key: label for key, label, _ in EFFECT_CATEGORIES}
    col_totals = Counter(e for m, es in with_effects if m in set(rows) for e in es)
    columns = [k for k, _, _ in EFFECT_CATEGORIES if col_totals[k]]
    cells: Counter[tuple[str, str]] = Counter(
        (m, e) for m, es in with_effects if m in set(rows) for e in es
    )
    n = sum(1 for m, _ in with_effects if m in set(rows))
    matrix = EffectMatrix(
        rows=tuple(rows),
        row_labels=tuple(titles.get(r, r) for r in rows),
        columns=tuple(columns),
        column_labels=tuple(labels[c] for c in columns),
        values=tuple(tuple(cells[(r, c)] for c in columns) for r in rows),
    )
    white: list[WhiteSpace] = []
    for r in rows:
        row_units = sum(1 for m, _ in with_effects if m == r)
        for c in columns:
            column_share = col_totals[c] / n if n else 0.0
            expected = row_units * column_share
            observed = cells[(r, c)]
            if (
                expected >= WHITE_SPACE_MIN_EXPECTED
                and observed <= expected * WHITE_SPACE_MAX_RATIO
            ):
                white.append(
                    WhiteSpace(
                        r,
                        titles.get(r, r),
                        c,
                        labels[c],
                        observed,
                        round(expected, 4),
                        ratio(observed, expected),
                    )
                )
    white.sort(key=lambda w: (-(w.expected - w.observed), w.means, w.effect))
    return matrix, tuple(white)
