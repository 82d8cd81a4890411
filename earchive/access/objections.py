"""Objections (异议标注) as one principal may use them; ``ObjectionAccess(access)``.

Rules, on top of ``Access``: entering needs ``OBJECTION_ENTER`` (archivists, admins, and the
handling system's submitter token: channel ``api`` for any token, ``archivist`` for a person);
the queue, the overdue report and deciding need ``OBJECTION_DECIDE`` (departments, archivists,
admins). Whoever may read an archive sees its objections (the open mark is public to readers).
An archive outside the principal's fonds or above its clearance answers ``NotFoundError`` for
every action, like one that does not exist; so does an objection on such an archive. The data
subject's ID number and ID/phone numbers in free text are masked without ``PERSONAL_DATA``.
Every entry and decision is an ``objection`` event (see ``earchive.services.objections.service``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from earchive.access.access import Access
from earchive.auth import Permission
from earchive.core.errors import NotFoundError, PermissionDeniedError
from earchive.services.objections.service import (
    Actor,
    NewAttachment,
    Overdue,
    decide,
    enter,
    open_counts,
    overdue,
)
from earchive.services.objections.store import Objection, ObjectionStore
from search.records import ArchiveRecord
from standards.personal_data import mask_id, mask_text
from standards.workdays import WorkCalendar

__all__ = ["ObjectionAccess"]


class ObjectionAccess:
    """Objection actions of the principal behind ``access``."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self.archive = access.archive
        self.principal = access.principal

    # -- scope -------------------------------------------------------------------------------
    def _in_scope(self, record: ArchiveRecord) -> bool:
        p = self.principal
        if p.fonds is not None and record.fonds_identifier not in p.fonds:
            return False
        return record.security_classification in p.classifications

    def _record(self, archive_id: str) -> ArchiveRecord:
        record = self.archive.catalog.get(archive_id)
        if record is None or not self._in_scope(record):
            if record is not None:
                reason = "outside fonds or clearance"
                self.access._log("access", archive_id, "denied", reason=reason)
            raise NotFoundError(archive_id)
        return record

    def _actor(self) -> Actor:
        p = self.principal
        return Actor(agent=p.agent, role=p.role.value, via=self.access.via)

    def _shown(self, objection: Objection) -> Objection:
        if not self.access.masks_personal_data:
            return objection
        return dataclasses.replace(
            objection,
            subject_id_number=mask_id(objection.subject_id_number)
            if objection.subject_id_number
            else "",
            claim=mask_text(objection.claim),
            reason=mask_text(objection.reason) if objection.reason else objection.reason,
            correction=mask_text(objection.correction)
            if objection.correction
            else objection.correction,
        )

    def _visible_objection(self, objection_id: str) -> Objection:
        objection = ObjectionStore(self.archive.writer).get(objection_id)
        if objection is None:
            raise NotFoundError(objection_id)
        self._record(objection.archive_id)
        return objection

    # -- actions -----------------------------------------------------------------------------
    def enter(
        self,
        archive_id: str,
        *,
        element: str,
        claim: str,
        subject_name: str,
        subject_id_number: str = "",
        attachments: Sequence[NewAttachment] = (),
    ) -> Objection:
        """Mark an objection on an archive of the principal's scope (visible at once)."""
        self.access.require(Permission.OBJECTION_ENTER)
        self._record(archive_id)
        channel = "api" if self.principal.kind == "token" else "archivist"
        made = enter(
            self.archive, archive_id, element=element, claim=claim, subject_name=subject_name,
            subject_id_number=subject_id_number, channel=channel, actor=self._actor(),
            attachments=attachments,
        )  # fmt: skip
        return self._shown(made)

    def for_archive(self, archive_id: str) -> list[Objection]:
        """All objections of an archive the principal may read, oldest first."""
        self.access.require(Permission.SEARCH)
        record = self._record(archive_id)
        if not self.principal.may_see(record):
            raise NotFoundError(archive_id)
        return [self._shown(o) for o in ObjectionStore(self.archive.writer).for_archive(archive_id)]

    def get(self, objection_id: str) -> Objection:
        """One objection (readers of its archive, or its deciders)."""
        p = self.principal
        if not (p.can(Permission.SEARCH) or p.can(Permission.OBJECTION_DECIDE)):
            raise PermissionDeniedError(f"role {p.role.value} may not read objections")
        return self._shown(self._visible_objection(objection_id))

    def queue(self, status: str | None = "open") -> list[Objection]:
        """The objections routed to the principal's fonds (all fonds: every one), oldest first."""
        self.access.require(Permission.OBJECTION_DECIDE)
        store = ObjectionStore(self.archive.writer)
        rows = store.listing(status=status, fonds=self.principal.fonds)
        return [self._shown(o) for o in self._scoped(rows)]

    def _scoped(self, rows: Sequence[Objection]) -> list[Objection]:
        out = []
        for o in rows:
            record = self.archive.catalog.get(o.archive_id)
            if record is not None and self._in_scope(record):
                out.append(o)
        return out

    def decide(
        self,
        objection_id: str,
        decision: str,
        *,
        reason: str = "",
        correction: str = "",
        new_version: int | None = None,
    ) -> Objection:
        """Confirm or reject an objection routed to the principal's fonds."""
        self.access.require(Permission.OBJECTION_DECIDE)
        objection = self._visible_objection(objection_id)
        decided = decide(
            self.archive, objection, decision=decision, actor=self._actor(), reason=reason,
            correction=correction, new_version=new_version,
        )  # fmt: skip
        return self._shown(decided)

    def overdue(self, now: datetime | None = None) -> list[Overdue]:
        """Open objections of the principal's scope older than one working day."""
        self.access.require(Permission.OBJECTION_DECIDE)
        found = overdue(
            self.archive, now or self.archive.clock(), WorkCalendar.load(), self.principal.fonds
        )
        kept = {o.id for o in self._scoped([x.objection for x in found])}
        return [
            dataclasses.replace(x, objection=self._shown(x.objection))
            for x in found
            if x.objection.id in kept
        ]

    def open_counts(self, archive_ids: Sequence[str]) -> Mapping[str, int]:
        """Open objections per archive among ``archive_ids`` (ids from the principal's search)."""
        self.access.require(Permission.SEARCH)
        return open_counts(self.archive, archive_ids)
