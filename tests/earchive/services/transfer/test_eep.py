"""DA/T 48 EEPs of real ingested archives (generated PDFs, OFDs, scans): built signed by the
立档单位's certificate, valid against the XSD, verified against the units' CA, and read back to
the submitted case package byte for byte; exporting one as the archive needs the archive's own
certificate. The format itself is tested without the application in ``tests/transfer``."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.services.transfer.sender import eep_source, export_eep
from earchive.settings import Settings
from standards.finding import Status
from standards.schemas import load_schema
from tests.earchive.units import ARCHIVE_NAME, unit_ids
from transfer import extract_documents, read_eep
from transfer.eep import EEP_SCHEMA, BuiltEep, EepOptions, build_eep, verify_eep

from .conftest import archive_ids


def _build(sender: Archive, dest: Path) -> tuple[str, BuiltEep]:
    archive_id = unit_ids(sender, 1)[0]
    record = sender.catalog.get(archive_id)
    assert record is not None
    unit = sender.unit_identity(record.fonds_identifier)
    assert unit is not None
    options = EepOptions(unit.name, sender.clock(), unit.name, unit.certificates)
    return archive_id, build_eep(eep_source(sender, archive_id), unit.signer, dest, options)


def test_an_archive_travels_as_a_signed_eep_and_comes_back_byte_for_byte(
    sender: Archive, tmp_path: Path
) -> None:
    archive_id, built = _build(sender, tmp_path / "x.eep.xml")
    assert load_schema(EEP_SCHEMA).validate(etree.parse(str(built.path)))
    findings = verify_eep(built.path, trust_roots=sender.trust_roots())
    assert not [f.as_dict() for f in findings if f.status is Status.FAIL]
    trusted = [f for f in findings if f.code == "EEP_CERTIFICATE_TRUSTED"]
    record = sender.catalog.get(archive_id)
    unit = sender.unit_identity(record.fonds_identifier) if record else None
    assert trusted and unit is not None and {f.found for f in trusted} == {unit.name}

    contents = read_eep(built.path)
    assert record is not None and contents.archival_code == record.archival_code
    written = extract_documents(contents, tmp_path / "case", "original/")
    originals = [p for p in sender.version_paths(archive_id) if p.startswith("original/")]
    assert sorted(written) == sorted(p.removeprefix("original/") for p in originals)
    for path in originals:
        with sender.open_file(archive_id, path) as fp:
            assert (tmp_path / "case" / path.removeprefix("original/")).read_bytes() == fp.read()


def test_export_signs_as_the_archive_and_needs_its_certificate(
    sender: Archive, tmp_path: Path
) -> None:
    path = export_eep(sender, archive_ids(sender)[0], tmp_path)
    findings = verify_eep(path, trust_roots=sender.trust_roots())
    assert not [f for f in findings if f.status is Status.FAIL]
    signers = {f.found for f in findings if f.code == "EEP_CERTIFICATE_TRUSTED"}
    assert signers == {ARCHIVE_NAME}  # the archive, not a unit, signs an export
    bare = Archive(Settings(home=tmp_path / "bare"))
    bare.init()
    try:
        with pytest.raises(ConfigurationError, match="keys import archive"):
            export_eep(bare, "any", tmp_path / "none")
    finally:
        bare.engine.dispose()
