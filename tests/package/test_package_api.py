"""The public surface of ``package`` changes only on purpose (layering: tests/test_layering.py)."""

from __future__ import annotations

from pathlib import Path

import package
from standards.findings import finding_codes

EXPECTED_API = {
    "AIP_NAMESPACE",
    "ARCHIVAL_PATH",
    "CASE_XML_PATH",
    "ECDSA_P256_SHA256",
    "MANIFEST_PATH",
    "REPORT_PATH",
    "SIGNATURE_PATH",
    "SM2_WITH_SM3",
    "ArchivalInfo",
    "BuildError",
    "BuiltVersion",
    "Digests",
    "ExportError",
    "FileFacts",
    "InventoryError",
    "KeyExistsError",
    "KeyFormatError",
    "ManifestDifference",
    "ManifestError",
    "MetadataError",
    "PackageError",
    "SignatureCheck",
    "SignatureError",
    "SignatureRecord",
    "Signer",
    "SigningKeyError",
    "UnsafePathError",
    "archival_metadata_xml",
    "build_version",
    "check_signature",
    "compare_manifests",
    "digest_bytes",
    "digest_file",
    "digest_stream",
    "export_bag",
    "file_facts",
    "generate_key",
    "ingest_report_json",
    "key_id_from_pem",
    "load_signer",
    "manifest_bytes",
    "parse_manifest",
    "parse_signature",
    "read_archival_metadata",
    "read_manifest_and_verify",
    "safe_logical_path",
    "sign_manifest",
    "signature_json",
    "verify_package",
    "verify_signature",
    "verify_version",
}
PACKAGE_DIR = Path(package.__file__).parent


def test_public_api_is_stable() -> None:
    assert set(package.__all__) == EXPECTED_API
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_errors_form_one_tree() -> None:
    for name in package.__all__:
        obj = getattr(package, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, package.PackageError), name


def test_finding_codes_map_to_bc_indicators() -> None:
    indicators = (PACKAGE_DIR.parent / "standards/data/dat70-indicators.tsv").read_text("utf-8")
    known = {
        f"{line.split(chr(9))[0]}-{line.split(chr(9))[1]}"
        for line in indicators.splitlines()[1:]
        if line
    }
    package_codes = [c for c in finding_codes().values() if c.stage == "package"]
    assert len(package_codes) >= 25
    for code in package_codes:
        assert code.dat70 in known and code.dat70.startswith("BC-"), code.code
        assert code.zh and code.en, code.code
