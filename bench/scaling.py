"""Scaling: does ingest cost stay linear and memory flat as the archive grows?

Two series, each size in a fresh child process (wall time, peak RSS from GNU time):

1. ``earchive ingest`` of N cases into a fresh data directory. Generating thousands of real cases
   takes ~0.2 s each, so the N packages are *clones*: a pool of generated small-profile cases
   whose ``case.xml`` gets a new, unique 电子文件号 (every other byte, seals included, unchanged).
   Each clone is a distinct archive to the pipeline (new 档号, catalog row, OCFL object, index doc).
2. The search index alone (``bench/search.py``) at 1k, 10k and 100k synthetic archives: build
   rate, p95 query latency, peak RSS.

Usage: ``.venv/bin/python bench/scaling.py [--sizes 200,1000] [--index-sizes 1000,10000]``, or
``--curve 100000 --reap`` for one ingest run with figures at checkpoints (BENCHMARKS.md §4).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# The bench folder goes last, so ``search``/``ingest`` name the project packages, not scripts.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import harness  # noqa: E402

POOL = 20
ERC = re.compile(rb"<electronic_record_code>([0-9A-Z-]+)-(\d{6})</electronic_record_code>")
ORG = re.compile(rb"<organization_code>([0-9A-Z]{2,6})</organization_code>")


def clone(pool: list[Path], n: int, dest: Path, start: int = 0, variant: int = 0) -> Path:
    """``n`` packages made from ``pool`` with unique 电子文件号 (serials ``start`` + 000001…).

    A ``variant`` above 0 is appended to the 机构(问题)代码 (``DJK`` → ``DJK3``), which puts the
    clones in 档号 classes of their own: a class holds 9,999 件 (four-digit 件号), and a pool of
    20 cases spans only a handful of classes, so a long run of one variant fills them (the 100k
    curve stopped at ~60k that way). The curve gives each folder of 10,000 its own variant.
    """
    if dest.is_dir() and len(harness.zips(dest)) == n:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copytree(pool[0].parent / "trust", dest / "trust")
    for k in range(start, start + n):
        base = pool[k % len(pool)]
        with zipfile.ZipFile(base) as src:
            xml = src.read("case.xml")
            match = ERC.search(xml)
            if match is None:
                raise SystemExit(f"no 电子文件号 in {base.name}")
            erc = f"{match.group(1).decode()}-{k + 1:06d}"
            new_xml = xml[: match.start(2)] + f"{k + 1:06d}".encode() + xml[match.end(2) :]
            if variant:
                org = ORG.search(new_xml)
                if org is None:
                    raise SystemExit(f"no 机构代码 in {base.name}")
                suffix = str(variant).encode()
                new_xml = new_xml[: org.end(1)] + suffix + new_xml[org.end(1) :]
            with zipfile.ZipFile(dest / f"{erc}.zip", "w") as out:
                for info in src.infolist():
                    data = new_xml if info.filename == "case.xml" else src.read(info)
                    out.writestr(info, data, compress_type=info.compress_type)
    return dest


def ingest_series(args: object, sizes: list[int]) -> list[tuple[int, float, float, float, int]]:
    out: Path = args.out  # type: ignore[attr-defined]
    pool = harness.zips(harness.cases(out, POOL, args.seed, small=True))  # type: ignore[attr-defined]
    rows = []
    for n in sizes:
        folder = clone(pool, n, out / "cases" / f"clones-seed{args.seed}-n{n}")  # type: ignore[attr-defined]
        home = harness.fresh_home(out, f"scaling-home-{n}")
        harness.earchive("init", home=home)
        run = harness.earchive("ingest", str(folder), "--json", home=home, trust=folder / "trust")
        accepted = sum('"status": "accepted"' in line for line in run.stdout.splitlines())
        rows.append((n, run.seconds, run.cpu_seconds, run.peak_rss_mb, accepted))
        print(
            f"  ingest {n:>6,} cases: {run.seconds:8.1f} s, {1000 * run.seconds / n:6.1f} ms/case "
            f"(CPU {1000 * run.cpu_seconds / n:6.1f} ms/case), peak RSS {run.peak_rss_mb:5.0f} MB, "
            f"accepted {accepted}; {harness.load()}",
            flush=True,
        )
        shutil.rmtree(home, ignore_errors=True)
    return rows


CHUNK = 10_000  # clones per folder; the curve run ingests the folders in order


def _tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _proc_figures(pid: int) -> tuple[float, float, float]:
    """Of ``pid``'s process tree: CPU seconds (waited-for children included), the largest peak
    RSS so far of one process (VmHWM) and the sum of their current RSS, in MB."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu, hwm, rss = 0.0, 0.0, 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        cpu += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                hwm = max(hwm, int(line.split()[1]) / 1024)
            elif line.startswith("VmRSS:"):
                rss += int(line.split()[1]) / 1024
    return cpu, hwm, rss


class _Memory:
    """Samples the ingest's process tree every 2 s: the largest peak RSS of one process, and
    the largest sum of the tree's current RSS, seen so far (short-lived processes included when
    they live through a sample)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.tree = pid, 0.0, 0.0
        self._lock = threading.Lock()  # the sampler thread and the checkpoints both sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> float:
        """Take a sample now; the CPU seconds of the tree."""
        cpu, hwm, rss = _proc_figures(self.pid)
        with self._lock:
            self.peak = max(self.peak, hwm)
            self.tree = max(self.tree, rss)
        return cpu

    def _run(self) -> None:
        while not self._stop.wait(2.0):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def ingest_curve(args: object, n: int) -> None:
    """One ``earchive ingest`` of ``n`` clones; at checkpoints the cases done, wall and CPU time
    per case since the previous checkpoint, and the memory of the ingest process tree so far
    (the largest peak RSS of one process, and the largest sum of the tree's RSS)."""
    out: Path = args.out  # type: ignore[attr-defined]
    seed: int = args.seed  # type: ignore[attr-defined]
    reap: bool = args.reap  # type: ignore[attr-defined]
    pool = harness.zips(harness.cases(out, POOL, seed, small=True))
    started = time.perf_counter()
    size = min(CHUNK, n)
    starts = range(0, n, size)
    folders = [
        out
        / "cases"
        / (
            f"clones-seed{seed}-n{size}"
            if k == 0
            else f"clones-seed{seed}-s{k}-v{k // size}-n{size}"
        )
        for k in starts
    ]
    with ProcessPoolExecutor(os.cpu_count() or 1) as workers:
        variants = range(len(folders))
        list(
            workers.map(
                clone, [pool] * len(folders), [size] * len(folders), folders, starts, variants
            )
        )
    print(f"  (cloned {n:,} packages in {time.perf_counter() - started:.0f} s, not counted)")
    home = harness.fresh_home(out, f"scaling-home-{n}")
    harness.earchive("init", home=home)
    env = {
        **os.environ,
        "EARCHIVE_HOME": str(home),
        "EARCHIVE_TRUST_DIR": str(folders[0] / "trust"),
    }
    cmd = [str(harness.BIN / "earchive"), "ingest", *map(str, folders), "--json"]
    checkpoints = {1_000, 2_000, 5_000} | set(range(10_000, n + 1, 10_000))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    memory = _Memory(proc.pid)
    accepted = 0
    last = (0, 0.0, 0.0)
    assert proc.stdout is not None
    for done, line in enumerate(proc.stdout, 1):
        accepted += '"status": "accepted"' in line
        if reap and done % size == 0:
            # Results come in input order, so that folder is ingested: its packages' disk goes
            # to the growing home (its trust folder stays: the run reads the first one's).
            for package in harness.zips(folders[done // size - 1]):
                package.unlink()
        if done in checkpoints:
            wall = time.perf_counter() - t0
            cpu = memory.sample()
            n0, w0, c0 = last
            print(
                f"  at {done:>7,} cases ({accepted:,} accepted): {wall:7.0f} s; since {n0:,}: "
                f"{1000 * (wall - w0) / (done - n0):5.1f} ms/case wall, "
                f"{1000 * (cpu - c0) / (done - n0):5.1f} ms/case CPU; peak RSS of one process "
                f"{memory.peak:4.0f} MB, of the tree {memory.tree:4.0f} MB; {harness.load()}",
                flush=True,
            )
            last = (done, wall, cpu)
    memory.stop()
    if proc.wait():
        raise SystemExit(f"ingest exited {proc.returncode}")
    print(f"  ingest exited 0 after {time.perf_counter() - t0:.0f} s", flush=True)


def index_series(args: object, sizes: list[int]) -> list[tuple[int, float, float, str]]:
    rows = []
    for n in sizes:
        cmd = [sys.executable, str(BENCH / "search.py"), "--cases", str(n), "--out", str(args.out)]  # type: ignore[attr-defined]
        run = harness.run(cmd)
        if run.returncode:
            raise SystemExit(f"search bench failed: {run.stderr[-2000:]}")
        p95 = re.search(r"p95 overall ([\d.]+) ms", run.stdout)
        build = re.search(r"index build: .*", run.stdout)
        rows.append((n, run.seconds, run.peak_rss_mb, p95.group(1) if p95 else "?"))
        print("".join(f"    | {line}\n" for line in run.stdout.splitlines()[1:]), end="")
        print(
            f"  index {n:>7,} docs: {run.seconds:8.1f} s (build + queries), peak RSS "
            f"{run.peak_rss_mb:5.0f} MB, p95 {rows[-1][3]} ms; {build.group(0) if build else ''}",
            flush=True,
        )
    return rows


def growth(first: float, last: float) -> str:
    return f"{100 * (last - first) / first:+.0f}%"


def main() -> None:
    p = harness.parser(__doc__.splitlines()[0], cases=0)
    p.add_argument("--sizes", default="200,1000", help="ingest sizes (default 200,1000)")
    p.add_argument("--index-sizes", default="1000,10000", help="index sizes (default 1000,10000)")
    p.add_argument(
        "--curve", type=int, default=0, help="one ingest of N clones, figures at checkpoints"
    )
    p.add_argument(
        "--reap",
        action="store_true",
        help="with --curve: delete each folder of clones once ingested (100k needs ~70 GB without)",
    )
    args = p.parse_args()
    print(f"machine: {harness.machine()}")
    if args.curve:
        print(f"ingest curve (one run of {args.curve:,} clones of {POOL} small-profile cases):")
        ingest_curve(args, args.curve)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    index_sizes = [int(s) for s in args.index_sizes.split(",") if s]
    if sizes:
        print(f"ingest series (clones of {POOL} small-profile cases):")
        rows = ingest_series(args, sizes)
        for (n0, t0, c0, m0, _), (n1, t1, c1, m1, _) in itertools.pairwise(rows):
            print(
                f"  {n0:,} → {n1:,}: wall time per case ×{(t1 / n1) / (t0 / n0):.2f}, CPU time "
                f"per case ×{(c1 / n1) / (c0 / n0):.2f} (1.00 = linear), peak RSS {growth(m0, m1)}"
            )
    if index_sizes:
        print("index series (synthetic documents, bench/search.py):")
        irows = index_series(args, index_sizes)
        (n0, _, m0, _), (n1, _, m1, _) = irows[0], irows[-1]
        print(f"  {n0:,} → {n1:,}: peak RSS {growth(m0, m1)}  (target < +20% from 10k to 100k)")


if __name__ == "__main__":
    main()
