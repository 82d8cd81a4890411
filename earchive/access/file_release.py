"""What an archived original becomes for a principal without the personal-data permission.

The originals are never altered; what goes out to an uncleared principal is decided per file:

- **XML** (forms, data): a masked rendition — every resident ID, old ID and mobile number
  (and the applicant's own identifier when the applicant is a natural person) masked as on the
  case page, and for a natural person also the fields that re-identify next to a masked ID: the
  birth date and the address below its district; ``rendition`` says ``masked`` when anything
  was masked.
- **PDF**: the original when its text can be read and holds no ID or mobile number; withheld when
  it does, or when it has (almost) no text — a scan that cannot be checked.
- **images, OFD and everything else**: withheld; their content cannot be checked for personal
  data (a scanned identity card is a JPEG).

Reads: the file's bytes (to a temporary file for PDF text extraction). Raises
``PersonalDataWithheldError`` (a ``PermissionError``-like refusal the caller maps to 403).
"""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from earchive.core.errors import PersonalDataWithheldError
from preservation.text import TextExtractionError, extract_text
from search.records import FileRow
from standards.case import Applicant
from standards.personal_data import (
    kind_for_applicant,
    mask_fields,
    mask_id,
    mask_text,
    normalise_identifier,
)

__all__ = ["MIN_TEXT_CHARS", "Release", "releasable", "release_uncleared"]

#: Fewer readable characters than this and a PDF counts as a scan that cannot be checked.
MIN_TEXT_CHARS = 40
_XML_LIMIT = 32 << 20


@dataclass(frozen=True)
class Release:
    """The stream to send and whether it is the ``original`` or a ``masked`` rendition."""

    stream: BinaryIO
    rendition: str


def _kind(row: FileRow) -> str:
    return row.format.split("/")[0].upper()


def _mask(text: str, applicant: Applicant | None) -> str:
    masked = mask_text(text)
    if applicant is None or kind_for_applicant(applicant.type, applicant.id_number) == "person":
        masked = mask_fields(masked)  # birth date and address: with the ID's district, a person
    number = applicant.id_number.strip() if applicant is not None else ""
    if applicant is not None and number and kind_for_applicant(applicant.type, number) == "person":
        for spelling in {number, normalise_identifier(number)}:
            masked = masked.replace(spelling, mask_id(spelling))
    return masked


def _holds_personal_data(text: str, applicant: Applicant | None) -> bool:
    return _mask(text, applicant) != text


def release_uncleared(row: FileRow, stream: BinaryIO, applicant: Applicant | None) -> Release:
    """What of ``stream`` (the original of ``row``) an uncleared principal gets; closes ``stream``
    when the file is withheld or replaced."""
    kind = _kind(row)
    if kind == "XML":
        with stream:
            data = stream.read(_XML_LIMIT + 1)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PersonalDataWithheldError(
                f"{row.path}: not UTF-8 XML, so it cannot be masked for your role"
            ) from exc
        if len(data) > _XML_LIMIT:
            raise PersonalDataWithheldError(f"{row.path}: too large to be masked for your role")
        masked = _mask(text, applicant)
        if masked == text:
            return Release(io.BytesIO(data), "original")
        return Release(io.BytesIO(masked.encode("utf-8")), "masked")
    if kind == "PDF":
        return _release_pdf(row, stream, applicant)
    stream.close()
    raise PersonalDataWithheldError(
        f"{row.path}: {kind or 'this'} files cannot be checked for personal data (ID cards are "
        "scanned as images); only roles with the personal-data permission may open them"
    )


def _release_pdf(row: FileRow, stream: BinaryIO, applicant: Applicant | None) -> Release:
    copy = tempfile.TemporaryFile(prefix="earchive-release-")  # noqa: SIM115 - handed on
    try:
        with stream, tempfile.TemporaryDirectory(prefix="earchive-release-") as tmp:
            path = Path(tmp) / "file.pdf"
            with open(path, "wb") as fh:
                shutil.copyfileobj(stream, fh, 1 << 20)
            try:
                text = extract_text(path, row.format).text
            except TextExtractionError as exc:
                raise PersonalDataWithheldError(
                    f"{row.path}: its text cannot be read, so it cannot be checked for personal "
                    "data; only roles with the personal-data permission may open it"
                ) from exc
            if len("".join(text.split())) < MIN_TEXT_CHARS:
                raise PersonalDataWithheldError(
                    f"{row.path}: a scan without text cannot be checked for personal data; only "
                    "roles with the personal-data permission may open it"
                )
            if _holds_personal_data(text, applicant):
                raise PersonalDataWithheldError(
                    f"{row.path}: holds ID or phone numbers; only roles with the personal-data "
                    "permission may open it"
                )
            with open(path, "rb") as fh:
                shutil.copyfileobj(fh, copy, 1 << 20)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return Release(copy, "original")


def releasable(row: FileRow, stream: BinaryIO, applicant: Applicant | None) -> bool:
    """Whether ``release_uncleared`` would let the file out (so a page offers a link to it only
    when it would); closes ``stream``."""
    if _kind(row) not in ("XML", "PDF"):
        stream.close()
        return False
    try:
        release = release_uncleared(row, stream, applicant)
    except PersonalDataWithheldError:
        return False
    release.stream.close()
    return True
