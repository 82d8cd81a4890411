"""The searchable text of an ``IndexDocument``, shared by every index backend.

Both backends index the same body and identifier strings (then segment them with the same
``Segmenter``), so the same query finds the same archives and the snippets read the same.
Reads/writes nothing.
"""

from __future__ import annotations

from .index import IndexDocument

__all__ = ["body_text", "identifier_text"]


def body_text(doc: IndexDocument) -> str:
    """Original (unsegmented) body: free text, task, department, result, file titles and text."""
    parts = [doc.text, doc.task_name, doc.department, doc.result]
    for file in doc.files:
        parts.extend((file.title, file.text))
    return "\n".join(p for p in parts if p)


def identifier_text(doc: IndexDocument) -> str:
    """Identifiers and names, space-joined, for matching parts of a code (``000012``)."""
    return " ".join(
        (doc.archive_id, doc.electronic_record_code, doc.archival_code, doc.task_code,
         doc.fonds_identifier, doc.applicant_name)
    )  # fmt: skip
