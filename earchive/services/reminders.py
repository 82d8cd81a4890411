"""Reminders the archive owes its users: computed, never stored, with stable ids.

Four sources, each read as it is now:

- the transfer plan (``earchive.services.transfer.sender.plan``): archives whose transfer deadline
is within
  ``horizon_days`` (``transfer_due``) or past (``transfer_overdue``);
- retention: the disposal-review date is 1 January after the archive's year plus its retention
  period (``earchive.core.disposal.disposal_date``); within ``horizon_days`` → ``retention_ending``,
  reached → ``disposal_review``; permanent (``Y``) archives never end;
- fixity: objects whose last audit in a storage location failed (the audit ledger), dated by the
  first failure event since the last restore (``fixity_failed``);
- 四性 checks whose newest run of a stage failed (``check_failed``), and refused packages still in
  the quarantine (``quarantine_open``: one reminder for them all, however many).

Each reminder's ``id`` is derived from what it is about and from the date the condition began, so
a notifier can de-duplicate: the same condition keeps its id until it is resolved. Archives are
filtered by the principal's fonds and clearance; reminders about objects no catalogued archive
names need ``FIXITY`` and every fonds, quarantine reminders ``QUARANTINE``. Reads the catalog,
the ledgers, the event log and the quarantine folder; writes nothing. Raises nothing of its own
(an archive with an unreadable retention code is skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from earchive.auth import Permission, Principal
from earchive.core.archive import Archive
from earchive.services.audit.service import locations
from earchive.services.quarantine import read_quarantine
from earchive.services.transfer.sender import plan
from preservation.audit_ledger import AuditLedger
from preservation.checks.runs import RunStore, check_runs
from search.records import ArchiveRecord
from standards.errors import RetentionTableError
from standards.retention import disposal_date, retention_years

__all__ = ["KINDS", "SEVERITIES", "Reminder", "reminders"]

#: Reminder kinds, in the order the dashboard lists them.
KINDS = (
    "fixity_failed",
    "check_failed",
    "transfer_overdue",
    "disposal_review",
    "quarantine_open",
    "transfer_due",
    "retention_ending",
)
SEVERITIES = ("critical", "warning", "info")


@dataclass(frozen=True)
class Reminder:
    """One thing someone should act on; ``raised`` is when the condition began to hold."""

    id: str
    kind: str
    severity: str
    due: date | None
    object: str
    fonds: str | None
    raised: datetime
    message_zh: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _transfer_reminders(
    archive: Archive, today: date, horizon: int, visible: Mapping[str, ArchiveRecord]
) -> Iterable[Reminder]:
    for entry in plan(archive, today):
        record = visible.get(entry.archive_id)
        if record is None or entry.status in ("transferred", "not_due"):
            continue
        days = (entry.deadline - today).days
        code = entry.archival_code
        if entry.status == "overdue":
            yield Reminder(
                id=f"transfer_overdue:{entry.archive_id}:{entry.deadline.isoformat()}",
                kind="transfer_overdue",
                severity="critical",
                due=entry.deadline,
                object=entry.archive_id,
                fonds=record.fonds_identifier,
                raised=_midnight(entry.deadline + timedelta(days=1)),
                message_zh=f"{code} 应于 {entry.deadline} 前移交档案馆，已逾期 {-days} 天",
                message_en=(
                    f"{code} was due at the archive bureau by {entry.deadline}; "
                    f"{-days} days overdue"
                ),
            )
        elif days <= horizon:
            yield Reminder(
                id=f"transfer_due:{entry.archive_id}:{entry.deadline.isoformat()}",
                kind="transfer_due",
                severity="warning",
                due=entry.deadline,
                object=entry.archive_id,
                fonds=record.fonds_identifier,
                raised=_midnight(entry.deadline - timedelta(days=horizon)),
                message_zh=f"{code} 须在 {entry.deadline} 前移交档案馆（剩 {days} 天）",
                message_en=(
                    f"{code} must reach the archive bureau by {entry.deadline} ({days} days left)"
                ),
            )


def _retention_reminders(
    records: Iterable[ArchiveRecord], today: date, horizon: int
) -> Iterable[Reminder]:
    for record in records:
        try:
            years = retention_years(record.retention)
        except RetentionTableError:
            continue
        ends = disposal_date(record.year, years)
        if ends is None:
            continue
        end = ends.date()
        days = (end - today).days
        code = record.archival_code
        if days <= 0:
            yield Reminder(
                id=f"disposal_review:{record.id}:{end.isoformat()}",
                kind="disposal_review",
                severity="warning",
                due=end,
                object=record.id,
                fonds=record.fonds_identifier,
                raised=_midnight(end),
                message_zh=f"{code} 保管期限（{record.retention}）已于 {end} 届满，应进行鉴定处置",
                message_en=(
                    f"{code}: retention ({record.retention}) ended on {end}; disposal review is due"
                ),
            )
        elif days <= horizon:
            yield Reminder(
                id=f"retention_ending:{record.id}:{end.isoformat()}",
                kind="retention_ending",
                severity="info",
                due=end,
                object=record.id,
                fonds=record.fonds_identifier,
                raised=_midnight(end - timedelta(days=horizon)),
                message_zh=f"{code} 保管期限（{record.retention}）将于 {end} 届满（剩 {days} 天）",
                message_en=(
                    f"{code}: retention ({record.retention}) ends on {end} ({days} days left)"
                ),
            )


def _failure_start(archive: Archive, name: str, location: str) -> tuple[int, datetime] | None:
    """(seq, time) of the first failed audit of ``name`` in ``location`` since its last restore."""
    first: tuple[int, datetime] | None = None
    for event in archive.events.iter_events(0, name):
        if event.object != name:
            continue
        if event.action == "restore":
            first = None
        elif (
            event.action == "audit"
            and event.outcome == "FAIL"
            and event.detail.get("location") == location
            and first is None
        ):
            first = (event.seq or 0, event.at)
    return first


def _fixity_reminders(
    archive: Archive,
    visible: Mapping[str, ArchiveRecord],
    storage_wide: bool,
) -> Iterable[Reminder]:
    names = {r.object_id: r for r in archive.catalog.iter_archives()}
    ledger = AuditLedger(archive.writer)
    ledger.create_schema()
    for location in locations(archive):
        for object_id, entry in ledger.entries(location).items():
            if entry.outcome != "FAIL":
                continue
            record = names.get(object_id)
            if record is not None and record.id not in visible:
                continue
            if record is None and not storage_wide:
                continue
            name = record.id if record is not None else object_id
            start = _failure_start(archive, name, location)
            seq, raised = start if start is not None else (0, entry.last_audit)
            yield Reminder(
                id=f"fixity_failed:{location}:{name}:{seq}",
                kind="fixity_failed",
                severity="critical",
                due=None,
                object=name,
                fonds=record.fonds_identifier if record is not None else None,
                raised=raised,
                message_zh=(
                    f"{name} 在存储位置 {location} 的固定性审计未通过"
                    f"（{entry.last_audit:%Y-%m-%d}），请从副本恢复"
                ),
                message_en=(
                    f"{name} failed its fixity audit in {location} "
                    f"({entry.last_audit:%Y-%m-%d}); restore it from the replica"
                ),
            )


def _check_reminders(archive: Archive, visible: Mapping[str, ArchiveRecord]) -> Iterable[Reminder]:
    RunStore(archive.engine).create_schema()
    newest: dict[tuple[str, str], tuple[int, str, str]] = {}
    stmt = select(
        check_runs.c.seq,
        check_runs.c.archive_id,
        check_runs.c.stage,
        check_runs.c.finished,
        check_runs.c.outcome,
    ).order_by(check_runs.c.seq)
    with archive.engine.connect() as conn:
        for seq, archive_id, stage, finished, outcome in conn.execute(stmt):
            if archive_id in visible:
                newest[(archive_id, stage)] = (seq, finished, outcome)
    for (archive_id, stage), (seq, finished, outcome) in sorted(newest.items()):
        if outcome != "FAIL":
            continue
        try:
            raised = datetime.fromisoformat(finished)
        except ValueError:
            continue
        code = visible[archive_id].archival_code
        yield Reminder(
            id=f"check_failed:{archive_id}:{stage}:{seq}",
            kind="check_failed",
            severity="critical",
            due=None,
            object=archive_id,
            fonds=visible[archive_id].fonds_identifier,
            raised=raised if raised.tzinfo else raised.replace(tzinfo=UTC),
            message_zh=f"{code} 的四性检测（{stage}）未通过，请查看检测报告",
            message_en=f"{code}: the 四性 check ({stage}) failed; see the check report",
        )


def _quarantine_reminders(archive: Archive) -> Iterable[Reminder]:
    """One reminder for the whole quarantine (not one per refused package): how many wait, the
    first few by name; dated by the oldest, whose folder name is its id while it waits."""
    entries = read_quarantine(archive.home / "quarantine", limit=100_000)
    if not entries:
        return
    oldest = entries[-1]  # newest first
    try:
        raised = datetime.fromisoformat(oldest.refused_at)
    except ValueError:
        raised = datetime(1970, 1, 1, tzinfo=UTC)
    names = [e.electronic_record_code or e.source_name or e.name for e in entries[:3]]
    more_zh = " 等" if len(entries) > 3 else ""
    more_en = " and more" if len(entries) > 3 else ""
    yield Reminder(
        id=f"quarantine_open:{oldest.name}",
        kind="quarantine_open",
        severity="warning",
        due=None,
        object="quarantine",
        fonds=None,
        raised=raised if raised.tzinfo else raised.replace(tzinfo=UTC),
        message_zh=f"{len(entries)} 个办件包被拒收，仍在隔离区待处理：{'、'.join(names)}{more_zh}",
        message_en=(
            f"{len(entries)} refused case package(s) wait in the quarantine: "
            f"{', '.join(names)}{more_en}"
        ),
    )


def reminders(
    archive: Archive,
    principal: Principal,
    *,
    today: date | None = None,
    horizon_days: int = 90,
    since: datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Reminder]:
    """Every reminder ``principal`` may see, most severe first, then by due date.

    ``today`` defaults to the archive's clock; ``since`` keeps reminders raised after it.
    """
    today = today or archive.clock().date()
    wanted = set(kinds) if kinds is not None else set(KINDS)
    visible = {r.id: r for r in archive.catalog.iter_archives() if principal.may_see(r)}
    sources: dict[str, Callable[[], Iterable[Reminder]]] = {
        "transfer": lambda: _transfer_reminders(archive, today, horizon_days, visible),
        "retention": lambda: _retention_reminders(visible.values(), today, horizon_days),
        "check": lambda: _check_reminders(archive, visible),
    }
    storage_wide = principal.fonds is None and principal.can(Permission.FIXITY)
    sources["fixity"] = lambda: _fixity_reminders(archive, visible, storage_wide)
    if principal.can(Permission.QUARANTINE):
        sources["quarantine"] = lambda: _quarantine_reminders(archive)
    found: list[Reminder] = []
    for source in sources.values():
        found.extend(r for r in source() if r.kind in wanted)
    if since is not None:
        cutoff = since if since.tzinfo else since.replace(tzinfo=UTC)
        found = [r for r in found if r.raised > cutoff]
    far = date.max
    return sorted(
        found,
        key=lambda r: (SEVERITIES.index(r.severity), r.due or far, KINDS.index(r.kind), r.id),
    )
