"""A small archive served by the real app: six generated cases (seed 14: fonds S001 twice, one
of them 内部, G002 with a natural-person applicant, W003, Z004, R005), one user per role, and
an admin and a submitter API token. Built once per session; tests only add events and uploads."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from earchive.web.app import create_app
from search.records import ArchiveRecord

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette asks for httpx2 when only httpx is there
    from fastapi.testclient import TestClient

ClientFactory = Callable[..., TestClient]

#: user name → (role, fonds, clearance); every password is ``<name>-password``.
USERS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "admin": ("admin", (), None),
    "archivist": ("archivist", (), None),
    "dept-g": ("department", ("G002",), None),
    "dept-s": ("department", ("S001",), None),  # 公开 only: the 内部 S001 case is hidden
    "auditor": ("auditor", (), None),
    "bureau": ("bureau", (), None),
}


def password(user: str) -> str:
    return f"{user}-password"


@dataclass
class Web:
    home: Path
    archive: Archive
    samples: Path
    tokens: dict[str, str] = field(default_factory=dict)
    records: list[ArchiveRecord] = field(default_factory=list)

    def app(self) -> FastAPI:
        return create_app(self.archive)

    def one(self, fonds: str, classification: str = "公开") -> ArchiveRecord:
        return next(
            r
            for r in self.records
            if r.fonds_identifier == fonds and r.security_classification == classification
        )


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Web:
    from samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("web")
    samples = root / "samples"
    generate(6, samples, seed=14, size_profile=SMALL_PROFILE)
    archive = Archive(Settings(home=root / "home"))
    archive.init()
    results = list(archive.ingest([samples]))
    assert [r.status for r in results] == ["accepted"] * 6, [r.as_dict() for r in results]
    store = UserStore(archive.engine, archive.clock)
    for name, (role, fonds, clearance) in USERS.items():
        store.add_user(name, role, fonds=fonds, clearance=clearance, password=password(name))
    web = Web(home=root / "home", archive=archive, samples=samples)
    for role in ("admin", "submitter"):
        web.tokens[role] = store.create_token(f"{role}-system", role)[1]
    web.records = sorted(archive.catalog.iter_archives(), key=lambda r: r.id)
    return web


@pytest.fixture
def app(web: Web) -> Iterator[FastAPI]:
    """A new app on the session archive. Failed logins are counted in the shared catalog
    (``earchive.web.login_limit``), so the counts and locks a test leaves (the fuzzer's made-up
    tokens lock the test client's address) are cleared after it: each test starts unlocked."""
    app = web.app()
    yield app
    app.state.login_guard.limiter.clear()


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[ClientFactory]:
    """``client_for(user)``: a TestClient logged in as ``user`` (``None``: anonymous)."""
    clients: list[TestClient] = []

    def make(user: str | None = None) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        if user is not None:
            response = client.post(
                "/login",
                data={"username": user, "password": password(user)},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="session")
def work_web(tmp_path_factory: pytest.TempPathFactory) -> Web:
    """A larger archive for the lists, batches and statistics: 24 generated cases (seed 19,
    small files), the archive and its units certified by the samples' test CA, one user per
    role as in ``web``."""
    from samples import SMALL_PROFILE, generate
    from tests.earchive.units import PASSPHRASE, certify_units

    root = tmp_path_factory.mktemp("work-web")
    samples = root / "samples"
    generate(24, samples, seed=19, size_profile=SMALL_PROFILE)
    archive = Archive(Settings(home=root / "home", key_passphrase=PASSPHRASE))
    archive.init()
    results = list(archive.ingest([samples]))
    assert {r.status for r in results} == {"accepted"}, [r.as_dict() for r in results]
    certify_units(archive, root / "ca")  # the archive's certificate: EEP exports carry it
    store = UserStore(archive.engine, archive.clock)
    for name, (role, fonds, clearance) in USERS.items():
        store.add_user(name, role, fonds=fonds, clearance=clearance, password=password(name))
    web = Web(home=root / "home", archive=archive, samples=samples)
    web.records = sorted(archive.catalog.iter_archives(), key=lambda r: r.id)
    return web


@pytest.fixture(scope="module")
def work_client(work_web: Web) -> Iterator[ClientFactory]:
    """``work_client(user)``: a TestClient on ``work_web``'s archive logged in as ``user``."""
    app = work_web.app()
    clients: list[TestClient] = []

    def make(user: str | None = None) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        if user is not None:
            answer = client.post(
                "/login", data={"username": user, "password": password(user)},
                follow_redirects=False,
            )  # fmt: skip
            assert answer.status_code == 303, answer.text
        return client

    yield make
    for c in clients:
        c.close()
    app.state.jobs.close()
    app.state.login_guard.limiter.clear()
