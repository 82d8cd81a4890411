"""Building, reading and versioning AIPs: digests, signed manifests, archival metadata, OCFL
inventories, BagIt export and offline verification. Imports only ``standards``; never talks to
storage or search — functions take paths, streams and callables.
"""

from package.aip import (
    ARCHIVAL_PATH,
    CASE_XML_PATH,
    REPORT_PATH,
    BuiltVersion,
    build_version,
    ingest_report_json,
)
from package.bagit import export_bag
from package.digest import Digests, digest_bytes, digest_file, digest_stream
from package.errors import (
    BuildError,
    ExportError,
    InventoryError,
    KeyExistsError,
    KeyFormatError,
    ManifestError,
    MetadataError,
    PackageError,
    SignatureError,
    SigningKeyError,
    UnsafePathError,
)
from package.fixity import read_manifest_and_verify, verify_version
from package.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    ManifestDifference,
    SignatureCheck,
    SignatureRecord,
    check_signature,
    compare_manifests,
    manifest_bytes,
    parse_manifest,
    parse_signature,
    sign_manifest,
    signature_json,
)
from package.metadata import (
    AIP_NAMESPACE,
    ArchivalInfo,
    FileFacts,
    archival_metadata_xml,
    file_facts,
    read_archival_metadata,
)
from package.paths import safe_logical_path
from package.signature import (
    ECDSA_P256_SHA256,
    SM2_WITH_SM3,
    Signer,
    generate_key,
    key_id_from_pem,
    load_signer,
)
from package.signature import verify as verify_signature  # ``package.verify`` is the module
from package.verify import verify_package

__all__ = [
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
]
