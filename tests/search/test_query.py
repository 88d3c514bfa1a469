"""The expert query language: grammar, precedence, errors, limits, round trips."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patnav.errors import InputError, QuerySyntaxError
from patnav.search.query import (
    MAX_DEPTH,
    MAX_TERMS,
    And,
    Not,
    Or,
    Range,
    Term,
    leaves,
    parse,
    to_text,
)


def T(text: str, field: str = "TIABC", phrase: bool = False) -> Term:
    return Term(field, text, phrase)


def test_a_bare_term_searches_title_abstract_and_claims():
    assert parse("光纤") == T("光纤")


def test_precedence_is_not_then_and_then_or():
    assert parse("a OR b AND c") == Or((T("a"), And((T("b"), T("c")))))
    assert parse("a OR b NOT c") == Or((T("a"), And((T("b"), Not(T("c"))))))
    assert parse("(a OR b) AND c") == And((Or((T("a"), T("b"))), T("c")))


def test_adjacent_terms_are_anded():
    assert parse("光纤 光缆 laser") == And((T("光纤"), T("光缆"), T("laser")))


def test_chinese_operators_only_when_standing_alone():
    assert parse("光纤 与 光缆 或 激光 非 医疗") == Or(
        (And((T("光纤"), T("光缆"))), And((T("激光"), Not(T("医疗")))))
    )
    # 或门 (an OR gate) is a word, not the operator 或
    assert parse("或门 与非门") == And((T("或门"), T("与非门")))


def test_operators_are_case_insensitive_and_quoting_makes_them_terms():
    assert parse("a and b or not c") == Or((And((T("a"), T("b"))), Not(T("c"))))
    assert parse('"AND"') == T("AND", phrase=True)


def test_field_groups_give_their_field_to_bare_terms():
    tree = parse('TIAB=(光纤 OR "optical fiber") AND IPC=(G02B6 OR H04B10)')
    assert tree == And(
        (
            Or((T("光纤", "TIAB"), T("optical fiber", "TIAB", phrase=True))),
            Or((T("G02B6", "IPC"), T("H04B10", "IPC"))),
        )
    )


def test_field_aliases_and_separators():
    assert parse("申请人=华为") == T("华为", "PA")
    assert parse("ap:华为") == T("华为", "PA")
    assert parse("TI＝光纤") == T("光纤", "TI")
    assert parse("名称：光纤") == T("光纤", "TI")


def test_full_width_brackets_quotes_and_wildcards():
    assert parse("（光纤 或 光缆）") == Or((T("光纤"), T("光缆")))
    assert parse("“光纤 连接器”") == T("光纤 连接器", phrase=True)
    assert parse("光＊纤") == T("光*纤")


def test_ranges_and_comparisons_on_dates():
    assert parse("AD=[2015 TO 2020]") == Range("AD", "2015", "2020")
    assert parse("AD={2015 TO 2020]") == Range("AD", "2015", "2020", include_low=False)
    assert parse("PD=[2015-03 TO *]") == Range("PD", "2015-03", None)
    assert parse("AD>=2015") == Range("AD", "2015", None)
    assert parse("AD<2015-06-01") == Range("AD", None, "2015-06-01", include_high=False)
    assert parse("GD=2015年3月") == Range("GD", "2015年3月", "2015年3月")
    assert parse("AD=[2015 至 2020]") == Range("AD", "2015", "2020")


def test_pr_is_a_date_when_it_reads_as_one_else_a_number():
    assert parse("PR=2015") == Range("PRD", "2015", "2015")
    assert parse("PR=DE202012000389") == T("DE202012000389", "PR")


# malformed queries: (query, column at fault, a fragment of the English message);
# test_query_errors_zh.py walks the same list for the Chinese messages
ERROR_CASES = [
    (
        "TI=光纤 AND TX=光缆",
        11,
        "unknown field 'TX' at column 11 — did you mean TI?",
    ),
    ("IPS=G02B", 1, "did you mean IPC?"),
    ("(光纤 OR 光缆", 1, "missing ')'"),
    ("光纤)", 3, "unmatched ')'"),
    ("光纤 AND", 7, "AND needs a term after it"),
    ("OR 光纤", 1, "OR at column 1 needs a term before it"),
    ('TI="光纤', 4, "unterminated phrase"),
    ("AD=[2015 TO", 4, "unterminated range"),
    ("AD=2015x", 4, "cannot read '2015x' as a date"),
    ("AD=[2020 TO 2015]", 4, "ends before it starts"),
    ("AD=2015-13", 4, "not a real date"),
    ("IPC=光纤", 5, "not an IPC/CPC symbol"),
    ("LS=好", 4, "unknown legal status"),
    ("TYPE=软件", 6, "unknown patent type"),
    ("PROV=火星", 6, "unknown province"),
    ("CO=China", 4, "not a country"),
    ("TI=*", 4, "only wildcards"),
    ("AD=20*", 4, "cannot read '20*' as a date"),
    ("LS=有*", 4, "LS takes no wildcards"),
    ("TI=[2015 TO 2020]", 4, "TI takes no ranges"),
    ("TI>2015", 1, "TI cannot be compared"),
    ("()", 1, "empty brackets"),
    ("TI=", 4, "a value is expected"),
    ("TI=a=b", 5, "unexpected '='"),
    ("", 1, "the query is empty"),
    ("]", 1, "unexpected ']'"),
]


@pytest.mark.parametrize(("query", "column", "fragment"), ERROR_CASES)
def test_errors_point_at_the_column_and_say_what_to_do(query, column, fragment):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    error = caught.value
    assert isinstance(error, InputError)
    assert error.column == column, str(error)
    assert fragment in str(error)
    # the caret line puts ^ under the column (CJK characters count two)
    lines = str(error).splitlines()
    assert lines[-1].strip() == "^"


def test_the_caret_counts_chinese_characters_as_two_columns():
    with pytest.raises(QuerySyntaxError) as caught:
        parse("光纤 AND TX=1")
    snippet, caret = str(caught.value).splitlines()[-2:]
    assert (
        caret.index("^") == snippet.index("TX") + 2
    )  # 光纤 takes four columns, not two


# -- hostile input --------------------------------------------------------------------


def test_thousands_of_nested_brackets_are_refused_quickly():
    query = "(" * 5000 + "光纤" + ")" * 5000
    started = time.perf_counter()
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert time.perf_counter() - started < 10  # bounded: milliseconds when idle
    assert f"deeper than {MAX_DEPTH}" in str(caught.value)
    assert caught.value.column == MAX_DEPTH + 1


def test_nesting_up_to_the_limit_parses():
    depth = MAX_DEPTH
    assert parse("(" * depth + "光纤" + ")" * depth) == T("光纤")


def test_a_ten_thousand_term_query_is_refused_quickly():
    query = " OR ".join(f"词{i}" for i in range(10_000))
    started = time.perf_counter()
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert time.perf_counter() - started < 10  # bounded: milliseconds when idle
    assert f"more than {MAX_TERMS:,} terms" in str(caught.value)


def test_a_huge_query_is_refused_before_tokenizing():
    with pytest.raises(QuerySyntaxError, match="characters long"):
        parse("光" * 200_001)


def test_long_not_chains_are_bounded():
    with pytest.raises(QuerySyntaxError, match="NOTs in a row"):
        parse("NOT " * 1000 + "a")


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE patents; --",
        'TI="x\') OR 1=1 --"',
        'PA="a\'b" OR TI=\\"',
        "TI=%' OR '1'='1",
        "TI=_%",
    ],
)
def test_injection_attempts_are_just_terms(query):
    try:
        tree = parse(query)
    except QuerySyntaxError:
        return
    for leaf in leaves(tree):
        assert isinstance(leaf, Term | Range)
    assert parse(to_text(tree)) == tree


# -- printing -------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "光纤",
        "光缆",
        "激光",
        "无人机",
        "drone",
        "optical",
        "fib*",
        "光*纤",
        "f?ber",
        "5G基站",
        "或门",
    ]
)
PHRASES = st.sampled_from(["optical fiber", "光纤 连接器", 'a"b', "x\\y", "AND", "与"])


@st.composite
def leaf_nodes(draw):
    kind = draw(st.sampled_from(["text", "phrase", "ipc", "date", "status"]))
    if kind == "text":
        return Term(
            draw(st.sampled_from(["TI", "AB", "CL", "TIAB", "TIABC", "PA"])),
            draw(WORDS),
        )
    if kind == "phrase":
        return Term(draw(st.sampled_from(["TI", "TIABC", "IN"])), draw(PHRASES), True)
    if kind == "ipc":
        return Term(
            "IPC",
            draw(st.sampled_from(["G02B6", "H04B10/00", "G02B6/42", "H04*", "G"])),
        )
    if kind == "status":
        return Term("LS", draw(st.sampled_from(["有效", "失效", "审中"])))
    low = draw(st.sampled_from(["2015", "2015-03", "2015-03-01", None]))
    high = draw(st.sampled_from(["2020", "2020-12", None] if low else ["2020"]))
    return Range(
        draw(st.sampled_from(["AD", "PD", "GD", "PRD"])),
        low,
        high,
        draw(st.booleans()),
        draw(st.booleans()),
    )


def _flat(cls, items):
    out = []
    for item in items:
        out.extend(item.items if isinstance(item, cls) else [item])
    return cls(tuple(out))


trees = st.recursive(
    leaf_nodes(),
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=4).map(lambda xs: _flat(And, xs)),
        st.lists(children, min_size=2, max_size=4).map(lambda xs: _flat(Or, xs)),
        children.map(Not),
    ),
    max_leaves=12,
)


@given(trees)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parse_print_parse_is_the_identity(tree):
    text = to_text(tree)
    assert parse(text) == tree
    assert to_text(parse(text)) == text


@given(
    st.text(
        alphabet=st.sampled_from(
            list('光纤ab *?()（）"“”[]{}=:：TIAND OR NOT 与或非\\<>-20')
        ),
        max_size=40,
    )
)
@settings(max_examples=500, deadline=None)
def test_any_text_parses_or_raises_a_query_syntax_error(text):
    try:
        tree = parse(text)
    except QuerySyntaxError as error:
        assert 1 <= error.column <= len(text) + 1
        # every error also speaks Chinese, naming the column (an empty query has none)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message_zh)
        assert f"第 {error.column} 列" in error.message_zh or not text.strip()
        return
    assert parse(to_text(tree)) == tree
