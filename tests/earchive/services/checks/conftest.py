"""Fixtures of the 四性 check tests: generated cases (once a session), a fresh archive per test."""

from __future__ import annotations

from tests.earchive.services.checks.check_cases import home, samples

__all__ = ["home", "samples"]
