"""Legal events and status from the office APIs (issue 14): EPO OPS INPADOC legal events,
USPTO Open Data Portal applications, USPTO assignment XML — imported through the
pipeline, compared with counts taken from the raw files with lxml/json (not the
readers), merged onto stored documents, bad input quarantined."""

from __future__ import annotations

import csv
import json
import re
import warnings
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from patnav.config import Settings
from patnav.enrich import enrich
from patnav.ingest.pipeline import import_paths
from patnav.schema.records import Event, EventType, PatentRecord, Role
from tests.enrich.records import write

API = Path("formats/api-responses")
OPS = {"ops": "http://ops.epo.org", "e": "http://www.epo.org/exchange"}
TODAY = date(2026, 1, 1)


@pytest.fixture
def settings(data_dir):
    return Settings(data_dir=data_dir)


CODES = Path(__file__).parents[2] / "src/patnav/ingest/data/inpadoc_codes.tsv"


def _table() -> dict[tuple[str, str], dict[str, str]]:
    lines = CODES.read_text("utf-8").splitlines()[1:]
    return {
        (r["authority"], r["code"]): r for r in csv.DictReader(lines, delimiter="\t")
    }


def _ymd(text: str | None) -> date | None:
    m = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", text or "")
    return date(int(m[1]), int(m[2]), int(m[3])) if m else None


def _inpadoc_raw(path: Path) -> dict[str, list[dict[str, object]]]:
    """Each family member's events as the XML gives them, keyed by DOCDB publication."""
    tree = etree.parse(str(path))
    out: dict[str, list[dict[str, object]]] = {}
    for member in tree.iterfind(".//ops:family-member", OPS):
        doc = member.find(
            "e:publication-reference/e:document-id[@document-id-type='docdb']", OPS
        )
        key = "".join(
            doc.findtext(f"e:{t}", namespaces=OPS)
            for t in ("country", "doc-number", "kind")
        )
        events = []
        for legal in member.iterfind("ops:legal", OPS):
            fields = {
                etree.QName(el).localname: " ".join((el.text or "").split())
                for el in legal.iter()
                if el.text and el.text.strip()
            }
            events.append(
                {
                    "code": legal.get("code").strip(),
                    "authority": fields.get("L001EP"),
                    "date": _ymd(fields.get("L525EP")) or _ymd(fields.get("L007EP")),
                    "state": fields.get("L501EP"),
                    "text": fields.get("L510EP", ""),
                }
            )
        out[key] = events
    return out


def _expected_type(event: dict[str, object], table) -> str:
    kind = table[(event["authority"], event["code"])]["type"]
    if (event["authority"], event["code"]) == ("US", "AS"):
        text = str(event["text"])
        if text.startswith("SECURITY INTEREST"):
            return "pledge"
        if text.startswith("CHANGE OF NAME"):
            return "other"
        assert text.startswith("ASSIGNMENT OF ASSIGNOR"), text
    return kind


def _events(store, doc: str) -> list[tuple]:
    return store.rows(
        "SELECT code, type, date, source, details, parties, description FROM events "
        "WHERE doc_id = ? ORDER BY seq",
        [doc],
    )


def test_the_code_table_is_the_epo_table(data_dir):
    """Every code of the EPO's spreadsheet is in the table with its description and
    class; the status effect follows the type."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_excel(
            data_dir / API / "epo-ops/legal/legal_code_descriptions_202417.xlsx",
            dtype=str,
        )
    table = _table()
    seen = set()
    for row in frame.itertuples(index=False):
        key = (str(row[0]).strip(), str(row[1]).strip())
        seen.add(key)
        entry = table[key]
        assert entry["description"] == " ".join(str(row[4]).split())
        assert entry["class"] == ("" if pd.isna(row[8]) else str(row[8]).strip())
    assert set(table) == seen
    effects = {
        "grant": "active",
        "restoration": "active",
        "lapse": "lapsed",
        "expiry": "expired",
        "withdrawal": "withdrawn",
        "rejection": "rejected",
        "invalidation": "invalidated",
    }
    for entry in table.values():
        assert EventType(entry["type"])
        assert entry["status"] == effects.get(entry["type"], "")
    # the classes the EPO gives decide the type
    assert table[("EP", "GRAA")]["type"] == "grant"
    assert table[("EP", "PG25")]["type"] == "lapse"
    assert table[("EP", "PGFP")]["type"] == "annuity"
    assert table[("US", "FP")]["type"] == "lapse"
    assert table[("EP", "17P")]["type"] == "examination"


def test_inpadoc_events_import_with_date_code_type_and_state(store, settings, data_dir):
    files = [data_dir / API / f"epo-ops/legal/example_{n}.xml" for n in (2, 3)]
    report = import_paths(store, files)
    assert report.totals["quarantined"] == 0
    table = _table()
    for path in files:
        for doc, raw in _inpadoc_raw(path).items():
            stored = _events(store, doc)
            assert len(stored) == len(raw) > 0
            assert Counter((c, d) for c, _, d, *_ in stored) == Counter(
                (e["code"], e["date"]) for e in raw
            )
            assert Counter(t for _, t, *_ in stored) == Counter(
                _expected_type(e, table) for e in raw
            )
            assert {r[3] for r in stored} == {"EPO INPADOC"}
            # the state: L501EP, or the GB:/BE: prefix of a national code
            expected_states = Counter()
            for e in raw:
                prefix = re.match(
                    r"([A-Z]{2}): ", table[(e["authority"], e["code"])]["description"]
                )
                state = e["state"] or (
                    prefix[1] if prefix and e["authority"] == "EP" else None
                )
                expected_states[state] += 1
            assert (
                Counter(json.loads(r[4]).get("state") for r in stored)
                == expected_states
            )
    enrich(store, settings, ["legal"], today=TODAY)
    # a European patent lapsed state by state is not lapsed as a whole: its last
    # status-deciding event is the grant (2002), older than the end of its estimated term
    # (filed 1999): no status is known today, and none is made up
    us = _inpadoc_raw(files[1])["US10465445B2"]
    patented = next(e["date"] for e in us if e["code"] == "STCF")
    rows = dict(
        (r[0], r[1:])
        for r in store.rows(
            "SELECT doc_id, legal_status, status_detail, status_source, status_as_of "
            "FROM patents"
        )
    )
    assert rows["EP1000000A1"] == (None, None, "term", None)
    assert (
        store.scalar(
            "SELECT count(*) FROM events WHERE doc_id = 'EP1000000A1' AND type = 'lapse' "
            "AND json_extract_string(details, '$.state') IS NULL"
        )
        == 0
    )
    assert rows["US10465445B2"] == ("active", "in_force", "events", patented)


def test_a_later_response_replaces_the_same_sources_events(store, data_dir):
    legal = data_dir / API / "epo-ops/legal"
    import_paths(store, [legal / "example_1.xml"])
    import_paths(store, [legal / "example_2.xml"])
    assert len(_events(store, "EP1000000A1")) == len(
        _inpadoc_raw(legal / "example_2.xml")["EP1000000A1"]
    )


def _earliest(app: dict) -> str:
    """US 2017-0071586 A1 → US20170071586A1."""
    m = re.fullmatch(r"US (\d{4})-(\d{7}) (A\d)", app["earliestPublicationNumber"])
    return f"US{m[1]}{m[2]}{m[3]}"


def _odp(data_dir) -> dict:
    return json.loads(
        (data_dir / API / "uspto-odp/application.json").read_text("utf-8")
    )["patentBag"][0]


def test_odp_application_gives_status_with_its_date_transactions_and_assignments(
    store, settings, data_dir
):
    app = _odp(data_dir)
    import_paths(store, [data_dir / API / "uspto-odp/application.json"])
    doc = _earliest(app)
    stored = _events(store, doc)
    transactions = app["transactionContentBag"]
    assignments = app["assignmentBag"]
    assert len(stored) == len(transactions) + len(assignments)
    assert Counter((c, d) for c, _, d, *_ in stored) == Counter(
        [
            (t["caseActionCode"], date.fromisoformat(t["recordedDate"]))
            for t in transactions
        ]
        + [
            ("assignment", date.fromisoformat(a["assignmentRecordedDate"]))
            for a in assignments
        ]
    )
    types = Counter(t for _, t, *_ in stored)
    abandonments = sum(
        bool(re.fullmatch(r"ABN\d", t["caseActionCode"])) for t in transactions
    )
    assert types["withdrawal"] == abandonments == 1
    assert types["transfer"] == sum(
        a["conveyanceText"].startswith("ASSIGNMENT OF ASSIGNOR") for a in assignments
    )
    transfer = next(r for r in stored if r[1] == "transfer")
    assert transfer[5] == "; ".join(
        b["assigneeNameText"].strip() for b in assignments[0]["assigneeBag"]
    )
    assert json.loads(transfer[4])["assignors"] == [
        b["assignorName"].strip() for b in assignments[0]["assignorBag"]
    ]
    enrich(store, settings, ["legal"], today=TODAY)
    # the abandonment transaction decides (its date is the source's status date, and
    # the status text agrees): withdrawn, abandoned
    assert store.rows(
        "SELECT legal_status, status_detail, status_source, status_as_of, legal_status_raw "
        "FROM patents WHERE doc_id = ?",
        [doc],
    ) == [
        (
            "withdrawn",
            "abandoned",
            "events",
            date.fromisoformat(app["applicationStatusDate"]),
            " ".join(app["applicationStatusDescriptionText"].split()),
        )
    ]


def test_odp_events_join_the_documents_own_events(store, data_dir):
    """The document is in the store from another source with its own event and title:
    the ODP import adds its events and fills what was missing, keeping the rest."""
    app = _odp(data_dir)
    doc = _earliest(app)
    own = Event(
        EventType.OTHER, date(2017, 3, 16), code="PG-PUB", description="published"
    )
    write(
        store,
        [
            PatentRecord(
                pub_number=doc,
                pub_number_raw=doc,
                office="US",
                kind="A1",
                title="Tongue retractors",
                events=(own,),
            )
        ],
    )
    import_paths(store, [data_dir / API / "uspto-odp/application.json"])
    stored = _events(store, doc)
    assert len(stored) == 1 + len(app["transactionContentBag"]) + len(
        app["assignmentBag"]
    )
    assert stored[0][:4] == ("PG-PUB", "other", date(2017, 3, 16), None)
    seqs = [r[0] for r in store.rows("SELECT seq FROM events WHERE doc_id = ?", [doc])]
    assert len(seqs) == len(set(seqs))
    title, app_number = store.rows(
        "SELECT title, app_number FROM patents WHERE doc_id = ?", [doc]
    )[0]
    assert title == app["inventionTitle"]  # the later import has a title too: it wins
    assert app_number == "US" + app["applicationNumberText"]
    assert store.count("patents") == 1


def test_an_event_the_source_does_not_date_stays_undated(tmp_path, store, data_dir):
    doc = json.loads((data_dir / API / "uspto-odp/application.json").read_text("utf-8"))
    del doc["patentBag"][0]["transactionContentBag"][0]["recordedDate"]
    path = tmp_path / "application.json"
    path.write_text(json.dumps(doc), "utf-8")
    import_paths(store, [path])
    code = doc["patentBag"][0]["transactionContentBag"][0]["caseActionCode"]
    first = store.rows("SELECT code, date FROM events ORDER BY doc_id, seq LIMIT 1")[0]
    assert first == (code, None)


def test_responses_that_do_not_name_their_application_are_quarantined(store, data_dir):
    report = import_paths(
        store,
        [
            data_dir / API / "uspto-odp/transactions.json",
            data_dir / API / "uspto-odp/assignment.json",
        ],
    )
    assert report.totals["quarantined"] == 2 and report.totals["new"] == 0
    reasons = [r[0] for r in store.rows("SELECT reason FROM quarantine")]
    assert all("applicationNumberText" in r for r in reasons)


def _assignments_raw(
    path: Path,
) -> list[tuple[str, list[tuple[str | None, str | None, str | None]]]]:
    tree = etree.parse(str(path))
    out = []
    for doc in tree.iterfind(".//result/doc"):
        conveyance = doc.findtext("str[@name='conveyanceText']")
        lists = [
            [
                None if (el.text or "").strip() in ("", "NULL") else el.text.strip()
                for el in doc.iterfind(f"arr[@name='{name}']/*")
            ]
            for name in ("patNum", "publNum", "applNum")
        ]
        out.append((conveyance, list(zip(*lists, strict=True))))
    return out


def _conveyance_type(text: str) -> str:
    if text.startswith("SECURITY INTEREST"):
        return "pledge"
    if text.startswith("TERMINATION AND RELEASE"):
        return "pledge_release"
    assert text.startswith(("ASSIGNMENT OF ASSIGNOR", "NUNC PRO TUNC ASSIGNMENT")), text
    return "transfer"


def test_assignments_become_events_of_each_property(store, data_dir):
    files = sorted((data_dir / API / "uspto-assignment").glob("*.xml"))
    report = import_paths(store, files)
    assert report.totals["quarantined"] == 0
    expected: Counter[str] = Counter()
    properties = set()
    for path in files:
        for conveyance, props in _assignments_raw(path):
            expected[_conveyance_type(conveyance)] += len(props)
            properties |= set(props)
    got = Counter(
        dict(
            store.rows(
                "SELECT type, count(*) FROM events WHERE source = 'USPTO assignment' GROUP BY 1"
            )
        )
    )
    assert got == expected and expected["pledge"] and expected["transfer"]
    assert store.count("patents") == len(properties)
    # the parties are the assignees, the assignors in details
    one = store.rows(
        "SELECT parties, details, description FROM events WHERE type = 'transfer' "
        "AND source = 'USPTO assignment' ORDER BY doc_id LIMIT 1"
    )[0]
    assert one[0] and json.loads(one[1])["assignors"]


def test_truncated_and_hostile_responses_are_quarantined(tmp_path, store, data_dir):
    legal = (data_dir / API / "epo-ops/legal/example_3.xml").read_bytes()
    truncated = tmp_path / "cut.xml"
    truncated.write_bytes(legal[: len(legal) // 2])
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", "utf-8")
    xxe = tmp_path / "xxe.xml"
    xxe.write_bytes(
        legal.replace(
            b"<ops:world-patent-data",
            f'<!DOCTYPE ops:world-patent-data [<!ENTITY x SYSTEM "file://{secret}">]>'
            "<ops:world-patent-data".encode(),
            1,
        ).replace(b"PATENTED CASE", b"&x;")
    )
    assignment = (data_dir / API / "uspto-assignment/assignment_2.xml").read_bytes()
    xxe2 = tmp_path / "xxe2.xml"
    xxe2.write_bytes(
        assignment.replace(
            b"<response>",
            f'<!DOCTYPE response [<!ENTITY x SYSTEM "file://{secret}">]><response>'.encode(),
            1,
        ).replace(b"INVERTER", b"&x;")
    )
    odp = (data_dir / API / "uspto-odp/application.json").read_bytes()
    cut_json = tmp_path / "cut.json"
    cut_json.write_bytes(odp[: len(odp) // 3])
    report = import_paths(store, [truncated, xxe, xxe2, cut_json])
    assert [f.format for f in report.files] == [
        "epo-ops-legal",
        "epo-ops-legal",
        "uspto-assignment",
        "uspto-odp",
    ]
    assert report.totals["quarantined"] == 4 and report.totals["new"] == 0
    reasons = dict(store.rows("SELECT file, reason FROM quarantine"))
    assert "truncated" in reasons[str(truncated)]
    assert "refused" in reasons[str(xxe)] and "entit" in reasons[str(xxe)]
    assert "refused" in reasons[str(xxe2)]
    assert "not valid JSON" in reasons[str(cut_json)]
    assert "TOP-SECRET" not in json.dumps(
        store.rows("SELECT * FROM events"), default=str
    )
    assert store.count("patents") == 0


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("epo-ops/legal/example_1.xml", "epo-ops-legal"),
        ("uspto-odp/application.json", "uspto-odp"),
        ("uspto-assignment/assignment_3.xml", "uspto-assignment"),
    ],
)
def test_the_format_is_detected(store, data_dir, path, fmt):
    report = import_paths(store, [data_dir / API / path])
    assert report.files[0].format == fmt


def test_roles_of_odp_parties(store, data_dir):
    app = _odp(data_dir)
    import_paths(store, [data_dir / API / "uspto-odp/application.json"])
    roles = Counter(r[0] for r in store.rows("SELECT role FROM parties"))
    assert roles[Role.APPLICANT.value] == len(app["applicantBag"])
    assert roles[Role.INVENTOR.value] == len(app["inventorBag"])
