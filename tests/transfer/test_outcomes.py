"""What a receipt decides for each sent archive, and what a YJ run tells the transfer package —
pure rules of ``transfer``, no application."""

from __future__ import annotations

from datetime import UTC, date, datetime

from standards.finding import Finding, Status
from transfer import (
    REWORK,
    TRANSFERRED,
    Receipt,
    ReceiptItem,
    TransferPolicy,
    check_outcome,
    compressed_paths,
    decide_outcomes,
)

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
BAD = Finding("EEP_CONTENT_DIGEST_MISMATCH", Status.FAIL, "digest differs", dat70="YJ-1-1")
OK = Finding("EEP_CONTENT_VERIFIED", Status.PASS, "all match", dat70="YJ-1-1")


def _receipt(
    code: str, items: tuple[ReceiptItem, ...], findings: tuple[Finding, ...] = ()
) -> Receipt:
    return Receipt("B1", code, AT, "bureau", items, findings)


def test_accepted_items_are_transferred_and_kept_the_policy_years() -> None:
    policy = TransferPolicy.load()
    receipt = _receipt(
        "archiving_failed",
        (
            ReceiptItem("Z1-2026-0001", "a.eep.xml", "accepted", (OK,), "bureau-7"),
            ReceiptItem("Z1-2026-0002", "b.eep.xml", "digest_failed", (OK, BAD)),
        ),
    )
    sent = {"Z1-2026-0001": "arch-1", "Z1-2026-0002": "arch-2"}
    first, second = decide_outcomes(receipt, sent, policy)
    assert (first.archive_id, first.status, first.receiver_id) == (
        "arch-1",
        TRANSFERRED,
        "bureau-7",
    )
    assert first.kept_until == policy.kept_until(date(2026, 3, 4)) and first.findings == ()
    assert (second.archive_id, second.status, second.code) == ("arch-2", REWORK, "digest_failed")
    assert second.findings == (BAD,) and second.kept_until is None


def test_items_the_receipt_does_not_name_take_the_package_verdict() -> None:
    receipt = _receipt("unpack_failed", (), (BAD, OK))
    (only,) = decide_outcomes(receipt, {"Z1-2026-0003": "arch-3"}, TransferPolicy.load())
    assert (only.status, only.code, only.findings) == (REWORK, "unpack_failed", (BAD,))


def test_a_yj_run_is_counted_per_property_and_encryption_is_noticed() -> None:
    encrypted = Finding("FILE_ENCRYPTED", Status.FAIL, "encrypted")
    results = [("YJ-1-1", OK), ("YJ-1-1", BAD), ("YJ-3-4", encrypted), ("odd", OK)]
    outcome = check_outcome("arch-1", True, results, ("A/x.zip",))
    assert outcome.counts == {"1": {"PASS": 1, "FAIL": 1}, "3": {"FAIL": 1}, "?": {"PASS": 1}}
    assert outcome.encrypted and outcome.failed and outcome.compressed == ("A/x.zip",)
    assert not check_outcome("arch-2", False, [("YJ-1-1", OK)]).encrypted


def test_compressed_files_by_format_or_name() -> None:
    files = [("A/a.pdf", "PDF"), ("A/b.bin", "zip"), ("B/c.tar.gz", ""), ("B/d.ofd", "OFD")]
    assert compressed_paths(files) == ("A/b.bin", "B/c.tar.gz")
