"""Against a real ``earchive serve`` (a child process, on loopback), as an attacker would try:
five wrong logins for a user from one address (127.0.0.2) do not stop the right password from
another (127.0.0.3); a forged ``X-Forwarded-For`` is ignored unless the peer is a proxy named in
``EARCHIVE_TRUSTED_PROXIES`` — then the forwarded address is the one counted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from tests.earchive.web.browser_support import free_port

PASSWORD = "archivist-password"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("serve") / "home"
    archive = Archive(Settings(home=home))
    archive.init()
    UserStore(archive.engine, archive.clock).add_user("archivist", "archivist", password=PASSWORD)
    archive.engine.dispose()
    return home


@contextmanager
def serve(home: Path, **env: str) -> Iterator[str]:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    clean.update(env, EARCHIVE_HOME=str(home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "earchive", "serve", "--host", "0.0.0.0", "--port", str(port)],
        env=clean,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "earchive serve did not start"
            time.sleep(0.2)
        yield f"http://{{}}:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()


def _client(base: str, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base.format(address), transport=transport, timeout=10)


def _login(client: httpx.Client, password: str, forwarded: str = "") -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/login",
        data={"username": "archivist", "password": password},
        headers=headers,
        follow_redirects=False,
    ).status_code


def test_guesses_from_one_address_leave_the_owner_in(home: Path) -> None:
    with serve(home) as base, _client(base, "127.0.0.2") as guesser:
        codes = [_login(guesser, "wrong-password") for _ in range(5)]
        assert codes == [401] * 4 + [429]
        assert _login(guesser, PASSWORD) == 429  # this address is locked for the account
        with _client(base, "127.0.0.3") as owner:
            assert _login(owner, PASSWORD) == 303  # the owner elsewhere is not


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(home: Path) -> None:
    with serve(home) as base, _client(base, "127.0.0.1") as forger:
        # each guess claims another origin; they all count against the real peer
        codes = [_login(forger, "wrong-password", f"203.0.113.{i}") for i in range(5)]
        assert codes == [401] * 4 + [429]


def test_a_trusted_proxy_is_believed(home: Path) -> None:
    with serve(home, EARCHIVE_TRUSTED_PROXIES="127.0.0.4") as base:
        with _client(base, "127.0.0.4") as proxy:
            codes = [_login(proxy, "wrong-password", "198.51.100.7") for _ in range(5)]
            assert codes == [401] * 4 + [429]
            # another client behind the same proxy is its own source
            assert _login(proxy, PASSWORD, "198.51.100.8") == 303
            # the proxy appends the peer it saw: a forged first entry does not help the guesser
            assert _login(proxy, PASSWORD, "198.51.100.8, 198.51.100.7") == 429
        with _client(base, "127.0.0.5") as direct:  # not the proxy: its header is ignored
            assert _login(direct, PASSWORD, "198.51.100.7") == 303
