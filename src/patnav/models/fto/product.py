"""A product description as a list of features (issue 16).

The user describes the product to screen in one of three ways, all read by
:func:`read_product`:

- **free text**, Chinese or English;
- a **feature list**: one feature a line, or a YAML / JSON list of strings (a ``.yaml``,
  ``.yml`` or ``.json`` file, or such text);
- a **document**: a ``.txt``, ``.md`` or ``.docx`` file.

Text is split into features the way claims are split into elements: at line breaks, at
sentence ends (``。！？`` and ``. ! ?`` before a space), at ``；`` / ``;``, after colon
lead-ins (``包括：`` / "comprising:") and at enumerations (``(1)`` ``1)`` ``①`` ``(a)``
``a)`` ``(ⅰ)``, list bullets). Commas do not split: a feature is a sentence or a listed
item. Reference numerals in brackets stay in the text (they do not count as words when
features are compared with claim elements).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from patnav.errors import InputError
from patnav.text.matching import has_cjk

Source = Literal["text", "list", "file"]

MAX_PRODUCT_CHARS = 20_000
"""A longer description is refused: screening is for one product, not a document dump."""

_LIST_SUFFIXES = {".yaml", ".yml", ".json"}
_TEXT_SUFFIXES = {".txt", ".md"}

# sentence ends (kept with the sentence), semicolons, colon lead-ins
_BREAK = re.compile(r"(?<=[。！？；;：:])|(?<=[.!?])(?=\s)")
# an enumeration or bullet opening a piece: (1) 1) 1. 1、 ① (a) a) (ⅰ) - * •
_ENUM = re.compile(
    r"(?:^|(?<=\s)|(?<=[，,]))"
    r"(?=(?:[(（](?:\d{1,2}|[a-z]|[ⅰ-ⅻⅠ-Ⅻ]{1,4})[)）]|\d{1,2}[)）、]|[a-z][)）]|[①-⑳])\s*\S)"
)
_LEAD_MARK = re.compile(r"^\s*(?:[-*•·]\s+|\d{1,2}[.、．]\s*(?=\D)|#{1,6}\s+|>\s+)")
_ONLY_PUNCT = re.compile(r"^[\W_]*$")


@dataclass(frozen=True, slots=True)
class ProductFeature:
    """One feature of the product: its number (from 1) and its text."""

    index: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "text": self.text}


@dataclass(frozen=True, slots=True)
class Product:
    """A product to screen: its whole text, its language and its features."""

    text: str
    lang: str
    """``zh`` when the text holds Chinese characters, else ``en``."""
    features: tuple[ProductFeature, ...]
    source: Source
    name: str | None = None
    """The file it was read from, if any."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "source": self.source,
            "name": self.name,
            "features": [f.to_dict() for f in self.features],
        }


def split_features(text: str) -> list[str]:
    """The features of a description: its sentences, ``；``/``;`` pieces, colon lead-ins'
    items and enumerated items, in order, stripped, without empty or punctuation-only
    pieces."""
    out: list[str] = []
    for line in text.splitlines():
        line = _LEAD_MARK.sub("", line, count=1)
        for piece in _BREAK.split(line):
            for item in _ENUM.split(piece):
                item = item.strip().strip("，,、 ")
                item = item.rstrip("。；;：:.")
                if item and not _ONLY_PUNCT.match(item):
                    out.append(item)
    return out


def _language(text: str) -> str:
    return "zh" if has_cjk(text) else "en"


def _product(
    texts: list[str], source: Source, name: str | None, *, split: bool
) -> Product:
    pieces: list[str] = []
    for t in texts:
        pieces.extend(split_features(t) if split else [t.strip()])
    pieces = [p for p in pieces if p and not _ONLY_PUNCT.match(p)]
    if not pieces:
        where = f" in {name}" if name else ""
        raise InputError(
            f"The product description{where} has no features: describe the product in "
            "sentences, or list its features one a line."
        )
    whole = "\n".join(pieces)
    if len(whole) > MAX_PRODUCT_CHARS:
        raise InputError(
            f"The product description has {len(whole):,} characters (at most "
            f"{MAX_PRODUCT_CHARS:,}): describe one product, its essential features only."
        )
    features = tuple(ProductFeature(i, p) for i, p in enumerate(pieces, 1))
    return Product(whole, _language(whole), features, source, name)


def product_from_text(text: str) -> Product:
    """A product from free text (split into features)."""
    return _product([text], "text", None, split=True)


def product_from_features(features: list[str]) -> Product:
    """A product from a list of features, each kept whole."""
    return _product([str(f) for f in features], "list", None, split=False)


def _list_from(raw: str, name: str) -> list[str]:
    from patnav.errors import YamlError
    from patnav.yamlsafe import load_yaml

    try:
        data = (
            json.loads(raw)
            if name.lower().endswith(".json")
            else load_yaml(raw, source=name)
        )
    except (ValueError, YamlError) as exc:  # a YAML or JSON syntax error
        raise InputError(
            f"The feature list {name} does not parse ({exc}): give a YAML or JSON list "
            "of strings, one feature each."
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("features"), list):
        data = data["features"]
    if not isinstance(data, list) or not all(
        isinstance(x, (str, int, float)) for x in data
    ):
        raise InputError(
            f"The feature list {name} is not a list of strings: write one feature per "
            "item (- feature), or a mapping with a 'features' list."
        )
    return [str(x) for x in data]


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _may_be_path(value: str) -> bool:
    return 0 < len(value) < 1024 and "\n" not in value


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system: a description, not a file
        return False


def read_product(value: str | Path) -> Product:
    """The product a user gave: a file (``.txt`` ``.md`` ``.docx`` ``.yaml`` ``.yml``
    ``.json``) when ``value`` names an existing file, else the text itself.

    Raises:
        InputError: no feature in it, a list that does not parse, an unsupported file
            type, or a description longer than :data:`MAX_PRODUCT_CHARS`.
    """
    path = Path(value) if isinstance(value, Path) or _may_be_path(value) else None
    if path is not None and _is_file(path):
        suffix = path.suffix.lower()
        name = path.name
        if suffix in _LIST_SUFFIXES:
            raw = path.read_text(encoding="utf-8-sig")
            p = _product(_list_from(raw, name), "file", name, split=False)
        elif suffix in _TEXT_SUFFIXES:
            p = _product(
                [path.read_text(encoding="utf-8-sig")], "file", name, split=True
            )
        elif suffix == ".docx":
            p = _product([_docx_text(path)], "file", name, split=True)
        else:
            raise InputError(
                f"Cannot read a product description from {name}: give a .txt, .md, "
                ".docx, .yaml or .json file, or the text itself."
            )
        return p
    if isinstance(value, Path):
        raise InputError(f"The product file {value} does not exist.")
    return product_from_text(value)
