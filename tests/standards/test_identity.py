"""Check digits of resident IDs (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from standards.errors import IdentityFormatError
from standards.identity import (
    USCC_ALPHABET,
    is_valid_resident_id,
    is_valid_uscc,
    resident_id_check_char,
    uscc_check_char,
)


def test_published_examples() -> None:
    assert is_valid_resident_id("11010519491231002X")  # GB 11643 annex example
    assert is_valid_uscc("91350100M000100Y43")  # GB 32100 example
    assert resident_id_check_char("11010519491231002") == "X"
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "number",
    ["110105194912310021", "11010519491231002x", "1101051949123100", "11010519490230002X"],
)
def test_bad_resident_ids(number: str) -> None:
    assert not is_valid_resident_id(number)


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91350100M000100Y4", "9135010OM000100Y43"])
def test_bad_usccs(code: str) -> None:
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("body", ["1234", "1101051949123100X", "abcdefghijklmnopq"])
def test_check_char_refuses_bad_bodies(body: str) -> None:
    with pytest.raises(IdentityFormatError):
        resident_id_check_char(body)
    with pytest.raises(IdentityFormatError):
        uscc_check_char(body.upper().replace("I", "1") + "O")


_ID_BODY = st.builds(
    lambda region, born, seq: f"{region:06d}{born:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(0, 999),
)


@given(_ID_BODY)
def test_resident_id_with_its_check_char_is_valid(body: str) -> None:
    number = body + resident_id_check_char(body)
    assert is_valid_resident_id(number)
    for other in "0123456789X":
        if other != number[17]:
            assert not is_valid_resident_id(body + other)


@given(_ID_BODY, st.integers(0, 16), st.integers(1, 9))
def test_one_changed_digit_is_caught(body: str, position: int, delta: int) -> None:
    number = body + resident_id_check_char(body)
    changed = str((int(number[position]) + delta) % 10)
    tampered = number[:position] + changed + number[position + 1 :]
    # a change of one digit always changes the weighted sum mod 11 (weights are units mod 11)
    assert resident_id_check_char(tampered[:17]) != number[17]


_USCC_BODY = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(_USCC_BODY)
def test_uscc_with_its_check_char_is_valid(body: str) -> None:
    code = body + uscc_check_char(body)
    assert is_valid_uscc(code)
    assert sum(is_valid_uscc(body + other) for other in USCC_ALPHABET) == 1


@given(_USCC_BODY, st.integers(0, 16), st.integers(1, 30))
def test_uscc_one_changed_char_is_caught(body: str, position: int, delta: int) -> None:
    code = body + uscc_check_char(body)
    index = (USCC_ALPHABET.index(code[position]) + delta) % 31
    tampered = code[:position] + USCC_ALPHABET[index] + code[position + 1 :]
    assert not is_valid_uscc(tampered)
