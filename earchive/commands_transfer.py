"""``earchive transfer plan|run|status|receipt`` (sender) and ``earchive receive DIR`` (bureau).

``plan`` lists each archive's transfer deadline (policy: standards/data/transfer-policy.json);
``run --to DIR`` YJ-checks, packages and delivers into DIR; ``receipt FILE --receiver-key PEM``
verifies the bureau's signed receipt and records it; ``status`` lists batches. ``receive DIR
--sender-key PEM`` verifies a delivered package and writes the signed ``DIR.receipt.json``.
Exit codes: 0 success, 1 items refused / package not accepted, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from earchive.archive import Archive, ConfigurationError, NotFoundError
from earchive.settings import Settings
from earchive.transfers import accept_receipt, plan, receive_package, run_transfer
from package.errors import PackageError
from transfer import TransferError, TransferLedger

__all__ = ["register"]

err = Console(stderr=True)
out = Console()
transfer_app = typer.Typer(no_args_is_help=True, help="Transfers to the archive bureau (移交).")
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def _emit(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except NotFoundError as exc:
        err.print(f"[red]not found:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (ConfigurationError, OSError) as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except (TransferError, PackageError) as exc:
        err.print(f"[red]transfer failed:[/red] {exc}")
        raise typer.Exit(1) from exc


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"[red]cannot read key {path}:[/red] {exc}")
        raise typer.Exit(2) from exc


@transfer_app.command("plan")
def plan_cmd(as_json: JsonOpt = False) -> None:
    """Each archive's transfer deadline and status (overdue, due, not_due, transferred)."""
    with _errors():
        entries = plan(Archive(Settings()))
    for e in entries:
        if as_json:
            _emit(
                {
                    "id": e.archive_id,
                    "archival_code": e.archival_code,
                    "formed": e.formed,
                    "deadline": e.deadline,
                    "status": e.status,
                }
            )
        else:
            out.print(f"{e.status:<12} {e.deadline}  {e.archival_code}  {e.archive_id}")


@transfer_app.command("run")
def run_cmd(
    to: Annotated[Path, typer.Option("--to", help="Deliver into this directory.")],
    ids: Annotated[
        list[str] | None,
        typer.Option("--ids", help="Archive ids (repeatable); default: all due or overdue."),
    ] = None,
    receiver: Annotated[str, typer.Option(help="接收单位.")] = "综合档案馆",
    inline_limit: Annotated[int, typer.Option(help="Embed files up to this many bytes.")] = 1 << 20,
    as_json: JsonOpt = False,
) -> None:
    """YJ-check, package (DA/T 48 EEPs, 文件目录, 登记表) and deliver to a directory."""
    with _errors():
        sent = run_transfer(
            Archive(Settings()), to, ids, receiver=receiver, inline_limit=inline_limit
        )
    pkg = sent.package
    summary = {
        "batch_id": pkg.batch_id,
        "target": sent.delivery.target,
        "items": [
            {
                "id": i.archive_id,
                "archival_code": i.archival_code,
                "eep": i.eep_path,
                "sm3": i.eep.sm3,
            }
            for i in pkg.items
        ],
        "refused": [f.as_dict() for f in pkg.refused],
        "copied": len(sent.delivery.copied),
        "skipped": len(sent.delivery.skipped),
    }
    if as_json:
        _emit(summary)
    else:
        out.print(
            f"batch {pkg.batch_id}: {len(pkg.items)} archives delivered to "
            f"{sent.delivery.target}, {len(pkg.refused)} refused"
        )
        for f in pkg.refused:
            out.print(f"  [red]refused[/red] {f.message}")
    if pkg.refused:
        raise typer.Exit(1)


@transfer_app.command("status")
def status_cmd(as_json: JsonOpt = False) -> None:
    """The transfer batches and their receipt outcome."""
    with _errors():
        rows = TransferLedger(Archive(Settings()).writer).batches()
    for r in rows:
        if as_json:
            _emit(dict(r.__dict__))
        else:
            out.print(
                f"{r.batch_id}  {r.status:<24} {r.items} sent, {r.refused} refused  {r.target}"
            )


@transfer_app.command("receipt")
def receipt_cmd(
    path: Annotated[Path, typer.Argument(help="The bureau's receipt.json.")],
    receiver_key: Annotated[Path, typer.Option("--receiver-key", help="Bureau public key PEM.")],
    as_json: JsonOpt = False,
) -> None:
    """Verify the bureau's signed receipt and record its outcome."""
    key = _read_key(receiver_key)
    with _errors():
        receipt = accept_receipt(Archive(Settings()), path, key)
    if as_json:
        _emit(receipt.as_dict())
    else:
        out.print(f"receipt for {receipt.batch_id}: {receipt.code} (signature verified)")
    if receipt.code != "accepted":
        raise typer.Exit(1)


def receive_cmd(
    package_dir: Annotated[Path, typer.Argument(help="A delivered transfer package.")],
    sender_key: Annotated[Path, typer.Option("--sender-key", help="Sender public key PEM.")],
    as_json: JsonOpt = False,
) -> None:
    """Bureau side: verify a transfer package and write its signed receipt beside it."""
    key = _read_key(sender_key)
    with _errors():
        receipt, path = receive_package(Archive(Settings()), package_dir, key)
    if as_json:
        _emit({**receipt.as_dict(), "receipt_path": str(path)})
    else:
        out.print(f"{receipt.code}: {len(receipt.items)} archives; receipt {path}")
        for item in receipt.items:
            for f in item.failed():
                out.print(f"  [red]{f.code}[/red] {item.archival_code} {f.path} {f.message}")
        for f in receipt.findings:
            if f.failed:
                out.print(f"  [red]{f.code}[/red] {f.path} {f.message}")
    if receipt.code != "accepted":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(transfer_app, name="transfer")
    app.command(name="receive")(receive_cmd)
