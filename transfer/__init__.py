"""Transfer to the archive bureau (移交): schedules, transfer packages (说明文件, 文件目录, 登记表,
DA/T 48 EEPs), delivery adapters, the receiving-side verifier and signed receipts.

Never imports the application: the sender's YJ check results come in through a callback.
The S3 and HTTP delivery adapters load on first use (they import ``minio`` / ``httpx``, which
every command line start-up would otherwise pay for).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .catalogue import CatalogueEntry, catalogue_xml, parse_catalogue
from .delivery import Delivery, DeliveryResult, DirectoryDelivery
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
from .errors import (
    DeliveryError,
    EepError,
    LedgerError,
    PolicyError,
    ReceiptError,
    TransferError,
    TransferPackageError,
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
from .receive import SenderTrust, receive
from .registration import Signatory
from .retry import DeliveryEvent, RetryPolicy
from .schedule import CronSchedule

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
    "HttpDelivery": ".delivery_http",
    "FetchResult": ".delivery_s3",
    "S3Delivery": ".delivery_s3",
    "fetch_s3_package": ".delivery_s3",
}

if TYPE_CHECKING:
    from .delivery_http import HttpDelivery
    from .delivery_s3 import FetchResult, S3Delivery, fetch_s3_package


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
