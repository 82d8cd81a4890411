"""Latency of the working UI's pages, exports and printable reports on an archive of generated
cases (seed 2024, small files; ingested once, not timed): the search page (words, and sorted by
年度 at 50 a page), the CSV/XLSX export of every hit, the statistics page and the annual summary
(PDF, XLSX), the audit page and its report PDF, the transfer page and its 移交清单, the console.
Each request is made ``--rounds`` times through the real app (in process, no network); the
median is printed with the answer's size.
Usage: ``.venv/bin/python bench/ui.py [--cases 200] [--rounds 5]``.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

# bench/search.py would shadow the project's ``search`` package: the bench folder goes last
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from earchive.auth import UserStore  # noqa: E402
from earchive.core.archive import Archive  # noqa: E402
from earchive.settings import Settings  # noqa: E402
from earchive.web.app import create_app  # noqa: E402

sys.path.append(str(BENCH))

import harness  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette asks for httpx2 when only httpx is there
    from fastapi.testclient import TestClient

#: (user, path) of each timed request.
REQUESTS = (
    ("archivist", "/?q=营业执照"),
    ("archivist", "/?sort=-year&size=50"),
    ("archivist", "/search/export.csv"),
    ("archivist", "/search/export.xlsx"),
    ("archivist", "/statistics"),
    ("archivist", "/statistics/annual.pdf"),
    ("archivist", "/statistics/annual.xlsx"),
    ("auditor", "/audit"),
    ("auditor", "/audit/report.pdf"),
    ("archivist", "/transfers"),
    ("archivist", "/transfers/list.xlsx"),
    ("archivist", "/console"),
)


def main() -> None:
    p = harness.parser(__doc__ or "", cases=200)
    p.add_argument("--rounds", type=int, default=5, help="requests per page (default 5)")
    args = p.parse_args()
    print(harness.machine())
    folder = harness.cases(args.out, args.cases, args.seed, small=True)
    home = harness.fresh_home(args.out, "ui-home")
    archive = Archive(Settings(home=home))
    archive.init()
    started = time.perf_counter()
    results = list(archive.ingest([folder]))
    print(f"  (ingested {len(results)} cases in {time.perf_counter() - started:.0f} s, not timed)")
    store = UserStore(archive.engine, archive.clock)
    for name in ("archivist", "auditor"):
        store.add_user(name, name, password=f"{name}-password")
    app = create_app(archive)
    clients: dict[str, TestClient] = {}
    for name in ("archivist", "auditor"):
        client = TestClient(app)
        client.post("/login", data={"username": name, "password": f"{name}-password"})
        clients[name] = client
    print(f"{archive.catalog.count()} archives, median of {args.rounds} requests")
    for user, path in REQUESTS:
        times = []
        size = 0
        for _ in range(args.rounds):
            began = time.perf_counter()
            answer = clients[user].get(path)
            times.append(time.perf_counter() - began)
            if answer.status_code != 200:
                sys.exit(f"{path}: {answer.status_code} {answer.text[:300]}")
            size = len(answer.content)
        print(f"  {path:32s} {statistics.median(times) * 1000:9.1f} ms {size:10,d} bytes")
    for client in clients.values():
        client.close()
    app.state.jobs.close()


if __name__ == "__main__":
    main()
