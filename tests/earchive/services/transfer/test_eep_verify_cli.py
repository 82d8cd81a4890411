"""``earchive export --as eep`` writes a signed DA/T 48 EEP that validates against
``standards/data/eep.xsd``; ``earchive verify`` checks it (and a whole transfer package) with the
signer's key, and names the failure once a byte is changed."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from earchive.core.archive import Archive
from samples.unit_authority import unit_root
from standards.schemas import load_schema
from tests.earchive.units import send, unit_ids
from transfer.eep.common import EEP_SCHEMA

from .conftest import archive_ids, earchive_cli, tamper_inline


def _earchive(home: Path, *args: str) -> tuple[int, list[dict[str, str]], str]:
    proc = earchive_cli(home, *args)
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    return proc.returncode, lines, proc.stderr


def test_exported_eep_validates_and_verifies(sender: Archive, tmp_path: Path) -> None:
    home = sender.settings.home
    archive_id = archive_ids(sender)[0]
    code, _, stderr = _earchive(home, "export", archive_id, str(tmp_path / "out"), "--as", "eep")
    assert code == 0, stderr
    [eep] = list((tmp_path / "out").glob("*.eep.xml"))
    assert load_schema(EEP_SCHEMA).validate(etree.parse(str(eep)))  # the XSD in standards/

    key = tmp_path / "archive.pub.pem"
    key.write_text(sender.signer.public_key_pem, encoding="ascii")
    code, findings, _ = _earchive(home, "verify", str(eep), "--trusted-key", str(key), "--json")
    assert code == 0
    codes = {f["code"] for f in findings}
    assert {"EEP_SIGNATURE_VALID", "EEP_SIGNER_TRUSTED", "EEP_CONTENT_VERIFIED"} <= codes
    assert not [f for f in findings if f["status"] == "FAIL"]

    tamper_inline(eep)
    code, findings, _ = _earchive(home, "verify", str(eep), "--trusted-key", str(key), "--json")
    assert code == 1
    assert "EEP_CONTENT_DIGEST_MISMATCH" in {f["code"] for f in findings if f["status"] == "FAIL"}


def test_transfer_package_verifies_against_the_units_ca(
    sender: Archive, unit_ca: Path, tmp_path: Path
) -> None:
    sent = send(sender, tmp_path / "exchange", unit_ids(sender, 2))
    package = Path(sent.delivery.target)
    home = sender.settings.home
    code, _, stderr = _earchive(home, "verify", str(package), "--json")
    assert code == 2 and "--trust-root" in stderr  # nothing to judge the signer by
    root = str(unit_root(unit_ca))
    code, findings, _ = _earchive(home, "verify", str(package), "--trust-root", root, "--json")
    assert code == 0, [f for f in findings if f["status"] == "FAIL"]
    codes = [f["code"] for f in findings]
    assert "CATALOGUE_MATCHES" in codes and codes.count("PKG_SIGNER_UNIT") == 2
    # a stranger's CA: the certificate no longer names anyone the verifier trusts
    other = str(unit_root(tmp_path / "other-ca"))
    code, findings, _ = _earchive(home, "verify", str(package), "--trust-root", other, "--json")
    assert code == 1
    assert "PKG_SIGNER_UNTRUSTED" in {f["code"] for f in findings if f["status"] == "FAIL"}
