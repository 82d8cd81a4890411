"""Receiving case packages: safe unpacking, validation against the contract, identifiers, 档号 and
retention, and the crash-safe ingest pipeline that drives the other stages (``pipeline``).

Callers import the module they need (``ingest.pipeline``, ``ingest.rebuild`` …): the pipeline
pulls in every stage, which a command that only reads the catalog should not pay for.
"""

__all__ = [
    "casexml",
    "counters",
    "identities",
    "indexing",
    "journal",
    "measure",
    "pipeline",
    "provenance",
    "rebuild",
    "rules",
    "unpack",
    "workarea",
]
