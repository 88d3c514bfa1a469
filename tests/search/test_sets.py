"""Patent sets: save, list, show, count, re-run on new data, export, resolve."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from patnav.errors import InputError, InvalidParameterError
from patnav.search import (
    HashingEmbedder,
    compile_query,
    count_set,
    delete_set,
    embed_store,
    export_set,
    get_set,
    list_sets,
    rerun_set,
    resolve_set,
    save_set,
    search,
    set_members,
)
from patnav.search.index import SearchIndex
from patnav.search.sets import safe_cell


@pytest.fixture
def index(writable_sample, plain_segmenter):
    with SearchIndex(writable_sample, segmenter=plain_segmenter) as idx:
        yield idx


def test_save_list_show_count(writable_sample, index):
    store = writable_sample
    run = save_set(
        store,
        "湖北光通信",
        "PROV=湖北 AND IPC=G02B6",
        description="光纤光缆与光模块",
        index=index,
    )
    assert run.count == 3 and run.previous_count is None
    (saved,) = list_sets(store)
    assert saved.name == "湖北光通信" and saved.mode == "boolean"
    assert saved.description == "光纤光缆与光模块" and saved.last_count == 3
    assert get_set(store, "湖北光通信").query == "PROV=湖北 AND IPC=G02B6"
    assert count_set(store, "湖北光通信", index=index) == 3
    assert set(set_members(store, "湖北光通信", index=index)) == {
        "CN110000001A",
        "CN110000002A",
        "CN110000007A",
    }


def test_names_are_checked_and_not_overwritten_by_accident(writable_sample, index):
    store = writable_sample
    save_set(store, "光纤", "TI=光纤", index=index)
    with pytest.raises(InputError, match="exists"):
        save_set(store, "光纤", "TI=光缆", index=index)
    assert save_set(store, "光纤", "TI=光缆", replace=True, index=index).count == 1
    with pytest.raises(InvalidParameterError):
        save_set(store, " 光纤", "TI=光纤", index=index)
    with pytest.raises(InputError, match="Did you mean 光纤"):
        get_set(store, "光线")
    with pytest.raises(InputError, match="column"):
        save_set(store, "坏的", "TI=(光纤", index=index)
    assert [s.name for s in list_sets(store)] == ["光纤"]


def test_rerun_reports_what_is_new_and_what_dropped_out(writable_sample, index):
    store = writable_sample
    save_set(store, "光纤", "TI=光纤", index=index)
    first = get_set(store, "光纤")
    # new data: one more fiber patent arrives, one title is corrected
    store.execute(
        "INSERT INTO patents (doc_id, pub_number, office, title, updated_at) "
        "VALUES ('CN110000099A', 'CN110000099A', 'CN', '光纤熔接机', now())"
    )
    store.execute(
        "UPDATE patents SET title = '光学放大器', updated_at = now() WHERE doc_id = 'CN110000009A'"
    )
    run = rerun_set(store, "光纤", index=index)
    assert run.count == 2 and run.previous_count == 2
    assert run.new == ("CN110000099A",)
    assert run.removed == ("CN110000009A",)
    assert get_set(store, "光纤").last_run_at > first.last_run_at
    quiet = rerun_set(store, "光纤", index=index)
    assert quiet.new == () and quiet.removed == ()
    first_seen = dict(
        store.rows(
            "SELECT doc_id, first_seen_at FROM patent_set_members WHERE set_name = '光纤'"
        )
    )
    assert first_seen["CN110000001A"] < first_seen["CN110000099A"]


def test_resolve_set_takes_a_name_or_a_query(writable_sample, index):
    store = writable_sample
    save_set(store, "激光", "TI=激光 OR AB=激光", index=index)
    by_name = resolve_set(store, "激光")
    assert by_name.sql == compile_query("TI=激光 OR AB=激光").sql
    assert {r[0] for r in store.rows(by_name.sql, by_name.params)} == {
        "CN110000004A",
        "CN110000007A",
    }
    by_query = resolve_set(store, "LS=有效 AND TYPE=发明")
    assert {r[0] for r in store.rows(by_query.sql, by_query.params)} == {
        "CN110000001A",
        "US10000005B2",
        "CN110000009A",
    }
    assert resolve_set(None, "TI=光纤").params == compile_query("TI=光纤").params


def test_ranked_sets_keep_the_members_of_their_last_run(writable_sample, index):
    store = writable_sample
    model = HashingEmbedder()
    embed_store(store, model)
    run = save_set(
        store,
        "像光纤",
        "光纤放大器",
        mode="semantic",
        limit=3,
        index=index,
        embedder=model,
    )
    assert run.count == 3
    saved = get_set(store, "像光纤")
    assert saved.is_ranked and saved.limit == 3
    compiled = resolve_set(store, "像光纤")
    members = {r[0] for r in store.rows(compiled.sql, compiled.params)}
    assert members == set(set_members(store, "像光纤")) and "CN110000009A" in members
    with pytest.raises(InvalidParameterError, match="limit"):
        save_set(store, "无限", "光纤", mode="semantic", index=index)


def test_export_csv_and_xlsx_never_write_formulas(writable_sample, index, tmp_path):
    store = writable_sample
    save_set(store, "光模块", "TI=光模块 OR TI=光纤", index=index)
    csv_path = tmp_path / "set.csv"
    assert export_set(store, "光模块", csv_path, index=index) == 3
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    titles = {r["doc_id"]: r["title"] for r in rows}
    assert titles["CN110000007A"] == '\'=HYPERLINK("http://example.com")光模块'
    assert titles["CN110000001A"] == "光纤连接器"
    assert {r["applicants"] for r in rows} >= {"武汉光迅科技股份有限公司"}
    xlsx_path = tmp_path / "set.xlsx"
    assert export_set(store, "光模块", xlsx_path, index=index) == 3
    sheet = load_workbook(xlsx_path).active
    header = [c.value for c in sheet[1]]
    cells = {
        row[0].value: row[header.index("title")] for row in sheet.iter_rows(min_row=2)
    }
    formula_like = cells["CN110000007A"]
    assert formula_like.data_type == "s"  # a string cell: Excel shows it, never runs it
    assert formula_like.value == '=HYPERLINK("http://example.com")光模块'
    with pytest.raises(InvalidParameterError, match="csv or xlsx"):
        export_set(store, "光模块", tmp_path / "set.json", index=index)


def test_safe_cell_escapes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "1+1") == "'" + start + "1+1"
    assert safe_cell("光纤") == "光纤" and safe_cell(3) == 3


def test_delete(writable_sample, index):
    store = writable_sample
    save_set(store, "临时", "TI=光纤", index=index)
    delete_set(store, "临时")
    assert list_sets(store) == []
    assert store.count("patent_set_members") == 0


def test_a_search_within_a_saved_set_stays_among_its_members(writable_sample, index):
    """``within`` a saved set: a Boolean set's members now, a ranked set's last run
    (search.api reads them through search.saved, without importing search.sets)."""
    store = writable_sample
    save_set(store, "湖北光通信", "PROV=湖北 AND IPC=G02B6", index=index)
    boolean = {r[0] for r in store.rows(*_compiled("PROV=湖北 AND IPC=G02B6"))}
    found = search(store, "光纤", mode="text", within="湖北光通信", index=index)
    assert found.doc_ids and set(found.doc_ids) <= boolean

    model = HashingEmbedder()
    embed_store(store, model)
    save_set(
        store,
        "像光纤",
        "光纤放大器",
        mode="semantic",
        limit=3,
        index=index,
        embedder=model,
    )
    last = set(set_members(store, "像光纤"))
    assert len(last) == 3
    within = search(store, "光纤", mode="text", within="像光纤", index=index)
    assert within.doc_ids and set(within.doc_ids) <= last


def _compiled(query: str) -> tuple[str, list[object]]:
    compiled = compile_query(query)
    return compiled.sql, compiled.params
