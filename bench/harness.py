"""Shared pieces of the benchmark scripts: options, cached sample cases, timed subprocesses.

Reads: nothing outside ``bench/out/`` (git-ignored) and the sample generator. Writes: cached case
packages under ``bench/out/cases/`` and scratch directories under ``bench/out/``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
BIN = Path(sys.executable).parent
GNU_TIME = Path("/usr/bin/time")


def parser(description: str, cases: int, seed: int = 2024) -> argparse.ArgumentParser:
    """An argument parser with the common ``--cases``, ``--seed`` and ``--out`` options."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--cases", type=int, default=cases, help=f"how many cases (default {cases})")
    p.add_argument("--seed", type=int, default=seed, help=f"sample seed (default {seed})")
    p.add_argument("--out", type=Path, default=OUT, help="work folder (default bench/out)")
    return p


def machine() -> str:
    """One line describing the machine the figures come from."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPUs ({model}), {mem:.1f} GiB RAM, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {load()}"
    )


#: the project's code folders (what ``pip install .`` installs, with its bytecode)
CODE_FOLDERS = ("standards", "ingest", "package", "preservation", "search", "transfer", "earchive")


def compile_code(checkout: Path) -> None:
    """Write the bytecode of ``checkout``'s modules (not timed), as an installed package has it:
    with PYTHONDONTWRITEBYTECODE set, each command would otherwise compile them all again, a
    cost no deployment pays. Each checkout measured gets the same treatment."""
    folders = [str(checkout / f) for f in (*CODE_FOLDERS, "samples") if (checkout / f).is_dir()]
    command = [sys.executable, "-m", "compileall", "-q", "-j", "0", *folders]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def cases(out: Path, n: int, seed: int, small: bool = False) -> Path:
    """A folder of ``n`` generated case ZIPs (generated once, then reused; never timed)."""
    from samples import DEFAULT_PROFILE, SMALL_PROFILE, generate

    name = f"{'small' if small else 'default'}-seed{seed}-n{n}"
    folder = out / "cases" / name
    if folder.is_dir():
        return folder
    tmp = folder.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.perf_counter()
    profile = SMALL_PROFILE if small else DEFAULT_PROFILE
    generate(n, tmp, seed=seed, size_profile=profile, workers=os.cpu_count() or 1)
    tmp.rename(folder)
    print(f"  (generated {n} cases in {time.perf_counter() - started:.0f} s, not counted)")
    return folder


def zips(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.zip"))


def payload_bytes(packages: list[Path]) -> int:
    """Uncompressed size of every file in the case ZIPs: the bytes both tools hash."""
    total = 0
    for z in packages:
        with zipfile.ZipFile(z) as zf:
            total += sum(i.file_size for i in zf.infolist() if not i.is_dir())
    return total


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the child and its children
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run(cmd: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> Run:
    """Run ``cmd``; wall time and the child's peak RSS (GNU time, else getrusage)."""
    full_env = {**os.environ, **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrapped = [str(GNU_TIME), "-v", *cmd] if GNU_TIME.exists() else cmd
    started = time.perf_counter()
    proc = subprocess.run(wrapped, env=full_env, input=stdin, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stderr = proc.stderr
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    if match:
        rss_kb = int(match.group(1))
        stderr = stderr[: match.start()].rsplit("\tCommand being timed", 1)[0]
    else:  # only a lower bound when an earlier child used more
        rss_kb = after.ru_maxrss
    return Run(seconds, cpu, rss_kb / 1024, proc.returncode, proc.stdout, stderr)


def fresh_home(out: Path, name: str) -> Path:
    """An empty EARCHIVE_HOME under ``out``."""
    home = out / name
    shutil.rmtree(home, ignore_errors=True)
    home.parent.mkdir(parents=True, exist_ok=True)
    return home


def earchive(
    *args: str, home: Path, trust: Path | None = None, extra: dict[str, str] | None = None
) -> Run:
    """Run the ``earchive`` command of this venv against ``home`` (``extra``: more environment,
    e.g. ``PYTHONPATH`` of another checkout to measure its code)."""
    env = {"EARCHIVE_HOME": str(home), **(extra or {})}
    if trust is not None:
        env["EARCHIVE_TRUST_DIR"] = str(trust)
    return run([str(BIN / "earchive"), *args], env=env)


def load() -> str:
    """The 1-minute load average: other work on the machine skews wall times."""
    one, _five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} on {os.cpu_count()} CPUs"


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "n/a"
