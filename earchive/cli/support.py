"""What every ``earchive`` command module shares: the consoles, the ``--json`` option, one JSON
object per line, and the mapping of service errors to messages and exit codes (0 success,
1 something refused or not found, 2 usage or configuration error).

Writes to stdout/stderr only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from earchive.core.archive import ConfigurationError, NotFoundError

__all__ = ["JsonOpt", "emit", "err", "failures", "out"]

err = Console(stderr=True)
out = Console()

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def emit(obj: Mapping[str, Any]) -> None:
    """One JSON object on its own line (non-JSON values as their text)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@contextmanager
def failures(
    refused: Mapping[type[BaseException] | tuple[type[BaseException], ...], str],
) -> Iterator[None]:
    """Turn errors into a red message and an exit code: ``NotFoundError`` → 1 ("not found"),
    each ``refused`` error type → 1 under its label, ``ConfigurationError``/``OSError`` → 2."""
    try:
        yield
    except NotFoundError as exc:
        err.print(f"[red]not found:[/red] {exc}")
        raise typer.Exit(1) from exc
    except tuple(_flatten(refused)) as exc:
        label = next(v for k, v in refused.items() if isinstance(exc, k))
        err.print(f"[red]{label}:[/red] {exc}")
        raise typer.Exit(1) from exc
    except (ConfigurationError, OSError) as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _flatten(
    refused: Mapping[type[BaseException] | tuple[type[BaseException], ...], str],
) -> Iterator[type[BaseException]]:
    for key in refused:
        yield from key if isinstance(key, tuple) else (key,)
