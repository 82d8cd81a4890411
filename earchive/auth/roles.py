"""Roles, permissions and 密级 clearance: the access policy as data (pure; no I/O).

Every role maps to a fixed set of permissions. A principal additionally carries the fonds it is
bound to (``None`` = all fonds) and a clearance; archives classified above the clearance are
invisible to it. Personal data (ID numbers, phone numbers) is shown only with ``PERSONAL_DATA``.
"""

from __future__ import annotations

from enum import StrEnum

from earchive.core.errors import UnknownClassificationError
from standards.codes import code_tables

__all__ = [
    "DEFAULT_CLEARANCE",
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "allowed_classifications",
    "classification_rank",
    "classifications",
]


class Role(StrEnum):
    """Who a user or token is; ``SUBMITTER`` is for handling systems (API tokens only)."""

    ADMIN = "admin"
    ARCHIVIST = "archivist"
    DEPARTMENT = "department"
    AUDITOR = "auditor"
    BUREAU = "bureau"
    SUBMITTER = "submitter"
    SENDER = "sender"  # a sending archive's system delivering transfers (bureau mode, tokens)


class Permission(StrEnum):
    """One thing a role may do."""

    SEARCH = "search"  # search and read archive metadata
    DOWNLOAD = "download"  # view and download the archived files
    PERSONAL_DATA = "personal_data"  # see ID and phone numbers unmasked
    UPLOAD = "upload"  # submit case packages
    QUARANTINE = "quarantine"  # read the refused packages and their reasons
    EXPORT = "export"  # export an AIP (BagIt)
    EVENTS = "events"  # read the event log and verify its chain
    RUN_CHECKS = "run_checks"  # run the 四性 checks on an archive again
    FIXITY = "fixity"  # read the fixity-audit history and start an audit
    TRANSFERS = "transfers"  # read the transfer plan, batches and receipts
    TRANSFER_RUN = "transfer_run"  # start a transfer to the archive bureau
    MAINTENANCE = "maintenance"  # rebuild, reindex, seal the event log into storage
    USERS = "users"  # manage users and API tokens
    REMINDERS = "reminders"  # read the reminders feed (what the archive owes its users)
    TRANSFER_IN = "transfer_in"  # bureau mode: deliver transfer packages to the receiving API
    OBJECTION_ENTER = "objection_enter"  # mark a data subject's objection (异议标注) on an archive
    OBJECTION_DECIDE = "objection_decide"  # see the objection queue of its fonds and decide


_READ = frozenset({Permission.SEARCH, Permission.DOWNLOAD})
#: Archivists operate the archive: checks, audits, transfers.
_OPERATE = frozenset(
    {
        Permission.RUN_CHECKS,
        Permission.FIXITY,
        Permission.TRANSFERS,
        Permission.TRANSFER_RUN,
        Permission.REMINDERS,
    }
)

#: The roles matrix (documented in docs/access-control.md).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ARCHIVIST: _READ
    | {Permission.PERSONAL_DATA, Permission.UPLOAD, Permission.QUARANTINE, Permission.EXPORT}
    | _OPERATE
    | {Permission.OBJECTION_ENTER, Permission.OBJECTION_DECIDE},
    Role.DEPARTMENT: _READ | {Permission.REMINDERS, Permission.OBJECTION_DECIDE},
    Role.AUDITOR: _READ
    | {Permission.EVENTS, Permission.EXPORT}
    | {Permission.FIXITY, Permission.TRANSFERS, Permission.REMINDERS},
    Role.BUREAU: _READ | {Permission.TRANSFERS, Permission.REMINDERS},
    Role.SUBMITTER: frozenset({Permission.UPLOAD, Permission.OBJECTION_ENTER}),
    Role.SENDER: frozenset({Permission.TRANSFER_IN}),
}


def classifications() -> tuple[str, ...]:
    """The 密级 an archive may carry, ascending (``security_allowed`` in standards' codes.json)."""
    return code_tables().security_allowed


#: Clearance given when none is named: who needs more must be granted it explicitly.
DEFAULT_CLEARANCE: dict[Role, str] = {
    Role.ADMIN: "秘密",
    Role.ARCHIVIST: "秘密",
    Role.DEPARTMENT: "公开",
    Role.AUDITOR: "内部",
    Role.BUREAU: "内部",
    Role.SUBMITTER: "公开",
    Role.SENDER: "公开",
}


def classification_rank(value: str) -> int:
    """Position of a 密级 in ``classifications()``; raises ``UnknownClassificationError``."""
    try:
        return classifications().index(value)
    except ValueError as exc:
        raise UnknownClassificationError(
            f"unknown 密级 {value!r}; one of {', '.join(classifications())}"
        ) from exc


def allowed_classifications(clearance: str) -> tuple[str, ...]:
    """Every 密级 at or below ``clearance`` (an unknown archive 密级 is never allowed)."""
    return classifications()[: classification_rank(clearance) + 1]
