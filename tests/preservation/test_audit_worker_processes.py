"""Fixity audit in worker processes: the threaded audit's findings; times come from the parent.

Real ``FsStore`` roots with signed AIP versions (written by the helpers of ``test_audit``), damaged
the way outside failures do; each run is audited once on threads and once on forked workers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine

from package.signature import ECDSA_P256_SHA256, generate_key, load_signer
from preservation.audit import AuditContext, AuditLimits, AuditRun, audit_root
from preservation.audit_ledger import AuditLedger
from preservation.audit_workers import process_pool
from preservation.events import Event
from standards.finding import Status
from tests.preservation.test_audit import FILES, Clock, _flip, _path, _root, write_aip

OIDS = [f"urn:earchive:Z109:worker{i:02d}" for i in range(9)]


def _findings(run: AuditRun) -> dict[str, list[tuple[str, str, str, str, str]]]:
    return {
        o.object_id: sorted(
            (f.code, f.path, f.expected, f.found, f.detail.get("algorithm", "")) for f in o.findings
        )
        for o in run.objects
    }


def test_worker_processes_find_what_threads_find_and_stamp_times_in_order(
    tmp_path: Path,
) -> None:
    signer = load_signer(generate_key(tmp_path / "keys", ECDSA_P256_SHA256))
    root = _root(tmp_path / "storage")
    for oid in OIDS:
        write_aip(root, tmp_path, oid, FILES, signer)
    write_aip(root, tmp_path, OIDS[0], {**FILES, "original/B/more.pdf": b"%PDF more"}, signer)
    _flip(_path(root, OIDS[1], "v1/content/original/A/licence.pdf"))
    _path(root, OIDS[2], "v1/content/original/case.xml").unlink()
    _flip(_path(root, OIDS[3], "v1/content/metadata/manifest.sig.json"), offset=40)
    shutil.rmtree(_path(root, OIDS[4], ""))

    runs: dict[bool, AuditRun] = {}
    for processes in (False, True):
        engine = create_engine(f"sqlite:///{tmp_path / f'catalog-{processes}.db'}")
        ledger = AuditLedger(engine)
        ledger.create_schema()
        events: list[Event] = []
        clock = Clock()
        ctx = AuditContext(location="primary", clock=clock, record=events.append)
        limits = AuditLimits(workers=2, processes=processes)
        pool = process_pool(root, ctx, limits.workers)
        assert pool is not None  # a local root: the forked path below is really taken
        pool.shutdown()
        runs[processes] = audit_root(root, ledger, ctx, limits, expected_ids=OIDS)
        stamps = [o.audited_at for o in runs[processes].objects]
        if processes:  # stamped by the parent as results arrive (threads stamp as they finish)
            assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
        entries = ledger.entries("primary")
        assert {oid: e.last_audit for oid, e in entries.items()} == {
            o.object_id: o.audited_at for o in runs[processes].objects
        }
        failed_events = [e.object for e in events if e.outcome == "FAIL" and e.object != ""]
        assert sorted(failed_events) == sorted([*OIDS[1:5], "storage:primary"])

    threaded, forked = runs[False], runs[True]
    assert [o.object_id for o in forked.objects] == [o.object_id for o in threaded.objects]
    assert _findings(forked) == _findings(threaded)
    assert {o.object_id for o in forked.failed} == set(OIDS[1:5])
    assert [o.outcome for o in forked.objects if o.object_id == OIDS[0]] == [Status.PASS]
    assert forked.bytes == threaded.bytes and forked.bytes > 0
