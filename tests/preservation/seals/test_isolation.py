"""A verifier never raises: one odd or broken file is a finding for that file only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from asn1crypto import pem
from ofd_forge import forge_ofd, sm3
from ofd_seal_kit import VERIFY_AT, Kit
from seal_forge import forge_seal, forge_signature, gtime

import preservation.checks.signatures as signatures
import preservation.seals.ofd_verify as ofd_verify
from preservation.checks.context import CheckContext
from preservation.seals import codes as c
from preservation.seals import verify_ofd
from standards.finding import Finding, Status

NAIVE = "original/C/naive-time.ofd"
PLAIN = "original/C/plain.ofd"


def _ofd(kit: Kit, time: bytes | None = None) -> bytes:
    seal = forge_seal(kit.maker, [kit.signer.cert_der], kit.picture)
    return forge_ofd(
        lambda xml: forge_signature(kit.signer, seal, sm3(xml), time=time), seal_file=seal
    )


def _context(kit: Kit, tmp_path: Path) -> CheckContext:
    files = {NAIVE: _ofd(kit, gtime("20240305093000")), PLAIN: _ofd(kit)}
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "seal-root-sm2.pem").write_bytes(pem.armor("CERTIFICATE", kit.root_der))
    work = tmp_path / "work"
    work.mkdir()
    return CheckContext(
        archive_id="isolation",
        stage="GD",
        version=1,
        paths=tuple(files),
        open_file=lambda path: io.BytesIO(files[path]),
        workdir=work,
        clock=lambda: VERIFY_AT,
        trust_dir=trust,
    )


def _of(findings: list[Finding], path: str) -> list[Finding]:
    return [f for f in findings if f.path == path]


def test_naive_time_file_does_not_stop_the_others(kit: Kit, tmp_path: Path) -> None:
    findings = signatures.ofd_seals(_context(kit, tmp_path))
    for path in (NAIVE, PLAIN):
        mine = _of(findings, path)
        assert (c.OFD_SEAL_SIGNATURE_INVALID, Status.PASS) in {(f.code, f.status) for f in mine}
        assert not [f for f in mine if f.status is Status.FAIL]
    assert [f.code for f in _of(findings, NAIVE) if f.status is Status.WARN] == [
        c.OFD_SEAL_TIME_ZONE_ASSUMED
    ]


def test_an_error_is_a_finding_for_that_file(
    kit: Kit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = signatures.verify_ofd

    def flaky(source: Path, trust: list[bytes], at: object) -> list[Finding]:
        if source.name == "naive-time.ofd":
            raise RuntimeError("disk went away")
        return real(source, trust, at)  # type: ignore[arg-type]

    monkeypatch.setattr(signatures, "verify_ofd", flaky)
    findings = signatures.ofd_seals(_context(kit, tmp_path))
    broken = _of(findings, NAIVE)
    assert [(f.code, f.status) for f in broken] == [(c.OFD_VERIFIER_ERROR, Status.MANUAL_REVIEW)]
    assert "disk went away" in broken[0].detail["reason"]
    assert (c.OFD_SEAL_SIGNATURE_INVALID, Status.PASS) in {
        (f.code, f.status) for f in _of(findings, PLAIN)
    }


def test_unexpected_error_inside_the_verifier(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_der: bytes) -> None:
        raise ZeroDivisionError("unexpected")

    monkeypatch.setattr(ofd_verify, "read_signature", boom)
    findings = verify_ofd(_ofd(kit), [kit.root_der], VERIFY_AT)
    errors = [f for f in findings if f.code == c.OFD_VERIFIER_ERROR]
    assert [f.status for f in errors] == [Status.MANUAL_REVIEW]
    assert "ZeroDivisionError: unexpected" in errors[0].detail["reason"]
    assert not [f for f in findings if f.status is Status.PASS and "SIGNATURE" in f.code]


def test_unusable_trust_root_is_a_finding(kit: Kit) -> None:
    findings = verify_ofd(_ofd(kit), [b"not a certificate", kit.root_der], VERIFY_AT)
    assert (c.OFD_TRUST_ROOT_UNUSABLE, Status.MANUAL_REVIEW) in {
        (f.code, f.status) for f in findings
    }
    chains = [f for f in findings if f.code == c.OFD_SEAL_CHAIN_UNTRUSTED]
    assert chains and {f.status for f in chains} == {Status.PASS}
