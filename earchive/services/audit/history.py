"""Fixity-audit history for auditors: the runs (from the event log), the ledger as CSV/JSON, and
the history as a server-rendered SVG bar chart.

Every audit run is an ``audit`` event on ``storage:<location>`` (``preservation.audit``) whose
detail counts objects, files, bytes and failures; ``audit_runs`` reads them back, newest last.
``ledger_rows`` lists the audit ledger (last audit per object and location) with archive ids.
``history_chart`` draws one group of bars per run — files audited, MB audited, failures — as an
accessible SVG (``role="img"``, a title and a description, one ``<title>`` per bar); the page
shows the same numbers as a table. Reads the event log and the ledger; writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from earchive.core.archive import Archive
from earchive.services.audit.service import locations
from preservation.audit_ledger import AuditLedger

__all__ = [
    "AuditRunRow",
    "LedgerRow",
    "audit_runs",
    "history_chart",
    "ledger_csv",
    "ledger_json",
    "ledger_rows",
]


@dataclass(frozen=True)
class AuditRunRow:
    """One fixity-audit run as the event log recorded it."""

    seq: int
    at: datetime
    location: str
    outcome: str
    objects: int
    files: int
    bytes: int
    failed: int
    seconds: float
    remaining: int
    agent: str


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _float(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def audit_runs(archive: Archive, limit: int = 50) -> list[AuditRunRow]:
    """The newest ``limit`` audit runs, oldest first."""
    rows: list[AuditRunRow] = []
    for e in archive.events.iter_events(0, "storage:"):
        if e.action != "audit" or not e.object.startswith("storage:"):
            continue
        d = e.detail
        rows.append(
            AuditRunRow(
                seq=e.seq or 0,
                at=e.at,
                location=str(d.get("location", e.object.removeprefix("storage:"))),
                outcome=e.outcome,
                objects=_int(d.get("objects", 0)),
                files=_int(d.get("files", 0)),
                bytes=_int(d.get("bytes", 0)),
                failed=_int(d.get("failed", 0)),
                seconds=_float(d.get("seconds", 0)),
                remaining=_int(d.get("remaining", 0)),
                agent=e.agent,
            )
        )
    return rows[-limit:] if limit > 0 else rows


@dataclass(frozen=True)
class LedgerRow:
    """The last audit of one stored object in one location."""

    location: str
    object_id: str
    archive_id: str
    last_audit: datetime
    outcome: str


def ledger_rows(archive: Archive) -> list[LedgerRow]:
    """The whole audit ledger, by location then archive id."""
    names = {r.object_id: r.id for r in archive.catalog.iter_archives()}
    ledger = AuditLedger(archive.writer)
    ledger.create_schema()
    rows = [
        LedgerRow(location, e.object_id, names.get(e.object_id, ""), e.last_audit, e.outcome)
        for location in locations(archive)
        for e in ledger.entries(location).values()
    ]
    return sorted(rows, key=lambda r: (r.location, r.archive_id or r.object_id))


_FIELDS = ("location", "archive_id", "object_id", "last_audit", "outcome")


def ledger_csv(rows: Sequence[LedgerRow]) -> str:
    """The ledger as CSV (UTF-8 text, header row first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_FIELDS)
    for r in rows:
        at = r.last_audit.isoformat()
        writer.writerow((r.location, r.archive_id, r.object_id, at, r.outcome))
    return out.getvalue()


def ledger_json(rows: Sequence[LedgerRow]) -> str:
    """The ledger as a JSON array of objects."""
    return json.dumps(
        [
            {
                "location": r.location,
                "archive_id": r.archive_id,
                "object_id": r.object_id,
                "last_audit": r.last_audit.isoformat(),
                "outcome": r.outcome,
            }
            for r in rows
        ],
        ensure_ascii=False,
        indent=1,
    )


# -- the chart ----------------------------------------------------------------------------------

_W, _H = 760, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 24, 12, 18, 46
_SERIES = (("files", "#2f6f9f"), ("mb", "#8fb8d8"), ("failed", "#c0392b"))


def _scaled(value: float, top: float) -> float:
    return 0.0 if top <= 0 else (_H - _TOP - _BOTTOM) * value / top


def history_chart(
    runs: Sequence[AuditRunRow],
    labels: dict[str, str],
    when: Callable[[datetime], str] = lambda at: at.strftime("%m-%d %H:%M"),
) -> Markup:
    """An SVG bar chart: per run, bars of files, MB and failures (each scaled to its maximum),
    each bar labelled with its value; ``when`` formats a run's time under its bars.

    ``labels`` gives the words: ``title``, ``desc``, ``files``, ``mb``, ``failed``, ``empty``.
    Each run is a ``<g class="run" data-seq=…>``; each bar has its value in a ``<title>``.
    """
    title, desc = escape(labels.get("title", "")), escape(labels.get("desc", ""))
    head = (
        f'<svg class="audit-chart" role="img" viewBox="0 0 {_W} {_H}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>'
    )
    parts = [head]
    base = _H - _BOTTOM
    parts.append(f'<line x1="{_LEFT}" y1="{base}" x2="{_W - _RIGHT}" y2="{base}" class="axis"/>')
    if not runs:
        parts.append(
            f'<text x="{_W / 2}" y="{_H / 2}" text-anchor="middle" class="empty">'
            f"{escape(labels.get('empty', ''))}</text></svg>"
        )
        return Markup("".join(parts))
    tops = {
        "files": max(r.files for r in runs),
        "mb": max(r.bytes for r in runs) / 1e6,
        "failed": max(max(r.failed for r in runs), 1),
    }
    slot = (_W - _LEFT - _RIGHT) / len(runs)
    bar = max(min(slot / 4, 28.0), 1.0)
    for i, run in enumerate(runs):
        x0 = _LEFT + i * slot + (slot - 3 * bar) / 2
        at = when(run.at)
        parts.append(f'<g class="run outcome-{escape(run.outcome)}" data-seq="{run.seq}">')
        values = {"files": float(run.files), "mb": run.bytes / 1e6, "failed": float(run.failed)}
        for j, (key, colour) in enumerate(_SERIES):
            h = _scaled(values[key], tops[key])
            shown = f"{values[key]:.1f}" if key == "mb" else f"{int(values[key])}"
            parts.append(
                f'<rect class="bar bar-{key}" x="{x0 + j * bar:.1f}" y="{base - h:.1f}" '
                f'width="{bar - 1:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(at)} {escape(run.location)}: "
                f"{escape(labels.get(key, key))} {shown}</title></rect>"
                f'<text class="value" x="{x0 + j * bar + bar / 2:.1f}" y="{base - h - 3:.1f}" '
                f'text-anchor="middle">{shown}</text>'
            )
        parts.append(
            f'<text x="{x0 + 1.5 * bar:.1f}" y="{base + 14}" text-anchor="middle" '
            f'class="tick">{escape(at)}</text></g>'
        )
    for j, (key, colour) in enumerate(_SERIES):
        x = _LEFT + j * 150
        parts.append(
            f'<rect x="{x}" y="{_H - 18}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{_H - 9}" class="legend">{escape(labels.get(key, key))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
