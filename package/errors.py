"""The ``PackageError`` tree: every error a public function of ``package`` raises.

Third-party errors (gmssl-pyx, cryptography, asn1crypto, lxml, OS errors while writing a package)
are translated into these at the boundary with ``raise … from exc``.
"""

from __future__ import annotations

__all__ = [
    "BuildError",
    "CertificateError",
    "ExportError",
    "InventoryError",
    "KeyExistsError",
    "KeyFormatError",
    "ManifestError",
    "MetadataError",
    "PackageError",
    "SignatureError",
    "SigningKeyError",
    "UnsafePathError",
]


class PackageError(Exception):
    """Base of every error raised by ``package``."""


class SigningKeyError(PackageError):
    """A signing key problem."""


class KeyFormatError(SigningKeyError):
    """A key file or PEM text is malformed, of an unsupported algorithm, or inconsistent."""


class KeyExistsError(SigningKeyError):
    """``generate_key`` refused to overwrite an existing key file."""


class CertificateError(PackageError, ValueError):
    """A certificate that cannot be read: no usable public key or validity."""


class SignatureError(PackageError):
    """Signing failed, or a signature record (``manifest.sig.json``) is malformed."""


class ManifestError(PackageError):
    """``metadata/manifest.txt`` is malformed (strict parser)."""


class MetadataError(PackageError):
    """``metadata/archival.xml`` cannot be built or read."""


class BuildError(PackageError):
    """An AIP version could not be written (missing source file, unsafe path, I/O error)."""


class ExportError(PackageError):
    """An export (BagIt) could not be written: destination not empty, unsafe path, I/O error."""


class UnsafePathError(PackageError):
    """A logical path is absolute, climbs out with ``..``, or holds control/look-alike chars."""


class InventoryError(PackageError):
    """An OCFL inventory given to ``package.ocfl`` is malformed or cannot take the new version."""
