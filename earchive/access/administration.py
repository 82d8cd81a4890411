"""``Administration``: what only administrators do through the API — rebuild, reindex and
restore from the replica (as jobs), seal the event log into storage and verify those seals,
manage users and API tokens.

``Access`` extended: every method checks ``MAINTENANCE``, ``EVENTS`` or ``USERS``
(``PermissionDeniedError``) and records an ``admin`` event naming the user (never a password or a
token). Raises ``UserError`` for refused user/token requests.
"""

from __future__ import annotations

from collections.abc import Sequence

from earchive.access.access import Access
from earchive.auth import Permission, Principal, StoredUser, UserStore
from earchive.jobs.board import Job, JobBoard
from preservation.eventlog_seal import SealResult
from standards.finding import Finding

__all__ = ["Administration"]


class Administration(Access):
    """Maintenance, event-log seals, users and tokens for one (admin) principal."""

    # -- maintenance ---------------------------------------------------------------------------
    def start_rebuild(self, board: JobBoard) -> Job:
        """Rebuild catalog, 档号 counters and index from storage, as a job."""
        self.require(Permission.MAINTENANCE)
        archive = self.archive

        def work() -> dict[str, object]:
            from earchive.services.maintenance import rebuild_report_dict, run_rebuild

            report = rebuild_report_dict(run_rebuild(archive))
            return {k: v for k, v in report.items() if k != "counters"}

        job = board.submit("rebuild", self.principal.agent, Permission.MAINTENANCE, work)
        self._log("admin", "catalog", "started", mode="rebuild", job=job.id)
        return job

    def start_reindex(self, board: JobBoard) -> Job:
        """Replace the search index from catalog and storage, as a job."""
        self.require(Permission.MAINTENANCE)
        archive = self.archive

        def work() -> dict[str, object]:
            from earchive.services.maintenance import run_reindex

            report = run_reindex(archive)
            return {"indexed": report.indexed, "left_out": dict(report.left_out)}

        job = board.submit("reindex", self.principal.agent, Permission.MAINTENANCE, work)
        self._log("admin", "index", "started", mode="reindex", job=job.id)
        return job

    def start_restore(self, board: JobBoard, archive_id: str, source: str, target: str) -> Job:
        """Restore one archive's stored object in ``target`` from ``source``, as a job."""
        self.require(Permission.MAINTENANCE)
        self._visible(archive_id)
        archive = self.archive

        def work() -> dict[str, object]:
            from earchive.services.audit.service import restore_archive

            outcome = restore_archive(archive, archive_id, source=source, target=target)
            return {
                "id": archive_id,
                "ok": outcome.ok,
                "copied": list(outcome.copied),
                "repaired": list(outcome.repaired),
                "findings": [f.as_dict() for f in outcome.findings],
            }

        job = board.submit("restore", self.principal.agent, Permission.MAINTENANCE, work)
        self._log("admin", archive_id, "started", mode="restore", job=job.id, source=source)
        return job

    def seal_event_log(self) -> SealResult | None:
        """Seal the events not yet in storage (None: nothing new)."""
        self.require(Permission.MAINTENANCE)
        self.archive.init()
        result = self.archive.seal_event_log()
        self._log("admin", "event-log", "sealed" if result else "unchanged", mode="seal")
        return result

    def verify_event_log_seals(self) -> list[Finding]:
        """The chain, the seals' signatures and every sealed event against storage."""
        self.require(Permission.EVENTS)
        return self.archive.verify_event_log(self.archive.trusted_key_pem)

    # -- users and tokens ----------------------------------------------------------------------
    def _store(self) -> UserStore:
        self.require(Permission.USERS)
        return UserStore(self.archive.engine, self.archive.clock)

    def users(self) -> list[StoredUser]:
        return self._store().list_users()

    def add_user(
        self, name: str, role: str, fonds: Sequence[str], clearance: str | None
    ) -> tuple[StoredUser, str]:
        """Create a user with a generated password (returned once)."""
        store = self._store()
        principal, password = store.add_user(name, role, fonds=fonds, clearance=clearance)
        self._log("admin", f"user:{principal.name}", "added", mode="user", new_role=role)
        user = store.get_user(principal.name)
        assert user is not None
        return user, password

    def set_user_disabled(self, name: str, disabled: bool) -> StoredUser:
        store = self._store()
        store.set_disabled(name, disabled)
        self._log("admin", f"user:{name}", "disabled" if disabled else "enabled", mode="user")
        user = store.get_user(name)
        assert user is not None
        return user

    def tokens(self) -> list[tuple[str, Principal, bool]]:
        return list(self._store().list_tokens())

    def create_token(
        self, name: str, role: str, fonds: Sequence[str], clearance: str | None
    ) -> tuple[str, str]:
        """Create an API token; returns (id, token) — the token is shown only now."""
        token_id, token = self._store().create_token(name, role, fonds=fonds, clearance=clearance)
        self._log("admin", f"token:{token_id}", "created", mode="token", name=name, new_role=role)
        return token_id, token

    def revoke_token(self, token_id: str) -> None:
        self._store().revoke_token(token_id)
        self._log("admin", f"token:{token_id}", "revoked", mode="token")
