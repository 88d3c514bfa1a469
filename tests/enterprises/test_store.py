"""The register in the store: imports merge lists, are idempotent, quarantine bad rows."""

from __future__ import annotations

import duckdb

from patnav.enterprises.store import find_enterprise, import_register, list_enterprises
from patnav.schema import tables as t
from patnav.storage.store import PatentStore
from tests.enterprises.conftest import GAOQI, REGISTER, XIAOJUREN


def test_lists_merge_into_one_enterprise_each_with_every_qualification(store):
    first = import_register(store, XIAOJUREN)
    second = import_register(store, GAOQI)
    assert (first.new, first.rows, len(first.rejected)) == (3, 3, 2)
    # 山东泰开高压开关 is on both lists under the same code: updated, not new
    assert (second.new, second.updated) == (2, 1)
    e = find_enterprise(store, "山东泰开高压开关有限公司")
    assert [(q.qualification, q.year, q.batch) for q in e.qualifications] == [
        ("high_tech", 2019, None),
        ("little_giant", 2021, "第三批"),
    ]
    assert store.count("enterprises") == 5


def test_importing_a_list_again_changes_nothing(store):
    import_register(store, REGISTER)
    # the quarantine's entries of the file are replaced by the new import's: the same
    sqls = (
        "SELECT * FROM enterprises ORDER BY ALL",
        "SELECT * FROM enterprise_qualifications ORDER BY ALL",
        "SELECT file, position, reason, raw, file_hash FROM quarantine ORDER BY ALL",
    )
    before = {sql: store.query(sql).to_pylist() for sql in sqls}
    again = import_register(store, REGISTER)
    assert (again.new, again.updated, again.unchanged, again.qualifications) == (
        0,
        0,
        6,
        0,
    )
    for sql, rows in before.items():
        assert store.query(sql).to_pylist() == rows


def test_bad_rows_are_quarantined_with_their_reason(store):
    import_register(store, REGISTER)
    rows = store.rows(
        "SELECT position, reason, raw FROM quarantine q JOIN imports i USING (import_id) "
        "WHERE i.format = 'enterprise-register' ORDER BY row_number"
    )
    assert [(r[0], r[1]) for r in rows] == [
        ("企业库 第8行", "营业收入“约五千万”不是金额"),
        (
            "企业库 第9行",
            "统一社会信用代码“91370900FXR00000A1”无效：校验码应为 3，实为 1",
        ),
    ]
    assert "泰安鼎鑫冷却器有限公司" in rows[0][2]


def test_sizes_are_stored_with_what_was_missing(store):
    import_register(store, REGISTER)
    sizes = dict(store.rows("SELECT name, size FROM enterprises"))
    assert sizes == {
        "山东泰开变压器有限公司": "large",
        "泰安市华鲁锻压机床有限公司": "medium",
        "泰安鲁普耐特新材料有限公司": "small",
        "山东泰开电力电子股份有限公司": "small",  # 260 staff < 300
        "山东鲁普耐特新材料工程技术研究中心有限公司": "micro",
        "山东泰开箱变有限公司": "unknown",
    }
    e = find_enterprise(store, "山东泰开箱变有限公司")
    assert e.size_missing == ("revenue",)
    assert e.size_label == "未知"
    # a list without figures leaves the size unknown, never small by default
    import_register(store, GAOQI)
    assert find_enterprise(store, "山东明佳包装检测科技有限公司").size == "unknown"


def test_listing_enterprises_by_qualification_and_size(store):
    import_register(store, XIAOJUREN)
    import_register(store, REGISTER)
    giants = list_enterprises(store, qualification="little_giant")
    assert {e.name for e in giants.enterprises} == {
        "山东泰开高压开关有限公司",
        "泰安鲁普耐特塑料有限公司",
        "山东巨菱股份有限公司",
        "山东泰开箱变有限公司",
    }
    assert list_enterprises(store, size="large").total == 1
    # a former name finds the enterprise
    assert (
        find_enterprise(store, "泰安鲁普耐特塑料有限公司").name
        == "泰安鲁普耐特塑料有限公司"
    )
    assert list_enterprises(store, name="新材料").total == 2


def test_a_schema_4_store_gains_the_enterprise_tables(tmp_path):
    path = tmp_path / "v4.duckdb"
    with PatentStore.open(path):
        pass
    con = duckdb.connect(str(path))
    for name in ("enterprises", "enterprise_qualifications", "enterprise_links",
                 "enterprise_groups", "group_members"):  # fmt: skip
        con.execute(f"DROP TABLE {name}")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with PatentStore.open(path) as store:
        assert store.schema_version == t.SCHEMA_VERSION
        import_register(store, XIAOJUREN)
        assert store.count("enterprises") == 3


def test_a_code_arriving_later_takes_over_the_enterprise_known_by_name(store, tmp_path):
    from patnav.enterprises.uscc import check_character
    from tests.enterprises.test_register import _xlsx

    body = "91370900FXT000001"
    code = body + check_character(body)
    named = _xlsx(
        tmp_path / "专精特新中小企业名单_虚构.xlsx",
        [["序号", "企业名称"], [1, "泰安市甲乙科技有限公司"]],
    )
    coded = _xlsx(
        tmp_path / "高新技术企业名单_虚构.xlsx",
        [["企业名称", "统一社会信用代码"], ["泰安甲乙科技有限公司", code]],
    )
    import_register(store, named)
    assert store.rows("SELECT enterprise_id FROM enterprises") == [("N:泰安甲乙科技",)]
    report = import_register(store, coded)
    assert (report.new, report.updated) == (0, 1)
    e = find_enterprise(store, code)
    assert e.name == "泰安甲乙科技有限公司"
    assert e.former_names == ("泰安市甲乙科技有限公司",)
    assert {q.qualification for q in e.qualifications} == {"srdi_sme", "high_tech"}
    assert store.count("enterprises") == 1
    # a later list without the code joins the enterprise with the code
    import_register(store, named)
    assert store.count("enterprises") == 1
