"""Personal numbers: one set of rules finds them for the index (redacted), for a query (flagged)
and for a reader without the personal-data permission (masked, also inside highlight tags)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from standards.digits import ascii_int
from standards.personal_data import (
    ID_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    has_personal_number,
    mask_id,
    mask_text,
    redact_personal_numbers,
)

TEXT = (
    "身份证 31011519800101123X，旧证 310115800101123，电话 13812345678，编号 1234567890123456789。"
)


def test_masking() -> None:
    assert mask_id("31011519800101123X") == "310*************3X"
    assert mask_text(TEXT) == (
        "身份证 310*************3X，旧证 310**********23，"
        "电话 138******78，编号 1234567890123456789。"
    )
    assert mask_text("<mark>3101151980</mark>0101123X") == "310*************3X"
    assert mask_id("1234") == "****"


def test_redaction_and_detection_use_the_same_rules() -> None:
    redacted = redact_personal_numbers(TEXT)
    assert redacted == (
        f"身份证 {ID_PLACEHOLDER}，旧证 {ID_PLACEHOLDER}，电话 {PHONE_PLACEHOLDER}，"
        "编号 1234567890123456789。"
    )
    assert has_personal_number("３１０１１５１９８００１０１１２３Ｘ")  # full-width, as typed
    assert not has_personal_number("1234567890123456789")


@given(st.text(alphabet="0123456789Xx，<>/mark 号", max_size=60))
def test_a_masked_or_redacted_text_holds_no_personal_number(text: str) -> None:
    assert not has_personal_number(redact_personal_numbers(text))
    assert not has_personal_number(mask_text(text).replace("<mark>", "").replace("</mark>", ""))


@given(st.text(max_size=12))
def test_ascii_int_never_raises_and_reads_only_ascii_digits(text: str) -> None:
    value = ascii_int(text)
    assert value is None or (str(value) == text.lstrip("0") or text.strip("0") == "")
    assert ascii_int("²") is None and ascii_int("١٢") is None and ascii_int("0042") == 42
