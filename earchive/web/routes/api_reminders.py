"""``/api/reminders``: the reminders feed (transfers due, retention ending, audit problems)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from earchive.auth import Permission
from earchive.services.reminders import KINDS
from earchive.web.deps import OperationsDep, require
from earchive.web.schemas.api import ReminderOut, RemindersOut

router = APIRouter(prefix="/api", tags=["reminders"], dependencies=[require(Permission.REMINDERS)])


@router.get("/reminders", response_model=RemindersOut)
def reminders_feed(
    ops: OperationsDep,
    since: Annotated[
        datetime | None, Query(description="only reminders raised after this time (ISO 8601)")
    ] = None,
    days: Annotated[int, Query(ge=0, le=3660, description="look-ahead horizon in days")] = 90,
    kind: Annotated[list[str] | None, Query(max_length=len(KINDS))] = None,
) -> RemindersOut:
    """What the archive owes the caller, most severe first. ``id`` is stable while the condition
    holds, so a notification system can de-duplicate on it."""
    now = ops.archive.clock()
    found = ops.reminders(
        today=now.date(),
        horizon_days=days,
        since=since,
        kinds=[k for k in kind if k in KINDS] if kind else None,
    )
    return RemindersOut(
        generated=now,
        today=now.date(),
        horizon_days=days,
        reminders=[ReminderOut(**r.__dict__) for r in found],
    )
