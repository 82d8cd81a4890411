"""The core wing: the ``Archive`` facade (settings → backends: storage, catalog, index, signer,
event log), the application's errors (one tree), its own catalog tables and their migrations,
storage and search wiring, the identity key and operation locks.
"""

__all__ = [
    "archive",
    "errors",
    "identity_key",
    "migrations",
    "oplocks",
    "search_backend",
    "stores",
    "tables",
]
