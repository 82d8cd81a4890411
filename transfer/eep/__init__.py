"""DA/T 48-2009 XML encapsulation (EEP): ``build_eep`` writes and signs, ``verify_eep`` checks,
``read_eep`` / ``extract_documents`` take the computer files back out — all as streams, every
file inside the package as Base64. earchive's previous form is read only with ``legacy=True``."""

from .build import build_eep
from .common import EEP_NAMESPACE, EEP_SCHEMA
from .contents import EepContents, EepEntry
from .read import extract_documents, read_eep
from .source import BuiltEep, EepDocument, EepOptions, EepSource
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
    "build_eep",
    "extract_documents",
    "read_eep",
    "verify_eep",
]
