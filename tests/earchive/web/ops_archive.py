"""A small archive of its own for the operation tests (checks, audits, transfers, reminders,
login limits): they change state (corrupt a stored file, send a transfer, move the clock), so
they never share the session archive of ``conftest.py``.

Four generated cases (seed 14; fonds R005 D30, S001, W003, Z004 永久; completed in 2022), a user
per role plus an archivist and departments bound to one fonds, an admin token, a fixed clock the
tests move forward, and a transfer target directory.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from earchive.web.app import create_app
from search.records import ArchiveRecord
from tests.earchive.units import PASSPHRASE, certify_units

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette asks for httpx2 when only httpx is there
    from fastapi.testclient import TestClient

__all__ = ["Clock", "OpsWeb", "build_ops_web", "login", "wait_job"]

#: user name → (role, fonds); every password is ``<name>-password``.
OPS_USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("admin", ()),
    "archivist": ("archivist", ()),
    "archivist-r": ("archivist", ("R005",)),
    "dept-r": ("department", ("R005",)),
    "dept-z": ("department", ("Z004",)),
    "auditor": ("auditor", ()),
    "bureau": ("bureau", ()),
}


@dataclass
class Clock:
    """The archive's clock: fixed, moved by the tests (only forward: the event log is a chain)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        assert when >= self.now, "the clock only moves forward"
        self.now = when

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class OpsWeb:
    home: Path
    archive: Archive
    clock: Clock
    target: Path
    tokens: dict[str, str] = field(default_factory=dict)
    records: dict[str, ArchiveRecord] = field(default_factory=dict)  # by fonds

    def app(self) -> FastAPI:
        return create_app(self.archive)


def build_ops_web(root: Path, start: datetime | None = None, replica: bool = False) -> OpsWeb:
    from samples import SMALL_PROFILE, generate

    clock = Clock(start or datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    samples = root / "samples"
    generate(4, samples, seed=14, size_profile=SMALL_PROFILE)
    target = root / "bureau-inbox"
    target.mkdir()
    settings = Settings(
        home=root / "home",
        transfer_target=target,
        replica=f"fs:{root / 'replica'}" if replica else "",
        key_passphrase=PASSPHRASE,
    )
    archive = Archive(settings, clock=clock)
    archive.init()
    results = list(archive.ingest([samples]))
    assert [r.status for r in results] == ["accepted"] * 4, [r.as_dict() for r in results]
    certify_units(archive, root / "ca")  # each 立档单位 signs its transfer packages
    store = UserStore(archive.engine, archive.clock)
    for name, (role, fonds) in OPS_USERS.items():
        store.add_user(name, role, fonds=fonds, password=f"{name}-password")
    web = OpsWeb(root / "home", archive, clock, target)
    web.tokens["admin"] = store.create_token("admin-system", "admin")[1]
    web.records = {r.fonds_identifier: r for r in archive.catalog.iter_archives()}
    assert sorted(web.records) == ["R005", "S001", "W003", "Z004"]
    return web


def login(app: FastAPI, user: str | None, address: str = "testclient") -> TestClient:
    """A client (from ``address``) logged in as ``user`` (``None``: anonymous)."""
    client = TestClient(app, base_url="http://testserver", client=(address, 50000))
    if user is not None:
        response = client.post(
            "/login",
            data={"username": user, "password": f"{user}-password"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    return client


def wait_job(client: TestClient, url: str) -> dict[str, object]:
    """Poll a job URL until it is done or failed (each poll waits up to 30 s on the server)."""
    for _ in range(20):
        body: dict[str, object] = client.get(url, params={"wait": 30}).json()
        if body["status"] in ("done", "failed"):
            return body
    raise AssertionError(f"job {url} did not finish")


def close_all(clients: Iterator[TestClient]) -> None:
    for c in clients:
        c.close()
