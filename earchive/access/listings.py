"""``Listings``: the UI's lists as one principal may see them, a page at a time or whole as a
file — search hits with their catalog fields, the event log, the quarantine, the transfer plan.

Everything shown goes through the same rules as the pages: fonds and clearance (``Access.search``,
``Operations.transfer_plan``), masking for roles without the personal-data permission (snippets,
natural persons' names wherever a list shows them — applicant, title, snippet —, the event
details), and every export of a list is recorded in the event
log (``access`` with ``mode=export_list``, the list, the format and the number of rows).
Raises what ``Access`` raises (``PermissionDeniedError`` for a role without the list's
permission).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from earchive.access.operations import Operations
from earchive.auth import Permission
from earchive.services.quarantine import QuarantineEntry
from earchive.services.table_files import TableFile
from earchive.services.transfer.console import PlanRow
from preservation.event_query import EventFilter, count_events, page_events
from preservation.events import Event
from search import SearchHit, SearchQuery, SearchResult
from search.records import ArchiveRecord
from standards.personal_data import mask_name, mask_text

__all__ = ["EXPORT_CAP", "PLAN_STATUSES", "HitRow", "Listings"]

#: The most rows one export carries (a larger list: narrow it with filters first).
EXPORT_CAP = 10_000
#: Every status a plan row can have, in the order the transfer page counts them.
PLAN_STATUSES = (
    "overdue",
    "rework",
    "due",
    "sent",
    "not_due",
    "disposal_review",
    "transferred",
    "received",
)
NATURAL_PERSON = "自然人"
_MARK = "(?:</?mark>)*"  # highlight tags the index may put between a name's characters


@dataclass(frozen=True)
class HitRow:
    """A search hit with the catalog fields a list shows (the applicant masked by role)."""

    hit: SearchHit
    task_name: str
    year: int | str
    department: str
    result: str
    retention: str
    classification: str
    applicant: str
    may_open_files: bool


class Listings(Operations):
    """Lists and their exports for one principal."""

    # -- search --------------------------------------------------------------------------------
    def _applicant(self, record: ArchiveRecord) -> str:
        if self.masks_personal_data and record.applicant_type == NATURAL_PERSON:
            return mask_name(record.applicant_name)
        return record.applicant_name

    def _name_masked(self, hit: SearchHit, record: ArchiveRecord) -> SearchHit:
        """``hit`` with a natural person's name masked in its title and snippet (highlight tags
        inside the name dropped), for roles without the personal-data permission: a list shows
        and exports ``张**``, never the name."""
        if not self.masks_personal_data or record.applicant_type != NATURAL_PERSON:
            return hit
        name = record.applicant_name.strip()
        if not name:
            return hit
        spelled = re.compile(_MARK.join(re.escape(ch) for ch in name))
        masked = mask_name(name)
        return dataclasses.replace(
            hit, title=spelled.sub(masked, hit.title), snippet=spelled.sub(masked, hit.snippet)
        )

    def hit_rows(self, found: SearchResult) -> list[HitRow]:
        """The hits of one search page with their catalog fields, as this principal sees them."""
        may_open = self.principal.can(Permission.DOWNLOAD)
        rows = []
        for hit in found.hits:
            record = self.archive.catalog.get(hit.archive_id)
            if record is None:  # the index is ahead of the catalog: show what the index has
                rows.append(HitRow(hit, "", "", "", "", "", "", "", False))
                continue
            rows.append(
                HitRow(
                    hit=self._name_masked(hit, record),
                    task_name=record.task_name,
                    year=record.year,
                    department=record.receive_department,
                    result=record.result,
                    retention=record.retention,
                    classification=record.security_classification,
                    applicant=self._applicant(record),
                    may_open_files=may_open,
                )
            )
        return rows

    def printable(self, ids: Sequence[str]) -> list[HitRow]:
        """The chosen archives as a printed list shows them (each must be visible); logged."""
        found = []
        for archive_id in dict.fromkeys(ids):
            r = self._visible(archive_id).record
            title = mask_text(r.project_name) if self.masks_personal_data else r.project_name
            found.append(SearchHit(r.id, r.electronic_record_code, r.archival_code, title, 0, ""))
        self._log("access", "list:print", "success", mode="print", rows=len(found))
        return self.hit_rows(SearchResult(total=len(found), hits=tuple(found)))

    def search_table(self, query: SearchQuery, fmt: str, headers: Sequence[str]) -> TableFile:
        """Every hit of ``query`` (up to ``EXPORT_CAP``) as a table in ``headers``' order:
        档号, 电子文件号, 题名, 事项, 年度, 受理部门, 办理结果, 保管期限, 密级, 申请人."""
        rows: list[tuple[str | int | None, ...]] = []
        offset = 0
        while len(rows) < EXPORT_CAP:
            page = self.search(dataclasses.replace(query, limit=500, offset=offset))
            for r in self.hit_rows(page):
                rows.append(
                    (
                        r.hit.archival_code,
                        r.hit.electronic_record_code,
                        mask_text(r.hit.title) if self.masks_personal_data else r.hit.title,
                        r.task_name,
                        r.year,
                        r.department,
                        r.result,
                        r.retention,
                        r.classification,
                        r.applicant,
                    )
                )
            offset += len(page.hits)
            if not page.hits or offset >= page.total:
                break
        return self._exported("search", fmt, headers, rows[:EXPORT_CAP])

    def _exported(
        self,
        name: str,
        fmt: str,
        headers: Sequence[str],
        rows: Sequence[tuple[str | int | float | None, ...]],
    ) -> TableFile:
        self._log("access", f"list:{name}", "success", mode="export_list", format=fmt,
                  rows=len(rows))  # fmt: skip
        return TableFile(name, tuple(headers), tuple(rows))

    # -- event log -----------------------------------------------------------------------------
    def event_page(
        self, chosen: EventFilter, *, order: str, offset: int, limit: int
    ) -> tuple[int, list[Event]]:
        """How many events match and one page of them (details masked by role)."""
        self.require(Permission.EVENTS)
        engine = self.archive.engine
        total = count_events(engine, chosen)
        page = list(page_events(engine, chosen, order=order, offset=offset, limit=limit))
        return total, self._masked_events(page)

    def events_table(
        self,
        chosen: EventFilter,
        order: str,
        fmt: str,
        headers: Sequence[str],
        cell: Callable[[Event], tuple[str | int | None, ...]],
    ) -> TableFile:
        """The matching events (up to ``EXPORT_CAP``) as a table, one row per ``cell(event)``."""
        self.require(Permission.EVENTS)
        found = page_events(self.archive.engine, chosen, order=order, limit=EXPORT_CAP)
        rows = [cell(e) for e in self._masked_events(list(found))]
        return self._exported("events", fmt, headers, rows)

    # -- quarantine ----------------------------------------------------------------------------
    def quarantine_sorted(self, order: str) -> list[QuarantineEntry]:
        """The quarantine in ``order``: ``refused_at`` (default newest first), ``source``,
        ``erc`` or ``reasons`` (the number of findings), ``-`` for descending."""
        entries = self.quarantine()
        key: Callable[[QuarantineEntry], Any] = {
            "source": lambda e: e.source_name or e.name,
            "erc": lambda e: e.electronic_record_code,
            "reasons": lambda e: len(e.findings),
        }.get(order.lstrip("-"), lambda e: e.refused_at)
        descending = order.startswith("-") or not order
        return sorted(entries, key=lambda e: (key(e), e.name), reverse=descending)

    def quarantine_table(
        self,
        order: str,
        fmt: str,
        headers: Sequence[str],
        reason: Callable[[dict[str, object]], str],
    ) -> TableFile:
        """The quarantine (in ``order``) as a table: 拒收时间, 办件包, 电子文件号, every reason in
        words (``reason`` of each finding), the codes."""
        rows = []
        for e in self.quarantine_sorted(order):
            fails = [f for f in e.findings if f.get("status") == "FAIL"] or list(e.findings)
            rows.append(
                (
                    e.refused_at,
                    e.source_name or e.name,
                    e.electronic_record_code,
                    "；".join(reason(f) for f in fails),
                    " ".join(str(f.get("code", "")) for f in fails),
                )
            )
        return self._exported("quarantine", fmt, headers, rows)

    # -- transfer plan -------------------------------------------------------------------------
    def plan_filtered(
        self, *, status: str = "", fonds: str = "", text: str = "", order: str = "",
        today: date | None = None,
    ) -> tuple[list[PlanRow], dict[str, int]]:  # fmt: skip
        """The transfer plan narrowed by status, fonds and a text in the 档号 or title, in
        ``order`` (``deadline``, ``code``, ``status``, ``title``; ``-`` descending), and the
        count of every status over the whole visible plan (they add up to its length)."""
        rows = self.transfer_plan(today)
        counts = {s: 0 for s in PLAN_STATUSES}
        for r in rows:
            counts[r.entry.status] = counts.get(r.entry.status, 0) + 1
        chosen = [
            r
            for r in rows
            if (not status or r.entry.status == status)
            and (not fonds or r.fonds == fonds)
            and (not text or text in r.entry.archival_code or text in r.title)
        ]
        rank = {s: i for i, s in enumerate(PLAN_STATUSES)}
        key: Callable[[PlanRow], Any] | None = {
            "deadline": lambda r: (r.entry.deadline, r.entry.archival_code),
            "code": lambda r: r.entry.archival_code,
            "status": lambda r: (rank.get(r.entry.status, 99), r.entry.deadline),
            "title": lambda r: r.title,
        }.get(order.lstrip("-"))
        if key is not None:
            chosen.sort(key=key, reverse=order.startswith("-"))
        return chosen, counts

    def plan_table(
        self,
        rows: Sequence[PlanRow],
        fmt: str,
        headers: Sequence[str],
        status_name: Callable[[str], str],
    ) -> TableFile:
        """The 移交清单: the chosen plan rows as a table (序号, 档号, 题名, 全宗, 保管期限,
        移交期限, 状态)."""
        data = [
            (
                n,
                r.entry.archival_code,
                mask_text(r.title) if self.masks_personal_data else r.title,
                r.fonds,
                r.retention,
                r.entry.deadline.isoformat(),
                status_name(r.entry.status),
            )
            for n, r in enumerate(rows, start=1)
        ]
        return self._exported("transfer_plan", fmt, headers, data)
