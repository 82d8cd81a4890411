"""Memory of a streamed DA/T 48 EEP: peak RSS of building and of verifying an EEP with a 20 MB
document, one with a 200 MB document, and one holding both (every byte inside as Base64); how much
each step grows over the process after its imports, and from the 20 MB to the 200 MB package.

Each step runs in a child process of its own: the child reports its RSS after the imports
(baseline), the highest RSS a sampling thread saw during the step (every 2 ms, from
``/proc/self/statm``), the process's ``ru_maxrss`` (imports included) and the wall time.
Target: a step's peak grows by less than 64 MB, over its baseline and from 20 MB to 200 MB.
Work goes under ``--out`` (default ``bench/out/eep-memory``, git-ignored), removed afterwards.

Usage: ``.venv/bin/python bench/eep_memory.py [--sizes 20,200] [--out DIR] [--keep]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH]

TARGET_MB = 64
UNIT = "某市市场监督管理局"
CST = timezone(timedelta(hours=8))


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Sampler(threading.Thread):
    """The highest RSS seen while it runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss_mb()
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.002):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> float:
        self._done.set()
        self.join()
        return max(self.peak, _rss_mb())


def _metadata(sizes: dict[str, int]) -> dict[str, object]:
    return {
        "fonds_name": UNIT,
        "electronic_record_code": "310000-Z109-0100190012-2024-D30-000007",
        "archival_code": "Z109-WS·2024-D30-BGS-0007",
        "fonds_identifier": "Z109",
        "year": 2024,
        "retention_period": "D30",
        "organization_code": "BGS",
        "category": "WS",
        "item_number": 7,
        "title": "食品经营许可申请",
        "author": "行政审批处",
        "date": "2024-05-08",
        "security_classification": "公开",
        "ingested_at": datetime(2024, 6, 1, 10, tzinfo=CST),
        "agent": "earchive bench",
        "process": [],
        "files": [
            {"path": f"original/A/{name}", "title": name, "format": "TIFF", "size": size}
            for name, size in sizes.items()
        ],
    }


def _setup(work: Path) -> None:
    """Key, certificate chain and the document file, once per size (not measured)."""
    from asn1crypto import pem

    from package.signature import SM2_WITH_SM3, generate_key, load_signer
    from samples.sm2_authority import issue_certificate, new_root

    valid = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
    signer = load_signer(generate_key(work / "key", SM2_WITH_SM3))
    root, root_key = new_root("earchive bench CA", valid)
    cert = issue_certificate(
        subject=("bench unit", UNIT),
        subject_spki=bytes(pem.unarmor(signer.public_key_pem.encode("ascii"))[2]),
        issuer=("earchive bench CA", "earchive 测试电子印章系统"),
        issuer_spki=root_key.spki_der,
        issuer_sign=root_key.sign,
        not_before=valid[0],
        not_after=valid[1],
        ca=False,
    )
    (work / "unit.der").write_bytes(cert)
    (work / "root.der").write_bytes(root)


def _documents(work: Path, sizes_mb: list[int]) -> None:
    block = os.urandom(1 << 20)
    for number, size in enumerate(sizes_mb, 1):
        with open(work / "docs" / f"scan-{number}.tif", "wb") as out:
            for n in range(size):
                out.write(block[n:] + block[:n])


def _opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")


def child(step: str, work: Path) -> None:
    """Child mode: run one step and print its figures as JSON."""
    from package.signature import load_signer
    from transfer.eep import EepDocument, EepOptions, EepSource, build_eep, verify_eep

    signer = load_signer(work / "key" / "archive-sm2.key")
    unit_der, root_der = (work / "unit.der").read_bytes(), (work / "root.der").read_bytes()
    documents = sorted((work / "docs").iterdir())
    eep = work / "bench.eep.xml"
    baseline = _rss_mb()
    sampler = _Sampler()
    sampler.start()
    started = time.perf_counter()
    if step == "build":
        docs = tuple(EepDocument(f"original/A/{d.name}", _opener(d)) for d in documents)
        source = EepSource(_metadata({d.name: d.stat().st_size for d in documents}), docs)
        options = EepOptions(UNIT, datetime.now(CST), UNIT, (unit_der, root_der))
        result = f"{build_eep(source, signer, eep, options).digests.size} bytes"
    else:
        findings = verify_eep(eep, trust_roots=[root_der])
        failed = [f.code for f in findings if f.failed]
        result = "no FAIL" if not failed else f"FAIL {failed}"
    seconds = time.perf_counter() - started
    step_peak = sampler.stop()
    process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"baseline": baseline, "peak": step_peak, "process_peak": process_peak}
    print(json.dumps(figures | {"seconds": seconds, "result": result}))


def _run(step: str, work: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", step, "--out", str(work)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{step} failed:\n{proc.stderr[-3000:]}")
    figures: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", default="20,200", help="document sizes in MB (default 20,200)")
    p.add_argument("--out", type=Path, default=BENCH / "out" / "eep-memory")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--child", choices=("build", "verify"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.out)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [[size] for size in sizes] + ([sizes] if len(sizes) > 1 else [])
    peaks: dict[tuple[str, str], float] = {}
    print(f"EEP memory, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for run in runs:
        label = "+".join(str(n) for n in run)
        work = args.out / f"{label}mb"
        shutil.rmtree(work, ignore_errors=True)
        (work / "docs").mkdir(parents=True)
        _setup(work)
        _documents(work, run)
        for step in ("build", "verify"):
            f = _run(step, work)
            peak, baseline = float(str(f["peak"])), float(str(f["baseline"]))
            peaks[(label, step)] = peak
            verdict = "within" if peak - baseline < TARGET_MB else "OVER"
            print(
                f"{label:>7} MB  {step:<6} peak RSS {peak:6.1f} MB during the step, "
                f"{peak - baseline:5.1f} MB over the {baseline:5.1f} MB after imports "
                f"({verdict} target; process ru_maxrss {f['process_peak']:5.1f} MB)  "
                f"{f['seconds']:6.2f} s  {f['result']}"
            )
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if len(sizes) >= 2:
        small, large = str(min(sizes)), str(max(sizes))
        for step in ("build", "verify"):
            grows = peaks[(large, step)] - peaks[(small, step)]
            verdict = "within" if grows < TARGET_MB else "OVER"
            print(
                f"{step}: peak RSS grows by {grows:.1f} MB from the {small} MB to the {large} MB "
                f"document ({verdict} the {TARGET_MB} MB target)"
            )


if __name__ == "__main__":
    main()
