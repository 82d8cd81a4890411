"""Search latency and index build rate of the embedded engines at 10k, 100k or 1M archives.

``--engine tantivy`` (the default, ``search.TantivyIndex``) or ``--engine sqlite``
(``search.SqliteFtsIndex``). Synthetic documents (``bench/corpus.py``, about the size real
ingest produces) go straight into the index, not through ingest. The first 1,000 are indexed
exactly as ingest does (jieba on the whole text): that is the build rate. The rest use a
line-memoising segmenter that yields the same tokens (checked on a sample) so a 100k index builds
in minutes; then a fixed query mix is timed: Chinese words, words with filters, filters only,
档号 and 电子文件号 lookups (p50/p95/p99), and the facets are checked exact against a count.
Usage: ``.venv/bin/python bench/search.py [--engine tantivy] [--cases 10000] [--seed 7]``.
"""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

# This script is itself named ``search``: import the project package before the bench folder
# (which goes last on the path) can shadow it.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from search import (  # noqa: E402
    IndexDocument,
    SearchIndex,
    SearchQuery,
    SqliteFtsIndex,
    TantivyIndex,
)
from search.segment import Segmenter  # noqa: E402

sys.path.append(str(BENCH))

import corpus  # noqa: E402
import harness  # noqa: E402

PLAIN_DOCS = 1000
BATCH = {"sqlite": 200, "tantivy": 5000}  # documents per commit
ROUNDS = 5


class LineMemoSegmenter(Segmenter):
    """jieba per line with a memo: same tokens (lines segment independently), less work."""

    def __init__(self) -> None:
        super().__init__()
        self._memo: dict[str, str] = {}

    def segment(self, text: str, memo: bool = True) -> str:
        if not memo:
            return super().segment(text, memo=False)
        if len(self._memo) > 500_000:
            self._memo.clear()
        out = []
        for line in text.split("\n"):
            seg = self._memo.get(line)
            if seg is None:
                seg = self._memo[line] = " ".join(self.tokens(line))
            if seg:
                out.append(seg)
        return " ".join(out)


def check_same_tokens(docs: list[IndexDocument]) -> None:
    plain, memo = Segmenter(), LineMemoSegmenter()
    for d in docs:
        if plain.segment(d.text) != memo.segment(d.text):
            raise SystemExit(f"memo segmenter differs on {d.archive_id}; fix the benchmark")


def open_index(engine: str, path: Path, segmenter: Segmenter | None = None) -> SearchIndex:
    if engine == "tantivy":
        return TantivyIndex(path, segmenter=segmenter)
    return SqliteFtsIndex(path, segmenter=segmenter)


def index_path(out: Path, engine: str, n: int, seed: int) -> Path:
    if engine == "tantivy":
        return out / f"search-tantivy-{n}-seed{seed}"
    return out / f"search-{n}-seed{seed}.db"


def disk_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )


def build(engine: str, path: Path, n: int, seed: int) -> tuple[float, float]:
    """Index ``n`` documents; returns (plain docs/s, memoised docs/s)."""
    shutil.rmtree(path, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").is_file():
            Path(f"{path}{suffix}").unlink()
    plain = open_index(engine, path)
    fast = open_index(engine, path, segmenter=LineMemoSegmenter())
    check_same_tokens(list(corpus.documents(20, seed, start=n)))
    rates = []
    batch = BATCH[engine]
    for index, start, stop in ((plain, 0, min(PLAIN_DOCS, n)), (fast, min(PLAIN_DOCS, n), n)):
        if stop <= start:
            rates.append(0.0)
            continue
        started = time.perf_counter()
        at = start
        while at < stop:
            done = min(at + batch, stop)
            index.index_many(corpus.documents(done - at, seed, start=at))
            if done // 50_000 != at // 50_000 or done == stop:
                elapsed = time.perf_counter() - started
                print(f"  indexed {done:,} documents ({elapsed:.0f} s)", flush=True)
            at = done
        rates.append((stop - start) / (time.perf_counter() - started))
    return rates[0], rates[1]


def check_facets(index: SearchIndex) -> None:
    """Facet counts equal the totals of the same query filtered by each value (browse: every
    year; a broad word: every department)."""
    browse = index.search(SearchQuery())
    for name, counts in browse.facets.items():
        if sum(counts.values()) != browse.total:
            raise SystemExit(f"facet {name} sums to {sum(counts.values())}, not {browse.total}")
    checked = 0
    for year, count in browse.facets["year"].items():
        if index.search(SearchQuery(year=int(year), limit=1)).total != count:
            raise SystemExit(f"facet year {year} says {count}, the filter finds otherwise")
        checked += 1
    broad = index.search(SearchQuery(text="营业执照", limit=1))
    for department, count in broad.facets.get("department", {}).items():
        q = SearchQuery(text="营业执照", department=department, limit=1)
        if index.search(q).total != count:
            raise SystemExit(f"facet department {department} says {count}, the filter otherwise")
        checked += 1
    print(f"facets exact: {checked} facet counts equal their filtered queries' totals")


def query_mix(n: int, seed: int) -> list[tuple[str, SearchQuery]]:
    """The fixed mix: (class, query). Lookups pick documents spread over the whole index."""
    rng = random.Random(seed)
    picks = list(corpus.documents(1, seed, start=rng.randrange(n)).__next__() for _ in range(10))
    mix: list[tuple[str, SearchQuery]] = []
    for text in (
        "营业执照",
        "居住证",
        "不动产登记",
        "食品安全管理制度",
        "补齐补正",
        "法定代表人",
        "滨江路",
        "浦江 锦绣路",
        "出生医学证明 分娩记录",
        picks[0].applicant_name,
    ):
        mix.append(("words", SearchQuery(text=text)))
    mix += [
        ("words+filter", SearchQuery(text="居住证", year=2023)),
        ("words+filter", SearchQuery(text="许可", task_code="SP-JY-002")),
        ("words+filter", SearchQuery(text="准予", retention="Y")),
        ("words+filter", SearchQuery(text="申请", result="不予", year=2022)),
        ("words+filter", SearchQuery(text="营业执照", archival_code_prefix="S001-WS·2024")),
        ("filter only", SearchQuery(task_code="BDC-DJ-005", year=2022)),
        ("filter only", SearchQuery(archival_code_prefix="G002-WS·2023")),
    ]
    mix += [("档号", SearchQuery(text=d.archival_code)) for d in picks[:5]]
    mix += [("电子文件号", SearchQuery(text=d.electronic_record_code)) for d in picks[5:]]
    return mix


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_queries(
    index: SearchIndex, mix: list[tuple[str, SearchQuery]]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU milliseconds (this process, every thread) of each query, by class."""
    for _cls, q in mix:  # warm-up: page cache, jieba dictionary
        index.search(q)
    times: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for _ in range(ROUNDS):
        for cls, q in mix:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = index.search(q)
            times[cls].append((time.perf_counter() - started) * 1000)
            cpu[cls].append((time.process_time() - cpu_started) * 1000)
            if cls in ("档号", "电子文件号") and result.total != 1:
                raise SystemExit(f"lookup {q.text} found {result.total}, expected 1")
    return times, cpu


def main() -> None:
    p = harness.parser(__doc__.splitlines()[0], cases=10_000, seed=7)
    p.add_argument("--reuse", action="store_true", help="query an index built earlier")
    p.add_argument("--engine", choices=("tantivy", "sqlite"), default="tantivy")
    args = p.parse_args()
    print(f"machine: {harness.machine()}")
    print(f"engine: {args.engine}")
    args.out.mkdir(parents=True, exist_ok=True)
    path = index_path(args.out, args.engine, args.cases, args.seed)
    if args.reuse and path.exists():
        print(f"reusing {path.name}")
    else:
        started = time.perf_counter()
        plain_rate, memo_rate = build(args.engine, path, args.cases, args.seed)
        memo = f"{memo_rate:.1f} docs/s" if memo_rate else "n/a"
        print(
            f"index build: {plain_rate:.1f} docs/s as ingest does it (jieba on whole text), "
            f"{memo} with the line-memo segmenter (same tokens); "
            f"{time.perf_counter() - started:.0f} s in all"
        )
    opened = time.perf_counter()
    index = open_index(args.engine, path)
    print(f"index opened in {time.perf_counter() - opened:.1f} s")
    count = index.count()
    print(f"index: {count:,} archives, {harness.mb(disk_size(path))} on disk")
    check_facets(index)
    cpu, wall = time.process_time(), time.perf_counter()
    times, cpu_times = run_queries(index, query_mix(count, args.seed))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{'class':<14}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}"
        f"{'CPU p50':>10}{'CPU p95':>10}"
    )
    everything = [t for values in times.values() for t in values]
    all_cpu = [t for values in cpu_times.values() for t in values]
    for cls, values in [*times.items(), ("ALL", everything)]:
        used = cpu_times.get(cls, all_cpu)
        print(
            f"{cls:<14}{len(values):>5}{statistics.median(values):>10.1f}{pct(values, 95):>10.1f}"
            f"{pct(values, 99):>10.1f}{max(values):>10.1f}"
            f"{statistics.median(used):>10.1f}{pct(used, 95):>10.1f}"
        )
    print(f"p95 overall {pct(everything, 95):.1f} ms  (targets: <= 20 ms at 100k, 50 ms at 1M)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) of this process: {peak:.0f} MB")
    print(
        f"queries (warm-up included): wall {wall:.2f} s, CPU {cpu:.2f} s (both threads); "
        f"after: {harness.load()}"
    )


if __name__ == "__main__":
    main()
