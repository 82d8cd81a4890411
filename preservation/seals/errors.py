"""The one exception of the seals package."""

from __future__ import annotations

__all__ = ["SealError"]


class SealError(ValueError):
    """A seal, a signature or an OFD package that cannot be read or built.

    Verification never raises it for a bad signature (that is a finding); it is raised by the
    parsers and builders at the package boundary, translated from asn1crypto, lxml, zipfile and
    gmssl-pyx errors.
    """
