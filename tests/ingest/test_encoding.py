"""Encoding detection on real exports and on every encoding Chinese tools write."""

from __future__ import annotations

import io

import pytest

from patnav.ingest.encoding import detect_encoding

TEXT = (
    "申请号,名称,申请（专利权）人\n"
    "CN201220249767.4,一种钢筋混凝土轨枕,海安县建莲商品混凝土有限公司\n"
)


def _opener(data: bytes):
    return lambda: io.BytesIO(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_detects_the_encodings_chinese_exports_use(data, expected):
    detected = detect_encoding(_opener(data))
    assert detected.encoding == expected
    assert data[detected.skip :].decode(detected.encoding).endswith("有限公司\n")


def test_gbk_character_deep_in_an_ascii_file_is_found():
    data = b"a,b\n" + b"1,2\n" * 200_000 + "3,北京\n".encode("gbk")
    detected = detect_encoding(_opener(data))
    assert detected.encoding == "gb18030"
    assert "byte 800,006" in detected.evidence


def test_gbk_mislabelled_as_utf8_by_a_byte_order_mark_is_read_as_gbk():
    data = b"\xef\xbb\xbf" + TEXT.encode("gbk")
    detected = detect_encoding(_opener(data))
    assert detected.encoding == "gb18030"
    assert detected.skip == 3
    assert "byte-order mark" in detected.warning
    assert data[detected.skip :].decode(detected.encoding) == TEXT


def test_a_wrong_declared_encoding_is_not_trusted():
    detected = detect_encoding(_opener(TEXT.encode("gbk")), declared="utf-8")
    assert detected.encoding == "gb18030"
    assert "declared utf-8" in detected.warning


def test_real_patentscope_csv_is_western_not_chinese(data_dir):
    path = data_dir / "formats/patentscope/pizza_medium_10000.csv"
    detected = detect_encoding(lambda: path.open("rb"))
    assert detected.encoding == "mac_roman"  # saved by Mac Excel: CR line ends
    text = path.read_bytes().decode(detected.encoding)
    assert "François" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)  # no Chinese read into it


def test_real_lens_drones_csv_is_utf8(data_dir):
    path = data_dir / "formats/lens-csv/lens_drones_5884.csv"
    detected = detect_encoding(lambda: path.open("rb"))
    assert detected.encoding == "utf-8"
