"""CNIPA XML, old and new standard: field values read from the real files."""

from __future__ import annotations

from datetime import date

import pytest

from patnav.ingest.base import Read, ReadOptions, file_source
from patnav.ingest.pipeline import import_paths
from patnav.ingest.readers import cnipa_xml
from patnav.schema.records import PatentType, Role


def read_one(path):
    items = list(cnipa_xml.read(file_source(path), ReadOptions()))
    (record,) = [i.record for i in items if isinstance(i, Read)]
    return record


@pytest.fixture(scope="module")
def cn(data_dir):
    folder = data_dir / "formats/cnipa-xml"
    return {
        "old1": read_one(folder / "cn_old1.xml"),
        "old2": read_one(folder / "cn_old2.xml"),
        "old3": read_one(folder / "cn_old3.xml"),
        "new1": read_one(folder / "cn_new1.xml"),
        "new2": read_one(folder / "cn_new2.xml"),
        "new3": read_one(
            folder / "CN102015000481495CN00001152124630AFULZH20221021CN00D.XML"
        ),
    }


def names(record, role):
    return [p.name for p in record.parties if p.role == role]


def test_old_standard_bibliographic_data(cn):
    r = cn["old1"]
    assert (r.pub_number, r.kind, r.office) == ("CN104223352A", "A", "CN")
    assert (r.app_number, r.app_number_raw) == ("CN201410408762", "201410408762.5")
    assert (r.app_date, r.pub_date) == (date(2014, 8, 19), date(2014, 12, 24))
    assert r.patent_type == PatentType.INVENTION
    assert r.title == "一种甘草发酵所得烟用香料及其应用"
    assert r.abstract.startswith("本发明公开了一种甘草发酵所得烟用香料及其应用。")
    assert [c.code for c in r.classifications] == [
        "A24B15/18",
        "C11B9/00",
        "C12P1/02",
        "C12R1/645",
    ]
    assert r.ipc_main == "A24B15/18"  # the first symbol is CNIPA's main one
    assert dict(r.extras)["appl_type"] == "发明专利"


def test_old_standard_parties_in_order_with_address_and_agency_code(cn):
    r = cn["old1"]
    (applicant,) = [p for p in r.parties if p.role == Role.APPLICANT]
    assert applicant.name == "云南中烟工业有限责任公司"
    assert applicant.address == "云南省昆明市五华区红锦路367号云烟科技园C区"
    assert applicant.postcode == "650231"
    inventors = names(r, Role.INVENTOR)
    assert len(inventors) == 8
    assert (inventors[0], inventors[-1]) == ("段焰青", "王文元")
    (agency,) = [p for p in r.parties if p.role == Role.AGENCY]
    assert (agency.name, agency.ext_id) == (
        "昆明协立知识产权代理事务所(普通合伙)",
        "53108",
    )
    assert names(r, Role.AGENT) == ["谢嘉", "旃习涵"]


def test_old_standard_claims_are_unwrapped_and_linked(cn):
    r = cn["old1"]
    assert r.claims_count == 3
    first, second, third = r.claim_items
    # the source breaks lines inside the sentence (…与水<br/>按1:5…): joined, no space
    assert first.text.startswith(
        "一种甘草发酵所得烟用香料，其特征在于：将甘草片或甘草粉与水按1:5～1:50"
    )
    assert first.is_independent
    assert second.depends_on == (1,) and third.depends_on == (1,)
    assert cn["old2"].claims_count == 43
    # 如权利要求1～3中的任一项 → 1, 2, 3; 如权利要求1或2 → 1, 2
    old3 = {c.num: c.depends_on for c in cn["old3"].claim_items}
    assert old3 == {1: (), 2: (1,), 3: (1, 2), 4: (1, 2, 3), 5: (1,)}


def test_old_standard_priorities_and_pct(cn):
    r = cn["old2"]
    assert len(r.priorities) == 6
    first = r.priorities[0]
    assert (first.country, first.number, first.date) == (
        "KR",
        "KR1020130033547",
        date(2013, 3, 28),
    )
    assert r.priority_date == date(2013, 3, 28)
    assert r.pct_app_number == "PCT/KR2014/002669"
    assert r.pct_pub_number == "WO2014157990"
    assert r.pct_entry_date == date(2014, 9, 30)
    second_applicant = [p for p in r.parties if p.role == Role.APPLICANT][1]
    assert (second_applicant.name, second_applicant.address) == (
        "盛源立赛科株式会社",
        None,
    )
    assert cn["old3"].pct_app_number == "PCT/JP2014/059529"
    assert cn["old3"].pct_pub_number is None


def test_new_standard_bibliographic_data(cn):
    r = cn["new1"]
    assert (r.pub_number, r.pub_date) == ("CN113781974A", date(2021, 12, 10))
    assert (r.app_number, r.app_number_raw) == ("CN202111286633", "202111286633.X")
    assert r.app_date == date(2017, 4, 24)
    (p,) = r.priorities
    assert (p.country, p.number, p.date) == ("KR", "KR1020160063019", date(2016, 5, 23))
    assert r.parent_app_number == "CN201710269973"  # a divisional
    assert r.title == "显示设备"
    assert [c.code for c in r.classifications] == ["G09G3/36", "G09G3/3208", "G09G3/34"]
    (applicant,) = [p for p in r.parties if p.role == Role.APPLICANT]
    assert (applicant.name, applicant.country, applicant.address) == (
        "三星显示有限公司",
        "KR",
        "韩国京畿道",
    )
    assert applicant.province is None  # CNIPA writes 0 for "unknown"
    (agency,) = [p for p in r.parties if p.role == Role.AGENCY]
    assert (agency.name, agency.ext_id) == (
        "北京英赛嘉华知识产权代理有限责任公司",
        "11204",
    )
    assert names(r, Role.AGENT) == ["王达佐", "刘铮"]
    assert r.claims_count == 17


def test_new_standard_address_is_split_into_province_city_district(cn):
    r = cn["new2"]
    (applicant,) = [p for p in r.parties if p.role == Role.APPLICANT]
    assert applicant.name == "浙商银行股份有限公司"
    assert (applicant.province, applicant.city, applicant.district) == (
        "浙江省",
        "杭州市",
        "萧山区",
    )
    assert (applicant.postcode, applicant.country) == ("311200", "CN")
    assert applicant.address == "浙江省杭州市萧山区鸿宁路1788号"
    assert names(r, Role.INVENTOR) == ["陈嘉俊", "臧铖", "郭东升"]
    assert len(r.classifications) == 5 and r.ipc_main == "H04L29/08"
    assert r.claims_count == 10


def test_new_standard_claim_ranges_and_description(cn):
    r = cn["new3"]
    assert r.pub_number == "CN115212463A"
    deps = {c.num: c.depends_on for c in r.claim_items}
    assert deps[5] == (1, 2, 3, 4)  # 根据权利要求1至4任一项
    assert deps[6] == (5,)
    assert r.claim_items[0].text.startswith(
        "一种医用放射治疗装置，其特征在于，包括：机体(1)；"
    )
    (description,) = [t for t in r.texts if t.section == "description"]
    assert description.lang == "zh"
    assert description.text.splitlines()[:3] == [
        "一种医用放射治疗装置",
        "技术领域",
        "本发明涉及加速器放射治疗技术领域，特别是涉及一种医用放射治疗装置。",
    ]


def test_import_reports_the_format_it_chose(data_dir, store):
    report = import_paths(store, [data_dir / "formats/cnipa-xml/cn_new2.xml"])
    (f,) = report.files
    assert (f.format, f.status, f.new) == ("cnipa-xml", "ok", 1)
    assert any("new standard V2.2.1" in n for n in f.notices)
    assert store.rows(
        "SELECT num, depends_on FROM claims WHERE num <= 2 ORDER BY num"
    ) == [
        (1, []),
        (2, [1]),
    ]
    assert store.scalar("SELECT city FROM parties WHERE role = 'applicant'") == "杭州市"
