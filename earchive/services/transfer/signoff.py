"""No batch leaves with open checks: the transfer review items (YJ findings that need a person —
MANUAL_REVIEW) of every archive in a batch must be signed off by an archivist, who says why,
before the archive is packed. The anti-virus check is one of them when no engine is configured:
the sign-off then says why the files may go unscanned.

A transfer run that finds open items sends nothing; it records what it needs under its batch id
(``request``); ``sign_off`` confirms them — by archive or by that batch — with the signer, time
and reason; ``covered`` tells whether a run's review items are all confirmed for the archive's
current version. Every sign-off is a ``transfer`` event. Reads/writes ``transfer_signoffs``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping

from earchive.core.archive import Archive
from earchive.core.errors import InvalidRequestError, NotFoundError
from earchive.core.tables import transfer_signoffs
from preservation.checks import CheckRun
from preservation.events import Event
from standards.finding import Status

__all__ = [
    "ReviewItem",
    "SignOff",
    "covered",
    "open_requests",
    "request",
    "review_items",
    "sign_off",
]


@dataclass(frozen=True)
class ReviewItem:
    """One YJ finding that needs a person."""

    item: str  # DA/T 70 item, e.g. YJ-4-1
    code: str
    message: str

    @property
    def key(self) -> tuple[str, str]:
        return self.item, self.code


@dataclass(frozen=True)
class SignOff:
    """A request for (and, once given, the) sign-off of one archive's review items."""

    batch_id: str
    archive_id: str
    version: int
    items: tuple[ReviewItem, ...]
    signed_by: str | None
    signed_at: str | None
    reason: str | None


def review_items(run: CheckRun) -> tuple[ReviewItem, ...]:
    """The MANUAL_REVIEW findings of a YJ run, one per (item, code)."""
    seen: dict[tuple[str, str], ReviewItem] = {}
    for result in run.results:
        if result.finding.status is Status.MANUAL_REVIEW:
            item = ReviewItem(result.item, result.finding.code, result.finding.message)
            seen.setdefault(item.key, item)
    return tuple(seen.values())


def _row(row: RowMapping) -> SignOff:
    items = tuple(ReviewItem(**i) for i in json.loads(row["items"]))
    signed_at = row["signed_at"]
    return SignOff(
        row["batch_id"],
        row["archive_id"],
        row["version"],
        items,
        row["signed_by"],
        signed_at.isoformat() if signed_at else None,
        row["reason"],
    )


def covered(archive: Archive, archive_id: str, version: int, items: Sequence[ReviewItem]) -> bool:
    """Whether every one of ``items`` is signed off for this version of the archive."""
    if not items:
        return True
    with archive.engine.connect() as conn:
        rows = (
            conn.execute(
                select(transfer_signoffs).where(
                    transfer_signoffs.c.archive_id == archive_id,
                    transfer_signoffs.c.version == version,
                    transfer_signoffs.c.signed_at.is_not(None),
                )
            )
            .mappings()
            .all()
        )
    signed = {i.key for row in rows for i in _row(row).items}
    return all(i.key in signed for i in items)


def request(
    archive: Archive, batch_id: str, needs: Iterable[tuple[str, int, Sequence[ReviewItem]]]
) -> int:
    """Record what a run needs signed off: (archive id, version, items) each; returns how
    many archives."""
    now = archive.clock()
    count = 0
    with archive.writer.begin() as conn:
        for archive_id, version, items in needs:
            body = [{"item": i.item, "code": i.code, "message": i.message} for i in items]
            conn.execute(
                insert(transfer_signoffs).values(
                    batch_id=batch_id,
                    archive_id=archive_id,
                    version=version,
                    items=json.dumps(body, ensure_ascii=False),
                    requested_at=now,
                )
            )
            count += 1
    return count


def open_requests(archive: Archive, batch_id: str | None = None) -> list[SignOff]:
    """Requests not signed off yet (of one batch, or all), oldest first."""
    query = select(transfer_signoffs).where(transfer_signoffs.c.signed_at.is_(None))
    if batch_id is not None:
        query = query.where(transfer_signoffs.c.batch_id == batch_id)
    with archive.engine.connect() as conn:
        rows = conn.execute(query.order_by(transfer_signoffs.c.id)).mappings().all()
    return [_row(r) for r in rows]


def sign_off(
    archive: Archive,
    signer: str,
    reason: str,
    *,
    archive_ids: Sequence[str] = (),
    batch_id: str | None = None,
) -> list[SignOff]:
    """Confirm the open review items of ``archive_ids`` or of ``batch_id``: who, when, why."""
    if len(reason.strip()) < 5:
        raise InvalidRequestError("say why the review items are confirmed (at least 5 characters)")
    if not archive_ids and batch_id is None:
        raise InvalidRequestError("name the archives or the batch to sign off")
    wanted = open_requests(archive, batch_id)
    if archive_ids:
        wanted = [s for s in wanted if s.archive_id in set(archive_ids)]
    if not wanted:
        raise NotFoundError(batch_id or ", ".join(archive_ids))
    now = archive.clock()
    with archive.writer.begin() as conn:
        for s in wanted:
            conn.execute(
                update(transfer_signoffs)
                .where(
                    transfer_signoffs.c.batch_id == s.batch_id,
                    transfer_signoffs.c.archive_id == s.archive_id,
                    transfer_signoffs.c.signed_at.is_(None),
                )
                .values(signed_by=signer, signed_at=now, reason=reason.strip())
            )
    for s in wanted:
        archive.events.record(
            Event(
                signer,
                "transfer",
                s.archive_id,
                "signed_off",
                now,
                {
                    "batch": s.batch_id,
                    "version": str(s.version),
                    "items": sorted(f"{i.item} {i.code}" for i in s.items),
                    "reason": reason.strip(),
                },
            )
        )
    return [
        SignOff(s.batch_id, s.archive_id, s.version, s.items, signer, now.isoformat(), reason)
        for s in wanted
    ]
