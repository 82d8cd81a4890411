"""Roles, permissions and 密级 clearance: the access policy as data (pure; no I/O).

Every role maps to a fixed set of permissions. A principal additionally carries the fonds it is
bound to (``None`` = all fonds) and a clearance; archives classified above the clearance are
invisible to it. Personal data (ID numbers, phone numbers) is shown only with ``PERSONAL_DATA``.
"""

from __future__ import annotations

from enum import StrEnum

from standards.codes import code_tables

__all__ = [
    "DEFAULT_CLEARANCE",
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "UnknownClassificationError",
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


class Permission(StrEnum):
    """One thing a role may do."""

    SEARCH = "search"  # search and read archive metadata
    DOWNLOAD = "download"  # view and download the archived files
    PERSONAL_DATA = "personal_data"  # see ID and phone numbers unmasked
    UPLOAD = "upload"  # submit case packages
    QUARANTINE = "quarantine"  # read the refused packages and their reasons
    EXPORT = "export"  # export an AIP (BagIt)
    EVENTS = "events"  # read the event log and verify its chain


_READ = frozenset({Permission.SEARCH, Permission.DOWNLOAD})

#: The roles matrix (documented in docs/access-control.md).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ARCHIVIST: _READ
    | {Permission.PERSONAL_DATA, Permission.UPLOAD, Permission.QUARANTINE, Permission.EXPORT},
    Role.DEPARTMENT: _READ,
    Role.AUDITOR: _READ | {Permission.EVENTS, Permission.EXPORT},
    Role.BUREAU: _READ,
    Role.SUBMITTER: frozenset({Permission.UPLOAD}),
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
}


class UnknownClassificationError(ValueError):
    """A 密级 that is not one of ``classifications()``."""


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
