"""One bilingual text mechanism (issue 13): every catalogue is a :class:`Catalogue` of
:mod:`patnav.i18n`, every key has its Chinese and its English text, Chinese texts carry no
English UI words, and no module keeps a language switch of its own."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from patnav.errors import MissingTextError
from patnav.i18n import COMMON, UNIT_MEASURE, Catalogue, pick, say

SRC = Path(__file__).resolve().parents[1] / "src" / "patnav"
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _catalogues() -> dict[str, Catalogue]:
    """Every catalogue the source defines at module level, found by reading the source
    (so a new one is checked without being listed here)."""
    found: dict[str, Catalogue] = {}
    defined = 0
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text("utf-8")
        if "Catalogue(" not in text:
            continue
        for node in ast.parse(text).body:
            value = getattr(node, "value", None)
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") == (
                "Catalogue"
            ):
                defined += 1
        module = importlib.import_module(_module_name(path))
        for value in vars(module).values():
            if isinstance(value, Catalogue):
                found[value.name] = value
    assert len(found) == defined, "a catalogue defined twice, or not at module level"
    return found


CATALOGUES = _catalogues()


def test_the_web_report_and_cli_tables_are_catalogues_of_the_one_type():
    from patnav.cli import labels as cli_labels
    from patnav.reports import labels as report_labels
    from patnav.web import i18n

    for catalogue in (
        i18n.LABELS,
        report_labels.TEXT,
        cli_labels.TEXT,
        cli_labels.FIELDS,
        cli_labels.SUMMARY,
    ):
        assert isinstance(catalogue, Catalogue)
        assert catalogue.name in CATALOGUES
    # a text two front-ends print alike is one entry, not two copies
    assert report_labels.UNIT_MEASURE is cli_labels.UNIT_MEASURE is UNIT_MEASURE
    for key, pair in COMMON.items():
        assert report_labels.TEXT[key] == cli_labels.TEXT[key] == pair


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_key_has_a_chinese_and_an_english_text(name):
    for key, (zh, en) in CATALOGUES[name].items():
        assert isinstance(zh, str) and zh.strip(), (name, key, "no Chinese text")
        assert isinstance(en, str) and en.strip(), (name, key, "no English text")
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(en)), (
            name,
            key,
            "the two texts fill different placeholders",
        )


def _english_words() -> list[str]:
    """The English UI words of every catalogue: texts of two words or more that are no
    code or acronym (``Filing year``, ``patent families``)."""
    words = {
        en
        for catalogue in CATALOGUES.values()
        for zh, en in catalogue.values()
        if zh != en and " " in en.strip() and not CJK.search(en) and not en.isupper()
    }
    return sorted(words, key=len, reverse=True)


ENGLISH = re.compile(
    "(?<![A-Za-z])(?:"
    + "|".join(re.escape(w) for w in _english_words())
    + ")(?![A-Za-z])"
)


def english_ui_words(text: str) -> list[str]:
    """The English UI words of the catalogues that ``text`` contains."""
    return ENGLISH.findall(text)


def test_no_chinese_text_carries_an_english_ui_word():
    assert len(_english_words()) > 300
    for name, catalogue in CATALOGUES.items():
        for key, (zh, _en) in catalogue.items():
            assert not english_ui_words(zh), (name, key, zh)


def test_say_pick_and_text_choose_english_only_for_en():
    assert say("en", "甲", "A") == "A"
    assert say("zh", "甲", "A") == say("", "甲", "A") == "甲"  # Chinese is the default
    assert pick(("族", "families"), "en") == "families"
    catalogue = Catalogue("tests.demo", {"n": ("{n} 篇", "{n} documents")})
    assert catalogue.text("n", "zh", n="1,234") == "1,234 篇"
    assert catalogue.text("n", "en", n="1,234") == "1,234 documents"
    assert catalogue.text("n", "en") == "{n} documents"  # no values: as written
    assert catalogue.label("x", "y", "zh") == "y"  # a coded value it lacks is data


def test_a_missing_key_names_itself_and_its_catalogue():
    from patnav.cli.labels import t
    from patnav.reports import labels as L

    with pytest.raises(MissingTextError) as raised:
        t("stats.no_such_text", "zh")
    assert raised.value.key == "stats.no_such_text"
    assert raised.value.catalogue == "patnav.cli.labels.TEXT"
    assert "'stats.no_such_text'" in str(raised.value)
    assert "patnav.cli.labels.TEXT" in str(raised.value)
    with pytest.raises(KeyError):  # callers catching KeyError keep working
        L.t("sec.no_such_section", "en")
    # the web shows a key it lacks as the key, so a page never fails on a label
    from patnav.web.i18n import translate

    assert translate("nav.no_such_label", "zh") == "nav.no_such_label"


def test_an_included_catalogue_cannot_be_contradicted():
    with pytest.raises(ValueError, match="unknown"):
        Catalogue("tests.clash", {"unknown": ("不明", "unknown")}, COMMON)
    merged = Catalogue("tests.same", {"unknown": ("未知", "unknown")}, COMMON)
    assert len(merged) == len(COMMON)


LOCAL_SWITCH = re.compile(
    r"""pair\[1\]\s+if\s+\w*\.?lang\s*==\s*["']en["']|"""
    r"""\[0 if \w*\.?lang == ["']zh["'] else 1\]"""
)


def _is_language_switch(func: ast.FunctionDef) -> bool:
    """A function that only returns ``en if lang == "en" else zh`` (two names, or the
    members of a pair): a local ``say`` or ``pick``."""
    body = [
        n
        for n in func.body
        if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return False
    value = body[0].value
    plain = (ast.Name, ast.Subscript, ast.Attribute)
    return (
        isinstance(value, ast.IfExp)
        and "lang" in ast.unparse(value.test)
        and isinstance(value.body, plain)
        and isinstance(value.orelse, plain)
    )


def test_no_module_keeps_its_own_language_switch():
    """The inline pair is ``say``: no local ``say``/``_say``/``_s`` helper, and no
    catalogue looked up by hand."""
    helpers = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "i18n.py":
            continue
        text = path.read_text("utf-8")
        for node in ast.parse(text).body:  # functions, not the thin Builder.say
            if isinstance(node, ast.FunctionDef) and _is_language_switch(node):
                helpers.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
        helpers += [
            f"{path.relative_to(SRC)}: {m.group(0)}"
            for m in LOCAL_SWITCH.finditer(text)
        ]
    assert not helpers, helpers
