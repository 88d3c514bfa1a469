"""统一社会信用代码 validation (GB 32100-2015) on hand-worked codes."""

from __future__ import annotations

import pytest

from patnav.enterprises.uscc import (
    ALPHABET,
    WEIGHTS,
    check_character,
    is_valid_uscc,
    normalize_uscc,
    validate_uscc,
)


def test_the_alphabet_and_weights_are_those_of_the_standard():
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)
    # the weights are 3^i mod 31
    assert tuple(pow(3, i, 31) for i in range(17)) == WEIGHTS


def test_a_published_code_worked_by_hand():
    """914403001922038216 (华为技术有限公司, published on its licence).

    digits  9 1 4  4   0  3  0  0  1  9   2  2  0  3  8  2  1
    weights 1 3 9 27  19 26 16 17 20 29  25 13  8 24 10 30 28
    products 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831
    831 mod 31 = 25; 31 - 25 = 6 → check character 6.
    """
    assert check_character("91440300192203821") == "6"
    assert validate_uscc("914403001922038216").valid


def test_a_code_with_letters_worked_by_hand():
    """91420100MA4K2ABC1 (made up): M=21, A=10, K=19, B=11, C=12.

    9 + 3 + 36 + 54 + 0 + 26 + 0 + 0 + 21·20 + 10·29 + 4·25 + 19·13 + 2·8 + 10·24
    + 11·10 + 12·30 + 1·28 = 1939; 1939 mod 31 = 17; 31 - 17 = 14 → E.
    """
    assert check_character("91420100MA4K2ABC1") == "E"
    assert is_valid_uscc("91420100MA4K2ABC1E")
    check = validate_uscc("91420100MA4K2ABC1X")
    assert not check.valid
    assert check.reason == "校验码应为 E，实为 X"


def test_a_remainder_of_zero_gives_check_character_zero():
    # find a body whose weighted sum is a multiple of 31 by adjusting the last digit
    body = next(
        f"9137090016307099{d}"
        for d in "0123456789"
        if sum(
            ALPHABET.index(c) * w
            for c, w in zip(f"9137090016307099{d}", WEIGHTS, strict=True)
        )
        % 31
        == 0
    )
    assert check_character(body) == "0"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("91440300192203821", "应为18位，实为17位"),
        ("9144030019220382I6", "含不允许的字符 I（代码不用 I、O、Z、S、V）"),
        ("B14403001922038216", "登记管理部门代码 B 无效"),
        ("9144A3001922038216", "行政区划码 44A300 应为6位数字"),
        ("914403001922038217", "校验码应为 6，实为 7"),
    ],
)
def test_invalid_codes_say_why(text, reason):
    check = validate_uscc(text)
    assert not check.valid
    assert check.reason == reason


def test_codes_are_normalised_before_checking():
    assert (
        normalize_uscc("９１４４ ０３００-１９２２０３８２１６") == "914403001922038216"
    )
    assert validate_uscc("91420100ma4k2abc1e").valid
    assert validate_uscc("914403001922038216").region_code == "440300"
