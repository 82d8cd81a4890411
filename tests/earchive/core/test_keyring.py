"""The archive's and its units' signing identities: imported by an administrator from PEM or
PKCS#12, checked (the key belongs to the certificate, valid now), kept encrypted at rest and
never exported; a wrong passphrase opens nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from earchive.core.errors import ConfigurationError
from earchive.core.keyring import Keyring
from samples.unit_authority import issue_unit

NOW = datetime.now(UTC)


def test_import_check_and_open(tmp_path: Path) -> None:
    issued = issue_unit(tmp_path / "trust", "上海市浦江区测试局", NOW)
    ring = Keyring(tmp_path / "keys", "correct horse")
    info = ring.import_identity("S001", issued.chain_pem, issued.key_pem, NOW)
    assert "上海市浦江区测试局" in info.subject and info.chain == 2
    sealed = (tmp_path / "keys" / "identities" / "S001" / "key.json").read_bytes()
    assert b"PRIVATE KEY" not in sealed and issued.key_pem not in sealed  # encrypted at rest
    assert (tmp_path / "keys" / "identities" / "S001" / "key.json").stat().st_mode & 0o777 == 0o600
    identity = ring.identity("S001")
    assert identity is not None and identity.name == "上海市浦江区测试局"
    assert len(identity.certificates) == 2
    with pytest.raises(ConfigurationError, match="does not open"):
        Keyring(tmp_path / "keys", "wrong passphrase").identity("S001")
    with pytest.raises(ConfigurationError, match="EARCHIVE_KEY_PASSPHRASE"):
        Keyring(tmp_path / "keys", "").identity("S001")


def test_a_key_of_another_certificate_or_an_expired_one_is_refused(tmp_path: Path) -> None:
    one = issue_unit(tmp_path / "trust", "甲单位", NOW)
    two = issue_unit(tmp_path / "trust", "乙单位", NOW)
    ring = Keyring(tmp_path / "keys", "pw")
    with pytest.raises(ConfigurationError, match="does not belong"):
        ring.import_identity("S001", one.chain_pem, two.key_pem, NOW)
    old = issue_unit(
        tmp_path / "trust", "丙单位", NOW, years=1, not_before=NOW - timedelta(days=800)
    )
    with pytest.raises(ConfigurationError, match="not valid now"):
        ring.import_identity("S001", old.chain_pem, old.key_pem, NOW)
    with pytest.raises(ConfigurationError, match="not an identity name"):
        ring.import_identity("../x", one.chain_pem, one.key_pem, NOW)
    assert ring.owners() == []


def test_the_cli_imports_a_pkcs12_bundle(tmp_path: Path) -> None:
    issued = issue_unit(tmp_path / "trust", "上海市浦江区测试局", NOW)
    (tmp_path / "chain.pem").write_bytes(issued.chain_pem)
    (tmp_path / "key.pem").write_bytes(issued.key_pem)
    bundle = tmp_path / "unit.p12"
    subprocess.run(
        ["openssl", "pkcs12", "-export", "-inkey", str(tmp_path / "key.pem"), "-in",
         str(tmp_path / "chain.pem"), "-passout", "pass:bundle-pw", "-out", str(bundle)],
        check=True, capture_output=True,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    env.update(
        EARCHIVE_HOME=str(tmp_path / "home"),
        EARCHIVE_KEY_PASSPHRASE="home-pw",
        EARCHIVE_P12_PASSWORD="bundle-pw",
    )
    command = [sys.executable, "-m", "earchive", "keys", "import"]
    run = subprocess.run(
        [*command, "S001", "--p12", str(bundle), "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "上海市浦江区测试局" in run.stdout
    env["EARCHIVE_P12_PASSWORD"] = "wrong"
    bad = subprocess.run(
        [sys.executable, "-m", "earchive", "keys", "import", "S002", "--p12", str(bundle)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "cannot open" in bad.stderr
