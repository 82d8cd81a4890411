"""Transfer to the archive bureau (移交): schedules, transfer packages (说明文件, 文件目录, 登记表,
DA/T 48 EEPs), delivery adapters, the receiving-side verifier and signed receipts.

Never imports the application: the sender's YJ check results come in through a callback.
"""

from .catalogue import CatalogueEntry, catalogue_xml, parse_catalogue
from .delivery import Delivery, DeliveryResult, DirectoryDelivery
from .eep import BuiltEep, EepDocument, EepOptions, EepSource, build_eep, verify_eep
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
from .package import (
    CheckOutcome,
    PackagedItem,
    TransferPackage,
    TransferRequest,
    build_transfer_package,
)
from .policy import PlanEntry, TransferPolicy, plan_entry
from .receipt import CODES, Receipt, ReceiptItem, receipt_json, verify_receipt
from .receive import receive

__all__ = [
    "CODES",
    "BatchRow",
    "BuiltEep",
    "CatalogueEntry",
    "CheckOutcome",
    "Delivery",
    "DeliveryError",
    "DeliveryResult",
    "DirectoryDelivery",
    "EepDocument",
    "EepError",
    "EepOptions",
    "EepSource",
    "LedgerError",
    "PackagedItem",
    "PlanEntry",
    "PolicyError",
    "Receipt",
    "ReceiptError",
    "ReceiptItem",
    "TransferError",
    "TransferLedger",
    "TransferPackage",
    "TransferPackageError",
    "TransferPolicy",
    "TransferRequest",
    "build_eep",
    "build_transfer_package",
    "catalogue_xml",
    "parse_catalogue",
    "plan_entry",
    "receipt_json",
    "receive",
    "verify_eep",
    "verify_receipt",
]
