"""Sample case packages for demos, tests and benchmarks (``earchive generate N DIR``).

``generate`` writes realistic, contract-conforming case packages (ZIP or directory) with
Chinese PDFs in an embedded CJK font, scanned JPEGs, XML forms, PAdES-sealed result documents
signed by a test seal authority whose root it writes to ``trust/seal-root.pem``, and 准予
licences as OFD files sealed with GB/T 38540 SM2 seals chaining to ``trust/seal-root-sm2.pem``.
"""

from __future__ import annotations

from preservation.fonts import FontNotFoundError

from .generate import GenerateResult, generate
from .people import credit_code_is_valid, id_number_is_valid
from .profile import DEFAULT_PROFILE, SMALL_PROFILE, SizeProfile

__all__ = [
    "DEFAULT_PROFILE",
    "SMALL_PROFILE",
    "FontNotFoundError",
    "GenerateResult",
    "SizeProfile",
    "credit_code_is_valid",
    "generate",
    "id_number_is_valid",
]
