"""Electronic seals: GB/T 38540 / GM/T 0031 structures and OFD seal verification."""

from .errors import SealError
from .ofd_verify import NO_PLATFORM, OfdVerification, SealVerdict, check_ofd, verify_ofd

__all__ = [
    "NO_PLATFORM",
    "OfdVerification",
    "SealError",
    "SealVerdict",
    "check_ofd",
    "verify_ofd",
]
