"""FTO candidate scope on real data, checked against the raw export files (issue 16).

- PatSnap (CN): the export's 简单法律状态 says what each right is in China: 有效 in force,
  审中 pending, 失效 free (undated: the export gives no date); outside China nothing.
- incoPat GM (CN/US/WO/EP/JP/KR/DE): families from the export's own 简单同族 column (a DOCDB
  simple family; the import does not map it, so the test writes it into ``family_id``), and
  each member's 专利有效性 — a column the import does not read (it reads 当前法律状态) —
  give the expected category per country, computed here with pandas.
- EPO OPS INPADOC legal events of EP1000000 (formats/api-responses): per contracting state,
  the lapses (PG25 …) and renewal fees paid (PGFP) read with lxml from the raw response give
  the expected category at several dates.
"""

from __future__ import annotations

import re
import warnings
from datetime import date

import pandas as pd
import pytest
from lxml import etree

from patnav.analyses.fto_scope import CATEGORIES, EPC_STATES, fto_scope
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore
from tests.patsnap import head_store

RANK = {c: i for i, c in enumerate(CATEGORIES)}


# -- PatSnap: CN statuses ------------------------------------------------------------------


@pytest.fixture(scope="module")
def patsnap(tmp_path_factory, data_dir):
    frame, path = head_store(data_dir, tmp_path_factory.mktemp("patsnap"), 1500)
    with PatentStore.open(path, read_only=True) as store:
        yield frame, store


def test_cn_statuses_of_the_patsnap_export_decide_the_cn_scope(patsnap):
    frame, store = patsnap
    ids = [
        d
        for (d,) in store.rows(
            "SELECT doc_id FROM patents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [frame["公开公告号"].tolist()],
        )
    ]
    assert len(ids) >= 1400
    result = fto_scope(store, ids, ["CN", "US"], date(2025, 6, 30))
    status = dict(zip(frame["公开公告号"], frame["简单法律状态"], strict=True))
    expected = {"有效": "in_force", "审中": "pending", "失效": "free"}
    seen = dict.fromkeys(expected.values(), 0)
    for row in result.rows:
        if row.country == "US":
            assert row.category == "not_in_country" and row.evidence is None
            continue
        want = expected.get(status[row.doc_id], "unknown")
        assert row.category == want, (row.doc_id, status[row.doc_id], row)
        seen[want] = seen.get(want, 0) + 1
        if want == "free":
            # the export says 失效 but not since when: the evidence says so
            assert row.evidence is not None and row.evidence.date is None
            assert row.evidence.field == "legal_status"
            assert row.evidence.detail and row.evidence.detail.endswith("_undated")
    assert all(n > 50 for n in seen.values()), seen
    counts = result.counts()
    assert counts["US"]["not_in_country"] == len(ids)
    assert sum(counts["CN"].values()) == len(ids)


def test_bad_countries_and_unknown_documents_are_refused(patsnap):
    _, store = patsnap
    (doc_id,) = store.rows("SELECT doc_id FROM patents LIMIT 1")[0]
    for bad in (["EP"], ["China"], []):
        with pytest.raises(InvalidParameterError):
            fto_scope(store, [doc_id], bad, date(2024, 1, 1))
    with pytest.raises(InvalidParameterError, match="not in the store"):
        fto_scope(store, [doc_id, "CN000000000X"], ["CN"], date(2024, 1, 1))


# -- incoPat GM: families across countries -------------------------------------------------

GM_FILE = "formats/cn-db-exports/incopat_GM_autodriving_10000.xlsx"
GM_ROWS = 2000
COUNTRY_ZH = {"CN": "中国", "US": "美国", "JP": "日本", "KR": "韩国", "DE": "德国"}
VALIDITY = {"有效": "in_force", "审中": "pending", "失效": "free"}


def _months_later(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(d.year + y, m + 1, day)
        except ValueError:
            continue
    raise AssertionError


@pytest.fixture(scope="module")
def gm(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = pd.read_excel(data_dir / GM_FILE, dtype=str)
    full["family"] = full["简单同族"].map(
        lambda v: min(p.strip() for p in str(v).split(";") if p.strip())
    )
    # the export has one row per simple family, except one family with rows in two offices
    # (EP4163797A1, CN115951980A): the first rows and every family with several rows
    offices = full.groupby("family")["公开国别"].transform("nunique")
    frame = full[(full.index < GM_ROWS) | (offices > 1)].reset_index(drop=True)
    folder = tmp_path_factory.mktemp("gm")
    frame.drop(columns=["family"]).to_csv(folder / "gm_head.csv", index=False)
    path = folder / "s.duckdb"
    frame["pub"] = frame["公开（公告）号"].str.strip()
    with PatentStore.open(path) as store:
        assert import_paths(store, [folder / "gm_head.csv"], raise_unexpected=True).ok
        # the export's simple family, which the import does not map, as family_id
        store.execute(
            "UPDATE patents SET family_id = f.family FROM (SELECT unnest(?::VARCHAR[]) "
            "AS doc_id, unnest(?::VARCHAR[]) AS family) f WHERE patents.doc_id = f.doc_id",
            [frame["pub"].tolist(), frame["family"].tolist()],
        )
        assert store.scalar("SELECT count(family_id) FROM patents") >= len(frame) * 0.95
    with PatentStore.open(path, read_only=True) as store:
        yield frame, store


def _family_index(frame: pd.DataFrame) -> dict[str, list[dict]]:
    cols = [
        "pub",
        "family",
        "公开国别",
        "专利有效性",
        "当前法律状态",
        "公开（公告）日",
        "申请日",
    ]
    index: dict[str, list[dict]] = {}
    for rec in frame[cols].to_dict("records"):
        rec["published"] = pd.to_datetime(rec["公开（公告）日"]).date()
        rec["filed"] = pd.to_datetime(rec["申请日"]).date()
        index.setdefault(rec["family"], []).append(rec)
    return index


def _expected_gm(members: list[dict], country: str, as_of: date) -> str:
    fam = [m for m in members if m["published"] <= as_of]
    found = []
    for m in fam:
        validity = m["专利有效性"] if isinstance(m["专利有效性"], str) else ""
        if m["公开国别"] == COUNTRY_ZH[country]:
            found.append(VALIDITY.get(validity, "unknown"))
        elif m["公开国别"] == "欧洲专利局" and country in EPC_STATES:
            # an EP right counts in a state only with evidence from it: this export has none
            found.append(
                {"有效": "unknown"}.get(validity, VALIDITY.get(validity, "unknown"))
            )
    if found:
        return min(found, key=RANK.__getitem__)
    for m in fam:
        if m["公开国别"] != "世界知识产权组织":
            continue
        if m["当前法律状态"] == "未进入国家阶段-PCT有效期满":
            continue
        if as_of <= _months_later(m["filed"], 30):
            return "pending"
    return "not_in_country"


def test_each_country_is_decided_as_the_export_says(gm):
    frame, store = gm
    as_of = pd.to_datetime(frame["公开（公告）日"]).max().date()
    ids = [
        d
        for (d,) in store.rows(
            "SELECT doc_id FROM patents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [frame["pub"].tolist()],
        )
    ]
    assert len(ids) >= len(frame) * 0.95
    result = fto_scope(store, ids, list(COUNTRY_ZH), as_of)
    index = _family_index(frame)
    family = dict(zip(frame["pub"], frame["family"], strict=True))
    tally: dict[str, int] = {}
    for row in result.rows:
        want = _expected_gm(index[family[row.doc_id]], row.country, as_of)
        assert row.category == want, (row.doc_id, row.country, want, row)
        tally[want] = tally.get(want, 0) + 1
        if row.category in ("in_force", "free"):
            assert row.evidence is not None and row.evidence.member
    assert {"in_force", "pending", "free", "not_in_country"} <= set(tally), tally


def test_a_family_member_in_another_office_decides_the_country(gm):
    frame, store = gm
    as_of = pd.to_datetime(frame["公开（公告）日"]).max().date()
    fam = frame[
        frame["family"] == frame.loc[frame["pub"] == "EP4163797A1", "family"].iloc[0]
    ]
    assert set(fam["pub"]) == {"EP4163797A1", "CN115951980A"}
    assert set(fam["专利有效性"]) == {"审中"}
    result = fto_scope(
        store, ["EP4163797A1", "CN115951980A"], ["CN", "DE", "US"], as_of
    )
    by = {(r.doc_id, r.country): r for r in result.rows}
    # the European application is pending in China through its Chinese sibling …
    cn = by["EP4163797A1", "CN"]
    assert (
        cn.category == "pending"
        and cn.evidence
        and cn.evidence.member == "CN115951980A"
    )
    # … and the Chinese one is to watch in Germany through the European application
    de = by["CN115951980A", "DE"]
    assert (
        de.category == "pending" and de.evidence and de.evidence.member == "EP4163797A1"
    )
    assert by["CN115951980A", "US"].category == "not_in_country"


def test_pct_window_agrees_with_the_export_on_its_own_date(gm):
    frame, store = gm
    as_of = pd.to_datetime(frame["公开（公告）日"]).max().date()
    open_now = frame[
        (frame["公开国别"] == "世界知识产权组织")
        & (frame["专利有效性"] == "PCT-有效期内")
    ]
    fams = set(open_now["family"])
    alone = [
        p
        for p in open_now["pub"]
        if not (
            (frame["family"] == frame.loc[frame["pub"] == p, "family"].iloc[0])
            & (frame["公开国别"] == "中国")
        ).any()
    ]
    assert fams and alone
    result = fto_scope(store, alone[:50], ["CN"], as_of)
    # the export says the international phase is still open: so is the CN window here
    assert all(r.category == "pending" for r in result.rows), [
        r for r in result.rows if r.category != "pending"
    ][:3]
    assert all(
        r.evidence and r.evidence.detail == "pct_window_open" for r in result.rows
    )


def test_a_date_before_publication_leaves_the_right_out(gm):
    _, store = gm
    doc_id, pub = store.rows(
        "SELECT doc_id, pub_date FROM patents WHERE pub_date IS NOT NULL "
        "AND office = 'CN' AND family_id IS NOT NULL ORDER BY pub_date DESC, doc_id LIMIT 1"
    )[0]
    before = fto_scope(store, [doc_id], ["CN"], date.fromordinal(pub.toordinal() - 1))
    assert before.rows[0].category == "not_in_country"
    on = fto_scope(store, [doc_id], ["CN"], pub)
    assert on.rows[0].category != "not_in_country"


# -- EPO INPADOC: one European patent, state by state --------------------------------------

OPS = "formats/api-responses/epo-ops/legal"


def _ops_events(path) -> list[tuple[str, str, str | None, date]]:
    """(code, desc, state, date) of every legal event in an OPS legal response."""
    root = etree.parse(
        str(path), etree.XMLParser(resolve_entities=False, no_network=True)
    )
    out = []
    for ev in root.iter("{*}legal"):
        fields = {etree.QName(c).localname: (c.text or "").strip() for c in ev.iter()}
        raw = fields.get("L525EP") or fields.get("L007EP")
        if not raw:
            continue
        digits = re.sub(r"\D", "", raw)
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        out.append((ev.get("code").strip(), ev.get("desc"), fields.get("L501EP"), day))
    return out


@pytest.fixture(scope="module")
def ops(tmp_path_factory, data_dir):
    from patnav.config import Settings
    from patnav.enrich.run import enrich
    from patnav.ingest.pipeline import import_paths

    files = sorted((data_dir / OPS).glob("example_*.xml"))
    path = tmp_path_factory.mktemp("ops") / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, files, raise_unexpected=True).ok
        enrich(store, Settings(), ["families", "legal"])
    events = [e for f in files for e in _ops_events(f) if "99203729" in f.read_text()]
    with PatentStore.open(path, read_only=True) as store:
        yield events, store


def _expected_state(events, state: str, grant: date, as_of: date) -> str:
    if as_of < grant:
        return "pending"
    mine = sorted(
        (d, desc)
        for code, desc, st, d in events
        if st == state and re.search(r"LAPSE|CEASED|FEE PAID", desc)
    )
    before = [x for x in mine if x[0] <= as_of]
    if before:
        return "in_force" if "FEE PAID" in before[-1][1] else "free"
    after = [x for x in mine if x[0] > as_of]
    if after and "FEE PAID" in after[0][1]:
        return "in_force"
    return "unknown"


def test_a_european_patent_counts_in_a_state_only_with_evidence_from_it(ops):
    events, store = ops
    grants = sorted(
        {d for code, _desc, st, d in events if code == "GRAA" and st is None}
    )
    assert len(grants) == 1
    grant = grants[0]
    states = sorted(EPC_STATES)
    tally: dict[str, int] = {}
    for as_of in (
        date(2002, 6, 1),
        date(2005, 1, 1),
        date(2010, 3, 1),
        date(2010, 6, 1),
        date(2010, 12, 31),
        date(2012, 1, 1),
    ):
        result = fto_scope(store, ["EP1000000A1"], states, as_of)
        for row in result.rows:
            want = _expected_state(events, row.country, grant, as_of)
            assert row.category == want, (as_of, row.country, want, row.evidence)
            tally[want] = tally.get(want, 0) + 1
            if want == "free":
                assert row.evidence and row.evidence.date and row.evidence.date <= as_of
                assert row.evidence.event and row.evidence.event.endswith(
                    f"@{row.country}"
                )
    assert {"pending", "in_force", "free", "unknown"} <= set(tally), tally
    # outside Europe this family has nothing
    assert (
        fto_scope(store, ["EP1000000A1"], ["CN"], date(2010, 1, 1)).rows[0].category
        == "not_in_country"
    )


def test_result_has_a_frame_and_plain_dict(ops):
    _, store = ops
    result = fto_scope(store, ["EP1000000A1"], ["GB", "DE"], date(2010, 6, 1))
    frame = result.to_frame()
    assert list(frame["country"]) == ["GB", "DE"]
    assert list(frame["category"]) == ["in_force", "free"]
    assert (
        frame.loc[0, "label"] == "有效"
        and frame.loc[1, "label"] == "已失效（可自由使用）"
    )
    d = result.to_dict()
    assert d["as_of"] in ("2010-06-01", date(2010, 6, 1))
    assert d["rows"][1]["evidence"]["event"] == "lapse@DE"


# -- fees: a right in force whose next fee falls due -----------------------------------------


@pytest.fixture(scope="module")
def gm_fees(tmp_path_factory, data_dir):
    """The incoPat GM head with legal status and maintenance enriched as of its own date."""
    from patnav.config import Settings
    from patnav.enrich.run import enrich
    from patnav.ingest.pipeline import import_paths

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / GM_FILE, dtype=str).head(GM_ROWS)
    folder = tmp_path_factory.mktemp("gm_fees")
    frame.to_csv(folder / "gm.csv", index=False)
    data_day = pd.to_datetime(frame["公开（公告）日"]).max().date()
    with PatentStore.open(folder / "s.duckdb") as store:
        assert import_paths(store, [folder / "gm.csv"], raise_unexpected=True).ok
        enrich(store, Settings(), ["legal", "maintenance"], today=data_day)
    with PatentStore.open(folder / "s.duckdb", read_only=True) as store:
        yield frame, store, data_day


def test_a_us_fee_falling_due_flags_the_right_in_grace_then_unconfirmed(gm_fees):
    frame, store, data_day = gm_fees
    granted = frame[
        (frame["公开国别"] == "美国")
        & (frame["专利有效性"] == "有效")
        & frame["公开（公告）号"].str.match(r"US\d+B\d$")
    ]
    grant_day = {
        p: pd.to_datetime(d).date()
        for p, d in zip(
            granted["公开（公告）号"], granted["公开（公告）日"], strict=True
        )
    }
    rows = store.query(
        "SELECT doc_id, next_due, grace_end FROM maintenance WHERE office = 'US' "
        "AND next_due IS NOT NULL AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(grant_day)],
    ).to_pylist()
    assert len(rows) >= 20
    for row in rows:
        doc, due, grace_end = row["doc_id"], row["next_due"], row["grace_end"]
        # the US fee stages: 3.5, 7.5 and 11.5 years from grant, six months of grace
        stages = {_months_later(grant_day[doc], m) for m in (42, 90, 138)}
        assert due in stages, (doc, due, grant_day[doc])
        assert grace_end == _months_later(due, 6)
        on_data_day = fto_scope(store, [doc], ["US"], data_day).rows[0]
        assert on_data_day.category == "in_force"
        want = "in_grace" if due < data_day <= grace_end else "in_force"
        assert on_data_day.evidence and on_data_day.evidence.detail == want
        after_due = fto_scope(store, [doc], ["US"], due + pd.Timedelta(days=1)).rows[0]
        assert after_due.category == "in_force", doc
        assert after_due.evidence and after_due.evidence.detail == "in_grace"
        assert after_due.evidence.date == due
        late = fto_scope(store, [doc], ["US"], grace_end + pd.Timedelta(days=1)).rows[0]
        assert late.category == "in_force"
        assert late.evidence and late.evidence.detail == "fee_due_unconfirmed"
