"""The DA/T 46 电子签名 facts read from real signed documents of other producers (the samples in
``$EARCHIVE_REAL_SAMPLES``, default ``../shared/data/real-samples``; skipped when absent): every
sealed or signed OFD and every signed PDF yields its signatures with signer, certificate,
algorithm and time; a broken file yields what can be read and never raises."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest

from package.certificates import load_certificate
from preservation.signature_facts import signature_facts

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLES = Path(
    os.environ.get("EARCHIVE_REAL_SAMPLES") or REPOSITORY.parent / "shared/data/real-samples"
)
LABELS = SAMPLES / "seals-labels.tsv"


def _rows() -> list[dict[str, str]]:
    if not LABELS.is_file():
        return []
    with LABELS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()
pytestmark = pytest.mark.skipif(not ROWS, reason=f"real samples not found at {SAMPLES}")


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "ofd"], ids=lambda r: r["id"])
def test_every_ofd_signature_is_described(row: dict[str, str]) -> None:
    facts = signature_facts(SAMPLES / row["file"], "OFD")
    assert facts, row["notes"]
    for f in facts:
        assert f.rule and f.algorithm and f.value
        if row["form"] == "sign-raw":  # a bare SM2 value: no certificate, so nobody named
            assert not f.certificate and not f.signer
        else:
            assert f.certificate and f.signer and f.reference
            load_certificate(f.certificate)  # the certificate itself, not a bare key


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["kind"] == "pdf" and r["expected"] != "BROKEN"],
    ids=lambda r: r["id"],
)
def test_every_pdf_signature_is_described(row: dict[str, str]) -> None:
    facts = signature_facts(SAMPLES / row["file"], "PDF")
    assert facts, row["notes"]
    for f in facts:
        assert f.rule.startswith("PDF 数字签名") and f.certificate and f.value and f.algorithm


def test_a_broken_or_unsigned_file_gives_nothing_and_never_raises(tmp_path: Path) -> None:
    broken = [r for r in ROWS if r["expected"] == "BROKEN"]
    for row in broken:
        signature_facts(SAMPLES / row["file"], "PDF")  # whatever it reads, it returns
    garbage = tmp_path / "x.pdf"
    garbage.write_bytes(b"%PDF-1.7\n/ByteRange [0 1 2 3] garbage")
    assert signature_facts(garbage, "PDF") == ()
    fake = tmp_path / "x.ofd"
    fake.write_bytes(b"PK\x03\x04 not a zip")
    assert signature_facts(fake, "OFD") == ()
    assert signature_facts(tmp_path / "absent.pdf", "PDF") == ()


def test_damage_around_the_signature_dictionary_never_raises(tmp_path: Path) -> None:
    """Bytes changed in and around /ByteRange, /Contents and /M of a real signed PDF: whatever
    is read, nothing raises."""
    rows = [r for r in ROWS if r["kind"] == "pdf" and r["expected"] == "OK"]
    data = (SAMPLES / rows[0]["file"]).read_bytes()
    at = data.index(b"/ByteRange")
    rng = random.Random(7)
    target = tmp_path / "x.pdf"
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            spot = rng.randint(max(0, at - 3000), min(len(data) - 1, at + 400))
            damaged[spot] = rng.randrange(256)
        if rng.random() < 0.3:
            damaged = damaged[: rng.randint(at - 100, at + 200)]  # truncated in the dictionary
        target.write_bytes(bytes(damaged))
        for facts in signature_facts(target, "PDF"):
            assert facts.rule.startswith("PDF 数字签名")
