"""The times seals and signatures carry, in every form producers write them.

ASN.1 allows UTCTime (two-digit year, optional seconds) and GeneralizedTime (optional minutes and
seconds, a fraction of the last unit, ``Z``, an offset, or no zone at all). Producers also put
UTCTime digits under a GeneralizedTime tag, a UTCTime where the standard asks for a
GeneralizedTime, and text (``20200125153156Z``, ``2020-01-25T07:31:56.377Z``,
``2020-01-25 15:31:56``) inside a BIT or OCTET STRING (GM/T 0031 ``timeInfo``). Every form is
read to an aware ``datetime``: a time written without a zone is read as UTC and says so
(``zone_assumed``); a form that deviates from the field's type says so in ``note``.
Reads/writes nothing. Raises ``SealError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from . import tlv
from .errors import SealError

__all__ = ["SealTime", "parse_time_text", "read_time"]

_UTC_FORM = re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?")
_GENERALIZED_FORM = re.compile(
    r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)?"
)
_ISO_FORM = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?"
)
_EARLIEST_PLAUSIBLE = 2000  # no electronic seal predates GM/T 0031-2014 by decades


@dataclass(frozen=True)
class SealTime:
    """A time as read: the instant, the text as written, its form, and what was assumed."""

    when: datetime
    text: str
    form: str  # "UTCTime", "GeneralizedTime" or "text"
    zone_assumed: bool = False
    note: str = ""

    def isoformat(self) -> str:
        return self.when.isoformat()


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(f"offset {text} out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _build(
    fields: tuple[int, int, int, int, int, int], fraction: str | None, unit: str, zone: str | None
) -> tuple[datetime, bool]:
    """An aware datetime (``ValueError`` when out of range) and whether UTC was assumed."""
    when = datetime(*fields)
    if fraction:
        seconds = {"hour": 3600, "minute": 60, "second": 1}[unit]
        when += timedelta(seconds=seconds * float(f"0.{fraction}"))
    tz = _zone(zone)
    return when.replace(tzinfo=tz or UTC), tz is None


def _as_utc_form(text: str) -> tuple[datetime, bool] | None:
    m = _UTC_FORM.fullmatch(text)
    if not m:
        return None
    yy, mo, dd, hh, mi, ss, zone = m.groups()
    year = int(yy) + (1900 if int(yy) >= 50 else 2000)
    try:
        return _build((year, int(mo), int(dd), int(hh), int(mi), int(ss or 0)), None, "", zone)
    except (ValueError, OverflowError):
        return None


def _as_generalized_form(text: str) -> tuple[datetime, bool] | None:
    m = _GENERALIZED_FORM.fullmatch(text)
    if not m:
        return None
    yyyy, mo, dd, hh, mi, ss, fraction, zone = m.groups()
    if fraction and ss is None and mi is not None:
        unit = "minute"
    elif fraction and mi is None:
        unit = "hour"
    else:
        unit = "second"
    fields = (int(yyyy), int(mo), int(dd), int(hh), int(mi or 0), int(ss or 0))
    try:
        return _build(fields, fraction, unit, zone)
    except (ValueError, OverflowError):
        return None


def _as_iso_text(text: str) -> tuple[datetime, bool] | None:
    m = _ISO_FORM.fullmatch(text)
    if not m:
        return None
    yyyy, mo, dd, hh, mi, ss, fraction, zone = m.groups()
    fields = (int(yyyy), int(mo), int(dd), int(hh or 0), int(mi or 0), int(ss or 0))
    try:
        return _build(fields, fraction, "second", zone)
    except (ValueError, OverflowError):
        return None


def parse_time_text(text: str, form: str = "text", *, note_form: bool = True) -> SealTime:
    """Read ``text`` written as ``form`` (``UTCTime``, ``GeneralizedTime`` or free ``text``).

    The declared form is tried first; when its reading is impossible (month 21) or implausible
    (before 2000) and another form reads it, that reading is used and ``note`` names the
    deviation (unless ``note_form`` is false: text inside a string has no declared form).
    """
    text = text.strip().rstrip("\x00")
    readers = {
        "UTCTime": _as_utc_form,
        "GeneralizedTime": _as_generalized_form,
        "text": _as_iso_text,
    }
    order = [form, *(name for name in ("GeneralizedTime", "UTCTime", "text") if name != form)]
    found = [(name, value) for name in order if (value := readers[name](text)) is not None]
    if not found:
        raise SealError(f"not a time: {text[:40]!r}")
    plausible = [item for item in found if item[1][0].year >= _EARLIEST_PLAUSIBLE]
    name, (when, assumed) = (plausible or found)[0]
    notes = []
    if note_form and name != form:
        notes.append(f"{form} holds {name} digits {text!r}")
    if assumed:
        notes.append(f"no time zone in {text!r}: read as UTC")
    return SealTime(when, text, name, assumed, "; ".join(notes))


def read_time(element: tlv.Element, expected: str = "GeneralizedTime") -> SealTime:
    """A time from a UTCTime or GeneralizedTime element, or text or DER time inside a string.

    ``expected`` is the type the standard gives the field; another type is read and noted.
    """
    if element.is_(tlv.UTC_TIME) or element.is_(tlv.GENERALIZED_TIME):
        form = "UTCTime" if element.tag == tlv.UTC_TIME else "GeneralizedTime"
        value = parse_time_text(element.text(), form)
        if form != expected:
            note = "; ".join(n for n in (f"{form} where {expected} is required", value.note) if n)
            return SealTime(value.when, value.text, value.form, value.zone_assumed, note)
        return value
    if element.cls == tlv.UNIVERSAL and element.tag in (tlv.BIT_STRING, tlv.OCTET_STRING):
        inner = element.octets()
        if inner[:1] in (b"\x17", b"\x18"):
            try:
                return read_time(tlv.read(inner), expected)
            except SealError:
                pass
        try:
            text = inner.decode("ascii")
        except UnicodeDecodeError as exc:
            raise SealError(f"timeInfo is neither a time nor text: {inner[:16].hex()}") from exc
        return parse_time_text(text, expected, note_form=False)
    if element.cls == tlv.UNIVERSAL and not element.constructed:
        return parse_time_text(element.text(), expected, note_form=False)
    raise SealError(f"expected a time, found {element.name}")
