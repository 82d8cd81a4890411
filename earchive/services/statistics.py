"""The numbers an archive reports: holdings by year, 事项, 保管期限, 密级 and department;
ingests, refusals by reason and fixity audits over time; and the annual summary (档案工作年报)
of one year — holdings (件, GB) by 年度 × 保管期限 × 密级, that year's 归档, 移交 to the bureau
and its receipts, 利用 (人次, 件次) by purpose, 鉴定 and 销毁, fixity audits and failures,
refusals by reason.

Reads: the catalog (archives the ``visible`` rule accepts), the event log, the transfer ledger,
the quarantine reports. Writes nothing. Raises ``sqlalchemy.exc.SQLAlchemyError`` when the
database fails.

How the use figures are counted: every ``access`` event on an archive (a view of the case, a
file opened or downloaded, an export) is one 件次 (item used); the distinct (user, archive, day)
make the 件次, the distinct (user, day) the 人次 (visits), both per stated purpose. 鉴定 counts
the archives kept here (the plan's ``disposal_review``: not sent to the bureau) whose appraisal
date (1 January after the retention ends) falls in the year or before;
销毁 counts ``disposal`` events with outcome ``destroyed`` (this archive destroys nothing by
itself, so the figure is 0 unless such events are recorded).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from earchive.core.archive import Archive
from earchive.services.audit.history import audit_runs
from earchive.services.quarantine import read_quarantine
from earchive.services.transfer.sender import plan
from ingest.casexml import DEFAULT_TZ
from search.records import ArchiveRecord
from standards.errors import RetentionTableError
from standards.retention import disposal_date, retention_years
from transfer.ledger import batches as ledger_batches
from transfer.ledger import items as ledger_items

__all__ = ["GB", "AnnualSummary", "Holdings", "Statistics", "annual_summary", "statistics"]

GB = 1_000_000_000


@dataclass(frozen=True)
class Holdings:
    """Archives (件) and bytes per value of one field, most first (years: in order)."""

    counts: Mapping[str, int]
    bytes: Mapping[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "counts": dict(self.counts),
            "gb": {k: round(v / GB, 6) for k, v in self.bytes.items()},
        }


@dataclass(frozen=True)
class Statistics:
    """The statistics page's figures, over the archives one principal may see."""

    total: int
    total_bytes: int
    by_year: Holdings
    by_task: Holdings
    by_retention: Holdings
    by_classification: Holdings
    by_department: Holdings
    ingests_by_month: Mapping[str, int]
    refusals_by_reason: Mapping[str, int]
    refusals_by_month: Mapping[str, int]
    fixity_by_month: Mapping[str, tuple[int, int, int]]  # runs, objects, failed objects

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "total_gb": round(self.total_bytes / GB, 6),
            "by_year": self.by_year.as_dict(),
            "by_task": self.by_task.as_dict(),
            "by_retention": self.by_retention.as_dict(),
            "by_classification": self.by_classification.as_dict(),
            "by_department": self.by_department.as_dict(),
            "ingests_by_month": dict(self.ingests_by_month),
            "refusals_by_reason": dict(self.refusals_by_reason),
            "refusals_by_month": dict(self.refusals_by_month),
            "fixity_by_month": {
                k: {"runs": r, "objects": o, "failed": f}
                for k, (r, o, f) in self.fixity_by_month.items()
            },
        }


def _local(when: datetime) -> datetime:
    return when.astimezone(DEFAULT_TZ) if when.tzinfo else when


def _month(when: datetime) -> str:
    return _local(when).strftime("%Y-%m")


def _holdings(records: Iterable[ArchiveRecord], key: Callable[[ArchiveRecord], str],
              ordered: bool = False) -> Holdings:  # fmt: skip
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for r in records:
        counts[key(r)] += 1
        sizes[key(r)] += r.total_bytes
    names = sorted(counts) if ordered else [k for k, _ in counts.most_common()]
    return Holdings({k: counts[k] for k in names}, {k: sizes[k] for k in names})


def _refusals(archive: Archive) -> tuple[Counter[str], Counter[str]]:
    """Refusal reasons (each FAIL finding's code) and refusals per month, from the quarantine."""
    reasons: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for entry in read_quarantine(archive.home / "quarantine", limit=1_000_000):
        codes = {str(f.get("code", "")) for f in entry.findings if f.get("status") == "FAIL"}
        reasons.update(c for c in codes if c)
        try:
            months[_month(datetime.fromisoformat(entry.refused_at))] += 1
        except ValueError:
            continue
    return reasons, months


def statistics(archive: Archive, visible: Callable[[ArchiveRecord], bool],
               *, storage_wide: bool) -> Statistics:  # fmt: skip
    """The figures over the archives ``visible`` accepts; refusals and fixity audits concern the
    whole storage and are given only when ``storage_wide``."""
    records = [r for r in archive.catalog.iter_archives() if visible(r)]
    ingests = Counter(_month(r.ingested_at) for r in records)
    reasons: Counter[str] = Counter()
    refused_months: Counter[str] = Counter()
    fixity: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    if storage_wide:
        reasons, refused_months = _refusals(archive)
        for run in audit_runs(archive, limit=100_000):
            month = fixity[_month(run.at)]
            month[0] += 1
            month[1] += run.objects
            month[2] += run.failed
    return Statistics(
        total=len(records),
        total_bytes=sum(r.total_bytes for r in records),
        by_year=_holdings(records, lambda r: str(r.year), ordered=True),
        by_task=_holdings(records, lambda r: r.task_name),
        by_retention=_holdings(records, lambda r: r.retention),
        by_classification=_holdings(records, lambda r: r.security_classification),
        by_department=_holdings(records, lambda r: r.receive_department),
        ingests_by_month=dict(sorted(ingests.items())),
        refusals_by_reason=dict(reasons.most_common()),
        refusals_by_month=dict(sorted(refused_months.items())),
        fixity_by_month={k: (v[0], v[1], v[2]) for k, v in sorted(fixity.items())},
    )


@dataclass(frozen=True)
class AnnualSummary:
    """The annual summary's rows (each a tuple, in the order the report prints them)."""

    year: int
    holdings: tuple[tuple[int, str, str, int, float], ...]  # 年度, 保管期限, 密级, 件, GB
    ingested: tuple[int, float]  # 件, GB
    transferred: tuple[int, float]  # 件, GB
    receipts: tuple[tuple[str, int], ...]  # receipt code, batches
    use_by_purpose: tuple[tuple[str, int, int], ...]  # purpose, 人次, 件次
    appraisal_due: int
    destroyed: int
    fixity: tuple[int, int, int]  # runs, objects audited, failed objects
    refusals: tuple[tuple[str, int], ...]
    notes: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "holdings": [
                {"year": y, "retention": r, "classification": c, "items": n, "gb": g}
                for y, r, c, n, g in self.holdings
            ],
            "ingested": {"items": self.ingested[0], "gb": self.ingested[1]},
            "transferred": {"items": self.transferred[0], "gb": self.transferred[1]},
            "receipts": dict(self.receipts),
            "use_by_purpose": [
                {"purpose": p, "visits": v, "items": n} for p, v, n in self.use_by_purpose
            ],
            "appraisal_due": self.appraisal_due,
            "destroyed": self.destroyed,
            "fixity": dict(zip(("runs", "objects", "failed"), self.fixity, strict=True)),
            "refusals": dict(self.refusals),
        }


def _in_year(when: datetime | None, year: int) -> bool:
    return when is not None and _local(when).year == year


def _use(
    archive: Archive, year: int, seen: Mapping[str, ArchiveRecord]
) -> list[tuple[str, int, int]]:
    visits: dict[str, set[tuple[str, date]]] = defaultdict(set)
    uses: dict[str, set[tuple[str, str, date]]] = defaultdict(set)
    for e in archive.events.iter_events():
        if e.action not in ("access", "export") or e.object not in seen:
            continue
        if not _in_year(e.at, year) or e.outcome not in ("success", "released"):
            continue
        user = str(e.detail.get("user", e.agent))
        purpose = str(e.detail.get("purpose", "") or "").strip() or "—"
        day = _local(e.at).date()
        visits[purpose].add((user, day))
        uses[purpose].add((user, e.object, day))
    rows = [(p, len(visits[p]), len(uses[p])) for p in visits]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def _appraisal_due(record: ArchiveRecord, status: str, year: int) -> bool:
    """An archive kept here (not sent to the bureau) whose appraisal date — 1 January after its
    retention ends — falls in ``year`` or before: it is due for appraisal (鉴定)."""
    if status != "disposal_review":
        return False
    try:
        ends = disposal_date(record.year, retention_years(record.retention))
    except RetentionTableError:
        return False
    return ends is not None and ends.year <= year


def annual_summary(archive: Archive, visible: Callable[[ArchiveRecord], bool], year: int,
                   *, storage_wide: bool) -> AnnualSummary:  # fmt: skip
    """The annual summary of ``year`` over the archives ``visible`` accepts (refusals and
    fixity audits only when ``storage_wide``)."""
    seen = {r.id: r for r in archive.catalog.iter_archives() if visible(r)}
    grid: Counter[tuple[int, str, str]] = Counter()
    grid_bytes: Counter[tuple[int, str, str]] = Counter()
    for r in seen.values():
        key = (r.year, r.retention, r.security_classification)
        grid[key] += 1
        grid_bytes[key] += r.total_bytes
    holdings = tuple(
        (y, ret, cls, grid[(y, ret, cls)], round(grid_bytes[(y, ret, cls)] / GB, 6))
        for (y, ret, cls) in sorted(grid)
    )
    new = [r for r in seen.values() if _in_year(r.ingested_at, year)]
    sent_ids: set[str] = set()
    receipts: Counter[str] = Counter()
    with archive.writer.connect() as conn:
        in_year = {
            b.batch_id for b in conn.execute(select(ledger_batches)) if _in_year(b.created, year)
        }
        for b in conn.execute(select(ledger_batches)):
            if _in_year(b.receipt_at, year):
                receipts[str(b.status)] += 1
        for row in conn.execute(select(ledger_items)):
            if row.batch_id in in_year and row.archive_id in seen and row.status != "refused":
                sent_ids.add(row.archive_id)
    sent_bytes = sum(seen[i].total_bytes for i in sent_ids)
    appraisal = sum(
        1
        for e in plan(archive)
        if e.archive_id in seen and _appraisal_due(seen[e.archive_id], e.status, year)
    )
    destroyed = sum(
        1
        for e in archive.events.iter_events()
        if e.action == "disposal" and e.outcome == "destroyed" and _in_year(e.at, year)
    )
    fixity = (0, 0, 0)
    refusals: tuple[tuple[str, int], ...] = ()
    if storage_wide:
        runs = [r for r in audit_runs(archive, limit=1_000_000) if _in_year(r.at, year)]
        fixity = (len(runs), sum(r.objects for r in runs), sum(r.failed for r in runs))
        reasons: Counter[str] = Counter()
        for entry in read_quarantine(archive.home / "quarantine", limit=1_000_000):
            try:
                when = datetime.fromisoformat(entry.refused_at)
            except ValueError:
                continue
            if _in_year(when, year):
                reasons.update(
                    {str(f.get("code")) for f in entry.findings if f.get("status") == "FAIL"}
                )
        refusals = tuple(reasons.most_common())
    return AnnualSummary(
        year=year,
        holdings=holdings,
        ingested=(len(new), round(sum(r.total_bytes for r in new) / GB, 6)),
        transferred=(len(sent_ids), round(sent_bytes / GB, 6)),
        receipts=tuple(sorted(receipts.items())),
        use_by_purpose=tuple(_use(archive, year, seen)),
        appraisal_due=appraisal,
        destroyed=destroyed,
        fixity=fixity,
        refusals=refusals,
    )
