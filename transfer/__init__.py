"""Transfer to the archive bureau (移交): schedules, transfer packages (说明文件, 文件目录, 登记表,
DA/T 48 EEPs), delivery adapters, the receiving-side verifier and signed receipts.

Never imports the application: the sender's YJ check results come in through a callback.
Only the errors load with the package: every other name loads its module on first use (the
S3 and HTTP adapters import ``minio`` / ``httpx``; the EEP and package builders their XML and
PDF code), so the command line's start-up, which maps these errors to exit codes, pays for none.
No exported name may also name a submodule (``tests/test_lazy_exports.py``).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    DeliveryError,
    EepError,
    LedgerError,
    PolicyError,
    ReceiptError,
    TransferError,
    TransferPackageError,
)

__all__ = [
    "ACCEPTED",
    "ARCHIVING_FAILED",
    "CODES",
    "DISPOSAL_REVIEW",
    "RECEIPT_SUFFIX",
    "RECEIVED",
    "REWORK",
    "TRANSFER",
    "TRANSFERRED",
    "BatchRow",
    "BuiltEep",
    "CatalogueEntry",
    "CheckOutcome",
    "CronSchedule",
    "Delivery",
    "DeliveryError",
    "DeliveryEvent",
    "DeliveryResult",
    "DirectoryDelivery",
    "EepContents",
    "EepDocument",
    "EepEntry",
    "EepError",
    "EepOptions",
    "EepSource",
    "FetchResult",
    "HttpDelivery",
    "LedgerError",
    "Outcome",
    "OutcomeLedger",
    "PackagedItem",
    "PlanEntry",
    "PolicyError",
    "Receipt",
    "ReceiptError",
    "ReceiptItem",
    "RetryPolicy",
    "S3Delivery",
    "SenderTrust",
    "Signatory",
    "TransferError",
    "TransferLedger",
    "TransferPackage",
    "TransferPackageError",
    "TransferPolicy",
    "TransferRequest",
    "build_eep",
    "build_transfer_package",
    "catalogue_xml",
    "check_outcome",
    "compressed_paths",
    "decide_outcomes",
    "extract_documents",
    "fetch_s3_package",
    "parse_catalogue",
    "plan_entry",
    "read_eep",
    "receipt_json",
    "receive",
    "verify_eep",
    "verify_receipt",
    "with_items",
]

_LAZY = {
    "ACCEPTED": ".receipt",
    "ARCHIVING_FAILED": ".receipt",
    "BatchRow": ".ledger",
    "BuiltEep": ".eep",
    "CODES": ".receipt",
    "CatalogueEntry": ".catalogue",
    "CheckOutcome": ".package",
    "CronSchedule": ".schedule",
    "DISPOSAL_REVIEW": ".policy",
    "Delivery": ".delivery",
    "DeliveryEvent": ".retry",
    "DeliveryResult": ".delivery",
    "DirectoryDelivery": ".delivery",
    "EepContents": ".eep",
    "EepDocument": ".eep",
    "EepEntry": ".eep",
    "EepOptions": ".eep",
    "EepSource": ".eep",
    "Outcome": ".outcomes",
    "OutcomeLedger": ".outcomes",
    "PackagedItem": ".package",
    "PlanEntry": ".policy",
    "RECEIPT_SUFFIX": ".receipt",
    "RECEIVED": ".outcomes",
    "REWORK": ".outcomes",
    "Receipt": ".receipt",
    "ReceiptItem": ".receipt",
    "RetryPolicy": ".retry",
    "SenderTrust": ".receiver",
    "Signatory": ".registration",
    "TRANSFER": ".policy",
    "TRANSFERRED": ".outcomes",
    "TransferLedger": ".ledger",
    "TransferPackage": ".package",
    "TransferPolicy": ".policy",
    "TransferRequest": ".package",
    "build_eep": ".eep",
    "build_transfer_package": ".package",
    "catalogue_xml": ".catalogue",
    "check_outcome": ".package",
    "compressed_paths": ".package",
    "decide_outcomes": ".outcomes",
    "extract_documents": ".eep",
    "parse_catalogue": ".catalogue",
    "plan_entry": ".policy",
    "read_eep": ".eep",
    "receipt_json": ".receipt",
    "receive": ".receiver",
    "verify_eep": ".eep",
    "verify_receipt": ".receipt",
    "with_items": ".receipt",
    "HttpDelivery": ".delivery_http",
    "FetchResult": ".delivery_s3",
    "S3Delivery": ".delivery_s3",
    "fetch_s3_package": ".delivery_s3",
}

if TYPE_CHECKING:
    from .catalogue import CatalogueEntry, catalogue_xml, parse_catalogue
    from .delivery import Delivery, DeliveryResult, DirectoryDelivery
    from .delivery_http import HttpDelivery
    from .delivery_s3 import FetchResult, S3Delivery, fetch_s3_package
    from .eep import (
        BuiltEep,
        EepContents,
        EepDocument,
        EepEntry,
        EepOptions,
        EepSource,
        build_eep,
        extract_documents,
        read_eep,
        verify_eep,
    )
    from .ledger import BatchRow, TransferLedger
    from .outcomes import RECEIVED, REWORK, TRANSFERRED, Outcome, OutcomeLedger, decide_outcomes
    from .package import (
        CheckOutcome,
        PackagedItem,
        TransferPackage,
        TransferRequest,
        build_transfer_package,
        check_outcome,
        compressed_paths,
    )
    from .policy import DISPOSAL_REVIEW, TRANSFER, PlanEntry, TransferPolicy, plan_entry
    from .receipt import (
        ACCEPTED,
        ARCHIVING_FAILED,
        CODES,
        RECEIPT_SUFFIX,
        Receipt,
        ReceiptItem,
        receipt_json,
        verify_receipt,
        with_items,
    )
    from .receiver import SenderTrust, receive
    from .registration import Signatory
    from .retry import DeliveryEvent, RetryPolicy
    from .schedule import CronSchedule


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
