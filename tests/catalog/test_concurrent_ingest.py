"""Two ``earchive ingest`` processes at once on one catalog (SQLite file or PostgreSQL) and one
storage root: every 档号 class numbers its items 1..n, with no duplicate and no gap."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from tests.catalog.conftest import open_engine


def _class_of_package(path: Path) -> str:
    """Fonds, 事项 and year from the file name (``<region>-<fonds>-<item>-<year>-<serial>``):
    cases sharing them share a 档号 class."""
    return "-".join(path.stem.split("-")[1:4])


def split_sharing_classes(packages: list[Path]) -> tuple[list[Path], list[Path]]:
    """Two halves dealt alternately within each class, so both processes number the same
    classes."""
    ordered = sorted(packages, key=lambda p: (_class_of_package(p), p.name))
    return ordered[0::2], ordered[1::2]


def _start(env: dict[str, str], paths: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "earchive", "ingest", "--json", *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_ingest_processes_allocate_every_number_once(
    same_class_cases: list[Path], cli_env: Callable[[], dict[str, str]], catalog_url: str
) -> None:
    first, second = split_sharing_classes(same_class_cases)
    shared = {_class_of_package(p) for p in first} & {_class_of_package(p) for p in second}
    assert shared, "the halves must compete for the same classes"
    env = cli_env()
    procs = [_start(env, first), _start(env, second)]
    outputs = [proc.communicate(timeout=600) for proc in procs]
    for proc, (out, errors) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{errors}"
    results = [
        [json.loads(line) for line in out.splitlines() if line.strip()] for out, _ in outputs
    ]
    assert [len(r) for r in results] == [len(first), len(second)]
    statuses = {r["status"] for batch in results for r in batch}
    assert statuses == {"accepted"}

    numbers: dict[str, list[int]] = defaultdict(list)
    holders: dict[str, set[int]] = defaultdict(set)
    for process, batch in enumerate(results):
        for r in batch:
            head, item = str(r["archival_code"]).rsplit("-", 1)
            numbers[head].append(int(item))
            holders[head].add(process)
    for head, items in numbers.items():
        assert sorted(items) == list(range(1, len(items) + 1)), (head, items)
    assert any(len(h) == 2 for h in holders.values()), "no class was numbered by both processes"

    engine = open_engine(catalog_url)
    try:
        with engine.connect() as conn:
            codes = conn.execute(text("SELECT archival_code FROM archives")).scalars().all()
            counters = dict(
                conn.execute(text("SELECT class_key, last_item FROM archival_counters")).all()
            )
            unfinished = conn.execute(
                text("SELECT count(*) FROM ingest_journal WHERE state <> 'done'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert sorted(codes) == sorted(str(r["archival_code"]) for b in results for r in b)
    assert counters == {head: len(items) for head, items in numbers.items()}
    assert unfinished == 0
