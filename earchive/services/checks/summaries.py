"""The 四性 check summary across the archive: the newest run of each stage of each archive.

Reads the ``check_runs`` table (its outcome columns only, not the JSON reports) and the catalog;
writes nothing. ``summary_rows`` is filtered by a visibility predicate (the principal's fonds and
clearance); ``summary_csv`` is the auditor's download.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from earchive.core.archive import Archive
from preservation.checks.runs import RunStore, check_runs
from search.records import ArchiveRecord

__all__ = ["CheckSummaryRow", "StageTotals", "stage_totals", "summary_csv", "summary_rows"]


@dataclass(frozen=True)
class CheckSummaryRow:
    """The newest run of one stage for one archive."""

    archive_id: str
    archival_code: str
    stage: str
    version: int
    finished: str
    outcome: str  # OK | FAIL
    run: int  # the run's sequence number in check_runs


@dataclass(frozen=True)
class StageTotals:
    stage: str
    ok: int
    failed: int


def summary_rows(
    archive: Archive, visible: Callable[[ArchiveRecord], bool]
) -> list[CheckSummaryRow]:
    """Newest run per (archive, stage) of every archive ``visible`` accepts, by archive id."""
    records = {r.id: r for r in archive.catalog.iter_archives() if visible(r)}
    RunStore(archive.engine).create_schema()
    stmt = select(
        check_runs.c.seq,
        check_runs.c.archive_id,
        check_runs.c.stage,
        check_runs.c.version,
        check_runs.c.finished,
        check_runs.c.outcome,
    ).order_by(check_runs.c.seq)
    newest: dict[tuple[str, str], CheckSummaryRow] = {}
    with archive.engine.connect() as conn:
        for seq, archive_id, stage, version, finished, outcome in conn.execute(stmt):
            record = records.get(archive_id)
            if record is None:
                continue
            newest[(archive_id, stage)] = CheckSummaryRow(
                archive_id, record.archival_code, stage, version, finished, outcome, seq
            )
    order = {"GD": 0, "YJ": 1, "BC": 2}
    return sorted(newest.values(), key=lambda r: (r.archive_id, order.get(r.stage, 9)))


def stage_totals(rows: Sequence[CheckSummaryRow]) -> list[StageTotals]:
    """Per stage: how many archives' newest run passed (no FAIL) and how many failed."""
    totals = []
    for stage in ("GD", "YJ", "BC"):
        chosen = [r for r in rows if r.stage == stage]
        failed = sum(1 for r in chosen if r.outcome == "FAIL")
        totals.append(StageTotals(stage, len(chosen) - failed, failed))
    return totals


def summary_csv(rows: Sequence[CheckSummaryRow]) -> str:
    """The summary as CSV (header row first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("archive_id", "archival_code", "stage", "version", "finished", "outcome"))
    for r in rows:
        writer.writerow((r.archive_id, r.archival_code, r.stage, r.version, r.finished, r.outcome))
    return out.getvalue()
