"""Parse the values found in export cells: text, dates, lists, priorities, agencies.

These functions are strict about what they return and honest about what they cannot
read: they raise ``ValueError`` with a message naming the value, and the caller decides
whether the row is quarantined or the raw value kept in ``extras``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from patnav.errors import excerpt
from patnav.schema.numbers import normalize_app_number
from patnav.schema.records import Priority

MISSING = frozenset(
    {"", "na", "n/a", "n.a.", "null", "none", "nan", "-", "--", "—", "无"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: object) -> str | None:
    """A cell as clean text: stripped, control characters removed; None when missing."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = (
            value.date().isoformat() if value.time() == datetime.min.time() else value
        )
    text = _CONTROL.sub("", str(value)).strip()
    if text.lower() in MISSING:
        return None
    return text


def clean_name(text: str) -> str:
    """A party name with whitespace collapsed and full-width letters and digits made
    half-width: ＨＵＡＷＥＩ becomes HUAWEI. Chinese punctuation stays as written
    (中港基业（北京）岩土技术有限公司): it is how CNIPA spells the name.
    """
    text = text.translate(_FULL_WIDTH_ALNUM)
    return _SPACES.sub(" ", text).strip()


_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
_SPACES = re.compile(r"[\s\u3000]+")
_SPLIT = re.compile(r"\s*(?:;;|[;；|\n\r]|、)\s*")
_SPLIT_CODES = re.compile(r"\s*(?:;;|[;；|\n\r,，、])\s*")


def split_multi(text: str | None, *, codes: bool = False) -> list[str]:
    """Split a multi-valued cell on the separators exports use (；;|、newline, ;;).

    With ``codes`` (classification symbols, patent numbers) commas separate too. Empty
    parts and repeated values are dropped; order is kept.
    """
    if not text:
        return []
    parts = (_SPLIT_CODES if codes else _SPLIT).split(text)
    seen: set[str] = set()
    out = []
    for part in parts:
        part = part.strip()
        if part and part.lower() not in MISSING and part not in seen:
            seen.add(part)
            out.append(part)
    return out


# -- dates
# -------------------------------------------------------------------------------

_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_XYZ = re.compile(r"^(\d{1,2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{2}|\d{4})$")
_ISO_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)


def _two_digit_year(yy: int) -> int:
    pivot = (date.today().year + 1) % 100
    return 2000 + yy if yy <= pivot else 1900 + yy


def parse_date(value: object, *, order: str | None = None) -> date | None:
    """A date from a cell: date objects, 20130102, 2013.01.02, 2013年1月2日, 21.08.2009,
    25/04/13, ISO timestamps. ``order`` (DMY or MDY) settles day/month ambiguity.

    Raises:
        ValueError: the value is not a date in any known form.
    """
    if isinstance(value, str):
        return _parse_date_text(value, order)  # dates repeat: cached
    return _parse_date(value, order)


@lru_cache(maxsize=1 << 14)
def _parse_date_text(value: str, order: str | None) -> date | None:
    return _parse_date(value, order)


def _parse_date(value: object, order: str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text)
    m = _ISO_TIME.match(text)
    if m:
        text = m.group(1)
    try:
        if m := _YMD.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _COMPACT.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _XYZ.match(text):
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            year = y if len(m[3]) == 4 else _two_digit_year(y)
            if a > 12:
                day, month = a, b
            elif b > 12 or order == "MDY":
                month, day = a, b
            else:  # day first: Chinese, European and Lens exports
                day, month = a, b
            return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{excerpt(str(value))} is not a valid date ({exc})") from None
    if re.fullmatch(
        r"\d{5}(\.\d+)?", text
    ):  # an Excel serial that lost its date format
        serial = float(text)
        if 1 < serial < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(serial))
    raise ValueError(
        f"{excerpt(str(value))} is not a date in a known form (2013-01-02, 20130102 …)"
    )


def date_order_evidence(values: Iterable[object]) -> str | None:
    """DMY or MDY when some slash-style date in ``values`` settles it, else None."""
    for value in values:
        text = cell_text(value)
        if not text:
            continue
        m = _XYZ.match(unicodedata.normalize("NFKC", text))
        if m:
            a, b = int(m[1]), int(m[2])
            if a > 12 >= b:
                return "DMY"
            if b > 12 >= a:
                return "MDY"
    return None


def parse_int(value: object) -> int | None:
    """An integer cell (3, '3', '3.0'); None when missing.

    Raises:
        ValueError: not an integer.
    """
    text = cell_text(value)
    if text is None:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{excerpt(text)} is not a number") from None
    if not number.is_integer():
        raise ValueError(f"{excerpt(text)} is not a whole number")
    return int(number)


# -- parties
# ---------------------------------------------------------------------------------

_AGENCY_CODE = re.compile(r"^(.*?)[\s(（]*(\d{5})[)）]?$")
_POSTCODE = re.compile(r"^(\d{6})\s*(.+)$")


def split_agency(text: str) -> tuple[str, str | None]:
    """``南京正联知识产权代理有限公司 32243`` → (name, agency code)."""
    m = _AGENCY_CODE.match(text.strip())
    if m and m.group(1):
        return m.group(1).strip(), m.group(2)
    return text.strip(), None


def split_postcode(text: str) -> tuple[str, str | None]:
    """``226634 江苏省南通市…`` → (address, postcode); foreign addresses are left whole."""
    m = _POSTCODE.match(text.strip())
    if m:
        return m.group(2).strip(), m.group(1)
    return text.strip(), None


# -- priorities
# ------------------------------------------------------------------------------

_DATE_TOKEN = re.compile(
    r"\d{4}-\d{2}-\d{2}T[\d:.]+Z?"  # 2004-10-01T23:59:59.000Z (Patentscope)
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}"  # 2012.01.16, 2012-01-16
    r"|\d{1,2}\.\d{1,2}\.\d{4}"  # 14.08.2000
    r"|(?<![\d/,])(?:19|20)\d{6}(?![\d/,])"  # 20100311
)
_BRACKET_ITEMS = re.compile(r"(?<=\s[A-Z]{2}),\s*")
_LEADING_COUNTRY = re.compile(r"^([A-Z]{2})(?=[\s\d])")
_TRAILING_COUNTRY = re.compile(r"\s([A-Z]{2})$")
_APP_KIND = re.compile(r"\s+[A-Z]$")


def _split_priority_items(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        # Patentscope: [num date CC, num date CC]; a number may itself hold a comma.
        inner = text[1:-1]
        return [p.strip() for p in _BRACKET_ITEMS.split(inner) if p.strip()]
    return split_multi(text)


def parse_priorities(text: str | None) -> list[Priority]:
    """Priority claims in the forms exports write them.

    ``2012.01.16 DE 202012000389.5`` (CNIPA), ``FR 1051751 A 20100311`` (Lens),
    ``[60/225,166 14.08.2000 US]`` (Patentscope), ``CN201910123456.7 2019.03.01``.
    A claim whose number cannot be normalised keeps its raw text and number None.
    """
    out: list[Priority] = []
    for item in _split_priority_items(text or ""):
        rest = item
        when: date | None = None
        # the date is the last token that reads as one: "CH 20442001 A 20011106" has a
        # serial that looks like a date at first sight
        for dm in reversed(list(_DATE_TOKEN.finditer(rest))):
            token = dm.group(0)
            try:
                when = parse_date(token[:10] if "T" in token else token)
            except ValueError:
                continue
            rest = (rest[: dm.start()] + " " + rest[dm.end() :]).strip()
            break
        country = None
        cm = _LEADING_COUNTRY.match(rest) or _TRAILING_COUNTRY.search(rest)
        if cm:
            country = cm.group(1)
            rest = (rest[: cm.start(1)] + rest[cm.end(1) :]).strip()
        number = None
        if rest:
            # a trailing single-letter application kind (Lens: "FR 1051751 A") is
            # dropped
            candidate = _APP_KIND.sub("", rest)
            try:
                number = normalize_app_number(candidate, office=country)
            except ValueError:
                number = None
            if number and country is None:
                country = number[:2] if number[:2].isalpha() else None
        out.append(Priority(country=country, number=number, date=when, raw=item))
    return out


# -- language
# --------------------------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORDS = re.compile(r"[a-zà-ÿ]+")
_STOPWORDS = {
    "en": {
        "the",
        "of",
        "and",
        "for",
        "a",
        "an",
        "with",
        "method",
        "system",
        "device",
        "apparatus",
        "to",
        "in",
        "using",
        "thereof",
        "same",
    },
    "de": {
        "und",
        "der",
        "die",
        "das",
        "für",
        "zur",
        "zum",
        "mit",
        "verfahren",
        "vorrichtung",
        "eines",
        "einer",
        "von",
    },
    "fr": {
        "de",
        "la",
        "le",
        "et",
        "pour",
        "procédé",
        "dispositif",
        "des",
        "du",
        "un",
        "une",
        "à",
    },
}


def guess_lang(text: str | None) -> str | None:
    """zh, ja, ko, en, de or fr from the script and common words; None if unsure."""
    if not text:
        return None
    sample = text[:400]
    letters = len(_LETTERS.findall(sample))
    if not letters:
        return None
    if len(_KANA.findall(sample)) > 0.05 * letters:
        return "ja"
    if len(_HANGUL.findall(sample)) > 0.3 * letters:
        return "ko"
    if len(_HAN.findall(sample)) > 0.3 * letters:
        return "zh"
    words = _WORDS.findall(sample.lower())
    if not words:
        return None
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0:
        return "en" if sample.isascii() else None
    if list(scores.values()).count(scores[best]) > 1:
        return None
    return best


_MONEY = re.compile(
    r"^(?P<cur>US\$|\$|USD|CNY|RMB|¥|￥|人民币|美元)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?\s*"
    r"(?P<unit>万)?\s*(?P<cur2>元|美元|USD|CNY|RMB)?$"
)
_CURRENCY = {
    "US$": "USD",
    "$": "USD",
    "USD": "USD",
    "美元": "USD",
    "CNY": "CNY",
    "RMB": "CNY",
    "¥": "CNY",
    "￥": "CNY",
    "人民币": "CNY",
    "元": "CNY",
}


def parse_money(text: str) -> tuple[float, str | None]:
    """An amount and its currency: ``$ 3,500`` is (3500.0, 'USD'), ``12.5万元`` is
    (125000.0, 'CNY'); the currency is None when the text names none.

    Raises:
        ValueError: the text is not an amount.
    """
    t = unicodedata.normalize("NFKC", text).strip().upper().replace("US $", "US$")
    m = _MONEY.match(t)
    if m is None:
        raise ValueError(f"{excerpt(text)} is not an amount of money")
    amount = float(m["num"].replace(",", "") + (f".{m['dec']}" if m["dec"] else ""))
    if m["unit"]:
        amount *= 10_000
    symbol = m["cur"] or m["cur2"]
    return amount, _CURRENCY.get(symbol) if symbol else None
