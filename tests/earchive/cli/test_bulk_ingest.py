"""Issue 2's acceptance run, at the suite's size: 500 generated cases ingest in one run; each is
findable by its 电子文件号, by its 档号 and by a Chinese word from its PDFs; re-ingesting all adds
nothing. The cases are generated and ingested once for the module (the fixture: generating is
half of its time); each test checks one promise of that run. It ran with 1,000 cases until that
fixture alone neared the suite's two-minute limit per test; the runs at scale (to 100,000 cases)
are ``bench/scaling.py``'s (BENCHMARKS.md §4)."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.settings import Settings
from samples import SMALL_PROFILE, generate
from search import SearchQuery, tokens
from tests.earchive.conftest import PASSPHRASE, Cli

N = 500


def _pdf_word(zip_dir: Path, case_dir: Path, metadata_text: str) -> str:
    """A Chinese word that the case's PDFs carry and its case.xml does not."""
    for pdf in sorted(case_dir.rglob("*.pdf")):
        out = subprocess.run(
            ["pdftotext", "-q", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for word in tokens(out):
            if (
                len(word) >= 2
                and all("\u4e00" <= ch <= "\u9fff" for ch in word)
                and word not in metadata_text
            ):
                return word
    raise AssertionError(f"no PDF-only Chinese word in {case_dir}")


@dataclass
class Run:
    cli: Cli
    cases: Path
    results: list[dict[str, object]]


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """``N`` small generated cases, ingested by one ``earchive ingest`` run."""
    root = tmp_path_factory.mktemp("bulk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    env["EARCHIVE_HOME"] = str(root / "home")
    env["EARCHIVE_KEY_PASSPHRASE"] = PASSPHRASE
    cli = Cli(home=root / "home", env=env)
    cases = root / "cases"
    generate(N, cases, seed=1000, size_profile=SMALL_PROFILE, workers=2)
    assert len(list(cases.glob("*.zip"))) == N
    return Run(cli, cases, cli.json_lines("ingest", str(cases)))


@pytest.mark.slow
def test_every_case_is_accepted_and_found_by_its_codes(bulk: Run) -> None:
    results = bulk.results
    assert len(results) == N
    assert {r["status"] for r in results} == {"accepted"}
    assert len({r["archival_code"] for r in results}) == N
    archive = Archive(Settings(home=bulk.cli.home))
    for r in results:
        for query in (str(r["electronic_record_code"]), str(r["archival_code"])):
            hits = archive.search(SearchQuery(text=query, limit=5)).hits
            assert hits and hits[0].archive_id == r["id"], query


@pytest.mark.slow
def test_a_word_of_a_cases_pdfs_finds_it(bulk: Run, tmp_path: Path) -> None:
    """A word from the PDFs' text (not in case.xml) finds the case: every 10th case."""
    archive = Archive(Settings(home=bulk.cli.home))
    for r in bulk.results[::10]:
        src = Path(str(r["source"]))
        case_dir = tmp_path / "x" / src.stem
        with zipfile.ZipFile(src) as zf:
            zf.extractall(case_dir)
        metadata_text = (case_dir / "case.xml").read_text("utf-8")
        word = _pdf_word(bulk.cases, case_dir, metadata_text)
        found = archive.search(SearchQuery(text=word, limit=200))
        ids = [h.archive_id for h in found.hits]
        assert r["id"] in ids or found.total > 200, (word, r["id"])
        narrowed = archive.search(
            SearchQuery(text=word, archival_code_prefix=str(r["archival_code"]), limit=5)
        )
        assert [h.archive_id for h in narrowed.hits] == [r["id"]], word


@pytest.mark.slow
def test_ingesting_them_again_adds_nothing(bulk: Run) -> None:
    again = bulk.cli.json_lines("ingest", str(bulk.cases))
    assert len(again) == N and {a["status"] for a in again} == {"duplicate"}
    archive = Archive(Settings(home=bulk.cli.home))
    assert archive.catalog.count() == N
    events = [json.loads(json.dumps(e.__dict__, default=str)) for e in archive.events.iter_events()]
    assert sum(1 for e in events if e["outcome"] == "accepted") == N
