"""``/api/events``: the event log for auditors, and the verification of its hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from earchive.web.deps import AccessDep
from earchive.web.schemas.api import EventOut, FindingOut

router = APIRouter(prefix="/api/events", tags=["audit"])


@router.get("", response_model=list[EventOut])
def list_events(
    access: AccessDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="sequence number; 0: newest")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action: Annotated[str, Query(max_length=64)] = "",
    object_prefix: Annotated[str, Query(max_length=300, alias="object")] = "",
) -> list[EventOut]:
    """Events after ``after`` (oldest first), or the newest ``limit`` when ``after`` is 0."""
    events = access.events(after=after, limit=limit, action=action, object_prefix=object_prefix)
    return [
        EventOut(
            seq=e.seq,
            at=e.at,
            agent=e.agent,
            action=e.action,
            object=e.object,
            outcome=e.outcome,
            detail=dict(e.detail),
            hash=e.hash,
        )
        for e in events
    ]


@router.get("/verify", response_model=list[FindingOut])
def verify_events(access: AccessDep) -> list[FindingOut]:
    """Walk the whole chain: EVENT_LOG_INTACT, or one FAIL finding per broken link."""
    return [FindingOut.model_validate(f.as_dict()) for f in access.verify_events()]
