"""Country barrier view (专利壁垒预警) on real data, figures checked against the raw exports.

- incoPat Toyota (CN, 5,048 rows): the export's 专利有效性 (有效 / 审中 / 失效) is the status
  source; in force at the date unless the statutory term computed here from 申请日 and
  专利类型 has ended (then unknown: an estimate is no evidence). Rights are applications
  (申请号: the A and B publications of one application are one right). Owners are the
  export's 申请人 (split on ';'); the expiry years are those of the term. All computed with
  pandas over the xlsx, not from the store.
"""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from patnav.analyses.barrier import country_barrier
from patnav.errors import InputError, InvalidParameterError
from patnav.storage.store import PatentStore
from tests.analyses.test_fto_scope import gm  # noqa: F401  (fixture)

TOYOTA = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"
DATA_DAY = date(2023, 3, 17)  # the export's last publication day
AS_OF = date(
    2026, 12, 31
)  # a later day: rights whose estimated term ends before are unknown
IPC = "B60W"
RANK = {"in_force": 0, "pending": 1, "unknown": 2, "free": 3}
SET_NAME = "丰田车辆控制"
TERM_YEARS = {"发明授权": 20, "发明申请": 20, "实用新型": 10}


@pytest.fixture(scope="module")
def toyota_path(tmp_path_factory, data_dir):
    """The export imported, its terms estimated at the export's day."""
    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.ingest.pipeline import import_paths
    from patnav.search.sets import save_set

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / TOYOTA, dtype=str)
    path = tmp_path_factory.mktemp("barrier") / "toyota.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / TOYOTA], raise_unexpected=True).ok
        # the term estimate (expiry_date, expiry_estimated) the view reads
        enrich(store, Settings(data_dir=data_dir), ["legal"], today=DATA_DAY)
        save_set(store, SET_NAME, f"IPC={IPC}")
    return frame, path


@pytest.fixture(scope="module")
def toyota(toyota_path):
    frame, path = toyota_path
    with PatentStore.open(path, read_only=True) as store:
        yield frame, store


def _term_end(row: pd.Series) -> pd.Timestamp | None:
    filed = pd.Timestamp(row["申请日"])
    kind = row["专利类型"]
    if kind == "外观设计":
        years = 15 if filed >= pd.Timestamp("2021-06-01") else 10
    else:
        years = TERM_YEARS[kind]
    # a CN term ends the day before the anniversary (专利法 art. 42)
    return filed + pd.DateOffset(years=years) - pd.Timedelta(days=1)


def _expected(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per application in the area (IPC B60W, published in China by the date)
    with its category, term end and applicants, from the export alone."""
    rows = frame[frame["公开国别"] == "中国"].copy()
    rows = rows[pd.to_datetime(rows["公开（公告）日"]) <= pd.Timestamp(AS_OF)]
    codes = rows["IPC"].fillna("") + ";" + rows["IPC主分类"].fillna("")
    rows = rows[
        codes.map(lambda v: any(c.strip().startswith(IPC) for c in v.split(";")))
    ].copy()
    rows["term_end"] = rows.apply(_term_end, axis=1)

    def category(row: pd.Series) -> str:
        status = row["专利有效性"]
        if status == "有效":
            ended = row["term_end"] <= pd.Timestamp(AS_OF)
            return "unknown" if ended else "in_force"
        return {"审中": "pending", "失效": "free"}.get(status, "unknown")

    rows["category"] = rows.apply(category, axis=1)
    rows["rank"] = rows["category"].map(RANK)
    best = rows.sort_values(["申请号", "rank"]).groupby("申请号").head(1)
    return best.reset_index(drop=True)


def test_cn_barrier_counts_owners_and_expiry_years_match_the_export(toyota):
    frame, store = toyota
    view = country_barrier(store, ["CN"], AS_OF, ipc=[IPC], top=1000)
    cn = view.country("CN")
    expected = _expected(frame)
    counts = Counter(expected["category"])
    # the area's documents, and every one is placed in China or said not to be there
    in_area = frame[
        (frame["IPC"].fillna("") + ";" + frame["IPC主分类"].fillna("")).map(
            lambda v: any(c.strip().startswith(IPC) for c in v.split(";"))
        )
    ]
    assert view.documents == len(in_area)
    assert cn.not_in_country == int((in_area["公开国别"] != "中国").sum())
    assert (cn.in_force, cn.pending, cn.unknown, cn.free) == (
        counts["in_force"],
        counts["pending"],
        counts["unknown"],
        counts["free"],
    )
    assert counts["in_force"] > 250 and counts["pending"] > 300 and counts["free"] > 50
    # 有效 in the export, but its estimated term has ended by the date: unknown
    assert counts["unknown"] > 5

    # by owner: in-force and pending applications per applicant (co-applicants each)
    alive = expected[expected["category"] == "in_force"]
    owners: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    for _, row in expected.iterrows():
        names = {n.strip() for n in str(row["申请人"]).split(";") if n.strip()}
        for n in names:
            if row["category"] == "in_force":
                owners[n] += 1
            elif row["category"] == "pending":
                pending[n] += 1
    got = {o.owner: o for o in cn.owners}
    for name, n in owners.most_common(10):
        assert got[name].in_force == n, name
        assert got[name].pending == pending[name], name
        assert got[name].share == pytest.approx(n / len(alive))
    first = owners.most_common(1)[0][0]
    ends = alive[
        alive["申请人"].map(lambda v: first in [n.strip() for n in str(v).split(";")])
    ]["term_end"]
    assert got[first].earliest_expiry == ends.min().date()
    assert got[first].latest_expiry == ends.max().date()
    assert got[first].expiry_estimated

    # the expiry timeline: every in-force right's term is an estimate, none is known
    years = Counter(alive["term_end"].map(lambda d: d.year))
    assert {e.year: e.estimated for e in cn.expiry} == dict(years)
    assert all(e.known == 0 for e in cn.expiry)
    assert cn.expiry_unknown == 0

    # families: no family data in a single-office export, each application its own
    assert cn.families == len(alive)
    assert cn.family_countries == ((1, len(alive)),)

    # unknown is listed apart, never as in force or free
    unknown = {r.app_number for r in cn.of("unknown")}
    want_unknown = {
        "CN" + a.split(".")[0].removeprefix("CN")
        for a in expected.loc[expected["category"] == "unknown", "申请号"]
    }
    assert unknown == want_unknown
    assert all(r.detail == "term_ended_estimated" for r in cn.of("unknown"))


def test_the_view_names_its_scope_and_refuses_a_missing_area(toyota):
    _, store = toyota
    view = country_barrier(store, ["cn", "US"], AS_OF, ipc=[IPC], top=3)
    data = view.to_dict()
    assert data["expert_query"] == f"IPC=({IPC})" and data["as_of"] == AS_OF.isoformat()
    assert [c["country"] for c in data["countries"]] == ["CN", "US"]
    us = view.country("US")
    # nothing of a CN-only export is in the US: no right there, all said so
    assert us.in_force == us.pending == us.unknown == 0
    assert us.not_in_country == view.documents
    assert len(view.country("CN").owners) == 3
    frame = view.to_frame()
    assert set(frame["country"]) == {"CN"}
    # a saved set is the same area; with a query or classes, their intersection
    by_set = country_barrier(store, ["CN"], AS_OF, patent_set=SET_NAME, top=3)
    same = by_set.country("CN")
    cn = view.country("CN")
    assert (same.in_force, same.pending, same.unknown, same.free) == (
        cn.in_force,
        cn.pending,
        cn.unknown,
        cn.free,
    )
    assert by_set.documents == view.documents and SET_NAME in by_set.scope_label
    narrow = country_barrier(
        store, ["CN"], AS_OF, patent_set=SET_NAME, ipc=[f"{IPC}10"], top=3
    )
    alone = country_barrier(store, ["CN"], AS_OF, ipc=[f"{IPC}10"], top=3)
    assert narrow.documents == alone.documents < view.documents
    with pytest.raises(InputError, match="No patent set"):
        country_barrier(store, ["CN"], AS_OF, patent_set="没有这个专利集")
    with pytest.raises(InvalidParameterError, match="限定技术领域"):
        country_barrier(store, ["CN"], AS_OF)
    with pytest.raises(InvalidParameterError):
        country_barrier(store, ["China"], AS_OF, ipc=[IPC])
    with pytest.raises(InvalidParameterError):
        country_barrier(store, ["CN"], AS_OF, ipc=[IPC], top=0)


# -- claim breadth: the CNIPA export's 主权项 ----------------------------------------------

CNIPA = "formats/cn-excel/cnipa_export_199.xlsx"


@pytest.fixture(scope="module")
def cnipa(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / CNIPA, dtype=str)
    path = tmp_path_factory.mktemp("barrier-cnipa") / "cnipa.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / CNIPA], raise_unexpected=True).ok
    with PatentStore.open(path, read_only=True) as store:
        yield frame, store


def test_claim_breadth_ranks_the_exports_first_claims_by_elements_then_length(cnipa):
    from patnav.analyses.barrier import claim_breadth
    from patnav.text import split_claim

    frame, store = cnipa
    raw = {
        str(p).strip(): str(c).strip()
        for p, c in zip(frame["公开（公告）号"], frame["主权项"], strict=True)
        if isinstance(c, str) and c.strip()
    }
    top, known = claim_breadth(store, list(raw), top=12)
    assert known == len(raw) > 150
    # the same ranking from the export's 主权项 alone
    expected = sorted(
        raw,
        key=lambda p: (len(split_claim(raw[p], "zh").elements), len(raw[p]), p),
    )[:12]
    assert [c.doc_id for c in top] == expected
    for c in top:
        assert c.text == raw[c.doc_id] and c.characters == len(raw[c.doc_id])
        assert c.claim_num == 1
    assert top[0].elements <= top[-1].elements


def test_a_document_without_status_is_unknown_in_its_country_never_free(cnipa):
    frame, store = cnipa
    view = country_barrier(store, ["CN"], date(2024, 1, 1), ipc=["E01D"])
    cn = view.country("CN")
    in_area = frame[
        frame["分类号"]
        .fillna("")
        .map(lambda v: any(c.strip().startswith("E01D") for c in v.split(";")))
    ]
    # the CNIPA export carries no legal status: every application there is unknown
    assert view.documents == len(in_area) > 20
    assert cn.unknown == in_area["申请号"].nunique()
    assert cn.in_force == cn.pending == cn.free == 0
    assert {r.detail for r in cn.of("unknown")} == {"no_status"}
    assert cn.expiry == () and cn.strongest == () and cn.families == 0
    # the owners of the unknown rights are counted as such, with no in-force share
    applicants = Counter(
        n.strip()
        for v in in_area.drop_duplicates("申请号")["申请（专利权）人"]
        for n in str(v).split(";")
        if n.strip()
    )
    got = {o.owner: o for o in cn.owners}
    for name, n in applicants.most_common(3):
        assert got[name].unknown == n and got[name].in_force == 0
        assert got[name].share is None


# -- incoPat GM: the US barrier, with PCT applications still able to enter --------------

US_AS_OF = date(2023, 6, 30)
SECTIONS = ["A", "B", "C", "D", "E", "F", "G", "H"]


def test_us_barrier_of_the_gm_export_counts_families_and_pct_applications_to_watch(
    gm,  # noqa: F811
):
    frame, store = gm
    view = country_barrier(store, ["US"], US_AS_OF, ipc=SECTIONS, top=1000)
    us = view.country("US")
    rows = frame[frame["IPC主分类"].notna()].copy()
    rows["day"] = pd.to_datetime(rows["公开（公告）日"])
    rows = rows[rows["day"] <= pd.Timestamp(US_AS_OF)]
    assert view.documents == len(frame[frame["IPC主分类"].notna()])
    with_us = set(rows.loc[rows["公开国别"] == "美国", "family"])
    us_rows = rows[rows["公开国别"] == "美国"]
    alive = us_rows[us_rows["专利有效性"] == "有效"]
    # rights per application: the export's 申请号 of the US rows
    assert us.in_force == alive["申请号"].nunique() > 100
    # families in force: the export's simple families, not its documents
    assert us.families == alive["family"].nunique()
    # a published PCT application of a family with no US member, whose 30 months from
    # filing (no priority date in the export) have not run out, is to watch in the US
    wo = rows[(rows["公开国别"] == "世界知识产权组织") & ~rows["family"].isin(with_us)]
    open_window = wo[
        pd.to_datetime(wo["申请日"]) + pd.DateOffset(months=30)
        >= pd.Timestamp(US_AS_OF)
    ]
    assert us.pct_pending == len(open_window) > 20
    listed = {r.pub_number for r in us.of("pending") if r.detail == "pct_window_open"}
    assert listed <= set(open_window["pub"])
    pending_us = us_rows[us_rows["专利有效性"] == "审中"]["申请号"].nunique()
    assert us.pending == pending_us + len(open_window)


@pytest.fixture(scope="module")
def toyota_entities(toyota_path, tmp_path_factory, data_dir):
    """The Toyota store with applicant names resolved into entities."""
    import shutil

    from patnav.config import Settings
    from patnav.enrich import enrich

    frame, path = toyota_path
    copy = tmp_path_factory.mktemp("barrier-entities") / "toyota.duckdb"
    shutil.copyfile(path, copy)
    with PatentStore.open(copy) as store:
        enrich(
            store,
            Settings(data_dir=data_dir),
            ["names", "party_types", "entities"],
            today=DATA_DAY,
        )
    with PatentStore.open(copy, read_only=True) as store:
        yield frame, store


def test_owners_are_the_resolved_entities_where_enrichment_made_them(toyota_entities):
    frame, store = toyota_entities
    view = country_barrier(store, ["CN"], AS_OF, ipc=[IPC], top=1000)
    got = {o.owner: o for o in view.country("CN").owners}
    # the names enrichment put under each entity (the mapping); the counting below is
    # the export's, with pandas
    entity_of = dict(
        store.rows(
            "SELECT DISTINCT pa.name, e.name FROM parties pa "
            "JOIN entities e ON e.entity_id = pa.entity_id"
        )
    )
    merged = {e for n, e in entity_of.items() if n != e}
    assert merged  # some names were merged into another entity's name
    expected = _expected(frame)
    alive: Counter[str] = Counter()
    for _, row in expected[expected["category"] == "in_force"].iterrows():
        names = {n.strip() for n in str(row["申请人"]).split(";") if n.strip()}
        for entity in {entity_of.get(n, n) for n in names}:
            alive[entity] += 1
    for name, n in alive.most_common(8):
        assert got[name].in_force == n, name
    # a merged name is no owner of its own
    assert not {n for n, e in entity_of.items() if n != e} & set(got)


def test_documents_left_out_before_fto_scope_are_those_it_places_nowhere(gm):  # noqa: F811
    from patnav.analyses.base import Scope
    from patnav.analyses.fto_scope import fto_scope

    _, store = gm
    countries = ["US", "DE", "JP", "CN"]
    view = country_barrier(store, countries, US_AS_OF, ipc=SECTIONS, top=5)
    scope = Scope.of_query(f"IPC=({' OR '.join(SECTIONS)})")
    ids = store.query(
        f"SELECT DISTINCT doc_id FROM ({scope.sql})", dict(scope.params)
    ).column("doc_id")
    # every document of the area through fto_scope, none left out beforehand
    full = fto_scope(store, [str(d) for d in ids.to_pylist()], countries, US_AS_OF)
    counts = full.counts()
    assert view.documents == len(ids)
    for c in view.countries:
        assert c.not_in_country == counts[c.country]["not_in_country"], c.country
        assert c.in_force + c.pending + c.unknown + c.free > 0
