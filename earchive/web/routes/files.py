"""Streaming an archived original: safe media type and disposition for API and UI alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from search.records import FileRow

__all__ = ["INLINE_TYPES", "file_response", "inline_capable"]

#: Formats a browser may show inline (same origin); everything else is sent as an attachment.
INLINE_TYPES = {"PDF": "application/pdf", "JPEG": "image/jpeg", "PNG": "image/png"}
_OTHER_TYPES = {
    "TIFF": "image/tiff",
    "XML": "application/xml",
    "OFD": "application/ofd",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "DOC": "application/msword",
    "WPS": "application/msword",
    "XLS": "application/vnd.ms-excel",
    "ET": "application/vnd.ms-excel",
    "RTF": "application/rtf",
}
_CHUNK = 1 << 16


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def inline_capable(row: FileRow) -> bool:
    """Whether a browser may be shown this file inline (else it is always a download)."""
    return row.format.split("/")[0].upper() in INLINE_TYPES


def file_response(row: FileRow, stream: BinaryIO, download: bool) -> StreamingResponse:
    """The file as a response: inline only for PDF/JPEG/PNG and only when not downloading."""
    kind = row.format.split("/")[0].upper()
    inline = not download and inline_capable(row)
    media = INLINE_TYPES.get(kind) or _OTHER_TYPES.get(kind, "application/octet-stream")
    name = quote(PurePosixPath(row.path).name)
    disposition = "inline" if inline else "attachment"
    return StreamingResponse(
        _chunks(stream),
        media_type=media,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
