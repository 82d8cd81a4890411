"""One fixture per finding: a generated case with one thing changed gives its specific code.

Each row: what to change in the case package before ingest (the case.xml is made to declare the
changed bytes truthfully, so ingest accepts it), what to change in the archive after ingest, the
stage, and the expected (item, finding code, status).
"""

from __future__ import annotations

import base64
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.generic import StreamObject, pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from earchive.services.checks.registration import register_batch
from earchive.services.checks.service import CheckOptions, check_archive
from preservation.antivirus import ClamscanAntivirus
from preservation.checks import CheckRun
from tests.earchive.services.checks.check_cases import Home, find_file, rewrite
from tests.eicar import EICAR

PostIngest = Callable[[Home, str, Path], CheckOptions | None]


def _der(pem: bytes) -> bytes:
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    return base64.b64decode(body)


def flip_byte(home: Home, archive_id: str, case_dir: Path) -> None:
    record = home.archive.catalog.get(archive_id)
    assert record is not None
    inv = home.archive.storage.read_inventory(record.object_id)
    assert inv is not None
    rel = "original/" + find_file(home, "A1")[1]
    digest = home.archive.storage.version_state(record.object_id)[rel]
    content = inv["manifest"][digest][0]
    root = home.archive.storage.object_root(record.object_id)
    target = home.archive.settings.storage_dir.joinpath(*root.split("/"), *content.split("/"))
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))


def swap_page_after_signing(data: bytes) -> bytes:
    """An incremental update after the seal that replaces page 1's content."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    forged = StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (FORGED PAGE) Tj ET")
    page[pdf_name("/Contents")] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def append_after_last_revision(data: bytes) -> bytes:
    """Bytes after the last %%EOF: part of no revision, so covered by no signature."""
    return data + b"\n% appended after signing, outside any revision\n"


def sign_untrusted(tmp: Path) -> Callable[[bytes], bytes]:
    from samples.seal_authority import open_authority

    authority = open_authority(tmp / "rogue-ca", ["冒用单位"])
    key = authority.key_for("冒用单位")
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(_der(key.cert_pem)),
        signing_key=asn1_keys.PrivateKeyInfo.load(_der(key.key_pem)),
        cert_registry=None,
    )

    def sign(data: bytes) -> bytes:
        meta = signers.PdfSignatureMetadata(field_name="Rogue", md_algorithm="sha256")
        out = io.BytesIO()
        signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer, output=out
        )
        return out.getvalue()

    return sign


def encrypt(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-secret", user="", R=6))
        return out.getvalue()


def claim_pdfa(version: str = "") -> Callable[[bytes], bytes]:
    """XMP says PDF/A-2B; with ``version`` 2.0 the file certainly is not (rule 6.1.2-1)."""

    def change(data: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["pdfaid:part"] = "2"
                meta["pdfaid:conformance"] = "B"
            out = io.BytesIO()
            pdf.save(out, force_version=version or None)
            return out.getvalue()

    return change


def claim_level_u(data: bytes) -> bytes:
    """A blank page saved as conforming PDF/A-2b, then claimed as level U: only B is decided."""
    import pikepdf.pdfa

    with pikepdf.Pdf.new() as pdf:
        pdf.add_blank_page()
        out = io.BytesIO()
        pikepdf.pdfa.save(pdf, out, "2b")
    with pikepdf.open(io.BytesIO(out.getvalue())) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:conformance"] = "U"
        final = io.BytesIO()
        pdf.save(final)
        return final.getvalue()


def wrong_count(home: Home, archive_id: str, case_dir: Path) -> None:
    from ingest.pipeline import IngestResult

    record = home.archive.catalog.get(archive_id)
    assert record is not None
    form = register_batch(home.archive, [IngestResult("accepted", "x", id=archive_id, version=1)])
    assert form is not None
    store_entry = form.entries[0]
    from preservation.checks import RegistrationForm, RunStore

    bad = RegistrationForm(
        batch_id="wrong-count",
        unit=form.unit,
        created_at=form.created_at,
        agent=form.agent,
        carrier=form.carrier,
        entries=(type(store_entry)(**{**store_entry.__dict__, "files": store_entry.files + 1}),),
    )
    RunStore(home.archive.engine).save_form(bad)


def clamscan(tmp: Path) -> CheckOptions:
    db = tmp / "eicar-test.ndb"
    db.write_text(f"Eicar-Test:0:*:{EICAR.hex()}\n")
    return CheckOptions(antivirus=ClamscanAntivirus(db))


@dataclass(frozen=True)
class Fixture:
    name: str
    select: tuple[str, bool | None, str]  # name prefix, signed, format of the file to change
    change: Callable[[Path], Callable[[bytes], bytes | None]] | None
    after: Callable[[Home, str, Path], None] | None
    options: Callable[[Path], CheckOptions] | None
    stage: str
    item: str
    code: str
    status: str


FIXTURES = (
    Fixture(
        "AIP_DIGEST_MISMATCH_flipped_byte",
        ("A1", None, ""),
        None,
        flip_byte,
        None,
        "bc",
        "BC-1-1-1",
        "AIP_DIGEST_MISMATCH",
        "FAIL",
    ),
    Fixture(
        "PDF_SIGNATURE_MODIFIED_page_swapped",
        ("", True, "PDF"),
        lambda t: swap_page_after_signing,
        None,
        None,
        "gd",
        "GD-1-1-2",
        "PDF_SIGNATURE_MODIFIED",
        "FAIL",
    ),
    Fixture(
        "PDF_SIGNATURE_COVERAGE_bytes_appended",
        ("", True, "PDF"),
        lambda t: append_after_last_revision,
        None,
        None,
        "gd",
        "GD-1-1-2",
        "PDF_SIGNATURE_COVERAGE",
        "FAIL",
    ),
    Fixture(
        "PDF_SIGNATURE_UNTRUSTED_rogue_ca",
        ("", False, "PDF"),
        sign_untrusted,
        None,
        None,
        "gd",
        "GD-1-1-2",
        "PDF_SIGNATURE_UNTRUSTED",
        "MANUAL_REVIEW",
    ),
    Fixture(
        "MATERIAL_REQUIRED_MISSING_no_A1",
        ("A1", None, ""),
        lambda t: lambda d: None,
        None,
        None,
        "gd",
        "GD-2-3-1",
        "MATERIAL_REQUIRED_MISSING",
        "WARN",
    ),
    Fixture(
        "REGISTRATION_COUNT_MISMATCH_wrong_form",
        ("A1", None, ""),
        None,
        wrong_count,
        None,
        "gd",
        "GD-2-1-1",
        "REGISTRATION_COUNT_MISMATCH",
        "FAIL",
    ),
    Fixture(
        "FILE_ENCRYPTED_pdf",
        ("", False, "PDF"),
        lambda t: encrypt,
        None,
        None,
        "gd",
        "GD-3-4-1",
        "FILE_ENCRYPTED",
        "FAIL",
    ),
    Fixture(
        "FILE_DOES_NOT_OPEN_truncated_jpeg",
        ("", None, "JPEG"),
        lambda t: lambda d: d[: len(d) // 2],
        None,
        None,
        "gd",
        "GD-3-2-1",
        "FILE_DOES_NOT_OPEN",
        "FAIL",
    ),
    Fixture(
        "PDFA_INVALID_false_claim",
        ("", False, "PDF"),
        lambda t: claim_pdfa("2.0"),
        None,
        None,
        "gd",
        "GD-3-2-3",
        "PDFA_INVALID",
        "FAIL",
    ),
    Fixture(
        "PDFA_UNVERIFIED_level_u_claim",
        ("", False, "PDF"),
        lambda t: claim_level_u,
        None,
        None,
        "gd",
        "GD-3-2-3",
        "PDFA_UNVERIFIED",
        "MANUAL_REVIEW",
    ),
    Fixture(
        "VIRUS_FOUND_eicar",
        ("", False, "PDF"),
        lambda t: lambda d: d + b"\n" + EICAR + b"\n",
        None,
        clamscan,
        "gd",
        "GD-4-1-2",
        "VIRUS_FOUND",
        "FAIL",
    ),
)


def _run(home: Home, fx: Fixture, tmp: Path) -> CheckRun:
    case_dir, rel = find_file(home, *fx.select)
    if fx.change is not None:
        rewrite(case_dir, rel, fx.change(tmp))
    result = home.ingest(case_dir)
    if fx.after is not None:
        fx.after(home, result.id, case_dir)
    options = fx.options(tmp) if fx.options else CheckOptions()
    return check_archive(home.archive, result.id, fx.stage, options)


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_gives_its_code(fx: Fixture, home: Home, tmp_path: Path) -> None:
    run = _run(home, fx, tmp_path)
    hits = [r for r in run.results if r.finding.code == fx.code]
    assert hits, f"{fx.code} not found; got {[(r.item, r.finding.code) for r in run.results]}"
    assert {r.item for r in hits} == {fx.item}
    assert {r.finding.status.value for r in hits} == {fx.status}
    assert all(r.finding.message for r in hits)


def test_untrusted_signature_is_intact_and_valid_not_tampered(home: Home, tmp_path: Path) -> None:
    fx = next(f for f in FIXTURES if f.code == "PDF_SIGNATURE_UNTRUSTED")
    run = _run(home, fx, tmp_path)
    codes = {r.finding.code for r in run.results if r.item == "GD-1-1-2"}
    assert "PDF_SIGNATURE_TAMPERED" not in codes and "PDF_SIGNATURE_INVALID" not in codes
    rogue = [r.finding for r in run.results if r.finding.detail.get("field") == "Rogue"]
    assert {f.code for f in rogue} >= {"PDF_SIGNATURE_INTACT", "PDF_SIGNATURE_VALID"}
    assert not run.failed or any(r.finding.code != "PDF_SIGNATURE_UNTRUSTED" for r in run.results)


def test_clean_case_has_no_fail_and_trusted_seals(home: Home, tmp_path: Path) -> None:
    result = home.ingest(find_file(home, "", True, "PDF")[0])
    register_batch(home.archive, [result])
    run = check_archive(home.archive, result.id, "gd", clamscan(tmp_path))
    failed = [(r.item, r.finding.code, r.finding.path) for r in run.results if r.finding.failed]
    assert failed == []
    codes = {r.finding.code for r in run.results}
    assert {
        "PDF_SIGNATURE_TRUSTED",
        "REGISTRATION_MATCH",
        "VIRUS_CLEAN",
        "DIGESTS_VERIFIED",
    } <= codes
