"""The expert query language (检索式): tokenizer, parser, syntax tree and printer.

```
query    := or
or       := and   ( (OR | 或) and )*
and      := not   ( [AND | 与] not )*          adjacent terms are ANDed
not      := unary ( (NOT | 非) unary )*        a NOT b  =  a AND NOT b
unary    := (NOT | 非)* primary
primary  := "(" or ")"  |  FIELD sep value  |  term
value    := term  |  range  |  "(" or ")"      a group: its bare terms take FIELD
sep      := "=" | ":" | ">" | ">=" | "<" | "<="   (comparisons on date fields only)
term     := word | "quoted phrase"
range    := "[" low TO high "]"                 "{" "}" exclude the bound; "*" leaves it open
```

Precedence is NOT > AND > OR: ``A OR B AND C`` is ``A OR (B AND C)``. Operators are
case-insensitive words; the Chinese 与 / 或 / 非 count as operators only when they stand
alone between spaces or brackets, so ``或门`` stays a term. Full-width brackets, quotes,
``＝`` and ``：`` are accepted. A bare term searches ``TIABC``.

The parser is bounded: at most :data:`MAX_QUERY_CHARS` characters, :data:`MAX_TERMS`
terms and :data:`MAX_DEPTH` nested brackets, each refused with a clear
:class:`QuerySyntaxError` that points at the column (1-based) and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from patnav.errors import FieldValueError, QuerySyntaxError
from patnav.search import values as v
from patnav.search.fields import (
    DEFAULT_FIELD,
    FIELDS,
    Field,
    Kind,
    all_names,
    field_named,
    nearest,
)

MAX_QUERY_CHARS = 100_000
MAX_TERMS = 1_000
MAX_DEPTH = 64


# -- syntax tree -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word or quoted phrase searched in one field."""

    field: str
    text: str
    phrase: bool = False

    @property
    def has_wildcard(self) -> bool:
        return v.has_wildcard(self.text)


@dataclass(frozen=True, slots=True)
class Range:
    """A date range; a None bound is open."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True, slots=True)
class And:
    """All of the items."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Any of the items."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Documents the item does not match."""

    item: Node


Node = Term | Range | And | Or | Not
Leaf = Term | Range


def leaves(node: Node) -> Iterator[Leaf]:
    """Every term and range of a tree, left to right (iterative: no recursion limit)."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, And | Or):
            stack.extend(reversed(current.items))
        elif isinstance(current, Not):
            stack.append(current.item)
        else:
            yield current


# -- tokens ----------------------------------------------------------------------------


class Tok(Enum):
    LPAREN = "("
    RPAREN = ")"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    FIELD = "field"
    WORD = "word"
    PHRASE = "phrase"
    RANGE = "range"
    EOF = "end of query"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str
    column: int  # 1-based
    sep: str = ""  # for FIELD: = : > >= < <=
    field: Field | None = None
    low: str | None = None
    high: str | None = None
    include_low: bool = True
    include_high: bool = True


_OPERATORS = {
    "AND": Tok.AND,
    "OR": Tok.OR,
    "NOT": Tok.NOT,
    "与": Tok.AND,
    "或": Tok.OR,
    "非": Tok.NOT,
}
_SPACE = frozenset(" \t\r\n\u3000\u00a0")
_LPAREN = frozenset("(（")
_RPAREN = frozenset(")）")
_QUOTES = {'"': '"', "“": "”", "”": "”", "＂": "＂", "„": "“"}
_CLOSE_QUOTES = frozenset('"”“＂')
_SEPARATORS = frozenset("=:＝：<>＜＞")
_RANGE_OPEN = {"[": True, "{": False, "［": True, "【": True}
_RANGE_CLOSE = {"]": True, "}": False, "］": True, "】": True}
_WORD_END = (
    _SPACE
    | _LPAREN
    | _RPAREN
    | frozenset(_QUOTES)
    | _SEPARATORS
    | frozenset("[]{}［］【】")
)
_NORMAL = str.maketrans(
    {"＊": "*", "？": "?", "＝": "=", "：": ":", "＜": "<", "＞": ">"}
)


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens, each with its 1-based column.

    Raises:
        QuerySyntaxError: an unterminated phrase or range, an unknown field, a misplaced
            separator, or a query longer than :data:`MAX_QUERY_CHARS`.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            query[:200],
            1,
            f"the query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,} are "
            "allowed. Split it into several patent sets and combine them",
            f"检索式过长：共 {len(query):,} 个字符，最多允许 {MAX_QUERY_CHARS:,} 个。"
            "请拆分为几个专利集，再组合检索",
        )
    tokens: list[Token] = []
    i, n = 0, len(query)
    terms = 0
    while i < n:
        ch = query[i]
        col = i + 1
        if ch in _SPACE:
            i += 1
        elif ch in _LPAREN:
            tokens.append(Token(Tok.LPAREN, "(", col))
            i += 1
        elif ch in _RPAREN:
            tokens.append(Token(Tok.RPAREN, ")", col))
            i += 1
        elif ch in _QUOTES:
            text, i = _read_phrase(query, i)
            tokens.append(Token(Tok.PHRASE, text, col))
            terms += 1
        elif ch in _RANGE_OPEN:
            tokens.append(_read_range(query, i))
            i = _range_end(query, i) + 1
            terms += 1
        elif ch in _RANGE_CLOSE:
            raise QuerySyntaxError(
                query,
                col,
                f"unexpected '{ch}' with no range opened before it",
                f"第 {col} 列的 '{ch}' 前面没有对应的范围开括号：范围应写作 "
                "AD=[2015 TO 2020]",
            )
        elif ch in _SEPARATORS:
            raise QuerySyntaxError(
                query,
                col,
                f"unexpected '{ch}' at column {col}: a field name goes before it (TI={ch}…"
                " is wrong, TI=光纤 is right); quote a value that contains it",
                f"第 {col} 列的 '{ch}' 前面缺少字段名（应写作 TI=光纤）；"
                f"检索词本身含有 '{ch}' 时请用引号括起来",
            )
        else:
            j = i
            while j < n and query[j] not in _WORD_END:
                j += 1
            previous = tokens[-1] if tokens else None
            if _tag_value(previous) and j < n and query[j] in ":：":
                # TAG=方案:节点: the colon joins the scheme and the node of one value
                j += 1
                while j < n and query[j] not in _WORD_END:
                    j += 1
            word = query[i:j].translate(_NORMAL)
            if j < n and query[j] in _SEPARATORS:
                if previous is not None and previous.kind is Tok.FIELD:
                    raise QuerySyntaxError(
                        query,
                        j + 1,
                        f"unexpected '{query[j]}' after the value '{word}': quote a value "
                        f'that contains it ({previous.text}="{word}{query[j]}…")',
                        f"第 {j + 1} 列的 '{query[j]}' 出现在检索词 '{word}' 之后："
                        f"检索词含有 '{query[j]}' 时请加引号"
                        f'（{previous.text}="{word}{query[j]}…"）',
                    )
                field = field_named(word)
                if field is None:
                    raise QuerySyntaxError(query, col, *_unknown_field(word, col))
                sep, j = _read_separator(query, j)
                tokens.append(Token(Tok.FIELD, field.name, col, sep=sep, field=field))
                i = j
                continue
            op = _OPERATORS.get(word.upper() if word.isascii() else word)
            if op is not None:
                tokens.append(Token(op, op.value, col))
            else:
                tokens.append(Token(Tok.WORD, word, col))
                terms += 1
            i = j
        if terms > MAX_TERMS:
            raise QuerySyntaxError(
                query,
                col,
                f"the query has more than {MAX_TERMS:,} terms; at most {MAX_TERMS:,} are "
                "allowed. Use wildcards or classification ranges, or split it into several "
                "patent sets",
                f"检索式到第 {col} 列已超过 {MAX_TERMS:,} 个检索词的上限：请改用通配符或"
                "分类号，或拆分为几个专利集",
            )
    tokens.append(Token(Tok.EOF, "", n + 1))
    return tokens


def _tag_value(previous: Token | None) -> bool:
    """Whether the word after ``previous`` is the value of a TAG field."""
    return (
        previous is not None
        and previous.kind is Tok.FIELD
        and previous.field is not None
        and previous.field.kind is Kind.TAG
    )


def _unknown_field(word: str, col: int) -> tuple[str, str]:
    """The English and Chinese messages for a field name that does not exist."""
    if not word:
        return (
            f"a field name is missing before the separator at column {col}",
            f"第 {col} 列的分隔符前缺少字段名",
        )
    guesses = []
    for name in nearest(word, all_names()):
        canonical = field_named(name)
        if canonical and canonical.name not in guesses:
            guesses.append(canonical.name)
    if guesses:
        return (
            f"unknown field '{word}' at column {col} — did you mean {' or '.join(guesses)}?",
            f"第 {col} 列的字段 '{word}' 不存在——是否要写 {' 或 '.join(guesses)}？",
        )
    return (
        f"unknown field '{word}' at column {col}; the fields are {', '.join(FIELDS)}",
        f"第 {col} 列的字段 '{word}' 不存在；可用的字段有 {'、'.join(FIELDS)}",
    )


def _read_separator(query: str, j: int) -> tuple[str, int]:
    ch = query[j].translate(_NORMAL)
    if ch in "<>" and j + 1 < len(query) and query[j + 1].translate(_NORMAL) == "=":
        return ch + "=", j + 2
    return ch, j + 1


def _read_phrase(query: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    j = i + 1
    while j < len(query):
        ch = query[j]
        if ch == "\\" and j + 1 < len(query) and query[j + 1] in '"\\':
            out.append(query[j + 1])
            j += 2
            continue
        if ch in _CLOSE_QUOTES:
            text = "".join(out).translate(_NORMAL)
            if not text.strip():
                raise QuerySyntaxError(
                    query,
                    i + 1,
                    "an empty phrase: put words between the quotes",
                    f"第 {i + 1} 列的引号 {query[i : j + 1]} 之间是空的：请在引号中写上检索词",
                )
            return text, j + 1
        out.append(ch)
        j += 1
    raise QuerySyntaxError(
        query,
        i + 1,
        f"unterminated phrase starting at column {i + 1}: add the closing quote",
        f"第 {i + 1} 列的引号 '{query[i]}' 缺少对应的后引号：请在检索词末尾补上引号",
    )


def _range_end(query: str, i: int) -> int:
    for j in range(i + 1, len(query)):
        if query[j] in _RANGE_CLOSE:
            return j
        if query[j] in _RANGE_OPEN or query[j] in _LPAREN or query[j] in _RPAREN:
            break
    raise QuerySyntaxError(
        query,
        i + 1,
        f"unterminated range starting at column {i + 1}: write it as [2015 TO 2020]",
        f"第 {i + 1} 列的范围 '{query[i]}' 缺少结束括号：应写作 [2015 TO 2020]",
    )


def _read_range(query: str, i: int) -> Token:
    end = _range_end(query, i)
    body = query[i + 1 : end].translate(_NORMAL).strip()
    parts = _split_range(body)
    if parts is None:
        raise QuerySyntaxError(
            query,
            i + 1,
            f"cannot read the range '{query[i : end + 1]}': write it as [2015 TO 2020], "
            "[2015-03 TO *] or {2015 TO 2020} (braces exclude the bounds)",
            f"第 {i + 1} 列的范围 '{query[i : end + 1]}' 无法识别：应写作 [2015 TO 2020]、"
            "[2015-03 TO *]、[2015 至 2020] 或 {2015 TO 2020}（花括号表示不含端点）",
        )
    low, high = parts
    return Token(
        Tok.RANGE,
        query[i : end + 1],
        i + 1,
        low=None if low == "*" else low,
        high=None if high == "*" else high,
        include_low=_RANGE_OPEN[query[i]],
        include_high=_RANGE_CLOSE[query[end]],
    )


def _split_range(body: str) -> tuple[str, str] | None:
    words = body.split()
    if len(words) == 3 and words[1].upper() == "TO":
        return words[0], words[2]
    for sep in ("至", "~", "～"):
        if body.count(sep) == 1:
            low, high = (p.strip() for p in body.split(sep))
            if low and high and " " not in low and " " not in high:
                return low, high
    return None


# -- parser ----------------------------------------------------------------------------


def parse(query: str) -> Node:
    """Parse an expert query into a syntax tree.

    Raises:
        QuerySyntaxError: the query is empty, malformed, or exceeds the limits; the
            error's ``column`` points at the problem.
    """
    if not query or not query.strip():
        raise QuerySyntaxError(
            query or "",
            1,
            "the query is empty: write a term such as 光纤 or TI=光纤",
            "检索式为空：请输入检索词，如 光纤 或 TI=光纤",
        )
    return _Parser(query, tokenize(query)).parse()


_STARTS_OPERAND = frozenset({Tok.LPAREN, Tok.FIELD, Tok.WORD, Tok.PHRASE, Tok.NOT})


class _Parser:
    def __init__(self, query: str, tokens: list[Token]) -> None:
        self.query = query
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def error(self, token: Token, message: str, message_zh: str) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, token.column, message, message_zh)

    def parse(self) -> Node:
        node = self.parse_or(DEFAULT_FIELD)
        token = self.peek()
        if token.kind is Tok.RPAREN:
            raise self.error(
                token,
                f"unmatched ')' at column {token.column}: remove it or add a '(' before",
                f"第 {token.column} 列的 ')' 没有对应的 '('：请删除它，或在前面补上 '('",
            )
        if (
            token.kind is not Tok.EOF
        ):  # pragma: no cover - every other token starts an operand
            raise self.error(
                token,
                f"unexpected {token.text!r} at column {token.column}",
                f"第 {token.column} 列出现了多余的 {token.text!r}",
            )
        return node

    def parse_or(self, field: str) -> Node:
        items = [self.parse_and(field)]
        while self.peek().kind is Tok.OR:
            self.take()
            self.expect_operand("OR")
            items.append(self.parse_and(field))
        return _combine(Or, items)

    def parse_and(self, field: str) -> Node:
        items = [self.parse_not(field)]
        while True:
            token = self.peek()
            if token.kind is Tok.AND:
                self.take()
                self.expect_operand("AND")
            elif token.kind not in _STARTS_OPERAND:
                break
            items.append(self.parse_not(field))
        return _combine(And, items)

    def parse_not(self, field: str) -> Node:
        node = self.parse_unary(field)
        negated: list[Node] = []
        while self.peek().kind is Tok.NOT:
            self.take()
            self.expect_operand("NOT")
            negated.append(Not(self.parse_unary(field)))
        return _combine(And, [node, *negated]) if negated else node

    def parse_unary(self, field: str) -> Node:
        count = 0
        while self.peek().kind is Tok.NOT:
            self.take()
            count += 1
            if count > MAX_DEPTH:
                raise self.error(
                    self.peek(),
                    f"more than {MAX_DEPTH} NOTs in a row",
                    f"第 {self.peek().column} 列之前连续出现了超过 {MAX_DEPTH} 个 NOT："
                    "请删去多余的 NOT",
                )
        if count:
            self.expect_operand("NOT")
        node = self.parse_primary(field)
        for _ in range(count):
            node = Not(node)
        return node

    def expect_operand(self, operator: str) -> None:
        token = self.peek()
        if token.kind not in _STARTS_OPERAND:
            where = (
                "at the end of the query"
                if token.kind is Tok.EOF
                else f"before {token.text!r}"
            )
            found = (
                f"检索式在第 {token.column} 列已结束"
                if token.kind is Tok.EOF
                else f"第 {token.column} 列却是 {token.text!r}"
            )
            raise self.error(
                token,
                f"{operator} needs a term after it, found {where} at column {token.column}",
                f"运算符 {operator} 后面应有检索词，但{found}",
            )

    def parse_primary(self, field: str) -> Node:
        token = self.take()
        if token.kind is Tok.LPAREN:
            return self.parse_group(token, field)
        if token.kind is Tok.FIELD:
            assert token.field is not None
            return self.parse_value(token, token.field)
        if token.kind in (Tok.WORD, Tok.PHRASE):
            return self.term(token, FIELDS[field])
        if token.kind is Tok.RANGE:
            raise self.error(
                token,
                f"a range needs a date field before it, as in AD={token.text}",
                f"第 {token.column} 列的范围 {token.text} 前面缺少日期字段，"
                f"应写作 AD={token.text}",
            )
        if token.kind in (Tok.AND, Tok.OR):
            raise self.error(
                token,
                f"{token.text} at column {token.column} needs a term before it",
                f"第 {token.column} 列的运算符 {token.text} 前面缺少检索词",
            )
        if token.kind is Tok.RPAREN:
            raise self.error(
                token,
                f"unexpected ')' at column {token.column}: a term or '(' was expected",
                f"第 {token.column} 列的 ')' 位置不对：此处应是检索词或 '('",
            )
        raise self.error(
            token,
            "the query ends where a term was expected",
            f"检索式在第 {token.column} 列意外结束：此处还应有检索词",
        )

    def parse_group(self, opening: Token, field: str) -> Node:
        if self.peek().kind is Tok.RPAREN:
            raise self.error(
                opening,
                f"empty brackets at column {opening.column}: put terms inside or remove them",
                f"第 {opening.column} 列的括号 '()' 内是空的：请在括号中写上检索词，"
                "或删除这对括号",
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                opening,
                f"brackets nested deeper than {MAX_DEPTH} levels at column {opening.column}; "
                "flatten the query",
                f"第 {opening.column} 列的 '(' 使括号嵌套超过 {MAX_DEPTH} 层："
                "请简化检索式，减少括号层数",
            )
        node = self.parse_or(field)
        closing = self.take()
        if closing.kind is not Tok.RPAREN:
            raise self.error(
                opening,
                f"missing ')' for the '(' at column {opening.column}",
                f"第 {opening.column} 列的 '(' 缺少对应的 ')'：请补上右括号",
            )
        self.depth -= 1
        return node

    def parse_value(self, token: Token, field: Field) -> Node:
        value = self.peek()
        if token.sep in ("<", "<=", ">", ">="):
            if not field.ranges:
                raise self.error(
                    token,
                    f"{field.name} cannot be compared with '{token.sep}': only dates and "
                    f"counts can ({', '.join(_RANGED)})",
                    f"第 {token.column} 列的字段 {field.name} 不能用 '{token.sep}' 比较："
                    f"只有日期和数值字段（{'、'.join(_RANGED)}）可以",
                )
            if value.kind not in (Tok.WORD, Tok.PHRASE):
                example = "5" if field.kind is Kind.NUMBER else "2015-01-01"
                raise self.error(
                    value,
                    f"a {'number' if field.kind is Kind.NUMBER else 'date'} is expected "
                    f"after {field.name}{token.sep}",
                    f"第 {value.column} 列：{field.name}{token.sep} 后面应是"
                    f"{'数值' if field.kind is Kind.NUMBER else '日期'}，"
                    f"如 {field.name}{token.sep}{example}",
                )
            self.take()
            self.check_bound(value, value.text, field)
            low, high = (
                (value.text, None) if token.sep[0] == ">" else (None, value.text)
            )
            return Range(
                _date_field(field, value.text),
                low,
                high,
                include_low=token.sep != ">",
                include_high=token.sep != "<",
            )
        if value.kind is Tok.LPAREN:
            self.take()
            return self.parse_group(value, field.name)
        if value.kind is Tok.RANGE:
            self.take()
            if not field.ranges:
                raise self.error(
                    value,
                    f"{field.name} takes no ranges: only dates and counts do "
                    f"({', '.join(_RANGED)})",
                    f"第 {value.column} 列：字段 {field.name} 不能用范围 {value.text}，"
                    f"只有日期和数值字段（{'、'.join(_RANGED)}）可以",
                )
            for bound in (value.low, value.high):
                if bound is not None:
                    self.check_bound(value, bound, field)
            if value.low is None and value.high is None:
                raise self.error(
                    value,
                    "a range needs at least one bound: [2015 TO *]",
                    f"第 {value.column} 列的范围 {value.text} 两端都是 *：至少要给出一个"
                    "端点，如 [2015 TO *]",
                )
            low = value.low
            high = value.high
            if low and high and _bounds_reversed(field, low, high):
                raise self.error(
                    value,
                    f"the range {value.text} ends before it starts",
                    f"第 {value.column} 列的范围 {value.text} 起点晚于终点：请对调两个日期",
                )
            return Range(
                _date_field(field, low or high or ""),
                low,
                high,
                value.include_low,
                value.include_high,
            )
        if value.kind in (Tok.WORD, Tok.PHRASE):
            self.take()
            return self.term(value, field)
        raise self.error(
            value,
            f"a value is expected after {token.text}{token.sep} at column {value.column}",
            f"第 {value.column} 列：{token.text}{token.sep} 后面缺少检索值",
        )

    def check_bound(self, token: Token, text: str, field: Field) -> None:
        """A range bound or compared value: a whole number for a count, else a date."""
        if field.kind is Kind.NUMBER:
            try:
                v.read_number(text)
            except FieldValueError as exc:
                raise self.error(
                    token,
                    f"{exc} (field {field.name})",
                    f"第 {token.column} 列：{exc.message_zh}（字段 {field.name}）",
                ) from None
            return
        self.check_date(token, text, field)

    def check_date(self, token: Token, text: str, field: Field) -> None:
        try:
            v.read_date(text)
        except FieldValueError as exc:
            raise self.error(
                token,
                f"{exc} (field {field.name})",
                f"第 {token.column} 列：{exc.message_zh}（字段 {field.name}）",
            ) from None

    def term(self, token: Token, field: Field) -> Node:
        text = token.text.strip() if token.kind is Tok.PHRASE else token.text
        phrase = token.kind is Tok.PHRASE
        if field.kind in (Kind.DATE, Kind.NUMBER) or (
            field.name == "PR" and not v.has_wildcard(text) and v.looks_like_date(text)
        ):
            self.check_bound(token, text, field)
            return Range(_date_field(field, text), text, text)
        if v.has_wildcard(text):
            if not field.wildcards:
                raise self.error(
                    token,
                    f"{field.name} takes no wildcards ('*', '?')",
                    f"第 {token.column} 列的 '{text}' 含有通配符，但字段 {field.name} "
                    "不支持通配符（'*'、'?'）",
                )
            if not any(ch.isalnum() for ch in text):
                raise self.error(
                    token,
                    f"'{text}' has only wildcards: a term needs at least one letter or digit",
                    f"第 {token.column} 列的 '{text}' 只有通配符：检索词至少要含一个汉字、"
                    "字母或数字",
                )
        try:
            _validate(field, text, phrase)
        except FieldValueError as exc:
            raise self.error(
                token,
                f"{exc} (field {field.name}, column {token.column})",
                f"第 {token.column} 列：{exc.message_zh}（字段 {field.name}）",
            ) from None
        # a tag is one name, quoted or not: TAG="a b" and TAG=a are the same kind of term
        return Term(field.name, text, phrase and field.kind is not Kind.TAG)


_RANGED = tuple(f.name for f in FIELDS.values() if f.ranges)
"""The fields that take ranges and comparisons: dates and counts."""


def _bounds_reversed(field: Field, low: str, high: str) -> bool:
    if field.kind is Kind.NUMBER:
        return v.read_number(low) > v.read_number(high)
    return v.read_date(low)[0] > v.read_date(high)[1]


def _date_field(field: Field, text: str) -> str:
    return "PRD" if field.name == "PR" else field.name


def _validate(field: Field, text: str, phrase: bool) -> None:
    kind = field.kind
    wild = v.has_wildcard(text)
    if kind in (Kind.TEXT, Kind.NAME, Kind.OWNER):
        return
    if kind is Kind.CLASS:
        v.read_class_pattern(text) if wild else v.read_class(text)
    elif kind is Kind.SEI:
        v.read_sei(text)
    elif kind is Kind.PUB and not wild:
        v.read_pub_number(text)
    elif (kind is Kind.APP and not wild) or (kind is Kind.PRIORITY and not wild):
        v.read_app_number(text)
    elif kind in (Kind.COUNTRY, Kind.OFFICE):
        v.read_country(text)
    elif kind is Kind.PROVINCE:
        v.read_province(text)
    elif kind is Kind.CITY:
        v.read_city(text)
    elif kind is Kind.STATUS:
        v.read_status(text)
    elif kind is Kind.TYPE:
        v.read_type(text)
    elif kind is Kind.EVENT:
        v.read_event(text)
    elif kind is Kind.GRADE:
        v.read_grade(text)
    elif kind is Kind.TAG:
        v.read_tag(text)


def _combine(cls: type[And] | type[Or], items: list[Node]) -> Node:
    if len(items) == 1:
        return items[0]
    flat: list[Node] = []
    for item in items:
        if isinstance(item, cls):
            flat.extend(item.items)
        else:
            flat.append(item)
    return cls(tuple(flat))


# -- printer ---------------------------------------------------------------------------

_PLAIN_BREAKERS = _WORD_END


def to_text(node: Node) -> str:
    """The canonical text of a tree: fields explicit, AND/OR/NOT in capitals, brackets
    only where precedence needs them. ``parse(to_text(t)) == t`` for every tree ``t``
    the parser produces."""
    out: list[str] = []
    # (node, parent precedence) pairs; strings are emitted verbatim
    stack: list[tuple[Node, int] | str] = [(node, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        current, outer = item
        if isinstance(current, Or | And):
            own = 1 if isinstance(current, Or) else 2
            joiner = " OR " if own == 1 else " AND "
            parts: list[tuple[Node, int] | str] = []
            if own < outer:
                parts.append("(")
            for k, child in enumerate(current.items):
                if k:
                    parts.append(joiner)
                # an And inside an And (or Or inside Or) cannot occur: the parser flattens
                parts.append(
                    (child, own + 1 if isinstance(child, type(current)) else own)
                )
            if own < outer:
                parts.append(")")
            stack.extend(reversed(parts))
        elif isinstance(current, Not):
            stack.extend(reversed(["NOT ", (current.item, 3)]))
        elif isinstance(current, Range):
            out.append(_range_text(current))
        else:
            out.append(f"{current.field}={_term_text(current)}")
    return "".join(out)


def _term_text(term: Term) -> str:
    text = term.text
    plain = (
        not term.phrase
        and text
        and not any(ch in _PLAIN_BREAKERS for ch in text)
        and (text.upper() if text.isascii() else text) not in _OPERATORS
    )
    if plain:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _range_text(node: Range) -> str:
    if (
        node.low is not None
        and node.low == node.high
        and node.include_low
        and node.include_high
    ):
        return f"{node.field}={node.low}"
    low = node.low if node.low is not None else "*"
    high = node.high if node.high is not None else "*"
    opening = "[" if node.include_low else "{"
    closing = "]" if node.include_high else "}"
    return f"{node.field}={opening}{low} TO {high}{closing}"
