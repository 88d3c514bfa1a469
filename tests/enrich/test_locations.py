"""Locations against the provinces written in the real CNIPA export and XML addresses."""

from __future__ import annotations

import re
import warnings

import openpyxl
import pytest
from lxml import etree

from patnav.enrich.gazetteer import infer_from_name, parse_address
from patnav.enrich.locations import province_of_postcode
from patnav.schema.vocabulary import PROVINCES

_FULL = sorted(PROVINCES.values(), key=len, reverse=True)
_SHORT = {p[:2]: p for p in _FULL} | {"内蒙": "内蒙古自治区", "黑龙": "黑龙江省"}
_MUNICIPAL = ("北京市", "天津市", "上海市", "重庆市")


def written_province(address: str) -> str | None:
    """The province an address names at its start, read independently of patnav."""
    text = re.sub(r"^\d{6}\s*", "", address)
    if not re.match(r"[\u4e00-\u9fff]", text) or text.startswith("中国"):
        return None
    return next((p for p in _FULL if text.startswith(p)), None) or _SHORT.get(text[:2])


@pytest.fixture(scope="module")
def cnipa_rows(data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(
            data_dir / "formats/cn-excel/cnipa_export_199.xlsx", read_only=True
        )
        rows = list(wb.active.iter_rows(values_only=True))
        wb.close()
    head = rows[0]
    a, n, k = (
        head.index("地址"),
        head.index("申请（专利权）人"),
        head.index("公开（公告）号"),
    )
    return [(r[k], r[a], r[n].split(";")[0]) for r in rows[1:] if r[a]]


def test_address_provinces_match_the_cnipa_export(cnipa_rows):
    checked = [(addr, written_province(addr)) for _, addr, _ in cnipa_rows]
    checked = [(addr, p) for addr, p in checked if p]
    assert len(checked) >= 190
    wrong = [(a, p, parse_address(a)) for a, p in checked]
    wrong = [w for w in wrong if w[2] is None or w[2].province != w[1]]
    assert wrong == []


def test_address_cities_match_the_cnipa_export(cnipa_rows):
    """The city written after the province is the city, or the county-level city (桐乡市
    belongs to 嘉兴市); 莱芜市 was merged into 济南市 in 2019."""
    checked = right = 0
    for _, addr, _ in cnipa_rows:
        province = written_province(addr)
        if not province:
            continue
        text = re.sub(r"^\d{6}\s*", "", addr)
        rest = text[len(province) :] if text.startswith(province) else text[2:]
        m = re.match(r"^(.{2,8}?(?:市|自治州|地区|盟))", rest)
        city = province if province in _MUNICIPAL else (m.group(1) if m else None)
        if not city:
            continue
        checked += 1
        got = parse_address(addr)
        right += bool(got and city in (got.city, got.district))
    assert checked >= 185
    assert right / checked >= 0.99
    assert parse_address("山东省莱芜市钢城区友谊大街38号").city == "济南市"


def test_foreign_and_special_addresses(cnipa_rows):
    addresses = {addr for _, addr, _ in cnipa_rows}
    hk = next(a for a in addresses if a.startswith("中国香港"))
    assert parse_address(hk).country == "HK"
    assert parse_address(hk).province == "香港特别行政区"
    de = next(a for a in addresses if a.startswith("德国"))
    assert parse_address(de).country == "DE" and parse_address(de).province is None


def test_xml_addresses_agree_with_their_structured_fields(data_dir):
    checked = 0
    for path in sorted((data_dir / "formats/cnipa-xml").glob("cn_new*.xml")) + sorted(
        (data_dir / "formats/cnipa-xml").glob("CN*.XML")
    ):
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False
        )
        for address in etree.parse(str(path), parser).iter("{*}Address"):
            fields = {
                t: (address.findtext("{*}" + t) or "").strip()
                for t in ("Province", "City", "WIPOST3Code", "Text")
            }
            got = parse_address(fields["Text"])
            assert got is not None and got.country == fields["WIPOST3Code"]
            if fields["Province"] not in ("", "0"):
                assert (got.province, got.city) == (fields["Province"], fields["City"])
            checked += 1
    assert checked == 3


def test_name_alone_mostly_gets_the_province_right(cnipa_rows):
    """How often the applicant's name alone names the province its address gives."""
    inferred = agree = 0
    for _, addr, name in cnipa_rows:
        province = written_province(addr)
        place = infer_from_name(name)
        if province and place and place.province:
            inferred += 1
            agree += place.province == province
    assert inferred >= 80  # about half the organisations name their place
    assert agree / inferred >= 0.95


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("湖北省襄樊市樊城区人民路1号", ("湖北省", "襄阳市", "樊城区", "420606")),
        ("襄樊市高新区", ("湖北省", "襄阳市", None, "420600")),
        ("湖北省仙桃市仙桃大道", ("湖北省", "仙桃市", None, "429004")),
        ("湖北潜江市", ("湖北省", "潜江市", None, "429005")),
        ("湖北省天门市", ("湖北省", "天门市", None, "429006")),
        ("神农架林区松柏镇", ("湖北省", "神农架林区", None, "429021")),
        ("上海市杨浦区共青路357弄1号", ("上海市", "上海市", "杨浦区", "310110")),
        ("山东省新泰市青云街道", ("山东省", "泰安市", "新泰市", "370982")),
        ("广西南宁市", ("广西壮族自治区", "南宁市", None, "450100")),
    ],
)
def test_renamed_and_province_administered_divisions(address, expected):
    got = parse_address(address)
    assert (got.province, got.city, got.district, got.region_code) == expected


def test_names_infer_their_place():
    assert infer_from_name("武汉华星光电技术有限公司").city == "武汉市"
    assert infer_from_name("中国科学院长春光学精密机械与物理研究所").city == "长春市"
    assert infer_from_name("浙江大学").province == "浙江省"
    assert infer_from_name("华为技术有限公司") is None
    assert infer_from_name("阿里巴巴集团控股有限公司") is None
    assert province_of_postcode("430074").province == "湖北省"


def test_step_places_parties_and_marks_the_source(enriched, cnipa_rows):
    rows = dict(
        (doc, (province, source))
        for doc, province, source in enriched.rows(
            "SELECT doc_id, province, location_source FROM parties "
            "WHERE role = 'applicant' AND seq = 1 AND address IS NOT NULL"
        )
    )
    for pub, addr, _ in cnipa_rows:
        province = written_province(addr)
        if province:
            assert rows[pub] == (province, "address")
    # the export has 12 documents from Hubei, counted from its addresses
    hubei = sum("湖北" in addr for _, addr, _ in cnipa_rows)
    assert hubei == 12
    assert (
        enriched.scalar(
            "SELECT count(DISTINCT p.doc_id) FROM parties p JOIN provenance v USING (doc_id) "
            "WHERE p.role = 'applicant' AND p.seq = 1 AND p.province = '湖北省' "
            "AND v.file LIKE '%cnipa_export_199.xlsx'"
        )
        == hubei
    )
    # names alone place the Hubei applicants of the CCF corpus, marked as inferred
    assert (
        enriched.scalar(
            "SELECT location_source FROM parties WHERE name = '武汉华星光电技术有限公司' LIMIT 1"
        )
        == "name"
    )
