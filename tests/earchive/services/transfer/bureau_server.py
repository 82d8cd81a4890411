"""Test helpers for the HTTP delivery: a bureau archive in bureau mode with a sender token, a real
uvicorn serving its app on 127.0.0.1 (free port, in a thread), and ASGI wrappers that count
requests, answer 503 a number of times, or alter a request in flight (a man in the middle)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from tests.earchive.units import PASSPHRASE

SENDER_NAME = "sender-a"


@dataclass
class Bureau:
    archive: Archive
    token: str

    @property
    def public_key(self) -> str:
        return self.archive.signer.public_key_pem


def open_bureau(
    home: Path, trust_root: Path, sender_key_pem: str | None = None, **settings: object
) -> Bureau:
    """A bureau archive in bureau mode that trusts ``trust_root`` (the CA certifying the
    senders' units); ``sender-a`` has a token and, when given, an agreed key."""
    archive = Archive(
        Settings(home=home, bureau_mode=True, key_passphrase=PASSPHRASE, **settings)  # type: ignore[arg-type]
    )
    archive.init()
    archive.trust([trust_root])
    _, token = UserStore(archive.engine, archive.clock).create_token(SENDER_NAME, "sender")
    if sender_key_pem is not None:
        keys = archive.settings.senders_path
        keys.mkdir(parents=True, exist_ok=True)
        (keys / f"{SENDER_NAME}.pem").write_text(sender_key_pem, encoding="ascii")
    return Bureau(archive, token)


@dataclass(frozen=True)
class Tamper:
    """Flip the byte at ``offset`` of the first PUT body whose path ends with ``suffix``; with
    ``recompute``, also declare the digests of the altered bytes (an attacker who recomputes
    them: only the sender's signed manifest can then tell)."""

    suffix: str
    offset: int
    recompute: bool = False


@dataclass
class Wire:
    """Wraps an ASGI app: counts requests, fails the first ``fail_first`` with 503, and applies
    ``tamper`` to one file's PUT."""

    app: ASGIApp
    fail_first: int = 0
    tamper: Tamper | None = None
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed: int = 0
    tampered: str = ""  # the path whose PUT was altered
    stall_after: int | None = None  # PUTs after this many hang until ``released`` (then 503)
    released: bool = False
    passed: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.requests[(scope["method"], scope["path"])] += 1
        if self.failed < self.fail_first:
            self.failed += 1
            while True:  # read the request, then refuse it
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body"):
                    break
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"busy"})
            return
        if scope["method"] == "PUT" and self.stall_after is not None:
            if self.passed >= self.stall_after:
                while not self.released:
                    await asyncio.sleep(0.05)
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b"stalled"})
                return
            self.passed += 1
        t = self.tamper
        if (
            t is not None
            and not self.tampered
            and scope["method"] == "PUT"
            and scope["path"].endswith(t.suffix)
        ):
            self.tampered = scope["path"]
            scope, receive = await _tampered(t, scope, receive)
        await self.app(scope, receive, send)

    def puts(self) -> Counter[str]:
        return Counter({p: n for (m, p), n in self.requests.items() if m == "PUT"})


async def _tampered(t: Tamper, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """Read the whole body, flip one byte, replay it as one message."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    data = bytearray(b"".join(chunks))
    data[t.offset] ^= 0x01
    body = bytes(data)
    if t.recompute:
        replace = {
            b"x-content-sm3": hashlib.new("sm3", body).hexdigest().encode(),
            b"x-content-sha256": hashlib.sha256(body).hexdigest().encode(),
        }
        scope = {**scope, "headers": [(k, replace.get(k, v)) for k, v in scope["headers"]]}
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, replay


@contextlib.contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 (a free port); yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        ws="none",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if isinstance(app, Wire):
            app.released = True
        server.should_exit = True
        thread.join(20)
        sock.close()
