"""The bureau's receiving inbox (``transfer.inbox``), without the application: files land whole or
not at all, digests are checked on the way, names are safe, a closed batch takes nothing more."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from transfer.errors import (
    BatchClosedError,
    DigestMismatchError,
    TooLargeError,
    UnknownSenderError,
    UnsafeUploadError,
)
from transfer.inbox import Inbox

DATA = "移交包里的一份文件".encode() * 100


def _digests(data: bytes) -> tuple[str, str]:
    return hashlib.new("sm3", data).hexdigest(), hashlib.sha256(data).hexdigest()


@pytest.fixture
def events() -> list[tuple[str, str, str, dict[str, str]]]:
    return []


@pytest.fixture
def inbox(tmp_path: Path, events: list[tuple[str, str, str, dict[str, str]]]) -> Inbox:
    def record(sender: str, batch: str, outcome: str, **detail: str) -> None:
        events.append((sender, batch, outcome, detail))

    return Inbox(tmp_path / "incoming", limit=4096, on_event=record)


def _send(inbox: Inbox, path: str, data: bytes, declared: bytes | None = None) -> bool:
    sm3, sha = _digests(data if declared is None else declared)
    upload = inbox.begin("city-a", "B1", path, sm3, sha, len(data))
    for start in range(0, len(data), 1000):
        upload.write(data[start : start + 1000])
    return upload.finish()


def test_a_file_lands_whole_and_is_listed_with_its_digests(inbox: Inbox, events: list) -> None:
    assert _send(inbox, "电子档案/x.eep.xml", DATA) is True
    files, closed = inbox.listing("city-a", "B1")
    assert list(files) == ["电子档案/x.eep.xml"] and not closed
    assert (files["电子档案/x.eep.xml"].sm3, files["电子档案/x.eep.xml"].sha256) == _digests(DATA)
    assert not list((inbox.batch_dir("city-a", "B1") / ".tmp").iterdir())  # no part left
    assert events[-1][2] == "stored" and events[-1][3]["sm3"] == _digests(DATA)[0]
    assert _send(inbox, "电子档案/x.eep.xml", DATA) is False  # the same bytes again: unchanged
    assert events[-1][2] == "unchanged"


def test_bytes_that_differ_from_the_declared_digests_never_land(inbox: Inbox, events: list) -> None:
    with pytest.raises(DigestMismatchError, match="declared"):
        _send(inbox, "a.txt", DATA, declared=DATA + b"!")
    assert inbox.listing("city-a", "B1")[0] == {}
    assert events[-1][2] == "refused" and events[-1][3]["path"] == "a.txt"


@pytest.mark.parametrize("path", ["../escape", "/abs", "a/../../b", ".hidden/x", "a/.tmp/x"])
def test_unsafe_paths_are_refused_before_anything_is_written(inbox: Inbox, path: str) -> None:
    sm3, sha = _digests(DATA)
    with pytest.raises(UnsafeUploadError):
        inbox.begin("city-a", "B1", path, sm3, sha, len(DATA))
    assert not (inbox.root / "city-a" / "B1" / "B1").exists()


def test_names_limits_and_declarations_are_checked(inbox: Inbox) -> None:
    sm3, sha = _digests(DATA)
    with pytest.raises(UnknownSenderError):
        inbox.begin("../x", "B1", "a", sm3, sha, 1)
    with pytest.raises(UnsafeUploadError):
        inbox.begin("city-a", "..", "a", sm3, sha, 1)
    with pytest.raises(UnsafeUploadError, match="64 hex"):
        inbox.begin("city-a", "B1", "a", "abc", sha, 1)
    with pytest.raises(TooLargeError):
        inbox.begin("city-a", "B1", "a", sm3, sha, 5000)  # declared over the limit
    upload = inbox.begin("city-a", "B1", "a", sm3, sha, None)  # undeclared length: counted
    with pytest.raises(TooLargeError):
        upload.write(DATA * 2)
    assert not list((inbox.batch_dir("city-a", "B1") / ".tmp").iterdir())


def test_a_batch_with_its_receipt_takes_nothing_more(inbox: Inbox) -> None:
    sm3, sha = _digests(DATA)
    upload = inbox.begin("city-a", "B1", "late.txt", sm3, sha, len(DATA))
    upload.write(DATA)
    with inbox.locked("city-a", "B1"):
        inbox.receipt_path("city-a", "B1").write_bytes(b"{}")
    assert inbox.closed("city-a", "B1") and inbox.listing("city-a", "B1")[1]
    with pytest.raises(BatchClosedError):
        upload.finish()  # began before the receipt, finished after: refused
    with pytest.raises(BatchClosedError):
        inbox.begin("city-a", "B1", "later.txt", sm3, sha, len(DATA))
    assert inbox.listing("city-a", "B1")[0] == {}
