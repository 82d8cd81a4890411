"""An administrator imports a new certificate (a new key) for the archive: what the archive
signed before stays its own — AIP manifests and sealed event logs verify as signed by a trusted
key, with or without the passphrase — and the replaced certificate is kept (``retired/``)."""

from __future__ import annotations

from pathlib import Path

from earchive.core.archive import Archive
from earchive.services.checks.service import CheckOptions, check_archive
from earchive.services.keys import import_identity
from earchive.settings import Settings
from package.trusted_keys import is_trusted, spki_set
from samples.unit_authority import issue_unit, unit_root
from standards.finding import Status
from tests.earchive.units import PASSPHRASE


def _codes(archive: Archive, archive_id: str) -> dict[str, Status]:
    run = check_archive(archive, archive_id, "bc", CheckOptions())
    return {r.finding.code: r.finding.status for r in run.results}


def test_signatures_made_before_a_new_identity_still_verify(
    sample_cases: Path, tmp_path: Path
) -> None:
    archive = Archive(Settings(home=tmp_path / "home", key_passphrase=PASSPHRASE))
    archive.init()
    try:
        first = issue_unit(tmp_path / "ca", "测试数字档案室", archive.clock())
        import_identity(archive, "archive", first.chain_pem, first.key_pem, "admin")
        (result,) = archive.ingest(sorted(sample_cases.glob("*.zip"))[:1])
        assert result.status == "accepted"
        archive.seal_event_log()
        old_key = archive.identity.signer.public_key_pem

        second = issue_unit(tmp_path / "ca", "测试数字档案室", archive.clock())
        import_identity(archive, "archive", second.chain_pem, second.key_pem, "admin")
        assert archive.identity.signer.public_key_pem != old_key  # signs with the new key now
        retired = list((archive.settings.key_dir / "identities/archive/retired").glob("*.pem"))
        assert len(retired) == 1  # the replaced certificate is kept
        assert is_trusted(old_key, archive.trusted_key_pem)
        assert len(spki_set(archive.trusted_key_pem)) == 3  # generated, first, second

        codes = _codes(archive, result.id)
        assert codes.get("AIP_SIGNATURE_VALID") is Status.PASS
        assert "AIP_SIGNATURE_UNTRUSTED" not in codes
        assert "AIP_CERTIFICATE_TRUSTED" not in codes  # no trust root yet: the key alone
        archive.trust([unit_root(tmp_path / "ca")])
        named = _codes(archive, result.id)  # the certificate names the archive, via its CA
        assert named.get("AIP_CERTIFICATE_TRUSTED") is Status.PASS
        seals = archive.verify_event_log(archive.trusted_key_pem)
        assert seals and not [f for f in seals if f.status is Status.FAIL]

        reader = Archive(Settings(home=tmp_path / "home"))  # no passphrase: public keys only
        try:
            assert spki_set(reader.trusted_key_pem) == spki_set(archive.trusted_key_pem)
        finally:
            reader.engine.dispose()
    finally:
        archive.engine.dispose()
