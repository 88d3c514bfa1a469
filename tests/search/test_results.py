"""Result lists (issue 11, item 7): families grouped, titles in the page's language, numbers
labelled, sorting, facets over the whole hit set, narrowing, export, similar patents.

Every expected figure is computed from the raw files (``realdata``: pandas over the CNIPA
export, the Tai'an corpus and the Lens export, a plain parser of the Derwent records), never
read back from the store.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest

from patnav.errors import InvalidParameterError
from patnav.search import SearchIndex, more_like_this
from patnav.search.results import (
    ABROAD,
    FACETS,
    export_results,
    search_results,
)
from patnav.storage.store import PatentStore
from tests.search import realdata


def _store(path: Path, inputs: list[Path], *, locations: bool = False) -> Path:
    from patnav.config import Settings
    from patnav.enrich.run import enrich
    from patnav.ingest.pipeline import import_paths

    with PatentStore.open(path) as store:
        report = import_paths(store, inputs, raise_unexpected=True)
        assert report.ok, report.to_dict()
        if locations:
            enrich(store, Settings(), steps=["class_titles", "locations"])
    return path


@pytest.fixture(scope="module")
def cnipa(tmp_path_factory, data_dir, plain_segmenter):
    """The CNIPA export (199 utility models with addresses and IPC), placed by the
    locations step; read-only, with its side index."""
    path = _store(
        tmp_path_factory.mktemp("cnipa") / "cnipa.duckdb",
        [data_dir / realdata.CNIPA_EXPORT],
        locations=True,
    )
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, segmenter=plain_segmenter) as index,
    ):
        index.refresh()
        yield store, index


@pytest.fixture(scope="module")
def derwent(tmp_path_factory, data_dir, plain_segmenter):
    """The Derwent drone export: 2,691 DWPI families, one document per member."""
    path = _store(
        tmp_path_factory.mktemp("derwent") / "derwent.duckdb",
        [data_dir / realdata.DERWENT],
    )
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, segmenter=plain_segmenter) as index,
    ):
        index.refresh()
        yield store, index


def _run(pair, query, **options):
    store, index = pair
    return search_results(store, query, index=index, **options)


def _counts(result, name):
    facet = result.facet(name)
    assert facet is not None
    return {c.value: c.count for c in facet.counts}, facet.unknown


# -- facets over a query, against pandas ---------------------------------------------------

CNIPA_QUERY = "TI=装置 OR IPC=E01B"


def _cnipa_expected(data_dir) -> pd.DataFrame:
    rows = realdata.cnipa_export(data_dir)
    codes = rows.apply(realdata.ipc_codes, axis=1)
    keep = rows["名称"].str.contains("装置") | codes.map(
        lambda cs: any(c.startswith("E01B") for c in cs)
    )
    return rows[keep].assign(codes=codes[keep])


@pytest.mark.parametrize("group", ["document", "family"])
def test_facet_counts_of_a_query_agree_with_the_export(cnipa, data_dir, group):
    rows = _cnipa_expected(data_dir)
    assert len(rows) > 20
    result = _run(cnipa, CNIPA_QUERY, group=group, facet_size=1000)
    # every document is its own application here, so a family is a document
    assert result.total == result.documents == len(rows)

    applicants = Counter(
        name.strip()
        for names in rows["申请（专利权）人"]
        for name in str(names).split(";")
        if name.strip()
    )
    assert _counts(result, "applicant") == (dict(applicants), 0)

    years = Counter(d[:4] for d in rows["申请日"])
    assert _counts(result, "year") == (dict(years), 0)

    kinds = {"1": "invention", "2": "utility_model", "3": "design"}
    types = Counter(kinds[n[6]] for n in rows["申请号"])  # CN + year + the type digit
    assert _counts(result, "type") == (dict(types), 0)

    provinces = Counter(realdata.address_province(a) for a in rows["地址"])
    assert _counts(result, "province") == (dict(provinces), 0)

    subclasses = Counter(sub for cs in rows["codes"] for sub in {c[:4] for c in cs})
    assert _counts(result, "ipc") == (dict(subclasses), 0)
    # each subclass is labelled with its Chinese title, without the bracketed notes
    titles = realdata.ipc_titles(data_dir)
    labels = {c.value: c.label for c in result.facet("ipc").counts}
    assert labels == {sub: realdata.without_notes(titles[sub]) for sub in subclasses}
    assert all("入" not in label for label in labels.values())

    # the export has no status column: every row is of unknown status, never "lapsed"
    assert _counts(result, "status") == ({}, len(rows))


def test_the_province_is_the_first_applicants_and_abroad_is_not_unknown(
    cnipa, data_dir
):
    rows = realdata.cnipa_export(data_dir)
    result = _run(cnipa, "TYPE=实用新型", facets=("province",))
    assert result.total == len(rows)
    provinces = Counter(realdata.address_province(a) for a in rows["地址"])
    # Australian and German applicants are abroad; Hong Kong and Taiwan are provinces
    assert provinces[ABROAD] == 2
    assert provinces["香港特别行政区"] == 2 and provinces["台湾省"] == 1
    assert _counts(result, "province") == (dict(provinces), 0)


def test_each_facet_value_narrows_to_exactly_its_count(cnipa):
    whole = _run(cnipa, CNIPA_QUERY, facet_size=3)
    for facet in whole.facets:
        values = [c for c in facet.counts[:3]]
        for value in values:
            narrowed = _run(
                cnipa, CNIPA_QUERY, filters={facet.name: [value.value]}, facets=()
            )
            assert narrowed.total == value.count, (facet.name, value)
        if facet.unknown:
            unknown = _run(cnipa, CNIPA_QUERY, filters={facet.name: [None]}, facets=())
            assert unknown.total == facet.unknown, facet.name
    # two values of one facet are alternatives, two facets combine
    years = [c.value for c in whole.facet("year").counts[:2]]
    either = _run(cnipa, CNIPA_QUERY, filters={"year": years}, facets=())
    assert either.total == sum(c.count for c in whole.facet("year").counts[:2])
    both = _run(
        cnipa,
        CNIPA_QUERY,
        filters={"year": years[:1], "province": ["江苏省"]},
        facets=("province", "year"),
    )
    assert _counts(both, "year")[0] == {years[0]: both.total}
    assert set(_counts(both, "province")[0]) <= {"江苏省"}


def test_sorting_by_filing_date_both_ways(cnipa, data_dir):
    rows = _cnipa_expected(data_dir)
    expected = sorted(
        zip(rows["申请日"], rows["公开（公告）号"], strict=True),
        key=lambda r: (r[0], r[1]),
    )
    newest = _run(cnipa, CNIPA_QUERY, group="document", sort="app_date", limit=1000)
    # newest first; a tie is broken by the document key (here the publication number)
    by_number = sorted(expected, key=lambda r: r[1])
    assert [
        (r.app_date.strftime("%Y.%m.%d"), r.pub_number) for r in newest.rows
    ] == sorted(by_number, key=lambda r: r[0], reverse=True)
    oldest = _run(
        cnipa,
        CNIPA_QUERY,
        group="document",
        sort="app_date",
        descending=False,
        limit=50,
    )
    assert [r.app_date for r in oldest.rows] == sorted(r.app_date for r in oldest.rows)
    assert oldest.rows[0].app_date.strftime("%Y.%m.%d") == expected[0][0]
    paged = _run(
        cnipa, CNIPA_QUERY, group="document", sort="app_date", offset=10, limit=5
    )
    assert [r.doc_id for r in paged.rows] == [r.doc_id for r in newest.rows[10:15]]
    assert [r.rank for r in paged.rows] == [11, 12, 13, 14, 15]


def test_unknown_options_are_refused_with_the_choices(cnipa):
    for options in (
        {"group": "families"},
        {"sort": "title"},
        {"facets": ("colour",)},
        {"filters": {"colour": ["red"]}},
    ):
        with pytest.raises(InvalidParameterError, match="use one of"):
            _run(cnipa, "TI=装置", **options)


# -- families -----------------------------------------------------------------------------


def _g05d(record: realdata.DwpiRecord) -> list[str]:
    return [
        m
        for m in record.members
        if any(c.startswith("G05D") for c in record.codes_of(m))
    ]


def test_a_family_is_one_row_with_its_members_and_offices(derwent, data_dir):
    records = realdata.dwpi_records(data_dir)
    matched = {r.accession: _g05d(r) for r in records if _g05d(r)}
    result = _run(derwent, "IPC=G05D", limit=10_000, facet_size=10_000)
    assert result.total == len(matched)
    assert result.documents == sum(len(m) for m in matched.values())
    assert sorted(r.members for r in result.rows) == sorted(
        len(m) for m in matched.values()
    )
    every = _run(derwent, "IPC=G05D", group="document", limit=1)
    assert every.total == result.documents

    # one invention filed in DE, WO, EP, FR and US is one row, not five or more
    big = next(
        r
        for r in records
        if {"DE", "WO", "EP", "FR", "US"} <= {m[:2] for m in _g05d(r)}
    )
    members = _g05d(big)
    rows = [r for r in result.rows if r.members == len(members)]
    row = next(r for r in rows if set(r.offices) == {m[:2] for m in members})
    assert row.members == len(members) and len(row.member_ids) == len(members)
    assert row.doc_id in row.member_ids

    # facets count families: a family counts once under each value one of its
    # matching members has
    applicants: Counter[str] = Counter()
    years: Counter[str | None] = Counter()
    subclasses: Counter[str] = Counter()
    for record in records:
        found = _g05d(record)
        if not found:
            continue
        applicants.update(set(record.assignees))
        years.update({record.years.get(m) for m in found})
        subclasses.update({c[:4] for m in found for c in record.codes_of(m)})
    got, unknown = _counts(result, "applicant")
    assert got == dict(applicants) and unknown == 0
    got, unknown = _counts(result, "year")
    assert got == {str(y): n for y, n in years.items() if y is not None}
    assert unknown == years.get(None, 0)
    assert _counts(result, "ipc") == (dict(subclasses), 0)
    # Derwent records carry no addresses and no status: all unknown, none guessed
    assert _counts(result, "province") == ({}, result.total)
    assert _counts(result, "status") == ({}, result.total)


def test_the_representative_is_chosen_by_the_documented_rule(derwent, data_dir):
    result = _run(derwent, "IPC=G05D", limit=10_000, facets=())
    with_cn = [r for r in result.rows if "CN" in r.offices]
    assert with_cn
    # a Chinese page shows the CN member; an English page the earliest publication
    assert all(r.office == "CN" for r in with_cn)
    english = _run(derwent, "IPC=G05D", limit=10_000, facets=(), lang="en")
    store, _ = derwent
    for row in english.rows[:200]:
        dates = store.rows(
            "SELECT min(pub_date) FROM patents WHERE doc_id IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [list(row.member_ids)],
        )[0][0]
        assert row.pub_date == dates


def test_relevance_orders_families_by_their_best_member(derwent):
    families = _run(derwent, "TIAB=drone AND IPC=B64C", limit=30, facets=())
    documents = _run(
        derwent, "TIAB=drone AND IPC=B64C", group="document", limit=300, facets=()
    )
    assert families.rows[0].score is not None
    seen: list[str] = []
    for row in documents.rows:
        family = next(f.family for f in families.rows if row.doc_id in f.member_ids)
        if family not in seen:
            seen.append(family)
        if len(seen) == len(families.rows):
            break
    assert seen == [f.family for f in families.rows]
    scores = [r.score for r in families.rows]
    assert scores == sorted(scores, reverse=True)


def test_sorting_by_citations_uses_the_sources_counts(
    tmp_path, data_dir, plain_segmenter
):
    path = _store(tmp_path / "lens.duckdb", [data_dir / realdata.LENS_PIZZA])
    rows = realdata.lens_pizza(data_dir)
    rows = rows[rows["Title"].fillna("").map(lambda t: realdata.has_word(t, "oven"))]
    # a family here is an application (A and B publications): the most cited member
    by_application = (
        rows.assign(
            cited=rows["Cited Count"].astype(int),
            app=rows["Application Number"].map(realdata.application_key),
        )
        .groupby("app")["cited"]
        .max()
    )
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, segmenter=plain_segmenter) as index,
    ):
        result = search_results(
            store, "TI=oven", index=index, sort="citations", limit=1000, facets=()
        )
    assert result.citations_known
    assert result.total == len(by_application)
    assert [r.cited_by for r in result.rows] == sorted(by_application, reverse=True)


# -- titles and numbers ---------------------------------------------------------------------


def test_a_cn_document_shows_the_chinese_title_the_store_holds(tmp_path, data_dir):
    # CN101889668A/B come from Derwent with an English DWPI title; the Tai'an corpus
    # holds the same application (CN201010216347) with its Chinese title
    taian = realdata.taian(data_dir)
    row = taian[taian["申请号"].str.startswith("CN201010216347")]
    assert len(row) == 1
    subset = tmp_path / "taian_subset.xlsx"
    taian.iloc[[*range(20), int(row.index[0])]].to_excel(subset, index=False)
    record = next(
        r
        for r in realdata.dwpi_records(data_dir)
        if any(m.startswith("CN101889668") for m in r.members)
    )
    ciw = next(
        p
        for p in sorted((data_dir / realdata.DERWENT).glob("*.ciw"))
        if "CN101889668" in p.read_text("utf-8-sig")
    )
    path = _store(tmp_path / "titles.duckdb", [subset, ciw])
    with PatentStore.open(path, read_only=True) as store:
        index = SearchIndex(store, folder=tmp_path / "idx")
        for group in ("family", "document"):
            zh = search_results(
                store, "PN=CN101889668A", group=group, index=index, facets=()
            )
            assert zh.rows[0].title == row["专利名称"].iloc[0]
            assert zh.rows[0].title_lang == "zh"
            en = search_results(
                store, "PN=CN101889668A", group=group, lang="en", index=index, facets=()
            )
            assert en.rows[0].title == record.title and en.rows[0].title_lang == "en"
        # the Tai'an record has no publication number: its application number is
        # shown as such, never as a publication number
        taian_row = search_results(
            store,
            f"AN={row['申请号'].iloc[0]}",
            group="document",
            index=index,
            facets=(),
        ).rows[0]
        assert taian_row.pub_number is None
        assert taian_row.number_kind == "application"
        assert taian_row.number == "CN201010216347"
        # grouped, the number-less record joins the Derwent family of its application
        family = search_results(
            store,
            f"AN={row['申请号'].iloc[0]} OR PN=CN101889668A",
            index=index,
            facets=(),
        )
        assert family.total == 1 and family.documents == 3
        assert family.rows[0].number_kind == "publication"
        index.close()


def test_titles_from_other_languages_in_texts(tmp_path, data_dir):
    # EPO documents carry their titles in German, English and French
    path = _store(tmp_path / "ep.duckdb", [data_dir / "formats/epo-xml"])
    with PatentStore.open(path, read_only=True) as store:
        index = SearchIndex(store, folder=tmp_path / "idx")
        german = store.rows(
            "SELECT doc_id FROM patents WHERE lang = 'de' AND doc_id IN "
            "(SELECT doc_id FROM texts WHERE section = 'title' AND lang = 'en')"
        )
        assert german
        doc_id = german[0][0]
        english = store.rows(
            "SELECT text FROM texts WHERE doc_id = ? AND section = 'title' "
            "AND lang = 'en'",
            [doc_id],
        )[0][0]
        result = search_results(
            store, f"PN={doc_id}", lang="en", group="document", index=index, facets=()
        )
        assert (result.rows[0].title, result.rows[0].title_lang) == (english, "en")
        index.close()


# -- export ------------------------------------------------------------------------------


def test_the_exported_list_is_the_list(cnipa, tmp_path, data_dir):
    store, index = cnipa
    shown = _run(cnipa, CNIPA_QUERY, sort="app_date", limit=1000, facets=())
    path = tmp_path / "结果.csv"
    written = export_results(
        store, CNIPA_QUERY, path, sort="app_date", index=index, group="family"
    )
    assert written == shown.total
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    header, body = lines[0], lines[1:]
    assert header[:4] == ["序号", "文献标识", "公开（公告）号", "申请号"]
    assert "同族命中文献数" in header
    assert [r[2] for r in body] == [r.pub_number for r in shown.rows]
    raw = realdata.cnipa_export(data_dir).set_index("公开（公告）号")
    title = header.index("标题")
    types = header.index("专利类型")
    status = header.index("法律状态")
    for r in body:
        assert r[title] == raw.loc[r[2], "名称"]
        assert r[types] == "实用新型" and r[status] == "未知"
    book = tmp_path / "结果.xlsx"
    assert export_results(store, CNIPA_QUERY, book, index=index) == shown.total


def test_export_cells_are_never_formulas(tmp_path, data_dir, plain_segmenter):
    from openpyxl import load_workbook

    # Derwent titles that start like a formula (a dash, a plus) stay text
    records = realdata.dwpi_records(data_dir)
    risky = [r for r in records if re.match(r"^[=+\-@]", r.title)]
    path = _store(tmp_path / "d.duckdb", [data_dir / realdata.DERWENT])
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, segmenter=plain_segmenter) as index,
    ):
        index.refresh()
        out = tmp_path / "r.xlsx"
        export_results(store, "IPC=B64", out, index=index, lang="en")
        sheet = load_workbook(out).active
        cells = [c for row in sheet.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
        if risky:  # the raw file holds such titles: they are written as text
            texts = {c.value for c in cells if isinstance(c.value, str)}
            assert any(v.startswith(("=", "+", "-", "@")) for v in texts)


# -- similar patents ---------------------------------------------------------------------


def test_similar_patents_leave_out_the_patents_own_family(derwent, data_dir):
    store, index = derwent
    records = realdata.dwpi_records(data_dir)
    record = next(
        r
        for r in records
        if len(r.members) >= 3 and r.members[0].startswith("CN") and r.title
    )
    doc_id = store.rows(
        "SELECT doc_id FROM patents WHERE family_id = ? ORDER BY doc_id LIMIT 1",
        [f"DWPI:{record.accession}"],
    )[0][0]
    similar = more_like_this(store, doc_id, mode="text", limit=10, index=index)
    families = store.rows(
        "SELECT doc_id, family_id FROM patents WHERE doc_id IN "
        "(SELECT unnest(?::VARCHAR[]))",
        [similar.doc_ids],
    )
    family_of = dict(families)
    assert similar.hits
    assert f"DWPI:{record.accession}" not in family_of.values()
    # one row per other family: no two similar patents are members of one family
    counted = Counter(family_of.values())
    assert max(counted.values()) == 1


def test_every_facet_name_is_counted_by_default(cnipa):
    result = _run(cnipa, "TI=装置")
    assert [f.name for f in result.facets] == list(FACETS)
    data = result.to_dict()
    assert set(data["facets"]) == set(FACETS)
    assert data["rows"][0]["number_kind"] == "publication"
    frame = result.to_frame()
    assert list(frame["doc_id"]) == [r.doc_id for r in result.rows]


def test_sorting_by_applicant_keeps_an_applicants_rows_together(cnipa):
    first = _run(cnipa, CNIPA_QUERY, sort="applicant", limit=100)
    again = _run(cnipa, CNIPA_QUERY, sort="applicant", limit=100)
    assert [r.doc_id for r in first.rows] == [r.doc_id for r in again.rows]
    names = [r.applicants[0] for r in first.rows if r.applicants]
    groups = defaultdict(list)
    for i, name in enumerate(names):
        groups[name].append(i)
    # rows of one applicant are contiguous
    assert all(ix == list(range(ix[0], ix[-1] + 1)) for ix in groups.values())


def test_rows_read_by_the_index_hints_equal_rows_read_by_doc_id(
    derwent, tmp_path, plain_segmenter
):
    # with a current index the hits' rows are read by rowid (its locations hints);
    # without one, by doc_id: the same list either way
    store, index = derwent
    query = "IPC=G05D OR TIAB=drone"
    options = {"sort": "app_date", "limit": 300, "facet_size": 50}
    hinted = _run(derwent, query, **options)
    assert index.fulltext.located(store)
    with SearchIndex(
        store, folder=tmp_path / "none", segmenter=plain_segmenter
    ) as bare:
        plain = search_results(store, query, index=bare, update_index=False, **options)
        # no current index (nothing was built): the rows were read by doc_id
        assert not bare.fulltext.is_current(store)
    assert [getattr(n, "key", None) for n in plain.notes] == ["index_behind"]
    assert plain.total == hinted.total > 300
    assert [f.to_dict() for f in plain.facets] == [f.to_dict() for f in hinted.facets]
    assert [r.to_dict() for r in plain.rows] == [r.to_dict() for r in hinted.rows]
