"""Signed annotations (``package.annotation``): sign, verify, and every way a copy can be bad."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from package.annotation import annotation_canonical, sign_annotation, verify_annotation
from package.errors import SignatureError
from package.signature import ECDSA_P256_SHA256, SM2_WITH_SM3, Signer, generate_key, load_signer

WHEN = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BODY = {
    "type": "objection",
    "claim": "住址有误",
    "element": {"kind": "metadata", "name": "address"},
}


@pytest.fixture(params=[SM2_WITH_SM3, ECDSA_P256_SHA256])
def signer(request: pytest.FixtureRequest, tmp_path: Path) -> Signer:
    return load_signer(generate_key(tmp_path, request.param))


def test_signed_annotation_verifies_and_is_trusted_by_its_key(signer: Signer) -> None:
    data = sign_annotation(BODY, signer, WHEN)
    check = verify_annotation(data, signer.public_key_pem)
    assert check.valid and check.trusted is True and check.key_id == signer.key_id
    assert check.annotation == BODY
    assert verify_annotation(data).trusted is None  # no trusted key given
    # re-indenting keeps it valid (the signature covers the canonical form)
    compact = json.dumps(json.loads(data), ensure_ascii=True).encode()
    assert verify_annotation(compact, signer.public_key_pem).valid


def test_any_change_breaks_it(signer: Signer, tmp_path: Path) -> None:
    data = sign_annotation(BODY, signer, WHEN)
    doc = json.loads(data)
    for path, value in (
        (("annotation", "claim"), "住址无误"),
        (("signature", "signed_at"), "2020-01-01T00:00:00+00:00"),
        (("annotation", "extra"), 1),
    ):
        changed = json.loads(data)
        changed[path[0]][path[1]] = value
        check = verify_annotation(json.dumps(changed, ensure_ascii=False).encode())
        assert not check.valid and check.reason == "signature does not verify", path
    flipped = bytearray(base64.b64decode(doc["signature"]["value"]))
    flipped[-1] ^= 1
    doc["signature"]["value"] = base64.b64encode(bytes(flipped)).decode()
    assert not verify_annotation(json.dumps(doc).encode()).valid
    # signed by another key: valid, but not trusted when the archive's key is required
    other = load_signer(generate_key(tmp_path / "other", signer.algorithm))
    assert (
        verify_annotation(sign_annotation(BODY, other, WHEN), signer.public_key_pem).trusted
        is False
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff", "not UTF-8 JSON"),
        (b"[]", "not an annotation document"),
        (b'{"annotation": {}, "signature": {}}', "signature.algorithm missing"),
    ],
)
def test_malformed_documents_are_findings_not_exceptions(data: bytes, reason: str) -> None:
    check = verify_annotation(data)
    assert not check.valid and check.reason.startswith(reason)


def test_signing_needs_an_aware_time_and_json_data(signer: Signer) -> None:
    with pytest.raises(SignatureError):
        sign_annotation(BODY, signer, datetime(2026, 11, 20))
    with pytest.raises(SignatureError):
        sign_annotation({"x": object()}, signer, WHEN)
    assert b'"value"' not in annotation_canonical({"annotation": {}, "signature": {"value": "x"}})
