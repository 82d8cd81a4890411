"""Every time form ASN.1 allows (and the ones producers write anyway) reads to an aware time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from seal_forge import bits, gtime, octets, utc

from preservation.seals import SealError, tlv
from preservation.seals.times import parse_time_text, read_time

T = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("element", "when", "assumed", "noted"),
    [
        (gtime("20240305093000Z"), T, False, False),
        (gtime("20240305093000"), T, True, True),
        (gtime("20240305173000+0800"), T, False, False),
        (gtime("20240305173000+08"), T, False, False),
        (gtime("20240305093000.5Z"), T + timedelta(milliseconds=500), False, False),
        (gtime("20240305093000,25Z"), T + timedelta(milliseconds=250), False, False),
        (gtime("202403050930Z"), T, False, False),
        (gtime("2024030509.5Z"), T, False, False),
        (gtime("240305093000Z"), T, False, True),  # UTCTime digits under a GeneralizedTime tag
        (utc("240305093000Z"), T, False, True),  # UTCTime where GeneralizedTime belongs
        (utc("2403050930Z"), T, False, True),
        (utc("240305173000+0800"), T, False, True),
        (bits(b"240305093000Z"), T, False, False),  # GM/T 0031 timeInfo text
        (bits(b"2024-03-05T09:30:00.000Z"), T, False, False),
        (bits(b"2024-03-05 09:30:00"), T, True, True),
        (octets(gtime("20240305093000Z")), T, False, False),  # DER time inside a string
    ],
)
def test_time_forms(element: bytes, when: datetime, assumed: bool, noted: bool) -> None:
    value = read_time(tlv.read(element), "GeneralizedTime")
    assert value.when == when and value.when.tzinfo is not None
    assert value.zone_assumed is assumed
    assert bool(value.note) is noted
    if assumed:
        assert "read as UTC" in value.note


def test_two_digit_years_pivot_at_1950() -> None:
    assert parse_time_text("491231235959Z", "UTCTime").when.year == 2049
    assert parse_time_text("500101000000Z", "UTCTime").when.year == 1950


def test_offsets_are_kept() -> None:
    value = parse_time_text("2024-03-05T17:30:00+08:00")
    assert value.when == T and value.when.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("text", ["", "yesterday", "20241305093000Z", "2024030509300", "99"])
def test_not_a_time(text: str) -> None:
    with pytest.raises(SealError):
        parse_time_text(text, "GeneralizedTime")


def test_wrong_element_type() -> None:
    with pytest.raises(SealError):
        read_time(tlv.read(b"\x02\x01\x05"))
