"""Check digits of generated ID numbers and unified social credit codes."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

import samples as samples
from samples.people import (
    credit_code_check_char,
    credit_code_is_valid,
    id_check_char,
    id_number_is_valid,
    make_credit_code,
    make_organization,
    make_person,
)


def test_known_valid_examples() -> None:
    assert id_number_is_valid("11010519491231002X")  # the GB 11643 example
    assert credit_code_is_valid("91350100M000100Y43")
    assert id_check_char("11010519491231002") == "X"
    assert credit_code_check_char("91350100M000100Y4") == "3"


def test_invalid_examples() -> None:
    assert not id_number_is_valid("110105194912310021")
    assert not id_number_is_valid("11010519491331002X")  # month 13
    assert not credit_code_is_valid("91350100M000100Y44")
    assert not credit_code_is_valid("91350100M00010OY43")  # O is not in the code set


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_identifiers_are_valid(seed: int) -> None:
    rng = random.Random(seed)
    person = make_person(rng, date(2024, 6, 1))
    assert id_number_is_valid(person.id_number)
    assert 20 <= (date(2024, 6, 1) - person.birth_date).days // 365 <= 65
    assert (int(person.id_number[16]) % 2 == 1) == (person.gender == "男")
    org = make_organization(rng, date(2024, 6, 1), "310115")
    assert credit_code_is_valid(org.credit_code) and org.credit_code.startswith("91310115")
    assert id_number_is_valid(org.legal_representative.id_number)


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=16))
def test_one_changed_character_is_detected(seed: int, position: int) -> None:
    code = make_credit_code(random.Random(seed), "310115")
    changed = code[:position] + ("1" if code[position] != "1" else "2") + code[position + 1 :]
    assert not credit_code_is_valid(changed)


def test_public_api_is_stable() -> None:
    assert sorted(samples.__all__) == [
        "DEFAULT_PROFILE",
        "FontNotFoundError",
        "GenerateResult",
        "SMALL_PROFILE",
        "SizeProfile",
        "credit_code_is_valid",
        "generate",
        "id_number_is_valid",
    ]
