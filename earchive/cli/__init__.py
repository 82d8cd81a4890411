"""The ``earchive`` command line (typer): ``app`` and ``main``, one module per command group."""

from earchive.cli.app import app, main

__all__ = ["app", "main"]
