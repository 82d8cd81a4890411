"""Ingest throughput: ``earchive ingest`` against LoC bagit-python bagging the same files.

Generates N cases (fixed seed, default profile; not timed), ingests them into a fresh data
directory, then extracts each ZIP to a folder (not timed) and times ``bagit.make_bag`` over all
folders (processes=2, SHA-256 + SM3 manifests). Prints cases/s, MB/s, CPU per case, peak RSS and
the ratio. ``earchive ingest`` returns once its archives are searchable (it flushes the index
queue), so its CPU is ingest plus indexing. ``--rounds 5`` alternates the two whole processes
five times and reports medians; ``--code DIR`` runs the ``earchive`` of another checkout (the
code before a change) and ``--env K=V`` sets its environment; ``--before DIR`` runs that
checkout's ``earchive`` too, in every round (before, this checkout, bagit: the same machine state
for all three), and prints the CPU a case of each and their ratio; ``--visibility`` then times how
long a newly ingested archive takes to be found while a separate ``earchive indexer`` runs;
``--both-accept`` (with ``--before``) ingests only generated cases both versions accept.
Every checkout run gets its modules' bytecode written first (not timed), as ``pip install``
leaves it: with PYTHONDONTWRITEBYTECODE set each command would compile them all again.
Each run writes into a folder of its own under ``<out>/runs``, removed only after the last
round (``clear_runs``: deleting between runs slowed every later run on ext4 without a journal).
Usage: ``.venv/bin/python bench/ingest.py [--cases 100] [--seed 2024] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

# The bench folder goes last, so ``search``/``ingest`` name the project packages, not scripts.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import harness  # noqa: E402

ALGORITHMS = ("sha256", "sm3")


def bagit_algorithms() -> tuple[list[str], str]:
    """The manifests bagit can write here, and a note on what it does with SM3."""
    import hashlib

    import bagit

    if "sm3" not in hashlib.algorithms_available:
        return ["sha256", "sha512"], "SM3 not in this OpenSSL: SHA-256 + SHA-512 instead"
    note = (
        "bagit writes manifest-sm3.txt (hashlib.new), but its Bag reader only knows "
        "hashlib.algorithms_guaranteed, so it ignores the SM3 manifest when validating"
        if "sm3" not in bagit.CHECKSUM_ALGOS
        else "SM3 fully supported"
    )
    return list(ALGORITHMS), note


def bag_worker(listing: Path) -> None:
    """Child mode: bag every folder named in ``listing`` (one per line)."""
    import bagit

    algorithms, _ = bagit_algorithms()
    for line in listing.read_text().splitlines():
        bagit.make_bag(line, checksums=algorithms, processes=2)


def clear_runs(runs: Path) -> None:
    """Remove what an earlier benchmark left in ``runs``, then wait out the window in which ext4
    without a journal skips recently deleted inodes (``dirty_expire_centisecs``, 30 s): each
    run writes to a folder of its own and nothing is deleted until the last round is timed.
    Deleting a home between runs had every later run allocate its inodes past the deleted ones,
    slower each round (bagit too), and the runs after a deletion paid the most."""
    if runs.exists():
        remove_runs(runs)
    deleted = runs.with_name(".runs-deleted")
    if deleted.exists():  # the last benchmark's runs, deleted when it ended
        time.sleep(max(0.0, deleted.stat().st_mtime + 31 - time.time()))
    runs.mkdir(parents=True)


def remove_runs(runs: Path) -> None:
    shutil.rmtree(runs)
    runs.with_name(".runs-deleted").touch()


def time_bagit(packages: list[Path], work: Path) -> harness.Run:
    """Extract (untimed) into the new folder ``work``, then time bagit over all folders in one
    child process."""
    work.mkdir(parents=True)
    dirs = []
    for z in packages:
        target = work / z.stem
        with zipfile.ZipFile(z) as zf:
            zf.extractall(target)
        dirs.append(str(target))
    listing = work / "bags.txt"
    listing.write_text("\n".join(dirs) + "\n")
    result = harness.run([sys.executable, __file__, "--bag-worker", str(listing)])
    if result.returncode:
        raise SystemExit(f"bagit failed: {result.stderr[-2000:]}")
    return result


def time_ingest(
    folder: Path, home: Path, extra: dict[str, str] | None = None
) -> tuple[harness.Run, Counter[str]]:
    """``earchive init`` (not timed), then the timed ``earchive ingest`` into the new ``home``."""
    init = harness.earchive("init", home=home, extra=extra)
    if init.returncode:
        raise SystemExit(f"earchive init failed: {init.stderr}")
    result = harness.earchive(
        "ingest", str(folder), "--json", home=home, trust=folder / "trust", extra=extra
    )
    statuses = Counter(json.loads(line)["status"] for line in result.stdout.splitlines() if line)
    if result.returncode not in (0, 1) or not statuses:
        raise SystemExit(f"earchive ingest failed: {result.stderr[-2000:]}")
    return result, statuses


def visibility(folder: Path, out: Path, extra: dict[str, str]) -> float:
    """Seconds from an ingest's return to its archive being found, with ``earchive indexer``
    running in its own process (the ingest here does not flush: it is the pipeline alone)."""
    home = out / "ingest-home"
    env = {**os.environ, **extra, "EARCHIVE_HOME": str(home)}
    env["EARCHIVE_TRUST_DIR"] = str(folder / "trust")
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from earchive.core.archive import Archive\n"
        "from earchive.settings import Settings\n"
        "from ingest.pipeline import ingest_path\n"
        "from search import SearchQuery\n"
        "archive = Archive(Settings())\n"
        "result = ingest_path(Path(sys.argv[1]), archive.context())\n"
        "done = time.perf_counter()\n"
        "while archive.search(SearchQuery(text=result.archival_code)).total == 0:\n"
        "    time.sleep(0.01)\n"
        "print(result.status, time.perf_counter() - done)\n"
    )
    indexer = subprocess.Popen(
        [str(harness.BIN / "earchive"), "indexer"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        time.sleep(3)  # the indexer is up
        fresh = harness.cases(out, 1, 99)  # a case the home does not hold yet
        found = subprocess.run(
            [sys.executable, "-c", script, str(harness.zips(fresh)[0])],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    finally:
        indexer.terminate()
        indexer.wait(timeout=60)
    status, seconds = found.stdout.split()
    if status != "accepted":
        raise SystemExit(f"visibility case was {status}")
    return float(seconds)


def medians(runs: list[harness.Run]) -> tuple[float, float]:
    """The median wall and CPU seconds of ``runs``."""
    return (
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
    )


def accepted_by_both(out: Path, n: int, seed: int, before_env: dict[str, str]) -> Path:
    """A folder of ``n`` generated cases that the ``before`` code accepts too.

    The old code refuses some kinds this checkout takes (DOCX before they were supported), and
    refusing costs less than archiving, so a mix flatters it. Cases are generated in excess, the
    old code ingests them once (not timed), and the first ``n`` it accepted are linked here with
    the seal trust root."""
    folder = out / "cases" / f"both-accept-seed{seed}-n{n}"
    if folder.is_dir():
        return folder
    source = harness.cases(out, n * 3 // 2, seed)
    home = out / "runs" / "both-accept-trial"
    harness.earchive("init", home=home, extra=before_env)
    trial = harness.earchive(
        "ingest", str(source), "--json", home=home, trust=source / "trust", extra=before_env
    )
    results = [json.loads(line) for line in trial.stdout.splitlines() if line]
    accepted = sorted(Path(r["source"]).name for r in results if r["status"] == "accepted")
    if len(accepted) < n:
        raise SystemExit(f"the before code accepted {len(accepted)} of {len(results)}, not {n}")
    tmp = folder.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copytree(source / "trust", tmp / "trust")
    for name in accepted[:n]:
        os.link(source / name, tmp / name)
    tmp.rename(folder)
    return folder


def main() -> None:
    p = harness.parser(__doc__.splitlines()[0], cases=100)
    p.add_argument("--bag-worker", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--rounds", type=int, default=1, help="alternate the two tools this often")
    p.add_argument("--code", type=Path, help="run the earchive of this checkout instead")
    p.add_argument("--env", action="append", default=[], help="K=V for earchive (repeatable)")
    p.add_argument("--before", type=Path, help="also run this checkout's earchive each round")
    p.add_argument("--visibility", action="store_true", help="time search visibility too")
    p.add_argument(
        "--both-accept", action="store_true", help="only cases the --before code accepts too"
    )
    args = p.parse_args()
    if args.bag_worker:
        bag_worker(args.bag_worker)
        return
    print(f"machine: {harness.machine()}")
    extra = dict(kv.split("=", 1) for kv in args.env)
    if args.code:
        extra["PYTHONPATH"] = str(args.code.resolve())
    print(f"earchive code: {args.code or 'this checkout'}; environment {extra or 'default'}")
    for checkout in (harness.REPO, args.code, args.before):
        if checkout is not None:
            harness.compile_code(checkout)  # every checkout with its bytecode, as installed
    before_env = {**extra, "PYTHONPATH": str(args.before.resolve())} if args.before else None
    if args.both_accept and before_env is None:
        raise SystemExit("--both-accept needs --before")
    runs = args.out / "runs"
    clear_runs(runs)
    if args.both_accept and before_env is not None:
        folder = accepted_by_both(args.out, args.cases, args.seed, before_env)
    else:
        folder = harness.cases(args.out, args.cases, args.seed)
    packages = harness.zips(folder)
    size = harness.payload_bytes(packages)
    n = len(packages)
    shown = folder.relative_to(harness.REPO) if folder.is_relative_to(harness.REPO) else folder
    print(f"input: {n} cases, {harness.mb(size)} uncompressed, {shown}")
    algorithms, note = bagit_algorithms()
    ours_runs, theirs_runs, before_runs = [], [], []
    for round_ in range(1, args.rounds + 1):
        if before_env is not None:
            before, before_statuses = time_ingest(folder, runs / f"before-{round_}", before_env)
            before_runs.append(before)
            print(
                f"round {round_}: before ({args.before}) {before.seconds:.2f} s wall, CPU "
                f"{before.cpu_seconds:.2f} s ({before.cpu_seconds / n * 1000:.0f} ms/case), "
                f"{dict(before_statuses)}"
            )
        ours, statuses = time_ingest(folder, runs / f"ours-{round_}", extra)
        theirs = time_bagit(packages, runs / f"bagit-{round_}")
        ours_runs.append(ours)
        theirs_runs.append(theirs)
        print(
            f"round {round_}: earchive ingest {ours.seconds:.2f} s wall, CPU {ours.cpu_seconds:.2f}"
            f" s ({ours.cpu_seconds / n * 1000:.0f} ms/case), peak RSS {ours.peak_rss_mb:.0f} MB,"
            f" {dict(statuses)} | bagit {theirs.seconds:.2f} s wall, CPU"
            f" {theirs.cpu_seconds:.2f} s, peak RSS {theirs.peak_rss_mb:.0f} MB"
        )
    ow, oc = medians(ours_runs)
    tw, tc = medians(theirs_runs)
    print(
        f"earchive ingest (median of {args.rounds}): {ow:.2f} s, {n / ow:.2f} cases/s, "
        f"{size / 1e6 / ow:.1f} MB/s, CPU {oc:.2f} s = {oc / n * 1000:.0f} ms per case"
    )
    print(
        f"bagit make_bag ({'+'.join(algorithms)}, processes=2, median): {tw:.2f} s, "
        f"{n / tw:.2f} cases/s, {size / 1e6 / tw:.1f} MB/s, CPU {tc:.2f} s"
    )
    print(f"  note: {note}")
    print(
        f"ratio ours/bagit (throughput): {harness.ratio(tw, ow)}"
        f"  (target >= 1.00×); by CPU time {harness.ratio(tc, oc)}"
    )
    if before_runs:
        bw, bc = medians(before_runs)
        print(
            f"before (median of {args.rounds}): {bw:.2f} s, CPU {bc:.2f} s = "
            f"{bc / n * 1000:.0f} ms per case; by CPU time against bagit {harness.ratio(tc, bc)}"
        )
        print(
            f"CPU a case, before / this checkout: {bc / n * 1000:.0f} / {oc / n * 1000:.0f} ms "
            f"= {bc / oc:.2f}× less (target >= 2.00×)"
        )
        # the machine drifts over a run (every tool slows): within a round all three see the
        # same state, so the ratio of each round is the steadier figure
        pairs = zip(before_runs, ours_runs, strict=True)
        per_round = [b.cpu_seconds / o.cpu_seconds for b, o in pairs]
        shown = ", ".join(f"{r:.2f}" for r in per_round)
        middle = statistics.median(per_round)
        print(f"CPU ratio before / this checkout, round by round: {shown}; median {middle:.2f}×")
    if args.visibility:
        seconds = visibility(folder, args.out, extra)
        print(
            f"search visibility of a new archive with `earchive indexer` running: {seconds:.2f} s"
        )
    print(f"after: {harness.load()}")
    remove_runs(runs)  # nothing is deleted before every round is timed


if __name__ == "__main__":
    main()
