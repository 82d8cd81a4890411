"""The ``earchive`` command line (typer). Thin: every command calls
``earchive.core.archive.Archive``.

Exit codes: 0 success, 1 some input refused or a check failed, 2 usage or configuration error.
``--json`` prints one JSON object per line; fields are only ever added.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from earchive.cli.support import (
    Commands,
    JsonOpt,
    UsageError,
    emit,
    err,
    initialised,
    open_archive,
    out,
    read_roots,
)
from earchive.core.archive import Archive
from ingest.pipeline import IngestResult
from search.index import SearchQuery

app = Commands(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="earchive — electronic archive for government-service cases (一网通办 单套制).",
)


@app.command()
def init() -> None:
    """Create the data directory, the storage root, the catalog and the archive's signing key."""
    archive = open_archive()
    key = archive.init()
    out.print(
        f"initialised {archive.home} (signing key {key}, algorithm {archive.signer.algorithm})"
    )


@app.command()
def generate(
    n: Annotated[int, typer.Argument(help="How many case packages.")],
    dest: Annotated[Path, typer.Argument(help="Folder to write them into.")],
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same cases.")] = 0,
    as_dir: Annotated[bool, typer.Option("--dir", help="Write directories, not ZIPs.")] = False,
    small: Annotated[bool, typer.Option(help="Small files (quick tests).")] = False,
) -> None:
    """Write N realistic sample case packages following the case-package contract."""
    from samples import DEFAULT_PROFILE, SMALL_PROFILE
    from samples import generate as gen

    profile = SMALL_PROFILE if small else DEFAULT_PROFILE
    with _progress() as progress:
        task = progress.add_task("generating", total=n)
        result = gen(
            n,
            dest,
            seed=seed,
            size_profile=profile,
            as_zip=not as_dir,
            on_case=lambda _p: progress.advance(task),
        )
    out.print(
        f"{len(result.packages)} case packages in {dest}; seal trust root {result.trust_root}"
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


WorkersOpt = Annotated[
    int,
    typer.Option(min=0, help="Ingest processes; 0 = one per CPU core, at most 4."),
]


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass
class IngestTally:
    """What an ingest run did, counted as it goes (no result is kept)."""

    counts: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def add(self, result: IngestResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        self.bytes += result.bytes

    @property
    def cases(self) -> int:
        return sum(self.counts.values())


def run_ingest(archive: Archive, paths: list[Path], as_json: bool, workers: int = 1) -> IngestTally:
    from earchive.services.checks.registration import BatchRegistrar  # GB/T 18894 A.1 forms

    registrar = BatchRegistrar(archive)
    tally = IngestTally()
    with _progress() as progress:
        task = progress.add_task("ingesting", total=archive.count_sources(paths))
        for result in archive.ingest(paths, workers=workers):
            tally.add(result)
            registrar.add(result)
            if as_json:
                emit(result.as_dict())
            elif result.status == "refused":
                progress.console.print(f"[red]refused[/red] {result.source}")
                for f in result.findings:
                    if f.status.value == "FAIL":
                        progress.console.print(f"   {f.code} {f.dat70} {f.path} {f.message}")
            progress.advance(task)
    registrar.close()
    if archive.settings.normalise_fonds or archive.settings.ocr_fonds:
        from earchive.services.preservation.jobs import drain_preservation

        done = drain_preservation(archive)  # the copies and OCR the fonds asks for, queued
        if as_json:
            emit({"preservation_jobs": done})
        else:
            out.print(f"preservation: {done} job(s) done (earchive log shows any review)")
    archive.seal_event_log()  # the trail of this run goes to storage, signed
    return tally


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="ZIPs, case directories, or folders of them.")
    ],
    as_json: JsonOpt = False,
    workers: WorkersOpt = 0,
) -> None:
    """Ingest case packages; refused ones go to the quarantine with every reason."""
    archive = initialised()
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    tally = run_ingest(archive, paths, as_json, workers or default_workers())
    if not as_json:
        _summary(tally, None)
    if tally.counts.get("refused"):
        raise typer.Exit(1)


def _summary(tally: IngestTally, seconds: float | None) -> None:
    line = ", ".join(f"{k} {v}" for k, v in sorted(tally.counts.items()))
    out.print(f"ingest: {line or 'nothing to do'}")
    if seconds:
        mb = tally.bytes / 1e6
        out.print(
            f"time {seconds:.1f} s, {tally.cases / seconds:.1f} cases/s, {mb / seconds:.1f} MB/s"
        )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words (Chinese or not), 电子文件号 or 档号.")] = "",
    task: Annotated[str | None, typer.Option(help="事项编码.")] = None,
    year: Annotated[int | None, typer.Option(help="年度.")] = None,
    department: Annotated[str | None, typer.Option(help="受理部门.")] = None,
    result: Annotated[str | None, typer.Option(help="办理结果 (准予, 不予, …).")] = None,
    retention: Annotated[str | None, typer.Option(help="保管期限 (Y, D30, D10).")] = None,
    code_prefix: Annotated[str | None, typer.Option("--code-prefix", help="档号 prefix.")] = None,
    limit: Annotated[int, typer.Option(help="Most hits to show.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Search the archive."""
    archive = open_archive()
    q = SearchQuery(
        text=query,
        task_code=task,
        year=year,
        department=department,
        result=result,
        retention=retention,
        archival_code_prefix=code_prefix,
        limit=limit,
    )
    found = archive.search(q)
    from earchive.services.objections.service import (
        open_counts,  # 异议标注: the open mark on each hit
    )

    marks = open_counts(archive, [h.archive_id for h in found.hits])
    if as_json:
        for hit in found.hits:
            emit(
                {
                    "id": hit.archive_id,
                    "electronic_record_code": hit.electronic_record_code,
                    "archival_code": hit.archival_code,
                    "title": hit.title,
                    "score": hit.score,
                    "snippet": hit.snippet,
                    "objection_open": hit.archive_id in marks,
                    "open_objections": marks.get(hit.archive_id, 0),
                }
            )
        return
    table = Table(title=f"{found.total} archives")
    for col in ("档号", "电子文件号", "题名", "id"):
        table.add_column(col)
    for hit in found.hits:
        title = f"{hit.title} ⚑异议" if hit.archive_id in marks else hit.title
        table.add_row(hit.archival_code, hit.electronic_record_code, title, hit.archive_id)
    out.print(table)


@app.command()
def show(
    archive_id: Annotated[str, typer.Argument(help="Archive id (from ingest or search).")],
    as_json: JsonOpt = False,
) -> None:
    """Show one archive: metadata, files, versions."""
    view = open_archive().show(archive_id)
    data = {
        **view.record.__dict__,
        "files": [f.__dict__ for f in view.files],
        "versions": [v.__dict__ for v in view.versions],
    }
    if as_json:
        emit(data)
        return
    for key, value in view.record.__dict__.items():
        out.print(f"[bold]{key}[/bold]: {value}")
    table = Table(title="files")
    for col in ("path", "material", "format", "size", "sm3"):
        table.add_column(col)
    for f in view.files:
        table.add_row(f.path, f.material_code, f.format, str(f.size), f.sm3[:16] + "…")
    out.print(table)


@app.command()
def export(
    archive_id: Annotated[str, typer.Argument(help="Archive id.")],
    dest: Annotated[Path, typer.Argument(help="Destination folder (must not exist or be empty).")],
    as_: Annotated[
        str, typer.Option("--as", help="bagit, or eep (a signed DA/T 48 封装包).")
    ] = "bagit",
) -> None:
    """Export an archive's current version."""
    from earchive.services.exports import export_archive

    path = export_archive(open_archive(), archive_id, dest, as_)
    out.print(f"exported {archive_id} to {path}")


@app.command()
def verify(
    path: Annotated[
        Path,
        typer.Argument(
            help="An exported BagIt folder, a DA/T 48 EEP (*.eep.xml) or a transfer package folder."
        ),
    ],
    trusted_key: Annotated[
        Path | None, typer.Option(help="PEM public key the signature must come from.")
    ] = None,
    trust_root: Annotated[
        list[Path] | None,
        typer.Option(
            help="CA certificate (PEM/DER file or a folder of them) signers must chain to."
        ),
    ] = None,
    legacy: Annotated[
        bool,
        typer.Option("--legacy", help="Also read transfer packages of the earlier layout."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Verify a package offline: every digest and the signatures (BagIt export, EEP, transfer)."""
    from earchive.services.package_verify import verify_any

    if not path.exists():
        raise UsageError(f"no such package {path}")
    key = trusted_key.read_text() if trusted_key else None
    findings = verify_any(path, key, read_roots(trust_root or []), legacy=legacy)
    failed = False
    for f in findings:
        failed = failed or f.status.value == "FAIL"
        if as_json:
            emit(f.as_dict())
        else:
            colour = {"PASS": "green", "FAIL": "red"}.get(f.status.value, "yellow")
            extra = f" expected {f.expected} found {f.found}" if f.expected or f.found else ""
            out.print(f"[{colour}]{f.status.value}[/{colour}] {f.code} {f.path} {f.message}{extra}")
    if failed:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web UI."""
    _serve(initialised(), host, port)


def _serve(archive: Archive, host: str, port: int) -> None:
    """The API and the UI on ``host:port`` until stopped. uvicorn's own proxy-header handling is
    off: ``X-Forwarded-For`` is believed only from ``EARCHIVE_TRUSTED_PROXIES``, by the app."""
    import uvicorn

    from earchive.core.work import run_worker
    from earchive.web.app import create_app

    stop = threading.Event()
    indexer = None
    if archive.settings.indexing == "queue":  # the queued archives become searchable here too
        settings = archive.settings
        indexer = threading.Thread(
            target=run_worker,
            args=(archive, stop),
            kwargs={"batch": settings.index_batch, "interval": settings.index_interval},
            name="earchive-indexer",
            daemon=True,
        )
        indexer.start()
    try:
        uvicorn.run(
            create_app(archive), host=host, port=port, log_level="warning", proxy_headers=False
        )
    finally:
        stop.set()
        if indexer is not None:
            indexer.join(timeout=30)


@app.command()
def demo(
    cases: Annotated[int, typer.Option(help="How many sample cases.")] = 200,
    seed: Annotated[int, typer.Option(help="Sample seed.")] = 2024,
    host: Annotated[str, typer.Option(help="Address to serve the UI on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after the summary.")] = False,
) -> None:
    """The main job: generate sample cases, ingest them, print the summary, serve the UI."""
    from samples import generate as gen

    passphrase_made = not os.environ.get("EARCHIVE_KEY_PASSPHRASE")
    if passphrase_made:  # the demo's signing keys are kept encrypted like real ones
        os.environ["EARCHIVE_KEY_PASSPHRASE"] = secrets.token_urlsafe(18)
    archive = initialised()
    samples = archive.home / "samples"
    existing = sorted(samples.glob("*.zip"))
    if len(existing) < cases:
        with _progress() as progress:
            task = progress.add_task("generating", total=cases)
            gen(cases, samples, seed=seed, on_case=lambda _p: progress.advance(task))
    roots = sorted((samples / "trust").glob("seal-root*.pem"))
    archive.trust(p for p in roots if not p.name.endswith("-key.pem"))
    _demo_identity(archive, samples / "trust", "archive", "earchive 示范数字档案室")
    started = time.perf_counter()
    tally = run_ingest(archive, [samples], as_json=False, workers=default_workers())
    _summary(tally, time.perf_counter() - started)
    out.print(f"archive holds {archive.catalog.count()} archives in {archive.home}")
    from earchive.services.keys import unit_names

    for fonds, name in unit_names(archive).items():
        _demo_identity(archive, samples / "trust", fonds, name)
    if passphrase_made:
        out.print(
            "signing keys are encrypted with a passphrase made for this demo; to sign from other "
            f"commands: export EARCHIVE_KEY_PASSPHRASE={os.environ['EARCHIVE_KEY_PASSPHRASE']}",
            soft_wrap=True,
        )
    _demo_checks(archive)
    _demo_transfer(archive)
    _demo_preservation(archive)
    from earchive.cli.users import print_demo_users

    print_demo_users(archive, out)
    if no_serve:
        return
    out.print(f"serving the web UI on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops")
    _serve(archive, host, port)


def _demo_identity(archive: Archive, trust_dir: Path, owner: str, name: str) -> None:
    """A certificate from the demo's test CA for ``owner``, imported as an administrator would
    import a real one; the CA becomes a trust root."""
    from earchive.services.keys import import_identity
    from samples.unit_authority import issue_unit, unit_root

    issued = issue_unit(trust_dir, name, archive.clock())
    import_identity(archive, owner, issued.chain_pem, issued.key_pem, archive.settings.agent)
    archive.trust([unit_root(trust_dir)])


def _demo_transfer(archive: Archive) -> None:
    """A transfer package of one unit, with the sign-off it needs, verified as the bureau would."""
    from earchive.services.transfer.demo import DEMO_REASON, demo_transfer

    done = demo_transfer(archive, archive.home / "demo-exchange")
    if done is None:
        return
    pkg = done.sent.package
    out.print(
        f"移交 transfer {pkg.batch_id} ({pkg.registration.sender}): {len(pkg.items)} archives "
        f"packed (DA/T 48 EEPs, 文件目录, 其他/登记表 signed by the unit's certificate) into "
        f"{done.sent.delivery.target}"
    )
    for archive_id, items in done.signed_off:
        listed = ", ".join(f"{i.item} {i.code}" for i in items)
        out.print(f"  signed off {archive_id}: {listed}", markup=False)
    if done.signed_off:
        out.print(f"  reason: {DEMO_REASON}", markup=False)
    out.print(f"  the bureau's check of that package: {done.verified.code}")


def _demo_preservation(archive: Archive) -> None:
    from earchive.services.preservation.demo import demo_preservation

    for report in demo_preservation(archive):
        made = ", ".join(report.derived) or "nothing"
        out.print(f"preservation {report.archive_id}: v{report.version or '-'} {made}")
        for finding in report.findings:
            if finding.status.value == "MANUAL_REVIEW":
                out.print(f"  [yellow]{finding.code}[/yellow] {finding.message}")


def _demo_checks(archive: Archive) -> None:
    from earchive.services.checks.demo import check_everything, summary_rows
    from standards.finding import Status

    with _progress() as progress:
        task = progress.add_task("四性 checks (GD)", total=archive.catalog.count())
        counts = check_everything(archive, default_workers(), lambda: progress.advance(task))
    table = Table(title="四性检测 (DA/T 70-2018, GD) — findings per property")
    table.add_column("property")
    for status in Status:
        table.add_column(status.value, justify="right")
    for row in summary_rows(counts):
        table.add_row(*row)
    out.print(table)
    out.print("per-archive reports: earchive check ID --stage gd --report DIR")


# Command groups that live in their own modules; each exposes ``register(app)``.
COMMAND_MODULES: tuple[str, ...] = (
    "earchive.cli.log",
    "earchive.cli.rebuild",
    "earchive.cli.reindex",
    "earchive.cli.indexer",
    "earchive.cli.users",
    "earchive.cli.audit",
    "earchive.cli.check",
    "earchive.cli.worker",
    "earchive.cli.transfer",
    "earchive.cli.retention",
    "earchive.cli.delivery",
    "earchive.cli.objections",
    "earchive.cli.identities",
    "earchive.cli.quarantine",
    "earchive.cli.keys",
    "earchive.cli.preserve",
    "earchive.cli.stats",
)


def _register_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_commands()


#: libraries whose warnings repeat, with a traceback, what a finding already reports (pyHanko
#: logs each signature it cannot validate; the check records it as a finding)
_QUIET_LOGGERS = ("pyhanko", "pyhanko_certvalidator")


def main() -> None:
    """The ``earchive`` console script (errors are translated per command: ``cli.support``)."""
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    app()
