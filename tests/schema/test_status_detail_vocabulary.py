"""Status details (the reason behind a status) and the new event types, from the words
sources write (issue 14)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from patnav.schema.records import STATUS_OF_DETAIL, EventType, StatusDetail
from patnav.schema.vocabulary import (
    STATUS_DETAIL_ZH,
    parse_event_type,
    parse_legal_status,
    parse_status_detail,
)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("无权-未缴年费", StatusDetail.LAPSED_NON_PAYMENT),
        ("未缴年费", StatusDetail.LAPSED_NON_PAYMENT),
        ("无权-期限届满", StatusDetail.EXPIRED),
        ("无权-放弃", StatusDetail.ABANDONED),
        ("撤回", StatusDetail.WITHDRAWN),
        ("视为撤回", StatusDetail.DEEMED_WITHDRAWN),
        ("驳回", StatusDetail.REJECTED),
        ("全部无效", StatusDetail.INVALIDATED),
        ("权利终止", StatusDetail.LAPSED),
        ("有权-审定授权", StatusDetail.IN_FORCE),
        ("部分无效", StatusDetail.IN_FORCE),
        ("审中-实审", StatusDetail.PENDING),
        ("PCT-有效期内", StatusDetail.PCT_INTERNATIONAL),
        ("PCT-有效期满-未进入国家阶段-PCT有效期满", StatusDetail.PCT_NOT_ENTERED),
        ("Expired - Fee Related", StatusDetail.LAPSED_NON_PAYMENT),
        (
            "Abandoned  --  Failure to Respond to an Office Action",
            StatusDetail.ABANDONED,
        ),
        (
            "Patent Expired Due to NonPayment of Maintenance Fees Under 37 CFR 1.362",
            StatusDetail.LAPSED_NON_PAYMENT,
        ),
        ("Patented Case", StatusDetail.IN_FORCE),
        ("其他", None),
        ("PCT-有效期满", None),
    ],
)
def test_status_words_give_their_reason(text, detail):
    assert parse_status_detail(text) == detail


def test_every_detail_has_a_chinese_label_and_a_coarse_status():
    for detail in StatusDetail:
        assert detail in STATUS_OF_DETAIL
        assert STATUS_DETAIL_ZH[detail.value]
        assert not STATUS_DETAIL_ZH[detail.value].isascii()


def test_the_reason_never_contradicts_the_coarse_status_on_real_exports(data_dir):
    """Every status text of the real Chinese exports: the detail's coarse status is the
    status the text parses to, and a text with a status has a detail."""
    exports = data_dir / "formats" / "cn-db-exports"
    texts: set[str] = set()
    for name, column in (
        ("incopat_toyota_autodriving_CN.xlsx", "当前法律状态"),
        ("patsnap_zhongzhixin_2020_2022.xlsx", "简单法律状态"),
    ):
        with warnings.catch_warnings():  # openpyxl: the export's workbook has no styles
            warnings.simplefilter("ignore", UserWarning)
            frame = pd.read_excel(exports / name, dtype=str)
        texts |= set(frame[column].dropna())
    frame = pd.read_csv(
        exports / "patentics_CN_TI-虚拟现实_20220507.csv",
        dtype=str,
        encoding="utf-8-sig",
        index_col=False,
    )
    texts |= set(frame["法律状态"].dropna())
    assert len(texts) > 10
    for text in texts:
        status = parse_legal_status(text)
        detail = parse_status_detail(text)
        assert (status is None) == (detail is None), text
        if detail is not None:
            assert STATUS_OF_DETAIL[detail] == status, text


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("期限届满", EventType.EXPIRY),
        ("专利权有效期届满", EventType.EXPIRY),
        ("保全", EventType.PRESERVATION),
        ("复审", EventType.REEXAMINATION),
        ("未缴年费", EventType.LAPSE),
        ("质押", EventType.PLEDGE),
        ("无效程序", EventType.OTHER),
    ],
)
def test_chinese_event_names_take_the_new_types(name, kind):
    assert parse_event_type(name) == kind


def test_the_web_labels_of_details_are_the_schema_labels():
    from patnav.web.i18n import value_label

    for detail in StatusDetail:
        assert value_label("sd", detail.value, "zh") == STATUS_DETAIL_ZH[detail.value]
        assert value_label("sd", detail.value, "en") != f"sd.{detail.value}"
