"""Personal numbers in identifiers and free text: resident IDs, unified credit codes, mobiles.

Pure functions, no I/O. ``identity_of`` normalises what a person typed (NFKC, no whitespace,
upper-case ``X``) and says whether it is a resident ID number (GB 11643, check digit verified) or
a unified social credit code (GB 32100); it raises ``IdentityFormatError`` for anything else.
``redact_personal_numbers`` replaces every 18-character resident ID, 15-digit old ID and mainland
mobile number in a text by a placeholder without digits (for the search index),
``has_personal_number`` says whether a text (e.g. a search query) holds one, and ``mask_text``
masks them for a reader without the personal-data permission (``mask_id``: first 3 and last 2
characters kept, ``310*************12``), also when the search index put ``<mark>`` tags between
their digits. One set of number rules serves all three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from standards.digits import is_ascii_digits
from standards.errors import IdentityFormatError
from standards.identity import is_valid_resident_id, is_valid_uscc

__all__ = [
    "ADDRESS_FIELDS",
    "BIRTH_DATE_FIELDS",
    "ID_PLACEHOLDER",
    "PHONE_PLACEHOLDER",
    "Identity",
    "IdentityKind",
    "has_personal_number",
    "identity_of",
    "kind_for_applicant",
    "mask_address",
    "mask_birth_date",
    "mask_fields",
    "mask_id",
    "mask_name",
    "mask_text",
    "normalise_identifier",
    "redact_personal_numbers",
]

IdentityKind = Literal["person", "organisation"]

#: What the index holds instead of an ID or a mobile number (no digits: nothing to match).
ID_PLACEHOLDER = "〔证件号码〕"
PHONE_PLACEHOLDER = "〔电话号码〕"

_MARK = r"(?:</?mark>)*"  # highlight tags the search index may put between digits
_TAGS = re.compile(r"</?mark>")


def _numbers(gap: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The personal numbers, each bounded by non-alphanumerics, with ``gap`` allowed between any
    two characters: an 18-character resident ID (last may be ``X``), a 15-digit old ID, and an
    11-digit mainland mobile number (``1[3-9]…``)."""
    edge_before, edge_after = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
    return (
        re.compile(rf"{edge_before}{gap}(?:\d{gap}){{17}}[\dXx]{gap}{edge_after}"),
        re.compile(rf"{edge_before}{gap}(?:\d{gap}){{15}}{edge_after}"),
        re.compile(rf"{edge_before}{gap}1{gap}[3-9](?:{gap}\d){{9}}{gap}{edge_after}"),
    )


_RESIDENT_ID, _OLD_ID, _MOBILE = _numbers("")
_MASKED = _numbers(_MARK)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Identity:
    """A normalised identifier and its kind (``person``: resident ID, ``organisation``: USCC)."""

    kind: IdentityKind
    value: str


def normalise_identifier(value: str) -> str:
    """``value`` in one canonical spelling: NFKC (full-width digits), no whitespace, upper-case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value)).upper()


def identity_of(value: str) -> Identity:
    """The identity a typed identifier names; raises ``IdentityFormatError`` when it is neither a
    resident ID number nor a unified social credit code with the right check character."""
    text = normalise_identifier(value)
    if is_valid_resident_id(text):
        return Identity("person", text)
    if is_valid_uscc(text):
        return Identity("organisation", text)
    if len(text) == 18 and is_ascii_digits(text[:17]):
        raise IdentityFormatError("not a valid resident ID number: the check digit does not match")
    if len(text) == 18:
        raise IdentityFormatError(
            "not a valid unified social credit code: the check character does not match"
        )
    raise IdentityFormatError(
        "give an 18-character resident ID number or unified social credit code"
    )


def kind_for_applicant(applicant_type: str, id_number: str) -> IdentityKind:
    """The kind of an archived applicant's identifier: a natural person's (自然人) or else an
    organisation's; a resident-ID-shaped number counts as a person's whatever the type says."""
    if applicant_type == "自然人" or is_valid_resident_id(normalise_identifier(id_number)):
        return "person"
    return "organisation"


def redact_personal_numbers(text: str) -> str:
    """``text`` with resident IDs and mobile numbers replaced by digit-free placeholders."""
    text = _OLD_ID.sub(ID_PLACEHOLDER, _RESIDENT_ID.sub(ID_PLACEHOLDER, text))
    return _MOBILE.sub(PHONE_PLACEHOLDER, text)


def has_personal_number(text: str) -> bool:
    """Whether ``text`` (normalised as an identifier would be, per word) holds an ID or mobile."""
    folded = unicodedata.normalize("NFKC", text)
    return any(pattern.search(folded) for pattern in (_RESIDENT_ID, _OLD_ID, _MOBILE))


def mask_id(value: str, keep_start: int = 3, keep_end: int = 2) -> str:
    """``value`` with all but its first and last few characters replaced by ``*``."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_name(name: str) -> str:
    """A natural person's name as lists show it to a role without the personal-data permission:
    the surname's first character, the rest ``*`` (``张三丰`` → ``张**``)."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _mask_match(match: re.Match[str]) -> str:
    return mask_id(_TAGS.sub("", match.group()))


def mask_text(text: str) -> str:
    """``text`` with ID and phone numbers masked (tags inside a masked number are dropped)."""
    for pattern in _MASKED:
        text = pattern.sub(_mask_match, text)
    return text


#: Names (XML elements, form fields) whose values re-identify a person once the ID number is
#: masked: the birth date (with the ID's district, one of a handful of people) and the address
#: below its district.
BIRTH_DATE_FIELDS = frozenset({"birth_date", "birthday", "date_of_birth", "dob", "出生日期"})
ADDRESS_FIELDS = frozenset(
    {
        "address",
        "home_address",
        "住址",
        "地址",
        "住所",
        "居住地址",
        "户籍地址",
        "家庭住址",
        "联系地址",
        "通讯地址",
        "住所（地址）",
    }
)
_DISTRICT = re.compile(r"^.{1,12}?(?:自治县|自治旗|区|县|旗)")
_MASK = "＊＊＊"


def mask_address(text: str) -> str:
    """An address kept down to its district (区/县/旗), the rest replaced by a fixed mask."""
    stripped = text.strip()
    if not stripped:
        return text
    match = _DISTRICT.match(stripped)
    kept = match.group() if match else stripped[: min(6, len(stripped) // 2)]
    return kept + _MASK


def mask_birth_date(text: str) -> str:
    """A birth date with every digit masked (its format stays visible)."""
    return re.sub(r"\d", "*", text)


_ELEMENT = re.compile(r"<(?P<tag>[\w:.\-]+)(?P<attrs>\s[^<>]*)?>(?P<value>[^<]*)</(?P=tag)>")
_NAME_ATTR = re.compile(r"""\bname\s*=\s*(["'])(?P<name>[^"']*)\1""")


def mask_fields(xml_text: str) -> str:
    """XML text with the values of birth-date and address fields masked: an element named so
    (``<birth_date>``), or a ``name="…"`` attribute naming so (``<field name="居住地址">``)."""

    def one(match: re.Match[str]) -> str:
        tag = match.group("tag").rsplit(":", 1)[-1]
        attr = _NAME_ATTR.search(match.group("attrs") or "")
        name = attr.group("name") if attr else ""
        value = match.group("value")
        if tag in BIRTH_DATE_FIELDS or name in BIRTH_DATE_FIELDS:
            value = mask_birth_date(value)
        elif tag in ADDRESS_FIELDS or name in ADDRESS_FIELDS:
            value = mask_address(value)
        else:
            return match.group()
        return f"<{match.group('tag')}{match.group('attrs') or ''}>{value}</{match.group('tag')}>"

    return _ELEMENT.sub(one, xml_text)
