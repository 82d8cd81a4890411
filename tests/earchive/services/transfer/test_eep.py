"""DA/T 48 EEP: build from an ingested archive, validate with the XSD, verify, detect tampering."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from earchive.core.archive import Archive
from earchive.services.transfer.sender import eep_source
from standards.finding import Status
from standards.schemas import load_schema
from transfer.eep import EEP_NAMESPACE, BuiltEep, EepOptions, build_eep, verify_eep

from .conftest import archive_ids

NS = "{" + EEP_NAMESPACE + "}"


def _build(sender: Archive, dest: Path, limit: int = 40_000) -> BuiltEep:
    source = eep_source(sender, archive_ids(sender)[0])
    options = EepOptions("测试单位", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "earchive", limit)
    return build_eep(source, sender.signer, dest / "x.eep.xml", options)


def _failed(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.code, f.path) for f in findings if f.status is Status.FAIL]


def test_built_eep_is_valid_signed_and_has_both_forms(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    root = etree.parse(str(built.path))
    assert load_schema("eep.xsd").validate(root)
    assert root.getroot().tag == NS + "电子文件封装包"
    assert root.findtext(f"{NS}被签名对象/{NS}封装包类型") == "原始型"
    assert root.findtext(f"{NS}电子签名块/{NS}电子签名/{NS}签名算法标识") == "1.2.156.10197.1.501"
    assert root.findall(f".//{NS}编码数据") and root.findall(f".//{NS}外部文件引用")
    assert built.external and all((tmp_path / x.path).is_file() for x in built.external)
    findings = verify_eep(built.path, sender.signer.public_key_pem)
    assert _failed(findings) == []
    codes = {f.code for f in findings}
    assert {"EEP_SIGNATURE_VALID", "EEP_SIGNER_TRUSTED", "EEP_CONTENT_VERIFIED"} <= codes


def test_unknown_signer_is_manual_review_not_pass(sender: Archive, tmp_path: Path) -> None:
    findings = verify_eep(_build(sender, tmp_path).path)
    assert "EEP_SIGNER_TRUST_UNKNOWN" in {f.code for f in findings}
    assert _failed(findings) == []


def test_flipped_byte_in_embedded_data_is_named(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    tree = etree.parse(str(built.path))
    node = tree.find(f".//{NS}编码数据")
    assert node is not None and node.text
    path = node.getparent().getparent().getparent().findtext(f"{NS}文档标识符")  # type: ignore[union-attr]
    raw = bytearray(base64.b64decode(node.text))
    raw[len(raw) // 2] ^= 0x01
    node.text = base64.b64encode(bytes(raw)).decode("ascii")
    tree.write(str(built.path), xml_declaration=True, encoding="UTF-8")
    failed = _failed(verify_eep(built.path, sender.signer.public_key_pem))
    assert ("EEP_CONTENT_DIGEST_MISMATCH", path) in failed
    assert ("EEP_SIGNATURE_INVALID", "") in failed  # the 被签名对象 changed


def test_flipped_byte_in_external_file_is_named(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    target = tmp_path / built.external[0].path
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    findings = verify_eep(built.path, sender.signer.public_key_pem)
    failed = _failed(findings)
    assert [code for code, _ in failed] == ["EEP_CONTENT_DIGEST_MISMATCH"] * 2  # SM3 and SHA-256
    assert all(path.startswith("original/") for _, path in failed)
    assert "EEP_SIGNATURE_VALID" in {f.code for f in findings}  # signatures still hold


def test_missing_external_file_and_garbage(sender: Archive, tmp_path: Path) -> None:
    built = _build(sender, tmp_path)
    (tmp_path / built.external[0].path).unlink()
    assert "EEP_EXTERNAL_MISSING" in {c for c, _ in _failed(verify_eep(built.path))}
    assert [f.code for f in verify_eep(b"<not xml")] == ["EEP_MALFORMED"]
