"""A transferred case keeps the sender's 档号 (``ingest.provenance``): taken as it is when it
follows the rule, agrees with case.xml and is free; refused with ``KEPT_CODE_UNPARSABLE``,
``KEPT_CODE_MISMATCH`` or ``KEPT_CODE_TAKEN`` otherwise; the class counter moves past it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest.pipeline import ingest_path
from ingest.provenance import Provenance

CLASS = "G002-WS·2022-D10-RKB"


@pytest.fixture(scope="module")
def two_of_a_class(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Archive, Path, Path]]:
    from samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("kept")
    generate(8, root / "cases", seed=11, size_profile=SMALL_PROFILE)
    first, second = sorted((root / "cases").glob("310115-G002-JZBL003-2022-*.zip"))
    archive = Archive(Settings(home=root / "home"))
    archive.init()
    yield archive, first, second
    archive.engine.dispose()


def _codes(result: object) -> set[str]:
    return {f.code for f in result.findings if f.failed}  # type: ignore[attr-defined]


def test_the_senders_code_is_kept_or_refused_with_the_reason(
    two_of_a_class: tuple[Archive, Path, Path],
) -> None:
    archive, first, second = two_of_a_class
    ctx = archive.context()
    detail = {"batch": "transfer-1", "sender": "某局"}

    bad = ingest_path(first, ctx, provenance=Provenance("not a code", detail))
    assert bad.status == "refused" and _codes(bad) == {"KEPT_CODE_UNPARSABLE"}

    wrong = ingest_path(first, ctx, provenance=Provenance("G002-WS·2021-D10-RKB-0007", detail))
    assert wrong.status == "refused" and _codes(wrong) == {"KEPT_CODE_MISMATCH"}
    (mismatch,) = [f for f in wrong.findings if f.code == "KEPT_CODE_MISMATCH"]
    assert (mismatch.detail["part"], mismatch.expected, mismatch.found) == ("year", "2022", "2021")
    assert list(archive.catalog.iter_archives()) == []  # refusals leave nothing stored

    kept = ingest_path(first, ctx, provenance=Provenance(f"{CLASS}-0007", detail))
    assert kept.status == "accepted" and kept.archival_code == f"{CLASS}-0007"
    with archive.open_file(kept.id, "metadata/ingest-report.json") as fp:
        report = json.loads(fp.read())
    assert report["provenance"] == {"archival_code": f"{CLASS}-0007", **detail}

    taken = ingest_path(second, ctx, provenance=Provenance(f"{CLASS}-0007", detail))
    assert taken.status == "refused" and _codes(taken) == {"KEPT_CODE_TAKEN"}

    local = ingest_path(second, ctx)  # a local allocation continues after the kept 件号
    assert local.status == "accepted" and local.archival_code == f"{CLASS}-0008"
