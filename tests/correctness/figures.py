"""The figures of a report recomputed from the raw documents (see ``raw.py``), by the rules
``docs/analyses.md`` states — restated here, never read from the store:

* **Counting units.** ``document``: each publication. ``application``: the publications of
  one application number (a document without one counts alone). ``family``: the DWPI
  family of a Derwent document (the source's family); any other document is linked to the
  documents sharing an application or priority number with it, and each connected group is
  one family (a document without numbers counts alone).
* **A unit's date** is its earliest filing: for families the earliest priority date
  (else filing date) of its documents; otherwise the filing date.
* **A unit's origin** is the location of its first applicant with one (documents in date
  order, applicants in the order written; a Chinese province means China), else the
  country its earliest priority says (:func:`priority_country`), else the office of its
  earliest document when that office is a country's and the document is no Chinese PCT
  national phase.
* **Chinese PCT national-phase applications** carry CNIPA's type digit 8 or 9 after the
  year (``CN201480077691``): they enter China from an international application filed
  elsewhere, so they say nothing of where an invention comes from. A PCT application
  counts for its receiving office (``WOUS…`` the United States; ``WOIB…``, the
  International Bureau, for nothing).
* **The period** keeps the documents whose filing year (``application_date``) lies in it.
* **Applicants** count every unit they apply for (co-applicants each count it), under a
  name key: NFKC, upper case, spaces and punctuation dropped.
* **Chain position** (``patnav.analyses.chain``'s default rules): home, national and world
  units of each node inside the spec's scope; RTA = (home_node / home_total) /
  (comparator_node / comparator_total) over the scope; gap when home ≤ 0 while the
  comparator ≥ 5; strong when RTA ≥ 1.2 with ≥ 5 home units; weak when RTA < 0.8;
  average otherwise. The comparator is the nation for a province or city at home, the
  world for a country.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from tests.correctness.query import parse
from tests.correctness.raw import REGIONAL_OFFICES, Doc, Place

STRONG_RTA, WEAK_RTA, GAP_MAX, MIN_UNITS, MIN_MARKET = 1.2, 0.8, 0, 5, 5


LEGAL_FORMS = re.compile(
    r"(\s+(CO|COMPANY|CORP|CORPORATION|INC|INCORPORATED|LLC|LTD|LIMITED|SA|SAS|SARL|AG|"
    r"GMBH|KK|PLC|BV|NV|AB|OY|SPA|SRL|LP|LLP|PTY|PTE|HOLDINGS?))+$"
)


LEGAL_FORMS_ZH = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司)$")


def name_key(name: str) -> str:
    """An applicant name as compared: NFKC, upper case, its trailing legal form (CO LTD,
    INC, SA …; 股份有限公司, 有限公司 …) dropped, no spaces or punctuation — ``THALES SA``
    and ``THALES`` are one applicant, and so are 泰山玻璃纤维股份有限公司 and
    泰山玻璃纤维有限公司 (one company before and after a change of legal form)."""
    text = unicodedata.normalize("NFKC", name).upper()
    text = re.sub(r"[.,;:&'\"()\-·、，。（）]+", " ", text).strip()
    text = LEGAL_FORMS.sub("", text)
    text = LEGAL_FORMS_ZH.sub("", text.replace(" ", ""))
    return re.sub(r"\s+", "", text)


ONE_APPLICANT = {"IBM": "INTBUSINESSMACHINES"}
"""Name keys the suite knows to be one applicant under another key: Lens writes IBM's
documents as ``IBM``, Derwent as ``INT BUSINESS MACHINES CORP`` (checked in both files);
patnav joins an acronym to its one expansion among the store's names."""


_CORPORA: dict[tuple[int, str], Corpus] = {}


def corpus_of(docs: Mapping[str, Doc], count_by: str) -> Corpus:
    """The corpus of ``docs`` by ``count_by``, made once per process."""
    key = (id(docs), count_by)
    if key not in _CORPORA:
        _CORPORA[key] = Corpus(docs, count_by)
    return _CORPORA[key]


class Corpus:
    """The raw documents with their counting units, dates and origins."""

    def __init__(self, docs: Mapping[str, Doc], count_by: str) -> None:
        self.docs = docs
        self.count_by = count_by
        self.unit = self._units()
        members: dict[str, list[str]] = defaultdict(list)
        for key, unit in self.unit.items():
            members[unit].append(key)
        self.members = dict(members)
        self._selected: dict[tuple[str, str], frozenset[str]] = {}
        self._origins: dict[str, Place | None] = {}

    # -- units --------------------------------------------------------------------------

    def _units(self) -> dict[str, str]:
        if self.count_by == "document":
            return {k: k for k in self.docs}
        if self.count_by == "application":
            return {k: (d.app or k) for k, d in self.docs.items()}
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        out: dict[str, str] = {}
        for key, doc in self.docs.items():
            if doc.dwpi:
                out[key] = f"DWPI:{doc.dwpi}"
                continue
            numbers = [n for n in [doc.app, *(p[1] for p in doc.prios)] if n]
            if not numbers:
                out[key] = key
                continue
            for number in numbers:
                union(f"doc:{key}", f"num:{number}")
        for key in self.docs:
            if key not in out:
                out[key] = "pri:" + find(f"doc:{key}")
        return out

    def first_date(self, doc: Doc) -> date | None:
        if self.count_by == "family":
            dates = [p[2] for p in doc.prios if p[2] is not None]
            return min(dates) if dates else doc.app_date
        return doc.app_date

    def _ordered(self, unit: str) -> list[Doc]:
        return sorted(
            (self.docs[k] for k in self.members[unit]),
            key=lambda d: (self.first_date(d) or date.max, d.key),
        )

    def unit_year(self, unit: str) -> int | None:
        dates = [self.first_date(d) for d in self._ordered(unit)]
        known = [x for x in dates if x is not None]
        return min(known).year if known else None

    def origin(self, unit: str) -> Place | None:
        """Where a unit comes from (see the module docstring)."""
        if unit not in self._origins:
            self._origins[unit] = self._origin(unit)
        return self._origins[unit]

    def _origin(self, unit: str) -> Place | None:
        docs = self._ordered(unit)
        for doc in docs:
            for place in doc.places:
                if place is not None and (
                    place.country or place.province or place.city
                ):
                    country = place.country or ("CN" if place.province else None)
                    return Place(country, place.province, place.city)
        prios = sorted(
            (p[2] or date.max, d.key, i, country)
            for d in docs
            for i, p in enumerate(d.prios)
            if (country := priority_country(p[0], p[1])) is not None
        )
        if prios:
            return Place(prios[0][3])
        office = office_origin(docs[0])  # the earliest document's office
        return Place(office) if office else None

    # -- scopes ---------------------------------------------------------------------------

    def select(
        self,
        query: str,
        aliases: Mapping[str, list[str]] | None = None,
        *,
        within: set[str] | None = None,
    ) -> set[str]:
        """The keys of the documents a query matches (among ``within`` when given; a query
        over the whole corpus is evaluated once)."""
        matches = parse(query, aliases=aliases).matches
        if within is not None:
            return {k for k in within if matches(self.docs[k])}
        key = (query, repr(sorted((aliases or {}).items())))
        if key not in self._selected:
            self._selected[key] = frozenset(
                k for k, d in self.docs.items() if matches(d)
            )
        return set(self._selected[key])

    def in_period(self, start: int | None, end: int | None) -> set[str]:
        """Documents filed (application date) within the years."""
        return {
            k
            for k, d in self.docs.items()
            if d.app_date is not None
            and (start is None or d.app_date.year >= start)
            and (end is None or d.app_date.year <= end)
        }

    def from_country(self, country: str) -> set[str]:
        """Documents originating in ``country``, by the unit rule applied to one document."""
        out = set()
        for key, doc in self.docs.items():
            place = _doc_origin(doc)
            if place is not None and place.country == country:
                out.add(key)
        return out

    def units_of(self, keys: Iterable[str]) -> set[str]:
        return {self.unit[k] for k in keys}

    # -- rankings -----------------------------------------------------------------------

    def applicants(self, keys: Iterable[str]) -> Counter[str]:
        """Units per applicant name key (:data:`ONE_APPLICANT` joined)."""
        seen: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            unit = self.unit[key]
            for name in self.docs[key].applicants:
                k = name_key(name)
                seen[ONE_APPLICANT.get(k, k)].add(unit)
        return Counter({k: len(v) for k, v in seen.items()})


def cn_pct_phase(number: str | None) -> bool:
    """Whether a Chinese application number is a PCT national phase (type digit 8 or 9)."""
    if not number or not number.startswith("CN"):
        return False
    digits = number[2:]
    if len(digits) == 12:
        return digits[4] in "89"
    if len(digits) == 8:  # before 2004: two-digit year, type digit, five digits
        return digits[2] in "89"
    return False


def priority_country(country: str | None, number: str) -> str | None:
    """The country a priority claim says its document comes from (module docstring)."""
    if country == "WO":
        office = re.match(r"^WO(?:\d{4})?([A-Z]{2})", number)
        if office and office.group(1) not in REGIONAL_OFFICES | {"IB"}:
            return office.group(1)
        return None
    if country == "CN" and cn_pct_phase(number):
        return None
    if not country or country in REGIONAL_OFFICES:
        return None
    return country


def office_origin(doc: Doc) -> str | None:
    """The origin a document's office gives when nothing else does."""
    if not doc.office or doc.office in REGIONAL_OFFICES or cn_pct_phase(doc.app):
        return None
    return doc.office


def _doc_origin(doc: Doc) -> Place | None:
    for place in doc.places:
        if place is not None and (place.country or place.province or place.city):
            return Place(
                place.country or ("CN" if place.province else None),
                place.province,
                place.city,
            )
    prios = sorted(
        (p[2] or date.max, i, country)
        for i, p in enumerate(doc.prios)
        if (country := priority_country(p[0], p[1])) is not None
    )
    if prios:
        return Place(prios[0][2])
    office = office_origin(doc)
    return Place(office) if office else None


def in_region(
    place: Place | None, country: str, province: str | None, city: str | None
) -> bool:
    """Whether a unit's origin lies in the home region (a city by its name's stem)."""
    if place is None or place.country != country:
        return False
    if province and place.province != province:
        return False
    if city:
        stem = city[:-1] if city.endswith(("市", "州", "盟")) else city
        return bool(place.city) and (place.city == city or place.city.startswith(stem))
    return True


@dataclass(frozen=True)
class NodeFigures:
    """One node's recomputed chain figures."""

    node: str
    home: int
    national: int
    world: int
    rta: float | None
    position: str


def chain(
    corpus: Corpus,
    scope: set[str],
    nodes: list[tuple[str, set[str]]],
    region: tuple[str, str | None, str | None],
) -> tuple[dict[str, int], list[NodeFigures]]:
    """Home, national and world units of the scope and of each node, RTA and position."""
    country, province, city = region
    comparator = "national" if province or city else "world"
    origin = {u: corpus.origin(u) for u in corpus.units_of(scope)}

    def figures(keys: set[str]) -> dict[str, int]:
        units = corpus.units_of(keys & scope)
        return {
            "home": sum(in_region(origin[u], country, province, city) for u in units),
            "national": sum(
                origin[u] is not None and origin[u].country == country for u in units
            ),
            "world": len(units),
        }

    totals = figures(scope)
    out = []
    for name, keys in nodes:
        f = figures(keys)
        rta = None
        if totals["home"] and totals[comparator] and f[comparator]:
            rta = (f["home"] / totals["home"]) / (f[comparator] / totals[comparator])
        if f["home"] <= GAP_MAX and f[comparator] >= MIN_MARKET:
            position = "gap"
        elif rta is None:
            position = "average"
        elif rta >= STRONG_RTA and f["home"] >= MIN_UNITS:
            position = "strong"
        elif rta < WEAK_RTA:
            position = "weak"
        else:
            position = "average"
        out.append(
            NodeFigures(name, f["home"], f["national"], f["world"], rta, position)
        )
    return totals, out
