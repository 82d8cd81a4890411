"""A batch of archives worked one by one as a job with progress: each item's outcome kept (a
failing item does not stop the others), the count done reported to the job board after every
item, a closing step over all the outcomes (e.g. one ZIP of the exports).

Reads/writes what ``step`` and ``close`` do, and the job's row (``earchive.jobs.board``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from earchive.auth import Permission
from earchive.jobs.board import Job, JobBoard

__all__ = ["Close", "Step", "submit_batch"]

#: One item's work: its outcome as JSON-ready values (raising fails only this item).
Step = Callable[[str], dict[str, object]]
#: After every item: more of the job's result, from the items' outcomes.
Close = Callable[[list[dict[str, object]]], dict[str, object]]


def submit_batch(
    board: JobBoard,
    kind: str,
    owner: str,
    permission: Permission,
    items: Sequence[str],
    step: Step,
    close: Close | None = None,
) -> Job:
    """Queue ``step`` over ``items`` as one job; its result is ``items`` (each ``id``, ``ok``
    and the step's values or ``error``), ``done``, ``failed`` and ``close``'s values."""
    job_id = uuid.uuid4().hex
    chosen = list(items)

    def work() -> dict[str, object]:
        outcomes: list[dict[str, object]] = []
        for n, item in enumerate(chosen, start=1):
            try:
                outcomes.append({"id": item, "ok": True, **step(item)})
            except Exception as exc:  # one item's failure is its outcome, not the batch's
                outcomes.append({"id": item, "ok": False, "error": str(exc)[:500]})
            board.report(job_id, n, len(chosen))
        failed = sum(1 for o in outcomes if not o["ok"])
        result: dict[str, object] = {"items": outcomes, "done": len(outcomes), "failed": failed}
        if close is not None:
            result.update(close(outcomes))
        return result

    return board.submit(kind, owner, permission, work, job_id=job_id)
