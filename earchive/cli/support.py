"""What every ``earchive`` command module shares: the consoles, the ``--json`` option, one JSON
object per line, the archive opened from the settings, and the ONE translation of errors into
messages and exit codes (0 success, 1 something refused or not found, 2 usage or configuration
error): ``Commands`` is the typer app every command group is made with, and each command it
registers runs through ``EXITS``.

Writes to stdout/stderr only.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from earchive.core.archive import Archive
from earchive.core.errors import (
    ConfigurationError,
    InvalidRequestError,
    NeedsKeyError,
    NotFoundError,
    ObjectionConflictError,
    ObjectionError,
    TaskError,
    UploadRejectedError,
    UserError,
)
from earchive.settings import Settings
from package.certificates import CERTIFICATE_SUFFIXES, certificates_in
from package.errors import CertificateError, PackageError
from search.catalog import CatalogError
from search.index import SearchIndexError
from transfer import PolicyError, TransferError

__all__ = [
    "EXITS",
    "Commands",
    "JsonOpt",
    "UsageError",
    "emit",
    "err",
    "initialised",
    "open_archive",
    "out",
    "read_key",
    "read_roots",
]

err = Console(stderr=True)
out = Console()

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
F = TypeVar("F", bound=Callable[..., Any])


class UsageError(Exception):
    """The command line asks for something impossible (a missing file, a bad combination)."""


#: Error → (label printed before its message, exit code); the first matching row wins.
EXITS: tuple[tuple[type[BaseException], str, int], ...] = (
    (UsageError, "usage error", 2),
    (NotFoundError, "not found", 1),
    (ObjectionError, "refused", 1),
    (ObjectionConflictError, "refused", 1),
    (PolicyError, "configuration error", 2),  # a TransferError: before that row
    (TransferError, "transfer failed", 1),
    (PackageError, "transfer failed", 1),
    (TaskError, "task failed", 1),
    (UserError, "refused", 2),
    (InvalidRequestError, "usage error", 2),
    (UploadRejectedError, "refused", 1),
    (NeedsKeyError, "usage error", 2),
    (ConfigurationError, "configuration error", 2),
    (SearchIndexError, "search index unavailable", 2),
    (CatalogError, "catalog error", 2),
    (OSError, "error", 2),
)
_HANDLED = tuple(row[0] for row in EXITS)


def exit_for(exc: BaseException) -> tuple[str, int]:
    """The label and exit code of an error (``EXITS``)."""
    return next((label, code) for kind, label, code in EXITS if isinstance(exc, kind))


def translated(command: F) -> F:
    """``command`` with the errors of ``EXITS`` turned into a red message and an exit code."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except _HANDLED as exc:
            label, code = exit_for(exc)
            err.print(f"[red]{label}:[/red] {escape(str(exc))}")
            raise typer.Exit(code) from exc

    return run  # type: ignore[return-value]


class Commands(typer.Typer):
    """A typer app whose commands report errors through ``EXITS`` (see the module docstring)."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorator(command: F) -> F:
            register(translated(command))
            return command

        return decorator


def open_archive() -> Archive:
    """The archive the ``EARCHIVE_*`` settings describe (``ConfigurationError`` if none)."""
    return Archive(Settings())


def initialised(settings: Settings | None = None) -> Archive:
    """``open_archive`` with its home, catalog and key made if missing (``earchive init``)."""
    archive = Archive(settings or Settings())
    archive.init()
    return archive


def read_key(path: Path) -> str:
    """A PEM key file's text (``UsageError`` when it cannot be read)."""
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read key {path}: {exc}") from exc


def read_roots(paths: Sequence[Path]) -> tuple[bytes, ...]:
    """DER certificates from PEM or DER files, or from every ``.pem/.crt/.cer/.der`` file of a
    folder (``UsageError`` for a path that cannot be read)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in CERTIFICATE_SUFFIXES)
        else:
            files.append(path)
    roots: list[bytes] = []
    for file in files:
        try:
            roots += certificates_in(file.read_bytes())
        except (OSError, CertificateError) as exc:
            raise UsageError(f"cannot read {file}: {exc}") from exc
    return tuple(roots)


def emit(obj: Mapping[str, Any]) -> None:
    """One JSON object on its own line (non-JSON values as their text)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
