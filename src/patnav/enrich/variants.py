"""Links between name keys that spell one organisation differently: acronyms, short forms.

:func:`patnav.enrich.names.name_key` makes one key of spellings that differ in case,
punctuation, company form or abbreviation; :mod:`patnav.enrich.clustering` joins typos.
Some variants differ in more than that, and one key cannot hold them. This module links
such keys, each link with the rule that made it; entity resolution takes the links as
evidence (connected components):

* ``bracket``: ``The University of British Columbia (UBC)`` — a bracketed word that is
  the initials of the name before it is that name's acronym, so ``UBC`` alone links too;
* ``acronym``: a one-word key (three to six letters) and the one key present whose words'
  initials spell it (``nasa`` ↔ *national aeronautic space administration*,
  ``bmw`` ↔ *bayerische motoren werke*); when two or more keys share those initials
  nothing is linked;
* ``acronym_prefix``: a name that carries its own acronym before or after it
  (``COGEMA Compagnie Generale des Matieres Nucleaires``, ``… Scientifique CNRS``) links
  to the same name without it;
* ``university_order``: ``Oxford University`` and ``University of Oxford`` (one word
  before *university*; not the pairs that are two universities, such as Washington
  University and the University of Washington: :data:`_UNIVERSITY_ORDER_APART`);
* ``spacing``: keys equal once spaces are removed (``nex press``/``nexpress``), six
  letters or more;
* ``us_agency``: *The United States of America as represented by the Administrator of the
  Environmental Protection Agency* (key ``us environmental protection agency``) and the
  agency's own name;
* ``zh_short``: a Chinese short name written without company form or place (``华为``,
  ``京东方``, ``腾讯科技``) and the one full name present with the same trade name (字号)
  that adds no more than its place and one of :data:`_ZH_MAIN_REST` (科技, 技术, 网络 …):
  ``华为`` → 华为技术有限公司, ``腾讯科技`` → 腾讯科技(深圳)有限公司, but not 松下 →
  松下航空电子 (a firm of its own) nor 中国地质大学 → 中国地质大学(武汉) (universities,
  institutes and hospitals have campuses and branches of their own); when two firms
  qualify nothing is linked.

Chinese and English names of one firm are linked by evidence elsewhere (families with one
first applicant in each script, :data:`~patnav.enrich.seeds.BILINGUAL_SEEDS`); 株式会社,
Kabushiki Kaisha, K.K. and Co., Ltd. are company forms the keys already drop.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from patnav.enrich.gazetteer import place_prefixes
from patnav.enrich.names import has_cjk, name_key, zh_has_form

MIN_ACRONYM = 3
"""Shortest acronym linked: two letters (``ge``, ``ab``) name too many bodies."""

MAX_ACRONYM = 6

_BRACKETED = re.compile(
    r"^(?P<name>[^()]+?)\s*\((?P<inner>[A-Za-z][A-Za-z.&\- ]*)\)\s*$"
)

_US_AGENCY_WORDS = frozenset(
    """
    administration agency department service commission navy army air force energy
    agriculture commerce interior health human environmental protection aeronautic space
    """.split()  # noqa: SIM905  (a word list reads better as text)
)

_UNIVERSITY_ORDER_APART = frozenset(
    """
    washington miami national international central state city open american america
    european catholic christian technical medical free new york
    """.split()  # noqa: SIM905  (a word list reads better as text)
)
"""``X University`` and ``University of X`` that are two universities (Washington
University in St. Louis, the University of Washington in Seattle), or where X is no name."""

# 行业 words read off the end of a Chinese key to find its trade name, longest first.
_ZH_INDUSTRY = tuple(
    sorted(
        """
        技术 科技 电子 电器 电气 通信 通讯 网络 信息 软件 智能 汽车 机械 工业 实业 控股
        制造 新能源 光电 医药 生物 化工 材料 设备 能源 电力 装备 传媒 文化 教育 发展
        投资 贸易 创新 数字 移动 终端 系统 自动化 精密 仪器 仪表 工程 建设 电池 半导体
        显示 照明 机器人 航空 航天 交通 物流 环保 节能 新材料 光学 医疗 健康 食品
        """.split(),  # noqa: SIM905  (a word list reads better as text)
        key=len,
        reverse=True,
    )
)
_ZH_SHORT = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_ZH_NOT_SHORT = ("大学", "学院", "研究所", "研究院", "医院", "学校")
"""Bodies whose campuses and branches are bodies of their own: 中国地质大学 is not
中国地质大学(武汉)."""
_ZH_MAIN_REST = frozenset(
    {
        "",
        "科技",
        "技术",
        "网络",
        "网络技术",
        "信息技术",
        "信息科技",
        "创新科技",
        "科技发展",
    }
)
"""What a firm's full name may add to its short name (beside its place): 华为 →
华为技术, 网易 → 网易(杭州)网络; not 松下 → 松下航空电子, a firm of its own."""


def initials(key: str) -> str:
    """The first letters of a Latin key's words: ``national aeronautic space`` → nas."""
    return "".join(t[0] for t in key.split() if t)


def _is_acronym(token: str) -> bool:
    return MIN_ACRONYM <= len(token) <= MAX_ACRONYM and token.isalpha()


def zh_trade_name(key: str) -> str:
    """The trade name (字号) of a Chinese key: the leading place and trailing industry
    words read off (``深圳大疆创新科技`` → 大疆; ``华为技术`` → 华为)."""
    core = key
    for _ in range(4):
        for word in _ZH_INDUSTRY:
            if core.endswith(word) and len(core) - len(word) >= 2:
                core = core[: -len(word)]
                break
        else:
            break
    places = place_prefixes()
    for n in (3, 2):  # 黑龙江, 深圳
        if len(core) - n >= 2 and core[:n] in places:
            core = core[n:]
            break
    for n in (3, 2):  # 腾讯科技(深圳): the bracketed place, its brackets gone
        if len(core) - n >= 2 and core[-n:] in places:
            return zh_trade_name(core[:-n])
    return core


def _zh_without_place(key: str) -> str:
    places = place_prefixes()
    for n in (3, 2):
        if len(key) - n >= 2 and key[:n] in places:
            key = key[n:]
            break
    for n in (3, 2):
        if len(key) - n >= 2 and key[-n:] in places:
            return key[:-n]
    return key


def variant_links(
    names: Iterable[str], keys: Iterable[str]
) -> list[tuple[str, str, str]]:
    """Links ``(key, key, rule)`` between variants of one organisation.

    Args:
        names: raw names (the bracket and acronym-prefix rules read the written form).
        keys: every key present (the acronym and short-form rules look for the one key a
            short form stands for among them).

    Returns:
        Links whose both keys are non-empty and different; a key may appear in several.
    """
    names = list(names)
    present = {k for k in keys if k}
    links: list[tuple[str, str, str]] = []
    # spacing: "nex press solution" = "nexpress solution", "elf atochem" = "elfatochem"
    by_letters: dict[str, list[str]] = defaultdict(list)
    for key in present:
        if not has_cjk(key):
            by_letters[key.replace(" ", "")].append(key)
    for same in by_letters.values():
        if len(same) > 1 and len(same[0].replace(" ", "")) >= 6:
            links += [(same[0], other, "spacing") for other in same[1:]]
    # acronyms written beside the name: "X (ABC)", "ABC X", "X ABC"
    for name in names:
        m = _BRACKETED.match(name)
        if m and not has_cjk(name):
            outer, inner = name_key(m.group("name")), name_key(m.group("inner"))
            if (
                outer
                and _is_acronym(inner)
                and inner == initials(outer)
                and outer != inner
            ):
                links.append((outer, inner, "bracket"))
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key in present:
        if has_cjk(key):
            continue
        words = key.split()
        if len(words) >= MIN_ACRONYM:
            by_initials[initials(key)].append(key)
        if len(words) >= MIN_ACRONYM + 1:
            for acronym, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
                if _is_acronym(acronym) and acronym == initials(" ".join(rest)):
                    other = " ".join(rest)
                    links.append((key, other, "acronym_prefix"))
                    links.append((key, acronym, "acronym_prefix"))
        if words[:1] == ["us"] and len(words) >= 3:
            agency = " ".join(words[1:])
            if agency in present and _US_AGENCY_WORDS.intersection(words[1:]):
                links.append((key, agency, "us_agency"))
    for key in present:
        words = key.split()
        if (
            len(words) == 2
            and words[1] == "university"
            and words[0] not in _UNIVERSITY_ORDER_APART
            and f"university {words[0]}" in present
        ):
            links.append((key, f"university {words[0]}", "university_order"))
    for key in present:
        if " " not in key and _is_acronym(key) and not has_cjk(key):
            expansions = by_initials.get(key, [])
            if len(expansions) == 1 and len(expansions[0].split()) == len(key):
                links.append((key, expansions[0], "acronym"))
    # Chinese short names
    by_trade: dict[str, list[str]] = defaultdict(list)
    for key in present:
        if has_cjk(key) and len(key) > 2:
            by_trade[zh_trade_name(key)].append(key)
    bare = {name_key(n) for n in names if has_cjk(n) and not zh_has_form(n)}
    for key in present & bare:
        if (
            _ZH_SHORT.match(key)
            and _zh_without_place(key) == key
            and not key.endswith(_ZH_NOT_SHORT)
        ):
            full = [
                k
                for k in by_trade.get(zh_trade_name(key), [])
                if k != key and _zh_without_place(k).removeprefix(key) in _ZH_MAIN_REST
            ]
            if len(full) == 1:
                links.append((key, full[0], "zh_short"))
    return [(a, b, r) for a, b, r in links if a and b and a != b]
