"""A list exported as a file download (CSV or XLSX), named in Chinese (RFC 5987 filename*)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from earchive.services.table_files import FORMATS, TableFile, table_bytes

__all__ = ["table_response"]


def table_response(table: TableFile, fmt: str, filename: str) -> Response:
    """``table`` as a ``fmt`` attachment called ``filename``."""
    disposition = f"attachment; filename=list.{fmt}; filename*=UTF-8''{quote(filename)}"
    return Response(
        table_bytes(table, fmt),
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": disposition},
    )
