"""Compiled queries: field semantics on the hand-written sample, and counts on the real
corpus recomputed independently from the source files."""

from __future__ import annotations

import csv
import json
import re
from datetime import date

import pandas as pd
import pytest

from patnav.search import compile_query
from patnav.search.compile import CompiledQuery


def ids(store, query: str) -> set[str]:
    compiled = compile_query(query)
    return {r[0] for r in store.rows(compiled.sql, compiled.params)}


def count(store, query: str) -> int:
    compiled = compile_query(query)
    return int(store.scalar(f"SELECT count(*) FROM ({compiled.sql})", compiled.params))


# -- the sample (tests/data/search_sample.csv) ---------------------------------------

FIBER_CN = {"CN110000001A", "CN110000009A"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Chinese terms are substrings of title, abstract or claims
        ("光纤", FIBER_CN),
        ("TI=光纤", FIBER_CN),
        ("TI=光缆", {"CN110000002A"}),
        ("CL=卡扣", {"CN210000003U"}),
        ("AB=脉冲", {"CN110000004A"}),
        # English words: whole words, any case, in titles of other languages too
        ("TI=fiber", {"US10000005B2", "CN110000001A"}),
        ("TI=FIBER", {"US10000005B2", "CN110000001A"}),
        ("TI=fib*", {"US10000005B2", "CN110000001A", "CN110000009A"}),
        ("TI=fib?e", {"CN110000009A"}),
        ("TI=fibers", set()),
        ('TI="optical fiber"', {"US10000005B2", "CN110000001A"}),
        ('TI="fiber optical"', set()),
        ("TI=drone", {"CN210000003U"}),
        ("TIAB=erbium", {"US10000005B2"}),
        ("TIAB=掺铒", {"CN110000009A"}),
        ("TIABC=5G", {"CN110000008A"}),
        ("TIABC=5", set()),
        ("光*纤", FIBER_CN),
        ("TI=光?器", set()),
        ("TI=光纤?大器", {"CN110000009A"}),
        ("TI=光纤??器", FIBER_CN),
        # Boolean structure
        ("光纤 AND 放大器", {"CN110000009A"}),
        ("TI=(光纤 OR 光缆) NOT TI=放大器", {"CN110000001A", "CN110000002A"}),
        ("TI=光纤 与 TI=连接器", {"CN110000001A"}),
        # names, entity aliases need enrichment; raw names match
        ("PA=华为", {"CN110000008A"}),
        ("PA=huawei", {"CN110000009A"}),
        ('PA="Huawei Technologies"', {"CN110000009A"}),
        ("PA=(华为 OR huawei)", {"CN110000008A", "CN110000009A"}),
        ("IN=张三", {"CN110000001A"}),
        ("IN=smith", {"US10000005B2"}),
        ("AGC=42102", {"CN110000001A"}),
        ("AGC=武汉知识产权", {"CN110000001A"}),
        # classifications, hierarchical
        ("IPC=G02B6", {"CN110000001A", "CN110000002A", "CN110000007A"}),
        ("IPC=G02B6/00", {"CN110000001A", "CN110000002A", "CN110000007A"}),
        ("IPC=G02B6/42", {"CN110000001A", "CN110000007A"}),
        ("IPCM=G02B6/42", {"CN110000007A"}),
        ("IPC=H04B1", {"CN110000008A"}),
        ("IPC=H04B10", {"US10000005B2", "CN110000009A"}),
        ("IPC=H04B", {"US10000005B2", "CN110000008A", "CN110000009A"}),
        ("IPC=H04B1*", {"US10000005B2", "CN110000008A", "CN110000009A"}),
        ("IPC=G02", {"CN110000001A", "CN110000002A", "CN110000007A"}),
        ("IPC=B", {"CN210000003U", "CN110000004A"}),
        ('IPC="G02B6/00"', set()),
        ("CPC=B64U", {"CN210000003U"}),
        # numbers
        ("PN=CN110000001A", {"CN110000001A"}),
        ("PN=CN110000001", {"CN110000001A"}),
        ("PN=110000001", {"CN110000001A"}),
        (
            "PN=CN11000000*",
            {
                "CN110000001A",
                "CN110000002A",
                "CN110000004A",
                "CN110000007A",
                "CN110000008A",
                "CN110000009A",
            },
        ),
        ("AN=201910000001.1", {"CN110000001A"}),
        ("AN=CN201910000001", {"CN110000001A"}),
        ("PR=DE102020000001", {"CN110000009A"}),
        ("PR=DE*", {"CN110000009A"}),
        # dates by year, month, day and ranges
        ("AD=2019", {"CN110000001A", "CN110000002A", "CN210000003U", "CN305000006S"}),
        ("AD=2019-04", {"CN110000002A"}),
        ("AD=2019-04-01", {"CN110000002A"}),
        ("AD=20190401", {"CN110000002A"}),
        ("AD=[2020 TO 2021-03]", {"CN110000004A", "CN110000007A"}),
        ("AD={2019 TO 2021}", {"CN110000004A"}),
        ("AD<2019", {"US10000005B2"}),
        ("AD>=2021-05", {"CN110000008A", "CN110000009A"}),
        ("GD=[2018 TO 2019]", {"US10000005B2", "CN305000006S"}),
        ("PR=2015", {"US10000005B2"}),
        ("PRD=2020-06", {"CN110000009A"}),
        # places: address prefix without enrichment
        ("PROV=湖北", {"CN110000001A", "CN110000002A", "CN110000007A"}),
        ("PROV=湖北省", {"CN110000001A", "CN110000002A", "CN110000007A"}),
        ("PROV=广东", {"CN210000003U", "CN110000008A"}),
        ("CITY=武汉", {"CN110000001A", "CN110000002A", "CN110000007A"}),
        ("CITY=深圳市", {"CN210000003U", "CN110000008A"}),
        ("CO=US", {"US10000005B2"}),
        ("CO=美国", {"US10000005B2"}),
        ("PNC=US", {"US10000005B2"}),
        # legal status and type
        (
            "LS=有效",
            {
                "CN110000001A",
                "CN210000003U",
                "US10000005B2",
                "CN305000006S",
                "CN110000009A",
            },
        ),
        ("LS=失效", {"CN110000002A", "CN110000007A"}),
        ("LS=审中", {"CN110000004A", "CN110000008A"}),
        ("LS=撤回", {"CN110000007A"}),
        ("LS=未缴年费", {"CN110000002A"}),
        (
            "TYPE=发明",
            {
                "CN110000001A",
                "CN110000002A",
                "CN110000004A",
                "US10000005B2",
                "CN110000007A",
                "CN110000008A",
                "CN110000009A",
            },
        ),
        ("TYPE=实用新型", {"CN210000003U"}),
        ("TYPE=外观设计", {"CN305000006S"}),
    ],
)
def test_field_semantics_on_the_sample(sample_store, query, expected):
    assert ids(sample_store, query) == expected


def everything(store) -> set[str]:
    return {r[0] for r in store.rows("SELECT doc_id FROM patents")}


def test_country_falls_back_to_the_office_when_no_applicant_country_is_known(
    sample_store,
):
    everything_ = everything(sample_store)
    # every CN document has no applicant country except CN110000009A (CN)
    assert ids(sample_store, "CO=CN") == everything_ - {"US10000005B2"}


@pytest.mark.parametrize(
    "query",
    [
        "光纤",
        "TI=fiber",
        "LS=有效",
        "AD=2019",
        "PROV=湖北",
        "IPC=G02B6",
        "PA=华为",
        "PR=2015",
        "CO=CN",
    ],
)
def test_not_matches_exactly_the_other_documents(sample_store, query):
    assert ids(sample_store, f"NOT ({query})") == everything(sample_store) - ids(
        sample_store, query
    )


def test_values_are_parameters_never_sql(sample_store):
    hostile = "x'); DROP TABLE patents; --"
    compiled = compile_query(f'TI="{hostile}"')
    assert "DROP" not in compiled.sql
    assert any("DROP" in str(p) for p in compiled.params)
    assert ids(sample_store, f'TI="{hostile}"') == set()
    assert sample_store.count("patents") == 9


def test_the_sql_is_a_subquery_any_analysis_can_use(sample_store):
    compiled = compile_query("TI=光纤 AND PROV=湖北")
    assert compiled.sql.startswith("SELECT doc_id FROM patents ")
    rows = sample_store.rows(
        f"SELECT title FROM patents WHERE doc_id IN ({compiled.sql}) ORDER BY title",
        compiled.params,
    )
    assert rows == [("光纤连接器",)]
    named_sql, named = compiled.named("s")
    assert "?" not in named_sql
    again = (
        sample_store.query(f"SELECT count(*) FROM ({named_sql})", named)
        .column(0)[0]
        .as_py()
    )
    assert again == 1


def test_hundreds_of_terms_plan_in_bounded_time(sample_store):
    import time

    ipc = " OR ".join(f"IPC=H04B{i}" for i in range(1, 400))
    words = " OR ".join(f"PA=公司{i}" for i in range(300))
    texts = " OR ".join(f"TIABC=词语{i}" for i in range(300))
    for query in (ipc, words, texts, f"({ipc}) AND ({texts}) AND NOT ({words})"):
        started = time.perf_counter()
        compiled = compile_query(query)
        rows = sample_store.rows(compiled.sql, compiled.params)
        assert time.perf_counter() - started < 30  # seconds when idle; never minutes
        assert len(rows) <= 9
    assert ids(sample_store, ipc) == {"US10000005B2", "CN110000008A", "CN110000009A"}


def test_the_sql_survives_sqlglot_transpiling(sample_store):
    import sqlglot  # the analyses rewrite compiled SQL with it

    for query in [
        'TIAB=(光纤 OR "optical fiber") AND IPC=G02B6',
        "PN=CN110000001",
        "AGC=42102 OR PA=华为",
        "IPC=H04B1*",
    ]:
        compiled: CompiledQuery = compile_query(query)
        again = sqlglot.parse_one(compiled.sql, read="duckdb").sql(dialect="duckdb")
        before = {r[0] for r in sample_store.rows(compiled.sql, compiled.params)}
        after = {r[0] for r in sample_store.rows(again, compiled.params)}
        assert before == after, query


# -- the real corpus, recomputed from the files ---------------------------------------

_W = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"


@pytest.fixture(scope="module")
def raw(data_dir):
    """Titles, abstracts, claims, dates, IPC and applicants of the demo corpus, read from
    the source files with pandas and csv (independently of patnav's readers)."""
    rows = []
    taian = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    for r in taian.itertuples(index=False):
        rows.append(
            {
                "source": "taian",
                "title": r.专利名称,
                "abstract": r.摘要,
                "claims": None,
                "app_date": r.申请日,
                "ipc": [r.主分类号] if isinstance(r.主分类号, str) else [],
                "applicants": [r.申请人] if isinstance(r.申请人, str) else [],
                "app_number": r.申请号,
            }
        )
    cnipa = pd.read_excel(
        data_dir / "formats/cn-excel/cnipa_export_199.xlsx", dtype=str
    )
    for r in cnipa.to_dict("records"):
        applicants = r["申请（专利权）人"]
        rows.append(
            {
                "source": "cnipa",
                "title": r["名称"],
                "abstract": r["摘要"],
                "claims": r["主权项"],
                "app_date": r["申请日"],
                "ipc": re.split(r"[;；]", r["分类号"])
                if isinstance(r["分类号"], str)
                else [],
                "applicants": re.split(r"[;；]", applicants)
                if isinstance(applicants, str)
                else [],
                "address": r["地址"],
            }
        )
    with (data_dir / "corpora/cn-ccf-bdci-4097/expand_train_1.json").open(
        encoding="utf-8"
    ) as f:
        for line in f:
            d = json.loads(line)
            rows.append(
                {
                    "source": "ccf",
                    "title": d.get("title"),
                    "abstract": d.get("abstract"),
                    "claims": None,
                    "app_date": None,
                    "ipc": [],
                    "applicants": [d["assignee"]] if d.get("assignee") else [],
                }
            )
    with (data_dir / "formats/lens-csv/lens_drones_5884.csv").open(
        encoding="mac_roman", newline=""
    ) as f:
        for r in csv.DictReader(f):
            rows.append(
                {
                    "source": "lens",
                    "title": r["Title"],
                    "abstract": None,
                    "claims": None,
                    "app_date": r["Application Date"],
                    "ipc": [
                        c.strip()
                        for c in r["IPCR Classifications"].split(";;")
                        if c.strip()
                    ],
                    "applicants": [
                        a.strip() for a in r["Applicants"].split(";;") if a.strip()
                    ],
                }
            )
    return rows


def _texts(row, fields):
    return [row[f] for f in fields if isinstance(row.get(f), str)]


def _count(raw, predicate, sources=None):
    return sum(
        1 for r in raw if (sources is None or r["source"] in sources) and predicate(r)
    )


def test_raw_recomputation_covers_the_whole_store(raw, loaded_store):
    cnki = 33  # the CNKI export, not recomputed here: its layout needs the CNKI profile
    assert len(raw) + cnki == loaded_store.count("patents")


@pytest.mark.parametrize(
    ("query", "term", "fields"),
    [
        ("TI=光纤", "光纤", ("title",)),
        ("TI=无人机", "无人机", ("title",)),
        ("AB=传感器", "传感器", ("abstract",)),
        ("TIAB=电池", "电池", ("title", "abstract")),
        ("TIABC=齿轮", "齿轮", ("title", "abstract", "claims")),
    ],
)
def test_chinese_terms_count_like_substrings_in_the_files(
    raw, loaded_store, query, term, fields
):
    expected = _count(raw, lambda r: any(term in t for t in _texts(r, fields)))
    assert count(loaded_store, query) - _cnki_count(loaded_store, query) == expected


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("TI=drone", rf"(?<![{_W}])drone(?![{_W}])"),
        ("TI=drones", rf"(?<![{_W}])drones(?![{_W}])"),
        ("TI=drone*", rf"(?<![{_W}])drone[{_W}]*(?![{_W}])"),
        ("TI=uav", rf"(?<![{_W}])uav(?![{_W}])"),
        (
            'TI="unmanned aerial vehicle"',
            rf"(?<![{_W}])unmanned[^{_W}\u4e00-\u9fff]+aerial[^{_W}\u4e00-\u9fff]+vehicle(?![{_W}])",
        ),
    ],
)
def test_english_words_count_like_whole_words_in_the_files(
    raw, loaded_store, query, pattern
):
    regex = re.compile(pattern, re.IGNORECASE)
    expected = _count(
        raw, lambda r: any(regex.search(t) for t in _texts(r, ("title",)))
    )
    assert count(loaded_store, query) == expected


def test_filing_date_ranges_count_like_the_files(raw, loaded_store):
    def year(value):
        if not isinstance(value, str) or not value.strip():
            return None
        return int(re.match(r"\s*(\d{4})", value).group(1))

    expected = _count(
        raw, lambda r: (y := year(r["app_date"])) is not None and 2010 <= y <= 2012
    )
    got = count(loaded_store, "AD=[2010 TO 2012]")
    assert (
        got - _cnki_filed(loaded_store, date(2010, 1, 1), date(2012, 12, 31))
        == expected
    )


def _cnki_filed(store, first, last):
    return int(
        store.scalar(
            "SELECT count(*) FROM patents p JOIN provenance v USING (doc_id) "
            "WHERE v.file LIKE '%cnki_export_33%' AND p.app_date BETWEEN ? AND ?",
            [first, last],
        )
    )


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("IPC=H02K", r"^H02K"),
        ("IPC=B64C39", r"^B64C\s*0*39/"),
        ("IPC=B64C39/02", r"^B64C\s*0*39/02$"),
        ("IPC=A01", r"^A01"),
    ],
)
def test_ipc_queries_count_like_the_files(raw, loaded_store, query, pattern):
    regex = re.compile(pattern)

    def codes(r):
        return [re.sub(r"\(.*$", "", c).strip() for c in r["ipc"] if isinstance(c, str)]

    expected = _count(raw, lambda r: any(regex.search(c) for c in codes(r)))
    assert count(loaded_store, query) - _cnki_count(loaded_store, query) == expected


def test_applicant_queries_count_like_the_files(raw, loaded_store):
    expected = _count(raw, lambda r: any("华为" in a for a in r["applicants"]))
    cnki = _cnki_count(loaded_store, "PA=华为")
    assert count(loaded_store, "PA=华为") - cnki == expected
    expected_en = _count(
        raw,
        lambda r: any(
            re.search(r"(?<![A-Za-z])parrot(?![A-Za-z])", a, re.I)
            for a in r["applicants"]
        ),
    )
    assert count(loaded_store, "PA=parrot") == expected_en


def _cnki_count(store, query):
    compiled = compile_query(query)
    return int(
        store.scalar(
            f"SELECT count(*) FROM ({compiled.sql}) q JOIN provenance v USING (doc_id) "
            "WHERE v.file LIKE '%cnki_export_33%'",
            compiled.params,
        )
    )


def test_province_from_addresses_counts_like_the_export(raw, loaded_store):
    def province_of(address):
        text = re.sub(r"^\d{6}\s*", "", address or "")
        return text[:2]

    for province in ("江苏", "湖北", "广东"):
        expected = _count(
            raw,
            lambda r, p=province: (
                isinstance(r.get("address"), str) and province_of(r["address"]) == p
            ),
        )
        assert count(loaded_store, f"PROV={province}") == expected, province


def test_patent_type_counts_like_the_taian_application_numbers(raw, loaded_store):
    def kind(number):
        serial = re.sub(r"\D", "", number)
        digit = serial[4] if len(serial) >= 12 else serial[2]
        return {
            "1": "invention",
            "8": "invention",
            "2": "utility_model",
            "9": "utility_model",
            "3": "design",
        }[digit]

    taian = [r for r in raw if r["source"] == "taian"]
    for word, kind_name in (
        ("发明", "invention"),
        ("实用新型", "utility_model"),
        ("外观设计", "design"),
    ):
        expected = sum(1 for r in taian if kind(r["app_number"]) == kind_name)
        compiled = compile_query(f"TYPE={word}")
        got = loaded_store.scalar(
            f"SELECT count(*) FROM ({compiled.sql}) q JOIN provenance v USING (doc_id) "
            "WHERE v.file LIKE '%taian_patents%'",
            compiled.params,
        )
        assert got == expected, word
