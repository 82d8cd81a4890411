"""verify_package: offline verification of an exported bag, every problem with its evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

import pytest

from package import (
    BuiltVersion,
    Signer,
    digest_file,
    export_bag,
    sign_manifest,
    signature_json,
    verify_package,
)
from package.codes import (
    AIP_DIGEST_MISMATCH,
    AIP_FILE_EXTRA,
    AIP_SIGNATURE_INVALID,
    AIP_SIGNATURE_TRUSTED,
    AIP_SIGNATURE_UNTRUSTED,
    AIP_SIGNATURE_VALID,
    AIP_VERIFIED,
    BAG_DIGEST_MISMATCH,
    BAG_FILE_EXTRA,
    BAG_FILE_MISSING,
    BAG_MANIFEST_MISSING,
    BAG_OXUM_MISMATCH,
    BAG_STRUCTURE_INVALID,
    BAG_VERIFIED,
)
from standards.finding import Finding, Status

TARGET = "data/original/A/申请表.pdf"


@pytest.fixture
def bag(tmp_path: Path, built: BuiltVersion) -> Path:
    def opener(path: Path) -> Callable[[], BinaryIO]:
        return lambda: open(path, "rb")

    files = [(p, opener(built.root / p)) for p in sorted(built.files)]
    return export_bag(
        tmp_path / "bag", files, {"External-Identifier": "Z109-x"}, bagging_date=date(2024, 6, 1)
    )


def failed(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.status is Status.FAIL]


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def flip(path: Path, offset: int = 3) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_good_bag(bag: Path, sm2_signer: Signer) -> None:
    findings = verify_package(bag)
    assert codes(findings) == [
        BAG_VERIFIED,
        AIP_SIGNATURE_VALID,
        "AIP_CERTIFICATE_UNCONFIRMED",
        AIP_VERIFIED,
    ]
    assert not any(f.failed for f in findings)
    assert findings[1].detail["key_id"] == sm2_signer.key_id
    assert findings[1].detail["trusted"] == "not checked"


def test_trusted_key(bag: Path, sm2_signer: Signer) -> None:
    findings = verify_package(bag, trusted_key_pem=sm2_signer.public_key_pem)
    assert codes(findings) == [
        BAG_VERIFIED,
        AIP_SIGNATURE_VALID,
        AIP_SIGNATURE_TRUSTED,
        AIP_VERIFIED,
    ]


def test_wrong_trusted_key_is_untrusted_but_intact(bag: Path, ecdsa_signer: Signer) -> None:
    findings = verify_package(bag, trusted_key_pem=ecdsa_signer.public_key_pem)
    assert codes(findings) == [
        BAG_VERIFIED,
        AIP_SIGNATURE_VALID,
        AIP_SIGNATURE_UNTRUSTED,
        "AIP_CERTIFICATE_UNCONFIRMED",
        AIP_VERIFIED,
    ]
    untrusted = findings[2]
    assert untrusted.status is Status.MANUAL_REVIEW
    assert (untrusted.detail["intact"], untrusted.detail["valid"], untrusted.detail["trusted"]) == (
        "true",
        "true",
        "false",
    )
    assert not failed(findings)


def test_flipped_payload_byte_names_file_algorithm_and_digests(bag: Path) -> None:
    before = digest_file(bag / TARGET)
    flip(bag / TARGET)
    after = digest_file(bag / TARGET)
    findings = verify_package(bag)
    bag_level = [
        (f.code, f.path, f.detail["algorithm"], f.expected, f.found)
        for f in failed(findings)
        if f.code == BAG_DIGEST_MISMATCH
    ]
    assert bag_level == [
        (BAG_DIGEST_MISMATCH, TARGET, "sha256", before.sha256, after.sha256),
        (BAG_DIGEST_MISMATCH, TARGET, "sm3", before.sm3, after.sm3),
    ]
    aip_level = [
        (f.code, f.path, f.detail["algorithm"], f.expected, f.found)
        for f in failed(findings)
        if f.code == AIP_DIGEST_MISMATCH
    ]
    assert aip_level == [
        (AIP_DIGEST_MISMATCH, "original/A/申请表.pdf", "sm3", before.sm3, after.sm3),
        (AIP_DIGEST_MISMATCH, "original/A/申请表.pdf", "sha256", before.sha256, after.sha256),
    ]
    assert {f.code for f in failed(findings)} == {BAG_DIGEST_MISMATCH, AIP_DIGEST_MISMATCH}
    assert BAG_VERIFIED not in codes(findings) and AIP_VERIFIED not in codes(findings)
    assert AIP_SIGNATURE_VALID in codes(findings)  # the manifest itself is untouched


def test_edited_aip_manifest_invalidates_signature(bag: Path) -> None:
    manifest = bag / "data/metadata/manifest.txt"
    manifest.write_bytes(manifest.read_bytes().replace(b"original/case.xml", b"original/case.xmL"))
    findings = verify_package(bag)
    signature = [f for f in findings if f.code == AIP_SIGNATURE_INVALID]
    assert len(signature) == 1 and signature[0].detail["intact"] == "false"
    bag_paths = {f.path for f in failed(findings) if f.code == BAG_DIGEST_MISMATCH}
    assert bag_paths == {"data/metadata/manifest.txt"}


def test_resigned_by_attacker_is_valid_but_untrusted(
    bag: Path, sm2_signer: Signer, ecdsa_signer: Signer
) -> None:
    """A forger re-signs the unchanged manifest with another key: only the trust check tells."""
    manifest = (bag / "data/metadata/manifest.txt").read_bytes()
    when = datetime(2024, 7, 1, tzinfo=timezone(timedelta(hours=8)))
    forged = sign_manifest(manifest, ecdsa_signer, when)
    (bag / "data/metadata/manifest.sig.json").write_bytes(signature_json(forged))
    findings = verify_package(bag, trusted_key_pem=sm2_signer.public_key_pem)
    assert AIP_SIGNATURE_UNTRUSTED in codes(findings)


def test_missing_and_extra_payload(bag: Path) -> None:
    (bag / "data/original/B/受理通知书.pdf").unlink()
    (bag / "data/original/B/smuggled.pdf").write_bytes(b"%PDF")
    findings = verify_package(bag)
    got = {(f.code, f.path) for f in failed(findings)}
    assert (BAG_FILE_MISSING, "data/original/B/受理通知书.pdf") in got
    assert (BAG_FILE_EXTRA, "data/original/B/smuggled.pdf") in got
    assert (BAG_OXUM_MISMATCH, "bag-info.txt") in got  # same count, other byte total
    assert (AIP_FILE_EXTRA, "original/B/smuggled.pdf") in got


def test_missing_sm3_manifest(bag: Path) -> None:
    (bag / "manifest-sm3.txt").unlink()
    findings = verify_package(bag)
    assert (BAG_MANIFEST_MISSING, "manifest-sm3.txt") in {(f.code, f.path) for f in findings}
    assert (BAG_FILE_MISSING, "manifest-sm3.txt") in {(f.code, f.path) for f in findings}


def test_not_a_bag(tmp_path: Path) -> None:
    findings = verify_package(tmp_path)
    assert {f.code for f in findings} == {BAG_STRUCTURE_INVALID}


def test_symlink_in_payload_refused(bag: Path) -> None:
    (bag / "data/link").symlink_to("/etc/passwd")
    findings = verify_package(bag)
    assert (BAG_STRUCTURE_INVALID, "data/link") in {(f.code, f.path) for f in findings}
