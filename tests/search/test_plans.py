"""The engine's plans on the real mixed corpus: narrowed plans read only the columns their
conditions name, by rowid where the locations hints hold and by doc_id where they do not;
terms one gram decides are flags; staged plans leave cheap broad title terms to the SQL.
Every plan must give exactly what the plain SQL gives."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from patnav.search import compile_query, parse
from patnav.search import engine as engine_module
from patnav.search.compile import PATENT_COLUMNS, plan_tree
from patnav.search.engine import evaluate
from patnav.search.fulltext import _STORE_STATE

QUERIES = [
    "TIABC=光纤 AND AD=[2010 TO 2015]",
    "光纤 AND TYPE=实用新型",
    "TIAB=(光纤 OR 连接器) AND PD>=2012",
    "TI=pizza AND AD>=2015",
    '"pizza oven" AND TYPE=发明',
    "TI=(装置 OR 结构) AND TYPE=实用新型",
    "TIABC=混凝土 OR IPC=A21B",
    "混凝土 AND IPC=E01B",
    "TIABC=卡扣 NOT AB=光纤",
    "TI=pizz* AND PD<=2018",
    "AB=(混凝土 OR 光缆) AND AD>=2000 AND TI=装置",
]


def _plain(store, query: str) -> set[str]:
    compiled = compile_query(query)
    return {r[0] for r in store.rows(compiled.sql, compiled.params)}


def _recording(store, monkeypatch) -> list[str]:
    """Record every statement the store runs through rows and scalar."""
    statements: list[str] = []
    rows, scalar = store.rows, store.scalar

    def recorded_rows(sql, params=None):
        statements.append(sql)
        return rows(sql, params)

    def recorded_scalar(sql, params=None):
        statements.append(sql)
        return scalar(sql, params)

    monkeypatch.setattr(store, "rows", recorded_rows)
    monkeypatch.setattr(store, "scalar", recorded_scalar)
    return statements


@pytest.mark.parametrize("query", QUERIES)
def test_narrowed_plans_agree_with_sql_reading_rows_by_their_hints(mixed, query):
    store, index = mixed
    assert index.fulltext.located(store)
    found = evaluate(store, parse(query), index.fulltext)
    assert set(found.doc_ids) == _plain(store, query)
    assert len(found.doc_ids) == len(set(found.doc_ids))


def test_wrong_or_missing_hints_fall_back_to_reading_by_doc_id(mixed, monkeypatch):
    store, index = mixed
    real = index.fulltext.rows_of

    def misplaced(store, keys):
        found = real(store, keys)
        assert found is not None and found.null_count < len(found)
        # every other hint points one row further, the rest are missing
        return pa.array(
            [
                None if i % 2 or r is None else r + 1
                for i, r in enumerate(found.to_pylist())
            ],
            pa.int64(),
        )

    monkeypatch.setattr(index.fulltext, "rows_of", misplaced)
    statements = _recording(store, monkeypatch)
    checked = 0
    for query in QUERIES:
        del statements[:]
        found = evaluate(store, parse(query), index.fulltext)
        assert set(found.doc_ids) == _plain(store, query), query
        if any("located AS MATERIALIZED" in s for s in statements):
            checked += 1
            assert any("doc_id IN (SELECT doc_id FROM" in s for s in statements)
    assert checked >= 5


def test_without_hints_the_rows_are_read_by_doc_id(mixed, monkeypatch):
    store, index = mixed
    monkeypatch.setattr(index.fulltext, "located", lambda store: False)
    statements = _recording(store, monkeypatch)
    for query in QUERIES:
        assert set(evaluate(store, parse(query), index.fulltext).doc_ids) == _plain(
            store, query
        )
    assert not any("located AS MATERIALIZED" in s for s in statements)


def test_terms_one_gram_decides_are_flags_and_no_text_is_read(mixed, monkeypatch):
    store, index = mixed
    # an applicant of a real document holding 光纤, read from the store
    name = store.scalar(
        "SELECT min(name) FROM parties WHERE role = 'applicant' AND doc_id IN "
        "(SELECT doc_id FROM patents WHERE contains(title, '光纤'))"
    )
    assert name
    query = f'TIABC=光纤 AND PA="{name}"'
    expected = _plain(store, query)
    statements = _recording(store, monkeypatch)
    found = evaluate(store, parse(query), index.fulltext)
    assert found.plan == "narrowed"
    assert set(found.doc_ids) == expected
    assert expected
    # neither the patents table nor any text column was read: 光纤 is a flag (the
    # store's state — counts and last rowids, which the row index's hints are checked
    # against — reads no row of it)
    assert not any(
        re.search(r"\bFROM patents\b", s) for s in statements if s != _STORE_STATE
    )
    assert not any("contains(title" in s for s in statements)


def test_narrowed_rows_carry_only_the_columns_the_conditions_name(mixed, monkeypatch):
    store, index = mixed
    query = "TI=pizz* AND PD<=2018"
    expected = _plain(store, query)
    statements = _recording(store, monkeypatch)
    found = evaluate(store, parse(query), index.fulltext)
    assert found.plan == "narrowed"
    assert set(found.doc_ids) == expected
    assert expected
    (fetch,) = [s for s in statements if "candidate_rows AS MATERIALIZED" in s]
    selected = re.search(r"SELECT doc_id AS _d, (.*?) FROM patents", fetch)
    assert selected is not None
    assert selected.group(1).split(", ") == ["title", "pub_date"]


@pytest.mark.parametrize(
    "query",
    [
        "TI=装置 AND AD>=2010",
        "TIABC=光纤 OR IPC=A21B",
        "PA=华为 AND TYPE=发明 AND LS=有效",
        "PN=CN1234567 OR AN=CN201010000000 OR CO=US OR PNC=CN",
        "CPC=A21B1 AND PROV=江苏 AND IPCM=E01B",
        "PRD>=2001 AND GD<=2020",
    ],
)
def test_the_plan_knows_every_patents_column_its_condition_names(query):
    plan = plan_tree(parse(query))
    named = {
        c for c in PATENT_COLUMNS[1:] if re.search(rf"(?<![.\w']){c}\b", plan.where.sql)
    }
    assert set(plan.patent_columns()) == named
    assert named  # every query above names at least one patents column


def test_a_broad_title_term_in_a_staged_plan_is_left_to_the_sql(mixed, monkeypatch):
    store, index = mixed
    query = "TI=装置 OR IPC=A21B"
    broad = index.fulltext.candidates("TI", "装置")
    assert broad is not None and broad.exact and len(broad.doc_ids) > 20
    # staging allowed: the term is staged
    assert evaluate(store, parse(query), index.fulltext).plan == "staged"
    # a corpus where this many candidates is a large share: left to the SQL
    monkeypatch.setattr(engine_module, "MIN_NARROW", 10)
    monkeypatch.setattr(
        engine_module, "STAGED_TITLE_FRACTION", 10 / index.fulltext.documents
    )
    found = evaluate(store, parse(query), index.fulltext)
    assert found.plan == "sql"
    assert set(found.doc_ids) == _plain(store, query)
    # a costlier term (abstract and claims) is still staged
    other = "TIABC=装置 OR IPC=A21B"
    staged = evaluate(store, parse(other), index.fulltext)
    assert staged.plan == "staged"
    assert set(staged.doc_ids) == _plain(store, other)
