"""Electronic seals and signatures: GB/T 38540 / GM/T 0031 seals, GB/T 35275 signatures, and
their verification in OFD documents."""

from .errors import SealError
from .ofd_verify import (
    NO_PLATFORM,
    OfdVerification,
    SealVerdict,
    check_ofd,
    verifier_error,
    verify_ofd,
)

__all__ = [
    "NO_PLATFORM",
    "OfdVerification",
    "SealError",
    "SealVerdict",
    "check_ofd",
    "verifier_error",
    "verify_ofd",
]
