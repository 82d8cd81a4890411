"""Search: the catalog of archived records and the full-text, faceted index (rebuildable)."""

from .catalog import Catalog, CatalogConflictError, CatalogError
from .index import (
    FACETS,
    SORTS,
    IndexDocument,
    IndexedFile,
    InvalidQueryError,
    SearchHit,
    SearchIndex,
    SearchIndexError,
    SearchQuery,
    SearchResult,
)
from .records import ArchiveRecord, FileRow, VersionRow
from .segment import Segmenter, segment, tokens
from .sqlite_fts import SqliteFtsIndex
from .tables import configure_sqlite, writer_engine
from .tantivy_index import TantivyIndex

__all__ = [
    "FACETS",
    "SORTS",
    "ArchiveRecord",
    "Catalog",
    "CatalogConflictError",
    "CatalogError",
    "FileRow",
    "IndexDocument",
    "IndexedFile",
    "InvalidQueryError",
    "SearchHit",
    "SearchIndex",
    "SearchIndexError",
    "SearchQuery",
    "SearchResult",
    "Segmenter",
    "SqliteFtsIndex",
    "TantivyIndex",
    "VersionRow",
    "configure_sqlite",
    "segment",
    "tokens",
    "writer_engine",
]
