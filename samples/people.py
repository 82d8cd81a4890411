"""Fictional people and organisations: names, ID numbers, credit codes, addresses, phones.

Everything is drawn from a ``random.Random`` the caller passes in, so a seed fixes the output.
Both check-digit algorithms are implemented here: GB 11643 (18-digit resident ID number) and
GB 32100 (unified social credit code, including its embedded GB 11714 organization code).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .wordlists import (
    BIRTH_REGIONS,
    GIVEN_FEMALE,
    GIVEN_MALE,
    INDUSTRIES,
    ROADS,
    SURNAMES,
    TOWNS,
    TRADE_NAMES,
)

__all__ = [
    "CREDIT_CHARSET",
    "Organization",
    "Person",
    "credit_code_check_char",
    "credit_code_is_valid",
    "id_check_char",
    "id_number_is_valid",
    "make_address",
    "make_credit_code",
    "make_id_number",
    "make_organization",
    "make_person",
    "make_phone",
]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

DISTRICT_PREFIX = "上海市浦江区"


@dataclass(frozen=True)
class Person:
    """A natural person with a resident ID number."""

    name: str
    gender: str  # 男 / 女
    birth_date: date
    id_number: str
    address: str
    phone: str


@dataclass(frozen=True)
class Organization:
    """A legal person (enterprise) with a unified social credit code."""

    name: str
    credit_code: str
    address: str
    legal_representative: Person
    industry: str
    registered_capital: int  # 万元
    established: date


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_number_is_valid(number: str) -> bool:
    """True if ``number`` is 18 characters with a valid date and GB 11643 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return id_check_char(number[:17]) == number[17]


def _org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organization code body."""
    total = 0
    for c, w in zip(body8, ORG_WEIGHTS, strict=True):
        total += (int(c) if c.isdigit() else ord(c) - 55) * w
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def credit_code_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters of a unified social credit code."""
    if len(first17) != 17 or any(c not in CREDIT_CHARSET for c in first17):
        raise ValueError(f"expected 17 characters from the code set, got {first17!r}")
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_is_valid(code: str) -> bool:
    """True if ``code`` is 18 characters from the code set with a valid GB 32100 check char."""
    if len(code) != 18 or any(c not in CREDIT_CHARSET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def make_id_number(rng: random.Random, birth: date, gender: str, region: str = "") -> str:
    """An 18-digit ID number: region, birth date, sequence (odd for men), check char."""
    region = region or rng.choice(BIRTH_REGIONS)
    seq = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def make_credit_code(rng: random.Random, region: str) -> str:
    """A unified social credit code of an enterprise (9 = market regulation, 1 = enterprise)."""
    body = "".join(rng.choice("0123456789") for _ in range(2)) + "".join(
        rng.choice(CREDIT_CHARSET) for _ in range(6)
    )
    org = body + _org_code_check_char(body)  # 'X' is in the GB 32100 code set
    first17 = f"91{region}{org}"
    return first17 + credit_code_check_char(first17)


def make_phone(rng: random.Random) -> str:
    """A mobile number of plausible shape (13x/15x/18x)."""
    return rng.choice(("139", "138", "137", "158", "159", "186", "188", "135")) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def make_address(rng: random.Random) -> str:
    """An address in the fictional district 上海市浦江区."""
    road = rng.choice(ROADS)
    number = rng.randint(1, 2999)
    if rng.random() < 0.6:
        return f"{DISTRICT_PREFIX}{road}{number}弄{rng.randint(1, 80)}号{rng.randint(101, 2804)}室"
    return f"{DISTRICT_PREFIX}{rng.choice(TOWNS)}{road}{number}号"


def make_person(
    rng: random.Random, on: date, *, min_age: int = 20, max_age: int = 65, gender: str = ""
) -> Person:
    """A person aged ``min_age``–``max_age`` on the date ``on``."""
    gender = gender or rng.choice(("男", "女"))
    given_pool = GIVEN_MALE if gender == "男" else GIVEN_FEMALE
    given = "".join(rng.choice(given_pool) for _ in range(rng.choice((1, 2, 2, 2))))
    age_days = rng.randint(min_age * 365 + 10, max_age * 365 - 10)
    birth = on - timedelta(days=age_days)
    return Person(
        name=rng.choice(SURNAMES) + given,
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(rng, birth, gender),
        address=make_address(rng),
        phone=make_phone(rng),
    )


def make_organization(
    rng: random.Random, on: date, region: str, industry: str = ""
) -> Organization:
    """An enterprise registered in ``region`` with a legal representative."""
    suffix, sector = rng.choice(INDUSTRIES)
    if industry:
        suffix, sector = next(((s, i) for s, i in INDUSTRIES if i == industry), (suffix, sector))
    name = f"上海{rng.choice(TRADE_NAMES)}{suffix}有限公司"
    return Organization(
        name=name,
        credit_code=make_credit_code(rng, region),
        address=make_address(rng),
        legal_representative=make_person(rng, on, min_age=28, max_age=62),
        industry=sector,
        registered_capital=rng.choice((10, 50, 100, 200, 300, 500, 1000, 2000)),
        established=on - timedelta(days=rng.randint(0, 3650)),
    )
