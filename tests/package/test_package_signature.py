"""Signing keys: round trips, tamper detection, key files, OpenSSL interoperability, and signing
a message hashed as a stream (SM3(Z ‖ M) / SHA-256) equal to signing it whole."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from pathlib import Path

import gmssl_pyx
import pytest
from asn1crypto import keys, pem

from package import (
    ECDSA_P256_SHA256,
    SM2_WITH_SM3,
    KeyExistsError,
    KeyFormatError,
    SignatureError,
    Signer,
    generate_key,
    key_id_from_pem,
    load_signer,
)
from package import verify_signature as verify
from package.signature import SM2_SIGNER_ID, Sm3Z, message_hasher, sm2_z, verify_digest

MESSAGE = "清单 manifest bytes\n".encode()


@pytest.fixture(params=[SM2_WITH_SM3, ECDSA_P256_SHA256])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Signer]:
    path = generate_key(tmp_path, request.param)
    return path, load_signer(path)


def test_round_trip(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    signature = signer.sign(MESSAGE)
    assert verify(signer.algorithm, signer.public_key_pem, MESSAGE, signature)


def test_flipped_message_byte_fails(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    signature = signer.sign(MESSAGE)
    tampered = bytes([MESSAGE[0] ^ 1]) + MESSAGE[1:]
    assert not verify(signer.algorithm, signer.public_key_pem, tampered, signature)


def test_flipped_signature_byte_fails(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    signature = bytearray(signer.sign(MESSAGE))
    signature[-1] ^= 1
    assert not verify(signer.algorithm, signer.public_key_pem, MESSAGE, bytes(signature))


def test_garbage_signature_is_false_not_an_error(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    assert not verify(signer.algorithm, signer.public_key_pem, MESSAGE, b"\x00not-der")


def test_wrong_key_fails(fresh: tuple[Path, Signer], tmp_path: Path) -> None:
    _, signer = fresh
    other = load_signer(generate_key(tmp_path / "other", signer.algorithm))
    assert not verify(signer.algorithm, other.public_key_pem, MESSAGE, signer.sign(MESSAGE))


def test_key_files_mode_and_public_key_beside(fresh: tuple[Path, Signer]) -> None:
    path, signer = fresh
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    public = path.with_name(path.name.replace(".key", ".pub.pem"))
    assert public.read_text() == signer.public_key_pem


def test_key_id_is_digest_of_spki(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    assert len(signer.key_id) == 64
    assert key_id_from_pem(signer.algorithm, signer.public_key_pem) == signer.key_id


def test_generate_refuses_to_overwrite(fresh: tuple[Path, Signer]) -> None:
    path, signer = fresh
    before = path.read_bytes()
    with pytest.raises(KeyExistsError):
        generate_key(path.parent, signer.algorithm)
    assert path.read_bytes() == before


def test_malformed_keys_raise(tmp_path: Path, fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    bad = tmp_path / "bad.key"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(KeyFormatError):
        load_signer(bad)
    with pytest.raises(KeyFormatError):
        verify(signer.algorithm, "not a pem", MESSAGE, b"")
    with pytest.raises(KeyFormatError):
        verify("RSA-MD5", signer.public_key_pem, MESSAGE, b"")


def test_algorithm_and_curve_must_agree(sm2_signer: Signer, ecdsa_signer: Signer) -> None:
    with pytest.raises(KeyFormatError):
        verify(ECDSA_P256_SHA256, sm2_signer.public_key_pem, MESSAGE, b"")
    with pytest.raises(KeyFormatError):
        verify(SM2_WITH_SM3, ecdsa_signer.public_key_pem, MESSAGE, b"")


def test_signer_repr_hides_private_key(sm2_signer: Signer) -> None:
    assert "_private" not in repr(sm2_signer)


def _streamed(signer: Signer, message: bytes, piece: int = 7) -> bytes:
    hasher = message_hasher(signer.algorithm, signer.public_key_pem)
    for start in range(0, len(message), piece):
        hasher.update(message[start : start + piece])
    return hasher.digest()


def test_a_streamed_digest_signs_like_the_whole_message(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    digest = _streamed(signer, MESSAGE * 50)
    streamed = signer.sign_digest(digest)
    # the ordinary verifier accepts it, and the digest verifier accepts an ordinary signature
    assert verify(signer.algorithm, signer.public_key_pem, MESSAGE * 50, streamed)
    assert verify_digest(signer.algorithm, signer.public_key_pem, digest, streamed)
    whole = signer.sign(MESSAGE * 50)
    assert verify_digest(signer.algorithm, signer.public_key_pem, digest, whole)
    assert not verify_digest(signer.algorithm, signer.public_key_pem, digest[::-1], whole)
    assert not verify_digest(signer.algorithm, signer.public_key_pem, digest[:31], whole)
    assert not verify(signer.algorithm, signer.public_key_pem, MESSAGE * 49, streamed)


def test_sm3z_starts_from_the_z_value_of_the_key(sm2_signer: Signer) -> None:
    hasher = Sm3Z(sm2_signer.public_key_pem)
    hasher.update(MESSAGE)
    pem_der = sm2_signer.public_key_pem
    point = bytes(gmssl_pyx.normalize_sm2_public_key(_point_of(pem_der)))
    z = sm2_z(point)
    assert hasher.digest() == hashlib.new("sm3", z + MESSAGE).digest()
    # GmSSL's whole-message calls compute Z themselves: they agree with our SM3(Z ‖ M) both ways
    assert gmssl_pyx.sm2_verify(point, MESSAGE, sm2_signer.sign(MESSAGE), SM2_SIGNER_ID)
    other_point, other_private = gmssl_pyx.sm2_key_generate()
    theirs = bytes(gmssl_pyx.sm2_sign(other_private, other_point, MESSAGE, SM2_SIGNER_ID))
    other_hasher = Sm3Z(bytes(other_point))
    other_hasher.update(MESSAGE)
    assert gmssl_pyx.sm2_verify_sm3_digest(bytes(other_point), other_hasher.digest(), theirs)
    assert Sm3Z(point).hexdigest() == Sm3Z(b"\x04" + point).hexdigest()
    with pytest.raises(KeyFormatError):
        sm2_z(point[:63])


def test_hasher_and_digest_check_refuse_a_key_of_another_curve(
    sm2_signer: Signer, ecdsa_signer: Signer
) -> None:
    with pytest.raises(KeyFormatError):
        message_hasher(SM2_WITH_SM3, ecdsa_signer.public_key_pem)
    with pytest.raises(KeyFormatError):
        Sm3Z(ecdsa_signer.public_key_pem)
    with pytest.raises(KeyFormatError):
        verify_digest(ECDSA_P256_SHA256, sm2_signer.public_key_pem, bytes(32), b"")
    with pytest.raises(KeyFormatError):
        message_hasher("RSA-MD5", sm2_signer.public_key_pem)


def test_sign_digest_refuses_a_digest_of_the_wrong_length(fresh: tuple[Path, Signer]) -> None:
    _, signer = fresh
    with pytest.raises(SignatureError):
        signer.sign_digest(b"short")


def _point_of(public_key_pem: str) -> bytes:
    der = pem.unarmor(public_key_pem.encode("ascii"))[2]
    return bytes(keys.PublicKeyInfo.load(der)["public_key"].native)


def _openssl_sm2() -> bool:
    if shutil.which("openssl") is None:
        return False
    probe = subprocess.run(
        ["openssl", "list", "-public-key-algorithms"], capture_output=True, text=True, check=False
    )
    return "SM2" in probe.stdout


@pytest.mark.skipif(not _openssl_sm2(), reason="openssl CLI with SM2 support not available")
def test_openssl_verifies_our_sm2_signature(sm2_signer: Signer, tmp_path: Path) -> None:
    (tmp_path / "data").write_bytes(MESSAGE)
    (tmp_path / "sig").write_bytes(sm2_signer.sign(MESSAGE))
    (tmp_path / "pub.pem").write_text(sm2_signer.public_key_pem)
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "pub.pem",
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        "data",
        "-sigfile",
        "sig",
    ]
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tmp_path / "data").write_bytes(MESSAGE + b"x")
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode != 0


@pytest.mark.skipif(not _openssl_sm2(), reason="openssl CLI with SM2 support not available")
def test_openssl_verifies_a_streamed_sm2_signature(sm2_signer: Signer, tmp_path: Path) -> None:
    message = MESSAGE * 1000
    (tmp_path / "data").write_bytes(message)
    (tmp_path / "sig").write_bytes(sm2_signer.sign_digest(_streamed(sm2_signer, message, 4096)))
    (tmp_path / "pub.pem").write_text(sm2_signer.public_key_pem)
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin"]
    command += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
    command += ["-in", "data", "-sigfile", "sig"]
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.mark.skipif(not _openssl_sm2(), reason="openssl CLI with SM2 support not available")
def test_we_load_and_verify_openssl_sm2_keys(tmp_path: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:SM2",
            "-out",
            "k.pem",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    (tmp_path / "data").write_bytes(MESSAGE)
    subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-sign",
            "-inkey",
            "k.pem",
            "-rawin",
            "-digest",
            "sm3",
            "-pkeyopt",
            "distid:1234567812345678",
            "-in",
            "data",
            "-out",
            "sig",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    signer = load_signer(tmp_path / "k.pem")
    assert signer.algorithm == SM2_WITH_SM3
    assert verify(SM2_WITH_SM3, signer.public_key_pem, MESSAGE, (tmp_path / "sig").read_bytes())
