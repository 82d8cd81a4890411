"""``earchive objections add|list|decide|overdue|verify``: objection marking (异议标注).

The operator at the archive's console acts as an archivist (``--by`` names them in the event
log). ``--json`` prints one object per objection (``overdue`` adds ``deadline``; ``verify`` one
object per annotation file). Exit codes: 0 done, 1 refused request / unknown archive or objection /
overdue objections found (``overdue``) / an annotation fails (``verify``), 2 configuration error.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from earchive.cli.support import Commands, JsonOpt, UsageError, emit, open_archive, out
from earchive.core.errors import NotFoundError

if TYPE_CHECKING:
    from earchive.services.objections.service import Actor
    from earchive.services.objections.store import Objection

__all__ = ["register"]

objections_app = Commands(no_args_is_help=True, help="Objection marking (异议标注).")
ByOpt = Annotated[str | None, typer.Option("--by", help="Who acts (default: the OS user).")]


def _as_dict(o: Objection) -> dict[str, Any]:
    body = dict(o.__dict__)
    body["attachments"] = [a.__dict__ for a in o.attachments]
    body["open"] = o.is_open
    return body


def _actor(by: str | None) -> Actor:
    from earchive.services.objections.service import Actor

    return Actor(agent=f"cli:{by or getpass.getuser()}", role="archivist", via="cli")


def _show(o: Objection, as_json: bool, extra: str = "") -> None:
    if as_json:
        emit(_as_dict(o))
    else:
        out.print(f"{o.status:<10} {o.id}  {o.archive_id}  {o.element}: {o.claim}{extra}")


@objections_app.command("add")
def add_cmd(
    archive_id: Annotated[str, typer.Argument(help="Archive id.")],
    element: Annotated[str, typer.Option(help="Metadata element name or file path.")],
    claim: Annotated[str, typer.Option(help="What the data subject says is wrong.")],
    subject: Annotated[str, typer.Option(help="The data subject's name.")],
    subject_id: Annotated[str, typer.Option(help="The data subject's ID number.")] = "",
    attach: Annotated[list[Path] | None, typer.Option(help="An attachment (repeat).")] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark an objection on an archive (a signed annotation; the archive is not changed)."""
    from earchive.services.objections.service import NewAttachment, enter

    files = [NewAttachment(p.name, p.read_bytes()) for p in attach or []]
    made = enter(
        open_archive(), archive_id, element=element, claim=claim, subject_name=subject,
        subject_id_number=subject_id, channel="archivist", actor=_actor(by),
        attachments=files,
    )  # fmt: skip
    _show(made, as_json)


@objections_app.command("list")
def list_cmd(
    archive_id: Annotated[str | None, typer.Argument(help="Only this archive.")] = None,
    status: Annotated[str, typer.Option(help="open, confirmed, rejected or all.")] = "all",
    as_json: JsonOpt = False,
) -> None:
    """Objections, oldest first."""
    from earchive.services.objections.store import ObjectionStore

    if status not in ("open", "confirmed", "rejected", "all"):
        raise UsageError("--status is open, confirmed, rejected or all")
    store = ObjectionStore(open_archive().writer)
    rows = store.for_archive(archive_id) if archive_id else store.listing()
    for o in rows:
        if status in ("all", o.status):
            _show(o, as_json)


@objections_app.command("decide")
def decide_cmd(
    objection_id: Annotated[str, typer.Argument(help="Objection id (OBJ-…).")],
    decision: Annotated[str, typer.Option(help="confirmed or rejected.")],
    reason: Annotated[str, typer.Option(help="Why (required for rejected).")] = "",
    correction: Annotated[str, typer.Option(help="Correction annotation text.")] = "",
    new_version: Annotated[
        int | None, typer.Option(help="Version received from the handling system.")
    ] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decide an open objection (signed decision annotation)."""
    from earchive.services.objections.service import decide
    from earchive.services.objections.store import ObjectionStore

    archive = open_archive()
    objection = ObjectionStore(archive.writer).get(objection_id)
    if objection is None:
        raise NotFoundError(objection_id)
    decided = decide(
        archive, objection, decision=decision, actor=_actor(by), reason=reason,
        correction=correction, new_version=new_version,
    )  # fmt: skip
    _show(decided, as_json)


@objections_app.command("overdue")
def overdue_cmd(
    now: Annotated[
        str | None,
        typer.Option(help="Report as of this time (ISO 8601; naive = UTC). Default: now."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open objections older than one working day (exit 1 when there are any)."""
    from earchive.services.objections.service import overdue
    from standards.workdays import WorkCalendar

    try:
        at = datetime.fromisoformat(now) if now else datetime.now(UTC)
    except ValueError as exc:
        raise UsageError(f"--now is not an ISO 8601 time: {now}") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    found = overdue(open_archive(), at, WorkCalendar.load())
    for x in found:
        if as_json:
            emit(dict(_as_dict(x.objection), deadline=x.deadline.isoformat()))
        else:
            _show(x.objection, False, f"  (deadline {x.deadline.isoformat()})")
    if found:
        raise typer.Exit(1)


@objections_app.command("verify")
def verify_cmd(
    objection_id: Annotated[str, typer.Argument(help="Objection id (OBJ-…).")],
    as_json: JsonOpt = False,
) -> None:
    """Check the signed annotations of an objection against the archive's key."""
    from earchive.services.objections.service import verify_objection
    from earchive.services.objections.store import ObjectionStore

    archive = open_archive()
    objection = ObjectionStore(archive.writer).get(objection_id)
    if objection is None:
        raise NotFoundError(objection_id)
    checks = verify_objection(archive, objection)
    bad = False
    for name, check in checks:
        bad = bad or not check.valid
        row = {"id": objection_id, "file": name, "valid": check.valid, "trusted": check.trusted,
               "key_id": check.key_id, "reason": check.reason}  # fmt: skip
        if as_json:
            emit(row)
        else:
            verdict = "[green]valid[/green]" if check.valid else "[red]INVALID[/red]"
            out.print(f"{name:<14} {verdict} trusted={check.trusted} {check.reason}")
    if bad:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(objections_app, name="objections")
