"""Ingest records every signature and seal it finds as a DA/T 46 电子签名 group: the sealed OFD
licences and signed PDFs of generated cases, and the archive's own signature over the manifest
(naming the archive's certified identity)."""

from __future__ import annotations

from pathlib import Path

from earchive.core.archive import Archive
from earchive.settings import Settings
from package.aip import ARCHIVAL_PATH
from package.metadata import read_archival_metadata
from tests.earchive.units import ARCHIVE_NAME, PASSPHRASE, certify_units


def test_found_signatures_and_the_package_signature_are_recorded(
    sample_cases: Path, tmp_path: Path
) -> None:
    archive = Archive(Settings(home=tmp_path / "home", key_passphrase=PASSPHRASE))
    archive.init()
    try:
        certify_units(archive, tmp_path / "ca")  # the archive signs as a certified holder
        results = list(archive.ingest(sorted(sample_cases.glob("*.zip"))[:4]))
        assert {r.status for r in results} == {"accepted"}
        seen_ofd = seen_pdf = 0
        for record in archive.catalog.iter_archives():
            with archive.open_file(record.id, ARCHIVAL_PATH) as fp:
                data = read_archival_metadata(fp.read())
            own = data["package_signature"]
            assert isinstance(own, dict) and own["signer"] == ARCHIVE_NAME
            assert own["signatureAlgorithm"] == "1.2.156.10197.1.501"
            for entry in data["files"]:  # type: ignore[union-attr]
                for group in entry["signatures"]:
                    assert group["signatureAlgorithm"] and group["certificate"]
                    assert group["signer"] and group["signatureTime"]
                    seen_ofd += str(entry["path"]).endswith(".ofd")
                    seen_pdf += str(entry["path"]).endswith(".pdf")
        assert seen_ofd and seen_pdf  # sealed licences and signed decisions both recorded
    finally:
        archive.engine.dispose()
