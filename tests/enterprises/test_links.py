"""Linking the (made-up) register to the real applicants of the Tai'an corpus."""

from __future__ import annotations

from patnav.enterprises.links import (
    decide_link,
    find_links,
    link_enterprises,
    list_links,
)
from patnav.enterprises.store import import_register
from tests.enterprises.conftest import GAOQI, REGISTER, XIAOJUREN


def _load(store):
    for path in (XIAOJUREN, GAOQI, REGISTER):
        import_register(store, path)
    return link_enterprises(store)


def test_links_by_exact_name_former_name_and_normalised_name(taian, taian_raw):
    report = _load(taian)
    links = {
        (x.enterprise_name, x.applicant_name): x for x in list_links(taian, status=None)
    }
    counts = taian_raw["申请人"].value_counts()
    exact = links[("山东泰开高压开关有限公司", "山东泰开高压开关有限公司")]
    assert (exact.method, exact.confidence, exact.status) == ("exact", 1.0, "linked")
    assert exact.documents == counts["山东泰开高压开关有限公司"]  # 97 in the raw file
    former = links[("泰安鲁普耐特新材料有限公司", "泰安鲁普耐特塑料有限公司")]
    assert (former.method, former.status) == ("former_name", "linked")
    assert former.documents == counts["泰安鲁普耐特塑料有限公司"]
    # 泰安市华鲁… in the register, 泰安华鲁… in the patents: one key, one form
    normal = links[("泰安市华鲁锻压机床有限公司", "泰安华鲁锻压机床有限公司")]
    assert (normal.method, normal.confidence, normal.status) == (
        "normalized",
        0.9,
        "linked",
    )
    assert report.by_status == {"linked": 9, "review": 2}


def test_uncertain_links_wait_for_review(taian):
    _load(taian)
    review = list_links(taian)
    assert [(x.enterprise_name, x.applicant_name, x.note) for x in review] == [
        (
            "山东泰开电力电子股份有限公司",
            "山东泰开电力电子有限公司",
            "公司形式不同：股份有限公司 / 有限公司",
        ),
        (
            "山东鲁普耐特新材料工程技术研究中心有限公司",
            "山东鲁普耐特新材料工程技术研究中心",
            "公司形式不同：有限公司 / 无",
        ),
    ]
    assert all(x.confidence < 0.9 for x in review)


def test_decisions_survive_linking_again(taian):
    _load(taian)
    first, second = list_links(taian)
    decide_link(taian, first.link_id, accept=True)
    decide_link(taian, second.link_id, accept=False)
    link_enterprises(taian)
    statuses = {x.link_id: x.status for x in list_links(taian, status=None)}
    assert statuses[first.link_id] == "accepted"
    assert statuses[second.link_id] == "rejected"
    assert list_links(taian) == []


def test_a_key_shared_by_two_enterprises_is_uncertain(store, tmp_path):
    from patnav.enterprises.uscc import check_character
    from tests.enterprises.test_register import _xlsx

    # two made-up enterprises (two codes) whose names key alike, and an applicant
    store.execute(
        "INSERT INTO parties (doc_id, role, seq, name) VALUES "
        "('CN1A', 'applicant', 1, '泰安华鲁锻压机床有限公司')"
    )
    codes = [f"91370900FXK00000{i}" for i in (1, 2)]
    path = _xlsx(
        tmp_path / "two.xlsx",
        [
            ["企业名称", "统一社会信用代码"],
            ["泰安市华鲁锻压机床有限公司", codes[0] + check_character(codes[0])],
            ["泰安华鲁锻压机床股份有限公司", codes[1] + check_character(codes[1])],
        ],
    )
    import_register(store, path)
    links = find_links(store)
    assert sorted((x["enterprise_id"][-2], x["confidence"]) for x in links) == [
        ("1", 0.5),
        ("2", 0.5),
    ]
    assert {x["note"] for x in links} == {"2家企业的名称规范化后相同"}
