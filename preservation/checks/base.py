"""What a 四性 check is: a function of a ``CheckContext`` returning findings, and the DA/T 70
catalogue items it implements. Every check module declares its ``CHECKS`` with these; the engine
(``engine.registry``) collects them, so neither imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from standards.finding import Finding

from .context import CheckContext

__all__ = ["Check", "CheckFn"]

CheckFn = Callable[[CheckContext], list[Finding]]


@dataclass(frozen=True)
class Check:
    """A check function and the catalogue items (of any stage) it implements."""

    items: tuple[str, ...]
    fn: CheckFn

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__qualname__}"
