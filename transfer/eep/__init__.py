"""DA/T 48-2009 XML encapsulation (EEP): ``build_eep`` writes and signs, ``verify_eep`` checks."""

from .build import BuiltEep, EepDocument, EepOptions, EepSource, ExternalFile, build_eep
from .common import EEP_NAMESPACE, EEP_SCHEMA
from .verify import verify_eep

__all__ = [
    "EEP_NAMESPACE",
    "EEP_SCHEMA",
    "BuiltEep",
    "EepDocument",
    "EepOptions",
    "EepSource",
    "ExternalFile",
    "build_eep",
    "verify_eep",
]
