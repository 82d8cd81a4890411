"""Search index wiring: the configured ``SearchIndex``, built from ``Settings``.

``EARCHIVE_SEARCH=tantivy`` (default): ``TantivyIndex`` in ``<home>/index-tantivy/``.
``EARCHIVE_SEARCH=sqlite``: ``SqliteFtsIndex`` in ``<home>/index.db``.
``EARCHIVE_SEARCH=elasticsearch``: ``ElasticsearchIndex`` on ``EARCHIVE_ES_URL`` (credentials in
the URL, as compose.yml gives them), behind the alias ``earchive``. Building it sends no request.
Raises ``SearchConfigError`` (``earchive.core.archive`` turns it into its ``ConfigurationError``).
"""

from __future__ import annotations

from earchive.core.errors import SearchConfigError
from earchive.settings import Settings
from search import SearchIndex, SqliteFtsIndex, TantivyIndex

__all__ = ["ES_ALIAS", "build_index"]

ES_ALIAS = "earchive"
_ES_TIMEOUT_S = 30.0
_ES_RETRIES = 3


def build_index(settings: Settings) -> SearchIndex:
    """The search index ``settings`` ask for."""
    if settings.search == "tantivy":
        return TantivyIndex(settings.tantivy_path)
    if settings.search == "sqlite":
        return SqliteFtsIndex(settings.index_path)
    if not settings.es_url:
        raise SearchConfigError("EARCHIVE_SEARCH=elasticsearch needs EARCHIVE_ES_URL")
    from elasticsearch import Elasticsearch  # only the scaled deployment pays for the import

    from search.elasticsearch import ElasticsearchIndex

    try:
        client = Elasticsearch(
            settings.es_url,
            request_timeout=_ES_TIMEOUT_S,
            retry_on_timeout=True,
            max_retries=_ES_RETRIES,
        )
    except ValueError as exc:  # a URL the client cannot parse
        raise SearchConfigError(f"EARCHIVE_ES_URL is not usable: {exc}") from exc
    return ElasticsearchIndex(client, alias=ES_ALIAS)
