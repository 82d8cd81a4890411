"""The archive's own signing key: SM2-with-SM3 (default, 国密) or ECDSA P-256 with SHA-256.

Key files are unencrypted PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``) with mode 0600, the public
key beside them as SubjectPublicKeyInfo PEM. SM2 keys use the ``id-ecPublicKey`` algorithm with
the named curve 1.2.156.10197.1.301 (sm2p256v1) and embed the public point, the same bytes
``openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2`` writes, so either tool reads the
other's keys. Signatures are DER ``SEQUENCE {r, s}``; SM2 signs SM3(Z ‖ message) with the default
signer ID ``1234567812345678`` (OpenSSL: ``-pkeyopt distid:1234567812345678``).

Streaming: a message too large to hold is hashed piece by piece with ``message_hasher`` (SM2:
``Sm3Z``, which starts from Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A); ECDSA: SHA-256) and
its digest signed with ``Signer.sign_digest`` and checked with ``verify_digest``: the same
signatures ``sign`` and ``verify`` make and check over the whole message.

``key_id`` is the hex SM3 (SM2) or SHA-256 (ECDSA) of the public key's DER SubjectPublicKeyInfo.

Reads/writes: key files (``generate_key``, ``load_signer``). Raises: ``KeyFormatError``,
``KeyExistsError``, ``SignatureError`` (all ``PackageError``).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import gmssl_pyx
from asn1crypto import core, pem
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from package.errors import KeyExistsError, KeyFormatError, SignatureError

__all__ = [
    "ALGORITHMS",
    "ALGORITHM_OIDS",
    "ECDSA_P256_SHA256",
    "SM2_SIGNER_ID",
    "SM2_WITH_SM3",
    "MessageHasher",
    "Signer",
    "Sm3Z",
    "generate_key",
    "key_id_from_pem",
    "load_signer",
    "message_hasher",
    "public_key_id",
    "signer_from_pem",
    "sm2_z",
    "verify",
    "verify_digest",
]

SM2_WITH_SM3 = "SM2-with-SM3"
ECDSA_P256_SHA256 = "ECDSA-P256-SHA256"
ALGORITHMS = (SM2_WITH_SM3, ECDSA_P256_SHA256)
#: each algorithm's OID (DA/T 46 M64 and DA/T 48 签名算法标识)
ALGORITHM_OIDS = {SM2_WITH_SM3: "1.2.156.10197.1.501", ECDSA_P256_SHA256: "1.2.840.10045.4.3.2"}
SM2_SIGNER_ID = b"1234567812345678"

_OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_OID_SM2_CURVE = "1.2.156.10197.1.301"
_OID_P256_CURVE = "1.2.840.10045.3.1.7"
_KEY_FILES = {
    SM2_WITH_SM3: ("archive-sm2.key", "archive-sm2.pub.pem"),
    ECDSA_P256_SHA256: ("archive-ecdsa-p256.key", "archive-ecdsa-p256.pub.pem"),
}
_SELF_TEST = b"earchive signing key self-test"
# The SM2 curve's a, b and base point G (GB/T 32918.5-2017), the constants of Z.
_SM2_CURVE_ZA = bytes.fromhex(
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"
)
_DIGEST_BYTES = 32


# -- minimal ASN.1 shapes (kept local: asn1crypto's own EC classes need a global curve registry) --


class _AlgorithmIdentifier(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type hints
    _fields = [  # noqa: RUF012 - asn1crypto's declarative class attribute
        ("algorithm", core.ObjectIdentifier),
        ("parameters", core.Any, {"optional": True}),
    ]


class _ECPrivateKey(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type hints
    """SEC 1, RFC 5915."""

    _fields = [  # noqa: RUF012
        ("version", core.Integer),
        ("private_key", core.OctetString),
        ("parameters", core.ObjectIdentifier, {"explicit": 0, "optional": True}),
        ("public_key", core.OctetBitString, {"explicit": 1, "optional": True}),
    ]


class _PrivateKeyInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type hints
    """PKCS#8, RFC 5208."""

    _fields = [  # noqa: RUF012
        ("version", core.Integer),
        ("algorithm", _AlgorithmIdentifier),
        ("private_key", core.OctetString),
    ]


class _SubjectPublicKeyInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type hints
    """RFC 5280."""

    _fields = [  # noqa: RUF012
        ("algorithm", _AlgorithmIdentifier),
        ("public_key", core.OctetBitString),
    ]


@runtime_checkable
class Signer(Protocol):
    """Something that signs bytes with the archive's key."""

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    @property
    def public_key_pem(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...

    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a message already hashed with ``message_hasher(algorithm, public_key_pem)``."""
        ...


class MessageHasher(Protocol):
    """What ``message_hasher`` returns: fed the message in pieces, gives the digest to sign."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


def sm2_z(point: bytes, signer_id: bytes = SM2_SIGNER_ID) -> bytes:
    """Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) of a 64-byte public point x_A ‖ y_A
    (GB/T 32918.2-2016 §5.5); ENTL is the signer ID's length in bits, two bytes big-endian."""
    if len(point) != 64:
        raise KeyFormatError(f"SM2 public point must be 64 bytes, found {len(point)}")
    if len(signer_id) >= 1 << 13:
        raise KeyFormatError("SM2 signer ID longer than 8191 bytes")
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return hashlib.new("sm3", entl + signer_id + _SM2_CURVE_ZA + point).digest()


class Sm3Z:
    """SM3(Z ‖ M) fed M piece by piece: ``digest()`` is the e an SM2 signature signs, for the
    public key given (PEM, or the 64-byte point) and the default signer ID."""

    def __init__(self, public_key: str | bytes, signer_id: bytes = SM2_SIGNER_ID) -> None:
        if isinstance(public_key, str):
            curve, _der, encoded = _spki_from_pem(public_key)
            if curve != _OID_SM2_CURVE:
                raise KeyFormatError(f"SM3(Z ‖ M) needs an SM2 key, found curve {curve}")
            point = _sm2_point(encoded)
        else:
            point = public_key if len(public_key) == 64 else _sm2_point(public_key)
        self._hash = hashlib.new("sm3", sm2_z(point, signer_id))

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.digest()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _sm3z_digest(point: bytes, data: bytes) -> bytes:
    """e = SM3(Z ‖ data) for the 64-byte public point (what an SM2 signature signs). GmSSL's
    whole-message calls recompute Z each time: ten times the cost of the digest calls."""
    hasher = Sm3Z(point)
    hasher.update(data)
    return hasher.digest()


def _sm2_verifies(point: bytes, digest: bytes, signature: bytes) -> bool:
    try:
        return bool(gmssl_pyx.sm2_verify_sm3_digest(point, digest, signature))
    except (gmssl_pyx.GmsslInnerError, ValueError):
        return False


def message_hasher(algorithm: str, public_key_pem: str) -> MessageHasher:
    """A fresh hasher of the message for ``algorithm`` and the signer's public key: ``Sm3Z``
    (SM2) or SHA-256 (ECDSA). Raises ``KeyFormatError`` for an unknown algorithm or a key of
    another curve."""
    key = _verifying_key(algorithm, public_key_pem)
    return Sm3Z(key) if isinstance(key, bytes) else hashlib.sha256()


def _ec_algorithm(curve_oid: str) -> _AlgorithmIdentifier:
    return _AlgorithmIdentifier(
        {"algorithm": _OID_EC_PUBLIC_KEY, "parameters": core.ObjectIdentifier(curve_oid)}
    )


def _sm2_spki_der(point64: bytes) -> bytes:
    return bytes(
        _SubjectPublicKeyInfo(
            {"algorithm": _ec_algorithm(_OID_SM2_CURVE), "public_key": b"\x04" + point64}
        ).dump()
    )


def _pem(kind: str, der: bytes) -> str:
    return bytes(pem.armor(kind, der)).decode("ascii")


def public_key_id(algorithm: str, spki_der: bytes) -> str:
    """The key id: hex SM3 (SM2) or SHA-256 (ECDSA) of the DER SubjectPublicKeyInfo."""
    name = "sm3" if algorithm == SM2_WITH_SM3 else "sha256"
    return hashlib.new(name, spki_der).hexdigest()


@dataclass(frozen=True)
class _Sm2Signer:
    _private: bytes = field(repr=False)
    _point: bytes  # 64 bytes X ‖ Y

    @property
    def algorithm(self) -> str:
        return SM2_WITH_SM3

    @property
    def public_key_pem(self) -> str:
        return _pem("PUBLIC KEY", _sm2_spki_der(self._point))

    @property
    def key_id(self) -> str:
        return public_key_id(SM2_WITH_SM3, _sm2_spki_der(self._point))

    def sign(self, data: bytes) -> bytes:
        """SM2 signature (DER r, s) over SM3(Z ‖ data) with the default signer ID."""
        return self.sign_digest(_sm3z_digest(self._point, data))

    def sign_digest(self, digest: bytes) -> bytes:
        """SM2 signature (DER r, s) over e = SM3(Z ‖ message), computed by ``Sm3Z``."""
        if len(digest) != _DIGEST_BYTES:
            raise SignatureError(f"SM3 digest must be 32 bytes, found {len(digest)}")
        try:
            return bytes(gmssl_pyx.sm2_sign_sm3_digest(self._private, digest))
        except gmssl_pyx.GmsslInnerError as exc:
            raise SignatureError(f"SM2 signing failed: {exc}") from exc


@dataclass(frozen=True)
class _EcdsaSigner:
    _key: ec.EllipticCurvePrivateKey = field(repr=False)

    @property
    def algorithm(self) -> str:
        return ECDSA_P256_SHA256

    def _spki_der(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def public_key_pem(self) -> str:
        return _pem("PUBLIC KEY", self._spki_der())

    @property
    def key_id(self) -> str:
        return public_key_id(ECDSA_P256_SHA256, self._spki_der())

    def sign(self, data: bytes) -> bytes:
        """ECDSA P-256 signature (DER r, s) over SHA-256(data)."""
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def sign_digest(self, digest: bytes) -> bytes:
        """ECDSA P-256 signature (DER r, s) over a SHA-256 digest computed beforehand."""
        if len(digest) != _DIGEST_BYTES:
            raise SignatureError(f"SHA-256 digest must be 32 bytes, found {len(digest)}")
        return self._key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` exclusively with ``mode``; never overwrite."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise KeyExistsError(f"key file exists, not overwritten: {path.name}") from exc
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def generate_key(directory: Path, algorithm: str = SM2_WITH_SM3) -> Path:
    """Create a new key pair in ``directory``; return the private key file's path.

    Writes ``archive-sm2.key`` / ``archive-ecdsa-p256.key`` (PKCS#8 PEM, mode 0600) and the
    public key beside it as ``archive-….pub.pem`` (mode 0644).
    Raises ``KeyExistsError`` if either file exists, ``KeyFormatError`` for an unknown algorithm.
    """
    if algorithm not in _KEY_FILES:
        raise KeyFormatError(f"unknown signature algorithm: {algorithm!r}")
    private_name, public_name = _KEY_FILES[algorithm]
    private_path, public_path = directory / private_name, directory / public_name
    if private_path.exists() or public_path.exists():
        raise KeyExistsError(f"key files exist in the directory, not overwritten: {private_name}")
    if algorithm == SM2_WITH_SM3:
        point, private = gmssl_pyx.sm2_key_generate()
        inner = _ECPrivateKey({"version": 1, "private_key": private, "public_key": b"\x04" + point})
        pkcs8 = _PrivateKeyInfo(
            {"version": 0, "algorithm": _ec_algorithm(_OID_SM2_CURVE), "private_key": inner.dump()}
        )
        private_pem = _pem("PRIVATE KEY", bytes(pkcs8.dump()))
        public_pem = _pem("PUBLIC KEY", _sm2_spki_der(point))
    else:
        key = ec.generate_private_key(ec.SECP256R1())
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        public_pem = _EcdsaSigner(key).public_key_pem
    directory.mkdir(parents=True, exist_ok=True)
    _write_new(private_path, private_pem.encode("ascii"), 0o600)
    _write_new(public_path, public_pem.encode("ascii"), 0o644)
    return private_path


def _unarmor(data: bytes, kind: str) -> bytes:
    try:
        found, _headers, der = pem.unarmor(data)
    except ValueError as exc:
        raise KeyFormatError(f"not a PEM {kind}: {exc}") from exc
    if found != kind:
        raise KeyFormatError(f"expected PEM {kind}, found {found}")
    return bytes(der)


def _curve_of(algorithm: _AlgorithmIdentifier) -> str:
    if algorithm["algorithm"].dotted != _OID_EC_PUBLIC_KEY:
        raise KeyFormatError(f"not an EC key: algorithm {algorithm['algorithm'].dotted}")
    params = algorithm["parameters"]
    if isinstance(params, core.Void):
        raise KeyFormatError("EC key without named curve")
    return str(core.ObjectIdentifier.load(params.dump()).dotted)


def _load_sm2_private(pkcs8: _PrivateKeyInfo) -> _Sm2Signer:
    inner = _ECPrivateKey.load(pkcs8["private_key"].native)
    scalar = bytes(inner["private_key"].native)
    if len(scalar) > 32:
        raise KeyFormatError("SM2 private key longer than 32 bytes")
    scalar = scalar.rjust(32, b"\x00")
    public = inner["public_key"]
    if isinstance(public, core.Void):
        raise KeyFormatError("SM2 key file lacks the public key ([1] publicKey); cannot derive it")
    point = _sm2_point(bytes(public.native))
    return _Sm2Signer(scalar, point)


def load_signer(path: Path) -> Signer:
    """Read a PKCS#8 PEM private key file and return its ``Signer`` (see ``signer_from_pem``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFormatError(f"cannot read key file {path.name}: {exc}") from exc
    return signer_from_pem(data, path.name)


def signer_from_pem(data: bytes, name: str = "the key") -> Signer:
    """The ``Signer`` of PKCS#8 PEM private key bytes (SM2 or ECDSA P-256).

    The pair is self-tested (sign, then verify). Raises ``KeyFormatError`` for a malformed,
    unsupported or inconsistent key (``name`` says which, in the message).
    """
    der = _unarmor(data, "PRIVATE KEY")
    try:
        pkcs8 = _PrivateKeyInfo.load(der)
        curve = _curve_of(pkcs8["algorithm"])
        signer: Signer
        if curve == _OID_SM2_CURVE:
            signer = _load_sm2_private(pkcs8)
        elif curve == _OID_P256_CURVE:
            key = serialization.load_der_private_key(der, password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise KeyFormatError("not an EC private key")
            signer = _EcdsaSigner(key)
        else:
            raise KeyFormatError(f"unsupported curve {curve}")
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(f"malformed private key in {name}: {exc}") from exc
    if not verify(signer.algorithm, signer.public_key_pem, _SELF_TEST, signer.sign(_SELF_TEST)):
        raise KeyFormatError(f"private and public key in {name} do not match")
    return signer


def _sm2_point(encoded: bytes) -> bytes:
    """64-byte X ‖ Y from an uncompressed (04) or compressed (02/03) point, checked on the curve."""
    try:
        return bytes(gmssl_pyx.normalize_sm2_public_key(encoded))
    except (gmssl_pyx.InvalidValueError, ValueError) as exc:
        raise KeyFormatError(f"invalid SM2 public point: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _spki_from_pem(public_key_pem: str) -> tuple[str, bytes, bytes]:
    """(curve OID, SPKI DER, encoded point) of a PEM public key.

    Memoised: an audit checks thousands of signatures made by the same few keys.
    """
    der = _unarmor(public_key_pem.encode("ascii", errors="replace"), "PUBLIC KEY")
    try:
        spki = _SubjectPublicKeyInfo.load(der)
        curve = _curve_of(spki["algorithm"])
        point = bytes(spki["public_key"].native)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"malformed public key: {exc}") from exc
    return curve, der, point


def key_id_from_pem(algorithm: str, public_key_pem: str) -> str:
    """The key id of a PEM public key (see ``public_key_id``); raises ``KeyFormatError``."""
    _curve, der, _point = _spki_from_pem(public_key_pem)
    return public_key_id(algorithm, der)


def _verifying_key(algorithm: str, public_key_pem: str) -> bytes | ec.EllipticCurvePublicKey:
    """The SM2 point (64 bytes) or the P-256 key object that checks ``algorithm`` signatures."""
    curve, der, point = _spki_from_pem(public_key_pem)
    if algorithm == SM2_WITH_SM3:
        if curve != _OID_SM2_CURVE:
            raise KeyFormatError(f"{algorithm} needs an SM2 key, found curve {curve}")
        return _sm2_point(point)
    if algorithm == ECDSA_P256_SHA256:
        if curve != _OID_P256_CURVE:
            raise KeyFormatError(f"{algorithm} needs a P-256 key, found curve {curve}")
        try:
            key = serialization.load_der_public_key(der)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise KeyFormatError(f"malformed P-256 public key: {exc}") from exc
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise KeyFormatError("not an EC public key")
        return key
    raise KeyFormatError(f"unknown signature algorithm: {algorithm!r}")


def verify(algorithm: str, public_key_pem: str, data: bytes, signature: bytes) -> bool:
    """True if ``signature`` is a valid ``algorithm`` signature of ``data`` by the key.

    False for any bad or malformed signature. Raises ``KeyFormatError`` only when the public key
    is malformed, of an unknown algorithm, or of a curve that does not match ``algorithm``.
    """
    key = _verifying_key(algorithm, public_key_pem)
    if isinstance(key, bytes):
        return _sm2_verifies(key, _sm3z_digest(key, data), signature)
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def verify_digest(algorithm: str, public_key_pem: str, digest: bytes, signature: bytes) -> bool:
    """``verify`` for a message hashed beforehand with ``message_hasher``: True if
    ``signature`` signs ``digest`` (SM2: e = SM3(Z ‖ M); ECDSA: SHA-256(M)) with the key.

    False for any bad or malformed signature or a digest of the wrong length. Raises
    ``KeyFormatError`` as ``verify`` does.
    """
    key = _verifying_key(algorithm, public_key_pem)
    if len(digest) != _DIGEST_BYTES:
        return False
    if isinstance(key, bytes):
        return _sm2_verifies(key, digest, signature)
    try:
        key.verify(signature, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return False
    return True
