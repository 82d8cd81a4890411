"""The one table of errors → exit codes (``earchive.cli.support.EXITS``): the first matching row
wins, so a row below a row of one of its base classes would never be used."""

from __future__ import annotations

from earchive.cli.support import EXITS, exit_for
from transfer import PolicyError, TransferError


def test_no_row_is_shadowed_by_an_earlier_one() -> None:
    shadowed = [
        (kind.__name__, earlier.__name__)
        for i, (kind, _, _) in enumerate(EXITS)
        for earlier, _, _ in EXITS[:i]
        if issubclass(kind, earlier)
    ]
    assert shadowed == []


def test_a_malformed_transfer_policy_is_a_configuration_error() -> None:
    assert exit_for(PolicyError("cron expression needs 5 fields")) == ("configuration error", 2)
    assert exit_for(TransferError("delivery refused")) == ("transfer failed", 1)
