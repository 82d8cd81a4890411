"""Real OFD documents from real producers give the verdict their label asks for.

The samples live outside the project: ``$EARCHIVE_REAL_SAMPLES`` (default
``../shared/data/real-samples`` from the repository root), labelled in ``seals-labels.tsv``
(rows of kind ``ofd``). Without them these tests are skipped, saying why. Each VALID or INTACT
sample is also tampered with (one byte of a signed part flipped, the ZIP rewritten): the change
must always be caught.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from preservation.seals import check_ofd
from preservation.seals import codes as c
from standards.finding import Finding, Status

REPOSITORY = Path(__file__).resolve().parents[3]
SAMPLES = Path(
    os.environ.get("EARCHIVE_REAL_SAMPLES") or REPOSITORY.parent / "shared/data/real-samples"
)
LABELS = SAMPLES / "seals-labels.tsv"
AT = datetime(2026, 9, 1, tzinfo=UTC)  # after every sample's signing time
INTEGRITY = {
    c.OFD_REFERENCE_DIGEST_MISMATCH,
    c.OFD_REFERENCE_MISSING,
    c.OFD_SEAL_DATAHASH_MISMATCH,
    c.OFD_SIGN_DIGEST_MISMATCH,
}
VALIDITY = {
    c.OFD_SEAL_EXPIRED,
    c.OFD_SEAL_NOT_YET_VALID,
    c.OFD_SEAL_SIGNER_CERT_EXPIRED,
    c.OFD_SIGN_CERT_EXPIRED,
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _rows() -> list[dict[str, str]]:
    if not LABELS.is_file():
        return []
    with LABELS.open(encoding="utf-8", newline="") as fp:
        return [row for row in csv.DictReader(fp, delimiter="\t") if row["kind"] == "ofd"]


ROWS = _rows()
MISSING = pytest.mark.skip(
    reason=f"real samples not found at {SAMPLES} (set EARCHIVE_REAL_SAMPLES)"
)


def _params(labels: set[str] | None = None) -> list[object]:
    rows = [row for row in ROWS if labels is None or row["expected"] in labels]
    if not rows:
        return [pytest.param(None, marks=MISSING, id="no-samples")]
    return [pytest.param(row, id=f"{row['id']}-{row['expected']}") for row in rows]


def _fails(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status is Status.FAIL]


def _expect_valid(findings: list[Finding], result: object) -> None:
    assert not _fails(findings), _fails(findings)
    for verdict in result.signatures:  # type: ignore[attr-defined]
        assert verdict.intact and verdict.valid, verdict.findings
    chains = [f for f in findings if f.code == c.OFD_SEAL_CHAIN_UNTRUSTED]
    assert chains and {f.status for f in chains} == {Status.MANUAL_REVIEW}


def _expect_intact(findings: list[Finding], result: object) -> None:
    assert not _fails(findings), _fails(findings)
    for verdict in result.signatures:  # type: ignore[attr-defined]
        if verdict.kind == "raw" and not verdict.valid:  # a bare SM2 value, no certificate
            review = [f for f in verdict.findings if f.code == c.OFD_SIGN_SIGNATURE_INVALID]
            assert [f.status for f in review] == [Status.MANUAL_REVIEW]
            assert "certificate" in review[0].detail["reason"]
            refs = [f for f in verdict.findings if f.code == c.OFD_REFERENCE_DIGEST_MISMATCH]
            assert {f.status for f in refs} == {Status.PASS}
        else:
            assert verdict.intact and verdict.valid, verdict.findings


def _expect_expired(findings: list[Finding], result: object) -> None:
    dated = [
        f
        for f in findings
        if f.code in VALIDITY and f.status in (Status.FAIL, Status.MANUAL_REVIEW)
    ]
    assert dated, findings
    assert all(DATE.search(f.found) and DATE.search(f.expected) for f in dated), dated
    assert all(DATE.search(f.message) for f in dated)
    assert not [f for f in _fails(findings) if f.code not in VALIDITY]
    assert all(v.intact for v in result.signatures)  # type: ignore[attr-defined]


def _expect_tampered(findings: list[Finding], row: dict[str, str]) -> None:
    broken = [f for f in _fails(findings) if f.code in INTEGRITY]
    assert broken and all(f.path for f in broken), findings
    named = re.search(r"FileIntegrityException (\S+)", row["label_source"])
    if named:
        part = named.group(1).lstrip("/")
        assert any(f.path.endswith(part) for f in broken), (part, broken)


def _expect_unverifiable(findings: list[Finding], result: object, row: dict[str, str]) -> None:
    assert not _fails(findings), _fails(findings)
    review = [f for f in findings if f.status is Status.MANUAL_REVIEW and f.detail.get("reason")]
    oids = re.findall(r"\d+(?:\.\d+){4,}", row["label_source"])
    assert any(oid in f.detail["reason"] for f in review for oid in oids), review
    for verdict in result.signatures:  # type: ignore[attr-defined]
        assert not (verdict.intact and verdict.valid)
        assert not any(
            f.status is Status.PASS and f.code in (INTEGRITY | {c.OFD_SEAL_SIGNATURE_INVALID})
            for f in verdict.findings
        )


@pytest.mark.parametrize("row", _params())
def test_label_verdict(row: dict[str, str]) -> None:
    result = check_ofd(SAMPLES / row["file"], [], AT)
    findings = result.all_findings()
    assert result.signatures, findings
    assert not [f for f in findings if f.code == c.OFD_VERIFIER_ERROR]
    expected = row["expected"]
    if expected == "VALID":
        _expect_valid(findings, result)
    elif expected == "INTACT":
        _expect_intact(findings, result)
    elif expected == "EXPIRED":
        _expect_expired(findings, result)
    elif expected == "TAMPERED":
        _expect_tampered(findings, row)
    elif expected == "UNVERIFIABLE":
        _expect_unverifiable(findings, result, row)
    else:
        pytest.fail(f"unknown label {expected}")


def _flip(data: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = next(n for n in parts if n.lstrip("/") == part)
    changed = bytearray(parts[name])
    changed[len(changed) // 2] ^= 0x01
    parts[name] = bytes(changed)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in parts.items():
            archive.writestr(key, value)
    return out.getvalue()


@pytest.mark.parametrize("row", _params({"VALID", "INTACT"}))
def test_tampered_copy_is_caught(row: dict[str, str]) -> None:
    data = (SAMPLES / row["file"]).read_bytes()
    original = check_ofd(data, [], AT)
    covered = [
        part
        for verdict in original.signatures
        for part in verdict.covered
        if part != "OFD.xml" and "/Signs/" not in part
    ]
    assert covered, original.all_findings()
    part = covered[0]
    findings = check_ofd(_flip(data, part), [], AT).all_findings()
    broken = {(f.code, f.path) for f in _fails(findings)}
    assert (c.OFD_REFERENCE_DIGEST_MISMATCH, part) in broken, findings
