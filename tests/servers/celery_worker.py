"""Real Celery workers for tests: ``python -m earchive worker`` as a subprocess on the machine's
Redis, with a broker key prefix and a queue unique to the test run.

The broker comes from ``EARCHIVE_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``, a DB
kept for tests); an unreachable server fails the test with a message naming the variable.
Only keys under this run's prefix are deleted afterwards. Workers run in their own process
group and are always killed at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

ENV = "EARCHIVE_TEST_REDIS_URL"
DEFAULT_URL = "redis://127.0.0.1:6379/15"
STOP_TIMEOUT = 15.0


@dataclass
class Broker:
    """One test run's slice of a Redis server: a key prefix and a queue name."""

    url: str
    prefix: str
    queue: str

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        """The environment of an earchive process on this broker and ``home``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
        env.update(
            EARCHIVE_HOME=str(home),
            EARCHIVE_BROKER_URL=self.url,
            EARCHIVE_BROKER_KEY_PREFIX=self.prefix,
            EARCHIVE_TASK_QUEUE=self.queue,
            **extra,
        )
        return env


@contextlib.contextmanager
def redis_broker() -> Iterator[Broker]:
    """A unique prefix and queue on the test Redis; their keys are deleted afterwards."""
    url = os.environ.get(ENV) or DEFAULT_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        pytest.fail(f"Redis is not reachable at {url}: set {ENV} ({exc})", pytrace=False)
    run = uuid.uuid4().hex[:12]
    try:
        yield Broker(url=url, prefix=f"earchive-test-{run}:", queue=f"earchive-test-{run}")
    finally:
        for key in client.scan_iter(match=f"earchive-test-{run}:*"):
            client.delete(key)
        client.close()


@dataclass
class Worker:
    """A running ``earchive worker`` subprocess; its output goes to ``log``."""

    proc: subprocess.Popen[bytes]
    log: Path

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Warm shutdown (TERM), then KILL the whole process group if it lingers."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=STOP_TIMEOUT)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # pool children, if any, go too
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def worker(
    env: dict[str, str], log: Path, *, pool: str = "prefork", name: str = "w"
) -> Iterator[Worker]:
    """Start ``earchive worker --concurrency 1`` and always stop it afterwards."""
    out = open(log, "ab")  # noqa: SIM115 - closed below, after the process is gone
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "earchive",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            pool,
            "--name",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
            "--loglevel",
            "info",
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = Worker(proc=proc, log=log)
    try:
        yield running
    finally:
        running.stop()
        out.close()
