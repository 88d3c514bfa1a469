"""The SME cultivation library check on real data: the PatSnap 中之信 export (Hubei owners)
with a MADE-UP register naming real owners, and a declarations file written for the tests
(``tests/models/fixtures/sme``). Patent counts are checked with pandas over the raw export,
R&D arithmetic in 万元 by hand from the register text below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from patnav.errors import InputError, InvalidParameterError, ParseError
from patnav.models.sme import (
    CRITERIA,
    check_sme,
    read_declarations,
    read_dense_industries,
)
from patnav.storage.store import PatentStore
from tests.models.sme_data import (
    HUBEI,
    TEST_DENSE_LIST,
    build_sme_store,
)
from tests.patsnap import parts

FIXTURES = Path(__file__).parent / "fixtures" / "sme"
DECLARATIONS = FIXTURES / "企业申报_自编.csv"
AS_OF = date(2022, 5, 7)  # the day the test stores are enriched as of


@pytest.fixture(scope="module")
def sme_store(prevalue_store, tmp_path_factory) -> Path:
    """The PatSnap head with the made-up register imported and linked."""
    return build_sme_store(prevalue_store[2], tmp_path_factory.mktemp("sme"))


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    path = tmp_path_factory.mktemp("dense") / "测试行业表_虚构.csv"
    path.write_text(TEST_DENSE_LIST, encoding="utf-8")
    return read_dense_industries(path)


def _check(path: Path, **kw):
    with PatentStore.open(path, read_only=True) as store:
        return check_sme(store, "湖北省", as_of=AS_OF, **kw)


def _by_name(result):
    return {r.name: r for r in result.rows}


def _crit(result, name: str, number: int):
    return _by_name(result)[name].criteria[number - 1]


# -- who is checked; order; verdicts --------------------------------------------------


def test_the_province_register_is_checked_with_ten_criteria_in_order(sme_store):
    result = _check(sme_store)
    assert sorted(r.name for r in result.rows) == sorted(HUBEI)
    for r in result.rows:
        assert [c.criterion for c in r.criteria] == list(range(1, 11))
        assert [c.name for c in r.criteria] == list(CRITERIA.values())
        # without declarations, concordance or abnormal flags nothing can be eligible
        assert r.verdict in ("incomplete", "not_eligible")
        for c in r.missing:
            assert c.ask
    # a register enterprise without a province is not taken for the province's
    assert any(n.startswith("企业库中 1 家企业注册地未知") for n in result.notes)
    # the short form of a province is the same library
    assert sorted(r.name for r in _check_short(sme_store).rows) == sorted(HUBEI)


def _check_short(path: Path):
    with PatentStore.open(path, read_only=True) as store:
        return check_sme(store, "湖北", as_of=AS_OF)


def test_all_ten_known_and_passing_make_an_enterprise_eligible(sme_store, dense):
    decls = read_declarations(DECLARATIONS)
    result = _check(sme_store, declarations=decls, dense_industries=dense, abnormal={})
    e = _by_name(result)["宜昌市统领家私有限公司"]
    assert [c.result for c in e.criteria] == ["pass"] * 10, [
        (c.criterion, c.reason) for c in e.criteria if c.result != "pass"
    ]
    assert e.verdict == "eligible" and not e.missing
    # the same without the abnormal flags: criterion 10 cannot pass
    result = _check(sme_store, declarations=decls, dense_industries=dense)
    c10 = _crit(result, "宜昌市统领家私有限公司", 10)
    assert c10.result == "unknown" and "非正常专利申请" in (c10.ask or "")
    assert _by_name(result)["宜昌市统领家私有限公司"].verdict == "incomplete"


def test_an_abnormal_flag_or_a_declared_accident_fails_criterion_10(sme_store):
    decls = read_declarations(DECLARATIONS)
    result = _check(
        sme_store,
        declarations=decls,
        abnormal={"N:宜昌统领家私": ["批量相似申请（测试标记）"]},
    )
    c10 = _crit(result, "宜昌市统领家私有限公司", 10)
    assert c10.result == "fail"
    assert any(e.source == "abnormal" for e in c10.evidence)
    zf = _crit(result, "宜昌兆峰自动化仪表有限责任公司", 10)
    assert zf.result == "fail" and "重大安全事故" in zf.reason


# -- criterion 1 ---------------------------------------------------------------------


def test_criterion_1_size_from_the_register_and_unknown_without_revenue(sme_store):
    result = _check(sme_store)
    assert _crit(result, "宜昌勤业空调有限公司", 1).result == "fail"  # large
    assert _crit(result, "宜昌神达科技有限公司", 1).result == "pass"
    zf = _crit(result, "宜昌兆峰自动化仪表有限责任公司", 1)
    assert zf.result == "unknown"
    assert "营业收入" in (zf.ask or "")
    size = next(e for e in zf.evidence if e.field == "size_missing")
    assert size.value == ["revenue"] and size.source == "register"
    assert size.row == "第5行" and size.file and size.file.endswith("企业库_虚构.csv")


# -- criterion 2 ---------------------------------------------------------------------


def test_criterion_2_statuses_valid_on_the_as_of_day(sme_store):
    decls = read_declarations(DECLARATIONS)
    result = _check(sme_store, declarations=decls)
    assert _crit(result, "宜昌市统领家私有限公司", 2).result == "pass"
    # 高新 expired 2021-11-29 and the three others declared 否
    sd = _crit(result, "宜昌神达科技有限公司", 2)
    assert sd.result == "fail" and "2021-11-29" in sd.reason
    # 专精特新 declared held without its validity: unknown, ask for it
    zf = _crit(result, "宜昌兆峰自动化仪表有限责任公司", 2)
    assert zf.result == "unknown" and "有效期" in (zf.ask or "")
    assert all(e.source == "declaration" and e.row == 4 for e in zf.evidence)
    # valid on an earlier day
    with PatentStore.open(sme_store, read_only=True) as store:
        early = check_sme(store, "湖北省", declarations=decls, as_of=date(2021, 6, 1))
    assert _crit(early, "宜昌神达科技有限公司", 2).result == "pass"


def test_a_declared_enterprise_missing_from_the_register_is_noted(sme_store):
    result = _check(sme_store, declarations=read_declarations(DECLARATIONS))
    assert any(
        "武汉示例虚构科技有限公司" in n and "不在企业库" in n for n in result.notes
    )


# -- criterion 3 ---------------------------------------------------------------------


def test_criterion_3_needs_the_user_list_and_matches_register_codes(sme_store, dense):
    result = _check(sme_store)
    assert {r.criteria[2].result for r in result.rows} == {"unknown"}
    assert "--dense-industries" in (result.rows[0].criteria[2].ask or "")
    result = _check(sme_store, dense_industries=dense)
    assert _crit(result, "宜昌市统领家私有限公司", 3).result == "pass"  # C2110
    assert _crit(result, "宜昌勤业空调有限公司", 3).result == "fail"  # C3464
    partial = _crit(result, "宜昌神达科技有限公司", 3)  # C4011, marked *
    assert partial.result == "unknown" and "部分" in partial.reason
    coarse = _crit(result, "湖北金德源电气设备股份有限公司", 3)  # C38, 3823 listed
    assert coarse.result == "unknown" and "小类" in (coarse.ask or "")
    ev = next(e for e in partial.evidence if e.source == "concordance")
    assert ev.row == 4 and ev.file == dense.source


def test_dense_list_reader_rejects_a_bad_code(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("行业代码\n26\nX12345\n", encoding="utf-8")
    with pytest.raises(ParseError, match="第 3 行"):
        read_dense_industries(bad)
    txt = tmp_path / "codes.txt"
    txt.write_text("# 测试\nC2614\n27*\n", encoding="utf-8")
    entries = read_dense_industries(txt).entries
    assert [(e.code, e.partial) for e in entries] == [("2614", False), ("27", True)]


# -- criterion 4: counts against pandas over the raw export --------------------------


def _in_force_units(frame: pd.DataFrame, name: str) -> dict[str, int]:
    owned = frame[frame["当前申请专利权人"].map(lambda v: name in parts(v))]
    active = owned[owned["简单法律状态"] == "有效"]
    return {
        "invention": active[active["专利类型"] == "发明专利"]["公开公告号"].nunique(),
        "utility_model": active[active["专利类型"] == "实用新型"][
            "公开公告号"
        ].nunique(),
    }


def test_criterion_4_patent_counts_match_pandas_over_the_raw_export(
    sme_store, prevalue_store
):
    frame, patentics_rows, _path = prevalue_store
    result = _check(sme_store)
    checked = 0
    for name in HUBEI:
        # none of them is among the Patentics rows also in the store
        assert not patentics_rows["申请人"].fillna("").str.contains(name).any()
        expected = _in_force_units(frame, name)
        c4 = _crit(result, name, 4)
        ev = next(e for e in c4.evidence if e.field == "in_force_patents")
        assert ev.source == "store"
        assert ev.value["invention"] == expected["invention"], name
        assert ev.value["utility_model"] == expected["utility_model"], name
        checked += sum(expected.values())
    assert checked > 20
    # 备案 not declared: unknown even with patents
    tl = _crit(result, "宜昌市统领家私有限公司", 4)
    assert tl.result == "unknown" and "专利产品备案" in (tl.ask or "")


def test_criterion_4_declared_licence_and_filing(sme_store, prevalue_store):
    frame, _rows, _path = prevalue_store
    result = _check(sme_store, declarations=read_declarations(DECLARATIONS))
    yg = "宜昌银罡桑蚕科技股份有限公司"
    c4 = _crit(result, yg, 4)
    if sum(_in_force_units(frame, yg).values()) == 0:
        assert "许可" in c4.reason
    assert c4.result == "pass"  # licensed in 2, 备案 是
    zf = _crit(result, "宜昌兆峰自动化仪表有限责任公司", 4)
    assert zf.result == "fail" and "未完成专利产品备案" in zf.reason


# -- criterion 5 ---------------------------------------------------------------------


def test_criterion_5_rate_from_the_declaration(sme_store):
    result = _check(sme_store, declarations=read_declarations(DECLARATIONS))
    assert _crit(result, "宜昌市统领家私有限公司", 5).result == "pass"  # 60 (header %)
    assert _crit(result, "宜昌神达科技有限公司", 5).result == "fail"  # 45%
    assert (
        _crit(result, "宜昌银罡桑蚕科技股份有限公司", 5).result == "pass"
    )  # 50%, the bound
    assert _crit(result, "宜昌勤业空调有限公司", 5).result == "unknown"


# -- criterion 6: arithmetic in 万元 --------------------------------------------------


def test_criterion_6_rd_spending_in_wan(sme_store):
    result = _check(sme_store)
    # 900 万元 ≥ 500 万元
    assert _crit(result, "宜昌市统领家私有限公司", 6).result == "pass"
    # 250 / 2,500 万元 = exactly 10 %
    sd = _crit(result, "宜昌神达科技有限公司", 6)
    assert sd.result == "pass" and "10.0%" in sd.reason
    # 100 / 5,000 = 2 %, < 500 万元
    assert _crit(result, "湖北金德源电气设备股份有限公司", 6).result == "fail"
    # 60 / 1,500 = 4 %
    assert _crit(result, "宜昌银罡桑蚕科技股份有限公司", 6).result == "fail"
    # 200 万元 and no revenue: unknown, not a fail
    zf = _crit(result, "宜昌兆峰自动化仪表有限责任公司", 6)
    assert zf.result == "unknown" and "营业收入" in (zf.ask or "")
    figures = {e.field: e.value for e in sd.evidence}
    assert figures == {
        "rd_spending_wan": 250.0,
        "revenue_wan": 2500.0,
        "figures_year": 2021,
    }


def test_criterion_6_figures_of_another_year_are_unknown(sme_store):
    with PatentStore.open(sme_store, read_only=True) as store:
        later = check_sme(store, "湖北省", as_of=date(2024, 3, 1))
    c6 = _crit(later, "宜昌市统领家私有限公司", 6)
    assert c6.result == "unknown" and "2023" in (c6.ask or "")


# -- criterion 7 ---------------------------------------------------------------------


def test_criterion_7_staff_share_or_co_applications(sme_store, prevalue_store):
    frame, _rows, _path = prevalue_store
    result = _check(sme_store)
    assert _crit(result, "宜昌市统领家私有限公司", 7).result == "pass"  # 30/120
    sd = _crit(result, "宜昌神达科技有限公司", 7)  # 10/100, no co-applications
    assert sd.result == "unknown" and "合作" in (sd.ask or "")
    # 宜昌银罡: 5/60 staff, but co-owned with an institute in the raw export
    yg = "宜昌银罡桑蚕科技股份有限公司"
    rows = frame[frame["当前申请专利权人"].map(lambda v: yg in parts(v))]
    coop = rows[
        rows["当前申请专利权人"].map(
            lambda v: any(("研究院" in p or "大学" in p) for p in parts(v) if p != yg)
        )
        & (pd.to_numeric(rows["申请年"]) >= AS_OF.year - 3)
    ]
    c7 = _crit(result, yg, 7)
    assert len(coop) >= 1
    assert c7.result == "pass" and f"{len(coop)} 件" in c7.reason
    ev = next(e for e in c7.evidence if e.field == "co_applications")
    assert ev.value["in_window"] == len(coop)


# -- JSON shape ------------------------------------------------------------------------


def test_json_lists_criteria_in_order_with_the_promised_keys(sme_store, dense):
    data = _check(
        sme_store, declarations=read_declarations(DECLARATIONS), dense_industries=dense
    ).to_dict()
    assert {"province", "as_of", "enterprises", "counts", "notes"} <= set(data)
    for e in data["enterprises"]:
        assert {"enterprise_id", "name", "criteria", "verdict", "missing"} <= set(e)
        assert [c["criterion"] for c in e["criteria"]] == list(range(1, 11))
        for c in e["criteria"]:
            assert {"criterion", "name", "result", "evidence", "ask"} <= set(c)
            assert c["result"] in ("pass", "fail", "unknown")
            assert (c["ask"] is not None) == (c["result"] == "unknown")
            for ev in c["evidence"]:
                assert {"field", "value", "source", "file", "row"} <= set(ev)
                assert ev["source"] in (
                    "register",
                    "store",
                    "declaration",
                    "concordance",
                    "abnormal",
                )
        results = {c["result"] for c in e["criteria"]}
        expected = (
            "not_eligible"
            if "fail" in results
            else "eligible"
            if results == {"pass"}
            else "incomplete"
        )
        assert e["verdict"] == expected
        assert [m["criterion"] for m in e["missing"]] == [
            c["criterion"] for c in e["criteria"] if c["result"] == "unknown"
        ]


# -- the declarations reader ---------------------------------------------------------


def test_declarations_xlsx_and_yaml_equal_csv(tmp_path):
    import yaml

    csv = read_declarations(DECLARATIONS)
    frame = pd.read_csv(DECLARATIONS, dtype=str, keep_default_na=False)
    xlsx = tmp_path / "申报.xlsx"
    frame.to_excel(xlsx, index=False)
    yml = tmp_path / "申报.yaml"
    items = [{k: v for k, v in r.items() if v != ""} for r in frame.to_dict("records")]
    yml.write_text(
        yaml.safe_dump({"enterprises": items}, allow_unicode=True), encoding="utf-8"
    )
    strip = lambda ds: [  # noqa: E731
        {k: v for k, v in d.to_dict().items() if k not in ("file", "row")} for d in ds
    ]
    assert strip(read_declarations(xlsx)) == strip(csv)
    assert strip(read_declarations(yml)) == strip(csv)
    assert [d.row for d in csv] == [2, 3, 4, 5, 6]


def test_declarations_reader_refuses_what_it_cannot_read(tmp_path):
    bad = tmp_path / "d.csv"
    bad.write_text("企业名称,专利产业化率\n甲有限公司,55\n", encoding="utf-8")
    with pytest.raises(ParseError, match="第 2 行"):
        read_declarations(bad)  # 55 without % is not guessed
    bad.write_text("企业名称,严重失信\n甲有限公司,不清楚\n", encoding="utf-8")
    with pytest.raises(ParseError, match="是 或 否"):
        read_declarations(bad)
    bad.write_text("企业名称,高新技术企业有效期至\n甲有限公司,明年\n", encoding="utf-8")
    with pytest.raises(ParseError, match="不是日期"):
        read_declarations(bad)
    with pytest.raises(InputError):
        read_declarations(tmp_path / "d.json")


def test_an_empty_province_or_register_is_refused(prevalue_store, sme_store):
    with (
        PatentStore.open(sme_store, read_only=True) as store,
        pytest.raises(InvalidParameterError),
    ):
        check_sme(store, "省", as_of=AS_OF)
    _f, _r, bare = prevalue_store
    with (
        PatentStore.open(bare, read_only=True) as store,
        pytest.raises(InvalidParameterError, match="enterprises import"),
    ):
        check_sme(store, "湖北省", as_of=AS_OF)


# -- incoPat: the 国民经济分类 codes per patent as evidence; owners from applicants --------

INCOPAT = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"
GTMC = "广汽丰田汽车有限公司"


@pytest.fixture(scope="module")
def incopat(data_dir, tmp_path_factory):
    """The first 300 rows of the incoPat Toyota export (国民经济分类 per patent, no current
    owner column) and a store of them with a MADE-UP one-line register (广汽丰田 with an
    invented industry code)."""
    import warnings

    from patnav.enterprises.links import link_enterprises
    from patnav.enterprises.store import import_register
    from patnav.ingest.pipeline import import_paths

    folder = tmp_path_factory.mktemp("incopat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / INCOPAT, dtype=str).head(300)
    frame.to_csv(folder / "incopat_head.csv", index=False)
    register = folder / "企业库_虚构.csv"
    register.write_text(
        f"企业名称,所在地区,行业代码,备注\n{GTMC},广东省广州市,C3612,虚构数据（测试用）\n",
        encoding="utf-8",
    )
    path = folder / "incopat.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [folder / "incopat_head.csv"]).ok
        import_register(store, register)
        link_enterprises(store)
    return frame, path


def test_patent_industry_codes_are_evidence_counted_as_in_the_raw_export(incopat):
    frame, path = incopat
    with PatentStore.open(path, read_only=True) as store:
        result = check_sme(store, "广东省", as_of=AS_OF)
    (e,) = result.rows
    rows = frame[
        frame["申请人"]
        .fillna("")
        .map(lambda v: GTMC in [p.strip() for p in v.split(";")])
    ]
    codes = (
        rows.assign(code=rows["国民经济分类"].fillna("").str.split(";"))
        .explode("code")
        .assign(code=lambda f: f["code"].str.strip())
        .query("code != ''")
        .groupby("code")["公开（公告）号"]
        .nunique()
    )
    top = sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    c3 = e.criteria[2]
    ev = next(x for x in c3.evidence if x.field == "GBT4754")
    assert ev.source == "store" and list(ev.value.items()) == top
    assert c3.result == "unknown"  # no list loaded: the codes are evidence only
    # criterion 4 on a source without current owners: the applicants own
    active = rows[rows["专利有效性"] == "有效"]
    assert len(active) > 0
    ev4 = next(x for x in e.criteria[3].evidence if x.field == "in_force_patents")
    assert (
        ev4.value["utility_model"]
        == active[active["专利类型"] == "实用新型"]["申请号"].nunique()
    )
    assert (
        ev4.value["invention"]
        == active[active["专利类型"].str.startswith("发明")]["申请号"].nunique()
    )


def test_a_declared_enterprise_without_a_province_is_listed_unknown(
    sme_store, tmp_path
):
    path = tmp_path / "申报.csv"
    path.write_text(
        "企业名称,独立法人\n宜昌飞瑞球体制造有限公司,是\n", encoding="utf-8"
    )
    result = _check(sme_store, declarations=read_declarations(path))
    c1 = _crit(result, "宜昌飞瑞球体制造有限公司", 1)
    assert c1.result == "unknown" and "注册地" in (c1.ask or "")
    assert "申报为独立法人" in c1.reason


def test_criterion_4_fails_only_on_no_patents_and_a_declared_no_licence(
    sme_store, prevalue_store, tmp_path
):
    frame, _rows, _path = prevalue_store
    yg = "宜昌银罡桑蚕科技股份有限公司"
    owned = frame[frame["当前申请专利权人"].map(lambda v: yg in parts(v))]
    assert len(owned) > 0 and sum(_in_force_units(frame, yg).values()) == 0
    path = tmp_path / "申报.csv"
    path.write_text(
        f"企业名称,许可使用专利,专利产品备案\n{yg},否,是\n", encoding="utf-8"
    )
    result = _check(sme_store, declarations=read_declarations(path))
    c4 = _crit(result, yg, 4)
    assert c4.result == "fail" and "无许可使用专利" in c4.reason
    # without the licence column the same data leave it unknown
    assert _crit(_check(sme_store), yg, 4).result == "unknown"


# -- criterion 10 from the abnormal-filing detector -------------------------------------


def test_criterion_10_from_the_detector_is_unknown_where_texts_cannot_be_compared(
    sme_store,
):
    """The PatSnap export carries titles only: nothing can be compared, so no enterprise
    is clean by default — its abnormal part is unknown, not a pass."""
    from patnav.models.sme.abnormal import abnormal_flags

    decls = read_declarations(DECLARATIONS)
    with PatentStore.open(sme_store, read_only=True) as store:
        flags, unchecked = abnormal_flags(store)
        result = check_sme(
            store,
            "湖北省",
            as_of=AS_OF,
            declarations=decls,
            abnormal=flags,
            abnormal_unchecked=unchecked,
        )
    assert all(v == [] for v in flags.values())
    c10 = _crit(result, "宜昌市统领家私有限公司", 10)
    assert c10.result == "unknown" and "未能做相似申请或拼凑" in c10.reason
    assert "摘要" in (c10.ask or "")


def test_a_flag_of_the_detector_fails_criterion_10(sme_store, prevalue_store):
    """Titles compared (the detector's switch for exports without abstracts): an
    enterprise whose own filings repeat a title is flagged, and fails criterion 10;
    the repeated titles are read from the raw export with pandas."""
    from dataclasses import replace

    from patnav.models.abnormal.rules import Thresholds
    from patnav.models.sme.abnormal import abnormal_flags

    with PatentStore.open(sme_store, read_only=True) as store:
        flags, unchecked = abnormal_flags(
            store, replace(Thresholds.load(), titles_alone=1, min_shingles=4)
        )
        result = check_sme(
            store, "湖北省", as_of=AS_OF, abnormal=flags, abnormal_unchecked=unchecked
        )
    flagged = {r.name for r in result.rows if r.criteria[9].result == "fail"}
    assert flagged
    # titles compared for near-duplicates, but a title alone is no text to judge a
    # recombination by: no enterprise's abnormal part is a pass without a flag
    for r in result.rows:
        c10 = r.criteria[9]
        if r.name not in flagged and r.enterprise_id in flags:
            assert c10.result != "pass", r.name
            assert "拼凑" in c10.reason, r.name
    frame = prevalue_store[0]
    for name in flagged:
        own = frame[frame["当前申请专利权人"].fillna("").str.contains(name)]
        repeated = own["标题"].value_counts()
        assert (repeated >= 2).any(), name
        ev = _crit(result, name, 10).evidence
        assert any(e.source == "abnormal" and e.value for e in ev)
