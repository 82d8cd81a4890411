"""Format migration (``earchive migrate --from PDF --to PDF/A-2b``): a plan, then one new OCFL
version per affected archive, resumable.

The plan counts the originals of the source format that have no copy yet and are not signed or
sealed (their archives, files and bytes). A run works through the plan archive by archive with
``preserve_archive`` limited to the source format; after each archive its id is added to a
progress file under the home (``migrations/<from>-to-<to>.json``, replaced atomically), so a run
that is killed continues where it stopped: archives done are skipped, and the one in flight is
finished by ``preserve_archive`` itself (a version storage holds but the catalog does not is
caught up; copies already recorded are not made again). The target must be what the format
policy normalises the source format to: a policy change never rewrites history, it only decides
what the next run makes. Each run logs ``migrate`` events (start, end).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.services.preservation.options import PreserveOptions
from earchive.services.preservation.service import (
    PreserveReport,
    preserve_archive,
    sealed_originals,
)
from ingest.derived_version import derivatives
from preservation.events import Event
from standards.format_policy import format_policy

__all__ = ["MigrationPlan", "migrate", "plan_migration", "progress_path"]


@dataclass(frozen=True)
class MigrationPlan:
    """What a migration would do: per archive, the originals due a copy (paths) and bytes."""

    source: str
    target: str
    archives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bytes: int = 0
    signed_kept: int = 0

    @property
    def files(self) -> int:
        return sum(len(paths) for paths in self.archives.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.source,
            "to": self.target,
            "archives": len(self.archives),
            "files": self.files,
            "bytes": self.bytes,
            "signed_kept": self.signed_kept,
        }


def _check_target(source: str, target: str) -> None:
    row = format_policy().for_format(source)
    if row is None or not row.needs_copy:
        raise ConfigurationError(f"the format policy makes no copies of {source}")
    if row.normalise_to.lower() != target.lower():
        raise ConfigurationError(
            f"the format policy {format_policy().version} normalises {source} to "
            f"{row.normalise_to}, not {target}"
        )


def plan_migration(archive: Archive, source: str, target: str) -> MigrationPlan:
    """Count what migrating ``source`` originals to ``target`` copies would do (no writes)."""
    _check_target(source, target)
    ctx = archive.context()
    due: dict[str, tuple[str, ...]] = {}
    total = signed = 0
    for record in archive.catalog.iter_archives():
        rows = [r for r in archive.catalog.files(record.id, record.version) if r.format == source]
        if not rows:
            continue
        done = {d.source for d in derivatives(ctx, record) if d.kind == "preservation-copy"}
        sealed = sealed_originals(ctx, record)
        paths = []
        for row in rows:
            if f"original/{row.path}" in done:
                continue
            if row.signed or f"original/{row.path}" in sealed:
                signed += 1
                continue
            paths.append(row.path)
            total += row.size
        if paths:
            due[record.id] = tuple(paths)
    return MigrationPlan(source, target, due, total, signed)


def progress_path(archive: Archive, source: str, target: str) -> Path:
    name = f"{source}-to-{target}".replace("/", "_")
    return archive.home / "migrations" / f"{name}.json"


def _done(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    data = json.loads(path.read_text("utf-8"))
    return set(data.get("done", [])) if isinstance(data, dict) else set()


def _save(path: Path, plan: MigrationPlan, done: set[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {**plan.as_dict(), "done": sorted(done)}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def migrate(
    archive: Archive,
    source: str,
    target: str,
    on_archive: Callable[[PreserveReport], None] | None = None,
) -> Iterator[PreserveReport]:
    """Run (or continue) the migration; yields one report per archive migrated now."""
    plan = plan_migration(archive, source, target)
    progress = progress_path(archive, source, target)
    done = _done(progress)
    archive.events.record(
        Event(archive.settings.agent, "migrate", f"{source}->{target}", "started",
              archive.clock(), {**plan.as_dict(), "resumed_after": len(done)})
    )  # fmt: skip
    options = PreserveOptions(copies=True, ocr=False, only_format=source)
    migrated = review = 0
    for archive_id in plan.archives:
        if archive_id in done:
            continue
        report = preserve_archive(archive, archive_id, options)
        done.add(archive_id)
        _save(progress, plan, done)
        migrated += 1
        review += int(report.needs_review)
        if on_archive is not None:
            on_archive(report)
        yield report
    progress.unlink(missing_ok=True)  # finished: a later run plans afresh (and retries reviews)
    archive.events.record(
        Event(archive.settings.agent, "migrate", f"{source}->{target}", "finished",
              archive.clock(), {"migrated": migrated, "manual_review": review})
    )  # fmt: skip
