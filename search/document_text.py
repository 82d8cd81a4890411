"""The searchable text of an ``IndexDocument``, shared by every index backend.

Both backends index the same body and identifier strings (then segment them with the same
``Segmenter``), so the same query finds the same archives and the snippets read the same.
Resident ID numbers and mobile numbers never reach an index: ``body_text`` replaces them with
digit-free placeholders (``standards.personal_data``), so neither a whole number nor a fragment
finds an archive or shows in a snippet; archives are found by ID through the identity table.
Reads/writes nothing.
"""

from __future__ import annotations

from standards.personal_data import redact_personal_numbers

from .index import IndexDocument

__all__ = ["body_text", "identifier_text", "title_text"]


def body_text(doc: IndexDocument) -> str:
    """Original (unsegmented) body: free text, task, department, result, file titles and text,
    with ID and mobile numbers redacted."""
    parts = [doc.text, doc.task_name, doc.department, doc.result]
    for file in doc.files:
        parts.extend((file.title, file.text))
    return redact_personal_numbers("\n".join(p for p in parts if p))


def title_text(doc: IndexDocument) -> str:
    """What the title field matches, at the title's weight: the title (题名), the 事项 and the
    licences the case issued — so a case that issued a 营业执照 outranks one that only cites a
    营业执照 among its materials (that text is in the body, weighted 1). The title shown stays
    ``doc.title``."""
    return "\n".join(p for p in (doc.title, doc.task_name, doc.issued) if p)


def identifier_text(doc: IndexDocument) -> str:
    """Identifiers and names, space-joined, for matching parts of a code (``000012``)."""
    return " ".join(
        (doc.archive_id, doc.electronic_record_code, doc.archival_code, doc.task_code,
         doc.fonds_identifier, doc.applicant_name)
    )  # fmt: skip
