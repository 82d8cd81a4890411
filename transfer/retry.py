"""Retries with exponential backoff and full jitter for delivery steps, and delivery progress.

An adapter wraps each network step in ``retrying``: a step that raises ``TransientError``
(connection lost, HTTP 5xx, S3 ``SlowDown``) is tried again after ``RetryPolicy.delay`` seconds,
up to ``RetryPolicy.attempts`` times; anything else (4xx, a digest mismatch) propagates at once.
Every failed attempt and the final give-up are reported as ``DeliveryEvent`` values to the
caller's ``progress`` callback (the service layer turns them into event-log entries). Sleeps
through the injected ``sleep``; writes nothing. Raises ``DeliveryError`` after the last attempt.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import DeliveryError

__all__ = [
    "DeliveryEvent",
    "Progress",
    "RetryPolicy",
    "TransientError",
    "no_progress",
    "retrying",
]

T = TypeVar("T")


class TransientError(Exception):
    """A failure worth another attempt (raised by adapters inside ``retrying`` only)."""


@dataclass(frozen=True)
class DeliveryEvent:
    """One step of a delivery: ``kind`` is ``retry`` (an attempt failed and will be repeated),
    ``file`` (a file was sent), ``skipped`` (already at the receiver with the same digests),
    ``batch`` (every listed file is there), ``completed``, ``gave_up`` (retries spent) or
    ``failed``."""

    kind: str
    path: str = ""
    attempt: int = 0
    detail: Mapping[str, str] = field(default_factory=dict)


Progress = Callable[[DeliveryEvent], None]


def no_progress(event: DeliveryEvent) -> None:
    """The default progress callback: ignore the event."""


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries per step; delay before try n+1 is uniform in [0, min(cap, base·2ⁿ⁻¹)]."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base < 0 or self.cap < 0:
            raise DeliveryError("a retry policy needs attempts >= 1 and non-negative delays")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return self.rng.uniform(0.0, min(self.cap, self.base * (2 ** (attempt - 1))))


def retrying(what: str, step: Callable[[], T], policy: RetryPolicy, progress: Progress) -> T:
    """Run ``step``, repeating it on ``TransientError``; raise ``DeliveryError`` when spent."""
    last: TransientError | None = None
    for attempt in range(1, policy.attempts + 1):
        try:
            return step()
        except TransientError as exc:
            last = exc
            progress(DeliveryEvent("retry", what, attempt, {"error": str(exc)}))
            if attempt < policy.attempts:
                policy.sleep(policy.delay(attempt))
    detail = {"error": str(last), "attempts": str(policy.attempts)}
    progress(DeliveryEvent("gave_up", what, policy.attempts, detail))
    raise DeliveryError(f"{what}: gave up after {policy.attempts} attempts: {last}") from last
