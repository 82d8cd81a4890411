"""The bureau refuses a transfer package that breaks a rule, naming the rule: signed under a
trusted certificate of someone other than the 移交单位 its 登记表 names; a 登记表 whose totals
differ from what arrived (signed consistently, so only the totals can tell); and nothing to judge
a signer by (no trust root, no agreed key)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.services.transfer.sender import eep_source
from package.certificates import SigningIdentity, certificates_in
from package.digest import digest_file
from package.manifest import manifest_bytes, sign_manifest, signature_json
from package.signature import signer_from_pem
from samples.unit_authority import issue_unit
from transfer import CheckOutcome, SenderTrust, TransferRequest, build_transfer_package, receive
from transfer.package import MANIFEST_NAME, SIGNATURE_NAME
from transfer.registration import REGISTRATION_NAME, REGISTRATION_SIGNATURE_NAME

from .conftest import archive_ids

NOW = datetime.now(UTC)


def _identity(unit_ca: Path, name: str) -> SigningIdentity:
    issued = issue_unit(unit_ca, name, NOW)
    return SigningIdentity(signer_from_pem(issued.key_pem), certificates_in(issued.chain_pem), name)


def _build(sender: Archive, dest: Path, unit: str, identity: SigningIdentity) -> Path:
    request = TransferRequest(
        batch_id="transfer-rules",
        task_name="移交测试",
        sender=unit,
        receiver="综合档案馆",
        created=NOW,
        agent="earchive test",
    )
    archive_id = archive_ids(sender)[0]
    built = build_transfer_package(
        dest,
        [(archive_id, lambda: eep_source(sender, archive_id))],
        lambda i: CheckOutcome(i, False, False, {}),
        request,
        identity,
    )
    return built.path


def _codes(receipt_findings: object) -> set[str]:
    return {f.code for f in receipt_findings if f.failed}  # type: ignore[attr-defined]


def test_a_trusted_certificate_of_another_unit_is_refused(
    sender: Archive, unit_ca: Path, tmp_path: Path
) -> None:
    other = _identity(unit_ca, "上海市某其他单位")  # the same trusted CA, another holder
    package = _build(sender, tmp_path / "pkg", "上海市浦江区市场监督管理局", other)
    receipt = receive(package, SenderTrust(sender.trust_roots()), receiver="t", clock=lambda: NOW)
    assert receipt.code == "four_properties_failed"
    named = {(f.code, f.path) for f in receipt.findings if f.failed}
    assert ("PKG_SIGNER_NOT_UNIT", MANIFEST_NAME) in named
    assert ("PKG_SIGNER_NOT_UNIT", REGISTRATION_NAME) in named
    (item,) = receipt.items
    assert "PKG_SIGNER_NOT_UNIT" in _codes(item.findings)  # the EEP's certificate too


def test_totals_that_differ_from_what_arrived_are_refused(
    sender: Archive, unit_ca: Path, tmp_path: Path
) -> None:
    unit = "上海市浦江区市场监督管理局"
    identity = _identity(unit_ca, unit)
    package = _build(sender, tmp_path / "pkg", unit, identity)
    form = package / REGISTRATION_NAME  # a sender that lies, and signs what it says
    text = form.read_text(encoding="utf-8")
    form.write_text(re.sub(r"<件数>1</件数>", "<件数>2</件数>", text), encoding="utf-8")
    record = sign_manifest(form.read_bytes(), identity.signer, NOW, identity.certificates)
    (package / REGISTRATION_SIGNATURE_NAME).write_bytes(signature_json(record))
    listing = {
        p.relative_to(package).as_posix(): digest_file(p)
        for p in sorted(package.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST_NAME, SIGNATURE_NAME)
    }
    manifest = manifest_bytes(listing)
    (package / MANIFEST_NAME).write_bytes(manifest)
    record = sign_manifest(manifest, identity.signer, NOW, identity.certificates)
    (package / SIGNATURE_NAME).write_bytes(signature_json(record))

    receipt = receive(package, SenderTrust(sender.trust_roots()), receiver="t", clock=lambda: NOW)
    assert receipt.code == "digest_failed"
    totals = [f for f in receipt.findings if f.code == "REGISTRATION_TOTALS_MISMATCH"]
    assert [(f.expected, f.found) for f in totals] == [("2", "1")]
    assert "PKG_SIGNER_UNIT" in {f.code for f in receipt.findings}  # the signatures hold


def test_nothing_to_judge_a_signer_by(sender: Archive, tmp_path: Path) -> None:
    from earchive.core.errors import ConfigurationError
    from earchive.services.transfer.receiving import receive_package
    from earchive.settings import Settings

    package = _build(sender, tmp_path / "pkg", "上海市浦江区市场监督管理局", sender.identity)
    receipt = receive(package, SenderTrust(), receiver="t", clock=lambda: NOW)
    review = {f.code: f.status.value for f in receipt.findings}
    assert review["PKG_SIGNER_UNCONFIRMED"] == "MANUAL_REVIEW"  # never PASS
    bare = Archive(Settings(home=tmp_path / "bare"))
    bare.init()
    try:
        with pytest.raises(ConfigurationError, match="trust root"):
            receive_package(bare, package)
    finally:
        bare.engine.dispose()
