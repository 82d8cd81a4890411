"""The ``objections`` table (异议标注 tracking) and its rows as frozen ``Objection`` values.

One row per objection: what was objected to, by whom, where it is routed (department and fonds of
the archive) and the decision. The signed annotation documents themselves are in the annotation
store (``preservation.annotation_files``: ``<home>/annotations/`` or the S3 bucket); the row keeps
their
SM3 so a changed file is noticed. The table is rebuilt from those documents by ``earchive rebuild``
(``earchive.services.objections.restore``, through ``replace_all``). Created by migration 0004.
Reads/writes: the catalog database.
Raises: ``sqlalchemy`` errors only for a broken database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Engine,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import RowMapping

from earchive.core.tables import objections

__all__ = ["Attachment", "Objection", "ObjectionStore", "objections"]


@dataclass(frozen=True)
class Attachment:
    """A file that came with an objection, stored beside its annotation."""

    name: str
    size: int
    sm3: str
    sha256: str
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Objection:
    """One objection and, once decided, its decision."""

    id: str
    archive_id: str
    fonds_identifier: str
    department: str
    archive_version: int
    element_kind: str
    element: str
    claim: str
    subject_name: str
    subject_id_number: str
    channel: str
    entered_by: str
    entered_at: datetime
    entry_sm3: str
    status: str = "open"
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    correction: str | None = None
    new_version: int | None = None
    decision_sm3: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _row(row: RowMapping) -> Objection:
    values = dict(row)
    values["attachments"] = tuple(Attachment(**a) for a in json.loads(values["attachments"]))
    return Objection(**values)


def _values(objection: Objection) -> dict[str, object]:
    values = {c.name: getattr(objection, c.name) for c in objections.c}
    values["attachments"] = json.dumps(
        [a.__dict__ for a in objection.attachments], ensure_ascii=False
    )
    return values


class ObjectionStore:
    """Rows of the ``objections`` table (``engine``: the archive's writer engine)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, objection: Objection) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(objections).values(**_values(objection)))

    def replace_all(self, rows: Sequence[Objection]) -> None:
        """Make ``rows`` the whole table, in one transaction (a rebuild from the annotations)."""
        with self.engine.begin() as conn:
            conn.execute(delete(objections))
            if rows:
                conn.execute(insert(objections), [_values(o) for o in rows])

    def id_numbers(self) -> dict[str, str]:
        """Objection id → the data subject's clear ID number, for the rows that hold one."""
        query = select(objections.c.id, objections.c.subject_id_number).where(
            objections.c.subject_id_number != ""
        )
        with self.engine.connect() as conn:
            return {oid: number for oid, number in conn.execute(query)}

    def get(self, objection_id: str) -> Objection | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(objections).where(objections.c.id == objection_id))
                .mappings()
                .first()
            )
        return None if row is None else _row(row)

    def decide(self, objection: Objection) -> bool:
        """Store the decision of a still-open objection; False when it was decided meanwhile."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(objections)
                .where(objections.c.id == objection.id, objections.c.status == "open")
                .values(
                    status=objection.status,
                    decided_by=objection.decided_by,
                    decided_at=objection.decided_at,
                    reason=objection.reason,
                    correction=objection.correction,
                    new_version=objection.new_version,
                    decision_sm3=objection.decision_sm3,
                )
            )
        return bool(done.rowcount)

    def for_archive(self, archive_id: str) -> list[Objection]:
        query = (
            select(objections)
            .where(objections.c.archive_id == archive_id)
            .order_by(objections.c.entered_at, objections.c.id)
        )
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def open_among(self, archive_ids: Iterable[str]) -> dict[str, int]:
        """Archive id → number of open objections, for the ids that have any."""
        ids = list(dict.fromkeys(archive_ids))
        if not ids:
            return {}
        query = select(objections.c.archive_id).where(
            objections.c.archive_id.in_(ids), objections.c.status == "open"
        )
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for (archive_id,) in conn.execute(query):
                out[archive_id] = out.get(archive_id, 0) + 1
        return out

    def listing(
        self, *, status: str | None = None, fonds: Sequence[str] | None = None
    ) -> list[Objection]:
        """Objections, oldest first, optionally of one status and within ``fonds``."""
        query = select(objections).order_by(objections.c.entered_at, objections.c.id)
        if status is not None:
            query = query.where(objections.c.status == status)
        if fonds is not None:
            query = query.where(objections.c.fonds_identifier.in_(list(fonds)))
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]
