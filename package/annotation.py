"""Signed annotations: statements about an archive kept beside it, never inside it.

An annotation (e.g. a data subject's objection, 异议标注, and the decision on it) is a JSON
document ``{"annotation": {...}, "signature": {...}}``. The signature block names the algorithm,
key id, public key and signing time, and ``value`` is the archive's signature (``Signer``: SM2 with
SM3, or ECDSA P-256) over the *canonical* bytes of everything else: the document without
``signature.value``, as JSON with sorted keys, no spaces and UTF-8 characters unescaped. So the
stored file may be re-indented without breaking it, while any change of content does.

``verify_annotation`` keeps separate verdicts like the manifest check: *intact and valid* (the
signature verifies over the content) and *trusted* (made by the expected key, when one is given).

Reads/writes nothing (bytes in, bytes out). Raises: ``SignatureError`` (``sign_annotation`` only,
for a naive time or a body that is not JSON data).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from package.errors import KeyFormatError, SignatureError
from package.signature import Signer, verify
from package.trusted_keys import is_trusted

__all__ = ["AnnotationCheck", "annotation_canonical", "sign_annotation", "verify_annotation"]


def annotation_canonical(document: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: ``document`` without ``signature.value``, canonical JSON."""
    body = dict(document)
    signature = dict(body.get("signature") or {})
    signature.pop("value", None)
    body["signature"] = signature
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign_annotation(annotation: Mapping[str, Any], signer: Signer, signed_at: datetime) -> bytes:
    """The signed annotation document (indented JSON, newline-terminated) for ``annotation``."""
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise SignatureError("signed_at must be timezone-aware")
    document: dict[str, Any] = {
        "annotation": dict(annotation),
        "signature": {
            "algorithm": signer.algorithm,
            "key_id": signer.key_id,
            "public_key_pem": signer.public_key_pem,
            "signed_at": signed_at.isoformat(),
        },
    }
    try:
        canonical = annotation_canonical(document)
    except (TypeError, ValueError) as exc:
        raise SignatureError(f"annotation is not JSON data: {exc}") from exc
    document["signature"]["value"] = base64.b64encode(signer.sign(canonical)).decode("ascii")
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


@dataclass(frozen=True)
class AnnotationCheck:
    """The verdicts on one annotation document.

    ``valid``: the signature verifies over the content (so the content is intact). ``trusted``:
    ``None`` when no trusted key was given, else whether the signing key is that key.
    ``reason`` says why ``valid`` is false.
    """

    valid: bool
    trusted: bool | None = None
    reason: str = ""
    key_id: str = ""
    annotation: Mapping[str, Any] = field(default_factory=dict)


def _parse(data: bytes) -> tuple[dict[str, Any], dict[str, Any]] | str:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"not UTF-8 JSON: {exc}"
    if not isinstance(document, dict) or set(document) != {"annotation", "signature"}:
        return "not an annotation document (annotation + signature)"
    annotation, signature = document["annotation"], document["signature"]
    if not isinstance(annotation, dict) or not isinstance(signature, dict):
        return "annotation and signature must be objects"
    for key in ("algorithm", "key_id", "public_key_pem", "signed_at", "value"):
        if not isinstance(signature.get(key), str):
            return f"signature.{key} missing or not a string"
    return document, signature


def verify_annotation(data: bytes, trusted_key_pem: str | None = None) -> AnnotationCheck:
    """Verify a signed annotation document; never raises for damaged or forged content."""
    parsed = _parse(data)
    if isinstance(parsed, str):
        return AnnotationCheck(valid=False, reason=parsed)
    document, signature = parsed
    try:
        value = base64.b64decode(signature["value"], validate=True)
    except (binascii.Error, ValueError):
        return AnnotationCheck(valid=False, reason="signature value is not Base64")
    try:
        ok = verify(
            signature["algorithm"],
            signature["public_key_pem"],
            annotation_canonical(document),
            value,
        )
    except KeyFormatError as exc:
        return AnnotationCheck(valid=False, reason=f"unusable public key: {exc}")
    key_id = str(signature["key_id"])
    if not ok:
        return AnnotationCheck(valid=False, reason="signature does not verify", key_id=key_id)
    trusted = None
    if trusted_key_pem is not None:
        trusted = is_trusted(signature["public_key_pem"], trusted_key_pem)
    return AnnotationCheck(
        valid=True, trusted=trusted, key_id=key_id, annotation=document["annotation"]
    )
