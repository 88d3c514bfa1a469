"""The report check: what would stop an analyst from handing a report to a client.

``check_report(report)`` reads a built :class:`~patnav.reports.model.Report` and lists its
problems, each with where it is and what is wrong:

* ``english`` — English UI words in a Chinese report: raw keys and category values
  (``unknown``, ``utility_model``), English labels (``Filing year``), lowercase Latin words
  in Chinese prose. Names, codes, units and quoted data are not words of the UI: data
  strings (table cells, chart categories, the names a finding cites, the spec's queries)
  and quoted text are taken out of the prose before it is read, and capitalised or
  upper-case tokens (``THALES SA``, ``RTA``, ``B64C``) are names or codes.
* ``rule_id`` — a rule or label id (``data.thin_comparator``, ``kind.data``) anywhere but
  the tables that list the rules.
* ``placeholder`` — ``None``, ``nan``, ``{…}``, a dash standing for a value in running text
  (``申请年份 -–-``), a sentence computed from zero (``仅按其余 0 篇计算``).
* ``empty_cell`` — a blank table cell, or a ``-`` cell in a table whose notes do not say
  what ``-`` means.
* ``empty_chart`` — a chart with no data point.
* ``note`` — a note that contradicts its chart or table: shading mentioned where none is
  drawn (or drawn and not explained), incomplete years named that the chart does not show,
  reference lines mentioned that are not drawn, "前 N" over a different number of rows.
* ``basis`` — a conclusion drawn from fewer known values than its rule's threshold
  (:attr:`Finding.basis` below :attr:`Finding.min_basis`).

The checks read the report model, which every renderer draws from, and the rendered HTML
of its findings (what a template prints beside them). They never look at the store: the
check tells what the document says, not whether the data are right (the correctness tests
do that).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from patnav.i18n import Catalogue, pick, say
from patnav.reports import labels as L
from patnav.reports.model import (
    Chart,
    Figure,
    Finding,
    Paragraph,
    Report,
    Section,
    Table,
)

KINDS = Catalogue(
    "patnav.reports.check.KINDS",
    {
        "english": ("英文界面词", "English UI word"),
        "rule_id": ("规则或标签编号", "rule or label id"),
        "placeholder": ("占位符", "placeholder"),
        "empty_cell": ("空单元格", "empty cell"),
        "empty_chart": ("空图表", "empty chart"),
        "note": ("注释与图表不符", "note contradicts its chart"),
        "basis": ("结论依据不足", "conclusion below its threshold"),
    },
)
"""The kinds of problem, with their labels (zh, en)."""

RULE_TABLES = frozenset({"data.rules.table", "appendix.rules.table"})
"""Tables that list the conclusion rules: the one place rule ids belong."""

TERM_KEYS = ("hotspots.",)
"""Tables and figures whose cells and categories are words extracted from the patents'
text (hot terms, topics): data, whatever language they are in."""

DASHES = frozenset({"-", "–", "—"})
"""A table cell of only a dash: no value (explained by the table's notes)."""

_DASH_LEGEND = re.compile(r"[“\"'‘]\s*[-–—]\s*[”\"'’]")

_ALLOWED_LOWER = frozenset({"patnav"})
"""Lowercase Latin words a Chinese report may print: the tool's own name."""

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|\"[^\"]*\"")
_QUERY = re.compile(r"(?:检索式|基础检索式)[：:][^；;。\n]*")
_FILE = re.compile(
    r"[\w\-.]+\.(?:csv|xlsx?|xml|json|ciw|txt|ya?ml|zip|docx|html|pdf)\b"
)
_LATIN = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]+(?:[-'][A-Za-z]+)*(?![A-Za-z0-9_])")
_NULLS = re.compile(r"(?<![A-Za-z])(?:None|nan|NaN|null|undefined|NaT)(?![A-Za-z])")
_TEMPLATE = re.compile(r"\{[^{}]*\}")
_LONE_DASH = re.compile(r"(?<![\w）)\]%])[-–—]+(?![\w（(\[])")
_ZERO = r"(?<![\d.,])0\s*(?:件|族|篇|个|项|人次|人|名|家)"
_ZERO_BASIS = re.compile(
    rf"{_ZERO}\s*(?:计算|为基数|为分母|中)|(?:其余|仅按|只按|按其余|共)\s*{_ZERO}"
)
_SHADING = re.compile(r"阴影|斜线|灰色|shaded|shading|hatched|grey", re.IGNORECASE)
_INCOMPLETE_FROM = re.compile(r"(\d{4})\s*年及以后为不完整|(\d{4}) onwards incomplete")
_REFERENCE = re.compile(r"虚线|dashed", re.IGNORECASE)
_TOP_N = re.compile(r"前\s*(\d+)\s*(?:位|名|个|项|家|条)|\btop (\d+)\b", re.IGNORECASE)
_PER_GROUP = re.compile(r"每|各|\beach\b|\bper\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a report: its kind, where it is, and what it says."""

    kind: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.what}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Text:
    where: str
    text: str
    prose: bool
    table: str = ""


def check_report(report: Report) -> list[Problem]:
    """Every problem of ``report`` (an empty list: nothing to fix): the text checks in
    reading order, then the tables, figures and findings, then the rendered findings.

    The English-word check applies to Chinese reports only; the others to every report.
    """
    texts = list(_texts(report))
    data = _data_strings(report, texts)
    problems: list[Problem] = []
    vocab = _vocabulary()
    for item in texts:
        problems.extend(_check_text(report.lang, item, data, vocab))
    for where, block in _blocks(report):
        if isinstance(block, Table):
            problems.extend(_check_table(report.lang, where, block))
        elif isinstance(block, Figure):
            problems.extend(_check_figure(report.lang, where, block))
        elif isinstance(block, Finding):
            problems.extend(_check_basis(report.lang, where, block))
    problems.extend(_check_rendered(report, vocab))
    return problems


_FINDING_HTML = re.compile(r'<div class="finding[^"]*">(.*?)</div>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _check_rendered(report: Report, vocab: _Vocabulary) -> Iterator[Problem]:
    """What a renderer adds to a finding (a rule id under it, once): read from the HTML,
    whose template the PDF shares and whose blocks the Word renderer mirrors."""
    from patnav.reports.html import html_text

    shown = [f for f in report.walk() if isinstance(f, Finding)]
    page = html_text(report)
    for finding, match in zip(shown, _FINDING_HTML.finditer(page), strict=False):
        text = html.unescape(_TAG.sub(" ", match.group(1)))
        extra = text.replace(html.unescape(finding.text), " ")
        for rid in _rule_ids(extra, vocab):
            yield Problem(
                "rule_id",
                say(
                    report.lang,
                    f"结论〔{finding.rule}〕的排版",
                    f"finding ({finding.rule}) as rendered",
                ),
                say(
                    report.lang, f"编号“{rid}”印在结论旁", f"id {rid!r} printed with it"
                ),
            )


def format_problems(problems: list[Problem], lang: str = "zh") -> str:
    """The problems as lines for a terminal or a test failure."""
    lines = []
    for p in problems:
        label = pick(KINDS.get(p.kind, (p.kind, p.kind)), lang)
        lines.append(
            say(
                lang,
                f"- {label}｜{p.where}：{p.what}",
                f"- {label} | {p.where}: {p.what}",
            )
        )
    return "\n".join(lines)


# -- what the report says, and where ----------------------------------------------------------


def _blocks(report: Report) -> Iterator[tuple[str, Any]]:
    """Every block with its place: the numbered headings above it."""
    lang = report.lang

    def visit(block: Any, path: str) -> Iterator[tuple[str, Any]]:
        if isinstance(block, Section):
            here = f"{block.number} {block.heading}".strip()
            where = f"{path} › {here}" if path else here
            yield where, block
            for child in block.blocks:
                yield from visit(child, where)
        elif isinstance(block, Table):
            name = say(
                lang,
                f"表 {block.number}《{block.caption}》",
                f"Table {block.number} ({block.caption})",
            )
            yield f"{path} › {name}" if path else name, block
        elif isinstance(block, Figure):
            name = say(
                lang,
                f"图 {block.number}《{block.title}》",
                f"Figure {block.number} ({block.title})",
            )
            yield f"{path} › {name}" if path else name, block
        elif isinstance(block, Finding):
            name = say(lang, f"结论〔{block.rule}〕", f"finding ({block.rule})")
            yield f"{path} › {name}" if path else name, block
        else:
            yield path, block

    for section in report.sections:
        yield from visit(section, "")


def _texts(report: Report) -> Iterator[_Text]:
    lang = report.lang
    cover = say(lang, "封面", "cover")
    yield _Text(cover, report.title, prose=False)
    yield _Text(cover, report.subtitle, prose=True)
    for key, value in report.meta:
        yield _Text(f"{cover} › {key}", key, prose=True)
        yield _Text(f"{cover} › {key}", value, prose=False)
    for where, block in _blocks(report):
        if isinstance(block, Section):
            yield _Text(where, block.heading, prose=True)
        elif isinstance(block, Paragraph):
            yield _Text(where or cover, block.text, prose=True)
        elif isinstance(block, Finding):
            yield _Text(where, block.text, prose=True)
        elif isinstance(block, Table):
            yield _Text(where, block.caption, prose=True, table=block.key)
            for j, column in enumerate(block.columns):
                yield _Text(
                    f"{where} › {say(lang, f'第 {j + 1} 列表头', f'header {j + 1}')}",
                    column,
                    prose=True,
                    table=block.key,
                )
            for i, row in enumerate(block.rows, 1):
                for j, cell in enumerate(row):
                    header = block.columns[j] if j < len(block.columns) else str(j + 1)
                    yield _Text(
                        f"{where} › {say(lang, f'第 {i} 行「{header}」', f'row {i}, {header}')}",
                        cell,
                        prose=False,
                        table=block.key,
                    )
            for note in block.notes():
                yield _Text(
                    f"{where} › {say(lang, '注', 'note')}",
                    note,
                    prose=True,
                    table=block.key,
                )
        elif isinstance(block, Figure):
            chart = block.chart
            yield _Text(where, block.title, prose=True)
            yield _Text(
                f"{where} › {say(lang, '单位', 'unit')}", block.unit, prose=True
            )
            yield _Text(f"{where} › {say(lang, '注', 'note')}", block.note, prose=True)
            for label in (chart.x_label, chart.y_label, chart.shaded_label):
                if label:
                    yield _Text(
                        f"{where} › {say(lang, '坐标轴', 'axis')}", label, prose=True
                    )
            for label in (*chart.categories, *chart.rows):
                yield _Text(
                    f"{where} › {say(lang, '类别', 'category')}",
                    label,
                    prose=False,
                    table=block.key,
                )
            for series in chart.series:
                yield _Text(
                    f"{where} › {say(lang, '图例', 'legend')}",
                    series.name,
                    prose=False,
                )
            for _, label in chart.references:
                yield _Text(
                    f"{where} › {say(lang, '参考线', 'reference line')}",
                    label,
                    prose=True,
                )


def _data_strings(report: Report, texts: list[_Text]) -> list[str]:
    """The data a report quotes (names, titles, terms, queries), longest first: taken out
    of the prose before its words are read."""
    found: set[str] = set()
    for item in texts:
        if not item.prose:
            found.add(item.text)
            # a cell may list several names: 甲、乙、丙
            found.update(re.split(r"[、；;，]", item.text))
    findings = [b for b in report.walk() if isinstance(b, Finding)]
    for finding in [*report.findings, *findings]:
        found.add(finding.subject)
        for key, value in finding.numbers.items():
            if isinstance(value, str):
                found.add(value)
            if "." in key:  # 'THALES SA.units': the name the sentence cites
                found.add(key.rsplit(".", 1)[0])
    keep = {s.strip() for s in found if s and _LATIN.search(s) and len(s.strip()) >= 2}
    return sorted(keep, key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """The machinery's own words: raw category values, rule ids, the namespaces of rule
    and label ids, English labels (as one pattern)."""

    raw: frozenset[str]
    rules: frozenset[str]
    ids: re.Pattern[str]
    labels: re.Pattern[str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    from patnav.reports.conclusions import all_rules

    rules = all_rules()

    raw: set[str] = set()
    for table in (
        L.EN_STATUS,
        L.EN_PARTY,
        L.EN_POSITION,
        L.EN_PHASE,
        L.EN_OPERATION,
        L.EN_TYPE,
        L.EN_HHI,
        L.EN_EFFECT,
    ):
        raw.update(table)
    namespaces = {key.split(".", 1)[0] for key in L.TEXT if "." in key}
    namespaces.update(rule.name.split(".", 1)[0] for rule in rules)
    namespaces.update({"ptype", "ls", "rtype", "status", "dash", "chart", "event"})
    names = "|".join(sorted(namespaces, key=len, reverse=True))
    labels = sorted(
        {
            en
            for zh, en in L.TEXT.values()
            if zh != en and len(en) >= 4 and not en.isupper() and " " in en
        },
        key=len,
        reverse=True,
    )
    return _Vocabulary(
        raw=frozenset(raw),
        rules=frozenset(rule.name for rule in rules),
        ids=re.compile(rf"(?<![\w.])(?:{names})\.[a-z_]+(?:\.[a-z_]+)*(?![\w])"),
        labels=re.compile(
            "(?<![A-Za-z])(?:"
            + "|".join(re.escape(x) for x in labels)
            + ")(?![A-Za-z])"
        ),
    )


def _strip_data(text: str, data: list[str]) -> str:
    out = _QUOTED.sub(" ", text)
    out = _QUERY.sub(" ", out)
    out = _FILE.sub(" ", out)
    for value in data:
        if value in out:
            out = out.replace(value, " ")
    return out


def _rule_ids(text: str, vocab: _Vocabulary) -> list[str]:
    return [m.group(0) for m in vocab.ids.finditer(text)]


def _check_text(
    lang: str, item: _Text, data: list[str], vocab: _Vocabulary
) -> Iterator[Problem]:
    text = item.text
    if not text:
        return
    if not item.prose:
        cell = text.strip()
        if _NULLS.fullmatch(cell) or _TEMPLATE.search(cell):
            yield Problem(
                "placeholder",
                item.where,
                say(lang, f"“{cell}”不是数值", f"{cell!r} is not a value"),
            )
        if item.table not in RULE_TABLES and (
            cell in vocab.rules or _rule_ids(cell, vocab) == [cell]
        ):
            yield Problem(
                "rule_id", item.where, say(lang, f"编号“{cell}”", f"id {cell!r}")
            )
        bare = cell.strip("()（）").replace(" ", "_")
        is_term = item.table.startswith(TERM_KEYS)  # extracted words are data
        if lang != "en" and not is_term and (cell in vocab.raw or bare in vocab.raw):
            yield Problem(
                "english",
                item.where,
                say(lang, f"未翻译的取值“{cell}”", f"untranslated value {cell!r}"),
            )
        return
    prose = _strip_data(text, data)
    for rid in _rule_ids(prose, vocab):
        prose = prose.replace(rid, " ")  # reported once, as an id, not as words too
        if item.table not in RULE_TABLES:
            yield Problem(
                "rule_id",
                item.where,
                say(lang, f"编号“{rid}”出现在正文中", f"id {rid!r} in the text"),
            )
    for m in _NULLS.finditer(prose):
        yield Problem(
            "placeholder",
            item.where,
            say(
                lang,
                f"“{m.group(0)}”：{_excerpt(text, m.group(0))}",
                f"{m.group(0)!r}: {_excerpt(text, m.group(0))}",
            ),
        )
    for m in _TEMPLATE.finditer(prose):
        yield Problem(
            "placeholder",
            item.where,
            say(
                lang, f"未填充的模板“{m.group(0)}”", f"unfilled template {m.group(0)!r}"
            ),
        )
    for m in _LONE_DASH.finditer(prose):
        yield Problem(
            "placeholder",
            item.where,
            say(
                lang,
                f"以“{m.group(0)}”代替数值：{_excerpt(text, m.group(0))}",
                f"{m.group(0)!r} stands for a value: {_excerpt(text, m.group(0))}",
            ),
        )
    for m in _ZERO_BASIS.finditer(prose):
        yield Problem(
            "placeholder",
            item.where,
            say(
                lang,
                f"以 0 为基数的句子：{_excerpt(text, m.group(0))}",
                f"a sentence built on zero: {_excerpt(text, m.group(0))}",
            ),
        )
    if lang == "en":
        return
    for m in vocab.labels.finditer(prose):
        yield Problem(
            "english",
            item.where,
            say(lang, f"英文标签“{m.group(0)}”", f"English label {m.group(0)!r}"),
        )
    for m in _LATIN.finditer(prose):
        word = m.group(0)
        if word[0].islower() and word not in _ALLOWED_LOWER:
            yield Problem(
                "english",
                item.where,
                say(
                    lang,
                    f"英文词“{word}”：{_excerpt(text, word)}",
                    f"English word {word!r}: {_excerpt(text, word)}",
                ),
            )


def _excerpt(text: str, part: str, width: int = 16) -> str:
    at = text.find(part)
    if at < 0:
        return text[: 2 * width]
    start, end = max(0, at - width), min(len(text), at + len(part) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


# -- tables, figures, findings -------------------------------------------------------------


def _check_table(lang: str, where: str, table: Table) -> Iterator[Problem]:
    explained = any(_DASH_LEGEND.search(n) for n in table.notes())
    for i, row in enumerate(table.rows, 1):
        if len(row) != len(table.columns):
            yield Problem(
                "empty_cell",
                where,
                say(
                    lang,
                    f"第 {i} 行有 {len(row)} 格，表头 {len(table.columns)} 列",
                    f"row {i} has {len(row)} cells for {len(table.columns)} columns",
                ),
            )
        for j, cell in enumerate(row):
            header = table.columns[j] if j < len(table.columns) else str(j + 1)
            if not cell.strip():
                yield Problem(
                    "empty_cell",
                    f"{where} › {say(lang, f'第 {i} 行「{header}」', f'row {i}, {header}')}",
                    say(lang, "空白单元格", "blank cell"),
                )
            elif cell.strip() in DASHES and not explained:
                yield Problem(
                    "empty_cell",
                    f"{where} › {say(lang, f'第 {i} 行「{header}」', f'row {i}, {header}')}",
                    say(
                        lang,
                        "“-”未在表注中说明含义",
                        "'-' is not explained in the table's notes",
                    ),
                )
    for text in (table.caption, *table.notes()):
        yield from _top_n(lang, where, text, len(table.rows))


def _top_n(lang: str, where: str, text: str, shown: int) -> Iterator[Problem]:
    for m in _TOP_N.finditer(text):
        if _PER_GROUP.search(text[: m.start()]):
            continue  # 每环节前 5 位: a limit per group, not the rows of the whole table
        n = int(m.group(1) or m.group(2))
        if n != shown:
            yield Problem(
                "note",
                where,
                say(
                    lang,
                    f"“{m.group(0)}”，实际 {shown} 项：{_excerpt(text, m.group(0))}",
                    f"{m.group(0)!r} but {shown} shown: {_excerpt(text, m.group(0))}",
                ),
            )


def _points(chart: Chart) -> int:
    """How many data points carry a value other than zero."""
    if chart.kind == "heatmap":
        return sum(1 for row in chart.matrix for v in row if v)
    return sum(1 for s in chart.series for v in s.values if v)


def _check_figure(lang: str, where: str, figure: Figure) -> Iterator[Problem]:
    chart = figure.chart
    if not chart.categories or _points(chart) == 0:
        yield Problem(
            "empty_chart",
            where,
            say(lang, "图中没有数据点", "the chart has no data point"),
        )
    if chart.kind == "heatmap":
        if len(chart.matrix) != len(chart.rows) or any(
            len(r) != len(chart.categories) for r in chart.matrix
        ):
            yield Problem(
                "empty_chart",
                where,
                say(
                    lang,
                    "热力图的行列与数据不一致",
                    "the heat map's rows and columns do not match its data",
                ),
            )
    else:
        for s in chart.series:
            if len(s.values) != len(chart.categories):
                yield Problem(
                    "empty_chart",
                    where,
                    say(
                        lang,
                        f"系列“{s.name}”有 {len(s.values)} 个值，类别 {len(chart.categories)} 个",
                        f"series {s.name!r} has {len(s.values)} values for "
                        f"{len(chart.categories)} categories",
                    ),
                )
    note = figure.note
    says_shading = bool(_SHADING.search(note))
    if says_shading and not chart.shaded:
        yield Problem(
            "note",
            where,
            say(
                lang,
                "注释提到阴影，图中没有阴影",
                "the note mentions shading, the chart shades nothing",
            ),
        )
    if chart.shaded and not says_shading:
        yield Problem(
            "note",
            where,
            say(
                lang,
                f"图中 {len(chart.shaded)} 个类别有阴影，注释未说明",
                f"{len(chart.shaded)} categories are shaded and the note does not say why",
            ),
        )
    m = _INCOMPLETE_FROM.search(note)
    years = [int(c) for c in chart.categories if c.isdigit()]
    if m and years:
        first = int(m.group(1) or m.group(2))
        if max(years) < first:
            yield Problem(
                "note",
                where,
                say(
                    lang,
                    f"注释称 {first} 年及以后不完整，图中只到 {max(years)} 年",
                    f"the note marks {first} onwards incomplete, the chart ends in {max(years)}",
                ),
            )
    if _REFERENCE.search(note) and not chart.references:
        yield Problem(
            "note",
            where,
            say(
                lang,
                "注释提到虚线，图中没有参考线",
                "the note mentions dashed lines, the chart draws none",
            ),
        )
    shown = len(chart.rows) if chart.kind == "heatmap" else len(chart.categories)
    for text in (figure.title, note):
        yield from _top_n(lang, where, text, shown)


def _check_basis(lang: str, where: str, finding: Finding) -> Iterator[Problem]:
    if finding.min_basis is None:
        return
    if finding.basis is None:
        yield Problem(
            "basis",
            where,
            say(
                lang,
                f"规则要求至少 {finding.min_basis:g} 个已知值，结论未注明依据数量",
                f"the rule needs {finding.min_basis:g} known values; the finding does not "
                "say how many it rests on",
            ),
        )
    elif finding.basis < finding.min_basis:
        yield Problem(
            "basis",
            where,
            say(
                lang,
                f"结论仅基于 {finding.basis:g} 个已知值，低于阈值 {finding.min_basis:g}",
                f"drawn from {finding.basis:g} known values, below the threshold "
                f"{finding.min_basis:g}",
            ),
        )


__all__ = ["KINDS", "Problem", "check_report", "format_problems"]
