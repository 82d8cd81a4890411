"""Ingest throughput: ``earchive ingest`` against LoC bagit-python bagging the same files.

Generates N cases (fixed seed, default profile; not timed), ingests them into a fresh data
directory, then extracts each ZIP to a folder (not timed) and times ``bagit.make_bag`` over all
folders (processes=2, SHA-256 + SM3 manifests). Prints cases/s, MB/s, peak RSS and the ratio.
Usage: ``.venv/bin/python bench/ingest.py [--cases 100] [--seed 2024]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
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


def time_bagit(packages: list[Path], work: Path) -> harness.Run:
    """Extract (untimed), then time bagit over all folders in one child process."""
    shutil.rmtree(work, ignore_errors=True)
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


def time_ingest(folder: Path, out: Path) -> tuple[harness.Run, Counter[str]]:
    home = harness.fresh_home(out, "ingest-home")
    init = harness.earchive("init", home=home)
    if init.returncode:
        raise SystemExit(f"earchive init failed: {init.stderr}")
    result = harness.earchive("ingest", str(folder), "--json", home=home, trust=folder / "trust")
    statuses = Counter(json.loads(line)["status"] for line in result.stdout.splitlines() if line)
    if result.returncode not in (0, 1) or not statuses:
        raise SystemExit(f"earchive ingest failed: {result.stderr[-2000:]}")
    return result, statuses


def main() -> None:
    p = harness.parser(__doc__.splitlines()[0], cases=100)
    p.add_argument("--bag-worker", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.bag_worker:
        bag_worker(args.bag_worker)
        return
    print(f"machine: {harness.machine()}")
    folder = harness.cases(args.out, args.cases, args.seed)
    packages = harness.zips(folder)
    size = harness.payload_bytes(packages)
    n = len(packages)
    shown = folder.relative_to(harness.REPO) if folder.is_relative_to(harness.REPO) else folder
    print(f"input: {n} cases, {harness.mb(size)} uncompressed, {shown}")

    ours, statuses = time_ingest(folder, args.out)
    print(
        f"earchive ingest: {ours.seconds:.1f} s, {n / ours.seconds:.2f} cases/s, "
        f"{size / 1e6 / ours.seconds:.1f} MB/s, CPU {ours.cpu_seconds:.1f} s, "
        f"peak RSS {ours.peak_rss_mb:.0f} MB, {dict(statuses)}"
    )
    algorithms, note = bagit_algorithms()
    theirs = time_bagit(packages, args.out / "bagit-bags")
    print(
        f"bagit make_bag ({'+'.join(algorithms)}, processes=2): {theirs.seconds:.1f} s, "
        f"{n / theirs.seconds:.2f} cases/s, {size / 1e6 / theirs.seconds:.1f} MB/s, "
        f"CPU {theirs.cpu_seconds:.1f} s, peak RSS {theirs.peak_rss_mb:.0f} MB"
    )
    print(f"  note: {note}")
    print(
        f"ratio ours/bagit (throughput): {harness.ratio(theirs.seconds, ours.seconds)}"
        f"  (target >= 1.00×); by CPU time {harness.ratio(theirs.cpu_seconds, ours.cpu_seconds)}"
    )
    print(f"after: {harness.load()}")


if __name__ == "__main__":
    main()
