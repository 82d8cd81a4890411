"""Many processes opening a fresh catalog and a fresh search index at the same moment: none
fails with "database is locked" while another one switches the file to WAL."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

from search import SqliteFtsIndex, configure_sqlite


def _open_both(folder: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    SqliteFtsIndex(Path(folder) / "index.db")
    engine = create_engine(f"sqlite:///{folder}/catalog.db")
    configure_sqlite(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    engine.dispose()


def test_concurrent_first_openers_all_succeed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for round_ in range(5):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        barrier = ctx.Barrier(6)
        procs = [ctx.Process(target=_open_both, args=(str(folder), barrier)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
        assert [p.exitcode for p in procs] == [0] * 6
        for name in ("index.db", "catalog.db"):
            with sqlite3.connect(folder / name) as conn:
                assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_in_memory_database_keeps_its_mode() -> None:
    engine = create_engine("sqlite://")
    configure_sqlite(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "memory"
