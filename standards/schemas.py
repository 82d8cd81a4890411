"""The XML Schemas shipped in ``standards/data`` and a safe, cached lxml loader.

Reads: ``data/<name>.xsd``. Writes: nothing. Raises: ``DataFileError`` when a schema is
missing or does not compile. A compiled ``XMLSchema`` keeps the ``error_log`` of its last
validation: validate with one schema object from one thread at a time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from standards.datafiles import data_path
from standards.errors import DataFileError

__all__ = ["CASE_NAMESPACE", "CASE_SCHEMA", "case_schema", "load_schema", "schema_path"]

CASE_NAMESPACE = "urn:earchive:case:1"
CASE_SCHEMA = "case.xsd"


def schema_path(name: str) -> Path:
    """Return the path of a schema in ``standards/data`` (e.g. ``case.xsd``)."""
    if not name.endswith(".xsd"):
        raise DataFileError(f"not a schema name: {name!r}")
    return data_path(name)


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@lru_cache(maxsize=8)
def load_schema(name: str) -> etree.XMLSchema:
    """Compile a shipped schema once: no network, no DTD, no entity expansion."""
    path = schema_path(name)
    try:
        document = etree.parse(str(path), parser=_safe_parser())
        return etree.XMLSchema(document)
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise DataFileError(f"{name}: {exc}") from exc


def case_schema() -> etree.XMLSchema:
    """Return the compiled schema of ``case.xml``."""
    return load_schema(CASE_SCHEMA)
