"""档号: format, parse, class key, well-formedness; the template is data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from standards.archival_code import (
    ArchivalCodeParts,
    ArchivalCodeRule,
    class_key,
    format_code,
    is_well_formed,
    parse_code,
)
from standards.errors import ArchivalCodeError

RULE = ArchivalCodeRule.load()
EXAMPLE = ArchivalCodeParts("Z109", "WS", 2011, "Y", "BGS", 1)


def test_the_standard_example() -> None:
    assert format_code(RULE, EXAMPLE) == "Z109-WS\u00b72011-Y-BGS-0001"
    assert parse_code(RULE, "Z109-WS·2011-Y-BGS-0001") == EXAMPLE
    assert class_key(EXAMPLE) == "Z109-WS·2011-Y-BGS"
    assert class_key(EXAMPLE.with_item(37)) == class_key(EXAMPLE)
    assert RULE.default_category == "WS"


@pytest.mark.parametrize(
    "text",
    [
        "Z109-WS\u30fb2011-Y-BGS-0001",  # katakana middle dot
        "Z109-WS\u20222011-Y-BGS-0001",  # bullet
        "Z109-WS\u22c52011-Y-BGS-0001",  # dot operator
        "Z109-WS\u00002011-Y-BGS-0001",
        "Z109-WS.2011-Y-BGS-0001",
        "Z109-WS·2011-Y-BGS-1",  # 件号 not padded
        "Z109-WS·2011-Y-BGS-0000",  # 件号 starts at 1
        "Z109-WS·2011-Y-BGS-00001",
        "Z10-WS·2011-Y-BGS-0001",
        "Z109-ws·2011-Y-BGS-0001",
        "Z109-WS·11-Y-BGS-0001",
        "Z109-WS·2011-P-BGS-0001",
        "Z109-WS·2011-Y-B-0001",
        " Z109-WS·2011-Y-BGS-0001",
        "Z109-WS·2011-Y-BGS-0001\n",
        "Z109－WS·2011-Y-BGS-0001",  # fullwidth hyphen
        "Ｚ109-WS·2011-Y-BGS-0001",  # fullwidth letter
    ],
)
def test_malformed_codes_are_refused(text: str) -> None:
    assert not is_well_formed(RULE, text)
    with pytest.raises(ArchivalCodeError):
        parse_code(RULE, text)


@pytest.mark.parametrize(
    "parts",
    [
        EXAMPLE.with_item(0),
        EXAMPLE.with_item(10_000),
        ArchivalCodeParts("Z1", "WS", 2011, "Y", "BGS", 1),
        ArchivalCodeParts("Z109", "WS", 2011, "D5X", "BGS", 1),
        ArchivalCodeParts("Z109", "WS", 12011, "Y", "BGS", 1),
        ArchivalCodeParts("Z109", "W·", 2011, "Y", "BGS", 1),
    ],
)
def test_format_refuses_parts_that_do_not_fit(parts: ArchivalCodeParts) -> None:
    with pytest.raises(ArchivalCodeError):
        format_code(RULE, parts)


_PARTS = st.builds(
    ArchivalCodeParts,
    fonds=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=4, max_size=4),
    category=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    year=st.integers(0, 9999),
    retention=st.sampled_from(["Y", "D10", "D30", "D5"]),
    organization=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=2, max_size=8),
    item=st.integers(1, 9999),
)


@given(_PARTS)
def test_format_parse_round_trip(parts: ArchivalCodeParts) -> None:
    text = format_code(RULE, parts)
    assert parse_code(RULE, text) == parts
    assert is_well_formed(RULE, text)
    assert text.startswith(class_key(parts) + "-")


@given(st.text(max_size=40))
def test_parse_never_raises_anything_else(text: str) -> None:
    try:
        parts = parse_code(RULE, text)
    except ArchivalCodeError:
        return
    assert format_code(RULE, parts) == text


def test_template_is_configurable() -> None:
    rule = ArchivalCodeRule.from_mapping(
        {
            "template": "{fonds}·{year}·{category}-{retention}-{organization}-{item}",
            "class_template": "{fonds}·{year}·{category}-{retention}-{organization}",
            "default_category": "ZW",
            "item_digits": 5,
            "parts": {
                "fonds": "[0-9]{3}",
                "category": "[A-Z]{2}",
                "year": "[0-9]{4}",
                "retention": "Y|D[0-9]{2}",
                "organization": "[A-Z]{3}",
            },
        }
    )
    parts = ArchivalCodeParts("001", "ZW", 2024, "D30", "XZK", 12)
    assert format_code(rule, parts) == "001·2024·ZW-D30-XZK-00012"
    assert parse_code(rule, "001·2024·ZW-D30-XZK-00012") == parts
    assert class_key(parts, rule) == "001·2024·ZW-D30-XZK"


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {
            "template": "{fonds}-{item}",
            "class_template": "{fonds}",
            "default_category": "WS",
            "item_digits": 4,
            "parts": {"fonds": "[A-Z]{4}"},
        },
        {
            "template": "{fonds}-{category}·{year}-{retention}-{organization}-{item}",
            "class_template": "{fonds}-{category}·{year}-{retention}-{organization}",
            "default_category": "wenshu",
            "item_digits": 4,
            "parts": {
                "fonds": "[A-Z0-9]{4}",
                "category": "[A-Z]{2}",
                "year": "[0-9]{4}",
                "retention": "Y",
                "organization": "[A-Z]{3}",
            },
        },
        "not a mapping",
    ],
)
def test_broken_rules_are_refused(broken: object) -> None:
    with pytest.raises(ArchivalCodeError):
        ArchivalCodeRule.from_mapping(broken)
