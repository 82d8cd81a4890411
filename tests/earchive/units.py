"""Test support for transfers: every 立档单位 of an archive certified by the samples' test CA
and imported as an administrator imports a real certificate, and transfers whose review items
an archivist signs off first (the way ``earchive transfer signoff`` does)."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from earchive.core.archive import Archive
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from earchive.services.keys import import_identity, unit_names
from earchive.services.transfer.sender import Sent, SignOffNeededError, run_transfer
from earchive.services.transfer.signoff import request, review_items, sign_off
from earchive.settings import Settings
from samples.unit_authority import issue_unit, unit_root

PASSPHRASE = "a test passphrase for the keyring"


ARCHIVE_NAME = "测试数字档案室"


def certify_units(archive: Archive, trust_dir: Path) -> Path:
    """Import a certificate for the archive and each 立档单位 it holds; trust the CA; return its
    root."""
    if not archive.identity.certificates:
        issued = issue_unit(trust_dir, ARCHIVE_NAME, archive.clock())
        import_identity(archive, "archive", issued.chain_pem, issued.key_pem, "tester")
    for fonds, name in unit_names(archive).items():
        if archive.unit_identity(fonds) is None:
            issued = issue_unit(trust_dir, name, archive.clock())
            import_identity(archive, fonds, issued.chain_pem, issued.key_pem, "tester")
    root = unit_root(trust_dir)
    archive.trust([root])
    return root


def unit_ids(archive: Archive, n: int) -> list[str]:
    """``n`` archive ids of the unit that holds the most (sorted)."""
    records = list(archive.catalog.iter_archives())
    fonds = Counter(r.fonds_identifier for r in records).most_common(1)[0][0]
    ids = sorted(r.id for r in records if r.fonds_identifier == fonds)
    assert len(ids) >= n, f"unit {fonds} holds {len(ids)} archives, the test needs {n}"
    return ids[:n]


def send(archive: Archive, to: Path | str, ids: list[str] | None = None, **kw: Any) -> Sent:
    """``run_transfer``; when it asks for a sign-off, an archivist gives it and runs again."""
    try:
        return run_transfer(archive, to, ids, **kw)
    except SignOffNeededError as exc:
        sign_off(archive, "archivist", "checked by hand in the test", batch_id=exc.batch_id)
    return run_transfer(archive, to, ids, **kw)


def presign(archive: Archive, ids: list[str]) -> None:
    """Sign off, ahead of a run, whatever review items the YJ checks of ``ids`` leave (as an
    archivist does after a run asked; for tests that drive ``earchive transfer run``)."""
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    needs = []
    for archive_id in ids:
        run = check_archive(archive, archive_id, "yj", options)
        needs.append((archive_id, run.version, review_items(run)))
    batch = f"presign-{archive.clock():%Y%m%dT%H%M%S%f}"
    request(archive, batch, needs)
    sign_off(archive, "archivist", "checked by hand in the test", batch_id=batch)


def certify_home(home: Path, trust_dir: Path) -> None:
    """``certify_units`` for the archive at ``home`` (a test driving the command line)."""
    archive = Archive(Settings(home=home, key_passphrase=PASSPHRASE))
    try:
        certify_units(archive, trust_dir)
    finally:
        archive.engine.dispose()


def run_signed_off(
    run: Callable[..., subprocess.CompletedProcess[str]], *args: str
) -> subprocess.CompletedProcess[str]:
    """``earchive transfer run ARGS --json`` through ``run``; when a batch waits for a
    sign-off, ``earchive transfer signoff --batch`` gives it and the run is repeated."""
    first = run("transfer", "run", *args, "--json")
    waiting = [
        json.loads(line)["batch_id"]
        for line in first.stdout.splitlines()
        if line.startswith("{") and json.loads(line).get("status") == "signoff_needed"
    ]
    if not waiting:
        return first
    for batch in waiting:
        signed = run("transfer", "signoff", "--batch", batch, "--reason", "checked in the test")
        assert signed.returncode == 0, signed.stdout + signed.stderr
    return run("transfer", "run", *args, "--json")
