"""Service functions for the 四性 checks: build a ``CheckContext`` for a stored archive, run a
stage, keep the run with the archive's history (catalog table ``check_runs`` plus a ``check``
event), register ingest batches (GB/T 18894 A.1) and write JSON/HTML/PDF reports.

The CLI (``earchive.cli.check``), the API and the UI call these. Raises ``NotFoundError``
for an unknown archive, ``ConfigurationError`` for an unusable anti-virus or report font.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError, NotFoundError
from ingest.casexml import parse_case
from ingest.rules import check_case
from preservation.antivirus import Antivirus, AntivirusError, configure
from preservation.checks import (
    CheckContext,
    CheckRun,
    RegistrationForm,
    RunStore,
    report_html,
    report_json,
    run_checks,
    tool_versions,
)
from preservation.events import Event
from standards.archival_code import ArchivalCodeRule
from standards.case import CaseRecord
from standards.errors import ArchivalCodeError
from standards.finding import Finding

__all__ = [
    "STAGES",
    "CheckOptions",
    "antivirus_from_settings",
    "check_all",
    "check_archive",
    "write_reports",
]

STAGES = ("gd", "yj", "bc")


@dataclass(frozen=True)
class CheckOptions:
    """What a run may use beyond the archive itself; ``antivirus`` None = not configured."""

    antivirus: Antivirus | None = None
    trust_dir: Path | None = None
    record: bool = True  # keep the run in check_runs and the event log


def antivirus_from_settings(archive: Archive) -> Antivirus | None:
    try:
        return configure(archive.settings.clamd_socket, archive.settings.clamav_db)
    except AntivirusError as exc:
        raise ConfigurationError(f"anti-virus: {exc}") from exc


def _serials(archive: Archive) -> dict[str, list[int]]:
    rule = ArchivalCodeRule.load()
    classes: dict[str, list[int]] = defaultdict(list)
    for record in archive.catalog.iter_archives():
        try:
            parts = rule.parse(record.archival_code)
        except ArchivalCodeError:
            continue
        classes[rule.class_key(parts)].append(parts.item)
    return classes


def _case_rules(case: CaseRecord, root: Path) -> Sequence[Finding]:
    return check_case(case, root, {}, None)


def _context(
    archive: Archive,
    archive_id: str,
    stage: str,
    workdir: Path,
    options: CheckOptions,
    serials: dict[str, list[int]],
) -> CheckContext:
    record = archive.catalog.get(archive_id)
    if record is None:
        raise NotFoundError(archive_id)
    version = record.version
    paths = tuple(archive.version_paths(archive_id, version))
    case: CaseRecord | None = None
    case_findings: tuple[Finding, ...] = ()
    if "original/case.xml" in paths:
        with archive.open_file(archive_id, "original/case.xml", version) as fp:
            case, case_findings = parse_case(fp.read())
    store = RunStore(archive.engine)
    store.create_schema()
    return CheckContext(
        archive_id=archive_id,
        stage=stage.upper(),
        version=version,
        paths=paths,
        open_file=lambda p: archive.open_file(archive_id, p, version),
        workdir=workdir,
        clock=archive.clock,
        agent=archive.settings.agent,
        case=case,
        case_findings=tuple(case_findings),
        case_rules=_case_rules,
        serials=lambda klass: serials.get(klass, []),
        registration=store.entry(archive_id, version),
        events=list(archive.events.iter_events()),
        trust_dir=options.trust_dir or archive.settings.trust_path,
        archive_key_pem=archive.trusted_key_pem,
        antivirus=options.antivirus,
        restore_drill=_drill(archive, record.object_id),
    )


def _drill(archive: Archive, object_id: str) -> Callable[[], list[Finding]] | None:
    """The BC 3-4 restore drill when a replica is configured (None: nothing to restore from)."""
    replica = archive.replica
    if replica is None:
        return None
    from earchive.services.audit.restore_drill import restore_drill

    return lambda: restore_drill(archive.storage, replica, object_id)


def _record(archive: Archive, run: CheckRun) -> None:
    seq = RunStore(archive.engine).save_run(run)
    detail = {"stage": run.stage, "version": run.version, "check_run": seq, **run.summary()}
    outcome = "failed" if run.failed else "passed"
    event = Event(archive.settings.agent, "check", run.archive_id, outcome, archive.clock(), detail)
    archive.events.record(event)


def check_archive(
    archive: Archive,
    archive_id: str,
    stage: str,
    options: CheckOptions | None = None,
    *,
    _serial_table: dict[str, list[int]] | None = None,
) -> CheckRun:
    """Run one stage (gd, yj, bc) of the 四性 checks on an archive's current version."""
    if stage.lower() not in STAGES:
        raise ConfigurationError(f"unknown stage {stage!r}; use one of {', '.join(STAGES)}")
    options = options or CheckOptions()
    serials = _serial_table if _serial_table is not None else _serials(archive)
    engine_label = ""
    if options.antivirus is not None:
        try:
            engine_label = str(options.antivirus.info())
        except AntivirusError as exc:
            engine_label = f"error: {exc}"
    with tempfile.TemporaryDirectory(prefix="earchive-check-") as tmp:
        ctx = _context(archive, archive_id, stage, Path(tmp), options, serials)
        run = run_checks(ctx, tool_versions(engine_label))
    if options.record:
        _record(archive, run)
    return run


def check_all(
    archive: Archive, stage: str, options: CheckOptions | None = None
) -> Iterator[CheckRun]:
    """Every archive in the catalog, one run each."""
    serials = _serials(archive)
    for record in archive.catalog.iter_archives():
        yield check_archive(archive, record.id, stage, options, _serial_table=serials)


def write_reports(
    archive: Archive,
    dest: Path,
    runs: Sequence[CheckRun],
    *,
    forms: Sequence[RegistrationForm] = (),
    name: str = "report",
) -> list[Path]:
    """Write ``<name>.json``, ``<name>.html`` and ``<name>.pdf`` (四性检测报告) into ``dest``."""
    from preservation.checks.report_pdf import write_report_pdf  # reportlab: only for reports
    from preservation.fonts import FontNotFoundError, find_cjk_font

    dest.mkdir(parents=True, exist_ok=True)
    who = archive.settings.agent
    json_path, html_path, pdf_path = (dest / f"{name}.{ext}" for ext in ("json", "html", "pdf"))
    json_path.write_text(report_json(runs, forms, who=who), encoding="utf-8")
    html_path.write_text(report_html(runs, forms, who=who), encoding="utf-8")
    try:
        font = find_cjk_font()
    except FontNotFoundError as exc:
        raise ConfigurationError(f"no CJK font for the PDF report: {exc}") from exc
    write_report_pdf(
        pdf_path,
        runs,
        font.path,
        subfont=font.index,
        forms=forms,
        who=who,
        when=archive.clock(),
    )
    return [json_path, html_path, pdf_path]


def forms_for(archive: Archive, runs: Sequence[CheckRun]) -> list[RegistrationForm]:
    """The registration forms listing any archive of ``runs`` (for the report)."""
    ids = {r.archive_id for r in runs}
    store = RunStore(archive.engine)
    store.create_schema()
    return [f for f in store.forms() if any(e.archive_id in ids for e in f.entries)]
