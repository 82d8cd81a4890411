"""Generated sample cases for the check tests and the one-thing-changed helpers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest.pipeline import IngestResult
from package.digest import digest_bytes

NS = "urn:earchive:case:1"
Q = "{" + NS + "}"


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three small generated cases as directories, plus ``trust/seal-root.pem``."""
    from samples import SMALL_PROFILE, generate

    dest = tmp_path_factory.mktemp("check-samples")
    generate(3, dest, seed=7, size_profile=SMALL_PROFILE, as_zip=False)
    return dest


@dataclass
class Home:
    archive: Archive
    cases: Path  # a private copy of the samples, free to change

    def case(self, n: int = 0) -> Path:
        return sorted(p for p in self.cases.iterdir() if (p / "case.xml").exists())[n]

    def ingest(self, case_dir: Path) -> IngestResult:
        results = list(self.archive.ingest([case_dir]))
        assert len(results) == 1 and results[0].status == "accepted", results
        return results[0]


@pytest.fixture
def home(tmp_path: Path, samples: Path) -> Home:
    cases = tmp_path / "cases"
    shutil.copytree(samples, cases)
    settings = Settings(home=tmp_path / "home", trust_dir=cases / "trust", signing="ecdsa")
    archive = Archive(settings)
    archive.init()
    return Home(archive, cases)


def case_file(
    case_dir: Path, material_prefix: str = "", signed: bool | None = None, fmt: str = ""
) -> str | None:
    """The relative path of the first file matching name prefix, signed flag and format."""
    tree = etree.parse(str(case_dir / "case.xml"))
    for node in tree.iter(Q + "file"):
        path = node.findtext(Q + "path") or ""
        is_signed = (node.findtext(Q + "signed") or "false") == "true"
        if (
            path.split("/")[-1].startswith(material_prefix)
            and (signed is None or signed == is_signed)
            and (not fmt or node.findtext(Q + "format") == fmt)
        ):
            return path
    return None


def find_file(
    home: Home, material_prefix: str = "", signed: bool | None = None, fmt: str = ""
) -> tuple[Path, str]:
    """The first sample case holding a matching file, and that file's relative path."""
    for case_dir in sorted(p for p in home.cases.iterdir() if (p / "case.xml").exists()):
        rel = case_file(case_dir, material_prefix, signed, fmt)
        if rel is not None:
            return case_dir, rel
    raise AssertionError(f"no sample case has {material_prefix or fmt} (signed={signed})")


def rewrite(case_dir: Path, rel: str, change: Callable[[bytes], bytes | None]) -> None:
    """Change one file (None removes it) and make case.xml declare the new bytes truthfully."""
    target = case_dir / rel
    data = change(target.read_bytes())
    tree = etree.parse(str(case_dir / "case.xml"))
    files = tree.find(Q + "files")
    assert files is not None
    node = next(n for n in files if n.findtext(Q + "path") == rel)
    if data is None:
        target.unlink()
        files.remove(node)
        files.set("count", str(len(files)))
    else:
        target.write_bytes(data)
        digests = digest_bytes(data)
        node.find(Q + "size").text = str(digests.size)  # type: ignore[union-attr]
        node.find(Q + "sm3").text = digests.sm3  # type: ignore[union-attr]
        sha = node.find(Q + "sha256")
        if sha is not None:
            sha.text = digests.sha256
    tree.write(str(case_dir / "case.xml"), xml_declaration=True, encoding="UTF-8")
