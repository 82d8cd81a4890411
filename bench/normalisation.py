"""Preservation planning figures: OCR character accuracy and time per page on generated scans
whose text is known, conversion time per document and page (LibreOffice → Ghostscript PDF/A-2b,
Ghostscript alone for plain PDFs), and ingest throughput with normalisation and OCR off and on.

Scans: lines of Chinese built from the sample generator's word lists (names, roads, trade
names, fixed form phrases), drawn by ``samples.office.scan_png`` at a given pixel size and dpi,
read back by ``preservation.conversion.ocr_file``. Character accuracy = 1 − (Levenshtein
distance between the read text and the known text, whitespace removed) / characters known,
summed over all pages. Run the parts one after the other, never beside another benchmark.

Usage: ``.venv/bin/python bench/normalisation.py [--ocr-pages 20] [--convert 5]
[--ingest-cases 40] [--out DIR]`` (each part skipped with 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The bench folder goes last, so ``search``/``ingest`` name the project packages, not scripts.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

PHRASES = (
    "申请人承诺所提交材料真实有效",
    "经审查符合法定条件予以受理",
    "住所使用证明",
    "经营范围",
    "法定代表人",
    "统一社会信用代码",
    "本人签名",
    "联系电话",
    "受理编号",
    "办理时限为二十个工作日",
)


def known_lines(rng: random.Random, count: int) -> list[str]:
    from samples import wordlists as w

    lines = []
    for _ in range(count):
        name = rng.choice(w.SURNAMES) + rng.choice(w.GIVEN_MALE + w.GIVEN_FEMALE)
        road = rng.choice(w.ROADS)
        trade = rng.choice(w.TRADE_NAMES)
        lines.append(
            rng.choice(
                (
                    f"申请人{name}住{road}{rng.randint(1, 999)}号",
                    f"{trade}有限公司{rng.choice(PHRASES)}",
                    f"{rng.choice(PHRASES)}{rng.randint(2020, 2025)}年{rng.randint(1, 12)}月",
                )
            )
        )
    return lines


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), two rows of the table."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _squeeze(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def ocr_part(pages: int, out: Path, size: int, dpi: int) -> None:
    from preservation.conversion import ocr_file
    from samples.office import scan_png

    rng = random.Random(2026)
    errors = chars = 0
    seconds = 0.0
    confidences = []
    for number in range(pages):
        lines = known_lines(rng, 8)
        page = out / f"scan-{number}.png"
        page.write_bytes(scan_png(lines, size=size, dpi=dpi))
        work = out / f"ocr-{number}"
        work.mkdir()
        started = time.perf_counter()
        result = ocr_file(page, False, work, timeout=300, memory_bytes=2 << 30)
        seconds += time.perf_counter() - started
        known, read = _squeeze("".join(lines)), _squeeze(result.text)
        errors += levenshtein(read, known)
        chars += len(known)
        confidences.append(result.confidence)
    accuracy = 1 - errors / chars
    print(f"OCR {result.tool} ({result.options}), {pages} pages at {size} px / {dpi} dpi:")
    print(f"  character accuracy {accuracy:.2%} ({errors} edits over {chars} known characters)")
    print(f"  mean confidence {sum(confidences) / len(confidences):.1f}")
    print(f"  OCR time per page {seconds / pages:.2f} s")


def convert_part(count: int, out: Path) -> None:
    from preservation.conversion import ConversionLimits, make_copy
    from preservation.formats import identify
    from samples.office import docx_bytes, plain_pdf_bytes, xlsx_bytes
    from standards.format_policy import format_policy

    rng = random.Random(7)
    kinds = {
        "docx": lambda n: docx_bytes(known_lines(rng, 40 + n)),
        "xlsx": lambda n: xlsx_bytes([[i, line] for i, line in enumerate(known_lines(rng, 60))]),
        "pdf": lambda n: plain_pdf_bytes(known_lines(rng, 30)),
    }
    for suffix, make in kinds.items():
        seconds, pages, failed = 0.0, 0, 0
        tools = ""
        for n in range(count):
            original = out / f"doc-{suffix}-{n}.{suffix}"
            original.write_bytes(make(n))
            kind = identify(original).name
            work = out / f"convert-{suffix}-{n}"
            work.mkdir()
            started = time.perf_counter()
            outcome = make_copy(
                original, kind, format_policy().for_format(kind), work, ConversionLimits()
            )
            seconds += time.perf_counter() - started
            if outcome.manual or outcome.path is None:
                failed += 1
                print(f"  {original.name}: {outcome.reason}")
                continue
            import pikepdf

            with pikepdf.open(outcome.path) as pdf:
                pages += len(pdf.pages)
            tools = " + ".join(f"{s.tool} {s.version}" for s in outcome.steps)
        done = count - failed
        print(
            f"convert {suffix.upper()} → PDF/A-2b ({tools}): {done}/{count} valid, "
            f"{seconds / count:.2f} s per document, {seconds / max(pages, 1):.2f} s per page "
            f"(checks included)"
        )


def _ingest(home: Path, samples: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "earchive", "ingest", str(samples), "--json", "--workers", "2"],
        env={**env, "EARCHIVE_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed: {proc.stderr[-2000:]}")
    return seconds, proc.stdout


def ingest_part(cases: int, out: Path) -> None:
    from samples import SMALL_PROFILE, generate

    samples = out / "samples"
    generate(cases, samples, seed=5, size_profile=SMALL_PROFILE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    configurations = (
        ("normalisation and OCR off", {}),
        ("normalisation on for every fonds", {"EARCHIVE_NORMALISE_FONDS": "*"}),
        (
            "normalisation and OCR on for every fonds",
            {"EARCHIVE_NORMALISE_FONDS": "*", "EARCHIVE_OCR_FONDS": "*"},
        ),
    )
    for number, (label, extra) in enumerate(configurations):
        seconds, lines = _ingest(out / f"home-{number}", samples, {**env, **extra})
        jobs = [json.loads(line) for line in lines.splitlines() if "preservation_jobs" in line]
        preserved = sum(int(j["preservation_jobs"]) for j in jobs)
        print(
            f"ingest {cases} cases, {label}: {seconds:.1f} s ({cases / seconds:.2f} cases/s; "
            f"{preserved} preservation jobs done)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ocr-pages", type=int, default=20)
    parser.add_argument("--ocr-size", type=int, default=32, help="glyph size in pixels")
    parser.add_argument("--ocr-dpi", type=int, default=200)
    parser.add_argument("--convert", type=int, default=5, help="documents of each kind")
    parser.add_argument("--ingest-cases", type=int, default=40)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    missing = [t for t in ("soffice", "gs", "tesseract", "pdftoppm") if not shutil.which(t)]
    if missing:
        raise SystemExit(f"missing tools: {', '.join(missing)} (scripts/setup.sh installs them)")
    with tempfile.TemporaryDirectory(prefix="bench-preservation-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        if args.ocr_pages:
            ocr_part(args.ocr_pages, out, args.ocr_size, args.ocr_dpi)
        if args.convert:
            convert_part(args.convert, out)
        if args.ingest_cases:
            ingest_part(args.ingest_cases, out)


if __name__ == "__main__":
    main()
