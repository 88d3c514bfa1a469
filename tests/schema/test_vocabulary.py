"""Legal statuses, patent and applicant types, provinces as sources spell them."""

from __future__ import annotations

import re

import pytest

from patnav.schema.records import LegalStatus, PartyType, PatentType
from patnav.schema.vocabulary import (
    parse_legal_status,
    parse_party_type,
    parse_patent_type,
    parse_province_code,
)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("有权-审定授权", LegalStatus.ACTIVE),  # cn-sql dump
        ("有效", LegalStatus.ACTIVE),
        ("无权-未缴年费", LegalStatus.LAPSED),
        ("无权-期限届满", LegalStatus.EXPIRED),
        ("审中-实审", LegalStatus.PENDING),
        ("无权-视为撤回", LegalStatus.WITHDRAWN),
        ("无权-驳回", LegalStatus.REJECTED),
        ("部分无效", LegalStatus.ACTIVE),
        ("全部无效", LegalStatus.INVALIDATED),
        ("ACTIVE", LegalStatus.ACTIVE),
        ("Pending", LegalStatus.PENDING),
        ("EXPIRED", LegalStatus.EXPIRED),
        # Patentics: 有效 / 无效 (no longer in force) / 驳回 / 撤回 / 公开 / 其他
        ("无效", LegalStatus.LAPSED),
        ("公开", LegalStatus.PENDING),
        ("其他", None),
        # incoPat 专利有效性 and 当前法律状态
        ("PCT-有效期内", LegalStatus.PENDING),
        ("未进入国家阶段-PCT有效期内", LegalStatus.PENDING),
        ("未进入国家阶段-PCT有效期满", LegalStatus.LAPSED),
        ("进入国家阶段-PCT有效期满", None),  # national phases exist: not this one's end
        ("PCT-有效期满", None),
        ("实质审查", LegalStatus.PENDING),
        ("权利终止", LegalStatus.LAPSED),
        ("期限届满", LegalStatus.EXPIRED),
        ("放弃", LegalStatus.WITHDRAWN),
    ],
)
def test_legal_status(raw, status):
    assert parse_legal_status(raw) is status


def test_every_patentics_status_word_is_read(data_dir):
    """Every status the Patentics exports write (read from the raw files) means what
    Patentics means by it; 其他 is no status."""
    import pandas as pd

    expected = {
        "有效": LegalStatus.ACTIVE,
        "无效": LegalStatus.LAPSED,
        "驳回": LegalStatus.REJECTED,
        "撤回": LegalStatus.WITHDRAWN,
        "公开": LegalStatus.PENDING,
        "其他": None,
    }
    seen: set[str] = set()
    for path in (data_dir / "formats/cn-db-exports").glob("patentics_*.csv"):
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, index_col=False)
        seen |= set(frame["法律状态"].dropna())
    assert seen == set(expected)
    for word in seen:
        assert parse_legal_status(word) is expected[word], word


def test_unknown_legal_status_is_none_not_a_guess():
    assert parse_legal_status("foo") is None


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("实用新型", PatentType.UTILITY_MODEL),
        ("发明授权", PatentType.INVENTION),
        ("外观设计", PatentType.DESIGN),
        ("Design right", PatentType.DESIGN),
    ],
)
def test_patent_type(raw, kind):
    assert parse_patent_type(raw) is kind


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("科研机构", PartyType.INSTITUTE),
        ("大专院校", PartyType.UNIVERSITY),
        ("企业", PartyType.COMPANY),
        ("个人", PartyType.INDIVIDUAL),
        ("机关团体", PartyType.GOVERNMENT),
        ("Academic", PartyType.UNIVERSITY),
        ("Corporate", PartyType.COMPANY),
    ],
)
def test_party_type(raw, kind):
    assert parse_party_type(raw) is kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("河南(41)", ("河南省", "CN")),
        ("32", ("江苏省", "CN")),
        ("江苏", ("江苏省", "CN")),
        ("美国(US)", (None, "US")),
        ("台湾;71", ("台湾省", "TW")),
        ("", (None, None)),
    ],
)
def test_province_code(raw, expected):
    assert parse_province_code(raw) == expected


def test_every_value_in_the_real_sql_dump_is_understood(data_dir):
    text = (data_dir / "formats/cn-sql/专利总表(案例).sql").read_text("utf-8")
    rows = re.findall(r"VALUES \((.*)\);", text)
    assert len(rows) == 10
    for row in rows:
        cells = re.findall(r"'((?:[^']|'')*)'|(-?\d+)", row)
        values = [a or b for a, b in cells]
        # columns: 专利类型 is the 10th, 法律状态 the 16th, 国省代码 the 19th, 申请人类型 the 28th
        assert parse_patent_type(values[9]) is not None
        assert parse_legal_status(values[15]) is not None
        assert parse_province_code(values[18])[1] == "CN"
        assert parse_party_type(values[27]) is not None
