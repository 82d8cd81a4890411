"""``Principal``: the authenticated user or token a request acts for, and what it may see."""

from __future__ import annotations

from dataclasses import dataclass

from earchive.auth.roles import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    allowed_classifications,
)
from search.records import ArchiveRecord

__all__ = ["Principal"]


@dataclass(frozen=True)
class Principal:
    """A user (``kind="user"``) or an API token (``kind="token"``) with its scope.

    ``fonds`` is ``None`` for every fonds, else the fonds identifiers it is bound to.
    """

    name: str
    role: Role
    clearance: str
    fonds: tuple[str, ...] | None = None
    kind: str = "user"

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def classifications(self) -> tuple[str, ...]:
        """The 密级 values this principal may see."""
        return allowed_classifications(self.clearance)

    def may_see(self, record: ArchiveRecord) -> bool:
        """Whether the archive is inside this principal's fonds and clearance."""
        if not self.can(Permission.SEARCH):
            return False
        if self.fonds is not None and record.fonds_identifier not in self.fonds:
            return False
        return record.security_classification in self.classifications

    @property
    def agent(self) -> str:
        """How the event log names this principal."""
        return f"{self.kind}:{self.name}"
