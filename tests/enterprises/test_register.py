"""Reading enterprise lists: header variants, values normalised, bad rows rejected.

The lists are made up (fixtures/README.md); tables built here are too.
"""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest

from patnav.enterprises.register import RegisterRow, read_register
from patnav.enterprises.vocabulary import parse_listing, parse_qualifications
from patnav.errors import InvalidParameterError, ParseError
from patnav.ingest.base import Notice, Rejected
from tests.enterprises.conftest import GAOQI, REGISTER, XIAOJUREN


def _split(items):
    rows = [i for i in items if isinstance(i, RegisterRow)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    notices = [i.message for i in items if isinstance(i, Notice)]
    return rows, rejected, notices


def _by_name(rows):
    return {r.record.name: r.record for r in rows}


def test_a_little_giant_list_takes_its_qualification_and_year_from_the_title():
    rows, rejected, notices = _split(list(read_register(XIAOJUREN)))
    assert len(rows) == 3
    for row in rows:
        (q,) = row.record.qualifications
        assert (q.code, q.year, q.batch, q.level) == (
            "little_giant",
            2021,
            "第三批",
            "national",
        )
        assert row.record.city == "泰安市"
    assert [(r.position, r.reason) for r in rejected] == [
        (
            "名单 第6行",
            "统一社会信用代码“91370900FXC00000X9”无效：校验码应为 D，实为 9",
        ),
        ("名单 第7行", "没有企业名称"),
    ]
    assert "表头在 名单 第2行" in notices


def test_a_high_tech_list_takes_its_qualification_from_the_file_name():
    rows, rejected, notices = _split(list(read_register(GAOQI)))  # GB18030 CSV
    assert not rejected
    assert {r.record.name for r in rows} == {
        "山东泰开隔离开关有限公司",
        "山东明佳包装检测科技有限公司",
        "山东泰开高压开关有限公司",
    }
    for row in rows:
        assert [(q.code, q.year) for q in row.record.qualifications] == [
            ("high_tech", 2019)
        ]
        # no region column: the code's division (370900) places it
        assert (row.record.city, row.record.location_source) == ("泰安市", "uscc")
    assert "未识别的列（未导入）：证书编号" in notices


def test_a_register_normalises_amounts_dates_regions_industries_and_listing():
    rows, rejected, _ = _split(list(read_register(REGISTER)))
    by = _by_name(rows)
    big = by["山东泰开变压器有限公司"]
    assert big.employees == 1500
    assert big.revenue_wan == 50000  # header 万元
    assert big.assets_wan == 65000  # header 亿元: 6.5 亿 = 65,000 万
    assert big.founded == date(2001, 3, 15)
    assert (big.province, big.city, big.district, big.region_code) == (
        "山东省",
        "泰安市",
        "泰山区",
        "370902",
    )
    assert big.industry_code == "C3821"
    assert big.listing == "unlisted"
    assert [(q.code, q.year) for q in big.qualifications] == [
        ("high_tech", 2020),
        ("srdi_sme", 2022),
    ]
    mid = by["泰安市华鲁锻压机床有限公司"]
    assert mid.founded == date(2004, 5, 8)  # 2004年5月8日
    assert mid.listing == "neeq"
    assert mid.district == "岱岳区"
    small = by["泰安鲁普耐特新材料有限公司"]
    assert small.founded is None and small.founded_year == 2006  # a year only
    assert small.former_names == ("泰安鲁普耐特塑料有限公司",)
    star = by["山东泰开电力电子股份有限公司"]
    assert star.revenue_wan == 25000  # the cell says 2.5亿
    assert star.listing == "star_market"
    assert [(r.position, r.reason) for r in rejected] == [
        ("企业库 第8行", "营业收入“约五千万”不是金额"),
        (
            "企业库 第9行",
            "统一社会信用代码“91370900FXR00000A1”无效：校验码应为 3，实为 1",
        ),
    ]


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_header_variants_and_qualification_columns(tmp_path):
    path = _xlsx(
        tmp_path / "list.xlsx",
        [
            ["序号", "单位名称（全称）", "省份", "城市", "从业人员数（人）",
             "2022年营业收入(元)", "研发费用（万元）", "国民经济行业分类",
             "高新技术企业（认定年份）", "国家知识产权示范企业", "资质荣誉", "股票代码"],
            [1, "甲乙丙科技有限公司", "湖北省", "武汉市", "120", "35,000,000", "300",
             "6513", "2019、2022", "是", "省级专精特新中小企业（2023）", "688001"],
            [2, "丁戊科技有限公司", "湖北省", "襄阳市", 30, 2500000, None, "C",
             "否", None, None, None],
        ],
    )  # fmt: skip
    rows, rejected, _ = _split(list(read_register(path)))
    assert not rejected
    first, second = (r.record for r in rows)
    assert first.name == "甲乙丙科技有限公司"
    assert (first.province, first.city) == ("湖北省", "武汉市")
    assert first.employees == 120
    assert first.revenue_wan == 3500  # 35,000,000 元
    assert first.figures_year == 2022
    assert first.rd_spending_wan == 300
    assert first.industry_code == "I6513"
    assert first.listing == "star_market"
    assert sorted((q.code, q.year, q.level) for q in first.qualifications) == [
        ("high_tech", 2019, None),
        ("high_tech", 2022, None),
        ("ip_demonstration", None, "national"),
        ("srdi_sme", 2023, "provincial"),
    ]
    assert second.qualifications == ()
    assert second.revenue_wan == 250


def test_amounts_without_a_unit_are_rejected_unless_one_is_given(tmp_path):
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(
            [["企业名称", "营业收入", "资产总额"], ["甲公司", "1200", "3亿"]]
        )
    rows, rejected, _ = _split(list(read_register(path)))
    assert not rows
    assert rejected[0].reason.startswith("营业收入“1200”未注明单位")
    rows, rejected, _ = _split(list(read_register(path, amount_unit="万元")))
    assert (rows[0].record.revenue_wan, rows[0].record.assets_wan) == (1200, 30000)


def test_a_file_that_is_not_an_enterprise_list_is_refused(tmp_path, data_dir):
    with pytest.raises(ParseError, match="企业名称"):
        list(read_register(data_dir / "formats/cn-excel/cnipa_export_199.xlsx"))
    with pytest.raises(InvalidParameterError):
        list(read_register(GAOQI, amount_unit="美元"))


def test_listing_and_qualification_words():
    assert parse_listing("上交所科创板") == "star_market"
    assert parse_listing("300750") == "chinext"
    assert parse_listing("600519") == "main_board"
    assert parse_listing("未上市") == "unlisted"
    assert parse_listing("不详") is None
    quals = parse_qualifications(
        "专精特新「小巨人」企业(第四批)；国家知识产权优势企业2020"
    )
    assert [(q.code, q.year, q.batch) for q in quals] == [
        ("little_giant", None, "第四批"),
        ("ip_advantage", 2020, None),
    ]


def test_a_register_with_qualification_columns_ignores_its_title(tmp_path):
    path = _xlsx(
        tmp_path / "高新技术企业统计表.xlsx",
        [
            ["2023年高新技术企业统计表"],
            ["企业名称", "企业资质"],
            ["甲公司", "高新技术企业(2022)"],
            ["乙公司", None],
        ],
    )
    rows, _, _ = _split(list(read_register(path)))
    quals = {r.record.name: [q.code for q in r.record.qualifications] for r in rows}
    assert quals == {"甲公司": ["high_tech"], "乙公司": []}
