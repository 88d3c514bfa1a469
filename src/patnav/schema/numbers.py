"""Canonical publication and application numbers, the identifiers every module shares.

Sources spell the same document in dozens of ways. This module turns each spelling into
one canonical string, close to the DOCDB form Espacenet and Lens show:

```
publication   office + serial + kind       CN106844774A  US10000000B2  EP0095016A1
                                           WO2000001198A1  JPH0723487A  KR100802716B1
application   office + serial              CN201710117081  US13058230  EP83101967
PCT filing    PCT/ + office + year/serial  PCT/CN2014/071250
```

Input may carry spaces, slashes, dashes, commas, dots, full-width characters, lower
case, a trailing kind code (separated or not), Patentscope's trailing ``*`` and, in
Lens exports, a ``YYYYMMDD`` date after the kind. Leading junk such as ``查看`` is for
callers to strip.

The ``office`` argument is a hint for strings without a country code. A leading code
that differs from it is read as the office only for the major offices (``EP1223083``
cited under JP stays EP); otherwise it is a serial prefix (AU provisional ``PR8855``,
Italian ``MI2004A000189``).

Decisions for cases where offices or databases disagree:

- **Leading zeros.** Stripped where they are padding: US (``06176345`` -> ``6176345``,
  ``D0532742`` -> ``D532742``), DE (``DE000069233417`` -> ``DE69233417``) and RU. EP
  publications are zero-padded to 7 digits. KR and JP serials keep their zeros
  (``KR0145570B1`` is the DOCDB form, ``JPH0723487A`` carries the era year ``07``).
- **US letter series.** Designs ``D``, plants ``PP``, reissues ``RE`` and statutory
  invention registrations ``H`` drop the zeros after the letter, like designs
  (``H000485`` -> ``H485``). Derwent writes these without the letter (``US777-H``,
  ``US31678-E``, ``US508013-S1``); the letter is restored from the kind code.
- **US pre-grant publications** are year + 7 digits (``2004/123456`` ->
  ``20040123456``; Derwent's and EPODOC's ``2016101854`` -> ``20160101854``).
- **US applications** are series code + serial (``09/123,456`` -> ``09123456``); the
  DOCDB year prefix is dropped (``200913058230`` -> ``13058230``, provisional
  ``201161470252`` -> ``61470252``). Old DOCDB serial + year (``46867074``) and
  Thomson's year + serial without series (``1996653037``) are kept as given: the series
  code cannot be recovered.
- **JP.** Era letters are kept (``JPH0723487A``, ``JPS574695A``); Japanese prefixes
  (``特開平7-23487``) and Patent Abstracts of Japan numbers (``JP 405194209 A``) are
  turned into that form. Era-less dates (``JP 10-306113``, Patentscope's ``JP11332489``)
  are kept without a letter, because Showa and Heisei years overlap.
- **KR.** KIPO publication numbers ``10-2005-0123389`` become the DOCDB ``20050123389``;
  registration forms ``10-1551430-0000`` become ``101551430``. Application numbers keep
  KIPO's 13 digits (``10-2004-0012345`` -> ``1020040012345``) or DOCDB's 11, as given.
- **CN.** Application numbers are the 8- or 12-digit serial; the check digit is kept in
  ``AppNumber.check_digit`` (verified by ``is_valid_check_digit``), never printed.
  ``ZL`` numbers are the patent-number form of the application. CNIPA's 15-digit
  standard form (``102021001286633``) is converted back to the 12 digits.
- **PCT.** Application numbers are ``PCT/`` + receiving office + 4-digit year + 6-digit
  serial (``PCT/US99/12345`` -> ``PCT/US1999/012345``), ``office`` is ``"WO"``. Lens
  marks them with kind ``W`` (``CN 2014071250 W``), EPODOC writes ``WO1995US13219``.
- **Application kind codes.** A single letter after a space (``A``, ``U``, ``W``, ``P``,
  ``T``, ``F`` ...) is dropped. An attached ``A``, ``U``, ``W`` or ``P`` (Thomson's
  ``US1996653037A``) is dropped too; other attached letters belong to the serial: DOCDB
  dummy numbers ``CA783996D``, Singapore check letters ``10201406164Y``, and the CN
  check digit ``X``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from patnav.errors import InputError, InvalidParameterError, excerpt
from patnav.schema.records import PatentType

__all__ = [
    "AppNumber",
    "PubNumber",
    "cn_check_digit",
    "normalize_app_number",
    "normalize_pub_number",
    "parse_app_number",
    "parse_pub_number",
    "patent_type_of",
]

_ISO_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI "
    "BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN "
    "CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW"
)
# WIPO ST.3 regional and historic codes, plus Derwent's RD (Research Disclosure).
_OTHER_CODES = "AP BX CS DD EA EM EP GC IB OA QZ SU WO XN XV YU RD"
_OFFICES = frozenset((_ISO_CODES + " " + _OTHER_CODES).split())

# A leading code that differs from the office hint is taken as the office only if it
# is one of these; otherwise it is a serial prefix (AU "PR966001", DK "PA2004...").
_MAJOR_OFFICES = frozenset(
    {"WO", "EP", "US", "JP", "CN", "KR", "DE", "GB", "FR", "SU", "EM", "DM", "IB"}
    | {"EA", "CA", "AU", "RU", "TW", "CH"}
)
# Offices whose serials start with two letters that are often also office codes
# (Italian province codes: "CA", "FR", "GE" ...).
_LETTER_SERIAL_OFFICES = frozenset({"IT"})

_TRANSLATE = str.maketrans(
    {"。": ".", "、": ",", "‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-", "・": "."}
)
_SEPARATORS = " \t\n\r\f\v/-,._:"
_SEP = r"[\s/\-,._:]"
_SEP_RE = re.compile(_SEP + "+")
_YEAR = r"(?:19|20)\d\d"
_DATE_SUFFIX = re.compile(r"^(.*[\s\-\d][A-Z]\d?)\s+(?:1[89]|20)\d{6}$")
_KIND_SEPARATED = re.compile(r"^(.*?)[\s\-_/,:]+([A-Z]\d?)$")
_KIND_ATTACHED = re.compile(r"^(.*\d)([A-Z]\d?)$")
_APP_KIND_SEPARATED = re.compile(r"^(.*?)[\s\-_/,:]+([A-Z])$")
_APP_KIND_ATTACHED = re.compile(r"^(.*\d)([AUWP])$")
_CHECK_DIGIT = re.compile(r"^(.*\d)\s*\.\s*([0-9X])$")
_SERIAL = re.compile(r"[A-Z0-9]*\d[A-Z0-9]*")
_PUB_SERIAL = re.compile(r"[A-Z0-9]*\d")  # a trailing letter would read as the kind
_SIMPLE_PUB = re.compile(r"([A-Z]{2})([0-9]+)-([A-Z][0-9]?)")  # ASCII only, no spaces


@dataclass(frozen=True, slots=True)
class PubNumber:
    """A publication number: office, canonical serial and kind code.

    ``serial`` is digits, possibly with a letter prefix or infix (US ``D532742``, JP
    ``H0723487``, AU ``PO505497``, IN ``1442CH2015``). ``kind`` is ``None`` when the
    source gives none.
    """

    office: str
    serial: str
    kind: str | None

    def __str__(self) -> str:
        return f"{self.office}{self.serial}{self.kind or ''}"


@dataclass(frozen=True, slots=True)
class AppNumber:
    """An application number: office and canonical serial, check digit kept apart.

    For a PCT application ``office`` is ``"WO"`` and ``serial`` is the receiving office,
    the 4-digit year and the 6-digit serial (``CN2014071250``).
    """

    office: str
    serial: str
    check_digit: str | None
    is_pct: bool = False

    def __str__(self) -> str:
        if self.is_pct:
            return f"PCT/{self.serial[:6]}/{self.serial[6:]}"
        return f"{self.office}{self.serial}"

    @property
    def is_valid_check_digit(self) -> bool | None:
        """Whether the check digit the source gave is right.

        ``None`` when there is no check digit or the office's algorithm is not known
        (only CNIPA's is implemented).
        """
        if self.check_digit is None or self.office != "CN" or self.is_pct:
            return None
        return cn_check_digit(self.serial) == self.check_digit


def cn_check_digit(serial: str) -> str:
    """The check digit CNIPA appends to an 8- or 12-digit application serial.

    Digits are weighted 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5 from the left, the sum is
    taken modulo 11, and a remainder of 10 is written ``X``.

    Raises:
        InputError: ``serial`` is not 8 or 12 digits.
    """
    if not (serial.isascii() and serial.isdigit() and len(serial) in (8, 12)):
        raise InputError(
            f"Expected an 8- or 12-digit CN application serial such as '201220249767'; "
            f"got {excerpt(serial)}. Strip the 'CN' prefix and the check digit first."
        )
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    remainder = sum(int(d) * w for d, w in zip(serial, weights, strict=False)) % 11
    return "X" if remainder == 10 else str(remainder)


def is_office(code: str) -> bool:
    """Whether ``code`` is a two-letter office or country code numbers can carry."""
    return code in _OFFICES


_SG_PUB = re.compile(r"SG\s*(\d{11}[A-Z])\s*([A-Z]\d?)")
"""Singapore's 11-digit serials end in a check letter before the kind: SG11201811747XA."""
_JP_WO_PUB = re.compile(r"JP\s*WO\s*((?:19|20)\d{2})\s*/?\s*(\d{6})\s*([A-Z]\d?)?")
"""Japan's re-publications of PCT applications (再公表): JPWO2017183476A1."""


@lru_cache(maxsize=1 << 16)
def parse_pub_number(raw: str, *, office: str | None = None) -> PubNumber:
    """Parse a publication number in any of the spellings real sources use.

    ``office`` is used when ``raw`` has no country prefix (a CN spreadsheet giving
    ``202644312U``, PatentsView giving ``D532742``).

    Raises:
        InputError: ``raw`` is not a publication number of a known shape.
        InvalidParameterError: ``office`` is not a two-letter office code.
    """
    if isinstance(raw, str) and office in (None, "SG"):
        sg = _SG_PUB.fullmatch(raw.strip().upper())
        if sg is not None:
            return PubNumber("SG", sg[1], sg[2])
    if isinstance(raw, str) and office in (None, "JP"):
        jpwo = _JP_WO_PUB.fullmatch(raw.strip().upper())
        if jpwo is not None:
            return PubNumber("JP", f"WO{jpwo[1]}{jpwo[2]}", jpwo[3])
    simple = (
        _SIMPLE_PUB.fullmatch(raw) if office is None and isinstance(raw, str) else None
    )
    if simple is not None and simple[1] in _OFFICES:
        # Derwent's US2016101854-A1: what the general steps below make of it, directly
        off, parts, kind = simple[1], [simple[2]], simple[3]
    else:
        s = _prepare(raw, "publication")
        hint = _office_hint(office)
        s = _rewrite_japanese(s)
        s = _drop_date_suffix(s)
        off, rest = _split_office(s, hint, raw, "publication")
        body, kind = _split_pub_kind(rest)
        parts = _parts(body)
        if not parts:
            raise _error(raw, "publication", "it has no serial number")
    rule = _PUB_RULES.get(off, _generic_pub)
    serial, kind = rule(parts, kind, raw)
    if kind is None and (m := _KIND_ATTACHED.match(serial)):
        serial, kind = m.group(1), m.group(2)  # "0A/0": a kind only once joined
    if not _PUB_SERIAL.fullmatch(serial):
        raise _error(raw, "publication", f"{excerpt(serial)} is not a serial number")
    return PubNumber(off, serial, kind)


def normalize_pub_number(raw: str | None, *, office: str | None = None) -> str | None:
    """The canonical publication number string, ``None`` for ``None`` or blank input.

    Raises:
        InputError: ``raw`` is not blank and cannot be parsed.
    """
    if raw is None or not unicodedata.normalize("NFKC", raw).strip():
        return None
    return str(parse_pub_number(raw, office=office))


@lru_cache(maxsize=1 << 16)
def parse_app_number(raw: str, *, office: str | None = None) -> AppNumber:
    """Parse an application (or priority, or PCT) number in any real spelling.

    A check digit after a dot (``.4``), or appended to a CN serial, goes to
    ``check_digit`` even when it does not validate; see ``is_valid_check_digit``.
    ``office`` is used when ``raw`` has no country prefix (``201220249767.4``).

    Raises:
        InputError: ``raw`` is not an application number of a known shape.
        InvalidParameterError: ``office`` is not a two-letter office code.
    """
    s = _prepare(raw, "application")
    hint = _office_hint(office)
    s = _rewrite_japanese(s)
    s = _drop_date_suffix(s)
    pct = _parse_pct(s, hint, raw)
    if pct is not None:
        return pct
    if m := _LENS_PCT.fullmatch(s):
        # Lens/DOCDB "BG 0200010 W": the receiving office leads, whatever the hint says
        return _pct_from_digits(m.group(1), _parts(m.group(2)), raw)
    if s.startswith("ZL") and len(s) > 2 and not s[2].isalpha():
        s = "CN" + s[2:]
    off, rest = _split_office(s, hint, raw, "application")
    body, kind = _split_app_kind(rest, off)
    if kind == "W":
        return _pct_from_digits(off, _parts(body), raw)
    body, check = _split_check_digit(body)
    parts = _parts(body)
    if not parts:
        raise _error(raw, "application", "it has no serial number")
    rule = _APP_RULES.get(off, _generic_app)
    serial, check = rule(parts, check, raw)
    serial = _split_app_kind(serial, off)[0]  # "0.A": a kind only once joined
    if not _SERIAL.fullmatch(serial):
        raise _error(raw, "application", f"{excerpt(serial)} is not a serial number")
    return AppNumber(off, serial, check)


def normalize_app_number(raw: str | None, *, office: str | None = None) -> str | None:
    """The canonical application number string, ``None`` for ``None`` or blank input.

    Raises:
        InputError: ``raw`` is not blank and cannot be parsed.
    """
    if raw is None or not unicodedata.normalize("NFKC", raw).strip():
        return None
    return str(parse_app_number(raw, office=office))


def patent_type_of(
    office: str | None,
    kind: str | None,
    app_number: str | None,
    pub_number: str | None = None,
) -> PatentType | None:
    """The type of protection: invention, utility model, design or plant.

    For CN the type digit of the application number decides (1 or 8 invention, 2 or 9
    utility model, 3 design); otherwise the kind code does, following WIPO ST.16 (A, B,
    C, T invention; U, Y utility model; S design) with US and CN specifics (US E and H
    invention, P plant; CN D design). Without a kind code, two things still tell: EP, WO
    and EA publish inventions only, and a US grant number's prefix says its type (D
    design, PP plant, RE and H invention, digits alone a utility patent). US pre-grant
    publications without a kind stay ``None``: plant applications are published in the
    same series. ``None`` when nothing tells.
    """
    off = office.strip().upper() if office else None
    if app_number:
        try:
            app = parse_app_number(app_number, office=off)
        except InputError:
            app = None
        if app is not None and not app.is_pct:
            if app.office == "CN":
                cn_type = _cn_type_of_serial(app.serial)
                if cn_type is not None:
                    return cn_type
            off = off or app.office
    if not off:
        return None
    if not kind:
        return _type_without_kind(off, pub_number)
    letter = unicodedata.normalize("NFKC", kind).strip().upper()[:1]
    table = _KIND_TYPES.get(off, _KIND_TYPES["*"])
    return table.get(letter)


_INVENTION_ONLY = frozenset({"EP", "WO", "EA"})
_US_GRANT_PREFIX = re.compile(r"US(D|PP|RE|H)?(\d{1,8})")


def _type_without_kind(office: str, pub_number: str | None) -> PatentType | None:
    if office in _INVENTION_ONLY:
        return PatentType.INVENTION
    if office == "US" and pub_number:
        m = _US_GRANT_PREFIX.fullmatch(pub_number)
        if m:
            prefix = m.group(1)
            if prefix == "D":
                return PatentType.DESIGN
            if prefix == "PP":
                return PatentType.PLANT
            return PatentType.INVENTION
    return None


_KIND_TYPES: dict[str, dict[str, PatentType]] = {
    "CN": {
        "A": PatentType.INVENTION,
        "B": PatentType.INVENTION,
        "C": PatentType.INVENTION,
        "U": PatentType.UTILITY_MODEL,
        "Y": PatentType.UTILITY_MODEL,
        "S": PatentType.DESIGN,
        "D": PatentType.DESIGN,
    },
    "US": {
        "A": PatentType.INVENTION,
        "B": PatentType.INVENTION,
        "E": PatentType.INVENTION,
        "H": PatentType.INVENTION,
        "S": PatentType.DESIGN,
        "P": PatentType.PLANT,
    },
    "*": {
        "A": PatentType.INVENTION,
        "B": PatentType.INVENTION,
        "C": PatentType.INVENTION,
        "T": PatentType.INVENTION,
        "U": PatentType.UTILITY_MODEL,
        "Y": PatentType.UTILITY_MODEL,
        "S": PatentType.DESIGN,
    },
}
_CN_TYPE_DIGITS = {
    "1": PatentType.INVENTION,
    "8": PatentType.INVENTION,
    "2": PatentType.UTILITY_MODEL,
    "9": PatentType.UTILITY_MODEL,
    "3": PatentType.DESIGN,
}


def _cn_type_of_serial(serial: str) -> PatentType | None:
    if len(serial) == 8:
        return _CN_TYPE_DIGITS.get(serial[2])
    if len(serial) == 12:
        return _CN_TYPE_DIGITS.get(serial[4])
    return None


# --- shared steps ---------------------------------------------------------------------


def _prepare(raw: str, what: str) -> str:
    if not isinstance(raw, str):
        raise InputError(
            f"Expected a {what} number as a string; got {type(raw).__name__} {excerpt(raw)}."
        )
    if raw.isascii():  # NFKC and the translation table change no ASCII character
        s = raw.strip().upper()
    else:
        s = unicodedata.normalize("NFKC", raw).translate(_TRANSLATE).strip().upper()
    # Patentscope marks some KR documents with a trailing asterisk.
    s = s.rstrip("*").strip()
    if not s:
        raise InputError(
            f"Expected a {what} number; got a blank string. "
            f"Use normalize_{what[:3]}_number() to map blanks to None."
        )
    return s


def _error(raw: str, what: str, reason: str) -> InputError:
    example = (
        "'CN106844774A', 'US 2001/0005404 A1' or 'EP 0095016 A1'"
        if what == "publication"
        else "'CN201220249767.4', 'US 09/123,456' or 'PCT/CN2014/071250'"
    )
    article = "an" if what == "application" else "a"
    return InputError(
        f"Expected {article} {what} number such as {example}; got {excerpt(raw)}: "
        f"{reason}. "
        "Check the source column, or pass office= when the number has no country code."
    )


def _office_hint(office: str | None) -> str | None:
    if office is None:
        return None
    code = unicodedata.normalize("NFKC", office).strip().upper()
    if code not in _OFFICES:
        raise InvalidParameterError(
            f"The 'office' parameter must be a two-letter office code such as 'CN', "
            f"'US' or 'EP'. Got {excerpt(office)} instead."
        )
    return code


def _parts(body: str) -> list[str]:
    if body.isalnum():  # no separator in it: the common case
        return [body]
    return [p for p in _SEP_RE.split(body) if p]


def _drop_date_suffix(s: str) -> str:
    """Lens's ``US 2001/0005404 A1 20010614`` without the date after the kind."""
    # The pattern ends in whitespace and eight digits: look there before running it, as
    # it backtracks through the whole string before failing on every other number.
    if len(s) < 11 or not s[-9].isspace():
        return s
    return _DATE_SUFFIX.sub(r"\1", s)


def _split_office(s: str, hint: str | None, raw: str, what: str) -> tuple[str, str]:
    """The office and the rest, without separators at either end."""
    lead = s[:2]
    rest = s[2:].strip(_SEPARATORS)
    if len(lead) == 2 and lead.isalpha() and lead.isascii():
        if hint is None:
            if lead in _OFFICES:
                return lead, rest
            raise _error(raw, what, f"{excerpt(lead)} is not an office code")
        if lead == hint:
            return lead, rest
        if hint not in _LETTER_SERIAL_OFFICES and lead in _MAJOR_OFFICES and rest:
            return lead, rest
    elif hint is None:
        raise _error(raw, what, "it has no country code and no office was given")
    return hint, s.strip(_SEPARATORS)


def _split_pub_kind(rest: str) -> tuple[str, str | None]:
    m = _KIND_SEPARATED.match(rest) or _KIND_ATTACHED.match(rest)
    if m:
        return m.group(1), m.group(2)
    return rest, None


def _split_app_kind(rest: str, office: str) -> tuple[str, str | None]:
    kind = None
    if m := _APP_KIND_SEPARATED.match(rest):
        rest, kind = m.group(1), m.group(2)
    m = _APP_KIND_ATTACHED.match(rest)
    # Singapore's 11-digit serials end with a check letter, which may be A, U, W or P.
    if m and not (office == "SG" and re.fullmatch(r"\d{11}", m.group(1))):
        rest, kind = m.group(1), kind or m.group(2)
    return rest, kind


def _split_check_digit(body: str) -> tuple[str, str | None]:
    m = _CHECK_DIGIT.match(body)
    if m:
        return m.group(1), m.group(2)
    return body, None


_JP_KANJI = re.compile(
    r"^(特開|特表|再表|特公|特許|実開|実公|実登|特願|実願|意願)?\s*"
    r"(平成|平|昭和|昭|令和|令)?\s*(?=\d)"
)
_JP_KANJI_KIND = {
    "特開": "A",
    "特表": "A",
    "再表": "A1",
    "特公": "B",
    "特許": "B",
    "実開": "U",
    "実登": "U",
    "実公": "Y",
}
_JP_ERA = {"平": "H", "昭": "S", "令": "R"}


def _rewrite_japanese(s: str) -> str:
    """Turn ``特開平7-23487`` into ``JP H7-23487 A`` so the JP rules apply."""
    m = _JP_KANJI.match(s)
    if not m or not (m.group(1) or m.group(2)):
        return s
    era = _JP_ERA[m.group(2)[0]] if m.group(2) else ""
    kind = _JP_KANJI_KIND.get(m.group(1) or "", "")
    return f"JP {era}{s[m.end() :]}" + (f" {kind}" if kind else "")


# --- publication rules, one per office ------------------------------------------------

_PubRule = Callable[[list[str], str | None, str], tuple[str, str | None]]
_US_KIND_PREFIX = {"E": "RE", "E1": "RE", "H": "H", "S": "D", "S1": "D", "P": "PP"}
_US_KIND_PREFIX.update({"P2": "PP", "P3": "PP", "H1": "H"})
_US_PUB = re.compile(r"(D|PP|RE|RX|AI|H|T|X)?0*(\d+)")


def _us_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    if len(parts) == 2 and re.fullmatch(_YEAR, parts[0]) and len(parts[1]) <= 7:
        return parts[0] + _pad(parts[1], 7, raw), kind
    m = _US_PUB.fullmatch("".join(parts))
    if not m:
        raise _error(raw, "publication", "a US serial is digits after D, PP, RE or H")
    prefix, digits = m.groups()
    if prefix is None and digits[:2] in ("19", "20") and len(digits) in (10, 11):
        # Pre-grant publication; EPODOC and Derwent drop one zero of the serial.
        return digits[:4] + digits[4:].zfill(7), kind
    if prefix is None and len(digits) <= 7:
        prefix = _US_KIND_PREFIX.get(kind or "")
    if len(digits) > (8 if prefix is None else 7):
        raise _error(
            raw, "publication", f"{excerpt(digits)} is too long for a US patent"
        )
    return (prefix or "") + digits, kind


def _ep_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    digits = "".join(parts).lstrip("0")
    if not digits.isdigit() or len(digits) > 7:
        raise _error(raw, "publication", "an EP publication has at most 7 digits")
    return digits.zfill(7), kind


def _wo_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    if len(parts) == 2 and all(p.isdigit() for p in parts) and len(parts[0]) in (2, 4):
        year, serial = parts
    else:
        digits = "".join(parts)
        if not digits.isdigit():
            raise _error(raw, "publication", "a WO serial is a year and a number")
        if digits[:2] in ("19", "20") and 8 <= len(digits) <= 10:
            year, serial = digits[:4], digits[4:]
        else:
            year, serial = digits[:2], digits[2:]
    return _full_year(year, raw, "publication") + _pad(serial, 6, raw), kind


def _cn_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    digits = "".join(parts)
    if not digits.isdigit() or len(digits) not in (7, 8, 9):
        raise _error(raw, "publication", "a CN publication has 7, 8 or 9 digits")
    return digits, kind


def _jp_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    # JPO citation styles: "A-10-100907" (kokai), "P2001-118988".
    if len(parts) > 1 and parts[0] in ("A", "B", "U", "Y", "P"):
        kind = kind or (parts[0] if parts[0] != "P" else None)
        parts = parts[1:]
    elif re.fullmatch(r"[ABUYP]\d+", parts[0]) and len(parts) > 1:
        parts = [parts[0][1:], *parts[1:]]
    era = re.fullmatch(r"([HSTR]?)(\d{1,2})", parts[0])
    number = parts[1].lstrip("0") if len(parts) == 2 else ""
    serial = "".join(parts)
    if len(parts) == 2 and re.fullmatch(_YEAR, parts[0]) and parts[1].isdigit():
        serial = parts[0] + _pad(parts[1], 6, raw)
    elif era and number.isdigit() and len(number) <= 6:
        # Era year and serial; DOCDB drops the serial's zeros: H7-23487 -> H0723487.
        serial = era.group(1) + era.group(2).zfill(2) + number
    elif re.fullmatch(r"[34]\d{8}", serial):
        # Patent Abstracts of Japan: 3 = Showa, 4 = Heisei, then year and serial.
        serial = "SH"[int(serial[0]) - 3] + serial[1:3] + serial[3:].lstrip("0")
    elif re.fullmatch(_YEAR + r"\d{5}", serial):
        serial = serial[:4] + serial[4:].zfill(6)
    if not re.fullmatch(r"[HSTR]\d{3,8}|D\d{5,8}|\d{5,10}", serial):
        raise _error(
            raw, "publication", f"{excerpt(serial)} is not a JP publication serial"
        )
    return serial, kind


def _kr_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    digits = "".join(parts)
    if m := re.fullmatch(r"[123]0(" + _YEAR + r"\d{7})", digits):
        return m.group(1), kind
    if m := re.fullmatch(r"([123]0\d{7})0000", digits):
        return m.group(1), kind
    if re.fullmatch(_YEAR + r"\d{6}", digits):
        # EPODOC and Derwent drop a zero (9 digits are registrations: 20-0174584).
        return digits[:4] + digits[4:].zfill(7), kind
    if not re.fullmatch(r"\d{5,11}", digits):
        raise _error(
            raw, "publication", f"{excerpt(digits)} is not a KR publication serial"
        )
    return digits, kind


def _de_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    digits = "".join(parts).lstrip("0")
    if not re.fullmatch(r"\d{1,8}|[1-9]\d{11}", digits):
        raise _error(
            raw, "publication", f"{excerpt(digits)} is not a DE publication serial"
        )
    return digits, kind


def _ru_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    return "".join(parts).lstrip("0") or "0", kind


def _mx_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    # "PA/a/2005/003863" (old) and "MX/a/2012/013885" (new) application-style numbers.
    if parts[0] in ("PA", "MX") and len(parts) > 1:
        prefix, parts = ("PA" if parts[0] == "PA" else ""), parts[1:]
    else:
        prefix = ""
    if len(parts) == 3 and parts[0] == "A" and re.fullmatch(_YEAR, parts[1]):
        year = parts[1][2:] if prefix else parts[1]
        return prefix + year + _pad(parts[2], 6, raw), kind
    return prefix + "".join(parts), kind


def _au_pub(parts: list[str], kind: str | None, raw: str) -> tuple[str, str | None]:
    # Australian citation style "AU-A-18524/99": kind, serial, 2-digit year.
    if len(parts) == 3 and parts[0] in ("A", "B") and parts[1].isdigit():
        return parts[1] + parts[2], kind or parts[0]
    return "".join(parts), kind


def _generic_pub(
    parts: list[str], kind: str | None, raw: str
) -> tuple[str, str | None]:
    return "".join(parts), kind


_PUB_RULES: dict[str, _PubRule] = {
    "US": _us_pub,
    "EP": _ep_pub,
    "WO": _wo_pub,
    "CN": _cn_pub,
    "JP": _jp_pub,
    "KR": _kr_pub,
    "DE": _de_pub,
    "RU": _ru_pub,
    "MX": _mx_pub,
    "AU": _au_pub,
}


def _full_year(year: str, raw: str, what: str) -> str:
    """A PCT or WO year in four digits; both numberings started in 1978."""
    if len(year) == 2 and year.isdigit():
        return ("19" if year >= "78" else "20") + year
    if re.fullmatch(_YEAR, year) and year >= "1978":
        return year
    raise _error(raw, what, f"{excerpt(year)} is not a year of the PCT (1978 on)")


def _pad(serial: str, width: int, raw: str, what: str = "publication") -> str:
    digits = serial.lstrip("0")
    if (digits and not digits.isdigit()) or len(digits) > width:
        raise _error(
            raw, what, f"{excerpt(serial)} is not a serial of up to {width} digits"
        )
    return digits.zfill(width)


# --- application rules ----------------------------------------------------------------

_AppRule = Callable[[list[str], str | None, str], tuple[str, str | None]]
_PCT = re.compile(
    r"PCT" + _SEP + r"*([A-Z]{2})" + _SEP + r"*(\d{4}|\d{2})" + _SEP + r"*(\d{1,6})"
)
_PCT_EPODOC = re.compile(r"WO\s*(" + _YEAR + r")\s*([A-Z]{2})\s*(\d{1,6})(?:\s*[AW])?")
_PCT_CC = re.compile(r"([A-Z]{2})" + _SEP + r"*(\d{2}|\d{4})" + _SEP + r"+(\d{1,6})")
_LENS_PCT = re.compile(r"([A-Z]{2})\s+([\d/ ]+?)\s+W")
_PCT_CC_DIGITS = re.compile(r"([A-Z]{2})" + _SEP + r"*(\d{7,11})")


def _parse_pct(s: str, hint: str | None, raw: str) -> AppNumber | None:
    if m := _PCT.fullmatch(s):
        return _pct(m.group(1), m.group(2), m.group(3), raw)
    m = _PCT_EPODOC.fullmatch(s)
    if m and m.group(2) in _OFFICES and m.group(1) >= "1978":
        return _pct(m.group(2), m.group(1), m.group(3), raw)
    if hint == "WO":
        if m := _PCT_CC.fullmatch(s):
            return _pct(m.group(1), m.group(2), m.group(3), raw)
        if m := _PCT_CC_DIGITS.fullmatch(s):
            return _pct_from_digits(m.group(1), [m.group(2)], raw)
    return None


def _pct_from_digits(cc: str, parts: list[str], raw: str) -> AppNumber:
    if len(parts) == 2:
        return _pct(cc, parts[0], parts[1], raw)
    digits = "".join(parts)
    if not digits.isdigit():
        raise _error(raw, "application", "a PCT number is a year and a serial")
    if digits[:2] in ("19", "20") and len(digits) in (9, 10, 11):
        return _pct(cc, digits[:4], digits[4:], raw)
    if len(digits) in (7, 8):
        return _pct(cc, digits[:2], digits[2:], raw)
    raise _error(raw, "application", f"{excerpt(digits)} is not a PCT year and serial")


def _pct(cc: str, year: str, serial: str, raw: str) -> AppNumber:
    if cc not in _OFFICES:
        raise _error(raw, "application", f"{excerpt(cc)} is not a receiving office")
    full = _full_year(year, raw, "application")
    return AppNumber(
        "WO", cc + full + _pad(serial, 6, raw, "application"), None, is_pct=True
    )


def _cn_app(parts: list[str], check: str | None, raw: str) -> tuple[str, str | None]:
    digits = "".join(parts)
    if m := re.fullmatch(r"([123])0(" + _YEAR + r")00(\d{7})", digits):
        # CNIPA XML "standard" form: type code, year, 9-digit serial.
        return m.group(2) + m.group(1) + m.group(3), check
    if check is None and len(digits) in (9, 13) and digits[:-1].isdigit():
        digits, check = digits[:-1], digits[-1]
    if not digits.isdigit() or len(digits) not in (8, 12):
        raise _error(raw, "application", "a CN application has 8 or 12 digits")
    if _cn_type_of_serial(digits) is None:
        raise _error(
            raw, "application", f"{excerpt(digits)} has no CN type digit (1-3, 8, 9)"
        )
    return digits, check


def _us_app(parts: list[str], check: str | None, raw: str) -> tuple[str, str | None]:
    serial = "".join(parts)
    if re.fullmatch(_YEAR + r"\d{8}", serial):
        serial = serial[4:]  # DOCDB: filing year + series code + serial
    # A trailing letter marks a DOCDB dummy application (3564134D).
    if not re.fullmatch(r"\d{4,12}[A-Z]?", serial):
        raise _error(
            raw, "application", f"{excerpt(serial)} is not a US application serial"
        )
    return serial, check


def _ep_app(parts: list[str], check: str | None, raw: str) -> tuple[str, str | None]:
    digits = "".join(parts)
    if (
        re.fullmatch(_YEAR + r"\d{3,7}", digits)
        and len(digits) != 8
        and len(digits[4:].lstrip("0")) <= 6
    ):
        # EPODOC: 4-digit year; Patentics pads the serial to 7 (EP20180815099)
        digits = digits[2:4] + digits[4:].lstrip("0").zfill(6)
    if not re.fullmatch(r"\d{8}", digits):
        raise _error(raw, "application", "an EP application has 8 digits")
    return digits, check


def _jp_app(parts: list[str], check: str | None, raw: str) -> tuple[str, str | None]:
    # "P" marks a patent application: JPO "P2002-035657", KIPO "JP-P-2003-00287232".
    while len(parts) > 1 and re.fullmatch(r"P+", parts[0]):
        parts = parts[1:]
    if re.fullmatch(r"P+\d+", parts[0]):
        parts = [parts[0].lstrip("P"), *parts[1:]]
    if len(parts) == 2 and re.fullmatch(_YEAR, parts[0]) and parts[1].isdigit():
        return parts[0] + _pad(parts[1], 6, raw, "application"), check
    serial = "".join(parts)
    if re.fullmatch(_YEAR + r"\d{5,7}", serial) and len(serial[4:].lstrip("0")) <= 6:
        return serial[:4] + _pad(serial[4:], 6, raw, "application"), check
    return serial, check


def _kr_app(parts: list[str], check: str | None, raw: str) -> tuple[str, str | None]:
    # KIPO "10-2004-0012345": type code, year, serial.
    kipo = len(parts) == 3 and re.fullmatch(r"[1-9]0", parts[0]) is not None
    if kipo and re.fullmatch(_YEAR, parts[1]) and parts[2].isdigit():
        return parts[0] + parts[1] + _pad(parts[2], 7, raw, "application"), check
    if len(parts) == 2 and re.fullmatch(_YEAR, parts[0]) and parts[1].isdigit():
        return parts[0] + _pad(parts[1], 7, raw, "application"), check
    digits = "".join(parts)
    if m := re.fullmatch(r"([1-9]0" + _YEAR + r")00(\d{7})", digits):
        return m.group(1) + m.group(2), check  # 15-digit standard form
    if re.fullmatch(_YEAR + r"\d{4,6}", digits):
        return digits[:4] + digits[4:].zfill(7), check  # EPODOC drops zeros
    return digits, check


def _generic_app(
    parts: list[str], check: str | None, raw: str
) -> tuple[str, str | None]:
    return "".join(parts), check


_APP_RULES: dict[str, _AppRule] = {
    "CN": _cn_app,
    "US": _us_app,
    "EP": _ep_app,
    "JP": _jp_app,
    "KR": _kr_app,
}
