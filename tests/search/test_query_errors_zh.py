"""Query errors in Chinese: every raise site of the parser gives a Chinese message that
names the column and the offending text, next to the unchanged English one."""

from __future__ import annotations

import re

import pytest

from patnav.errors import QuerySyntaxError
from patnav.search import values as v
from patnav.search.query import (
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    _unknown_field,
    parse,
)
from tests.search.test_query import ERROR_CASES

CJK = re.compile(r"[\u4e00-\u9fff]")
# errors about the whole query: no single column is at fault
WHOLE_QUERY = ("检索式为空", "检索式过长")


def error_of(query: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    return caught.value


def assert_chinese(error: QuerySyntaxError) -> None:
    assert error.message_zh.strip(), error.message
    assert CJK.search(error.message_zh), error.message_zh
    if not error.message_zh.startswith(WHOLE_QUERY):
        assert f"第 {error.column} 列" in error.message_zh, error.message_zh


# Every raise site reached by a real malformed query: (query, column, a fragment of the
# Chinese message that holds the offending text).
SITES = [
    # tokenizer
    ("]", 1, "第 1 列的 ']' 前面没有对应的范围开括号"),
    ("光纤 ＝TI", 4, "第 4 列的 '＝' 前面缺少字段名"),
    ("TI=a=b", 5, "第 5 列的 '=' 出现在检索词 'a' 之后"),
    ("TI=光纤 AND TX=光缆", 11, "第 11 列的字段 'TX' 不存在——是否要写 TI？"),
    ("QQQQ=1", 1, "第 1 列的字段 'QQQQ' 不存在；可用的字段有 TI、"),
    ('TI=""', 4, '第 4 列的引号 "" 之间是空的'),
    ("TI=“光纤", 4, "第 4 列的引号 '“' 缺少对应的后引号"),
    ("AD=[2015 TO", 4, "第 4 列的范围 '[' 缺少结束括号"),
    ("AD=[2015 ~ 2016 ~ 2017]", 4, "第 4 列的范围 '[2015 ~ 2016 ~ 2017]' 无法识别"),
    # parser
    ("光纤)", 3, "第 3 列的 ')' 没有对应的 '('"),
    ("光纤 AND", 7, "运算符 AND 后面应有检索词，但检索式在第 7 列已结束"),
    ("光纤 或 )", 6, "运算符 OR 后面应有检索词，但第 6 列却是 ')'"),
    ("[2015 TO 2020]", 1, "第 1 列的范围 [2015 TO 2020] 前面缺少日期字段"),
    ("OR 光纤", 1, "第 1 列的运算符 OR 前面缺少检索词"),
    (")光纤", 1, "第 1 列的 ')' 位置不对"),
    ("(", 2, "检索式在第 2 列意外结束"),
    ("TI=()", 4, "第 4 列的括号 '()' 内是空的"),
    ("(光纤 OR 光缆", 1, "第 1 列的 '(' 缺少对应的 ')'"),
    ("TI>2015", 1, "第 1 列的字段 TI 不能用 '>' 比较"),
    ("AD>=(", 5, "第 5 列：AD>= 后面应是日期"),
    ("TI=[2015 TO 2020]", 4, "第 4 列：字段 TI 不能用范围 [2015 TO 2020]"),
    ("AD=[* TO *]", 4, "第 4 列的范围 [* TO *] 两端都是 *"),
    ("AD=[2020 TO 2015]", 4, "第 4 列的范围 [2020 TO 2015] 起点晚于终点"),
    ("TI=", 4, "第 4 列：TI= 后面缺少检索值"),
    ("LS=有*", 4, "第 4 列的 '有*' 含有通配符，但字段 LS 不支持通配符"),
    ("TI=*?", 4, "第 4 列的 '*?' 只有通配符"),
    # values (through check_date and _validate)
    ("AD<2015年13月", 4, "第 4 列：'2015年13月' 不是真实存在的日期"),
    ("PD=2015x", 4, "第 4 列：无法把 '2015x' 识别为日期"),
    ("IPC=光纤", 5, "第 5 列：'光纤' 不是 IPC/CPC 分类号"),
    ("IPC=1*", 5, "第 5 列：'1*' 不是有效的分类号通配式"),
    ("LS=好", 4, "第 4 列：无法识别法律状态 '好'：请使用 有效、"),
    ("TYPE=软件", 6, "第 6 列：无法识别专利类型 '软件'"),
    ("CO=China", 4, "第 4 列：'China' 不是国家或地区"),
    ("PROV=火星", 6, "第 6 列：无法识别省份 '火星'：请使用 北京、"),
    ("PN=XX12", 4, "第 4 列：无法把 'XX12' 识别为公开（公告）号"),
    ("AN=abc", 4, "第 4 列：无法把 'abc' 识别为申请号"),
    # read_sei and read_city refuse only what the parser refuses before them (wildcards,
    # empty text): test_every_value_problem_says_it_in_chinese_too covers their texts
]


@pytest.mark.parametrize(("query", "column", "fragment"), SITES)
def test_every_raise_site_has_a_chinese_message_at_its_column(query, column, fragment):
    error = error_of(query)
    assert error.column == column, error.message
    assert fragment in error.message_zh, error.message_zh
    assert_chinese(error)
    # the English message stays what str() and the CLI show
    assert str(error).startswith(error.message + "\n")
    assert error.message != error.message_zh


def test_the_two_examples_of_the_issue_read_as_an_analyst_writes_them():
    assert (
        error_of("TX=光纤 AND (无人机").message_zh
        == "第 1 列的字段 'TX' 不存在——是否要写 TI？"
    )
    assert error_of("TI=光纤 AND (无人机").message_zh == (
        "第 11 列的 '(' 缺少对应的 ')'：请补上右括号"
    )


@pytest.mark.parametrize(("query", "column", "fragment"), ERROR_CASES)
def test_every_known_malformed_query_also_speaks_chinese(query, column, fragment):
    error = error_of(query)
    assert error.column == column
    assert_chinese(error)


def test_the_limits_are_explained_in_chinese():
    nested = error_of("(" * (MAX_DEPTH + 5) + "光纤" + ")" * (MAX_DEPTH + 5))
    assert (
        f"第 {MAX_DEPTH + 1} 列的 '(' 使括号嵌套超过 {MAX_DEPTH} 层"
        in nested.message_zh
    )
    nots = error_of("NOT " * (MAX_DEPTH + 5) + "a")
    assert f"连续出现了超过 {MAX_DEPTH} 个 NOT" in nots.message_zh
    assert f"第 {nots.column} 列" in nots.message_zh
    terms = error_of(" OR ".join(f"词{i}" for i in range(MAX_TERMS + 10)))
    assert f"超过 {MAX_TERMS:,} 个检索词的上限" in terms.message_zh
    assert_chinese(terms)
    huge = error_of("光" * (MAX_QUERY_CHARS + 1))
    assert f"共 {MAX_QUERY_CHARS + 1:,} 个字符" in huge.message_zh
    for error in (nested, nots, terms, huge):
        assert_chinese(error)


def test_an_empty_query_is_explained_in_chinese():
    for query in ("", "  \u3000"):
        error = error_of(query)
        assert error.message_zh == "检索式为空：请输入检索词，如 光纤 或 TI=光纤"


def test_a_missing_field_name_has_a_chinese_message():
    # not reachable through parse (a separator with nothing before it is caught first),
    # but the helper must still give both texts
    english, chinese = _unknown_field("", 7)
    assert "column 7" in english
    assert chinese == "第 7 列的分隔符前缺少字段名"


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        (v.read_date, "2015-02-30"),
        (v.read_date, "去年"),
        (v.read_status, "好"),
        (v.read_type, "软件"),
        (v.read_country, "China"),
        (v.read_province, "火星"),
        (v.read_city, "武*"),
        (v.read_pub_number, "XX12"),
        (v.read_pub_number, ""),
        (v.read_app_number, "abc"),
        (v.read_app_number, ""),
        (v.read_class, "光纤"),
        (v.read_class_pattern, "1*"),
        (v.read_sei, "*"),
    ],
)
def test_every_value_problem_says_it_in_chinese_too(reader, text):
    with pytest.raises(v.FieldValueError) as caught:
        reader(text)
    problem = caught.value
    assert CJK.search(problem.message_zh)
    assert f"'{text}'" in problem.message_zh
    assert f"'{text}'" in str(problem) or "empty" in str(problem)


def test_localized_gives_the_message_in_either_language_with_the_caret():
    error = error_of("光纤 AND TX=1")
    assert error.localized("en") == str(error)
    assert error.message_in("en") == error.message
    chinese = error.localized("zh")
    assert chinese.startswith(error.message_zh + "\n")
    assert chinese.splitlines()[-2:] == str(error).splitlines()[-2:]
    assert error.message_in("zh") == error.message_zh
