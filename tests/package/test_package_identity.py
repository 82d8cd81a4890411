"""Signatures that name their signer: a manifest signed with a unit's CA-issued certificate is
confirmed against the trust roots at its signing time; a certificate outside the roots, outside
its validity or for another key fails; a bare key (the older form) stays verifiable, its holder
for a person to confirm — never a failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import pem

from package.certificates import SigningIdentity
from package.fixity import verify_version
from package.manifest import manifest_bytes, parse_signature, sign_manifest, signature_json
from package.signature import Signer, signer_from_pem
from samples.unit_authority import UNIT_ROOT_FILE, issue_unit
from standards.finding import Status

NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)
FILES = {"original/case.xml": b"<case/>"}


def _identity(trust: Path, name: str = "上海市浦江区测试局", **kw: object) -> SigningIdentity:
    issued = issue_unit(trust, name, NOW, **kw)  # type: ignore[arg-type]
    chain = tuple(der for _, _, der in pem.unarmor(issued.chain_pem, multiple=True))
    return SigningIdentity(signer_from_pem(issued.key_pem), chain, name)


def _root(trust: Path) -> bytes:
    return bytes(pem.unarmor((trust / UNIT_ROOT_FILE).read_bytes())[2])


def _verify(
    signer: Signer, certs: tuple[bytes, ...], roots: tuple[bytes, ...], at: datetime = NOW
) -> dict[str, tuple[Status, str]]:
    from package.digest import digest_bytes

    digests = {p: digest_bytes(d) for p, d in FILES.items()}
    manifest = manifest_bytes(digests)
    record = sign_manifest(manifest, signer, at, certs)
    findings = verify_version(
        manifest, signature_json(record), lambda p: digests[p], trust_roots=roots
    )
    return {f.code: (f.status, f.message) for f in findings}


@pytest.fixture
def trust(tmp_path: Path) -> Path:
    return tmp_path / "trust"


def test_a_certified_signature_is_confirmed_against_the_roots(trust: Path) -> None:
    unit = _identity(trust)
    found = _verify(unit.signer, unit.certificates, (_root(trust),))
    assert found["AIP_CERTIFICATE_TRUSTED"][0] is Status.PASS
    assert "上海市浦江区测试局" in found["AIP_CERTIFICATE_TRUSTED"][1]
    assert found["AIP_SIGNATURE_VALID"][0] is Status.PASS


def test_a_root_outside_the_trust_store_fails(trust: Path, tmp_path: Path) -> None:
    unit = _identity(trust)
    other = tmp_path / "other-trust"
    _identity(other, "别的单位")  # another test CA
    found = _verify(unit.signer, unit.certificates, (_root(other),))
    status, message = found["AIP_CERTIFICATE_INVALID"]
    # the other CA has the same name: its key is what tells them apart
    assert status is Status.FAIL and "does not verify" in message


def test_a_certificate_outside_its_validity_at_signing_fails(trust: Path) -> None:
    unit = _identity(trust, not_before=NOW - timedelta(days=800), years=1)
    found = _verify(unit.signer, unit.certificates, (_root(trust),))
    status, message = found["AIP_CERTIFICATE_INVALID"]
    assert status is Status.FAIL and "not valid at signing" in message and "2026-06-01" in message


def test_a_certificate_for_another_key_fails(trust: Path) -> None:
    unit, other = _identity(trust), _identity(trust, "别的单位")
    found = _verify(unit.signer, other.certificates, (_root(trust),))
    assert found["AIP_CERTIFICATE_INVALID"][0] is Status.FAIL
    assert "not for the key that signed" in found["AIP_CERTIFICATE_INVALID"][1]


def test_a_bare_key_is_intact_and_for_a_person_to_confirm(trust: Path) -> None:
    unit = _identity(trust)
    found = _verify(unit.signer, (), (_root(trust),))
    assert found["AIP_SIGNATURE_VALID"][0] is Status.PASS
    assert found["AIP_CERTIFICATE_UNCONFIRMED"][0] is Status.MANUAL_REVIEW
    assert not any(status is Status.FAIL for status, _ in found.values())


def test_the_signature_file_names_its_certificates_only_when_given(trust: Path) -> None:
    unit = _identity(trust)
    manifest = b"x  y  1  original/case.xml\n"
    bare = json.loads(signature_json(sign_manifest(manifest, unit.signer, NOW)))
    assert "certificates" not in bare  # records without certificates are as they always were
    named = signature_json(sign_manifest(manifest, unit.signer, NOW, unit.certificates))
    assert parse_signature(named).certificates == unit.certificates
