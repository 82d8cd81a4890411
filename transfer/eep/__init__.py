"""DA/T 48-2009 XML encapsulation (EEP): ``build_eep`` writes and signs, ``verify_eep`` checks,
``read_eep`` / ``extract_documents`` take the computer files back out."""

from .build import BuiltEep, EepDocument, EepOptions, EepSource, ExternalFile, build_eep
from .common import EEP_NAMESPACE, EEP_SCHEMA
from .read import EepContents, EepEntry, extract_documents, read_eep
from .verify import verify_eep

__all__ = [
    "EEP_NAMESPACE",
    "EEP_SCHEMA",
    "BuiltEep",
    "EepContents",
    "EepDocument",
    "EepEntry",
    "EepOptions",
    "EepSource",
    "ExternalFile",
    "build_eep",
    "extract_documents",
    "read_eep",
    "verify_eep",
]
