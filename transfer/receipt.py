"""The receiver's signed receipt (回执) of a transfer package, and its verification by the sender.

``receipt.json`` = ``{"receipt": {...}, "signature": {algorithm, key_id, public_key_pem, value}}``;
the signature is over the canonical JSON of ``receipt`` (sorted keys, no spaces, UTF-8).
Codes (DOMAIN.md §4): ``accepted``, ``unpack_failed``, ``four_properties_failed`` (四性 failed),
``digest_failed``, ``archiving_failed`` (归档失败: the package checks passed but the receiver's own
ingest refused the item). An item names the receiver's archive id once it is ingested.
Reads and writes nothing. Raises ``ReceiptError``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from package.errors import PackageError
from package.signature import Signer, key_id_from_pem, verify
from standards.finding import Finding, finding_from_dict

from .errors import ReceiptError

__all__ = [
    "ACCEPTED",
    "ARCHIVING_FAILED",
    "CODES",
    "DIGEST_FAILED",
    "FOUR_PROPERTIES_FAILED",
    "RECEIPT_SUFFIX",
    "UNPACK_FAILED",
    "Receipt",
    "ReceiptItem",
    "receipt_json",
    "verify_receipt",
    "with_items",
]

#: a receipt is kept beside the package it answers: ``<package>`` + this
RECEIPT_SUFFIX = ".receipt.json"
ACCEPTED = "accepted"
UNPACK_FAILED = "unpack_failed"
FOUR_PROPERTIES_FAILED = "four_properties_failed"
DIGEST_FAILED = "digest_failed"
ARCHIVING_FAILED = "archiving_failed"
CODES = (ACCEPTED, UNPACK_FAILED, FOUR_PROPERTIES_FAILED, DIGEST_FAILED, ARCHIVING_FAILED)


@dataclass(frozen=True)
class ReceiptItem:
    archival_code: str
    eep_path: str
    code: str
    findings: tuple[Finding, ...]
    archive_id: str = ""  # the receiver's archive id, once ingested there

    def failed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.failed)


@dataclass(frozen=True)
class Receipt:
    batch_id: str
    code: str
    received_at: datetime
    receiver: str
    items: tuple[ReceiptItem, ...]
    findings: tuple[Finding, ...]  # about the package as a whole

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "code": self.code,
            "received_at": self.received_at.isoformat(),
            "receiver": self.receiver,
            "items": [
                {
                    "archival_code": i.archival_code,
                    "eep_path": i.eep_path,
                    "code": i.code,
                    "findings": [f.as_dict() for f in i.findings],
                    **({"archive_id": i.archive_id} if i.archive_id else {}),
                }
                for i in self.items
            ],
            "findings": [f.as_dict() for f in self.findings],
        }


_SEVERITY = (UNPACK_FAILED, DIGEST_FAILED, FOUR_PROPERTIES_FAILED, ARCHIVING_FAILED, ACCEPTED)


def with_items(receipt: Receipt, items: tuple[ReceiptItem, ...]) -> Receipt:
    """``receipt`` with its items replaced (e.g. after ingest); the overall code is the most
    severe of the previous code and the new item codes."""
    worst = min((receipt.code, *(i.code for i in items)), key=_SEVERITY.index)
    return Receipt(
        receipt.batch_id, worst, receipt.received_at, receipt.receiver, items, receipt.findings
    )


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def receipt_json(receipt: Receipt, signer: Signer) -> bytes:
    """The signed ``receipt.json`` bytes."""
    body = receipt.as_dict()
    try:
        value = signer.sign(_canonical(body))
    except PackageError as exc:
        raise ReceiptError(f"cannot sign the receipt: {exc}") from exc
    signature = {
        "algorithm": signer.algorithm,
        "key_id": signer.key_id,
        "public_key_pem": signer.public_key_pem,
        "value": base64.b64encode(value).decode("ascii"),
    }
    text = json.dumps({"receipt": body, "signature": signature}, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _from_dict(body: dict[str, Any]) -> Receipt:
    items = tuple(
        ReceiptItem(
            str(i["archival_code"]),
            str(i["eep_path"]),
            str(i["code"]),
            tuple(finding_from_dict(f) for f in i["findings"]),
            str(i.get("archive_id", "")),
        )
        for i in body["items"]
    )
    return Receipt(
        str(body["batch_id"]),
        str(body["code"]),
        datetime.fromisoformat(str(body["received_at"])),
        str(body["receiver"]),
        items,
        tuple(finding_from_dict(f) for f in body["findings"]),
    )


def verify_receipt(data: bytes, trusted_receiver_key_pem: str | None = None) -> Receipt:
    """The receipt, if its signature verifies (and is by the trusted key when one is given).

    Raises ``ReceiptError`` for a malformed, unsigned, tampered or untrusted receipt.
    """
    try:
        doc = json.loads(data.decode("utf-8"))
        body, sig = doc["receipt"], doc["signature"]
        algorithm, pem = str(sig["algorithm"]), str(sig["public_key_pem"])
        value = base64.b64decode(str(sig["value"]), validate=True)
        ok = verify(algorithm, pem, _canonical(body), value)
        receipt = _from_dict(body)
        key_id = key_id_from_pem(algorithm, pem)
        trusted_id = (
            None
            if trusted_receiver_key_pem is None
            else key_id_from_pem(algorithm, trusted_receiver_key_pem)
        )
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        KeyError,
        TypeError,
        ValueError,
        binascii.Error,
        PackageError,
    ) as exc:
        raise ReceiptError(f"malformed receipt: {exc}") from exc
    if not ok or key_id != sig.get("key_id"):
        raise ReceiptError("receipt signature does not verify")
    if trusted_id is not None and trusted_id != key_id:
        raise ReceiptError(f"receipt signed by {key_id}, not by the trusted receiver key")
    if receipt.code not in CODES:
        raise ReceiptError(f"unknown receipt code {receipt.code!r}")
    return receipt
