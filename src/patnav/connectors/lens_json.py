"""Lens.org patent API answers (``POST /patent/search``): JSON with a ``data`` list of
patent records, as Lens documents them (docs.api.lens.org, "Patent Response").

This reader is used by ``patnav fetch lens`` only and is **not registered** for
``patnav import``: no real Lens API answer is recorded in the data folder to hold it to
the reader conformance suite (only Lens CSV exports are, read by the ``csv`` reader).
It was built against Lens's published response shape and tested with an answer written
by hand in that shape (``tests/connectors/test_lens.py``); register it in
``patnav.ingest.READERS`` once a real answer is recorded.

One record per ``data`` item that has ``jurisdiction`` and ``doc_number``:

* publication ``jurisdiction`` + ``doc_number`` + ``kind``, dated ``date_published``;
* ``biblio.application_reference`` (number, date), ``biblio.priority_claims`` (claims,
  earliest date);
* title and abstract: the English text when there is one, else the first, with its
  ``lang``;
* applicants and inventors (``biblio.parties``) by ``extracted_name.value``, with
  their ``residence`` as country;
* IPC (``biblio.classifications_ipcr``) and CPC (``biblio.classifications_cpc``);
* ``biblio.cited_by.patent_count`` as the forward-citation count;
* ``legal_status.patent_status`` (``ACTIVE``, ``PENDING``, ``EXPIRED`` …) as the
  source's status text, ``legal_status.grant_date`` as the grant date;
* the ``lens_id`` as the source key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from patnav.errors import InputError
from patnav.ingest.base import Item, Notice, Read, ReadOptions, Rejected, Source
from patnav.ingest.xml.patent import app_number, ipc, ipc_main, mark_main, priority
from patnav.ingest.xml.reading import read_json_list
from patnav.schema.numbers import normalize_pub_number, patent_type_of
from patnav.schema.records import Classification, Party, PatentRecord, Role

FORMAT = "lens-api"
LABEL = "Lens.org patent API JSON"


def sniff(source: Source) -> bool:
    """A JSON object whose head names a ``lens_id`` in a ``data`` list."""
    head = source.head().decode("utf-8-sig", errors="ignore").lstrip()
    return head.startswith("{") and '"data"' in head and '"lens_id"' in head


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per item of the answer's ``data`` list."""
    items = read_json_list(
        source,
        options,
        "data",
        what="a Lens.org patent API answer",
        again="fetch it again",
    )
    if isinstance(items, Rejected):
        yield items
        return
    for n, item in enumerate(items, 1):
        position = f"data[{n}]"
        record = _record(item) if isinstance(item, dict) else None
        if record is None:
            yield Rejected(
                position,
                "the item has no jurisdiction and doc_number that make a publication "
                "number",
                json.dumps(item, ensure_ascii=False)[:65536],
            )
            continue
        yield Read(record, position)
    yield Notice(f"read as {LABEL}: {len(items):,} documents")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _day(value: Any) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _localized(values: Any) -> tuple[str | None, str | None]:
    """The English text of a ``[{text, lang}]`` list when there is one, else the first."""
    texts = [v for v in _list(values) if isinstance(v, dict) and _text(v.get("text"))]
    if not texts:
        return None, None
    chosen = next((v for v in texts if v.get("lang") == "en"), texts[0])
    return _text(chosen.get("text")), _text(chosen.get("lang"))


def _parties(items: Any, role: Role) -> list[Party]:
    out = []
    for item in _list(items):
        name = _text(_dict(_dict(item).get("extracted_name")).get("value"))
        if name:
            country = _text(_dict(item).get("residence"))
            out.append(Party(role, name, raw_name=name, country=country))
    return out


def _classes(block: Any, scheme: str) -> list[Classification]:
    out = []
    for item in _list(_dict(block).get("classifications")):
        found = ipc(_text(_dict(item).get("symbol")), scheme=scheme)
        if found is not None:
            out.append(found)
    return out


def _record(item: dict[str, Any]) -> PatentRecord | None:
    office = (_text(item.get("jurisdiction")) or "").upper() or None
    number = _text(item.get("doc_number"))
    kind = _text(item.get("kind"))
    if not office or not number:
        return None
    raw = f"{office}{number}{kind or ''}"
    try:
        pub = normalize_pub_number(raw)
    except InputError:
        return None
    biblio = _dict(item.get("biblio"))
    app_ref = _dict(biblio.get("application_reference"))
    app = app_number(
        _text(app_ref.get("jurisdiction")) or office, _text(app_ref.get("doc_number"))
    )
    claims = _dict(biblio.get("priority_claims"))
    priorities = [
        p
        for c in _list(claims.get("claims"))
        if (
            p := priority(
                _text(_dict(c).get("jurisdiction")),
                _text(_dict(c).get("doc_number")),
                _day(_dict(c).get("date")),
            )
        )
        is not None
    ]
    title, lang = _localized(biblio.get("invention_title"))
    abstract, abstract_lang = _localized(item.get("abstract"))
    parties = _dict(biblio.get("parties"))
    classes = mark_main(
        _classes(biblio.get("classifications_ipcr"), "IPC")
        + _classes(biblio.get("classifications_cpc"), "CPC")
    )
    status = _dict(item.get("legal_status"))
    cited = _dict(biblio.get("cited_by")).get("patent_count")
    return PatentRecord(
        pub_number=pub,
        pub_number_raw=" ".join(p for p in (office, number, kind) if p),
        kind=kind,
        office=office,
        app_number=app,
        app_number_raw=_text(app_ref.get("doc_number")),
        app_date=_day(app_ref.get("date")),
        pub_date=_day(item.get("date_published")),
        grant_date=_day(status.get("grant_date")),
        priority_date=_day(_dict(claims.get("earliest_claim")).get("date")),
        patent_type=patent_type_of(office, kind, app, pub),
        title=title,
        abstract=abstract,
        lang=lang or abstract_lang,
        ipc_main=ipc_main(classes),
        legal_status_raw=_text(status.get("patent_status")),
        cited_by_count=cited if isinstance(cited, int) else None,
        source_key=_text(item.get("lens_id")),
        parties=(
            *_parties(parties.get("applicants"), Role.APPLICANT),
            *_parties(parties.get("inventors"), Role.INVENTOR),
        ),
        classifications=tuple(classes),
        priorities=tuple(priorities),
    )
