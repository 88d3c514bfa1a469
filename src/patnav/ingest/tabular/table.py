"""Rows of a table (spreadsheet, CSV, JSON lines) → patent records.

The readers of tabular formats only produce rows of cells. This module finds the header
row (the first 30 rows are scanned: exports often start with a query line), decides
which column feeds which field (user mapping, then a built-in profile recognised by its
headers, then the alias table), works out ambiguous date orders from the data, and turns
each row into a ``PatentRecord``.

A row is quarantined when its identity is unreadable: a publication number that is not
one, no number and no id at all, or a cell over the size limit. Lesser problems (an
unreadable date, a count that is not a number) keep the record, keep the raw value in
``extras`` and are summarised in one notice per column.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from patnav.errors import ParseError, RowError, clip, excerpt
from patnav.ingest.base import Item, Notice, Read, ReadOptions, Rejected
from patnav.ingest.claims import split_claims
from patnav.ingest.tabular.columns import (
    FIELDS,
    ColumnMapping,
    find_profile,
    recognise,
)
from patnav.ingest.values import (
    cell_text,
    clean_name,
    date_order_evidence,
    guess_lang,
    parse_date,
    parse_int,
    parse_money,
    parse_priorities,
    split_agency,
    split_multi,
    split_postcode,
)
from patnav.schema.codes import normalize_ipc, normalize_locarno
from patnav.schema.countries import office_code
from patnav.schema.numbers import (
    is_office,
    normalize_app_number,
    normalize_pub_number,
    parse_pub_number,
    patent_type_of,
)
from patnav.schema.records import (
    Citation,
    Claim,
    Classification,
    Effect,
    EffectLevel,
    Event,
    Indicator,
    IndicatorName,
    Party,
    PatentRecord,
    Role,
    Scheme,
    Text,
)
from patnav.schema.vocabulary import (
    parse_event_type,
    parse_legal_status,
    parse_party_type,
    parse_patent_type,
    parse_province_code,
    province_name,
)

HEADER_SCAN_ROWS = 30
SAMPLE_ROWS = 1000
DATE_FIELDS = frozenset(
    {
        "app_date",
        "pub_date",
        "grant_date",
        "priority_date",
        "pct_entry_date",
        "expiry_date",
    }
)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row of cells and where it is (``Sheet1 row 17``, ``line 230``)."""

    cells: Sequence[object]
    position: str
    row_number: int
    extra: dict[str, str] | None = None
    """Named values beyond the table's columns (JSON keys first seen late): kept in extras."""


@dataclass(slots=True)
class ColumnPlan:
    """Which column feeds which field, decided once per table."""

    headers: list[str]
    fields: dict[int, str] = field(default_factory=dict)
    extras: dict[int, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    derive: dict[str, tuple[int, object]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    key_prefix: str = ""
    date_orders: dict[int, str] = field(default_factory=dict)
    layout: str = "recognised by header names"

    def header_of(self, field_name: str) -> str:
        for index, name in self.fields.items():
            if name == field_name:
                return self.headers[index]
        return field_name


def _label(header: str) -> str:
    """A column's header as shown in a message: cut when a broken export made it long."""
    return clip(header, 60)


def _header_text(value: object) -> str:
    text = cell_text(value)
    return text if text is not None else ""


def _field_of(
    header: str, mapping: ColumnMapping | None, profile: ColumnMapping | None
) -> str | None:
    for m in (mapping, profile):
        if m is not None:
            if m.ignores(header):
                return None
            target = m.field_for(header)
            if target:
                return target
    return recognise(header)


def _score(cells: Sequence[object], mapping: ColumnMapping | None) -> int:
    headers = [_header_text(c) for c in cells]
    profile = find_profile(headers)
    return len({f for h in headers if h and (f := _field_of(h, mapping, profile))})


def plan_columns(
    headers: Sequence[object], mapping: ColumnMapping | None, *, key_prefix: str
) -> tuple[ColumnPlan, list[Notice]]:
    """Decide what each column is; return the plan and notices for the report."""
    names = [_header_text(h) for h in headers]
    profile = None if mapping is not None and mapping.match else find_profile(names)
    plan = ColumnPlan(headers=names, key_prefix=key_prefix)
    notices: list[Notice] = []
    layouts = []
    if mapping is not None:
        layouts.append(f"mapping '{mapping.name}'")
    if profile is not None:
        layouts.append(f"built-in profile '{profile.name}'")
    if layouts:
        plan.layout = " + ".join(layouts)
    taken: dict[str, int] = {}
    for index, header in enumerate(names):
        if not header:
            continue
        ignored = any(m is not None and m.ignores(header) for m in (mapping, profile))
        if ignored:
            plan.ignored.append(header)
            continue
        target = _field_of(header, mapping, profile)
        if target is None:
            plan.extras[index] = header
        elif target in taken:
            plan.extras[index] = header
            notices.append(
                Notice(
                    f"column '{header}' also maps to {target} (first taken from "
                    f"'{names[taken[target]]}'); its values are kept in extras",
                    "warning",
                )
            )
        else:
            taken[target] = index
            plan.fields[index] = target
    for m in (profile, mapping):
        if m is None:
            continue
        for target, derivation in m.derive.items():
            if derivation.column in names:
                plan.derive[target] = (
                    names.index(derivation.column),
                    derivation.pattern,
                )
        plan.defaults.update(m.defaults)
        if m.key_prefix:
            plan.key_prefix = m.key_prefix
    if mapping is not None:
        unknown = [
            h
            for h in mapping.columns
            if h not in names
            and not any(recognise(h) == recognise(n) and recognise(h) for n in names)
        ]
        if unknown:
            notices.append(
                Notice(
                    f"mapping '{mapping.name}' names columns not in this table: "
                    f"{', '.join(unknown)}",
                    "warning",
                )
            )
    mapped = ", ".join(f"{names[i]}→{f}" for i, f in plan.fields.items())
    notices.append(Notice(f"columns ({plan.layout}): {mapped}"))
    if plan.extras:
        notices.append(
            Notice(
                "columns not mapped to a field, kept in extras: "
                + ", ".join(plan.extras.values())
                + " (assign them with --mapping)"
            )
        )
    if plan.ignored:
        notices.append(Notice("columns ignored: " + ", ".join(plan.ignored)))
    return plan, notices


# -- row → record
# ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Warnings:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, kind: str, column: str, example: str) -> None:
        key = (kind, column)
        self.counts[key] += 1
        self.examples.setdefault(key, example)

    def notices(self) -> list[Notice]:
        return [
            Notice(
                f"{n:,} row(s) with {kind} in column '{column}' (first: "
                f"{self.examples[(kind, column)]}); raw values kept in extras",
                "warning",
            )
            for (kind, column), n in self.counts.items()
        ]


def _too_big(cells: Sequence[object], plan: ColumnPlan, limit: int) -> str | None:
    for index, value in enumerate(cells):
        if isinstance(value, str) and len(value) * 4 > limit:
            size = len(value.encode("utf-8"))
            if size > limit:
                header = (
                    plan.headers[index]
                    if index < len(plan.headers)
                    else f"#{index + 1}"
                )
                return (
                    f"cell in column '{_label(header)}' is {size:,} bytes, over "
                    "the limit of "
                    f"{limit:,} (PATNAV_MAX_CELL_BYTES); check the export, or raise the limit"
                )
    return None


Soft = Callable[[str, str, str], None]
"""Records a value kept in ``extras`` because it cannot be read: (kind, field, value)."""


def _row_values(
    cells: Sequence[object], plan: ColumnPlan, extra: dict[str, str] | None
) -> tuple[dict[str, str], dict[str, object], dict[str, str]]:
    """(field → text, field → cell as read, extras) of one row."""
    values: dict[str, str] = {}
    raw: dict[str, object] = {}
    for index, name in plan.fields.items():
        if index < len(cells):
            text = cell_text(cells[index])
            if text is not None:
                values[name] = text
                raw[name] = cells[index]
    for name, (index, pattern) in plan.derive.items():
        if name not in values and index < len(cells):
            text = cell_text(cells[index])
            m = pattern.search(text) if text else None  # type: ignore[attr-defined]
            if m:
                values[name] = m.group(1)
    # a mapping's defaults fill fields the row leaves empty (office, lang, or e.g. the
    # address of a corpus known to come from one city)
    for name, value in plan.defaults.items():
        values.setdefault(name, value)
    extras: dict[str, str] = dict(extra or {})
    for index, header in plan.extras.items():
        if index < len(cells):
            text = cell_text(cells[index])
            if text is not None:
                extras[header] = text
    return values, raw, extras


@dataclass(frozen=True, slots=True)
class _Identity:
    pub_number: str | None
    kind: str | None
    app_number: str | None
    office: str | None
    source_key: str | None


def _identity(
    values: dict[str, str], plan: ColumnPlan, options: ReadOptions, soft: Soft
) -> _Identity:
    """The row's numbers and office.

    Raises:
        RowError: the publication number is not one, or the row has no identity.
    """
    office_hint = options.office or None
    if "office" in values:
        code = office_code(values["office"])
        if code is not None and is_office(code):
            office_hint = code
        else:
            soft("an office name that is not known", "office", values["office"])

    pub_number = None
    kind = values.get("kind")
    if "pub_number" in values:
        text = values["pub_number"]
        try:
            parsed = parse_pub_number(text, office=office_hint)
            if parsed.kind is None and kind:
                parsed = parse_pub_number(f"{parsed.office}{parsed.serial}{kind}")
            pub_number = str(parsed)
            kind = parsed.kind
            office_hint = parsed.office
        except ValueError as exc:
            raise RowError(
                f"publication number {excerpt(text)} in column "
                f"'{_label(plan.header_of('pub_number'))}' "
                f"is not a patent number: {exc}"
            ) from None

    app_number = None
    for name in ("app_number", "patent_number"):
        if name in values and app_number is None:
            try:
                app_number = normalize_app_number(values[name], office=office_hint)
            except ValueError as exc:
                if pub_number is None and name == "app_number":
                    raise RowError(
                        f"application number {excerpt(values[name])} in column "
                        f"'{_label(plan.header_of(name))}' is not an "
                        f"application number: {exc}"
                    ) from None
                soft("an unreadable application number", name, values[name])
    if app_number and office_hint is None:
        office_hint = app_number[:2] if app_number[:2].isalpha() else None

    source_key = None
    if "source_key" in values:
        source_key = f"{plan.key_prefix}:{values['source_key']}"
    if pub_number is None and app_number is None and source_key is None:
        present = ", ".join(f"{plan.headers[i]}" for i in plan.fields) or "none"
        raise RowError(
            "row has no publication number, application number or id (mapped columns: "
            f"{present}); map the column that identifies the patent with --mapping"
        )
    return _Identity(pub_number, kind, app_number, office_hint, source_key)


def _dates(
    values: dict[str, str], raw: dict[str, object], plan: ColumnPlan, soft: Soft
) -> dict[str, date | None]:
    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        if name in values:
            order = next(
                (o for i, o in plan.date_orders.items() if plan.fields.get(i) == name),
                None,
            )
            try:
                dates[name] = parse_date(raw.get(name, values[name]), order=order)
            except ValueError:
                soft("an unreadable date", name, values[name])
    return dates


def _texts(
    values: dict[str, str],
) -> tuple[str | None, str | None, str | None, list[Text]]:
    """(language, title, abstract, other texts): an English title or abstract beside
    one in the record's language goes to the texts, or stands in for a missing one."""
    lang = values.get("lang")
    title = values.get("title")
    abstract = values.get("abstract")
    if lang is None:
        lang = guess_lang(title) or guess_lang(abstract)

    texts: list[Text] = []
    for name, section in (("title_en", "title"), ("abstract_en", "abstract")):
        if name in values:
            if lang != "en" and values.get(section) is not None:
                texts.append(Text("en", section, values[name]))
            elif section == "title" and title is None:
                title, lang = values[name], "en"
            elif section == "abstract" and abstract is None:
                abstract = values[name]
    if "description" in values:
        texts.append(Text(lang or "und", "description", values["description"]))
    return lang, title, abstract, texts


def _claims(
    values: dict[str, str], lang: str | None
) -> tuple[str | None, tuple[Claim, ...], int | None]:
    """(claims text, claims one by one, claim count): all claims, or the main one."""
    claims_text = values.get("claims") or values.get("main_claim")
    claim_items: tuple[Claim, ...] = ()
    claims_count = None
    if "claims" in values:
        claim_items = tuple(split_claims(values["claims"], lang=lang))
        claims_count = len(claim_items) or None
    elif "main_claim" in values:
        main = split_claims(values["main_claim"], lang=lang)
        if main:
            first = main[0]
            claim_items = (Claim(1, first.text, True, (), lang),)
    return claims_text, claim_items, claims_count


_LINKED_NUMBERS = (
    ("pct_app_number", normalize_app_number, "WO", "an unreadable PCT application"),
    ("pct_pub_number", normalize_pub_number, "WO", "an unreadable PCT publication"),
    (
        "parent_app_number",
        normalize_app_number,
        None,
        "an unreadable parent application",
    ),
    ("grant_pub_number", normalize_pub_number, None, "an unreadable grant number"),
)
"""Numbers of other documents a row names: field, normaliser, office (None: the row's
own), and the warning when the value is not a number."""


def _linked_numbers(
    values: dict[str, str], office: str | None, soft: Soft
) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name, normalize, fixed, warning in _LINKED_NUMBERS:
        out[name] = None
        if name in values:
            try:
                out[name] = normalize(values[name], office=fixed or office)
            except ValueError:
                soft(warning, name, values[name])
    return out


def row_to_record(
    cells: Sequence[object],
    plan: ColumnPlan,
    options: ReadOptions,
    position: str,
    warnings: _Warnings,
    extra: dict[str, str] | None = None,
) -> PatentRecord:
    """Build the record of one row.

    Raises:
        RowError: the row cannot become a record (its message is the quarantine reason).
    """
    values, raw, extras = _row_values(cells, plan, extra)

    def soft(kind: str, name: str, value: str) -> None:
        header = plan.header_of(name)
        extras[header] = value
        warnings.add(kind, header, f"{position}: {excerpt(value, 60)}")

    ident = _identity(values, plan, options, soft)
    dates = _dates(values, raw, plan, soft)
    lang, title, abstract, texts = _texts(values)
    claims_text, claim_items, claims_count = _claims(values, lang)
    claims_count = _count(values, "claims_count", soft) or claims_count
    parties = _parties(values, plan, extras)
    classifications, ipc_main = _classifications(values, soft)
    citations = _citations(values)
    priorities = tuple(parse_priorities(values.get("priorities")))
    priority_date = dates.get("priority_date") or min(
        (p.date for p in priorities if p.date), default=None
    )

    status_raw = values.get("legal_status")
    if status_raw is None and "validity" in values:
        status_raw = values["validity"]  # 专利有效性: the status when no other is given
    elif "validity" in values:
        extras[plan.header_of("validity")] = values["validity"]
    patent_type = parse_patent_type(values.get("patent_type"))
    if patent_type is None and "patent_type" in values:
        extras[plan.header_of("patent_type")] = values["patent_type"]
    patent_type = patent_type or patent_type_of(
        ident.office, ident.kind, ident.app_number, ident.pub_number
    )
    cited_by = _count(values, "cited_by_count", soft)
    indicators = _indicators(values, soft)
    effects = _effects(values)
    events = tuple(
        Event(parse_event_type(name), None, name, name)
        for name in split_multi(values.get("legal_events"))
    )
    linked = _linked_numbers(values, ident.office, soft)

    classifications.extend(_industries(values))
    for label in split_multi(values.get("label"), codes=True):
        classifications.append(Classification(Scheme.LABEL.value, label, False, label))

    return PatentRecord(
        pub_number=ident.pub_number,
        pub_number_raw=values.get("pub_number"),
        kind=ident.kind,
        office=ident.office,
        app_number=ident.app_number,
        app_number_raw=values.get("app_number") or values.get("patent_number"),
        app_date=dates.get("app_date"),
        pub_date=dates.get("pub_date"),
        grant_date=dates.get("grant_date"),
        grant_pub_number=linked["grant_pub_number"],
        priority_date=priority_date,
        family_id=values.get("family_id"),
        patent_type=patent_type,
        title=title,
        abstract=abstract,
        claims=claims_text,
        lang=lang,
        claims_count=claims_count,
        ipc_main=ipc_main,
        legal_status=parse_legal_status(status_raw),
        legal_status_raw=status_raw,
        expiry_date=dates.get("expiry_date"),
        cited_by_count=cited_by,
        pct_app_number=linked["pct_app_number"],
        pct_pub_number=linked["pct_pub_number"],
        pct_entry_date=dates.get("pct_entry_date"),
        parent_app_number=linked["parent_app_number"],
        source_key=ident.source_key,
        parties=tuple(parties),
        classifications=tuple(classifications),
        citations=tuple(citations),
        priorities=priorities,
        claim_items=claim_items,
        texts=tuple(texts),
        events=events,
        indicators=indicators,
        effects=effects,
        extras=tuple(sorted(extras.items())),
    )


def _count(values: dict[str, str], name: str, soft: Soft) -> int | None:
    """A count column's value; a cell that is not a number is kept in extras."""
    if name not in values:
        return None
    try:
        return parse_int(values[name])
    except ValueError:
        soft("a count that is not a number", name, values[name])
        return None


_COUNTS = (
    ("cites_count", IndicatorName.CITES),
    ("cites_self_count", IndicatorName.CITES_SELF),
    ("cited_by_self_count", IndicatorName.CITED_BY_SELF),
    ("family_size", IndicatorName.FAMILY_SIZE),
)


def _indicators(values: dict[str, str], soft: Soft) -> tuple[Indicator, ...]:
    """Counts and the value estimate the source reports (missing cells give no row)."""
    source = values.get("database")
    out: list[Indicator] = []
    for field_name, name in _COUNTS:
        n = _count(values, field_name, soft)
        if n is not None:
            out.append(Indicator(name, float(n), None, source, values[field_name]))
    if "family_size" not in values and "family_members" in values:
        members = split_multi(values["family_members"], codes=True)
        out.append(
            Indicator(
                IndicatorName.FAMILY_SIZE,
                float(len(members)),
                None,
                source,
                values["family_members"],
            )
        )
    if "value" in values:
        try:
            amount, currency = parse_money(values["value"])
        except ValueError:
            soft("a value that is not an amount", "value", values["value"])
        else:
            out.append(
                Indicator(
                    IndicatorName.VALUE, amount, currency, source, values["value"]
                )
            )
    return tuple(out)


_EFFECT_FIELDS = (
    ("effect_sentences", EffectLevel.SENTENCE),
    ("effect_phrases", EffectLevel.PHRASE),
    ("effect_level1", EffectLevel.LEVEL1),
    ("effect_level2", EffectLevel.LEVEL2),
    ("effect_level3", EffectLevel.LEVEL3),
    ("effect_triz", EffectLevel.TRIZ),
)
_EFFECT_SPLIT = re.compile(r"\s*[;；\n]\s*")


def _effects(values: dict[str, str]) -> tuple[Effect, ...]:
    """incoPat's 技术功效 columns, one effect per ``;``-separated part (not split on 、
    or commas, which the sentences and names contain)."""
    out: list[Effect] = []
    for field_name, level in _EFFECT_FIELDS:
        text = values.get(field_name)
        if text:
            parts = (cell_text(p) for p in _EFFECT_SPLIT.split(text))
            for part in dict.fromkeys(p for p in parts if p):
                out.append(Effect(level, part))
    return tuple(out)


def _parties(
    values: dict[str, str], plan: ColumnPlan, extras: dict[str, str]
) -> list[Party]:
    parties: list[Party] = []
    address = postcode = None
    if "address" in values:
        address, postcode = split_postcode(values["address"])
    province, country = parse_province_code(values.get("province_code"))
    if values.get("applicant_country"):
        country = values["applicant_country"].strip().upper()[:2] or country
    party_type = parse_party_type(values.get("applicant_type"))
    applicants = split_multi(values.get("applicants"))
    codes = _applicant_codes(values.get("applicant_codes"))
    if codes and len(codes) != len(applicants):
        # which code is whose is not known: the cell stays in extras as written
        extras[plan.header_of("applicant_codes")] = values["applicant_codes"]
        codes = []
    for i, name in enumerate(applicants):
        first = i == 0
        parties.append(
            Party(
                Role.APPLICANT,
                clean_name(name),
                raw_name=name,
                party_type=party_type if first else None,
                address=address if first else None,
                postcode=postcode if first else None,
                country=country if first else None,
                province=province if first else None,
                ext_id=codes[i] if codes else None,
            )
        )
    for field_name, role in (
        ("current_owners", Role.CURRENT_OWNER),
        ("assignees", Role.ASSIGNEE),
        ("inventors", Role.INVENTOR),
        ("agents", Role.AGENT),
        ("examiner", Role.EXAMINER),
    ):
        names = split_multi(values.get(field_name))
        places = (
            _owner_places(values, len(names), plan, extras)
            if role is Role.CURRENT_OWNER
            else []
        )
        for i, name in enumerate(names):
            country = province = city = district = None
            if places:
                country, province, city, district = places[i]
            parties.append(
                Party(
                    role,
                    clean_name(name),
                    raw_name=name,
                    country=country,
                    province=province,
                    city=city,
                    district=district,
                )
            )
    for text in split_multi(values.get("agency")):
        name, code = split_agency(text)
        parties.append(Party(Role.AGENCY, clean_name(name), raw_name=text, ext_id=code))
    return parties


_CODE_SPLIT = re.compile(r"\s*[;；|]\s*")


def _applicant_codes(text: str | None) -> list[str | None]:
    """The source's standardised applicant, one per applicant in order: incoPat's
    ``[丰田公司-C; 协同油脂-C]``, Patentics' ``东莞市易联… | 广州幻境…``. Not split_multi:
    two applicants of one group repeat its code."""
    if not text or not text.strip():
        return []
    inner = text.strip().removeprefix("[").removesuffix("]")
    return [cell_text(p) for p in _CODE_SPLIT.split(inner)]


_OWNER_PLACE = ("owner_province", "owner_city", "owner_district")
_PLACE_SPLIT = re.compile(r"\s*[|;；]\s*")


def _owner_places(
    values: dict[str, str], owners: int, plan: ColumnPlan, extras: dict[str, str]
) -> list[tuple[str | None, str | None, str | None, str | None]]:
    """(country, province, city, district) of each current owner, from PatSnap's
    当前申请专利权人州省/地市/区县.

    With one value in each cell, PatSnap gives the first owner's place: it goes to the
    first owner. Cells with one value per owner (``江苏 | 重庆``) go one to one. When
    the cells disagree (two provinces, one district), a cell whose parts do not match
    the owners is assigned to none of them and kept in extras. A Chinese province is
    written in full (重庆 → 重庆市) with country CN; a foreign 州/省 stays as written,
    country unknown."""
    cells: dict[str, list[str | None]] = {}
    for name in _OWNER_PLACE:
        text = values.get(name)
        # not split_multi: two owners in one city write it twice (重庆 | 重庆)
        cells[name] = [cell_text(p) for p in _PLACE_SPLIT.split(text)] if text else []
    first_only = owners > 1 and all(len(c) <= 1 for c in cells.values())
    parts: dict[str, list[str | None]] = {}
    for name, split in cells.items():
        if len(split) == owners:
            parts[name] = split
        elif first_only:
            parts[name] = [*split, *([None] * (owners - len(split)))]
        else:
            parts[name] = [None] * owners
            if split:
                extras[plan.header_of(name)] = values[name]
    out: list[tuple[str | None, str | None, str | None, str | None]] = []
    for i in range(owners):
        raw = parts["owner_province"][i]
        full = province_name(raw) if raw else None
        out.append(
            (
                "CN" if full else None,
                full or raw,
                parts["owner_city"][i],
                parts["owner_district"][i],
            )
        )
    return out


_SEI_ITEM = re.compile(r"\s*\d+(?:\.\d+)*\s*(?:[(（][^)）]*[)）])?")
_SEI_NAMES = re.compile(r"\s*[|;；,，]\s*")
_SEI_CODE = re.compile(r"^(\d+(?:\.\d+)*)\s*(?:[(（](.*)[)）])?$")


def _industries(values: dict[str, str]) -> list[Classification]:
    """国民经济分类 (GB/T 4754 codes: I6490) and the source's 新兴产业分类 (``1.4
    (互联网与云计算、大数据服务)``, or a name alone): incoPat separates with ``;`` and ``,``."""
    out: list[Classification] = []
    for raw in split_multi(values.get("gbt4754"), codes=True):
        out.append(
            Classification(
                Scheme.GBT4754.value, raw.replace(" ", "").upper(), False, raw
            )
        )
    main = values.get("sei_main")
    seen: set[str] = set()
    text = values.get("sei") or ""
    if _SEI_ITEM.match(text):  # codes with names, whose names hold 、 and ,
        items = [m.group(0).strip() for m in _SEI_ITEM.finditer(text)]
    else:  # names alone (PatSnap): 生物农业及相关产业 | 新材料产业
        items = [p for p in _SEI_NAMES.split(text) if p.strip()]
    for raw in items:
        m = _SEI_CODE.match(raw)
        code = m.group(1) if m else raw
        if code not in seen:
            seen.add(code)
            out.append(Classification(Scheme.SEI_SOURCE.value, code, code == main, raw))
    if main and main not in seen:
        out.append(Classification(Scheme.SEI_SOURCE.value, main, True, main))
    return out


def _classifications(
    values: dict[str, str], soft: Soft
) -> tuple[list[Classification], str | None]:
    out: list[Classification] = []
    seen: set[tuple[str, str]] = set()
    ipc_main = None

    def add(scheme: str, code: str, raw: str, is_main: bool) -> None:
        if (scheme, code) in seen:
            if is_main:
                for i, c in enumerate(out):
                    if (c.scheme, c.code) == (scheme, code):
                        out[i] = Classification(scheme, code, True, c.raw)
            return
        seen.add((scheme, code))
        out.append(Classification(scheme, code, is_main, raw))

    for main_field, list_field, scheme in (
        ("ipc_main", "ipc", Scheme.IPC.value),
        ("cpc_main", "cpc", Scheme.CPC.value),
    ):
        mains = split_multi(values.get(main_field), codes=True)
        symbols = split_multi(values.get(list_field), codes=True)
        listed = [(raw, main_field) for raw in mains[:1]]
        listed += [(raw, list_field) for raw in symbols]
        for i, (raw, origin) in enumerate(listed):
            is_main = i == 0  # the named main symbol, else the first listed
            code = normalize_ipc(raw)
            if code is None:
                loc = normalize_locarno(raw)
                if loc is not None:
                    add(Scheme.LOC.value, loc, raw, is_main)
                    continue
                # keep the whole cell in extras: an unreadable symbol is never dropped
                soft("an unreadable classification symbol", origin, values[origin])
                continue
            add(scheme, code, raw, is_main)
            if scheme == Scheme.IPC.value and is_main and ipc_main is None:
                ipc_main = code
    for field_name, scheme in (("loc", Scheme.LOC.value), ("uspc", Scheme.USPC.value)):
        for raw in split_multi(values.get(field_name), codes=True):
            code = normalize_locarno(raw) if scheme == Scheme.LOC.value else raw.strip()
            add(scheme, code or raw.strip(), raw, False)
    return out, ipc_main


def _citations(values: dict[str, str]) -> list[Citation]:
    out: list[Citation] = []
    for raw in split_multi(values.get("citations"), codes=True):
        try:
            out.append(
                Citation(cited_pub_number=normalize_pub_number(raw), cited_raw=raw)
            )
        except ValueError:
            out.append(Citation(cited_npl=raw, cited_raw=raw))
    npl = values.get("npl_citations")
    if npl:
        for part in (
            npl.replace("\r", "\n").split(";;") if ";;" in npl else npl.split("\n")
        ):
            if part.strip():
                out.append(Citation(cited_npl=part.strip(), cited_raw=part.strip()))
    return out


# -- the table as a whole
# --------------------------------------------------------------------


def _raw_json(cells: Sequence[object], headers: Sequence[str]) -> str:
    data = {
        (headers[i] if i < len(headers) and headers[i] else f"#{i + 1}"): cell_text(v)
        for i, v in enumerate(cells)
        if cell_text(v) is not None
    }
    return json.dumps(data, ensure_ascii=False, default=str)


def _within_columns(
    rows: Iterator[RawRow | Rejected], limit: int
) -> Iterator[RawRow | Rejected]:
    """Rows cut to ``limit`` columns when what lies beyond is empty (spreadsheets pad
    rows to the widest one); a row with values beyond the limit is rejected."""
    for row in rows:
        if isinstance(row, RawRow) and len(row.cells) > limit:
            beyond = row.cells[limit:]
            if any(cell_text(c) is not None for c in beyond):
                yield Rejected(
                    row.position,
                    f"row has {len(row.cells):,} columns, over the limit of {limit:,} "
                    "(PATNAV_MAX_COLUMNS); check the export, or raise the limit",
                    None,
                    row.row_number,
                )
                continue
            row = RawRow(row.cells[:limit], row.position, row.row_number, row.extra)
        yield row


def find_header(rows: Sequence[RawRow], mapping: ColumnMapping | None) -> int | None:
    """Index of the header row among ``rows``: the one naming the most fields (≥ 2)."""
    best, best_score = None, 1
    for i, row in enumerate(rows):
        score = _score(row.cells, mapping)
        if score > best_score:
            best, best_score = i, score
    return best


def read_table(
    rows: Iterator[RawRow | Rejected],
    options: ReadOptions,
    *,
    table_name: str,
    key_prefix: str,
) -> Iterator[Item]:
    """Records of a table of rows: find the header, plan the columns, convert each row.

    ``rows`` may include ``Rejected`` items (rows the reader itself could not decode); they
    pass through unchanged.

    Raises:
        ParseError: no header row could be recognised.
    """
    rows = _within_columns(rows, options.max_columns)
    head: list[RawRow] = []
    early: list[Rejected] = []
    for row in rows:
        if isinstance(row, Rejected):
            early.append(row)
            continue
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    header_index = find_header(head, options.mapping)
    if header_index is None:
        first = next((r for r in head if any(cell_text(c) for c in r.cells)), None)
        shown = [cell_text(c) for c in first.cells[:12]] if first else []
        raise ParseError(
            table_name,
            f"no header row naming patent fields in its first {HEADER_SCAN_ROWS} rows "
            f"(first row: {excerpt(shown)}). Give a mapping file with --mapping; the "
            "fields are "
            f"{', '.join(sorted(FIELDS))}.",
        )
    header = head[header_index]
    plan, notices = plan_columns(header.cells, options.mapping, key_prefix=key_prefix)
    if header_index:
        notices.insert(
            0,
            Notice(
                f"{table_name}: header found at {header.position}; rows above skipped"
            ),
        )
    yield from notices
    yield from early

    # Buffer a sample to settle ambiguous date orders (03/04/2012) column by column.
    sample: list[RawRow] = head[header_index + 1 :]
    for row in rows:
        if isinstance(row, Rejected):
            yield row
            continue
        sample.append(row)
        if len(sample) >= SAMPLE_ROWS:
            break
    mapping_order = options.mapping.date_order if options.mapping else None
    for index, name in plan.fields.items():
        if name in DATE_FIELDS:
            evidence = date_order_evidence(
                r.cells[index] for r in sample if index < len(r.cells)
            )
            order = evidence or mapping_order
            if order:
                plan.date_orders[index] = order
            if evidence:
                yield Notice(
                    f"dates in column '{plan.headers[index]}' read as "
                    f"{'day/month/year' if order == 'DMY' else 'month/day/year'}"
                )

    warnings = _Warnings()
    blank = 0

    def convert(row: RawRow) -> Item | None:
        nonlocal blank
        if not any(cell_text(c) for c in row.cells):
            blank += 1
            return None
        too_big = _too_big(row.cells, plan, options.max_cell_bytes)
        if too_big:
            raw = _raw_json(row.cells, plan.headers)
            return Rejected(row.position, too_big, raw, row.row_number)
        try:
            record = row_to_record(
                row.cells, plan, options, row.position, warnings, row.extra
            )
        except RowError as exc:
            raw = _raw_json(row.cells, plan.headers)
            return Rejected(row.position, str(exc), raw, row.row_number)
        return Read(record, row.position)

    for row in sample:
        item = convert(row)
        if item is not None:
            yield item
    sample.clear()
    for row in rows:
        if isinstance(row, Rejected):
            yield row
            continue
        item = convert(row)
        if item is not None:
            yield item
    yield from warnings.notices()
    if blank:
        yield Notice(f"{blank:,} blank row(s) skipped in {table_name}")


def key_prefix_for(path_name: str) -> str:
    """The default namespace of ``source_key`` ids: the file's stem."""
    return Path(path_name.rsplit("!", 1)[-1]).stem
