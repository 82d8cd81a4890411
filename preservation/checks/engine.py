"""The check engine: run every catalogue item of a stage and collect ALL findings.

Each item of ``standards.dat70`` is either automatic (a registered check function runs),
manual (MANUAL_REVIEW with the catalogue's reason) or not applicable (NOT_APPLICABLE with its
reason). An automatic item without a function, a function that raises, or one that returns
nothing yields MANUAL_REVIEW: nothing here ever turns into PASS by default.
Reads: through the context. Writes: nothing. Raises: ``UnknownItemError``.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import MappingProxyType

from standards.dat70 import Dat70Item, Mode, dat70_items
from standards.finding import Finding, Status, finding_from_dict
from standards.findings import make

from . import authenticity, content, integrity, security, signatures, usability
from .base import Check, CheckFn
from .context import CheckContext

__all__ = [
    "Check",
    "CheckFn",
    "CheckRun",
    "ItemFinding",
    "UnknownItemError",
    "registry",
    "run_checks",
]


class UnknownItemError(Exception):
    """An item code that the catalogue does not hold."""


@dataclass(frozen=True)
class ItemFinding:
    """One finding of one catalogue item."""

    item: str
    finding: Finding

    def as_dict(self, archive_id: str) -> dict[str, object]:
        out: dict[str, object] = {"id": archive_id, "code": self.item}
        body = self.finding.as_dict()
        out["finding"] = body.pop("code")
        out.update(body)
        return out


@dataclass(frozen=True)
class CheckRun:
    """All findings of one run of one stage on one archive version."""

    archive_id: str
    stage: str
    version: int
    started: datetime
    finished: datetime
    agent: str
    tools: Mapping[str, str]
    results: tuple[ItemFinding, ...]

    @property
    def failed(self) -> bool:
        return any(r.finding.status is Status.FAIL for r in self.results)

    def summary(self) -> dict[str, int]:
        counts = Counter(r.finding.status.value for r in self.results)
        return {status.value: counts.get(status.value, 0) for status in Status}

    def item_status(self) -> dict[str, Status]:
        """The worst status of each item (FAIL > MANUAL_REVIEW > WARN > N/A > PASS)."""
        order = [Status.PASS, Status.NOT_APPLICABLE, Status.WARN, Status.MANUAL_REVIEW, Status.FAIL]
        out: dict[str, Status] = {}
        for r in self.results:
            now = out.get(r.item, Status.PASS)
            out[r.item] = max(now, r.finding.status, key=order.index)
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "archive_id": self.archive_id,
            "stage": self.stage,
            "version": self.version,
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat(),
            "agent": self.agent,
            "tools": dict(self.tools),
            "summary": self.summary(),
            "failed": self.failed,
            "findings": [r.as_dict(self.archive_id) for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CheckRun:
        raw = data.get("findings")
        results = tuple(
            ItemFinding(str(f["code"]), finding_from_dict({**f, "code": f["finding"]}))
            for f in (raw if isinstance(raw, list) else [])
        )
        tools = data.get("tools")
        return cls(
            archive_id=str(data["archive_id"]),
            stage=str(data["stage"]),
            version=int(str(data["version"])),
            started=datetime.fromisoformat(str(data["started"])),
            finished=datetime.fromisoformat(str(data["finished"])),
            agent=str(data.get("agent", "")),
            tools={str(k): str(v) for k, v in (tools.items() if isinstance(tools, dict) else [])},
            results=results,
        )


@cache
def registry() -> Mapping[str, Check]:
    """Item code → the check implementing it, from every check module's ``CHECKS`` tuple."""
    table: dict[str, Check] = {}
    items = dat70_items()
    for module in (authenticity, signatures, content, integrity, usability, security):
        for check in module.CHECKS:
            for item in check.items:
                if item not in items:
                    raise UnknownItemError(f"{check.name} registers unknown item {item}")
                if item in table:
                    raise UnknownItemError(f"{item} registered twice ({check.name})")
                table[item] = check
    return MappingProxyType(table)


def _run_item(ctx: CheckContext, item: Dat70Item, check: Check | None) -> list[Finding]:
    if item.mode is Mode.MANUAL:
        return [make("CHECK_MANUAL", item=item.item, reason=item.reason)]
    if item.mode is Mode.NOT_APPLICABLE:
        return [make("CHECK_NOT_APPLICABLE", item=item.item, reason=item.reason)]
    if check is None:
        return [make("CHECK_NOT_IMPLEMENTED", item=item.item)]
    try:
        found = list(check.fn(ctx))
    except Exception as exc:  # a check that breaks is a reason for review, never a pass
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} ({where.name}:{where.lineno})"
        return [make("CHECK_ERROR", item=item.item, error=error, tool=check.name)]
    if not found:
        return [make("CHECK_NO_RESULT", item=item.item, tool=check.name)]
    return found


def run_checks(
    ctx: CheckContext, tools: Mapping[str, str], items: Iterable[str] | None = None
) -> CheckRun:
    """Run the items of ``ctx.stage`` (or the given ones) and return every finding."""
    catalogue = dat70_items()
    wanted = (
        [i for i in catalogue.values() if i.stage == ctx.stage]
        if items is None
        else [catalogue[i] for i in items if i in catalogue]
    )
    if items is not None:
        unknown = sorted(set(items) - set(catalogue))
        if unknown:
            raise UnknownItemError(f"unknown items: {unknown}")
    started = ctx.clock()
    checks = registry()
    results: list[ItemFinding] = []
    for item in wanted:
        for finding in _run_item(ctx, item, checks.get(item.item)):
            finding = dataclasses.replace(finding, dat70=item.indicator)
            results.append(ItemFinding(item.item, finding))
    return CheckRun(
        archive_id=ctx.archive_id,
        stage=ctx.stage,
        version=ctx.version,
        started=started,
        finished=ctx.clock(),
        agent=ctx.agent,
        tools=dict(tools),
        results=tuple(results),
    )
